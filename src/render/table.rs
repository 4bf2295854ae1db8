//! Terminal tables (comfy-table), for people.

use std::io::Write;

use anyhow::Result;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, CellAlignment, ContentArrangement};

use super::doc::{Block, Doc};
use crate::text::visible;

/// Writes the document as terminal text; `color` adds bold headings.
pub fn write(doc: &Doc, color: bool, out: &mut dyn Write) -> Result<()> {
    let mut first = true;
    for block in &doc.blocks {
        match block {
            Block::Heading(h) => {
                if !first {
                    writeln!(out)?;
                }
                if color {
                    writeln!(out, "\x1b[1m{}\x1b[0m", visible(h))?;
                } else {
                    writeln!(out, "{}", visible(h))?;
                }
            }
            Block::Fields(fields) => {
                let width = fields
                    .iter()
                    .map(|(k, _)| k.chars().count())
                    .max()
                    .unwrap_or(0);
                for (k, v) in fields {
                    writeln!(out, "  {k:<width$}  {}", visible(v))?;
                }
            }
            Block::Table(t) => {
                let (t, note) = t.fitted();
                let mut table = comfy_table::Table::new();
                table.load_preset(UTF8_FULL_CONDENSED);
                table.set_content_arrangement(ContentArrangement::Disabled);
                table.set_header(t.header.iter().map(|h| {
                    let cell = Cell::new(visible(h));
                    if color {
                        cell.add_attribute(Attribute::Bold)
                    } else {
                        cell
                    }
                }));
                for row in &t.rows {
                    table.add_row(row.iter().enumerate().map(|(i, v)| {
                        let cell = Cell::new(visible(v));
                        if t.numeric.get(i).copied().unwrap_or(false) {
                            cell.set_alignment(CellAlignment::Right)
                        } else {
                            cell
                        }
                    }));
                }
                writeln!(out, "{table}")?;
                if let Some(n) = note {
                    writeln!(out, "  {n}")?;
                }
            }
            Block::Note(n) => writeln!(out, "  {}", visible(n))?,
        }
        first = false;
    }
    Ok(())
}
