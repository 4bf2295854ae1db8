//! `journeymap transitions` in every format: the from/to matrix for people, the long form
//! (one row per pair) in CSV and JSON, the graph in DOT and Mermaid.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::graph::draw_graph;
use crate::analysis::graph::{GraphReport, NodeKind};
use crate::cli::{Normalize, OutputFormat};
use crate::journey::Level;
use crate::meta::Meta;
use crate::render::doc::MAX_COLUMNS;
use crate::render::graph_style::GraphStyle;
use crate::render::{count, rate6, Doc, Present, Table};

/// What `transitions` writes.
#[derive(Serialize)]
pub struct TransitionsOutput<'a> {
    pub meta: &'a Meta,
    pub level: Level,
    pub transitions: Vec<Long<'a>>,
    #[serde(skip)]
    pub graph: &'a GraphReport,
    /// The matrix cells: counts, or p_out with --normalize row.
    #[serde(skip)]
    pub normalize: Option<Normalize>,
    #[serde(skip)]
    pub style: GraphStyle,
}

/// The long form: one row per (from, to) pair.
#[derive(Serialize)]
pub struct Long<'a> {
    from: &'a str,
    to: &'a str,
    count: u64,
    p_out: f64,
    journeys: u64,
}

impl<'a> TransitionsOutput<'a> {
    pub fn new(
        meta: &'a Meta,
        level: Level,
        graph: &'a GraphReport,
        normalize: Option<Normalize>,
        style: GraphStyle,
    ) -> TransitionsOutput<'a> {
        let transitions = graph
            .edges
            .iter()
            .map(|e| Long {
                from: &e.from,
                to: &e.to,
                count: e.count,
                p_out: e.p_out,
                journeys: e.journeys,
            })
            .collect();
        TransitionsOutput {
            meta,
            level,
            transitions,
            graph,
            normalize,
            style,
        }
    }
}

impl Present for TransitionsOutput<'_> {
    fn csv(&self) -> Option<Table> {
        let mut t = Table::new(&["from", "to", "count", "p_out", "journeys"]);
        for l in &self.transitions {
            t.row(vec![
                l.from.into(),
                l.to.into(),
                l.count.to_string(),
                rate6(Some(l.p_out)),
                l.journeys.to_string(),
            ]);
        }
        Some(t)
    }

    fn document(&self) -> Doc {
        document(self.graph, self.meta, self.normalize)
    }

    fn draw(&self, format: OutputFormat, out: &mut dyn Write) -> Result<()> {
        draw_graph(self.graph, self.meta, &self.style, format, out)
    }
}

/// The matrix: from in rows ((start) first), to in columns ((end) last), in node order.
fn document(g: &GraphReport, meta: &Meta, normalize: Option<Normalize>) -> Doc {
    let mut doc = Doc::default();
    doc.heading("journeymap transitions");
    let mut fields = vec![
        ("journeys", count(g.journeys)),
        ("events", count(g.events)),
        (
            "cells",
            if normalize.is_some() {
                "p_out: share of the row's transitions".to_string()
            } else {
                "transition counts".to_string()
            },
        ),
        ("options", meta.options.summary()),
    ];
    for n in &meta.notes {
        fields.push(("note", n.clone()));
    }
    doc.fields(fields);
    // Rows and columns by node id (a touchpoint may itself be called "(end)").
    let from: Vec<&crate::analysis::graph::NodeRow> =
        g.nodes.iter().filter(|n| n.kind != NodeKind::End).collect();
    let mut to: Vec<&crate::analysis::graph::NodeRow> = g
        .nodes
        .iter()
        .filter(|n| n.kind != NodeKind::Start)
        .collect();
    // Only the columns a person is shown are built (a matrix of 10,000 touchpoints would be
    // 100 million cells): the first ones in node order, and (end).
    let all_to = to.len();
    if all_to + 1 > MAX_COLUMNS {
        let end = to.iter().position(|n| n.kind == NodeKind::End);
        let end = end.map(|i| to.remove(i));
        to.truncate(MAX_COLUMNS - 1 - usize::from(end.is_some()));
        to.extend(end);
        doc.note(format!(
            "{} of {} 'to' columns are shown (the most frequent, and (end)); -f csv or -f json has every pair",
            to.len(),
            count(all_to as u64)
        ));
    }
    let cells: std::collections::HashMap<(&str, &str), &crate::analysis::graph::EdgeRow> = g
        .edges
        .iter()
        .map(|e| ((e.from_id.as_str(), e.to_id.as_str()), e))
        .collect();
    let mut header = vec!["from \\ to".to_string()];
    header.extend(to.iter().map(|n| n.name.clone()));
    let mut t = Table::numeric_after_first(header);
    for f in &from {
        let mut row = vec![f.name.clone()];
        for c in &to {
            let cell = cells
                .get(&(f.id.as_str(), c.id.as_str()))
                .map(|e| match normalize {
                    Some(Normalize::Row) => format!("{:.3}", e.p_out),
                    None => count(e.count),
                });
            row.push(cell.unwrap_or_else(|| "·".into()));
        }
        t.row(row);
    }
    doc.table(t);
    doc
}
