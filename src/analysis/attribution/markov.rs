//! Markov attribution (metrics.md, Attribution): the absorbing chain of the journeys' paths,
//! its conversion probability, and each channel's removal effect, solved exactly.
//!
//! States are tuples of the last k channels (k = `--order`); the first k - 1 touches of a
//! journey have shorter tuples. Removing a channel sends every transition into a state whose
//! tuple contains it to (null). Transitions only ever go from a tuple of length l to one of
//! length min(l + 1, k), so the shorter tuples form a DAG solved by substitution and only the
//! full-length tuples need the elimination in [`super::solve`].

use std::sync::OnceLock;

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
/// From this many full-length states on, two threads share the removal effects.
const PARALLEL_STATES: usize = 256;

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
    /// P(conversion) from every state of the whole chain, once solved.
    solved: OnceLock<Vec<f64>>,
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
            solved: OnceLock::new(),
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

    /// P(conversion) from (start), with the states that contain `removed` (a level id) turned
    /// into (null).
    pub fn p_conversion(&self, removed: Option<u32>) -> Result<f64> {
        if removed.is_some() {
            return Ok(self.absorption(removed)?[0]);
        }
        Ok(self.whole()?[0])
    }

    /// P(conversion) from every state of the whole chain (solved once).
    fn whole(&self) -> Result<&[f64]> {
        if let Some(x) = self.solved.get() {
            return Ok(x);
        }
        let x = self.absorption(None)?;
        Ok(self.solved.get_or_init(|| x))
    }

    /// The error for a chain whose dense solve would be too large.
    fn too_many(&self, full: usize) -> Result<()> {
        if full > MAX_SOLVED_STATES {
            bail!(
                "the order-{} Markov model has {} states of {} touches, more than the {} the exact solve handles; lower --order (or use --collapse-repeats, --level channel)",
                self.order,
                full,
                self.order,
                MAX_SOLVED_STATES
            );
        }
        Ok(())
    }

    /// P(conversion) from every state (indexed by state id), with the states that contain
    /// `removed` turned into (null) (they get 0).
    fn absorption(&self, removed: Option<u32>) -> Result<Vec<f64>> {
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
        self.too_many(full.len())?;
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
        Ok(x)
    }

    /// Removal effect of each id in `channels` (P is `p`, from [`Chain::p_conversion`]):
    /// 1 - P(without it) / P. At order 1 all channels are found together by censoring (see
    /// [`Censored`]); at higher orders by one solve per channel, which two threads share when
    /// the chain is large.
    pub fn removal_effects(&self, channels: &[u32], p: f64) -> Result<Vec<f64>> {
        self.removal_effects_on(channels, p, 2)
    }

    /// [`Chain::removal_effects`] with at most `threads` threads (1 or 2; the same numbers
    /// either way).
    pub(super) fn removal_effects_on(
        &self,
        channels: &[u32],
        p: f64,
        threads: usize,
    ) -> Result<Vec<f64>> {
        if p <= 0.0 || channels.is_empty() {
            return Ok(vec![0.0; channels.len()]);
        }
        let threads = if self.full_states() >= PARALLEL_STATES {
            threads
        } else {
            1
        };
        if self.order == 1 {
            return self.censored_effects(channels, threads);
        }
        let effect = |c: u32| -> Result<f64> {
            let without = self.p_conversion(Some(c))?;
            Ok((1.0 - without / p).max(0.0))
        };
        if threads < 2 || channels.len() < 2 {
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

    /// Full-length states, which the dense solve takes.
    fn full_states(&self) -> usize {
        self.states.iter().filter(|t| t.len() == self.order).count()
    }

    /// The removal effects at order 1 (state `s` is channel `states[s - 1][0]`), all
    /// together: see [`Censored`].
    fn censored_effects(&self, channels: &[u32], threads: usize) -> Result<Vec<f64>> {
        let x = self.whole()?;
        let ids = channels
            .iter()
            .chain(self.states.iter().flatten())
            .max()
            .map_or(0, |&m| m as usize + 1);
        let ctx = Ctx {
            chain: self,
            x,
            ids,
        };
        let mut out = vec![0.0; channels.len()];
        let root = ctx.root().censor(&ctx, channels);
        ctx.effects(root, channels, &mut out, threads);
        Ok(out)
    }
}

/// What every step of the censoring shares: the chain (at order 1), P(conversion) from every
/// state of the whole chain, and a bound on the level ids.
struct Ctx<'a> {
    chain: &'a Chain,
    x: &'a [f64],
    ids: usize,
}

/// An order-1 chain censored on the channel states `live` (watched only while it is in them):
/// what it does in the other states has been folded into the rows by GTH elimination, so from
/// every row the probabilities of the next live state, (conversion) and (null) are exact and
/// still add up to 1. (start) is always the last row.
///
/// Removing channel c turns its state into (null). In the chain censored on c alone, (start)
/// goes straight to (conversion) with probability d = P(conversion) without c, and to c with
/// probability a (that of ever reaching c); the rest of P is a x(c), with x(c) from the whole
/// chain, and the removal takes exactly that away: RE(c) = a x(c) / (d + a x(c)), computed
/// from non-negative numbers with nothing subtracted. The censored chain on a set of
/// channels is shared by all of them, so the channels are halved recursively, each half
/// censoring its parent's chain further: the matrices halve at each level, and all the
/// effects cost about as much as a dense solve (O(n^3)) instead of one solve per channel
/// (O(n^4)).
///
/// At higher orders, removing a channel removes every tuple that contains it, and the same
/// recursion stays exact (the states with none of a set's channels are kept by all their
/// removals), but the censored chains of the tuple graphs fill in: measured slower than one
/// solve per channel on realistic data, with several times the memory (bench/NOTES.md).
struct Censored {
    /// State ids, in the chain's order.
    live: Vec<u32>,
    /// Row-major, `live.len() + 1` rows of `live.len() + 2`: the live states' rows, then
    /// (start)'s; columns are the live states, then (conversion), then (null).
    a: Vec<f64>,
}

impl Ctx<'_> {
    /// The whole chain.
    fn root(&self) -> Censored {
        let chain = self.chain;
        let r = chain.states.len();
        let w = r + 2;
        let mut a = vec![0.0; (r + 1) * w];
        let rows = (1..=r).chain([0]);
        for (row, s) in a.chunks_exact_mut(w).zip(rows) {
            let total = chain.total[s] as f64;
            let (mut conv, mut null) = (0u64, 0u64);
            for &(_, t, c) in chain.out(s) {
                match t {
                    CONVERSION => conv += c,
                    NULL => null += c,
                    _ => row[t as usize - 1] += c as f64 / total,
                }
            }
            if total > 0.0 {
                row[r] = conv as f64 / total;
                row[r + 1] = null as f64 / total;
            }
        }
        Censored {
            live: (1..=r as u32).collect(),
            a,
        }
    }

    /// Fills `out[i]` with the removal effect of `channels[i]`, given `node` censored on the
    /// states of `channels`.
    fn effects(&self, node: Censored, channels: &[u32], out: &mut [f64], threads: usize) {
        if channels.len() == 1 {
            out[0] = self.leaf(&node);
            return;
        }
        let half = channels.len() / 2;
        let (left, right) = channels.split_at(half);
        let (out_left, out_right) = out.split_at_mut(half);
        let copy = Censored {
            live: node.live.clone(),
            a: node.a.clone(),
        };
        if threads > 1 {
            std::thread::scope(|s| {
                s.spawn(|| {
                    let child = copy.censor(self, left);
                    self.effects(child, left, out_left, threads / 2);
                });
                let child = node.censor(self, right);
                self.effects(child, right, out_right, threads - threads / 2);
            });
        } else {
            let child = copy.censor(self, left);
            self.effects(child, left, out_left, 1);
            let child = node.censor(self, right);
            self.effects(child, right, out_right, 1);
        }
    }

    /// The removal effect of a channel, given `node` censored on its state (none if the
    /// channel has no state).
    fn leaf(&self, node: &Censored) -> f64 {
        let r = node.live.len();
        let start = &node.a[r * (r + 2)..];
        let direct = start[r];
        let mut via = 0.0;
        for (&a, &t) in start[..r].iter().zip(&node.live) {
            if a != 0.0 {
                via += a * self.x[t as usize];
            }
        }
        let whole = direct + via;
        if whole > 0.0 {
            via / whole
        } else {
            0.0
        }
    }
}

impl Censored {
    /// Censors further, on the live states of `channels`: eliminates the others in order (GTH:
    /// each pivot is the sum of its row's other entries, every step adds and multiplies
    /// non-negative numbers), then drops their rows and columns.
    fn censor(mut self, ctx: &Ctx, channels: &[u32]) -> Censored {
        let mut mark = vec![false; ctx.ids];
        for &c in channels {
            mark[c as usize] = true;
        }
        let r = self.live.len();
        let w = r + 2;
        let rows = r + 1;
        let keep: Vec<bool> = self
            .live
            .iter()
            .map(|&s| mark[ctx.chain.states[s as usize - 1][0] as usize])
            .collect();
        let mut alive = vec![true; r];
        let mut nz: Vec<(usize, f64)> = Vec::new();
        for g in 0..r {
            if keep[g] {
                continue;
            }
            alive[g] = false;
            let row_g = &self.a[g * w..(g + 1) * w];
            nz.clear();
            let (conv_g, null_g) = (row_g[r], row_g[r + 1]);
            let mut p = conv_g + null_g;
            for (v, &a) in row_g[..r].iter().enumerate() {
                if a != 0.0 && alive[v] {
                    nz.push((v, a));
                    p += a;
                }
            }
            for (u, row_u) in self.a.chunks_exact_mut(w).enumerate() {
                if u < r && !alive[u] {
                    continue;
                }
                let a_ug = row_u[g];
                if a_ug == 0.0 {
                    continue;
                }
                row_u[g] = 0.0;
                if p <= 0.0 {
                    // g cannot leave itself: reaching it never converts.
                    row_u[r + 1] += a_ug;
                    continue;
                }
                let f = a_ug / p;
                for &(v, a) in &nz {
                    row_u[v] += f * a;
                }
                row_u[r] += f * conv_g;
                row_u[r + 1] += f * null_g;
            }
        }
        // Keep the live rows and columns, in place (each cell moves to a lower index).
        let cols: Vec<usize> = (0..r).filter(|&v| keep[v]).chain([r, r + 1]).collect();
        let mut at = 0;
        for u in (0..rows).filter(|&u| u == r || keep[u]) {
            for &v in &cols {
                self.a[at] = self.a[u * w + v];
                at += 1;
            }
        }
        self.a.truncate(at);
        self.a.shrink_to_fit();
        self.live = (0..r).filter(|&v| keep[v]).map(|v| self.live[v]).collect();
        self
    }
}
