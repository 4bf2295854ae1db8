//! Adding a piece's rows to the [`EventTable`]: whole columns at once when every row is kept
//! and valid (the common case), else row by row, counting invalid rows as findings.

use polars::prelude::Column;

use crate::input::columns::{date_text, iso_text, Times, BAD_TIME, NO_ID, NO_TIME};
use crate::input::table::EventTable;

/// A piece's columns as the table keeps them, before `--where` and the checks of each row.
pub(super) struct PieceIds {
    /// Nanoseconds ([`NO_TIME`] or [`BAD_TIME`] for a missing or unparseable timestamp),
    /// and the offsets seen.
    pub(super) times: Times,
    /// Touchpoint ids ([`NO_ID`] where empty).
    pub(super) touchpoint: Vec<u32>,
    /// Channel ids ([`NO_ID`] where empty), when the source has a channel.
    pub(super) channel: Option<Vec<u32>>,
    /// Whether a row has no customer id.
    pub(super) no_customer: bool,
}

/// A piece's rows, ready to be added to the table.
pub(super) struct PieceRows {
    /// Row position of the piece's first row.
    pub(super) base: u64,
    /// Rows `--where` keeps.
    pub(super) keep: Vec<bool>,
    /// The `--converted-col` marker per row (empty without it).
    pub(super) converted: Vec<bool>,
    /// The piece's columns as ids and nanoseconds.
    pub(super) ids: PieceIds,
}

impl PieceRows {
    /// Whether every row is kept and valid (the common case).
    fn all_kept_and_valid(&self) -> bool {
        let PieceRows { keep, ids, .. } = self;
        keep.iter().all(|k| *k)
            && !ids.no_customer
            && !ids.touchpoint.contains(&NO_ID)
            && !ids.times.ns.iter().any(|&t| t == NO_TIME || t == BAD_TIME)
            && ids.channel.as_ref().is_none_or(|ids| !ids.contains(&NO_ID))
    }
}

/// Adds a piece's rows to the table: whole columns at once when every row is kept and valid,
/// else row by row. `none_channel` is the id of [`NO_CHANNEL`](crate::input::NO_CHANNEL)
/// when there are channels.
pub(super) fn append_rows(
    table: &mut EventTable,
    rows: &PieceRows,
    none_channel: Option<u32>,
    time: &TimeColumn,
) {
    let reserve = rows.keep.iter().filter(|k| **k).count();
    table.time.reserve(reserve);
    table.touchpoint.reserve(reserve);
    table.row.reserve(reserve);
    if rows.all_kept_and_valid() {
        append_all(table, rows, none_channel);
    } else {
        append_checked(table, rows, none_channel, time);
    }
}

/// Adds every row of a piece, whose rows are all kept and valid.
fn append_all(table: &mut EventTable, rows: &PieceRows, none_channel: Option<u32>) {
    let PieceRows {
        base,
        keep,
        converted,
        ids,
    } = rows;
    let (base, n) = (*base, keep.len());
    table.time.extend_from_slice(&ids.times.ns);
    table.touchpoint.extend_from_slice(&ids.touchpoint);
    table.row.extend((base..base + n as u64).map(|r| r as u32));
    if let Some(none) = none_channel {
        match &ids.channel {
            Some(ids) => table.channel.extend_from_slice(ids),
            None => table.channel.extend(std::iter::repeat_n(none, n)),
        }
    }
    table.converted.extend_from_slice(converted);
}

/// Adds the rows of a piece that `--where` keeps and that are valid, counting the others
/// (and rows without a channel) as findings.
fn append_checked(
    table: &mut EventTable,
    rows: &PieceRows,
    none_channel: Option<u32>,
    time: &TimeColumn,
) {
    let PieceRows {
        base,
        keep,
        converted,
        ids,
    } = rows;
    let (base, n) = (*base, keep.len());
    let (times, tp_ids, ch_ids) = (&ids.times, &ids.touchpoint, &ids.channel);
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
            issues.unparseable_time.add_with(row, &time.raw(i));
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
}

/// A piece's timestamp column, by its name in the file.
pub(super) struct TimeColumn {
    pub(super) name: String,
    pub(super) column: Column,
}

impl TimeColumn {
    pub(super) fn new(name: String, column: Column) -> TimeColumn {
        TimeColumn { name, column }
    }

    /// Row `i`'s value as written, for a finding that shows it: text as it is, dates and
    /// timestamps in ISO 8601 (also those outside the range of nanoseconds since 1970).
    pub(super) fn raw(&self, i: usize) -> String {
        use polars::prelude::AnyValue;
        let Ok(v) = self.column.get(i) else {
            return String::new();
        };
        match &v {
            AnyValue::Date(days) => date_text(*days),
            AnyValue::Datetime(x, unit, tz) => iso_text(*x, *unit, tz.is_some()),
            other => other
                .get_str()
                .map(str::to_string)
                .unwrap_or_else(|| other.to_string()),
        }
    }
}
