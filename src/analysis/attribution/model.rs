//! The attribution models that `--model` names.

use serde::Serialize;

/// An attribution model (`--model`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributionModel {
    /// Every model side by side.
    All,
    /// The first touch gets the conversion.
    First,
    /// The last touch gets the conversion.
    Last,
    /// Every touch gets 1/n.
    Linear,
    /// 40% first, 40% last, 20% spread over the middle touches.
    Position,
    /// Weight 2^(-(conversion time - touch time) / --half-life), normalised per journey.
    TimeDecay,
    /// Markov removal effects on the absorbing chain of the paths (--order).
    Markov,
}

impl AttributionModel {
    /// The models `--model all` stands for, in column order.
    pub const EACH: [AttributionModel; 6] = [
        AttributionModel::First,
        AttributionModel::Last,
        AttributionModel::Linear,
        AttributionModel::Position,
        AttributionModel::TimeDecay,
        AttributionModel::Markov,
    ];

    /// The model's name in JSON keys and CSV columns.
    pub fn key(self) -> &'static str {
        match self {
            AttributionModel::All => "all",
            AttributionModel::First => "first",
            AttributionModel::Last => "last",
            AttributionModel::Linear => "linear",
            AttributionModel::Position => "position",
            AttributionModel::TimeDecay => "time_decay",
            AttributionModel::Markov => "markov",
        }
    }
}
