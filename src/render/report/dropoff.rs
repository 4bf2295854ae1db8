//! `journeymap dropoff` in every format: exits per touchpoint and the last steps before them.

use serde::Serialize;

use crate::analysis::dropoff::DropoffReport;
use crate::meta::Meta;
use crate::render::{count, percent, rate6, Doc, Present, Table};

/// What `dropoff` writes.
#[derive(Serialize)]
pub struct DropoffOutput<'a> {
    pub meta: &'a Meta,
    #[serde(flatten)]
    pub report: &'a DropoffReport,
}

impl Present for DropoffOutput<'_> {
    fn csv(&self) -> Option<Table> {
        let mut t = Table::new(&["name", "reach", "exits", "exit_rate", "share_of_exits"]);
        for r in &self.report.touchpoints {
            t.row(vec![
                r.name.clone(),
                r.reach.to_string(),
                r.exits.to_string(),
                rate6(r.exit_rate),
                rate6(r.share_of_exits),
            ]);
        }
        Some(t)
    }

    fn document(&self) -> Doc {
        let (r, meta) = (self.report, self.meta);
        let mut doc = Doc::default();
        doc.heading("journeymap dropoff");
        let exits_label = if meta.options.conversion_defined() {
            format!("{} (journeys that did not convert)", count(r.exits))
        } else {
            format!(
                "{} (every journey exits: no conversion defined)",
                count(r.exits)
            )
        };
        doc.fields(vec![
            ("journeys", count(r.journeys)),
            ("events", count(r.events)),
            ("exits", exits_label),
            ("options", meta.options.summary()),
        ]);
        let mut t = Table::new(&[
            meta.options.level.name(),
            "reach>",
            "exits>",
            "exit rate>",
            "share of exits>",
        ]);
        for row in &r.touchpoints {
            t.row(vec![
                row.name.clone(),
                count(row.reach),
                count(row.exits),
                percent(row.exit_rate),
                percent(row.share_of_exits),
            ]);
        }
        doc.table(t);
        doc.heading("Most common last two steps before an exit");
        let mut t = Table::new(&["before", "last", "exits>", "share of exits>"]);
        for s in &r.last_steps {
            t.row(vec![
                s.before.clone(),
                s.last.clone(),
                count(s.exits),
                percent(Some(s.share_of_exits)),
            ]);
        }
        doc.table(t);
        doc
    }
}
