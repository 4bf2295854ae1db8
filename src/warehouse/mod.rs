//! The SQL that computes the path variants table (docs/variants.md) inside a warehouse, with
//! the journey definitions of docs/metrics.md pushed down; `journeymap sql` prints it.

mod dialect;

use std::fmt::Write as _;

use anyhow::{bail, Result};

pub use dialect::Dialect;

use crate::journey::{Conversion, Level};

/// Everything the query needs: the table, its columns and the journey options.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    pub table: String,
    pub customer: String,
    pub time: String,
    pub touchpoint: String,
    pub channel: Option<String>,
    /// `--where COL=VALUE`, all must hold.
    pub filters: Vec<(String, String)>,
    /// `--rename`: (pattern, alias), the first match wins.
    pub rename: Vec<(String, String)>,
    pub exclude: Vec<String>,
    /// `--from` / `--to` in ns since the epoch (inclusive).
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// `--session-gap` in ns.
    pub session_gap: Option<i64>,
    pub collapse_repeats: bool,
    pub level: Level,
    pub conversion: Conversion,
    pub split_on_conversion: bool,
    pub value_col: Option<String>,
    pub skip_invalid: bool,
    pub tiebreak: Option<String>,
    /// The options in force as JSON, for the header and the table's `options` column.
    pub options_json: String,
}

/// Fails, saying why, unless `spec` can be pushed down exactly.
fn check(spec: &Spec) -> Result<()> {
    if let Some(gap) = spec.session_gap {
        if gap % 1000 != 0 {
            bail!("--session-gap must be a whole number of microseconds in SQL (warehouses keep times to the microsecond)");
        }
    }
    for (pattern, alias) in &spec.rename {
        if alias.contains('$') {
            bail!("--rename '{pattern}={alias}': an alias with $ (a capture group) cannot be pushed down yet; rename to a fixed name");
        }
        check_pattern(pattern)?;
    }
    if matches!(spec.conversion, Conversion::None) && spec.split_on_conversion {
        bail!("--split-on-conversion needs --conversion or --converted-col");
    }
    Ok(())
}

/// A pattern passes when it means the same to every warehouse's regular expressions: literal
/// characters, `. ^ $ * + ? | ( ) [ ] { }`, and a backslash before punctuation. Classes like
/// `\d` or `\b`, and `(?` groups, differ between engines and are refused.
fn check_pattern(pattern: &str) -> Result<()> {
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) if e.is_ascii_punctuation() => {}
                Some(e) => bail!(
                    "--rename: the pattern '{pattern}' uses \\{e}, which warehouses read differently; write it with [...] (\\d is [0-9])"
                ),
                None => bail!("--rename: the pattern '{pattern}' ends in a lone \\"),
            },
            '(' if chars.peek() == Some(&'?') => bail!(
                "--rename: the pattern '{pattern}' has a (? group, which warehouses read differently"
            ),
            c if c.is_control() => {
                bail!("--rename: the pattern '{pattern}' has a control character")
            }
            _ => {}
        }
    }
    Ok(())
}

/// A comment line's text: no line breaks or other control characters.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The query, with a header that says what it assumes.
pub fn variants_sql(spec: &Spec, d: Dialect) -> Result<String> {
    check(spec)?;
    let text = d.text_type();
    let bigint = d.bigint_type();
    let double = d.double_type();
    let col = |c: &str| d.ident(c, false);
    let as_text = |e: &str| format!("CAST({e} AS {text})");
    let mut out = String::new();

    // The header.
    let _ = writeln!(
        out,
        "-- journeymap {}: the path variants table (docs/variants.md, version 1)",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        out,
        "-- from the table {}, in the {} dialect",
        comment(&spec.table),
        d.name()
    );
    let _ = writeln!(out, "-- options: {}", comment(&spec.options_json));
    let tie = match &spec.tiebreak {
        Some(c) if c != &spec.touchpoint || !spec.rename.is_empty() => {
            format!("{}, then by touchpoint, then by channel", comment(c))
        }
        _ => "touchpoint, then by channel".to_string(),
    };
    for line in [
        format!(
            "{} is a TIMESTAMP (read as UTC) or a TIMESTAMP WITH TIME ZONE; times count to the microsecond.",
            comment(&spec.time)
        ),
        format!("A customer's events at one instant are ordered by {tie} (byte order): a warehouse has no row order."),
        if spec.channel.is_some() {
            "Ids, touchpoints and channels are compared as text, exactly; an empty channel is (none).".to_string()
        } else {
            "Ids and touchpoints are compared as text, exactly; without --channel there are no channel sequences.".to_string()
        },
        if spec.skip_invalid {
            "Rows without a customer id, time or touchpoint are skipped (--skip-invalid).".to_string()
        } else {
            "A row without a customer id, time or touchpoint stops the query with an error (add --skip-invalid to skip them).".to_string()
        },
    ] {
        let _ = writeln!(out, "-- {line}");
    }
    if let Conversion::Column(c) = &spec.conversion {
        let _ = writeln!(out, "-- {} holds true (1, true, yes, y, t, 1.0) or false (0, false, no, n, f, 0.0, empty, null), in any case; another value stops the query.", comment(c));
    }
    if let Some(v) = &spec.value_col {
        let _ = writeln!(out, "-- {} is a number (null is 0), read on each converting journey's first conversion event; value sums are floating point, their last digits depend on the order of summation.", comment(v));
    }
    if !spec.rename.is_empty() {
        let _ = writeln!(
            out,
            "-- --rename patterns are passed to the warehouse's regular expressions as they are."
        );
    }

    // 1. The rows, with --where.
    let mut select = vec![
        format!("{} AS customer_id", as_text(&col(&spec.customer))),
        format!("{} AS t", d.epoch_us(&col(&spec.time))),
        format!("{} AS touchpoint_raw", as_text(&col(&spec.touchpoint))),
        match &spec.channel {
            Some(c) => format!(
                "COALESCE(NULLIF({}, ''), '(none)') AS channel",
                as_text(&col(c))
            ),
            None => format!("CAST(NULL AS {text}) AS channel"),
        },
    ];
    if let Some(c) = &spec.tiebreak {
        select.push(format!("{} AS tiebreak", col(c)));
    }
    if let Conversion::Column(c) = &spec.conversion {
        select.push(format!("LOWER(TRIM({})) AS marker", as_text(&col(c))));
    }
    if let Some(v) = &spec.value_col {
        select.push(format!("CAST({} AS {double}) AS value_raw", col(v)));
    }
    let filters: Vec<String> = (spec.filters.iter())
        .map(|(c, v)| format!("COALESCE({}, '') = {}", as_text(&col(c)), d.lit(v)))
        .collect();
    let _ = writeln!(
        out,
        "WITH src AS (\n  SELECT\n    {}",
        select.join(",\n    ")
    );
    let _ = writeln!(out, "  FROM {}", d.ident(&spec.table, true));
    if !filters.is_empty() {
        let _ = writeln!(out, "  WHERE {}", filters.join("\n    AND "));
    }
    out.push_str("),\n");

    // 2. Invalid rows: skipped, or the query stops.
    let invalid = "customer_id IS NULL OR customer_id = '' OR t IS NULL OR touchpoint_raw IS NULL OR touchpoint_raw = ''";
    let marker = match &spec.conversion {
        Conversion::Column(c) => {
            let message = d.concat(&[
                d.lit(&format!(
                    "journeymap: --converted-col {} has a value that is neither true nor false: ",
                    comment(c)
                )),
                "marker".to_string(),
            ]);
            format!(
                ",\n    CASE WHEN marker IN ('1', 'true', 'yes', 'y', 't', '1.0') THEN 1 WHEN marker IS NULL OR marker IN ('', '0', 'false', 'no', 'n', 'f', '0.0') THEN 0 ELSE {} END AS marked",
                d.fail(&message, bigint)
            )
        }
        _ => String::new(),
    };
    if spec.skip_invalid {
        let _ = writeln!(
            out,
            "valid AS (\n  SELECT *{marker}\n  FROM src\n  WHERE NOT ({invalid})\n),"
        );
    } else {
        let message = d.concat(&[
            d.lit("journeymap: a row has no customer id, time or touchpoint (add --skip-invalid to skip such rows); customer id: "),
            "COALESCE(customer_id, 'null')".to_string(),
        ]);
        let _ = writeln!(
            out,
            "valid AS (\n  SELECT\n    CASE WHEN {invalid} THEN {} ELSE customer_id END AS customer_id,\n    t, touchpoint_raw, channel{}{}{}{marker}\n  FROM src\n),",
            d.fail(&message, text),
            if spec.tiebreak.is_some() { ", tiebreak" } else { "" },
            if matches!(spec.conversion, Conversion::Column(_)) { ", marker" } else { "" },
            if spec.value_col.is_some() { ", value_raw" } else { "" },
        );
    }

    // 3. Cleaning: --rename, --exclude, --from/--to.
    let renamed = if spec.rename.is_empty() {
        "touchpoint_raw".to_string()
    } else {
        let mut case = String::from("CASE");
        for (pattern, alias) in &spec.rename {
            let _ = write!(
                case,
                " WHEN {} THEN {}",
                d.regex_match("touchpoint_raw", pattern),
                d.lit(alias)
            );
        }
        case.push_str(" ELSE touchpoint_raw END");
        case
    };
    let mut kept = Vec::new();
    if !spec.exclude.is_empty() {
        let names: Vec<String> = spec.exclude.iter().map(|n| d.lit(n)).collect();
        kept.push(format!("touchpoint NOT IN ({})", names.join(", ")));
    }
    // Times are whole microseconds: t >= from (ns) is t >= ceil(from / 1000).
    if let Some(from) = spec.from {
        kept.push(format!(
            "t >= {}",
            from.div_euclid(1000) + i64::from(from.rem_euclid(1000) != 0)
        ));
    }
    if let Some(to) = spec.to {
        kept.push(format!("t <= {}", to.div_euclid(1000)));
    }
    let _ = writeln!(
        out,
        "cleaned AS (\n  SELECT valid.*, {renamed} AS touchpoint\n  FROM valid\n),"
    );
    let is_conv = match &spec.conversion {
        Conversion::None => "0".to_string(),
        Conversion::Events(names) => {
            let names: Vec<String> = names.iter().map(|n| d.lit(n)).collect();
            format!(
                "CASE WHEN touchpoint IN ({}) THEN 1 ELSE 0 END",
                names.join(", ")
            )
        }
        Conversion::Column(_) => "marked".to_string(),
    };
    // 4. Order: by instant, then the tie rule (docs/metrics.md, Path variants).
    let mut order = vec!["t".to_string()];
    if spec.tiebreak.is_some() {
        // Locally an empty value goes last; engines differ in where NULL sorts.
        order.push("tiebreak NULLS LAST".into());
    }
    order.push(d.bytewise("touchpoint"));
    order.push(d.bytewise("channel"));
    let _ = writeln!(
        out,
        "ordered AS (\n  SELECT cleaned.*, {is_conv} AS is_conv,\n    ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY {}) AS seq\n  FROM cleaned{}\n),",
        order.join(", "),
        if kept.is_empty() {
            String::new()
        } else {
            format!("\n  WHERE {}", kept.join(" AND "))
        }
    );

    // 5. Cut into journeys: a gap strictly above --session-gap, or after a conversion event.
    let mut starts =
        vec!["LAG(t) OVER (PARTITION BY customer_id ORDER BY seq) IS NULL".to_string()];
    if let Some(gap) = spec.session_gap {
        starts.push(format!(
            "t - LAG(t) OVER (PARTITION BY customer_id ORDER BY seq) > {}",
            gap / 1000
        ));
    }
    if spec.split_on_conversion {
        starts.push("LAG(is_conv) OVER (PARTITION BY customer_id ORDER BY seq) = 1".to_string());
    }
    let _ = writeln!(
        out,
        "cut AS (\n  SELECT ordered.*, CASE WHEN {} THEN 1 ELSE 0 END AS starts\n  FROM ordered\n),",
        starts.join(" OR ")
    );
    let _ = writeln!(
        out,
        "numbered AS (\n  SELECT cut.*, SUM(starts) OVER (PARTITION BY customer_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS journey\n  FROM cut\n),"
    );

    // 6. Collapse repeats at the level; the journey converts (and has its value) whatever
    // collapsing keeps.
    let level_value = match spec.level {
        Level::Touchpoint => "touchpoint",
        Level::Channel => "channel",
    };
    let keep = if spec.collapse_repeats {
        format!("CASE WHEN LAG({level_value}) OVER (PARTITION BY customer_id, journey ORDER BY seq) = {level_value} THEN 0 ELSE 1 END")
    } else {
        "1".to_string()
    };
    let value = if spec.conversion.is_defined() {
        ",\n    MIN(CASE WHEN is_conv = 1 THEN seq END) OVER (PARTITION BY customer_id, journey) AS conversion_seq"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "runs AS (\n  SELECT numbered.*, {keep} AS kept,\n    MAX(is_conv) OVER (PARTITION BY customer_id, journey) AS converted{value}\n  FROM numbered\n),"
    );

    // 7. One row per journey: its sequences as text (docs/variants.md).
    let escape = |e: &str| {
        format!(
            "REPLACE(REPLACE({e}, {}, {}), {}, {})",
            d.lit("\\"),
            d.lit("\\\\"),
            d.lit(">"),
            d.lit("\\>")
        )
    };
    let channels = if spec.channel.is_some() {
        d.string_agg(&escape("channel"), " > ", "seq")
    } else {
        format!("CAST(NULL AS {text})")
    };
    let journey_value = if spec.value_col.is_some() {
        // The first conversion event's value, before collapsing (that event may be merged).
        ",\n    MAX(journey_value) AS value".to_string()
    } else {
        String::new()
    };
    let valued = if spec.value_col.is_some() {
        ",\n    CASE WHEN converted = 1 THEN COALESCE(MAX(CASE WHEN seq = conversion_seq THEN value_raw END) OVER (PARTITION BY customer_id, journey), 0) ELSE 0 END AS journey_value"
    } else {
        ""
    };
    let _ = writeln!(out, "valued AS (\n  SELECT runs.*{valued}\n  FROM runs\n),");
    // Touches (docs/metrics.md, Conversion): with --conversion, the kept events before the
    // first conversion event (a run it was merged into stays a touch).
    let touches = match spec.conversion {
        Conversion::Events(_) => "CASE WHEN MAX(converted) = 1 THEN SUM(CASE WHEN seq < conversion_seq THEN 1 ELSE 0 END) ELSE COUNT(*) END",
        _ => "COUNT(*)",
    };
    let _ = writeln!(
        out,
        "journeys AS (\n  SELECT customer_id, journey,\n    {} AS touchpoints,\n    {channels} AS channels,\n    COUNT(*) AS steps,\n    {touches} AS touches,\n    MAX(converted) AS converted,\n    MAX(t) - MIN(t) AS duration_us{journey_value}\n  FROM valued\n  WHERE kept = 1\n  GROUP BY customer_id, journey\n),",
        d.string_agg(&escape("touchpoint"), " > ", "seq")
    );

    // 8. The median durations (nearest rank) of each touchpoint sequence and each channel
    // sequence, then one row per variant; the options in one row.
    let has_ch = spec.channel.is_some();
    let _ = writeln!(
        out,
        "ranked AS (\n  SELECT journeys.*,\n    ROW_NUMBER() OVER (PARTITION BY touchpoints ORDER BY duration_us) AS tp_rank,\n    COUNT(*) OVER (PARTITION BY touchpoints) AS tp_n,\n    ROW_NUMBER() OVER (PARTITION BY channels ORDER BY duration_us) AS ch_rank,\n    COUNT(*) OVER (PARTITION BY channels) AS ch_n\n  FROM journeys\n),"
    );
    let _ = writeln!(
        out,
        "medians AS (\n  SELECT ranked.*,\n    MAX(CASE WHEN tp_rank = CEIL(tp_n * 0.5) THEN duration_us END) OVER (PARTITION BY touchpoints) AS tp_median,\n    MAX(CASE WHEN ch_rank = CEIL(ch_n * 0.5) THEN duration_us END) OVER (PARTITION BY channels) AS ch_median\n  FROM ranked\n),"
    );
    let value_out = if spec.value_col.is_some() {
        format!("CAST(SUM(value) AS {double})")
    } else {
        format!("CAST(NULL AS {double})")
    };
    let ch_median = if has_ch {
        format!("CAST(MAX(ch_median) AS {double}) / 1000000")
    } else {
        format!("CAST(NULL AS {double})")
    };
    let order = format!(
        "journeys DESC, {}, {}, touches",
        d.bytewise("touchpoints"),
        d.bytewise("channels")
    );
    let _ = writeln!(
        out,
        "variants AS (\n  SELECT\n    touchpoints,\n    channels,\n    CAST(MAX(steps) AS {bigint}) AS steps,\n    CAST(touches AS {bigint}) AS touches,\n    CAST(COUNT(*) AS {bigint}) AS journeys,\n    CAST(SUM(converted) AS {bigint}) AS conversions,\n    {value_out} AS value,\n    CAST(MAX(tp_median) AS {double}) / 1000000 AS median_duration_s,\n    {ch_median} AS channel_median_duration_s\n  FROM medians\n  GROUP BY touchpoints, channels, touches\n)"
    );
    let _ = writeln!(
        out,
        "SELECT\n  1 AS variants_version,\n  touchpoints, channels, steps, touches, journeys, conversions, value,\n  median_duration_s, channel_median_duration_s,\n  CASE WHEN ROW_NUMBER() OVER (ORDER BY {order}) = 1 THEN {} END AS options\nFROM variants\nORDER BY {order};",
        d.lit(&spec.options_json)
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec {
            table: "events".into(),
            customer: "customer_id".into(),
            time: "timestamp".into(),
            touchpoint: "touchpoint".into(),
            channel: Some("channel".into()),
            ..Default::default()
        }
    }

    #[test]
    fn what_cannot_be_pushed_down_is_refused_with_the_reason() {
        let mut s = spec();
        s.session_gap = Some(1500);
        let e = variants_sql(&s, Dialect::Duckdb).unwrap_err().to_string();
        assert!(e.contains("whole number of microseconds"), "{e}");
        let mut s = spec();
        s.rename = vec![("^/p/(\\d+)$".into(), "p$1".into())];
        let e = variants_sql(&s, Dialect::Duckdb).unwrap_err().to_string();
        assert!(e.contains("capture group"), "{e}");
        s.rename = vec![("^/p/\\d+$".into(), "p".into())];
        let e = variants_sql(&s, Dialect::Duckdb).unwrap_err().to_string();
        assert!(e.contains("\\d is [0-9]"), "{e}");
        s.rename = vec![("(?i)home".into(), "home".into())];
        assert!(variants_sql(&s, Dialect::Duckdb).is_err());
        s.rename = vec![("^/p/[0-9]+\\.html$".into(), "p".into())];
        assert!(variants_sql(&s, Dialect::Duckdb).is_ok());
    }

    #[test]
    fn bounds_are_whole_microseconds_and_names_stay_in_literals() {
        let mut s = spec();
        s.from = Some(1_500);
        s.to = Some(2_999);
        s.exclude = vec!["it's".into()];
        s.options_json = "line\nbreak".into();
        let sql = variants_sql(&s, Dialect::Postgres).unwrap();
        assert!(sql.contains("t >= 2 AND t <= 2"), "{sql}");
        assert!(sql.contains("NOT IN ('it''s')"), "{sql}");
        assert!(sql.contains("-- options: line break"), "{sql}");
        assert!(sql.contains("COLLATE \"C\""));
        let sql = variants_sql(&s, Dialect::Spark).unwrap();
        assert!(sql.contains("NOT IN ('it\\'s')"), "{sql}");
    }
}
