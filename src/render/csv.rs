//! CSV: one table per output, header first, for spreadsheets and scripts.

use std::io::Write;

use anyhow::Result;

use super::doc::Table;

pub fn write(table: &Table, out: &mut dyn Write) -> Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(&table.header)?;
    for row in &table.rows {
        w.write_record(row)?;
    }
    w.flush()?;
    Ok(())
}
