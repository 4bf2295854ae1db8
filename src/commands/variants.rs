//! `journeymap variants`: the path variants table of the journeys, as CSV or Parquet
//! (docs/variants.md).

use anyhow::{Context as _, Result};
use polars::prelude::{
    Float64Chunked, IntoColumn, NewChunkedArray, ParquetWriter, StringChunked, UInt32Chunked,
    UInt64Chunked,
};

use super::{config, prepare, Context};
use crate::analysis::variants::{variants, Variant};
use crate::cli::VariantsArgs;
use crate::error::usage;
use crate::input::variants::{COLUMNS, VERSION};
use crate::render::Sink;
use crate::settings::Request;

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
    let options = options_text(&p.options());
    let meta = p.meta("variants");
    let read = meta.read_files();
    let mut sink = Sink::open(args.output.as_deref(), &read)?;
    let written = if parquet {
        write_parquet(&rows, &options, sink.writer())
    } else {
        write_csv(&rows, &options, sink.writer())
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
fn write_csv(rows: &[Variant], options: &str, out: &mut dyn std::io::Write) -> Result<()> {
    let mut header = true;
    for chunk in rows.chunks(1024).chain(rows.is_empty().then_some(&[][..])) {
        let mut w = csv::Writer::from_writer(Vec::with_capacity(1 << 16));
        if std::mem::take(&mut header) {
            w.write_record(COLUMNS)?;
        }
        for r in chunk {
            let first = std::ptr::eq(r, &rows[0]);
            w.write_record([
                VERSION.to_string(),
                r.touchpoints.clone(),
                r.channels.clone().unwrap_or_default(),
                r.steps.to_string(),
                r.touches.to_string(),
                r.journeys.to_string(),
                r.conversions.to_string(),
                r.value.map(|v| v.to_string()).unwrap_or_default(),
                r.median_duration_s.to_string(),
                r.channel_median_duration_s
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                if first {
                    options.to_string()
                } else {
                    String::new()
                },
            ])?;
        }
        let buf = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
        out.write_all(&buf)?;
    }
    Ok(())
}

fn write_parquet(rows: &[Variant], options: &str, out: &mut dyn std::io::Write) -> Result<()> {
    let n = rows.len();
    let u64s = |i: usize, f: &dyn Fn(&Variant) -> u64| {
        UInt64Chunked::from_vec(COLUMNS[i].into(), rows.iter().map(f).collect()).into_column()
    };
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
        u64s(3, &|r| r.steps as u64),
        u64s(4, &|r| u64::from(r.touches)),
        u64s(5, &|r| r.journeys),
        u64s(6, &|r| r.conversions),
        Float64Chunked::from_iter_options(COLUMNS[7].into(), rows.iter().map(|r| r.value))
            .into_column(),
        Float64Chunked::from_vec(
            COLUMNS[8].into(),
            rows.iter().map(|r| r.median_duration_s).collect(),
        )
        .into_column(),
        Float64Chunked::from_iter_options(
            COLUMNS[9].into(),
            rows.iter().map(|r| r.channel_median_duration_s),
        )
        .into_column(),
        StringChunked::from_iter_options(
            COLUMNS[10].into(),
            (0..n).map(|i| (i == 0).then_some(options)),
        )
        .into_column(),
    ];
    let mut df = polars::prelude::DataFrame::new(n, columns).context("building the table")?;
    ParquetWriter::new(out)
        .finish(&mut df)
        .context("writing Parquet")?;
    Ok(())
}

/// The options in force as a variants table carries them: compact JSON, without the config
/// file's path (the table may be read far from it).
pub fn options_text(options: &crate::settings::OptionsInForce) -> String {
    let mut o = options.clone();
    o.config = None;
    serde_json::to_string(&o).expect("options serialize")
}
