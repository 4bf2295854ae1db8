//! `journeymap stages`: the journeys through ordered stages.

use anyhow::Result;
use serde::Serialize;

use std::path::Path;

use super::{config, prepare, scores, Context};
use crate::analysis::stages::{add_scores, stages, StageDef, StageMap};
use crate::cli::{OutputFormat, StagesArgs};
use crate::config::ConfigFile;
use crate::error::usage;
use crate::meta::ReadFile;
use crate::render::report::stages::StagesOutput;
use crate::render::{self, emit, Reported};
use crate::settings::Request;
use crate::text::{counted, excerpt};

/// `stages`' own options, as JSON reports them.
#[derive(Serialize)]
struct Options {
    stages_file: Option<String>,
    top_values: usize,
    flow: bool,
}

pub fn run(args: &StagesArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(
        &args.output,
        "stages",
        &[Table, Csv, Json, Md, Dot, Mermaid, Svg],
    )?;
    let config = config(&args.input)?;
    let Some(defs) = stage_defs(args.stages.as_deref(), &config)? else {
        return Err(usage(
            "no stages are defined: add a [stages] table to journeymap.toml (awareness = [\"home\", \"re:^blog\"], ...) or pass --stages FILE.csv",
        ));
    };
    let score_settings = scores::settings(&args.scores, &config)?;
    let mut request = Request::new(&args.input, &args.journey, &config).keep_optional_column(
        score_settings.as_ref().map(|s| s.column.as_str()),
        scores::FLAG,
    );
    // Without scores the analysis needs only the journeys' sequences: a variants table will do.
    if score_settings.is_none() {
        request = request.accepts_variants();
    }
    let prepared = prepare(&request, ctx)?;
    let j = &prepared.journeys;
    let (map, unmatched) = StageMap::build(&defs, j.names())?;
    super::warn_unmatched(ctx, "stage entry", "matches nothing", &unmatched, j.names());
    let conversion = prepared.conversion_defined();
    let mut report = stages(j, &map, conversion, args.top_values);
    if let Some(s) = &score_settings {
        let (read, info) = scores::read(&prepared, s, ctx)?;
        add_scores(&mut report, j, &map, &read, info, conversion);
    }
    let report = report.reported();
    if report.unstaged_events > 0 {
        // The stage map names values of the analysis level: name those.
        let top = match (j.level, &report.unstaged.top_channels) {
            (crate::journey::Level::Channel, Some(channels)) => channels,
            _ => &report.unstaged.top_touchpoints,
        };
        let names: Vec<&str> = top.iter().map(|n| n.name.as_str()).collect();
        ctx.warn(format_args!(
            "{} in no stage are counted as (unstaged) (most: {})",
            counted(report.unstaged_events, "event", "events"),
            names.join(", ")
        ));
    }
    let stages_file = args.stages.as_ref().map(|p| p.display().to_string());
    let meta = prepared.meta("stages").with_options(Options {
        stages_file: stages_file.clone(),
        top_values: args.top_values,
        flow: args.flow,
    });
    let walks = (format == Svg).then(|| walks(j, &map, conversion));
    let output = StagesOutput {
        meta: &meta,
        report: &report,
        flow: args.flow,
        walks: walks.as_ref(),
    };
    let mut read = meta.read_files();
    read.extend(stages_file.as_deref().map(|path| ReadFile {
        path,
        role: "stage file",
    }));
    emit(&output, format, &args.output, &read, ctx.color)
}

/// The journeys' stage walks explored from their start, for the flow diagram: every stage in
/// every column (no `(other)`), one visit more than there are stages (3 to 5, so that the
/// drawing keeps readable type at a page's width).
pub(super) fn walks(
    j: &crate::journey::Journeys,
    map: &StageMap,
    conversion: bool,
) -> crate::analysis::explore::ExploreReport {
    use crate::analysis::explore::{explore, Direction, ExploreOptions};
    let (walks, _) = crate::analysis::stages::stage_walks(j, map);
    let opts = ExploreOptions {
        direction: Direction::Forward,
        depth: (map.names.len() + 1).clamp(3, 5),
        per_step: map.names.len(),
        conversions: conversion,
    };
    explore(&walks, None, &opts).reported()
}

/// The stage map: `--stages FILE.csv`, else `[stages]` of journeymap.toml; `None` when neither
/// defines one. A `re:` pattern that does not compile is a usage error.
pub(super) fn stage_defs(
    file: Option<&Path>,
    config: &ConfigFile,
) -> Result<Option<Vec<StageDef>>> {
    let defs = match file {
        Some(path) => crate::config::read_stage_file(path)?,
        None if config.stages.is_empty() => return Ok(None),
        None => config.stages.clone(),
    };
    for def in &defs {
        for entry in &def.entries {
            if let Some(pattern) = entry.strip_prefix("re:") {
                regex::Regex::new(pattern).map_err(|e| {
                    usage(format!(
                        "stage '{}': the pattern '{}' does not compile: {e}",
                        excerpt(&def.name),
                        excerpt(pattern)
                    ))
                })?;
            }
        }
    }
    Ok(Some(defs))
}
