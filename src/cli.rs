//! The whole command line: shared argument groups and one struct per subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// A funnel: how many journeys reach each step (in order, strictly consecutive or in any
    /// order, optionally within a time window), where they drop off, and the time to convert.
    Funnel(Box<FunnelArgs>),
    /// Path exploration: what journeys do after the first occurrence of a touchpoint
    /// (--from NAME) or before its last occurrence (--to NAME), position by position, with
    /// the rest folded into (other); a left-to-right tree in DOT and Mermaid.
    ///
    /// The time range is --since/--until here (--from/--to name the anchor).
    Explore(Box<ExploreArgs>),
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

#[derive(Args, Debug)]
pub struct InspectArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct PathsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Show the N most common paths (0 shows all).
    #[arg(long, value_name = "N", default_value_t = 20, help_heading = "Paths")]
    pub top: usize,
    /// Hide paths taken by fewer than N journeys.
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "Paths")]
    pub min_count: u64,
    /// Add one "(other)" row for the paths not shown, so that shares add up to 1.
    #[arg(long, help_heading = "Paths")]
    pub other: bool,
    /// Cut paths to their first K steps (marked as cut; journeys sharing them are merged).
    #[arg(long, value_name = "K", help_heading = "Paths")]
    pub max_steps: Option<usize>,
    /// Keep each journey from its first NAME on; journeys without NAME are left out.
    #[arg(long, value_name = "NAME", help_heading = "Paths")]
    pub starting_at: Option<String>,
    /// Keep each journey up to its last NAME; journeys without NAME are left out.
    #[arg(long, value_name = "NAME", help_heading = "Paths")]
    pub ending_at: Option<String>,
}

#[derive(Args, Debug)]
pub struct FunnelArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The steps, comma-separated; a step may list alternatives (checkout|express_checkout) or
    /// a regex (re:^/product/); a step may repeat.
    #[arg(long, value_name = "A,B,C", help_heading = "Funnel")]
    pub steps: String,
    /// ordered: steps in order, other events allowed between; strict: consecutive events;
    /// any: the steps in any order.
    #[arg(long, value_enum, default_value_t = crate::analysis::funnel::FunnelOrder::Ordered, help_heading = "Funnel")]
    pub order: crate::analysis::funnel::FunnelOrder,
    /// A match only counts when its last step is at most this long after its first (e.g. 7d).
    #[arg(long, value_name = "DURATION", help_heading = "Funnel")]
    pub window: Option<String>,
    /// A match with this value between its first step and its last reached step does not
    /// count past it (comma-separated; `a|b` and `re:` as in --steps).
    #[arg(long, value_name = "NAME,...", help_heading = "Funnel")]
    pub exclude_step: Option<String>,
    /// The funnel for each value of this column (taken from each journey's first event), side by
    /// side with the overall funnel.
    #[arg(long, value_name = "COLUMN", help_heading = "Funnel")]
    pub breakdown: Option<String>,
    /// With --breakdown: show the N values with the most journeys, the rest as "(other)".
    #[arg(long, value_name = "N", default_value_t = 10, help_heading = "Funnel")]
    pub top_values: usize,
    /// Bars in the time-to-convert histogram.
    #[arg(long, value_name = "N", default_value_t = 10, help_heading = "Funnel")]
    pub bins: usize,
    /// Instead of the funnel, list the journeys that reached step N-1 but not step N
    /// (customer id, journey start, steps reached), e.g. `--dropped-at 3 -o ids.csv`.
    #[arg(long, value_name = "N", help_heading = "Funnel")]
    pub dropped_at: Option<usize>,
}

#[derive(Args, Debug)]
pub struct StepsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Positions shown (1..N).
    #[arg(long, value_name = "N", default_value_t = 10, help_heading = "Steps")]
    pub max_steps: usize,
    /// Values whose share stays below this at every position are summed as "(other)".
    #[arg(long, value_name = "F", default_value_t = 0.05, help_heading = "Steps")]
    pub threshold: f64,
    /// Compare two segments: journeys whose first event has COL=V1 minus those with COL=V2
    /// (each column of the difference sums to 0).
    #[arg(long, value_name = "COL=V1,V2", help_heading = "Steps")]
    pub compare: Option<String>,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("anchor").required(true).args(["anchor_from", "anchor_to"])))]
pub struct ExploreArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgsSinceUntil,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Explore forward from the first occurrence of NAME in each journey (`a|b` and `re:` as
    /// in funnel --steps).
    #[arg(
        long = "from",
        id = "anchor_from",
        value_name = "NAME",
        help_heading = "Explore"
    )]
    pub from: Option<String>,
    /// Explore backward from the last occurrence of NAME in each journey.
    #[arg(
        long = "to",
        id = "anchor_to",
        value_name = "NAME",
        help_heading = "Explore"
    )]
    pub to: Option<String>,
    /// Positions shown after (or before) the anchor.
    #[arg(long, value_name = "N", default_value_t = 5, help_heading = "Explore")]
    pub depth: usize,
    /// Values kept at each position; the others are summed into "(other)".
    #[arg(long, value_name = "K", default_value_t = 5, help_heading = "Explore")]
    pub per_step: usize,
    /// Direction of a DOT or Mermaid drawing.
    #[arg(long, value_enum, default_value_t = crate::render::graph_style::Rankdir::LR, help_heading = "Explore")]
    pub rankdir: crate::render::graph_style::Rankdir,
}

/// Readability controls for graph-shaped output.
#[derive(Args, Debug, Default, Clone)]
pub struct GraphViewArgs {
    /// Hide edges with a count below N.
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "Graph")]
    pub min_count: u64,
    /// Hide edges carrying less than this share of all edge counts (0.01 = 1%).
    #[arg(long, value_name = "F", default_value_t = 0.0, help_heading = "Graph")]
    pub min_share: f64,
    /// Keep only the N largest edges.
    #[arg(long, value_name = "N", help_heading = "Graph")]
    pub top_edges: Option<usize>,
    /// Keep the N most frequent nodes; fold the others into one "(other)" node.
    #[arg(long, value_name = "N", help_heading = "Graph")]
    pub max_nodes: Option<usize>,
    /// Direction of a DOT or Mermaid drawing.
    #[arg(long, value_enum, default_value_t = crate::render::graph_style::Rankdir::LR, help_heading = "Graph")]
    pub rankdir: crate::render::graph_style::Rankdir,
    /// What edge labels show in DOT and Mermaid.
    #[arg(long, value_enum, default_value_t = crate::render::graph_style::EdgeLabel::Count, help_heading = "Graph")]
    pub edge_label: crate::render::graph_style::EdgeLabel,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub view: GraphViewArgs,
}

#[derive(Args, Debug)]
pub struct DropoffArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct TransitionsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub view: GraphViewArgs,
    /// Show row probabilities (p_out) in the matrix instead of counts.
    #[arg(long, value_enum, value_name = "HOW", help_heading = "Transitions")]
    pub normalize: Option<Normalize>,
    /// Leave out same-channel pairs (p_out keeps its definition, so rows then sum to less than 1).
    #[arg(long, help_heading = "Transitions")]
    pub no_self: bool,
}

#[derive(Args, Debug)]
pub struct AttributionArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The attribution model; all shows every model side by side.
    #[arg(long, value_enum, default_value_t = crate::analysis::attribution::AttributionModel::All, help_heading = "Attribution")]
    pub model: crate::analysis::attribution::AttributionModel,
    /// Markov order k (1 to 4): the state is the last k channels.
    #[arg(
        long,
        value_name = "K",
        default_value_t = 1,
        help_heading = "Attribution"
    )]
    pub order: usize,
    /// Half-life of the time-decay model (e.g. 7d, 12h).
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "7d",
        help_heading = "Attribution"
    )]
    pub half_life: String,
    /// Count only the touches at most this long before the conversion (e.g. 30d).
    #[arg(long, value_name = "DURATION", help_heading = "Attribution")]
    pub lookback: Option<String>,
    /// Attribute the conversion value in this column (e.g. revenue) as well as counts.
    #[arg(long, value_name = "COLUMN", help_heading = "Attribution")]
    pub value_col: Option<String>,
    /// Print the Markov transition probability table instead of the attribution.
    #[arg(long, help_heading = "Attribution")]
    pub transitions: bool,
}

/// How a transition matrix is normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Normalize {
    /// Each row divided by its total: p_out.
    Row,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// About this many events (customers are added until it is reached).
    #[arg(long, value_name = "N", conflicts_with = "customers")]
    pub events: Option<u64>,
    /// Exactly this many customers (default 1000 when --events is not given).
    #[arg(long, value_name = "N")]
    pub customers: Option<u64>,
    /// Seed of the random generator: the same seed gives byte-identical output.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// First day of the simulated period (UTC).
    #[arg(long, value_name = "DATE", default_value = "2026-01-01")]
    pub start: String,
    /// Length of the simulated period in days.
    #[arg(long, value_name = "N", default_value_t = 90)]
    pub days: u32,
    /// Multiplies the chance of moving into `purchase` (0.5 halves it): makes a "worse" dataset
    /// for regression checks.
    #[arg(long, value_name = "F", default_value_t = 1.0)]
    pub conversion_boost: f64,
    /// Output file: .csv, .csv.gz or .parquet (CSV on stdout without it).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
        ]
        .into_iter()
        .find(|f| f.extensions().contains(&ext.as_str()))
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

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    /// Read the [[check]] tables (and optional [funnels]) from this TOML file instead of
    /// journeymap.toml.
    #[arg(long, value_name = "FILE", help_heading = "Check")]
    pub checks: Option<PathBuf>,
    /// Compare with the values in this baseline file (max_drop and max_rise checks need it).
    #[arg(long, value_name = "FILE", help_heading = "Check")]
    pub baseline: Option<PathBuf>,
    /// Record the checks' current values and the options in force in this file.
    #[arg(long, value_name = "FILE", help_heading = "Check")]
    pub write_baseline: Option<PathBuf>,
    /// Output format (default: from the -o extension, .xml for junit, else table).
    #[arg(short, long, value_enum, help_heading = "Output")]
    pub format: Option<CheckFormat>,
    /// Write the report to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
}

/// What `check` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Each check with its value, limit and verdict.
    Table,
    /// Every check with its numbers (docs/json.md).
    Json,
    /// JUnit XML, one test case per check.
    Junit,
    /// GitHub Actions annotations (::error, ::warning, ::notice).
    Github,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Compare two segments of one input: journeys whose first event has COL=V1 (A) and COL=V2 (B).
    #[arg(
        long,
        value_name = "COL=V1,V2",
        conflicts_with = "before",
        help_heading = "Diff"
    )]
    pub split: Option<String>,
    /// Compare two periods of one input: journeys that start before DATE (A) and at or after it (B).
    #[arg(long, value_name = "DATE", help_heading = "Diff")]
    pub before: Option<String>,
    /// Also compare this funnel's step rates (steps as for `funnel --steps`, or a funnel named
    /// under [funnels]).
    #[arg(long, value_name = "A,B,C", help_heading = "Diff")]
    pub funnel: Option<String>,
    /// With --funnel: ordered, strict or any.
    #[arg(long, value_enum, default_value_t = crate::analysis::funnel::FunnelOrder::Ordered, help_heading = "Diff")]
    pub order: crate::analysis::funnel::FunnelOrder,
    /// With --funnel: a match only counts within this time (e.g. 7d).
    #[arg(long, value_name = "DURATION", help_heading = "Diff")]
    pub window: Option<String>,
    /// Hide rows whose change is smaller than this (0.01 = 1 percentage point).
    #[arg(long, value_name = "F", default_value_t = 0.0, help_heading = "Diff")]
    pub min_change: f64,
    /// Show the N largest changes of each section (0 shows all).
    #[arg(long, value_name = "N", default_value_t = 20, help_heading = "Diff")]
    pub top: usize,
}
