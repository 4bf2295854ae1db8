//! Measures each check's value on the journeys (with the analyses, each run at most once)
//! and has `judge` hold it to its limits.

use std::collections::BTreeMap;

use anyhow::Result;

use super::baseline::{Baseline, Recorded};
use super::judge::{bounds, describe, show_value, versus_baseline, CheckResult, Move, Verdict};
use super::measure::Measured;
use super::measure::{Check, FunnelDef, Measure, StageMeasure};
use crate::analysis::funnel::{funnel, FunnelReport};
use crate::analysis::graph::NodeKind;
use crate::analysis::measures::{self, EdgeRates, Rate};
use crate::analysis::stages::StagesReport;
use crate::analysis::steps::StepList;
use crate::journey::Journeys;

/// The analyses the checks need, each computed at most once.
struct Analyses<'a> {
    j: &'a Journeys,
    conversion_defined: bool,
    /// The stage report, when a check measures a stage.
    stages: Option<&'a StagesReport>,
    edges: Option<EdgeRates>,
    exits: Option<BTreeMap<String, Rate>>,
    funnels: BTreeMap<String, FunnelReport>,
    warnings: Vec<String>,
}

impl Analyses<'_> {
    fn funnel(&mut self, f: &FunnelDef) -> Result<&FunnelReport> {
        let key = Measure::FunnelOverall(f.clone()).key();
        if !self.funnels.contains_key(&key) {
            let names = self.j.names();
            let list = StepList {
                name: f.label.clone(),
                steps: f.steps.clone(),
            };
            let (steps, unmatched) = list
                .resolve(names)
                .map_err(|e| crate::error::usage(format!("{e:#}")))?;
            for alt in unmatched {
                let hint = crate::input::mapping::did_you_mean(&alt, names.names());
                self.warnings.push(format!(
                    "check step '{alt}' matches nothing in the input{hint}"
                ));
            }
            let window = f
                .window
                .as_deref()
                .map(crate::duration::parse_duration)
                .transpose()?;
            if window.is_some() && self.j.timeless {
                return Err(crate::error::usage(
                    "a funnel check with a window needs event times, and a variants table has none; run the check on the events",
                ));
            }
            let report = funnel(self.j, &steps, f.order, window, &[]);
            self.funnels.insert(key.clone(), report);
        }
        Ok(&self.funnels[&key])
    }

    /// A name a check uses that the input never has: its share or p_out would be a silent 0.
    fn warn_unknown(&mut self, name: &str, what: &str) {
        let names = self.j.names();
        if names.get(name).is_none() {
            let hint = crate::input::mapping::did_you_mean(name, names.names());
            let w = format!("check {what} '{name}' never occurs in the input{hint}");
            if !self.warnings.contains(&w) {
                self.warnings.push(w);
            }
        }
    }

    fn measure(&mut self, m: &Measure) -> Result<(Measured, Option<String>)> {
        let rate = |r: Option<Rate>| Measured {
            rate: r,
            ..Default::default()
        };
        Ok(match m {
            Measure::Journeys => (
                Measured {
                    count: Some(self.j.len() as u64),
                    ..Default::default()
                },
                None,
            ),
            Measure::Stage(name, what) => {
                let report = self
                    .stages
                    .ok_or_else(|| anyhow::anyhow!("a stage check needs the stage report"))?;
                let Some(row) = report.stages.iter().find(|s| &s.stage == name) else {
                    anyhow::bail!("no stage '{name}'");
                };
                let of = |x: u64, n: u64| Rate {
                    value: (n > 0).then(|| crate::analysis::stats::round6(x as f64 / n as f64)),
                    of: crate::analysis::ztest::Proportion::new(x, n),
                };
                match what {
                    StageMeasure::Reached => (rate(Some(of(row.reached, report.journeys))), None),
                    StageMeasure::LostHereRate => (
                        rate(Some(of(row.lost_here.unwrap_or(0), row.reached))),
                        (row.reached == 0).then(|| format!("no journey reaches {name}")),
                    ),
                    StageMeasure::MeanScore => {
                        let s = row.scores.as_ref();
                        (
                            Measured {
                                score: Some((s.and_then(|s| s.mean), s.map_or(0, |s| s.responses))),
                                ..Default::default()
                            },
                            None,
                        )
                    }
                }
            }
            Measure::FunnelOverall(f) => (rate(measures::overall_rate(self.funnel(f)?)), None),
            Measure::FunnelStep(f, n) => (rate(measures::step_rate(self.funnel(f)?, *n)), None),
            Measure::PathShare(p) => {
                let r = measures::path_share(self.j, p);
                for name in p {
                    self.warn_unknown(name, "path");
                }
                (rate(Some(r)), None)
            }
            Measure::EdgePOut(a, b) => {
                let (j, conv) = (self.j, self.conversion_defined);
                let edges = self.edges.get_or_insert_with(|| {
                    let opts = crate::analysis::graph::GraphOptions::default();
                    measures::edge_rates(&crate::analysis::graph::graph(j, &opts, conv))
                });
                let r = edges.get(&measures::node(a), &measures::node(b));
                if measures::node(b).kind == NodeKind::Value {
                    self.warn_unknown(b, "edge `to`");
                }
                let note = r.is_none().then(|| format!("'{a}' never occurs"));
                (rate(r), note)
            }
            Measure::ExitRate(t) => {
                let (j, conv) = (self.j, self.conversion_defined);
                let exits = self.exits.get_or_insert_with(|| {
                    measures::exit_rates(&crate::analysis::dropoff::dropoff(j, conv))
                });
                let r = exits.get(t).copied();
                let note = r.is_none().then(|| format!("'{t}' never occurs"));
                (rate(r), note)
            }
        })
    }
}

/// Everything one run of the checks found.
pub struct Evaluation {
    pub results: Vec<CheckResult>,
    /// Measure key -> value, for `--write-baseline`.
    pub values: BTreeMap<String, Recorded>,
    /// Things to say on stderr (steps that match nothing, limits above 1).
    pub warnings: Vec<String>,
    /// max_drop and max_rise limits that had no baseline to compare with.
    pub skipped_drops: u64,
}

/// Runs the checks. `baseline` must hold every drop check's measure (see
/// [`missing_in_baseline`]).
pub fn evaluate(
    j: &Journeys,
    conversion_defined: bool,
    checks: &[Check],
    baseline: Option<&Baseline>,
    stages: Option<&StagesReport>,
) -> Result<Evaluation> {
    let mut a = Analyses {
        j,
        conversion_defined,
        stages,
        edges: None,
        exits: None,
        funnels: BTreeMap::new(),
        warnings: Vec::new(),
    };
    let mut results = Vec::new();
    let mut values = BTreeMap::new();
    let mut skipped_drops = 0;
    for c in checks {
        let (m, note) = a.measure(&c.measure)?;
        let key = c.measure.key();
        values.insert(key.clone(), Recorded::of(&m));
        let base = CheckResult {
            name: c.name.clone(),
            kind: c.kind,
            measure: key.clone(),
            value: m.value(),
            count: m.rate.map(|r| r.of.count),
            total: m.rate.map(|r| r.of.total),
            limit: String::new(),
            min: None,
            max: None,
            max_drop_pp: None,
            max_rise_pp: None,
            alpha: None,
            baseline: None,
            drop_pp: None,
            p_value: None,
            verdict: Verdict::Pass,
            message: String::new(),
            unit: c.measure.unit(),
        };
        let show = |v: f64| show_value(c.measure.unit(), v);
        let now = describe(&c.measure, &m, note.as_deref());
        if c.limits.min.is_some() || c.limits.max.is_some() {
            let above_one = [("min", c.limits.min), ("max", c.limits.max)]
                .into_iter()
                .find(|(_, v)| v.is_some_and(|x| x > 1.0));
            if let (true, Some((key, Some(v)))) = (c.measure.is_rate(), above_one) {
                a.warnings.push(format!(
                    "{}: {key} = {v} is above 1, but shares and rates run from 0 to 1 ({} is written {})",
                    c.name,
                    format_args!("{}%", v),
                    v / 100.0
                ));
            }
            results.push(bounds(base.clone(), c.limits, &now, &show));
        }
        for (way, allowed) in [
            (Move::Drop, c.limits.max_drop),
            (Move::Rise, c.limits.max_rise),
        ] {
            let Some(allowed) = allowed else { continue };
            let recorded = baseline.and_then(|b| b.values.get(&key)).copied();
            if baseline.is_none() {
                skipped_drops += 1;
            }
            results.push(versus_baseline(
                base.clone(),
                c.limits,
                way,
                allowed,
                recorded,
                &m,
                &now,
                &show,
            ));
        }
    }
    Ok(Evaluation {
        results,
        values,
        warnings: a.warnings,
        skipped_drops,
    })
}

/// The drop checks' measures that the baseline has no value for.
pub fn missing_in_baseline(checks: &[Check], baseline: &Baseline) -> Vec<String> {
    let mut keys: Vec<String> = checks
        .iter()
        .filter(|c| c.limits.max_drop.is_some() || c.limits.max_rise.is_some())
        .map(|c| c.measure.key())
        .filter(|k| !baseline.values.contains_key(k))
        .collect();
    keys.dedup();
    keys
}
