//! `journeymap diff` in every format: each section's rows for A and B, the change and the
//! p-value; the edges as a DOT drawing coloured by gain or loss.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::analysis::diff::{DiffRow, SideValue};
use crate::cli::OutputFormat;
use crate::meta::Meta;
use crate::render::{count, percent, rate6, Doc, Present, Table};

/// One side of the comparison, as reported.
#[derive(Serialize)]
pub struct SideInfo {
    pub label: String,
    pub journeys: u64,
    pub events: u64,
}

/// One section's rows (paths, edges, exits or funnel).
#[derive(Serialize)]
pub struct Section {
    pub rows: Vec<DiffRow>,
    /// Rows left out by --min-change and --top.
    pub hidden: u64,
}

/// What `diff` writes.
#[derive(Serialize)]
pub struct DiffOutput<'a> {
    pub meta: &'a Meta,
    pub a: SideInfo,
    pub b: SideInfo,
    pub min_change: f64,
    /// The share of journeys that convert (when a conversion is defined).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversion: Option<Section>,
    pub paths: Section,
    pub edges: Section,
    pub exits: Section,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funnel: Option<Section>,
}

impl Present for DiffOutput<'_> {
    fn csv(&self) -> Option<Table> {
        let mut t = Table::new(&[
            "section",
            "item",
            "measure",
            "a_value",
            "a_count",
            "a_total",
            "b_value",
            "b_count",
            "b_total",
            "change",
            "relative_change",
            "p_value",
        ]);
        for (name, s) in sections(self) {
            for r in &s.rows {
                t.row(vec![
                    name.to_string(),
                    r.item.clone(),
                    r.measure.to_string(),
                    rate6(r.a.value),
                    r.a.count.to_string(),
                    r.a.total.to_string(),
                    rate6(r.b.value),
                    r.b.count.to_string(),
                    r.b.total.to_string(),
                    rate6(r.change),
                    rate6(r.relative_change),
                    rate6(r.p_value),
                ]);
            }
        }
        Some(t)
    }

    fn document(&self) -> Doc {
        document(self)
    }

    /// The edges, coloured by gain or loss (DOT only).
    fn draw(&self, format: OutputFormat, out: &mut dyn Write) -> Result<()> {
        let title = format!("{} vs {}", self.a.label, self.b.label);
        if format == OutputFormat::Svg {
            let caption = vec![format!("Options: {}", self.meta.options.summary())];
            let svg = crate::render::diff_dot::svg(
                &self.edges.rows,
                &format!("journeymap diff: {title}"),
                &caption,
            );
            out.write_all(svg.as_bytes())?;
            return Ok(());
        }
        crate::render::diff_dot::write(&self.edges.rows, &title, out)
    }
}

fn sections<'a>(out: &'a DiffOutput) -> Vec<(&'static str, &'a Section)> {
    let mut v = Vec::new();
    if let Some(c) = &out.conversion {
        v.push(("conversion", c));
    }
    v.extend([
        ("paths", &out.paths),
        ("edges", &out.edges),
        ("exits", &out.exits),
    ]);
    if let Some(f) = &out.funnel {
        v.push(("funnel", f));
    }
    v
}

fn document(out: &DiffOutput) -> Doc {
    let sections = sections(out);
    let mut doc = Doc::default();
    doc.heading("journeymap diff");
    let side = |s: &SideInfo| {
        format!(
            "{} ({} journeys, {} events)",
            s.label,
            count(s.journeys),
            count(s.events)
        )
    };
    doc.fields(vec![
        ("A", side(&out.a)),
        ("B", side(&out.b)),
        (
            "change",
            "B - A in percentage points; p = two-proportion z-test".to_string(),
        ),
        ("options", out.meta.options.summary()),
    ]);
    for (name, s) in &sections {
        let title = match *name {
            "paths" => "Paths (share of journeys)",
            "edges" => "Edges (p_out)",
            "exits" => "Exits (exit rate)",
            "conversion" => "Conversion (share of journeys that convert)",
            _ => "Funnel (step rates)",
        };
        doc.heading(title);
        let mut t = Table::new(&["item", "A>", "B>", "change>", "relative>", "p>"]);
        for r in &s.rows {
            t.row(vec![
                r.item.clone(),
                side_cell(r.a),
                side_cell(r.b),
                r.change
                    .map(|c| format!("{} pp", signed(c * 100.0)))
                    .unwrap_or_else(|| "-".into()),
                r.relative_change
                    .map(|c| format!("{}%", signed(c * 100.0)))
                    .unwrap_or_else(|| "-".into()),
                r.p_value.map(p_text).unwrap_or_else(|| "-".into()),
            ]);
        }
        if t.rows.is_empty() {
            doc.note("no rows (see --min-change)");
        } else {
            doc.table(t);
        }
        if s.hidden > 0 {
            doc.note(format!(
                "... and {} more, hidden by --top or --min-change (--top 0 shows every row that --min-change keeps)",
                count(s.hidden)
            ));
        }
    }
    doc
}

fn side_cell(v: SideValue) -> String {
    match v.value {
        Some(x) => format!(
            "{} ({}/{})",
            percent(Some(x)),
            count(v.count),
            count(v.total)
        ),
        None => "-".to_string(),
    }
}

/// `+1.5`, `-0.3`, and `0.0` without a sign for no change.
fn signed(x: f64) -> String {
    let text = format!("{x:+.1}");
    match text.as_str() {
        "+0.0" | "-0.0" => "0.0".to_string(),
        _ => text,
    }
}

fn p_text(p: f64) -> String {
    if p < 0.0001 {
        "<0.0001".to_string()
    } else {
        format!("{p:.4}")
    }
}
