//! Placeholder until the generator lands (replaced by the real module).
use anyhow::Result;
pub struct GenerateOptions {
    pub events: Option<u64>,
    pub customers: Option<u64>,
    pub seed: u64,
    pub start: i64,
    pub days: u32,
    pub conversion_boost: f64,
}
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputKind {
    Csv,
    CsvGz,
    Parquet,
}
#[derive(Debug, Clone, serde::Serialize)]
pub struct GenerateSummary {
    pub events: u64,
    pub customers: u64,
    pub conversions: u64,
}
pub fn write_log(
    _opts: &GenerateOptions,
    _kind: OutputKind,
    _out: &mut dyn std::io::Write,
) -> Result<GenerateSummary> {
    anyhow::bail!("not yet")
}
