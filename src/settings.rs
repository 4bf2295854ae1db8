//! Flags and journeymap.toml merged into one validated [`Settings`] (flags win).

use anyhow::{anyhow, bail, Result};
use serde::Serialize;

use crate::cli::{InputArgs, JourneyArgs};
use crate::config::ConfigFile;
use crate::duration::parse_duration;
use crate::input::mapping::ColumnRequest;
use crate::input::time::{parse_bound, parse_tz, TimeParser};
use crate::input::{KeepColumn, LoadOptions, SourceSpec};
use crate::journey::clean::{parse_rename, CleanRules};
use crate::journey::{Conversion, JourneyOptions, Level};

/// What a command asks for: its flags, the config file (read once per run), and how it wants
/// the inputs loaded.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub input: &'a InputArgs,
    pub journey: &'a JourneyArgs,
    pub config: &'a ConfigFile,
    /// Report invalid rows instead of failing, and describe each column's type (`inspect`).
    pub lenient: bool,
    /// The level when neither --level nor the config file chooses one.
    pub default_level: DefaultLevel,
    /// Extra columns kept per row, each with the flag that named it (for its errors).
    pub keep: Vec<KeepColumn>,
    /// The command runs on a variants table too (docs/variants.md).
    pub variants: bool,
}

impl<'a> Request<'a> {
    pub fn new(input: &'a InputArgs, journey: &'a JourneyArgs, config: &'a ConfigFile) -> Self {
        Request {
            input,
            journey,
            config,
            lenient: false,
            default_level: DefaultLevel::Touchpoint,
            keep: Vec::new(),
            variants: false,
        }
    }

    /// Invalid rows are reported, not fatal (`inspect`).
    pub fn lenient(self) -> Self {
        Request {
            lenient: true,
            ..self
        }
    }

    /// Channels by default, when the inputs have a channel column.
    pub fn channels_if_any(self) -> Self {
        Request {
            default_level: DefaultLevel::ChannelIfAny,
            ..self
        }
    }

    /// The command's analysis needs only the journeys' sequences and conversions, so it runs on
    /// a variants table as on events.
    pub fn accepts_variants(self) -> Self {
        Request {
            variants: true,
            ..self
        }
    }

    /// Keeps `column` per row (`--breakdown`, `--value-col`, ...); `flag` names it in errors.
    pub fn keep_column(self, column: Option<&str>, flag: &'static str) -> Self {
        self.keep(column, flag, false)
    }

    /// Keeps `column` per row where an input has it (`--score-col`: a survey export has
    /// scores, the web events do not); an error only when no input has it.
    pub fn keep_optional_column(self, column: Option<&str>, flag: &'static str) -> Self {
        self.keep(column, flag, true)
    }

    /// A column named twice is kept once, required if either asks so.
    fn keep(mut self, column: Option<&str>, flag: &'static str, optional: bool) -> Self {
        let Some(column) = column else {
            return self;
        };
        match self.keep.iter_mut().find(|k| k.column == column) {
            Some(k) if k.optional && !optional => {
                k.optional = false;
                k.flag = flag;
            }
            Some(_) => {}
            None => self.keep.push(KeepColumn {
                column: column.to_string(),
                flag,
                optional,
            }),
        }
        self
    }
}

/// Which level a command runs on when neither --level nor the config file says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultLevel {
    Touchpoint,
    /// Channels when the inputs have a channel column, else touchpoints (with a note).
    ChannelIfAny,
}

/// Everything a command needs to load inputs and build journeys. The level is known only
/// once the inputs are loaded (a command may default to channels when there is a channel
/// column), so the journey options and the options in force are asked for at a level.
#[derive(Debug)]
pub struct Settings {
    pub load: LoadOptions,
    pub clean: CleanRules,
    /// The journey options but the level.
    journey: JourneyOptions,
    /// The level --level or the config file chose, if either did.
    level_choice: Option<Level>,
    default_level: DefaultLevel,
    /// The options in force but the level, as every output reports them.
    echo: OptionsInForce,
}

impl Settings {
    /// The level the journeys are built at, given whether the inputs have a channel column.
    pub fn level(&self, has_channels: bool) -> Level {
        match (self.level_choice, self.default_level) {
            (Some(level), _) => level,
            (None, DefaultLevel::ChannelIfAny) if has_channels => Level::Channel,
            (None, _) => Level::Touchpoint,
        }
    }

    /// Whether the command would have worked on channels but the inputs have none.
    pub fn no_channels_for_default(&self, has_channels: bool) -> bool {
        self.level_choice.is_none()
            && self.default_level == DefaultLevel::ChannelIfAny
            && !has_channels
    }

    /// The settings of a variants table made with `options`: its journey options, echoed as
    /// they are (the level aside, which the analysis chooses).
    pub fn for_variants(mut self, options: &OptionsInForce) -> Result<Settings> {
        let config = self.echo.config.take();
        self.echo = OptionsInForce {
            config,
            ..options.clone()
        };
        self.journey = JourneyOptions {
            session_gap: options
                .session_gap
                .as_deref()
                .map(parse_duration)
                .transpose()?,
            collapse_repeats: options.collapse_repeats,
            level: options.level,
            conversion: match (&options.conversion, &options.converted_col) {
                (Some(names), _) => Conversion::Events(names.clone()),
                (None, Some(c)) => Conversion::Column(c.clone()),
                (None, None) => Conversion::None,
            },
            split_on_conversion: options.split_on_conversion,
            tiebreak: options.tiebreak.clone(),
        };
        Ok(self)
    }

    /// The journey options at this level.
    pub fn journey_options(&self, level: Level) -> JourneyOptions {
        JourneyOptions {
            level,
            ..self.journey.clone()
        }
    }

    /// Whether `--collapse-repeats` is on.
    pub fn collapse_repeats(&self) -> bool {
        self.journey.collapse_repeats
    }

    /// How journeys convert.
    pub fn conversion(&self) -> &Conversion {
        &self.journey.conversion
    }

    /// The options in force at this level.
    pub fn options(&self, level: Level) -> OptionsInForce {
        OptionsInForce {
            level,
            ..self.echo.clone()
        }
    }
}

/// The options in force, for the `meta` block of every output (and the `options` of a
/// variants table, read back from it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct OptionsInForce {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    pub level: Level,
    pub session_gap: Option<String>,
    pub collapse_repeats: bool,
    pub conversion: Option<Vec<String>>,
    pub converted_col: Option<String>,
    pub split_on_conversion: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tiebreak: Option<String>,
    pub tz: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_format: Option<String>,
    pub skip_invalid: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rename: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(rename = "where", skip_serializing_if = "Vec::is_empty")]
    pub filter: Vec<String>,
}

impl OptionsInForce {
    /// Whether a conversion is defined (`--conversion` or `--converted-col`).
    pub fn conversion_defined(&self) -> bool {
        self.conversion.is_some() || self.converted_col.is_some()
    }

    /// The options a `check` baseline records: every field of `meta.options` but where the
    /// config file was (a path, which differs between machines).
    pub fn recorded(&self) -> std::collections::BTreeMap<String, serde_json::Value> {
        let value = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        let mut map = std::collections::BTreeMap::new();
        if let serde_json::Value::Object(o) = value {
            for (k, v) in o {
                if k != "config" {
                    map.insert(k, v);
                }
            }
        }
        map
    }

    /// The options in force, in one line for people.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("level={}", self.level.name())];
        parts.push(format!(
            "session-gap={}",
            self.session_gap.as_deref().unwrap_or("none")
        ));
        parts.push(format!(
            "collapse-repeats={}",
            if self.collapse_repeats { "on" } else { "off" }
        ));
        if let Some(c) = &self.conversion {
            parts.push(format!("conversion={}", c.join(",")));
        }
        if let Some(c) = &self.converted_col {
            parts.push(format!("converted-col={c}"));
        }
        if self.split_on_conversion {
            parts.push("split-on-conversion".to_string());
        }
        if let Some(c) = &self.tiebreak {
            parts.push(format!("tiebreak={c}"));
        }
        if let Some(tz) = &self.tz {
            parts.push(format!("tz={tz}"));
        }
        parts.join(", ")
    }
}

/// Parses a `--delimiter` value: one character, or `tab` / `\t`.
pub fn parse_delimiter(text: &str) -> Result<u8> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        s if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => bail!("--delimiter '{text}' must be one ASCII character (or 'tab')"),
    }
}

fn pick<T: Clone>(flag: &Option<T>, file: &Option<T>) -> Option<T> {
    flag.clone().or_else(|| file.clone())
}

fn list(flag: &[String], file: &[String]) -> Vec<String> {
    if flag.is_empty() {
        file.to_vec()
    } else {
        flag.to_vec()
    }
}

/// Merges the flags with the config file. Errors here are usage errors.
pub fn resolve(req: &Request) -> Result<Settings> {
    let (input, journey, cfg) = (req.input, req.journey, req.config);
    let tz_name = pick(&input.tz, &cfg.time.tz);
    let tz = tz_name.as_deref().map(parse_tz).transpose()?;
    let time_format = pick(&input.time_format, &cfg.time.format);
    if let Some(layout) = &time_format {
        crate::input::time::check_time_format(layout)?;
    }
    let parser = TimeParser::new(
        time_format.clone(),
        pick(&input.time_unit, &cfg.time.unit),
        tz,
    );

    let flag_columns = ColumnRequest {
        customer: pick(&input.customer, &cfg.columns.customer),
        time: pick(&input.time, &cfg.columns.time),
        touchpoint: pick(&input.touchpoint, &cfg.columns.touchpoint),
        channel: pick(&input.channel, &cfg.columns.channel),
        constant_channel: None,
    };
    let delimiter = input
        .delimiter
        .as_deref()
        .map(parse_delimiter)
        .transpose()?;
    let sources = if !input.inputs.is_empty() || cfg.source.is_empty() {
        vec![SourceSpec {
            inputs: input.inputs.clone(),
            format: input.input_format,
            delimiter,
            columns: flag_columns,
        }]
    } else {
        cfg.source
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut inputs: Vec<String> = s
                    .path
                    .iter()
                    .chain(&s.paths)
                    .map(|p| cfg.source_path(p))
                    .collect();
                inputs.dedup();
                if inputs.is_empty() {
                    bail!(
                        "[[source]] number {} in the config file has no path; add path = \"FILE\"",
                        i + 1
                    );
                }
                Ok(SourceSpec {
                    inputs,
                    format: input.input_format.or(s.format),
                    delimiter: match delimiter {
                        Some(d) => Some(d),
                        None => s.delimiter.as_deref().map(parse_delimiter).transpose()?,
                    },
                    columns: ColumnRequest {
                        customer: input
                            .customer
                            .clone()
                            .or(s.customer.clone())
                            .or(cfg.columns.customer.clone()),
                        time: input
                            .time
                            .clone()
                            .or(s.time.clone())
                            .or(cfg.columns.time.clone()),
                        touchpoint: input
                            .touchpoint
                            .clone()
                            .or(s.touchpoint.clone())
                            .or(cfg.columns.touchpoint.clone()),
                        channel: input
                            .channel
                            .clone()
                            .or(s.channel_column.clone())
                            .or(cfg.columns.channel.clone()),
                        constant_channel: if input.channel.is_some() {
                            None
                        } else {
                            s.channel.clone()
                        },
                    },
                })
            })
            .collect::<Result<_>>()?
    };

    let conversion = if !journey.conversion.is_empty() {
        Conversion::Events(journey.conversion.clone())
    } else if let Some(col) = &journey.converted_col {
        Conversion::Column(col.clone())
    } else {
        match (&cfg.conversion.events[..], &cfg.conversion.column) {
            ([], None) => Conversion::None,
            ([], Some(col)) => Conversion::Column(col.clone()),
            (events, None) => Conversion::Events(events.to_vec()),
            _ => bail!("the config file's [conversion] has both events and column; keep one"),
        }
    };
    let conversion = match conversion {
        Conversion::Events(names) => {
            let names: Vec<String> = names
                .iter()
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .collect();
            if names.is_empty() {
                bail!("--conversion needs at least one touchpoint name");
            }
            Conversion::Events(names)
        }
        other => other,
    };
    let split_on_conversion = !journey.no_split_on_conversion
        && (journey.split_on_conversion || cfg.journey.split_on_conversion.unwrap_or(false));
    if split_on_conversion && !conversion.is_defined() {
        bail!("--split-on-conversion needs a conversion: pass --conversion NAME or --converted-col COLUMN");
    }

    let session_gap_text = pick(&journey.session_gap, &cfg.journey.session_gap);
    let gap_origin = match (&journey.session_gap, &cfg.path) {
        (None, Some(path)) => format!("session_gap in {}", path.display()),
        _ => "--session-gap".to_string(),
    };
    let session_gap = session_gap_text
        .as_deref()
        .map(|s| parse_duration(s).map_err(|e| anyhow!("{gap_origin}: {e}")))
        .transpose()?;
    if session_gap == Some(0) {
        bail!("--session-gap must be longer than 0");
    }

    let rename_rules = list(&journey.rename, &cfg.clean.rename);
    let rename = rename_rules
        .iter()
        .map(|r| parse_rename(r))
        .collect::<Result<Vec<_>>>()?;
    let exclude: Vec<String> = list(&journey.exclude, &cfg.clean.exclude)
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let from_text = pick(&journey.from, &cfg.clean.from);
    let to_text = pick(&journey.to, &cfg.clean.to);
    let (from_flag, to_flag) = journey.range_flags.names();
    let from = from_text
        .as_deref()
        .map(|t| parse_bound(&parser, t, false, from_flag))
        .transpose()?;
    let to = to_text
        .as_deref()
        .map(|t| parse_bound(&parser, t, true, to_flag))
        .transpose()?;
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            bail!("{from_flag} is after {to_flag}; nothing would be kept");
        }
    }
    let filter_texts = list(&journey.filter, &cfg.clean.filter);
    let filters = filter_texts
        .iter()
        .map(|f| {
            f.split_once('=')
                .map(|(c, v)| (c.trim().to_string(), v.to_string()))
                .filter(|(c, _)| !c.is_empty())
                .ok_or_else(|| anyhow!("--where '{f}' needs the form COLUMN=VALUE"))
        })
        .collect::<Result<Vec<_>>>()?;
    let skip_invalid = input.skip_invalid || cfg.clean.skip_invalid.unwrap_or(false);
    let level = journey.level.or(cfg.journey.level).unwrap_or_default();
    let collapse_repeats = !journey.no_collapse_repeats
        && (journey.collapse_repeats || cfg.journey.collapse_repeats.unwrap_or(false));
    let converted_col = match &conversion {
        Conversion::Column(c) => Some(c.clone()),
        _ => None,
    };

    let tiebreak = pick(&journey.tiebreak, &cfg.journey.tiebreak);
    if tiebreak.as_deref().is_some_and(|c| c.trim().is_empty()) {
        bail!("--tiebreak needs a column name");
    }
    let mut kept = req.keep.clone();
    if let Some(c) = &tiebreak {
        if !kept.iter().any(|k| &k.column == c) {
            kept.push(KeepColumn {
                column: c.clone(),
                flag: "--tiebreak",
                optional: false,
            });
        }
    }
    let echo = OptionsInForce {
        config: cfg.path.as_ref().map(|p| p.display().to_string()),
        level,
        session_gap: session_gap_text,
        collapse_repeats,
        conversion: match &conversion {
            Conversion::Events(n) => Some(n.clone()),
            _ => None,
        },
        converted_col: converted_col.clone(),
        split_on_conversion,
        tiebreak: tiebreak.clone(),
        tz: tz.map(|t| t.name().to_string()),
        time_format,
        skip_invalid,
        rename: rename_rules,
        exclude: exclude.clone(),
        from: from_text,
        to: to_text,
        filter: filter_texts,
    };
    Ok(Settings {
        load: LoadOptions {
            sources,
            time: parser,
            converted_col,
            filters,
            skip_invalid,
            lenient: req.lenient,
            progress: true,
            sniff_types: req.lenient,
            kept,
        },
        clean: CleanRules {
            rename,
            exclude,
            from,
            to,
        },
        journey: JourneyOptions {
            session_gap,
            collapse_repeats,
            level,
            conversion,
            split_on_conversion,
            tiebreak,
        },
        level_choice: journey.level.or(cfg.journey.level),
        default_level: req.default_level,
        echo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file() {
        let cfg = crate::config::parse("[journey]\nsession_gap = \"1h\"\nlevel = \"channel\"\n[conversion]\nevents = [\"buy\"]").unwrap();
        let j = JourneyArgs {
            session_gap: Some("30m".into()),
            ..Default::default()
        };
        let i = InputArgs::default();
        let s = resolve(&Request::new(&i, &j, &cfg)).unwrap();
        assert_eq!(s.journey.session_gap, Some(1800 * 1_000_000_000));
        assert_eq!(s.journey.level, Level::Channel);
        assert_eq!(s.journey.conversion, Conversion::Events(vec!["buy".into()]));
    }

    #[test]
    fn no_flags_turn_off_what_the_file_turns_on() {
        let cfg = crate::config::parse(
            "[journey]\ncollapse_repeats = true\nsplit_on_conversion = true\n[conversion]\nevents = [\"buy\"]",
        )
        .unwrap();
        let (i, none) = (InputArgs::default(), JourneyArgs::default());
        let on = resolve(&Request::new(&i, &none, &cfg)).unwrap();
        assert!(on.journey.collapse_repeats && on.journey.split_on_conversion);
        let j = JourneyArgs {
            no_collapse_repeats: true,
            no_split_on_conversion: true,
            ..Default::default()
        };
        let off = resolve(&Request::new(&i, &j, &cfg)).unwrap();
        assert!(!off.journey.collapse_repeats && !off.journey.split_on_conversion);
        assert!(!off.echo.collapse_repeats);
    }

    #[test]
    fn bad_values_are_errors() {
        let cfg = ConfigFile::default();
        let no_input = InputArgs::default();
        let bad = |j: JourneyArgs| {
            resolve(&Request::new(&no_input, &j, &cfg))
                .unwrap_err()
                .to_string()
        };
        assert!(bad(JourneyArgs {
            session_gap: Some("soon".into()),
            ..Default::default()
        })
        .contains("--session-gap"));
        assert!(bad(JourneyArgs {
            rename: vec!["(=x".into()],
            ..Default::default()
        })
        .contains("does not compile"));
        assert!(bad(JourneyArgs {
            split_on_conversion: true,
            ..Default::default()
        })
        .contains("--conversion"));
        assert!(bad(JourneyArgs {
            filter: vec!["nocolumn".into()],
            ..Default::default()
        })
        .contains("COLUMN=VALUE"));
        let i = InputArgs {
            tz: Some("Mars/Base".into()),
            ..Default::default()
        };
        assert!(resolve(&Request::new(&i, &JourneyArgs::default(), &cfg))
            .unwrap_err()
            .to_string()
            .contains("unknown time zone"));
    }

    #[test]
    fn delimiters() {
        assert_eq!(parse_delimiter("tab").unwrap(), b'\t');
        assert_eq!(parse_delimiter(";").unwrap(), b';');
        assert!(parse_delimiter(";;").is_err());
    }
}
