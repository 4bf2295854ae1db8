//! `journeymap inspect`: describe the inputs and their data quality.

use anyhow::Result;

use super::{config, prepare, Context};
use crate::analysis::inspect::inspect;
use crate::cli::{InspectArgs, OutputFormat};
use crate::render::report::inspect::InspectOutput;
use crate::render::{self, emit, Reported};
use crate::settings::Request;

pub fn run(args: &InspectArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(&args.output, "inspect", &[Table, Json, Md])?;
    let config = config(&args.input)?;
    let request = Request::new(&args.input, &args.journey, &config).lenient();
    let prepared = prepare(&request, ctx)?;
    let now = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(i64::MAX);
    let report = inspect(
        &prepared.table,
        &prepared.journeys,
        &prepared.order,
        &prepared.clean,
        prepared.settings.conversion(),
        now,
    )
    .reported();
    let meta = prepared.meta("inspect");
    let output = InspectOutput {
        meta: &meta,
        report: &report,
    };
    emit(&output, format, &args.output, &meta.read_files(), ctx.color)
}
