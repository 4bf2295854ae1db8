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
    /// their types. Columns of a type journeymap does not read (nested, decimal, binary, ...)
    /// are named in the types with " (not read)"; see [`readable`].
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
            types.push(match readable(field.dtype()) {
                // Safe to ask polars: a type it reads is a type it can name.
                true => DataType::from_arrow_field(field).to_string(),
                false => format!("{} {NOT_READ}", arrow_type_name(field.dtype())),
            });
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
            .and_then(|df| decode_dictionaries(label, df))
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
            each(decode_dictionaries(label, df)?)?;
            offset += len;
        }
        if offset == 0 {
            // No rows: one empty frame, as for an empty CSV body.
            let df = ParquetReader::new(open()?)
                .with_columns(Some(wanted.to_vec()))
                .finish()
                .map_err(|e| anyhow!("{label}: cannot read Parquet data: {e}"))?;
            each(decode_dictionaries(label, df)?)?;
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

/// What the type of a column that journeymap does not read ends with.
pub const NOT_READ: &str = "(not read)";

/// Whether journeymap reads columns of this Arrow type: booleans, integers and floats of up to
/// 64 bits, text (dictionary-encoded too), dates and timestamps. Anything else (structs, maps,
/// lists, decimals, 16-bit floats, binary, times of day, durations, ...) is never decoded: such
/// a column can sit unused in the file, and a role given one is an error that names it.
fn readable(dtype: &ArrowDataType) -> bool {
    use ArrowDataType as A;
    match dtype {
        A::Null
        | A::Boolean
        | A::Int8
        | A::Int16
        | A::Int32
        | A::Int64
        | A::UInt8
        | A::UInt16
        | A::UInt32
        | A::UInt64
        | A::Float32
        | A::Float64
        | A::Timestamp(..)
        | A::Date32
        | A::Date64
        | A::Utf8
        | A::LargeUtf8
        | A::Utf8View => true,
        A::Dictionary(_, values, _) => {
            matches!(**values, A::Utf8 | A::LargeUtf8 | A::Utf8View)
        }
        _ => false,
    }
}

/// A short name for an Arrow type that polars is not asked to convert.
fn arrow_type_name(dtype: &ArrowDataType) -> String {
    use ArrowDataType as A;
    match dtype {
        A::Int128 => "i128".into(),
        A::UInt128 => "u128".into(),
        A::Float16 => "f16".into(),
        A::Time32(_) | A::Time64(_) => "time of day".into(),
        A::Duration(_) => "duration".into(),
        A::Interval(_) => "interval".into(),
        A::Binary | A::LargeBinary | A::BinaryView | A::FixedSizeBinary(_) => "binary".into(),
        A::List(_) | A::LargeList(_) | A::FixedSizeList(..) => "list".into(),
        A::Struct(_) => "struct".into(),
        A::Map(..) => "map".into(),
        A::Dictionary(..) => "dictionary".into(),
        A::Decimal(p, s) | A::Decimal32(p, s) | A::Decimal64(p, s) | A::Decimal256(p, s) => {
            format!("decimal({p},{s})")
        }
        A::Extension(ext) => arrow_type_name(&ext.inner),
        A::Union(_) => "union".into(),
        _ => "unknown".into(),
    }
}

/// Dictionary-encoded text comes out of polars as a categorical column: journeymap reads it
/// as the text it stands for.
fn decode_dictionaries(label: &str, mut df: DataFrame) -> Result<DataFrame> {
    let names: Vec<PlSmallStr> = df
        .columns()
        .iter()
        .filter(|c| matches!(c.dtype(), DataType::Categorical(..) | DataType::Enum(..)))
        .map(|c| c.name().clone())
        .collect();
    for name in names {
        let text = df
            .column(name.as_str())?
            .cast(&DataType::String)
            .map_err(|e| anyhow!("{label}: cannot read column '{name}' as text: {e}"))?;
        df.with_column(text)?;
    }
    Ok(df)
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
