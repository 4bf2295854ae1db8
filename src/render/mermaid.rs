//! Mermaid `flowchart` for graph-shaped results, as GitHub and GitLab render it.

use std::io::Write;

use anyhow::Result;

use super::graph_style::{
    comment_lines, edge_text, exit_color, joined, layer_id, layer_lines, max_count, node_lines,
    pen_width, GraphStyle,
};
use crate::analysis::explore::ExploreReport;
use crate::analysis::graph::{GraphReport, NodeKind};

/// Escapes text for a double-quoted Mermaid label: quotes, angle brackets, `#`, `&`, `%%` and
/// the characters Mermaid treats as markup become entity codes; line breaks become spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        // `%%` starts a comment or a `%%{init: ...}%%` directive wherever it appears; a single
        // `%` (a percentage) is plain text.
        let doubled = |j: Option<usize>| j.and_then(|j| chars.get(j)) == Some(&'%');
        if c == '%' && (doubled(i.checked_sub(1)) || doubled(Some(i + 1))) {
            out.push_str("#37;");
            continue;
        }
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

pub fn write(g: &GraphReport, name: &str, style: &GraphStyle, out: &mut dyn Write) -> Result<()> {
    let dir = style.rankdir.name();
    for line in comment_lines(g, name, style) {
        writeln!(out, "%% {line}")?;
    }
    writeln!(out, "flowchart {dir}")?;
    // What pruning hid, said inside the picture: a caption node of its own.
    if let Some(note) = &style.note {
        writeln!(out, "  caption[\"{}\"]", escape(note))?;
        writeln!(
            out,
            "  style caption fill:#ffffff,stroke:#ffffff,color:#444444"
        )?;
    }
    for n in &g.nodes {
        let label = joined(&node_lines(n), escape, "<br/>");
        match n.kind {
            NodeKind::Start | NodeKind::End => writeln!(out, "  {}([\"{label}\"])", n.id)?,
            _ => writeln!(out, "  {}[\"{label}\"]", n.id)?,
        }
    }
    let max = max_count(g);
    let mut link_styles = Vec::new();
    for (index, e) in g.edges.iter().enumerate() {
        let (from, to) = (&e.from_id, &e.to_id);
        match edge_text(e, style.edge_label) {
            Some(t) => writeln!(out, "  {from} -->|\"{}\"| {to}", escape(&t))?,
            None => writeln!(out, "  {from} --> {to}")?,
        }
        link_styles.push(format!(
            "  linkStyle {index} stroke-width:{}px",
            pen_width(e.count, max)
        ));
    }
    for n in &g.nodes {
        match n.kind {
            NodeKind::Start | NodeKind::End => writeln!(out, "  style {} fill:#dddddd", n.id)?,
            _ => writeln!(
                out,
                "  style {} fill:{}",
                n.id,
                exit_color(n.exit_rate.unwrap_or(0.0))
            )?,
        }
    }
    for l in link_styles {
        writeln!(out, "{l}")?;
    }
    Ok(())
}

/// An exploration as a left-to-right flowchart, one column per position.
pub fn write_explore(r: &ExploreReport, style: &GraphStyle, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "%% journeymap explore: {} of {} journeys with {}",
        r.anchored,
        r.journeys,
        escape(&r.anchor)
    )?;
    writeln!(out, "flowchart {}", style.rankdir.name())?;
    let mut styles = Vec::new();
    for p in &r.positions {
        for (rank, n) in p.nodes.iter().enumerate() {
            let id = layer_id(p.position, rank);
            let label = joined(&layer_lines(n), escape, "<br/>");
            match n.kind {
                NodeKind::End | NodeKind::Start => writeln!(out, "  {id}([\"{label}\"])")?,
                _ => writeln!(out, "  {id}[\"{label}\"]")?,
            }
            let fill = match n.kind {
                NodeKind::Anchor => "#9ecae1",
                NodeKind::End | NodeKind::Start => "#dddddd",
                NodeKind::Other => "#f5f5f5",
                NodeKind::Value => "#eef3fb",
            };
            styles.push(format!("  style {id} fill:{fill}"));
        }
    }
    let max = r.edges.iter().map(|e| e.journeys).max().unwrap_or(1);
    let mut link_styles = Vec::new();
    for (index, e) in r.edges.iter().enumerate() {
        writeln!(
            out,
            "  {} -->|\"{}\"| {}",
            layer_id(e.from_position, e.from_rank),
            e.journeys,
            layer_id(e.to_position, e.to_rank)
        )?;
        link_styles.push(format!(
            "  linkStyle {index} stroke-width:{}px",
            pen_width(e.journeys, max)
        ));
    }
    for l in styles.into_iter().chain(link_styles) {
        writeln!(out, "{l}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#""]; evil [label="x"#),
            "#quot;]; evil [label=#quot;x"
        );
        assert_eq!(escape("a<b>#c|d"), "a#lt;b#gt;#35;c#124;d");
        // A directive or comment cannot start inside a label; a percentage stays as it is.
        assert_eq!(
            escape("%%{init: {'theme':'dark'}}%%"),
            "#37;#37;{init: {'theme':'dark'}}#37;#37;"
        );
        assert_eq!(escape("exit 25.0%"), "exit 25.0%");
    }
}
