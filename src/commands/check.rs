//! `journeymap check`: CI gates. Exit codes (docs/check.md): 0 when every check passes, 1 when
//! at least one fails, 2 for a usage error or an input error. Other commands exit 1 on bad
//! input; `check` maps it to 2 here, so that a CI job can tell "the gate failed" from "the
//! gate could not run".

use anyhow::Result;
use serde::Serialize;

use super::scores::ScoreSettings;
use super::{config, prepare, Context};
use crate::analysis::stages::{add_scores, stages, StageDef, StageMap, StagesReport};
use crate::check::baseline::Baseline;
use crate::check::evaluate::{evaluate, missing_in_baseline};
use crate::check::spec::{compile, Check, ChecksFile, Measure, StageMeasure};
use crate::check::Verdict;
use crate::cli::{CheckArgs, CheckFormat};
use crate::config::ConfigFile;
use crate::error::{usage, Error};
use crate::meta::ReadFile;
use crate::render::report::check::{CheckOutput, Summary};
use crate::render::{self, Present, Reported, Sink};
use crate::settings::Request;
use crate::text::counted;

/// The command's own options, as `meta.command_options` reports them.
#[derive(Serialize)]
struct Options {
    checks: Option<String>,
    baseline: Option<String>,
    write_baseline: Option<String>,
}

pub fn run(args: &CheckArgs, ctx: &Context) -> Result<()> {
    run_checks(args, ctx).map_err(|err| {
        let keep = crate::error::is_broken_pipe(&err) || err.downcast_ref::<Error>().is_some();
        if keep {
            err
        } else {
            Error::CheckInput(err).into()
        }
    })
}

/// The format: --format, else the -o extension (.json, .xml for JUnit, .txt for the table),
/// else table. Another extension is a usage error.
fn choose_format(args: &CheckArgs) -> Result<CheckFormat> {
    if let Some(format) = args.format {
        return Ok(format);
    }
    let Some(path) = args.output.as_deref() else {
        return Ok(CheckFormat::Table);
    };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        None | Some("txt") => Ok(CheckFormat::Table),
        Some("json") => Ok(CheckFormat::Json),
        Some("xml") => Ok(CheckFormat::Junit),
        Some(other) => Err(usage(format!(
            "-o {}: journeymap check does not write .{other} files; name the file .txt, .json or .xml (JUnit), or pass --format",
            path.display()
        ))),
    }
}

/// The checks: from --checks FILE, else journeymap.toml's [[check]] tables.
fn load_checks(args: &CheckArgs, cfg: &ConfigFile) -> Result<Vec<Check>> {
    let cfg_name = cfg
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| crate::config::DEFAULT_FILE.to_string());
    let checks = match &args.checks {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                usage(format!(
                    "{}: cannot read the checks file ({e})",
                    path.display()
                ))
            })?;
            let file: ChecksFile = toml::from_str(&text).map_err(|e| {
                let hint = if e.to_string().contains("unknown field") {
                    "\n(--checks reads only [[check]] and [funnels] tables; a whole journeymap.toml goes with --config)"
                } else {
                    ""
                };
                usage(format!(
                    "{}: {}{hint}",
                    path.display(),
                    e.to_string().trim_end()
                ))
            })?;
            let mut funnels = cfg.funnels.clone();
            funnels.extend(file.funnels);
            compile(&file.check, &funnels, &path.display().to_string())
                .map_err(|e| usage(format!("{e:#}")))?
        }
        None => {
            compile(&cfg.check, &cfg.funnels, &cfg_name).map_err(|e| usage(format!("{e:#}")))?
        }
    };
    if checks.is_empty() {
        return Err(usage(match &args.checks {
            Some(p) => format!("{}: no [[check]] tables", p.display()),
            None => format!(
                "no checks: add [[check]] tables to {cfg_name} or pass --checks FILE (docs/check.md)"
            ),
        }));
    }
    Ok(checks)
}

fn run_checks(args: &CheckArgs, ctx: &Context) -> Result<()> {
    let format = choose_format(args)?;
    let config = config(&args.input)?;
    let checks = load_checks(args, &config)?;
    let baseline = args.baseline.as_deref().map(Baseline::read).transpose()?;
    let stage_checks = StageChecks::of(&checks, &config)?;
    let score_column = stage_checks
        .as_ref()
        .and_then(|s| s.scores.as_ref())
        .map(|s| s.column.as_str());
    let mut request = Request::new(&args.input, &args.journey, &config)
        .keep_optional_column(score_column, "column in [scores]");
    // Funnel, path, edge, exit and journey checks need only the journeys' sequences; stage
    // checks need the events.
    if stage_checks.is_none() {
        request = request.accepts_variants();
    }
    let prepared = prepare(&request, ctx)?;
    // The options a baseline records and is compared under: the journey options, and the
    // score settings when a stage check reads scores.
    let mut recorded = prepared.options().recorded();
    if let Some(s) = &stage_checks {
        s.recorded(&mut recorded);
    }
    if let (Some(b), Some(path)) = (&baseline, &args.baseline) {
        let differ = b.differing_options(&recorded);
        if !differ.is_empty() {
            return Err(usage(format!(
                "{} was computed with other options: {}; run with the baseline's options, or record a new baseline with --write-baseline",
                path.display(),
                differ.join(", ")
            )));
        }
        let missing = missing_in_baseline(&checks, b);
        if !missing.is_empty() {
            return Err(usage(format!(
                "{} has no value for {}; record it with --write-baseline",
                path.display(),
                missing
                    .iter()
                    .map(|k| format!("'{k}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let stages = match &stage_checks {
        Some(s) => Some(s.report(&prepared, ctx)?),
        None => None,
    };
    let eval = evaluate(
        &prepared.journeys,
        prepared.conversion_defined(),
        &checks,
        baseline.as_ref(),
        stages.as_ref(),
    )?;
    for w in &eval.warnings {
        ctx.warn(w);
    }
    let shown = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let (checks_path, baseline_path) = (shown(&args.checks), shown(&args.baseline));
    let checks_file = checks_path.as_deref().map(|path| ReadFile {
        path,
        role: "checks file",
    });
    let baseline_file = baseline_path.as_deref().map(|path| ReadFile {
        path,
        role: "baseline",
    });
    let meta = prepared.meta("check").with_options(Options {
        checks: shown(&args.checks),
        baseline: shown(&args.baseline),
        write_baseline: shown(&args.write_baseline),
    });
    match &args.write_baseline {
        Some(path) => {
            let text = Baseline::new(recorded.clone(), eval.values.clone()).to_text()?;
            // The new baseline may replace the one compared with (docs/check.md), nothing else
            // the run read.
            let mut read = meta.read_files();
            read.extend(checks_file.iter().copied());
            let mut sink = Sink::open_as(Some(path), &read, "--write-baseline")?;
            sink.writer().write_all(text.as_bytes())?;
            sink.finish()?;
            ctx.note(format_args!(
                "baseline written to {}; compare later runs with --baseline {}",
                path.display(),
                path.display()
            ));
        }
        None if eval.skipped_drops > 0 => ctx.warn(format_args!(
            "{} skipped: compare with --baseline FILE (written by --write-baseline FILE)",
            counted(eval.skipped_drops, "drop check", "drop checks")
        )),
        None => {}
    }
    let results = &eval.results;
    let summary = Summary::of(results);
    let failed = summary.failed;
    let output = CheckOutput {
        meta: &meta,
        passed: failed == 0,
        summary,
        baseline: shown(&args.baseline),
        baseline_written: shown(&args.write_baseline),
        checks: results,
    };
    let mut read = meta.read_files();
    read.extend(checks_file.iter().copied());
    read.extend(baseline_file.iter().copied());
    let mut sink = Sink::open(args.output.as_deref(), &read)?;
    let color = ctx.color.enabled(sink.is_terminal());
    let written = (|| -> Result<()> {
        match format {
            CheckFormat::Junit => render::junit::write(results, sink.writer())?,
            CheckFormat::Github => render::github::write(results, sink.writer())?,
            CheckFormat::Json => render::json::write(&output, sink.writer())?,
            CheckFormat::Table => render::table::write(&output.document(), color, sink.writer())?,
        }
        sink.finish()
    })();
    // A reader of stdout that went away (`| head`) ends the output quietly, but a failed
    // gate still exits 1.
    if let Err(e) = written {
        if !(crate::error::is_broken_pipe(&e) && failed > 0) {
            return Err(e);
        }
    }
    if failed > 0 {
        let names: Vec<&str> = results
            .iter()
            .filter(|r| r.verdict == Verdict::Fail)
            .map(|r| r.name.as_str())
            .collect();
        return Err(Error::GateFailed(format!(
            "{failed} of {} failed: {}",
            counted(results.len() as u64, "check", "checks"),
            names.join("; ")
        ))
        .into());
    }
    Ok(())
}

/// What the stage checks need: the stage map of journeymap.toml and, for `mean_score`, its
/// `[scores]`.
struct StageChecks {
    defs: Vec<StageDef>,
    scores: Option<ScoreSettings>,
}

impl StageChecks {
    /// `None` without stage checks; a usage error when they name a stage the map does not
    /// have, or ask for scores without a score column.
    fn of(checks: &[Check], config: &ConfigFile) -> Result<Option<StageChecks>> {
        let stage_checks: Vec<(&Check, &String, StageMeasure)> = checks
            .iter()
            .filter_map(|c| match &c.measure {
                Measure::Stage(name, m) => Some((c, name, *m)),
                _ => None,
            })
            .collect();
        if stage_checks.is_empty() {
            return Ok(None);
        }
        let Some(defs) = super::stages::stage_defs(None, config)? else {
            return Err(usage(
                "stage checks need the stage map: add a [stages] table to journeymap.toml (docs/config.md)",
            ));
        };
        for (c, name, _) in &stage_checks {
            if !defs.iter().any(|d| &d.name == *name) {
                let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
                return Err(usage(format!(
                    "{}: no stage '{name}' under [stages] (the stages are {})",
                    c.name,
                    names.join(", ")
                )));
            }
        }
        // Scores only for mean_score checks: the other stage checks run on inputs without the
        // score column.
        let mean_score = stage_checks
            .iter()
            .find(|(_, _, m)| *m == StageMeasure::MeanScore);
        let scores = match mean_score {
            None => None,
            Some((c, _, _)) => match super::scores::settings(&Default::default(), config)? {
                Some(s) => Some(s),
                None => {
                    return Err(usage(format!(
                        "{}: measure = \"mean_score\" needs a score column: set column in [scores] of journeymap.toml",
                        c.name
                    )))
                }
            },
        };
        Ok(Some(StageChecks { defs, scores }))
    }

    /// What a baseline records of the stage checks' settings: the stage map, and the score
    /// column and which event a score belongs to when a check reads scores (the low-score
    /// threshold changes no mean).
    fn recorded(&self, options: &mut std::collections::BTreeMap<String, serde_json::Value>) {
        let map: Vec<serde_json::Value> = self
            .defs
            .iter()
            .map(|d| serde_json::json!({ "stage": d.name, "entries": d.entries }))
            .collect();
        options.insert("stages".into(), map.into());
        if let Some(s) = &self.scores {
            options.insert("score_column".into(), s.column.clone().into());
            options.insert("score_applies".into(), s.applies.name().into());
        }
    }

    /// The stage report the checks measure (with scores when `[scores]` names a column).
    fn report(&self, p: &super::Prepared, ctx: &Context) -> Result<StagesReport> {
        let j = &p.journeys;
        let (map, unmatched) = StageMap::build(&self.defs, j.names())?;
        super::warn_unmatched(ctx, "stage entry", "matches nothing", &unmatched, j.names());
        let conversion = p.conversion_defined();
        let mut report = stages(j, &map, conversion, 0);
        if let Some(s) = &self.scores {
            let (read, info) = super::scores::read(p, s, ctx)?;
            add_scores(&mut report, j, &map, &read, info, conversion);
        }
        // The values compared with a baseline are the reported ones (rounded to 6 decimals).
        Ok(report.reported())
    }
}
