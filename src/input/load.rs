//! Loading every input into one [`EventTable`]: events in row order, text interned.

use anyhow::{bail, Result};
use serde::Serialize;

use super::columns::{self, Text, BAD_TIME, NO_ID, NO_TIME};
use super::files::{resolve_inputs, InputFormat};
use super::findings::Finding;
use super::mapping::{self, ChannelSource, ColumnRequest, Mapping};
use super::read::{self, Opened};
use super::time::TimeParser;
use crate::journey::{DeferredIds, Dictionary};
use crate::text::counted;
use polars::prelude::DataFrame;

/// The attribute id of a row whose attribute value is empty.
pub const NO_ATTRIBUTE: u32 = u32::MAX;

/// The channel given to events whose channel is empty or whose source has none.
pub const NO_CHANNEL: &str = "(none)";

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
    /// A column whose value is kept for every row (e.g. `funnel --breakdown COL`).
    pub attribute: Option<String>,
    /// The flag that names [`LoadOptions::attribute`], for errors (default `--breakdown`).
    pub attribute_flag: Option<&'static str>,
}

/// A column of an input and its type.
#[derive(Clone, Debug, Serialize)]
pub struct ColumnInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub dtype: String,
}

/// What was read from one file.
#[derive(Clone, Debug, Serialize)]
pub struct SourceInfo {
    pub file: String,
    pub format: String,
    pub gzip: bool,
    pub bytes: u64,
    pub rows: u64,
    /// Row position of the file's first row in the whole input.
    pub first_row: u64,
    pub columns: Vec<ColumnInfo>,
    pub mapping: Mapping,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partition: Vec<(String, String)>,
}

/// A UTC offset seen in timestamp texts.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct OffsetCount {
    pub offset: String,
    pub rows: u64,
    pub first_row: u64,
}

/// Problems found while loading.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LoadIssues {
    pub missing_customer: Finding,
    pub missing_time: Finding,
    pub unparseable_time: Finding,
    pub missing_touchpoint: Finding,
    pub missing_channel: Finding,
    /// Offsets carried by timestamp texts, most rows first.
    pub offsets: Vec<OffsetCount>,
    /// Timestamps without an offset (read as UTC, or in the `--tz` zone).
    pub naive_times: u64,
}

impl LoadIssues {
    fn invalid_rows(&self) -> bool {
        !(self.missing_customer.is_empty()
            && self.missing_time.is_empty()
            && self.unparseable_time.is_empty()
            && self.missing_touchpoint.is_empty())
    }
}

/// All events of all inputs, in row order, with text as dictionary ids.
#[derive(Debug, Default)]
pub struct EventTable {
    /// Filled when loading ends (from [`EventTable::pending_customers`]).
    pub customers: Dictionary,
    /// Every row's customer id while loading, interned at the end (see [`DeferredIds`]).
    pub pending_customers: DeferredIds,
    pub touchpoints: Dictionary,
    /// Present when at least one input has a channel.
    pub channels: Option<Dictionary>,
    pub customer: Vec<u32>,
    pub time: Vec<i64>,
    pub touchpoint: Vec<u32>,
    /// Channel id per event (empty when there are no channels).
    pub channel: Vec<u32>,
    /// The `--converted-col` marker per event (empty without it).
    pub converted: Vec<bool>,
    /// The [`LoadOptions::attribute`] column: its values, and an id per row position (every
    /// row read, [`NO_ATTRIBUTE`] where empty), so it survives the ordering of events.
    pub attribute: Option<(Dictionary, Vec<u32>)>,
    /// Row position per event.
    pub row: Vec<u32>,
    pub sources: Vec<SourceInfo>,
    pub issues: LoadIssues,
    pub rows_read: u64,
    pub rows_filtered_out: u64,
    pub rows_invalid: u64,
    /// Things the user should hear about on stderr.
    pub warnings: Vec<String>,
}

impl EventTable {
    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// Where a row position is, for people: `events.csv line 14`.
    pub fn locate(&self, row: u64) -> String {
        for s in &self.sources {
            if row >= s.first_row && row < s.first_row + s.rows {
                let local = row - s.first_row;
                return match s.format.as_str() {
                    "parquet" => format!("{} row {}", s.file, local),
                    "jsonl" => format!("{} record {}", s.file, local + 1),
                    _ => format!("{} line {}", s.file, local + 2),
                };
            }
        }
        format!("row {row}")
    }

    /// A list of rows for people: `events.csv line 3, events.csv line 9`.
    pub fn locate_all(&self, rows: &[u64]) -> String {
        rows.iter()
            .map(|r| self.locate(*r))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Reads all inputs.
pub fn load(opts: &LoadOptions) -> Result<EventTable> {
    let mut opened: Vec<(Opened, Mapping)> = Vec::new();
    for source in &opts.sources {
        for file in resolve_inputs(&source.inputs, source.format)? {
            let mut o = read::open(&file, source.delimiter)?;
            if opts.sniff_types {
                o.sniff_types(1000);
            }
            let m = mapping::resolve(&o.file.label, &o.columns, &source.columns)?;
            for (col, _) in &opts.filters {
                if mapping::lookup(&o.columns, col).is_none() {
                    return Err(mapping::missing_column(
                        &o.file.label,
                        &o.columns,
                        col,
                        "--where",
                    ));
                }
            }
            if let Some(col) = &opts.attribute {
                if mapping::lookup(&o.columns, col).is_none() {
                    return Err(mapping::missing_column(
                        &o.file.label,
                        &o.columns,
                        col,
                        opts.attribute_flag.unwrap_or("--breakdown"),
                    ));
                }
            }
            if let Some(col) = &opts.converted_col {
                if mapping::lookup(&o.columns, col).is_none() {
                    return Err(mapping::missing_column(
                        &o.file.label,
                        &o.columns,
                        col,
                        "--converted-col",
                    ));
                }
            }
            opened.push((o, m));
        }
    }
    if opened.is_empty() {
        bail!("no input files given; pass a file, a glob or a directory (or list [[source]] tables in journeymap.toml)");
    }
    let mut table = EventTable::default();
    if opts.attribute.is_some() {
        table.attribute = Some((Dictionary::new(), Vec::new()));
    }
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
    // Customer ids get their ids now, for the rows kept.
    let (ids, customers) = std::mem::take(&mut table.pending_customers).finish();
    table.customers = customers;
    table.customer = if ids.len() == table.row.len() {
        ids
    } else {
        table.row.iter().map(|&r| ids[r as usize]).collect()
    };
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    finish(opts, &mut table)?;
    Ok(table)
}

fn spinner(enabled: bool, bytes: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !enabled || bytes < 64 << 20 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

fn load_file(opts: &LoadOptions, o: &Opened, m: &Mapping, table: &mut EventTable) -> Result<()> {
    let label = &o.file.label;
    let actual = |name: &str| {
        mapping::lookup(&o.columns, name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    };
    let mut stored: Vec<String> = Vec::new();
    let mut want = |name: &str| {
        let name = actual(name);
        if o.hive_value(&name).is_none() && !stored.contains(&name) {
            stored.push(name);
        }
    };
    want(&m.customer);
    want(&m.time);
    want(&m.touchpoint);
    if let Some(ChannelSource::Column(c)) = &m.channel {
        want(c);
    }
    for (c, _) in &opts.filters {
        want(c);
    }
    if let Some(c) = &opts.converted_col {
        want(c);
    }
    if let Some(c) = &opts.attribute {
        want(c);
    }
    let base = table.rows_read;
    table.sources.push(SourceInfo {
        file: label.clone(),
        format: o.file.format.name().to_string(),
        gzip: o.file.gzip,
        bytes: o.bytes,
        rows: 0,
        first_row: base,
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
    });
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
            let pieces = match o.file.format {
                InputFormat::Csv | InputFormat::Tsv if !o.file.gzip => {
                    (o.bytes as usize).div_ceil(read::CSV_PIECE_BYTES)
                }
                _ => 1,
            };
            let rows = o.rows_hint().unwrap_or(n as usize * pieces);
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

/// Adds the rows of one piece of a file (the file's last source entry already counts them).
fn load_frame(
    opts: &LoadOptions,
    o: &Opened,
    m: &Mapping,
    df: DataFrame,
    table: &mut EventTable,
) -> Result<()> {
    let label = &o.file.label;
    let actual = |name: &str| {
        mapping::lookup(&o.columns, name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    };
    let n = df.height();
    let base = table.rows_read;
    table.rows_read += n as u64;
    if n == 0 {
        return Ok(());
    }
    let text = |name: &str| -> Result<Text> {
        let name = actual(name);
        match o.hive_value(&name) {
            Some(v) => Ok(Text::Constant(v.to_string())),
            None => Text::from_frame(&df, &name).map_err(|e| anyhow::anyhow!("{label}: {e}")),
        }
    };

    if let (Some(col), Some((dict, ids))) = (&opts.attribute, table.attribute.as_mut()) {
        ids.extend(columns::intern(&text(col)?, n, dict).into_iter().map(|id| {
            if id == NO_ID {
                NO_ATTRIBUTE
            } else {
                id
            }
        }));
    }

    // Rows kept by --where.
    let mut keep = vec![true; n];
    for (col, value) in &opts.filters {
        text(col)?.for_each(n, |i, v| {
            if v.unwrap_or("") != value {
                keep[i] = false;
            }
        });
    }
    let converted = match &opts.converted_col {
        None => Vec::new(),
        Some(col) => {
            let mut flags = Vec::with_capacity(n);
            let mut bad: Option<(usize, String)> = None;
            text(col)?.for_each(n, |i, v| match columns::parse_flag(v) {
                Some(f) => flags.push(f),
                None => {
                    if bad.is_none() && keep[i] {
                        bad = Some((i, v.unwrap_or("").to_string()));
                    }
                    flags.push(false);
                }
            });
            if let Some((i, v)) = bad {
                let row = base + i as u64;
                bail!(
                    "{}: column '{col}' has '{v}', which is not a conversion marker (use 1/true/yes/y or 0/false/no/n/empty); fix the value or pick another --converted-col",
                    table_locate(table, row)
                );
            }
            flags
        }
    };

    // Extract the columns; customer ids and timestamps on a second thread.
    let time_name = actual(&m.time);
    let time_col = match o.hive_value(&time_name) {
        Some(v) => polars::prelude::Column::new(time_name.as_str().into(), vec![v; n]),
        None => df
            .column(&time_name)
            .map_err(|e| anyhow::anyhow!("{label}: {e}"))?
            .clone(),
    };
    let customer_text = text(&m.customer)?;
    let touchpoint_text = text(&m.touchpoint)?;
    let channel_text = match &m.channel {
        Some(ChannelSource::Column(c)) => Some(text(c)?),
        Some(ChannelSource::Constant(v)) => Some(Text::Constant(v.clone())),
        None => None,
    };
    // Two threads: customer ids (only partitioned here, see `DeferredIds`) and channels on
    // one, timestamps and touchpoints on this one; the next piece is being read meanwhile
    // (`read_chunks_ahead`). Text columns are freed as soon as they are done, to keep the
    // peak memory down.
    drop(df);
    let mut pending = std::mem::take(&mut table.pending_customers);
    let mut channels = table.channels.take();
    let empty_before = pending.empty_count();
    let (times, tp_ids, ch_ids) = std::thread::scope(|s| {
        let worker = s.spawn(|| {
            columns::defer(&customer_text, n, &mut pending);
            drop(customer_text);
            match (&channel_text, channels.as_mut()) {
                (Some(t), Some(dict)) => Some(columns::intern(t, n, dict)),
                _ => None,
            }
        });
        let times = columns::times(&time_col, &time_name, &opts.time);
        let tp_ids = columns::intern(&touchpoint_text, n, &mut table.touchpoints);
        drop(touchpoint_text);
        let ch_ids = worker
            .join()
            .map_err(|_| anyhow::anyhow!("{label}: the loading thread stopped"));
        (times, tp_ids, ch_ids)
    });
    let ch_ids = ch_ids?;
    let no_customer = pending.empty_count() > empty_before;
    table.pending_customers = pending;
    table.channels = channels;
    let times = times.map_err(|e| anyhow::anyhow!("{label}: {e}"))?;
    let none_channel = table.channels.as_mut().map(|d| d.intern(NO_CHANNEL));

    for &(off, rows, first) in &times.offsets {
        let text = format_offset(off);
        match table.issues.offsets.iter_mut().find(|o| o.offset == text) {
            Some(o) => o.rows += rows,
            None => table.issues.offsets.push(OffsetCount {
                offset: text,
                rows,
                first_row: base + first as u64,
            }),
        }
    }
    table.issues.naive_times += times.naive;

    let reserve = keep.iter().filter(|k| **k).count();
    table.time.reserve(reserve);
    table.touchpoint.reserve(reserve);
    table.row.reserve(reserve);
    let raw_time = |i: usize| -> String {
        time_col
            .get(i)
            .map(|v| {
                v.get_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            })
            .unwrap_or_default()
    };
    // The common case: every row kept and valid. Whole columns are appended at once.
    let all_good = keep.iter().all(|k| *k)
        && !no_customer
        && !tp_ids.contains(&NO_ID)
        && !times.ns.iter().any(|&t| t == NO_TIME || t == BAD_TIME)
        && ch_ids.as_ref().is_none_or(|ids| !ids.contains(&NO_ID));
    if all_good {
        table.time.extend_from_slice(&times.ns);
        table.touchpoint.extend_from_slice(&tp_ids);
        table.row.extend((base..base + n as u64).map(|r| r as u32));
        if let Some(none) = none_channel {
            match &ch_ids {
                Some(ids) => table.channel.extend_from_slice(ids),
                None => table.channel.extend(std::iter::repeat_n(none, n)),
            }
        }
        table.converted.extend_from_slice(&converted);
        return Ok(());
    }
    let issues = &mut table.issues;
    for i in 0..n {
        if !keep[i] {
            table.rows_filtered_out += 1;
            continue;
        }
        let row = base + i as u64;
        let (t, p) = (times.ns[i], tp_ids[i]);
        let mut ok = true;
        if table.pending_customers.is_empty_at(row as usize) {
            issues.missing_customer.add(row);
            ok = false;
        }
        if t == NO_TIME {
            issues.missing_time.add(row);
            ok = false;
        } else if t == BAD_TIME {
            issues.unparseable_time.add_with(row, &raw_time(i));
            ok = false;
        }
        if p == NO_ID {
            issues.missing_touchpoint.add(row);
            ok = false;
        }
        if !ok {
            table.rows_invalid += 1;
            continue;
        }
        table.time.push(t);
        table.touchpoint.push(p);
        table.row.push(row as u32);
        if let Some(none) = none_channel {
            let ch = ch_ids.as_ref().map_or(NO_ID, |ids| ids[i]);
            if ch == NO_ID {
                if ch_ids.is_some() {
                    issues.missing_channel.add(row);
                }
                table.channel.push(none);
            } else {
                table.channel.push(ch);
            }
        }
        if !converted.is_empty() {
            table.converted.push(converted[i]);
        }
    }
    Ok(())
}

fn table_locate(table: &EventTable, row: u64) -> String {
    table.locate(row)
}

fn format_offset(secs: i32) -> String {
    if secs == 0 {
        return "Z".to_string();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.abs();
    format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
}

/// Checks what was loaded as a whole: invalid rows, empty inputs.
fn finish(opts: &LoadOptions, table: &mut EventTable) -> Result<()> {
    table
        .issues
        .offsets
        .sort_by(|a, b| b.rows.cmp(&a.rows).then(a.offset.cmp(&b.offset)));
    let issues = table.issues.clone();
    if issues.invalid_rows() && !opts.lenient {
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
            parts.push(format!(
                "{} a timestamp that cannot be parsed (first: {}: '{value}' in column '{col}'; tried {}); pass --time-format to give the layout",
                counted(bad.count, "row has", "rows have"),
                table.locate(row),
                opts.time.formats_tried()
            ));
        }
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
