//! CSV: one table per output, header first, for spreadsheets and scripts.

use std::io::Write;

use anyhow::Result;

use super::doc::Table;

pub fn write(table: &Table, out: &mut dyn Write) -> Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let io = |e: csv::Error| -> anyhow::Error {
        // Keep an I/O failure (a closed pipe) an io::Error, so main can recognise it.
        let text = e.to_string();
        match e.into_kind() {
            csv::ErrorKind::Io(io) => io.into(),
            _ => anyhow::anyhow!("cannot write CSV: {text}"),
        }
    };
    w.write_record(&table.header).map_err(io)?;
    for row in &table.rows {
        w.write_record(row).map_err(io)?;
    }
    w.flush()?;
    Ok(())
}
