//! JSON Lines: one JSON object per line, read whole when the file is opened, every value as
//! text. Cells are kept per key as they occur, so a file whose lines carry many different keys
//! costs memory in proportion to its values, not to lines times keys; only the columns that
//! loading asks for are laid out in full.

use anyhow::{anyhow, bail, Result};
use polars::prelude::*;

/// A JSON Lines file, parsed: its keys in order of first appearance and the cells of each.
pub(super) struct JsonlFile {
    /// Objects (non-blank lines) read.
    rows: usize,
    names: Vec<String>,
    /// Per key, the (row, value) cells that have it; JSON null is no cell.
    cells: Vec<Vec<(u32, String)>>,
}

impl JsonlFile {
    /// Parses JSON Lines (a leading byte-order mark is skipped, as for CSV).
    pub(super) fn parse(label: &str, bytes: &[u8]) -> Result<JsonlFile> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            anyhow!("{label}: line {line} is not valid UTF-8; re-save the file as UTF-8")
        })?;
        let mut index: hashbrown::HashMap<String, usize> = hashbrown::HashMap::new();
        let mut file = JsonlFile {
            rows: 0,
            names: Vec::new(),
            cells: Vec::new(),
        };
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let value: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| anyhow!("{label}: line {}: not valid JSON: {e}", i + 1))?;
            let serde_json::Value::Object(map) = value else {
                bail!("{label}: line {}: expected a JSON object per line", i + 1);
            };
            let row = u32::try_from(file.rows)
                .map_err(|_| anyhow!("{label}: more than {} lines; split the file", u32::MAX))?;
            for (k, v) in map {
                let cell = match v {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                let idx = match index.get(&k) {
                    Some(&idx) => idx,
                    None => {
                        index.insert(k.clone(), file.names.len());
                        file.names.push(k);
                        file.cells.push(Vec::new());
                        file.names.len() - 1
                    }
                };
                file.cells[idx].push((row, cell));
            }
            file.rows += 1;
        }
        if file.names.is_empty() {
            bail!("{label}: the file is empty (no JSON objects)");
        }
        Ok(file)
    }

    /// The keys, in order of first appearance.
    pub(super) fn columns(&self) -> Vec<String> {
        self.names.clone()
    }

    /// The number of objects.
    pub(super) fn rows(&self) -> usize {
        self.rows
    }

    /// The `wanted` keys as text columns, a row per object (null where an object lacks it).
    pub(super) fn read(&self, label: &str, wanted: &[String]) -> Result<DataFrame> {
        let mut columns = Vec::with_capacity(wanted.len());
        for name in wanted {
            let idx = self
                .names
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| anyhow!("{label}: no key '{name}'"))?;
            let mut dense: Vec<Option<&str>> = vec![None; self.rows];
            for (row, value) in &self.cells[idx] {
                dense[*row as usize] = Some(value);
            }
            columns.push(Column::new(name.as_str().into(), dense));
        }
        DataFrame::new(self.rows, columns).map_err(|e| anyhow!("{label}: {e}"))
    }
}
