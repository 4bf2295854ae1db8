//! Reading one data file into a polars DataFrame of the columns journeymap needs.
//!
//! CSV is read with every column as text (journeymap parses timestamps itself, so that one
//! file may mix offsets and errors can name the row). Parquet keeps its native types.
//!
//! This file holds what every format shares: opening a file, the columns of hive partitions,
//! reading the next piece ahead, and the dispatch to `csv`, `parquet` and `jsonl`.

mod csv;
mod jsonl;
mod parquet;

pub use self::csv::{csv_pieces, LineMap};

use std::io::Read;
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, Context, Result};
use polars::prelude::*;

use self::csv::CsvFile;
use self::jsonl::JsonlFile;
use self::parquet::ParquetFile;
use super::files::{InputFile, InputFormat, Location};

/// A data file whose header (or schema) has been read.
pub struct Opened {
    pub file: InputFile,
    /// Column names in file order, hive partition keys last.
    pub columns: Vec<String>,
    /// A type per column: the Parquet type, or `text` for CSV and JSON Lines.
    pub types: Vec<String>,
    /// Size of the data on disk (compressed size for .gz), for progress and `inspect`.
    pub bytes: u64,
    body: Body,
}

/// A file's data, as its format reads it.
enum Body {
    Csv(CsvFile),
    Parquet(ParquetFile),
    /// JSON Lines, read whole when the file is opened.
    Jsonl(JsonlFile),
}

/// Opens a file and reads its header; `delimiter` overrides the format's default.
pub fn open(file: &InputFile, delimiter: Option<u8>) -> Result<Opened> {
    let label = &file.label;
    let bytes = match &file.location {
        Location::Path(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
        Location::Stdin => 0,
    };
    let (body, columns, types) = match file.format {
        InputFormat::Csv | InputFormat::Tsv => {
            let (csv, header) = CsvFile::open(file, delimiter)?;
            let types = vec!["text".to_string(); header.len()];
            (Body::Csv(csv), header, types)
        }
        InputFormat::Parquet => {
            let (parquet, columns, types) = ParquetFile::open(file)?;
            (Body::Parquet(parquet), columns, types)
        }
        InputFormat::Jsonl => {
            let jsonl = JsonlFile::parse(label, &read_all(file)?)?;
            let columns = jsonl.columns();
            let types = vec!["text".to_string(); columns.len()];
            (Body::Jsonl(jsonl), columns, types)
        }
    };
    for (i, c) in columns.iter().enumerate() {
        if columns[..i].contains(c) {
            bail!("{label}: the column name '{c}' appears twice in the header; rename one of them");
        }
    }
    let mut columns = columns;
    let mut types = types;
    for (k, _) in &file.hive {
        if !columns.contains(k) {
            columns.push(k.clone());
            types.push("text (partition)".to_string());
        }
    }
    Ok(Opened {
        file: file.clone(),
        columns,
        types,
        bytes,
        body,
    })
}

impl Opened {
    /// Whether `name` is a hive partition key rather than a stored column.
    pub fn hive_value(&self, name: &str) -> Option<&str> {
        self.file
            .hive
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Reads the named stored columns (not partition keys).
    pub fn read(&self, wanted: &[String]) -> Result<DataFrame> {
        let label = &self.file.label;
        match &self.body {
            Body::Csv(csv) => csv.read(label, wanted, &self.columns),
            Body::Parquet(parquet) => parquet.read(label, wanted),
            Body::Jsonl(jsonl) => jsonl.read(label, wanted),
        }
    }

    /// Reads the named stored columns in pieces of about `chunk_bytes` of CSV text each (for
    /// Parquet, slices of row groups, see `parquet_slices`; one piece for JSON Lines),
    /// calling `each` in row order. Reading in pieces keeps memory to a piece's worth of
    /// columns instead of the whole file's.
    pub fn read_chunks(
        &self,
        wanted: &[String],
        chunk_bytes: usize,
        mut each: impl FnMut(DataFrame) -> Result<()>,
    ) -> Result<()> {
        let label = &self.file.label;
        match &self.body {
            Body::Csv(csv) => csv.read_chunks(label, wanted, &self.columns, chunk_bytes, each),
            Body::Parquet(parquet) => parquet.read_chunks(label, wanted, chunk_bytes, each),
            Body::Jsonl(_) => each(self.read(wanted)?),
        }
    }

    /// [`Opened::read_chunks`], with the reading (and parsing) of the next piece on another
    /// thread while `each` works on the current one.
    pub fn read_chunks_ahead(
        &self,
        wanted: &[String],
        chunk_bytes: usize,
        mut each: impl FnMut(DataFrame) -> Result<()>,
    ) -> Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<DataFrame>(0);
        std::thread::scope(|s| {
            let reader = s.spawn(move || {
                // A failed send means `each` failed and loading stops: so does reading.
                self.read_chunks(wanted, chunk_bytes, |df| {
                    tx.send(df).map_err(|_| anyhow!("loading stopped"))
                })
            });
            let mut result = Ok(());
            for df in rx.iter() {
                result = each(df);
                if result.is_err() {
                    break;
                }
            }
            drop(rx);
            let read = reader
                .join()
                .unwrap_or_else(|_| Err(anyhow!("reading the input stopped unexpectedly")));
            result.and(read)
        })
    }

    /// The number of rows, where the file says it without being read (Parquet).
    pub fn rows_hint(&self) -> Option<usize> {
        match &self.body {
            Body::Parquet(parquet) => parquet.rows(),
            Body::Jsonl(jsonl) => Some(jsonl.rows()),
            _ => None,
        }
    }

    /// For CSV: where its rows are in its lines, learnt as it is read in pieces.
    pub fn lines(&self) -> Arc<Mutex<LineMap>> {
        match &self.body {
            Body::Csv(csv) => csv.lines(),
            _ => Arc::default(),
        }
    }

    /// For CSV: the first row that breaks the file (ragged rows, invalid UTF-8), if any.
    /// Reads the whole file again, so it is only called when something already looks wrong.
    pub fn diagnose(&self) -> Option<String> {
        match &self.body {
            Body::Csv(csv) => csv.diagnose(&self.columns),
            _ => None,
        }
    }

    /// The type of column `name` when journeymap does not read columns of that type.
    pub fn unread_type(&self, name: &str) -> Option<&str> {
        let i = self.columns.iter().position(|c| c == name)?;
        let t = self.types[i].strip_suffix(parquet::NOT_READ)?;
        Some(t.trim_end())
    }

    /// Infers a type for each CSV column from its first rows (Parquet types are exact).
    pub fn sniff_types(&mut self, rows: usize) {
        let sample = match &self.body {
            Body::Csv(csv) => csv.sniff_types(rows),
            _ => None,
        };
        if let Some(kinds) = sample {
            for (t, k) in self.types.iter_mut().zip(kinds) {
                *t = k.to_string();
            }
        }
    }
}

/// About how much CSV text is parsed at a time.
pub const CSV_PIECE_BYTES: usize = 64 << 20;

/// The whole file (or standard input), gunzipped if it is gzip data.
fn read_all(file: &InputFile) -> Result<Vec<u8>> {
    let label = &file.label;
    let mut raw = Vec::new();
    match &file.location {
        Location::Path(p) => {
            std::fs::File::open(p)
                .and_then(|mut f| f.read_to_end(&mut raw))
                .with_context(|| format!("{label}: cannot read"))?;
        }
        Location::Stdin => {
            std::io::stdin()
                .lock()
                .read_to_end(&mut raw)
                .context("cannot read standard input")?;
        }
    }
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 4);
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .with_context(|| format!("{label}: not a valid gzip file"))?;
        return Ok(out);
    }
    Ok(raw)
}

/// Opens a file of testdata/ as this format.
#[cfg(test)]
fn open_testdata(name: &str, format: InputFormat) -> Opened {
    let path = format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    let file = InputFile {
        location: Location::Path(path.clone().into()),
        label: path,
        format,
        gzip: false,
        hive: Vec::new(),
    };
    open(&file, None).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_ahead_gives_the_same_pieces_and_stops_on_error() {
        let o = open_testdata("evil.csv", InputFormat::Csv);
        let wanted = vec!["customer_id".to_string(), "touchpoint".to_string()];
        let (mut plain, mut ahead) = (Vec::new(), Vec::new());
        o.read_chunks(&wanted, 5, |df| {
            plain.push(df);
            Ok(())
        })
        .unwrap();
        o.read_chunks_ahead(&wanted, 5, |df| {
            ahead.push(df);
            Ok(())
        })
        .unwrap();
        assert!(plain.len() > 2);
        assert_eq!(plain.len(), ahead.len());
        for (a, b) in plain.iter().zip(&ahead) {
            assert!(a.equals_missing(b));
        }
        // An error from the second piece is the result, and no piece is handed over after it.
        let mut seen = 0;
        let err = o
            .read_chunks_ahead(&wanted, 5, |_| {
                seen += 1;
                if seen == 2 {
                    bail!("stop here")
                }
                Ok(())
            })
            .unwrap_err();
        assert_eq!(err.to_string(), "stop here");
        assert_eq!(seen, 2);
    }
}
