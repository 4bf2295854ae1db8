//! Loading one piece of a file (a DataFrame of its stored columns) into the [`EventTable`]:
//! columns found by the names the user gave, rows kept by `--where`, conversion markers
//! checked, text turned into dictionary ids and timestamps into nanoseconds; `rows` then adds
//! the rows.

use anyhow::{anyhow, bail, Result};
use polars::prelude::{Column, DataFrame};

use super::rows::{append_rows, PieceIds, PieceRows, TimeColumn};
use super::{file_column, LoadOptions};
use crate::input::columns::{self, Text, Times, NO_ID};
use crate::input::mapping::{ChannelSource, Mapping};
use crate::input::read::Opened;
use crate::input::table::{EventTable, LoadIssues, OffsetCount, NO_ATTRIBUTE, NO_CHANNEL};
use crate::input::time::TimeParser;
use crate::intern::Dictionary;

/// Adds the rows of one piece of a file (the file's last source entry already counts them).
pub(super) fn load_frame(
    opts: &LoadOptions,
    o: &Opened,
    m: &Mapping,
    df: DataFrame,
    table: &mut EventTable,
) -> Result<()> {
    let label = &o.file.label;
    let n = df.height();
    let base = table.rows_read;
    table.rows_read += n as u64;
    if n == 0 {
        return Ok(());
    }
    let piece = PieceColumns { opened: o, df: &df };

    for (k, kept) in opts.kept.iter().zip(table.kept.iter_mut()) {
        if k.optional && !super::has_column(o, &k.column) {
            kept.ids.extend(std::iter::repeat_n(NO_ATTRIBUTE, n));
        } else {
            append_attribute(&piece.text(&k.column)?, n, &mut kept.values, &mut kept.ids);
        }
    }
    let keep = rows_kept(&opts.filters, &piece, n)?;
    let converted = match &opts.converted_col {
        None => Vec::new(),
        Some(col) => conversion_markers(col, &piece.text(col)?, &keep, base, table)?,
    };

    // The columns the table keeps.
    let time = piece.time(&m.time)?;
    let texts = IdTexts {
        customer: piece.text(&m.customer)?,
        touchpoint: piece.text(&m.touchpoint)?,
    };
    let channel_text = match &m.channel {
        Some(ChannelSource::Column(c)) => Some(piece.text(c)?),
        Some(ChannelSource::Constant(v)) => Some(Text::Constant(v.clone())),
        None => None,
    };
    // The piece's frame is freed before the columns are converted, to keep the peak memory
    // down.
    drop(df);
    let ids = convert_columns(
        texts,
        channel_text.as_ref(),
        &time,
        n,
        &opts.time,
        label,
        table,
    )?;
    let none_channel = table.channels.as_mut().map(|d| d.intern(NO_CHANNEL));
    count_offsets(&mut table.issues, &ids.times, base);
    let rows = PieceRows {
        base,
        keep,
        converted,
        ids,
    };
    append_rows(table, &rows, none_channel, &time);
    Ok(())
}

/// A piece of a file, its columns found by the names the user gave.
struct PieceColumns<'a> {
    opened: &'a Opened,
    df: &'a DataFrame,
}

impl PieceColumns<'_> {
    /// The column `name` as text (a partition key's value in every row).
    fn text(&self, name: &str) -> Result<Text> {
        let label = &self.opened.file.label;
        let name = file_column(self.opened, name);
        match self.opened.hive_value(&name) {
            Some(v) => Ok(Text::Constant(v.to_string())),
            None => Text::from_frame(self.df, &name).map_err(|e| anyhow!("{label}: {e}")),
        }
    }

    /// The timestamp column `name` as the file has it (a partition key's value in every row).
    fn time(&self, name: &str) -> Result<TimeColumn> {
        let label = &self.opened.file.label;
        let name = file_column(self.opened, name);
        let column = match self.opened.hive_value(&name) {
            Some(v) => Column::new(name.as_str().into(), vec![v; self.df.height()]),
            None => self
                .df
                .column(&name)
                .map_err(|e| anyhow!("{label}: {e}"))?
                .clone(),
        };
        Ok(TimeColumn::new(name, column))
    }
}

/// Adds the ids of a piece's values of a kept column (`--breakdown`, ...) to `ids`, interning
/// them in `dict`; an empty value is [`NO_ATTRIBUTE`].
fn append_attribute(text: &Text, n: usize, dict: &mut Dictionary, ids: &mut Vec<u32>) {
    ids.extend(columns::intern(text, n, dict).into_iter().map(|id| {
        if id == NO_ID {
            NO_ATTRIBUTE
        } else {
            id
        }
    }));
}

/// Which of the piece's `n` rows `--where` keeps (every filter must hold).
fn rows_kept(filters: &[(String, String)], piece: &PieceColumns, n: usize) -> Result<Vec<bool>> {
    let mut keep = vec![true; n];
    for (col, value) in filters {
        piece.text(col)?.for_each(n, |i, v| {
            if v.unwrap_or("") != value {
                keep[i] = false;
            }
        });
    }
    Ok(keep)
}

/// The `--converted-col` marker of each row, from `text`, the piece's column `col`; a value
/// that is no marker, in a row that `--where` keeps, is an error that names the row.
fn conversion_markers(
    col: &str,
    text: &Text,
    keep: &[bool],
    base: u64,
    table: &EventTable,
) -> Result<Vec<bool>> {
    let n = keep.len();
    let mut flags = Vec::with_capacity(n);
    let mut bad: Option<(usize, String)> = None;
    text.for_each(n, |i, v| match columns::parse_flag(v) {
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
            "{}: column '{col}' has '{}', which is not a conversion marker (use 1/true/yes/y or 0/false/no/n/empty); fix the value or pick another --converted-col",
            table.locate(row),
            crate::text::excerpt(&v)
        );
    }
    Ok(flags)
}

/// The text columns of a piece that become customer and touchpoint ids.
struct IdTexts {
    customer: Text,
    touchpoint: Text,
}

/// Turns a piece's `n` rows of text and timestamps into the table's ids and nanoseconds:
/// customer ids (only partitioned here, see `DeferredIds`) and channels on a second thread,
/// timestamps and touchpoints on this one, while the next piece is being read
/// (`read_chunks_ahead`). Text columns are freed as soon as they are done, to keep the peak
/// memory down.
fn convert_columns(
    texts: IdTexts,
    channel_text: Option<&Text>,
    time: &TimeColumn,
    n: usize,
    parser: &TimeParser,
    label: &str,
    table: &mut EventTable,
) -> Result<PieceIds> {
    let IdTexts {
        customer: customer_text,
        touchpoint: touchpoint_text,
    } = texts;
    let mut pending = std::mem::take(&mut table.pending_customers);
    let mut channels = table.channels.take();
    let empty_before = pending.empty_count();
    let (times, tp_ids, ch_ids) = std::thread::scope(|s| {
        let worker = s.spawn(|| {
            columns::defer(&customer_text, n, &mut pending);
            drop(customer_text);
            match (channel_text, channels.as_mut()) {
                (Some(t), Some(dict)) => Some(columns::intern(t, n, dict)),
                _ => None,
            }
        });
        let times = columns::times(&time.column, &time.name, parser);
        let tp_ids = columns::intern(&touchpoint_text, n, &mut table.touchpoints);
        drop(touchpoint_text);
        let ch_ids = worker
            .join()
            .map_err(|_| anyhow!("{label}: the loading thread stopped"));
        (times, tp_ids, ch_ids)
    });
    let ch_ids = ch_ids?;
    let no_customer = pending.empty_count() > empty_before;
    table.pending_customers = pending;
    table.channels = channels;
    let times = times.map_err(|e| anyhow!("{label}: {e}"))?;
    Ok(PieceIds {
        times,
        touchpoint: tp_ids,
        channel: ch_ids,
        no_customer,
    })
}

/// Adds the UTC offsets and naive timestamps seen in a piece (whose first row is `base`).
fn count_offsets(issues: &mut LoadIssues, times: &Times, base: u64) {
    for &(off, rows, first) in &times.offsets {
        let text = format_offset(off);
        match issues.offsets.iter_mut().find(|o| o.offset == text) {
            Some(o) => o.rows += rows,
            None => issues.offsets.push(OffsetCount {
                offset: text,
                rows,
                first_row: base + first as u64,
            }),
        }
    }
    issues.naive_times += times.naive;
}

/// A UTC offset as written in outputs: `Z`, `+05:30`, `-08:00`.
fn format_offset(secs: i32) -> String {
    if secs == 0 {
        return "Z".to_string();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.abs();
    format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
}
