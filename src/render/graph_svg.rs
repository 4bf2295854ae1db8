//! The transition graph as SVG, laid out by journeymap itself (a layered layout, as Graphviz's
//! dot does it): cycles broken by a greedy feedback arc set (the weakest edges go back),
//! layers by longest path from `(start)` with `(end)` last, long edges through dummy points,
//! the order within layers by barycenters (sweeps down and up), then positions pulled toward
//! the neighbours without ever overlapping.
//!
//! Readable by construction: nodes in a layer are stacked with gaps, so boxes never overlap;
//! each edge label sits on its edge (at a point of the curve) with a white halo, at the first
//! of several points along the edge where it overlaps no node and no other label; an edge
//! whose label finds no such place keeps its number in its tooltip, and the caption says how
//! many. Edges going back (to an earlier layer) are dashed arcs under the layers.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::analysis::graph::{GraphReport, NodeKind};
use crate::cli::EdgeLabel;
use crate::render::graph_style::{edge_text, node_lines, pen_width};
use crate::render::sankey::overlap;
use crate::render::svg::{
    escape, fit, num, text_block_width, text_width, Svg, FONT, MAX_LABEL_CHARS, SMALL,
};

const MARGIN: f64 = 16.0;
const TOP: f64 = 44.0;
const NODE_H: f64 = 36.0;
const NODE_GAP: f64 = 26.0;
const LAYER_GAP: f64 = 80.0;
const PAD_X: f64 = 8.0;
const LABEL_H: f64 = 14.0;
const CAPTION_LINE: f64 = 15.0;

/// A placed box: left, top, width, height.
type Rect = (f64, f64, f64, f64);

struct Laid {
    /// Per node: its box.
    boxes: Vec<Rect>,
    /// Per edge: the points of its curve (source side to target side), and whether it goes back.
    routes: Vec<(Vec<(f64, f64)>, bool)>,
    width: f64,
    height: f64,
}

/// A greedy linear order with few edges going backward (Eades, Lin and Smyth), with weights:
/// `(start)` first, `(end)` last.
fn linear_order(n: usize, edges: &[(usize, usize, u64)], start: usize, end: usize) -> Vec<usize> {
    // Per node, its edges to other nodes: (the other node, weight, whether it goes out).
    let mut adj: Vec<Vec<(usize, u64, bool)>> = vec![Vec::new(); n];
    let mut out_w = vec![0u64; n];
    let mut in_w = vec![0u64; n];
    for &(a, b, w) in edges {
        if a != b {
            out_w[a] += w;
            in_w[b] += w;
            adj[a].push((b, w, true));
            adj[b].push((a, w, false));
        }
    }
    let mut alive = vec![true; n];
    // Takes `v` out of the graph: its neighbours lose the weight of their edges with it.
    fn remove(
        v: usize,
        adj: &[Vec<(usize, u64, bool)>],
        alive: &mut [bool],
        w_out: &mut [u64],
        w_in: &mut [u64],
    ) {
        alive[v] = false;
        for &(u, w, out) in &adj[v] {
            if out {
                w_in[u] = w_in[u].saturating_sub(w);
            } else {
                w_out[u] = w_out[u].saturating_sub(w);
            }
        }
    }
    remove(start, &adj, &mut alive, &mut out_w, &mut in_w);
    remove(end, &adj, &mut alive, &mut out_w, &mut in_w);
    let (mut left, mut right) = (vec![start], Vec::new());
    while alive.iter().any(|a| *a) {
        // Sinks to the right, sources to the left, while there are any; then the node with
        // the most weight out over weight in (ties: the lowest index) to the left.
        let pick = (0..n)
            .find(|&v| alive[v] && out_w[v] == 0)
            .map(|v| (v, false))
            .or_else(|| {
                (0..n)
                    .find(|&v| alive[v] && in_w[v] == 0)
                    .map(|v| (v, true))
            })
            .or_else(|| {
                (0..n)
                    .filter(|&v| alive[v])
                    .max_by_key(|&v| (out_w[v] as i128 - in_w[v] as i128, std::cmp::Reverse(v)))
                    .map(|v| (v, true))
            });
        let Some((v, to_left)) = pick else { break };
        if to_left {
            left.push(v);
        } else {
            right.push(v);
        }
        remove(v, &adj, &mut alive, &mut out_w, &mut in_w);
    }
    right.reverse();
    left.extend(right);
    left.push(end);
    left
}

fn layout(
    widths: &[f64],
    edges: &[(usize, usize, u64)],
    start: usize,
    end: usize,
    fixed: bool,
) -> Laid {
    let n = widths.len();
    // A fixed order (the stages' own) is the nodes' order; else one with few edges back.
    let order = if fixed {
        (0..n).collect()
    } else {
        linear_order(n, edges, start, end)
    };
    let mut rank = vec![0usize; n];
    for (i, &v) in order.iter().enumerate() {
        rank[v] = i;
    }
    let forward = |a: usize, b: usize| rank[a] < rank[b];
    // Longest-path layers over the forward edges, in the linear order.
    let mut layer = vec![0usize; n];
    for &v in &order {
        for &(a, b, _) in edges {
            if b == v && a != b && forward(a, b) {
                layer[v] = layer[v].max(layer[a] + 1);
            }
        }
    }
    let last = layer
        .iter()
        .enumerate()
        .filter(|(v, _)| *v != end)
        .map(|(_, l)| *l)
        .max()
        .unwrap_or(0);
    layer[end] = last + 1;
    layer[start] = 0;
    let layers = layer[end] + 1;
    // Dummy points for forward edges spanning more layers: (edge, layer) -> slot id.
    let mut slots: Vec<Vec<usize>> = vec![Vec::new(); layers];
    let mut slot_node: Vec<Option<usize>> = Vec::new();
    let mut slot_width: Vec<f64> = Vec::new();
    let mut slot_of_node = vec![0usize; n];
    for &v in &order {
        slot_of_node[v] = slot_node.len();
        slots[layer[v]].push(slot_node.len());
        slot_node.push(Some(v));
        slot_width.push(widths[v]);
    }
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    for &(a, b, _) in edges {
        let mut chain = vec![slot_of_node[a]];
        if a != b && forward(a, b) {
            for list in &mut slots[layer[a] + 1..layer[b]] {
                let s = slot_node.len();
                slot_node.push(None);
                slot_width.push(0.0);
                list.push(s);
                chain.push(s);
            }
        }
        chain.push(slot_of_node[b]);
        chains.push(chain);
    }
    // Neighbours between consecutive layers (forward chains only).
    let total = slot_node.len();
    let mut up: Vec<Vec<(usize, u64)>> = vec![Vec::new(); total];
    let mut down: Vec<Vec<(usize, u64)>> = vec![Vec::new(); total];
    for (i, &(a, b, w)) in edges.iter().enumerate() {
        if a == b || !forward(a, b) {
            continue;
        }
        for pair in chains[i].windows(2) {
            down[pair[0]].push((pair[1], w));
            up[pair[1]].push((pair[0], w));
        }
    }
    // Order within layers: barycenters, sweeping down and up.
    let mut pos = vec![0.0f64; total];
    for l in &slots {
        for (i, &s) in l.iter().enumerate() {
            pos[s] = i as f64;
        }
    }
    for sweep in 0..8 {
        // Down: each layer by the layer before; up: by the layer after.
        type Sweep<'a> = (Vec<usize>, &'a Vec<Vec<(usize, u64)>>);
        let (range, nbrs): Sweep = if sweep % 2 == 0 {
            ((1..layers).collect(), &up)
        } else {
            ((0..layers.saturating_sub(1)).rev().collect(), &down)
        };
        for l in range {
            let mut keyed: Vec<(f64, usize)> = slots[l]
                .iter()
                .map(|&s| {
                    let (sum, w) = nbrs[s].iter().fold((0.0, 0.0), |(sum, tw), &(t, w)| {
                        (sum + pos[t] * w as f64, tw + w as f64)
                    });
                    (if w > 0.0 { sum / w } else { pos[s] }, s)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            slots[l] = keyed.into_iter().map(|(_, s)| s).collect();
            for (i, &s) in slots[l].iter().enumerate() {
                pos[s] = i as f64;
            }
        }
    }
    // Vertical positions: stacked, then pulled toward the neighbours' centres without
    // crossing the order or the gaps.
    let height_of = |s: usize| if slot_node[s].is_some() { NODE_H } else { 2.0 };
    let mut y = vec![0.0f64; total];
    for l in &slots {
        let mut at = TOP;
        for &s in l {
            y[s] = at;
            at += height_of(s) + NODE_GAP;
        }
    }
    for round in 0..12 {
        let nbrs = if round % 2 == 0 { &up } else { &down };
        for l in &slots {
            let want: Vec<f64> = l
                .iter()
                .map(|&s| {
                    let (sum, w) = nbrs[s].iter().fold((0.0, 0.0), |(sum, tw), &(t, w)| {
                        (sum + (y[t] + height_of(t) / 2.0) * w as f64, tw + w as f64)
                    });
                    if w > 0.0 {
                        sum / w - height_of(s) / 2.0
                    } else {
                        y[s]
                    }
                })
                .collect();
            // Place in order at the wanted place or just under the one before.
            let mut floor = TOP;
            for (i, &s) in l.iter().enumerate() {
                let target = (y[s] + want[i]) / 2.0;
                y[s] = target.max(floor);
                floor = y[s] + height_of(s) + NODE_GAP;
            }
        }
    }
    // The top row at TOP.
    // (end) has no edges here (exits are drawn beside their nodes): it does not count.
    let end_slot = slot_of_node[end];
    let min_y = (0..total)
        .filter(|&s| s != end_slot)
        .map(|s| y[s])
        .fold(f64::INFINITY, f64::min);
    let min_y = if min_y.is_finite() { min_y } else { TOP };
    for v in y.iter_mut() {
        *v += TOP - min_y;
    }
    // Horizontal positions: layer columns as wide as their widest node.
    let mut x_of_layer = Vec::with_capacity(layers);
    let mut x = MARGIN;
    let mut layer_w = vec![0.0f64; layers];
    for (l, list) in slots.iter().enumerate() {
        layer_w[l] = list.iter().map(|&s| slot_width[s]).fold(0.0, f64::max);
    }
    for w in &layer_w {
        x_of_layer.push(x);
        x += w + LAYER_GAP;
    }
    let width = x - LAYER_GAP + MARGIN;
    let mut boxes = vec![(0.0, 0.0, 0.0, 0.0); n];
    for v in 0..n {
        let s = slot_of_node[v];
        let l = layer[v];
        // Centred in its column.
        let bx = x_of_layer[l] + (layer_w[l] - widths[v]) / 2.0;
        boxes[v] = (bx, y[s], widths[v], NODE_H);
    }
    let bottom = (0..total)
        .filter(|&s| s != end_slot)
        .map(|s| y[s] + height_of(s))
        .fold(TOP, f64::max);
    // Routes: forward edges through their dummy points; back edges as arcs under the layers.
    let mut back = 0usize;
    let mut routes = Vec::with_capacity(edges.len());
    for (i, &(a, b, _)) in edges.iter().enumerate() {
        let (ba, bb) = (boxes[a], boxes[b]);
        if a == b {
            routes.push((
                vec![(ba.0 + ba.2 * 0.3, ba.1), (ba.0 + ba.2 * 0.7, ba.1)],
                false,
            ));
            continue;
        }
        if forward(a, b) {
            let mut pts = vec![(ba.0 + ba.2, ba.1 + ba.3 / 2.0)];
            for &s in &chains[i][1..chains[i].len() - 1] {
                let l = (0..layers).find(|&l| slots[l].contains(&s)).unwrap_or(0);
                pts.push((x_of_layer[l] + layer_w[l] / 2.0, y[s] + 1.0));
            }
            pts.push((bb.0, bb.1 + bb.3 / 2.0));
            routes.push((pts, false));
        } else {
            // Out of the source's left side into the gap before its column, down to a lane
            // under every node, along it to the gap after the target's column, up, and into
            // the target's right side: vertical runs stay in the gaps, never across a node.
            back += 1;
            let lane = bottom + 12.0 + (back % 6) as f64 * 8.0;
            let (la, lb) = (layer[a], layer[b]);
            let step = 4.0 * (back % 8) as f64;
            let gap_before = x_of_layer[la] - LAYER_GAP / 2.0 + step - 14.0;
            let gap_after = x_of_layer[lb] + layer_w[lb] + LAYER_GAP / 2.0 - step + 14.0;
            let (ya, yb) = (ba.1 + ba.3 / 2.0 + 6.0, bb.1 + bb.3 / 2.0 + 6.0);
            routes.push((
                vec![
                    (ba.0, ya),
                    (gap_before, ya),
                    (gap_before, lane),
                    (gap_after, lane),
                    (gap_after, yb),
                    (bb.0 + bb.2, yb),
                ],
                true,
            ));
        }
    }
    let height = bottom + 12.0 + 6.0 * 8.0 + 12.0;
    // The right edge: the last box drawn and room for its exit arrow and label.
    let width = (0..n)
        .filter(|&v| v != end)
        .map(|v| boxes[v].0 + boxes[v].2)
        .fold(width.min(MARGIN), f64::max)
        + 90.0;
    Laid {
        boxes,
        routes,
        width,
        height,
    }
}

/// A smooth path through `pts` (cubic curves with horizontal tangents at the ends).
fn path(pts: &[(f64, f64)], back: bool) -> String {
    let mut d = format!("M{} {}", num(pts[0].0), num(pts[0].1));
    if back {
        // Straight runs with rounded corners.
        let r = 6.0;
        for i in 1..pts.len() {
            let (p, q) = (pts[i - 1], pts[i]);
            if i + 1 < pts.len() {
                let n = pts[i + 1];
                let toward = |a: (f64, f64), b: (f64, f64), d: f64| {
                    let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt().max(1e-9);
                    let d = d.min(len / 2.0);
                    (b.0 - (b.0 - a.0) * d / len, b.1 - (b.1 - a.1) * d / len)
                };
                let before = toward(p, q, r);
                let after = toward(n, q, r);
                let _ = write!(
                    d,
                    "L{} {}Q{} {} {} {}",
                    num(before.0),
                    num(before.1),
                    num(q.0),
                    num(q.1),
                    num(after.0),
                    num(after.1)
                );
            } else {
                let _ = write!(d, "L{} {}", num(q.0), num(q.1));
            }
        }
        return d;
    }
    for w in pts.windows(2) {
        let (p, q) = (w[0], w[1]);
        let mx = (p.0 + q.0) / 2.0;
        let _ = write!(
            d,
            "C{} {} {} {} {} {}",
            num(mx),
            num(p.1),
            num(mx),
            num(q.1),
            num(q.0),
            num(q.1)
        );
    }
    d
}

/// A point of the curve at `t` (0..1) along its segments.
fn point_at(pts: &[(f64, f64)], back: bool, t: f64) -> (f64, f64) {
    if back {
        // Along the lane under the nodes.
        let (b, c) = (pts[2], pts[3]);
        return (b.0 + (c.0 - b.0) * t, b.1);
    }
    let segs = pts.len() - 1;
    let f = t * segs as f64;
    let i = (f.floor() as usize).min(segs - 1);
    let u = f - i as f64;
    let (p, q) = (pts[i], pts[i + 1]);
    // The cubic with control points (mx, p.1) and (mx, q.1).
    let mx = (p.0 + q.0) / 2.0;
    let b = |a: f64, c1: f64, c2: f64, d: f64| {
        let v = 1.0 - u;
        v * v * v * a + 3.0 * v * v * u * c1 + 3.0 * v * u * u * c2 + u * u * u * d
    };
    (b(p.0, mx, mx, q.0), b(p.1, p.1, q.1, q.1))
}

/// The graph as an SVG document; `caption` lines go under it.
pub fn draw(g: &GraphReport, title: &str, label: EdgeLabel, caption: &[String]) -> String {
    draw_with(g, title, label, caption, &Drawing::default())
}

/// How [`draw_with`] departs from the transition graph's drawing.
#[derive(Default)]
pub struct Drawing {
    /// The nodes' order is the column order (`(start)` first, `(end)` last), as for stages.
    pub fixed_order: bool,
    /// Each node's two label lines, instead of its name and reach and exit rate.
    pub lines: Option<Vec<(String, String)>>,
    /// What a box's fill shade stands for, in the caption's first line.
    pub shade: Option<String>,
    /// Per edge (as in the report): its colour, label and tooltip, instead of grey, the
    /// `--edge-label` number and the counts (`diff`).
    pub edges: Option<Vec<EdgeLook>>,
}

/// How one edge looks in [`Drawing::edges`].
#[derive(Clone, Debug)]
pub struct EdgeLook {
    pub colour: &'static str,
    pub label: String,
    pub tip: String,
}

/// The graph as an SVG document, drawn as `how` says.
/// A drawing with nothing in it (every node filtered away, an empty side of a diff): the
/// title and the caption, which says why.
fn empty(title: &str, caption: &[String]) -> String {
    let mut s = Svg::new(
        text_block_width(title, caption, MARGIN),
        TOP + CAPTION_LINE * caption.len() as f64,
    );
    s.text(MARGIN, 24.0, "title", "start", title);
    for (i, line) in caption.iter().enumerate() {
        s.text(
            MARGIN,
            TOP + 4.0 + CAPTION_LINE * i as f64,
            "small",
            "start",
            line,
        );
    }
    s.finish(title, caption.first().map_or("", String::as_str))
}

pub fn draw_with(
    g: &GraphReport,
    title: &str,
    label: EdgeLabel,
    caption: &[String],
    how: &Drawing,
) -> String {
    if g.nodes.is_empty() {
        return empty(title, caption);
    }
    let index: HashMap<&str, usize> = g
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let lines: Vec<(String, String)> = match &how.lines {
        Some(l) => l
            .iter()
            .map(|(a, b)| (fit(a, MAX_LABEL_CHARS), b.clone()))
            .collect(),
        None => g
            .nodes
            .iter()
            .map(|n| {
                let l = node_lines(n);
                (
                    fit(&l[0], MAX_LABEL_CHARS),
                    l.get(1).cloned().unwrap_or_default(),
                )
            })
            .collect(),
    };
    let widths: Vec<f64> = lines
        .iter()
        .map(|(a, b)| text_width(a, FONT).max(text_width(b, SMALL)) + 2.0 * PAD_X)
        .collect();
    let start = g
        .nodes
        .iter()
        .position(|n| n.kind == NodeKind::Start)
        .unwrap_or(0);
    let end = g
        .nodes
        .iter()
        .position(|n| n.kind == NodeKind::End)
        .unwrap_or(g.nodes.len().saturating_sub(1));
    // Exits (edges into (end)) are short stubs beside their node, not edges across the whole
    // picture to one (end) box: per edge, its index among the laid-out edges, or None.
    let mut edges: Vec<(usize, usize, u64)> = Vec::new();
    let mut route_of: Vec<Option<usize>> = Vec::new();
    for e in &g.edges {
        match (index.get(e.from_id.as_str()), index.get(e.to_id.as_str())) {
            (Some(&a), Some(&b)) if b != end => {
                route_of.push(Some(edges.len()));
                edges.push((a, b, e.count));
            }
            _ => route_of.push(None),
        }
    }
    let laid = layout(&widths, &edges, start, end, how.fixed_order);
    let mut edge_svg = String::new();
    let max = g.edges.iter().map(|e| e.count).max().unwrap_or(1);
    // Labels may not overlap any node or another label.
    let mut taken: Vec<Rect> = laid.boxes.clone();
    let mut unplaced = 0;
    let mut label_svg = String::new();
    let mut exit_svg = String::new();
    for (i, e) in g.edges.iter().enumerate() {
        let Some((pts, back)) = route_of[i].and_then(|r| laid.routes.get(r)) else {
            // An exit: a short arrow out of the node's right side to a dot.
            let Some(&a) = index.get(e.from_id.as_str()) else {
                continue;
            };
            let (x, y, w, h) = laid.boxes[a];
            let (x0, y0) = (x + w, y + h / 2.0 + 9.0);
            let x1 = x0 + 26.0;
            let look = how.edges.as_ref().and_then(|l| l.get(i));
            let tip = match look {
                Some(l) => l.tip.clone(),
                None => format!(
                    "{} → (end): {} journeys end here",
                    e.from,
                    crate::text::count(e.count)
                ),
            };
            let colour = look.map_or("#555555", |l| l.colour);
            let _ = writeln!(
                exit_svg,
                "<g class=\"exit\"><title>{}</title><path d=\"M{} {}L{} {}\" stroke=\"{colour}\" stroke-width=\"{}\"/><circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{colour}\"/></g>",
                escape(&tip),
                num(x0),
                num(y0),
                num(x1),
                num(y0),
                num(pen_width(e.count, max).min(4.0)),
                num(x1 + 2.0),
                num(y0)
            );
            let text = match look {
                Some(l) => Some(l.label.clone()),
                None => edge_text(e, label),
            };
            if let Some(text) = text {
                let w = text_width(&text, SMALL) + 4.0;
                let b = (x1 + 7.0, y0 - LABEL_H / 2.0, w, LABEL_H);
                if !taken.iter().any(|t| overlap(*t, b)) {
                    taken.push(b);
                    let _ = writeln!(
                        label_svg,
                        "<g class=\"label\" data-box=\"{} {} {} {}\"><title>{}</title><text x=\"{}\" y=\"{}\" class=\"small\" text-anchor=\"start\">{}</text></g>",
                        num(b.0),
                        num(b.1),
                        num(b.2),
                        num(b.3),
                        escape(&tip),
                        num(b.0 + 2.0),
                        num(b.1 + 11.0),
                        escape(&text)
                    );
                } else {
                    unplaced += 1;
                }
            }
            continue;
        };
        let look = how.edges.as_ref().and_then(|l| l.get(i));
        let mut tip = format!(
            "{} → {}: {} ({} journeys), p_out {:.2}",
            e.from,
            e.to,
            crate::text::count(e.count),
            crate::text::count(e.journeys),
            e.p_out
        );
        if let Some(l) = look {
            tip = l.tip.clone();
        }
        if let (Some(t), None) = (&e.time, look) {
            let _ = write!(
                tip,
                ", median {}",
                crate::duration::humanize_secs(t.median_s)
            );
        }
        let self_loop = e.from_id == e.to_id;
        let d = if self_loop {
            let (a, b) = (pts[0], pts[1]);
            format!(
                "M{} {}C{} {} {} {} {} {}",
                num(a.0),
                num(a.1),
                num(a.0 - 6.0),
                num(a.1 - 26.0),
                num(b.0 + 6.0),
                num(b.1 - 26.0),
                num(b.0),
                num(b.1)
            )
        } else {
            path(pts, *back)
        };
        let dash = if *back {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let colour = look.map_or("#555555", |l| l.colour);
        let _ = writeln!(
            edge_svg,
            "<path class=\"edge\" d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-opacity=\"0.75\" stroke-width=\"{}\"{dash} marker-end=\"url(#jm-arrow)\"><title>{}</title></path>",
            num(pen_width(e.count, max)),
            escape(&tip)
        );
        let text = match look {
            Some(l) => Some(l.label.clone()),
            None => edge_text(e, label),
        };
        let Some(text) = text else {
            continue;
        };
        let w = text_width(&text, SMALL) + 4.0;
        let candidates: Vec<(f64, f64)> = if self_loop {
            vec![((pts[0].0 + pts[1].0) / 2.0, pts[0].1 - 24.0)]
        } else {
            [0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9]
                .iter()
                .map(|&t| point_at(pts, *back, t))
                .collect()
        };
        let place = candidates
            .into_iter()
            .map(|(x, y)| (x - w / 2.0, y - LABEL_H / 2.0, w, LABEL_H))
            .find(|b| b.0 >= 0.0 && !taken.iter().any(|t| overlap(*t, *b)));
        match place {
            Some(b) => {
                taken.push(b);
                let _ = writeln!(
                    label_svg,
                    "<g class=\"label\" data-box=\"{} {} {} {}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.85\"/><text x=\"{}\" y=\"{}\" class=\"small\" text-anchor=\"middle\">{}</text></g>",
                    num(b.0),
                    num(b.1),
                    num(b.2),
                    num(b.3),
                    escape(&tip),
                    num(b.0),
                    num(b.1),
                    num(b.2),
                    num(b.3),
                    num(b.0 + b.2 / 2.0),
                    num(b.1 + 11.0),
                    escape(&text)
                );
            }
            None => unplaced += 1,
        }
    }
    let ended = g.nodes.get(end).map_or(0, |n| n.journeys);
    let mut lines_out: Vec<String> = vec![format!(
        "An arrow to a dot beside a box: the journeys that end there{}. Dashed arrows go back to an earlier column. {}Hover for the numbers.",
        if ended > 0 {
            format!(" ({} journeys end in all)", crate::text::count(ended))
        } else {
            String::new()
        },
        how.shade.as_deref().map(|s| format!("{s} ")).unwrap_or_default()
    )];
    lines_out.extend(caption.iter().cloned());
    if unplaced > 0 {
        lines_out.push(format!(
            "{unplaced} edge labels did not fit beside their edges without covering a node or another label: their numbers are in the tooltips."
        ));
    }
    let height = laid.height + lines_out.len() as f64 * CAPTION_LINE + MARGIN;
    // As wide as the caption's longest line and the title, too.
    let text_w = text_block_width(title, &lines_out, MARGIN);
    let mut s = Svg::new(laid.width.max(text_w).max(400.0), height);
    s.text(MARGIN, 24.0, "title", "start", title);
    s.raw(&edge_svg);
    s.raw(&exit_svg);
    for (i, n) in g.nodes.iter().enumerate() {
        if i == end {
            continue;
        }
        let (x, y, w, h) = laid.boxes[i];
        let (fill, stroke) = match n.kind {
            NodeKind::Start | NodeKind::End => ("#e3e3e3", "#555555"),
            NodeKind::Other => ("#f2f2f2", "#777777"),
            // Exit rate from white to a darker red-brown; the label carries the number.
            _ => ("", "#5a3d3d"),
        };
        let fill = if fill.is_empty() {
            let f = n.exit_rate.unwrap_or(0.0).clamp(0.0, 1.0);
            format!("hsl(8,55%,{:.0}%)", 97.0 - 40.0 * f)
        } else {
            fill.to_string()
        };
        let radius = if matches!(n.kind, NodeKind::Start | NodeKind::End) {
            18.0
        } else {
            5.0
        };
        let dash = if n.kind == NodeKind::Other {
            " stroke-dasharray=\"3 2\""
        } else {
            ""
        };
        let (name, numbers) = &lines[i];
        let mut tip = format!("{}: {}", n.name, numbers);
        if let Some(ex) = n.exits {
            let _ = write!(tip, ", {} exits", crate::text::count(ex));
        }
        s.raw(&format!(
            "<g class=\"node\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\"{dash}/>",
            escape(&tip),
            num(x),
            num(y),
            num(w),
            num(h),
            num(radius)
        ));
        s.raw(&format!(
            "<g class=\"label\" data-box=\"{} {} {} {}\">",
            num(x),
            num(y),
            num(w),
            num(h)
        ));
        if numbers.is_empty() {
            s.text(x + w / 2.0, y + 22.0, "label", "middle", name);
        } else {
            s.text(x + w / 2.0, y + 15.0, "label", "middle", name);
            s.text(x + w / 2.0, y + 29.0, "small", "middle", numbers);
        }
        s.raw("</g></g>");
    }
    s.raw(&label_svg);
    for (i, line) in lines_out.iter().enumerate() {
        s.text(
            MARGIN,
            laid.height + 4.0 + i as f64 * CAPTION_LINE,
            "small",
            "start",
            line,
        );
    }
    let svg = s.finish(
        title,
        "The transition graph: boxes are touchpoints (darker: a higher exit rate), arrows the steps between them, thicker for more; dashed arrows go back to an earlier column.",
    );
    // The arrowhead, in the document's <defs>.
    svg.replacen(
        "</defs>",
        "<marker id=\"jm-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"#555555\"/></marker></defs>",
        1,
    )
}
