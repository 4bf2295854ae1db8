//! `journeymap steps`: the step matrix, optionally as the difference of two segments.

use anyhow::Result;
use serde::Serialize;

use super::{config, prepare, Context, Segments};
use crate::analysis::step_matrix::{difference, step_matrix};
use crate::cli::{OutputFormat, StepsArgs};
use crate::error::usage;
use crate::render::report::steps::{Compare, StepsOutput};
use crate::render::{self, emit, Reported};
use crate::settings::Request;

/// The command's own options, as `meta.command_options` reports them.
#[derive(Serialize)]
struct Options<'a> {
    max_steps: usize,
    threshold: f64,
    compare: &'a Option<String>,
}

pub fn run(args: &StepsArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(&args.output, "steps", &[Table, Csv, Json, Md])?;
    if args.max_steps == 0 {
        return Err(usage("--max-steps must be at least 1"));
    }
    if !(0.0..=1.0).contains(&args.threshold) {
        return Err(usage("--threshold must be between 0 and 1 (0.05 = 5%)"));
    }
    let segments = args
        .compare
        .as_deref()
        .map(|c| Segments::parse("--compare", c))
        .transpose()?;
    let config = config(&args.input)?;
    let request = Request::new(&args.input, &args.journey, &config)
        .accepts_variants()
        .keep_column(segments.as_ref().map(|s| s.column.as_str()), "--compare");
    let prepared = prepare(&request, ctx)?;
    // Positions past the longest journey would be all (end): they are not shown, and a huge
    // --max-steps costs nothing.
    let j = &prepared.journeys;
    let n = args.max_steps.min(j.longest().max(1));
    let (matrix, compare) = match &segments {
        None => (step_matrix(j, n, args.threshold, &|_| true, None), None),
        Some(s) => {
            let (in_a, in_b) = s.members(&prepared, "--compare", ctx);
            let d = difference(j, n, args.threshold, &|i| in_a[i], &|i| in_b[i]);
            let compare = Compare {
                column: s.column.clone(),
                a: s.a.clone(),
                b: s.b.clone(),
                journeys_a: d.journeys_a,
                journeys_b: d.journeys_b,
            };
            (d.difference, Some(compare))
        }
    };
    let matrix = matrix.reported();
    let meta = prepared.meta("steps").with_options(Options {
        max_steps: args.max_steps,
        threshold: args.threshold,
        compare: &args.compare,
    });
    let output = StepsOutput {
        meta: &meta,
        threshold: args.threshold,
        compare,
        matrix: &matrix,
    };
    emit(&output, format, &args.output, &meta.read_files(), ctx.color)
}
