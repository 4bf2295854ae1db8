//! Graphviz DOT for `diff`: the union of both sides' graphs, each edge coloured by the change
//! of its p_out (green gain, red loss, grey none) and as wide as the larger of its two counts.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;

use super::dot::escape;
use super::graph_style::pen_width;
use crate::analysis::diff::DiffRow;
use crate::analysis::graph::NodeKind;
use crate::analysis::measures::Node;

pub const GAIN: &str = "#1a9850";
pub const LOSS: &str = "#d73027";
pub const SAME: &str = "#999999";

/// Which way an edge's p_out moved from A to B.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Moved {
    Gain,
    Loss,
    Same,
}

/// How an edge's p_out moved, and its label: the change in percentage points, or on which
/// side alone it occurs.
fn moved(r: &DiffRow) -> (Moved, String) {
    match r.change {
        Some(c) if c > 0.0 => (Moved::Gain, format!("{:+.1} pp", c * 100.0)),
        Some(c) if c < 0.0 => (Moved::Loss, format!("{:+.1} pp", c * 100.0)),
        Some(_) => (Moved::Same, "0 pp".to_string()),
        None if r.a.value.is_none() => (Moved::Gain, "only in B".to_string()),
        None => (Moved::Loss, "only in A".to_string()),
    }
}

/// The nodes the edges join, each once, in node order.
fn ends(edges: &[DiffRow]) -> Vec<&Node> {
    let mut nodes: Vec<&Node> = edges
        .iter()
        .filter_map(|r| r.ends.as_ref())
        .flat_map(|(a, b)| [a, b])
        .collect();
    nodes.sort();
    nodes.dedup();
    nodes
}

/// Writes the edges (rows of the `edges` section, with their ends) as a DOT digraph.
pub fn write(edges: &[DiffRow], title: &str, out: &mut dyn Write) -> Result<()> {
    let mut ids: BTreeMap<&Node, String> = BTreeMap::new();
    let mut next = 0;
    let nodes = ends(edges);
    for n in &nodes {
        let id = match n.kind {
            NodeKind::Start => "n_start".to_string(),
            NodeKind::End => "n_end".to_string(),
            _ => {
                next += 1;
                format!("n{next}")
            }
        };
        ids.insert(n, id);
    }
    writeln!(out, "// journeymap diff: {}", title.replace('\n', " "))?;
    writeln!(
        out,
        "// edges: green = p_out gained from A to B, red = lost, grey = unchanged; width = the larger count"
    )?;
    writeln!(out, "digraph journeymap_diff {{")?;
    writeln!(
        out,
        "  graph [rankdir=LR, charset=\"UTF-8\", fontname=\"Helvetica\"];"
    )?;
    writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f4f4\", fontname=\"Helvetica\", fontsize=11];"
    )?;
    writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9];")?;
    for n in &nodes {
        let shape = if n.kind.is_terminal() {
            ", shape=oval, fillcolor=\"#dddddd\""
        } else {
            ""
        };
        writeln!(out, "  {} [label=\"{}\"{shape}];", ids[n], escape(&n.name))?;
    }
    let max = edges.iter().map(|r| r.larger_count).max().unwrap_or(1);
    for r in edges {
        let Some((a, b)) = &r.ends else { continue };
        let (way, label) = moved(r);
        let color = match way {
            Moved::Gain => GAIN,
            Moved::Loss => LOSS,
            Moved::Same => SAME,
        };
        writeln!(
            out,
            "  {} -> {} [color=\"{color}\", fontcolor=\"{color}\", penwidth={}, label=\"{}\"];",
            ids[a],
            ids[b],
            pen_width(r.larger_count, max),
            escape(&label)
        )?;
    }
    for (kind, rank) in [(NodeKind::Start, "source"), (NodeKind::End, "sink")] {
        if nodes.iter().any(|n| n.kind == kind) {
            writeln!(out, "  {{ rank={rank}; n_{}; }}", kind.name())?;
        }
    }
    writeln!(out, "}}")?;
    Ok(())
}

/// Gain and loss in the SVG, told apart in greyscale and by colour-blind readers: blue and
/// orange of different lightness, and the label's sign.
const SVG_GAIN: &str = "#2166ac";
const SVG_LOSS: &str = "#b35806";
const SVG_SAME: &str = "#8c8c8c";

/// The edges as SVG, with the transition graph's layout: each edge as wide as the larger of
/// its two counts, blue where its p_out grew from A to B, orange where it fell, grey where it
/// stayed, labelled with the change in percentage points.
pub fn svg(edges: &[DiffRow], title: &str, caption: &[String]) -> String {
    use crate::analysis::graph::{EdgeRow, GraphReport, Hidden, NodeRow};
    use crate::render::graph_svg::{draw_with, Drawing, EdgeLook};
    let mut nodes = ends(edges);
    // (start) first and (end) last, as the layout wants them.
    nodes.sort_by_key(|n| match n.kind {
        NodeKind::Start => 0,
        NodeKind::End => 2,
        _ => 1,
    });
    let id = |n: &Node| -> String {
        match nodes.iter().position(|m| *m == n) {
            Some(i) => format!("n{i}"),
            None => String::new(),
        }
    };
    let mut rows = Vec::new();
    let mut looks = Vec::new();
    for r in edges {
        let Some((a, b)) = &r.ends else { continue };
        let (way, label) = moved(r);
        let colour = match way {
            Moved::Gain => SVG_GAIN,
            Moved::Loss => SVG_LOSS,
            Moved::Same => SVG_SAME,
        };
        let side = |v: &crate::analysis::diff::SideValue| match v.value {
            Some(x) => format!("{:.1}% ({} of {})", x * 100.0, v.count, v.total),
            None => "-".to_string(),
        };
        let mut tip = format!("{}: p_out A {} → B {}", r.item, side(&r.a), side(&r.b));
        if let Some(p) = r.p_value {
            tip.push_str(&format!(", p = {p:.4}"));
        }
        looks.push(EdgeLook { colour, label, tip });
        rows.push(EdgeRow {
            from: a.name.clone(),
            to: b.name.clone(),
            from_id: id(a),
            to_id: id(b),
            count: r.larger_count,
            journeys: 0,
            p_out: 0.0,
            share: 0.0,
            time: None,
        });
    }
    let lines = nodes
        .iter()
        .map(|n| (n.name.clone(), String::new()))
        .collect();
    let g = GraphReport {
        journeys: 0,
        events: 0,
        edge_total: rows.iter().map(|r| r.count).sum(),
        nodes: nodes
            .iter()
            .map(|n| NodeRow {
                id: id(n),
                name: n.name.clone(),
                kind: n.kind,
                events: 0,
                journeys: 0,
                exits: None,
                exit_rate: None,
            })
            .collect(),
        edges: rows,
        hidden: Hidden::default(),
    };
    let mut caption = caption.to_vec();
    if g.nodes.is_empty() {
        caption.insert(
            0,
            "No step to draw: no step moved, or a side has no journeys.".to_string(),
        );
    }
    draw_with(
        &g,
        title,
        crate::cli::EdgeLabel::Count,
        &caption,
        &Drawing {
            fixed_order: false,
            lines: Some(lines),
            shade: Some(
                "Blue: the step's p_out grew from A to B; orange: it fell; grey: unchanged; width: the larger count.".into(),
            ),
            edges: Some(looks),
        },
    )
}
