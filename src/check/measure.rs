//! What a compiled check measures and the limits it holds the value to.

use serde::{Deserialize, Serialize};

use crate::analysis::measures::Rate;

/// What a check measures.
#[derive(Clone, Debug, PartialEq)]
pub enum Measure {
    /// The last step's rate from the first.
    FunnelOverall(FunnelDef),
    /// Step `n`'s rate from the previous step.
    FunnelStep(FunnelDef, usize),
    PathShare(Vec<String>),
    EdgePOut(String, String),
    ExitRate(String),
    Journeys,
    /// A stage's value (`kind = "stage"`).
    Stage(String, StageMeasure),
}

/// What a stage check measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageMeasure {
    /// reached / journeys.
    Reached,
    /// lost_here / reached.
    LostHereRate,
    /// The mean of the stage's scores.
    MeanScore,
}

impl StageMeasure {
    pub fn name(self) -> &'static str {
        match self {
            StageMeasure::Reached => "reached",
            StageMeasure::LostHereRate => "lost_here_rate",
            StageMeasure::MeanScore => "mean_score",
        }
    }
}

/// What a measured value is: a share or rate (limits and moves in percentage points), a count,
/// or a score (moves in score points).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Unit {
    #[default]
    Rate,
    Count,
    Score,
}

impl Unit {
    /// What a move against the baseline is counted in.
    pub fn points(self) -> &'static str {
        match self {
            Unit::Score => "points",
            _ => "pp",
        }
    }

    /// The factor from a difference of values to a move (100 for percentage points).
    pub fn scale(self) -> f64 {
        match self {
            Unit::Score => 1.0,
            _ => 100.0,
        }
    }
}

/// A funnel as a check runs it.
#[derive(Clone, Debug, PartialEq)]
pub struct FunnelDef {
    /// The funnel's name under [funnels], if it has one.
    pub label: Option<String>,
    pub steps: Vec<String>,
    pub order: crate::analysis::funnel::FunnelOrder,
    pub window: Option<String>,
}

impl FunnelDef {
    fn describe(&self) -> String {
        let mut s = self.steps.join(" > ");
        if self.order != crate::analysis::funnel::FunnelOrder::Ordered {
            s.push_str(&format!("; order={}", self.order.name()));
        }
        if let Some(w) = &self.window {
            s.push_str(&format!("; window={w}"));
        }
        s
    }
}

impl Measure {
    /// The stable key a baseline stores this measure's value under.
    pub fn key(&self) -> String {
        match self {
            Measure::FunnelOverall(f) => format!("funnel [{}]: overall", f.describe()),
            Measure::FunnelStep(f, n) => {
                format!("funnel [{}]: step {n} from previous", f.describe())
            }
            Measure::PathShare(p) => format!("path [{}]: share", p.join(" > ")),
            Measure::EdgePOut(a, b) => format!("edge [{a} -> {b}]: p_out"),
            Measure::ExitRate(t) => format!("exit_rate [{t}]"),
            Measure::Journeys => "journeys".to_string(),
            Measure::Stage(s, m) => format!("stage [{s}]: {}", m.name()),
        }
    }

    /// What the value is: a rate, a count or a score.
    pub fn unit(&self) -> Unit {
        match self {
            Measure::Journeys => Unit::Count,
            Measure::Stage(_, StageMeasure::MeanScore) => Unit::Score,
            _ => Unit::Rate,
        }
    }

    /// Whether the value is a share or rate (percentage points apply).
    pub fn is_rate(&self) -> bool {
        self.unit() == Unit::Rate
    }

    pub(crate) fn default_name(&self) -> String {
        let funnel = |f: &FunnelDef| match &f.label {
            Some(l) => format!("funnel {l}"),
            None => format!("funnel {}", f.steps.join(" > ")),
        };
        match self {
            Measure::FunnelOverall(f) => format!("{}: overall conversion", funnel(f)),
            Measure::FunnelStep(f, n) => format!("{}: {}", funnel(f), step_label(f, *n)),
            Measure::PathShare(p) => format!("path {}: share", p.join(" > ")),
            Measure::EdgePOut(a, b) => format!("edge {a} -> {b}: p_out"),
            Measure::ExitRate(t) => format!("{t}: exit rate"),
            Measure::Journeys => "journeys".to_string(),
            Measure::Stage(s, m) => format!(
                "stage {s}: {}",
                match m {
                    StageMeasure::Reached => "reached",
                    StageMeasure::LostHereRate => "lost-here rate",
                    StageMeasure::MeanScore => "mean score",
                }
            ),
        }
    }
}

/// `step 3 checkout (from add_to_cart)`.
pub fn step_label(f: &FunnelDef, n: usize) -> String {
    let name = |i: usize| f.steps.get(i).map(String::as_str).unwrap_or("?");
    format!(
        "step {n} {} (from {})",
        name(n - 1),
        name(n.saturating_sub(2))
    )
}

/// The limits a check holds its value to.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Limits {
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Percentage points.
    pub max_drop: Option<f64>,
    /// Percentage points (for rates where higher is worse: exit rates, edges into (end)).
    pub max_rise: Option<f64>,
    pub alpha: Option<f64>,
}

/// One compiled check: a measure, a name, limits.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub name: String,
    pub kind: Kind,
    pub measure: Measure,
    pub limits: Limits,
}

/// What a check measures, as `kind = "..."` names it.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[default]
    Funnel,
    Path,
    Edge,
    ExitRate,
    Journeys,
    Stage,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Funnel => "funnel",
            Kind::Path => "path",
            Kind::Edge => "edge",
            Kind::ExitRate => "exit_rate",
            Kind::Journeys => "journeys",
            Kind::Stage => "stage",
        }
    }
}

/// A measured value: a rate with its counts, the number of journeys, or a score with its
/// responses.
#[derive(Clone, Copy, Debug, Default)]
pub struct Measured {
    pub rate: Option<Rate>,
    pub count: Option<u64>,
    /// A mean score (`None` without responses) and the responses it is the mean of.
    pub score: Option<(Option<f64>, u64)>,
}

impl Measured {
    pub fn value(&self) -> Option<f64> {
        match (self.rate, self.count, self.score) {
            (Some(r), _, _) => r.value,
            (None, Some(n), _) => Some(n as f64),
            (None, None, Some((mean, _))) => mean,
            _ => None,
        }
    }
}
