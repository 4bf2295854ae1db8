//! The first half of every command: read journeymap.toml once, resolve the settings, load the
//! inputs, clean them and build the journeys, saying on stderr what the reader should know.

use anyhow::{bail, Result};

use super::{warn_unmatched, Context};
use crate::cli::InputArgs;
use crate::config::ConfigFile;
use crate::duration::humanize_secs;
use crate::error::Error;
use crate::input::variants::VariantsInput;
use crate::input::{self, EventTable};
use crate::journey::clean::{self, CleanSummary};
use crate::journey::{self, Conversion, Journeys, Level, OrderStats};
use crate::meta::Meta;
use crate::settings::{self, OptionsInForce, Request, Settings};
use crate::text::counted;

/// Reads `--config FILE`, or ./journeymap.toml where there is one; its errors are usage errors.
pub fn config(input: &InputArgs) -> Result<ConfigFile> {
    ConfigFile::find(input.config.as_deref()).map_err(|e| Error::Usage(format!("{e:#}")).into())
}

/// Loaded, cleaned and ordered input, ready for an analysis.
pub struct Prepared {
    pub table: EventTable,
    pub journeys: Journeys,
    pub order: OrderStats,
    pub clean: CleanSummary,
    pub settings: Settings,
    /// The level the journeys are at: --level, the config file, or the command's default.
    pub level: Level,
    /// Things every output says (e.g. that there was no channel column to work on).
    pub notes: Vec<String>,
    /// The variants tables the journeys come from, when the input is variants tables.
    pub variants: Option<VariantsInput>,
}

impl Prepared {
    /// The options in force, at the level the journeys were built at.
    pub fn options(&self) -> OptionsInForce {
        self.settings.options(self.level)
    }

    pub fn meta(&self, command: &'static str) -> Meta {
        Meta {
            journeymap: env!("CARGO_PKG_VERSION"),
            command,
            inputs: match &self.variants {
                Some(v) => v.files.clone(),
                None => self.table.sources.iter().map(|s| s.file.clone()).collect(),
            },
            options: self.options(),
            events: self.journeys.events() as u64,
            journeys: self.journeys.len() as u64,
            command_options: serde_json::Value::Null,
            notes: self.notes.clone(),
        }
    }

    /// Whether a conversion is defined.
    pub fn conversion_defined(&self) -> bool {
        self.settings.conversion().is_defined()
    }

    /// Per journey: the id of the kept column `column`'s value at its first event
    /// ([`input::NO_ATTRIBUTE`] without one).
    pub fn first_event_value(&self, column: &str) -> Vec<u32> {
        let j = &self.journeys;
        let ids = self
            .table
            .kept(column)
            .map_or(&[][..], |k| k.ids.as_slice());
        (0..j.len())
            .map(|journey| {
                let row = j.row[j.range(journey).start] as usize;
                ids.get(row).copied().unwrap_or(input::NO_ATTRIBUTE)
            })
            .collect()
    }

    /// The name of the value id `id` of the kept column `column`; `(none)` for an empty value.
    pub fn value_label(&self, column: &str, id: u32) -> String {
        match self.table.kept(column) {
            Some(k) if id != input::NO_ATTRIBUTE => k.values.name(id).to_string(),
            _ => "(none)".to_string(),
        }
    }
}

/// Resolves the settings, loads the inputs, applies the cleaning rules and builds journeys.
pub fn prepare(req: &Request, ctx: &Context) -> Result<Prepared> {
    let settings = settings::resolve(req).map_err(|e| Error::Usage(e.to_string()))?;
    say_where_settings_came_from(req, ctx);
    if settings.load.sources.len() == 1 {
        if let Some(files) = input::variants::detect(&settings.load.sources[0])? {
            return prepare_variants(req, settings, &files, ctx);
        }
    }
    let mut table = load(&settings, ctx)?;
    let clean = clean::apply(&mut table, &settings.clean);
    warn_about_names(&table, &settings, &clean, &range_flags(req), ctx);
    let mut notes = Vec::new();
    let level = settings.level(table.channels.is_some());
    if settings.no_channels_for_default(table.channels.is_some()) {
        let note = "the inputs have no channel column: working on touchpoints instead of channels"
            .to_string();
        ctx.warn(&note);
        notes.push(note);
    }
    let empty_channels = table.issues.missing_channel.count;
    if empty_channels > 0 && level == Level::Channel && !req.lenient {
        ctx.warn(format_args!(
            "{} an empty channel; counted under '{}'",
            counted(empty_channels, "event has", "events have"),
            input::NO_CHANNEL
        ));
    }
    let options = settings.journey_options(level);
    let started = std::time::Instant::now();
    let (journeys, order) = journey::build(&mut table, &options)?;
    ctx.info(format_args!(
        "built {} journeys in {}",
        journeys.len(),
        humanize_secs(started.elapsed().as_secs_f64())
    ));
    if journeys.is_empty() && !req.lenient {
        bail!(
            "no events left after cleaning (--exclude dropped {}, {} dropped {})",
            clean.excluded_events,
            range_flags(req),
            clean.out_of_range_events
        );
    }
    Ok(Prepared {
        table,
        journeys,
        order,
        clean,
        settings,
        level,
        notes,
        variants: None,
    })
}

/// The options the variants tables were made with: one set, or an error that says which
/// tables differ.
fn variant_options(texts: &[(String, String)]) -> Result<settings::OptionsInForce> {
    let parse = |(text, at): &(String, String)| -> Result<settings::OptionsInForce> {
        serde_json::from_str(text)
            .map_err(|e| anyhow::anyhow!("{at}: the options are not journeymap's ({e})"))
    };
    let first = parse(&texts[0])?;
    for other in &texts[1..] {
        let o = parse(other)?;
        if o != first {
            bail!(
                "{} was made with other options than {}: {} against {}; tables can be merged only when they were made alike",
                other.1,
                texts[0].1,
                o.summary(),
                first.summary()
            );
        }
    }
    Ok(first)
}

/// The flags that make journeys from events: a variants table was made with its own.
fn journey_flags_given(req: &Request) -> Vec<&'static str> {
    let (i, j) = (req.input, req.journey);
    let given = [
        ("--session-gap", j.session_gap.is_some()),
        (
            "--collapse-repeats",
            j.collapse_repeats || j.no_collapse_repeats,
        ),
        ("--conversion", !j.conversion.is_empty()),
        ("--converted-col", j.converted_col.is_some()),
        (
            "--split-on-conversion",
            j.split_on_conversion || j.no_split_on_conversion,
        ),
        ("--exclude", !j.exclude.is_empty()),
        ("--rename", !j.rename.is_empty()),
        ("--from", j.from.is_some()),
        ("--to", j.to.is_some()),
        ("--where", !j.filter.is_empty()),
        ("--tiebreak", j.tiebreak.is_some()),
        ("--customer", i.customer.is_some()),
        ("--time", i.time.is_some()),
        ("--touchpoint", i.touchpoint.is_some()),
        ("--channel", i.channel.is_some()),
        ("--tz", i.tz.is_some()),
        ("--time-format", i.time_format.is_some()),
        ("--time-unit", i.time_unit.is_some()),
        ("--skip-invalid", i.skip_invalid),
    ];
    given.iter().filter(|(_, g)| *g).map(|(f, _)| *f).collect()
}

/// Journeys from variants tables (docs/variants.md): the tables' options are the options in
/// force; flags that make journeys from events are refused, and so are commands that need
/// what a table does not have.
fn prepare_variants(
    req: &Request,
    settings: Settings,
    files: &[input::files::InputFile],
    ctx: &Context,
) -> Result<Prepared> {
    let names: Vec<&str> = files.iter().map(|f| f.label.as_str()).collect();
    if !req.variants {
        return Err(Error::Usage(format!(
            "{} is a variants table: one row per distinct journey, without event times or other columns, which this command needs; run it on the events (docs/variants.md lists what a variants table carries)",
            names.join(", ")
        ))
        .into());
    }
    let flags = journey_flags_given(req);
    if !flags.is_empty() {
        return Err(Error::Usage(format!(
            "{} applies when journeys are made from events; {} is a variants table, made with its own options (to change them, make the table again with the new options: journeymap variants or journeymap sql)",
            flags.join(", "),
            names.join(", ")
        ))
        .into());
    }
    if let Some(k) = req.keep.iter().find(|k| k.flag != "--value-col") {
        return Err(Error::Usage(format!(
            "{} {}: a variants table has no columns of the events; run it on the events",
            k.flag, k.column
        ))
        .into());
    }
    let started = std::time::Instant::now();
    let table = input::variants::read_tables(files)?;
    let options = variant_options(&table.options)?;
    let has_channels = table.channels.is_some();
    let level = settings.level(has_channels);
    if level == Level::Channel && !has_channels {
        return Err(Error::Usage(format!(
            "--level channel needs channel sequences, and {} has none (it was made without --channel)",
            names.join(", ")
        ))
        .into());
    }
    let from_config = settings.options(options.level);
    let settings = settings
        .for_variants(&options)
        .map_err(|e| Error::Usage(format!("the options of {}: {e:#}", names.join(", "))))?;
    if options.collapse_repeats && level != options.level {
        return Err(Error::Usage(format!(
            "{} was made with collapse-repeats at the {} level; at the {} level its journeys would differ from the events': make a table at that level",
            names.join(", "),
            options.level.name(),
            level.name()
        ))
        .into());
    }
    if req.config.path.is_some()
        && from_config.summary() != settings.options(options.level).summary()
    {
        ctx.warn(format_args!(
            "the journey settings of the config file are not used: {} was made with {}",
            names.join(", "),
            options.summary()
        ));
    }
    let journeys = journey::from_variants::expand(&table, level);
    ctx.info(format_args!(
        "read {} variants ({} journeys) in {}",
        table.rows.len(),
        journeys.len(),
        humanize_secs(started.elapsed().as_secs_f64())
    ));
    if journeys.is_empty() {
        bail!("{}: the variants table has no rows", names.join(", "));
    }
    let notes = vec![
        "from a variants table: fields that need event times are empty (docs/variants.md)"
            .to_string(),
    ];
    Ok(Prepared {
        table: EventTable::default(),
        journeys,
        order: OrderStats::default(),
        clean: CleanSummary::default(),
        settings,
        level,
        notes,
        variants: Some(table),
    })
}

/// `--from/--to`, or `--since/--until` where the command spells the time range that way.
fn range_flags(req: &Request) -> String {
    let (from, to) = req.journey.range_flags.names();
    format!("{from}/{to}")
}

fn say_where_settings_came_from(req: &Request, ctx: &Context) {
    if let Some(p) = &req.config.path {
        ctx.info(format_args!("settings from {}", p.display()));
        if !req.input.inputs.is_empty() && !req.config.source.is_empty() {
            ctx.warn(format_args!(
                "inputs are given on the command line, so the [[source]] tables of {} are not used",
                p.display()
            ));
        }
    }
}

/// Loads the inputs, saying with --verbose what was read and how its columns were mapped.
fn load(settings: &Settings, ctx: &Context) -> Result<EventTable> {
    let started = std::time::Instant::now();
    let mut table = input::load(&settings.load)?;
    ctx.info(format_args!(
        "loaded {} rows in {}",
        table.rows_read,
        humanize_secs(started.elapsed().as_secs_f64())
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
    Ok(table)
}

/// The names outputs give nodes and rows of their own (graph, steps, explore, attribution,
/// stages).
const RESERVED_NAMES: [&str; 6] = [
    "(start)",
    "(end)",
    "(other)",
    "(null)",
    "(conversion)",
    "(unstaged)",
];

/// Warns about conversion and --exclude names that never occur; says what cleaning dropped.
fn warn_about_names(
    table: &EventTable,
    settings: &Settings,
    clean: &CleanSummary,
    range_flags: &str,
    ctx: &Context,
) {
    if let Conversion::Events(names) = settings.conversion() {
        let missing: Vec<String> = names
            .iter()
            .filter(|n| table.touchpoints.get(n).is_none())
            .cloned()
            .collect();
        warn_unmatched(
            ctx,
            "conversion",
            "never occurs",
            &missing,
            &table.touchpoints,
        );
    }
    let missing: Vec<String> = (settings.clean.exclude.iter())
        .filter(|n| table.touchpoints.get(n).is_none())
        .cloned()
        .collect();
    warn_unmatched(
        ctx,
        "--exclude",
        "never occurs",
        &missing,
        &table.touchpoints,
    );
    let dictionaries = [
        ("touchpoint", Some(&table.touchpoints)),
        ("channel", table.channels.as_ref()),
    ];
    for (what, dict) in dictionaries {
        for name in RESERVED_NAMES {
            if dict.is_some_and(|d| d.get(name).is_some()) {
                let inner = name.trim_matches(|c| c == '(' || c == ')');
                ctx.warn(format_args!(
                    "a {what} in the input is named '{name}', which outputs also use for a node or row of their own; the two would look alike, so rename it (--rename '^\\({inner}\\)$={inner}_{what}')"
                ));
            }
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
            "{range_flags} dropped {} events",
            clean.out_of_range_events
        ));
    }
}
