//! The baseline file: the values a set of checks measured, with the options they were
//! measured under. Pretty JSON with sorted keys and one value per line block, so that a change
//! shows up as a small diff in version control (docs/check.md, Baseline).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use super::measure::Measured;

/// The `format` every baseline carries; a future layout gets a new number.
pub const FORMAT: &str = "journeymap-baseline/1";

/// One recorded measure: a share or rate with the x of n it comes from, or a count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

impl Recorded {
    /// What a baseline records of a measured value.
    pub fn of(m: &Measured) -> Recorded {
        Recorded {
            value: m.value(),
            count: m.rate.map(|r| r.of.count),
            total: m.rate.map(|r| r.of.total),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub format: String,
    /// The journeymap version that wrote it (informative; not compared).
    pub journeymap: String,
    /// The journey options in force (level, session gap, conversion, cleaning...).
    pub options: BTreeMap<String, serde_json::Value>,
    /// Measure key -> value.
    pub values: BTreeMap<String, Recorded>,
}

impl Baseline {
    /// A baseline of these values, measured under these options (`OptionsInForce::recorded`).
    pub fn new(
        options: BTreeMap<String, serde_json::Value>,
        values: BTreeMap<String, Recorded>,
    ) -> Baseline {
        Baseline {
            format: FORMAT.to_string(),
            journeymap: env!("CARGO_PKG_VERSION").to_string(),
            options,
            values,
        }
    }

    /// Reads a baseline written by `--write-baseline`.
    pub fn read(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "{}: cannot read the baseline (write one with --write-baseline {})",
                path.display(),
                path.display()
            )
        })?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}: not a journeymap baseline ({e}); write one with --write-baseline",
                path.display()
            )
        })?;
        if b.format != FORMAT {
            bail!(
                "{}: baseline format '{}' is not '{FORMAT}'; write a new one with --write-baseline",
                path.display(),
                b.format
            );
        }
        Ok(b)
    }

    /// The text written to the file: pretty JSON, sorted keys, a final newline.
    pub fn to_text(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(self)? + "\n")
    }

    /// The options that differ from `now`, as `name (baseline X, now Y)`. A missing
    /// option, null and an empty list count as the same (nothing set).
    pub fn differing_options(&self, now: &BTreeMap<String, serde_json::Value>) -> Vec<String> {
        let unset = serde_json::Value::Null;
        // A duration compares by its length: 30m, 1800s and 0.5h are the same session gap.
        let norm = |v: Option<&serde_json::Value>| -> serde_json::Value {
            match v {
                None => unset.clone(),
                Some(serde_json::Value::Array(a)) if a.is_empty() => unset.clone(),
                Some(serde_json::Value::String(text)) => {
                    match crate::duration::parse_duration(text) {
                        Ok(ns) => serde_json::json!({ "duration_ns": ns }),
                        Err(_) => serde_json::Value::String(text.clone()),
                    }
                }
                Some(v) => v.clone(),
            }
        };
        let keys: std::collections::BTreeSet<&String> =
            self.options.keys().chain(now.keys()).collect();
        let show = |v: Option<&serde_json::Value>| match v {
            None | Some(serde_json::Value::Null) => "unset".to_string(),
            Some(serde_json::Value::Array(a)) if a.is_empty() => "unset".to_string(),
            Some(v) => v.to_string(),
        };
        keys.into_iter()
            .filter_map(|k| {
                let (was, is) = (self.options.get(k), now.get(k));
                (norm(was) != norm(is))
                    .then(|| format!("{k} (baseline {}, now {})", show(was), show(is)))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_names_differing_options() {
        let mut echo = crate::settings::OptionsInForce {
            session_gap: Some("30m".into()),
            conversion: Some(vec!["purchase".into()]),
            config: Some("/somewhere/journeymap.toml".into()),
            ..Default::default()
        };
        let mut values = BTreeMap::new();
        values.insert(
            "journeys".to_string(),
            Recorded {
                value: Some(12.0),
                ..Default::default()
            },
        );
        let b = Baseline::new(echo.recorded(), values);
        let text = b.to_text().unwrap();
        assert!(!text.contains("somewhere"), "{text}");
        // Keys sorted: collapse_repeats before conversion before level.
        let (c, l) = (
            text.find("collapse_repeats").unwrap(),
            text.find("\"level\"").unwrap(),
        );
        assert!(c < l);
        let back: Baseline = serde_json::from_str(&text).unwrap();
        assert_eq!(back, b);
        assert!(back.differing_options(&echo.recorded()).is_empty());
        // The same gap written another way is the same option.
        echo.session_gap = Some("1800s".into());
        assert!(back.differing_options(&echo.recorded()).is_empty());
        echo.session_gap = None;
        echo.exclude = vec!["heartbeat".into()];
        assert_eq!(
            back.differing_options(&echo.recorded()),
            [
                "exclude (baseline unset, now [\"heartbeat\"])",
                "session_gap (baseline \"30m\", now unset)"
            ]
        );
    }
}
