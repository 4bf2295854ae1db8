//! `journeymap dropoff`: where journeys end without converting.

use anyhow::Result;

use super::{config, prepare, Context};
use crate::analysis::dropoff::dropoff;
use crate::cli::{DropoffArgs, OutputFormat};
use crate::render::report::dropoff::DropoffOutput;
use crate::render::{self, emit, Reported};
use crate::settings::Request;

pub fn run(args: &DropoffArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(&args.output, "dropoff", &[Table, Csv, Json, Md])?;
    let config = config(&args.input)?;
    let prepared = prepare(
        &Request::new(&args.input, &args.journey, &config).accepts_variants(),
        ctx,
    )?;
    let report = dropoff(&prepared.journeys, prepared.conversion_defined()).reported();
    let meta = prepared.meta("dropoff");
    let output = DropoffOutput {
        meta: &meta,
        report: &report,
    };
    emit(&output, format, &args.output, &meta.read_files(), ctx.color)
}
