//! Path exploration: what journeys do after the first occurrence of a touchpoint (forward) or
//! before its last occurrence (backward), position by position, as a layered graph.
//!
//! Position 0 is the anchor. At each position p (1..=depth) a journey is at the value p events
//! after (before) its anchor, or at `(end)` (`(start)` backward) when it has no such event; a
//! journey is counted at `(end)` once, at the first position it does not reach, and not after.
//! So the nodes of position p sum to the journeys still going at position p - 1. The
//! `per_step` most frequent values of a position are kept; the others are summed into
//! `(other)`. Edges join consecutive positions and count journeys.

use foldhash::fast::FixedState;
use hashbrown::HashMap;
use serde::Serialize;

use crate::analysis::graph::NodeKind;
use crate::analysis::steps::Step;
use crate::journey::Journeys;

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
    pub kind: NodeKind,
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
    /// Converting journeys among them (with a conversion defined).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversions: Option<u64>,
    /// The ranks of the two nodes within their positions (a value may be named like `(end)`).
    #[serde(skip)]
    pub from_rank: usize,
    #[serde(skip)]
    pub to_rank: usize,
}

/// The nodes of one position by rank: kept values, `(other)`, `(end)`/`(start)`.
#[derive(Default)]
struct Ranks {
    kept: HashMap<u32, usize, FixedState>,
    other: usize,
    edge: usize,
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

/// Where the anchor is in `path`: its first match forward, its last match backward; without
/// an anchor step, just before the first event (the journey's start: position 1 is its first
/// event).
fn anchor_index(path: &[u32], anchor: Option<&Step>, direction: Direction) -> Option<isize> {
    let Some(anchor) = anchor else {
        return Some(-1);
    };
    let hit = |v: &u32| anchor.matches.get(*v as usize).copied().unwrap_or(false);
    match direction {
        Direction::Forward => path.iter().position(hit),
        Direction::Backward => path.iter().rposition(hit),
    }
    .map(|i| i as isize)
}

/// The value `p` steps from the anchor at `a`, or `None` past the journey's edge.
fn value_at(path: &[u32], a: isize, p: usize, direction: Direction) -> Option<u32> {
    let i = match direction {
        Direction::Forward => a + p as isize,
        Direction::Backward => a - p as isize,
    };
    usize::try_from(i).ok().and_then(|i| path.get(i).copied())
}

/// Explores from `anchor`, or forward from every journey's start (`flow`) without one.
pub fn explore(j: &Journeys, anchor: Option<&Step>, opts: &ExploreOptions) -> ExploreReport {
    let names = j.names();
    // The value id that stands for "no event here": (end) forward, (start) backward.
    let edge_id = u32::MAX;
    let dir = opts.direction;
    // Per position 1, 2, ...: value id -> (journeys, converting journeys). Only the values
    // seen are kept, so memory grows with what the journeys hold, not with --depth.
    let mut tallies: Vec<HashMap<u32, (u64, u64), FixedState>> = Vec::new();
    let mut anchors: Vec<(usize, isize)> = Vec::new();
    let mut conversions_at_anchor = 0u64;
    for journey in 0..j.len() {
        let path = j.journey(journey);
        let Some(a) = anchor_index(path, anchor, dir) else {
            continue;
        };
        anchors.push((journey, a));
        let converted = u64::from(j.converted.get(journey).copied().unwrap_or(false));
        conversions_at_anchor += converted;
        for p in 1..=opts.depth {
            let id = value_at(path, a, p, dir).unwrap_or(edge_id);
            if tallies.len() < p {
                tallies.push(HashMap::default());
            }
            let t = tallies[p - 1].entry(id).or_default();
            t.0 += 1;
            t.1 += converted;
            if id == edge_id {
                break;
            }
        }
    }
    let anchored = anchors.len() as u64;

    let (anchor_name, anchor_kind) = match anchor {
        Some(a) => (a.name.clone(), NodeKind::Anchor),
        None => (START.to_string(), NodeKind::Start),
    };
    let mut positions = vec![Position {
        position: 0,
        journeys: anchored,
        nodes: vec![node(
            anchor_name.clone(),
            anchor_kind,
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
    // Per position: the rank of each kept value, and of (other) and (end)/(start).
    let mut ranks: Vec<Ranks> = vec![Ranks::default()];
    for (i, t) in tallies.iter().enumerate() {
        let mut vals: Vec<(u32, (u64, u64))> = t
            .iter()
            .filter(|(&v, _)| v != edge_id)
            .map(|(&v, &c)| (v, c))
            .collect();
        vals.sort_by(|(a, ca), (b, cb)| {
            cb.0.cmp(&ca.0)
                .then_with(|| names.name(*a).as_bytes().cmp(names.name(*b).as_bytes()))
        });
        let folded = vals.split_off(vals.len().min(opts.per_step));
        let mut r = Ranks::default();
        let mut nodes = Vec::new();
        for &(v, (n, conv)) in &vals {
            r.kept.insert(v, nodes.len());
            let name = names.name(v).to_string();
            nodes.push(node(name, NodeKind::Value, n, conv, anchored, opts));
        }
        if !folded.is_empty() {
            let n = folded.iter().map(|(_, c)| c.0).sum();
            let conv = folded.iter().map(|(_, c)| c.1).sum();
            let mut other = node(OTHER.to_string(), NodeKind::Other, n, conv, anchored, opts);
            other.values = Some(folded.len() as u64);
            r.other = nodes.len();
            nodes.push(other);
        }
        if let Some(&(n, conv)) = t.get(&edge_id) {
            let (name, kind) = match dir {
                Direction::Forward => (END, NodeKind::End),
                Direction::Backward => (START, NodeKind::Start),
            };
            r.edge = nodes.len();
            nodes.push(node(name.to_string(), kind, n, conv, anchored, opts));
        }
        positions.push(Position {
            position: signed(i + 1),
            journeys: t.values().map(|c| c.0).sum(),
            nodes,
        });
        ranks.push(r);
    }

    // Edges between consecutive positions: dense counts by (position, rank of from, rank of to).
    let width = |p: usize| positions[p].nodes.len();
    // Per cell: journeys and converting journeys.
    let mut flows: Vec<Vec<(u64, u64)>> = (1..positions.len())
        .map(|p| vec![(0, 0); width(p - 1) * width(p)])
        .collect();
    for &(journey, a) in &anchors {
        let path = j.journey(journey);
        let converted = u64::from(j.converted.get(journey).copied().unwrap_or(false));
        let mut prev = 0;
        // ranks[p] with flows[p - 1], for p = 1, 2, ...
        for (i, (r, flow)) in ranks.iter().skip(1).zip(flows.iter_mut()).enumerate() {
            let p = i + 1;
            let Some(v) = value_at(path, a, p, dir) else {
                let cell = &mut flow[prev * width(p) + r.edge];
                cell.0 += 1;
                cell.1 += converted;
                break;
            };
            let rank = r.kept.get(&v).copied().unwrap_or(r.other);
            let cell = &mut flow[prev * width(p) + rank];
            cell.0 += 1;
            cell.1 += converted;
            prev = rank;
        }
    }
    // ((position, rank of from, rank of to), (journeys, converting journeys))
    type Cell = ((usize, usize, usize), (u64, u64));
    let edges: Vec<Cell> = flows
        .iter()
        .enumerate()
        .flat_map(|(i, flow)| {
            let p = i + 1;
            flow.iter()
                .enumerate()
                .filter(|(_, &n)| n.0 > 0)
                .map(move |(cell, &n)| ((p, cell / width(p), cell % width(p)), n))
        })
        .collect();
    let node_name = |p: usize, r: usize| positions[p].nodes[r].value.clone();
    let mut edges: Vec<Edge> = edges
        .into_iter()
        .map(|((p, rf, rt), (n, conv))| {
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
                conversions: opts.conversions.then_some(conv),
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
        anchor: anchor_name,
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
    kind: NodeKind,
    journeys: u64,
    conversions: u64,
    anchored: u64,
    opts: &ExploreOptions,
) -> Node {
    let ratio = |a: u64, b: u64| {
        if b == 0 {
            0.0
        } else {
            a as f64 / b as f64
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
