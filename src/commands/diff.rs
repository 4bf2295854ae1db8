//! `journeymap diff`: two inputs, two segments (--split) or two periods (--before) side by side.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;

use super::diff_sides::{funnel_texts, sides, Side};
use super::inspect::options_line;
use super::{Context, Meta};
use crate::analysis::diff::{rank, rows_for, DiffRow};
use crate::analysis::funnel::{funnel, Step};
use crate::analysis::measures::{self, Rate};
use crate::cli::{DiffArgs, OutputFormat};
use crate::duration::parse_duration;
use crate::error::usage;
use crate::journey::Journeys;
use crate::render::{self, count, percent, rate6, Doc, Sink};

#[derive(Serialize)]
struct SideInfo {
    label: String,
    journeys: u64,
    events: u64,
}

#[derive(Serialize)]
struct Section {
    rows: Vec<DiffRow>,
    /// Rows left out by --min-change and --top.
    hidden: u64,
}

#[derive(Serialize)]
struct Output<'a> {
    meta: &'a Meta,
    a: SideInfo,
    b: SideInfo,
    min_change: f64,
    paths: Section,
    edges: Section,
    exits: Section,
    #[serde(skip_serializing_if = "Option::is_none")]
    funnel: Option<Section>,
}

pub fn run(args: &DiffArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(&args.output, "diff", &[Table, Csv, Json, Md, Dot])?;
    if !(args.min_change >= 0.0 && args.min_change.is_finite()) {
        return Err(usage(
            "--min-change must be 0 or more (0.01 = 1 percentage point)",
        ));
    }
    let window = args
        .window
        .as_deref()
        .map(|w| parse_duration(w).map_err(|e| usage(format!("--window: {e}"))))
        .transpose()?;
    let funnel_steps = funnel_texts(args)?;
    let (mut meta, a, b, conv) = sides(args, ctx)?;
    meta.command_options = serde_json::json!({
        "split": args.split, "before": args.before, "funnel": funnel_steps,
        "order": args.order, "window": args.window, "min_change": args.min_change, "top": args.top,
    });
    let top = if format == Dot { 0 } else { args.top };
    let section = |mut rows: Vec<DiffRow>| {
        let hidden = rank(&mut rows, args.min_change, top);
        Section { rows, hidden }
    };
    let (pa, pb) = (
        path_shares(&a.journeys, conv),
        path_shares(&b.journeys, conv),
    );
    let paths = rows_for(
        &pa.1,
        &pb.1,
        |_| Rate::absent(pa.0),
        |_| Rate::absent(pb.0),
        |p| p.join(" > "),
        "share",
    );
    let graph_opts = crate::analysis::graph::GraphOptions::default();
    let edge_rates =
        |j: &Journeys| measures::edge_rates(&crate::analysis::graph::graph(j, &graph_opts, conv));
    let edges =
        crate::analysis::diff::edge_rows(&edge_rates(&a.journeys), &edge_rates(&b.journeys));
    let exit_rates =
        |j: &Journeys| measures::exit_rates(&crate::analysis::dropoff::dropoff(j, conv));
    let undefined = |_: &String| Rate::undefined();
    let exits = rows_for(
        &exit_rates(&a.journeys),
        &exit_rates(&b.journeys),
        undefined,
        undefined,
        |t| t.clone(),
        "exit_rate",
    );
    let funnel_rows = funnel_steps
        .as_ref()
        .map(|texts| funnel_rows(texts, args, window, &a.journeys, &b.journeys, ctx))
        .transpose()?;
    let info = |s: &Side| SideInfo {
        label: s.label.clone(),
        journeys: s.journeys.len() as u64,
        events: s.journeys.events() as u64,
    };
    let out = Output {
        meta: &meta,
        a: info(&a),
        b: info(&b),
        min_change: args.min_change,
        paths: section(paths),
        edges: section(edges),
        exits: section(exits),
        funnel: funnel_rows.map(section),
    };
    let mut sink = Sink::open(args.output.output.as_deref(), &meta.inputs)?;
    let color = ctx.color_stdout(sink.is_terminal());
    if format == Dot {
        let edges = out.edges.rows.len();
        if edges > 100 && args.min_change == 0.0 {
            ctx.warn(format_args!(
                "the drawing has {edges} edges; --min-change 0.05 keeps only moves of 5 percentage points or more"
            ));
        }
        let title = format!("{} vs {}", out.a.label, out.b.label);
        render::diff_dot::write(&out.edges.rows, &title, sink.writer())?;
        return sink.finish();
    }
    let sections = sections(&out);
    let csv = || {
        let mut t = render::Table::new(&[
            "section",
            "item",
            "measure",
            "a_value",
            "a_count",
            "a_total",
            "b_value",
            "b_count",
            "b_total",
            "change",
            "relative_change",
            "p_value",
        ]);
        for (name, s) in &sections {
            for r in &s.rows {
                t.row(vec![
                    name.to_string(),
                    r.item.clone(),
                    r.measure.to_string(),
                    rate6(r.a.value),
                    r.a.count.to_string(),
                    r.a.total.to_string(),
                    rate6(r.b.value),
                    r.b.count.to_string(),
                    r.b.total.to_string(),
                    rate6(r.change),
                    rate6(r.relative_change),
                    rate6(r.p_value),
                ]);
            }
        }
        Some(t)
    };
    render::write_report(format, &mut sink, color, &out, csv, || {
        document(&out, &sections)
    })?;
    sink.finish()
}

fn sections<'a>(out: &'a Output) -> Vec<(&'static str, &'a Section)> {
    let mut v = vec![
        ("paths", &out.paths),
        ("edges", &out.edges),
        ("exits", &out.exits),
    ];
    if let Some(f) = &out.funnel {
        v.push(("funnel", f));
    }
    v
}

fn path_shares(j: &Journeys, conv: bool) -> (u64, BTreeMap<Vec<String>, Rate>) {
    let all = crate::analysis::paths::PathOptions {
        min_count: 1,
        ..Default::default()
    };
    measures::path_shares(&crate::analysis::paths::paths(j, &all, conv))
}

/// Per step from 2 on, the rate from the previous step; then the overall rate (last step
/// from the first).
fn funnel_rows(
    texts: &[String],
    args: &DiffArgs,
    window: Option<i64>,
    a: &Journeys,
    b: &Journeys,
    ctx: &Context,
) -> Result<Vec<DiffRow>> {
    let run = |j: &Journeys| -> Result<(crate::analysis::funnel::FunnelReport, Vec<String>)> {
        let mut steps = Vec::new();
        let mut unmatched = Vec::new();
        for t in texts {
            let (s, u) = Step::parse(t, j.names()).map_err(|e| usage(e.to_string()))?;
            steps.push(s);
            unmatched.extend(u);
        }
        Ok((funnel(j, &steps, args.order, window, &[]), unmatched))
    };
    let ((fa, ua), (fb, ub)) = (run(a)?, run(b)?);
    for alt in ua.iter().filter(|u| ub.contains(u)) {
        ctx.warn(format_args!(
            "--funnel step '{alt}' matches nothing in either input"
        ));
    }
    Ok(crate::analysis::diff::funnel_rows(texts, &fa, &fb))
}

fn document(out: &Output, sections: &[(&'static str, &Section)]) -> Doc {
    let mut doc = Doc::default();
    doc.heading("journeymap diff");
    let side = |s: &SideInfo| {
        format!(
            "{} ({} journeys, {} events)",
            s.label,
            count(s.journeys),
            count(s.events)
        )
    };
    doc.fields(vec![
        ("A", side(&out.a)),
        ("B", side(&out.b)),
        (
            "change",
            "B - A in percentage points; p = two-proportion z-test".to_string(),
        ),
        ("options", options_line(out.meta)),
    ]);
    for (name, s) in sections {
        let title = match *name {
            "paths" => "Paths (share of journeys)",
            "edges" => "Edges (p_out)",
            "exits" => "Exits (exit rate)",
            _ => "Funnel (step rates)",
        };
        doc.heading(title);
        let mut t = render::Table::new(&["item", "A>", "B>", "change>", "relative>", "p>"]);
        for r in &s.rows {
            t.row(vec![
                r.item.clone(),
                side_cell(r.a),
                side_cell(r.b),
                r.change
                    .map(|c| format!("{} pp", signed(c * 100.0)))
                    .unwrap_or_else(|| "-".into()),
                r.relative_change
                    .map(|c| format!("{}%", signed(c * 100.0)))
                    .unwrap_or_else(|| "-".into()),
                r.p_value.map(p_text).unwrap_or_else(|| "-".into()),
            ]);
        }
        if t.rows.is_empty() {
            doc.note("no rows (see --min-change)");
        } else {
            doc.table(t);
        }
        if s.hidden > 0 {
            doc.note(format!(
                "... and {} more, hidden by --top or --min-change (--top 0 shows every row that --min-change keeps)",
                count(s.hidden)
            ));
        }
    }
    doc
}

fn side_cell(v: crate::analysis::diff::SideValue) -> String {
    match v.value {
        Some(x) => format!(
            "{} ({}/{})",
            percent(Some(x)),
            count(v.count),
            count(v.total)
        ),
        None => "-".to_string(),
    }
}

/// `+1.5`, `-0.3`, and `0.0` without a sign for no change.
fn signed(x: f64) -> String {
    let text = format!("{x:+.1}");
    match text.as_str() {
        "+0.0" | "-0.0" => "0.0".to_string(),
        _ => text,
    }
}

fn p_text(p: f64) -> String {
    if p < 0.0001 {
        "<0.0001".to_string()
    } else {
        format!("{p:.4}")
    }
}
