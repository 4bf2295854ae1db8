//! `journeymap explore`: what journeys do after (or before) a touchpoint, position by position.

use anyhow::{bail, Result};
use serde::Serialize;

use super::inspect::options_line;
use super::{prepare, Context, Meta};
use crate::analysis::explore::{explore, Direction, ExploreOptions, ExploreReport};
use crate::analysis::funnel::Step;
use crate::cli::{ExploreArgs, OutputFormat};
use crate::error::usage;
use crate::input::mapping::did_you_mean;
use crate::render::{self, count, percent, rate6, Doc, Sink, Table};
use crate::text::counted;

#[derive(Serialize)]
struct Output<'a> {
    meta: &'a Meta,
    #[serde(flatten)]
    report: &'a ExploreReport,
}

pub fn run(args: &ExploreArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(
        &args.output,
        "explore",
        &[Table, Csv, Json, Md, Dot, Mermaid],
    )?;
    let (flag, text, direction) = match (&args.from, &args.to) {
        (Some(name), None) => ("--from", name, Direction::Forward),
        (None, Some(name)) => ("--to", name, Direction::Backward),
        _ => return Err(usage("explore needs one of --from NAME or --to NAME")),
    };
    if args.depth == 0 {
        return Err(usage("--depth must be at least 1"));
    }
    if args.per_step == 0 {
        return Err(usage("--per-step must be at least 1"));
    }
    let text = text.trim();
    if text.split('|').all(|alt| alt.trim().is_empty()) {
        return Err(usage(format!(
            "{flag} needs a touchpoint name, like {flag} checkout"
        )));
    }
    let prepared = prepare(&args.input, &args.journey.0, ctx, false)?;
    let j = &prepared.journeys;
    let (anchor, unmatched) =
        Step::parse(text, j.names()).map_err(|e| usage(format!("{flag}: {e}")))?;
    if anchor.matches.iter().all(|m| !m) {
        let hints: Vec<String> = unmatched
            .iter()
            .filter(|alt| !alt.starts_with("re:"))
            .filter_map(|alt| crate::input::mapping::closest(alt, j.names().names()))
            .map(|b| format!("'{b}'"))
            .collect();
        let mut msg = format!("{flag} '{text}' never occurs in the input");
        if !hints.is_empty() {
            msg.push_str(&format!("; did you mean {}?", hints.join(" or ")));
        }
        if !text.contains("re:") {
            msg.push_str(" (names are compared exactly; `re:PATTERN` matches by regex)");
        }
        if looks_like_a_time(text) {
            msg.push_str(&format!(
                "; explore takes the time range as --since/--until, and {flag} names the anchor"
            ));
        }
        bail!(msg);
    }
    for alt in unmatched {
        let hint = did_you_mean(&alt, j.names().names());
        ctx.warn(format_args!(
            "{flag} '{alt}' matches nothing in the input{hint}"
        ));
    }
    let opts = ExploreOptions {
        direction,
        depth: args.depth,
        per_step: args.per_step,
        conversions: prepared.conversion_defined(),
    };
    let report = explore(j, &anchor, &opts);
    let mut meta = prepared.meta("explore");
    meta.command_options = serde_json::json!({
        "from": args.from, "to": args.to, "depth": args.depth, "per_step": args.per_step,
    });
    let mut sink = Sink::open(args.output.output.as_deref(), &meta.inputs)?;
    let color = ctx.color_stdout(sink.is_terminal());
    let style = crate::render::graph_style::GraphStyle {
        rankdir: args.rankdir,
        ..Default::default()
    };
    match format {
        Dot => crate::render::dot::write_explore(&report, &style, sink.writer())?,
        Mermaid => crate::render::mermaid::write_explore(&report, &style, sink.writer())?,
        _ => {
            let json = Output {
                meta: &meta,
                report: &report,
            };
            let with_conv = opts.conversions;
            render::write_report(
                format,
                &mut sink,
                color,
                &json,
                || Some(csv(&report, with_conv)),
                || doc(&report, &meta, with_conv),
            )?;
        }
    }
    sink.finish()
}

/// A date or timestamp given where a touchpoint name belongs (`--from 2026-02-01`).
fn looks_like_a_time(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// How a position is written: `0`, `+1`, `-1`.
pub fn position_label(p: i64) -> String {
    if p > 0 {
        format!("+{p}")
    } else {
        p.to_string()
    }
}

fn csv(r: &ExploreReport, with_conv: bool) -> Table {
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
                n.kind.to_string(),
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

fn doc(r: &ExploreReport, meta: &Meta, with_conv: bool) -> Doc {
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
        ("options", options_line(meta)),
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
