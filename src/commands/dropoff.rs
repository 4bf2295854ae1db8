//! `journeymap dropoff`: where journeys end without converting.

use anyhow::Result;
use serde::Serialize;

use super::inspect::options_line;
use super::{prepare, Context, Meta};
use crate::analysis::dropoff::{dropoff, DropoffReport};
use crate::cli::{DropoffArgs, OutputFormat};
use crate::render::{self, count, percent, rate6, Doc, Sink, Table};

#[derive(Serialize)]
struct Output<'a> {
    meta: &'a Meta,
    #[serde(flatten)]
    report: &'a DropoffReport,
}

pub fn run(args: &DropoffArgs, ctx: &Context) -> Result<()> {
    use OutputFormat::*;
    let format = render::choose_format(&args.output, "dropoff", &[Table, Csv, Json, Md])?;
    let prepared = prepare(&args.input, &args.journey, ctx, false)?;
    let report = dropoff(&prepared.journeys, prepared.conversion_defined());
    let meta = prepared.meta("dropoff");
    let mut sink = Sink::open(args.output.output.as_deref(), &meta.inputs)?;
    let color = ctx.color_stdout(sink.is_terminal());
    let json = Output {
        meta: &meta,
        report: &report,
    };
    let csv = || {
        let mut t = render::Table::new(&["name", "reach", "exits", "exit_rate", "share_of_exits"]);
        for r in &report.touchpoints {
            t.row(vec![
                r.name.clone(),
                r.reach.to_string(),
                r.exits.to_string(),
                rate6(r.exit_rate),
                rate6(r.share_of_exits),
            ]);
        }
        Some(t)
    };
    render::write_report(format, &mut sink, color, &json, csv, || {
        document(&report, &meta)
    })?;
    sink.finish()
}

fn document(r: &DropoffReport, meta: &Meta) -> Doc {
    let mut doc = Doc::default();
    doc.heading("journeymap dropoff");
    let exits_label = if meta.options.conversion.is_some() || meta.options.converted_col.is_some() {
        format!("{} (journeys that did not convert)", count(r.exits))
    } else {
        format!(
            "{} (every journey exits: no conversion defined)",
            count(r.exits)
        )
    };
    doc.fields(vec![
        ("journeys", count(r.journeys)),
        ("events", count(r.events)),
        ("exits", exits_label),
        ("options", options_line(meta)),
    ]);
    let level = match meta.options.level {
        crate::journey::Level::Channel => "channel",
        crate::journey::Level::Touchpoint => "touchpoint",
    };
    let mut t = Table::new(&[level, "reach>", "exits>", "exit rate>", "share of exits>"]);
    for row in &r.touchpoints {
        t.row(vec![
            row.name.clone(),
            count(row.reach),
            count(row.exits),
            percent(row.exit_rate),
            percent(row.share_of_exits),
        ]);
    }
    doc.table(t);
    doc.heading("Most common last two steps before an exit");
    let mut t = Table::new(&["before", "last", "exits>", "share of exits>"]);
    for s in &r.last_steps {
        t.row(vec![
            s.before.clone(),
            s.last.clone(),
            count(s.exits),
            percent(Some(s.share_of_exits)),
        ]);
    }
    doc.table(t);
    doc
}
