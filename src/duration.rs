//! Human durations such as `30m`, `1h30m`, `7d`, as used by `--session-gap` and `--window`.

use anyhow::{bail, Result};

/// Nanoseconds in one second.
pub const NS_PER_SEC: i64 = 1_000_000_000;

/// Parses a duration like `30m`, `90s`, `1h30m`, `7d`, `2w` or `500ms`, returning
/// nanoseconds. A number without a unit is an error: `30` could mean seconds or minutes.
pub fn parse_duration(text: &str) -> Result<i64> {
    let s = text.trim();
    if s.is_empty() {
        bail!("empty duration; write it like 30m, 1h30m, 7d or 45s");
    }
    // A bare number: 0 is 0 in any unit; any other could mean seconds or minutes.
    if let (true, Ok(x)) = (
        s.bytes().all(|b| b.is_ascii_digit() || b == b'.'),
        s.parse::<f64>(),
    ) {
        if x == 0.0 {
            return Ok(0);
        }
        bail!("'{s}' has no unit; write {s}s for seconds or {s}m for minutes (units: ms, s, m, h, d, w)");
    }
    let mut total: i64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            bail!("'{text}' is not a duration; write it like 30m, 1h30m, 7d or 45s");
        }
        let (num, tail) = rest.split_at(num_len);
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let value: f64 = num
            .parse()
            .map_err(|_| anyhow::anyhow!("'{text}' is not a duration: bad number '{num}'"))?;
        let unit_ns: f64 = match unit.trim().to_ascii_lowercase().as_str() {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" | "sec" | "secs" | "second" | "seconds" => 1e9,
            "m" | "min" | "mins" | "minute" | "minutes" => 60e9,
            "h" | "hr" | "hour" | "hours" => 3600e9,
            "d" | "day" | "days" => 86_400e9,
            "w" | "week" | "weeks" => 604_800e9,
            other => bail!(
                "'{text}' is not a duration: unknown unit '{other}' (use ms, s, m, h, d or w)"
            ),
        };
        let ns = (value * unit_ns).round();
        match (ns < 9.2e18)
            .then(|| total.checked_add(ns as i64))
            .flatten()
        {
            Some(t) => total = t,
            None => bail!(
                "'{}' is longer than journeymap can hold (about 292 years)",
                crate::text::excerpt(text)
            ),
        }
        rest = tail;
    }
    Ok(total)
}

/// Formats seconds for people: `45s`, `12m 05s`, `3h 04m`, `2d 03h`.
pub fn humanize_secs(secs: f64) -> String {
    if !secs.is_finite() {
        return "-".to_string();
    }
    let neg = secs < 0.0;
    let s = secs.abs();
    let text = if s < 1.0 && s > 0.0 {
        format!("{:.0}ms", s * 1000.0)
    } else if s < 60.0 {
        format!("{}s", s.round() as i64)
    } else if s < 3600.0 {
        let t = s.round() as i64;
        format!("{}m {:02}s", t / 60, t % 60)
    } else if s < 86_400.0 {
        let t = (s / 60.0).round() as i64;
        format!("{}h {:02}m", t / 60, t % 60)
    } else {
        let t = (s / 3600.0).round() as i64;
        format!("{}d {:02}h", t / 24, t % 24)
    };
    if neg {
        format!("-{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_compounds() {
        assert_eq!(parse_duration("30m").unwrap(), 1800 * NS_PER_SEC);
        assert_eq!(parse_duration("1h30m").unwrap(), 5400 * NS_PER_SEC);
        assert_eq!(parse_duration("7d").unwrap(), 7 * 86_400 * NS_PER_SEC);
        assert_eq!(parse_duration("1.5s").unwrap(), 1_500_000_000);
        assert_eq!(parse_duration("500ms").unwrap(), 500_000_000);
        assert_eq!(parse_duration("2w").unwrap(), 14 * 86_400 * NS_PER_SEC);
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse_duration("").is_err());
        assert!(parse_duration("abc").is_err());
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("-3").is_err());
        // A number without a unit could mean seconds or minutes.
        let e = parse_duration("30").unwrap_err().to_string();
        assert!(
            e.contains("has no unit; write 30s for seconds or 30m"),
            "{e}"
        );
        // 0 is 0 in any unit; the flags that need more say so.
        assert_eq!(parse_duration("0").unwrap(), 0);
        // Signs and exponents are not durations at all.
        for text in ["-3", "1e3", "inf"] {
            let e = parse_duration(text).unwrap_err().to_string();
            assert!(e.contains("is not a duration"), "{text}: {e}");
        }
    }

    #[test]
    fn humanizes() {
        assert_eq!(humanize_secs(45.0), "45s");
        assert_eq!(humanize_secs(3905.0), "1h 05m");
        assert_eq!(humanize_secs(125.0), "2m 05s");
        assert_eq!(humanize_secs(90_000.0), "1d 01h");
    }
}
