//! Markov attribution (metrics.md, Attribution): the absorbing chain of the journeys' paths,
//! its conversion probability, and each channel's removal effect, solved exactly.
//!
//! States are tuples of the last k channels (k = `--order`); the first k - 1 touches of a
//! journey have shorter tuples. Removing a channel sends every transition into a state whose
//! tuple contains it to (null). Transitions only ever go from a tuple of length l to one of
//! length min(l + 1, k), so the shorter tuples form a DAG solved by substitution and only the
//! full-length tuples need the elimination in [`super::solve`].

use anyhow::{bail, Result};
use foldhash::fast::FixedState;
use hashbrown::HashMap;
use serde::Serialize;

use super::solve::DenseChain;
use crate::journey::Dictionary;

/// The target id of a transition into (conversion).
pub const CONVERSION: u32 = u32::MAX - 1;
/// The target id of a transition into (null).
pub const NULL: u32 = u32::MAX;
/// The most full-length states the dense exact solve takes (its matrix is n x n numbers).
pub const MAX_SOLVED_STATES: usize = 10_000;

/// The chain: transient states and transition counts.
#[derive(Debug, Clone)]
pub struct Chain {
    pub order: usize,
    /// State `i + 1` is `states[i]` (state 0 is (start)); sorted by length, then by names.
    pub states: Vec<Vec<u32>>,
    /// (from, to, count), sorted; `to` may be [`CONVERSION`] or [`NULL`].
    pub edges: Vec<(u32, u32, u64)>,
    /// Per state: its edges are `edges[first_edge[s]..first_edge[s + 1]]`.
    first_edge: Vec<usize>,
    /// Per state: the sum of its out-counts.
    total: Vec<u64>,
}

/// One row of `--transitions`.
#[derive(Clone, Debug, Serialize)]
pub struct TransitionRow {
    pub from: String,
    pub to: String,
    pub count: u64,
    pub probability: f64,
}

/// What the Markov model says.
#[derive(Clone, Debug, Serialize)]
pub struct MarkovSummary {
    pub order: usize,
    /// Transient states besides (start).
    pub states: usize,
    pub p_conversion: f64,
}

/// Packs up to four ids into one key (each stored + 1, so shorter tuples differ).
fn key(tuple: &[u32]) -> u128 {
    tuple
        .iter()
        .fold(0u128, |k, &id| (k << 32) | (u128::from(id) + 1))
}

impl Chain {
    /// Counts the transitions of these paths (level ids per touch, whether it converts);
    /// empty paths are skipped.
    pub fn build<'a>(
        paths: impl Iterator<Item = (&'a [u32], bool)>,
        order: usize,
        names: &Dictionary,
    ) -> Chain {
        let order = order.clamp(1, 4);
        let mut ids: HashMap<u128, u32, FixedState> = HashMap::default();
        let mut tuples: Vec<Vec<u32>> = Vec::new();
        let mut counts: HashMap<u64, u64, FixedState> = HashMap::default();
        for (path, converted) in paths {
            if path.is_empty() {
                continue;
            }
            let mut from = 0u32;
            for i in 0..path.len() {
                let window = &path[(i + 1).saturating_sub(order)..=i];
                let next = tuples.len() as u32 + 1;
                let to = *ids.entry(key(window)).or_insert_with(|| {
                    tuples.push(window.to_vec());
                    next
                });
                *counts
                    .entry(u64::from(from) << 32 | u64::from(to))
                    .or_default() += 1;
                from = to;
            }
            let end = if converted { CONVERSION } else { NULL };
            *counts
                .entry(u64::from(from) << 32 | u64::from(end))
                .or_default() += 1;
        }
        // Canonical order, so the digits do not depend on the order of the input rows.
        let mut order_ix: Vec<usize> = (0..tuples.len()).collect();
        let name_key = |t: &Vec<u32>| -> Vec<&[u8]> {
            t.iter().map(|&id| names.name(id).as_bytes()).collect()
        };
        order_ix.sort_by(|&a, &b| {
            let (ta, tb) = (&tuples[a], &tuples[b]);
            ta.len()
                .cmp(&tb.len())
                .then_with(|| name_key(ta).cmp(&name_key(tb)))
                .then_with(|| ta.cmp(tb))
        });
        let mut new_id = vec![0u32; tuples.len() + 1];
        for (rank, &old) in order_ix.iter().enumerate() {
            new_id[old + 1] = rank as u32 + 1;
        }
        let remap = |id: u32| match id {
            CONVERSION | NULL => id,
            _ => new_id[id as usize],
        };
        let mut edges: Vec<(u32, u32, u64)> = counts
            .into_iter()
            .map(|(k, c)| (remap((k >> 32) as u32), remap(k as u32), c))
            .collect();
        edges.sort_unstable();
        let states: Vec<Vec<u32>> = order_ix
            .into_iter()
            .map(|i| std::mem::take(&mut tuples[i]))
            .collect();
        let n = states.len() + 1;
        let mut first_edge = vec![0usize; n + 1];
        let mut total = vec![0u64; n];
        for &(f, _, c) in &edges {
            first_edge[f as usize + 1] += 1;
            total[f as usize] += c;
        }
        for s in 0..n {
            first_edge[s + 1] += first_edge[s];
        }
        Chain {
            order,
            states,
            edges,
            first_edge,
            total,
        }
    }

    fn out(&self, s: usize) -> &[(u32, u32, u64)] {
        &self.edges[self.first_edge[s]..self.first_edge[s + 1]]
    }

    /// The name of a state id (tuples joined with " > ").
    pub fn state_name(&self, id: u32, names: &Dictionary) -> String {
        match id {
            0 => "(start)".to_string(),
            CONVERSION => "(conversion)".to_string(),
            NULL => "(null)".to_string(),
            _ => self.states[id as usize - 1]
                .iter()
                .map(|&c| names.name(c))
                .collect::<Vec<_>>()
                .join(" > "),
        }
    }

    /// Every transition with its probability (count / the from state's total).
    pub fn transitions(&self, names: &Dictionary) -> Vec<TransitionRow> {
        self.edges
            .iter()
            .map(|&(f, t, c)| TransitionRow {
                from: self.state_name(f, names),
                to: self.state_name(t, names),
                count: c,
                probability: c as f64 / self.total[f as usize] as f64,
            })
            .collect()
    }

    /// Full-length states, which the dense solve takes.
    fn full_states(&self) -> usize {
        self.states.iter().filter(|t| t.len() == self.order).count()
    }

    /// P(conversion) from (start), with the states that contain `removed` (a level id) turned
    /// into (null).
    pub fn p_conversion(&self, removed: Option<u32>) -> Result<f64> {
        let n = self.states.len() + 1;
        let kept = |s: usize| s == 0 || removed.is_none_or(|c| !self.states[s - 1].contains(&c));
        // Dense index of each kept full-length state.
        let mut dense = vec![usize::MAX; n];
        let mut full = Vec::new();
        for (i, tuple) in self.states.iter().enumerate() {
            if tuple.len() == self.order && kept(i + 1) {
                dense[i + 1] = full.len();
                full.push(i + 1);
            }
        }
        if full.len() > MAX_SOLVED_STATES {
            bail!(
                "the order-{} Markov model has {} states of {} touches, more than the {} the exact solve handles; lower --order (or use --collapse-repeats, --level channel)",
                self.order,
                full.len(),
                self.order,
                MAX_SOLVED_STATES
            );
        }
        let m = full.len();
        let mut chain = DenseChain::new(m);
        for (i, &s) in full.iter().enumerate() {
            let total = self.total[s] as f64;
            let (mut conv, mut null) = (0u64, 0u64);
            for &(_, t, c) in self.out(s) {
                match t {
                    CONVERSION => conv += c,
                    NULL => null += c,
                    _ if dense[t as usize] != usize::MAX => {
                        chain.q[i * m + dense[t as usize]] += c as f64 / total;
                    }
                    // A removed state, or (impossible by construction) a shorter tuple.
                    _ => null += c,
                }
            }
            chain.conversion[i] = conv as f64 / total;
            chain.null[i] = null as f64 / total;
        }
        let x_full = chain.absorption();
        // Shorter tuples, longest first, then (start): plain substitution.
        let mut x = vec![0.0; n];
        for (i, &s) in full.iter().enumerate() {
            x[s] = x_full[i];
        }
        for s in (0..n).rev() {
            let short = s == 0 || self.states[s - 1].len() < self.order;
            if !short || !kept(s) || self.total[s] == 0 {
                continue;
            }
            let mut acc = 0.0;
            for &(_, t, c) in self.out(s) {
                let xt = match t {
                    CONVERSION => 1.0,
                    NULL => 0.0,
                    _ if kept(t as usize) => x[t as usize],
                    _ => 0.0,
                };
                acc += c as f64 * xt;
            }
            x[s] = acc / self.total[s] as f64;
        }
        Ok(x[0])
    }

    /// Removal effect of each id in `channels`: 1 - P(without it) / P. Two threads share the
    /// solves when the chain is large.
    pub fn removal_effects(&self, channels: &[u32], p: f64) -> Result<Vec<f64>> {
        let effect = |c: u32| -> Result<f64> {
            let without = self.p_conversion(Some(c))?;
            Ok(if p > 0.0 {
                (1.0 - without / p).max(0.0)
            } else {
                0.0
            })
        };
        if self.full_states() < 256 || channels.len() < 2 {
            return channels.iter().map(|&c| effect(c)).collect();
        }
        let (a, b) = channels.split_at(channels.len() / 2);
        let (left, right) = std::thread::scope(|s| {
            let worker = s.spawn(|| b.iter().map(|&c| effect(c)).collect::<Result<Vec<_>>>());
            let left = a.iter().map(|&c| effect(c)).collect::<Result<Vec<_>>>();
            (left, worker.join())
        });
        let mut out = left?;
        match right {
            Ok(r) => out.extend(r?),
            Err(_) => bail!("a removal-effect solve failed"),
        }
        Ok(out)
    }
}
