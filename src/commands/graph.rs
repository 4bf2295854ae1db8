//! `journeymap graph`: the directed graph of the journeys.

use anyhow::Result;
use serde::Serialize;

use super::inspect::options_line;
use super::{prepare, Context, Meta, Prepared};
use crate::analysis::graph::{graph, GraphOptions, GraphReport};
use crate::cli::{GraphArgs, GraphViewArgs, OutputFormat};
use crate::duration::humanize_secs;
use crate::error::usage;
use crate::render::graph_style::{hidden_note, GraphStyle};
use crate::render::{self, count, percent, rate6, Doc, Sink, Table};

/// A drawing bigger than this gets the readable default unless a pruning flag is given.
const READABLE_NODES: usize = 20;
const READABLE_EDGES: usize = 60;

#[derive(Serialize)]
pub struct Output<'a> {
    pub meta: &'a Meta,
    #[serde(flatten)]
    pub report: &'a GraphReport,
}

pub fn run(args: &GraphArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format =
        render::choose_format(&args.output, "graph", &[Table, Csv, Json, Md, Dot, Mermaid])?;
    let opts = graph_options(&args.view, false)?;
    let prepared = prepare(&args.input, &args.journey, ctx, false)?;
    let (report, meta) = compute(&prepared, &opts, format, "graph");
    write(
        &report,
        meta,
        format,
        &args.view,
        &args.output,
        ctx,
        "graph",
    )
}

/// The pruning options from the flags.
pub fn graph_options(view: &GraphViewArgs, no_self: bool) -> Result<GraphOptions> {
    if !(0.0..=1.0).contains(&view.min_share) {
        return Err(usage("--min-share must be between 0 and 1 (0.01 = 1%)"));
    }
    if view.max_nodes == Some(0) {
        return Err(usage("--max-nodes must be at least 1"));
    }
    Ok(GraphOptions {
        min_count: view.min_count,
        min_share: view.min_share,
        top_edges: view.top_edges,
        max_nodes: view.max_nodes,
        no_self,
    })
}

/// Builds the graph; a DOT or Mermaid drawing of a big graph without pruning flags gets the
/// readable default (said in a comment and in `meta.notes`).
pub fn compute(
    p: &Prepared,
    opts: &GraphOptions,
    format: OutputFormat,
    command: &'static str,
) -> (GraphReport, Meta) {
    let conv = p.conversion_defined();
    let mut report = graph(&p.journeys, opts, conv);
    let mut meta = p.meta(command);
    let drawing = matches!(format, OutputFormat::Dot | OutputFormat::Mermaid);
    let user_pruned = opts.min_count > 1
        || opts.min_share > 0.0
        || opts.top_edges.is_some()
        || opts.max_nodes.is_some();
    if drawing
        && !user_pruned
        && (report.nodes.len() > READABLE_NODES + 2 || report.edges.len() > READABLE_EDGES)
    {
        let readable = GraphOptions {
            max_nodes: Some(READABLE_NODES),
            top_edges: Some(READABLE_EDGES),
            ..opts.clone()
        };
        report = graph(&p.journeys, &readable, conv);
        meta.notes.push(format!(
            "readable default for drawings: --max-nodes {READABLE_NODES} --top-edges {READABLE_EDGES} (give any pruning flag to choose; csv and json list everything)"
        ));
    }
    meta.command_options = serde_json::json!({
        "min_count": opts.min_count, "min_share": opts.min_share, "top_edges": opts.top_edges,
        "max_nodes": opts.max_nodes, "no_self": opts.no_self,
    });
    if let Some(h) = hidden_note(&report) {
        meta.notes.push(h);
    }
    (report, meta)
}

pub fn write(
    report: &GraphReport,
    meta: Meta,
    format: OutputFormat,
    view: &GraphViewArgs,
    output: &crate::cli::OutputArgs,
    ctx: &Context,
    name: &str,
) -> Result<()> {
    let mut sink = Sink::open(output.output.as_deref(), &meta.inputs)?;
    let style = GraphStyle {
        rankdir: view.rankdir,
        edge_label: view.edge_label,
        note: (!meta.notes.is_empty()).then(|| meta.notes.join("; ")),
    };
    match format {
        OutputFormat::Dot => render::dot::write(report, name, &style, sink.writer())?,
        OutputFormat::Mermaid => render::mermaid::write(report, name, &style, sink.writer())?,
        _ => {
            let color = ctx.color_stdout(sink.is_terminal());
            let json = Output {
                meta: &meta,
                report,
            };
            render::write_report(
                format,
                &mut sink,
                color,
                &json,
                || Some(csv_table(report)),
                || document(report, &meta, name),
            )?
        }
    }
    sink.finish()
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

fn document(g: &GraphReport, meta: &Meta, name: &str) -> Doc {
    let mut doc = Doc::default();
    doc.heading(format!("journeymap {name}"));
    let mut fields = vec![
        ("journeys", count(g.journeys)),
        ("events", count(g.events)),
        (
            "nodes, edges",
            format!("{}, {}", g.nodes.len(), g.edges.len()),
        ),
        ("options", options_line(meta)),
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
