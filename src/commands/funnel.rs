//! `journeymap funnel`: how far journeys get through named steps.

use anyhow::Result;
use serde::Serialize;

use super::inspect::options_line;
use super::{prepare, Context, Meta};
use crate::analysis::funnel::{funnel, FunnelOrder, FunnelReport, Step};
use crate::cli::{FunnelArgs, OutputFormat};
use crate::duration::{humanize_secs, parse_duration};
use crate::error::usage;
use crate::render::{self, count, percent, rate6, Doc, Sink};

#[derive(Serialize)]
struct Output<'a> {
    meta: &'a Meta,
    order: FunnelOrder,
    window_s: Option<f64>,
    #[serde(flatten)]
    report: &'a FunnelReport,
}

pub fn run(args: &FunnelArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(&args.output, "funnel", &[Table, Csv, Json, Md])?;
    let texts: Vec<&str> = args
        .steps
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if texts.is_empty() {
        return Err(usage(
            "--steps needs at least one step, like --steps home,product_view,purchase",
        ));
    }
    let window = args
        .window
        .as_deref()
        .map(|w| parse_duration(w).map_err(|e| usage(format!("--window: {e}"))))
        .transpose()?;
    let prepared = prepare(&args.input, &args.journey, ctx, false)?;
    let names = prepared.journeys.names();
    let mut steps = Vec::new();
    for text in &texts {
        let (step, unmatched) = Step::parse(text, names).map_err(|e| usage(e.to_string()))?;
        for alt in unmatched {
            let hint = crate::input::mapping::closest(&alt, names.names())
                .map(|b| format!("; did you mean '{b}'?"))
                .unwrap_or_default();
            ctx.warn(format_args!(
                "step '{alt}' matches nothing in the input{hint}"
            ));
        }
        steps.push(step);
    }
    let report = funnel(&prepared.journeys, &steps, args.order, window);
    let mut meta = prepared.meta("funnel");
    meta.command_options = serde_json::json!({
        "steps": texts, "order": args.order, "window": args.window,
    });
    let mut sink = Sink::open(args.output.output.as_deref(), &meta.inputs)?;
    let color = ctx.color_stdout(sink.is_terminal());
    let json = Output {
        meta: &meta,
        order: args.order,
        window_s: window.map(|w| w as f64 / 1e9),
        report: &report,
    };
    let csv = || {
        let mut t = render::Table::new(&[
            "step",
            "name",
            "reached",
            "drop_off",
            "rate_from_first",
            "rate_from_previous",
            "share_of_journeys",
        ]);
        for (i, s) in report.steps.iter().enumerate() {
            t.row(vec![
                (i + 1).to_string(),
                s.step.clone(),
                s.reached.to_string(),
                s.drop_off.to_string(),
                rate6(s.rate_from_first),
                rate6(s.rate_from_previous),
                rate6(s.share_of_journeys),
            ]);
        }
        Some(t)
    };
    render::write_report(format, &mut sink, color, &json, csv, || {
        document(&report, &meta)
    })?;
    sink.finish()
}

fn document(r: &FunnelReport, meta: &Meta) -> Doc {
    let mut doc = Doc::default();
    doc.heading("journeymap funnel");
    let opts = &meta.command_options;
    let t = &r.time_to_convert;
    let time = match (t.median_s, t.p90_s, t.max_s) {
        (Some(m), Some(p), Some(x)) => format!(
            "{} journeys: median {}, p90 {}, max {}",
            count(t.count),
            humanize_secs(m),
            humanize_secs(p),
            humanize_secs(x)
        ),
        _ => "no journey reached the last step".to_string(),
    };
    doc.fields(vec![
        ("journeys", count(r.journeys)),
        (
            "order",
            opts["order"].as_str().unwrap_or("ordered").to_string(),
        ),
        (
            "window",
            opts["window"].as_str().unwrap_or("none").to_string(),
        ),
        ("time to convert", time),
        ("options", options_line(meta)),
    ]);
    let mut table = render::Table::new(&[
        "#>",
        "step",
        "reached>",
        "drop-off>",
        "from first>",
        "from previous>",
        "of journeys>",
    ]);
    for (i, s) in r.steps.iter().enumerate() {
        table.row(vec![
            (i + 1).to_string(),
            s.step.clone(),
            count(s.reached),
            count(s.drop_off),
            percent(s.rate_from_first),
            percent(s.rate_from_previous),
            percent(s.share_of_journeys),
        ]);
    }
    doc.table(table);
    doc
}
