//! `journeymap inspect` in every format: inputs, summary, columns, names and data quality.

use serde::Serialize;

use crate::analysis::inspect::InspectReport;
use crate::duration::humanize_secs;
use crate::meta::Meta;
use crate::render::{count, percent, Doc, Present, Table};

/// How many touchpoints the table format lists before summing up the rest.
const TABLE_TOUCHPOINTS: usize = 20;

/// What `inspect` writes (it has no CSV: its parts are tables of different shapes).
#[derive(Serialize)]
pub struct InspectOutput<'a> {
    pub meta: &'a Meta,
    #[serde(flatten)]
    pub report: &'a InspectReport,
}

impl Present for InspectOutput<'_> {
    fn document(&self) -> Doc {
        document(self.report, self.meta)
    }
}

/// The report for people (table and Markdown).
fn document(r: &InspectReport, meta: &Meta) -> Doc {
    let mut doc = Doc::default();
    doc.heading("journeymap inspect");
    let mut inputs = Table::new(&["file", "format", "rows>", "mapping"]);
    for s in &r.inputs {
        let format = if s.gzip {
            format!("{} (gzip)", s.format)
        } else {
            s.format.clone()
        };
        inputs.row(vec![
            s.file.clone(),
            format,
            count(s.rows),
            s.mapping.describe(),
        ]);
    }
    doc.table(inputs);

    let mut summary = vec![
        ("rows read", count(r.rows.read)),
        ("events used", count(r.rows.used)),
    ];
    for (label, n) in [
        ("dropped by --where", r.rows.filtered_out),
        ("invalid rows", r.rows.invalid),
        ("dropped by --exclude", r.rows.excluded),
        ("outside --from/--to", r.rows.out_of_range),
    ] {
        if n > 0 {
            summary.push((label, count(n)));
        }
    }
    if let Some(t) = &r.time_range {
        summary.push((
            "time range",
            format!(
                "{} .. {} ({})",
                t.first,
                t.last,
                humanize_secs(t.span_seconds as f64)
            ),
        ));
    }
    summary.push(("customers", count(r.customers)));
    summary.push(("journeys", count(r.journeys)));
    if let Some(s) = &r.events_per_journey {
        summary.push((
            "events per journey",
            format!(
                "min {}, median {}, p95 {}, max {}, mean {:.2}",
                s.min, s.median, s.p95, s.max, s.mean
            ),
        ));
    }
    summary.push(("distinct touchpoints", count(r.distinct_touchpoints)));
    if let Some(ch) = &r.channels {
        summary.push(("distinct channels", count(ch.len() as u64)));
    }
    if let Some(c) = &r.conversions {
        summary.push((
            "converting journeys",
            format!(
                "{} ({})",
                count(c.converting_journeys),
                percent(c.conversion_rate)
            ),
        ));
        summary.push(("conversion events", count(c.conversion_events)));
    }
    summary.push(("options", meta.options.summary()));
    doc.heading("Summary");
    doc.fields(summary);

    doc.heading("Columns");
    let mut cols = Table::new(&["file", "column", "type", "role"]);
    for s in &r.inputs {
        for c in &s.columns {
            let role = role_of(&s.mapping, &c.name);
            cols.row(vec![
                s.file.clone(),
                c.name.clone(),
                c.dtype.clone(),
                role.to_string(),
            ]);
        }
    }
    doc.table(cols);

    doc.heading("Touchpoints");
    doc.table(name_table(&r.touchpoints, TABLE_TOUCHPOINTS));
    if r.touchpoints.len() > TABLE_TOUCHPOINTS {
        doc.note(format!(
            "... and {} more (all of them in --format json)",
            r.touchpoints.len() - TABLE_TOUCHPOINTS
        ));
    }
    if let Some(ch) = &r.channels {
        doc.heading("Channels");
        doc.table(name_table(ch, usize::MAX));
    }

    doc.heading("Data quality");
    let mut q = Table::new(&["check", "count>", "first rows", "examples"]);
    for f in &r.findings {
        let status = if f.count == 0 {
            "ok".to_string()
        } else {
            count(f.count)
        };
        q.row(vec![
            f.check.replace('_', " "),
            status,
            short_locations(&f.locations, r),
            f.examples.join(", "),
        ]);
    }
    doc.table(q);
    doc.note("where: file line (CSV, header is line 1), record (JSON Lines, from 1) or row (Parquet, from 0)");
    doc
}

/// Locations for the table: without the file name when there is only one file.
fn short_locations(locations: &[String], r: &InspectReport) -> String {
    match r.inputs.as_slice() {
        [one] => {
            let prefix = format!("{} ", one.file);
            locations
                .iter()
                .map(|l| l.strip_prefix(&prefix).unwrap_or(l))
                .collect::<Vec<_>>()
                .join(", ")
        }
        _ => locations.join(", "),
    }
}

fn name_table(items: &[crate::analysis::inspect::NameCount], limit: usize) -> Table {
    let mut t = Table::new(&["name", "events>", "share>"]);
    for n in items.iter().take(limit) {
        t.row(vec![
            n.name.clone(),
            count(n.events),
            percent(Some(n.share)),
        ]);
    }
    t
}

fn role_of(m: &crate::input::mapping::Mapping, column: &str) -> &'static str {
    use crate::input::mapping::ChannelSource;
    if m.customer == column {
        "customer"
    } else if m.time == column {
        "time"
    } else if m.touchpoint == column {
        "touchpoint"
    } else if m.channel == Some(ChannelSource::Column(column.to_string())) {
        "channel"
    } else {
        ""
    }
}
