//! `[[check]]` tables (in journeymap.toml or a `--checks` file) and what they compile into.
//! Every key is documented in docs/check.md.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use serde::Deserialize;

pub use super::measure::{step_label, Check, FunnelDef, Kind, Limits, Measure, StageMeasure};
use crate::analysis::steps::{list_items, StepList};

/// One `[[check]]` table as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    /// Shown in every report; derived from the measure when absent.
    pub name: Option<String>,
    /// funnel, path, edge, exit_rate, journeys or stage.
    pub kind: Kind,
    /// funnel: a funnel named under [funnels], "a,b,c", or a list of steps.
    pub steps: Option<Steps>,
    /// funnel: ordered (default), strict or any.
    pub order: Option<String>,
    /// funnel: a window such as "7d".
    pub window: Option<String>,
    /// funnel: check this step's conversion from the previous step (2..k) instead of overall.
    pub step: Option<usize>,
    /// funnel: check every step's conversion from the previous step.
    #[serde(default)]
    pub per_step: bool,
    /// path: the steps of the path, a list or "a,b,c".
    pub path: Option<Steps>,
    /// edge: the source node; `(start)` for journey starts.
    pub from: Option<String>,
    /// edge: the target node; `(end)` for journey ends.
    pub to: Option<String>,
    /// exit_rate: the touchpoint (the channel with --level channel).
    pub touchpoint: Option<String>,
    /// stage: the stage's name under [stages].
    pub stage: Option<String>,
    /// stage: reached (default), lost_here_rate or mean_score.
    pub measure: Option<String>,
    /// The value must be at least this.
    pub min: Option<f64>,
    /// The value must be at most this.
    pub max: Option<f64>,
    /// The value may be at most this many percentage points below the baseline's.
    pub max_drop: Option<f64>,
    /// The value may be at most this many percentage points above the baseline's (for
    /// rates where higher is worse: exit rates, edges into (end)).
    pub max_rise: Option<f64>,
    /// With max_drop or max_rise: a move only fails when the two-proportion z-test gives
    /// p < alpha.
    pub alpha: Option<f64>,
}

/// A list of names, written as a TOML array or as one comma-separated string.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Steps {
    Text(String),
    List(Vec<String>),
}

impl Steps {
    /// The names, trimmed, empty ones dropped.
    fn items(&self) -> Vec<String> {
        match self {
            Steps::Text(t) => list_items(t.split(',')),
            Steps::List(l) => list_items(l.iter().map(String::as_str)),
        }
    }
}

/// A `--checks FILE`: `[[check]]` tables, and optionally `[funnels]` of its own.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecksFile {
    #[serde(default)]
    pub check: Vec<CheckSpec>,
    #[serde(default)]
    pub funnels: BTreeMap<String, Vec<String>>,
}

/// Compiles the tables; `funnels` are the named funnels. `origin` names the file in errors.
pub fn compile(
    specs: &[CheckSpec],
    funnels: &BTreeMap<String, Vec<String>>,
    origin: &str,
) -> Result<Vec<Check>> {
    let mut out = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let at = format!(
            "{origin}: [[check]] {} ({}{})",
            i + 1,
            spec.kind.name(),
            spec.name
                .as_ref()
                .map(|n| format!(", name = \"{n}\""))
                .unwrap_or_default()
        );
        let checks = compile_one(spec, funnels).map_err(|e| anyhow::anyhow!("{at}: {e}"))?;
        out.extend(checks);
    }
    Ok(out)
}

fn compile_one(spec: &CheckSpec, funnels: &BTreeMap<String, Vec<String>>) -> Result<Vec<Check>> {
    let limits = Limits {
        min: spec.min,
        max: spec.max,
        max_drop: spec.max_drop,
        max_rise: spec.max_rise,
        alpha: spec.alpha,
    };
    let against_baseline = limits.max_drop.is_some() || limits.max_rise.is_some();
    if limits.min.is_none() && limits.max.is_none() && !against_baseline {
        bail!("needs a limit: min, max, max_drop or max_rise");
    }
    for (key, v) in [("min", limits.min), ("max", limits.max)] {
        if v.is_some_and(|x| !x.is_finite()) {
            bail!("{key} must be a finite number");
        }
    }
    for (key, v) in [("max_drop", limits.max_drop), ("max_rise", limits.max_rise)] {
        if v.is_some_and(|x| !x.is_finite() || x < 0.0) {
            bail!("{key} must be a number of percentage points, 0 or more");
        }
    }
    if let (Some(lo), Some(hi)) = (limits.min, limits.max) {
        if lo > hi {
            bail!("min {lo} is above max {hi}");
        }
    }
    if let Some(a) = limits.alpha {
        if !against_baseline {
            bail!("alpha only applies to max_drop and max_rise");
        }
        if !(a > 0.0 && a < 1.0) {
            bail!("alpha must be between 0 and 1 (0.05 is usual)");
        }
    }
    let allowed: &[&str] = match spec.kind {
        Kind::Funnel => &["steps", "order", "window", "step", "per_step"],
        Kind::Path => &["path"],
        Kind::Edge => &["from", "to"],
        Kind::ExitRate => &["touchpoint"],
        Kind::Journeys => &[],
        Kind::Stage => &["stage", "measure"],
    };
    let given = [
        ("steps", spec.steps.is_some()),
        ("order", spec.order.is_some()),
        ("window", spec.window.is_some()),
        ("step", spec.step.is_some()),
        ("per_step", spec.per_step),
        ("path", spec.path.is_some()),
        ("from", spec.from.is_some()),
        ("to", spec.to.is_some()),
        ("touchpoint", spec.touchpoint.is_some()),
        ("stage", spec.stage.is_some()),
        ("measure", spec.measure.is_some()),
    ];
    for (key, set) in given {
        if set && !allowed.contains(&key) {
            bail!("`{key}` does not apply to kind = \"{}\"", spec.kind.name());
        }
    }
    let text = |v: &Option<String>, key: &str| -> Result<String> {
        match v.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => Ok(t.to_string()),
            _ => bail!("needs `{key}`"),
        }
    };
    let measures = match spec.kind {
        Kind::Journeys => {
            if against_baseline {
                bail!(
                    "max_drop and max_rise are in percentage points, for shares and rates; use min for journeys"
                );
            }
            vec![Measure::Journeys]
        }
        Kind::Path => {
            let path = spec.path.as_ref().map(Steps::items).unwrap_or_default();
            if path.is_empty() {
                bail!("needs `path`, like path = [\"home\", \"product_view\"]");
            }
            vec![Measure::PathShare(path)]
        }
        Kind::Edge => vec![Measure::EdgePOut(
            text(&spec.from, "from")?,
            text(&spec.to, "to")?,
        )],
        Kind::ExitRate => vec![Measure::ExitRate(text(&spec.touchpoint, "touchpoint")?)],
        Kind::Funnel => funnel_measures(spec, funnels)?,
        Kind::Stage => {
            let stage = text(&spec.stage, "stage").map_err(|_| {
                anyhow::anyhow!("needs `stage`, the name of a stage under [stages]")
            })?;
            let m = match spec.measure.as_deref().map(str::trim) {
                None | Some("reached") => StageMeasure::Reached,
                Some("lost_here_rate") => StageMeasure::LostHereRate,
                Some("mean_score") => StageMeasure::MeanScore,
                Some(other) => {
                    bail!("measure = \"{other}\" is not reached, lost_here_rate or mean_score")
                }
            };
            if m == StageMeasure::MeanScore && limits.alpha.is_some() {
                bail!("alpha does not apply to mean_score (there is no test of two means); leave it out");
            }
            vec![Measure::Stage(stage, m)]
        }
    };
    let many = measures.len() > 1;
    Ok(measures
        .into_iter()
        .map(|measure| {
            let name = match (&spec.name, &measure) {
                (Some(n), Measure::FunnelStep(f, s)) if many => {
                    format!("{n}: {}", step_label(f, *s))
                }
                (Some(n), _) => n.clone(),
                (None, m) => m.default_name(),
            };
            Check {
                name,
                kind: spec.kind,
                measure,
                limits,
            }
        })
        .collect())
}

fn funnel_measures(
    spec: &CheckSpec,
    funnels: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<Measure>> {
    let list = match &spec.steps {
        Some(Steps::Text(text)) => StepList::parse(text, funnels),
        Some(Steps::List(items)) => StepList::from_items(items.clone(), funnels),
        None => Ok(StepList {
            name: None,
            steps: Vec::new(),
        }),
    }
    .map_err(|e| anyhow::anyhow!("steps: {e}"))?;
    let (label, steps) = (list.name, list.steps);
    match (steps.as_slice(), &label) {
        ([], Some(name)) => bail!("steps: the funnel '{name}' under [funnels] has no steps"),
        ([], None) => bail!("needs `steps`: a funnel named under [funnels], or a list of steps"),
        ([one], _) => bail!(
            "a funnel check needs at least two steps (or the name of a funnel under [funnels]); got only '{one}'"
        ),
        _ => {}
    }
    let order = match spec.order.as_deref() {
        None => crate::analysis::funnel::FunnelOrder::Ordered,
        Some(o) => <crate::analysis::funnel::FunnelOrder as clap::ValueEnum>::from_str(o, true)
            .map_err(|_| anyhow::anyhow!("order = \"{o}\" is not ordered, strict or any"))?,
    };
    // The window in seconds, so that "7d", "1w" and "168h" name the same baseline value.
    let window = spec
        .window
        .as_deref()
        .map(|w| {
            crate::duration::parse_duration(w)
                .map(|ns| match ns % 1_000_000_000 {
                    0 => format!("{}s", ns / 1_000_000_000),
                    _ => format!("{ns}ns"),
                })
                .map_err(|e| anyhow::anyhow!("window: {e}"))
        })
        .transpose()?;
    let def = FunnelDef {
        label,
        steps,
        order,
        window,
    };
    let k = def.steps.len();
    Ok(match (spec.step, spec.per_step) {
        (Some(_), true) => bail!("use either step = N or per_step = true"),
        (Some(n), false) => {
            if !(2..=k).contains(&n) {
                bail!(
                    "step = {n}: pick a step from 2 to {k} (its conversion from the step before)"
                );
            }
            vec![Measure::FunnelStep(def, n)]
        }
        (None, true) => (2..=k)
            .map(|n| Measure::FunnelStep(def.clone(), n))
            .collect(),
        (None, false) => vec![Measure::FunnelOverall(def)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Check>> {
        let file: ChecksFile = toml::from_str(text)?;
        compile(&file.check, &file.funnels, "checks.toml")
    }

    #[test]
    fn every_kind_compiles() {
        let checks = parse(
            r#"
            [funnels]
            buy = ["product_view", "add_to_cart", "purchase"]
            [[check]]
            kind = "funnel"
            steps = "buy"
            min = 0.02
            [[check]]
            kind = "funnel"
            steps = ["product_view", "purchase"]
            per_step = true
            max_drop = 0.5
            alpha = 0.05
            [[check]]
            name = "steps of buy"
            kind = "funnel"
            steps = "buy"
            per_step = true
            min = 0.1
            [[check]]
            kind = "path"
            path = "home,product_view"
            min = 0.01
            max = 0.2
            [[check]]
            kind = "edge"
            from = "checkout"
            to = "(end)"
            max = 0.5
            [[check]]
            kind = "exit_rate"
            touchpoint = "checkout"
            max = 0.6
            [[check]]
            kind = "journeys"
            min = 100
            "#,
        )
        .unwrap();
        let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "funnel buy: overall conversion",
                "funnel product_view > purchase: step 2 purchase (from product_view)",
                "steps of buy: step 2 add_to_cart (from product_view)",
                "steps of buy: step 3 purchase (from add_to_cart)",
                "path home > product_view: share",
                "edge checkout -> (end): p_out",
                "checkout: exit rate",
                "journeys",
            ]
        );
        assert_eq!(
            checks[0].measure.key(),
            "funnel [product_view > add_to_cart > purchase]: overall"
        );
        assert_eq!(checks[6].measure.key(), "exit_rate [checkout]");
    }

    #[test]
    fn mistakes_name_the_check_and_the_key() {
        let err = |t: &str| parse(t).unwrap_err().to_string();
        let e = err("[[check]]\nkind = \"edge\"\nfrom = \"a\"\nmax = 0.5\n");
        assert!(
            e.contains("[[check]] 1 (edge)") && e.contains("needs `to`"),
            "{e}"
        );
        let e = err("[[check]]\nkind = \"journeys\"\n");
        assert!(e.contains("needs a limit"), "{e}");
        let e = err("[[check]]\nkind = \"path\"\npath = \"a\"\nto = \"b\"\nmin = 0\n");
        assert!(e.contains("`to` does not apply"), "{e}");
        let e = err("[[check]]\nkind = \"funnel\"\nsteps = \"a,b\"\nstep = 3\nmin = 0\n");
        assert!(e.contains("from 2 to 2"), "{e}");
        let e = err("[[check]]\nkind = \"journeys\"\nmin = 1\nalpha = 0.05\n");
        assert!(e.contains("alpha only applies"), "{e}");
        let e = err("[[check]]\nkind = \"funnel\"\nsteps = \"nope\"\nmin = 0\n");
        assert!(e.contains("at least two steps"), "{e}");
        let e = err("[[check]]\nkind = \"funnel\"\nsteps = [\"re:(\", \"b\"]\nmin = 0\n");
        assert!(e.contains("steps: the pattern '(' does not compile"), "{e}");
        let e = err("[[check]]\nkind = \"funel\"\nmin = 1\n");
        assert!(e.contains("funel"), "{e}");
    }
}
