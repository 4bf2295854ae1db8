//! CSV and TSV: the header, reading in pieces that each parse on their own, the first row
//! that breaks a file, and column types guessed from the first rows (for `inspect`).
//!
//! Every column is read as text: journeymap parses timestamps itself, so that one file may
//! mix offsets and errors can name the row.

use std::fs::File;
use std::io::{Cursor, Read};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use polars::prelude::*;

use super::read_all;
use crate::input::files::{InputFile, InputFormat, Location};

/// A CSV file, ready to read.
pub(super) struct CsvFile {
    text: CsvText,
    /// The field delimiter.
    delim: u8,
}

/// Where a CSV file's text is: read from its path, or already in memory (standard input,
/// gzip files).
enum CsvText {
    Path(PathBuf),
    Bytes(Arc<Vec<u8>>),
}

impl CsvFile {
    /// Opens a CSV or TSV file and reads its header; `delimiter` overrides the format's
    /// default. Returns the file and its column names.
    pub(super) fn open(file: &InputFile, delimiter: Option<u8>) -> Result<(CsvFile, Vec<String>)> {
        let label = &file.label;
        let delim = delimiter.unwrap_or(if file.format == InputFormat::Tsv {
            b'\t'
        } else {
            b','
        });
        let text = match (&file.location, file.gzip) {
            (Location::Path(p), false) => CsvText::Path(p.clone()),
            _ => CsvText::Bytes(Arc::new(read_all(file)?)),
        };
        let header = match &text {
            CsvText::Path(p) => {
                let f = File::open(p).with_context(|| format!("{label}: cannot open"))?;
                read_header(label, f, delim)?
            }
            CsvText::Bytes(b) => read_header(label, Cursor::new(b.as_slice()), delim)?,
        };
        Ok((CsvFile { text, delim }, header))
    }

    /// Reads the `wanted` columns of the whole file (whose header is `header`).
    pub(super) fn read(
        &self,
        label: &str,
        wanted: &[String],
        header: &[String],
    ) -> Result<DataFrame> {
        let names = column_names(wanted);
        let delim = self.delim;
        match &self.text {
            CsvText::Path(p) => {
                let f = File::open(p).with_context(|| format!("{label}: cannot open"))?;
                let result = csv_options(delim, names)
                    .into_reader_with_file_handle(f)
                    .finish();
                result.map_err(|e| {
                    let diag = File::open(p)
                        .ok()
                        .and_then(|f| diagnose_csv(f, delim, header));
                    csv_error(label, e, diag)
                })
            }
            CsvText::Bytes(b) => {
                let result = csv_options(delim, names)
                    .into_reader_with_file_handle(Cursor::new(b.as_slice()))
                    .finish();
                result.map_err(|e| {
                    csv_error(
                        label,
                        e,
                        diagnose_csv(Cursor::new(b.as_slice()), delim, header),
                    )
                })
            }
        }
    }

    /// Reads the `wanted` columns in pieces of about `chunk_bytes` of text each (see
    /// [`csv_pieces`]), calling `each` in row order.
    pub(super) fn read_chunks(
        &self,
        label: &str,
        wanted: &[String],
        header: &[String],
        chunk_bytes: usize,
        mut each: impl FnMut(DataFrame) -> Result<()>,
    ) -> Result<()> {
        let names = column_names(wanted);
        let mut parse = |delim: u8, piece: &[u8]| -> Result<()> {
            let df = csv_options(delim, names.clone())
                .into_reader_with_file_handle(Cursor::new(piece))
                .finish()
                .map_err(|e| csv_error(label, e, self.diagnose(header)))?;
            each(df)
        };
        let delim = self.delim;
        match &self.text {
            CsvText::Path(p) => {
                let f = File::open(p).with_context(|| format!("{label}: cannot open"))?;
                csv_pieces(f, chunk_bytes, |piece| parse(delim, piece))
                    .with_context(|| format!("{label}: cannot read"))
            }
            CsvText::Bytes(b) => csv_pieces(b.as_slice(), chunk_bytes, |piece| parse(delim, piece)),
        }
    }

    /// The first row that breaks the file (ragged rows, invalid UTF-8), if any. Reads the
    /// whole file again.
    pub(super) fn diagnose(&self, header: &[String]) -> Option<String> {
        match &self.text {
            CsvText::Path(p) => File::open(p)
                .ok()
                .and_then(|f| diagnose_csv(f, self.delim, header)),
            CsvText::Bytes(b) => diagnose_csv(Cursor::new(b.as_slice()), self.delim, header),
        }
    }

    /// A type for each column, guessed from the first `rows` rows (`None` if the file cannot
    /// be opened again).
    pub(super) fn sniff_types(&self, rows: usize) -> Option<Vec<&'static str>> {
        match &self.text {
            CsvText::Path(p) => File::open(p).ok().map(|f| sniff(f, self.delim, rows)),
            CsvText::Bytes(b) => Some(sniff(Cursor::new(b.as_slice()), self.delim, rows)),
        }
    }
}

/// The `wanted` column names, as polars takes them.
fn column_names(wanted: &[String]) -> Arc<[PlSmallStr]> {
    wanted
        .iter()
        .map(|s| PlSmallStr::from(s.as_str()))
        .collect()
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

/// How polars reads journeymap's CSV: a header, the given columns, every one as text, an
/// empty file as no rows, empty fields as null.
fn csv_options(delim: u8, names: Arc<[PlSmallStr]>) -> CsvReadOptions {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_columns(Some(names))
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|o| o.with_separator(delim).with_missing_is_null(true))
}

/// The column names in a CSV header; an empty header or one that is not UTF-8 is an error.
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

/// A CSV reading error: the row that breaks the file when one was found (`diag`), else
/// polars' error.
fn csv_error(label: &str, err: PolarsError, diag: Option<String>) -> anyhow::Error {
    match diag {
        Some(d) => anyhow!("{label}: {d}"),
        None => anyhow!("{label}: cannot read CSV: {err}"),
    }
}

/// Guesses a type for each column from the first `rows` rows: integer, float, boolean,
/// timestamp or text.
fn sniff(reader: impl Read, delim: u8, rows: usize) -> Vec<&'static str> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(reader);
    let width = rdr.byte_headers().map(|h| h.len()).unwrap_or(0);
    let mut kinds: Vec<Option<&'static str>> = vec![None; width];
    let parser = crate::input::time::TimeParser::default();
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
    use crate::input::read::open_testdata;

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
