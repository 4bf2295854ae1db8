//! One file per subcommand: each wires settings, analysis and renderers together.

pub mod attribution;
pub mod check;
pub mod diff;
mod diff_sides;
pub mod dropoff;
pub mod explore;
pub mod funnel;
pub mod generate;
pub mod graph;
pub mod inspect;
pub mod paths;
pub mod steps;
pub mod transitions;

use std::io::Write;

use anyhow::{bail, Result};
use serde::Serialize;

use crate::cli::{ColorChoice, InputArgs, JourneyArgs};
use crate::config::ConfigFile;
use crate::error::Error;
use crate::input::{self, mapping, EventTable};
use crate::journey::clean::{self, CleanSummary};
use crate::journey::{self, Conversion, Journeys, OrderStats};
use crate::settings::{self, Settings};

/// What every command knows about how it was called.
#[derive(Clone, Debug)]
pub struct Context {
    pub color: ColorChoice,
    pub quiet: bool,
    pub verbose: bool,
}

impl Context {
    /// A warning on stderr (unless --quiet). Never fails: stderr may be closed.
    pub fn warn(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr(), "journeymap: warning: {msg}");
        }
    }

    /// A note on stderr with --verbose.
    pub fn info(&self, msg: impl std::fmt::Display) {
        if self.verbose {
            let _ = writeln!(std::io::stderr(), "journeymap: {msg}");
        }
    }

    /// Whether stdout output should be coloured.
    pub fn color_stdout(&self, is_terminal: bool) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// The `meta` block of every JSON output.
#[derive(Clone, Debug, Serialize)]
pub struct Meta {
    pub journeymap: &'static str,
    pub command: &'static str,
    pub inputs: Vec<String>,
    pub options: settings::OptionsInForce,
    pub events: u64,
    pub journeys: u64,
    /// The command's own options (e.g. --top), where it has any.
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    pub command_options: serde_json::Value,
    /// Things the reader should know (e.g. a readable default applied to a drawing).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Loaded, cleaned and ordered input, ready for an analysis.
pub struct Prepared {
    pub table: EventTable,
    pub journeys: Journeys,
    pub order: OrderStats,
    pub clean: CleanSummary,
    pub settings: Settings,
    pub notes: Vec<String>,
}

impl Prepared {
    pub fn meta(&self, command: &'static str) -> Meta {
        Meta {
            journeymap: env!("CARGO_PKG_VERSION"),
            command,
            inputs: self.table.sources.iter().map(|s| s.file.clone()).collect(),
            options: self.settings.echo.clone(),
            events: self.journeys.events() as u64,
            journeys: self.journeys.len() as u64,
            command_options: serde_json::Value::Null,
            notes: self.notes.clone(),
        }
    }

    /// Whether a conversion is defined.
    pub fn conversion_defined(&self) -> bool {
        self.settings.journey.conversion.is_defined()
    }
}

impl Prepared {
    /// Per journey: the id of the loaded attribute column's value at its first event
    /// ([`input::NO_ATTRIBUTE`] without one).
    pub fn first_event_attribute(&self) -> Vec<u32> {
        let j = &self.journeys;
        let ids = self
            .table
            .attribute
            .as_ref()
            .map_or(&[][..], |(_, ids)| ids.as_slice());
        (0..j.len())
            .map(|journey| {
                let row = j.row[j.range(journey).start] as usize;
                ids.get(row).copied().unwrap_or(input::NO_ATTRIBUTE)
            })
            .collect()
    }

    /// The name of an attribute value id; `(none)` for an empty value.
    pub fn attribute_label(&self, id: u32) -> String {
        match &self.table.attribute {
            Some((d, _)) if id != input::NO_ATTRIBUTE => d.name(id).to_string(),
            _ => "(none)".to_string(),
        }
    }
}

/// Two segments of the journeys by the value of a column at their first event: `COL=V1,V2`
/// (`steps --compare`, `diff --split`).
pub struct Segments {
    pub column: String,
    pub a: String,
    pub b: String,
}

impl Segments {
    /// Parses `COL=V1,V2`; `flag` names the option in the usage error.
    pub fn parse(flag: &str, spec: &str) -> Result<Segments> {
        let (col, values) = spec
            .split_once('=')
            .ok_or_else(|| crate::error::usage(format!("{flag} needs the form COL=V1,V2")))?;
        let (a, b) = values
            .split_once(',')
            .ok_or_else(|| crate::error::usage(format!("{flag} needs two values: COL=V1,V2")))?;
        Ok(Segments {
            column: col.trim().to_string(),
            a: a.to_string(),
            b: b.to_string(),
        })
    }

    /// Per journey: whether it is in segment A and whether in B; warns about an empty one.
    pub fn members(&self, p: &Prepared, flag: &str, ctx: &Context) -> (Vec<bool>, Vec<bool>) {
        let labels: Vec<String> = p
            .first_event_attribute()
            .into_iter()
            .map(|g| p.attribute_label(g))
            .collect();
        let is = |v: &str| labels.iter().map(|l| l == v).collect::<Vec<bool>>();
        let (in_a, in_b) = (is(&self.a), is(&self.b));
        for (v, members) in [(&self.a, &in_a), (&self.b, &in_b)] {
            if !members.iter().any(|m| *m) {
                ctx.warn(format_args!(
                    "{flag}: no journey starts with {}={v}",
                    self.column
                ));
            }
        }
        (in_a, in_b)
    }
}

/// Which level a command runs on when neither --level nor the config file says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultLevel {
    Touchpoint,
    /// Channels when the inputs have a channel column, else touchpoints (with a note).
    ChannelIfAny,
}

/// Loads the inputs, applies the cleaning rules and builds journeys. `lenient` reports invalid
/// rows instead of failing (for `inspect`).
pub fn prepare(
    input: &InputArgs,
    journey_args: &JourneyArgs,
    ctx: &Context,
    lenient: bool,
) -> Result<Prepared> {
    prepare_at(
        input,
        journey_args,
        ctx,
        lenient,
        DefaultLevel::Touchpoint,
        None,
    )
}

/// [`prepare`], with the level a command prefers when none is given.
pub fn prepare_at(
    input: &InputArgs,
    journey_args: &JourneyArgs,
    ctx: &Context,
    lenient: bool,
    default_level: DefaultLevel,
    attribute: Option<&str>,
) -> Result<Prepared> {
    let attribute = attribute.map(|a| (a, "--breakdown"));
    prepare_with(input, journey_args, ctx, lenient, default_level, attribute)
}

/// [`prepare_at`], with the flag that names the extra column kept per row (for its errors).
pub fn prepare_with(
    input: &InputArgs,
    journey_args: &JourneyArgs,
    ctx: &Context,
    lenient: bool,
    default_level: DefaultLevel,
    attribute: Option<(&str, &'static str)>,
) -> Result<Prepared> {
    let cfg = ConfigFile::find(input.config.as_deref()).map_err(|e| Error::Usage(e.to_string()))?;
    let mut settings =
        settings::resolve(input, journey_args, &cfg).map_err(|e| Error::Usage(e.to_string()))?;
    let range = {
        let (from, to) = journey_args.range_flags.names();
        format!("{from}/{to}")
    };
    settings.load.lenient = lenient;
    settings.load.sniff_types = lenient;
    settings.load.attribute = attribute.map(|(a, _)| a.to_string());
    settings.load.attribute_flag = attribute.map(|(_, flag)| flag);
    if let Some(p) = &cfg.path {
        ctx.info(format_args!("settings from {}", p.display()));
        if !input.inputs.is_empty() && !cfg.source.is_empty() {
            ctx.warn(format_args!(
                "inputs are given on the command line, so the [[source]] tables of {} are not used",
                p.display()
            ));
        }
    }
    let started = std::time::Instant::now();
    let mut table = input::load(&settings.load)?;
    ctx.info(format_args!(
        "loaded {} rows in {:.2?}",
        table.rows_read,
        started.elapsed()
    ));
    for s in &table.sources {
        ctx.info(format_args!(
            "{} ({}, {} rows): {}",
            s.file,
            s.format,
            s.rows,
            s.mapping.describe()
        ));
    }
    for w in std::mem::take(&mut table.warnings) {
        ctx.warn(w);
    }
    let clean = clean::apply(&mut table, &settings.clean);
    if let Conversion::Events(names) = &settings.journey.conversion {
        for name in names {
            if table.touchpoints.get(name).is_none() {
                let hint = mapping::did_you_mean(name, table.touchpoints.names());
                ctx.warn(format_args!(
                    "conversion '{name}' never occurs in the input{hint}"
                ));
            }
        }
    }
    for name in &settings.clean.exclude {
        if table.touchpoints.get(name).is_none() {
            let hint = mapping::did_you_mean(name, table.touchpoints.names());
            ctx.warn(format_args!(
                "--exclude '{name}' never occurs in the input{hint}"
            ));
        }
    }
    if clean.excluded_events > 0 {
        ctx.info(format_args!(
            "--exclude dropped {} events",
            clean.excluded_events
        ));
    }
    if clean.out_of_range_events > 0 {
        ctx.info(format_args!(
            "{range} dropped {} events",
            clean.out_of_range_events
        ));
    }
    let mut notes = Vec::new();
    if default_level == DefaultLevel::ChannelIfAny && !settings.level_explicit {
        if table.channels.is_some() {
            settings.journey.level = journey::Level::Channel;
        } else {
            let note =
                "the inputs have no channel column: working on touchpoints instead of channels"
                    .to_string();
            ctx.warn(&note);
            notes.push(note);
        }
        settings.echo.level = settings.journey.level;
    }
    let empty_channels = table.issues.missing_channel.count;
    if empty_channels > 0 && settings.journey.level == journey::Level::Channel && !lenient {
        ctx.warn(format_args!(
            "{} an empty channel; counted under '{}'",
            crate::text::counted(empty_channels, "event has", "events have"),
            input::NO_CHANNEL
        ));
    }
    let started = std::time::Instant::now();
    let (journeys, order) = journey::build(&mut table, &settings.journey)?;
    ctx.info(format_args!(
        "built {} journeys in {:.2?}",
        journeys.len(),
        started.elapsed()
    ));
    if journeys.is_empty() && !lenient {
        bail!(
            "no events left after cleaning (--exclude dropped {}, {range} dropped {})",
            clean.excluded_events,
            clean.out_of_range_events
        );
    }
    Ok(Prepared {
        table,
        journeys,
        order,
        clean,
        settings,
        notes,
    })
}
