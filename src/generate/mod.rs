//! Synthetic touchpoint-log generator behind `journeymap generate`.
//!
//! Deterministic: the same [`GenerateOptions`] always give byte-identical
//! output (the RNG and the model live in `model.rs`; no external RNG crate).
//! Customers have one or more visits separated by hours to days; each visit
//! arrives through one channel and walks a first-order Markov chain over ~30
//! touchpoints with a drop-off probability at every step. Rows are shuffled
//! before writing, so the output is not in time order.

mod model;
#[cfg(test)]
mod tests;

use std::io::Write;

use anyhow::{bail, Context, Result};
use flate2::{write::GzEncoder, Compression};
use polars::prelude::{
    BooleanChunked, DataFrame, Float64Chunked, Int64Chunked, IntoColumn, NewChunkedArray,
    ParquetWriter, StringChunkedBuilder, TimeUnit, TimeZone,
};

use model::{touchpoint_name, Event, Model, Rng, CHANNELS, PURCHASE};

pub struct GenerateOptions {
    /// Approximate target number of events (customers are added until reached).
    pub events: Option<u64>,
    /// Number of customers; if both are `None`, 1000 customers.
    pub customers: Option<u64>,
    pub seed: u64,
    /// Unix seconds of the start of the simulated period.
    pub start: i64,
    /// Length of the simulated period in days.
    pub days: u32,
    /// Multiplies the probability of moving into `purchase`.
    pub conversion_boost: f64,
    /// Adds survey answers (touchpoint `survey_support`, a `score` column) after support
    /// contacts, with the pattern of [`model::add_surveys`].
    pub surveys: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputKind {
    Csv,
    CsvGz,
    Parquet,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct GenerateSummary {
    pub events: u64,
    pub customers: u64,
    /// Number of `purchase` rows (converted = 1).
    pub conversions: u64,
    /// Number of survey rows (with `--surveys`; counted in `events`).
    pub surveys: u64,
}

const DEFAULT_CUSTOMERS: u64 = 1000;
const MAX_DAYS: u32 = 36_500;
/// 1677-09-21T00:12:44Z and 2262-04-11T23:47:16Z: the whole seconds that journeymap reads
/// (nanoseconds since 1970 in 64 bits), so that every log it writes can be read back.
const MIN_TS: i64 = i64::MIN / 1_000_000_000 + 1;
const MAX_TS: i64 = i64::MAX / 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

const HEADER: &[u8] = b"customer_id,timestamp,touchpoint,channel,converted,revenue";

/// Writes the whole log to `out`; returns what was written.
/// Deterministic: same options => byte-identical output.
pub fn write_log(
    opts: &GenerateOptions,
    kind: OutputKind,
    out: &mut dyn Write,
) -> Result<GenerateSummary> {
    let (events, summary) = simulate(opts)?;
    match kind {
        OutputKind::Csv => write_csv(&events, opts.start, opts.surveys, out)?,
        OutputKind::CsvGz => {
            let mut gz = GzEncoder::new(&mut *out, Compression::fast());
            write_csv(&events, opts.start, opts.surveys, &mut gz)?;
            gz.finish().context("finishing gzip stream")?;
        }
        OutputKind::Parquet => write_parquet(&events, opts.start, opts.surveys, out)?,
    }
    out.flush().context("flushing output")?;
    Ok(summary)
}

/// Generates all events (shuffled) and the summary.
/// The most events or customers a log may have: journeymap reads up to this many rows.
pub const MAX_ROWS: u64 = u32::MAX as u64 - 1;

/// Checks the options before anything is simulated; the messages name the flags.
pub fn check_options(opts: &GenerateOptions) -> Result<()> {
    if opts.days == 0 || opts.days > MAX_DAYS {
        bail!("--days must be between 1 and {MAX_DAYS}, got {}", opts.days);
    }
    if !opts.conversion_boost.is_finite() || opts.conversion_boost < 0.0 {
        bail!(
            "--conversion-boost must be a finite number >= 0, got {}",
            opts.conversion_boost
        );
    }
    for (flag, n) in [("--events", opts.events), ("--customers", opts.customers)] {
        if let Some(n) = n.filter(|&n| n > MAX_ROWS) {
            bail!("{flag} must be at most {MAX_ROWS} (the rows journeymap reads), got {n}");
        }
    }
    // Visits may run a little past the end of the period: keep a 100-day margin.
    let last = i64::from(opts.days + 100) * SECS_PER_DAY;
    if opts.start < MIN_TS || opts.start > MAX_TS - last {
        bail!(
            "a log from {} over {} days (and visits up to 100 days after) would not fit the times journeymap reads, 1677-09-21T00:12:44Z to 2262-04-11T23:47:16Z; pick a --start between 1677-09-22 and {}",
            chrono::DateTime::from_timestamp(opts.start, 0)
                .map_or_else(|| opts.start.to_string(), |t| t.format("%Y-%m-%d").to_string()),
            opts.days,
            chrono::DateTime::from_timestamp(MAX_TS - last, 0)
                .map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string())
        );
    }
    Ok(())
}

fn simulate(opts: &GenerateOptions) -> Result<(Vec<Event>, GenerateSummary)> {
    check_options(opts)?;
    let max_customers = match (opts.customers, opts.events) {
        (Some(c), _) => c,
        (None, Some(_)) => u64::MAX,
        (None, None) => DEFAULT_CUSTOMERS,
    };
    let max_events = opts.events.unwrap_or(u64::MAX);
    let estimate = opts.events.unwrap_or(max_customers.saturating_mul(14));
    let mut events: Vec<Event> = Vec::new();
    events
        .try_reserve_exact(usize::try_from(estimate.saturating_add(64)).unwrap_or(usize::MAX))
        .with_context(|| format!("cannot allocate memory for about {estimate} events"))?;

    let model = Model::new(opts.conversion_boost);
    let period = opts.days * SECS_PER_DAY as u32;
    let mut rng = Rng::new(opts.seed);
    // Surveys draw from a stream of their own and go to a list of their own: the other events,
    // their number (what --events counts) and their shuffled order are the same with or
    // without them.
    let mut survey_rng = opts
        .surveys
        .then(|| Rng::new(opts.seed ^ 0x5075_7276_6579_5321));
    let mut surveys: Vec<Event> = Vec::new();
    let mut customers: u64 = 0;
    let mut conversions: u64 = 0;
    while customers < max_customers && (events.len() as u64) < max_events {
        let id = u32::try_from(customers + 1).context("too many customers (max 4294967295)")?;
        let from = events.len();
        conversions += u64::from(model.customer(&mut rng, id, period, &mut events));
        if let Some(r) = &mut survey_rng {
            model::add_surveys(r, &events[from..], &mut surveys);
        }
        customers += 1;
    }

    // Fisher-Yates with its own stream, so the shuffle never disturbs generation.
    let shuffle_all = |events: &mut Vec<Event>, salt: u64| {
        let mut shuffle = Rng::new(opts.seed ^ salt);
        for i in (1..events.len()).rev() {
            let j = shuffle.below(i as u64 + 1) as usize;
            events.swap(i, j);
        }
    };
    shuffle_all(&mut events, 0x5EED_5AFF_1E00_0001);
    // The survey answers follow the other rows, shuffled among themselves.
    shuffle_all(&mut surveys, 0x5EED_5AFF_1E00_0002);
    let survey_rows = surveys.len() as u64;
    events.append(&mut surveys);
    let summary = GenerateSummary {
        events: events.len() as u64,
        customers,
        conversions,
        surveys: survey_rows,
    };
    Ok((events, summary))
}

/// "YYYY-MM-DDT" for every day touched by the events, indexed from the start day.
fn date_table(start: i64, events: &[Event]) -> Vec<[u8; 11]> {
    let max_dt = events.iter().map(|e| e.dt).max().unwrap_or(0);
    let sod0 = start.rem_euclid(SECS_PER_DAY);
    let ndays = (sod0 + i64::from(max_dt)) / SECS_PER_DAY + 1;
    let day0 = start.div_euclid(SECS_PER_DAY);
    (0..ndays)
        .map(|d| {
            let (y, m, dd) = civil_from_days(day0 + d);
            let mut s = [0u8; 11];
            let y = y.clamp(0, 9999) as u32;
            s[0..4].copy_from_slice(&[digit(y / 1000), digit(y / 100), digit(y / 10), digit(y)]);
            s[4] = b'-';
            s[5..7].copy_from_slice(&two(m));
            s[7] = b'-';
            s[8..10].copy_from_slice(&two(dd));
            s[10] = b'T';
            s
        })
        .collect()
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[inline]
fn digit(v: u32) -> u8 {
    b'0' + (v % 10) as u8
}

#[inline]
fn two(v: u32) -> [u8; 2] {
    [digit(v / 10), digit(v)]
}

/// Appends `c` + the id zero-padded to at least 6 digits.
#[inline]
fn push_customer(buf: &mut Vec<u8>, id: u32) {
    let mut tmp = [b'0'; 10];
    let mut n = id;
    let mut i = tmp.len();
    while n > 0 {
        i -= 1;
        tmp[i] = digit(n);
        n /= 10;
    }
    buf.push(b'c');
    buf.extend_from_slice(&tmp[i.min(tmp.len() - 6)..]);
}

#[inline]
fn push_u32(buf: &mut Vec<u8>, mut n: u32) {
    let mut tmp = [0u8; 10];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = digit(n);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

fn write_csv(events: &[Event], start: i64, surveys: bool, out: &mut dyn Write) -> Result<()> {
    const FLUSH_AT: usize = 1 << 20;
    let dates = date_table(start, events);
    let sod0 = start.rem_euclid(SECS_PER_DAY) as u64;
    let mut buf: Vec<u8> = Vec::with_capacity(FLUSH_AT + 256);
    buf.extend_from_slice(HEADER);
    if surveys {
        buf.extend_from_slice(b",score");
    }
    buf.push(b'\n');
    for e in events {
        push_customer(&mut buf, e.customer);
        buf.push(b',');
        let t = sod0 + u64::from(e.dt);
        let sod = (t % SECS_PER_DAY as u64) as u32;
        let date = dates
            .get((t / SECS_PER_DAY as u64) as usize)
            .context("date out of range")?;
        buf.extend_from_slice(date);
        let (h, m, s) = (two(sod / 3600), two(sod / 60 % 60), two(sod % 60));
        buf.extend_from_slice(&[h[0], h[1], b':', m[0], m[1], b':', s[0], s[1], b'Z', b',']);
        buf.extend_from_slice(touchpoint_name(e.tp).as_bytes());
        buf.push(b',');
        buf.extend_from_slice(CHANNELS[e.ch as usize].as_bytes());
        if e.tp == PURCHASE {
            buf.extend_from_slice(b",1,");
            push_u32(&mut buf, e.cents / 100);
            let c = two(e.cents % 100);
            buf.extend_from_slice(&[b'.', c[0], c[1]]);
        } else {
            buf.extend_from_slice(b",0,");
        }
        if surveys {
            buf.push(b',');
            if e.score > 0 {
                buf.push(digit(u32::from(e.score)));
            }
        }
        buf.push(b'\n');
        if buf.len() >= FLUSH_AT {
            out.write_all(&buf).context("writing CSV")?;
            buf.clear();
        }
    }
    out.write_all(&buf).context("writing CSV")?;
    Ok(())
}

fn write_parquet(events: &[Event], start: i64, surveys: bool, out: &mut dyn Write) -> Result<()> {
    let n = events.len();
    let mut ids = StringChunkedBuilder::new("customer_id".into(), n);
    let mut tps = StringChunkedBuilder::new("touchpoint".into(), n);
    let mut chs = StringChunkedBuilder::new("channel".into(), n);
    let mut id_buf = Vec::with_capacity(16);
    for e in events {
        id_buf.clear();
        push_customer(&mut id_buf, e.customer);
        ids.append_value(std::str::from_utf8(&id_buf).context("customer id")?);
        tps.append_value(touchpoint_name(e.tp));
        chs.append_value(CHANNELS[e.ch as usize]);
    }
    let micros: Vec<i64> = events
        .iter()
        .map(|e| (start + i64::from(e.dt)) * 1_000_000)
        .collect();
    let ts = Int64Chunked::from_vec("timestamp".into(), micros)
        .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
    let converted: Vec<bool> = events.iter().map(|e| e.tp == PURCHASE).collect();
    let revenue = Float64Chunked::from_iter_options(
        "revenue".into(),
        events
            .iter()
            .map(|e| (e.tp == PURCHASE).then(|| f64::from(e.cents) / 100.0)),
    );
    let mut columns = vec![
        ids.finish().into_column(),
        ts.into_column(),
        tps.finish().into_column(),
        chs.finish().into_column(),
        BooleanChunked::from_slice("converted".into(), &converted).into_column(),
        revenue.into_column(),
    ];
    if surveys {
        let scores = Int64Chunked::from_iter_options(
            "score".into(),
            events
                .iter()
                .map(|e| (e.score > 0).then_some(i64::from(e.score))),
        );
        columns.push(scores.into_column());
    }
    let mut df = DataFrame::new(n, columns).context("building DataFrame")?;
    ParquetWriter::new(out)
        .finish(&mut df)
        .context("writing Parquet")?;
    Ok(())
}
