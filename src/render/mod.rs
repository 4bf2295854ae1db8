//! Output: result types become bytes here and nowhere else. Each format is one file; all
//! writing goes through the [`Sink`] that `run` opens (stdout or an atomic `-o` file).

pub mod csv;
pub mod diff_dot;
pub mod doc;
pub mod dot;
pub mod emotion_svg;
pub mod funnel_svg;
pub mod github;
pub mod graph_style;
pub mod graph_svg;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod mermaid;
pub mod present;
pub mod report;
pub mod reported;
pub mod sankey;
pub mod sink;
pub mod svg;
pub mod table;

pub use crate::text::count;
pub use doc::{Block, Doc, Table};
pub use present::{emit, Present};
pub use reported::Reported;
pub use sink::Sink;

use anyhow::Result;

use crate::cli::{OutputArgs, OutputFormat};
use crate::error::usage;

/// Picks the output format: `--format`, else the `-o` extension, else table. A format the
/// command does not support is a usage error that lists the ones it does.
pub fn choose_format(
    args: &OutputArgs,
    command: &str,
    supported: &[OutputFormat],
) -> Result<OutputFormat> {
    if let (None, Some(path)) = (args.format, args.output.as_deref()) {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let svg = supported.contains(&OutputFormat::Svg);
        let image = matches!(ext.as_deref(), Some("png" | "pdf" | "jpg" | "jpeg"))
            || (ext.as_deref() == Some("svg") && !svg);
        if let (true, Some(ext)) = (image, ext.as_deref()) {
            let hint = if svg {
                format!(
                    "; write an SVG (-o {}) and convert it, or draw it with Graphviz: journeymap {command} ... -f dot | dot -T{ext} -o {}",
                    path.with_extension("svg").display(),
                    path.display()
                )
            } else if supported.contains(&OutputFormat::Dot) {
                format!(
                    "; draw it with Graphviz: journeymap {command} ... -f dot | dot -T{ext} -o {}",
                    path.display()
                )
            } else {
                String::new()
            };
            let names: Vec<&str> = supported.iter().map(|f| f.name()).collect();
            return Err(usage(format!(
                "-o {}: journeymap {command} writes text ({}), not {ext} images{hint}",
                path.display(),
                names.join(", ")
            )));
        }
    }
    let from_path = match (args.format, args.output.as_deref()) {
        (None, Some(path)) => format_of(path, command, supported)?,
        _ => None,
    };
    let format = args.format.or(from_path).unwrap_or(OutputFormat::Table);
    if !supported.contains(&format) {
        let names: Vec<&str> = supported.iter().map(|f| f.name()).collect();
        let mut why = Vec::new();
        if args.format.is_none() {
            why.push("from the -o extension; pass --format to choose");
        }
        let draws =
            supported.contains(&OutputFormat::Dot) || supported.contains(&OutputFormat::Mermaid);
        if matches!(format, OutputFormat::Dot | OutputFormat::Mermaid) && !draws {
            why.push("dot and mermaid are for graph-shaped results");
        }
        let why = if why.is_empty() {
            String::new()
        } else {
            format!(" ({})", why.join("; "))
        };
        return Err(usage(format!(
            "{command} cannot write {}{why}; it writes {}",
            format.name(),
            names.join(", ")
        )));
    }
    Ok(format)
}

/// The format an `-o` file name implies: `None` without an extension; an extension journeymap
/// does not write is a usage error (a box-drawn table in `out.xlsx` helps nobody).
fn format_of(
    path: &std::path::Path,
    command: &str,
    supported: &[OutputFormat],
) -> Result<Option<OutputFormat>> {
    let Some(ext) = path.extension() else {
        return Ok(None);
    };
    match OutputFormat::from_path(path) {
        Some(f) => Ok(Some(f)),
        None => {
            let names: Vec<String> = supported
                .iter()
                .map(|f| format!(".{}", f.extensions()[0]))
                .collect();
            let names = match names.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            };
            Err(usage(format!(
                "-o {}: journeymap {command} does not write .{} files; name the file {names}, or pass --format",
                path.display(),
                ext.to_string_lossy(),
            )))
        }
    }
}

/// Formats a rate or share with 6 decimals, or `null`-like `-` for a missing one.
pub fn rate6(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.6}"),
        _ => String::new(),
    }
}

/// A score as CSV and JSON write it (the shortest text of the rounded number: `3.5`, `2`), or
/// empty.
pub fn score_csv(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map(|x| {
            // Shortest digits; an exponent for very large or small numbers (1e300, not 301
            // digits).
            if x != 0.0 && !(1e-6..1e16).contains(&x.abs()) {
                format!("{x:e}")
            } else {
                x.to_string()
            }
        })
        .unwrap_or_default()
}

/// A score for tables, with 2 decimals: `3.50`, or `-`.
pub fn score(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.2}"),
        _ => "-".to_string(),
    }
}

/// Formats a share as a percentage for tables: `12.3%`.
pub fn percent(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{:.1}%", x * 100.0),
        _ => "-".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_rates() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(rate6(Some(1.0 / 3.0)), "0.333333");
        assert_eq!(rate6(None), "");
        assert_eq!(percent(Some(0.1234)), "12.3%");
    }

    #[test]
    fn unknown_output_extensions_are_usage_errors() {
        let args = OutputArgs {
            format: None,
            output: Some("out.xlsx".into()),
            csv_raw: false,
        };
        let err =
            choose_format(&args, "paths", &[OutputFormat::Table, OutputFormat::Csv]).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
        assert_eq!(
            err.to_string(),
            "-o out.xlsx: journeymap paths does not write .xlsx files; name the file .txt or .csv, or pass --format"
        );
        // --format decides, whatever the file is called; no extension means a table.
        let args = OutputArgs {
            format: Some(OutputFormat::Csv),
            output: Some("out.xlsx".into()),
            csv_raw: false,
        };
        assert_eq!(
            choose_format(&args, "paths", &[OutputFormat::Csv]).unwrap(),
            OutputFormat::Csv
        );
        let args = OutputArgs {
            format: None,
            output: Some("report".into()),
            csv_raw: false,
        };
        assert_eq!(
            choose_format(&args, "paths", &[OutputFormat::Table]).unwrap(),
            OutputFormat::Table
        );
    }

    #[test]
    fn unsupported_format_is_a_usage_error() {
        let args = OutputArgs {
            format: Some(OutputFormat::Dot),
            output: None,
            csv_raw: false,
        };
        let err = choose_format(&args, "inspect", &[OutputFormat::Table, OutputFormat::Json])
            .unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
        assert!(err.to_string().contains("it writes table, json"));
        let args = OutputArgs {
            format: None,
            output: Some("out.json".into()),
            csv_raw: false,
        };
        assert_eq!(
            choose_format(&args, "x", &[OutputFormat::Json]).unwrap(),
            OutputFormat::Json
        );
        let args = OutputArgs {
            format: None,
            output: Some("journeys.svg".into()),
            csv_raw: false,
        };
        let err =
            choose_format(&args, "graph", &[OutputFormat::Table, OutputFormat::Dot]).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
        assert!(
            err.to_string()
                .contains("not svg images; draw it with Graphviz: journeymap graph ... -f dot | dot -Tsvg -o journeys.svg"),
            "{err}"
        );
    }
}
