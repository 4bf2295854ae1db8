use super::*;
use crate::journey::test_support::journeys;

const MIN: i64 = 60_000_000_000;

fn steps(j: &Journeys, names: &[&str]) -> Vec<Step> {
    names
        .iter()
        .map(|n| {
            let mut matches = vec![false; j.names().len()];
            for alt in n.split('|') {
                if let Some(id) = j.names().get(alt) {
                    matches[id as usize] = true;
                }
            }
            Step {
                name: n.to_string(),
                matches,
            }
        })
        .collect()
}

fn reached(r: &FunnelReport) -> Vec<u64> {
    r.steps.iter().map(|s| s.reached).collect()
}

fn run(paths: &[&str], names: &[&str], order: FunnelOrder, window: Option<i64>) -> FunnelReport {
    let j = journeys(paths, &[]);
    let s = steps(&j, names);
    funnel(&j, &s, order, window, &[])
}

#[test]
fn ordered_allows_events_in_between_and_greedy_earliest() {
    let r = run(
        &["a x b c", "a c b", "b c", "a b", "a"],
        &["a", "b", "c"],
        FunnelOrder::Ordered,
        None,
    );
    // "a c b": a then b (after the c), no c after b -> step 2.
    assert_eq!(reached(&r), vec![4, 3, 1]);
    assert_eq!(r.steps[1].drop_off, 1);
    assert_eq!(r.steps[2].rate_from_previous, Some(1.0 / 3.0));
    assert_eq!(r.steps[2].rate_from_first, Some(0.25));
    assert_eq!(r.steps[0].share_of_journeys, Some(0.8));
    // "a x b c": events 60 s apart; a at 0, c at 180 s.
    assert_eq!(r.time_to_convert.count, 1);
    assert_eq!(r.time_to_convert.median_s, Some(180.0));
}

#[test]
fn repeated_steps_need_a_later_occurrence() {
    let r = run(
        &["a b", "a b a b", "a a b"],
        &["a", "b", "a", "b"],
        FunnelOrder::Ordered,
        None,
    );
    // "a a b": the second a comes before b, so step 3 (a again) needs an a after b.
    assert_eq!(reached(&r), vec![3, 3, 1, 1]);
}

#[test]
fn a_step_that_never_occurs() {
    let r = run(
        &["a b", "a"],
        &["a", "zzz", "b"],
        FunnelOrder::Ordered,
        None,
    );
    assert_eq!(reached(&r), vec![2, 0, 0]);
    assert_eq!(
        r.steps[2].rate_from_previous, None,
        "0/0 is null, never NaN"
    );
}

#[test]
fn strict_needs_consecutive_events() {
    let r = run(
        &["a b c", "a x b c", "x a b a b c"],
        &["a", "b", "c"],
        FunnelOrder::Strict,
        None,
    );
    // "a x b c": only a; "x a b a b c": the second a starts a b c.
    assert_eq!(reached(&r), vec![3, 2, 2]);
}

#[test]
fn any_order_counts_steps_as_a_multiset() {
    let r = run(
        &["c b a", "a a", "a c", "b c"],
        &["a", "b", "c"],
        FunnelOrder::Any,
        None,
    );
    // Without a window the whole journey counts, in any order: "c b a" has all three, "a a"
    // one step (the second a is not a step), "a c" and "b c" two.
    assert_eq!(reached(&r), vec![4, 3, 1]);
    assert_eq!(r.time_to_convert.median_s, Some(120.0));
    // With a window, matches start at an occurrence of step 1: "c b a" has nothing after a.
    let r = run(
        &["c b a", "a c"],
        &["a", "b", "c"],
        FunnelOrder::Any,
        Some(10 * MIN),
    );
    assert_eq!(reached(&r), vec![2, 1, 0]);
}

#[test]
fn window_edges_exactly_passes_one_second_over_fails() {
    // Events 60 s apart: a at 0, b at 60, c at 120.
    let at = |w: i64| {
        reached(&run(
            &["a b c"],
            &["a", "b", "c"],
            FunnelOrder::Ordered,
            Some(w),
        ))
    };
    assert_eq!(at(2 * MIN), vec![1, 1, 1]);
    assert_eq!(at(2 * MIN - 1_000_000_000), vec![1, 1, 0]);
}

#[test]
fn a_later_first_step_can_reach_deeper_within_the_window() {
    // a at 0, x at 60, a at 120, b at 180, c at 240; window 2 min: from the first a, b comes
    // 180 s later (over); from the second a, b and c come within 120 s.
    let r = run(
        &["a x a b c"],
        &["a", "b", "c"],
        FunnelOrder::Ordered,
        Some(2 * MIN),
    );
    assert_eq!(reached(&r), vec![1, 1, 1]);
    assert_eq!(r.time_to_convert.median_s, Some(120.0));
}

#[test]
fn step_alternatives() {
    let r = run(
        &["a c2", "a c1", "a b"],
        &["a", "c1|c2"],
        FunnelOrder::Ordered,
        None,
    );
    assert_eq!(reached(&r), vec![3, 2]);
}

/// The plain loop the greedy rule describes, written independently.
fn plain_ordered(path: &[&str], steps: &[&str]) -> usize {
    let mut j = 0;
    for e in path {
        if j < steps.len() && *e == steps[j] {
            j += 1;
        }
    }
    j
}

#[test]
fn ordered_without_window_equals_a_plain_loop() {
    let paths = [
        "a b c d",
        "b a c b d",
        "a a b b",
        "d c b a",
        "a x x b x c",
        "c",
        "a b d c",
        "b b a c d a b c d",
    ];
    let names = ["a", "b", "c", "d"];
    let r = run(&paths, &names, FunnelOrder::Ordered, None);
    for (i, p) in paths.iter().enumerate() {
        let words: Vec<&str> = p.split_whitespace().collect();
        assert_eq!(r.depth[i] as usize, plain_ordered(&words, &names), "{p}");
    }
}

#[test]
fn histogram_bars_cover_zero_to_max() {
    let s = 1_000_000_000;
    let h = histogram(&[0, 10 * s, 20 * s, 39 * s, 40 * s], 4);
    let counts: Vec<u64> = h.iter().map(|b| b.count).collect();
    assert_eq!(counts, vec![1, 1, 1, 2]);
    assert_eq!((h[0].from_s, h[0].to_s, h[3].to_s), (0.0, 10.0, 40.0));
    assert!(histogram(&[], 5).is_empty());
    assert_eq!(
        histogram(&[0, 0], 3).iter().map(|b| b.count).sum::<u64>(),
        2
    );
}

#[test]
fn exclusions_between_first_and_last_reached_step() {
    let j = journeys(
        &["a x b c", "a b x c", "x a b c", "a b c x", "a x a b c"],
        &[],
    );
    let s = steps(&j, &["a", "b", "c"]);
    let mut excluded = vec![false; j.names().len()];
    excluded[j.names().get("x").unwrap() as usize] = true;
    let r = funnel(&j, &s, FunnelOrder::Ordered, None, &excluded);
    // x after a stops the match at a; x after b stops it at b; x before a or after c does not
    // matter; a later a after the x starts a clean match.
    assert_eq!(r.depth, vec![1, 2, 3, 3, 3]);
    let r = funnel(&j, &s, FunnelOrder::Any, None, &excluded);
    assert_eq!(r.depth, vec![2, 2, 3, 3, 3]);
    let r = funnel(&j, &s, FunnelOrder::Strict, None, &excluded);
    assert_eq!(r.depth, vec![1, 2, 3, 3, 3]);
}
