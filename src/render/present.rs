//! The one trait every command's output implements: its JSON is the type itself (serde), and
//! it knows its own CSV table, its document for people (terminal table and Markdown) and, where
//! it is graph-shaped, its drawing. The formats in this module's siblings turn those into bytes.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::doc::{Doc, Table};
use super::{csv, json, markdown, table, Sink};
use crate::cli::{ColorChoice, OutputArgs, OutputFormat};
use crate::error::usage;
use crate::meta::ReadFile;

/// A command's output, presentable in every format the command writes.
pub trait Present: Serialize {
    /// The rows as one CSV table; `None` where the command has no CSV output.
    fn csv(&self) -> Option<Table> {
        None
    }

    /// The report for people: headings, fields, tables and notes.
    fn document(&self) -> Doc;

    /// The drawing (DOT or Mermaid), for graph-shaped outputs.
    fn draw(&self, _format: OutputFormat, _out: &mut dyn Write) -> Result<()> {
        Err(usage("this result is not a graph"))
    }
}

/// How an output is written besides its format.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    /// Bold headings in terminal tables.
    pub color: bool,
    /// CSV cells exactly as they are, formulas included (`--csv-raw`).
    pub csv_raw: bool,
}

/// Writes the output in `format`.
pub fn write(
    output: &impl Present,
    format: OutputFormat,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    let color = style.color;
    match format {
        OutputFormat::Json => json::write(output, out),
        OutputFormat::Csv => match output.csv() {
            Some(t) => csv::write(&t, style.csv_raw, out),
            None => Err(usage("this command has no CSV output")),
        },
        OutputFormat::Md => markdown::write(&output.document(), out),
        OutputFormat::Table => table::write(&output.document(), color, out),
        OutputFormat::Dot | OutputFormat::Mermaid | OutputFormat::Svg => output.draw(format, out),
    }
}

/// Writes the output to `-o` (atomically) or stdout. The files the run read are never
/// overwritten.
pub fn emit(
    output: &impl Present,
    format: OutputFormat,
    args: &OutputArgs,
    read: &[ReadFile],
    color: ColorChoice,
) -> Result<()> {
    let mut sink = Sink::open(args.output.as_deref(), read)?;
    let style = Style {
        color: color.enabled(sink.is_terminal()),
        csv_raw: args.csv_raw,
    };
    write(output, format, style, sink.writer()).map_err(|e| sink.context(e))?;
    sink.finish()
}
