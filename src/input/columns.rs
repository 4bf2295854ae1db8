//! Turning one DataFrame column into journeymap's compact arrays: text to dictionary ids,
//! timestamps to nanoseconds, conversion markers to booleans.

use anyhow::{anyhow, bail, Result};
use polars::prelude::*;

use super::time::{Parsed, TimeParser};
use crate::intern::{DeferredIds, Dictionary};

/// Marks a row whose text value is null or empty.
pub const NO_ID: u32 = u32::MAX;
/// Marks a row whose timestamp is null or empty.
pub const NO_TIME: i64 = i64::MIN;
/// Marks a row whose timestamp could not be parsed.
pub const BAD_TIME: i64 = i64::MIN + 1;

/// A column's values as text, or one constant value for every row.
pub enum Text {
    Column(Column),
    Constant(String),
}

/// Days from 0001-01-01 (day 1 of the common era, as chrono counts) to 1970-01-01.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// A date (days since 1970) as ISO 8601 text, or the raw number past chrono's range.
pub fn date_text(days: i32) -> String {
    chrono::NaiveDate::from_num_days_from_ce_opt(days.saturating_add(EPOCH_DAYS_FROM_CE))
        .map_or_else(|| format!("{days} days since 1970"), |d| d.to_string())
}

/// A timestamp as ISO 8601 text: with `Z` when it is an instant (`zoned`), without when it is a
/// wall-clock time; a value past chrono's range as the raw number and unit.
pub fn iso_text(x: i64, unit: TimeUnit, zoned: bool) -> String {
    let t = match unit {
        TimeUnit::Nanoseconds => Some(chrono::DateTime::from_timestamp_nanos(x)),
        TimeUnit::Microseconds => chrono::DateTime::from_timestamp_micros(x),
        TimeUnit::Milliseconds => chrono::DateTime::from_timestamp_millis(x),
    };
    match t {
        Some(t) if zoned => t.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string(),
        Some(t) => t.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
        None => format!("{x} ({unit:?} since 1970)"),
    }
}

impl Text {
    /// The named column, cast to text if it is not text already.
    pub fn from_frame(df: &DataFrame, name: &str) -> Result<Text> {
        let col = df.column(name).map_err(|e| anyhow!("{e}"))?;
        let err = |e: PolarsError| anyhow!("column '{name}': {e}");
        let col = match col.dtype() {
            DataType::String => col.clone(),
            // Whole floats read as integers, so a numeric 0/1 marker column reads as 0/1.
            dt if dt.is_float() => {
                let f = col.cast(&DataType::Float64).map_err(err)?;
                let whole = f
                    .f64()
                    .map_err(err)?
                    .iter()
                    .flatten()
                    .all(|v| v.fract() == 0.0);
                let base = if whole {
                    f.cast(&DataType::Int64).map_err(err)?
                } else {
                    f
                };
                base.cast(&DataType::String).map_err(err)?
            }
            // Dates and timestamps as ISO 8601 text, written here (polars would need its time
            // zone support to write zoned timestamps).
            DataType::Datetime(unit, tz) => {
                let phys = col.datetime().map_err(err)?.physical().clone();
                let zoned = tz.is_some();
                let text: Vec<Option<String>> = phys
                    .iter()
                    .map(|v| v.map(|x| iso_text(x, *unit, zoned)))
                    .collect();
                Column::new(col.name().clone(), text)
            }
            DataType::Date => {
                let phys = col.date().map_err(err)?.physical().clone();
                let text: Vec<Option<String>> = phys.iter().map(|v| v.map(date_text)).collect();
                Column::new(col.name().clone(), text)
            }
            _ => col.cast(&DataType::String).map_err(err)?,
        };
        Ok(Text::Column(col))
    }

    /// Calls `f(row, value)` for every row; null and empty values come as `None`.
    pub fn for_each(&self, n: usize, mut f: impl FnMut(usize, Option<&str>)) {
        match self {
            Text::Column(c) => {
                if let Ok(ca) = c.str() {
                    for (i, v) in ca.iter().enumerate() {
                        f(i, v.filter(|s| !s.is_empty()));
                    }
                }
            }
            Text::Constant(v) => {
                let v = Some(v.as_str()).filter(|s| !s.is_empty());
                for i in 0..n {
                    f(i, v);
                }
            }
        }
    }
}

/// How many values [`intern`] looks up together.
const TOUCH_BLOCK: usize = 32;

/// Arrays met while a dictionary has fewer names than this go through the cache of views;
/// from this size on, table slots are prefetched instead.
const TOUCH_MIN: usize = 4096;

/// Slots of [`intern`]'s cache of views for columns with few distinct values.
const VIEW_CACHE: usize = 256;

/// Dictionary ids for a text column; [`NO_ID`] where the value is null or empty.
pub fn intern(text: &Text, n: usize, dict: &mut Dictionary) -> Vec<u32> {
    let mut ids = Vec::with_capacity(n);
    match text {
        Text::Column(c) => match c.str() {
            Ok(ca) => {
                // Straight from the string views: values of up to 12 bytes are held in the
                // view itself, so most lookups never build a &str or hash its bytes.
                // Blocks of views: their table slots are loaded together first.
                for (arr, validity) in ca.downcast_iter().zip(ca.iter_validities()) {
                    if dict.len() < TOUCH_MIN {
                        // Few distinct values (touchpoints, channels): a small direct-mapped
                        // cache from whole views to ids answers most rows with one
                        // comparison. Within one array equal views are equal values: a
                        // short value is held in its view, and a long one's view names the
                        // same bytes of the same buffer (dictionary-encoded Parquet columns
                        // decode to such views); so the cache lives for one array.
                        let mut cache = [(0u128, 0u32); VIEW_CACHE];
                        for (i, view) in arr.views().iter().enumerate() {
                            // A view of length 0 is never looked up: it marks a free slot.
                            if view.length == 0 || validity.is_some_and(|v| !v.get_bit(i)) {
                                ids.push(NO_ID);
                                continue;
                            }
                            let v = view.as_u128();
                            let mixed =
                                (v as u64 ^ (v >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                            let slot = &mut cache[(mixed >> 56) as usize % VIEW_CACHE];
                            if slot.0 != v {
                                let id = match dict.intern_view(v) {
                                    Some(id) => id,
                                    None => dict.intern(arr.value(i)),
                                };
                                *slot = (v, id);
                            }
                            ids.push(slot.1);
                        }
                        continue;
                    }
                    // A large table: the slots of a block of views are loaded together first.
                    for (b, block) in arr.views().chunks(TOUCH_BLOCK).enumerate() {
                        for view in block {
                            dict.touch_view(view.as_u128());
                        }
                        for (j, view) in block.iter().enumerate() {
                            let i = b * TOUCH_BLOCK + j;
                            let id = if view.length == 0 || validity.is_some_and(|v| !v.get_bit(i))
                            {
                                NO_ID
                            } else {
                                match dict.intern_view(view.as_u128()) {
                                    Some(id) => id,
                                    None => dict.intern(arr.value(i)),
                                }
                            };
                            ids.push(id);
                        }
                    }
                }
            }
            Err(_) => text.for_each(n, |_, v| ids.push(v.map_or(NO_ID, |s| dict.intern(s)))),
        },
        Text::Constant(_) => text.for_each(n, |_, v| ids.push(v.map_or(NO_ID, |s| dict.intern(s)))),
    }
    ids
}

/// Adds a text column's values to `ids` (null and empty values as empty), without
/// interning them yet (see [`DeferredIds`]).
pub fn defer(text: &Text, n: usize, ids: &mut DeferredIds) {
    match text {
        Text::Column(c) => match c.str() {
            Ok(ca) => {
                for (arr, validity) in ca.downcast_iter().zip(ca.iter_validities()) {
                    for (i, view) in arr.views().iter().enumerate() {
                        if validity.is_some_and(|v| !v.get_bit(i)) {
                            ids.push(None);
                        } else if !ids.push_view(view.as_u128()) {
                            ids.push(Some(arr.value(i)));
                        }
                    }
                }
            }
            Err(_) => (0..n).for_each(|_| ids.push(None)),
        },
        Text::Constant(_) => text.for_each(n, |_, v| ids.push(v)),
    }
}

/// Parsed timestamps of one column, with what was seen about their offsets.
pub struct Times {
    pub ns: Vec<i64>,
    /// (offset seconds east of UTC, rows with it, first row index) for texts that had one.
    pub offsets: Vec<(i32, u64, usize)>,
    /// Rows whose text had no offset (naive times).
    pub naive: u64,
}

/// An instant from the data as the table keeps it: the two smallest values are the markers of
/// a missing and an unreadable timestamp, so a value there (1677-09-21T00:12:43.145224193Z
/// and before) is unreadable, never "missing" or a neighbouring instant.
fn held(ns: i64) -> i64 {
    if ns <= BAD_TIME {
        BAD_TIME
    } else {
        ns
    }
}

/// Parses a time column of any supported type into nanoseconds since the epoch (UTC).
pub fn times(col: &Column, name: &str, parser: &TimeParser) -> Result<Times> {
    let n = col.len();
    let mut out = Times {
        ns: Vec::with_capacity(n),
        offsets: Vec::new(),
        naive: 0,
    };
    let cast_err = |e: PolarsError| anyhow!("column '{name}': {e}");
    match col.dtype() {
        DataType::String => {
            let ca = col.str().map_err(cast_err)?;
            for (i, v) in ca.iter().enumerate() {
                let ns = match v.map(str::trim).filter(|s| !s.is_empty()) {
                    None => NO_TIME,
                    Some(s) => match parser.parse(s) {
                        Some(Parsed { ns, offset }) => {
                            match offset {
                                None => out.naive += 1,
                                Some(off) => match out.offsets.iter_mut().find(|o| o.0 == off) {
                                    Some(o) => o.1 += 1,
                                    None => out.offsets.push((off, 1, i)),
                                },
                            }
                            held(ns)
                        }
                        None => BAD_TIME,
                    },
                };
                out.ns.push(ns);
            }
        }
        DataType::Datetime(unit, tz) => {
            let factor = match unit {
                TimeUnit::Nanoseconds => 1,
                TimeUnit::Microseconds => 1_000,
                TimeUnit::Milliseconds => 1_000_000,
            };
            let naive = tz.is_none();
            let phys = col.datetime().map_err(cast_err)?.physical().clone();
            for arr in phys.downcast_iter() {
                if !naive && arr.validity().is_none_or(|v| v.unset_bits() == 0) {
                    // The common case, without a branch per value.
                    let scale = |x: &i64| x.checked_mul(factor).map_or(BAD_TIME, held);
                    out.ns.extend(arr.values().iter().map(scale));
                    continue;
                }
                for v in arr.iter() {
                    out.ns.push(match v {
                        None => NO_TIME,
                        Some(&x) => {
                            let ns = x.checked_mul(factor);
                            let ns = if naive {
                                ns.and_then(|t| parser.naive_to_utc(t))
                            } else {
                                ns
                            };
                            ns.map_or(BAD_TIME, held)
                        }
                    });
                }
            }
            if naive {
                out.naive = n as u64;
            } else {
                out.offsets.push((0, n as u64, 0));
            }
        }
        DataType::Date => {
            let phys = col.date().map_err(cast_err)?.physical().clone();
            for v in phys.iter() {
                out.ns.push(match v {
                    None => NO_TIME,
                    Some(days) => (days as i64)
                        .checked_mul(86_400 * crate::duration::NS_PER_SEC)
                        .and_then(|ns| parser.naive_to_utc(ns))
                        .map_or(BAD_TIME, held),
                });
            }
            out.naive = n as u64;
        }
        DataType::UInt64 => {
            // Past i64::MAX a cast would give null ("no timestamp"): those are unreadable.
            for v in col.u64().map_err(cast_err)?.iter() {
                out.ns.push(match v {
                    None => NO_TIME,
                    Some(x) => i64::try_from(x)
                        .ok()
                        .and_then(|x| parser.epoch(x))
                        .map_or(BAD_TIME, held),
                });
            }
        }
        dt if dt.is_integer() => {
            let c = col.cast(&DataType::Int64).map_err(cast_err)?;
            for v in c.i64().map_err(cast_err)?.iter() {
                out.ns.push(match v {
                    None => NO_TIME,
                    Some(x) => parser.epoch(x).map_or(BAD_TIME, held),
                });
            }
        }
        dt if dt.is_float() => {
            let c = col.cast(&DataType::Float64).map_err(cast_err)?;
            for v in c.f64().map_err(cast_err)?.iter() {
                out.ns.push(match v {
                    None => NO_TIME,
                    Some(x) => parser.epoch_float(x).map_or(BAD_TIME, held),
                });
            }
        }
        other => bail!(
            "column '{name}' has type {other}, which is not a timestamp; pass --time with a timestamp column"
        ),
    }
    Ok(out)
}

/// Reads a conversion-marker value: 1/true/yes/y are true; 0/false/no/n/empty are false.
pub fn parse_flag(v: Option<&str>) -> Option<bool> {
    let Some(s) = v.map(str::trim) else {
        return Some(false);
    };
    match s.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" => Some(true),
        "0" | "false" | "no" | "n" | "" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        for t in ["1", "TRUE", "yes", "Y", " true "] {
            assert_eq!(parse_flag(Some(t)), Some(true), "{t}");
        }
        for f in ["0", "false", "No", "n", ""] {
            assert_eq!(parse_flag(Some(f)), Some(false), "{f}");
        }
        assert_eq!(parse_flag(None), Some(false));
        assert_eq!(parse_flag(Some("maybe")), None);
        assert_eq!(parse_flag(Some("2")), None);
    }

    #[test]
    fn interning_marks_empty_values() {
        let col = Column::new(
            "x".into(),
            vec![Some("a"), None, Some(""), Some("b"), Some("a")],
        );
        let mut d = Dictionary::new();
        let ids = intern(&Text::Column(col), 5, &mut d);
        assert_eq!(ids, vec![0, NO_ID, NO_ID, 1, 0]);
    }

    #[test]
    fn interning_through_the_view_cache_matches_interning_each_value() {
        // More distinct values than the cache has slots (so slots are shared and replaced),
        // short and long ones (long views point into buffers), nulls and empties, in several
        // arrays; the second array brings the dictionary past TOUCH_MIN names, so the third
        // goes through the table instead of the cache.
        let mut values: Vec<Option<String>> = Vec::new();
        let mut x: u64 = 7;
        for _ in 0..20_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let k = (x >> 33) % 700;
            values.push(match k {
                0 => None,
                1 => Some(String::new()),
                k if k % 3 == 0 => Some(format!("a long touchpoint name {k}")),
                k => Some(format!("t{k}")),
            });
        }
        values.extend((0..6000).map(|k| Some(format!("many-{k}"))));
        // Again names seen before, and new ones.
        let again: Vec<Option<String>> = values[..5000].to_vec();
        values.extend(again);
        values.extend((0..3000).map(|k| Some(format!("later name {k}"))));
        values.push(None);
        let mut col = Column::new("x".into(), values[..9000].to_vec());
        col.append(&Column::new("x".into(), values[9000..26_000].to_vec()))
            .unwrap();
        col.append(&Column::new("x".into(), values[26_000..].to_vec()))
            .unwrap();
        assert_eq!(col.str().unwrap().chunks().len(), 3);
        let mut d = Dictionary::new();
        let ids = intern(&Text::Column(col), values.len(), &mut d);
        let mut want = Dictionary::new();
        for (v, id) in values.iter().zip(&ids) {
            match v.as_deref().filter(|s| !s.is_empty()) {
                None => assert_eq!(*id, NO_ID),
                Some(s) => assert_eq!(*id, want.intern(s), "{s}"),
            }
        }
        assert_eq!(
            d.names().collect::<Vec<_>>(),
            want.names().collect::<Vec<_>>()
        );
    }

    #[test]
    fn string_times_track_offsets() {
        let col = Column::new(
            "t".into(),
            vec![
                Some("2026-01-01T00:00:00+01:00"),
                Some("2026-01-01T00:00:00Z"),
                None,
                Some("nope"),
                Some("2026-01-01"),
            ],
        );
        let t = times(&col, "t", &TimeParser::default()).unwrap();
        assert_eq!(t.ns[2], NO_TIME);
        assert_eq!(t.ns[3], BAD_TIME);
        assert_eq!(t.ns[1] - t.ns[0], 3600 * 1_000_000_000);
        assert_eq!(t.offsets, vec![(3600, 1, 0), (0, 1, 1)]);
        assert_eq!(t.naive, 1);
    }
}
