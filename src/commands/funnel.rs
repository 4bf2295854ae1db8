//! `journeymap funnel`: how far journeys get through named steps.

use anyhow::Result;
use serde::Serialize;

use super::inspect::options_line;
use super::{prepare_at, Context, DefaultLevel, Meta};
use crate::analysis::funnel::{funnel, histogram, summarize, Bin, FunnelOrder, FunnelReport, Step};
use crate::analysis::inspect::rfc3339;
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
    time_to_convert_histogram: &'a [Bin],
    #[serde(skip_serializing_if = "Option::is_none")]
    breakdown: Option<Breakdown>,
}

/// `--breakdown COL`: the funnel per value of COL (from each journey's first event).
#[derive(Serialize)]
struct Breakdown {
    column: String,
    values: Vec<ValueFunnel>,
}

#[derive(Serialize)]
struct ValueFunnel {
    value: String,
    #[serde(flatten)]
    report: FunnelReport,
}

/// One journey that stopped before step N (`--dropped-at N`).
#[derive(Serialize)]
struct Dropped {
    customer_id: String,
    journey_start: String,
    steps_reached: u32,
}

#[derive(Serialize)]
struct DroppedOutput<'a> {
    meta: &'a Meta,
    dropped_at: usize,
    journeys: &'a [Dropped],
}

pub fn run(args: &FunnelArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(&args.output, "funnel", &[Table, Csv, Json, Md])?;
    // A single name that journeymap.toml defines under [funnels] stands for its steps.
    let cfg = crate::config::ConfigFile::find(args.input.config.as_deref())
        .map_err(|e| usage(e.to_string()))?;
    let named = cfg
        .funnels
        .get(args.steps.trim())
        .filter(|_| !args.steps.contains(','));
    let texts: Vec<&str> = match named {
        Some(steps) => steps
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect(),
        None => args
            .steps
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect(),
    };
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
    let prepared = prepare_at(
        &args.input,
        &args.journey,
        ctx,
        false,
        DefaultLevel::Touchpoint,
        args.breakdown.as_deref(),
    )?;
    let names = prepared.journeys.names();
    let mut steps = Vec::new();
    for text in &texts {
        let (step, unmatched) =
            Step::parse(text, names).map_err(|e| usage(format!("--steps: {e}")))?;
        for alt in unmatched {
            let hint = crate::input::mapping::did_you_mean(&alt, names.names());
            ctx.warn(format_args!(
                "step '{alt}' matches nothing in the input{hint}"
            ));
        }
        steps.push(step);
    }
    if args.bins == 0 {
        return Err(usage("--bins must be at least 1"));
    }
    if let Some(n) = args.dropped_at {
        if n == 0 || n > steps.len() {
            return Err(usage(format!(
                "--dropped-at must be a step number from 1 to {}",
                steps.len()
            )));
        }
    }
    let mut excluded = Vec::new();
    for text in args
        .exclude_step
        .iter()
        .flat_map(|e| e.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let (step, unmatched) =
            Step::parse(text, names).map_err(|e| usage(format!("--exclude-step: {e}")))?;
        for alt in unmatched {
            ctx.warn(format_args!(
                "--exclude-step '{alt}' matches nothing in the input"
            ));
        }
        excluded.resize(step.matches.len(), false);
        for (e, m) in excluded.iter_mut().zip(&step.matches) {
            *e |= *m;
        }
    }
    let report = funnel(&prepared.journeys, &steps, args.order, window, &excluded);
    let mut meta = prepared.meta("funnel");
    meta.command_options = serde_json::json!({
        "steps": texts, "order": args.order, "window": args.window, "exclude_step": args.exclude_step,
    });
    let mut sink = Sink::open(args.output.output.as_deref(), &meta.inputs)?;
    let color = ctx.color_stdout(sink.is_terminal());
    if let Some(n) = args.dropped_at {
        let list = dropped(&prepared.journeys, &report, n);
        let json = DroppedOutput {
            meta: &meta,
            dropped_at: n,
            journeys: &list,
        };
        let table = || {
            let mut t = render::Table::new(&["customer_id", "journey_start", "steps_reached>"]);
            for d in &list {
                t.row(vec![
                    d.customer_id.clone(),
                    d.journey_start.clone(),
                    d.steps_reached.to_string(),
                ]);
            }
            t
        };
        let doc = || {
            let mut doc = Doc::default();
            let dropped = crate::text::counted(list.len() as u64, "journey", "journeys");
            doc.heading(format!("journeymap funnel: {dropped} dropped at step {n}"));
            doc.table(table());
            doc
        };
        render::write_report(format, &mut sink, color, &json, || Some(table()), doc)?;
        return sink.finish();
    }
    let bins = histogram(&report.times_to_convert, args.bins);
    let by_value = args
        .breakdown
        .as_ref()
        .map(|col| breakdown(&prepared, &steps, &report, col, args.top_values));
    let json = Output {
        meta: &meta,
        order: args.order,
        window_s: window.map(|w| w as f64 / 1e9),
        report: &report,
        time_to_convert_histogram: &bins,
        breakdown: by_value,
    };
    let groups: Vec<(&str, &FunnelReport)> = std::iter::once(("(all)", &report))
        .chain(
            json.breakdown
                .iter()
                .flat_map(|b| b.values.iter().map(|v| (v.value.as_str(), &v.report))),
        )
        .collect();
    let with_values = args.breakdown.is_some();
    let csv = || {
        let mut cols = vec![
            "step",
            "name",
            "reached",
            "drop_off",
            "rate_from_first",
            "rate_from_previous",
            "share_of_journeys",
        ];
        if with_values {
            cols.insert(0, "value");
        }
        let mut t = render::Table::new(&cols);
        for (value, r) in groups
            .iter()
            .take(if with_values { groups.len() } else { 1 })
        {
            for (i, s) in r.steps.iter().enumerate() {
                let mut row = vec![
                    (i + 1).to_string(),
                    s.step.clone(),
                    s.reached.to_string(),
                    s.drop_off.to_string(),
                    rate6(s.rate_from_first),
                    rate6(s.rate_from_previous),
                    rate6(s.share_of_journeys),
                ];
                if with_values {
                    row.insert(0, value.to_string());
                }
                t.row(row);
            }
        }
        Some(t)
    };
    render::write_report(format, &mut sink, color, &json, csv, || {
        document(&report, &bins, &meta, &groups)
    })?;
    sink.finish()
}

/// The journeys that reached step n-1 but not step n, by customer id (byte order), then start.
fn dropped(j: &crate::journey::Journeys, r: &FunnelReport, n: usize) -> Vec<Dropped> {
    let mut out: Vec<Dropped> = (0..j.len())
        .filter(|&i| r.depth[i] as usize == n - 1)
        .map(|i| Dropped {
            customer_id: j.customers.name(j.customer[i]).to_string(),
            journey_start: rfc3339(j.time[j.range(i).start]),
            steps_reached: r.depth[i],
        })
        .collect();
    out.sort_by(|a, b| {
        a.customer_id
            .as_bytes()
            .cmp(b.customer_id.as_bytes())
            .then_with(|| a.journey_start.cmp(&b.journey_start))
    });
    out
}

/// Splits the journeys by the breakdown column's value at their first event; the values with
/// the most journeys (then by name) come first, the rest go to "(other)".
fn breakdown(
    p: &super::Prepared,
    steps: &[Step],
    overall: &FunnelReport,
    column: &str,
    top: usize,
) -> Breakdown {
    let group = p.first_event_attribute();
    let mut counts: std::collections::BTreeMap<u32, u64> = std::collections::BTreeMap::new();
    for &g in &group {
        *counts.entry(g).or_default() += 1;
    }
    let label = |g: u32| p.attribute_label(g);
    let mut order: Vec<(u32, u64)> = counts.into_iter().collect();
    order.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| label(a.0).as_bytes().cmp(label(b.0).as_bytes()))
    });
    let shown: Vec<u32> = order.iter().take(top.max(1)).map(|(g, _)| *g).collect();
    let mut values: Vec<ValueFunnel> = shown
        .iter()
        .map(|&g| ValueFunnel {
            value: label(g),
            report: summarize(steps, &overall.depth, &overall.convert, |i| group[i] == g),
        })
        .collect();
    if order.len() > shown.len() {
        values.push(ValueFunnel {
            value: "(other)".to_string(),
            report: summarize(steps, &overall.depth, &overall.convert, |i| {
                !shown.contains(&group[i])
            }),
        });
    }
    Breakdown {
        column: column.to_string(),
        values,
    }
}

fn document(r: &FunnelReport, bins: &[Bin], meta: &Meta, groups: &[(&str, &FunnelReport)]) -> Doc {
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
    if groups.len() > 1 {
        doc.heading("Breakdown (reached, and the rate from the first step)");
        let mut header: Vec<String> = vec!["step".into()];
        header.extend(
            groups
                .iter()
                .map(|(v, g)| format!("{v} ({})", count(g.journeys))),
        );
        let mut t = render::Table {
            numeric: (0..header.len()).map(|i| i > 0).collect(),
            header,
            rows: Vec::new(),
        };
        for (i, s) in r.steps.iter().enumerate() {
            let mut row = vec![s.step.clone()];
            for (_, g) in groups {
                let cell = &g.steps[i];
                row.push(format!(
                    "{} ({})",
                    count(cell.reached),
                    percent(cell.rate_from_first)
                ));
            }
            t.row(row);
        }
        doc.table(t);
    }
    if !bins.is_empty() {
        doc.heading("Time to convert");
        let most = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1);
        let mut h = render::Table::new(&["from", "to", "journeys>", ""]);
        for b in bins {
            let bar = "█".repeat(((b.count as f64 / most as f64) * 30.0).round() as usize);
            h.row(vec![
                humanize_secs(b.from_s),
                humanize_secs(b.to_s),
                count(b.count),
                bar,
            ]);
        }
        doc.table(h);
    }
    doc
}
