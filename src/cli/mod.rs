//! The whole command line: the subcommands, and the argument groups they share (input,
//! journeys, output). Each subcommand's own flags are in `commands.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod commands;

pub use commands::*;

use crate::input::time::TimeUnit;
use crate::input::InputFormat;
use crate::journey::Level;

/// journeymap: customer-journey mapping from touchpoint logs.
///
/// Loads event exports (CSV, TSV, gzip, Parquet, JSON Lines), orders each customer's events
/// into journeys, and reports on them. Definitions of every number: docs/metrics.md.
#[derive(Parser, Debug)]
#[command(
    name = "journeymap",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to colour the output: auto (only on a terminal, and never with NO_COLOR set),
    /// always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print no warnings on stderr (errors are still printed).
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Say on stderr which files, column mapping and options were used.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Describe the inputs: columns, mapping, time range, customers, journeys, touchpoints,
    /// channels, conversions, and data-quality findings with the rows where they occur.
    ///
    /// Memory grows with the number of events (about 30 bytes each) and distinct customer ids.
    Inspect(Box<InspectArgs>),
    /// Path frequencies: how many journeys take exactly each path, their share, conversions
    /// and median duration.
    ///
    /// Memory grows with the number of events and of distinct paths.
    Paths(Box<PathsArgs>),
    /// The directed graph of the journeys (touchpoint -> touchpoint, with (start) and (end)):
    /// nodes with reach and exit rate, edges with counts, p_out and time between events.
    /// Draw it with --format dot (Graphviz) or mermaid.
    ///
    /// Memory grows with the number of events (every edge keeps its durations for quantiles).
    Graph(Box<GraphArgs>),
    /// Where journeys end without converting: reach, exits and exit rate per touchpoint, and the
    /// most common last two steps before an exit.
    Dropoff(Box<DropoffArgs>),
    /// Stages (awareness, consideration, purchase, ...): per stage the journeys that reach it,
    /// go on, are lost there, skip it or come back, the time spent in it, its top touchpoints
    /// and channels, and the flow between stages. The stage map is [stages] in
    /// journeymap.toml or --stages FILE.csv.
    Stages(Box<StagesArgs>),
    /// Pain points: touchpoints ranked by the journeys lost there, with their exit rate, the
    /// journeys that loop back to them, their stage and, with --score-col, the scores
    /// customers gave there.
    #[command(visible_alias = "pain-points")]
    Painpoints(Box<PainpointsArgs>),
    /// A self-contained HTML audit report (inline CSS and SVG, nothing fetched): headline
    /// numbers and the command that reproduces them, data quality, the journey map by stage
    /// with the emotion curve, the flow diagram, top paths, drop-off, the funnels of
    /// [funnels], attribution and the channel transition heatmap.
    Report(Box<ReportArgs>),
    /// The path variants table: one row per distinct journey (its touchpoints and channels in
    /// order) with its journeys, conversions, value and median duration; a small, exact
    /// summary of the journeys for the analyses that need no event times (docs/variants.md).
    Variants(Box<VariantsArgs>),
    /// The SQL that computes the path variants table inside a warehouse (DuckDB, PostgreSQL,
    /// Spark, Snowflake, BigQuery), with the journey options pushed down; what cannot be
    /// pushed down exactly is refused (docs/warehouse.md).
    Sql(Box<SqlArgs>),
    /// A funnel: how many journeys reach each step (in order, strictly consecutive or in any
    /// order, optionally within a time window), where they drop off, and the time to convert.
    Funnel(Box<FunnelArgs>),
    /// Path exploration: what journeys do after the first occurrence of a touchpoint
    /// (--from NAME) or before its last occurrence (--to NAME), position by position, with
    /// the rest folded into (other); a left-to-right tree in DOT and Mermaid.
    ///
    /// The time range is --since/--until here (--from/--to name the anchor).
    Explore(Box<ExploreArgs>),
    /// A flow diagram (Sankey) of journeys step by step from their start, or from an anchor
    /// (--from NAME forward, --to NAME backward, as explore): the most frequent values per
    /// step, (other) and (end), bands as wide as the journeys they carry, conversions
    /// hatched. `-f svg` (or `-o flow.svg`) draws it without Graphviz; the numbers are
    /// explore's, in every other format.
    ///
    /// The time range is --since/--until here (--from/--to name the anchor).
    Flow(Box<ExploreArgs>),
    /// The step matrix: for positions 1..N, the share of journeys at each touchpoint, with
    /// (end) for journeys already over; --compare shows the difference between two segments.
    Steps(Box<StepsArgs>),
    /// How journeys move between channels (touchpoints when there is no channel column): a
    /// from/to matrix of counts or row probabilities, or the graph.
    Transitions(Box<TransitionsArgs>),
    /// Channel attribution: which channels get the credit for the conversions, under the
    /// first, last, linear, position-based, time-decay and Markov (removal effect) models.
    ///
    /// Memory grows with the number of events; the Markov solve with the square of the number
    /// of states (up to 10,000 states of --order channels).
    Attribution(Box<AttributionArgs>),
    /// CI gates: hold funnel conversions, path shares, edge p_out, exit rates and the number of
    /// journeys to the limits in [[check]] tables, optionally against a baseline file.
    ///
    /// Exit codes: 0 every check passes, 1 at least one fails, 2 usage or input error.
    /// Memory and time are those of the analyses the checks use (paths, graph, funnel).
    Check(Box<CheckArgs>),
    /// Compare two inputs, two segments (--split COL=V1,V2) or two periods (--before DATE):
    /// path shares, edge p_out, exit rates and funnel rates in A and B, the change, and a
    /// two-proportion z-test p-value.
    ///
    /// Memory is that of the paths and graph analyses, for both sides.
    Diff(Box<DiffArgs>),
    /// Write a deterministic synthetic touchpoint log (CSV, CSV.gz or Parquet by extension).
    ///
    /// Realistic shape: about 30 touchpoints, 8 channels, customers with several visits,
    /// visits that walk a Markov chain with drop-off, purchases with a `converted` flag and
    /// `revenue`, rows shuffled. Memory grows with the number of events (about 24 bytes each).
    Generate(GenerateArgs),
}

/// Where events come from and how their columns are read.
#[derive(Args, Debug, Default, Clone)]
pub struct InputArgs {
    /// Input files, globs ('exports/2026-*.parquet'), directories of data files (hive
    /// partitions such as channel=email/ become columns), or - for CSV on stdin. Without
    /// inputs, the [[source]] tables of journeymap.toml are read.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Read settings from this file instead of ./journeymap.toml.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub config: Option<PathBuf>,
    /// Format of the inputs, instead of guessing from the extension (gzip is detected).
    #[arg(long, value_enum, value_name = "FORMAT", help_heading = "Input")]
    pub input_format: Option<InputFormat>,
    /// Field delimiter for CSV (default ',' and tab for .tsv); 'tab' or '\t' for a tab.
    #[arg(long, value_name = "CHAR", help_heading = "Input")]
    pub delimiter: Option<String>,
    /// Column with the customer id (default: detected, e.g. customer_id, user_id).
    #[arg(long, value_name = "COLUMN", help_heading = "Columns")]
    pub customer: Option<String>,
    /// Column with the event time (default: detected, e.g. timestamp, event_time, ts).
    #[arg(long, value_name = "COLUMN", help_heading = "Columns")]
    pub time: Option<String>,
    /// Column with the touchpoint (event name) (default: detected, e.g. touchpoint, event).
    #[arg(long, value_name = "COLUMN", help_heading = "Columns")]
    pub touchpoint: Option<String>,
    /// Column with the channel (default: detected, e.g. channel, utm_source; optional).
    #[arg(long, value_name = "COLUMN", help_heading = "Columns")]
    pub channel: Option<String>,
    /// strftime layout of the timestamps, for anything not ISO 8601 or epoch
    /// (e.g. '%d/%m/%Y %H:%M').
    #[arg(long, value_name = "LAYOUT", help_heading = "Time")]
    pub time_format: Option<String>,
    /// Unit of epoch-number timestamps (default: from their magnitude).
    #[arg(long, value_enum, value_name = "UNIT", help_heading = "Time")]
    pub time_unit: Option<TimeUnit>,
    /// Time zone of timestamps without a UTC offset (default UTC), e.g. Europe/Berlin.
    #[arg(long, value_name = "ZONE", help_heading = "Time")]
    pub tz: Option<String>,
    /// Drop rows without a customer id, timestamp or touchpoint (and unparseable timestamps)
    /// and report how many, instead of failing.
    #[arg(long, help_heading = "Input")]
    pub skip_invalid: bool,
}

/// How events become journeys, and which events count.
#[derive(Args, Debug, Default, Clone)]
pub struct JourneyArgs {
    /// Split a customer's events into sessions where the gap is strictly greater than this
    /// (e.g. 30m, 1h, 7d).
    #[arg(long, value_name = "DURATION", help_heading = "Journeys")]
    pub session_gap: Option<String>,
    /// Order a customer's events at one instant by this column (as numbers when every value
    /// is one, else as text), then by touchpoint and channel, instead of by row order: the
    /// rule of `journeymap sql`, where a warehouse has no row order.
    #[arg(long, value_name = "COLUMN", help_heading = "Journeys")]
    pub tiebreak: Option<String>,
    /// Turn each run of repeated touchpoints (channels with --level channel) into one event.
    #[arg(
        long,
        help_heading = "Journeys",
        overrides_with = "no_collapse_repeats"
    )]
    pub collapse_repeats: bool,
    /// Keep repeated touchpoints, even when journeymap.toml sets collapse_repeats = true.
    #[arg(long, help_heading = "Journeys", overrides_with = "collapse_repeats")]
    pub no_collapse_repeats: bool,
    /// Analyse touchpoints (default) or channels.
    #[arg(long, value_enum, help_heading = "Journeys")]
    pub level: Option<Level>,
    /// Touchpoints that are conversions, comma-separated (e.g. purchase,signup).
    #[arg(
        long,
        value_name = "NAME,...",
        value_delimiter = ',',
        help_heading = "Conversion"
    )]
    pub conversion: Vec<String>,
    /// Column whose true values (1/true/yes/y) mark converting rows.
    #[arg(
        long,
        value_name = "COLUMN",
        conflicts_with = "conversion",
        help_heading = "Conversion"
    )]
    pub converted_col: Option<String>,
    /// End a journey after each conversion event (one journey per purchase).
    #[arg(
        long,
        help_heading = "Conversion",
        overrides_with = "no_split_on_conversion"
    )]
    pub split_on_conversion: bool,
    /// Keep one journey across conversions, even when journeymap.toml sets
    /// split_on_conversion = true.
    #[arg(
        long,
        help_heading = "Conversion",
        overrides_with = "split_on_conversion"
    )]
    pub no_split_on_conversion: bool,
    /// Drop events with these touchpoints, comma-separated (after --rename).
    #[arg(
        long,
        value_name = "NAME,...",
        value_delimiter = ',',
        help_heading = "Cleaning"
    )]
    pub exclude: Vec<String>,
    /// Rename touchpoints matching REGEX to ALIAS ($1 for groups); repeatable, first match
    /// wins, applied before everything else. E.g. '/product/\d+=product'.
    #[arg(long, value_name = "REGEX=ALIAS", help_heading = "Cleaning")]
    pub rename: Vec<String>,
    /// Keep events at or after this time (date or timestamp).
    #[arg(
        long,
        visible_alias = "since",
        value_name = "TIME",
        help_heading = "Cleaning"
    )]
    pub from: Option<String>,
    /// Keep events at or before this time; a plain date includes that whole day.
    #[arg(
        long,
        visible_alias = "until",
        value_name = "TIME",
        help_heading = "Cleaning"
    )]
    pub to: Option<String>,
    /// Keep only rows whose column has this value; repeatable (all must hold).
    #[arg(long = "where", value_name = "COL=VALUE", help_heading = "Cleaning")]
    pub filter: Vec<String>,
    /// How this command spells the time-range flags (for messages).
    #[arg(skip)]
    pub range_flags: RangeFlags,
}

/// The names of the time-range flags: `--from`/`--to`, or `--since`/`--until` where a command
/// uses `--from`/`--to` for something else.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RangeFlags {
    #[default]
    FromTo,
    SinceUntil,
}

impl RangeFlags {
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            RangeFlags::FromTo => ("--from", "--to"),
            RangeFlags::SinceUntil => ("--since", "--until"),
        }
    }
}

/// [`JourneyArgs`] with the time range spelled `--since`/`--until` only, for commands whose
/// own `--from`/`--to` mean something else (explore's anchors).
#[derive(Debug, Default, Clone)]
pub struct JourneyArgsSinceUntil(pub JourneyArgs);

impl JourneyArgsSinceUntil {
    fn rename(cmd: clap::Command) -> clap::Command {
        cmd.mut_arg("from", |a| a.long("since").visible_alias(None))
            .mut_arg("to", |a| a.long("until").visible_alias(None))
    }
}

impl clap::FromArgMatches for JourneyArgsSinceUntil {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut args = JourneyArgs::from_arg_matches(m)?;
        args.range_flags = RangeFlags::SinceUntil;
        Ok(JourneyArgsSinceUntil(args))
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(m)
    }
}

impl Args for JourneyArgsSinceUntil {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        Self::rename(JourneyArgs::augment_args(cmd))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::rename(JourneyArgs::augment_args_for_update(cmd))
    }
}

/// Where and how results are written.
#[derive(Args, Debug, Default, Clone)]
pub struct OutputArgs {
    /// Output format (default: from the -o extension, else table).
    #[arg(short, long, value_enum, help_heading = "Output")]
    pub format: Option<OutputFormat>,
    /// Write to this file (atomically: a failure leaves no partial file) instead of stdout.
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// CSV cells exactly as they are: no leading ' before a name that a spreadsheet would run
    /// as a formula (=, +, -, @, tab, CR).
    #[arg(long, help_heading = "Output")]
    pub csv_raw: bool,
}

/// Output formats; each command supports the ones that fit its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Csv,
    Json,
    Md,
    Dot,
    Mermaid,
    /// A picture drawn by journeymap itself (no Graphviz needed).
    Svg,
}

impl OutputFormat {
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Csv => "csv",
            OutputFormat::Json => "json",
            OutputFormat::Md => "md",
            OutputFormat::Dot => "dot",
            OutputFormat::Mermaid => "mermaid",
            OutputFormat::Svg => "svg",
        }
    }

    /// The file extensions that imply this format (the first is the usual one).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            OutputFormat::Table => &["txt"],
            OutputFormat::Csv => &["csv"],
            OutputFormat::Json => &["json"],
            OutputFormat::Md => &["md", "markdown"],
            OutputFormat::Dot => &["dot", "gv"],
            OutputFormat::Mermaid => &["mmd", "mermaid"],
            OutputFormat::Svg => &["svg"],
        }
    }

    /// The format a file name implies.
    pub fn from_path(path: &std::path::Path) -> Option<OutputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        [
            OutputFormat::Table,
            OutputFormat::Csv,
            OutputFormat::Json,
            OutputFormat::Md,
            OutputFormat::Dot,
            OutputFormat::Mermaid,
            OutputFormat::Svg,
        ]
        .into_iter()
        .find(|f| f.extensions().contains(&ext.as_str()))
    }
}

/// Which number an edge label shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum EdgeLabel {
    #[default]
    Count,
    Share,
    #[value(name = "p_out", alias = "p-out")]
    POut,
    MedianTime,
    None,
}

/// Layout direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Rankdir {
    #[default]
    #[value(name = "LR", alias = "lr")]
    LR,
    #[value(name = "TB", alias = "tb")]
    TB,
    #[value(name = "RL", alias = "rl")]
    RL,
    #[value(name = "BT", alias = "bt")]
    BT,
}

impl Rankdir {
    pub fn name(self) -> &'static str {
        match self {
            Rankdir::LR => "LR",
            Rankdir::TB => "TB",
            Rankdir::RL => "RL",
            Rankdir::BT => "BT",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether output should be coloured: `auto` only on a terminal and without NO_COLOR.
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}
