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

impl Table {
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
