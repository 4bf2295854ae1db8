//! The two sides of `journeymap diff`: two inputs, or one input split by `--split COL=V1,V2`
//! (each journey's first-event value) or `--before DATE` (each journey's start).

use anyhow::Result;

use super::{prepare, Context, Segments};
use crate::analysis::subset::subset;
use crate::cli::DiffArgs;
use crate::config::ConfigFile;
use crate::error::usage;
use crate::journey::Journeys;
use crate::meta::Meta;
use crate::settings::Request;

/// One side of the comparison.
pub struct Side {
    pub label: String,
    pub journeys: Journeys,
}

/// Loads the two sides: two inputs, or one input split by --split or --before.
pub fn sides(
    args: &DiffArgs,
    config: &ConfigFile,
    ctx: &Context,
) -> Result<(Meta, Side, Side, bool)> {
    let inputs = &args.input.inputs;
    let request = Request::new(&args.input, &args.journey, config).accepts_variants();
    if (args.split.is_some() || args.before.is_some()) && inputs.len() > 1 {
        let flag = if args.split.is_some() {
            "--split"
        } else {
            "--before"
        };
        ctx.warn(format_args!(
            "{flag} splits one dataset: the {} inputs are read together as one, and their journeys split in two; to compare the files with each other, leave out {flag}",
            inputs.len()
        ));
    }
    if let Some(spec) = &args.split {
        let segments = Segments::parse("--split", spec)?;
        // A source without the column (a survey export) gives its rows no value.
        let request = request.keep_optional_column(Some(segments.column.as_str()), "--split");
        let p = prepare(&request, ctx).map_err(Segments::missing_column)?;
        let (in_a, in_b) = segments.members(&p, "--split", ctx);
        let (col, v1, v2) = (&segments.column, &segments.a, &segments.b);
        let a = subset(&p.journeys, |i| in_a[i]);
        let b = subset(&p.journeys, |i| in_b[i]);
        let side = |v: &str, j| Side {
            label: format!("{col}={v}"),
            journeys: j,
        };
        let meta = p.meta("diff");
        return Ok((meta, side(v1, a), side(v2, b), p.conversion_defined()));
    }
    if let Some(date) = &args.before {
        let p = prepare(&request, ctx)?;
        if p.journeys.timeless {
            return Err(usage(
                "--before needs event times, and a variants table has none; compare two tables (journeymap diff A B)",
            ));
        }
        let cut = crate::input::time::parse_bound(&p.settings.load.time, date, false, "--before")
            .map_err(|e| usage(format!("{e:#}")))?;
        let j = &p.journeys;
        let starts_before = |i: usize| j.time[j.range(i).start] < cut;
        let before = (0..j.len()).filter(|&i| starts_before(i)).count();
        if before == 0 || before == j.len() {
            let side = if before == 0 { "before" } else { "from" };
            ctx.warn(format_args!(
                "--before {date}: no journey starts {side} that date, so that side is empty"
            ));
        }
        let a = subset(j, starts_before);
        let b = subset(j, |i| !starts_before(i));
        let meta = p.meta("diff");
        let conv = p.conversion_defined();
        return Ok((
            meta,
            Side {
                label: format!("before {date}"),
                journeys: a,
            },
            Side {
                label: format!("from {date}"),
                journeys: b,
            },
            conv,
        ));
    }
    if inputs.len() != 2 {
        return Err(usage(format!(
            "diff compares two inputs (journeymap diff A B), or one input split with --split COL=V1,V2 or --before DATE; got {}",
            crate::text::counted(inputs.len() as u64, "input", "inputs")
        )));
    }
    let load = |file: &String| {
        let input = crate::cli::InputArgs {
            inputs: vec![file.clone()],
            ..args.input.clone()
        };
        prepare(
            &Request::new(&input, &args.journey, config).accepts_variants(),
            ctx,
        )
    };
    let (pa, pb) = (load(&inputs[0])?, load(&inputs[1])?);
    // Two variants tables carry their own options: journeys made differently do not compare.
    if pa.options() != pb.options() {
        ctx.warn(format_args!(
            "{} and {} were made with other options ({} against {}): their journeys are not comparable; the output shows the first one's",
            inputs[0],
            inputs[1],
            pa.options().summary(),
            pb.options().summary()
        ));
    }
    let mut meta = pa.meta("diff");
    meta.inputs.extend(pb.meta("diff").inputs);
    meta.events += pb.journeys.events() as u64;
    meta.journeys += pb.journeys.len() as u64;
    let conv = pa.conversion_defined();
    Ok((
        meta,
        Side {
            label: inputs[0].clone(),
            journeys: pa.journeys,
        },
        Side {
            label: inputs[1].clone(),
            journeys: pb.journeys,
        },
        conv,
    ))
}
