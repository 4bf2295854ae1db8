//! `journeymap attribution` in every format: the credit per channel under each model, and
//! with --transitions the Markov chain's transition table.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::analysis::attribution::markov::{MarkovSummary, TransitionRow};
use crate::analysis::attribution::{AttributionModel, AttributionReport, ChannelCredit};
use crate::journey::Level;
use crate::meta::Meta;
use crate::render::{count, percent, rate6, Doc, Present, Table};
use crate::text::counted;

/// What `attribution` writes: `{name, first: {conversions, share[, value]}, ...,
/// markov: {..., removal_effect}}` per channel (docs/json.md).
#[derive(Serialize)]
pub struct AttributionOutput<'a> {
    pub meta: &'a Meta,
    pub level: Level,
    pub models: Vec<&'static str>,
    pub conversions: u64,
    pub conversions_without_touches: u64,
    pub journeys_with_touches: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_column: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markov: Option<&'a MarkovSummary>,
    pub channels: Vec<ChannelCredits<'a>>,
    #[serde(skip)]
    pub report: &'a AttributionReport,
    /// --half-life and --lookback as given, for people.
    #[serde(skip)]
    pub half_life: &'a str,
    #[serde(skip)]
    pub lookback: Option<&'a str>,
}

impl<'a> AttributionOutput<'a> {
    pub fn new(
        meta: &'a Meta,
        level: Level,
        report: &'a AttributionReport,
        value_col: Option<&'a str>,
        half_life: &'a str,
        lookback: Option<&'a str>,
    ) -> AttributionOutput<'a> {
        let (value_column, total_value) = match (value_col, report.total_value) {
            (Some(col), Some(total)) => (Some(col), Some(total)),
            _ => (None, None),
        };
        AttributionOutput {
            meta,
            level,
            models: report.models.iter().map(|m| m.key()).collect(),
            conversions: report.conversions,
            conversions_without_touches: report.conversions_without_touches,
            journeys_with_touches: report.journeys_with_touches,
            value_column,
            total_value,
            markov: report.markov.as_ref(),
            channels: report
                .channels
                .iter()
                .map(|credit| ChannelCredits {
                    models: &report.models,
                    credit,
                })
                .collect(),
            report,
            half_life,
            lookback,
        }
    }
}

/// One channel's credit under each model, keyed by the model's name.
pub struct ChannelCredits<'a> {
    models: &'a [AttributionModel],
    credit: &'a ChannelCredit,
}

/// One model's credit for one channel.
#[derive(Serialize)]
struct ModelCredit {
    conversions: f64,
    share: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<f64>,
    /// Only under `markov` (null where the channel has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    removal_effect: Option<Option<f64>>,
}

impl Serialize for ChannelCredits<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.credit;
        let mut map = s.serialize_map(Some(1 + self.models.len()))?;
        map.serialize_entry("name", &c.name)?;
        for (i, m) in self.models.iter().enumerate() {
            let cell = ModelCredit {
                conversions: c.conversions[i],
                share: c.shares[i],
                value: c.value.get(i).copied(),
                removal_effect: (*m == AttributionModel::Markov).then_some(c.removal_effect),
            };
            map.serialize_entry(m.key(), &cell)?;
        }
        map.end()
    }
}

impl Present for AttributionOutput<'_> {
    fn csv(&self) -> Option<Table> {
        Some(csv_table(self.report))
    }

    fn document(&self) -> Doc {
        document(self)
    }
}

/// What `attribution --transitions` writes: the Markov chain's transition table.
#[derive(Serialize)]
pub struct MarkovTransitionsOutput<'a> {
    pub meta: &'a Meta,
    pub level: Level,
    pub order: usize,
    pub states: usize,
    pub transitions: &'a [TransitionRow],
}

impl MarkovTransitionsOutput<'_> {
    fn table(&self, pretty: bool) -> Table {
        let mut t = Table::new(&["from", "to", "count>", "probability>"]);
        for r in self.transitions {
            t.row(vec![
                r.from.clone(),
                r.to.clone(),
                if pretty {
                    count(r.count)
                } else {
                    r.count.to_string()
                },
                rate6(Some(r.probability)),
            ]);
        }
        t
    }
}

impl Present for MarkovTransitionsOutput<'_> {
    fn csv(&self) -> Option<Table> {
        Some(self.table(false))
    }

    fn document(&self) -> Doc {
        let mut doc = Doc::default();
        doc.heading("journeymap attribution: Markov transitions");
        doc.fields(vec![
            ("order", self.order.to_string()),
            (
                "states",
                format!(
                    "{} plus (start), (conversion), (null)",
                    count(self.states as u64)
                ),
            ),
            ("options", self.meta.options.summary()),
        ]);
        doc.table(self.table(true));
        doc
    }
}

fn csv_table(r: &AttributionReport) -> Table {
    let with_value = r.total_value.is_some();
    let mut cols = vec!["name".to_string()];
    for m in &r.models {
        cols.push(format!("{}_conversions", m.key()));
        cols.push(format!("{}_share", m.key()));
        if with_value {
            cols.push(format!("{}_value", m.key()));
        }
    }
    if r.markov.is_some() {
        cols.push("markov_removal_effect".into());
    }
    let mut t = Table::new(&cols.iter().map(String::as_str).collect::<Vec<_>>());
    for c in &r.channels {
        let mut row = vec![c.name.clone()];
        for i in 0..r.models.len() {
            row.push(rate6(Some(c.conversions[i])));
            row.push(rate6(Some(c.shares[i])));
            if with_value {
                row.push(rate6(c.value.get(i).copied()));
            }
        }
        if r.markov.is_some() {
            row.push(rate6(c.removal_effect));
        }
        t.row(row);
    }
    t
}

/// A number with thousands separators and two decimals: `1,234.50` (exactly as `{:.2}` writes
/// it, so that values past 2^64 keep their digits).
fn amount(x: f64) -> String {
    let text = format!("{:.2}", x);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", text.as_str()),
    };
    let (whole, cents) = digits.split_once('.').unwrap_or((digits, "00"));
    let whole = whole.parse::<u64>().map_or_else(|_| group(whole), count);
    // -0.00 is 0.00.
    let sign = if sign == "-" && digits.bytes().all(|b| b == b'0' || b == b'.') {
        ""
    } else {
        sign
    };
    format!("{sign}{whole}.{cents}")
}

/// Digits in groups of three: `12,345,678,901,234,567,890,123`.
fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn model_title(m: AttributionModel) -> &'static str {
    match m {
        AttributionModel::TimeDecay => "time-decay",
        m => m.key(),
    }
}

fn document(o: &AttributionOutput) -> Doc {
    let (r, meta, value_col) = (o.report, o.meta, o.value_column);
    let mut doc = Doc::default();
    doc.heading("journeymap attribution");
    let mut fields = vec![
        ("conversions", count(r.conversions)),
        ("journeys with touches", count(r.journeys_with_touches)),
    ];
    if r.conversions_without_touches > 0 {
        fields.push((
            "left out",
            format!(
                "{} without a touch",
                counted(
                    r.conversions_without_touches,
                    "converting journey",
                    "converting journeys"
                )
            ),
        ));
    }
    if r.models.contains(&AttributionModel::TimeDecay) {
        fields.push(("half-life", o.half_life.to_string()));
    }
    if let Some(l) = o.lookback {
        fields.push(("lookback", l.to_string()));
    }
    if let Some(m) = &r.markov {
        fields.push((
            "markov",
            format!(
                "order {}, {} states, P(conversion) {:.6}",
                m.order,
                count(m.states as u64),
                m.p_conversion
            ),
        ));
    }
    if let (Some(col), Some(total)) = (value_col, r.total_value) {
        fields.push(("value", format!("{} ({col})", amount(total))));
    }
    fields.push(("options", meta.options.summary()));
    for n in &meta.notes {
        fields.push(("note", n.clone()));
    }
    doc.fields(fields);
    let level = meta.options.level.name();
    doc.heading("Attributed conversions (share)");
    doc.table(model_table(r, level, false));
    if r.total_value.is_some() {
        doc.heading(format!(
            "Attributed value ({})",
            value_col.unwrap_or("value")
        ));
        doc.table(model_table(r, level, true));
    }
    doc
}

/// One row per channel, one column per model (conversions with their share, or `value`), a
/// total row; the removal effect last.
fn model_table(r: &AttributionReport, level: &str, value: bool) -> Table {
    let mut header = vec![level.to_string()];
    header.extend(r.models.iter().map(|m| model_title(*m).to_string()));
    if r.markov.is_some() {
        header.push("removal effect".into());
    }
    let mut t = Table::numeric_after_first(header);
    let get = |c: &ChannelCredit, i: usize| {
        if value {
            c.value.get(i).copied().unwrap_or(0.0)
        } else {
            c.conversions[i]
        }
    };
    for c in &r.channels {
        let mut row = vec![c.name.clone()];
        for i in 0..r.models.len() {
            row.push(if value {
                amount(get(c, i))
            } else {
                format!("{} ({})", amount(get(c, i)), percent(Some(c.shares[i])))
            });
        }
        if r.markov.is_some() {
            row.push(c.removal_effect.map_or("-".into(), |e| format!("{e:.4}")));
        }
        t.row(row);
    }
    let mut total = vec!["(total)".to_string()];
    for i in 0..r.models.len() {
        total.push(amount(r.channels.iter().map(|c| get(c, i)).sum()));
    }
    if r.markov.is_some() {
        total.push(String::new());
    }
    t.row(total);
    t
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_keep_their_digits() {
        assert_eq!(super::amount(1234.5), "1,234.50");
        assert_eq!(super::amount(-0.001), "0.00");
        assert_eq!(super::amount(-1234567.125), "-1,234,567.12");
        // Past 2^64 (where a cast to an integer would saturate at 18,446,744,073,709,551,615).
        assert_eq!(super::amount(1.2e22), "12,000,000,000,000,000,000,000.00");
    }
}
