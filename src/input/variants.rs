//! Reading path variants tables (docs/variants.md): recognised by their columns, checked row
//! by row, merged when there are several.

use std::collections::HashMap;

use anyhow::{anyhow, bail, Result};
use polars::prelude::DataType;

use super::files::{resolve_inputs, FileSet, InputFile};
use super::read;
use crate::intern::Dictionary;
use crate::text::excerpt;
use foldhash::fast::FixedState;

/// One row of a variants table; its sequences are ranges of [`VariantsInput`]'s ids.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantRow {
    pub touchpoints: std::ops::Range<usize>,
    /// Empty without channels.
    pub channels: std::ops::Range<usize>,
    pub touches: u32,
    pub journeys: u64,
    pub conversions: u64,
    pub value: Option<f64>,
}

/// Medians by sequence (of ids).
pub type Medians = HashMap<Vec<u32>, Option<f64>, FixedState>;

/// Every row of every variants table given, with what they say together.
#[derive(Debug, Default)]
pub struct VariantsInput {
    pub rows: Vec<VariantRow>,
    /// The names, and every row's sequences as ids, one after the other.
    pub touchpoints: Dictionary,
    pub channels: Option<Dictionary>,
    pub touchpoint_ids: Vec<u32>,
    pub channel_ids: Vec<u32>,
    /// The options each table was made with (JSON, as the `options` column has them), with
    /// where each was read; the caller parses and compares them.
    pub options: Vec<(String, String)>,
    /// The files, as messages name them.
    pub files: Vec<String>,
    /// The median duration of each touchpoint sequence and each channel sequence; `None`
    /// for a sequence found in more than one table (a median of medians is not one).
    pub touchpoint_median: Medians,
    pub channel_median: Medians,
    /// Whether some table has a value column.
    pub has_value: bool,
}

/// The files of `inputs` when every one is a variants table; `None` when none is. A mix is an
/// error, and so is standard input (it cannot be looked at twice).
pub fn detect(source: &super::SourceSpec) -> Result<Option<Vec<InputFile>>> {
    let inputs = &source.inputs;
    if inputs.is_empty() || inputs.iter().any(|i| i == "-") {
        return Ok(None);
    }
    let mut seen = FileSet::default();
    let files = resolve_inputs(inputs, source.format, &mut seen)?;
    let mut kinds = Vec::new();
    for f in &files {
        // A variants table is CSV or Parquet; opening JSON Lines would read the whole file.
        if f.format == super::InputFormat::Jsonl {
            kinds.push(false);
            continue;
        }
        let o = read::open(f, source.delimiter)?;
        kinds.push(o.columns.iter().any(|c| c == "variants_version"));
    }
    match (kinds.iter().all(|k| *k), kinds.iter().any(|k| *k)) {
        (true, _) => Ok(Some(files)),
        (false, false) => Ok(None),
        (false, true) => {
            let table = files[kinds.iter().position(|k| *k).unwrap()].label.clone();
            let events = files[kinds.iter().position(|k| !*k).unwrap()].label.clone();
            bail!("{table} is a variants table and {events} is not: analyse events or variants tables, not both in one run")
        }
    }
}

/// Reads and checks the tables; their rows are summed by the analyses (they are journeys).
// Row i is read across the columns: an index, not an iterator over one column.
#[allow(clippy::needless_range_loop)]
pub fn read_tables(files: &[InputFile]) -> Result<VariantsInput> {
    let mut out = VariantsInput::default();
    // Which table each sequence's median came from.
    let mut median_from: [HashMap<Vec<u32>, usize, FixedState>; 2] = Default::default();
    let mut with_channels: Option<(bool, String)> = None;
    // Whether each table has values (a table made with --value-col has them in every row).
    let mut with_values: Option<(bool, String)> = None;
    let mut names: Vec<String> = Vec::new();
    for (file_index, f) in files.iter().enumerate() {
        let label = &f.label;
        let o = read::open(f, None)?;
        for c in COLUMNS {
            if !o.columns.iter().any(|x| x == c) {
                bail!(
                    "{label}: a variants table needs the column '{c}' (found: {}); make it again with journeymap variants or journeymap sql",
                    o.columns.join(", ")
                );
            }
        }
        let df = o.read(&COLUMNS.map(String::from))?;
        let as_text = |name: &str| -> Result<polars::prelude::Column> {
            df.column(name)
                .map_err(|e| anyhow!("{label}: {e}"))?
                .cast(&DataType::String)
                .map_err(|e| anyhow!("{label}: column '{name}': {e}"))
        };
        let columns: Vec<polars::prelude::Column> =
            COLUMNS.iter().map(|c| as_text(c)).collect::<Result<_>>()?;
        // Each column as text cells, borrowed (one pass over its chunks).
        let cells: Vec<Vec<Option<&str>>> = columns
            .iter()
            .map(|c| -> Result<Vec<Option<&str>>> {
                let s = c.str().map_err(|e| anyhow!("{label}: {e}"))?;
                Ok(s.iter().map(|v| v.filter(|v| !v.is_empty())).collect())
            })
            .collect::<Result<_>>()?;
        for i in 0..df.height() {
            // A CSV's data starts on line 2; a Parquet row is counted from 1.
            let at = || match f.format {
                super::InputFormat::Parquet => format!("{label} row {}", i + 1),
                _ => format!("{label} line {}", i + 2),
            };
            let cell = |c: usize| cells[c][i];
            let int = |c: usize| -> Result<u64> {
                let v = cell(c).unwrap_or("");
                v.trim().trim_end_matches(".0").parse::<u64>().map_err(|_| {
                    anyhow!(
                        "{}: {} is '{}', not a whole number",
                        at(),
                        COLUMNS[c],
                        excerpt(v)
                    )
                })
            };
            let number = |c: usize| -> Result<Option<f64>> {
                cell(c)
                    .map(|v| {
                        v.trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|x| x.is_finite())
                            .ok_or_else(|| {
                                anyhow!(
                                    "{}: {} is '{}', not a number",
                                    at(),
                                    COLUMNS[c],
                                    excerpt(v)
                                )
                            })
                    })
                    .transpose()
            };
            let version = int(0)?;
            if version != u64::from(VERSION) {
                bail!(
                    "{}: variants_version is {version}; this journeymap reads version {VERSION} (docs/variants.md)",
                    at()
                );
            }
            // A sequence's names, interned; returns its range of ids.
            let mut sequence = |c: usize,
                                dict: &mut Dictionary,
                                ids: &mut Vec<u32>|
             -> Result<std::ops::Range<usize>> {
                let text = cell(c).unwrap_or("");
                let start = ids.len();
                if !text.contains('\\') {
                    // No escape: the names are the parts between the separators.
                    for name in text.split(" > ") {
                        if name.is_empty() || name.contains('>') {
                            // Let decode say what is wrong.
                            ids.truncate(start);
                            break;
                        }
                        ids.push(dict.intern(name));
                    }
                    if ids.len() > start {
                        return Ok(start..ids.len());
                    }
                }
                names.clear();
                names.extend(decode(text).map_err(|e| anyhow!("{}: {}: {e}", at(), COLUMNS[c]))?);
                if names.iter().any(String::is_empty) {
                    bail!("{}: {} has an empty name", at(), COLUMNS[c]);
                }
                ids.extend(names.iter().map(|n| dict.intern(n)));
                Ok(start..ids.len())
            };
            let touchpoints = sequence(1, &mut out.touchpoints, &mut out.touchpoint_ids)?;
            let has_channels = cell(2).is_some();
            match &with_channels {
                None => {
                    with_channels = Some((has_channels, at()));
                    if has_channels {
                        out.channels = Some(Dictionary::new());
                    }
                }
                Some((has, first)) if *has != has_channels => bail!(
                    "{}: {} channels, but {first} {}; tables made with and without --channel cannot be read together",
                    at(),
                    if has_channels { "has" } else { "has no" },
                    if *has { "has" } else { "has none" }
                ),
                _ => {}
            }
            let channels = match out.channels.as_mut() {
                Some(d) => sequence(2, d, &mut out.channel_ids)?,
                None => 0..0,
            };
            let steps = int(3)?;
            if steps != touchpoints.len() as u64 {
                bail!(
                    "{}: steps is {steps}, but touchpoints has {} names",
                    at(),
                    touchpoints.len()
                );
            }
            if has_channels && channels.len() != touchpoints.len() {
                bail!(
                    "{}: channels has {} names and touchpoints {}: one channel per event",
                    at(),
                    channels.len(),
                    touchpoints.len()
                );
            }
            let touches = int(4)?;
            let journeys = int(5)?;
            let conversions = int(6)?;
            let problem = if journeys == 0 {
                Some("journeys is 0 (a row is at least one journey)".to_string())
            } else if conversions > journeys {
                Some(format!(
                    "conversions ({conversions}) is more than journeys ({journeys})"
                ))
            } else if touches > steps {
                Some(format!("touches ({touches}) is more than steps ({steps})"))
            } else {
                None
            };
            if let Some(problem) = problem {
                bail!("{}: {problem}; not a variants row", at());
            }
            let value = number(7)?;
            out.has_value |= value.is_some();
            if i == 0 {
                match &with_values {
                    None => with_values = Some((value.is_some(), label.clone())),
                    Some((has, first)) if *has != value.is_some() => bail!(
                        "{label} {} values and {first} {}: tables made with and without --value-col cannot be read together",
                        if value.is_some() { "has" } else { "has no" },
                        if *has { "has" } else { "has none" }
                    ),
                    _ => {}
                }
            }
            // The medians: one per sequence and table.
            for (c, channel) in [(8, false), (9, true)] {
                if channel && !has_channels {
                    continue;
                }
                let ids = if channel {
                    &out.channel_ids[channels.clone()]
                } else {
                    &out.touchpoint_ids[touchpoints.clone()]
                };
                let median = number(c)?;
                let medians = if channel {
                    &mut out.channel_median
                } else {
                    &mut out.touchpoint_median
                };
                let from = &mut median_from[usize::from(channel)];
                match from.get(ids) {
                    Some(&file) if file != file_index => {
                        medians.insert(ids.to_vec(), None);
                    }
                    Some(_) => {}
                    None => {
                        from.insert(ids.to_vec(), file_index);
                        medians.insert(ids.to_vec(), median);
                    }
                }
            }
            if let Some(text) = cell(10) {
                if !out.options.iter().any(|(t, _)| t == text) {
                    out.options.push((text.to_string(), at()));
                }
            }
            out.rows.push(VariantRow {
                touchpoints,
                channels,
                touches: touches as u32,
                journeys,
                conversions,
                value,
            });
        }
        out.files.push(label.clone());
    }
    if out.options.is_empty() {
        bail!(
            "{}: no row has the options the table was made with (the column 'options'); a table cut or sorted by another tool may have lost that row: make it again",
            out.files.join(", ")
        );
    }
    Ok(out)
}

/// The layout version written in every row of a variants table.
pub const VERSION: u32 = 1;

/// The columns of a variants table, version 1, in order (docs/variants.md).
pub const COLUMNS: [&str; 11] = [
    "variants_version",
    "touchpoints",
    "channels",
    "steps",
    "touches",
    "journeys",
    "conversions",
    "value",
    "median_duration_s",
    "channel_median_duration_s",
    "options",
];

/// A sequence of names as text: joined by ` > `, with `\` written `\\` and `>` written `\>`
/// in each name (docs/variants.md).
pub fn encode<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, name) in names.enumerate() {
        if i > 0 {
            out.push_str(" > ");
        }
        for c in name.chars() {
            if c == '\\' || c == '>' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// The names of a sequence written by [`encode`]; an error says what is wrong with the text.
pub fn decode(text: &str) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let mut name = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('\\' | '>')) => name.push(e),
                Some(other) => bail!("'\\{other}' is not an escape (only \\\\ and \\>)"),
                None => bail!("it ends in a lone '\\'"),
            },
            '>' => {
                if !name.ends_with(' ') || chars.next() != Some(' ') {
                    bail!("a '>' that is not part of ' > ' (write it \\> in a name)");
                }
                name.pop();
                names.push(std::mem::take(&mut name));
            }
            c => name.push(c),
        }
    }
    names.push(name);
    Ok(names)
}
