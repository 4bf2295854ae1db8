//! Funnels (metrics.md, Funnels): how far each journey gets through steps s1..sk.
//!
//! The matching rules and per-step numbers behind `journeymap funnel`.

use serde::Serialize;

use super::stats::nearest_rank;
use crate::journey::Journeys;

/// How steps must follow each other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FunnelOrder {
    /// s1..sj at strictly increasing positions, other events allowed in between.
    #[default]
    Ordered,
    /// s1..sj as consecutive events.
    Strict,
    /// j of the steps (as a multiset), in any order.
    Any,
}

impl FunnelOrder {
    /// The order's name, as `--order` spells it.
    pub fn name(self) -> &'static str {
        match self {
            FunnelOrder::Ordered => "ordered",
            FunnelOrder::Strict => "strict",
            FunnelOrder::Any => "any",
        }
    }
}

use super::steps::Step;

/// Per-step numbers.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StepRow {
    pub step: String,
    pub reached: u64,
    pub drop_off: u64,
    pub rate_from_first: Option<f64>,
    pub rate_from_previous: Option<f64>,
    pub share_of_journeys: Option<f64>,
}

/// Time from the first to the last step of the matches that reached the last step.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TimeToConvert {
    pub count: u64,
    pub median_s: Option<f64>,
    pub p90_s: Option<f64>,
    pub max_s: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FunnelReport {
    pub journeys: u64,
    pub steps: Vec<StepRow>,
    pub time_to_convert: TimeToConvert,
    /// Per journey: the deepest step reached (0 = not even the first).
    #[serde(skip)]
    pub depth: Vec<u32>,
    /// Per journey: the time to convert (ns) of the match that reached the last step.
    #[serde(skip)]
    pub convert: Vec<Option<i64>>,
    /// The times to convert (ns) of the journeys summarised, sorted.
    #[serde(skip)]
    pub times_to_convert: Vec<i64>,
}

/// The deepest step journey `values`/`times` reaches, and the time from s1 to sk of the
/// earliest match that reached the last step (if any).
pub fn match_journey(
    values: &[u32],
    times: &[i64],
    steps: &[Step],
    order: FunnelOrder,
    window: Option<i64>,
    excluded: &[bool],
) -> (usize, Option<i64>) {
    let k = steps.len();
    let is_excluded = |v: u32| excluded.get(v as usize).copied().unwrap_or(false);
    if order == FunnelOrder::Any && window.is_none() {
        // The excluded events cut the journey into parts; a match lies within one part.
        let mut best = (0, None);
        for part in split_at_excluded(values, &is_excluded) {
            let (d, t) = any_whole(&values[part.clone()], &times[part], steps);
            if d > best.0 || (d == best.0 && best.1.is_none()) {
                best = (d, t);
            }
        }
        return best;
    }
    let mut best = 0;
    let mut convert_time = None;
    for p in 0..values.len() {
        if !steps[0].hit(values[p]) {
            continue;
        }
        let deadline = window.map_or(i64::MAX, |w| times[p].saturating_add(w));
        let (depth, last) = match order {
            FunnelOrder::Ordered => {
                let (mut j, mut last) = (1, p);
                for (q, &v) in values.iter().enumerate().skip(p + 1) {
                    if j == k || times[q] > deadline || is_excluded(v) {
                        break;
                    }
                    if steps[j].hit(v) {
                        j += 1;
                        last = q;
                    }
                }
                (j, last)
            }
            FunnelOrder::Strict => {
                let mut j = 1;
                while j < k
                    && p + j < values.len()
                    && times[p + j] <= deadline
                    && !is_excluded(values[p + j])
                    && steps[j].hit(values[p + j])
                {
                    j += 1;
                }
                (j, p + j - 1)
            }
            FunnelOrder::Any => any_depth(values, times, p, deadline, steps, &is_excluded),
        };
        if depth > best {
            best = depth;
        }
        if depth == k && convert_time.is_none() {
            convert_time = Some(times[last].saturating_sub(times[p]));
        }
        // Without a window or exclusions the first start is the best start for ordered.
        if window.is_none() && excluded.is_empty() && order != FunnelOrder::Strict {
            break;
        }
        if best == k && convert_time.is_some() {
            break;
        }
    }
    (best, convert_time)
}

/// Any order without a window: how many of the steps (a multiset; each event used once)
/// the whole journey contains, greedy in step order; the time runs from the first to the
/// last event used.
fn any_whole(values: &[u32], times: &[i64], steps: &[Step]) -> (usize, Option<i64>) {
    let mut used = vec![false; steps.len()];
    let (mut depth, mut first, mut last) = (0, None, 0);
    for (q, &v) in values.iter().enumerate() {
        if depth == steps.len() {
            break;
        }
        if let Some(s) = (0..steps.len()).find(|&s| !used[s] && steps[s].hit(v)) {
            used[s] = true;
            depth += 1;
            first.get_or_insert(q);
            last = q;
        }
    }
    let time = (depth == steps.len())
        .then(|| first.map(|f| times[last].saturating_sub(times[f])))
        .flatten();
    (depth, time)
}

/// Any order within a window: how many of the steps (a multiset; each event used once)
/// occur from an occurrence `p` of step 1 until the deadline, greedy in step order.
fn any_depth(
    values: &[u32],
    times: &[i64],
    p: usize,
    deadline: i64,
    steps: &[Step],
    is_excluded: &dyn Fn(u32) -> bool,
) -> (usize, usize) {
    let mut used = vec![false; steps.len()];
    used[0] = true;
    let (mut depth, mut last) = (1, p);
    for (q, &v) in values.iter().enumerate().skip(p + 1) {
        if times[q] > deadline || depth == steps.len() || is_excluded(v) {
            break;
        }
        if let Some(s) = (1..steps.len()).find(|&s| !used[s] && steps[s].hit(v)) {
            used[s] = true;
            depth += 1;
            last = q;
        }
    }
    (depth, last)
}

/// The index ranges of `values` between excluded events (excluded events belong to none).
fn split_at_excluded(
    values: &[u32],
    is_excluded: &dyn Fn(u32) -> bool,
) -> Vec<std::ops::Range<usize>> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, &v) in values.iter().enumerate() {
        if is_excluded(v) {
            if start < i {
                parts.push(start..i);
            }
            start = i + 1;
        }
    }
    if start < values.len() {
        parts.push(start..values.len());
    }
    parts
}

/// Runs the funnel over all journeys. `excluded[id]` marks values that must not occur between
/// a match's first step and its last reached step (`--exclude-step`).
pub fn funnel(
    j: &Journeys,
    steps: &[Step],
    order: FunnelOrder,
    window: Option<i64>,
    excluded: &[bool],
) -> FunnelReport {
    let k = steps.len();
    let values = j.values();
    let mut depth = Vec::with_capacity(j.len());
    let mut convert = Vec::with_capacity(j.len());
    for journey in 0..j.len() {
        let r = j.range(journey);
        let (d, t) = if k == 0 {
            (0, None)
        } else {
            match_journey(
                &values[r.clone()],
                &j.time[r],
                steps,
                order,
                window,
                excluded,
            )
        };
        depth.push(d as u32);
        convert.push(t);
    }
    let mut report = summarize(steps, &depth, &convert, |_| true);
    if j.timeless {
        // Without event times (a variants table) only the count is known.
        let t = &mut report.time_to_convert;
        (t.median_s, t.p90_s, t.max_s) = (None, None, None);
        report.times_to_convert.clear();
    }
    report
}

/// The per-step numbers over the journeys that `keep` selects, from each journey's deepest
/// step and time to convert.
pub fn summarize(
    steps: &[Step],
    depth: &[u32],
    convert: &[Option<i64>],
    keep: impl Fn(usize) -> bool,
) -> FunnelReport {
    let k = steps.len();
    let mut reached = vec![0u64; k + 1];
    let mut times_to_convert = Vec::new();
    let mut n = 0u64;
    let mut kept_depth = Vec::new();
    for (i, &d) in depth.iter().enumerate() {
        if !keep(i) {
            continue;
        }
        n += 1;
        reached[d as usize] += 1;
        kept_depth.push(d);
        if let Some(t) = convert[i] {
            times_to_convert.push(t);
        }
    }
    // reached[j] so far counts journeys whose deepest step is j; make it "at least j".
    for s in (0..k).rev() {
        reached[s] += reached[s + 1];
    }
    let ratio = |a: u64, b: u64| (b > 0).then(|| a as f64 / b as f64);
    let rows = (1..=k)
        .map(|s| StepRow {
            step: steps[s - 1].name.clone(),
            reached: reached[s],
            drop_off: if s == 1 {
                0
            } else {
                reached[s - 1] - reached[s]
            },
            rate_from_first: ratio(reached[s], reached[1]),
            rate_from_previous: if s == 1 {
                ratio(reached[1], reached[1])
            } else {
                ratio(reached[s], reached[s - 1])
            },
            share_of_journeys: ratio(reached[s], n),
        })
        .collect();
    times_to_convert.sort_unstable();
    let secs = |ns: i64| ns as f64 / 1e9;
    FunnelReport {
        journeys: n,
        steps: rows,
        time_to_convert: TimeToConvert {
            count: times_to_convert.len() as u64,
            median_s: nearest_rank(&times_to_convert, 0.5).map(secs),
            p90_s: nearest_rank(&times_to_convert, 0.9).map(secs),
            max_s: times_to_convert.last().copied().map(secs),
        },
        // Per-journey details only for the funnel over every journey (breakdowns reuse them).
        convert: if kept_depth.len() == depth.len() {
            convert.to_vec()
        } else {
            Vec::new()
        },
        depth: if kept_depth.len() == depth.len() {
            kept_depth
        } else {
            Vec::new()
        },
        times_to_convert,
    }
}

/// One bar of the time-to-convert histogram: `from_s <= t < to_s` (the last bar includes its
/// upper bound).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Bin {
    pub from_s: f64,
    pub to_s: f64,
    pub count: u64,
}

/// `bins` equal-width bars from 0 to the largest time (sorted ns input).
pub fn histogram(sorted: &[i64], bins: usize) -> Vec<Bin> {
    let Some(&max) = sorted.last() else {
        return Vec::new();
    };
    let bins = bins.max(1);
    let width = (max.max(0) as f64 / bins as f64).max(1.0);
    let mut out: Vec<Bin> = (0..bins)
        .map(|b| Bin {
            from_s: b as f64 * width / 1e9,
            to_s: (b + 1) as f64 * width / 1e9,
            count: 0,
        })
        .collect();
    for &t in sorted {
        let b = ((t.max(0) as f64 / width) as usize).min(bins - 1);
        out[b].count += 1;
    }
    out
}

#[cfg(test)]
#[path = "funnel_tests.rs"]
mod tests;
