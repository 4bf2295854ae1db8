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

/// Writes the edges (rows of the `edges` section, with their ends) as a DOT digraph.
pub fn write(edges: &[DiffRow], title: &str, out: &mut dyn Write) -> Result<()> {
    let mut ids: BTreeMap<&Node, String> = BTreeMap::new();
    let mut next = 0;
    let mut nodes: Vec<&Node> = edges
        .iter()
        .filter_map(|r| r.ends.as_ref())
        .flat_map(|(a, b)| [a, b])
        .collect();
    nodes.sort();
    nodes.dedup();
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
        let (color, label) = match r.change {
            Some(c) if c > 0.0 => (GAIN, format!("{:+.1} pp", c * 100.0)),
            Some(c) if c < 0.0 => (LOSS, format!("{:+.1} pp", c * 100.0)),
            Some(_) => (SAME, "0 pp".to_string()),
            None if r.a.value.is_none() => (GAIN, "only in B".to_string()),
            None => (LOSS, "only in A".to_string()),
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
