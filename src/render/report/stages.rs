//! `journeymap stages` in every format: a row per stage for people, CSV and JSON; the stage
//! flow in CSV (`--flow`) and JSON; stages as left-to-right columns in DOT and Mermaid.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::scores;
use crate::analysis::explore::ExploreReport;
use crate::analysis::graph::NodeKind;
use crate::analysis::stages::{FlowEdge, NameShare, Quantiles, StageRow, StagesReport};
use crate::cli::OutputFormat;
use crate::duration::humanize_secs;
use crate::meta::Meta;
use crate::render::graph_style::pen_width;
use crate::render::{count, dot, mermaid, percent, rate6, Doc, Present, Table};

/// What `stages` writes.
#[derive(Serialize)]
pub struct StagesOutput<'a> {
    pub meta: &'a Meta,
    #[serde(flatten)]
    pub report: &'a StagesReport,
    /// CSV: the flow instead of the stage rows.
    #[serde(skip)]
    pub flow: bool,
    /// The stage walks explored from their start, for the SVG drawing.
    #[serde(skip)]
    pub walks: Option<&'a ExploreReport>,
}

/// Every stage row, then `(unstaged)`.
fn rows(r: &StagesReport) -> impl Iterator<Item = &StageRow> {
    r.stages.iter().chain(std::iter::once(&r.unstaged))
}

fn seconds(q: &Option<Quantiles>, median: bool) -> String {
    q.as_ref()
        .map(|q| {
            let s = if median { q.median_s } else { q.p90_s };
            s.to_string()
        })
        .unwrap_or_default()
}

/// `ad_click 40.0%, blog 40.0%`.
fn listed(names: &[NameShare]) -> String {
    names
        .iter()
        .map(|n| format!("{} {}", n.name, percent(Some(n.share))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `10m 00s / 30m 00s` (median / p90), or `-`.
fn times(q: &Option<Quantiles>) -> String {
    match q {
        Some(q) => format!("{} / {}", humanize_secs(q.median_s), humanize_secs(q.p90_s)),
        None => "-".to_string(),
    }
}

fn opt_count(v: Option<u64>) -> String {
    v.map(count).unwrap_or_else(|| "-".to_string())
}

impl Present for StagesOutput<'_> {
    fn csv(&self) -> Option<Table> {
        let r = self.report;
        if self.flow {
            let mut t = Table::new(&["from", "to", "count", "journeys", "back_step"]);
            for e in &r.flow {
                t.row(vec![
                    e.from.clone(),
                    e.to.clone(),
                    e.count.to_string(),
                    e.journeys.to_string(),
                    e.back_step.to_string(),
                ]);
            }
            return Some(t);
        }
        let mut t = Table::new(
            &[
                "stage",
                "reached",
                "share",
                "continued",
                "lost_here",
                "skipped",
                "came_back",
                "time_in_stage_median_s",
                "time_in_stage_p90_s",
                "time_to_next_stage_median_s",
                "time_to_next_stage_p90_s",
                "events",
                "conversions",
                "conversion_rate",
                "top_touchpoints",
                "top_channels",
            ]
            .into_iter()
            .chain(r.scores.iter().flat_map(|_| scores::CSV_COLUMNS))
            .collect::<Vec<_>>(),
        );
        let n = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_default();
        for s in rows(r) {
            let mut row = vec![
                s.stage.clone(),
                s.reached.to_string(),
                rate6(Some(s.share)),
                n(s.continued),
                n(s.lost_here),
                n(s.skipped),
                n(s.came_back),
                seconds(&s.time_in_stage, true),
                seconds(&s.time_in_stage, false),
                seconds(&s.time_to_next_stage, true),
                seconds(&s.time_to_next_stage, false),
                s.events.to_string(),
                n(s.conversions),
                rate6(s.conversion_rate),
                listed(&s.top_touchpoints),
                s.top_channels.as_deref().map(listed).unwrap_or_default(),
            ];
            if r.scores.is_some() {
                row.extend(scores::csv_cells(s.scores.as_ref()));
            }
            t.row(row);
        }
        Some(t)
    }

    fn document(&self) -> Doc {
        let (r, meta) = (self.report, self.meta);
        let conversion = meta.options.conversion_defined();
        let mut doc = Doc::default();
        doc.heading("journeymap stages");
        let mut fields = vec![
            ("journeys", count(r.journeys)),
            ("events", count(r.events)),
            (
                "stages",
                r.stages
                    .iter()
                    .map(|s| s.stage.as_str())
                    .collect::<Vec<_>>()
                    .join(" > "),
            ),
            (
                "unstaged",
                format!(
                    "{} in no stage; {} no stage",
                    crate::text::counted(r.unstaged_events, "event", "events"),
                    crate::text::counted(
                        r.journeys_without_stage,
                        "journey reaches",
                        "journeys reach"
                    )
                ),
            ),
            ("options", meta.options.summary()),
        ];
        for n in &meta.notes {
            fields.push(("note", n.clone()));
        }
        doc.fields(fields);
        let mut header = vec![
            "stage",
            "reached>",
            "share>",
            "continued>",
            "lost here>",
            "skipped>",
            "came back>",
            "time in stage (median / p90)>",
            "to next stage (median / p90)>",
        ];
        if conversion {
            header.push("conversion rate>");
        }
        let mut t = Table::new(&header);
        for s in rows(r) {
            let mut row = vec![
                s.stage.clone(),
                count(s.reached),
                percent(Some(s.share)),
                opt_count(s.continued),
                opt_count(s.lost_here),
                opt_count(s.skipped),
                opt_count(s.came_back),
                times(&s.time_in_stage),
                times(&s.time_to_next_stage),
            ];
            if conversion {
                row.push(percent(s.conversion_rate));
            }
            t.row(row);
        }
        doc.table(t);
        if let Some(info) = &r.scores {
            doc.heading("Scores by stage (the mean in stage order is the emotion curve)");
            doc.fields(vec![("scores", scores::describe(info))]);
            let mut header = vec!["stage"];
            header.extend(scores::table_header(info, conversion));
            let mut t = Table::new(&header);
            for s in rows(r) {
                let mut row = vec![s.stage.clone()];
                row.extend(scores::table_cells(s.scores.as_ref(), info, conversion));
                t.row(row);
            }
            doc.table(t);
        }
        doc.heading("What happens in each stage (share of the stage's events)");
        let channels = r.unstaged.top_channels.is_some();
        let mut header = vec!["stage", "events>", "top touchpoints"];
        if channels {
            header.push("top channels");
        }
        let mut t = Table::new(&header);
        for s in rows(r) {
            let mut row = vec![s.stage.clone(), count(s.events), listed(&s.top_touchpoints)];
            if let Some(c) = &s.top_channels {
                row.push(listed(c));
            }
            t.row(row);
        }
        doc.table(t);
        doc.heading("Stage flow");
        let mut t = Table::new(&["from", "to", "count>", "journeys>", "back-step"]);
        for e in &r.flow {
            t.row(vec![
                e.from.clone(),
                e.to.clone(),
                count(e.count),
                count(e.journeys),
                if e.back_step { "yes" } else { "" }.to_string(),
            ]);
        }
        doc.table(t);
        doc
    }

    fn draw(&self, format: OutputFormat, out: &mut dyn Write) -> Result<()> {
        match format {
            OutputFormat::Mermaid => draw_mermaid(self.report, out),
            OutputFormat::Svg => {
                let Some(walks) = self.walks else {
                    anyhow::bail!("the stage walks were not computed for the drawing");
                };
                out.write_all(stage_sankey(self.report, walks, self.meta).as_bytes())?;
                Ok(())
            }
            _ => draw_dot(self.report, out),
        }
    }
}

/// The stage walks as a flow diagram: column p is the p-th stage a journey is in, each band
/// as thick as the journeys that go from one stage to the next (docs/metrics.md, Stage flow).
pub fn stage_sankey(r: &StagesReport, walks: &ExploreReport, meta: &Meta) -> String {
    let mut sankey = super::explore::sankey(walks, meta, "stages");
    sankey.title = "journeymap stages: journeys through the stages, visit by visit".to_string();
    for (p, column) in sankey.columns.iter_mut().enumerate().skip(1) {
        column.head = format!("stage {p}");
        for node in &mut column.nodes {
            let row = r.stages.iter().find(|s| s.stage == node.name);
            if let Some(sc) = row.and_then(|s| s.scores.as_ref()) {
                node.detail = Some(match sc.mean {
                    Some(_) => format!(
                        "the stage's mean score {} ({})",
                        crate::render::score(sc.mean),
                        crate::text::counted(sc.responses, "response", "responses")
                    ),
                    None => "no scores in the stage".to_string(),
                });
            }
        }
    }
    let mut first = format!(
        "{} journeys with a staged event; column p is the p-th stage a journey is in (a run of events in one stage is one visit; events in no stage are skipped); (end): no more stages.",
        count(walks.anchored)
    );
    if r.journeys_without_stage > 0 {
        first.push_str(&format!(
            " Left out: {} with no staged event.",
            crate::text::counted(r.journeys_without_stage, "journey", "journeys")
        ));
    }
    let longest = walks.positions.len().saturating_sub(1);
    if walks
        .edges
        .iter()
        .any(|e| e.to_position as usize == longest)
        && walks
            .positions
            .last()
            .is_some_and(|p| p.nodes.iter().any(|n| n.kind != NodeKind::End))
    {
        first.push_str(&format!(
            " Walks longer than {longest} visits are cut after the {longest}th."
        ));
    }
    sankey.caption[0] = first;
    sankey.svg()
}

/// A stage's label lines: its name, the journeys that reach it, its top touchpoints.
fn stage_lines(s: &StageRow) -> Vec<String> {
    let mut lines = vec![
        s.stage.clone(),
        format!("reached {} ({})", count(s.reached), percent(Some(s.share))),
    ];
    if let Some(lost) = s.lost_here {
        lines.push(format!("lost here {}", count(lost)));
    }
    if let Some(sc) = &s.scores {
        lines.push(match sc.mean {
            Some(_) => format!(
                "mean score {} ({})",
                crate::render::score(sc.mean),
                crate::text::counted(sc.responses, "response", "responses")
            ),
            None => "no scores".to_string(),
        });
    }
    for n in &s.top_touchpoints {
        lines.push(format!("{} {}", n.name, percent(Some(n.share))));
    }
    lines
}

/// The flow's edges with the ids of their nodes: `start`, `s0`, `s1`, ..., `end`.
fn edge_ids(r: &StagesReport) -> Vec<(String, String, &FlowEdge)> {
    let end = r.stages.len() + 1;
    let id = |n: usize| match n {
        0 => "start".to_string(),
        n if n == end => "end".to_string(),
        n => format!("s{}", n - 1),
    };
    r.flow
        .iter()
        .map(|e| (id(e.from_node), id(e.to_node), e))
        .collect()
}

fn draw_dot(r: &StagesReport, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "// journeymap stages: {} journeys, {} stages; edges are stage visits, dashed ones go back to an earlier stage",
        r.journeys,
        r.stages.len()
    )?;
    dot::open_graph(out, "LR", ", nodesep=0.3, ranksep=0.6", Some("#eef3fb"))?;
    writeln!(
        out,
        "  start [label=\"(start)\\n{} journeys\", shape=oval, fillcolor=\"#dddddd\"];",
        count(r.journeys - r.journeys_without_stage)
    )?;
    for (i, s) in r.stages.iter().enumerate() {
        let label = stage_lines(s)
            .iter()
            .map(|l| dot::escape(l))
            .collect::<Vec<_>>()
            .join("\\l");
        writeln!(out, "  s{i} [label=\"{label}\\l\"];")?;
    }
    writeln!(
        out,
        "  end [label=\"(end)\", shape=oval, fillcolor=\"#dddddd\"];"
    )?;
    // Columns in stage order: invisible edges of high weight from (start) through the
    // stages to (end).
    let mut chain = vec!["start".to_string()];
    chain.extend((0..r.stages.len()).map(|i| format!("s{i}")));
    chain.push("end".to_string());
    writeln!(out, "  {} [style=invis, weight=100];", chain.join(" -> "))?;
    let max = r.flow.iter().map(|e| e.count).max().unwrap_or(1);
    for (from, to, e) in edge_ids(r) {
        let style = if e.back_step {
            ", style=dashed, constraint=false"
        } else {
            ""
        };
        writeln!(
            out,
            "  {from} -> {to} [penwidth={}, label=\"{}\"{style}];",
            pen_width(e.count, max),
            count(e.count)
        )?;
    }
    writeln!(out, "}}")?;
    Ok(())
}

fn draw_mermaid(r: &StagesReport, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "%% journeymap stages: {} journeys, {} stages; dotted edges go back to an earlier stage",
        r.journeys,
        r.stages.len()
    )?;
    writeln!(out, "flowchart LR")?;
    writeln!(out, "  start([\"(start)\"])")?;
    for (i, s) in r.stages.iter().enumerate() {
        let label = stage_lines(s)
            .iter()
            .map(|l| mermaid::escape(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        writeln!(out, "  s{i}[\"{label}\"]")?;
    }
    writeln!(out, "  end_([\"(end)\"])")?;
    for (from, to, e) in edge_ids(r) {
        let to = if to == "end" { "end_".to_string() } else { to };
        let from = if from == "end" {
            "end_".to_string()
        } else {
            from
        };
        let arrow = if e.back_step { "-.->" } else { "-->" };
        writeln!(out, "  {from} {arrow}|{}| {to}", count(e.count))?;
    }
    Ok(())
}
