//! `journeymap stages`: the journeys through ordered stages.

use anyhow::Result;
use serde::Serialize;

use super::{config, prepare, Context};
use crate::analysis::stages::{stages, StageMap};
use crate::cli::{OutputFormat, StagesArgs};
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
        &[Table, Csv, Json, Md, Dot, Mermaid],
    )?;
    let config = config(&args.input)?;
    let defs = match &args.stages {
        Some(path) => crate::config::read_stage_file(path)?,
        None if config.stages.is_empty() => {
            return Err(usage(
                "no stages are defined: add a [stages] table to journeymap.toml (awareness = [\"home\", \"re:^blog\"], ...) or pass --stages FILE.csv",
            ))
        }
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
    let prepared = prepare(&Request::new(&args.input, &args.journey, &config), ctx)?;
    let j = &prepared.journeys;
    let (map, unmatched) = StageMap::build(&defs, j.names())?;
    super::warn_unmatched(ctx, "stage entry", "matches nothing", &unmatched, j.names());
    let report = stages(j, &map, prepared.conversion_defined(), args.top_values).reported();
    if report.unstaged_events > 0 {
        let names: Vec<&str> = report
            .unstaged
            .top_touchpoints
            .iter()
            .map(|n| n.name.as_str())
            .collect();
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
    let output = StagesOutput {
        meta: &meta,
        report: &report,
        flow: args.flow,
    };
    let mut read = meta.read_files();
    read.extend(stages_file.as_deref().map(|path| ReadFile {
        path,
        role: "stage file",
    }));
    emit(&output, format, &args.output, &read, ctx.color)
}
