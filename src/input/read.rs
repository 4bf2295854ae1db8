//! Reading one data file into a polars DataFrame of the columns journeymap needs.
//!
//! CSV is read with every column as text (journeymap parses timestamps itself, so that one
//! file may mix offsets and errors can name the row). Parquet keeps its native types.

use std::io::{Cursor, Read};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use polars::prelude::*;

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

enum Body {
    CsvPath(PathBuf, u8),
    CsvBytes(Arc<Vec<u8>>, u8),
    Parquet(PathBuf),
    Frame(DataFrame),
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
            let delim = delimiter.unwrap_or(if file.format == InputFormat::Tsv {
                b'\t'
            } else {
                b','
            });
            let body = match (&file.location, file.gzip) {
                (Location::Path(p), false) => Body::CsvPath(p.clone(), delim),
                _ => Body::CsvBytes(Arc::new(read_all(file)?), delim),
            };
            let header = match &body {
                Body::CsvPath(p, _) => {
                    let f =
                        std::fs::File::open(p).with_context(|| format!("{label}: cannot open"))?;
                    read_header(label, f, delim)?
                }
                Body::CsvBytes(b, _) => read_header(label, Cursor::new(b.as_slice()), delim)?,
                _ => unreachable!("CSV bodies only"),
            };
            let types = vec!["text".to_string(); header.len()];
            (body, header, types)
        }
        InputFormat::Parquet => {
            let Location::Path(p) = &file.location else {
                bail!("{label}: Parquet cannot be read from stdin; pass a file path");
            };
            let f = std::fs::File::open(p).with_context(|| format!("{label}: cannot open"))?;
            let schema = ParquetReader::new(f)
                .schema()
                .map_err(|e| anyhow!("{label}: not a readable Parquet file: {e}"))?;
            let mut columns = Vec::new();
            let mut types = Vec::new();
            for (name, field) in schema.iter() {
                columns.push(name.to_string());
                types.push(DataType::from_arrow_field(field).to_string());
            }
            (Body::Parquet(p.clone()), columns, types)
        }
        InputFormat::Jsonl => {
            let df = read_jsonl(label, &read_all(file)?)?;
            let columns: Vec<String> = df
                .get_column_names()
                .iter()
                .map(|c| c.to_string())
                .collect();
            let types = vec!["text".to_string(); columns.len()];
            (Body::Frame(df), columns, types)
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
        let names: Arc<[PlSmallStr]> = wanted
            .iter()
            .map(|s| PlSmallStr::from(s.as_str()))
            .collect();
        match &self.body {
            Body::CsvPath(p, delim) => {
                let f = std::fs::File::open(p).with_context(|| format!("{label}: cannot open"))?;
                let result = csv_options(*delim, names)
                    .into_reader_with_file_handle(f)
                    .finish();
                result.map_err(|e| {
                    let diag = std::fs::File::open(p)
                        .ok()
                        .and_then(|f| diagnose_csv(f, *delim, &self.columns));
                    csv_error(label, e, diag)
                })
            }
            Body::CsvBytes(b, delim) => {
                let result = csv_options(*delim, names)
                    .into_reader_with_file_handle(Cursor::new(b.as_slice()))
                    .finish();
                result.map_err(|e| {
                    csv_error(
                        label,
                        e,
                        diagnose_csv(Cursor::new(b.as_slice()), *delim, &self.columns),
                    )
                })
            }
            Body::Parquet(p) => {
                let f = std::fs::File::open(p).with_context(|| format!("{label}: cannot open"))?;
                ParquetReader::new(f)
                    .with_columns(Some(wanted.to_vec()))
                    .finish()
                    .map_err(|e| anyhow!("{label}: cannot read Parquet data: {e}"))
            }
            Body::Frame(df) => df
                .select(wanted.iter().map(|s| PlSmallStr::from(s.as_str())))
                .map_err(|e| anyhow!("{label}: {e}")),
        }
    }

    /// Reads the named stored columns in pieces of about `chunk_bytes` of CSV text each (for
    /// Parquet, slices of row groups, see [`parquet_slices`]; one piece for JSON Lines),
    /// calling `each` in row order. Reading in pieces keeps memory to a piece's worth of
    /// columns instead of the whole file's.
    pub fn read_chunks(
        &self,
        wanted: &[String],
        chunk_bytes: usize,
        mut each: impl FnMut(DataFrame) -> Result<()>,
    ) -> Result<()> {
        let label = &self.file.label;
        let names: Arc<[PlSmallStr]> = wanted
            .iter()
            .map(|s| PlSmallStr::from(s.as_str()))
            .collect();
        let mut parse = |delim: u8, piece: &[u8]| -> Result<()> {
            let df = csv_options(delim, names.clone())
                .into_reader_with_file_handle(Cursor::new(piece))
                .finish()
                .map_err(|e| csv_error(label, e, self.diagnose()))?;
            each(df)
        };
        match &self.body {
            Body::CsvPath(p, delim) => {
                let f = std::fs::File::open(p).with_context(|| format!("{label}: cannot open"))?;
                csv_pieces(f, chunk_bytes, |piece| parse(*delim, piece))
                    .with_context(|| format!("{label}: cannot read"))
            }
            Body::CsvBytes(b, delim) => {
                csv_pieces(b.as_slice(), chunk_bytes, |piece| parse(*delim, piece))
            }
            Body::Parquet(p) => {
                let open =
                    || std::fs::File::open(p).with_context(|| format!("{label}: cannot open"));
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
            _ => each(self.read(wanted)?),
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
            Body::Parquet(p) => ParquetReader::new(std::fs::File::open(p).ok()?)
                .num_rows()
                .ok(),
            Body::Frame(df) => Some(df.height()),
            _ => None,
        }
    }

    /// For CSV: the first row that breaks the file (ragged rows, invalid UTF-8), if any.
    /// Reads the whole file again, so it is only called when something already looks wrong.
    pub fn diagnose(&self) -> Option<String> {
        match &self.body {
            Body::CsvPath(p, d) => std::fs::File::open(p)
                .ok()
                .and_then(|f| diagnose_csv(f, *d, &self.columns)),
            Body::CsvBytes(b, d) => diagnose_csv(Cursor::new(b.as_slice()), *d, &self.columns),
            _ => None,
        }
    }

    /// Infers a type for each CSV column from its first rows (Parquet types are exact).
    pub fn sniff_types(&mut self, rows: usize) {
        let sample = match &self.body {
            Body::CsvPath(p, d) => std::fs::File::open(p).ok().map(|f| sniff(f, *d, rows)),
            Body::CsvBytes(b, d) => Some(sniff(Cursor::new(b.as_slice()), *d, rows)),
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

/// Parquet is read in slices of a piece's bytes over this many rows (512k rows for a CSV
/// piece's 64 MB). Less decoded data in flight means fewer fresh pages: on 10M events,
/// slices of 1.3M, 512k and 262k rows took 1.76, 1.62 and 1.59 s of CPU; 512k keeps row
/// groups of up to a million rows whole.
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

/// Splits CSV text into pieces at record boundaries (a newline outside double quotes), each
/// handed to `each` with the header line in front, so that each piece parses on its own.
pub fn csv_pieces(
    mut reader: impl Read,
    chunk_bytes: usize,
    mut each: impl FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    // `buf` holds the header line, then the text not yet handed out (from a record boundary).
    let mut buf: Vec<u8> = Vec::new();
    let mut header_len: Option<usize> = None;
    let mut emitted = false;
    loop {
        let chunk = chunk_bytes.max(1);
        // read_to_end on a Take stops at the limit or at the end of the input.
        let eof = (&mut reader).take(chunk as u64).read_to_end(&mut buf)? < chunk;
        let h = match header_len {
            Some(h) => h,
            None => match last_record_end(&buf, true) {
                Some(end) => {
                    header_len = Some(end);
                    end
                }
                None if eof => {
                    header_len = Some(buf.len());
                    buf.len()
                }
                None => continue,
            },
        };
        let split = if eof {
            Some(buf.len() - h)
        } else {
            last_record_end(&buf[h..], false)
        };
        match split {
            Some(0) if emitted || !eof => {}
            Some(split) => {
                each(&buf[..h + split])?;
                emitted = true;
                buf.drain(h..h + split);
            }
            None => {}
        }
        if eof {
            return Ok(());
        }
    }
}

/// The end (after the newline) of the first (`first`) or last record in `bytes` that ends
/// outside double quotes; `bytes` starts at a record boundary.
fn last_record_end(bytes: &[u8], first: bool) -> Option<usize> {
    let mut quoted = false;
    let mut found = None;
    for i in memchr::memchr2_iter(b'"', b'\n', bytes) {
        if bytes[i] == b'"' {
            quoted = !quoted;
        } else if !quoted {
            found = Some(i + 1);
            if first {
                break;
            }
        }
    }
    found
}

fn csv_options(delim: u8, names: Arc<[PlSmallStr]>) -> CsvReadOptions {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_columns(Some(names))
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|o| o.with_separator(delim).with_missing_is_null(true))
}

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

fn read_header(label: &str, reader: impl Read, delim: u8) -> Result<Vec<String>> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .from_reader(reader);
    let header = rdr
        .byte_headers()
        .map_err(|e| anyhow!("{label}: cannot read the header: {e}"))?;
    if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
        bail!("{label}: the file is empty (no header row)");
    }
    header
        .iter()
        .enumerate()
        .map(|(i, f)| {
            std::str::from_utf8(f).map(|s| s.to_string()).map_err(|_| {
                anyhow!(
                    "{label}: header column {} is not valid UTF-8; re-save the file as UTF-8",
                    i + 1
                )
            })
        })
        .collect()
}

/// Finds the first row that breaks a CSV file, for a message that names it.
fn diagnose_csv(reader: impl Read, delim: u8, header: &[String]) -> Option<String> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .from_reader(reader);
    let mut rec = csv::ByteRecord::new();
    let mut row = 0usize;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => return None,
            Ok(true) => {
                for (i, field) in rec.iter().enumerate() {
                    if std::str::from_utf8(field).is_err() {
                        let col = header.get(i).map(String::as_str).unwrap_or("?");
                        let line = rec.position().map(|p| p.line()).unwrap_or(0);
                        return Some(format!(
                            "row {row} (line {line}), column '{col}': invalid UTF-8; re-save the file as UTF-8"
                        ));
                    }
                }
                row += 1;
            }
            Err(e) => {
                if let csv::ErrorKind::UnequalLengths {
                    pos,
                    expected_len,
                    len,
                } = e.kind()
                {
                    let line = pos.as_ref().map(|p| p.line()).unwrap_or(0);
                    return Some(format!(
                        "row {row} (line {line}) has {len} fields but the header has {expected_len}; fix the row or check --delimiter"
                    ));
                }
                return Some(format!("row {row}: {e}"));
            }
        }
    }
}

fn csv_error(label: &str, err: PolarsError, diag: Option<String>) -> anyhow::Error {
    match diag {
        Some(d) => anyhow!("{label}: {d}"),
        None => anyhow!("{label}: cannot read CSV: {err}"),
    }
}

/// Reads JSON Lines into text columns, in order of first appearance.
fn read_jsonl(label: &str, bytes: &[u8]) -> Result<DataFrame> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        anyhow!("{label}: line {line} is not valid UTF-8; re-save the file as UTF-8")
    })?;
    let mut names: Vec<String> = Vec::new();
    let mut cols: Vec<Vec<Option<String>>> = Vec::new();
    let mut rows = 0usize;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| anyhow!("{label}: line {}: not valid JSON: {e}", i + 1))?;
        let serde_json::Value::Object(map) = value else {
            bail!("{label}: line {}: expected a JSON object per line", i + 1);
        };
        for (k, v) in map {
            let idx = match names.iter().position(|n| *n == k) {
                Some(idx) => idx,
                None => {
                    names.push(k);
                    cols.push(vec![None; rows]);
                    names.len() - 1
                }
            };
            let cell = match v {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s),
                other => Some(other.to_string()),
            };
            cols[idx].push(cell);
        }
        rows += 1;
        for c in cols.iter_mut() {
            if c.len() < rows {
                c.push(None);
            }
        }
    }
    if names.is_empty() {
        bail!("{label}: the file is empty (no JSON objects)");
    }
    let columns = names
        .into_iter()
        .zip(cols)
        .map(|(n, c)| Column::new(n.as_str().into(), c))
        .collect();
    DataFrame::new(rows, columns).map_err(|e| anyhow!("{label}: {e}"))
}

fn sniff(reader: impl Read, delim: u8, rows: usize) -> Vec<&'static str> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(reader);
    let width = rdr.byte_headers().map(|h| h.len()).unwrap_or(0);
    let mut kinds: Vec<Option<&'static str>> = vec![None; width];
    let parser = super::time::TimeParser::default();
    for rec in rdr.byte_records().take(rows).flatten() {
        for (i, field) in rec.iter().enumerate().take(width) {
            let Ok(s) = std::str::from_utf8(field) else {
                continue;
            };
            if s.is_empty() {
                continue;
            }
            let kind = if s.parse::<i64>().is_ok() {
                "integer"
            } else if s.parse::<f64>().is_ok() {
                "float"
            } else if matches!(s.to_ascii_lowercase().as_str(), "true" | "false") {
                "boolean"
            } else if parser.parse(s).is_some() {
                "timestamp"
            } else {
                "text"
            };
            kinds[i] = Some(match (kinds[i], kind) {
                (None, k) => k,
                (Some(a), b) if a == b => a,
                (Some("integer"), "float") | (Some("float"), "integer") => "float",
                _ => "text",
            });
        }
    }
    kinds.into_iter().map(|k| k.unwrap_or("text")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, chunk: usize) -> Vec<String> {
        let mut out = Vec::new();
        csv_pieces(text.as_bytes(), chunk, |p| {
            out.push(String::from_utf8(p.to_vec()).unwrap());
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn pieces_split_at_records_outside_quotes() {
        let text = "id,note\r\n1,\"a\nb\"\r\n2,\"x\"\"y\"\r\n3,plain\n";
        for chunk in 1..text.len() + 2 {
            let got = pieces(text, chunk);
            // Every piece starts with the header and holds whole records.
            let mut body = String::new();
            for p in &got {
                let rest = p
                    .strip_prefix("id,note\r\n")
                    .unwrap_or_else(|| panic!("{chunk}: {p:?}"));
                assert!(rest.is_empty() || rest.ends_with('\n'), "{chunk}: {p:?}");
                body.push_str(rest);
            }
            assert_eq!(
                body, "1,\"a\nb\"\r\n2,\"x\"\"y\"\r\n3,plain\n",
                "chunk {chunk}"
            );
        }
    }

    /// Opens a file of testdata/ as this format.
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

    #[test]
    fn header_only_and_no_final_newline() {
        assert_eq!(pieces("a,b\n", 3), vec!["a,b\n"]);
        assert_eq!(pieces("a,b", 100), vec!["a,b"]);
        assert_eq!(pieces("a,b\n1,2", 2), vec!["a,b\n1,2"]);
    }

    #[test]
    fn pieces_parse_to_the_same_rows() {
        let o = open_testdata("evil.csv", InputFormat::Csv);
        let wanted = vec!["customer_id".to_string(), "touchpoint".to_string()];
        let whole = o.read(&wanted).unwrap();
        for chunk in [1, 5, 40, 1 << 20] {
            let mut frames: Vec<DataFrame> = Vec::new();
            o.read_chunks(&wanted, chunk, |df| {
                frames.push(df);
                Ok(())
            })
            .unwrap();
            let mut all = frames.remove(0);
            for f in frames {
                all.vstack_mut(&f).unwrap();
            }
            assert!(all.equals_missing(&whole), "chunk {chunk}");
        }
    }
}
