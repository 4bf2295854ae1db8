//! journeymap: customer-journey mapping from touchpoint logs.
//!
//! `input` reads files into an event table, `journey` orders events into journeys,
//! `analysis` computes results, `render` turns results into bytes. `run` wires a parsed
//! command line to them.

pub mod analysis;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod duration;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod generate;
pub mod input;
pub mod intern;
pub mod journey;
pub mod meta;
pub mod render;
pub mod settings;
pub mod text;
pub mod warehouse;

use anyhow::Result;

use cli::{Cli, Command};
use commands::Context;

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let ctx = Context {
        color: cli.color,
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match &cli.command {
        Command::Inspect(args) => commands::inspect::run(args, &ctx),
        Command::Generate(args) => commands::generate::run(args, &ctx),
        Command::Paths(args) => commands::paths::run(args, &ctx),
        Command::Graph(args) => commands::graph::run(args, &ctx),
        Command::Dropoff(args) => commands::dropoff::run(args, &ctx),
        Command::Stages(args) => commands::stages::run(args, &ctx),
        Command::Flow(args) => commands::explore::run_flow(args, &ctx),
        Command::Report(args) => commands::report::run(args, &ctx),
        Command::Painpoints(args) => commands::painpoints::run(args, &ctx),
        Command::Variants(args) => commands::variants::run(args, &ctx),
        Command::Sql(args) => commands::sql::run(args, &ctx),
        Command::Funnel(args) => commands::funnel::run(args, &ctx),
        Command::Explore(args) => commands::explore::run(args, &ctx),
        Command::Steps(args) => commands::steps::run(args, &ctx),
        Command::Transitions(args) => commands::transitions::run(args, &ctx),
        Command::Attribution(args) => commands::attribution::run(args, &ctx),
        Command::Check(args) => commands::check::run(args, &ctx),
        Command::Diff(args) => commands::diff::run(args, &ctx),
    }
}
