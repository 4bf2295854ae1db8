//! Path frequencies (variants): how many journeys take exactly each path (metrics.md, Paths).

use std::collections::HashMap;

use foldhash::fast::FixedState;
use serde::Serialize;

use super::stats::nearest_rank;
use crate::journey::Journeys;

/// What to count and show.
#[derive(Clone, Debug, Default)]
pub struct PathOptions {
    /// Show the first N paths (0 = all).
    pub top: usize,
    /// Hide paths with fewer journeys.
    pub min_count: u64,
    /// Sum the hidden paths into one `(other)` row.
    pub other: bool,
    /// Cut paths to their first K steps (the cut is marked and counts merge).
    pub max_steps: Option<usize>,
    /// Keep each journey from its first occurrence of this value.
    pub starting_at: Option<String>,
    /// Keep each journey up to its last occurrence of this value.
    pub ending_at: Option<String>,
}

/// The path table.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PathsReport {
    /// Journeys counted (journeys left out by --starting-at/--ending-at are not).
    pub journeys: u64,
    /// Journeys without the --starting-at/--ending-at value.
    pub left_out: u64,
    pub distinct_paths: u64,
    /// Events in the counted paths.
    pub events: u64,
    /// Paths shown (after --top and --min-count), with an `(other)` row last if asked for.
    pub paths: Vec<PathRow>,
    /// Distinct paths not shown.
    pub hidden_paths: u64,
}

/// One path and its journeys.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PathRow {
    /// The steps; `["(other)"]` for the row of hidden paths.
    pub path: Vec<String>,
    pub steps: Option<usize>,
    /// The path was cut by --max-steps (longer journeys start with these steps).
    pub cut: bool,
    pub count: u64,
    pub share: f64,
    /// Converting journeys with this path (absent without a conversion definition).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversions: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversion_rate: Option<Option<f64>>,
    /// Median of (last event - first event) over the path's journeys, in seconds.
    pub median_duration_s: Option<f64>,
}

/// The row label for the hidden paths.
pub const OTHER: &str = "(other)";

struct Group {
    count: u64,
    conversions: u64,
    durations: Vec<i64>,
}

/// The part of journey `j` (event index range) that the options keep, if any.
pub fn window(
    j: &Journeys,
    journey: usize,
    start_id: Option<Option<u32>>,
    end_id: Option<Option<u32>>,
) -> Option<std::ops::Range<usize>> {
    let r = j.range(journey);
    let values = &j.values()[r.clone()];
    let from = match start_id {
        None => 0,
        Some(None) => return None,
        Some(Some(id)) => values.iter().position(|v| *v == id)?,
    };
    let to = match end_id {
        None => values.len(),
        Some(None) => return None,
        Some(Some(id)) => values.iter().rposition(|v| *v == id)? + 1,
    };
    (from < to).then(|| r.start + from..r.start + to)
}

/// Counts paths.
pub fn paths(j: &Journeys, opts: &PathOptions, conversion_defined: bool) -> PathsReport {
    let names = j.names();
    let lookup = |n: &Option<String>| n.as_ref().map(|n| names.get(n));
    let (start_id, end_id) = (lookup(&opts.starting_at), lookup(&opts.ending_at));
    let values = j.values();
    let mut index: HashMap<(&[u32], bool), usize, FixedState> = HashMap::default();
    let mut keys: Vec<(&[u32], bool)> = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut counted = 0u64;
    let mut events = 0u64;
    let mut left_out = 0u64;
    for journey in 0..j.len() {
        let Some(mut r) = window(j, journey, start_id, end_id) else {
            left_out += 1;
            continue;
        };
        let mut cut = false;
        if let Some(k) = opts.max_steps {
            if r.len() > k {
                r.end = r.start + k;
                cut = true;
            }
        }
        counted += 1;
        events += r.len() as u64;
        let duration = j.time[r.end - 1].saturating_sub(j.time[r.start]);
        let key = (&values[r], cut);
        let g = *index.entry(key).or_insert_with(|| {
            keys.push(key);
            groups.push(Group {
                count: 0,
                conversions: 0,
                durations: Vec::new(),
            });
            groups.len() - 1
        });
        let group = &mut groups[g];
        group.count += 1;
        group.conversions += u64::from(j.converted[journey]);
        // Without event times (a variants table) no duration is known.
        if !j.timeless {
            group.durations.push(duration);
        }
    }
    drop(index);

    // Order: count descending, then the path element by element as byte strings (a shorter
    // prefix first), an uncut path before the cut one with the same steps.
    let rank = name_ranks(names);
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        groups[b].count.cmp(&groups[a].count).then_with(|| {
            let (pa, ca) = keys[a];
            let (pb, cb) = keys[b];
            pa.iter()
                .map(|v| rank[*v as usize])
                .cmp(pb.iter().map(|v| rank[*v as usize]))
                .then(ca.cmp(&cb))
        })
    });
    // Shares are of all journeys, the left-out ones included (metrics.md, Paths).
    let all_journeys = counted + left_out;
    let shown: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&g| groups[g].count >= opts.min_count)
        .take(if opts.top == 0 { usize::MAX } else { opts.top })
        .collect();
    let mut rows: Vec<PathRow> = shown
        .iter()
        .map(|&g| {
            let grp = &mut groups[g];
            let (path, cut) = keys[g];
            row(
                path.iter().map(|v| names.name(*v).to_string()).collect(),
                Some(path.len()),
                cut,
                grp.count,
                grp.conversions,
                &mut grp.durations,
                all_journeys,
                conversion_defined,
            )
        })
        .collect();
    let hidden = groups.len() - shown.len();
    if opts.other && hidden > 0 {
        let mut is_shown = vec![false; groups.len()];
        for &g in &shown {
            is_shown[g] = true;
        }
        let (mut count, mut conv, mut durations) = (0, 0, Vec::new());
        for (g, grp) in groups.iter().enumerate() {
            if !is_shown[g] {
                count += grp.count;
                conv += grp.conversions;
                durations.extend_from_slice(&grp.durations);
            }
        }
        rows.push(row(
            vec![OTHER.to_string()],
            None,
            false,
            count,
            conv,
            &mut durations,
            all_journeys,
            conversion_defined,
        ));
    }
    PathsReport {
        journeys: counted,
        left_out,
        distinct_paths: groups.len() as u64,
        events,
        paths: rows,
        hidden_paths: hidden as u64,
    }
}

#[allow(clippy::too_many_arguments)]
fn row(
    path: Vec<String>,
    steps: Option<usize>,
    cut: bool,
    count: u64,
    conversions: u64,
    durations: &mut [i64],
    all_journeys: u64,
    conversion_defined: bool,
) -> PathRow {
    durations.sort_unstable();
    PathRow {
        path,
        steps,
        cut,
        count,
        share: share(count, all_journeys).unwrap_or(0.0),
        conversions: conversion_defined.then_some(conversions),
        conversion_rate: conversion_defined
            .then(|| (count > 0).then(|| conversions as f64 / count as f64)),
        median_duration_s: nearest_rank(durations, 0.5).map(|ns| ns as f64 / 1e9),
    }
}

/// A path's share: its journeys over all journeys, the ones left out by --starting-at and
/// --ending-at included (metrics.md, Paths); `None` without journeys.
pub fn share(count: u64, all_journeys: u64) -> Option<f64> {
    (all_journeys > 0).then(|| count as f64 / all_journeys as f64)
}

/// How many journeys take exactly this path (their whole journey, at the analysis level),
/// and how many journeys there are: what `paths` counts for that path's row.
pub fn journeys_with_path(j: &Journeys, path: &[String]) -> (u64, u64) {
    let names = j.names();
    // A name that never occurs means no journey takes the path.
    let ids: Option<Vec<u32>> = path.iter().map(|name| names.get(name)).collect();
    let count = ids.map_or(0, |ids| {
        (0..j.len())
            .filter(|&i| j.journey(i) == ids.as_slice())
            .count() as u64
    });
    (count, j.len() as u64)
}

/// Each id's position when the names are sorted as byte strings.
pub fn name_ranks(names: &crate::journey::Dictionary) -> Vec<u32> {
    let mut ids: Vec<u32> = (0..names.len() as u32).collect();
    ids.sort_unstable_by(|a, b| names.name(*a).as_bytes().cmp(names.name(*b).as_bytes()));
    let mut rank = vec![0u32; ids.len()];
    for (r, id) in ids.iter().enumerate() {
        rank[*id as usize] = r as u32;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::test_support::journeys;

    fn texts(r: &PathsReport) -> Vec<(String, u64)> {
        r.paths
            .iter()
            .map(|p| (p.path.join(">") + if p.cut { ">…" } else { "" }, p.count))
            .collect()
    }

    #[test]
    fn counts_and_orders_paths() {
        let j = journeys(
            &["a b c", "a b", "a b c", "b", "a b", "a", "a b c"],
            &[true, false, false, false, true, false, false],
        );
        let r = paths(&j, &PathOptions::default(), true);
        assert_eq!(r.journeys, 7);
        assert_eq!(r.distinct_paths, 4);
        assert_eq!(r.events, 15);
        assert_eq!(
            texts(&r),
            vec![
                ("a>b>c".into(), 3),
                ("a>b".into(), 2),
                ("a".into(), 1),
                ("b".into(), 1)
            ]
        );
        assert_eq!(r.paths[0].share, 3.0 / 7.0);
        assert_eq!(r.paths[0].conversions, Some(1));
        assert_eq!(r.paths[1].conversion_rate, Some(Some(0.5)));
    }

    #[test]
    fn top_and_other_add_up() {
        let j = journeys(&["a", "a", "b", "c", "d"], &[false; 5]);
        let r = paths(
            &j,
            &PathOptions {
                top: 2,
                other: true,
                ..Default::default()
            },
            false,
        );
        assert_eq!(
            texts(&r),
            vec![("a".into(), 2), ("b".into(), 1), ("(other)".into(), 2)]
        );
        let total: f64 = r.paths.iter().map(|p| p.share).sum();
        assert!((total - 1.0).abs() < 1e-9);
        assert_eq!(r.hidden_paths, 2);
        assert_eq!(r.paths[0].conversions, None);
    }

    #[test]
    fn max_steps_cuts_and_merges() {
        let j = journeys(&["a b c", "a b d", "a b", "a"], &[false; 4]);
        let r = paths(
            &j,
            &PathOptions {
                max_steps: Some(2),
                ..Default::default()
            },
            false,
        );
        assert_eq!(
            texts(&r),
            vec![("a>b>…".into(), 2), ("a".into(), 1), ("a>b".into(), 1)]
        );
    }

    #[test]
    fn starting_and_ending_at() {
        let j = journeys(&["x a b a c", "b c", "a c b"], &[false; 3]);
        let opts = PathOptions {
            starting_at: Some("a".into()),
            ending_at: Some("b".into()),
            ..Default::default()
        };
        let r = paths(&j, &opts, false);
        // "x a b a c": from the first a to the last b -> a b; "b c": no a; "a c b" -> a c b.
        assert_eq!(texts(&r), vec![("a>b".into(), 1), ("a>c>b".into(), 1)]);
        assert_eq!(r.left_out, 1);
        let opts = PathOptions {
            starting_at: Some("zzz".into()),
            ..Default::default()
        };
        assert_eq!(paths(&j, &opts, false).left_out, 3);
    }

    #[test]
    fn median_duration_is_nearest_rank() {
        let j = journeys(&["a b", "a b", "a b"], &[false; 3]);
        // test_support spaces events 60 s apart and journeys start at different times.
        let r = paths(&j, &PathOptions::default(), false);
        assert_eq!(r.paths[0].median_duration_s, Some(60.0));
    }
}
