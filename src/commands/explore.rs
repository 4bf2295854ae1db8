//! `journeymap explore`: what journeys do after (or before) a touchpoint, position by position.

use anyhow::{bail, Result};
use serde::Serialize;

use super::{config, prepare, Context};
use crate::analysis::explore::{explore, Direction, ExploreOptions};
use crate::analysis::steps::{check_patterns, Step};
use crate::cli::{ExploreArgs, OutputFormat};
use crate::error::usage;
use crate::render::graph_style::GraphStyle;
use crate::render::report::explore::ExploreOutput;
use crate::render::{self, emit, Reported};
use crate::settings::Request;

/// The command's own options, as `meta.command_options` reports them.
#[derive(Serialize)]
struct Options<'a> {
    from: &'a Option<String>,
    to: &'a Option<String>,
    depth: usize,
    per_step: usize,
}

pub fn run(args: &ExploreArgs, ctx: &Context) -> Result<()> {
    run_as(args, ctx, "explore")
}

/// `journeymap flow`: explore from every journey's start (or from an anchor), drawn as a flow
/// diagram.
pub fn run_flow(args: &ExploreArgs, ctx: &Context) -> Result<()> {
    run_as(args, ctx, "flow")
}

fn run_as(args: &ExploreArgs, ctx: &Context, command: &'static str) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(
        &args.output,
        command,
        &[Table, Csv, Json, Md, Dot, Mermaid, Svg],
    )?;
    let (flag, text, direction) = match (&args.from, &args.to) {
        (Some(name), None) => ("--from", name.as_str(), Direction::Forward),
        (None, Some(name)) => ("--to", name.as_str(), Direction::Backward),
        (None, None) if command == "flow" => ("", "", Direction::Forward),
        (Some(_), Some(_)) => {
            return Err(usage(format!(
                "{command} takes one of --from NAME or --to NAME, not both"
            )))
        }
        _ => return Err(usage("explore needs one of --from NAME or --to NAME")),
    };
    if args.depth == 0 {
        return Err(usage("--depth must be at least 1"));
    }
    if args.per_step == 0 {
        return Err(usage("--per-step must be at least 1"));
    }
    let text = text.trim();
    let anchored = !flag.is_empty();
    if anchored && text.split('|').all(|alt| alt.trim().is_empty()) {
        return Err(usage(format!(
            "{flag} needs a touchpoint name, like {flag} checkout"
        )));
    }
    if anchored {
        check_patterns(text).map_err(|e| usage(format!("{flag}: {e}")))?;
    }
    let config = config(&args.input)?;
    let prepared = prepare(
        &Request::new(&args.input, &args.journey.0, &config).accepts_variants(),
        ctx,
    )?;
    let j = &prepared.journeys;
    let opts = ExploreOptions {
        direction,
        depth: args.depth,
        per_step: args.per_step,
        conversions: prepared.conversion_defined(),
    };
    let report = if anchored {
        explore(j, Some(&find_anchor(j, flag, text, ctx)?), &opts)
    } else {
        explore(j, None, &opts)
    }
    .reported();
    let meta = prepared.meta(command).with_options(Options {
        from: &args.from,
        to: &args.to,
        depth: args.depth,
        per_step: args.per_step,
    });
    let output = ExploreOutput {
        meta: &meta,
        report: &report,
        style: GraphStyle {
            rankdir: args.rankdir,
            ..Default::default()
        },
        command,
    };
    emit(&output, format, &args.output, &meta.read_files(), ctx.color)
}

/// The anchor step `text` of `flag`; an error when it never occurs.
fn find_anchor(
    j: &crate::journey::Journeys,
    flag: &str,
    text: &str,
    ctx: &Context,
) -> Result<Step> {
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
    super::warn_unmatched(ctx, flag, "matches nothing", &unmatched, j.names());
    Ok(anchor)
}

/// A date or timestamp given where a touchpoint name belongs (`--from 2026-02-01`).
fn looks_like_a_time(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}
