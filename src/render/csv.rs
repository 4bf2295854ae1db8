//! CSV: one table per output, header first, for spreadsheets and scripts.

use std::io::Write;

use anyhow::Result;

use super::doc::Table;

/// Writes the table as CSV. Unless `raw`, a text cell that a spreadsheet would run as a formula
/// (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a number) gets a
/// leading `'`, as OWASP recommends against CSV injection: `=HYPERLINK(...)` is shown as text.
pub fn write(table: &Table, raw: bool, out: &mut dyn Write) -> Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let io = |e: csv::Error| -> anyhow::Error {
        // Keep an I/O failure (a closed pipe) an io::Error, so main can recognise it.
        let text = e.to_string();
        match e.into_kind() {
            csv::ErrorKind::Io(io) => io.into(),
            _ => anyhow::anyhow!("cannot write CSV: {text}"),
        }
    };
    fn cell(raw: bool, c: &str) -> std::borrow::Cow<'_, [u8]> {
        if raw || !is_formula(c) {
            std::borrow::Cow::Borrowed(c.as_bytes())
        } else {
            std::borrow::Cow::Owned(format!("'{c}").into_bytes())
        }
    }
    w.write_record(table.header.iter().map(|c| cell(raw, c)))
        .map_err(io)?;
    for row in &table.rows {
        w.write_record(row.iter().map(|c| cell(raw, c)))
            .map_err(io)?;
    }
    w.flush()?;
    Ok(())
}

/// Whether a spreadsheet could take `cell` for a formula: it starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return, and it is not a plain number (`-0.4` stays a number).
pub fn is_formula(cell: &str) -> bool {
    let risky = matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    risky && !is_number(cell)
}

/// A decimal number as journeymap writes them (digits, one point, an exponent), not `inf`
/// or `NaN`, which a spreadsheet would not read as numbers either.
fn is_number(cell: &str) -> bool {
    cell.parse::<f64>().is_ok()
        && cell
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(cells: &[&str], raw: bool) -> String {
        let mut t = Table::new(&["name"]);
        for c in cells {
            t.row(vec![c.to_string()]);
        }
        let mut out = Vec::new();
        write(&t, raw, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn formulas_are_written_as_text() {
        let cells = [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+cmd",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "-inf",
        ];
        assert_eq!(
            written(&cells, false),
            "name\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n'+cmd\n'-2+3\n'@SUM(A1)\n'\tx\n\"'\rx\"\n'-inf\n"
        );
        // Numbers and ordinary names are untouched, and --csv-raw writes every cell as it is.
        assert_eq!(
            written(&["-0.4", "-1e-7", "+3", "home", "a=b"], false),
            "name\n-0.4\n-1e-7\n+3\nhome\na=b\n"
        );
        assert_eq!(written(&["=1+1", "@x"], true), "name\n=1+1\n@x\n");
    }
}
