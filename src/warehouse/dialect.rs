//! What differs between the SQL dialects journeymap writes: literals, identifiers, types, the
//! few functions that have no common spelling, and how a query stops with an error.

use serde::Serialize;

/// A warehouse's SQL dialect (`journeymap sql --dialect`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Duckdb,
    Postgres,
    Spark,
    Snowflake,
    Bigquery,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Duckdb => "duckdb",
            Dialect::Postgres => "postgres",
            Dialect::Spark => "spark",
            Dialect::Snowflake => "snowflake",
            Dialect::Bigquery => "bigquery",
        }
    }

    /// A string literal. Spark, Snowflake and BigQuery read backslash escapes in literals;
    /// DuckDB and PostgreSQL (with standard_conforming_strings, the default) do not.
    pub fn lit(self, s: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres => format!("'{}'", s.replace('\'', "''")),
            Dialect::Snowflake => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''")),
            Dialect::Spark | Dialect::Bigquery => {
                let mut out = String::from("'");
                for c in s.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("\\'"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c => out.push(c),
                    }
                }
                out.push('\'');
                out
            }
        }
    }

    /// An identifier, always quoted (a column may be called `timestamp`). A name of lower-case
    /// letters, digits and `_` finds the column created without quotes everywhere: Snowflake
    /// keeps those in upper case, so it is quoted in upper case there. `a.b.c` is a qualified
    /// name when `qualified`, each part on its own.
    pub fn ident(self, name: &str, qualified: bool) -> String {
        let parts: Vec<&str> = if qualified {
            name.split('.').collect()
        } else {
            vec![name]
        };
        parts
            .into_iter()
            .map(|part| {
                let plain = part
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                match self {
                    Dialect::Spark | Dialect::Bigquery => {
                        format!("`{}`", part.replace('`', "``"))
                    }
                    Dialect::Snowflake if plain => format!("\"{}\"", part.to_ascii_uppercase()),
                    _ => format!("\"{}\"", part.replace('"', "\"\"")),
                }
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    pub fn text_type(self) -> &'static str {
        match self {
            Dialect::Duckdb | Dialect::Snowflake => "VARCHAR",
            Dialect::Postgres => "TEXT",
            Dialect::Spark | Dialect::Bigquery => "STRING",
        }
    }

    pub fn double_type(self) -> &'static str {
        match self {
            Dialect::Postgres => "DOUBLE PRECISION",
            Dialect::Bigquery => "FLOAT64",
            _ => "DOUBLE",
        }
    }

    pub fn bigint_type(self) -> &'static str {
        match self {
            Dialect::Bigquery => "INT64",
            _ => "BIGINT",
        }
    }

    /// Microseconds since 1970-01-01 UTC of a TIMESTAMP (read as UTC) or TIMESTAMP WITH
    /// TIME ZONE.
    pub fn epoch_us(self, e: &str) -> String {
        match self {
            Dialect::Duckdb => format!("epoch_us({e})"),
            Dialect::Postgres => format!("CAST(EXTRACT(EPOCH FROM {e}) * 1000000 AS BIGINT)"),
            Dialect::Spark => format!("unix_micros({e})"),
            Dialect::Snowflake => format!("DATE_PART(EPOCH_MICROSECOND, {e})"),
            Dialect::Bigquery => format!("UNIX_MICROS({e})"),
        }
    }

    /// Whether `e` matches the regular expression `pattern` anywhere.
    pub fn regex_match(self, e: &str, pattern: &str) -> String {
        let p = self.lit(pattern);
        match self {
            Dialect::Duckdb => format!("regexp_matches({e}, {p})"),
            Dialect::Postgres => format!("({e} ~ {p})"),
            Dialect::Spark => format!("({e} RLIKE {p})"),
            // REGEXP_LIKE matches the whole string in Snowflake; REGEXP_INSTR finds it anywhere.
            Dialect::Snowflake => format!("(REGEXP_INSTR({e}, {p}) > 0)"),
            Dialect::Bigquery => format!("REGEXP_CONTAINS({e}, {p})"),
        }
    }

    /// Text compared and sorted by bytes (PostgreSQL's default collation follows the locale).
    pub fn bytewise(self, e: &str) -> String {
        match self {
            Dialect::Postgres => format!("{e} COLLATE \"C\""),
            _ => e.to_string(),
        }
    }

    /// The values of `e` over a group's rows in the order of `order`, joined by `sep`.
    pub fn string_agg(self, e: &str, sep: &str, order: &str) -> String {
        let sep = self.lit(sep);
        match self {
            Dialect::Duckdb | Dialect::Postgres | Dialect::Bigquery => {
                format!("STRING_AGG({e}, {sep} ORDER BY {order})")
            }
            Dialect::Snowflake => format!("LISTAGG({e}, {sep}) WITHIN GROUP (ORDER BY {order})"),
            // collect_list has no order: sort (order, value) pairs, then keep the values.
            Dialect::Spark => format!(
                "ARRAY_JOIN(TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT({order} AS o, {e} AS v))), x -> x.v), {sep})"
            ),
        }
    }

    /// An expression of type `ty` that stops the query with the message `message` (an
    /// expression; it should depend on the row, so that no planner evaluates it early).
    pub fn fail(self, message: &str, ty: &str) -> String {
        match self {
            Dialect::Duckdb => format!("CAST(error({message}) AS {ty})"),
            Dialect::Spark => format!("CAST(raise_error({message}) AS {ty})"),
            Dialect::Bigquery => format!("CAST(ERROR({message}) AS {ty})"),
            // No raise in an expression: a cast of the message to a number fails and shows it.
            Dialect::Postgres | Dialect::Snowflake => {
                format!("CAST(CAST({message} AS BIGINT) AS {ty})")
            }
        }
    }

    /// Concatenation of text expressions.
    pub fn concat(self, parts: &[String]) -> String {
        match self {
            Dialect::Bigquery | Dialect::Spark => format!("CONCAT({})", parts.join(", ")),
            _ => parts.join(" || "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_identifiers_per_dialect() {
        let s = "it's a\\b";
        assert_eq!(Dialect::Duckdb.lit(s), "'it''s a\\b'");
        assert_eq!(Dialect::Postgres.lit(s), "'it''s a\\b'");
        assert_eq!(Dialect::Snowflake.lit(s), "'it''s a\\\\b'");
        assert_eq!(Dialect::Spark.lit(s), "'it\\'s a\\\\b'");
        assert_eq!(Dialect::Bigquery.lit("a\nb"), "'a\\nb'");
        assert_eq!(Dialect::Postgres.ident("timestamp", false), "\"timestamp\"");
        assert_eq!(Dialect::Postgres.ident("User\"Id", false), "\"User\"\"Id\"");
        assert_eq!(Dialect::Spark.ident("event time", false), "`event time`");
        assert_eq!(Dialect::Bigquery.ident("a`b", false), "`a``b`");
        assert_eq!(
            Dialect::Snowflake.ident("db.Sch.events", true),
            "\"DB\".\"Sch\".\"EVENTS\""
        );
        assert_eq!(Dialect::Duckdb.ident("a.b", false), "\"a.b\"");
    }
}
