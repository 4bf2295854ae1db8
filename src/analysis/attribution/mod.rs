//! Channel attribution (metrics.md, Attribution): which channels (or touchpoints) get the
//! credit for the conversions, under the rule-based models and the Markov removal effect.
//!
//! A journey's touches are its first `path_len` events (the events before its first conversion
//! event with `--conversion`, the whole journey with `--converted-col`), cut to `--lookback`.

use std::ops::Range;

use anyhow::{bail, Result};
use serde::Serialize;

use crate::journey::Journeys;
use heuristics::weights;
use markov::{Chain, MarkovSummary, TransitionRow};
pub use model::AttributionModel;

pub mod heuristics;
pub mod markov;
mod model;
mod solve;
#[cfg(test)]
mod tests;

/// How to attribute.
#[derive(Clone, Debug)]
pub struct AttributionOptions {
    /// The models, in column order (never `All`).
    pub models: Vec<AttributionModel>,
    /// Markov order k (1..=4).
    pub order: usize,
    /// Time-decay half-life (ns, > 0).
    pub half_life: i64,
    /// Keep only touches at most this long (ns) before the conversion.
    pub lookback: Option<i64>,
    /// The conversion happens at the journey's last event (`--converted-col`) rather than at
    /// its first conversion event.
    pub conversion_at_end: bool,
    /// Keep the Markov transition table.
    pub transitions: bool,
}

/// One channel's credit under each model (in [`AttributionReport::models`] order).
#[derive(Clone, Debug, Serialize)]
pub struct ChannelCredit {
    pub name: String,
    pub conversions: Vec<f64>,
    pub shares: Vec<f64>,
    /// Attributed value per model (empty without `--value-col`).
    pub value: Vec<f64>,
    /// The Markov removal effect (with the markov model).
    pub removal_effect: Option<f64>,
}

/// The whole result.
#[derive(Clone, Debug, Serialize)]
pub struct AttributionReport {
    pub models: Vec<AttributionModel>,
    /// Converting journeys with at least one touch: what every model's credits add up to.
    pub conversions: u64,
    /// Converting journeys with no touch (nothing before the conversion event, or nothing
    /// within --lookback): left out of every model.
    pub conversions_without_touches: u64,
    /// Journeys with at least one touch (the paths the Markov chain is built from).
    pub journeys_with_touches: u64,
    /// Total value of the attributed conversions (with `--value-col`).
    pub total_value: Option<f64>,
    /// Every name that is a touch in some journey, in byte order.
    pub channels: Vec<ChannelCredit>,
    pub markov: Option<MarkovSummary>,
    /// The Markov transition table (with `transitions`).
    pub transitions: Vec<TransitionRow>,
}

/// The touches of journey `jx`, after `--lookback`.
pub fn touches(j: &Journeys, jx: usize, opts: &AttributionOptions) -> Range<usize> {
    let r = j.range(jx);
    let end = r.start + (j.path_len[jx] as usize).min(r.len());
    let Some(lookback) = opts.lookback else {
        return r.start..end;
    };
    if end == r.start {
        return end..end;
    }
    // The conversion instant, or the last touch for journeys that do not convert.
    let anchor = if j.converted[jx] && !opts.conversion_at_end {
        j.conversion_time[jx]
    } else {
        j.time[end - 1]
    };
    let cutoff = anchor.saturating_sub(lookback);
    let first = r.start + j.time[r.start..end].partition_point(|&t| t < cutoff);
    first..end
}

/// Attributes the conversions. `values` is each journey's conversion value (with
/// `--value-col`).
pub fn attribute(
    j: &Journeys,
    values: Option<&[f64]>,
    opts: &AttributionOptions,
) -> Result<AttributionReport> {
    let ids = j.values();
    let names = j.names();
    let n_names = names.len();
    let heuristics: Vec<AttributionModel> = opts
        .models
        .iter()
        .copied()
        .filter(|m| *m != AttributionModel::Markov && *m != AttributionModel::All)
        .collect();
    let mut credit = vec![vec![0.0f64; n_names]; heuristics.len()];
    let mut value_credit = vec![vec![0.0f64; n_names]; heuristics.len()];
    let mut touched = vec![false; n_names];
    let (mut conversions, mut untouched, mut with_touches) = (0u64, 0u64, 0u64);
    let mut total_value = 0.0f64;
    let mut w = Vec::new();
    let spans: Vec<Range<usize>> = (0..j.len()).map(|jx| touches(j, jx, opts)).collect();
    for (jx, span) in spans.iter().enumerate() {
        if span.is_empty() {
            untouched += u64::from(j.converted[jx]);
            continue;
        }
        with_touches += 1;
        for &id in &ids[span.clone()] {
            touched[id as usize] = true;
        }
        if !j.converted[jx] {
            continue;
        }
        conversions += 1;
        let v = values.map_or(0.0, |v| v[jx]);
        total_value += v;
        for (m, &model) in heuristics.iter().enumerate() {
            weights(model, &j.time[span.clone()], opts.half_life, &mut w);
            for (&id, &wt) in ids[span.clone()].iter().zip(&w) {
                credit[m][id as usize] += wt;
                if values.is_some() {
                    value_credit[m][id as usize] += wt * v;
                }
            }
        }
    }
    if conversions == 0 {
        if untouched > 0 {
            let within = match opts.lookback {
                Some(l) => format!(
                    " within --lookback {} (a longer --lookback keeps more)",
                    crate::duration::humanize_secs(l as f64 / 1e9)
                ),
                None => String::new(),
            };
            let journeys = if untouched == 1 {
                "the 1 converting journey has no touch".to_string()
            } else {
                format!("none of the {untouched} converting journeys has a touch")
            };
            bail!("{journeys} before its conversion{within}; nothing to attribute");
        }
        bail!("no journey converts, so there is nothing to attribute; check --conversion / --converted-col");
    }
    let channels: Vec<u32> = (0..n_names as u32)
        .filter(|&c| touched[c as usize])
        .collect();
    let (markov, effects, transitions) = if opts.models.contains(&AttributionModel::Markov) {
        let chain = Chain::build(
            spans
                .iter()
                .enumerate()
                .map(|(jx, s)| (&ids[s.clone()], j.converted[jx])),
            opts.order,
            names,
        );
        drop(spans);
        let p = chain.p_conversion(None)?;
        let effects = chain.removal_effects(&channels, p)?;
        let summary = MarkovSummary {
            order: chain.order,
            states: chain.states.len(),
            p_conversion: p,
        };
        let table = if opts.transitions {
            chain.transitions(names)
        } else {
            Vec::new()
        };
        (Some(summary), Some(effects), table)
    } else {
        (None, None, Vec::new())
    };
    let effect_sum: f64 = effects.iter().flatten().sum();
    let mut rows: Vec<ChannelCredit> = channels
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let mut conv = Vec::new();
            let mut value = Vec::new();
            let mut h = 0;
            for &model in &opts.models {
                if model == AttributionModel::Markov {
                    let re = effects.as_ref().map_or(0.0, |e| e[i]);
                    let share = if effect_sum > 0.0 {
                        re / effect_sum
                    } else {
                        0.0
                    };
                    conv.push(conversions as f64 * share);
                    value.push(total_value * share);
                } else {
                    conv.push(credit[h][c as usize]);
                    value.push(value_credit[h][c as usize]);
                    h += 1;
                }
            }
            ChannelCredit {
                name: names.name(c).to_string(),
                shares: conv.iter().map(|x| x / conversions as f64).collect(),
                conversions: conv,
                value: if values.is_some() { value } else { Vec::new() },
                removal_effect: effects.as_ref().map(|e| e[i]),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    Ok(AttributionReport {
        models: opts.models.clone(),
        conversions,
        conversions_without_touches: untouched,
        journeys_with_touches: with_touches,
        total_value: values.map(|_| total_value),
        channels: rows,
        markov,
        transitions,
    })
}
