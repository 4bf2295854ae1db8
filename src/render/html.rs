//! HTML for the audit report: the [`Doc`] every command writes for people (headings, fields,
//! tables, notes) as HTML elements, every text escaped as in SVG (names are data from
//! someone's log: they stay text).

use std::fmt::Write as _;

use super::doc::{Block, Doc, Table};
use super::svg::escape;

/// A table as HTML; numeric columns right-aligned. `shade`: colour each numeric cell by its
/// value against the largest in the table (a heatmap), the number still written in the cell.
pub fn table(t: &Table, shade: bool) -> String {
    let (t, note) = t.fitted();
    let mut out = String::from("<div class=\"scroll\"><table>\n<thead><tr>");
    for (i, h) in t.header.iter().enumerate() {
        let class = if t.numeric.get(i).copied().unwrap_or(false) {
            " class=\"num\""
        } else {
            ""
        };
        let _ = write!(out, "<th{class}>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let value = |c: &str| c.replace(',', "").trim_end_matches('%').parse::<f64>().ok();
    let max = if shade {
        t.rows
            .iter()
            .flat_map(|r| r.iter().enumerate())
            .filter(|(i, _)| *i > 0 && t.numeric.get(*i).copied().unwrap_or(false))
            .filter_map(|(_, c)| value(c))
            .fold(0.0, f64::max)
    } else {
        0.0
    };
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let numeric = t.numeric.get(i).copied().unwrap_or(false);
            let mut attrs = String::new();
            if numeric {
                attrs.push_str(" class=\"num\"");
            }
            if let (true, true, Some(v)) = (shade && max > 0.0, numeric && i > 0, value(c)) {
                // Light to dark blue; dark cells get white text. Greyscale keeps the order.
                let f = (v / max).clamp(0.0, 1.0);
                let light = 96.0 - 60.0 * f;
                let text = if f > 0.55 { "#ffffff" } else { "#1a1a1a" };
                let _ = write!(
                    attrs,
                    " style=\"background:hsl(212,45%,{light:.0}%);color:{text}\""
                );
            }
            let _ = write!(out, "<td{attrs}>{}</td>", escape(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    if let Some(n) = note {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(&n));
    }
    out
}

/// A command's document as HTML; its first heading (the command's name) is left out, the
/// others become `<h3>`.
pub fn doc(d: &Doc) -> String {
    let skip = usize::from(matches!(d.blocks.first(), Some(Block::Heading(_))));
    blocks(&d.blocks[skip..])
}

/// Blocks of a document as HTML: headings as `<h3>`, fields, tables, notes.
pub fn blocks(list: &[Block]) -> String {
    let mut out = String::new();
    for block in list {
        match block {
            Block::Heading(h) => {
                let _ = writeln!(out, "<h3>{}</h3>", escape(h));
            }
            Block::Fields(fields) => {
                out.push_str("<dl class=\"fields\">\n");
                for (k, v) in fields {
                    let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
                }
                out.push_str("</dl>\n");
            }
            Block::Table(t) => out.push_str(&table(t, false)),
            Block::Note(n) => {
                let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(n));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_text_and_heatmaps_shade_numbers() {
        let mut d = Doc::default();
        d.heading("journeymap paths");
        d.fields(vec![("a<b", "<script>x</script>".to_string())]);
        let mut t = Table::new(&["from", "home>", "cart>"]);
        t.row(vec![
            "<img src=x onerror=1>".into(),
            "10".into(),
            "0".into(),
        ]);
        d.table(t.clone());
        let html = doc(&d);
        assert!(
            !html.contains("<script>") && !html.contains("<img"),
            "{html}"
        );
        assert!(html.contains("&lt;img src=x onerror=1&gt;"));
        assert!(!html.contains("journeymap paths"));
        let shaded = table(&t, true);
        assert!(shaded.contains("hsl(212,45%,36%)"), "{shaded}");
        assert!(shaded.contains("hsl(212,45%,96%)"), "{shaded}");
    }
}
