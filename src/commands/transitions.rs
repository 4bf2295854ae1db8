//! `journeymap transitions`: movement between channels, as a matrix or a graph.

use anyhow::Result;
use serde::Serialize;

use super::graph::{compute, graph_options, style, Options as GraphOptionsEcho};
use super::{config, prepare, Context};
use crate::cli::{Normalize, OutputFormat, TransitionsArgs};
use crate::render::report::transitions::TransitionsOutput;
use crate::render::{self, emit};
use crate::settings::Request;

/// The pruning options and --normalize, as `meta.command_options` reports them.
#[derive(Serialize)]
struct Options {
    #[serde(flatten)]
    graph: GraphOptionsEcho,
    normalize: Option<&'static str>,
}

pub fn run(args: &TransitionsArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(
        &args.output,
        "transitions",
        &[Table, Csv, Json, Md, Dot, Mermaid, Svg],
    )?;
    let opts = graph_options(&args.view, args.no_self)?;
    let config = config(&args.input)?;
    let request = Request::new(&args.input, &args.journey, &config)
        .channels_if_any()
        .accepts_variants();
    let prepared = prepare(&request, ctx)?;
    let (report, meta) = compute(&prepared, &opts, format, "transitions");
    let meta = meta.with_options(Options {
        graph: GraphOptionsEcho::of(&opts),
        normalize: args.normalize.map(|Normalize::Row| "row"),
    });
    let output = TransitionsOutput::new(
        &meta,
        prepared.journeys.level,
        &report,
        args.normalize,
        style(&args.view),
    );
    emit(&output, format, &args.output, &meta.read_files(), ctx.color)
}
