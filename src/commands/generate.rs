//! `journeymap generate`: a synthetic touchpoint log, written atomically.

use anyhow::{bail, Result};

use super::Context;
use crate::cli::GenerateArgs;
use crate::error::usage;
use crate::generate::{write_log, GenerateOptions, OutputKind};
use crate::input::time::TimeParser;
use crate::render::Sink;

pub fn run(args: &GenerateArgs, ctx: &Context) -> Result<()> {
    let kind = match &args.output {
        None => OutputKind::Csv,
        Some(p) => {
            let name = p.display().to_string().to_ascii_lowercase();
            if name.ends_with(".csv.gz") {
                OutputKind::CsvGz
            } else if name.ends_with(".csv") {
                OutputKind::Csv
            } else if name.ends_with(".parquet") {
                OutputKind::Parquet
            } else {
                return Err(usage(format!(
                    "-o {}: cannot tell the format; name the file .csv, .csv.gz or .parquet",
                    p.display()
                )));
            }
        }
    };
    if args.events == Some(0) || args.customers == Some(0) {
        return Err(usage("--events and --customers must be at least 1"));
    }
    if !(args.conversion_boost.is_finite() && args.conversion_boost >= 0.0) {
        return Err(usage("--conversion-boost must be a number >= 0"));
    }
    let Some(start) = TimeParser::default().parse(&args.start) else {
        let what = match crate::input::time::beyond_range(&args.start) {
            true => "is outside the times journeymap reads (1677-09-22 to 2262-04-11)",
            false => "is not a date; write it like 2026-01-01",
        };
        bail!(usage(format!(
            "--start '{}' {what}",
            crate::text::excerpt(&args.start)
        )));
    };
    let opts = GenerateOptions {
        events: args.events,
        customers: args.customers,
        seed: args.seed,
        start: start.ns.div_euclid(1_000_000_000),
        days: args.days,
        conversion_boost: args.conversion_boost,
        surveys: args.surveys,
    };
    crate::generate::check_options(&opts).map_err(|e| usage(format!("{e:#}")))?;
    let mut sink = Sink::open(args.output.as_deref(), &[])?;
    let summary = write_log(&opts, kind, sink.writer())?;
    sink.finish()?;
    if let Some(p) = &args.output {
        ctx.info(format_args!(
            "wrote {} events of {} customers ({} conversions{}) to {}",
            summary.events,
            summary.customers,
            summary.conversions,
            if args.surveys {
                format!(", {} surveys", summary.surveys)
            } else {
                String::new()
            },
            p.display()
        ));
    }
    Ok(())
}
