use super::*;
use crate::journey::test_support::journeys;

fn edge<'a>(r: &'a GraphReport, from: &str, to: &str) -> &'a EdgeRow {
    r.edges
        .iter()
        .find(|e| e.from == from && e.to == to)
        .unwrap_or_else(|| panic!("no edge {from}->{to}"))
}

fn node<'a>(r: &'a GraphReport, name: &str) -> &'a NodeRow {
    r.nodes
        .iter()
        .find(|n| n.name == name)
        .unwrap_or_else(|| panic!("no node {name}"))
}

#[test]
fn edges_nodes_and_invariants() {
    // a b a b: a->b twice in one journey (count 2, journeys 1), self-free.
    let j = journeys(&["a b a b", "a c", "b"], &[true, false, false]);
    let r = graph(&j, &GraphOptions::default(), true);
    assert_eq!(edge(&r, "a", "b").count, 2);
    assert_eq!(edge(&r, "a", "b").journeys, 1);
    assert_eq!(edge(&r, "(start)", "a").count, 2);
    assert_eq!(edge(&r, "(start)", "b").count, 1);
    assert_eq!(edge(&r, "b", "(end)").count, 2);
    // Out of a: a->b 2, a->c 1 => p_out 2/3.
    assert_eq!(edge(&r, "a", "b").p_out, 2.0 / 3.0);
    // Invariants: (start) out = (end) in = journeys; edges between events = events - journeys.
    let out_start: u64 = r
        .edges
        .iter()
        .filter(|e| e.from == START)
        .map(|e| e.count)
        .sum();
    let in_end: u64 = r
        .edges
        .iter()
        .filter(|e| e.to == END)
        .map(|e| e.count)
        .sum();
    let between: u64 = r
        .edges
        .iter()
        .filter(|e| e.from != START && e.to != END)
        .map(|e| e.count)
        .sum();
    assert_eq!((out_start, in_end, between), (3, 3, 7 - 3));
    assert_eq!(r.edge_total, 7 + 3);
    // Exits: the converting journey (ends at b) does not exit.
    assert_eq!(node(&r, "b").exits, Some(1));
    assert_eq!(node(&r, "b").journeys, 2);
    assert_eq!(node(&r, "b").exit_rate, Some(0.5));
    assert_eq!(node(&r, "c").exit_rate, Some(1.0));
    assert_eq!(node(&r, "a").events, 3);
    assert_eq!(r.nodes.first().unwrap().name, START);
    assert_eq!(r.nodes.last().unwrap().name, END);
}

#[test]
fn self_loops_single_events_and_times() {
    let j = journeys(&["a a a", "x"], &[false, false]);
    let r = graph(&j, &GraphOptions::default(), false);
    let aa = edge(&r, "a", "a");
    assert_eq!((aa.count, aa.journeys), (2, 1));
    let t = aa.time.as_ref().unwrap();
    assert_eq!(
        (t.min_s, t.median_s, t.mean_s, t.p95_s, t.max_s),
        (60.0, 60.0, 60.0, 60.0, 60.0)
    );
    assert!(edge(&r, "(start)", "x").time.is_none());
    assert_eq!(edge(&r, "x", "(end)").count, 1);
    let no_self = graph(
        &j,
        &GraphOptions {
            no_self: true,
            ..Default::default()
        },
        false,
    );
    assert!(no_self.edges.iter().all(|e| e.from != e.to));
    assert_eq!(no_self.hidden.edges, 1);
    assert_eq!(no_self.hidden.transitions, 2);
}

#[test]
fn edges_are_ordered_by_count_then_names() {
    let j = journeys(&["b a", "a b", "a b"], &[false; 3]);
    let r = graph(&j, &GraphOptions::default(), false);
    let order: Vec<(String, String, u64)> = r
        .edges
        .iter()
        .map(|e| (e.from.clone(), e.to.clone(), e.count))
        .collect();
    assert_eq!(order[0], ("(start)".into(), "a".into(), 2));
    assert_eq!(order[1], ("a".into(), "b".into(), 2));
    assert_eq!(order[2], ("b".into(), "(end)".into(), 2));
}

#[test]
fn pruning_reports_what_it_hid() {
    let j = journeys(&["a b", "a b", "a c", "d"], &[false; 4]);
    let r = graph(
        &j,
        &GraphOptions {
            min_count: 2,
            ..Default::default()
        },
        false,
    );
    // Kept: (start)->a 3, a->b 2, b->(end) 2. Hidden: a->c, c->(end), (start)->d, d->(end).
    assert_eq!(r.edges.len(), 3);
    assert_eq!(r.hidden.edges, 4);
    assert_eq!(r.hidden.transitions, 4);
    assert_eq!(r.edge_total, 11);
    assert_eq!(r.hidden.share, 4.0 / 11.0);
    assert_eq!(r.hidden.nodes, 2);
    let top = graph(
        &j,
        &GraphOptions {
            top_edges: Some(1),
            ..Default::default()
        },
        false,
    );
    // The first edge, (start)->a, then the ways out it needs: a's strongest out-edge a->b,
    // then b's, b->(end) (metrics.md, Pruning big graphs).
    let shown: Vec<(String, String)> = top
        .edges
        .iter()
        .map(|e| (e.from.clone(), e.to.clone()))
        .collect();
    assert_eq!(
        shown,
        [
            (START.to_string(), "a".to_string()),
            ("a".to_string(), "b".to_string()),
            ("b".to_string(), "(end)".to_string())
        ]
    );
    assert_eq!(top.hidden.edges, 4);
}

#[test]
fn max_nodes_folds_the_rare_values() {
    let j = journeys(&["a b c", "a b d", "a e"], &[false; 3]);
    let r = graph(
        &j,
        &GraphOptions {
            max_nodes: Some(2),
            ..Default::default()
        },
        false,
    );
    assert_eq!(r.hidden.folded_values, 3);
    assert_eq!(edge(&r, "b", "(other)").count, 2);
    assert_eq!(edge(&r, "a", "(other)").count, 1);
    assert_eq!(
        node(&r, "(other)").kind,
        crate::analysis::graph::NodeKind::Other
    );
    assert_eq!(node(&r, "(other)").events, 3);
}
