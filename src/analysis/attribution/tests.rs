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

mod removal_effects {
    //! The order-1 removal effects of all channels at once (censoring, markov.rs) against the
    //! definition: one solve per channel on the chain without it.
    use super::super::markov::Chain;
    use crate::journey::Dictionary;

    /// The definition, as journeymap computed it before: 1 - P(without c) / P, one dense
    /// solve per channel.
    fn by_one_solve_each(chain: &Chain, channels: &[u32], p: f64) -> Vec<f64> {
        channels
            .iter()
            .map(|&c| (1.0 - chain.p_conversion(Some(c)).unwrap() / p).max(0.0))
            .collect()
    }

    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    /// Journeys over `m` channels (ids 0..m). Dense: any channel may follow any. Sparse: each
    /// channel is followed by one of at most three (itself among them now and then), so the
    /// chain has few edges, self-loops and long cycles. Conversion depends on the last
    /// channel, so the effects differ.
    fn random_chain(rng: &mut Rng, m: u64, dense: bool, journeys: u64) -> (Chain, Vec<u32>) {
        let mut names = Dictionary::new();
        for c in 0..m {
            names.intern(&format!("ch{c:02}"));
        }
        let next: Vec<Vec<u32>> = (0..m)
            .map(|c| {
                let k = 1 + rng.below(3);
                (0..k)
                    .map(|_| {
                        if rng.below(4) == 0 {
                            c as u32
                        } else {
                            rng.below(m) as u32
                        }
                    })
                    .collect()
            })
            .collect();
        let mut paths = Vec::new();
        for _ in 0..journeys {
            let len = 1 + rng.below(8);
            let mut path = vec![rng.below(m) as u32];
            while (path.len() as u64) < len {
                let last = *path.last().unwrap() as usize;
                path.push(if dense {
                    rng.below(m) as u32
                } else {
                    next[last][rng.below(next[last].len() as u64) as usize]
                });
            }
            let last = *path.last().unwrap() as u64;
            paths.push((path, rng.below(100) < 5 + 7 * (last % 7)));
        }
        if !paths.iter().any(|p| p.1) {
            paths[0].1 = true;
        }
        let chain = Chain::build(paths.iter().map(|(p, c)| (p.as_slice(), *c)), 1, &names);
        let mut channels: Vec<u32> = paths.iter().flat_map(|p| p.0.clone()).collect();
        channels.sort_unstable();
        channels.dedup();
        (chain, channels)
    }

    fn agree(chain: &Chain, channels: &[u32], what: &str) {
        let p = chain.p_conversion(None).unwrap();
        let want = by_one_solve_each(chain, channels, p);
        let got = chain.removal_effects(channels, p).unwrap();
        for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
            assert!(
                (g - w).abs() <= 1e-12 * w.abs().max(g.abs()),
                "{what}, channel {}: got {g}, one solve each {w}",
                channels[i]
            );
            assert!((0.0..=1.0).contains(&g));
        }
        // Another order of the channels halves them differently: the same effects.
        let reversed: Vec<u32> = channels.iter().rev().copied().collect();
        let again = chain.removal_effects(&reversed, p).unwrap();
        for (&g, &h) in got.iter().zip(again.iter().rev()) {
            assert!((g - h).abs() <= 1e-13 * g, "{what}: {g} and {h}");
        }
    }

    #[test]
    fn agree_with_one_solve_per_channel_at_order_1() {
        // 50 chains of 2 to 60 states (a state per channel), sparse and dense. Against a
        // solve in double-double arithmetic (about 32 digits), the effects found together are
        // as close as the ones found one solve each, or closer: 1 - P(without c) / P loses
        // digits when the effect is small, the new form subtracts nothing.
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let (mut worst_new, mut worst_old) = (0.0f64, 0.0f64);
        for i in 0..50 {
            let m = 2 + rng.below(59);
            let dense = i % 2 == 0;
            let journeys = 20 + rng.below(400);
            let (chain, channels) = random_chain(&mut rng, m, dense, journeys);
            agree(
                &chain,
                &channels,
                &format!("chain {i} ({m} channels, dense {dense})"),
            );
            let p = chain.p_conversion(None).unwrap();
            let new = chain.removal_effects(&channels, p).unwrap();
            let old = by_one_solve_each(&chain, &channels, p);
            for (k, &c) in channels.iter().enumerate() {
                let exact = dd::removal_effect(&chain, c);
                // (Below 1e-20 the reference's own rounding: the effect is 0.)
                if exact > 1e-20 {
                    worst_new = worst_new.max((new[k] - exact).abs() / exact);
                    worst_old = worst_old.max((old[k] - exact).abs() / exact);
                } else {
                    assert_eq!(new[k], 0.0);
                }
            }
        }
        eprintln!("relative error, together {worst_new:e}, one solve each {worst_old:e}");
        assert!(worst_new < 1e-14 && worst_new <= worst_old);
    }

    #[test]
    fn two_threads_on_a_large_chain() {
        // 300 channels: the root has more than 256 states, so two threads share the work.
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let (chain, channels) = random_chain(&mut rng, 300, false, 3000);
        assert!(chain.states.len() >= 256);
        let p = chain.p_conversion(None).unwrap();
        let one = chain.removal_effects_on(&channels, p, 1).unwrap();
        let two = chain.removal_effects_on(&channels, p, 2).unwrap();
        assert_eq!(
            one.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            two.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
        // A few channels against their own solve.
        for i in [0, 7, 150, 299] {
            let c = channels[i];
            let w = 1.0 - chain.p_conversion(Some(c)).unwrap() / p;
            assert!(
                (one[i] - w).abs() <= 1e-12 * w.abs(),
                "{c}: {} vs {w}",
                one[i]
            );
        }
    }

    #[test]
    fn by_hand_with_a_self_loop_and_a_channel_seen_nowhere() {
        // Journeys a a b (converts) and b a (does not): start->A 1, start->B 1; A->A 1,
        // A->B 1, A->null 1; B->conv 1, B->A 1. x_A = (x_A + x_B) / 3 and
        // x_B = 1/2 + x_A / 2, so x_A = 1/3, x_B = 2/3 and P = 1/2.
        // Without A: x_B = 1/2, P = 1/4, RE = 1/2 (start reaches A with probability
        // 1/2 + 1/2 x 1/2 = 3/4, and 3/4 x_A = 1/4 = the P lost). Without B: RE = 1.
        // Channel 2 is in no journey: RE = 0.
        let mut names = Dictionary::new();
        for n in ["A", "B", "C"] {
            names.intern(n);
        }
        let paths: [(&[u32], bool); 2] = [(&[0, 0, 1], true), (&[1, 0], false)];
        let chain = Chain::build(paths.into_iter(), 1, &names);
        let p = chain.p_conversion(None).unwrap();
        assert!((p - 0.5).abs() < 1e-15);
        let re = chain.removal_effects(&[0, 1, 2], p).unwrap();
        assert!((re[0] - 0.5).abs() < 1e-15, "{re:?}");
        assert_eq!(re[1], 1.0);
        assert_eq!(re[2], 0.0);
    }

    #[test]
    fn by_hand_through_a_side_branch() {
        // a b (converts), a c, b (converts), c b (converts), a: start->A 3, ->B 1, ->C 1;
        // A->B 1, A->C 1, A->null 1; B->conv 3; C->B 1, C->null 1.
        // x_B = 1, x_C = 1/2, x_A = 1/2, P = (3/2 + 1 + 1/2) / 5 = 3/5.
        // Without A: P = 3/10, RE = 1/2. Without B: RE = 1. Without C: x_A = 1/3,
        // P = 2/5, RE = 1/3 (start reaches C with probability 1/5 + 3/5 x 1/3 = 2/5, and
        // 2/5 x_C = 1/5 of the 3/5 is lost).
        let mut names = Dictionary::new();
        for n in ["A", "B", "C"] {
            names.intern(n);
        }
        let paths: [(&[u32], bool); 5] = [
            (&[0, 1], true),
            (&[0, 2], false),
            (&[1], true),
            (&[2, 1], true),
            (&[0], false),
        ];
        let chain = Chain::build(paths.into_iter(), 1, &names);
        let p = chain.p_conversion(None).unwrap();
        assert!((p - 0.6).abs() < 1e-15);
        let re = chain.removal_effects(&[0, 1, 2], p).unwrap();
        for (got, want) in re.iter().zip([0.5, 1.0, 1.0 / 3.0]) {
            assert!((got - want).abs() < 1e-15, "{re:?}");
        }
    }

    /// A reference at order 1 in double-double arithmetic.
    #[allow(clippy::needless_range_loop)] // textbook elimination reads best with indices
    mod dd {
        use super::super::super::markov::{Chain, CONVERSION, NULL};

        /// `hi + lo`, with `|lo|` at most half an ulp of `hi`.
        #[derive(Clone, Copy)]
        struct Dd(f64, f64);

        fn quick(a: f64, b: f64) -> Dd {
            let s = a + b;
            Dd(s, b - (s - a))
        }

        impl Dd {
            fn from(x: f64) -> Dd {
                Dd(x, 0.0)
            }
            fn add(self, o: Dd) -> Dd {
                let s = self.0 + o.0;
                let v = s - self.0;
                let e = (self.0 - (s - v)) + (o.0 - v);
                quick(s, e + self.1 + o.1)
            }
            fn neg(self) -> Dd {
                Dd(-self.0, -self.1)
            }
            fn mul(self, o: Dd) -> Dd {
                let p = self.0 * o.0;
                let e = self.0.mul_add(o.0, -p);
                quick(p, e + self.0 * o.1 + self.1 * o.0)
            }
            fn div(self, o: Dd) -> Dd {
                let q1 = self.0 / o.0;
                let r = self.add(o.mul(Dd::from(q1)).neg());
                let q2 = r.0 / o.0;
                let r = r.add(o.mul(Dd::from(q2)).neg());
                quick(q1, q2).add(Dd::from(r.0 / o.0))
            }
        }

        /// P(conversion) from (start) without channel `removed` (order 1: state c + 1 is the
        /// channel's), by GTH elimination.
        fn p(chain: &Chain, removed: Option<u32>) -> Dd {
            let n = chain.states.len() + 1;
            let kept = |s: usize| s != 0 && removed.is_none_or(|c| chain.states[s - 1][0] != c);
            let ix: Vec<usize> = (1..n).filter(|&s| kept(s)).collect();
            let mut at = vec![usize::MAX; n];
            for (i, &s) in ix.iter().enumerate() {
                at[s] = i;
            }
            let m = ix.len();
            let zero = Dd::from(0.0);
            let mut q = vec![vec![zero; m]; m];
            let (mut conv, mut null) = (vec![zero; m], vec![zero; m]);
            let mut totals = vec![0.0; n];
            for &(f, _, c) in &chain.edges {
                totals[f as usize] += c as f64;
            }
            let total = |s: u32| totals[s as usize];
            for &(f, t, c) in &chain.edges {
                let (f, t) = (f as usize, t);
                if f == 0 || at[f] == usize::MAX {
                    continue;
                }
                let pr = Dd::from(c as f64).div(Dd::from(total(f as u32)));
                let u = at[f];
                match t {
                    CONVERSION => conv[u] = conv[u].add(pr),
                    NULL => null[u] = null[u].add(pr),
                    _ if at[t as usize] != usize::MAX => q[u][at[t as usize]] = pr,
                    _ => null[u] = null[u].add(pr),
                }
            }
            let mut pivot = vec![zero; m];
            for s in 0..m {
                let mut pv = conv[s].add(null[s]);
                for v in s + 1..m {
                    pv = pv.add(q[s][v]);
                }
                pivot[s] = pv;
                for u in s + 1..m {
                    if q[u][s].0 == 0.0 {
                        continue;
                    }
                    let f = q[u][s].div(pv);
                    for v in s + 1..m {
                        let d = f.mul(q[s][v]);
                        q[u][v] = q[u][v].add(d);
                    }
                    conv[u] = conv[u].add(f.mul(conv[s]));
                    null[u] = null[u].add(f.mul(null[s]));
                }
            }
            let mut x = vec![zero; m];
            for s in (0..m).rev() {
                let mut acc = conv[s];
                for v in s + 1..m {
                    acc = acc.add(q[s][v].mul(x[v]));
                }
                x[s] = acc.div(pivot[s]);
            }
            let mut acc = zero;
            for &(f, t, c) in &chain.edges {
                if f == 0 && t != CONVERSION && t != NULL && at[t as usize] != usize::MAX {
                    acc = acc.add(Dd::from(c as f64).mul(x[at[t as usize]]));
                }
            }
            acc.div(Dd::from(total(0)))
        }

        /// 1 - P(without c) / P, to about 30 digits.
        pub fn removal_effect(chain: &Chain, c: u32) -> f64 {
            let whole = p(chain, None);
            let ratio = p(chain, Some(c)).div(whole);
            let re = Dd::from(1.0).add(ratio.neg());
            re.0 + re.1
        }
    }
}
