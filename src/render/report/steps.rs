//! `journeymap steps` in every format: the step matrix (or the difference of two segments').

use serde::Serialize;

use crate::analysis::step_matrix::StepMatrix;
use crate::meta::Meta;
use crate::render::{count, rate6, Doc, Present, Table};

/// What `steps` writes.
#[derive(Serialize)]
pub struct StepsOutput<'a> {
    pub meta: &'a Meta,
    pub threshold: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare: Option<Compare>,
    #[serde(flatten)]
    pub matrix: &'a StepMatrix,
}

/// What `--compare` compared; the matrix then holds share(a) - share(b).
#[derive(Serialize)]
pub struct Compare {
    pub column: String,
    pub a: String,
    pub b: String,
    pub journeys_a: u64,
    pub journeys_b: u64,
}

impl StepsOutput<'_> {
    /// The matrix as a table: percentages for people, 6-decimal shares for CSV.
    fn table(&self, percent_cells: bool) -> Table {
        let mut header = vec!["value".to_string()];
        header.extend((1..=self.matrix.positions).map(|p| p.to_string()));
        let mut t = Table::numeric_after_first(header);
        for r in &self.matrix.rows {
            let mut row = vec![r.value.clone()];
            row.extend(r.shares.iter().map(|&x| {
                if percent_cells {
                    format!("{:.1}%", x * 100.0)
                } else {
                    rate6(Some(x))
                }
            }));
            t.row(row);
        }
        t
    }
}

impl Present for StepsOutput<'_> {
    fn csv(&self) -> Option<Table> {
        Some(self.table(false))
    }

    fn document(&self) -> Doc {
        let mut doc = Doc::default();
        doc.heading("journeymap steps");
        let mut fields = vec![("journeys", count(self.matrix.journeys))];
        if let Some(c) = &self.compare {
            fields.push((
                "compare",
                format!(
                    "{}={} ({} journeys) minus {}={} ({} journeys): each column sums to 0",
                    c.column,
                    c.a,
                    count(c.journeys_a),
                    c.column,
                    c.b,
                    count(c.journeys_b)
                ),
            ));
        }
        fields.push((
            "threshold",
            format!(
                "{:.1}% (smaller rows summed as (other))",
                self.threshold * 100.0
            ),
        ));
        fields.push(("options", self.meta.options.summary()));
        doc.fields(fields);
        doc.table(self.table(true));
        doc
    }
}
