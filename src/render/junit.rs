//! JUnit XML for `check`: one test case per check limit, so CI systems (GitLab, Jenkins,
//! GitHub test reporters) show the gates as test results. No timestamps or durations vary
//! between runs: the same input gives the same bytes.

use std::io::Write;

use anyhow::Result;

use crate::check::{CheckResult, Verdict};

/// Escapes text for XML 1.0 attribute values and element text; drops characters XML 1.0
/// cannot hold (control characters other than tab and line breaks).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push_str(&format!("&#{};", c as u32)),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes the results as one `<testsuite>` inside `<testsuites>`.
pub fn write(results: &[CheckResult], out: &mut dyn Write) -> Result<()> {
    let tests = results.len();
    let failures = results
        .iter()
        .filter(|r| r.verdict == Verdict::Fail)
        .count();
    let skipped = results
        .iter()
        .filter(|r| r.verdict == Verdict::Skipped)
        .count();
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"journeymap check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\">"
    )?;
    writeln!(
        out,
        "  <testsuite name=\"journeymap check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\">"
    )?;
    for r in results {
        let name = escape(&format!("{} ({})", r.name, r.limit));
        let class = escape(&format!("journeymap.check.{}", r.kind.name()));
        let message = escape(&r.message);
        match r.verdict {
            Verdict::Pass => writeln!(
                out,
                "    <testcase name=\"{name}\" classname=\"{class}\" time=\"0\"/>"
            )?,
            Verdict::Fail => {
                writeln!(
                    out,
                    "    <testcase name=\"{name}\" classname=\"{class}\" time=\"0\">"
                )?;
                writeln!(
                    out,
                    "      <failure message=\"{message}\" type=\"{}\">{message}</failure>",
                    escape(&r.measure)
                )?;
                writeln!(out, "    </testcase>")?;
            }
            Verdict::Skipped => {
                writeln!(
                    out,
                    "    <testcase name=\"{name}\" classname=\"{class}\" time=\"0\">"
                )?;
                writeln!(out, "      <skipped message=\"{message}\"/>")?;
                writeln!(out, "    </testcase>")?;
            }
        }
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape("x\u{1}y\nz"), "xy&#10;z");
    }
}
