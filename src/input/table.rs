//! The [`EventTable`]: every input's events in row order, text as dictionary ids, with what
//! was read from each file and what was found wrong on the way.

use serde::Serialize;

use std::sync::{Arc, Mutex};

use super::read::LineMap;

use super::findings::Finding;
use super::mapping::Mapping;
use crate::intern::{DeferredIds, Dictionary};

/// The attribute id of a row whose attribute value is empty.
pub const NO_ATTRIBUTE: u32 = u32::MAX;

/// A column kept for every row: its values, and an id per row position (every row read,
/// [`NO_ATTRIBUTE`] where empty), so it survives the ordering of events.
#[derive(Debug, Default)]
pub struct KeptColumn {
    pub name: String,
    pub values: Dictionary,
    pub ids: Vec<u32>,
}

impl EventTable {
    /// The kept column named `name`.
    pub fn kept(&self, name: &str) -> Option<&KeptColumn> {
        self.kept.iter().find(|k| k.name == name)
    }
}

/// The channel given to events whose channel is empty or whose source has none.
pub const NO_CHANNEL: &str = "(none)";

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
    /// CSV: where rows are in the file's lines (blank lines, line breaks inside quotes),
    /// shared with the reader, which learns it piece by piece.
    #[serde(skip)]
    pub lines: Arc<Mutex<LineMap>>,
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
    /// Whether a row lacked a customer id, a timestamp or a touchpoint, or had a timestamp
    /// that does not parse.
    pub(super) fn invalid_rows(&self) -> bool {
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
    /// The kept columns ([`LoadOptions::kept`](crate::input::LoadOptions::kept), in its order).
    pub kept: Vec<KeptColumn>,
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
    /// Number of events.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Whether there are no events.
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
                    _ => {
                        let lines = s.lines.lock().unwrap_or_else(|e| e.into_inner());
                        format!("{} line {}", s.file, lines.line(local))
                    }
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
