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

/// Parses the text of a config file.
pub fn parse(text: &str) -> Result<ConfigFile> {
    toml::from_str(text).map_err(|e| anyhow::anyhow!("{}", e.to_string().trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
