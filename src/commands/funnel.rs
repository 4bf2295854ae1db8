//! `journeymap funnel`: how far journeys get through named steps.

use anyhow::Result;
use serde::Serialize;

use super::{config, prepare, Context};
use crate::analysis::funnel::{funnel, histogram, FunnelOrder};
use crate::analysis::funnel_breakdown::{breakdown, dropped};
use crate::analysis::steps::StepList;
use crate::cli::{FunnelArgs, OutputFormat};
use crate::duration::parse_duration;
use crate::error::usage;
use crate::journey::Dictionary;
use crate::render::report::funnel::{DroppedOutput, FunnelOutput};
use crate::render::{self, emit, Reported};
use crate::settings::Request;

/// The command's own options, as `meta.command_options` reports them.
#[derive(Serialize)]
struct Options<'a> {
    steps: &'a [String],
    order: FunnelOrder,
    window: &'a Option<String>,
    exclude_step: &'a Option<String>,
}

/// The most bars a time-to-convert histogram has.
const MAX_BINS: usize = 1000;

pub fn run(args: &FunnelArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let formats: &[OutputFormat] = if args.dropped_at.is_some() {
        &[Table, Csv, Json, Md]
    } else {
        &[Table, Csv, Json, Md, Svg]
    };
    let format = render::choose_format(&args.output, "funnel", formats)?;
    let config = config(&args.input)?;
    let list = StepList::parse(&args.steps, &config.funnels)
        .map_err(|e| usage(format!("--steps: {e}")))?;
    if list.steps.is_empty() {
        return Err(usage(
            "--steps needs at least one step, like --steps home,product_view,purchase",
        ));
    }
    if let ([one], None) = (list.steps.as_slice(), &list.name) {
        ctx.warn(format_args!(
            "--steps has one step, '{one}'; if it names a funnel under [funnels], pass the file that defines it with --config"
        ));
    }
    if args.bins == 0 || args.bins > MAX_BINS {
        return Err(usage(format!("--bins must be from 1 to {MAX_BINS}")));
    }
    if let Some(n) = args.dropped_at {
        if n == 0 || n > list.steps.len() {
            return Err(usage(format!(
                "--dropped-at must be a step number from 1 to {}",
                list.steps.len()
            )));
        }
    }
    let window = args
        .window
        .as_deref()
        .map(|w| parse_duration(w).map_err(|e| usage(format!("--window: {e}"))))
        .transpose()?;
    let exclusions = args
        .exclude_step
        .as_deref()
        .map(|e| StepList::parse(e, &Default::default()))
        .transpose()
        .map_err(|e| usage(format!("--exclude-step: {e}")))?;
    let request = Request::new(&args.input, &args.journey, &config)
        .accepts_variants()
        .keep_column(args.breakdown.as_deref(), "--breakdown");
    let prepared = prepare(&request, ctx)?;
    let names = prepared.journeys.names();
    let (steps, unmatched) = list
        .resolve(names)
        .map_err(|e| usage(format!("--steps: {e}")))?;
    super::warn_unmatched(ctx, "step", "matches nothing", &unmatched, names);
    let excluded = match &exclusions {
        Some(list) => excluded_values(list, names, ctx)?,
        None => Vec::new(),
    };
    if prepared.journeys.timeless && window.is_some() {
        return Err(usage(
            "--window needs event times, and a variants table has none; run it on the events",
        ));
    }
    let report = funnel(&prepared.journeys, &steps, args.order, window, &excluded).reported();
    let meta = prepared.meta("funnel").with_options(Options {
        steps: &list.steps,
        order: args.order,
        window: &args.window,
        exclude_step: &args.exclude_step,
    });
    if let Some(n) = args.dropped_at {
        let list = dropped(&prepared.journeys, &report, n);
        let output = DroppedOutput {
            meta: &meta,
            dropped_at: n,
            journeys: &list,
        };
        return emit(&output, format, &args.output, &meta.read_files(), ctx.color);
    }
    let bins = histogram(&report.times_to_convert, args.bins).reported();
    let by_value = args.breakdown.as_deref().map(|column| {
        let group = prepared.first_event_value(column);
        let label = |g: u32| prepared.value_label(column, g);
        breakdown(&steps, &report, column, &group, &label, args.top_values).reported()
    });
    let output = FunnelOutput {
        meta: &meta,
        order: args.order,
        window_s: window.map(|w| w as f64 / 1e9),
        report: &report,
        time_to_convert_histogram: &bins,
        breakdown: by_value,
        window: args.window.as_deref(),
    };
    emit(&output, format, &args.output, &meta.read_files(), ctx.color)
}

/// The values that `--exclude-step` names: a journey that reaches one of them between two
/// steps does not count as going on (metrics.md, Funnels).
fn excluded_values(list: &StepList, names: &Dictionary, ctx: &Context) -> Result<Vec<bool>> {
    let (steps, unmatched) = list
        .resolve(names)
        .map_err(|e| usage(format!("--exclude-step: {e}")))?;
    for alt in unmatched {
        ctx.warn(format_args!(
            "--exclude-step '{alt}' matches nothing in the input"
        ));
    }
    let mut excluded = vec![false; names.len()];
    for step in &steps {
        for (e, m) in excluded.iter_mut().zip(&step.matches) {
            *e |= *m;
        }
    }
    Ok(excluded)
}
