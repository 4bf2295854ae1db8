//! Timestamp parsing: RFC 3339 / ISO 8601 text, plain dates, epoch numbers and strftime layouts,
//! all turned into one representation: nanoseconds since 1970-01-01T00:00:00Z (`i64`).
//!
//! The ISO path is hand-written because it runs once per event on the hot path.

use anyhow::{bail, Result};
use chrono::{NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

use crate::duration::NS_PER_SEC;

/// The instants journeymap holds: nanoseconds since 1970 in 64 bits.
pub const RANGE: &str =
    "journeymap holds 1677-09-21T00:12:44Z to 2262-04-11T23:47:16Z (nanoseconds since 1970 in 64 bits)";

/// Whether `value` is a date or time that is well formed but outside [`RANGE`] (a far-future
/// placeholder such as 9999-12-31), rather than one that cannot be parsed.
pub fn beyond_range(value: &str) -> bool {
    beyond_range_in(value, None)
}

/// [`beyond_range`], for epoch numbers in `unit` (else the magnitude rule). A wall-clock time
/// within a day of the edges counts as beyond: its zone may move it past them.
pub fn beyond_range_in(value: &str, unit: Option<TimeUnit>) -> bool {
    let v = value.trim();
    const DAY: i64 = 86_400 * NS_PER_SEC;
    // The two smallest instants mark missing and unreadable timestamps (`columns::held`).
    let beyond = |t: NaiveDateTime, margin: i64| {
        t.and_utc()
            .timestamp_nanos_opt()
            .is_none_or(|ns| ns <= i64::MIN + 1 + margin || ns >= i64::MAX - margin)
    };
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v) {
        return beyond(t.naive_utc(), 0);
    }
    for layout in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(v, layout) {
            return beyond(t, DAY);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).is_some_and(|t| beyond(t, DAY));
    }
    // An epoch number too large for nanoseconds in its unit.
    if let Ok(x) = v.parse::<i64>() {
        let unit = unit.unwrap_or_else(|| TimeUnit::from_magnitude(x));
        return x.checked_mul(unit.ns()).is_none();
    }
    v.parse::<f64>().is_ok_and(|x| {
        let ns = x * unit.unwrap_or(TimeUnit::S).ns() as f64;
        x.is_finite() && ns.abs() >= 9.2e18
    })
}

/// The unit of epoch numbers (`--time-unit`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    S,
    Ms,
    Us,
    Ns,
}

impl TimeUnit {
    fn ns(self) -> i64 {
        match self {
            TimeUnit::S => NS_PER_SEC,
            TimeUnit::Ms => 1_000_000,
            TimeUnit::Us => 1_000,
            TimeUnit::Ns => 1,
        }
    }

    /// The unit an epoch number of this magnitude is most likely in: seconds up to 1e11
    /// (year 5138), milliseconds up to 1e14, microseconds up to 1e17, else nanoseconds.
    pub fn from_magnitude(v: i64) -> TimeUnit {
        let a = v.unsigned_abs();
        if a < 100_000_000_000 {
            TimeUnit::S
        } else if a < 100_000_000_000_000 {
            TimeUnit::Ms
        } else if a < 100_000_000_000_000_000 {
            TimeUnit::Us
        } else {
            TimeUnit::Ns
        }
    }
}

/// One parsed timestamp: the UTC instant, and the UTC offset the text carried (if any).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub ns: i64,
    /// Offset east of UTC in seconds, when the text had one (`Z` counts as 0).
    pub offset: Option<i32>,
}

/// Turns timestamp text and numbers into instants, following `--time-format`, `--time-unit`
/// and `--tz`.
#[derive(Clone, Debug, Default)]
pub struct TimeParser {
    format: Option<String>,
    format_has_offset: bool,
    format_has_time: bool,
    unit: Option<TimeUnit>,
    tz: Option<Tz>,
}

impl TimeParser {
    pub fn new(format: Option<String>, unit: Option<TimeUnit>, tz: Option<Tz>) -> TimeParser {
        let format_has_offset = format
            .as_deref()
            .is_some_and(|f| f.contains("%z") || f.contains("%:z") || f.contains("%#z"));
        let format_has_time = format.as_deref().is_some_and(|f| {
            [
                "%H", "%I", "%M", "%S", "%T", "%R", "%s", "%+", "%c", "%r", "%X",
            ]
            .iter()
            .any(|spec| f.contains(spec))
        });
        TimeParser {
            format,
            format_has_offset,
            format_has_time,
            unit,
            tz,
        }
    }

    /// Parses one timestamp text; `None` when no accepted layout fits.
    pub fn parse(&self, text: &str) -> Option<Parsed> {
        let s = text.trim();
        if let Some(fmt) = &self.format {
            return self.parse_with_format(s, fmt);
        }
        let b = s.as_bytes();
        if b.len() >= 10 && b[4] == b'-' && b[..4].iter().all(u8::is_ascii_digit) {
            let iso = parse_iso(b)?;
            return match iso.offset {
                Some(off) => Some(Parsed {
                    ns: iso.naive_ns.checked_sub(off as i64 * NS_PER_SEC)?,
                    offset: Some(off),
                }),
                None => Some(Parsed {
                    ns: self.naive_to_utc(iso.naive_ns)?,
                    offset: None,
                }),
            };
        }
        self.parse_epoch_text(s)
            .map(|ns| Parsed { ns, offset: None })
    }

    fn parse_epoch_text(&self, s: &str) -> Option<i64> {
        if let Ok(v) = s.parse::<i64>() {
            // Eight digits that form a date (20260301) are a compact date, not epoch seconds
            // in August 1970; --time-unit keeps them numbers.
            if self.unit.is_none() && s.len() == 8 {
                if let Some(ns) = compact_date(s.as_bytes()) {
                    return self.naive_to_utc(ns);
                }
            }
            return self.epoch(v);
        }
        // Fractional epoch numbers (seconds unless --time-unit says otherwise), read exactly.
        let (int, frac) = s.split_once('.')?;
        let neg = int.starts_with('-');
        let digits_only = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
        if !digits_only(int.trim_start_matches('-')) || !digits_only(frac) {
            return None;
        }
        let unit = self.unit.unwrap_or(TimeUnit::S).ns();
        let whole = int.parse::<i64>().ok()?.checked_mul(unit)?;
        let mut part: i64 = 0;
        let mut scale = unit;
        for c in frac.bytes().take(18) {
            scale /= 10;
            part += (c - b'0') as i64 * scale;
        }
        if neg {
            whole.checked_sub(part)
        } else {
            whole.checked_add(part)
        }
    }

    /// Converts an epoch integer (unit from `--time-unit` or from its magnitude) to ns.
    pub fn epoch(&self, v: i64) -> Option<i64> {
        let unit = self.unit.unwrap_or_else(|| TimeUnit::from_magnitude(v));
        v.checked_mul(unit.ns())
    }

    /// Converts an epoch float (seconds unless `--time-unit` says otherwise) to ns.
    pub fn epoch_float(&self, v: f64) -> Option<i64> {
        let unit = self.unit.unwrap_or(TimeUnit::S);
        let ns = v * unit.ns() as f64;
        (ns.is_finite() && ns.abs() < 9.2e18).then(|| ns.round() as i64)
    }

    /// Interprets naive (wall-clock) nanoseconds in the `--tz` zone, UTC by default.
    /// An ambiguous local time (clocks going back) takes the earlier instant; a local time that
    /// does not exist (clocks going forward) takes the offset in force just before the change.
    pub fn naive_to_utc(&self, naive_ns: i64) -> Option<i64> {
        let Some(tz) = self.tz else {
            return Some(naive_ns);
        };
        let secs = naive_ns.div_euclid(NS_PER_SEC);
        let naive = chrono::DateTime::from_timestamp(secs, 0)?.naive_utc();
        let offset = match tz.offset_from_local_datetime(&naive) {
            chrono::LocalResult::Single(o) => o.fix().local_minus_utc(),
            chrono::LocalResult::Ambiguous(a, b) => {
                a.fix().local_minus_utc().max(b.fix().local_minus_utc())
            }
            chrono::LocalResult::None => {
                // The offset of the wall-clock time three hours earlier, before the gap (gaps
                // are 30 minutes to 2 hours; a skipped day falls back to the UTC reading).
                let before = naive - chrono::Duration::hours(3);
                match tz.offset_from_local_datetime(&before) {
                    chrono::LocalResult::Single(o) | chrono::LocalResult::Ambiguous(o, _) => {
                        o.fix().local_minus_utc()
                    }
                    chrono::LocalResult::None => {
                        tz.offset_from_utc_datetime(&before).fix().local_minus_utc()
                    }
                }
            }
        };
        naive_ns.checked_sub(offset as i64 * NS_PER_SEC)
    }

    /// Whether `value` is a well-formed time outside the range journeymap holds, read with
    /// this parser's `--time-unit` (see [`beyond_range_in`]).
    pub fn beyond_range(&self, value: &str) -> bool {
        beyond_range_in(value, self.unit)
    }

    /// Whether naive times are interpreted in a zone other than UTC.
    pub fn has_tz(&self) -> bool {
        self.tz.is_some()
    }

    fn parse_with_format(&self, s: &str, fmt: &str) -> Option<Parsed> {
        if self.format_has_offset {
            let dt = chrono::DateTime::parse_from_str(s, fmt).ok()?;
            return Some(Parsed {
                ns: dt.timestamp_nanos_opt()?,
                offset: Some(dt.offset().local_minus_utc()),
            });
        }
        let naive = if self.format_has_time {
            NaiveDateTime::parse_from_str(s, fmt).ok()?
        } else {
            NaiveDate::parse_from_str(s, fmt)
                .ok()?
                .and_hms_opt(0, 0, 0)?
        };
        let naive_ns = naive.and_utc().timestamp_nanos_opt()?;
        Some(Parsed {
            ns: self.naive_to_utc(naive_ns)?,
            offset: None,
        })
    }

    /// The layouts tried, for error messages.
    pub fn formats_tried(&self) -> String {
        match &self.format {
            Some(f) => format!("--time-format '{f}'"),
            None => "RFC 3339 / ISO 8601 (2026-03-01T09:30:00Z, 2026-03-01 09:30:00+01:00, \
                     2026-03-01, 20260301), epoch seconds/ms/us/ns"
                .to_string(),
        }
    }
}

/// Checks a `--time-format` layout: every `%` field must be one chrono knows, and `%Z` is
/// refused, because a zone abbreviation cannot be read exactly (chrono skips it, so
/// "01:59:59 PST" would be read as UTC; and CST alone is three zones).
pub fn check_time_format(layout: &str) -> Result<()> {
    use chrono::format::{Fixed, Item, StrftimeItems};
    let shown = crate::text::excerpt(layout);
    let zone_name = |item: Item<'_>| matches!(item, Item::Fixed(Fixed::TimezoneName));
    if StrftimeItems::new(layout).any(zone_name) {
        bail!(
            "--time-format '{shown}' has %Z, a zone abbreviation (PST, CET), which cannot be read exactly; use %z for offsets like -0800 or +01:00, or --tz with an IANA zone (America/Los_Angeles) for times without an offset"
        );
    }
    if StrftimeItems::new(layout).any(|item| matches!(item, Item::Error)) {
        bail!(
            "--time-format '{shown}' is not a layout chrono can read: it has an unknown % field (the fields are those of strftime: %Y-%m-%d %H:%M:%S, %d/%m/%Y, %s, %z, ...; a literal % is %%)"
        );
    }
    Ok(())
}

/// Parses a `--tz` zone name; unknown names get the closest known one as a suggestion.
pub fn parse_tz(name: &str) -> Result<Tz> {
    if let Ok(tz) = name.parse::<Tz>() {
        return Ok(tz);
    }
    let lower = name.to_ascii_lowercase();
    if let Some(tz) = chrono_tz::TZ_VARIANTS
        .iter()
        .find(|tz| tz.name().to_ascii_lowercase() == lower)
    {
        return Ok(*tz);
    }
    let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()).collect();
    match crate::input::mapping::closest(name, names.iter().copied()) {
        Some(best) => bail!("unknown time zone '{}' for --tz; did you mean '{best}'? (use an IANA name like Europe/Berlin)", crate::text::excerpt(name)),
        None => bail!("unknown time zone '{}' for --tz (use an IANA name like Europe/Berlin)", crate::text::excerpt(name)),
    }
}

/// Parses a `--from`/`--to` bound. A plain date (`2026-03-31`) as an upper bound means the
/// last instant of that day in the `--tz` zone (UTC by default).
pub fn parse_bound(parser: &TimeParser, text: &str, upper: bool, flag: &str) -> Result<i64> {
    let plain = TimeParser::new(None, None, parser.tz);
    let t = text.trim();
    let shown = crate::text::excerpt(text);
    let Some(p) = plain.parse(t) else {
        if beyond_range(t) {
            bail!("{flag} '{shown}' is outside the range of time: {RANGE}");
        }
        bail!(
            "{flag} '{shown}' is not a timestamp; write it like 2026-03-01 or 2026-03-01T12:00:00Z"
        );
    };
    // A plain date (2026-03-01 or 20260301) as an upper bound means the whole day.
    let b = t.as_bytes();
    let (y, m, d) = match b.len() {
        10 if b[4] == b'-' && b[7] == b'-' => (digits(b, 0, 4), digits(b, 5, 2), digits(b, 8, 2)),
        8 => (digits(b, 0, 4), digits(b, 4, 2), digits(b, 6, 2)),
        _ => (None, None, None),
    };
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Ok(p.ns);
    };
    if !upper {
        return Ok(p.ns);
    }
    // The last day there is (2262-04-11) ends after the last instant: the bound is then the
    // last instant, which selects exactly the same events.
    let next_midnight = (days_from_civil(y as i64, m, d) + 1).checked_mul(86_400 * NS_PER_SEC);
    match next_midnight.and_then(|n| plain.naive_to_utc(n)) {
        Some(ns) => Ok(ns - 1),
        None => Ok(i64::MAX),
    }
}

struct Iso {
    naive_ns: i64,
    offset: Option<i32>,
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let mut v = 0u32;
    for i in at..at + n {
        let c = *b.get(i)?;
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u32;
    }
    Some(v)
}

/// `YYYYMMDD` with a year from 1900 to 2199, as naive nanoseconds at midnight.
fn compact_date(b: &[u8]) -> Option<i64> {
    let (y, m, d) = (digits(b, 0, 4)?, digits(b, 4, 2)?, digits(b, 6, 2)?);
    if !(1900..2200).contains(&y)
        || !(1..=12).contains(&m)
        || d == 0
        || d > days_in_month(y as i64, m)
    {
        return None;
    }
    Some(days_from_civil(y as i64, m, d) * 86_400 * NS_PER_SEC)
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn parse_iso(b: &[u8]) -> Option<Iso> {
    let year = digits(b, 0, 4)? as i64;
    if b[4] != b'-' || *b.get(7)? != b'-' {
        return None;
    }
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let mut secs = days * 86_400;
    let mut nanos: i64 = 0;
    let mut i = 10;
    if i < b.len() {
        if !matches!(b[i], b'T' | b't' | b' ') {
            return None;
        }
        i += 1;
        let hour = digits(b, i, 2)?;
        if *b.get(i + 2)? != b':' {
            return None;
        }
        let minute = digits(b, i + 3, 2)?;
        i += 5;
        let mut second = 0;
        if b.get(i) == Some(&b':') {
            second = digits(b, i + 1, 2)?;
            i += 3;
            if matches!(b.get(i), Some(b'.') | Some(b',')) {
                i += 1;
                let start = i;
                let mut scale = 100_000_000i64;
                while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
                    nanos += (c - b'0') as i64 * scale;
                    scale /= 10;
                    i += 1;
                }
                if i == start {
                    return None;
                }
            }
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        // A leap second (:60) is read as the last moment of that minute.
        let second = second.min(59);
        secs += hour as i64 * 3600 + minute as i64 * 60 + second as i64;
    }
    let offset = parse_offset(&b[i..])?;
    let naive_ns = secs.checked_mul(NS_PER_SEC)?.checked_add(nanos)?;
    Some(Iso { naive_ns, offset })
}

/// Parses what follows the time: nothing, `Z`, `UTC`, `+01:00`, `+0100`, `+01`, optionally
/// after one space. `Some(None)` means no offset (a naive time).
fn parse_offset(rest: &[u8]) -> Option<Option<i32>> {
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    match rest {
        [] => Some(None),
        b"Z" | b"z" | b"UTC" | b"GMT" => Some(Some(0)),
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (h, m) = match tail.len() {
                2 => (digits(tail, 0, 2)?, 0),
                4 => (digits(tail, 0, 2)?, digits(tail, 2, 2)?),
                5 if tail[2] == b':' => (digits(tail, 0, 2)?, digits(tail, 3, 2)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let off = (h * 3600 + m * 60) as i32;
            Some(Some(if *sign == b'-' { -off } else { off }))
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "time_tests.rs"]
mod tests;
