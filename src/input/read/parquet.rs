//! Parquet: the schema, and reading in slices that end where row groups end. Columns keep
//! their native types.

use std::fs::File;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use polars::prelude::*;

use crate::input::files::{InputFile, Location};

/// A Parquet file, ready to read.
pub(super) struct ParquetFile {
    path: PathBuf,
}

impl ParquetFile {
    /// Opens a Parquet file and reads its schema; returns the file, its column names and
    /// their types.
    pub(super) fn open(file: &InputFile) -> Result<(ParquetFile, Vec<String>, Vec<String>)> {
        let label = &file.label;
        let Location::Path(p) = &file.location else {
            bail!("{label}: Parquet cannot be read from stdin; pass a file path");
        };
        let f = File::open(p).with_context(|| format!("{label}: cannot open"))?;
        let schema = ParquetReader::new(f)
            .schema()
            .map_err(|e| anyhow!("{label}: not a readable Parquet file: {e}"))?;
        let mut columns = Vec::new();
        let mut types = Vec::new();
        for (name, field) in schema.iter() {
            columns.push(name.to_string());
            types.push(DataType::from_arrow_field(field).to_string());
        }
        Ok((ParquetFile { path: p.clone() }, columns, types))
    }

    /// Reads the `wanted` columns of the whole file.
    pub(super) fn read(&self, label: &str, wanted: &[String]) -> Result<DataFrame> {
        let f = File::open(&self.path).with_context(|| format!("{label}: cannot open"))?;
        ParquetReader::new(f)
            .with_columns(Some(wanted.to_vec()))
            .finish()
            .map_err(|e| anyhow!("{label}: cannot read Parquet data: {e}"))
    }

    /// Reads the `wanted` columns in slices of row groups (see [`parquet_slices`]) of about
    /// `chunk_bytes` / [`PARQUET_ROW_BYTES`] rows, calling `each` in row order.
    pub(super) fn read_chunks(
        &self,
        label: &str,
        wanted: &[String],
        chunk_bytes: usize,
        mut each: impl FnMut(DataFrame) -> Result<()>,
    ) -> Result<()> {
        let p = &self.path;
        let open = || File::open(p).with_context(|| format!("{label}: cannot open"));
        // Slices end where row groups end, so no row group is decoded twice (unless
        // one is so large that it is cut, see `parquet_slices`).
        let groups: Vec<usize> = ParquetReader::new(open()?)
            .get_metadata()
            .map_err(|e| anyhow!("{label}: not a readable Parquet file: {e}"))?
            .row_groups
            .iter()
            .map(|g| g.num_rows())
            .collect();
        let mut offset = 0;
        let target = (chunk_bytes / PARQUET_ROW_BYTES).max(1);
        for len in parquet_slices(&groups, target) {
            let df = ParquetReader::new(open()?)
                .with_columns(Some(wanted.to_vec()))
                .with_slice(Some((offset, len)))
                .finish()
                .map_err(|e| anyhow!("{label}: cannot read Parquet data: {e}"))?;
            each(df)?;
            offset += len;
        }
        if offset == 0 {
            // No rows: one empty frame, as for an empty CSV body.
            let df = ParquetReader::new(open()?)
                .with_columns(Some(wanted.to_vec()))
                .finish()
                .map_err(|e| anyhow!("{label}: cannot read Parquet data: {e}"))?;
            each(df)?;
        }
        Ok(())
    }

    /// The number of rows, as the file's metadata says.
    pub(super) fn rows(&self) -> Option<usize> {
        ParquetReader::new(File::open(&self.path).ok()?)
            .num_rows()
            .ok()
    }
}

/// Parquet is read in slices of a piece's bytes over this many rows (512k rows for a CSV
/// piece's 64 MB): less decoded data in flight means fewer fresh pages, and 512k keeps row
/// groups of up to a million rows whole (bench/NOTES.md has the measurements).
const PARQUET_ROW_BYTES: usize = 128;

/// The lengths of the row slices a Parquet file is read in, for row groups of `groups` rows
/// and slices of about `target` rows: whole row groups, gathered until a slice has at least
/// `target` rows (a slice that ends inside a row group would have it decoded twice); a row
/// group of more than twice `target` rows is cut into slices of `target` rows.
fn parquet_slices(groups: &[usize], target: usize) -> Vec<usize> {
    let mut slices = Vec::new();
    let mut open = 0;
    for &g in groups {
        if g > 2 * target {
            if open > 0 {
                slices.push(open);
                open = 0;
            }
            let mut left = g;
            while left > 0 {
                let len = left.min(target);
                slices.push(len);
                left -= len;
            }
            continue;
        }
        open += g;
        if open >= target {
            slices.push(open);
            open = 0;
        }
    }
    if open > 0 {
        slices.push(open);
    }
    slices
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::files::InputFormat;
    use crate::input::read::open_testdata;

    #[test]
    fn parquet_slices_end_with_row_groups() {
        // Small groups are gathered until a slice has the target's rows.
        assert_eq!(parquet_slices(&[4, 4, 4, 4, 4], 10), vec![12, 8]);
        assert_eq!(parquet_slices(&[10, 10, 3], 10), vec![10, 10, 3]);
        // A group of up to twice the target stays whole; a larger one is cut.
        assert_eq!(parquet_slices(&[20, 2], 10), vec![20, 2]);
        assert_eq!(parquet_slices(&[3, 25, 3], 10), vec![3, 10, 10, 5, 3]);
        assert_eq!(parquet_slices(&[16], 1), vec![1; 16]);
        assert!(parquet_slices(&[], 10).is_empty());
        assert!(parquet_slices(&[0, 0], 10).is_empty());
    }

    #[test]
    fn parquet_slices_read_the_same_rows() {
        let o = open_testdata("tiny.parquet", InputFormat::Parquet);
        let wanted = vec!["customer_id".to_string(), "timestamp".to_string()];
        let whole = o.read(&wanted).unwrap();
        // 1 row a slice, 3 rows, everything at once.
        let row = PARQUET_ROW_BYTES;
        for (chunk, pieces) in [(row, 16), (3 * row, 6), (1 << 20, 1)] {
            let mut frames: Vec<DataFrame> = Vec::new();
            o.read_chunks(&wanted, chunk, |df| {
                frames.push(df);
                Ok(())
            })
            .unwrap();
            assert_eq!(frames.len(), pieces, "chunk {chunk}");
            let mut all = frames.remove(0);
            for f in frames {
                all.vstack_mut(&f).unwrap();
            }
            assert!(all.equals_missing(&whole), "chunk {chunk}");
        }
    }
}
