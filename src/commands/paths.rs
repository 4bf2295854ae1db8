//! `journeymap paths`: the most common paths.

use anyhow::Result;
use serde::Serialize;

use super::inspect::options_line;
use super::{prepare, Context, Meta};
use crate::analysis::paths::{paths, PathOptions, PathsReport};
use crate::cli::{OutputFormat, PathsArgs};
use crate::duration::humanize_secs;
use crate::render::{self, count, percent, rate6, Doc, Sink, Table};

#[derive(Serialize)]
struct Output<'a> {
    meta: &'a Meta,
    #[serde(flatten)]
    report: &'a PathsReport,
}

pub fn run(args: &PathsArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(&args.output, "paths", &[Table, Csv, Json, Md])?;
    if args.max_steps == Some(0) {
        return Err(crate::error::usage("--max-steps must be at least 1"));
    }
    let prepared = prepare(&args.input, &args.journey, ctx, false)?;
    let opts = PathOptions {
        top: args.top,
        min_count: args.min_count,
        other: args.other,
        max_steps: args.max_steps,
        starting_at: args.starting_at.clone(),
        ending_at: args.ending_at.clone(),
    };
    let conv = prepared.conversion_defined();
    let report = paths(&prepared.journeys, &opts, conv);
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
    let mut meta = prepared.meta("paths");
    meta.command_options = serde_json::json!({
        "top": opts.top, "min_count": opts.min_count, "other": opts.other, "max_steps": opts.max_steps,
        "starting_at": opts.starting_at, "ending_at": opts.ending_at,
    });
    let mut sink = Sink::open(args.output.output.as_deref(), &meta.inputs)?;
    let color = ctx.color_stdout(sink.is_terminal());
    let json = Output {
        meta: &meta,
        report: &report,
    };
    render::write_report(
        format,
        &mut sink,
        color,
        &json,
        || Some(csv_table(&report, conv)),
        || document(&report, &meta, conv),
    )?;
    sink.finish()
}

/// A path as text: `a > b > c`, with ` > …` when cut.
pub fn path_text(path: &[String], cut: bool) -> String {
    let mut s = path.join(" > ");
    if cut {
        s.push_str(" > …");
    }
    s
}

fn csv_table(r: &PathsReport, conv: bool) -> Table {
    let mut cols = vec!["rank", "path", "steps", "cut", "count", "share"];
    if conv {
        cols.extend(["conversions", "conversion_rate"]);
    }
    cols.push("median_duration_s");
    let mut t = Table::new(&cols);
    for (i, p) in r.paths.iter().enumerate() {
        let mut row = vec![
            if p.steps.is_some() {
                (i + 1).to_string()
            } else {
                String::new()
            },
            path_text(&p.path, p.cut),
            p.steps.map(|s| s.to_string()).unwrap_or_default(),
            p.cut.to_string(),
            p.count.to_string(),
            rate6(Some(p.share)),
        ];
        if conv {
            row.push(p.conversions.unwrap_or(0).to_string());
            row.push(rate6(p.conversion_rate.flatten()));
        }
        row.push(
            p.median_duration_s
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
        t.row(row);
    }
    t
}

fn document(r: &PathsReport, meta: &Meta, conv: bool) -> Doc {
    let mut doc = Doc::default();
    doc.heading("journeymap paths");
    let mut fields = vec![
        ("journeys", count(r.journeys)),
        ("distinct paths", count(r.distinct_paths)),
        ("events", count(r.events)),
    ];
    if r.left_out > 0 {
        fields.push((
            "left out",
            format!(
                "{} journeys without the --starting-at/--ending-at touchpoint",
                count(r.left_out)
            ),
        ));
    }
    if r.hidden_paths > 0 {
        fields.push((
            "not shown",
            format!(
                "{} paths (--top, --min-count; --other sums them)",
                count(r.hidden_paths)
            ),
        ));
    }
    fields.push(("options", options_line(meta)));
    doc.fields(fields);
    let mut cols = vec!["#>", "path", "steps>", "journeys>", "share>"];
    if conv {
        cols.extend(["conversions>", "rate>"]);
    }
    cols.push("median duration>");
    let mut t = Table::new(&cols);
    for (i, p) in r.paths.iter().enumerate() {
        let mut row = vec![
            if p.steps.is_some() {
                (i + 1).to_string()
            } else {
                String::new()
            },
            path_text(&p.path, p.cut),
            p.steps.map(|s| s.to_string()).unwrap_or_default(),
            count(p.count),
            percent(Some(p.share)),
        ];
        if conv {
            row.push(count(p.conversions.unwrap_or(0)));
            row.push(percent(p.conversion_rate.flatten()));
        }
        row.push(p.median_duration_s.map(humanize_secs).unwrap_or_default());
        t.row(row);
    }
    doc.table(t);
    doc
}
