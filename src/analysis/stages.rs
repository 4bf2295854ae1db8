//! Stages (metrics.md, Stages): the values of the analysis level grouped into ordered stages,
//! and per stage how many journeys reach it, go on, are lost there, skip it or come back to
//! it, how long they spend in it, what happens there, and the flow between stages.

use anyhow::{bail, Result};
use serde::Serialize;

use crate::analysis::scores::{by_group, ScoreSummary, Scores, ScoresInfo};
use crate::analysis::stats::nearest_rank_index;
use crate::intern::Dictionary;
use crate::journey::Journeys;

/// The name of the row of values that no stage claims.
pub const UNSTAGED: &str = "(unstaged)";
/// The most stages a map may have (a journey's stages are kept as bits of a `u64`).
pub const MAX_STAGES: usize = 64;
/// The stage index of an unstaged value.
const NO_STAGE: u8 = u8::MAX;

/// One stage as written: its name and its entries (value names and `re:` patterns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageDef {
    pub name: String,
    pub entries: Vec<String>,
}

/// Which stage each value (at the analysis level) belongs to.
#[derive(Clone, Debug)]
pub struct StageMap {
    pub names: Vec<String>,
    /// Per value id: its stage index, or [`NO_STAGE`].
    of_value: Vec<u8>,
}

impl StageMap {
    /// The map of `defs` over the values `names`: each value belongs to the first stage with
    /// an entry that matches it. Returns the map and the entries that match no value.
    pub fn build(defs: &[StageDef], names: &Dictionary) -> Result<(StageMap, Vec<String>)> {
        if defs.is_empty() {
            bail!("no stages are defined; add a [stages] table to journeymap.toml or pass --stages FILE.csv");
        }
        if defs.len() > MAX_STAGES {
            bail!(
                "{} stages are defined; journeymap takes at most {MAX_STAGES}",
                defs.len()
            );
        }
        let mut of_value = vec![NO_STAGE; names.len()];
        let mut unmatched = Vec::new();
        for (k, def) in defs.iter().enumerate() {
            for entry in &def.entries {
                let mut hit = false;
                match entry.strip_prefix("re:") {
                    Some(pattern) => {
                        let re = regex::Regex::new(pattern).map_err(|e| {
                            anyhow::anyhow!(
                                "stage '{}': the pattern '{pattern}' does not compile: {e}",
                                def.name
                            )
                        })?;
                        for (id, name) in names.names().enumerate() {
                            if re.is_match(name) {
                                hit = true;
                                if of_value[id] == NO_STAGE {
                                    of_value[id] = k as u8;
                                }
                            }
                        }
                    }
                    None => {
                        if let Some(id) = names.get(entry) {
                            hit = true;
                            if of_value[id as usize] == NO_STAGE {
                                of_value[id as usize] = k as u8;
                            }
                        }
                    }
                }
                if !hit {
                    unmatched.push(entry.clone());
                }
            }
        }
        let map = StageMap {
            names: defs.iter().map(|d| d.name.clone()).collect(),
            of_value,
        };
        Ok((map, unmatched))
    }

    /// The stage of value `v`, if any.
    #[inline]
    fn stage(&self, v: u32) -> u8 {
        self.of_value.get(v as usize).copied().unwrap_or(NO_STAGE)
    }

    /// The index of value `v`'s stage; `None` when it is unstaged.
    #[inline]
    pub fn stage_of(&self, v: u32) -> Option<usize> {
        let s = self.stage(v);
        (s != NO_STAGE).then_some(s as usize)
    }

    /// The name of value `v`'s stage; `None` when it is unstaged.
    pub fn stage_name(&self, v: u32) -> Option<&str> {
        self.stage_of(v).map(|s| self.names[s].as_str())
    }
}

/// Each journey's stage walk as a journey of its own (docs/metrics.md, Stage flow): one event
/// per stage visit, the stage's name as its touchpoint, at the visit's first event (its time
/// and row). Journeys without a staged event are left out; their number is returned.
pub fn stage_walks(j: &Journeys, map: &StageMap) -> (Journeys, u64) {
    let mut names = Dictionary::new();
    for name in &map.names {
        names.intern(name);
    }
    let mut out = Journeys {
        level: crate::journey::Level::Touchpoint,
        customers: j.customers.clone(),
        touchpoints: names,
        offsets: vec![0],
        ..Default::default()
    };
    let mut without = 0u64;
    for journey in 0..j.len() {
        let r = j.range(journey);
        let before = out.touchpoint.len();
        let mut last: Option<usize> = None;
        for (e, &v) in j.values()[r.clone()].iter().enumerate() {
            let Some(stage) = map.stage_of(v) else {
                continue;
            };
            if last != Some(stage) {
                out.touchpoint.push(stage as u32);
                out.time.push(j.time[r.start + e]);
                out.row.push(j.row[r.start + e]);
                last = Some(stage);
            }
        }
        let visits = out.touchpoint.len() - before;
        if visits == 0 {
            without += 1;
            continue;
        }
        out.offsets.push(out.touchpoint.len());
        out.customer.push(j.customer[journey]);
        out.converted.push(j.converted[journey]);
        out.path_len.push(visits as u32);
        out.conversion_time.push(j.conversion_time[journey]);
        out.conversion_row.push(j.conversion_row[journey]);
    }
    (out, without)
}

/// A median and a p90, in seconds (nearest rank).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Quantiles {
    pub median_s: f64,
    pub p90_s: f64,
}

impl Quantiles {
    /// The nearest-rank median and p90 of durations in nanoseconds; `None` for none.
    fn of(mut ns: Vec<i64>) -> Option<Quantiles> {
        let s = |v: i64| v as f64 / 1e9;
        Some(Quantiles {
            median_s: s(nearest_rank_unsorted(&mut ns, 0.5)?),
            p90_s: s(nearest_rank_unsorted(&mut ns, 0.9)?),
        })
    }
}

/// [`crate::analysis::stats::nearest_rank`] without sorting: the value of that rank, found in linear time (`values`
/// is reordered).
fn nearest_rank_unsorted(values: &mut [i64], p: f64) -> Option<i64> {
    let i = nearest_rank_index(values.len(), p)?;
    Some(*values.select_nth_unstable(i).1)
}

/// A touchpoint or channel of a stage, with its share of the stage's events.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NameShare {
    pub name: String,
    pub events: u64,
    pub share: f64,
}

/// One stage's row (or the `(unstaged)` row, whose progression fields are `None`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StageRow {
    pub stage: String,
    pub reached: u64,
    pub share: f64,
    pub continued: Option<u64>,
    pub lost_here: Option<u64>,
    pub skipped: Option<u64>,
    pub came_back: Option<u64>,
    pub time_in_stage: Option<Quantiles>,
    pub time_to_next_stage: Option<Quantiles>,
    pub events: u64,
    pub top_touchpoints: Vec<NameShare>,
    /// `None` when the input has no channels.
    pub top_channels: Option<Vec<NameShare>>,
    /// `None` without a conversion definition.
    pub conversions: Option<u64>,
    pub conversion_rate: Option<f64>,
    /// The scores that belong to the stage's events (with `--score-col`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scores: Option<ScoreSummary>,
}

/// One edge of the stage flow.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FlowEdge {
    pub from: String,
    pub to: String,
    pub count: u64,
    pub journeys: u64,
    /// An edge to an earlier stage.
    pub back_step: bool,
    /// The flow nodes: 0 is (start), 1 to k the stages, k + 1 (end).
    #[serde(skip)]
    pub from_node: usize,
    #[serde(skip)]
    pub to_node: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StagesReport {
    pub journeys: u64,
    pub events: u64,
    pub unstaged_events: u64,
    pub journeys_without_stage: u64,
    pub stages: Vec<StageRow>,
    pub unstaged: StageRow,
    pub flow: Vec<FlowEdge>,
    /// Where the scores come from and how many were read (with `--score-col`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scores: Option<ScoresInfo>,
}

/// Event counts of (stage, name id) pairs, dense while that is small.
enum PairCounts {
    Dense { names: usize, counts: Vec<u64> },
    Sparse(hashbrown::HashMap<(u8, u32), u64>),
}

impl PairCounts {
    fn new(stages: usize, names: usize) -> PairCounts {
        // Row `stages` is (unstaged).
        match (stages + 1).checked_mul(names) {
            Some(cells) if cells <= 1 << 22 => PairCounts::Dense {
                names,
                counts: vec![0; cells],
            },
            _ => PairCounts::Sparse(Default::default()),
        }
    }

    /// Adds the counts of `other` (over the same stages and names).
    fn merge(&mut self, other: PairCounts) {
        match (self, other) {
            (PairCounts::Dense { counts, .. }, PairCounts::Dense { counts: o, .. }) => {
                for (c, x) in counts.iter_mut().zip(o) {
                    *c += x;
                }
            }
            (PairCounts::Sparse(m), PairCounts::Sparse(o)) => {
                for (key, x) in o {
                    *m.entry(key).or_default() += x;
                }
            }
            _ => unreachable!("both walks count the same stages and names"),
        }
    }

    #[inline]
    fn add(&mut self, row: usize, id: u32) {
        match self {
            PairCounts::Dense { names, counts } => counts[row * *names + id as usize] += 1,
            PairCounts::Sparse(m) => *m.entry((row as u8, id)).or_default() += 1,
        }
    }

    /// The top `n` names of `row`, with shares of `total`.
    fn top(&self, row: usize, dict: &Dictionary, total: u64, n: usize) -> Vec<NameShare> {
        let mut items: Vec<(u32, u64)> = match self {
            PairCounts::Dense { names, counts } => counts[row * names..(row + 1) * names]
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(id, c)| (id as u32, *c))
                .collect(),
            PairCounts::Sparse(m) => m
                .iter()
                .filter(|((r, _), _)| *r as usize == row)
                .map(|((_, id), c)| (*id, *c))
                .collect(),
        };
        items.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| dict.name(a.0).as_bytes().cmp(dict.name(b.0).as_bytes()))
        });
        items
            .into_iter()
            .take(n)
            .map(|(id, c)| NameShare {
                name: dict.name(id).to_string(),
                events: c,
                share: if total == 0 {
                    0.0
                } else {
                    c as f64 / total as f64
                },
            })
            .collect()
    }
}

/// Per stage tallies while walking the journeys.
#[derive(Default, Clone)]
struct Tally {
    reached: u64,
    continued: u64,
    lost: u64,
    skipped: u64,
    came_back: u64,
    conversions: u64,
    events: u64,
    time_in: Vec<i64>,
    to_next: Vec<i64>,
}

/// The bits of `mask`, lowest first.
fn bits(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if mask == 0 {
            return None;
        }
        let k = mask.trailing_zeros() as usize;
        mask &= mask - 1;
        Some(k)
    })
}

/// What walking some of the journeys found: per stage tallies, event counts of (stage,
/// touchpoint) and (stage, channel), the flow edges, and the journeys without a stage.
struct Walk {
    tally: Vec<Tally>,
    tps: PairCounts,
    chs: Option<PairCounts>,
    /// Per flow edge (from * nodes + to): its count, its journeys, the last journey counted.
    flow: Vec<(u64, u64, usize)>,
    without_stage: u64,
}

impl Walk {
    /// Adds what `other` found in other journeys.
    fn merge(&mut self, other: Walk) {
        for (t, o) in self.tally.iter_mut().zip(other.tally) {
            t.reached += o.reached;
            t.continued += o.continued;
            t.lost += o.lost;
            t.skipped += o.skipped;
            t.came_back += o.came_back;
            t.conversions += o.conversions;
            t.events += o.events;
            t.time_in.extend(o.time_in);
            t.to_next.extend(o.to_next);
        }
        self.tps.merge(other.tps);
        if let (Some(a), Some(b)) = (&mut self.chs, other.chs) {
            a.merge(b);
        }
        for (e, o) in self.flow.iter_mut().zip(other.flow) {
            e.0 += o.0;
            e.1 += o.1;
        }
        self.without_stage += other.without_stage;
    }
}

/// Walks the journeys `journeys` under `map`.
fn walk(j: &Journeys, map: &StageMap, journeys: std::ops::Range<usize>) -> Walk {
    let k = map.names.len();
    let values = j.values();
    let mut tally = vec![Tally::default(); k + 1];
    let mut tps = PairCounts::new(k, j.touchpoints.len());
    let mut chs = j.channels.as_ref().map(|c| PairCounts::new(k, c.len()));
    // Flow nodes: 0 (start), 1..=k the stages, k + 1 (end).
    let end = k + 1;
    let nodes = k + 2;
    let mut flow = vec![(0u64, 0u64, usize::MAX); nodes * nodes];
    let mut entered = vec![0i64; k];
    let mut time_in = vec![0i64; k];
    let mut without_stage = 0;
    for jx in journeys {
        let range = j.range(jx);
        let converted = j.converted[jx];
        let (mut reached, mut higher, mut came) = (0u64, 0u64, 0u64);
        let mut unstaged_time: Option<i64> = None;
        let mut visit = 0;
        let mut step = |from: usize, to: usize| {
            let e = &mut flow[from * nodes + to];
            e.0 += 1;
            if e.2 != jx {
                e.1 += 1;
                e.2 = jx;
            }
        };
        for e in range.clone() {
            let t = j.time[e];
            let gap = if e + 1 < range.end {
                j.time[e + 1] - t
            } else {
                0
            };
            let s = map.stage(values[e]);
            let row = if s == NO_STAGE { k } else { s as usize };
            tally[row].events += 1;
            tps.add(row, j.touchpoint[e]);
            if let Some(c) = &mut chs {
                c.add(row, j.channel[e]);
            }
            if s == NO_STAGE {
                *unstaged_time.get_or_insert(0) += gap;
                continue;
            }
            let s = s as usize;
            let bit = 1u64 << s;
            let below = bit - 1;
            // The first event in a later stage since each earlier stage was entered.
            for earlier in bits(reached & below & !higher) {
                tally[earlier].to_next.push(t - entered[earlier]);
            }
            higher |= reached & below;
            if reached & bit == 0 {
                reached |= bit;
                entered[s] = t;
                time_in[s] = 0;
            } else if higher & bit != 0 {
                came |= bit;
            }
            time_in[s] += gap;
            if s + 1 != visit {
                step(visit, s + 1);
                visit = s + 1;
            }
        }
        if reached == 0 {
            without_stage += 1;
        } else {
            step(visit, end);
            let furthest = 63 - reached.leading_zeros() as usize;
            for s in bits(reached) {
                let t = &mut tally[s];
                t.reached += 1;
                t.time_in.push(time_in[s]);
                t.conversions += u64::from(converted);
            }
            for s in bits(higher) {
                tally[s].continued += 1;
            }
            for s in bits(came) {
                tally[s].came_back += 1;
            }
            if !converted {
                tally[furthest].lost += 1;
            }
            let below_furthest = (1u64 << furthest) - 1;
            for s in bits(below_furthest & !reached) {
                tally[s].skipped += 1;
            }
        }
        if let Some(time) = unstaged_time {
            let t = &mut tally[k];
            t.reached += 1;
            t.time_in.push(time);
            t.conversions += u64::from(converted);
        }
    }
    Walk {
        tally,
        tps,
        chs,
        flow,
        without_stage,
    }
}

/// The stage report of the journeys under `map`; `conversion` says whether a conversion is
/// defined; `top` names are listed per stage.
pub fn stages(j: &Journeys, map: &StageMap, conversion: bool, top: usize) -> StagesReport {
    // Two halves of the journeys on two threads; a small input is not worth a thread.
    stages_in(j, map, conversion, top, j.len() >= 1 << 16)
}

/// [`stages`], walking the journeys in two halves on two threads when `split`.
fn stages_in(
    j: &Journeys,
    map: &StageMap,
    conversion: bool,
    top: usize,
    split: bool,
) -> StagesReport {
    let k = map.names.len();
    let end = k + 1;
    let nodes = k + 2;
    let n = j.len();
    let mut w = if split {
        let half = n / 2;
        let (mut a, b) = std::thread::scope(|s| {
            let second = s.spawn(|| walk(j, map, half..n));
            let first = walk(j, map, 0..half);
            (first, second.join().expect("the stage walk does not panic"))
        });
        a.merge(b);
        a
    } else {
        walk(j, map, 0..n)
    };
    let tally = std::mem::take(&mut w.tally);
    let (tps, chs, flow, without_stage) = (&w.tps, &w.chs, &w.flow, w.without_stage);
    let chs = chs.as_ref().zip(j.channels.as_ref());
    let journeys = j.len() as u64;
    let share = |x: u64| {
        if journeys == 0 {
            0.0
        } else {
            x as f64 / journeys as f64
        }
    };
    let mut rows: Vec<StageRow> = tally
        .into_iter()
        .enumerate()
        .map(|(s, t)| {
            let staged = s < k;
            let progression = |x: u64| staged.then_some(x);
            StageRow {
                stage: if staged {
                    map.names[s].clone()
                } else {
                    UNSTAGED.to_string()
                },
                reached: t.reached,
                share: share(t.reached),
                continued: progression(t.continued),
                lost_here: progression(t.lost),
                skipped: progression(t.skipped),
                came_back: progression(t.came_back),
                // Without event times (a variants table) the times are unknown.
                time_in_stage: Quantiles::of(t.time_in).filter(|_| !j.timeless),
                time_to_next_stage: Quantiles::of(t.to_next).filter(|_| !j.timeless),
                events: t.events,
                top_touchpoints: tps.top(s, &j.touchpoints, t.events, top),
                top_channels: chs.as_ref().map(|(c, d)| c.top(s, d, t.events, top)),
                conversions: conversion.then_some(t.conversions),
                conversion_rate: (conversion && t.reached > 0)
                    .then(|| t.conversions as f64 / t.reached as f64),
                scores: None,
            }
        })
        .collect();
    let unstaged = rows.pop().expect("the (unstaged) row");
    let node_name = |n: usize| match n {
        0 => "(start)".to_string(),
        n if n == end => "(end)".to_string(),
        n => map.names[n - 1].clone(),
    };
    let mut edges = Vec::new();
    for from in 0..nodes {
        for to in 0..nodes {
            let (count, journeys, _) = flow[from * nodes + to];
            if count > 0 {
                edges.push(FlowEdge {
                    from: node_name(from),
                    to: node_name(to),
                    count,
                    journeys,
                    back_step: to < from,
                    from_node: from,
                    to_node: to,
                });
            }
        }
    }
    StagesReport {
        journeys,
        events: j.events() as u64,
        unstaged_events: unstaged.events,
        journeys_without_stage: without_stage,
        stages: rows,
        unstaged,
        flow: edges,
        scores: None,
    }
}

/// Adds each stage's (and `(unstaged)`'s) score summary to the report.
pub fn add_scores(
    report: &mut StagesReport,
    j: &Journeys,
    map: &StageMap,
    scores: &Scores,
    info: ScoresInfo,
    conversion: bool,
) {
    let k = map.names.len();
    let values = j.values();
    let mut summaries = by_group(j, scores, k + 1, info.low_score, conversion, |e| {
        Some(map.stage_of(values[e]).unwrap_or(k))
    });
    report.unstaged.scores = summaries.pop();
    for (row, s) in report.stages.iter_mut().zip(summaries) {
        row.scores = Some(s);
    }
    report.scores = Some(info);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::test_support::journeys;

    /// Two halves on two threads give the report of one walk.
    #[test]
    fn split_walks_add_up_to_one_walk() {
        let names = ["a", "b", "c", "d", "x"];
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let paths: Vec<String> = (0..999)
            .map(|_| {
                let len = 1 + next() % 7;
                (0..len)
                    .map(|_| names[next() % names.len()])
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let converted: Vec<bool> = (0..paths.len()).map(|i| i % 3 == 0).collect();
        let j = journeys(&paths, &converted);
        let defs =
            [("one", "a"), ("two", "b"), ("three", "c"), ("four", "d")].map(|(name, entry)| {
                StageDef {
                    name: name.to_string(),
                    entries: vec![entry.to_string()],
                }
            });
        let (map, _) = StageMap::build(&defs, j.names()).unwrap();
        let one = stages_in(&j, &map, true, 3, false);
        let two = stages_in(&j, &map, true, 3, true);
        assert_eq!(one, two);
        assert!(one.stages.iter().all(|s| s.reached > 0) && one.unstaged.reached > 0);
    }

    #[test]
    fn stage_walks_have_one_event_per_visit() {
        // a and b in stage one, c in two; x unstaged. "a b x a c" visits one (a b x a: one
        // visit around an unstaged event), then two; "x" has no staged event.
        let j = journeys(
            &["a b x a c", "x", "c a c", "b"],
            &[true, false, false, true],
        );
        let defs = [("one", vec!["a", "b"]), ("two", vec!["c"])].map(|(name, entries)| StageDef {
            name: name.to_string(),
            entries: entries.into_iter().map(String::from).collect(),
        });
        let (map, _) = StageMap::build(&defs, j.names()).unwrap();
        let (walks, without) = stage_walks(&j, &map);
        assert_eq!(without, 1);
        let named: Vec<Vec<&str>> = (0..walks.len())
            .map(|w| {
                walks
                    .journey(w)
                    .iter()
                    .map(|&v| walks.names().name(v))
                    .collect()
            })
            .collect();
        assert_eq!(
            named,
            [vec!["one", "two"], vec!["two", "one", "two"], vec!["one"]]
        );
        assert_eq!(walks.converted, [true, false, true]);
        // A visit is at its first event: "c a c" visits two at its 1st event, one at its 2nd.
        let second = walks.range(1);
        assert_eq!(walks.row[second.start + 1], j.row[j.range(2).start + 1]);
        // The flow edges of the stage report count the same steps.
        let report = stages(&j, &map, true, 3);
        let steps = |from: &str, to: &str| {
            report
                .flow
                .iter()
                .find(|e| e.from == from && e.to == to)
                .map_or(0, |e| e.count)
        };
        assert_eq!(steps("one", "two"), 2);
        assert_eq!(steps("two", "one"), 1);
    }
}
