//! One struct per subcommand: the shared groups of `cli` (input, journeys, output) and the
//! command's own flags, each with the doc comment that `--help` shows.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{InputArgs, JourneyArgs, JourneyArgsSinceUntil, OutputArgs};

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
#[command(group(clap::ArgGroup::new("anchor").multiple(false).args(["anchor_from", "anchor_to"])))]
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
    #[arg(long, value_enum, default_value_t = super::Rankdir::LR, help_heading = "Explore")]
    pub rankdir: super::Rankdir,
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
    /// Never fold or hide these values (comma-separated); conversion touchpoints are kept
    /// without it.
    #[arg(
        long,
        value_name = "NAME,...",
        value_delimiter = ',',
        help_heading = "Graph"
    )]
    pub keep: Vec<String>,
    /// Direction of a DOT or Mermaid drawing.
    #[arg(long, value_enum, default_value_t = super::Rankdir::LR, help_heading = "Graph")]
    pub rankdir: super::Rankdir,
    /// What edge labels show in DOT and Mermaid.
    #[arg(long, value_enum, default_value_t = super::EdgeLabel::Count, help_heading = "Graph")]
    pub edge_label: super::EdgeLabel,
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
pub struct StagesArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The stage map as CSV: columns touchpoint and stage, optionally order (instead of the
    /// [stages] table of journeymap.toml).
    #[arg(long, value_name = "FILE.csv", help_heading = "Stages")]
    pub stages: Option<std::path::PathBuf>,
    /// Touchpoints and channels listed per stage.
    #[arg(long, value_name = "N", default_value_t = 5, help_heading = "Stages")]
    pub top_values: usize,
    /// CSV: the stage-to-stage flow (from, to, count, journeys) instead of the stage rows.
    #[arg(long, help_heading = "Stages")]
    pub flow: bool,
    #[command(flatten)]
    pub scores: ScoreArgs,
}

/// Scores that some events carry (survey answers, CSAT, NPS, sentiment): metrics.md, Scores.
#[derive(Args, Debug, Default, Clone)]
pub struct ScoreArgs {
    /// A column of numbers that some events carry (a survey answer, CSAT, NPS, sentiment);
    /// it may be missing from some inputs (default: `column` in [scores]).
    #[arg(long, value_name = "COL", help_heading = "Scores")]
    pub score_col: Option<String>,
    /// Which event a score belongs to: its own (self), or the journey's nearest earlier event
    /// without a score (previous: the chat that a survey rates). Default self.
    #[arg(long, value_enum, value_name = "WHICH", help_heading = "Scores")]
    pub score_applies: Option<crate::analysis::scores::Applies>,
    /// Scores at or below this are low (2 counts the 1s and 2s of a CSAT 1-5).
    #[arg(
        long,
        value_name = "X",
        allow_negative_numbers = true,
        help_heading = "Scores"
    )]
    pub low_score: Option<f64>,
    /// Leave the scores of [scores] in journeymap.toml out (for inputs without the column).
    #[arg(
        long,
        conflicts_with_all = ["score_col", "score_applies", "low_score"],
        help_heading = "Scores"
    )]
    pub no_scores: bool,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    /// Write the report to this .html file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE.html", help_heading = "Output")]
    pub output: Option<std::path::PathBuf>,
    /// Rows of each table (paths, drop-off) and values per step of the flow diagram (at
    /// most 8).
    #[arg(long, value_name = "N", default_value_t = 10, help_heading = "Report")]
    pub top: usize,
    /// The stage map as CSV (default: [stages] in journeymap.toml, when there is one).
    #[arg(long, value_name = "FILE.csv", help_heading = "Report")]
    pub stages: Option<std::path::PathBuf>,
    /// Compare two segments: the journeys whose first event has COL=V1 with those that have
    /// COL=V2 (conversion rate, path shares, edge p_out, exit rates, the first funnel of
    /// [funnels]); repeat for more comparisons.
    #[arg(long, value_name = "COL=V1,V2", help_heading = "Report")]
    pub split: Vec<String>,
    #[command(flatten)]
    pub scores: ScoreArgs,
}

#[derive(Args, Debug)]
pub struct VariantsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    /// Write the table to this .csv or .parquet file (atomically) instead of CSV on stdout.
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<std::path::PathBuf>,
    /// Sum the converting journeys' values of this column (e.g. revenue), read on each
    /// journey's first conversion event.
    #[arg(long, value_name = "COLUMN", help_heading = "Variants")]
    pub value_col: Option<String>,
}

#[derive(Args, Debug)]
// The SQL reads no files: its input is the warehouse table of --table.
#[command(mut_arg("inputs", |a| a.hide(true)))]
pub struct SqlArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    /// The warehouse's SQL dialect.
    #[arg(long, value_enum, help_heading = "SQL")]
    pub dialect: crate::warehouse::Dialect,
    /// The table (or view) of events, qualified as the warehouse needs (db.schema.events).
    #[arg(long, value_name = "NAME", help_heading = "SQL")]
    pub table: String,
    /// The `value` column: the sum of the converting journeys' values of this column.
    #[arg(long, value_name = "COLUMN", help_heading = "SQL")]
    pub value_col: Option<String>,
    /// Write the query to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<std::path::PathBuf>,
}

#[derive(Args, Debug)]
pub struct PainpointsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub journey: JourneyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The stage map as CSV, to name each touchpoint's stage (default: [stages] in
    /// journeymap.toml, when there is one).
    #[arg(long, value_name = "FILE.csv", help_heading = "Pain points")]
    pub stages: Option<std::path::PathBuf>,
    /// Rows shown, in the order of --sort (0 shows every touchpoint).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 20,
        help_heading = "Pain points"
    )]
    pub top: usize,
    /// The ranking: journeys lost (default), exit rate, loops, or mean score (lowest first;
    /// touchpoints without scores last). Ties go by journeys lost, then by name.
    #[arg(
        long,
        value_enum,
        value_name = "BY",
        default_value = "lost",
        help_heading = "Pain points"
    )]
    pub sort: crate::analysis::painpoints::PainSort,
    #[command(flatten)]
    pub scores: ScoreArgs,
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
    /// Add survey answers after support contacts: touchpoint survey_support with a score
    /// 1-5 in a score column (lower after support tickets than after live chats, and one
    /// lower for customers who never purchase; docs/cli.md, generate).
    #[arg(long)]
    pub surveys: bool,
    /// Output file: .csv, .csv.gz or .parquet (CSV on stdout without it).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    /// Show the N first changes of each section in the order of --sort (0 shows all).
    #[arg(long, value_name = "N", default_value_t = 20, help_heading = "Diff")]
    pub top: usize,
    /// Order rows by the size of the change (default) or by p-value (the changes least
    /// likely to be chance first; small samples move a lot by chance).
    #[arg(long, value_enum, default_value_t, help_heading = "Diff")]
    pub sort: crate::analysis::diff::RankBy,
}
