//! Drop-off: where journeys end without converting (metrics.md, Drop-off).

use std::collections::HashMap;

use foldhash::fast::FixedState;
use serde::Serialize;

use super::graph::{node_stats, START};
use crate::journey::Journeys;

/// How many of the most common last two steps are listed.
pub const LAST_STEPS: usize = 10;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DropoffReport {
    pub journeys: u64,
    pub events: u64,
    /// Journeys that exit (all journeys, or the non-converting ones with a conversion defined).
    pub exits: u64,
    /// Per value, most exits first (then name).
    pub touchpoints: Vec<DropoffRow>,
    /// The most common last two steps of exiting journeys; a one-event journey's pair starts
    /// at `(start)`.
    pub last_steps: Vec<LastSteps>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DropoffRow {
    pub name: String,
    /// Journeys that contain it at least once.
    pub reach: u64,
    /// Exiting journeys whose last event it is.
    pub exits: u64,
    /// exits / reach.
    pub exit_rate: Option<f64>,
    /// exits / all exits.
    pub share_of_exits: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LastSteps {
    pub before: String,
    pub last: String,
    pub exits: u64,
    pub share_of_exits: f64,
}

pub fn dropoff(j: &Journeys, conversion_defined: bool) -> DropoffReport {
    let names = j.names();
    let values = j.values();
    let (_, reach, exits) = node_stats(j, values, names.len(), conversion_defined);
    let total_exits: u64 = exits.iter().sum();
    let share = |n: u64| (total_exits > 0).then(|| n as f64 / total_exits as f64);
    let mut rows: Vec<DropoffRow> = (0..names.len())
        .filter(|&v| reach[v] > 0)
        .map(|v| DropoffRow {
            name: names.name(v as u32).to_string(),
            reach: reach[v],
            exits: exits[v],
            exit_rate: Some(exits[v] as f64 / reach[v] as f64),
            share_of_exits: share(exits[v]),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.exits
            .cmp(&a.exits)
            .then_with(|| a.name.as_bytes().cmp(b.name.as_bytes()))
    });

    let mut pairs: HashMap<(u32, u32), u64, FixedState> = HashMap::default();
    for journey in 0..j.len() {
        if conversion_defined && j.converted[journey] {
            continue;
        }
        let r = j.range(journey);
        let before = if r.len() >= 2 {
            values[r.end - 2]
        } else {
            u32::MAX
        };
        *pairs.entry((before, values[r.end - 1])).or_default() += 1;
    }
    let label = |v: u32| if v == u32::MAX { START } else { names.name(v) };
    let mut last_steps: Vec<LastSteps> = pairs
        .into_iter()
        .map(|((b, l), n)| LastSteps {
            before: label(b).to_string(),
            last: label(l).to_string(),
            exits: n,
            share_of_exits: n as f64 / total_exits.max(1) as f64,
        })
        .collect();
    last_steps.sort_by(|a, b| {
        b.exits
            .cmp(&a.exits)
            .then_with(|| a.before.as_bytes().cmp(b.before.as_bytes()))
            .then_with(|| a.last.as_bytes().cmp(b.last.as_bytes()))
    });
    last_steps.truncate(LAST_STEPS);
    DropoffReport {
        journeys: j.len() as u64,
        events: j.events() as u64,
        exits: total_exits,
        touchpoints: rows,
        last_steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::test_support::journeys;

    #[test]
    fn exits_reach_and_rates() {
        let j = journeys(
            &["a b c", "a b", "a b c", "b", "a c a"],
            &[true, false, false, false, false],
        );
        let r = dropoff(&j, true);
        assert_eq!(r.exits, 4);
        let row = |n: &str| r.touchpoints.iter().find(|t| t.name == n).unwrap().clone();
        // b: reached by 4 journeys, last in "a b" and "b".
        assert_eq!(
            (row("b").reach, row("b").exits, row("b").exit_rate),
            (4, 2, Some(0.5))
        );
        // c: reached by 3 (incl. the converting one), exit in "a b c" #3 only.
        assert_eq!((row("c").reach, row("c").exits), (3, 1));
        assert_eq!(row("a").exits, 1);
        assert_eq!(r.touchpoints[0].name, "b");
        assert_eq!(row("b").share_of_exits, Some(0.5));
        // Last two steps: a>b 1, (start)>b 1, b>c 1, c>a 1; ordered by count then names.
        let pairs: Vec<(String, String)> = r
            .last_steps
            .iter()
            .map(|p| (p.before.clone(), p.last.clone()))
            .collect();
        assert_eq!(pairs[0], ("(start)".into(), "b".into()));
        assert_eq!(pairs.len(), 4);
    }

    #[test]
    fn without_conversion_every_journey_exits() {
        let j = journeys(&["a b", "a"], &[true, true]);
        let r = dropoff(&j, false);
        assert_eq!(r.exits, 2);
    }
}
