//! What DOT and Mermaid share: labels, edge widths, the exit-rate colour scale, and the
//! readable default for big graphs.

use crate::analysis::graph::{EdgeRow, GraphReport, NodeKind, NodeRow};
use crate::cli::{EdgeLabel, Rankdir};
use crate::duration::humanize_secs;
use crate::text::{count, counted};

/// How a graph is drawn.
#[derive(Clone, Debug, Default)]
pub struct GraphStyle {
    pub rankdir: Rankdir,
    pub edge_label: EdgeLabel,
    /// A line saying what was left out, written as a comment.
    pub note: Option<String>,
}

/// The comment lines a drawing of the graph starts with: what it shows, and what pruning hid.
pub fn comment_lines(g: &GraphReport, name: &str, style: &GraphStyle) -> Vec<String> {
    let mut lines = vec![format!(
        "journeymap {name}: {} journeys, {} events",
        g.journeys, g.events
    )];
    if let Some(note) = &style.note {
        lines.push(note.replace('\n', " "));
    }
    lines
}

/// Label lines as one label: each line escaped for the format, joined by its line break.
pub fn joined(lines: &[String], escape: fn(&str) -> String, line_break: &str) -> String {
    lines
        .iter()
        .map(|l| escape(l))
        .collect::<Vec<_>>()
        .join(line_break)
}

/// A node's label lines: its name, then reach and exit rate for values.
pub fn node_lines(n: &NodeRow) -> Vec<String> {
    match (n.kind, n.exit_rate) {
        (NodeKind::Start | NodeKind::End, _) => {
            vec![n.name.clone(), format!("{} journeys", count(n.journeys))]
        }
        (_, Some(rate)) => vec![
            n.name.clone(),
            format!("reach {} · exit {:.1}%", count(n.journeys), rate * 100.0),
        ],
        _ => vec![n.name.clone(), format!("reach {}", count(n.journeys))],
    }
}

pub fn edge_text(e: &EdgeRow, label: EdgeLabel) -> Option<String> {
    match label {
        EdgeLabel::Count => Some(count(e.count)),
        EdgeLabel::Share => Some(format!("{:.1}%", e.share * 100.0)),
        EdgeLabel::POut => Some(format!("{:.2}", e.p_out)),
        EdgeLabel::MedianTime => e.time.as_ref().map(|t| humanize_secs(t.median_s)),
        EdgeLabel::None => None,
    }
}

/// Line width from 1 to 6, growing with the square root of the count.
pub fn pen_width(count: u64, max: u64) -> f64 {
    let f = (count as f64 / max.max(1) as f64).sqrt();
    (10.0 * (1.0 + 5.0 * f)).round() / 10.0
}

/// Fill colour for an exit rate: white (0) to red (1), as `#rrggbb`.
pub fn exit_color(rate: f64) -> String {
    let r = rate.clamp(0.0, 1.0);
    let gb = (255.0 - r * 175.0).round() as u8;
    format!("#ff{gb:02x}{gb:02x}")
}

/// The largest edge count (for widths).
pub fn max_count(g: &GraphReport) -> u64 {
    g.edges.iter().map(|e| e.count).max().unwrap_or(1)
}

/// The comment line about hidden parts, if anything was hidden.
pub fn hidden_note(g: &GraphReport) -> Option<String> {
    let h = &g.hidden;
    (h.edges > 0 || h.nodes > 0 || h.folded_values > 0).then(|| {
        let mut s = format!(
            "{} and {} hidden, carrying {} of {} transitions ({:.1}%)",
            counted(h.nodes, "node", "nodes"),
            counted(h.edges, "edge", "edges"),
            h.transitions,
            g.edge_total,
            h.share * 100.0
        );
        if h.folded_values > 0 {
            s.push_str(&format!(
                "; {} folded into (other)",
                counted(h.folded_values, "value", "values")
            ));
        }
        s
    })
}

/// The id of node `rank` at exploration position `position` (`m` for negative positions).
pub fn layer_id(position: i64, rank: usize) -> String {
    let sign = if position < 0 { "m" } else { "" };
    format!("p{sign}{}_{rank}", position.unsigned_abs())
}

/// An exploration node's label lines: its value, then journeys and share.
pub fn layer_lines(n: &crate::analysis::explore::Node) -> Vec<String> {
    let mut first = n.value.clone();
    if let Some(v) = n.values {
        first.push_str(&format!(" ({v} values)"));
    }
    let mut lines = vec![
        first,
        format!(
            "{} · {:.1}%",
            crate::render::count(n.journeys),
            n.share * 100.0
        ),
    ];
    if let (Some(c), Some(rate)) = (n.conversions, n.conversion_rate) {
        lines.push(format!(
            "{} converted ({:.1}%)",
            crate::render::count(c),
            rate * 100.0
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_colours() {
        assert_eq!(pen_width(100, 100), 6.0);
        assert_eq!(pen_width(0, 100), 1.0);
        assert_eq!(pen_width(25, 100), 3.5);
        assert_eq!(exit_color(0.0), "#ffffff");
        assert_eq!(exit_color(1.0), "#ff5050");
    }
}
