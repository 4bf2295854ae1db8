//! `journeymap diff`: two inputs, two segments (--split) or two periods (--before) side by side.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;

use super::diff_sides::{sides, Side};
use super::{config, Context};
use crate::analysis::diff::{rank, rows_for, DiffRow, RankBy};
use crate::analysis::funnel::{funnel, FunnelOrder};
use crate::analysis::measures::{self, Rate};
use crate::analysis::steps::StepList;
use crate::cli::{DiffArgs, OutputFormat};
use crate::duration::parse_duration;
use crate::error::usage;
use crate::journey::Journeys;
use crate::render::report::diff::{DiffOutput, Section, SideInfo};
use crate::render::{self, emit, Reported};

/// The command's own options, as `meta.command_options` reports them.
#[derive(Serialize)]
struct Options<'a> {
    split: &'a Option<String>,
    before: &'a Option<String>,
    funnel: Option<&'a [String]>,
    order: FunnelOrder,
    window: &'a Option<String>,
    min_change: f64,
    top: usize,
    sort: RankBy,
}

pub fn run(args: &DiffArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(&args.output, "diff", &[Table, Csv, Json, Md, Dot, Svg])?;
    if !(args.min_change >= 0.0 && args.min_change.is_finite()) {
        return Err(usage(
            "--min-change must be 0 or more (0.01 = 1 percentage point)",
        ));
    }
    let window = args
        .window
        .as_deref()
        .map(|w| parse_duration(w).map_err(|e| usage(format!("--window: {e}"))))
        .transpose()?;
    let config = config(&args.input)?;
    let funnel_steps = funnel_list(args, &config)?;
    let (meta, a, b, conv) = sides(args, &config, ctx)?;
    if window.is_some() && a.journeys.timeless {
        return Err(usage(
            "--window needs event times, and a variants table has none; run it on the events",
        ));
    }
    let meta = meta.with_options(Options {
        split: &args.split,
        before: &args.before,
        funnel: funnel_steps.as_ref().map(|l| l.steps.as_slice()),
        order: args.order,
        window: &args.window,
        min_change: args.min_change,
        top: args.top,
        sort: args.sort,
    });
    let top = if format == Dot { 0 } else { args.top };
    let funnel = funnel_steps.as_ref().map(|list| (list, args.order, window));
    let ranking = (args.min_change, top, args.sort, 0);
    let out = compare(&meta, &a, &b, conv, funnel, ranking, ctx)?;
    if format == Dot {
        let edges = out.edges.rows.len();
        if edges > 100 && args.min_change == 0.0 {
            ctx.warn(format_args!(
                "the drawing has {edges} edges; --min-change 0.05 keeps only moves of 5 percentage points or more"
            ));
        }
    }
    emit(&out, format, &args.output, &meta.read_files(), ctx.color)
}

/// The comparison of two sides: rows ranked (as printed) by change or p-value, those under
/// `min_change`, those with fewer than `min_total` in the n of a side, and those past `top`
/// (0: all) hidden and counted.
pub fn compare<'a>(
    meta: &'a crate::meta::Meta,
    a: &Side,
    b: &Side,
    conv: bool,
    funnel: Option<(&StepList, FunnelOrder, Option<i64>)>,
    (min_change, top, by, min_total): (f64, usize, RankBy, u64),
    ctx: &Context,
) -> Result<DiffOutput<'a>> {
    let section = |rows: Vec<DiffRow>| {
        let mut rows = rows.reported();
        let before = rows.len();
        rows.retain(|r| r.a.total.min(r.b.total) >= min_total);
        let small = (before - rows.len()) as u64;
        let hidden = rank(&mut rows, min_change, top, by) + small;
        Section { rows, hidden }
    };
    let (pa, pb) = (
        path_shares(&a.journeys, conv),
        path_shares(&b.journeys, conv),
    );
    let paths = rows_for(
        &pa.1,
        &pb.1,
        |_| Rate::absent(pa.0),
        |_| Rate::absent(pb.0),
        |p| p.join(" > "),
        "share",
    );
    let graph_opts = crate::analysis::graph::GraphOptions::default();
    let edge_rates =
        |j: &Journeys| measures::edge_rates(&crate::analysis::graph::graph(j, &graph_opts, conv));
    let edges =
        crate::analysis::diff::edge_rows(&edge_rates(&a.journeys), &edge_rates(&b.journeys));
    let exit_rates =
        |j: &Journeys| measures::exit_rates(&crate::analysis::dropoff::dropoff(j, conv));
    let undefined = |_: &String| Rate::undefined();
    let exits = rows_for(
        &exit_rates(&a.journeys),
        &exit_rates(&b.journeys),
        undefined,
        undefined,
        |t| t.clone(),
        "exit_rate",
    );
    let funnel_rows = funnel
        .map(|(list, order, window)| {
            funnel_rows(list, order, window, &a.journeys, &b.journeys, ctx)
        })
        .transpose()?;
    let info = |s: &Side| SideInfo {
        label: s.label.clone(),
        journeys: s.journeys.len() as u64,
        events: s.journeys.events() as u64,
    };
    // The conversion rate is always shown, whatever --min-change and --top hide.
    let conversion = conv.then(|| {
        let rate = |j: &Journeys| {
            let (x, n) = (j.conversions() as u64, j.len() as u64);
            Rate {
                value: (n > 0).then(|| x as f64 / n as f64),
                of: crate::analysis::ztest::Proportion::new(x, n),
            }
        };
        let rows = vec![crate::analysis::diff::row(
            "converting journeys".into(),
            "conversion_rate",
            rate(&a.journeys),
            rate(&b.journeys),
        )];
        Section {
            rows: rows.reported(),
            hidden: 0,
        }
    });
    Ok(DiffOutput {
        meta,
        a: info(a),
        b: info(b),
        min_change,
        conversion,
        paths: section(paths),
        edges: section(edges),
        exits: section(exits),
        funnel: funnel_rows.map(section),
    })
}

/// `--funnel`: a funnel named under [funnels], or `a,b,c`; at least two steps.
fn funnel_list(args: &DiffArgs, config: &crate::config::ConfigFile) -> Result<Option<StepList>> {
    let Some(text) = &args.funnel else {
        return Ok(None);
    };
    let list = StepList::parse(text, &config.funnels).map_err(|e| usage(format!("{e:#}")))?;
    if list.steps.len() < 2 {
        return Err(usage(
            "--funnel needs at least two steps, like --funnel product_view,add_to_cart,purchase (or a funnel named under [funnels])",
        ));
    }
    Ok(Some(list))
}

fn path_shares(j: &Journeys, conv: bool) -> (u64, BTreeMap<Vec<String>, Rate>) {
    let all = crate::analysis::paths::PathOptions {
        min_count: 1,
        ..Default::default()
    };
    measures::path_shares(&crate::analysis::paths::paths(j, &all, conv))
}

/// Per step from 2 on, the rate from the previous step; then the overall rate (last step
/// from the first).
fn funnel_rows(
    list: &StepList,
    order: FunnelOrder,
    window: Option<i64>,
    a: &Journeys,
    b: &Journeys,
    ctx: &Context,
) -> Result<Vec<DiffRow>> {
    let run = |j: &Journeys| -> Result<(crate::analysis::funnel::FunnelReport, Vec<String>)> {
        let (steps, unmatched) = list
            .resolve(j.names())
            .map_err(|e| usage(format!("{e:#}")))?;
        Ok((funnel(j, &steps, order, window, &[]), unmatched))
    };
    let ((fa, ua), (fb, ub)) = (run(a)?, run(b)?);
    for alt in ua.iter().filter(|u| ub.contains(u)) {
        ctx.warn(format_args!(
            "--funnel step '{alt}' matches nothing in either input"
        ));
    }
    Ok(crate::analysis::diff::funnel_rows(&list.steps, &fa, &fb))
}
