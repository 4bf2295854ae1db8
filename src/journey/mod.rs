//! Events to journeys: ordering, sessions, conversion, collapsing, and the compact store every
//! analysis walks.

mod assemble;
mod buckets;
mod build;
pub mod clean;
mod event_columns;
pub mod from_variants;
mod order;
mod order_stats;
mod record;

pub use crate::intern::{DeferredIds, Dictionary};
pub use build::build;
pub use order_stats::OrderStats;

use serde::Serialize;

/// Which column an analysis runs on.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    #[default]
    Touchpoint,
    Channel,
}

impl Level {
    /// The level's name, as flags and outputs spell it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Touchpoint => "touchpoint",
            Level::Channel => "channel",
        }
    }
}

/// How a journey converts (metrics.md, Conversion).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Conversion {
    #[default]
    None,
    /// Touchpoint names that are conversion events (`--conversion`).
    Events(Vec<String>),
    /// A column of conversion markers (`--converted-col`).
    Column(String),
}

impl Conversion {
    pub fn is_defined(&self) -> bool {
        !matches!(self, Conversion::None)
    }
}

/// How events become journeys.
#[derive(Clone, Debug, Default, Serialize)]
pub struct JourneyOptions {
    /// Split a customer's events where the gap is strictly greater than this (ns).
    #[serde(skip)]
    pub session_gap: Option<i64>,
    pub collapse_repeats: bool,
    pub level: Level,
    pub conversion: Conversion,
    pub split_on_conversion: bool,
    /// `--tiebreak COL`: events at one instant are ordered by COL, then by touchpoint and
    /// channel (byte order), then by row (the column is one of the table's kept columns).
    pub tiebreak: Option<String>,
}

/// All journeys: events in journey order in contiguous arrays, one offset per journey.
#[derive(Debug, Default)]
pub struct Journeys {
    pub level: Level,
    pub customers: Dictionary,
    pub touchpoints: Dictionary,
    pub channels: Option<Dictionary>,
    /// `offsets[j]..offsets[j + 1]` are the events of journey `j`.
    pub offsets: Vec<usize>,
    /// Customer id per journey.
    pub customer: Vec<u32>,
    /// Whether each journey converts.
    pub converted: Vec<bool>,
    /// Per journey: how many of its first events are touches for attribution (the events
    /// before the first conversion event with `--conversion`, else the whole journey).
    pub path_len: Vec<u32>,
    /// Per journey: instant and row position of its first conversion event (`i64::MIN` and
    /// `u32::MAX` when it does not convert); kept even when collapsing merged the event.
    pub conversion_time: Vec<i64>,
    pub conversion_row: Vec<u32>,
    /// Per event: touchpoint id, channel id (empty without channels), instant, row position.
    pub touchpoint: Vec<u32>,
    pub channel: Vec<u32>,
    pub time: Vec<i64>,
    pub row: Vec<u32>,
    /// Conversion events seen (before collapsing).
    pub conversion_events: u64,
    /// The row positions of the events that `--collapse-repeats` merged into the event
    /// before (empty without it), in no particular order.
    pub merged_rows: Vec<u32>,
    /// The journeys come from a variants table: their events have no times (every time is 0),
    /// and analyses leave the fields that need times empty (docs/variants.md).
    pub timeless: bool,
}

impl Journeys {
    /// Number of journeys.
    pub fn len(&self) -> usize {
        self.customer.len()
    }

    pub fn is_empty(&self) -> bool {
        self.customer.is_empty()
    }

    /// The number of events of the longest journey (0 without journeys).
    pub fn longest(&self) -> usize {
        self.offsets
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or(0)
    }

    /// Number of events (after collapsing, if on).
    pub fn events(&self) -> usize {
        self.time.len()
    }

    /// The event index range of journey `j`.
    #[inline]
    pub fn range(&self, j: usize) -> std::ops::Range<usize> {
        self.offsets[j]..self.offsets[j + 1]
    }

    /// Per-event ids at the analysis level.
    pub fn values(&self) -> &[u32] {
        match self.level {
            Level::Touchpoint => &self.touchpoint,
            Level::Channel => &self.channel,
        }
    }

    /// The names of the ids in [`Journeys::values`].
    pub fn names(&self) -> &Dictionary {
        match (self.level, &self.channels) {
            (Level::Channel, Some(c)) => c,
            _ => &self.touchpoints,
        }
    }

    /// The values of journey `j` at the analysis level.
    #[inline]
    pub fn journey(&self, j: usize) -> &[u32] {
        &self.values()[self.range(j)]
    }

    /// Number of converting journeys.
    pub fn conversions(&self) -> usize {
        self.converted.iter().filter(|c| **c).count()
    }
}

/// Hand-built journeys for the analyses' unit tests.
#[cfg(test)]
pub mod test_support {
    use super::*;

    /// Journeys from space-separated touchpoints ("a b c"), one customer each (`c0`, `c1`, ...),
    /// events 60 s apart, channels equal to the touchpoint's first letter in upper case.
    pub fn journeys(paths: &[&str], converted: &[bool]) -> Journeys {
        let mut j = Journeys {
            channels: Some(Dictionary::new()),
            ..Default::default()
        };
        j.offsets.push(0);
        for (i, p) in paths.iter().enumerate() {
            let c = j.customers.intern(&format!("c{i}"));
            for (k, t) in p.split_whitespace().enumerate() {
                j.touchpoint.push(j.touchpoints.intern(t));
                let ch = t[..1].to_uppercase();
                j.channel
                    .push(j.channels.as_mut().map(|d| d.intern(&ch)).unwrap_or(0));
                j.time
                    .push((i as i64 * 86_400 + k as i64 * 60) * 1_000_000_000);
                j.row.push(j.row.len() as u32);
            }
            j.offsets.push(j.time.len());
            j.customer.push(c);
            let conv = converted.get(i).copied().unwrap_or(false);
            j.converted.push(conv);
            j.path_len.push(p.split_whitespace().count() as u32);
            // Converting journeys convert 60 s after their last event.
            j.conversion_time.push(if conv {
                j.time.last().copied().unwrap_or(0) + 60_000_000_000
            } else {
                i64::MIN
            });
            j.conversion_row
                .push(if conv { u32::MAX - 1 } else { u32::MAX });
        }
        j
    }
}
