//! Holds a measured value to a check's limits: bounds (min, max) and drops against a
//! baseline (max_drop, alpha), with the sentence each report shows.

use serde::Serialize;

use super::baseline::Recorded;
use super::measure::{Kind, Limits, Measure, Measured, Unit};
use crate::analysis::stats::round6;
use crate::analysis::ztest::{two_proportion, Proportion};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    /// A drop check without a baseline to compare against.
    Skipped,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Skipped => "skipped",
        }
    }
}

/// One limit of one check, judged.
#[derive(Clone, Debug, Serialize)]
pub struct CheckResult {
    pub name: String,
    pub kind: Kind,
    /// The measure's key (as in the baseline).
    pub measure: String,
    pub value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// The limit as text: `>= 2.0%`, `<= 50.0%`, `1.0% .. 20.0%`, `drop <= 0.5 pp`.
    pub limit: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_drop_pp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_rise_pp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha: Option<f64>,
    /// The baseline's value (drop checks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
    /// (baseline - value) x 100: positive is a drop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_pp: Option<f64>,
    /// Two-proportion z-test of the baseline's x of n against the current one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    pub verdict: Verdict,
    /// One sentence for people: what was measured and why it passes or fails.
    pub message: String,
    /// What the value is (moves of a score are in score points, not percentage points).
    #[serde(skip)]
    pub unit: Unit,
}

/// Judges `min` and `max`.
pub(crate) fn bounds(
    mut r: CheckResult,
    l: Limits,
    now: &str,
    show: &dyn Fn(f64) -> String,
) -> CheckResult {
    r.min = l.min;
    r.max = l.max;
    r.limit = match (l.min, l.max) {
        (Some(lo), Some(hi)) => format!("{} .. {}", show(lo), show(hi)),
        (Some(lo), None) => format!(">= {}", show(lo)),
        (None, Some(hi)) => format!("<= {}", show(hi)),
        (None, None) => String::new(),
    };
    let (verdict, why) = match r.value {
        None => (Verdict::Fail, "no value to check".to_string()),
        Some(v) if l.min.is_some_and(|lo| v < lo) => (
            Verdict::Fail,
            format!("below the floor {}", show(l.min.unwrap_or(0.0))),
        ),
        Some(v) if l.max.is_some_and(|hi| v > hi) => (
            Verdict::Fail,
            format!("above the ceiling {}", show(l.max.unwrap_or(0.0))),
        ),
        Some(_) => (Verdict::Pass, format!("within {}", r.limit)),
    };
    r.verdict = verdict;
    r.message = format!("{}: {now}, {why}", r.name);
    r
}

/// Which move against the baseline a limit allows: a drop (`max_drop`) or a rise
/// (`max_rise`, for rates where higher is worse).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Move {
    Drop,
    Rise,
}

/// Judges `max_drop` or `max_rise` (and `alpha`) against the baseline's recorded value.
#[allow(clippy::too_many_arguments)]
pub(crate) fn versus_baseline(
    mut r: CheckResult,
    l: Limits,
    way: Move,
    allowed: f64,
    recorded: Option<Recorded>,
    m: &Measured,
    now: &str,
    show: &dyn Fn(f64) -> String,
) -> CheckResult {
    let word = match way {
        Move::Drop => {
            r.max_drop_pp = Some(allowed);
            "drop"
        }
        Move::Rise => {
            r.max_rise_pp = Some(allowed);
            "rise"
        }
    };
    let max_drop = allowed;
    let pts = r.unit.points();
    r.alpha = l.alpha;
    r.limit = match l.alpha {
        Some(a) => format!("{word} <= {max_drop} {pts} (if p < {a})"),
        None => format!("{word} <= {max_drop} {pts}"),
    };
    let Some(rec) = recorded else {
        r.verdict = Verdict::Skipped;
        r.message = format!("{}: {now}; no --baseline to compare with", r.name);
        return r;
    };
    r.baseline = rec.value;
    let (Some(was), Some(is)) = (rec.value, r.value) else {
        r.verdict = Verdict::Fail;
        r.message = match (rec.value, r.value) {
            (None, None) => format!("{}: {now}; the baseline has no value either", r.name),
            (None, Some(_)) => format!(
                "{}: {now}; the baseline has no value to compare with",
                r.name
            ),
            (Some(was), None) => format!(
                "{}: {now}; no value to compare with the baseline's {}",
                r.name,
                show(was)
            ),
            _ => unreachable!("both values are there"),
        };
        return r;
    };
    let drop_pp = round6((was - is) * r.unit.scale());
    r.drop_pp = Some(drop_pp);
    let test = match (rec.count, rec.total, m.rate) {
        (Some(x), Some(n), Some(now)) => two_proportion(Proportion::new(x, n), now.of),
        _ => None,
    };
    r.p_value = test.map(|t| round6(t.p_value));
    let moved = if drop_pp >= 0.0 {
        format!("{} {pts} below the baseline's {}", pp(drop_pp), show(was))
    } else {
        format!("{} {pts} above the baseline's {}", pp(-drop_pp), show(was))
    };
    let p_text = match r.p_value {
        Some(p) if p > 0.0 => format!(", p = {p}"),
        Some(_) => ", p < 0.000001".to_string(),
        None => String::new(),
    };
    let moved_pp = match way {
        Move::Drop => drop_pp,
        Move::Rise => -drop_pp,
    };
    let (verdict, why) = if moved_pp <= max_drop {
        (Verdict::Pass, format!("within {max_drop} {pts}"))
    } else {
        match (l.alpha, r.p_value) {
            (Some(a), Some(p)) if p >= a => (
                Verdict::Pass,
                format!("more than {max_drop} {pts} but not significant at alpha {a}"),
            ),
            (Some(_), None) => (
                Verdict::Fail,
                format!(
                    "more than the {max_drop} {pts} allowed, and no significance test: the baseline \
                     has no count and total for this value (record it again with --write-baseline)"
                ),
            ),
            _ => (
                Verdict::Fail,
                format!("more than the {max_drop} {pts} allowed"),
            ),
        }
    };
    r.verdict = verdict;
    r.message = format!("{}: {now}, {moved}{p_text}: {why}", r.name);
    r
}

/// Percentage points with at most 2 decimals: `19.04`, `3`, `0.05`.
pub fn pp(x: f64) -> String {
    let t = format!("{x:.2}");
    t.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A value as people read it: a percentage for shares and rates, a count for journeys, a
/// score with 2 decimals.
pub fn show_value(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Rate => {
            let pct = format!("{:.2}", v * 100.0);
            let pct = pct.trim_end_matches('0').trim_end_matches('.');
            format!("{pct}%")
        }
        Unit::Count => crate::text::count(v.max(0.0).round() as u64),
        Unit::Score => format!("{v:.2}"),
    }
}

/// `2.9% (47 of 1,642)`, or `1,642 journeys`, or what is missing.
pub(crate) fn describe(measure: &Measure, m: &Measured, note: Option<&str>) -> String {
    if let Some((mean, responses)) = m.score {
        return match mean {
            Some(v) => format!(
                "{} (mean of {})",
                show_value(Unit::Score, v),
                crate::text::counted(responses, "response", "responses")
            ),
            None => "no value (no responses)".to_string(),
        };
    }
    match (m.rate, m.count, m.value()) {
        (Some(r), _, Some(v)) => format!(
            "{} ({} of {})",
            show_value(measure.unit(), v),
            crate::text::count(r.of.count),
            crate::text::count(r.of.total)
        ),
        (None, Some(n), _) => crate::text::counted(n, "journey", "journeys"),
        _ => match note {
            Some(n) => format!("no value ({n})"),
            None => "no value (nothing reached the step before)".to_string(),
        },
    }
}
