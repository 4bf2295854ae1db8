//! `journeymap attribution`: which channels get the credit for the conversions.

use anyhow::{bail, Result};
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::inspect::options_line;
use super::{prepare_with, Context, DefaultLevel, Meta, Prepared};
use crate::analysis::attribution::{
    attribute, AttributionModel, AttributionOptions, AttributionReport, ChannelCredit,
};
use crate::analysis::attribution_markov::TransitionRow;
use crate::cli::{AttributionArgs, OutputFormat};
use crate::duration::parse_duration;
use crate::error::usage;
use crate::journey::{Conversion, Level};
use crate::render::{self, count, percent, rate6, Doc, Sink, Table};

#[derive(Serialize)]
struct TransitionsOutput<'a> {
    meta: &'a Meta,
    level: Level,
    order: usize,
    states: usize,
    transitions: &'a [TransitionRow],
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
    let prepared = prepare_with(
        &args.input,
        &args.journey,
        ctx,
        false,
        DefaultLevel::ChannelIfAny,
        args.value_col.as_deref().map(|c| (c, "--value-col")),
    )?;
    if !prepared.conversion_defined() {
        return Err(usage(
            "attribution needs conversions: pass --conversion NAME (e.g. --conversion purchase) or --converted-col COLUMN",
        ));
    }
    let opts = AttributionOptions {
        models,
        order: args.order,
        half_life,
        lookback,
        conversion_at_end: matches!(prepared.settings.journey.conversion, Conversion::Column(_)),
        transitions: args.transitions,
    };
    let values = match &args.value_col {
        Some(col) => Some(conversion_values(&prepared, col, ctx)?),
        None => None,
    };
    let report = attribute(&prepared.journeys, values.as_deref(), &opts)?;
    if report.conversions_without_touches > 0 {
        ctx.warn(format_args!(
            "{} no touch before the conversion{} and {} left out",
            crate::text::counted(
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
    let mut meta = prepared.meta("attribution");
    meta.command_options = json!({
        "model": args.model.key(),
        "order": args.order,
        "half_life": args.half_life,
        "lookback": args.lookback,
        "value_col": args.value_col,
    });
    let level = prepared.journeys.level;
    let mut sink = Sink::open(args.output.output.as_deref(), &meta.inputs)?;
    let color = ctx.color_stdout(sink.is_terminal());
    if args.transitions {
        let states = report.markov.as_ref().map_or(0, |m| m.states);
        let json = TransitionsOutput {
            meta: &meta,
            level,
            order: args.order,
            states,
            transitions: &report.transitions,
        };
        let table = |pretty: bool| {
            let mut t = render::Table::new(&["from", "to", "count>", "probability>"]);
            for r in &report.transitions {
                t.row(vec![
                    r.from.clone(),
                    r.to.clone(),
                    if pretty {
                        count(r.count)
                    } else {
                        r.count.to_string()
                    },
                    rate6(Some(r.probability)),
                ]);
            }
            t
        };
        let doc = || {
            let mut doc = Doc::default();
            doc.heading("journeymap attribution: Markov transitions");
            doc.fields(vec![
                ("order", args.order.to_string()),
                (
                    "states",
                    format!(
                        "{} plus (start), (conversion), (null)",
                        count(states as u64)
                    ),
                ),
                ("options", options_line(&meta)),
            ]);
            doc.table(table(true));
            doc
        };
        render::write_report(format, &mut sink, color, &json, || Some(table(false)), doc)?;
        return sink.finish();
    }
    let json = json_output(&report, &meta, level, args.value_col.as_deref());
    render::write_report(
        format,
        &mut sink,
        color,
        &json,
        || Some(csv_table(&report)),
        || document(&report, &meta, args.value_col.as_deref()),
    )?;
    sink.finish()
}

/// Each journey's conversion value: the value column at its first conversion event (0 where
/// empty or where the journey does not convert).
fn conversion_values(p: &Prepared, col: &str, ctx: &Context) -> Result<Vec<f64>> {
    let values = read_conversion_values(p, col)?;
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
    let Some((dict, ids)) = &p.table.attribute else {
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
                dict.name(id)
            ),
        }
    }
    Ok(out)
}

/// `{name, first: {conversions, share[, value]}, ..., markov: {..., removal_effect}}` per row.
fn json_output(r: &AttributionReport, meta: &Meta, level: Level, value_col: Option<&str>) -> Value {
    let mut out = Map::new();
    out.insert("meta".into(), json!(meta));
    out.insert("level".into(), json!(level));
    out.insert(
        "models".into(),
        json!(r.models.iter().map(|m| m.key()).collect::<Vec<_>>()),
    );
    out.insert("conversions".into(), json!(r.conversions));
    out.insert(
        "conversions_without_touches".into(),
        json!(r.conversions_without_touches),
    );
    out.insert(
        "journeys_with_touches".into(),
        json!(r.journeys_with_touches),
    );
    if let (Some(col), Some(total)) = (value_col, r.total_value) {
        out.insert("value_column".into(), json!(col));
        out.insert("total_value".into(), json!(total));
    }
    if let Some(m) = &r.markov {
        out.insert("markov".into(), json!(m));
    }
    let rows: Vec<Value> = r
        .channels
        .iter()
        .map(|c| {
            let mut row = Map::new();
            row.insert("name".into(), json!(c.name));
            for (i, m) in r.models.iter().enumerate() {
                let mut cell = Map::new();
                cell.insert("conversions".into(), json!(c.conversions[i]));
                cell.insert("share".into(), json!(c.shares[i]));
                if let Some(v) = c.value.get(i) {
                    cell.insert("value".into(), json!(v));
                }
                if *m == AttributionModel::Markov {
                    cell.insert("removal_effect".into(), json!(c.removal_effect));
                }
                row.insert(m.key().into(), Value::Object(cell));
            }
            Value::Object(row)
        })
        .collect();
    out.insert("channels".into(), Value::Array(rows));
    Value::Object(out)
}

fn csv_table(r: &AttributionReport) -> Table {
    let with_value = r.total_value.is_some();
    let mut cols = vec!["name".to_string()];
    for m in &r.models {
        cols.push(format!("{}_conversions", m.key()));
        cols.push(format!("{}_share", m.key()));
        if with_value {
            cols.push(format!("{}_value", m.key()));
        }
    }
    if r.markov.is_some() {
        cols.push("markov_removal_effect".into());
    }
    let mut t = Table::new(&cols.iter().map(String::as_str).collect::<Vec<_>>());
    for c in &r.channels {
        let mut row = vec![c.name.clone()];
        for i in 0..r.models.len() {
            row.push(rate6(Some(c.conversions[i])));
            row.push(rate6(Some(c.shares[i])));
            if with_value {
                row.push(rate6(c.value.get(i).copied()));
            }
        }
        if r.markov.is_some() {
            row.push(rate6(c.removal_effect));
        }
        t.row(row);
    }
    t
}

/// A number with thousands separators and two decimals: `1,234.50`.
fn amount(x: f64) -> String {
    let rounded = (x * 100.0).round() / 100.0;
    let whole = rounded.trunc().abs() as u64;
    let cents = ((rounded.abs() - whole as f64) * 100.0).round() as u64;
    let sign = if rounded < 0.0 { "-" } else { "" };
    format!("{sign}{}.{cents:02}", count(whole))
}

fn model_title(m: AttributionModel) -> &'static str {
    match m {
        AttributionModel::TimeDecay => "time-decay",
        m => m.key(),
    }
}

fn document(r: &AttributionReport, meta: &Meta, value_col: Option<&str>) -> Doc {
    let mut doc = Doc::default();
    doc.heading("journeymap attribution");
    let opts = &meta.command_options;
    let mut fields = vec![
        ("conversions", count(r.conversions)),
        ("journeys with touches", count(r.journeys_with_touches)),
    ];
    if r.conversions_without_touches > 0 {
        fields.push((
            "left out",
            format!(
                "{} without a touch",
                crate::text::counted(
                    r.conversions_without_touches,
                    "converting journey",
                    "converting journeys"
                )
            ),
        ));
    }
    if r.models.contains(&AttributionModel::TimeDecay) {
        fields.push((
            "half-life",
            opts["half_life"].as_str().unwrap_or("7d").to_string(),
        ));
    }
    if let Some(l) = opts["lookback"].as_str() {
        fields.push(("lookback", l.to_string()));
    }
    if let Some(m) = &r.markov {
        fields.push((
            "markov",
            format!(
                "order {}, {} states, P(conversion) {:.6}",
                m.order,
                count(m.states as u64),
                m.p_conversion
            ),
        ));
    }
    if let (Some(col), Some(total)) = (value_col, r.total_value) {
        fields.push(("value", format!("{} ({col})", amount(total))));
    }
    fields.push(("options", options_line(meta)));
    for n in &meta.notes {
        fields.push(("note", n.clone()));
    }
    doc.fields(fields);
    let level = match meta.options.level {
        Level::Channel => "channel",
        Level::Touchpoint => "touchpoint",
    };
    doc.heading("Attributed conversions (share)");
    doc.table(model_table(r, level, false));
    if r.total_value.is_some() {
        doc.heading(format!(
            "Attributed value ({})",
            value_col.unwrap_or("value")
        ));
        doc.table(model_table(r, level, true));
    }
    doc
}

/// One row per channel, one column per model (conversions with their share, or `value`), a
/// total row; the removal effect last.
fn model_table(r: &AttributionReport, level: &str, value: bool) -> Table {
    let mut header = vec![level.to_string()];
    header.extend(r.models.iter().map(|m| model_title(*m).to_string()));
    if r.markov.is_some() {
        header.push("removal effect".into());
    }
    let mut t = Table {
        numeric: (0..header.len()).map(|i| i > 0).collect(),
        header,
        rows: Vec::new(),
    };
    let get = |c: &ChannelCredit, i: usize| {
        if value {
            c.value.get(i).copied().unwrap_or(0.0)
        } else {
            c.conversions[i]
        }
    };
    for c in &r.channels {
        let mut row = vec![c.name.clone()];
        for i in 0..r.models.len() {
            row.push(if value {
                amount(get(c, i))
            } else {
                format!("{} ({})", amount(get(c, i)), percent(Some(c.shares[i])))
            });
        }
        if r.markov.is_some() {
            row.push(c.removal_effect.map_or("-".into(), |e| format!("{e:.4}")));
        }
        t.row(row);
    }
    let mut total = vec!["(total)".to_string()];
    for i in 0..r.models.len() {
        total.push(amount(r.channels.iter().map(|c| get(c, i)).sum()));
    }
    if r.markov.is_some() {
        total.push(String::new());
    }
    t.row(total);
    t
}
