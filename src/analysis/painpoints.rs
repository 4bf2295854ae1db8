//! Pain points (metrics.md, Pain points): the values of the analysis level ranked by the
//! journeys lost there, with their exit rate, loops, stage and scores beside.

use serde::Serialize;

use super::graph::node_stats;
use super::scores::{by_group, ScoreSummary, Scores};
use super::stages::{StageMap, UNSTAGED};
use crate::journey::Journeys;

/// How the rows are ranked (`--sort`); ties go by journeys lost, then by name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PainSort {
    /// Most journeys lost first.
    #[default]
    Lost,
    /// Highest exit rate first.
    ExitRate,
    /// Most journeys that loop back first.
    Loops,
    /// Lowest mean score first (values without scores last).
    MeanScore,
}

impl PainSort {
    pub fn name(self) -> &'static str {
        match self {
            PainSort::Lost => "lost",
            PainSort::ExitRate => "exit-rate",
            PainSort::Loops => "loops",
            PainSort::MeanScore => "mean-score",
        }
    }
}

/// One value's row.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PainRow {
    pub name: String,
    /// The value's stage, when a stage map is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    pub journeys: u64,
    pub lost_here: u64,
    pub exit_rate: f64,
    pub share_of_lost: Option<f64>,
    pub loops: u64,
    pub loop_rate: f64,
    /// With `--score-col`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scores: Option<ScoreSummary>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PainReport {
    pub journeys: u64,
    pub events: u64,
    /// Journeys lost (all of them without a conversion definition).
    pub lost: u64,
    /// The values that occur (rows before `--top`).
    pub values: u64,
    /// The values, ranked (the first `--top` of them in outputs).
    pub rows: Vec<PainRow>,
}

/// Per value, the journeys that come back to it: an event of the value, later one of another
/// value, later again one of the value.
fn loops(j: &Journeys, names: usize) -> Vec<u64> {
    let values = j.values();
    let mut loops = vec![0u64; names];
    // Per value: the last journey it was seen in, and the last journey it looped in.
    let mut seen = vec![usize::MAX; names];
    let mut looped = vec![usize::MAX; names];
    for jx in 0..j.len() {
        let r = j.range(jx);
        for e in r.clone() {
            let v = values[e] as usize;
            if seen[v] == jx {
                if looped[v] != jx && values[e - 1] as usize != v {
                    looped[v] = jx;
                    loops[v] += 1;
                }
            } else {
                seen[v] = jx;
            }
        }
    }
    loops
}

/// The pain points of the journeys; `stages` names each value's stage, `scores` adds each
/// value's score summary (`low`: the low-score threshold).
pub fn painpoints(
    j: &Journeys,
    conversion_defined: bool,
    stages: Option<&StageMap>,
    scores: Option<(&Scores, Option<f64>)>,
    sort: PainSort,
) -> PainReport {
    let names = j.names();
    let values = j.values();
    let n = names.len();
    let (_, reach, exits) = node_stats(j, values, n, conversion_defined);
    let loops = loops(j, n);
    let lost: u64 = exits.iter().sum();
    let summaries = scores.map(|(s, low)| {
        by_group(j, s, n, low, conversion_defined, |e| {
            Some(values[e] as usize)
        })
    });
    let mut rows: Vec<PainRow> = (0..n)
        .filter(|&v| reach[v] > 0)
        .map(|v| PainRow {
            name: names.name(v as u32).to_string(),
            stage: stages.map(|m| m.stage_name(v as u32).unwrap_or(UNSTAGED).to_string()),
            journeys: reach[v],
            lost_here: exits[v],
            exit_rate: exits[v] as f64 / reach[v] as f64,
            share_of_lost: (lost > 0).then(|| exits[v] as f64 / lost as f64),
            loops: loops[v],
            loop_rate: loops[v] as f64 / reach[v] as f64,
            scores: summaries.as_ref().map(|s| s[v].clone()),
        })
        .collect();
    let mean = |r: &PainRow| r.scores.as_ref().and_then(|s| s.mean);
    rows.sort_by(|a, b| {
        let first = match sort {
            PainSort::Lost => std::cmp::Ordering::Equal,
            PainSort::ExitRate => b.exit_rate.total_cmp(&a.exit_rate),
            PainSort::Loops => b.loops.cmp(&a.loops),
            // Lowest first; a value without scores after every value with them.
            PainSort::MeanScore => match (mean(a), mean(b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            },
        };
        first
            .then_with(|| b.lost_here.cmp(&a.lost_here))
            .then_with(|| a.name.as_bytes().cmp(b.name.as_bytes()))
    });
    PainReport {
        journeys: j.len() as u64,
        events: j.events() as u64,
        lost,
        values: rows.len() as u64,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::test_support::journeys;

    #[test]
    fn loops_need_another_value_between() {
        // a b a: a loops; a a: a repeat, no loop; b c c b: b loops once per journey.
        let j = journeys(&["a b a a b", "a a c", "b c c b"], &[false, false, true]);
        let r = painpoints(&j, true, None, None, PainSort::Lost);
        let row = |name: &str| r.rows.iter().find(|x| x.name == name).unwrap().clone();
        assert_eq!((row("a").journeys, row("a").loops), (2, 1));
        assert_eq!((row("b").journeys, row("b").loops), (2, 2));
        assert_eq!(row("c").loops, 0);
        // Lost: journey 0 at b, journey 1 at c; journey 2 converts.
        assert_eq!(r.lost, 2);
        assert_eq!((row("b").lost_here, row("c").lost_here), (1, 1));
        assert_eq!(row("b").exit_rate, 0.5);
        assert_eq!(row("b").share_of_lost, Some(0.5));
        assert_eq!(row("a").share_of_lost, Some(0.0));
        // Ranked by lost, then name.
        let order: Vec<&str> = r.rows.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(order, ["b", "c", "a"]);
        // By loops: b (2), a (1), c (0); by exit rate: b and c (0.5) by lost then name, a.
        let order = |sort| {
            painpoints(&j, true, None, None, sort)
                .rows
                .iter()
                .map(|x| x.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(order(PainSort::Loops), ["b", "a", "c"]);
        assert_eq!(order(PainSort::ExitRate), ["b", "c", "a"]);
        assert_eq!(order(PainSort::MeanScore), ["b", "c", "a"]);
    }
}
