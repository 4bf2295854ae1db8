//! One file per subcommand, each a pipeline: resolve settings -> load -> build journeys ->
//! analyse -> present. What they share: [`Context`] (warnings and colour), [`prepare`] (the
//! first half of the pipeline) and [`Segments`] (two groups of journeys by a column).

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
pub mod painpoints;
pub mod paths;
mod prepare;
pub mod report;
mod scores;
pub mod sql;
pub mod stages;
pub mod steps;
pub mod transitions;
pub mod variants;

use std::io::Write;

use anyhow::Result;

use crate::cli::ColorChoice;
pub use prepare::{config, prepare, Prepared};

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
            let msg = format!("journeymap: warning: {msg}");
            let _ = writeln!(std::io::stderr(), "{}", crate::text::visible(&msg));
        }
    }

    /// A line on stderr that says what was done besides the output (unless --quiet).
    pub fn note(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            let msg = format!("journeymap: {msg}");
            let _ = writeln!(std::io::stderr(), "{}", crate::text::visible(&msg));
        }
    }

    /// A note on stderr with --verbose.
    pub fn info(&self, msg: impl std::fmt::Display) {
        if self.verbose {
            let msg = format!("journeymap: {msg}");
            let _ = writeln!(std::io::stderr(), "{}", crate::text::visible(&msg));
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

    /// Loading's error for a missing column, said for `--split COL=V1,V2`: without a close
    /// name the loader says "pass --split COLUMN", and --split takes more.
    pub fn missing_column(e: anyhow::Error) -> anyhow::Error {
        let text = e.to_string();
        match text.strip_suffix("pass --split COLUMN") {
            Some(head) => anyhow::anyhow!("{head}fix the column in --split COL=V1,V2"),
            None => e,
        }
    }

    /// Per journey: whether it is in segment A and whether in B; warns about an empty one.
    pub fn members(&self, p: &Prepared, flag: &str, ctx: &Context) -> (Vec<bool>, Vec<bool>) {
        let labels: Vec<String> = p
            .first_event_value(&self.column)
            .into_iter()
            .map(|g| p.value_label(&self.column, g))
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

/// The most names that match nothing warned about one by one (with a "did you mean").
const UNMATCHED_SHOWN: usize = 5;

/// Warns about names given with `what` that `verb` ("never occurs", "matches nothing") in
/// `names`: one warning each with the closest name, or, past [`UNMATCHED_SHOWN`], one warning
/// that counts them (a suggestion for each of thousands would take minutes and flood stderr).
pub fn warn_unmatched(
    ctx: &Context,
    what: &str,
    verb: &str,
    unmatched: &[String],
    names: &crate::intern::Dictionary,
) {
    use crate::text::{count, excerpt};
    if unmatched.len() <= UNMATCHED_SHOWN {
        for name in unmatched {
            let hint = crate::input::mapping::did_you_mean(name, names.names());
            ctx.warn(format_args!(
                "{what} '{}' {verb} in the input{hint}",
                excerpt(name)
            ));
        }
        return;
    }
    let first: Vec<String> = unmatched[..UNMATCHED_SHOWN]
        .iter()
        .map(|n| format!("'{}'", excerpt(n)))
        .collect();
    ctx.warn(format_args!(
        "{} {what} names {} in the input (first: {}, ...)",
        count(unmatched.len() as u64),
        match verb {
            "never occurs" => "never occur",
            "matches nothing" => "match nothing",
            v => v,
        },
        first.join(", ")
    ));
}
