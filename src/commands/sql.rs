//! `journeymap sql`: the query that computes the path variants table in a warehouse
//! (docs/warehouse.md), with the journey options of the flags and journeymap.toml.

use anyhow::Result;

use super::{config, Context};
use crate::cli::SqlArgs;
use crate::error::usage;
use crate::input::mapping::ColumnRequest;
use crate::render::Sink;
use crate::settings::{self, Request};
use crate::warehouse::{variants_sql, Spec};

pub fn run(args: &SqlArgs, ctx: &Context) -> Result<()> {
    if !args.input.inputs.is_empty() {
        return Err(usage(format!(
            "journeymap sql reads no files (got {}); it writes the query for the warehouse table named by --table",
            args.input.inputs.join(", ")
        )));
    }
    let config = config(&args.input)?;
    if !config.source.is_empty() {
        return Err(usage(
            "journeymap sql works on one warehouse table (--table); the [[source]] tables of the config file cannot be pushed down",
        ));
    }
    let time_flags = [
        ("--tz", args.input.tz.is_some() || config.time.tz.is_some()),
        (
            "--time-format",
            args.input.time_format.is_some() || config.time.format.is_some(),
        ),
        (
            "--time-unit",
            args.input.time_unit.is_some() || config.time.unit.is_some(),
        ),
    ];
    if let Some((flag, _)) = time_flags.iter().find(|(_, given)| *given) {
        return Err(usage(format!(
            "{flag} cannot be pushed down: the SQL reads the time column as a TIMESTAMP (UTC) or TIMESTAMP WITH TIME ZONE; convert it in a view and name the view with --table"
        )));
    }
    let request = Request::new(&args.input, &args.journey, &config);
    let s = settings::resolve(&request).map_err(|e| usage(format!("{e:#}")))?;
    let columns: &ColumnRequest = &s.load.sources[0].columns;
    let channel = columns.channel.clone();
    if channel.is_none() {
        ctx.info("no --channel: the variants have no channel sequences");
    }
    let level = s.level(channel.is_some());
    let options = s.journey_options(level);
    let spec = Spec {
        table: args.table.clone(),
        customer: columns.customer.clone().unwrap_or("customer_id".into()),
        time: columns.time.clone().unwrap_or("timestamp".into()),
        touchpoint: columns.touchpoint.clone().unwrap_or("touchpoint".into()),
        channel,
        filters: s.load.filters.clone(),
        rename: (s.clean.rename.iter())
            .map(|(re, alias)| (re.as_str().to_string(), alias.clone()))
            .collect(),
        exclude: s.clean.exclude.clone(),
        from: s.clean.from,
        to: s.clean.to,
        session_gap: options.session_gap,
        collapse_repeats: options.collapse_repeats,
        level,
        conversion: options.conversion.clone(),
        split_on_conversion: options.split_on_conversion,
        value_col: args.value_col.clone(),
        skip_invalid: s.load.skip_invalid,
        tiebreak: options.tiebreak.clone(),
        options_json: super::variants::options_text(&s.options(level)),
    };
    if level == crate::journey::Level::Channel && spec.channel.is_none() {
        return Err(usage(
            "--level channel needs the channel column: pass --channel COLUMN",
        ));
    }
    let sql = variants_sql(&spec, args.dialect).map_err(|e| usage(format!("{e:#}")))?;
    let mut sink = Sink::open(args.output.as_deref(), &[])?;
    sink.writer()
        .write_all(sql.as_bytes())
        .map_err(|e| sink.context(e.into()))?;
    sink.finish()
}
