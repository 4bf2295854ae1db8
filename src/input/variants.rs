//! Reading path variants tables (docs/variants.md): recognised by their columns, checked row
//! by row, merged when there are several.

use std::collections::HashMap;

use anyhow::{anyhow, bail, Result};
use polars::prelude::DataType;

use super::files::{resolve_inputs, FileSet, InputFile};
use super::read;
use crate::analysis::variants::{decode, COLUMNS, VERSION};
use crate::settings::OptionsInForce;
use crate::text::excerpt;

/// One row of a variants table.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantRow {
    pub touchpoints: Vec<String>,
    pub channels: Option<Vec<String>>,
    pub touches: u32,
    pub journeys: u64,
    pub conversions: u64,
    pub value: Option<f64>,
}

/// Every row of every variants table given, with what they say together.
#[derive(Debug, Default)]
pub struct VariantsInput {
    pub rows: Vec<VariantRow>,
    /// The options the tables were made with (the same in every table).
    pub options: OptionsInForce,
    /// The files, as messages name them.
    pub files: Vec<String>,
    /// The median duration of each touchpoint sequence and each channel sequence (as text);
    /// `None` for a sequence found in more than one table (a median of medians is not one).
    pub touchpoint_median: HashMap<String, Option<f64>>,
    pub channel_median: HashMap<String, Option<f64>>,
    /// Whether some table has a value column.
    pub has_value: bool,
}

/// The files of `inputs` when every one is a variants table; `None` when none is. A mix is an
/// error, and so is standard input (it cannot be looked at twice).
pub fn detect(source: &super::SourceSpec) -> Result<Option<Vec<InputFile>>> {
    let inputs = &source.inputs;
    if inputs.is_empty() || inputs.iter().any(|i| i == "-") {
        return Ok(None);
    }
    let mut seen = FileSet::default();
    let files = resolve_inputs(inputs, source.format, &mut seen)?;
    let mut kinds = Vec::new();
    for f in &files {
        // A variants table is CSV or Parquet; opening JSON Lines would read the whole file.
        if f.format == super::InputFormat::Jsonl {
            kinds.push(false);
            continue;
        }
        let o = read::open(f, source.delimiter)?;
        kinds.push(o.columns.iter().any(|c| c == "variants_version"));
    }
    match (kinds.iter().all(|k| *k), kinds.iter().any(|k| *k)) {
        (true, _) => Ok(Some(files)),
        (false, false) => Ok(None),
        (false, true) => {
            let table = files[kinds.iter().position(|k| *k).unwrap()].label.clone();
            let events = files[kinds.iter().position(|k| !*k).unwrap()].label.clone();
            bail!("{table} is a variants table and {events} is not: analyse events or variants tables, not both in one run")
        }
    }
}

/// Reads and checks the tables; their rows are summed by the analyses (they are journeys).
// Row i is read across the columns: an index, not an iterator over one column.
#[allow(clippy::needless_range_loop)]
pub fn read_tables(files: &[InputFile]) -> Result<VariantsInput> {
    let mut out = VariantsInput::default();
    let mut options: Option<(String, String)> = None;
    let mut seen_in: HashMap<(bool, String), usize> = HashMap::new();
    let mut with_channels: Option<(bool, String)> = None;
    for (file_index, f) in files.iter().enumerate() {
        let label = &f.label;
        let o = read::open(f, None)?;
        for c in COLUMNS {
            if !o.columns.iter().any(|x| x == c) {
                bail!(
                    "{label}: a variants table needs the column '{c}' (found: {}); make it again with journeymap variants or journeymap sql",
                    o.columns.join(", ")
                );
            }
        }
        let df = o.read(&COLUMNS.map(String::from))?;
        let text = |name: &str| -> Result<Vec<Option<String>>> {
            let col = df
                .column(name)
                .map_err(|e| anyhow!("{label}: {e}"))?
                .cast(&DataType::String)
                .map_err(|e| anyhow!("{label}: column '{name}': {e}"))?;
            let s = col.str().map_err(|e| anyhow!("{label}: {e}"))?;
            Ok((0..s.len())
                .map(|i| s.get(i).map(str::to_string).filter(|v| !v.is_empty()))
                .collect())
        };
        let cols: Vec<Vec<Option<String>>> =
            COLUMNS.iter().map(|c| text(c)).collect::<Result<_>>()?;
        for i in 0..df.height() {
            // A CSV's data starts on line 2; a Parquet row is counted from 1.
            let at = match f.format {
                super::InputFormat::Parquet => format!("{label} row {}", i + 1),
                _ => format!("{label} line {}", i + 2),
            };
            let cell = |c: usize| cols[c][i].as_deref();
            let int = |c: usize| -> Result<u64> {
                let v = cell(c).unwrap_or("");
                v.trim().trim_end_matches(".0").parse::<u64>().map_err(|_| {
                    anyhow!(
                        "{at}: {} is '{}', not a whole number",
                        COLUMNS[c],
                        excerpt(v)
                    )
                })
            };
            let number = |c: usize| -> Result<Option<f64>> {
                cell(c)
                    .map(|v| {
                        v.trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|x| x.is_finite())
                            .ok_or_else(|| {
                                anyhow!("{at}: {} is '{}', not a number", COLUMNS[c], excerpt(v))
                            })
                    })
                    .transpose()
            };
            let version = int(0)?;
            if version != u64::from(VERSION) {
                bail!("{at}: variants_version is {version}; this journeymap reads version {VERSION} (docs/variants.md)");
            }
            let seq = |c: usize| -> Result<Vec<String>> {
                let names = decode(cell(c).unwrap_or(""))
                    .map_err(|e| anyhow!("{at}: {}: {e}", COLUMNS[c]))?;
                if names.iter().any(String::is_empty) {
                    bail!("{at}: {} has an empty name", COLUMNS[c]);
                }
                Ok(names)
            };
            let touchpoints = seq(1)?;
            let channels = cell(2).map(|_| seq(2)).transpose()?;
            match &with_channels {
                None => with_channels = Some((channels.is_some(), at.clone())),
                Some((has, first)) if *has != channels.is_some() => bail!(
                    "{at}: {} channels, but {first} {}; tables made with and without --channel cannot be read together",
                    if channels.is_some() { "has" } else { "has no" },
                    if *has { "has" } else { "has none" }
                ),
                _ => {}
            }
            let steps = int(3)?;
            if steps != touchpoints.len() as u64
                || channels
                    .as_ref()
                    .is_some_and(|c| c.len() != touchpoints.len())
            {
                bail!(
                    "{at}: steps is {steps}, but the sequences have {} names",
                    touchpoints.len()
                );
            }
            let touches = int(4)?;
            let journeys = int(5)?;
            let conversions = int(6)?;
            if touches > steps || journeys == 0 || conversions > journeys {
                bail!("{at}: touches {touches} of {steps} steps, {conversions} conversions of {journeys} journeys: not a variants row");
            }
            let value = number(7)?;
            out.has_value |= value.is_some();
            // The medians: one per sequence and table.
            for (c, channel) in [(8, false), (9, true)] {
                let key = match (channel, &channels) {
                    (false, _) => cell(1).unwrap_or("").to_string(),
                    (true, Some(_)) => cell(2).unwrap_or("").to_string(),
                    (true, None) => continue,
                };
                let median = number(c)?;
                let medians = if channel {
                    &mut out.channel_median
                } else {
                    &mut out.touchpoint_median
                };
                match seen_in.get(&(channel, key.clone())) {
                    Some(&file) if file != file_index => {
                        medians.insert(key, None);
                    }
                    Some(_) => {}
                    None => {
                        seen_in.insert((channel, key.clone()), file_index);
                        medians.insert(key, median);
                    }
                }
            }
            if let Some(text) = cell(10) {
                match &options {
                    None => options = Some((text.to_string(), at.clone())),
                    Some((first, where_first)) if first != text => bail!(
                        "{at} was made with other options than {where_first}: {} against {}; tables can be merged only when they were made alike",
                        summary(text),
                        summary(first)
                    ),
                    _ => {}
                }
            }
            out.rows.push(VariantRow {
                touchpoints,
                channels,
                touches: touches as u32,
                journeys,
                conversions,
                value,
            });
        }
        out.files.push(label.clone());
    }
    let Some((text, at)) = options else {
        bail!(
            "{}: no row has the options the table was made with (the column 'options'); a table cut or sorted by another tool may have lost that row: make it again",
            out.files.join(", ")
        );
    };
    out.options = serde_json::from_str(&text)
        .map_err(|e| anyhow!("{at}: the options are not journeymap's ({e})"))?;
    Ok(out)
}

/// The options text of a table, as the options line of an output says them.
fn summary(text: &str) -> String {
    serde_json::from_str::<OptionsInForce>(text)
        .map(|o| o.summary())
        .unwrap_or_else(|_| excerpt(text).to_string())
}
