//! `journeymap graph` (and `transitions` as a graph) in every format: nodes and edges as
//! tables and CSV, the drawing as DOT or Mermaid.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::analysis::graph::GraphReport;
use crate::cli::OutputFormat;
use crate::duration::humanize_secs;
use crate::meta::Meta;
use crate::render::graph_style::GraphStyle;
use crate::render::{count, percent, rate6, Doc, Present, Table};

/// What `graph` writes; `transitions` draws with it too.
#[derive(Serialize)]
pub struct GraphOutput<'a> {
    pub meta: &'a Meta,
    #[serde(flatten)]
    pub report: &'a GraphReport,
    /// How the drawing is laid out and labelled (DOT and Mermaid only).
    #[serde(skip)]
    pub style: GraphStyle,
}

impl Present for GraphOutput<'_> {
    fn csv(&self) -> Option<Table> {
        Some(csv_table(self.report))
    }

    fn document(&self) -> Doc {
        document(self.report, self.meta)
    }

    fn draw(&self, format: OutputFormat, out: &mut dyn Write) -> Result<()> {
        draw_graph(self.report, self.meta, &self.style, format, out)
    }
}

/// The graph as DOT or Mermaid; what pruning hid (the meta notes) goes into a comment.
pub fn draw_graph(
    report: &GraphReport,
    meta: &Meta,
    style: &GraphStyle,
    format: OutputFormat,
    out: &mut dyn Write,
) -> Result<()> {
    let style = GraphStyle {
        note: (!meta.notes.is_empty()).then(|| meta.notes.join("; ")),
        ..style.clone()
    };
    match format {
        OutputFormat::Mermaid => crate::render::mermaid::write(report, meta.command, &style, out),
        OutputFormat::Svg => {
            let mut caption: Vec<String> = meta.notes.clone();
            caption.push(format!("Options: {}", meta.options.summary()));
            let title = format!(
                "journeymap {}: {} journeys, {} events",
                meta.command,
                crate::text::count(report.journeys),
                crate::text::count(report.events)
            );
            let svg = crate::render::graph_svg::draw(report, &title, style.edge_label, &caption);
            out.write_all(svg.as_bytes())?;
            Ok(())
        }
        _ => crate::render::dot::write(report, meta.command, &style, out),
    }
}

/// Nodes and edges in one CSV: `kind` says which; node rows use `name`, edge rows `from`/`to`.
fn csv_table(g: &GraphReport) -> Table {
    let mut t = Table::new(&[
        "kind",
        "name",
        "from",
        "to",
        "count",
        "journeys",
        "exits",
        "exit_rate",
        "p_out",
        "share",
        "min_s",
        "median_s",
        "mean_s",
        "p95_s",
        "max_s",
    ]);
    for n in &g.nodes {
        t.row(vec![
            "node".into(),
            n.name.clone(),
            String::new(),
            String::new(),
            n.events.to_string(),
            n.journeys.to_string(),
            n.exits.map(|e| e.to_string()).unwrap_or_default(),
            rate6(n.exit_rate),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    for e in &g.edges {
        let t5 = match &e.time {
            Some(t) => [t.min_s, t.median_s, t.mean_s, t.p95_s, t.max_s].map(|v| v.to_string()),
            None => Default::default(),
        };
        let mut row = vec![
            "edge".into(),
            String::new(),
            e.from.clone(),
            e.to.clone(),
            e.count.to_string(),
            e.journeys.to_string(),
            String::new(),
            String::new(),
            rate6(Some(e.p_out)),
            rate6(Some(e.share)),
        ];
        row.extend(t5);
        t.row(row);
    }
    t
}

fn document(g: &GraphReport, meta: &Meta) -> Doc {
    let name = meta.command;
    let mut doc = Doc::default();
    doc.heading(format!("journeymap {name}"));
    let mut fields = vec![
        ("journeys", count(g.journeys)),
        ("events", count(g.events)),
        (
            "nodes, edges",
            format!("{}, {}", g.nodes.len(), g.edges.len()),
        ),
        ("options", meta.options.summary()),
    ];
    for n in &meta.notes {
        fields.push(("note", n.clone()));
    }
    doc.fields(fields);
    doc.heading("Nodes");
    let mut t = Table::new(&["node", "events>", "journeys>", "exits>", "exit rate>"]);
    for n in &g.nodes {
        t.row(vec![
            n.name.clone(),
            count(n.events),
            count(n.journeys),
            n.exits.map(count).unwrap_or_default(),
            n.exit_rate.map(|r| percent(Some(r))).unwrap_or_default(),
        ]);
    }
    doc.table(t);
    doc.heading("Edges");
    let mut t = Table::new(&[
        "from",
        "to",
        "count>",
        "journeys>",
        "p_out>",
        "median time>",
        "p95 time>",
    ]);
    for e in &g.edges {
        t.row(vec![
            e.from.clone(),
            e.to.clone(),
            count(e.count),
            count(e.journeys),
            format!("{:.3}", e.p_out),
            e.time
                .as_ref()
                .map(|t| humanize_secs(t.median_s))
                .unwrap_or_default(),
            e.time
                .as_ref()
                .map(|t| humanize_secs(t.p95_s))
                .unwrap_or_default(),
        ]);
    }
    doc.table(t);
    doc
}
