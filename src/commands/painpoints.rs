//! `journeymap painpoints`: touchpoints ranked by the journeys lost there, with exit rate,
//! loops, stage and scores beside.

use anyhow::Result;
use serde::Serialize;

use super::stages::stage_defs;
use super::{config, prepare, scores, Context};
use crate::analysis::painpoints::{painpoints, PainSort};
use crate::analysis::scores::ScoresInfo;
use crate::analysis::stages::StageMap;
use crate::cli::{OutputFormat, PainpointsArgs};
use crate::error::usage;
use crate::meta::ReadFile;
use crate::render::report::painpoints::PainOutput;
use crate::render::{self, emit, Reported};
use crate::settings::Request;

/// `painpoints`' own options, as JSON reports them.
#[derive(Serialize)]
struct Options {
    stages_file: Option<String>,
    top: usize,
    sort: &'static str,
}

pub fn run(args: &PainpointsArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(&args.output, "painpoints", &[Table, Csv, Json, Md])?;
    let config = config(&args.input)?;
    let defs = stage_defs(args.stages.as_deref(), &config)?;
    let score_settings = scores::settings(&args.scores, &config)?;
    if args.sort == PainSort::MeanScore && score_settings.is_none() {
        return Err(usage(
            "--sort mean-score needs scores: pass --score-col COL (or set column in [scores] of journeymap.toml)",
        ));
    }
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
    let map = match &defs {
        Some(defs) => {
            let (map, unmatched) = StageMap::build(defs, j.names())?;
            super::warn_unmatched(ctx, "stage entry", "matches nothing", &unmatched, j.names());
            Some(map)
        }
        None => None,
    };
    let read = match &score_settings {
        Some(s) => Some(scores::read(&prepared, s, ctx)?),
        None => None,
    };
    let mut report = painpoints(
        j,
        prepared.conversion_defined(),
        map.as_ref(),
        read.as_ref().map(|(s, info)| (s, info.low_score)),
        args.sort,
    );
    if args.top > 0 {
        report.rows.truncate(args.top);
    }
    let report = report.reported();
    let scores_info: Option<ScoresInfo> = read.map(|(_, info)| info);
    let stages_file = args.stages.as_ref().map(|p| p.display().to_string());
    let meta = prepared.meta("painpoints").with_options(Options {
        stages_file: stages_file.clone(),
        top: args.top,
        sort: args.sort.name(),
    });
    let output = PainOutput {
        meta: &meta,
        report: &report,
        scores: scores_info.as_ref(),
        top: args.top,
        sort: args.sort,
    };
    let mut files = meta.read_files();
    files.extend(stages_file.as_deref().map(|path| ReadFile {
        path,
        role: "stage file",
    }));
    emit(&output, format, &args.output, &files, ctx.color)
}
