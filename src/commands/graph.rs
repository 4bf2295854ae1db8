//! `journeymap graph`: the directed graph of the journeys.

use anyhow::Result;
use serde::Serialize;

use super::{config, prepare, Context, Prepared};
use crate::analysis::graph::{graph, GraphOptions, GraphReport};
use crate::cli::{GraphArgs, GraphViewArgs, OutputFormat};
use crate::error::usage;
use crate::meta::Meta;
use crate::render::graph_style::{hidden_note, GraphStyle};
use crate::render::report::graph::GraphOutput;
use crate::render::{self, emit, Reported};
use crate::settings::Request;

/// A drawing bigger than this gets the readable default unless a pruning flag is given.
const READABLE_NODES: usize = 20;
const READABLE_EDGES: usize = 60;

pub fn run(args: &GraphArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(
        &args.output,
        "graph",
        &[Table, Csv, Json, Md, Dot, Mermaid, Svg],
    )?;
    let opts = graph_options(&args.view, false)?;
    let config = config(&args.input)?;
    let prepared = prepare(
        &Request::new(&args.input, &args.journey, &config).accepts_variants(),
        ctx,
    )?;
    let (report, meta) = compute(&prepared, &opts, format, "graph");
    let output = GraphOutput {
        meta: &meta,
        report: &report,
        style: style(&args.view),
    };
    emit(&output, format, &args.output, &meta.read_files(), ctx.color)
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
        keep: view
            .keep
            .iter()
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .collect(),
    })
}

/// How the drawing is laid out and labelled.
pub fn style(view: &GraphViewArgs) -> GraphStyle {
    GraphStyle {
        rankdir: view.rankdir,
        edge_label: view.edge_label,
        note: None,
    }
}

/// The pruning options, as `meta.command_options` reports them.
#[derive(Serialize)]
pub struct Options {
    min_count: u64,
    min_share: f64,
    top_edges: Option<usize>,
    max_nodes: Option<usize>,
    no_self: bool,
}

impl Options {
    pub fn of(opts: &GraphOptions) -> Options {
        Options {
            min_count: opts.min_count,
            min_share: opts.min_share,
            top_edges: opts.top_edges,
            max_nodes: opts.max_nodes,
            no_self: opts.no_self,
        }
    }
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
    // The conversion touchpoints are never folded or hidden (metrics.md, Pruning big graphs).
    let mut opts = opts.clone();
    if let (crate::journey::Conversion::Events(names), crate::journey::Level::Touchpoint) =
        (p.settings.conversion(), p.journeys.level)
    {
        for n in names {
            if !opts.keep.contains(n) {
                opts.keep.push(n.clone());
            }
        }
    }
    let opts = &opts;
    let mut report = graph(&p.journeys, opts, conv).reported();
    let mut meta = p.meta(command);
    let drawing = matches!(
        format,
        OutputFormat::Dot | OutputFormat::Mermaid | OutputFormat::Svg
    );
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
        report = graph(&p.journeys, &readable, conv).reported();
        meta.notes.push(format!(
            "readable default for drawings: --max-nodes {READABLE_NODES} --top-edges {READABLE_EDGES} (give any pruning flag to choose; csv and json list everything)"
        ));
    }
    if let Some(h) = hidden_note(&report) {
        meta.notes.push(h);
    }
    (report, meta.with_options(Options::of(opts)))
}
