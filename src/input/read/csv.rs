//! CSV and TSV: the header, reading in pieces that each parse on their own, the first row
//! that breaks a file, and column types guessed from the first rows (for `inspect`).
//!
//! Every column is read as text: journeymap parses timestamps itself, so that one file may
//! mix offsets and errors can name the row.

use std::fs::File;
use std::io::{Cursor, Read};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, Context, Result};
use polars::prelude::*;

use super::read_all;
use crate::input::files::{InputFile, InputFormat, Location};

/// A CSV file, ready to read.
pub(super) struct CsvFile {
    text: CsvText,
    /// The field delimiter.
    delim: u8,
    /// Where the rows are in the file's lines, learnt while reading (on the reading thread).
    lines: Arc<Mutex<LineMap>>,
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
        if let CsvText::Bytes(b) = &text {
            if b.starts_with(b"PAR1") {
                bail!(
                    "{label}: this is Parquet data, which journeymap reads only from a file (it needs to seek); save it to a file and pass its path"
                );
            }
        }
        let header = match &text {
            CsvText::Path(p) => {
                let f = File::open(p).with_context(|| format!("{label}: cannot open"))?;
                read_header(label, f, delim)?
            }
            CsvText::Bytes(b) => read_header(label, Cursor::new(b.as_slice()), delim)?,
        };
        Ok((
            CsvFile {
                text,
                delim,
                lines: Default::default(),
            },
            header,
        ))
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
        let mut parse = |delim: u8, piece: &[u8], first_record: usize| -> Result<()> {
            let df = if first_record > LONG_RECORD {
                parse_without_polars(piece, delim, header, wanted).map_err(|e| {
                    let diag = self.diagnose(header);
                    diag.map_or_else(
                        || anyhow!("{label}: cannot read CSV: {e}"),
                        |d| anyhow!("{label}: {d}"),
                    )
                })?
            } else {
                csv_options(delim, names.clone())
                    .into_reader_with_file_handle(Cursor::new(piece))
                    .finish()
                    .map_err(|e| csv_error(label, e, self.diagnose(header)))?
            };
            each(df)
        };
        let delim = self.delim;
        let lines = &*self.lines;
        *lines.lock().unwrap_or_else(|e| e.into_inner()) = LineMap::default();
        match &self.text {
            CsvText::Path(p) => {
                let f = File::open(p).with_context(|| format!("{label}: cannot open"))?;
                csv_pieces(f, chunk_bytes, lines, |piece, first| {
                    parse(delim, piece, first)
                })
                .map_err(|e| match e.downcast::<std::io::Error>() {
                    Ok(io) => anyhow!("{label}: cannot read: {io}"),
                    Err(e) => e,
                })
            }
            CsvText::Bytes(b) => csv_pieces(b.as_slice(), chunk_bytes, lines, |piece, first| {
                parse(delim, piece, first)
            }),
        }
    }

    /// Where the rows are in the file's lines, learnt as the file is read in pieces (each
    /// piece's rows are there before the piece is handed out).
    pub(super) fn lines(&self) -> Arc<Mutex<LineMap>> {
        self.lines.clone()
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

/// Lines of a CSV file that are not one row each, so that messages name the right line:
/// blank lines (skipped, as spreadsheets and most CSV readers skip them) and line breaks
/// inside quoted fields. Kept as runs, so a file of millions of blank lines costs a few
/// entries, not a row each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineMap {
    /// (row, lines before it that are not rows) whenever that count grows; rows count from 0
    /// after the header.
    pub extra: Vec<(u64, u64)>,
}

impl LineMap {
    /// The file line (the header is line 1) that row `row` starts on.
    pub fn line(&self, row: u64) -> u64 {
        let i = self.extra.partition_point(|&(r, _)| r <= row);
        let extra = if i == 0 { 0 } else { self.extra[i - 1].1 };
        row + 2 + extra
    }
}

/// Where the scan of the text after the header is: offsets into the text not yet handed out.
#[derive(Default)]
struct Scan {
    /// Scanned up to here.
    pos: usize,
    quoted: bool,
    /// Where the record being scanned starts.
    record_start: usize,
    /// The end (after the newline) of the last whole record or blank line.
    last_end: usize,
    /// Blank lines among the whole records, to leave out of the piece.
    blanks: Vec<std::ops::Range<usize>>,
    /// The length of the piece's first record (polars reads a long one slowly).
    first_record: Option<usize>,
    /// Line breaks inside quotes in the record being scanned.
    embedded: u64,
    /// Lines not yet counted against a row (blank lines, line breaks inside quotes).
    pending: u64,
    extra_total: u64,
    /// Rows seen in the whole file.
    row: u64,
}

impl Scan {
    /// Scans `text` from where the last scan stopped; at the end of the input, the text after
    /// the last newline is a record too.
    fn run(&mut self, text: &[u8], eof: bool, lines: &mut LineMap) {
        for i in memchr::memchr2_iter(b'"', b'\n', &text[self.pos..]) {
            let i = self.pos + i;
            if text[i] == b'"' {
                self.quoted = !self.quoted;
            } else if self.quoted {
                self.embedded += 1;
            } else {
                self.end_record(text, i, i + 1, lines);
            }
        }
        self.pos = text.len();
        if eof && self.record_start < text.len() {
            self.end_record(text, text.len(), text.len(), lines);
        }
    }

    /// The record from `record_start` to `end` (its newline excluded) is whole; the next
    /// starts at `next`.
    fn end_record(&mut self, text: &[u8], end: usize, next: usize, lines: &mut LineMap) {
        let content = &text[self.record_start..end];
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        if content.is_empty() {
            self.blanks.push(self.record_start..next);
            self.pending += 1;
        } else {
            if self.pending > 0 {
                self.extra_total += self.pending;
                self.pending = 0;
                lines.extra.push((self.row, self.extra_total));
            }
            self.first_record.get_or_insert(end - self.record_start);
            self.row += 1;
            self.pending = std::mem::take(&mut self.embedded);
        }
        self.record_start = next;
        self.last_end = next;
    }

    /// The first `n` bytes were handed out: offsets move back by `n`.
    fn consumed(&mut self, n: usize) {
        self.pos -= n;
        self.record_start -= n;
        self.last_end -= n;
        self.blanks.clear();
        self.first_record = None;
    }
}

/// A first record longer than this is parsed without polars (whose reader rescans a long
/// first record again and again: quadratic in its length).
pub(super) const LONG_RECORD: usize = 1 << 20;

/// Splits CSV text into pieces at record boundaries (a newline outside double quotes), each
/// handed to `each` with the header line in front, so that each piece parses on its own, and
/// with the length of its first record. Blank lines are left out; `lines` learns where they
/// and line breaks inside quotes were, before each piece is handed out.
pub fn csv_pieces(
    mut reader: impl Read,
    chunk_bytes: usize,
    lines: &Mutex<LineMap>,
    mut each: impl FnMut(&[u8], usize) -> Result<()>,
) -> Result<()> {
    // `buf` holds the header line, then the text not yet handed out (from a record boundary).
    let mut buf: Vec<u8> = Vec::new();
    let mut header_len: Option<usize> = None;
    let mut emitted = false;
    let mut scan = Scan::default();
    // A piece with its blank lines left out, when it has some.
    let mut without_blanks: Vec<u8> = Vec::new();
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
        let mut found = LineMap::default();
        scan.run(&buf[h..], eof, &mut found);
        if !found.extra.is_empty() {
            let mut lines = lines.lock().unwrap_or_else(|e| e.into_inner());
            lines.extra.extend(found.extra);
        }
        let split = scan.last_end;
        if split > 0 || (eof && !emitted) {
            let first = scan.first_record.unwrap_or(0);
            let piece: &[u8] = if scan.blanks.is_empty() {
                &buf[..h + split]
            } else {
                without_blanks.clear();
                without_blanks.extend_from_slice(&buf[..h]);
                let mut from = 0;
                for b in &scan.blanks {
                    without_blanks.extend_from_slice(&buf[h + from..h + b.start]);
                    from = b.end;
                }
                without_blanks.extend_from_slice(&buf[h + from..h + split]);
                &without_blanks
            };
            each(piece, first)?;
            emitted = true;
            buf.drain(h..h + split);
            scan.consumed(split);
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

/// Parses a piece with the csv crate instead of polars (see [`LONG_RECORD`]): the `wanted`
/// columns (positions in `header`) as text, empty fields and missing fields as null, as
/// polars reads them.
fn parse_without_polars(
    piece: &[u8],
    delim: u8,
    header: &[String],
    wanted: &[String],
) -> Result<DataFrame> {
    let at: Vec<usize> = wanted
        .iter()
        .map(|w| header.iter().position(|h| h == w).unwrap_or(usize::MAX))
        .collect();
    let mut cols: Vec<Vec<Option<String>>> = vec![Vec::new(); wanted.len()];
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(piece);
    let mut rec = csv::ByteRecord::new();
    let mut rows = 0;
    while rdr.read_byte_record(&mut rec)? {
        if rec.len() > header.len() {
            bail!("a row has more fields than the header");
        }
        for (col, &i) in cols.iter_mut().zip(&at) {
            let cell = match rec.get(i) {
                Some(f) if !f.is_empty() => Some(
                    std::str::from_utf8(f)
                        .map_err(|_| anyhow!("invalid UTF-8"))?
                        .to_string(),
                ),
                _ => None,
            };
            col.push(cell);
        }
        rows += 1;
    }
    let columns = wanted
        .iter()
        .zip(cols)
        .map(|(n, c)| Column::new(n.as_str().into(), c))
        .collect();
    Ok(DataFrame::new(rows, columns)?)
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
fn diagnose_csv(
    mut reader: impl Read + std::io::Seek,
    delim: u8,
    header: &[String],
) -> Option<String> {
    if let Some(problem) = quote_problem(&mut reader, delim) {
        return Some(problem);
    }
    reader.rewind().ok()?;
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

/// The first quoted field that does not parse: one never closed, or one with text after its
/// closing quote (`"y"q`), with the line it starts on.
fn quote_problem(reader: impl Read, delim: u8) -> Option<String> {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, reader);
    let (mut line, mut start_line) = (1u64, 1u64);
    // At the start of a field; inside quotes; just after a quote inside quotes (a closing
    // quote, or the first of a doubled one).
    let (mut field_start, mut quoted, mut after_quote) = (true, false, false);
    loop {
        let buf = reader.fill_buf().ok()?;
        if buf.is_empty() {
            break;
        }
        for &b in buf {
            if after_quote {
                after_quote = false;
                if b == b'"' {
                    continue; // a doubled quote: still inside
                }
                quoted = false;
                if b != delim && b != b'\n' && b != b'\r' {
                    return Some(format!(
                        "line {start_line}: a quoted field has text after its closing quote; quote the whole field and double the quotes inside it (\"a \"\"b\"\" c\")"
                    ));
                }
            }
            if quoted {
                if b == b'"' {
                    after_quote = true;
                } else if b == b'\n' {
                    line += 1;
                }
                continue;
            }
            if field_start && b == b'"' {
                quoted = true;
                start_line = line;
                field_start = false;
                continue;
            }
            field_start = b == delim || b == b'\n';
            if b == b'\n' {
                line += 1;
            }
        }
        let n = buf.len();
        reader.consume(n);
    }
    if quoted && !after_quote {
        return Some(format!(
            "line {start_line}: a quote opens a field that is never closed, so the rest of the file would be one field; close the quote (or double a quote that is part of the text)"
        ));
    }
    None
}

/// A CSV reading error: the row that breaks the file when one was found (`diag`), else the
/// first line of polars' error (which quotes data and suggests options of its Python API).
fn csv_error(label: &str, err: PolarsError, diag: Option<String>) -> anyhow::Error {
    match diag {
        Some(d) => anyhow!("{label}: {d}"),
        None => {
            let text = err.to_string();
            let first = text.lines().next().unwrap_or_default();
            anyhow!(
                "{label}: cannot read CSV: {}; check the quoting and --delimiter",
                crate::text::excerpt(first)
            )
        }
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
        csv_pieces(text.as_bytes(), chunk, &Mutex::default(), |p, _| {
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
