//! A funnel split by a column (`funnel --breakdown COL`), and the journeys that stopped before
//! a step (`funnel --dropped-at N`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::funnel::{summarize, FunnelReport};
use super::inspect::rfc3339;
use super::steps::Step;
use crate::journey::Journeys;

/// `--breakdown COL`: the funnel per value of COL (from each journey's first event).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Breakdown {
    pub column: String,
    pub values: Vec<ValueFunnel>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ValueFunnel {
    pub value: String,
    #[serde(flatten)]
    pub report: FunnelReport,
}

/// Splits the journeys by `group` (each journey's value id, named by `label`); the `top`
/// values with the most journeys (then by name, as bytes) come first, the rest go to
/// "(other)".
pub fn breakdown(
    steps: &[Step],
    overall: &FunnelReport,
    column: &str,
    group: &[u32],
    label: &dyn Fn(u32) -> String,
    top: usize,
) -> Breakdown {
    let mut counts: BTreeMap<u32, u64> = BTreeMap::new();
    for &g in group {
        *counts.entry(g).or_default() += 1;
    }
    let mut order: Vec<(u32, u64)> = counts.into_iter().collect();
    order.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| label(a.0).as_bytes().cmp(label(b.0).as_bytes()))
    });
    let shown: Vec<u32> = order.iter().take(top.max(1)).map(|(g, _)| *g).collect();
    let mut values: Vec<ValueFunnel> = shown
        .iter()
        .map(|&g| ValueFunnel {
            value: label(g),
            report: summarize(steps, &overall.depth, &overall.convert, |i| group[i] == g),
        })
        .collect();
    if order.len() > shown.len() {
        values.push(ValueFunnel {
            value: "(other)".to_string(),
            report: summarize(steps, &overall.depth, &overall.convert, |i| {
                !shown.contains(&group[i])
            }),
        });
    }
    Breakdown {
        column: column.to_string(),
        values,
    }
}

/// One journey that stopped before step N (`--dropped-at N`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Dropped {
    pub customer_id: String,
    pub journey_start: String,
    pub steps_reached: u32,
}

/// The journeys that reached step n-1 but not step n, by customer id (byte order), then start.
pub fn dropped(j: &Journeys, r: &FunnelReport, n: usize) -> Vec<Dropped> {
    let mut out: Vec<Dropped> = (0..j.len())
        .filter(|&i| r.depth[i] as usize == n - 1)
        .map(|i| Dropped {
            customer_id: j.customers.name(j.customer[i]).to_string(),
            journey_start: rfc3339(j.time[j.range(i).start]),
            steps_reached: r.depth[i],
        })
        .collect();
    out.sort_by(|a, b| {
        a.customer_id
            .as_bytes()
            .cmp(b.customer_id.as_bytes())
            .then_with(|| a.journey_start.cmp(&b.journey_start))
    });
    out
}
