//! `journeymap explore` in every format: positions and their values as tables and CSV, the
//! left-to-right tree as DOT or Mermaid.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::analysis::explore::{Direction, ExploreReport};
use crate::analysis::graph::NodeKind;
use crate::cli::OutputFormat;
use crate::meta::Meta;
use crate::render::graph_style::GraphStyle;
use crate::render::sankey::{Column, Link, Node as SankeyNode, Sankey};
use crate::render::{count, percent, rate6, Doc, Present, Table};
use crate::text::counted;

/// What `explore` writes.
#[derive(Serialize)]
pub struct ExploreOutput<'a> {
    pub meta: &'a Meta,
    #[serde(flatten)]
    pub report: &'a ExploreReport,
    #[serde(skip)]
    pub style: GraphStyle,
    /// The command's name in titles (`explore` or `flow`).
    #[serde(skip)]
    pub command: &'static str,
}

impl ExploreOutput<'_> {
    fn conversions(&self) -> bool {
        self.meta.options.conversion_defined()
    }
}

impl Present for ExploreOutput<'_> {
    fn csv(&self) -> Option<Table> {
        Some(csv_table(self.report, self.conversions()))
    }

    fn document(&self) -> Doc {
        document(self.report, self.meta, self.conversions())
    }

    fn draw(&self, format: OutputFormat, out: &mut dyn Write) -> Result<()> {
        match format {
            OutputFormat::Mermaid => {
                crate::render::mermaid::write_explore(self.report, &self.style, out)
            }
            OutputFormat::Svg => {
                out.write_all(
                    sankey(self.report, self.meta, self.command)
                        .svg()
                        .as_bytes(),
                )?;
                Ok(())
            }
            _ => crate::render::dot::write_explore(self.report, &self.style, out),
        }
    }
}

/// The report as a flow diagram: positions as columns in time order (backward, the farthest
/// first), the anchor's column `start` for `flow` without an anchor.
pub fn sankey(r: &ExploreReport, meta: &Meta, command: &str) -> Sankey {
    let n = r.positions.len();
    let backward = r.direction == Direction::Backward;
    let column_of = |position: i64| {
        let k = position.unsigned_abs() as usize;
        if backward {
            n - 1 - k
        } else {
            k
        }
    };
    let from_start = r.positions[0].nodes.first().map(|n| n.kind) == Some(NodeKind::Start);
    let mut columns: Vec<Column> = vec![
        Column {
            head: String::new(),
            nodes: Vec::new()
        };
        n
    ];
    for pos in &r.positions {
        let c = column_of(pos.position);
        columns[c] = Column {
            head: match (from_start, pos.position) {
                (true, 0) => "start".to_string(),
                (true, p) => format!("step {p}"),
                (false, 0) => "anchor".to_string(),
                (false, p) => position_label(p),
            },
            nodes: pos
                .nodes
                .iter()
                .map(|node| SankeyNode {
                    name: node.value.clone(),
                    kind: node.kind,
                    value: node.journeys,
                    conversions: node.conversions,
                    detail: node
                        .values
                        .map(|v| format!("sums {}", counted(v, "value", "values"))),
                })
                .collect(),
        };
    }
    let links = r
        .edges
        .iter()
        .map(|e| Link {
            from: (column_of(e.from_position), e.from_rank),
            to: (column_of(e.to_position), e.to_rank),
            value: e.journeys,
            conversions: e.conversions,
        })
        .collect();
    let title = if from_start {
        format!("journeymap {command}: journeys step by step from their start")
    } else {
        match r.direction {
            Direction::Forward => format!("journeymap {command}: after the first {}", r.anchor),
            Direction::Backward => format!("journeymap {command}: before the last {}", r.anchor),
        }
    };
    let mut caption = vec![format!(
        "{} of {} journeys; the {} most frequent values per step, the rest summed into (other); {} journeys with no more events.",
        count(r.anchored),
        count(r.journeys),
        r.per_step,
        if backward { "(start):" } else { "(end):" }
    )];
    if meta.options.conversion_defined() {
        caption.push(
            "Hatched: the journeys that convert (anywhere in the journey). Bands and boxes are as thick as the journeys they carry.".to_string(),
        );
    } else {
        caption.push("Bands and boxes are as thick as the journeys they carry.".to_string());
    }
    caption.push(format!("Options: {}", meta.options.summary()));
    Sankey {
        title,
        columns,
        links,
        total: r.anchored,
        caption,
    }
}

/// How a position is written: `0`, `+1`, `-1`.
pub fn position_label(p: i64) -> String {
    if p > 0 {
        format!("+{p}")
    } else {
        p.to_string()
    }
}

fn csv_table(r: &ExploreReport, with_conv: bool) -> Table {
    let mut cols = vec!["position", "value", "kind", "journeys", "share"];
    if with_conv {
        cols.extend(["conversions", "conversion_rate"]);
    }
    cols.push("values");
    let mut t = Table::new(&cols);
    for p in &r.positions {
        for n in &p.nodes {
            let mut row = vec![
                p.position.to_string(),
                n.value.clone(),
                n.kind.name().to_string(),
                n.journeys.to_string(),
                rate6(Some(n.share)),
            ];
            if with_conv {
                row.push(n.conversions.unwrap_or(0).to_string());
                row.push(rate6(n.conversion_rate));
            }
            row.push(n.values.map(|v| v.to_string()).unwrap_or_default());
            t.row(row);
        }
    }
    t
}

fn document(r: &ExploreReport, meta: &Meta, with_conv: bool) -> Doc {
    let mut doc = Doc::default();
    doc.heading("journeymap explore");
    let anchor = match r.direction {
        Direction::Forward => format!("from the first {} in each journey", r.anchor),
        Direction::Backward => format!("to the last {} in each journey", r.anchor),
    };
    let share = if r.journeys == 0 {
        None
    } else {
        Some(r.anchored as f64 / r.journeys as f64)
    };
    doc.fields(vec![
        ("anchor", anchor),
        ("journeys", count(r.journeys)),
        (
            "with the anchor",
            format!("{} ({})", count(r.anchored), percent(share)),
        ),
        (
            "shown",
            format!(
                "up to {}, {} each (the rest summed as (other))",
                counted(r.depth as u64, "position", "positions"),
                counted(r.per_step as u64, "value", "values")
            ),
        ),
        ("options", meta.options.summary()),
    ]);
    let mut cols = vec!["step", "value", "journeys>", "share>"];
    if with_conv {
        cols.extend(["conversions>", "rate>"]);
    }
    let mut t = Table::new(&cols);
    for p in &r.positions {
        for (i, n) in p.nodes.iter().enumerate() {
            let step = if i == 0 {
                position_label(p.position)
            } else {
                String::new()
            };
            let value = match n.values {
                Some(v) => format!("{} ({v} values)", n.value),
                None => n.value.clone(),
            };
            let mut row = vec![step, value, count(n.journeys), percent(Some(n.share))];
            if with_conv {
                row.push(count(n.conversions.unwrap_or(0)));
                row.push(percent(n.conversion_rate));
            }
            t.row(row);
        }
    }
    doc.table(t);
    doc.note("share: of the journeys with the anchor; the flows between positions are in --format json, dot and mermaid");
    if with_conv {
        doc.note("conversions: journeys that convert anywhere, also before the anchor; with --split-on-conversion a journey ends at its conversion");
    }
    doc
}
