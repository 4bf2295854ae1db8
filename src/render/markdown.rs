//! Markdown, for reports handed to people: headings, field lists and pipe tables.

use std::io::Write;

use anyhow::Result;

use super::doc::{Block, Doc};

/// Escapes text for a Markdown table cell or list item; control characters are shown
/// escaped (`\x1b`), as in terminal tables.
pub fn escape(text: &str) -> String {
    let text = crate::text::visible(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '<' | '>' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

pub fn write(doc: &Doc, out: &mut dyn Write) -> Result<()> {
    let mut level_one = true;
    for block in &doc.blocks {
        match block {
            Block::Heading(h) => {
                let hashes = if level_one { "#" } else { "##" };
                level_one = false;
                writeln!(out, "{hashes} {}\n", escape(h))?;
            }
            Block::Fields(fields) => {
                for (k, v) in fields {
                    writeln!(out, "- **{}**: {}", escape(k), escape(v))?;
                }
                writeln!(out)?;
            }
            Block::Table(t) => {
                let (t, note) = t.fitted();
                writeln!(
                    out,
                    "| {} |",
                    t.header
                        .iter()
                        .map(|h| escape(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                )?;
                let rule: Vec<&str> = (0..t.header.len())
                    .map(|i| {
                        if t.numeric.get(i).copied().unwrap_or(false) {
                            "---:"
                        } else {
                            "---"
                        }
                    })
                    .collect();
                writeln!(out, "| {} |", rule.join(" | "))?;
                for row in &t.rows {
                    writeln!(
                        out,
                        "| {} |",
                        row.iter()
                            .map(|c| escape(c))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    )?;
                }
                writeln!(out)?;
                if let Some(n) = note {
                    writeln!(out, "{}\n", escape(&n))?;
                }
            }
            Block::Note(n) => writeln!(out, "{}\n", escape(n))?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::doc::Table;

    #[test]
    fn tables_escape_pipes() {
        let mut doc = Doc::default();
        doc.heading("Report");
        let mut t = Table::new(&["name", "n>"]);
        t.row(vec!["a|b".into(), "3".into()]);
        doc.table(t);
        let mut buf = Vec::new();
        write(&doc, &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(
            text,
            "# Report\n\n| name | n |\n| --- | ---: |\n| a\\|b | 3 |\n\n"
        );
    }
}
