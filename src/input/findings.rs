//! Counted problems in the input, each with the first rows where it occurs.

use serde::Serialize;

/// How many first rows a finding keeps.
pub const FIRST_ROWS: usize = 5;

/// One kind of problem: how often it occurs and where it occurs first.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Finding {
    pub count: u64,
    /// Row positions (0-based, header excluded, continuing across files) of the first cases.
    pub first_rows: Vec<u64>,
    /// The offending values of the first cases, where there is one to show.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
}

impl Finding {
    #[inline]
    pub fn add(&mut self, row: u64) {
        self.count += 1;
        if self.first_rows.len() < FIRST_ROWS {
            self.first_rows.push(row);
        }
    }

    pub fn add_with(&mut self, row: u64, value: &str) {
        if self.first_rows.len() < FIRST_ROWS {
            self.examples.push(value.to_string());
        }
        self.add(row);
    }

    pub fn merge(&mut self, other: &Finding) {
        self.count += other.count;
        for (i, r) in other.first_rows.iter().enumerate() {
            if self.first_rows.len() < FIRST_ROWS {
                self.first_rows.push(*r);
                if let Some(e) = other.examples.get(i) {
                    self.examples.push(e.clone());
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}
