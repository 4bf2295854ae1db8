//! `journeymap painpoints` in every format: a row per touchpoint, most journeys lost first.

use serde::Serialize;

use super::scores;
use crate::analysis::painpoints::{PainReport, PainSort};
use crate::analysis::scores::ScoresInfo;
use crate::meta::Meta;
use crate::render::{count, percent, rate6, Doc, Present, Table};

/// What `painpoints` writes.
#[derive(Serialize)]
pub struct PainOutput<'a> {
    pub meta: &'a Meta,
    #[serde(flatten)]
    pub report: &'a PainReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scores: Option<&'a ScoresInfo>,
    #[serde(skip)]
    pub top: usize,
    #[serde(skip)]
    pub sort: PainSort,
}

impl Present for PainOutput<'_> {
    fn csv(&self) -> Option<Table> {
        let r = self.report;
        let staged = r.rows.iter().any(|x| x.stage.is_some());
        let mut cols = vec!["name"];
        if staged {
            cols.push("stage");
        }
        cols.extend([
            "journeys",
            "lost_here",
            "exit_rate",
            "share_of_lost",
            "loops",
            "loop_rate",
        ]);
        if self.scores.is_some() {
            cols.extend(scores::CSV_COLUMNS);
        }
        let mut t = Table::new(&cols);
        for x in &r.rows {
            let mut row = vec![x.name.clone()];
            if staged {
                row.push(x.stage.clone().unwrap_or_default());
            }
            row.extend([
                x.journeys.to_string(),
                x.lost_here.to_string(),
                rate6(Some(x.exit_rate)),
                rate6(x.share_of_lost),
                x.loops.to_string(),
                rate6(Some(x.loop_rate)),
            ]);
            if self.scores.is_some() {
                row.extend(scores::csv_cells(x.scores.as_ref()));
            }
            t.row(row);
        }
        Some(t)
    }

    fn document(&self) -> Doc {
        let (r, meta) = (self.report, self.meta);
        let conversion = meta.options.conversion_defined();
        let mut doc = Doc::default();
        doc.heading("journeymap painpoints");
        let lost = if conversion {
            format!("{} (journeys that did not convert)", count(r.lost))
        } else {
            format!("{} (every journey: no conversion defined)", count(r.lost))
        };
        let mut fields = vec![
            ("journeys", count(r.journeys)),
            ("events", count(r.events)),
            ("lost", lost),
        ];
        fields.push((
            "ranked by",
            match self.sort {
                PainSort::Lost => "journeys lost there (--sort for another ranking)",
                PainSort::ExitRate => "exit rate, then journeys lost",
                PainSort::Loops => "loops, then journeys lost",
                PainSort::MeanScore => "mean score, lowest first, then journeys lost",
            }
            .to_string(),
        ));
        if let Some(info) = self.scores {
            fields.push(("scores", scores::describe(info)));
        }
        if (r.rows.len() as u64) < r.values {
            fields.push((
                "not shown",
                format!(
                    "{} of {} {}s (--top {}; --top 0 shows all)",
                    count(r.values - r.rows.len() as u64),
                    count(r.values),
                    meta.options.level.name(),
                    self.top
                ),
            ));
        }
        fields.push(("options", meta.options.summary()));
        for n in &meta.notes {
            fields.push(("note", n.clone()));
        }
        doc.fields(fields);
        let staged = r.rows.iter().any(|x| x.stage.is_some());
        let mut header = vec!["#>", meta.options.level.name()];
        if staged {
            header.push("stage");
        }
        header.extend([
            "journeys>",
            "lost here>",
            "exit rate>",
            "share of lost>",
            "loops>",
        ]);
        if let Some(info) = self.scores {
            header.extend(scores::table_header(info, conversion));
        }
        let mut t = Table::new(&header);
        for (i, x) in r.rows.iter().enumerate() {
            let mut row = vec![(i + 1).to_string(), x.name.clone()];
            if staged {
                row.push(x.stage.clone().unwrap_or_default());
            }
            row.extend([
                count(x.journeys),
                count(x.lost_here),
                percent(Some(x.exit_rate)),
                percent(x.share_of_lost),
                count(x.loops),
            ]);
            if let Some(info) = self.scores {
                row.extend(scores::table_cells(x.scores.as_ref(), info, conversion));
            }
            t.row(row);
        }
        doc.table(t);
        doc
    }
}
