//! `journeymap check` as a table and JSON; JUnit XML and GitHub annotations are written by
//! their own formats (render::junit, render::github) from the same results.

use serde::Serialize;

use crate::check::judge::{pp, show_value};
use crate::check::{CheckResult, Verdict};
use crate::meta::Meta;
use crate::render::{count, Doc, Present, Table};

/// What `check` writes.
#[derive(Serialize)]
pub struct CheckOutput<'a> {
    pub meta: &'a Meta,
    pub passed: bool,
    pub summary: Summary,
    /// The baseline file compared with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// The baseline file this run wrote (`--write-baseline`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_written: Option<String>,
    pub checks: &'a [CheckResult],
}

/// How many checks passed, failed and were skipped.
#[derive(Serialize)]
pub struct Summary {
    pub checks: usize,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Summary {
    pub fn of(results: &[CheckResult]) -> Summary {
        let count = |v: Verdict| results.iter().filter(|r| r.verdict == v).count();
        Summary {
            checks: results.len(),
            passed: count(Verdict::Pass),
            failed: count(Verdict::Fail),
            skipped: count(Verdict::Skipped),
        }
    }
}

impl Present for CheckOutput<'_> {
    fn document(&self) -> Doc {
        document(self)
    }
}

fn document(o: &CheckOutput) -> Doc {
    let (results, s, meta) = (o.checks, &o.summary, o.meta);
    let mut doc = Doc::default();
    doc.heading("journeymap check");
    doc.fields(vec![
        ("journeys", count(meta.journeys)),
        (
            "checks",
            format!(
                "{}: {} passed, {} failed, {} skipped",
                s.checks, s.passed, s.failed, s.skipped
            ),
        ),
        (
            "baseline",
            match (&o.baseline, &o.baseline_written) {
                (Some(read), None) => read.clone(),
                (Some(read), Some(written)) => {
                    format!("{read} (this run's values written to {written})")
                }
                (None, Some(written)) => {
                    format!("none; this run's values written to {written}")
                }
                (None, None) => "none".to_string(),
            },
        ),
        ("options", meta.options.summary()),
    ]);
    let mut t = Table::new(&["check", "value>", "limit", "verdict"]);
    for r in results {
        let show = |v: f64| show_value(r.unit, v);
        let mut value = r.value.map(show).unwrap_or_else(|| "-".to_string());
        if let (Some(b), Some(d)) = (r.baseline, r.drop_pp) {
            let sign = if d > 0.0 { "-" } else { "+" };
            value = format!(
                "{value} (baseline {}, {sign}{} {})",
                show(b),
                pp(d.abs()),
                r.unit.points()
            );
        }
        let verdict = match r.verdict {
            Verdict::Pass => "pass",
            Verdict::Fail => "FAIL",
            Verdict::Skipped => "skipped",
        };
        t.row(vec![
            r.name.clone(),
            value,
            r.limit.clone(),
            verdict.to_string(),
        ]);
    }
    doc.table(t);
    for r in results.iter().filter(|r| r.verdict != Verdict::Pass) {
        doc.note(format!("{}: {}", r.verdict.name(), r.message));
    }
    doc
}
