//! An independent check of `journeymap attribution --model markov`: a seeded Monte-Carlo
//! simulation of the chain the binary prints (`--transitions`) on generated data agrees with
//! the exact removal effects within its sampling error.

use crate::common;
use common::*;

/// xorshift64*: a small seeded generator, so the simulation is the same on every run.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Walks the printed chain from (start) many times. Removing channel c sends every transition
/// into a state containing c to (null), so a walk converts without c exactly when it converts
/// and never enters such a state: RE(c) = P(a converting walk enters a c-state). Each estimate
/// is a binomial proportion, checked within 4 standard errors (one failure in ~16,000 per
/// estimate if the exact answer were right and the seed changed; the seed is fixed).
fn simulate_and_compare(file: &str, order: &str) {
    let args = |extra: &[&'static str]| {
        let mut a: Vec<String> = [
            "attribution",
            file,
            "--conversion",
            "purchase",
            "--split-on-conversion",
            "--collapse-repeats",
            "--model",
            "markov",
            "--order",
            order,
            "-f",
            "json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let exact = {
        let a = args(&[]);
        jm(&a.iter().map(String::as_str).collect::<Vec<_>>())
            .ok()
            .json()
    };
    let table = {
        let a = args(&["--transitions"]);
        jm(&a.iter().map(String::as_str).collect::<Vec<_>>())
            .ok()
            .json()
    };
    let mut index: std::collections::BTreeMap<String, usize> = Default::default();
    let mut out: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut id = |name: &str, out: &mut Vec<Vec<(usize, f64)>>| -> usize {
        let next = index.len();
        let i = *index.entry(name.to_string()).or_insert(next);
        if i == out.len() {
            out.push(Vec::new());
        }
        i
    };
    let start = id("(start)", &mut out);
    let conv = id("(conversion)", &mut out);
    let null = id("(null)", &mut out);
    for t in table["transitions"].as_array().unwrap() {
        let f = id(t["from"].as_str().unwrap(), &mut out);
        let to = id(t["to"].as_str().unwrap(), &mut out);
        out[f].push((to, t["probability"].as_f64().unwrap()));
    }
    let names: Vec<String> = {
        let mut v = vec![String::new(); index.len()];
        for (k, &i) in &index {
            v[i] = k.clone();
        }
        v
    };
    let channels: Vec<String> = exact["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    // For each state, which channels its tuple contains.
    let contains: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            let parts: Vec<&str> = n.split(" > ").collect();
            (0..channels.len())
                .filter(|&c| parts.contains(&channels[c].as_str()))
                .collect()
        })
        .collect();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let walks = 300_000u64;
    let (mut converted, mut hits) = (0u64, vec![0u64; channels.len()]);
    let mut seen = vec![false; channels.len()];
    for _ in 0..walks {
        let mut s = start;
        seen.fill(false);
        while s != conv && s != null {
            let u = rng.unit();
            let mut acc = 0.0;
            let mut next = out[s].last().unwrap().0;
            for &(to, p) in &out[s] {
                acc += p;
                if u < acc {
                    next = to;
                    break;
                }
            }
            s = next;
            for &c in &contains[s] {
                seen[c] = true;
            }
        }
        if s == conv {
            converted += 1;
            for (h, &v) in hits.iter_mut().zip(&seen) {
                *h += u64::from(v);
            }
        }
    }
    let p = exact["markov"]["p_conversion"].as_f64().unwrap();
    let p_hat = converted as f64 / walks as f64;
    let se = (p * (1.0 - p) / walks as f64).sqrt();
    assert!(
        (p_hat - p).abs() <= 4.0 * se,
        "P: simulated {p_hat}, exact {p}"
    );
    assert!(converted > 5_000, "{converted} converting walks");
    let mut checked = 0;
    for (c, name) in channels.iter().enumerate() {
        let re = exact["channels"][c]["markov"]["removal_effect"]
            .as_f64()
            .unwrap();
        let re_hat = hits[c] as f64 / converted as f64;
        let se = (re * (1.0 - re) / converted as f64).sqrt();
        assert!(
            (re_hat - re).abs() <= 4.0 * se + 1e-12,
            "order {order}, {name}: simulated {re_hat}, exact {re} (se {se})"
        );
        checked += usize::from(re > 0.01 && re < 0.99);
    }
    assert!(
        checked >= 4,
        "the chain should have non-trivial removal effects"
    );
}

#[test]
fn monte_carlo_agrees_with_the_exact_removal_effects() {
    let dir = scratch("attribution_monte_carlo");
    let file = dir.join("events.csv");
    let file = file.to_str().unwrap();
    jm(&[
        "generate",
        "--customers",
        "1500",
        "--seed",
        "11",
        "-o",
        file,
    ])
    .ok();
    simulate_and_compare(file, "1");
    simulate_and_compare(file, "2");
}
