//! `journeymap paths` in every format: the path table.

use serde::Serialize;

use crate::analysis::paths::{PathRow, PathsReport};
use crate::duration::humanize_secs;
use crate::meta::Meta;
use crate::render::{count, percent, rate6, Doc, Present, Table};

/// What `paths` writes.
#[derive(Serialize)]
pub struct PathsOutput<'a> {
    pub meta: &'a Meta,
    #[serde(flatten)]
    pub report: &'a PathsReport,
}

impl PathsOutput<'_> {
    fn conversions(&self) -> bool {
        self.meta.options.conversion_defined()
    }
}

/// A path as text: `a > b > c`, with ` > …` when cut.
pub fn path_text(path: &[String], cut: bool) -> String {
    let mut s = path.join(" > ");
    if cut {
        s.push_str(" > …");
    }
    s
}

/// The rank column: numbered paths, empty for the `(other)` row.
fn rank(i: usize, p: &PathRow) -> String {
    if p.steps.is_some() {
        (i + 1).to_string()
    } else {
        String::new()
    }
}

impl Present for PathsOutput<'_> {
    fn csv(&self) -> Option<Table> {
        let conv = self.conversions();
        let mut cols = vec!["rank", "path", "steps", "cut", "count", "share"];
        if conv {
            cols.extend(["conversions", "conversion_rate"]);
        }
        cols.push("median_duration_s");
        let mut t = Table::new(&cols);
        for (i, p) in self.report.paths.iter().enumerate() {
            let mut row = vec![
                rank(i, p),
                path_text(&p.path, p.cut),
                p.steps.map(|s| s.to_string()).unwrap_or_default(),
                p.cut.to_string(),
                p.count.to_string(),
                rate6(Some(p.share)),
            ];
            if conv {
                row.push(p.conversions.unwrap_or(0).to_string());
                row.push(rate6(p.conversion_rate.flatten()));
            }
            row.push(
                p.median_duration_s
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            );
            t.row(row);
        }
        Some(t)
    }

    fn document(&self) -> Doc {
        let (r, conv) = (self.report, self.conversions());
        let mut doc = Doc::default();
        doc.heading("journeymap paths");
        let mut fields = vec![
            ("journeys", count(r.journeys)),
            ("distinct paths", count(r.distinct_paths)),
            ("events", count(r.events)),
        ];
        if r.left_out > 0 {
            fields.push((
                "left out",
                format!(
                    "{} journeys without the --starting-at/--ending-at touchpoint",
                    count(r.left_out)
                ),
            ));
        }
        if r.hidden_paths > 0 {
            fields.push((
                "not shown",
                format!(
                    "{} paths (--top, --min-count; --other sums them)",
                    count(r.hidden_paths)
                ),
            ));
        }
        fields.push(("options", self.meta.options.summary()));
        doc.fields(fields);
        let mut cols = vec!["#>", "path", "steps>", "journeys>", "share>"];
        if conv {
            cols.extend(["conversions>", "rate>"]);
        }
        cols.push("median duration>");
        let mut t = Table::new(&cols);
        for (i, p) in r.paths.iter().enumerate() {
            let mut row = vec![
                rank(i, p),
                path_text(&p.path, p.cut),
                p.steps.map(|s| s.to_string()).unwrap_or_default(),
                count(p.count),
                percent(Some(p.share)),
            ];
            if conv {
                row.push(count(p.conversions.unwrap_or(0)));
                row.push(percent(p.conversion_rate.flatten()));
            }
            row.push(p.median_duration_s.map(humanize_secs).unwrap_or_default());
            t.row(row);
        }
        doc.table(t);
        doc
    }
}
