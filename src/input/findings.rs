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
    /// Counts one case at `row`, keeping the smallest row positions (in order).
    #[inline]
    pub fn add(&mut self, row: u64) {
        // Most cases come after the first rows kept: only counted.
        if !self.would_keep(row) {
            self.count += 1;
            return;
        }
        self.insert(row, None);
    }

    /// Whether a case at `row` would be among the first rows kept (else it is only counted).
    #[inline]
    fn would_keep(&self, row: u64) -> bool {
        self.first_rows.len() < FIRST_ROWS || row < self.first_rows[FIRST_ROWS - 1]
    }

    /// Counts one case at `row` with the offending value.
    pub fn add_with(&mut self, row: u64, value: &str) {
        self.insert(row, Some(value));
    }

    /// Adds another finding's cases (its count, and its rows where they are among the first).
    pub fn merge(&mut self, other: &Finding) {
        let before = self.count;
        for (i, &row) in other.first_rows.iter().enumerate() {
            self.insert(row, other.examples.get(i).map(String::as_str));
        }
        self.count = before + other.count;
    }

    fn insert(&mut self, row: u64, value: Option<&str>) {
        self.count += 1;
        if !self.would_keep(row) {
            return;
        }
        let at = self.first_rows.partition_point(|&r| r <= row);
        self.first_rows.insert(at, row);
        if let Some(v) = value {
            self.examples
                .insert(at.min(self.examples.len()), v.to_string());
        }
        if self.first_rows.len() > FIRST_ROWS {
            self.first_rows.truncate(FIRST_ROWS);
            self.examples.truncate(FIRST_ROWS);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_smallest_rows_with_their_values() {
        let mut f = Finding::default();
        for r in [40u64, 7, 90, 3, 12, 5, 60, 1] {
            f.add_with(r, &format!("v{r}"));
        }
        assert_eq!(f.count, 8);
        assert_eq!(f.first_rows, vec![1, 3, 5, 7, 12]);
        assert_eq!(f.examples, vec!["v1", "v3", "v5", "v7", "v12"]);
    }
}
