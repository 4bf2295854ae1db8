//! GitHub Actions workflow commands for `check`: `::error` for each failing check (shown on the
//! run and the pull request), `::warning` for each skipped one, and one closing `::notice` with
//! the totals. Passing checks get no annotation of their own, so the annotations list only what
//! needs attention; the closing notice says how many passed.

use std::io::Write;

use anyhow::Result;

use crate::check::{CheckResult, Verdict};

/// Escapes a workflow command's message: `%`, CR and LF.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command property (such as `title`): also `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(results: &[CheckResult], out: &mut dyn Write) -> Result<()> {
    let mut counts = [0usize; 3];
    for r in results {
        let (i, command) = match r.verdict {
            Verdict::Pass => (0, None),
            Verdict::Fail => (1, Some("error")),
            Verdict::Skipped => (2, Some("warning")),
        };
        counts[i] += 1;
        if let Some(command) = command {
            let title = escape_property(&format!("journeymap check: {}", r.name));
            writeln!(
                out,
                "::{command} title={title}::{}",
                escape_data(&r.message)
            )?;
        }
    }
    let [pass, fail, skipped] = counts;
    writeln!(
        out,
        "::notice title=journeymap check::{}: {pass} passed, {fail} failed, {skipped} skipped",
        crate::text::counted(results.len() as u64, "check", "checks")
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a: b, c"), "a%3A b%2C c");
    }
}
