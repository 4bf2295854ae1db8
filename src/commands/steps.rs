//! `journeymap steps`: the step matrix, optionally as the difference of two segments.

use anyhow::Result;
use serde::Serialize;

use super::inspect::options_line;
use super::{prepare_with, Context, DefaultLevel, Meta, Segments};
use crate::analysis::step_matrix::{step_matrix, MatrixRow, StepMatrix};
use crate::cli::{OutputFormat, StepsArgs};
use crate::error::usage;
use crate::render::{self, count, rate6, Doc, Sink};

#[derive(Serialize)]
struct Output<'a> {
    meta: &'a Meta,
    threshold: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    compare: Option<Compare>,
    #[serde(flatten)]
    matrix: &'a StepMatrix,
}

/// What `--compare` compared; the matrix then holds share(a) - share(b).
#[derive(Serialize)]
struct Compare {
    column: String,
    a: String,
    b: String,
    journeys_a: u64,
    journeys_b: u64,
}

pub fn run(args: &StepsArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(&args.output, "steps", &[Table, Csv, Json, Md])?;
    if args.max_steps == 0 {
        return Err(usage("--max-steps must be at least 1"));
    }
    if !(0.0..=1.0).contains(&args.threshold) {
        return Err(usage("--threshold must be between 0 and 1 (0.05 = 5%)"));
    }
    let compare = args
        .compare
        .as_deref()
        .map(|c| Segments::parse("--compare", c))
        .transpose()?;
    let prepared = prepare_with(
        &args.input,
        &args.journey,
        ctx,
        false,
        DefaultLevel::Touchpoint,
        compare.as_ref().map(|s| (s.column.as_str(), "--compare")),
    )?;
    let j = &prepared.journeys;
    let n = args.max_steps;
    let (matrix, compared) = match &compare {
        None => (step_matrix(j, n, args.threshold, &|_| true, None), None),
        Some(segments) => {
            let (col, a, b) = (&segments.column, &segments.a, &segments.b);
            let (in_a, in_b) = segments.members(&prepared, "--compare", ctx);
            let both = step_matrix(j, n, args.threshold, &|i| in_a[i] || in_b[i], None);
            let layout: Vec<String> = both.rows.iter().map(|r| r.value.clone()).collect();
            let ma = step_matrix(j, n, args.threshold, &|i| in_a[i], Some(&layout));
            let mb = step_matrix(j, n, args.threshold, &|i| in_b[i], Some(&layout));
            let rows = ma
                .rows
                .iter()
                .zip(&mb.rows)
                .map(|(ra, rb)| MatrixRow {
                    value: ra.value.clone(),
                    shares: ra
                        .shares
                        .iter()
                        .zip(&rb.shares)
                        .map(|(x, y)| crate::render::json::round6(x - y))
                        .collect(),
                })
                .collect();
            let info = Compare {
                column: col.clone(),
                a: a.clone(),
                b: b.clone(),
                journeys_a: ma.journeys,
                journeys_b: mb.journeys,
            };
            (
                StepMatrix {
                    journeys: ma.journeys + mb.journeys,
                    positions: n,
                    rows,
                },
                Some(info),
            )
        }
    };
    let mut meta = prepared.meta("steps");
    meta.command_options = serde_json::json!({
        "max_steps": n, "threshold": args.threshold, "compare": args.compare,
    });
    let mut sink = Sink::open(args.output.output.as_deref(), &meta.inputs)?;
    let color = ctx.color_stdout(sink.is_terminal());
    let json = Output {
        meta: &meta,
        threshold: args.threshold,
        compare: compared,
        matrix: &matrix,
    };
    let table = |percent_cells: bool| {
        let mut header = vec!["value".to_string()];
        header.extend((1..=n).map(|p| p.to_string()));
        let mut t = render::Table {
            numeric: (0..header.len()).map(|i| i > 0).collect(),
            header,
            rows: Vec::new(),
        };
        for r in &matrix.rows {
            let mut row = vec![r.value.clone()];
            row.extend(r.shares.iter().map(|&x| {
                if percent_cells {
                    format!("{:.1}%", x * 100.0)
                } else {
                    rate6(Some(x))
                }
            }));
            t.row(row);
        }
        t
    };
    let doc = || {
        let mut doc = Doc::default();
        doc.heading("journeymap steps");
        let mut fields = vec![("journeys", count(matrix.journeys))];
        if let Some(c) = &json.compare {
            fields.push((
                "compare",
                format!(
                    "{}={} ({} journeys) minus {}={} ({} journeys): each column sums to 0",
                    c.column,
                    c.a,
                    count(c.journeys_a),
                    c.column,
                    c.b,
                    count(c.journeys_b)
                ),
            ));
        }
        fields.push((
            "threshold",
            format!(
                "{:.1}% (smaller rows summed as (other))",
                args.threshold * 100.0
            ),
        ));
        fields.push(("options", options_line(&meta)));
        doc.fields(fields);
        doc.table(table(true));
        doc
    };
    render::write_report(format, &mut sink, color, &json, || Some(table(false)), doc)?;
    sink.finish()
}
