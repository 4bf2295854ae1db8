//! `journeymap paths`: the most common paths.

use anyhow::Result;
use serde::Serialize;

use super::{config, prepare, Context};
use crate::analysis::paths::{paths, PathOptions};
use crate::cli::{OutputFormat, PathsArgs};
use crate::error::usage;
use crate::render::report::paths::PathsOutput;
use crate::render::{self, emit, Reported};
use crate::settings::Request;

/// The command's own options, as `meta.command_options` reports them.
#[derive(Serialize)]
struct Options<'a> {
    top: usize,
    min_count: u64,
    other: bool,
    max_steps: Option<usize>,
    starting_at: &'a Option<String>,
    ending_at: &'a Option<String>,
}

pub fn run(args: &PathsArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(&args.output, "paths", &[Table, Csv, Json, Md])?;
    if args.max_steps == Some(0) {
        return Err(usage("--max-steps must be at least 1"));
    }
    let opts = PathOptions {
        top: args.top,
        min_count: args.min_count,
        other: args.other,
        max_steps: args.max_steps,
        starting_at: args.starting_at.clone(),
        ending_at: args.ending_at.clone(),
    };
    let config = config(&args.input)?;
    let prepared = prepare(
        &Request::new(&args.input, &args.journey, &config).accepts_variants(),
        ctx,
    )?;
    let mut report = paths(&prepared.journeys, &opts, prepared.conversion_defined()).reported();
    if let Some(v) = &prepared.variants {
        variant_medians(&mut report, v, &opts, prepared.level);
    }
    for (flag, name) in [
        ("--starting-at", &opts.starting_at),
        ("--ending-at", &opts.ending_at),
    ] {
        if let Some(n) = name {
            let names = prepared.journeys.names();
            if names.get(n).is_none() {
                let hint = crate::input::mapping::did_you_mean(n, names.names());
                ctx.warn(format_args!(
                    "{flag} '{n}' never occurs: every journey is left out{hint}"
                ));
            }
        }
    }
    let meta = prepared.meta("paths").with_options(Options {
        top: opts.top,
        min_count: opts.min_count,
        other: opts.other,
        max_steps: opts.max_steps,
        starting_at: &opts.starting_at,
        ending_at: &opts.ending_at,
    });
    let output = PathsOutput {
        meta: &meta,
        report: &report,
    };
    emit(&output, format, &args.output, &meta.read_files(), ctx.color)
}

/// On a variants table, each whole journey's path has the table's median duration for its
/// sequence (docs/metrics.md, Path variants); a cut path, the (other) row and a sequence
/// found in several merged tables have none.
fn variant_medians(
    report: &mut crate::analysis::paths::PathsReport,
    v: &crate::input::variants::VariantsInput,
    opts: &PathOptions,
    level: crate::journey::Level,
) {
    if opts.max_steps.is_some() || opts.starting_at.is_some() || opts.ending_at.is_some() {
        return;
    }
    let (medians, names) = match (level, &v.channels) {
        (crate::journey::Level::Channel, Some(d)) => (&v.channel_median, d),
        _ => (&v.touchpoint_median, &v.touchpoints),
    };
    for row in &mut report.paths {
        if row.steps.is_none() || row.cut {
            continue;
        }
        let ids: Option<Vec<u32>> = row.path.iter().map(|n| names.get(n)).collect();
        row.median_duration_s = ids.and_then(|ids| medians.get(&ids).copied().flatten());
    }
}
