//! Graphviz DOT for graph-shaped results: renders without warnings, every label escaped.

use std::io::Write;

use anyhow::Result;

use super::graph_style::{
    comment_lines, edge_text, exit_color, joined, layer_id, layer_lines, max_count, node_lines,
    pen_width, GraphStyle,
};
use crate::analysis::explore::ExploreReport;
use crate::analysis::graph::{GraphReport, NodeKind};

/// Escapes text for a double-quoted DOT string: quotes and backslashes escaped, line breaks
/// as `\n`, `&` as `&amp;` (Graphviz decodes entities in labels), control characters
/// dropped. `<`, `>` and non-ASCII need nothing in a quoted (non-HTML) string; the file is
/// declared UTF-8.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("\\n"),
            '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Opens a drawing in the house style: `digraph journeymap {`, the graph's direction and font
/// (and `more` graph attributes), boxes with rounded corners (filled with `node_fill` unless
/// each node sets its own) and grey edges.
pub fn open_graph(
    out: &mut dyn Write,
    rankdir: &str,
    more: &str,
    node_fill: Option<&str>,
) -> Result<()> {
    writeln!(out, "digraph journeymap {{")?;
    writeln!(
        out,
        "  graph [rankdir={rankdir}, charset=\"UTF-8\", fontname=\"Helvetica\"{more}];"
    )?;
    let fill = node_fill
        .map(|f| format!(", fillcolor=\"{f}\""))
        .unwrap_or_default();
    writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11{fill}];"
    )?;
    writeln!(
        out,
        "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];"
    )?;
    Ok(())
}

pub fn write(g: &GraphReport, name: &str, style: &GraphStyle, out: &mut dyn Write) -> Result<()> {
    for line in comment_lines(g, name, style) {
        writeln!(out, "// {line}")?;
    }
    open_graph(out, style.rankdir.name(), "", None)?;
    // What pruning hid, said inside the picture: a caption under it.
    if let Some(note) = &style.note {
        writeln!(
            out,
            "  label=\"{}\"; labelloc=b; labeljust=l; fontsize=10;",
            escape(note)
        )?;
    }
    for n in &g.nodes {
        let label = joined(&node_lines(n), escape, "\\n");
        let attrs = match n.kind {
            NodeKind::Start | NodeKind::End => "shape=oval, fillcolor=\"#dddddd\"".to_string(),
            _ => format!("fillcolor=\"{}\"", exit_color(n.exit_rate.unwrap_or(0.0))),
        };
        writeln!(out, "  {} [label=\"{label}\", {attrs}];", n.id)?;
    }
    let max = max_count(g);
    for e in &g.edges {
        let (from, to) = (&e.from_id, &e.to_id);
        let label = edge_text(e, style.edge_label)
            .map(|t| format!(", label=\"{}\"", escape(&t)))
            .unwrap_or_default();
        writeln!(
            out,
            "  {from} -> {to} [penwidth={}{label}];",
            pen_width(e.count, max)
        )?;
    }
    for (kind, rank) in [(NodeKind::Start, "source"), (NodeKind::End, "sink")] {
        if let Some(n) = g.nodes.iter().find(|n| n.kind == kind) {
            writeln!(out, "  {{ rank={rank}; {}; }}", n.id)?;
        }
    }
    writeln!(out, "}}")?;
    Ok(())
}

/// An exploration as a left-to-right tree: one rank per position, edges in time order.
pub fn write_explore(r: &ExploreReport, style: &GraphStyle, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "// journeymap explore: {} of {} journeys with {}",
        r.anchored,
        r.journeys,
        escape(&r.anchor)
    )?;
    open_graph(out, style.rankdir.name(), ", nodesep=0.15", Some("#eef3fb"))?;
    for p in &r.positions {
        let mut ids = Vec::new();
        for (rank, n) in p.nodes.iter().enumerate() {
            let id = layer_id(p.position, rank);
            let label = joined(&layer_lines(n), escape, "\\n");
            let attrs = match n.kind {
                NodeKind::Anchor => ", fillcolor=\"#9ecae1\"",
                NodeKind::End | NodeKind::Start => ", shape=oval, fillcolor=\"#dddddd\"",
                NodeKind::Other => ", style=\"rounded,filled,dashed\", fillcolor=\"#f5f5f5\"",
                NodeKind::Value => "",
            };
            writeln!(out, "  {id} [label=\"{label}\"{attrs}];")?;
            ids.push(id);
        }
        // Invisible edges inside the rank keep its nodes in report order (most journeys first).
        let order = if ids.len() > 1 {
            format!(" {} [style=invis];", ids.join(" -> "))
        } else {
            String::new()
        };
        writeln!(out, "  {{ rank=same; {};{order} }}", ids.join("; "))?;
    }
    let max = r.edges.iter().map(|e| e.journeys).max().unwrap_or(1);
    for e in &r.edges {
        writeln!(
            out,
            "  {} -> {} [penwidth={}, label=\"{}\"];",
            layer_id(e.from_position, e.from_rank),
            layer_id(e.to_position, e.to_rank),
            pen_width(e.journeys, max),
            e.journeys
        )?;
    }
    writeln!(out, "}}")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_would_break_out_of_a_string() {
        assert_eq!(escape(r#""]; evil [label="x"#), r#"\"]; evil [label=\"x"#);
        assert_eq!(escape("a\\b\nc"), "a\\\\b\\nc");
        assert_eq!(escape("<ä>"), "<ä>");
        assert_eq!(escape("R&amp;D"), "R&amp;amp;D");
    }
}
