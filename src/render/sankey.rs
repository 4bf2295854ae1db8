//! Flow diagrams (Sankey): columns of nodes, bands between consecutive columns as thick as the
//! journeys they carry, the converting part of each band hatched. `flow` and `explore` draw
//! with it (`-f svg`).
//!
//! Readable by construction: every node has a slot at least as tall as its two-line label, so
//! labels never overlap each other or a node; a column's labels sit in the gap before the next
//! column, which is made wide enough for the widest of them; long names are cut (the tooltip has
//! them whole); bands leave a node in the order of their targets and enter in the order of
//! their sources, so bands of one pair of columns cross only where the flows really cross.

use std::fmt::Write as _;

use crate::analysis::graph::NodeKind;
use crate::render::svg::{
    escape, fit, num, text_block_width, text_width, Svg, FONT, MAX_LABEL_CHARS, SMALL,
};
use crate::text::{count, counted};

/// One column of the diagram.
#[derive(Clone, Debug)]
pub struct Column {
    /// Its head: `start`, `step 1`, `+2`, ...
    pub head: String,
    pub nodes: Vec<Node>,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub name: String,
    pub kind: NodeKind,
    /// Journeys at the node.
    pub value: u64,
    /// Converting journeys among them (with a conversion defined).
    pub conversions: Option<u64>,
    /// More for the tooltip (`(other)`: how many values it sums).
    pub detail: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Link {
    /// (column, node) of the source and target; the target is in the next column.
    pub from: (usize, usize),
    pub to: (usize, usize),
    pub value: u64,
    pub conversions: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct Sankey {
    pub title: String,
    pub columns: Vec<Column>,
    pub links: Vec<Link>,
    /// The 100% of the shares in labels.
    pub total: u64,
    /// Lines under the drawing: what it shows, what was folded or cut, how to read it.
    pub caption: Vec<String>,
}

const MARGIN: f64 = 16.0;
const NODE_W: f64 = 12.0;
/// Room between a node and its label, and after the label before the bands.
const PAD: f64 = 6.0;
/// The narrowest gap for the bands between a column's labels and the next column.
const BAND_GAP: f64 = 70.0;
/// Height of a two-line label; every node's slot is at least this tall.
const LABEL_H: f64 = 30.0;
/// Space between the slots of a column.
const SLOT_GAP: f64 = 8.0;
/// The height of the busiest column's nodes together.
const TARGET_H: f64 = 360.0;
const HEAD_Y: f64 = 44.0;
const TOP: f64 = 56.0;
const CAPTION_LINE: f64 = 15.0;

/// A node's place: its box and its label's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    pub x: f64,
    pub y: f64,
    pub h: f64,
    /// The label's box: left, top, width, height.
    pub label: (f64, f64, f64, f64),
}

/// Everything the drawing needs, computed once.
#[derive(Debug)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub scale: f64,
    /// Per column, per node.
    pub nodes: Vec<Vec<Placed>>,
    /// Per link: top of the band at its source and at its target, and its thickness.
    pub bands: Vec<(f64, f64, f64)>,
    pub caption_y: f64,
}

fn colour(kind: NodeKind) -> (&'static str, &'static str) {
    // (fill, stroke): blue values, dark anchors, grey (other) with a dashed edge, near-black
    // (end); the label names every node, so nothing depends on telling colours apart.
    match kind {
        NodeKind::Value => ("#4c78a8", "#2f4b7c"),
        NodeKind::Anchor | NodeKind::Start => ("#2f3e55", "#1b2434"),
        NodeKind::Other => ("#b8b8b8", "#6b6b6b"),
        NodeKind::End => ("#3a3a3a", "#1a1a1a"),
    }
}

fn band_fill(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::End => ("#8c8c8c", "0.30"),
        NodeKind::Other => ("#b8b8b8", "0.35"),
        _ => ("#4c78a8", "0.30"),
    }
}

fn share(x: u64, total: u64) -> String {
    if total == 0 {
        "-".to_string()
    } else {
        format!("{:.1}%", x as f64 * 100.0 / total as f64)
    }
}

impl Sankey {
    /// The two label lines of a node: its name (cut) and its numbers.
    fn label_lines(&self, n: &Node) -> (String, String) {
        let mut numbers = format!("{} · {}", count(n.value), share(n.value, self.total));
        if let Some(c) = n.conversions {
            let _ = write!(numbers, " · {} convert", share(c, n.value));
        }
        (fit(&n.name, MAX_LABEL_CHARS), numbers)
    }

    fn label_width(&self, n: &Node) -> f64 {
        let (a, b) = self.label_lines(n);
        text_width(&a, FONT).max(text_width(&b, SMALL))
    }

    pub fn layout(&self) -> Layout {
        let busiest = self
            .columns
            .iter()
            .map(|c| c.nodes.iter().map(|n| n.value).sum::<u64>())
            .max()
            .unwrap_or(0)
            .max(1);
        let scale = TARGET_H / busiest as f64;
        let mut x = MARGIN;
        let mut nodes = Vec::with_capacity(self.columns.len());
        let mut bottom: f64 = TOP;
        for (ci, col) in self.columns.iter().enumerate() {
            let label_w = col
                .nodes
                .iter()
                .map(|n| self.label_width(n))
                .fold(0.0, f64::max);
            let mut y = TOP;
            let mut placed = Vec::with_capacity(col.nodes.len());
            for n in &col.nodes {
                let h = (n.value as f64 * scale).max(2.0);
                let slot = h.max(LABEL_H);
                let lw = self.label_width(n);
                let label_top = y + (h.min(slot) - LABEL_H).max(0.0) / 2.0;
                placed.push(Placed {
                    x,
                    y,
                    h,
                    label: (x + NODE_W + PAD, label_top, lw, LABEL_H),
                });
                y += slot + SLOT_GAP;
            }
            bottom = bottom.max(y);
            nodes.push(placed);
            let last = ci + 1 == self.columns.len();
            x += NODE_W + PAD + label_w + if last { MARGIN } else { BAND_GAP };
        }
        // Bands: out of each node in the order of their targets, into each node in the order
        // of their sources.
        let mut order: Vec<usize> = (0..self.links.len()).collect();
        order.sort_by(|&a, &b| {
            let (la, lb) = (&self.links[a], &self.links[b]);
            (la.from, la.to).cmp(&(lb.from, lb.to))
        });
        let mut out_used: std::collections::HashMap<(usize, usize), f64> = Default::default();
        let mut bands = vec![(0.0, 0.0, 0.0); self.links.len()];
        for &i in &order {
            let l = &self.links[i];
            let src = nodes[l.from.0][l.from.1];
            let thick = l.value as f64 * scale;
            let used = out_used.entry(l.from).or_default();
            bands[i].0 = src.y + *used;
            bands[i].2 = thick;
            *used += thick;
        }
        order.sort_by(|&a, &b| {
            let (la, lb) = (&self.links[a], &self.links[b]);
            (la.to, la.from).cmp(&(lb.to, lb.from))
        });
        let mut in_used: std::collections::HashMap<(usize, usize), f64> = Default::default();
        for &i in &order {
            let l = &self.links[i];
            let dst = nodes[l.to.0][l.to.1];
            let used = in_used.entry(l.to).or_default();
            bands[i].1 = dst.y + *used;
            *used += bands[i].2;
        }
        let caption_y = bottom + 10.0;
        let height = caption_y + self.caption.len() as f64 * CAPTION_LINE + MARGIN;
        Layout {
            width: x,
            height,
            scale,
            nodes,
            bands,
            caption_y,
        }
    }

    /// The diagram as an SVG document.
    pub fn svg(&self) -> String {
        let lay = self.layout();
        // As wide as the caption's longest line and the title, too.
        let text_w = text_block_width(&self.title, &self.caption, MARGIN);
        let mut s = Svg::new(lay.width.max(text_w), lay.height);
        s.text(MARGIN, 24.0, "title", "start", &self.title);
        for (ci, col) in self.columns.iter().enumerate() {
            if let Some(first) = lay.nodes[ci].first() {
                s.text(first.x, HEAD_Y, "head", "start", &col.head);
            }
        }
        // Bands under the nodes.
        for (i, l) in self.links.iter().enumerate() {
            let (y0, y1, t) = lay.bands[i];
            let src = lay.nodes[l.from.0][l.from.1];
            let dst = lay.nodes[l.to.0][l.to.1];
            let (xa, xb) = (src.x + NODE_W, dst.x);
            let from = &self.columns[l.from.0].nodes[l.from.1];
            let to = &self.columns[l.to.0].nodes[l.to.1];
            let (fill, opacity) = band_fill(to.kind);
            let mut tip = format!(
                "{} → {}: {} ({})",
                from.name,
                to.name,
                counted(l.value, "journey", "journeys"),
                share(l.value, self.total)
            );
            if let Some(c) = l.conversions {
                let _ = write!(tip, ", {} convert", count(c));
            }
            s.raw(&format!(
                "<path class=\"band\" d=\"{}\" fill=\"{fill}\" fill-opacity=\"{opacity}\"><title>{}</title></path>",
                ribbon(xa, xb, y0, y1, t),
                escape(&tip)
            ));
            if let Some(c) = l.conversions.filter(|&c| c > 0) {
                let ct = c as f64 * lay.scale;
                s.raw(&format!(
                    "<path class=\"band-conversions\" d=\"{}\" fill=\"url(#jm-hatch)\" fill-opacity=\"0.55\"><title>{}</title></path>",
                    ribbon(xa, xb, y0, y1, ct),
                    escape(&tip)
                ));
            }
        }
        for (ci, col) in self.columns.iter().enumerate() {
            for (ni, n) in col.nodes.iter().enumerate() {
                let p = lay.nodes[ci][ni];
                let (fill, stroke) = colour(n.kind);
                let dash = if n.kind == NodeKind::Other {
                    " stroke-dasharray=\"3 2\""
                } else {
                    ""
                };
                let mut tip = format!(
                    "{}: {} ({})",
                    n.name,
                    counted(n.value, "journey", "journeys"),
                    share(n.value, self.total)
                );
                if let Some(c) = n.conversions {
                    let _ = write!(tip, ", {} convert ({})", count(c), share(c, n.value));
                }
                if let Some(d) = &n.detail {
                    let _ = write!(tip, "; {d}");
                }
                let (lx, ly, lw, lh) = p.label;
                s.raw(&format!(
                    "<g class=\"node\" data-kind=\"{}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\"{dash}/>",
                    kind_name(n.kind),
                    escape(&tip),
                    num(p.x),
                    num(p.y),
                    num(NODE_W),
                    num(p.h)
                ));
                if let Some(c) = n.conversions.filter(|&c| c > 0 && n.value > 0) {
                    let ch = (p.h * c as f64 / n.value as f64).max(1.0);
                    s.raw(&format!(
                        "<rect class=\"node-conversions\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#jm-hatch)\"/>",
                        num(p.x),
                        num(p.y),
                        num(NODE_W),
                        num(ch)
                    ));
                }
                let (name, numbers) = self.label_lines(n);
                s.raw(&format!(
                    "<g class=\"label\" data-box=\"{} {} {} {}\">",
                    num(lx),
                    num(ly),
                    num(lw),
                    num(lh)
                ));
                s.text(lx, ly + 12.0, "label halo", "start", &name);
                s.text(lx, ly + 26.0, "small halo", "start", &numbers);
                s.raw("</g></g>");
            }
        }
        for (i, line) in self.caption.iter().enumerate() {
            s.text(
                MARGIN,
                lay.caption_y + 11.0 + i as f64 * CAPTION_LINE,
                "small",
                "start",
                line,
            );
        }
        let desc = format!(
            "{}. Columns left to right; each band is as thick as the journeys it carries; the hatched part of a band or node is the journeys that convert.",
            self.title
        );
        s.finish(&self.title, &desc)
    }
}

/// The outline of a band from (xa, y0) to (xb, y1), `t` thick: two cubic curves.
fn ribbon(xa: f64, xb: f64, y0: f64, y1: f64, t: f64) -> String {
    let xm = (xa + xb) / 2.0;
    format!(
        "M{} {}C{} {} {} {} {} {}L{} {}C{} {} {} {} {} {}Z",
        num(xa),
        num(y0),
        num(xm),
        num(y0),
        num(xm),
        num(y1),
        num(xb),
        num(y1),
        num(xb),
        num(y1 + t),
        num(xm),
        num(y1 + t),
        num(xm),
        num(y0 + t),
        num(xa),
        num(y0 + t)
    )
}

fn kind_name(k: NodeKind) -> &'static str {
    match k {
        NodeKind::Value => "value",
        NodeKind::Anchor => "anchor",
        NodeKind::Start => "start",
        NodeKind::Other => "other",
        NodeKind::End => "end",
    }
}

/// Whether two boxes (left, top, width, height) overlap.
pub fn overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, kind: NodeKind, value: u64) -> Node {
        Node {
            name: name.to_string(),
            kind,
            value,
            conversions: Some(value / 10),
            detail: None,
        }
    }

    fn sample() -> Sankey {
        Sankey {
            title: "flow".into(),
            columns: vec![
                Column {
                    head: "start".into(),
                    nodes: vec![node("(start)", NodeKind::Start, 1000)],
                },
                Column {
                    head: "step 1".into(),
                    nodes: vec![
                        node(
                            "a_very_long_touchpoint_name_that_goes_on_and_on_and_on",
                            NodeKind::Value,
                            700,
                        ),
                        node("b", NodeKind::Value, 1),
                        node("c", NodeKind::Value, 1),
                        node("(other)", NodeKind::Other, 298),
                    ],
                },
                Column {
                    head: "step 2".into(),
                    nodes: vec![
                        node("b", NodeKind::Value, 500),
                        node("(end)", NodeKind::End, 500),
                    ],
                },
            ],
            links: vec![
                Link {
                    from: (0, 0),
                    to: (1, 0),
                    value: 700,
                    conversions: Some(70),
                },
                Link {
                    from: (0, 0),
                    to: (1, 1),
                    value: 1,
                    conversions: None,
                },
                Link {
                    from: (0, 0),
                    to: (1, 2),
                    value: 1,
                    conversions: None,
                },
                Link {
                    from: (0, 0),
                    to: (1, 3),
                    value: 298,
                    conversions: None,
                },
                Link {
                    from: (1, 0),
                    to: (2, 0),
                    value: 400,
                    conversions: None,
                },
                Link {
                    from: (1, 0),
                    to: (2, 1),
                    value: 300,
                    conversions: None,
                },
                Link {
                    from: (1, 3),
                    to: (2, 0),
                    value: 100,
                    conversions: None,
                },
                Link {
                    from: (1, 3),
                    to: (2, 1),
                    value: 198,
                    conversions: None,
                },
            ],
            total: 1000,
            caption: vec!["a caption".into()],
        }
    }

    #[test]
    fn nodes_and_labels_never_overlap() {
        let s = sample();
        let lay = s.layout();
        let mut boxes = Vec::new();
        for col in &lay.nodes {
            for p in col {
                boxes.push((p.x, p.y, NODE_W, p.h));
                boxes.push(p.label);
                // The label stays before the next column.
                assert!(p.label.0 + p.label.2 < lay.width);
            }
        }
        for i in 0..boxes.len() {
            for k in i + 1..boxes.len() {
                assert!(
                    !overlap(boxes[i], boxes[k]),
                    "{:?} {:?}",
                    boxes[i],
                    boxes[k]
                );
            }
        }
        // Columns are apart by more than the widest label of the column before.
        for c in 1..lay.nodes.len() {
            let right = lay.nodes[c - 1]
                .iter()
                .map(|p| p.label.0 + p.label.2)
                .fold(0.0, f64::max);
            assert!(lay.nodes[c][0].x >= right + BAND_GAP - 0.01);
        }
    }

    #[test]
    fn bands_fill_their_nodes_in_order() {
        let s = sample();
        let lay = s.layout();
        // Out of (start): a, b, c, (other) in order, touching each other.
        let tops: Vec<f64> = (0..4).map(|i| lay.bands[i].0).collect();
        assert_eq!(tops[0], lay.nodes[0][0].y);
        for i in 1..4 {
            assert!((tops[i] - (tops[i - 1] + lay.bands[i - 1].2)).abs() < 1e-9);
        }
        // Into b at step 2: from a first, then from (other).
        assert_eq!(lay.bands[4].1, lay.nodes[2][0].y);
        assert!((lay.bands[6].1 - (lay.bands[4].1 + lay.bands[4].2)).abs() < 1e-9);
        let svg = s.svg();
        assert!(svg.contains("a_very_long_touchpoint_name_that_go…"));
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    }
}
