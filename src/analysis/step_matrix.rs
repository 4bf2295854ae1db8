//! The step matrix: for positions 1..N, the share of journeys at each value, with `(end)`
//! for journeys already over.

use serde::Serialize;

use crate::journey::Journeys;

pub const END: &str = "(end)";
pub const OTHER: &str = "(other)";

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StepMatrix {
    pub journeys: u64,
    pub positions: usize,
    /// Rows in order: values by events over all positions (then name), `(other)`, `(end)`.
    pub rows: Vec<MatrixRow>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MatrixRow {
    pub value: String,
    /// Share of the journeys at this value, per position (each position sums to 1).
    pub shares: Vec<f64>,
}

/// Counts per (value, position) over the journeys `keep` selects; the last id is `(end)`.
fn counts(j: &Journeys, positions: usize, keep: &dyn Fn(usize) -> bool) -> (Vec<Vec<u64>>, u64) {
    let k = j.names().len();
    let mut c = vec![vec![0u64; positions]; k + 1];
    let mut n = 0;
    for journey in (0..j.len()).filter(|&i| keep(i)) {
        n += 1;
        let path = j.journey(journey);
        for p in 0..positions {
            let row = path.get(p).map_or(k, |&v| v as usize);
            if let Some(cell) = c[row].get_mut(p) {
                *cell += 1;
            }
        }
    }
    (c, n)
}

/// The matrix over the journeys `keep` selects. Values whose share stays below `threshold` at
/// every position are summed into `(other)`; `layout` fixes the rows (for comparisons).
pub fn step_matrix(
    j: &Journeys,
    positions: usize,
    threshold: f64,
    keep: &dyn Fn(usize) -> bool,
    layout: Option<&[String]>,
) -> StepMatrix {
    let names = j.names();
    let k = names.len();
    let (c, n) = counts(j, positions, keep);
    let share = |x: u64| if n == 0 { 0.0 } else { x as f64 / n as f64 };
    let label = |v: usize| {
        if v == k {
            END.to_string()
        } else {
            names.name(v as u32).to_string()
        }
    };
    let order: Vec<String> = match layout {
        Some(l) => l.to_vec(),
        None => {
            let mut vals: Vec<usize> = (0..k).filter(|&v| c[v].iter().any(|&x| x > 0)).collect();
            let kept = |v: &usize| c[*v].iter().any(|&x| share(x) >= threshold);
            let folded = vals.iter().any(|v| !kept(v));
            vals.retain(kept);
            let total = |v: usize| c[v].iter().sum::<u64>();
            vals.sort_by(|&a, &b| {
                total(b)
                    .cmp(&total(a))
                    .then_with(|| label(a).as_bytes().cmp(label(b).as_bytes()))
            });
            let mut out: Vec<String> = vals.into_iter().map(label).collect();
            if folded {
                out.push(OTHER.to_string());
            }
            out.push(END.to_string());
            out
        }
    };
    let mut rows: Vec<MatrixRow> = order
        .iter()
        .map(|value| MatrixRow {
            value: value.clone(),
            shares: vec![0.0; positions],
        })
        .collect();
    let at: std::collections::HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, v)| (v.as_str(), i))
        .collect();
    let index = |name: &str| at.get(name).copied();
    let other = index(OTHER);
    let mut sums = vec![vec![0u64; positions]; rows.len()];
    for (v, per) in c.iter().enumerate() {
        let target = index(&label(v)).or(other);
        if let Some(t) = target {
            for (p, &x) in per.iter().enumerate() {
                sums[t][p] += x;
            }
        }
    }
    for (row, s) in rows.iter_mut().zip(&sums) {
        row.shares = s.iter().map(|&x| share(x)).collect();
    }
    StepMatrix {
        journeys: n,
        positions,
        rows,
    }
}

/// Two segments' step matrices on one layout (the rows of both together), and their
/// difference: each cell is share(A) - share(B), so each position sums to 0.
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixDifference {
    pub difference: StepMatrix,
    pub journeys_a: u64,
    pub journeys_b: u64,
}

/// The step matrix of segment A minus that of segment B (`steps --compare`).
pub fn difference(
    j: &Journeys,
    positions: usize,
    threshold: f64,
    in_a: &dyn Fn(usize) -> bool,
    in_b: &dyn Fn(usize) -> bool,
) -> MatrixDifference {
    let both = step_matrix(j, positions, threshold, &|i| in_a(i) || in_b(i), None);
    let layout: Vec<String> = both.rows.iter().map(|r| r.value.clone()).collect();
    let ma = step_matrix(j, positions, threshold, in_a, Some(&layout));
    let mb = step_matrix(j, positions, threshold, in_b, Some(&layout));
    let rows = ma
        .rows
        .iter()
        .zip(&mb.rows)
        .map(|(ra, rb)| MatrixRow {
            value: ra.value.clone(),
            shares: ra
                .shares
                .iter()
                .zip(&rb.shares)
                .map(|(x, y)| x - y)
                .collect(),
        })
        .collect();
    MatrixDifference {
        difference: StepMatrix {
            journeys: ma.journeys + mb.journeys,
            positions,
            rows,
        },
        journeys_a: ma.journeys,
        journeys_b: mb.journeys,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::test_support::journeys;

    #[test]
    fn shares_per_position_with_end_and_other() {
        let j = journeys(&["a b", "a c", "b", "a b c"], &[]);
        let m = step_matrix(&j, 3, 0.3, &|_| true, None);
        let row = |v: &str| m.rows.iter().find(|r| r.value == v).unwrap().shares.clone();
        assert_eq!(m.journeys, 4);
        assert_eq!(row("a"), vec![0.75, 0.0, 0.0]);
        assert_eq!(row("b"), vec![0.25, 0.5, 0.0]);
        // c reaches 0.25 at most: folded into (other) below a 0.3 threshold.
        assert_eq!(row("(other)"), vec![0.0, 0.25, 0.25]);
        assert_eq!(row("(end)"), vec![0.0, 0.25, 0.75]);
        for p in 0..3 {
            let sum: f64 = m.rows.iter().map(|r| r.shares[p]).sum();
            assert!((sum - 1.0).abs() < 1e-9);
        }
        assert_eq!(m.rows.last().unwrap().value, "(end)");
    }
}
