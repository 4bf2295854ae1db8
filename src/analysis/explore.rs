//! Path exploration: what journeys do after the first occurrence of a touchpoint (forward) or
//! before its last occurrence (backward), position by position, as a layered graph.
//!
//! Position 0 is the anchor. At each position p (1..=depth) a journey is at the value p events
//! after (before) its anchor, or at `(end)` (`(start)` backward) when it has no such event; a
//! journey is counted at `(end)` once, at the first position it does not reach, and not after.
//! So the nodes of position p sum to the journeys still going at position p - 1. The
//! `per_step` most frequent values of a position are kept; the others are summed into
//! `(other)`. Edges join consecutive positions and count journeys.

use serde::Serialize;

use crate::analysis::funnel::Step;
use crate::journey::Journeys;
use crate::render::json::round6;

pub const END: &str = "(end)";
pub const START: &str = "(start)";
pub const OTHER: &str = "(other)";

/// Which way from the anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the first occurrence of the anchor on (`--from`).
    Forward,
    /// Up to the last occurrence of the anchor (`--to`).
    Backward,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExploreReport {
    pub direction: Direction,
    pub anchor: String,
    /// All journeys.
    pub journeys: u64,
    /// Journeys that contain the anchor (the 100% of every share).
    pub anchored: u64,
    pub depth: usize,
    pub per_step: usize,
    /// Position 0 (the anchor), then 1, 2, ... away from it (written +1, +2 forward and -1,
    /// -2 backward). Positions that no journey reaches are left out.
    pub positions: Vec<Position>,
    /// Journeys moving between consecutive positions, in time order (backward edges run from
    /// position -2 to -1 to 0); by position, then by the rank of the nodes.
    pub edges: Vec<Edge>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Position {
    /// Signed distance from the anchor: 0, 1, 2 forward; 0, -1, -2 backward.
    pub position: i64,
    /// Journeys at this position (the sum of its nodes).
    pub journeys: u64,
    /// Values by journeys (then name), then `(other)`, then `(end)`/`(start)`.
    pub nodes: Vec<Node>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Node {
    pub value: String,
    /// `anchor`, `value`, `other`, `end` or `start`.
    pub kind: &'static str,
    pub journeys: u64,
    /// journeys / anchored journeys.
    pub share: f64,
    /// Converting journeys among them (with a conversion defined).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversions: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversion_rate: Option<f64>,
    /// For `(other)`: how many distinct values it sums.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<u64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Edge {
    pub from_position: i64,
    pub from: String,
    pub to_position: i64,
    pub to: String,
    pub journeys: u64,
    /// The ranks of the two nodes within their positions (a value may be named like `(end)`).
    #[serde(skip)]
    pub from_rank: usize,
    #[serde(skip)]
    pub to_rank: usize,
}

/// What to explore.
#[derive(Clone, Debug)]
pub struct ExploreOptions {
    pub direction: Direction,
    pub depth: usize,
    pub per_step: usize,
    /// Report conversions per node.
    pub conversions: bool,
}

/// Where the anchor is in `path`: its first match forward, its last match backward.
fn anchor_index(path: &[u32], anchor: &Step, direction: Direction) -> Option<usize> {
    let hit = |v: &u32| anchor.matches.get(*v as usize).copied().unwrap_or(false);
    match direction {
        Direction::Forward => path.iter().position(hit),
        Direction::Backward => path.iter().rposition(hit),
    }
}

/// The value `p` steps from the anchor at `a`, or `None` past the journey's edge.
fn value_at(path: &[u32], a: usize, p: usize, direction: Direction) -> Option<u32> {
    match direction {
        Direction::Forward => path.get(a + p).copied(),
        Direction::Backward => a.checked_sub(p).and_then(|i| path.get(i).copied()),
    }
}

pub fn explore(j: &Journeys, anchor: &Step, opts: &ExploreOptions) -> ExploreReport {
    let names = j.names();
    let k = names.len();
    // Label ids per position: 0..k values, k = (end)/(start), k + 1 = (other), k + 2 = anchor.
    let (edge_id, other_id, anchor_id) = (k, k + 1, k + 2);
    // No journey reaches past its own length, so that bounds the arrays, not --depth.
    let longest = (0..j.len()).map(|i| j.range(i).len()).max().unwrap_or(0);
    let depth = opts.depth.min(longest);
    let dir = opts.direction;
    let mut counts = vec![vec![0u64; k + 1]; depth + 1];
    let mut convs = vec![vec![0u64; k + 1]; depth + 1];
    let mut anchors: Vec<(usize, usize)> = Vec::new();
    for journey in 0..j.len() {
        let path = j.journey(journey);
        let Some(a) = anchor_index(path, anchor, dir) else {
            continue;
        };
        anchors.push((journey, a));
        let converted = j.converted.get(journey).copied().unwrap_or(false);
        for p in 1..=depth {
            let id = value_at(path, a, p, dir).map_or(edge_id, |v| v as usize);
            counts[p][id] += 1;
            convs[p][id] += u64::from(converted);
            if id == edge_id {
                break;
            }
        }
    }
    let anchored = anchors.len() as u64;
    let conversions_at_anchor = anchors
        .iter()
        .filter(|(i, _)| j.converted.get(*i).copied().unwrap_or(false))
        .count() as u64;

    // Per position: the label of every value id, and the order of the labels.
    let mut label = vec![vec![other_id; k + 1]; depth + 1];
    let mut order: Vec<Vec<usize>> = vec![vec![anchor_id]];
    let mut positions = vec![Position {
        position: 0,
        journeys: anchored,
        nodes: vec![node(
            anchor.name.clone(),
            "anchor",
            anchored,
            conversions_at_anchor,
            anchored,
            opts,
        )],
    }];
    let signed = |p: usize| match dir {
        Direction::Forward => p as i64,
        Direction::Backward => -(p as i64),
    };
    for p in 1..=depth {
        let c = &counts[p];
        let total: u64 = c.iter().sum();
        if total == 0 {
            break;
        }
        let mut vals: Vec<usize> = (0..k).filter(|&v| c[v] > 0).collect();
        vals.sort_by(|&a, &b| {
            c[b].cmp(&c[a]).then_with(|| {
                names
                    .name(a as u32)
                    .as_bytes()
                    .cmp(names.name(b as u32).as_bytes())
            })
        });
        let folded = vals.split_off(vals.len().min(opts.per_step));
        let mut nodes = Vec::new();
        let mut ids = Vec::new();
        for &v in &vals {
            label[p][v] = v;
            ids.push(v);
            nodes.push(node(
                names.name(v as u32).to_string(),
                "value",
                c[v],
                convs[p][v],
                anchored,
                opts,
            ));
        }
        if !folded.is_empty() {
            let n = folded.iter().map(|&v| c[v]).sum();
            let conv = folded.iter().map(|&v| convs[p][v]).sum();
            let mut other = node(OTHER.to_string(), "other", n, conv, anchored, opts);
            other.values = Some(folded.len() as u64);
            ids.push(other_id);
            nodes.push(other);
        }
        label[p][edge_id] = edge_id;
        if c[edge_id] > 0 {
            let (name, kind) = match dir {
                Direction::Forward => (END, "end"),
                Direction::Backward => (START, "start"),
            };
            ids.push(edge_id);
            nodes.push(node(
                name.to_string(),
                kind,
                c[edge_id],
                convs[p][edge_id],
                anchored,
                opts,
            ));
        }
        order.push(ids);
        positions.push(Position {
            position: signed(p),
            journeys: total,
            nodes,
        });
    }

    // Edges between consecutive positions: dense counts by (position, rank of from, rank of to).
    let reached = positions.len() - 1;
    let rank_of: Vec<Vec<usize>> = order
        .iter()
        .map(|ids| {
            let mut r = vec![0; k + 3];
            for (i, &id) in ids.iter().enumerate() {
                r[id] = i;
            }
            r
        })
        .collect();
    let width = |p: usize| order[p].len();
    let mut flows: Vec<Vec<u64>> = (1..=reached)
        .map(|p| vec![0; width(p - 1) * width(p)])
        .collect();
    for &(journey, a) in &anchors {
        let path = j.journey(journey);
        let mut prev = anchor_id;
        // label[p] with flows[p - 1], for p = 1..=reached.
        for (i, (label, flow)) in label.iter().skip(1).zip(flows.iter_mut()).enumerate() {
            let p = i + 1;
            let id = value_at(path, a, p, dir).map_or(edge_id, |v| label[v as usize]);
            flow[rank_of[p - 1][prev] * width(p) + rank_of[p][id]] += 1;
            if id == edge_id {
                break;
            }
            prev = id;
        }
    }
    let edges: Vec<((usize, usize, usize), u64)> = flows
        .iter()
        .enumerate()
        .flat_map(|(i, flow)| {
            let p = i + 1;
            flow.iter()
                .enumerate()
                .filter(|(_, &n)| n > 0)
                .map(move |(cell, &n)| ((p, cell / width(p), cell % width(p)), n))
        })
        .collect();
    let node_name = |p: usize, r: usize| positions[p].nodes[r].value.clone();
    let mut edges: Vec<Edge> = edges
        .into_iter()
        .map(|((p, rf, rt), n)| {
            let (a, b) = ((p - 1, rf), (p, rt));
            // Backward, time runs from the farther position to the nearer one.
            let ((fp, fr), (tp, tr)) = match dir {
                Direction::Forward => (a, b),
                Direction::Backward => (b, a),
            };
            Edge {
                from_position: signed(fp),
                from: node_name(fp, fr),
                to_position: signed(tp),
                to: node_name(tp, tr),
                journeys: n,
                from_rank: fr,
                to_rank: tr,
            }
        })
        .collect();
    if dir == Direction::Backward {
        // In time order: the farthest positions first.
        edges.sort_by_key(|e| std::cmp::Reverse(e.to_position.unsigned_abs()));
    }
    ExploreReport {
        direction: dir,
        anchor: anchor.name.clone(),
        journeys: j.len() as u64,
        anchored,
        depth: opts.depth,
        per_step: opts.per_step,
        positions,
        edges,
    }
}

fn node(
    value: String,
    kind: &'static str,
    journeys: u64,
    conversions: u64,
    anchored: u64,
    opts: &ExploreOptions,
) -> Node {
    let ratio = |a: u64, b: u64| {
        if b == 0 {
            0.0
        } else {
            round6(a as f64 / b as f64)
        }
    };
    Node {
        value,
        kind,
        journeys,
        share: ratio(journeys, anchored),
        conversions: opts.conversions.then_some(conversions),
        conversion_rate: opts.conversions.then(|| ratio(conversions, journeys)),
        values: None,
    }
}

#[cfg(test)]
#[path = "explore_tests.rs"]
mod tests;
