//! `inspect`: what is in the inputs and what is wrong with them.

use serde::Serialize;

use super::stats::Summary;
use crate::input::findings::{Finding, FIRST_ROWS};
use crate::input::{EventTable, SourceInfo};
use crate::journey::clean::CleanSummary;
use crate::journey::{Conversion, Dictionary, Journeys, OrderStats};

/// Everything `inspect` reports.
#[derive(Clone, Debug, Serialize)]
pub struct InspectReport {
    pub inputs: Vec<SourceInfo>,
    pub rows: RowCounts,
    pub time_range: Option<TimeRange>,
    pub customers: u64,
    pub journeys: u64,
    pub events: u64,
    pub events_per_journey: Option<Summary>,
    pub distinct_touchpoints: u64,
    /// Every touchpoint, most events first (ties by name).
    pub touchpoints: Vec<NameCount>,
    /// Every channel, most events first; absent without a channel column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<NameCount>>,
    /// Absent without a conversion definition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversions: Option<Conversions>,
    pub findings: Vec<QualityFinding>,
}

/// Where the rows went.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RowCounts {
    pub read: u64,
    /// Dropped by `--where`.
    pub filtered_out: u64,
    /// Without customer id, timestamp or touchpoint, or with an unparseable timestamp.
    pub invalid: u64,
    /// Dropped by `--exclude`.
    pub excluded: u64,
    /// Outside `--from`/`--to`.
    pub out_of_range: u64,
    /// Events in journeys (before collapsing).
    pub used: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TimeRange {
    pub first: String,
    pub last: String,
    pub span_seconds: i64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NameCount {
    pub name: String,
    pub events: u64,
    pub share: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Conversions {
    pub definition: Conversion,
    pub converting_journeys: u64,
    pub conversion_rate: Option<f64>,
    pub conversion_events: u64,
}

/// One data-quality check and what it found.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct QualityFinding {
    /// Stable identifier of the check.
    pub check: &'static str,
    pub description: &'static str,
    pub count: u64,
    /// Row positions (0-based, header excluded, continuing across files).
    pub first_rows: Vec<u64>,
    /// The same rows as file and line, for people.
    pub locations: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
}

/// Builds the report. `now_ns` decides what counts as "in the future".
pub fn inspect(
    table: &EventTable,
    journeys: &Journeys,
    order: &OrderStats,
    clean: &CleanSummary,
    conversion: &Conversion,
    now_ns: i64,
) -> InspectReport {
    let used = order_events(table, clean);
    let n = journeys.len();
    // The passes over every event, on two threads: touchpoints on one; instants, channels
    // and journey lengths on the other.
    let ((touchpoint_counts, touchpoints), (min_t, max_t, future, channels, lengths)) =
        std::thread::scope(|s| {
            let worker = s.spawn(|| {
                let counts = counts(journeys.touchpoints.len(), &journeys.touchpoint);
                let named = name_counts(&journeys.touchpoints, &counts);
                (counts, named)
            });
            let mut future = Finding::default();
            let (mut lo, mut hi) = (i64::MAX, i64::MIN);
            for (i, &t) in journeys.time.iter().enumerate() {
                lo = lo.min(t);
                hi = hi.max(t);
                if t > now_ns {
                    future.add_with(journeys.row[i] as u64, &rfc3339(t));
                }
            }
            let channels = journeys
                .channels
                .as_ref()
                .map(|d| name_counts(d, &counts(d.len(), &journeys.channel)));
            // Lengths in ascending order (a counting sort: most journeys are short).
            let mut by_length: Vec<u64> = Vec::new();
            for j in 0..n {
                let len = journeys.range(j).len();
                if len >= by_length.len() {
                    by_length.resize(len + 1, 0);
                }
                by_length[len] += 1;
            }
            let mut lengths = Vec::with_capacity(n);
            for (len, &k) in by_length.iter().enumerate() {
                lengths.extend(std::iter::repeat_n(len as u64, k as usize));
            }
            let done = worker
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (done, (lo, hi, future, channels, lengths))
        });
    let time_range = (!journeys.time.is_empty()).then(|| TimeRange {
        first: rfc3339(min_t),
        last: rfc3339(max_t),
        span_seconds: max_t.saturating_sub(min_t) / 1_000_000_000,
    });
    let mut customers_seen = vec![false; journeys.customers.len()];
    for &c in &journeys.customer {
        customers_seen[c as usize] = true;
    }
    let conversions = conversion.is_defined().then(|| {
        let converting = journeys.conversions() as u64;
        Conversions {
            definition: conversion.clone(),
            converting_journeys: converting,
            conversion_rate: (n > 0).then(|| converting as f64 / n as f64),
            conversion_events: journeys.conversion_events,
        }
    });
    let mut report = InspectReport {
        inputs: table.sources.clone(),
        rows: RowCounts {
            read: table.rows_read,
            filtered_out: table.rows_filtered_out,
            invalid: table.rows_invalid,
            excluded: clean.excluded_events,
            out_of_range: clean.out_of_range_events,
            used,
        },
        time_range,
        customers: customers_seen.iter().filter(|s| **s).count() as u64,
        journeys: n as u64,
        events: journeys.events() as u64,
        events_per_journey: Summary::of(lengths),
        distinct_touchpoints: touchpoints.len() as u64,
        touchpoints,
        channels,
        conversions,
        findings: Vec::new(),
    };
    report.findings = findings(table, journeys, order, &future, &touchpoint_counts);
    report
}

fn order_events(table: &EventTable, clean: &CleanSummary) -> u64 {
    table.rows_read
        - table.rows_filtered_out
        - table.rows_invalid
        - clean.excluded_events
        - clean.out_of_range_events
}

/// Formats nanoseconds since the epoch as RFC 3339 UTC.
pub fn rfc3339(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let nanos = ns.rem_euclid(1_000_000_000) as u32;
    chrono::DateTime::from_timestamp(secs, nanos)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        .unwrap_or_else(|| ns.to_string())
}

/// Events per id.
fn counts(ids_len: usize, ids: &[u32]) -> Vec<u64> {
    let mut counts = vec![0u64; ids_len];
    for &id in ids {
        counts[id as usize] += 1;
    }
    counts
}

/// Every name with events, most events first (ties by name), from [`counts`].
fn name_counts(dict: &Dictionary, counts: &[u64]) -> Vec<NameCount> {
    let total = counts.iter().sum::<u64>().max(1) as f64;
    let mut out: Vec<NameCount> = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(id, c)| NameCount {
            name: dict.name(id as u32).to_string(),
            events: *c,
            share: *c as f64 / total,
        })
        .collect();
    out.sort_by(|a, b| {
        b.events
            .cmp(&a.events)
            .then_with(|| a.name.as_bytes().cmp(b.name.as_bytes()))
    });
    out
}

fn finding(
    table: &EventTable,
    check: &'static str,
    description: &'static str,
    f: &Finding,
) -> QualityFinding {
    QualityFinding {
        check,
        description,
        count: f.count,
        first_rows: f.first_rows.clone(),
        locations: f.first_rows.iter().map(|r| table.locate(*r)).collect(),
        examples: f.examples.clone(),
    }
}

fn findings(
    table: &EventTable,
    journeys: &Journeys,
    order: &OrderStats,
    future: &Finding,
    touchpoint_counts: &[u64],
) -> Vec<QualityFinding> {
    let issues = &table.issues;
    let mut out = vec![
        finding(
            table,
            "missing_customer_id",
            "rows with an empty or null customer id",
            &issues.missing_customer,
        ),
        finding(
            table,
            "missing_timestamp",
            "rows with an empty or null timestamp",
            &issues.missing_time,
        ),
        finding(
            table,
            "unparseable_timestamp",
            "rows whose timestamp cannot be parsed or is outside 1677-2262",
            &issues.unparseable_time,
        ),
        finding(
            table,
            "missing_touchpoint",
            "rows with an empty or null touchpoint",
            &issues.missing_touchpoint,
        ),
    ];
    if journeys.channels.is_some() {
        out.push(finding(
            table,
            "missing_channel",
            "events with an empty channel (counted as '(none)')",
            &issues.missing_channel,
        ));
    }
    out.push(finding(
        table,
        "duplicate_events",
        "events equal to an earlier one in customer, instant, touchpoint and channel",
        &order.duplicate_events,
    ));
    out.push(finding(
        table,
        "journeys_with_tied_timestamps",
        "journeys with two or more events at the same instant (kept in row order)",
        &order.journeys_with_ties,
    ));
    out.push(finding(
        table,
        "rows_out_of_time_order",
        "events earlier than the row before them of the same customer (the input is not sorted; journeymap sorts it)",
        &order.rows_out_of_order,
    ));
    out.push(mixed_offsets(table));
    out.push(finding(
        table,
        "future_timestamps",
        "events later than the time of the run",
        future,
    ));
    out.push(finding(
        table,
        "touchpoints_seen_once",
        "touchpoints that occur in one event only (typos?)",
        &seen_once(journeys, touchpoint_counts),
    ));
    out
}

fn mixed_offsets(table: &EventTable) -> QualityFinding {
    let issues = &table.issues;
    let mut groups: Vec<(String, u64, u64)> = issues
        .offsets
        .iter()
        .map(|o| (o.offset.clone(), o.rows, o.first_row))
        .collect();
    if issues.naive_times > 0 && !groups.is_empty() {
        groups.push(("no offset".to_string(), issues.naive_times, u64::MAX));
    }
    groups.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut f = Finding::default();
    if groups.len() > 1 {
        f.count = groups[1..].iter().map(|g| g.1).sum();
        for g in groups.iter().skip(1).take(FIRST_ROWS) {
            if g.2 != u64::MAX {
                f.first_rows.push(g.2);
            }
        }
        f.examples = groups
            .iter()
            .map(|g| format!("{} ({})", g.0, crate::text::counted(g.1, "row", "rows")))
            .collect();
    }
    finding(
        table,
        "mixed_utc_offsets",
        "timestamps with another UTC offset than the most common one (all are converted to UTC)",
        &f,
    )
}

/// Events whose touchpoint has one event in all (`counts` per touchpoint).
fn seen_once(journeys: &Journeys, counts: &[u64]) -> Finding {
    if !counts.contains(&1) {
        return Finding::default();
    }
    let mut once: Vec<(u32, &str)> = Vec::new();
    // (the Finding keeps the smallest rows, whatever the order they come in)
    for (i, &t) in journeys.touchpoint.iter().enumerate() {
        if counts[t as usize] == 1 {
            once.push((journeys.row[i], journeys.touchpoints.name(t)));
        }
    }
    let mut f = Finding::default();
    for (row, name) in once {
        f.add_with(row as u64, name);
    }
    f
}
