//! `journeymap funnel` in every format: the steps, the breakdown by a column, the time to
//! convert; and, with --dropped-at, the journeys that stopped before a step.

use serde::Serialize;

use crate::analysis::funnel::{Bin, FunnelOrder, FunnelReport};
use crate::analysis::funnel_breakdown::{Breakdown, Dropped};
use crate::cli::OutputFormat;
use crate::duration::humanize_secs;
use crate::meta::Meta;
use crate::render::{count, percent, rate6, Doc, Present, Table};
use crate::text::counted;

/// What `funnel` writes.
#[derive(Serialize)]
pub struct FunnelOutput<'a> {
    pub meta: &'a Meta,
    pub order: FunnelOrder,
    pub window_s: Option<f64>,
    #[serde(flatten)]
    pub report: &'a FunnelReport,
    pub time_to_convert_histogram: &'a [Bin],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<Breakdown>,
    /// The window as given (`7d`), for people.
    #[serde(skip)]
    pub window: Option<&'a str>,
}

impl FunnelOutput<'_> {
    /// `(all)` first, then each breakdown value.
    fn groups(&self) -> Vec<(&str, &FunnelReport)> {
        std::iter::once(("(all)", self.report))
            .chain(
                self.breakdown
                    .iter()
                    .flat_map(|b| b.values.iter().map(|v| (v.value.as_str(), &v.report))),
            )
            .collect()
    }
}

impl Present for FunnelOutput<'_> {
    fn csv(&self) -> Option<Table> {
        let with_values = self.breakdown.is_some();
        let mut cols = vec![
            "step",
            "name",
            "reached",
            "drop_off",
            "rate_from_first",
            "rate_from_previous",
            "share_of_journeys",
        ];
        if with_values {
            cols.insert(0, "value");
        }
        let mut t = Table::new(&cols);
        let groups = self.groups();
        for (value, r) in groups
            .iter()
            .take(if with_values { groups.len() } else { 1 })
        {
            for (i, s) in r.steps.iter().enumerate() {
                let mut row = vec![
                    (i + 1).to_string(),
                    s.step.clone(),
                    s.reached.to_string(),
                    s.drop_off.to_string(),
                    rate6(s.rate_from_first),
                    rate6(s.rate_from_previous),
                    rate6(s.share_of_journeys),
                ];
                if with_values {
                    row.insert(0, value.to_string());
                }
                t.row(row);
            }
        }
        Some(t)
    }

    fn document(&self) -> Doc {
        document(self)
    }

    fn draw(&self, format: OutputFormat, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
        if format != OutputFormat::Svg {
            return Err(crate::error::usage("funnel draws only svg"));
        }
        let steps: Vec<&str> = self.report.steps.iter().map(|s| s.step.as_str()).collect();
        let mut title = format!(
            "journeymap funnel: {} ({}",
            steps.join(" > "),
            self.order.name()
        );
        if let Some(w) = self.window {
            title.push_str(&format!(", within {w}"));
        }
        title.push(')');
        let mut panels: Vec<(String, &FunnelReport)> = vec![(
            format!("all {} journeys", count(self.report.journeys)),
            self.report,
        )];
        if let Some(b) = &self.breakdown {
            for v in &b.values {
                panels.push((
                    format!(
                        "{} = {} ({} journeys)",
                        b.column,
                        v.value,
                        count(v.report.journeys)
                    ),
                    &v.report,
                ));
            }
        }
        let t = &self.report.time_to_convert;
        let mut caption = Vec::new();
        if let (Some(m), Some(p)) = (t.median_s, t.p90_s) {
            caption.push(format!(
                "Time from the first to the last step: median {}, p90 {} ({} journeys).",
                humanize_secs(m),
                humanize_secs(p),
                count(t.count)
            ));
        }
        caption.push(format!("Options: {}", self.meta.options.summary()));
        out.write_all(crate::render::funnel_svg::draw(&title, &panels, &caption).as_bytes())?;
        Ok(())
    }
}

/// What `funnel --dropped-at N` writes.
#[derive(Serialize)]
pub struct DroppedOutput<'a> {
    pub meta: &'a Meta,
    pub dropped_at: usize,
    pub journeys: &'a [Dropped],
}

impl DroppedOutput<'_> {
    fn table(&self) -> Table {
        let mut t = Table::new(&["customer_id", "journey_start", "steps_reached>"]);
        for d in self.journeys {
            t.row(vec![
                d.customer_id.clone(),
                d.journey_start.clone(),
                d.steps_reached.to_string(),
            ]);
        }
        t
    }
}

impl Present for DroppedOutput<'_> {
    fn csv(&self) -> Option<Table> {
        Some(self.table())
    }

    fn document(&self) -> Doc {
        let mut doc = Doc::default();
        let dropped = counted(self.journeys.len() as u64, "journey", "journeys");
        doc.heading(format!(
            "journeymap funnel: {dropped} dropped at step {}",
            self.dropped_at
        ));
        doc.table(self.table());
        doc
    }
}

fn document(o: &FunnelOutput) -> Doc {
    let (r, bins, groups) = (o.report, o.time_to_convert_histogram, o.groups());
    let mut doc = Doc::default();
    doc.heading("journeymap funnel");
    let t = &r.time_to_convert;
    let time = match (t.median_s, t.p90_s, t.max_s) {
        (Some(m), Some(p), Some(x)) => format!(
            "{} journeys: median {}, p90 {}, max {}",
            count(t.count),
            humanize_secs(m),
            humanize_secs(p),
            humanize_secs(x)
        ),
        _ if t.count > 0 => format!(
            "{} journeys; their times are not known (a variants table has no event times)",
            count(t.count)
        ),
        _ => "no journey reached the last step".to_string(),
    };
    doc.fields(vec![
        ("journeys", count(r.journeys)),
        ("order", o.order.name().to_string()),
        ("window", o.window.unwrap_or("none").to_string()),
        ("time to convert", time),
        ("options", o.meta.options.summary()),
    ]);
    let mut table = Table::new(&[
        "#>",
        "step",
        "reached>",
        "drop-off>",
        "from first>",
        "from previous>",
        "of journeys>",
    ]);
    for (i, s) in r.steps.iter().enumerate() {
        table.row(vec![
            (i + 1).to_string(),
            s.step.clone(),
            count(s.reached),
            count(s.drop_off),
            percent(s.rate_from_first),
            percent(s.rate_from_previous),
            percent(s.share_of_journeys),
        ]);
    }
    doc.table(table);
    if groups.len() > 1 {
        doc.heading("Breakdown (reached, and the rate from the first step)");
        let mut header: Vec<String> = vec!["step".into()];
        header.extend(
            groups
                .iter()
                .map(|(v, g)| format!("{v} ({})", count(g.journeys))),
        );
        let mut t = Table::numeric_after_first(header);
        for (i, s) in r.steps.iter().enumerate() {
            let mut row = vec![s.step.clone()];
            for (_, g) in &groups {
                let cell = &g.steps[i];
                row.push(format!(
                    "{} ({})",
                    count(cell.reached),
                    percent(cell.rate_from_first)
                ));
            }
            t.row(row);
        }
        doc.table(t);
    }
    if !bins.is_empty() {
        doc.heading("Time to convert");
        let most = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1);
        let mut h = Table::new(&["from", "to", "journeys>", ""]);
        for b in bins {
            let bar = "█".repeat(((b.count as f64 / most as f64) * 30.0).round() as usize);
            h.row(vec![
                humanize_secs(b.from_s),
                humanize_secs(b.to_s),
                count(b.count),
                bar,
            ]);
        }
        doc.table(h);
    }
    doc
}
