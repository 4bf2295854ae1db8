//! Loading every input into one [`EventTable`]: events in row order, text interned.
//!
//! This file opens the inputs, reads each file in pieces and checks what was loaded as a
//! whole; `piece` turns a piece's columns into the table's, and `rows` adds its rows.

mod piece;
mod rows;

use anyhow::{bail, Result};

use super::files::{resolve_inputs, FileSet, InputFormat};
use super::mapping::{self, ChannelSource, ColumnRequest, Mapping, Role};
use super::read::{self, Opened};
use super::table::{ColumnInfo, EventTable, KeptColumn, SourceInfo};
use super::time::{self, TimeParser};
use crate::intern::Dictionary;
use crate::text::{counted, excerpt, visible};
use piece::load_frame;

/// One group of input files that share a column mapping (the command line's inputs, or one
/// `[[source]]` table of journeymap.toml).
#[derive(Clone, Debug, Default)]
pub struct SourceSpec {
    pub inputs: Vec<String>,
    pub format: Option<InputFormat>,
    pub delimiter: Option<u8>,
    pub columns: ColumnRequest,
}

/// Everything loading needs to know.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    pub sources: Vec<SourceSpec>,
    pub time: TimeParser,
    /// `--converted-col`: a column of true/false conversion markers.
    pub converted_col: Option<String>,
    /// `--where COL=VALUE`: keep only rows whose column has that value (all must hold).
    pub filters: Vec<(String, String)>,
    /// Drop rows without a customer id, timestamp or touchpoint instead of failing.
    pub skip_invalid: bool,
    /// Report invalid rows as findings and go on (what `inspect` does).
    pub lenient: bool,
    /// Show a spinner on stderr while reading large inputs.
    pub progress: bool,
    /// Infer CSV column types from their first rows (for `inspect`).
    pub sniff_types: bool,
    /// Columns whose value is kept for every row (`funnel --breakdown COL`, `--score-col`,
    /// `report --split`), each once, in the order asked.
    pub kept: Vec<KeepColumn>,
}

/// A column kept for every row besides the ones journeys are made of.
#[derive(Clone, Debug)]
pub struct KeepColumn {
    pub column: String,
    /// The flag that names the column, for errors.
    pub flag: &'static str,
    /// The column may be missing from some inputs (their rows have no value); it is an error
    /// only when no input has it (`--score-col`: a survey export has scores, web events not).
    pub optional: bool,
}

/// Reads all inputs.
pub fn load(opts: &LoadOptions) -> Result<EventTable> {
    let mut skipped = Vec::new();
    let opened = open_sources(opts, &mut skipped)?;
    if opened.is_empty() {
        bail!("no input files given; pass a file, a glob or a directory (or list [[source]] tables in journeymap.toml)");
    }
    let mut table = EventTable::default();
    table.warnings.extend(skipped);
    table.kept = (opts.kept.iter())
        .map(|k| KeptColumn {
            name: k.column.clone(),
            values: Dictionary::new(),
            ids: Vec::new(),
        })
        .collect();
    if opened.iter().any(|(_, m)| m.channel.is_some()) {
        table.channels = Some(Dictionary::new());
    }
    let spinner = spinner(opts.progress, opened.iter().map(|(o, _)| o.bytes).sum());
    for (o, m) in &opened {
        if let Some(bar) = &spinner {
            bar.set_message(format!("reading {}", o.file.label));
        }
        load_file(opts, o, m, &mut table)?;
    }
    for k in opts.kept.iter().filter(|k| k.optional) {
        if !opened.iter().any(|(o, _)| has_column(o, &k.column)) {
            let (o, _) = &opened[0];
            let err = mapping::missing_column(&o.file.label, &o.columns, &k.column, k.flag);
            bail!(
                "no input has the column '{}' of {}: {err}",
                visible(&k.column),
                k.flag
            );
        }
    }
    intern_customers(&mut table);
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    finish(opts, &mut table)?;
    Ok(table)
}

/// Opens every input file of every source (reading its header) and maps its columns; each
/// file is opened once, however often it is named (the warnings say which were skipped).
fn open_sources(opts: &LoadOptions, warnings: &mut Vec<String>) -> Result<Vec<(Opened, Mapping)>> {
    let mut opened: Vec<(Opened, Mapping)> = Vec::new();
    let mut seen = FileSet::default();
    for source in &opts.sources {
        for file in resolve_inputs(&source.inputs, source.format, &mut seen)? {
            let mut o = read::open(&file, source.delimiter)?;
            if opts.sniff_types {
                o.sniff_types(1000);
            }
            let m = mapping::resolve(&o.file.label, &o.columns, &source.columns)?;
            check_named_columns(opts, &o)?;
            opened.push((o, m));
        }
    }
    warnings.extend(seen.warnings);
    Ok(opened)
}

/// Fails, naming the flag, unless the file has every column that `--where`, the kept
/// columns' flags and `--converted-col` name.
fn check_named_columns(opts: &LoadOptions, o: &Opened) -> Result<()> {
    let named = (opts.filters.iter().map(|(col, _)| (col, "--where")))
        .chain(
            opts.kept
                .iter()
                .filter(|k| !k.optional)
                .map(|k| (&k.column, k.flag)),
        )
        .chain(
            opts.converted_col
                .iter()
                .map(|col| (col, "--converted-col")),
        );
    for (col, flag) in named {
        if mapping::lookup(&o.columns, col).is_none() {
            return Err(mapping::missing_column(
                &o.file.label,
                &o.columns,
                col,
                flag,
            ));
        }
    }
    Ok(())
}

/// A spinner on stderr while reading, when asked for, the inputs are large (64 MB) and
/// stderr is a terminal.
fn spinner(enabled: bool, bytes: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !enabled || bytes < 64 << 20 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

/// The file's name for the column the user calls `name` (matched as the mapping matches
/// names), or `name` itself.
fn file_column(o: &Opened, name: &str) -> String {
    mapping::lookup(&o.columns, name)
        .cloned()
        .unwrap_or_else(|| name.to_string())
}

/// Whether the file has the column the user calls `name` (stored or a partition key).
pub(super) fn has_column(o: &Opened, name: &str) -> bool {
    mapping::lookup(&o.columns, name).is_some() || o.hive_value(name).is_some()
}

/// Reads one file into the table, piece by piece.
fn load_file(opts: &LoadOptions, o: &Opened, m: &Mapping, table: &mut EventTable) -> Result<()> {
    let label = &o.file.label;
    let stored = stored_columns(opts, o, m)?;
    let base = table.rows_read;
    table.sources.push(source_info(o, m, base));
    let invalid_before = table.rows_invalid;
    o.read_chunks_ahead(&stored, read::CSV_PIECE_BYTES, |df| {
        let n = df.height() as u64;
        if table.rows_read + n >= u32::MAX as u64 {
            bail!(
                "{label}: more than {} rows in all; journeymap keeps row positions in 32 bits",
                u32::MAX
            );
        }
        let first_piece = table.rows_read == base;
        if let Some(source) = table.sources.last_mut() {
            source.rows += n;
        }
        if first_piece {
            // Room for the whole file at once: growing the columns piece by piece would copy
            // them and touch fresh memory each time they double (capacity never used costs
            // no memory).
            let rows = expected_rows(o, n as usize);
            reserve_rows(table, rows + rows / 16);
        }
        load_frame(opts, o, m, df, table)
    })?;
    if table.rows_read == base {
        table
            .warnings
            .push(format!("{label}: the file has a header but no rows"));
    }
    // Short CSV rows read as empty cells: name the ragged row rather than the empty cell.
    if table.rows_invalid > invalid_before {
        if let Some(problem) = o.diagnose() {
            bail!("{label}: {problem}");
        }
    }
    Ok(())
}

/// The file's stored columns (not partition keys) that loading reads, each once; fails, naming
/// the flag, when one has a type that journeymap does not read (a Parquet struct, say).
fn stored_columns(opts: &LoadOptions, o: &Opened, m: &Mapping) -> Result<Vec<String>> {
    let mut named: Vec<(&str, &str)> = vec![
        (&m.customer, Role::Customer.flag()),
        (&m.time, Role::Time.flag()),
        (&m.touchpoint, Role::Touchpoint.flag()),
    ];
    if let Some(ChannelSource::Column(c)) = &m.channel {
        named.push((c, Role::Channel.flag()));
    }
    named.extend(opts.filters.iter().map(|(c, _)| (c.as_str(), "--where")));
    named.extend(
        opts.converted_col
            .iter()
            .map(|c| (c.as_str(), "--converted-col")),
    );
    named.extend(
        opts.kept
            .iter()
            .filter(|k| !k.optional || has_column(o, &k.column))
            .map(|k| (k.column.as_str(), k.flag)),
    );
    let mut stored: Vec<String> = Vec::new();
    for (name, flag) in named {
        let name = file_column(o, name);
        if o.hive_value(&name).is_some() || stored.contains(&name) {
            continue;
        }
        if let Some(t) = o.unread_type(&name) {
            bail!(
                "{}: column '{}' has type {t}, which journeymap does not read; pass {flag} with a column of text, numbers or timestamps",
                o.file.label,
                visible(&name)
            );
        }
        stored.push(name);
    }
    Ok(stored)
}

/// What the file is, before its rows are counted; its first row is row `first_row` of the
/// whole input.
fn source_info(o: &Opened, m: &Mapping, first_row: u64) -> SourceInfo {
    SourceInfo {
        file: o.file.label.clone(),
        format: o.file.format.name().to_string(),
        gzip: o.file.gzip,
        bytes: o.bytes,
        rows: 0,
        first_row,
        columns: o
            .columns
            .iter()
            .zip(&o.types)
            .map(|(name, dtype)| ColumnInfo {
                name: name.clone(),
                dtype: dtype.clone(),
            })
            .collect(),
        mapping: m.clone(),
        partition: o.file.hive.clone(),
        lines: o.lines(),
    }
}

/// About how many rows the file has, from its first piece of `first_piece_rows` rows: what
/// the file says, else as many for each piece of CSV text.
fn expected_rows(o: &Opened, first_piece_rows: usize) -> usize {
    let pieces = match o.file.format {
        InputFormat::Csv | InputFormat::Tsv if !o.file.gzip => {
            (o.bytes as usize).div_ceil(read::CSV_PIECE_BYTES)
        }
        _ => 1,
    };
    o.rows_hint().unwrap_or(first_piece_rows * pieces)
}

/// Makes room for `rows` more rows in the table's columns.
fn reserve_rows(table: &mut EventTable, rows: usize) {
    table.time.reserve(rows);
    table.touchpoint.reserve(rows);
    table.row.reserve(rows);
    if table.channels.is_some() {
        table.channel.reserve(rows);
    }
    table.pending_customers.reserve(rows);
}

/// Customer ids get their ids once every file is read, for the rows kept.
fn intern_customers(table: &mut EventTable) {
    let (ids, customers) = std::mem::take(&mut table.pending_customers).finish();
    table.customers = customers;
    table.customer = if ids.len() == table.row.len() {
        ids
    } else {
        table.row.iter().map(|&r| ids[r as usize]).collect()
    };
}

/// Checks what was loaded as a whole: invalid rows, empty inputs.
fn finish(opts: &LoadOptions, table: &mut EventTable) -> Result<()> {
    table
        .issues
        .offsets
        .sort_by(|a, b| b.rows.cmp(&a.rows).then(a.offset.cmp(&b.offset)));
    if table.issues.invalid_rows() && !opts.lenient {
        let parts = invalid_row_problems(opts, table);
        if opts.skip_invalid {
            table.warnings.push(format!(
                "dropped {} invalid rows (--skip-invalid): {}",
                table.rows_invalid,
                parts.join("; ")
            ));
        } else {
            bail!(
                "{}; or pass --skip-invalid to drop such rows",
                parts.join("; ")
            );
        }
    }
    if table.rows_read == 0 {
        let names: Vec<&str> = table.sources.iter().map(|s| s.file.as_str()).collect();
        bail!("{}: the input has a header but no rows", names.join(", "));
    }
    if table.is_empty() && !opts.lenient {
        if table.rows_filtered_out > 0 {
            bail!(
                "no events left: --where kept none of the {} rows; check the column and value",
                table.rows_read
            );
        }
        bail!(
            "no valid events in the input ({} rows read)",
            table.rows_read
        );
    }
    if table.rows_filtered_out > 0 {
        table.warnings.push(format!(
            "--where kept {} of {} rows",
            table.rows_read - table.rows_filtered_out,
            table.rows_read
        ));
    }
    Ok(())
}

/// What is wrong with the invalid rows: one part per problem, with its first rows.
fn invalid_row_problems(opts: &LoadOptions, table: &EventTable) -> Vec<String> {
    let issues = &table.issues;
    let mut parts = Vec::new();
    let what = [
        (&issues.missing_customer, "no customer id"),
        (&issues.missing_time, "no timestamp"),
        (&issues.missing_touchpoint, "no touchpoint"),
    ];
    for (f, text) in what {
        if !f.is_empty() {
            parts.push(format!(
                "{} {text} (first: {})",
                counted(f.count, "row has", "rows have"),
                table.locate_all(&f.first_rows)
            ));
        }
    }
    let bad = &issues.unparseable_time;
    if let (Some(&row), Some(value)) = (bad.first_rows.first(), bad.examples.first()) {
        let col = table
            .sources
            .iter()
            .find(|s| row >= s.first_row && row < s.first_row + s.rows)
            .map(|s| s.mapping.time.clone())
            .unwrap_or_default();
        let first = format!(
            "first: {}: '{}' in column '{}'",
            table.locate(row),
            excerpt(value),
            visible(&col)
        );
        if opts.time.beyond_range(value) {
            parts.push(format!(
                "{} a timestamp outside the range journeymap holds ({first}; {})",
                counted(bad.count, "row has", "rows have"),
                time::RANGE
            ));
        } else {
            parts.push(format!(
                "{} a timestamp that cannot be parsed ({first}; tried {}); pass --time-format to give the layout",
                counted(bad.count, "row has", "rows have"),
                opts.time.formats_tried()
            ));
        }
    }
    parts
}
