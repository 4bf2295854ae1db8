//! `journeymap variants`: the path variants table of the journeys, as CSV or Parquet
//! (docs/variants.md).

use anyhow::{Context as _, Result};
use polars::prelude::{
    Float64Chunked, IntoColumn, NewChunkedArray, ParquetWriter, StringChunked, UInt32Chunked,
    UInt64Chunked,
};

use super::{config, prepare, Context};
use crate::analysis::variants::{variants, Variant, VERSION};
use crate::cli::VariantsArgs;
use crate::error::usage;
use crate::render::Sink;
use crate::settings::Request;

/// The columns of the table, version 1.
const COLUMNS: [&str; 8] = [
    "variants_version",
    "touchpoints",
    "channels",
    "steps",
    "journeys",
    "conversions",
    "value",
    "median_duration_s",
];

pub fn run(args: &VariantsArgs, ctx: &Context) -> Result<()> {
    let parquet = match &args.output {
        None => false,
        Some(p) => match p
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
        {
            Some(e) if e == "parquet" => true,
            Some(e) if e == "csv" => false,
            _ => {
                return Err(usage(format!(
                    "-o {}: name the file .csv or .parquet",
                    p.display()
                )))
            }
        },
    };
    let config = config(&args.input)?;
    let request = Request::new(&args.input, &args.journey, &config)
        .keep_column(args.value_col.as_deref(), "--value-col");
    let p = prepare(&request, ctx)?;
    let values = args
        .value_col
        .as_deref()
        .map(|col| super::attribution::conversion_values(&p, col, ctx))
        .transpose()?;
    let rows = variants(&p.journeys, values.as_deref());
    let meta = p.meta("variants");
    let read = meta.read_files();
    let mut sink = Sink::open(args.output.as_deref(), &read)?;
    let written = if parquet {
        write_parquet(&rows, sink.writer())
    } else {
        write_csv(&rows, sink.writer())
    };
    written.map_err(|e| sink.context(e))?;
    sink.finish()?;
    if let Some(path) = &args.output {
        ctx.note(format_args!(
            "{} variants of {} journeys in {}",
            crate::text::count(rows.len() as u64),
            crate::text::count(p.journeys.len() as u64),
            path.display()
        ));
    }
    Ok(())
}

/// The table as CSV, cells as they are (a data file, not a sheet: no formula guard). Records
/// go through a buffer so that `out`'s errors stay I/O errors (a closed pipe is a quiet exit).
fn write_csv(rows: &[Variant], out: &mut dyn std::io::Write) -> Result<()> {
    let mut header = true;
    for chunk in rows.chunks(1024).chain(rows.is_empty().then_some(&[][..])) {
        let mut w = csv::Writer::from_writer(Vec::with_capacity(1 << 16));
        if std::mem::take(&mut header) {
            w.write_record(COLUMNS)?;
        }
        for r in chunk {
            w.write_record([
                VERSION.to_string(),
                r.touchpoints.clone(),
                r.channels.clone().unwrap_or_default(),
                r.steps.to_string(),
                r.journeys.to_string(),
                r.conversions.to_string(),
                r.value.map(|v| v.to_string()).unwrap_or_default(),
                r.median_duration_s.to_string(),
            ])?;
        }
        let buf = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
        out.write_all(&buf)?;
    }
    Ok(())
}

fn write_parquet(rows: &[Variant], out: &mut dyn std::io::Write) -> Result<()> {
    let n = rows.len();
    let columns = vec![
        UInt32Chunked::from_vec(COLUMNS[0].into(), vec![VERSION; n]).into_column(),
        StringChunked::from_iter_values(
            COLUMNS[1].into(),
            rows.iter().map(|r| r.touchpoints.as_str()),
        )
        .into_column(),
        StringChunked::from_iter_options(
            COLUMNS[2].into(),
            rows.iter().map(|r| r.channels.as_deref()),
        )
        .into_column(),
        UInt64Chunked::from_vec(
            COLUMNS[3].into(),
            rows.iter().map(|r| r.steps as u64).collect(),
        )
        .into_column(),
        UInt64Chunked::from_vec(COLUMNS[4].into(), rows.iter().map(|r| r.journeys).collect())
            .into_column(),
        UInt64Chunked::from_vec(
            COLUMNS[5].into(),
            rows.iter().map(|r| r.conversions).collect(),
        )
        .into_column(),
        Float64Chunked::from_iter_options(COLUMNS[6].into(), rows.iter().map(|r| r.value))
            .into_column(),
        Float64Chunked::from_vec(
            COLUMNS[7].into(),
            rows.iter().map(|r| r.median_duration_s).collect(),
        )
        .into_column(),
    ];
    let mut df = polars::prelude::DataFrame::new(n, columns).context("building the table")?;
    ParquetWriter::new(out)
        .finish(&mut df)
        .context("writing Parquet")?;
    Ok(())
}
