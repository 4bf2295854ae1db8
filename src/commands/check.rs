//! `journeymap check`: CI gates. Exit codes (docs/check.md): 0 when every check passes, 1 when
//! at least one fails, 2 for a usage error or an input error. Other commands exit 1 on bad
//! input; `check` maps it to 2 here, so that a CI job can tell "the gate failed" from "the
//! gate could not run".

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use super::inspect::options_line;
use super::{prepare, Context, Meta};
use crate::check::baseline::Baseline;
use crate::check::evaluate::{evaluate, missing_in_baseline};
use crate::check::judge::{pp, show_value};
use crate::check::spec::{compile, Check, ChecksFile};
use crate::check::{CheckResult, Verdict};
use crate::cli::{CheckArgs, CheckFormat};
use crate::config::ConfigFile;
use crate::error::{usage, Error};
use crate::render::{self, Doc, Sink};

#[derive(Serialize)]
struct Output<'a> {
    meta: &'a Meta,
    passed: bool,
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<String>,
    checks: &'a [CheckResult],
}

#[derive(Serialize)]
struct Summary {
    checks: usize,
    passed: usize,
    failed: usize,
    skipped: usize,
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

/// The format: --format, else the -o extension (.json, .xml for JUnit, .txt), else table.
fn choose_format(args: &CheckArgs) -> CheckFormat {
    let ext = args
        .output
        .as_deref()
        .and_then(Path::extension)
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    args.format.unwrap_or(match ext.as_deref() {
        Some("json") => CheckFormat::Json,
        Some("xml") => CheckFormat::Junit,
        _ => CheckFormat::Table,
    })
}

/// The checks: from --checks FILE, else journeymap.toml's [[check]] tables.
fn load_checks(args: &CheckArgs) -> Result<Vec<Check>> {
    let cfg = ConfigFile::find(args.input.config.as_deref()).map_err(|e| usage(e.to_string()))?;
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
            let file: ChecksFile = toml::from_str(&text)
                .map_err(|e| usage(format!("{}: {}", path.display(), e.to_string().trim_end())))?;
            let mut funnels = cfg.funnels.clone();
            funnels.extend(file.funnels);
            compile(&file.check, &funnels, &path.display().to_string())
                .map_err(|e| usage(e.to_string()))?
        }
        None => compile(&cfg.check, &cfg.funnels, &cfg_name).map_err(|e| usage(e.to_string()))?,
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
    let format = choose_format(args);
    let checks = load_checks(args)?;
    let baseline = args.baseline.as_deref().map(Baseline::read).transpose()?;
    let prepared = prepare(&args.input, &args.journey, ctx, false)?;
    if let (Some(b), Some(path)) = (&baseline, &args.baseline) {
        let differ = b.differing_options(&prepared.settings.echo);
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
    let eval = evaluate(
        &prepared.journeys,
        prepared.conversion_defined(),
        &checks,
        baseline.as_ref(),
    )?;
    for w in &eval.warnings {
        ctx.warn(w);
    }
    let mut meta = prepared.meta("check");
    meta.command_options = serde_json::json!({
        "checks": args.checks.as_ref().map(|p| p.display().to_string()),
        "baseline": args.baseline.as_ref().map(|p| p.display().to_string()),
        "write_baseline": args.write_baseline.as_ref().map(|p| p.display().to_string()),
    });
    if let Some(path) = &args.write_baseline {
        let text = Baseline::new(&prepared.settings.echo, eval.values.clone()).to_text()?;
        let mut sink = Sink::open(Some(path), &meta.inputs)?;
        sink.writer().write_all(text.as_bytes())?;
        sink.finish()?;
        ctx.info(format_args!("baseline written to {}", path.display()));
    }
    let results = &eval.results;
    let count = |v: Verdict| results.iter().filter(|r| r.verdict == v).count();
    let summary = Summary {
        checks: results.len(),
        passed: count(Verdict::Pass),
        failed: count(Verdict::Fail),
        skipped: count(Verdict::Skipped),
    };
    let failed = summary.failed;
    let mut sink = Sink::open(args.output.as_deref(), &meta.inputs)?;
    let color = ctx.color_stdout(sink.is_terminal());
    let written = (|| -> Result<()> {
        match format {
            CheckFormat::Junit => render::junit::write(results, sink.writer())?,
            CheckFormat::Github => render::github::write(results, sink.writer())?,
            CheckFormat::Json => render::json::write(
                &Output {
                    meta: &meta,
                    passed: failed == 0,
                    summary,
                    baseline: args.baseline.as_ref().map(|p| p.display().to_string()),
                    checks: results,
                },
                sink.writer(),
            )?,
            CheckFormat::Table => {
                let doc = document(results, &summary, &meta, args.baseline.as_deref());
                render::table::write(&doc, color, sink.writer())?
            }
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
            crate::text::counted(results.len() as u64, "check", "checks"),
            names.join("; ")
        ))
        .into());
    }
    Ok(())
}

fn document(results: &[CheckResult], s: &Summary, meta: &Meta, baseline: Option<&Path>) -> Doc {
    let mut doc = Doc::default();
    doc.heading("journeymap check");
    doc.fields(vec![
        ("journeys", render::count(meta.journeys)),
        (
            "checks",
            format!(
                "{}: {} passed, {} failed, {} skipped",
                s.checks, s.passed, s.failed, s.skipped
            ),
        ),
        (
            "baseline",
            baseline
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "none".to_string()),
        ),
        ("options", options_line(meta)),
    ]);
    let mut t = render::Table::new(&["check", "value>", "limit", "verdict"]);
    for r in results {
        let show = |v: f64| show_value(r.kind != "journeys", v);
        let mut value = r.value.map(show).unwrap_or_else(|| "-".to_string());
        if let (Some(b), Some(d)) = (r.baseline, r.drop_pp) {
            let sign = if d > 0.0 { "-" } else { "+" };
            value = format!("{value} (baseline {}, {sign}{} pp)", show(b), pp(d.abs()));
        }
        let verdict = match r.verdict {
            Verdict::Pass => "pass",
            Verdict::Fail => "FAIL",
            Verdict::Skipped => "skipped",
        };
        t.row(vec![
            r.name.clone(),
            value,
            r.limit.clone(),
            verdict.to_string(),
        ]);
    }
    doc.table(t);
    for r in results.iter().filter(|r| r.verdict != Verdict::Pass) {
        doc.note(format!("{}: {}", r.verdict.name(), r.message));
    }
    doc
}
