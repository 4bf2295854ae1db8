//! journeymap.toml: the settings an audit keeps so that it reruns the same way.
//! Every key is documented in docs/config.md; flags override the file.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::input::time::TimeUnit;
use crate::input::InputFormat;
use crate::journey::Level;

/// The file name looked for in the working directory.
pub const DEFAULT_FILE: &str = "journeymap.toml";

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub columns: Columns,
    #[serde(default)]
    pub time: TimeSection,
    #[serde(default)]
    pub journey: JourneySection,
    #[serde(default)]
    pub conversion: ConversionSection,
    #[serde(default)]
    pub clean: CleanSection,
    #[serde(default)]
    pub source: Vec<SourceTable>,
    /// `[funnels]`: named step lists, `checkout = ["product_view", "add_to_cart", "purchase"]`,
    /// used as `funnel --steps checkout`.
    #[serde(default)]
    pub funnels: std::collections::BTreeMap<String, Vec<String>>,
    /// `[stages]`: the stage map, in the order written: `awareness = ["home", "re:^blog"]`.
    #[serde(default, deserialize_with = "ordered_stages")]
    pub stages: Vec<crate::analysis::stages::StageDef>,
    /// `[scores]`: the score column of `stages`, `painpoints` and stage checks.
    #[serde(default)]
    pub scores: ScoresSection,
    /// `[[check]]`: the gates `journeymap check` runs (docs/check.md).
    #[serde(default)]
    pub check: Vec<crate::check::spec::CheckSpec>,
    /// Where the file was found; relative source paths are read from its directory.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// `[columns]`: the column mapping for the command line's inputs (and the default for sources).
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    pub customer: Option<String>,
    pub time: Option<String>,
    pub touchpoint: Option<String>,
    pub channel: Option<String>,
}

/// `[time]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSection {
    pub format: Option<String>,
    pub unit: Option<TimeUnit>,
    pub tz: Option<String>,
}

/// `[journey]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JourneySection {
    pub session_gap: Option<String>,
    pub tiebreak: Option<String>,
    pub collapse_repeats: Option<bool>,
    pub level: Option<Level>,
    pub split_on_conversion: Option<bool>,
}

/// `[conversion]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversionSection {
    #[serde(default)]
    pub events: Vec<String>,
    pub column: Option<String>,
}

/// `[clean]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CleanSection {
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub rename: Vec<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    #[serde(default, rename = "where")]
    pub filter: Vec<String>,
    pub skip_invalid: Option<bool>,
}

/// `[scores]`: survey answers, CSAT, NPS or sentiment that some events carry (metrics.md,
/// Scores).
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ScoresSection {
    /// The column of numbers (`--score-col`).
    pub column: Option<String>,
    /// Which event a score belongs to (`--score-applies`).
    pub applies: Option<crate::analysis::scores::Applies>,
    /// Scores at or below this are low (`--low-score`).
    pub low: Option<f64>,
}

/// `[[source]]`: one export to stitch into the journeys.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct SourceTable {
    /// A file, glob or directory.
    pub path: Option<String>,
    /// Several files, globs or directories.
    #[serde(default)]
    pub paths: Vec<String>,
    pub format: Option<InputFormat>,
    pub delimiter: Option<String>,
    pub customer: Option<String>,
    pub time: Option<String>,
    pub touchpoint: Option<String>,
    /// Column with the channel.
    pub channel_column: Option<String>,
    /// The same channel for every event of this source, e.g. "email".
    pub channel: Option<String>,
}

impl ConfigFile {
    /// Reads `--config FILE`, or ./journeymap.toml when it exists.
    pub fn find(explicit: Option<&Path>) -> Result<ConfigFile> {
        let path = match explicit {
            Some(p) => {
                if !p.is_file() {
                    anyhow::bail!("{}: no such config file (given with --config)", p.display());
                }
                p.to_path_buf()
            }
            None => {
                let p = PathBuf::from(DEFAULT_FILE);
                if !p.is_file() {
                    return Ok(ConfigFile::default());
                }
                p
            }
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let mut cfg = parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        cfg.path = Some(path);
        Ok(cfg)
    }

    /// A source path as given, made relative to the config file's directory.
    pub fn source_path(&self, p: &str) -> String {
        let dir = self
            .path
            .as_deref()
            .and_then(Path::parent)
            .filter(|d| !d.as_os_str().is_empty());
        match dir {
            Some(d) if p != "-" && Path::new(p).is_relative() => d.join(p).display().to_string(),
            _ => p.to_string(),
        }
    }
}

/// `[stages]` as written: a table whose order is the stage order (a map would sort it), each
/// value a list of names and `re:` patterns.
fn ordered_stages<'de, D>(
    d: D,
) -> std::result::Result<Vec<crate::analysis::stages::StageDef>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Stages;
    impl<'de> serde::de::Visitor<'de> for Stages {
        type Value = Vec<crate::analysis::stages::StageDef>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a table of stage = [touchpoint names and re: patterns]")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((name, entries)) = map.next_entry::<String, Vec<String>>()? {
                out.push(crate::analysis::stages::StageDef { name, entries });
            }
            Ok(out)
        }
    }
    d.deserialize_map(Stages)
}

/// Reads a stage map from CSV (`--stages FILE.csv`): columns `touchpoint` (or `channel`, or
/// `value`) and `stage`, and optionally `order`. Stages are ordered by `order`, then by first
/// appearance; within a stage, entries keep the file's order.
pub fn read_stage_file(path: &Path) -> Result<Vec<crate::analysis::stages::StageDef>> {
    use crate::analysis::stages::StageDef;
    use crate::text::excerpt;
    let label = path.display();
    let mut rdr = csv::ReaderBuilder::new()
        .from_path(path)
        .with_context(|| format!("{label}: cannot read the stage file (given with --stages)"))?;
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| anyhow::anyhow!("{label}: cannot read the header: {e}"))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let (Some(value_at), Some(stage_at)) =
        (col(&["touchpoint", "channel", "value"]), col(&["stage"]))
    else {
        anyhow::bail!(
            "{label}: a stage file needs the columns touchpoint and stage (and optionally order); found: {}",
            header.join(", ")
        );
    };
    let order_at = col(&["order"]);
    // (name, order, entries) in order of first appearance.
    let mut stages: Vec<(String, Option<f64>, Vec<String>)> = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| anyhow::anyhow!("{label} line {line}: {e}"))?;
        let value = rec.get(value_at).unwrap_or("").trim();
        let stage = rec.get(stage_at).unwrap_or("").trim();
        if value.is_empty() && stage.is_empty() {
            continue;
        }
        if value.is_empty() || stage.is_empty() {
            anyhow::bail!("{label} line {line}: a row needs both a touchpoint and a stage");
        }
        let order = match order_at.map(|o| rec.get(o).unwrap_or("").trim()) {
            None | Some("") => None,
            Some(text) => Some(
                text.parse::<f64>()
                    .ok()
                    .filter(|o| o.is_finite())
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "{label} line {line}: order '{}' is not a number",
                            excerpt(text)
                        )
                    })?,
            ),
        };
        match stages.iter_mut().find(|(name, _, _)| name == stage) {
            Some((_, known, entries)) => {
                match (*known, order) {
                    (Some(a), Some(b)) if a != b => anyhow::bail!(
                        "{label} line {line}: stage '{}' has order {b} here and {a} before; give a stage one order",
                        excerpt(stage)
                    ),
                    (None, Some(b)) => *known = Some(b),
                    _ => {}
                }
                entries.push(value.to_string());
            }
            None => stages.push((stage.to_string(), order, vec![value.to_string()])),
        }
    }
    if stages.is_empty() {
        anyhow::bail!("{label}: the stage file has no rows");
    }
    // A stable sort: stages without an order keep their place after those with one.
    stages.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(stages
        .into_iter()
        .map(|(name, _, entries)| StageDef { name, entries })
        .collect())
}

/// Parses the text of a config file.
pub fn parse(text: &str) -> Result<ConfigFile> {
    toml::from_str(text).map_err(|e| anyhow::anyhow!("{}", e.to_string().trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_keep_the_order_written() {
        let cfg = parse(
            r#"
            [stages]
            zeta = ["home", "re:^landing"]
            alpha = ["product_view"]
            mid = []
            "#,
        )
        .unwrap();
        let names: Vec<&str> = cfg.stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["zeta", "alpha", "mid"]);
        assert_eq!(cfg.stages[0].entries, ["home", "re:^landing"]);
        let err = parse("[stages]\nawareness = \"home\"\n").unwrap_err();
        assert!(err.to_string().contains("invalid type"), "{err}");
    }

    #[test]
    fn full_example_parses() {
        let cfg = parse(
            r#"
            [columns]
            customer = "user"
            [time]
            tz = "Europe/Berlin"
            unit = "ms"
            [journey]
            session_gap = "30m"
            collapse_repeats = true
            level = "channel"
            [conversion]
            events = ["purchase"]
            [clean]
            exclude = ["heartbeat"]
            rename = ['/product/\d+=product']
            where = ["country=DE"]
            [[source]]
            path = "web/*.csv"
            customer = "visitor"
            [[source]]
            path = "email.csv"
            channel = "email"
            [funnels]
            checkout = ["product_view", "add_to_cart|cart_view", "purchase"]
            "#,
        )
        .unwrap();
        assert_eq!(cfg.columns.customer.as_deref(), Some("user"));
        assert_eq!(cfg.time.unit, Some(TimeUnit::Ms));
        assert_eq!(cfg.journey.level, Some(Level::Channel));
        assert_eq!(cfg.source.len(), 2);
        assert_eq!(cfg.source[1].channel.as_deref(), Some("email"));
        assert_eq!(cfg.clean.filter, vec!["country=DE"]);
        assert_eq!(cfg.funnels["checkout"][1], "add_to_cart|cart_view");
    }

    #[test]
    fn unknown_keys_are_errors_with_a_position() {
        let err = parse("[journey]\nsesion_gap = \"30m\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("sesion_gap") && err.contains("line 2"),
            "{err}"
        );
    }
}
