//! A small document model that the table and Markdown renderers share: headings, key-value
//! fields, tables and notes. Commands describe their result once as a [`Doc`].

/// A report for people, in order.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug)]
pub enum Block {
    Heading(String),
    /// `name: value` lines.
    Fields(Vec<(String, String)>),
    Table(Table),
    /// A line of prose (a footnote, a hint).
    Note(String),
}

/// A table of text cells; numeric columns are right-aligned.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub numeric: Vec<bool>,
}

/// The most columns a table shows people (terminal and Markdown); CSV and JSON have them all.
pub const MAX_COLUMNS: usize = 40;
/// The longest cell, in characters, that a table shows people whole.
pub const MAX_CELL_CHARS: usize = 160;

impl Table {
    /// The table as people are shown it: at most [`MAX_COLUMNS`] columns and cells of at most
    /// [`MAX_CELL_CHARS`] characters (cut with `…`), and a note that says what was left out.
    pub fn fitted(&self) -> (std::borrow::Cow<'_, Table>, Option<String>) {
        let wide = self.header.len() > MAX_COLUMNS;
        let long = |c: &String| c.len() > MAX_CELL_CHARS && c.chars().nth(MAX_CELL_CHARS).is_some();
        let any_long = self
            .header
            .iter()
            .chain(self.rows.iter().flatten())
            .any(long);
        if !wide && !any_long {
            return (std::borrow::Cow::Borrowed(self), None);
        }
        let keep = self.header.len().min(MAX_COLUMNS);
        let cut = |c: &String| -> String {
            match c.char_indices().nth(MAX_CELL_CHARS - 1) {
                Some((at, _)) if long(c) => format!("{}…", &c[..at]),
                _ => c.clone(),
            }
        };
        let fitted = Table {
            header: self.header[..keep].iter().map(cut).collect(),
            rows: self
                .rows
                .iter()
                .map(|r| r.iter().take(keep).map(cut).collect())
                .collect(),
            numeric: self.numeric.iter().take(keep).copied().collect(),
        };
        let mut what = Vec::new();
        if wide {
            what.push(format!(
                "the first {keep} of {} columns are shown",
                crate::text::count(self.header.len() as u64)
            ));
        }
        if any_long {
            what.push(format!(
                "cells longer than {MAX_CELL_CHARS} characters are cut (…)"
            ));
        }
        let note = format!("{}; -f csv or -f json has everything", what.join(" and "));
        (std::borrow::Cow::Owned(fitted), Some(note))
    }

    /// A table with these column names; a name ending in `>` is right-aligned (numeric).
    pub fn new(columns: &[&str]) -> Table {
        Table {
            header: columns
                .iter()
                .map(|c| c.trim_end_matches('>').to_string())
                .collect(),
            numeric: columns.iter().map(|c| c.ends_with('>')).collect(),
            rows: Vec::new(),
        }
    }

    /// A table whose first column is text and every other column numeric.
    pub fn numeric_after_first(header: Vec<String>) -> Table {
        Table {
            numeric: (0..header.len()).map(|i| i > 0).collect(),
            header,
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

impl Doc {
    pub fn heading(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Heading(text.into()));
    }

    pub fn fields(&mut self, fields: Vec<(&str, String)>) {
        self.blocks.push(Block::Fields(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        ));
    }

    pub fn table(&mut self, table: Table) {
        self.blocks.push(Block::Table(table));
    }

    pub fn note(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Note(text.into()));
    }
}
