//! The directly-follows graph of the journeys, with `(start)` and `(end)` (metrics.md,
//! Transition graph), and the readability controls for big graphs.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use serde::Serialize;

use super::stats::nearest_rank;
use crate::journey::Journeys;

pub const START: &str = "(start)";
pub const END: &str = "(end)";
pub const OTHER: &str = "(other)";

/// What a node of a graph or an exploration stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    // In the order of their names, so that sorting by kind orders as the names do.
    /// The anchor of an exploration (position 0).
    Anchor,
    /// `(end)`: where journeys end.
    End,
    /// `(other)`: values folded together by a readability control.
    Other,
    /// `(start)`: where journeys start.
    Start,
    /// A touchpoint, or a channel with `--level channel`.
    Value,
}

impl NodeKind {
    /// The kind's name in CSV and JSON.
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Anchor => "anchor",
            NodeKind::End => "end",
            NodeKind::Other => "other",
            NodeKind::Start => "start",
            NodeKind::Value => "value",
        }
    }

    /// `(start)` and `(end)`: the synthetic ends of every journey.
    pub fn is_terminal(self) -> bool {
        matches!(self, NodeKind::Start | NodeKind::End)
    }
}

/// Which nodes and edges to show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GraphOptions {
    /// Hide edges with a smaller count.
    pub min_count: u64,
    /// Hide edges carrying a smaller share of all edge counts.
    pub min_share: f64,
    /// Keep only the N largest edges.
    pub top_edges: Option<usize>,
    /// Fold the least frequent values into one `(other)` node, keeping N.
    pub max_nodes: Option<usize>,
    /// Drop edges from a node to itself.
    pub no_self: bool,
    /// Values never folded or hidden (`--keep`, and the conversion touchpoints).
    pub keep: Vec<String>,
}

impl GraphOptions {
    pub fn prunes(&self) -> bool {
        self.min_count > 1
            || self.min_share > 0.0
            || self.top_edges.is_some()
            || self.max_nodes.is_some()
            || self.no_self
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GraphReport {
    pub journeys: u64,
    pub events: u64,
    /// Sum of all edge counts, (start) and (end) edges included (= events + journeys).
    pub edge_total: u64,
    pub nodes: Vec<NodeRow>,
    pub edges: Vec<EdgeRow>,
    pub hidden: Hidden,
}

/// What the readability controls left out.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Hidden {
    pub nodes: u64,
    pub edges: u64,
    /// Sum of the hidden edges' counts, and its share of `edge_total`.
    pub transitions: u64,
    pub share: f64,
    /// Values folded into `(other)` by --max-nodes.
    pub folded_values: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NodeRow {
    /// Stable id for DOT and Mermaid: `n_start`, `n_end`, and `n1`, `n2`, ... in node order.
    pub id: String,
    pub name: String,
    pub kind: NodeKind,
    /// Events at this node ((start) and (end): journeys).
    pub events: u64,
    /// Journeys that reach it at least once.
    pub journeys: u64,
    /// Journeys that exit here (metrics.md, Drop-off); absent for (start) and (end).
    pub exits: Option<u64>,
    pub exit_rate: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EdgeRow {
    pub from: String,
    pub to: String,
    /// The node ids of `from` and `to` (names can repeat: a touchpoint may be called "(end)").
    pub from_id: String,
    pub to_id: String,
    pub count: u64,
    /// Distinct journeys with this pair at least once.
    pub journeys: u64,
    pub p_out: f64,
    /// count / edge_total.
    pub share: f64,
    /// Time between the two events; absent for (start) and (end) edges.
    pub time: Option<EdgeTime>,
}

/// Seconds between the events of an edge (median and p95 by nearest rank).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EdgeTime {
    pub min_s: f64,
    pub median_s: f64,
    pub mean_s: f64,
    pub p95_s: f64,
    pub max_s: f64,
}

/// Per value: events, journeys reaching it, exits. Exits count only non-converting journeys
/// when a conversion is defined.
pub fn node_stats(
    j: &Journeys,
    values: &[u32],
    n_values: usize,
    conversion_defined: bool,
) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
    let mut events = vec![0u64; n_values];
    let mut reach = vec![0u64; n_values];
    let mut exits = vec![0u64; n_values];
    let mut last_seen = vec![u32::MAX; n_values];
    for journey in 0..j.len() {
        let r = j.range(journey);
        for &v in &values[r.clone()] {
            events[v as usize] += 1;
            if last_seen[v as usize] != journey as u32 {
                last_seen[v as usize] = journey as u32;
                reach[v as usize] += 1;
            }
        }
        if !(conversion_defined && j.converted[journey]) {
            exits[values[r.end - 1] as usize] += 1;
        }
    }
    (events, reach, exits)
}

struct Edge {
    from: u32,
    to: u32,
    count: u64,
    journeys: u64,
    last_journey: u32,
    durations: Vec<i64>,
}

/// Builds the graph. Values are the journeys' level values, folded by --max-nodes.
pub fn graph(j: &Journeys, opts: &GraphOptions, conversion_defined: bool) -> GraphReport {
    let names = j.names();
    let mut protected_name = vec![false; names.len()];
    for n in &opts.keep {
        if let Some(id) = names.get(n) {
            protected_name[id as usize] = true;
        }
    }
    let (values, mut labels, folded) = fold(j, opts.max_nodes, &protected_name);
    let protected: Vec<bool> = labels
        .iter()
        .map(|l| names.get(l).is_some_and(|id| protected_name[id as usize]))
        .collect();
    let k = labels.len();
    let (start, end) = (k as u32, k as u32 + 1);
    labels.push(START.to_string());
    labels.push(END.to_string());
    let (events, reach, exits) = node_stats(j, &values, k, conversion_defined);

    let mut index: HashMap<u64, u32, FixedState> = HashMap::default();
    let mut edges: Vec<Edge> = Vec::new();
    let mut add = |from: u32, to: u32, journey: u32, duration: Option<i64>| {
        let key = (from as u64) << 32 | to as u64;
        let e = *index.entry(key).or_insert_with(|| {
            edges.push(Edge {
                from,
                to,
                count: 0,
                journeys: 0,
                last_journey: u32::MAX,
                durations: Vec::new(),
            });
            edges.len() as u32 - 1
        }) as usize;
        let edge = &mut edges[e];
        edge.count += 1;
        if edge.last_journey != journey {
            edge.last_journey = journey;
            edge.journeys += 1;
        }
        if let Some(d) = duration {
            edge.durations.push(d);
        }
    };
    for journey in 0..j.len() {
        let r = j.range(journey);
        let jid = journey as u32;
        add(start, values[r.start], jid, None);
        for i in r.start + 1..r.end {
            let gap = (!j.timeless).then(|| j.time[i].saturating_sub(j.time[i - 1]));
            add(values[i - 1], values[i], jid, gap);
        }
        add(values[r.end - 1], end, jid, None);
    }
    drop(index);

    let mut out_total = vec![0u64; k + 2];
    for e in &edges {
        out_total[e.from as usize] += e.count;
    }
    let edge_total: u64 = edges.iter().map(|e| e.count).sum();
    let label = |v: u32| labels[v as usize].as_str();
    edges.sort_unstable_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| label(a.from).as_bytes().cmp(label(b.from).as_bytes()))
            .then_with(|| label(a.to).as_bytes().cmp(label(b.to).as_bytes()))
    });

    // Nodes: (start), values by events (then name), (other), (end).
    let mut order: Vec<u32> = (0..k as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        let other = |v: u32| label(v) == OTHER && folded > 0;
        other(a)
            .cmp(&other(b))
            .then(events[b as usize].cmp(&events[a as usize]))
            .then_with(|| label(a).as_bytes().cmp(label(b).as_bytes()))
    });
    let mut node_id = vec![String::new(); k + 2];
    for (i, &v) in order.iter().enumerate() {
        node_id[v as usize] = format!("n{}", i + 1);
    }
    node_id[start as usize] = "n_start".to_string();
    node_id[end as usize] = "n_end".to_string();

    // Visible edges.
    let total = edge_total.max(1) as f64;
    let mut visible: Vec<bool> = edges
        .iter()
        .map(|e| {
            e.count >= opts.min_count
                && e.count as f64 / total >= opts.min_share
                && !(opts.no_self && e.from == e.to)
        })
        .collect();
    if let Some(n) = opts.top_edges {
        let mut kept = 0;
        for v in visible.iter_mut().filter(|v| **v) {
            kept += 1;
            *v = kept <= n;
        }
    }
    if opts.prunes() {
        restore_ways_out(&edges, &mut visible, &protected, end);
    }
    let mut hidden = Hidden {
        folded_values: folded,
        ..Default::default()
    };
    let mut node_used = vec![!opts.prunes(); k + 2];
    let mut edge_rows = Vec::new();
    for (e, vis) in edges.iter_mut().zip(&visible) {
        if !vis {
            hidden.edges += 1;
            hidden.transitions += e.count;
            continue;
        }
        node_used[e.from as usize] = true;
        node_used[e.to as usize] = true;
        edge_rows.push(EdgeRow {
            from: label(e.from).to_string(),
            to: label(e.to).to_string(),
            from_id: node_id[e.from as usize].clone(),
            to_id: node_id[e.to as usize].clone(),
            count: e.count,
            journeys: e.journeys,
            p_out: e.count as f64 / out_total[e.from as usize] as f64,
            share: e.count as f64 / total,
            time: edge_time(&mut e.durations),
        });
    }
    hidden.share = hidden.transitions as f64 / total;

    let n_journeys = j.len() as u64;
    let mut nodes = vec![NodeRow {
        id: "n_start".into(),
        name: START.into(),
        kind: NodeKind::Start,
        events: n_journeys,
        journeys: n_journeys,
        exits: None,
        exit_rate: None,
    }];
    for &v in order.iter() {
        if !node_used[v as usize] || events[v as usize] == 0 {
            if events[v as usize] > 0 {
                hidden.nodes += 1;
            }
            continue;
        }
        let vi = v as usize;
        nodes.push(NodeRow {
            id: node_id[v as usize].clone(),
            name: label(v).to_string(),
            kind: if label(v) == OTHER && folded > 0 {
                NodeKind::Other
            } else {
                NodeKind::Value
            },
            events: events[vi],
            journeys: reach[vi],
            exits: Some(exits[vi]),
            exit_rate: (reach[vi] > 0).then(|| exits[vi] as f64 / reach[vi] as f64),
        });
    }
    nodes.push(NodeRow {
        id: "n_end".into(),
        name: END.into(),
        kind: NodeKind::End,
        events: n_journeys,
        journeys: n_journeys,
        exits: None,
        exit_rate: None,
    });
    GraphReport {
        journeys: n_journeys,
        events: j.events() as u64,
        edge_total,
        nodes,
        edges: edge_rows,
        hidden,
    }
}

/// The journeys' values, with all but the `max_nodes` most frequent folded into `(other)`;
/// returns (values, labels by value id, number of values folded).
/// Shows again what pruning hid and a reader needs (metrics.md, Pruning big graphs): each
/// protected value's strongest incoming and outgoing edge, then, until nothing changes, each
/// shown value node's strongest outgoing and incoming edge to or from another node. `edges` are in edge order (the
/// strongest first); `protected` is per node (value nodes; (start) and (end) after them).
fn restore_ways_out(edges: &[Edge], visible: &mut [bool], protected: &[bool], end: u32) {
    let nodes = end as usize + 1;
    let mut strongest_out: Vec<Option<usize>> = vec![None; nodes];
    let mut strongest_in: Vec<Option<usize>> = vec![None; nodes];
    for (i, e) in edges.iter().enumerate() {
        if e.from != e.to {
            strongest_out[e.from as usize].get_or_insert(i);
            strongest_in[e.to as usize].get_or_insert(i);
        }
    }
    for (v, &p) in protected.iter().enumerate() {
        if p {
            for i in [strongest_in[v], strongest_out[v]].into_iter().flatten() {
                visible[i] = true;
            }
        }
    }
    let start = end - 1;
    loop {
        let mut shown = vec![false; nodes];
        for (e, _) in edges.iter().zip(visible.iter()).filter(|(_, v)| **v) {
            shown[e.from as usize] = true;
            shown[e.to as usize] = true;
        }
        let mut changed = false;
        for v in 0..nodes {
            if !shown[v] || v as u32 == end || v as u32 == start {
                continue;
            }
            for i in [strongest_out[v], strongest_in[v]].into_iter().flatten() {
                if !visible[i] {
                    visible[i] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

fn fold<'a>(
    j: &'a Journeys,
    max_nodes: Option<usize>,
    protected: &[bool],
) -> (std::borrow::Cow<'a, [u32]>, Vec<String>, u64) {
    let names = j.names();
    let labels: Vec<String> = names.names().map(str::to_string).collect();
    let Some(keep) = max_nodes else {
        return (std::borrow::Cow::Borrowed(j.values()), labels, 0);
    };
    let mut counts = vec![0u64; labels.len()];
    for &v in j.values() {
        counts[v as usize] += 1;
    }
    let mut by_count: Vec<usize> = (0..labels.len()).filter(|&v| counts[v] > 0).collect();
    if by_count.len() <= keep {
        return (std::borrow::Cow::Borrowed(j.values()), labels, 0);
    }
    by_count.sort_unstable_by(|&a, &b| {
        counts[b]
            .cmp(&counts[a])
            .then_with(|| labels[a].as_bytes().cmp(labels[b].as_bytes()))
    });
    let mut remap = vec![u32::MAX; labels.len()];
    let mut new_labels = Vec::with_capacity(keep + 1);
    // The `keep` values with the most events, and the protected values besides.
    for (rank, &v) in by_count.iter().enumerate() {
        if rank < keep || protected.get(v).copied().unwrap_or(false) {
            remap[v] = new_labels.len() as u32;
            new_labels.push(labels[v].clone());
        }
    }
    let kept = new_labels.len();
    let other = new_labels.len() as u32;
    new_labels.push(OTHER.to_string());
    let folded = (by_count.len() - kept) as u64;
    if folded == 0 {
        return (std::borrow::Cow::Borrowed(j.values()), labels, 0);
    }
    let values = j
        .values()
        .iter()
        .map(|&v| {
            if remap[v as usize] == u32::MAX {
                other
            } else {
                remap[v as usize]
            }
        })
        .collect();
    (std::borrow::Cow::Owned(values), new_labels, folded)
}

/// min, median, mean, p95, max of durations in ns, as seconds (nearest rank).
fn edge_time(durations: &mut [i64]) -> Option<EdgeTime> {
    if durations.is_empty() {
        return None;
    }
    durations.sort_unstable();
    let secs = |ns: i64| ns as f64 / 1e9;
    let sum: i128 = durations.iter().map(|&d| d as i128).sum();
    Some(EdgeTime {
        min_s: secs(durations[0]),
        median_s: secs(nearest_rank(durations, 0.5)?),
        mean_s: sum as f64 / durations.len() as f64 / 1e9,
        p95_s: secs(nearest_rank(durations, 0.95)?),
        max_s: secs(*durations.last()?),
    })
}

#[cfg(test)]
#[path = "graph_tests.rs"]
mod tests;
