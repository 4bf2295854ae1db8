//! `--score-col` and `[scores]` for the commands that show scores: which column, which event
//! a score belongs to, the low-score threshold, and reading the scores of the journeys'
//! events (metrics.md, Scores).

use anyhow::{bail, Result};

use super::{Context, Prepared};
use crate::analysis::scores::{attribute_scores, Applies, Scores, ScoresInfo};
use crate::cli::ScoreArgs;
use crate::config::ConfigFile;
use crate::error::usage;
use crate::input::NO_ATTRIBUTE;
use crate::text::{counted, excerpt};

/// The score settings in force: flags over `[scores]`.
#[derive(Clone, Debug)]
pub struct ScoreSettings {
    pub column: String,
    pub applies: Applies,
    pub low: Option<f64>,
}

/// The flag that names the score column, in load errors.
pub const FLAG: &str = "--score-col";

/// The score settings, or `None` when neither `--score-col` nor `[scores]` names a column.
pub fn settings(args: &ScoreArgs, config: &ConfigFile) -> Result<Option<ScoreSettings>> {
    if args.no_scores {
        return Ok(None);
    }
    let section = &config.scores;
    let file = || {
        config.path.as_ref().map_or_else(
            || crate::config::DEFAULT_FILE.to_string(),
            |p| p.display().to_string(),
        )
    };
    if let Some(x) = section.low.filter(|x| !x.is_finite()) {
        return Err(usage(format!(
            "{}: low in [scores] must be a finite number, like 2 for a CSAT 1-5 (got {x})",
            file()
        )));
    }
    if (section.low.is_some() || section.applies.is_some())
        && section
            .column
            .as_deref()
            .is_none_or(|c| c.trim().is_empty())
    {
        return Err(usage(format!(
            "{}: [scores] sets low or applies but no column; add column = \"COL\" (the column of scores)",
            file()
        )));
    }
    let low = args.low_score.or(section.low);
    if let Some(x) = low.filter(|x| !x.is_finite()) {
        return Err(usage(format!(
            "--low-score must be a finite number, like 2 for a CSAT 1-5 (got {x})"
        )));
    }
    let column = args
        .score_col
        .clone()
        .or_else(|| section.column.clone())
        .filter(|c| !c.trim().is_empty());
    let Some(column) = column else {
        if args.score_col.is_some() {
            return Err(usage("--score-col needs a column name"));
        }
        if args.score_applies.is_some() || args.low_score.is_some() {
            return Err(usage(
                "--score-applies and --low-score need a score column: pass --score-col COL (or set column in [scores] of journeymap.toml)",
            ));
        }
        return Ok(None);
    };
    Ok(Some(ScoreSettings {
        column,
        applies: args.score_applies.or(section.applies).unwrap_or_default(),
        low,
    }))
}

/// A score cell as read.
#[derive(Clone, Copy)]
enum Cell {
    Empty,
    Number(f64),
    NotANumber,
}

/// The scores of the journeys' events (the score column is one of `p`'s kept columns), each
/// given to the event it belongs to; warns about scores that belong to no event or that
/// collapsing merged away. A cell that is not a number is an error naming its row.
pub fn read(p: &Prepared, s: &ScoreSettings, ctx: &Context) -> Result<(Scores, ScoresInfo)> {
    let j = &p.journeys;
    let kept = p.table.kept(&s.column);
    let (cells, ids): (Vec<Cell>, &[u32]) = match kept {
        Some(k) => (
            k.values
                .names()
                .map(|v| {
                    let v = v.trim();
                    if v.is_empty() {
                        Cell::Empty
                    } else {
                        match v.parse::<f64>() {
                            Ok(x) if x.is_finite() => Cell::Number(x),
                            _ => Cell::NotANumber,
                        }
                    }
                })
                .collect(),
            &k.ids,
        ),
        None => (Vec::new(), &[]),
    };
    let cell = |row: u32| match ids.get(row as usize) {
        Some(&id) if id != NO_ATTRIBUTE => cells[id as usize],
        _ => Cell::Empty,
    };
    // One pass over the events (each a random access into the rows): the scored ones, in
    // event order, and the first row (in the files' order) whose cell is not a number.
    let mut scored: Vec<(usize, f64)> = Vec::new();
    let mut bad: Option<u32> = None;
    let mut magnitude = 0.0f64;
    for (e, &row) in j.row.iter().enumerate() {
        match cell(row) {
            Cell::Empty => {}
            Cell::Number(x) => {
                magnitude += x.abs();
                scored.push((e, x));
            }
            Cell::NotANumber => bad = Some(bad.map_or(row, |b| b.min(row))),
        }
    }
    if let Some(row) = bad {
        let text = kept
            .map(|k| k.values.name(k.ids[row as usize]).to_string())
            .unwrap_or_default();
        bail!(
            "{}: column '{}' has '{}', not a number; {FLAG} needs a column of numbers (a CSAT 1-5, an NPS 0-10, a sentiment score)",
            p.table.locate(u64::from(row)),
            excerpt(&s.column),
            excerpt(&text)
        );
    }
    // Every sum of scores is at most the sum of their sizes: if that is finite, no mean
    // overflows to infinity (or to a null in JSON).
    if !magnitude.is_finite() {
        bail!(
            "the scores in column '{}' add up to more than 1.8e308, the largest number journeymap holds (64-bit floating point); check the column's unit or the values",
            excerpt(&s.column)
        );
    }
    let scores = attribute_scores(j, s.applies, &scored);
    // Scored events that collapsing merged into the event before.
    let collapsed = j
        .merged_rows
        .iter()
        .filter(|&&row| !matches!(cell(row), Cell::Empty))
        .count() as u64;
    if scores.read == 0 {
        ctx.warn(format_args!(
            "no event of the journeys has a score in column '{}'",
            excerpt(&s.column)
        ));
    }
    if scores.unattributed > 0 {
        ctx.warn(format_args!(
            "{} no earlier event without a score in {} journey and {} unattributed (--score-applies previous)",
            counted(scores.unattributed, "score has", "scores have"),
            if scores.unattributed == 1 { "its" } else { "their" },
            if scores.unattributed == 1 { "is" } else { "are" }
        ));
    }
    if collapsed > 0 {
        ctx.warn(format_args!(
            "{} on events that --collapse-repeats merged into the event before, and not counted",
            counted(collapsed, "score is", "scores are")
        ));
    }
    let info = ScoresInfo {
        column: s.column.clone(),
        applies: s.applies,
        low_score: s.low,
        read: scores.read,
        unattributed: scores.unattributed,
        collapsed,
    };
    Ok((scores, info))
}
