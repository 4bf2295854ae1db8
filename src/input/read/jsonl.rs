//! JSON Lines: one JSON object per line, read whole when the file is opened, every value as
//! text.

use anyhow::{anyhow, bail, Result};
use polars::prelude::*;

/// Reads JSON Lines into text columns, in order of first appearance.
pub(super) fn read_jsonl(label: &str, bytes: &[u8]) -> Result<DataFrame> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        anyhow!("{label}: line {line} is not valid UTF-8; re-save the file as UTF-8")
    })?;
    let mut names: Vec<String> = Vec::new();
    let mut cols: Vec<Vec<Option<String>>> = Vec::new();
    let mut rows = 0usize;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| anyhow!("{label}: line {}: not valid JSON: {e}", i + 1))?;
        let serde_json::Value::Object(map) = value else {
            bail!("{label}: line {}: expected a JSON object per line", i + 1);
        };
        for (k, v) in map {
            let idx = match names.iter().position(|n| *n == k) {
                Some(idx) => idx,
                None => {
                    names.push(k);
                    cols.push(vec![None; rows]);
                    names.len() - 1
                }
            };
            let cell = match v {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s),
                other => Some(other.to_string()),
            };
            cols[idx].push(cell);
        }
        rows += 1;
        for c in cols.iter_mut() {
            if c.len() < rows {
                c.push(None);
            }
        }
    }
    if names.is_empty() {
        bail!("{label}: the file is empty (no JSON objects)");
    }
    let columns = names
        .into_iter()
        .zip(cols)
        .map(|(n, c)| Column::new(n.as_str().into(), c))
        .collect();
    DataFrame::new(rows, columns).map_err(|e| anyhow!("{label}: {e}"))
}
