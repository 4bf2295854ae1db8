//! Two sets of journeys side by side (`journeymap diff`): for each path, edge, exit and funnel
//! step, the share or rate in A and in B, the change, and a two-proportion z-test.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::funnel::FunnelReport;
use super::measures::{self, EdgeRates, Node, Rate};
use super::ztest::two_proportion;

/// One side's value: the share or rate, and the x of n it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SideValue {
    pub value: Option<f64>,
    pub count: u64,
    pub total: u64,
}

impl From<Rate> for SideValue {
    fn from(r: Rate) -> SideValue {
        SideValue {
            value: r.value,
            count: r.of.count,
            total: r.of.total,
        }
    }
}

/// One compared item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DiffRow {
    /// The path (`a > b`), edge (`a -> b`), touchpoint, or funnel step (`2 add_to_cart`).
    pub item: String,
    /// share, p_out, exit_rate, rate_from_previous or rate_from_first.
    pub measure: &'static str,
    pub a: SideValue,
    pub b: SideValue,
    /// b - a; `None` when either value is undefined.
    pub change: Option<f64>,
    /// (b - a) / a; `None` when a is 0 or undefined.
    pub relative_change: Option<f64>,
    /// Two-sided p-value of the two-proportion z-test (`None` without a total on a side).
    pub p_value: Option<f64>,
    /// For edges: the larger of the two counts (the width of a drawn edge).
    #[serde(skip)]
    pub larger_count: u64,
    /// For edges: the two ends.
    #[serde(skip)]
    pub ends: Option<(Node, Node)>,
}

/// Builds a row from the two sides' rates.
pub fn row(item: String, measure: &'static str, a: Rate, b: Rate) -> DiffRow {
    // From the counts (x of n), not from the values already rounded for printing.
    let exact = |r: &Rate| {
        r.value.map(|v| {
            if r.of.total > 0 {
                r.of.count as f64 / r.of.total as f64
            } else {
                v
            }
        })
    };
    let change = match (exact(&a), exact(&b)) {
        (Some(x), Some(y)) => Some(y - x),
        _ => None,
    };
    let relative_change = match (exact(&a), exact(&b)) {
        (Some(x), Some(y)) if x != 0.0 => Some((y - x) / x),
        _ => None,
    };
    DiffRow {
        item,
        measure,
        a: a.into(),
        b: b.into(),
        change,
        relative_change,
        p_value: two_proportion(a.of, b.of).map(|t| t.p_value),
        larger_count: 0,
        ends: None,
    }
}

/// Rows for every key of either map; a key missing on one side is 0 of that side's total.
pub fn rows_for<K: Ord + Clone>(
    a: &BTreeMap<K, Rate>,
    b: &BTreeMap<K, Rate>,
    missing_a: impl Fn(&K) -> Rate,
    missing_b: impl Fn(&K) -> Rate,
    label: impl Fn(&K) -> String,
    measure: &'static str,
) -> Vec<DiffRow> {
    let keys: BTreeSet<&K> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .map(|k| {
            let ra = a.get(k).copied().unwrap_or_else(|| missing_a(k));
            let rb = b.get(k).copied().unwrap_or_else(|| missing_b(k));
            row(label(k), measure, ra, rb)
        })
        .collect()
}

/// Every edge of either side; p_out is 0 of the source's out-count where the edge does not
/// occur, and undefined where the source does not.
pub fn edge_rows(a: &EdgeRates, b: &EdgeRates) -> Vec<DiffRow> {
    let keys: std::collections::BTreeSet<_> = a.edges.keys().chain(b.edges.keys()).collect();
    let undefined = Rate::undefined();
    keys.into_iter()
        .map(|(from, to)| {
            let ra = a.get(from, to).unwrap_or(undefined);
            let rb = b.get(from, to).unwrap_or(undefined);
            let mut r = row(format!("{} -> {}", from.name, to.name), "p_out", ra, rb);
            r.larger_count = ra.of.count.max(rb.of.count);
            r.ends = Some((from.clone(), to.clone()));
            r
        })
        .collect()
}

/// The funnel section: per step from 2 on, the rate from the previous step; then the overall
/// rate (the last step from the first). `texts` are the steps as given.
pub fn funnel_rows(texts: &[String], fa: &FunnelReport, fb: &FunnelReport) -> Vec<DiffRow> {
    let undefined = Rate::undefined();
    let mut rows = Vec::new();
    for s in 2..=texts.len() {
        let ra = measures::step_rate(fa, s).unwrap_or(undefined);
        let rb = measures::step_rate(fb, s).unwrap_or(undefined);
        let item = format!("step {s} {} (from {})", texts[s - 1], texts[s - 2]);
        rows.push(row(item, "rate_from_previous", ra, rb));
    }
    let ra = measures::overall_rate(fa).unwrap_or(undefined);
    let rb = measures::overall_rate(fb).unwrap_or(undefined);
    rows.push(row(
        format!("overall {}", texts.join(" > ")),
        "rate_from_first",
        ra,
        rb,
    ));
    rows
}

/// How `diff` orders its rows (`--sort`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum RankBy {
    /// Largest change first (by absolute value).
    #[default]
    Change,
    /// Smallest p-value first (the changes least likely to be chance), then largest change.
    PValue,
}

/// Ranks rows `by` change or p-value, rows without one last, then by item as bytes and
/// measure; drops rows whose change is below `min_change`, keeps the first `top` (0 = all).
/// Returns how many rows were hidden.
pub fn rank(rows: &mut Vec<DiffRow>, min_change: f64, top: usize, by: RankBy) -> u64 {
    use std::cmp::Ordering;
    let before = rows.len();
    rows.retain(|r| r.change.is_none_or(|c| c.abs() >= min_change));
    // Defined values first; larger first (a negated p-value sorts the smallest first).
    let descending = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => b.total_cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    let change = |r: &DiffRow| r.change.map(f64::abs);
    rows.sort_by(|x, y| {
        match by {
            RankBy::Change => descending(change(x), change(y)),
            RankBy::PValue => descending(x.p_value.map(|p| -p), y.p_value.map(|p| -p))
                .then_with(|| descending(change(x), change(y))),
        }
        .then_with(|| x.item.as_bytes().cmp(y.item.as_bytes()))
        .then_with(|| x.measure.cmp(y.measure))
    });
    if top > 0 {
        rows.truncate(top);
    }
    (before - rows.len()) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::round6;
    use crate::analysis::ztest::Proportion;

    fn rate(x: u64, n: u64) -> Rate {
        Rate {
            value: Some(round6(x as f64 / n as f64)),
            of: Proportion::new(x, n),
        }
    }

    #[test]
    fn changes_come_from_the_counts_not_the_rounded_values() {
        // 1 -> 3 of 3,000 is +200% exactly; the rounded shares 0.000333 and 0.001 would
        // give +200.3%.
        let r = row("p".into(), "share", rate(1, 3000), rate(3, 3000));
        assert_eq!(r.relative_change.map(round6), Some(2.0));
        assert_eq!(r.change.map(round6), Some(0.000667));
        // Equal changes as printed compare equal, so they sort by name (rows are ranked
        // after rounding, as `diff` prints them).
        let (x, y) = (
            row("x".into(), "share", rate(7, 3000), rate(5, 3000)),
            row("y".into(), "share", rate(2, 3000), rate(0, 3000)),
        );
        assert_eq!(x.change.map(round6), y.change.map(round6));
    }

    #[test]
    fn change_relative_change_and_p_value() {
        // testdata/README.md (ab_a.csv, ab_b.csv): 6 of 10 -> 4 of 20.
        let r = row("p".into(), "share", rate(6, 10), rate(4, 20));
        assert_eq!(r.change, Some(0.2 - 0.6));
        assert_eq!(r.relative_change, Some((0.2 - 0.6) / 0.6));
        assert_eq!(r.p_value.map(round6), Some(0.02846));
        let same = row("p".into(), "share", rate(3, 10), rate(3, 10));
        assert_eq!((same.change, same.p_value), (Some(0.0), Some(1.0)));
        let from_zero = row("p".into(), "share", rate(0, 10), rate(3, 10));
        assert_eq!(from_zero.relative_change, None);
        assert_eq!(
            row("p".into(), "x", Rate::undefined(), rate(1, 2)).change,
            None
        );
    }

    #[test]
    fn union_of_keys_and_ranking() {
        let a: BTreeMap<&str, Rate> = [("x", rate(1, 10)), ("y", rate(5, 10))].into();
        let b: BTreeMap<&str, Rate> = [("y", rate(2, 10)), ("z", rate(1, 10))].into();
        let mut rows = rows_for(
            &a,
            &b,
            |_| Rate::absent(10),
            |_| Rate::absent(10),
            |k| k.to_string(),
            "share",
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(rank(&mut rows, 0.0, 0, RankBy::Change), 0);
        let order: Vec<&str> = rows.iter().map(|r| r.item.as_str()).collect();
        // y changes by 0.3; x and z by 0.1 each (then by name).
        assert_eq!(order, ["y", "x", "z"]);
        assert_eq!(rank(&mut rows, 0.2, 0, RankBy::Change), 2);
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn ranking_by_p_value() {
        // 1 of 2 -> 2 of 2 moves 50 points on tiny samples (p 0.2482); 100 of 1000 ->
        // 150 of 1000 moves 5 points (p < 0.001); 5 of 10 -> 5 of 10 has p 1; an undefined
        // side has no p-value and goes last.
        let mut rows = vec![
            row("tiny".into(), "share", rate(1, 2), rate(2, 2)),
            row("big".into(), "share", rate(100, 1000), rate(150, 1000)),
            row("same".into(), "share", rate(5, 10), rate(5, 10)),
            row("none".into(), "share", Rate::undefined(), rate(1, 2)),
        ];
        assert_eq!(rank(&mut rows.clone(), 0.0, 0, RankBy::Change), 0);
        assert_eq!(rank(&mut rows, 0.0, 3, RankBy::PValue), 1);
        let order: Vec<&str> = rows.iter().map(|r| r.item.as_str()).collect();
        assert_eq!(order, ["big", "tiny", "same"]);
        assert!(rows[0].p_value.unwrap() < 0.001);
        assert_eq!(rows[1].p_value.map(round6), Some(0.248213));
    }
}
