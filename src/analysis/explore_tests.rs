use super::*;
use crate::journey::test_support::journeys;

fn run(paths: &[&str], converted: &[bool], anchor: &str, opts: ExploreOptions) -> ExploreReport {
    let j = journeys(paths, converted);
    let (step, _) = Step::parse(anchor, j.names()).unwrap();
    explore(&j, Some(&step), &opts)
}

fn opts(direction: Direction, depth: usize, per_step: usize) -> ExploreOptions {
    ExploreOptions {
        direction,
        depth,
        per_step,
        conversions: false,
    }
}

/// `value:journeys` per node of each position.
fn columns(r: &ExploreReport) -> Vec<String> {
    r.positions
        .iter()
        .map(|p| {
            let nodes: Vec<String> = p
                .nodes
                .iter()
                .map(|n| format!("{}:{}", n.value, n.journeys))
                .collect();
            format!("{} {}", p.position, nodes.join(" "))
        })
        .collect()
}

fn edges(r: &ExploreReport) -> Vec<String> {
    r.edges
        .iter()
        .map(|e| {
            format!(
                "{}{}>{}{}={}",
                e.from_position, e.from, e.to_position, e.to, e.journeys
            )
        })
        .collect()
}

const PATHS: &[&str] = &["a b c", "x a c", "a", "b a b a d", "x y"];

#[test]
fn forward_from_the_first_occurrence() {
    let r = run(PATHS, &[], "a", opts(Direction::Forward, 3, 5));
    assert_eq!(r.journeys, 5);
    assert_eq!(r.anchored, 4);
    // j0: b c (end); j1: c (end); j2: (end); j3 (first a at 1): b a d.
    assert_eq!(
        columns(&r),
        [
            "0 a:4",
            "1 b:2 c:1 (end):1",
            "2 a:1 c:1 (end):1",
            "3 d:1 (end):1"
        ]
    );
    assert_eq!(
        edges(&r),
        [
            "0a>1b=2",
            "0a>1c=1",
            "0a>1(end)=1",
            "1b>2a=1",
            "1b>2c=1",
            "1c>2(end)=1",
            "2a>3d=1",
            "2c>3(end)=1",
        ]
    );
    // Each position's nodes sum to the journeys still going one position earlier.
    assert_eq!(
        r.positions.iter().map(|p| p.journeys).collect::<Vec<_>>(),
        [4, 4, 3, 2]
    );
    assert_eq!(r.positions[1].nodes[0].share, 0.5);
}

#[test]
fn positions_nobody_reaches_are_left_out() {
    let r = run(PATHS, &[], "a", opts(Direction::Forward, 10, 5));
    // j3 ends after d at +3, so +4 holds its (end) and nothing follows.
    assert_eq!(r.positions.len(), 5);
    assert_eq!(columns(&r)[4], "4 (end):1");
    assert_eq!(r.depth, 10);
}

#[test]
fn values_past_per_step_are_folded_into_other() {
    let r = run(PATHS, &[], "a", opts(Direction::Forward, 2, 1));
    assert_eq!(columns(&r)[1], "1 b:2 (other):1 (end):1");
    assert_eq!(r.positions[1].nodes[1].values, Some(1));
    // At +2 the tie a:1, c:1 keeps a (name order); c is folded.
    assert_eq!(columns(&r)[2], "2 a:1 (other):1 (end):1");
    assert_eq!(
        edges(&r),
        [
            "0a>1b=2",
            "0a>1(other)=1",
            "0a>1(end)=1",
            "1b>2a=1",
            "1b>2(other)=1",
            "1(other)>2(end)=1",
        ]
    );
}

#[test]
fn backward_from_the_last_occurrence() {
    let r = run(PATHS, &[], "a", opts(Direction::Backward, 4, 5));
    // j0: (start); j1: x (start); j2: (start); j3 (last a at 3): b a b (start).
    assert_eq!(
        columns(&r),
        [
            "0 a:4",
            "-1 b:1 x:1 (start):2",
            "-2 a:1 (start):1",
            "-3 b:1",
            "-4 (start):1"
        ]
    );
    // Edges run in time order, farthest positions first.
    assert_eq!(
        edges(&r),
        [
            "-4(start)>-3b=1",
            "-3b>-2a=1",
            "-2a>-1b=1",
            "-2(start)>-1x=1",
            "-1b>0a=1",
            "-1x>0a=1",
            "-1(start)>0a=2",
        ]
    );
}

#[test]
fn alternatives_anchor_on_any_of_them() {
    let r = run(PATHS, &[], "c|d", opts(Direction::Forward, 1, 5));
    assert_eq!(r.anchored, 3);
    assert_eq!(columns(&r), ["0 c|d:3", "1 (end):3"]);
}

#[test]
fn conversions_per_node() {
    let mut o = opts(Direction::Forward, 1, 5);
    o.conversions = true;
    let r = run(PATHS, &[true, false, false, true], "a", o);
    let n = &r.positions[1].nodes;
    assert_eq!((n[0].value.as_str(), n[0].conversions), ("b", Some(2)));
    assert_eq!(n[0].conversion_rate, Some(1.0));
    assert_eq!((n[1].value.as_str(), n[1].conversions), ("c", Some(0)));
    assert_eq!(r.positions[0].nodes[0].conversions, Some(2));
    assert_eq!(r.positions[0].nodes[0].conversion_rate, Some(0.5));
}

#[test]
fn an_anchor_nobody_has_gives_an_empty_exploration() {
    let r = run(PATHS, &[], "zzz", opts(Direction::Forward, 3, 5));
    assert_eq!(r.anchored, 0);
    assert_eq!(columns(&r), ["0 zzz:0"]);
    assert!(r.edges.is_empty());
    assert_eq!(r.positions[0].nodes[0].share, 0.0);
}
