//! Attribution on hand-built journeys whose answers are worked out by hand (the working is in
//! the comments), plus totals on many journeys.

use super::{attribute, AttributionModel, AttributionOptions, AttributionReport};
use crate::journey::test_support::journeys;
use crate::journey::{Journeys, Level};

const MIN: i64 = 60 * 1_000_000_000;

fn opts(models: &[AttributionModel], order: usize) -> AttributionOptions {
    AttributionOptions {
        models: models.to_vec(),
        order,
        half_life: 7 * 24 * 60 * MIN,
        lookback: None,
        conversion_at_end: false,
        transitions: true,
    }
}

/// Journeys at channel level: each touchpoint's channel is its first letter, upper-cased.
fn channel_journeys(paths: &[&str], converted: &[bool]) -> Journeys {
    let mut j = journeys(paths, converted);
    j.level = Level::Channel;
    j
}

fn credit(r: &AttributionReport, name: &str, model: usize) -> f64 {
    r.channels
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no row {name}"))
        .conversions[model]
}

fn effect(r: &AttributionReport, name: &str) -> f64 {
    r.channels
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.removal_effect)
        .unwrap()
}

fn close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-12, "got {got}, want {want}");
}

#[test]
fn markov_order_1_without_loops() {
    // start->A 2, start->B 2; A->B 1, A->null 1; B->conv 2, B->null 1.
    // x_B = 2/3, x_A = 1/2 x_B = 1/3, P = (x_A + x_B) / 2 = 1/2.
    // Without A: P = 1/2 x_B = 1/3, RE = 1/3. Without B: x_A = 0, P = 0, RE = 1.
    // Attributed: 2 x (1/3) / (4/3) = 0.5 and 2 x 1 / (4/3) = 1.5.
    let j = channel_journeys(&["a b", "a", "b", "b"], &[true, false, true, false]);
    let r = attribute(&j, None, &opts(&[AttributionModel::Markov], 1)).unwrap();
    let m = r.markov.as_ref().unwrap();
    close(m.p_conversion, 0.5);
    assert_eq!(m.states, 2);
    close(effect(&r, "A"), 1.0 / 3.0);
    close(effect(&r, "B"), 1.0);
    close(credit(&r, "A", 0), 0.5);
    close(credit(&r, "B", 0), 1.5);
    let t: Vec<(String, String, u64)> = r
        .transitions
        .iter()
        .map(|t| (t.from.clone(), t.to.clone(), t.count))
        .collect();
    assert!(t.contains(&("A".into(), "(null)".into(), 1)));
    assert!(t.contains(&("B".into(), "(conversion)".into(), 2)));
    assert_eq!(t.len(), 6);
}

#[test]
fn markov_order_1_with_a_loop() {
    // start->A 2, start->B 1; A->B 1, A->conv 2; B->A 1, B->null 1.
    // x_A = x_B/3 + 2/3, x_B = x_A/2  =>  x_A = 4/5, x_B = 2/5; P = 2/3 4/5 + 1/3 2/5 = 2/3.
    // Without A: nothing reaches conversion, RE = 1. Without B: x_A = 2/3, P = 4/9, RE = 1/3.
    let j = channel_journeys(&["a b a", "b", "a"], &[true, false, true]);
    let r = attribute(&j, None, &opts(&[AttributionModel::Markov], 1)).unwrap();
    close(r.markov.as_ref().unwrap().p_conversion, 2.0 / 3.0);
    close(effect(&r, "A"), 1.0);
    close(effect(&r, "B"), 1.0 / 3.0);
    close(credit(&r, "A", 0), 1.5);
    close(credit(&r, "B", 0), 0.5);
}

#[test]
fn markov_order_2_separates_what_order_1_pools() {
    // The journeys of the first test at order 2: states (A), (B), (A,B).
    // x_(A,B) = 1, x_(A) = 1/2, x_(B) = 1/2, P = 1/2. Without A, (A) and (A,B) are gone:
    // P = 1/4, RE = 1/2. Without B: P = 0, RE = 1. Attributed 2 x 1/3 and 2 x 2/3.
    let j = channel_journeys(&["a b", "a", "b", "b"], &[true, false, true, false]);
    let r = attribute(&j, None, &opts(&[AttributionModel::Markov], 2)).unwrap();
    let m = r.markov.as_ref().unwrap();
    assert_eq!((m.order, m.states), (2, 3));
    close(m.p_conversion, 0.5);
    close(effect(&r, "A"), 0.5);
    close(effect(&r, "B"), 1.0);
    close(credit(&r, "A", 0), 2.0 / 3.0);
    close(credit(&r, "B", 0), 4.0 / 3.0);
    assert!(r.transitions.iter().any(|t| t.from == "A > B"
        && t.to == "(conversion)"
        && t.count == 1
        && t.probability == 1.0));
}

#[test]
fn markov_order_2_with_a_loop_and_three_channels() {
    // Journeys A B A C (converts), A B A B (does not), A C (converts). States (A), (A,B),
    // (B,A), (A,C). start->(A) 3; (A)->(A,B) 2, (A)->(A,C) 1; (A,B)->(B,A) 2, (A,B)->null 1;
    // (B,A)->(A,C) 1, (B,A)->(A,B) 1; (A,C)->conv 2.
    // x_AC = 1; x_AB = 2/3 x_BA, x_BA = 1/2 + x_AB/2  =>  x_AB = 1/2, x_BA = 3/4;
    // x_A = 2/3 1/2 + 1/3 = 2/3 = P. Without B: x_A = 1/3, RE = 1/2. Without C: x_AB = 0 and
    // x_A = 0, RE = 1. Without A: RE = 1. Sum 5/2: A 2 x 2/5, B 2 x 1/5, C 2 x 2/5.
    let j = channel_journeys(&["a b a c", "a b a b", "a c"], &[true, false, true]);
    let r = attribute(&j, None, &opts(&[AttributionModel::Markov], 2)).unwrap();
    let m = r.markov.as_ref().unwrap();
    assert_eq!(m.states, 4);
    close(m.p_conversion, 2.0 / 3.0);
    close(effect(&r, "A"), 1.0);
    close(effect(&r, "B"), 0.5);
    close(effect(&r, "C"), 1.0);
    close(credit(&r, "A", 0), 0.8);
    close(credit(&r, "B", 0), 0.4);
    close(credit(&r, "C", 0), 0.8);
}

#[test]
fn heuristics_by_hand() {
    // Converting: "a b" and "b" (channels A, B); "a" and "b" do not convert.
    // first: A 1, B 1. last: B 2. linear: A 1/2, B 3/2. position (2 touches 50/50, 1 touch
    // 100%): A 1/2, B 3/2.
    use AttributionModel::*;
    let j = channel_journeys(&["a b", "a", "b", "b"], &[true, false, true, false]);
    let r = attribute(&j, None, &opts(&[First, Last, Linear, Position], 1)).unwrap();
    assert_eq!(r.conversions, 2);
    for (model, a, b) in [(0, 1.0, 1.0), (1, 0.0, 2.0), (2, 0.5, 1.5), (3, 0.5, 1.5)] {
        close(credit(&r, "A", model), a);
        close(credit(&r, "B", model), b);
        close(
            r.channels[0].shares[model] + r.channels[1].shares[model],
            1.0,
        );
    }
    assert!(r.markov.is_none());
}

#[test]
fn position_and_time_decay_on_a_long_journey() {
    // One converting journey a b c d, events a minute apart. Position: 0.4, 0.1, 0.1, 0.4.
    // Time-decay with a one-minute half-life: raw 1/8, 1/4, 1/2, 1 over 15/8.
    use AttributionModel::*;
    let j = journeys(&["a b c d"], &[true]);
    let mut o = opts(&[Position, TimeDecay], 1);
    o.half_life = MIN;
    let r = attribute(&j, None, &o).unwrap();
    for (name, pos, decay) in [
        ("a", 0.4, 1.0 / 15.0),
        ("b", 0.1, 2.0 / 15.0),
        ("c", 0.1, 4.0 / 15.0),
        ("d", 0.4, 8.0 / 15.0),
    ] {
        close(credit(&r, name, 0), pos);
        close(credit(&r, name, 1), decay);
    }
}

#[test]
fn lookback_keeps_touches_close_to_the_conversion() {
    // a b c at 0, 60, 120 s, converting at 180 s. --lookback 90s keeps c only; 120s keeps b, c.
    use AttributionModel::*;
    let j = journeys(&["a b c"], &[true]);
    let mut o = opts(&[First, Linear], 1);
    o.lookback = Some(90 * 1_000_000_000);
    let r = attribute(&j, None, &o).unwrap();
    assert_eq!(
        r.channels
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["c"]
    );
    close(credit(&r, "c", 0), 1.0);
    o.lookback = Some(2 * MIN);
    let r = attribute(&j, None, &o).unwrap();
    close(credit(&r, "b", 0), 1.0);
    close(credit(&r, "b", 1), 0.5);
    // Nothing within 30 s: the journey has no touch, and there is nothing to attribute.
    o.lookback = Some(30 * 1_000_000_000);
    let err = attribute(&j, None, &o).unwrap_err().to_string();
    assert!(
        err.contains(
            "the 1 converting journey has no touch before its conversion within --lookback 30s"
        ),
        "{err}"
    );
}

#[test]
fn value_follows_the_same_weights() {
    use AttributionModel::*;
    let j = channel_journeys(&["a b", "b", "a"], &[true, true, false]);
    let values = [100.0, 10.0, 0.0];
    let r = attribute(&j, Some(&values), &opts(&[First, Linear, Markov], 1)).unwrap();
    assert_eq!(r.total_value, Some(110.0));
    let a = r.channels.iter().find(|c| c.name == "A").unwrap();
    let b = r.channels.iter().find(|c| c.name == "B").unwrap();
    close(a.value[0], 100.0);
    close(b.value[0], 10.0);
    close(a.value[1], 50.0);
    close(b.value[1], 60.0);
    close(a.value[2] + b.value[2], 110.0);
}

#[test]
fn a_channel_never_before_a_conversion_gets_zero() {
    // C only appears in a journey that does not convert and leads nowhere else.
    use AttributionModel::*;
    let j = channel_journeys(&["a b", "c"], &[true, false]);
    let r = attribute(&j, None, &opts(&AttributionModel::EACH, 1)).unwrap();
    let c = r.channels.iter().find(|c| c.name == "C").unwrap();
    assert!(c.conversions.iter().all(|x| *x == 0.0), "{c:?}");
    assert!(c.shares.iter().all(|x| *x == 0.0), "{c:?}");
    assert_eq!(c.removal_effect, Some(0.0));
    let _ = Markov;
}

#[test]
fn no_conversion_is_an_error() {
    let j = channel_journeys(&["a b", "c"], &[false, false]);
    let err = attribute(&j, None, &opts(&AttributionModel::EACH, 1))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no journey converts"), "{err}");
}

#[test]
fn every_model_adds_up_to_the_converting_journeys() {
    // 400 journeys from a fixed pseudo-random sequence over 5 letters, lengths 1 to 7, with
    // loops and repeats; about a third convert.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut paths = Vec::new();
    let mut converted = Vec::new();
    for _ in 0..400 {
        let len = 1 + next(7);
        let p: Vec<String> = (0..len)
            .map(|_| ["a", "b", "c", "d", "e"][next(5) as usize].to_string())
            .collect();
        paths.push(p.join(" "));
        converted.push(next(3) == 0);
    }
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let j = channel_journeys(&refs, &converted);
    let want = converted.iter().filter(|c| **c).count() as f64;
    for order in 1..=4 {
        let r = attribute(&j, None, &opts(&AttributionModel::EACH, order)).unwrap();
        assert_eq!(r.conversions as f64, want);
        for m in 0..AttributionModel::EACH.len() {
            let total: f64 = r.channels.iter().map(|c| c.conversions[m]).sum();
            assert!(
                (total - want).abs() < 1e-9,
                "order {order} model {m}: {total}"
            );
            let shares: f64 = r.channels.iter().map(|c| c.shares[m]).sum();
            assert!((shares - 1.0).abs() < 1e-12);
        }
        // The counts conserve flow through every state, so the chain's P(conversion) is the
        // share of journeys that convert, at every order.
        let m = r.markov.unwrap();
        assert!(
            (m.p_conversion - want / 400.0).abs() < 1e-12,
            "{}",
            m.p_conversion
        );
        // Removal effects lie in [0, 1].
        assert!(r
            .channels
            .iter()
            .all(|c| (0.0..=1.0).contains(&c.removal_effect.unwrap())));
    }
}
