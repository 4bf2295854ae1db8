//! `journeymap transitions`: movement between channels, as a matrix or a graph.

use anyhow::Result;
use serde::Serialize;

use super::graph::{compute, graph_options, write as write_graph};
use super::inspect::options_line;
use super::{prepare_at, Context, DefaultLevel, Meta};
use crate::analysis::graph::GraphReport;
use crate::cli::{Normalize, OutputFormat, TransitionsArgs};
use crate::render::{self, count, rate6, Doc, Sink, Table};

#[derive(Serialize)]
struct Output<'a> {
    meta: &'a Meta,
    level: crate::journey::Level,
    transitions: Vec<Long<'a>>,
}

/// The long form: one row per (from, to) pair.
#[derive(Serialize)]
struct Long<'a> {
    from: &'a str,
    to: &'a str,
    count: u64,
    p_out: f64,
    journeys: u64,
}

pub fn run(args: &TransitionsArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(
        &args.output,
        "transitions",
        &[Table, Csv, Json, Md, Dot, Mermaid],
    )?;
    let opts = graph_options(&args.view, args.no_self)?;
    let prepared = prepare_at(
        &args.input,
        &args.journey,
        ctx,
        false,
        DefaultLevel::ChannelIfAny,
        None,
    )?;
    let (report, mut meta) = compute(&prepared, &opts, format, "transitions");
    if let serde_json::Value::Object(m) = &mut meta.command_options {
        m.insert(
            "normalize".into(),
            serde_json::json!(args.normalize.map(|_| "row")),
        );
    }
    if matches!(format, Dot | Mermaid) {
        return write_graph(
            &report,
            meta,
            format,
            &args.view,
            &args.output,
            ctx,
            "transitions",
        );
    }
    let level = prepared.journeys.level;
    let mut sink = Sink::open(args.output.output.as_deref(), &meta.inputs)?;
    let color = ctx.color_stdout(sink.is_terminal());
    let json = Output {
        meta: &meta,
        level,
        transitions: long(&report),
    };
    let csv = || {
        let mut t = render::Table::new(&["from", "to", "count", "p_out", "journeys"]);
        for l in long(&report) {
            t.row(vec![
                l.from.into(),
                l.to.into(),
                l.count.to_string(),
                rate6(Some(l.p_out)),
                l.journeys.to_string(),
            ]);
        }
        Some(t)
    };
    render::write_report(format, &mut sink, color, &json, csv, || {
        document(&report, &meta, args.normalize)
    })?;
    sink.finish()
}

fn long(g: &GraphReport) -> Vec<Long<'_>> {
    g.edges
        .iter()
        .map(|e| Long {
            from: &e.from,
            to: &e.to,
            count: e.count,
            p_out: e.p_out,
            journeys: e.journeys,
        })
        .collect()
}

/// The matrix: from in rows ((start) first), to in columns ((end) last), in node order.
fn document(g: &GraphReport, meta: &Meta, normalize: Option<Normalize>) -> Doc {
    let mut doc = Doc::default();
    doc.heading("journeymap transitions");
    let mut fields = vec![
        ("journeys", count(g.journeys)),
        ("events", count(g.events)),
        (
            "cells",
            if normalize.is_some() {
                "p_out: share of the row's transitions".to_string()
            } else {
                "transition counts".to_string()
            },
        ),
        ("options", options_line(meta)),
    ];
    for n in &meta.notes {
        fields.push(("note", n.clone()));
    }
    doc.fields(fields);
    // Rows and columns by node id (a touchpoint may itself be called "(end)").
    let from: Vec<&crate::analysis::graph::NodeRow> =
        g.nodes.iter().filter(|n| n.kind != "end").collect();
    let to: Vec<&crate::analysis::graph::NodeRow> =
        g.nodes.iter().filter(|n| n.kind != "start").collect();
    let cells: std::collections::HashMap<(&str, &str), &crate::analysis::graph::EdgeRow> = g
        .edges
        .iter()
        .map(|e| ((e.from_id.as_str(), e.to_id.as_str()), e))
        .collect();
    let mut header = vec!["from \\ to".to_string()];
    header.extend(to.iter().map(|n| n.name.clone()));
    let mut t = Table {
        numeric: (0..header.len()).map(|i| i > 0).collect(),
        header,
        rows: Vec::new(),
    };
    for f in &from {
        let mut row = vec![f.name.clone()];
        for c in &to {
            let cell = cells
                .get(&(f.id.as_str(), c.id.as_str()))
                .map(|e| match normalize {
                    Some(Normalize::Row) => format!("{:.3}", e.p_out),
                    None => count(e.count),
                });
            row.push(cell.unwrap_or_else(|| "·".into()));
        }
        t.row(row);
    }
    doc.table(t);
    doc
}
