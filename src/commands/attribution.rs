//! `journeymap attribution`: which channels get the credit for the conversions.

use anyhow::{bail, Result};
use serde::Serialize;

use super::{config, prepare, Context, Prepared};
use crate::analysis::attribution::{attribute, AttributionModel, AttributionOptions};
use crate::cli::{AttributionArgs, OutputFormat};
use crate::duration::parse_duration;
use crate::error::usage;
use crate::journey::Conversion;
use crate::render::report::attribution::{AttributionOutput, MarkovTransitionsOutput};
use crate::render::{self, emit, Reported};
use crate::settings::Request;
use crate::text::counted;

/// The command's own options, as `meta.command_options` reports them.
#[derive(Serialize)]
struct Options<'a> {
    model: &'static str,
    order: usize,
    half_life: &'a str,
    lookback: &'a Option<String>,
    value_col: &'a Option<String>,
}

pub fn run(args: &AttributionArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(&args.output, "attribution", &[Table, Csv, Json, Md])?;
    if !(1..=4).contains(&args.order) {
        return Err(usage(format!(
            "--order must be 1, 2, 3 or 4 (got {}): the Markov state is the last k channels",
            args.order
        )));
    }
    let half_life =
        parse_duration(&args.half_life).map_err(|e| usage(format!("--half-life: {e}")))?;
    if half_life <= 0 {
        return Err(usage("--half-life must be longer than 0, like 7d or 12h"));
    }
    let lookback = args
        .lookback
        .as_deref()
        .map(|l| parse_duration(l).map_err(|e| usage(format!("--lookback: {e}"))))
        .transpose()?;
    let models: Vec<AttributionModel> = match args.model {
        AttributionModel::All => AttributionModel::EACH.to_vec(),
        m => vec![m],
    };
    if args.transitions && !models.contains(&AttributionModel::Markov) {
        return Err(usage(
            "--transitions prints the Markov model's table; use it with --model markov or all",
        ));
    }
    let config = config(&args.input)?;
    let request = Request::new(&args.input, &args.journey, &config)
        .accepts_variants()
        .channels_if_any()
        .keep_column(args.value_col.as_deref(), "--value-col");
    let prepared = prepare(&request, ctx)?;
    if !prepared.conversion_defined() {
        return Err(usage(
            "attribution needs conversions: pass --conversion NAME (e.g. --conversion purchase) or --converted-col COLUMN",
        ));
    }
    // `all` on a variants table: every model that needs no event times.
    let mut models = models;
    if prepared.journeys.timeless && args.model == AttributionModel::All {
        models.retain(|m| *m != AttributionModel::TimeDecay);
        ctx.note("a variants table has no event times: the time-decay model is left out");
    }
    let opts = AttributionOptions {
        models,
        order: args.order,
        half_life,
        lookback,
        conversion_at_end: matches!(prepared.settings.conversion(), Conversion::Column(_)),
        transitions: args.transitions,
    };
    if prepared.journeys.timeless {
        if opts.models.contains(&AttributionModel::TimeDecay) {
            return Err(usage(
                "the time-decay model needs event times, and a variants table has none; leave it out (--model first,last,linear,position,markov) or run it on the events",
            ));
        }
        if args.lookback.is_some() {
            return Err(usage(
                "--lookback needs event times, and a variants table has none; run it on the events",
            ));
        }
    }
    let values = match (&args.value_col, &prepared.variants) {
        (Some(col), Some(v)) => Some(variant_values(v, col)?),
        (Some(col), None) => Some(conversion_values(&prepared, col, ctx)?),
        _ => None,
    };
    let report = attribute(&prepared.journeys, values.as_deref(), &opts)?.reported();
    if report.conversions_without_touches > 0 {
        ctx.warn(format_args!(
            "{} no touch before the conversion{} and {} left out",
            counted(
                report.conversions_without_touches,
                "converting journey has",
                "converting journeys have"
            ),
            match &args.lookback {
                Some(l) => format!(" within --lookback {l}"),
                None => String::new(),
            },
            if report.conversions_without_touches == 1 {
                "is"
            } else {
                "are"
            }
        ));
    }
    let meta = prepared.meta("attribution").with_options(Options {
        model: args.model.key(),
        order: args.order,
        half_life: &args.half_life,
        lookback: &args.lookback,
        value_col: &args.value_col,
    });
    let level = prepared.journeys.level;
    if args.transitions {
        let output = MarkovTransitionsOutput {
            meta: &meta,
            level,
            order: args.order,
            states: report.markov.as_ref().map_or(0, |m| m.states),
            transitions: &report.transitions,
        };
        return emit(&output, format, &args.output, &meta.read_files(), ctx.color);
    }
    let output = AttributionOutput::new(
        &meta,
        level,
        &report,
        args.value_col.as_deref(),
        &args.half_life,
        args.lookback.as_deref(),
    );
    emit(&output, format, &args.output, &meta.read_files(), ctx.color)
}

/// On a variants table, each converting journey's share of its row's value (all journeys of
/// a row have the same touches, so every model splits the row's value as it would split the
/// journeys' values).
fn variant_values(v: &crate::input::variants::VariantsInput, col: &str) -> Result<Vec<f64>> {
    if !v.has_value {
        return Err(usage(format!(
            "--value-col {col}: {} was made without --value-col, so it has no values",
            v.files.join(", ")
        )));
    }
    let mut out = Vec::new();
    for r in &v.rows {
        let each = match r.value {
            Some(total) if r.conversions > 0 => total / r.conversions as f64,
            _ => 0.0,
        };
        for k in 0..r.journeys {
            out.push(if k < r.conversions { each } else { 0.0 });
        }
    }
    Ok(out)
}

/// Each journey's conversion value: the value column at its first conversion event (0 where
/// empty or where the journey does not convert).
pub(super) fn conversion_values(p: &Prepared, col: &str, ctx: &Context) -> Result<Vec<f64>> {
    let values = read_conversion_values(p, col)?;
    // Every sum the models take is at most the sum of the absolute values: if that is finite,
    // no total overflows to infinity (which would print as a different number).
    if !values.iter().map(|v| v.abs()).sum::<f64>().is_finite() {
        bail!(
            "the values of --value-col {col} add up to more than 1.8e308, the largest number journeymap holds (64-bit floating point); check the column's unit or the values"
        );
    }
    let j = &p.journeys;
    let converting = (0..j.len()).filter(|&i| j.converted[i]).count();
    if converting > 0 && (0..j.len()).all(|i| !j.converted[i] || values[i] == 0.0) {
        ctx.warn(format_args!(
            "--value-col {col} is empty or 0 on every conversion row, so every value is 0 (the value is read from the first conversion event's row)"
        ));
    }
    Ok(values)
}

fn read_conversion_values(p: &Prepared, col: &str) -> Result<Vec<f64>> {
    let Some(crate::input::KeptColumn {
        values: dict, ids, ..
    }) = p.table.kept(col)
    else {
        return Ok(vec![0.0; p.journeys.len()]);
    };
    let parsed: Vec<Option<f64>> = dict
        .names()
        .map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect();
    let j = &p.journeys;
    let mut out = Vec::with_capacity(j.len());
    for jx in 0..j.len() {
        let row = j.conversion_row[jx];
        let id = ids
            .get(row as usize)
            .copied()
            .unwrap_or(crate::input::NO_ATTRIBUTE);
        if !j.converted[jx] || id == crate::input::NO_ATTRIBUTE {
            out.push(0.0);
            continue;
        }
        match parsed.get(id as usize).copied().flatten() {
            Some(v) => out.push(v),
            None => bail!(
                "{}: column '{col}' has '{}', not a number; --value-col needs a numeric column (like revenue)",
                p.table.locate(u64::from(row)),
                crate::text::excerpt(dict.name(id))
            ),
        }
    }
    Ok(out)
}
