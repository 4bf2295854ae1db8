//! `journeymap report`: one self-contained HTML file with the audit: the headline numbers and
//! how to reproduce them, data quality, the journey map by stage with the emotion curve, the
//! flow diagram, top paths, drop-off, the funnels of `[funnels]`, attribution and the channel
//! transition heatmap. One load; every analysis runs on the same journeys.

use std::fmt::Write as _;

use anyhow::Result;

use super::diff_sides::Side;
use super::scores;
use super::stages::stage_defs;
use super::{config, prepare, Context, Prepared, Segments};
use crate::analysis::attribution::{attribute, AttributionModel, AttributionOptions};
use crate::analysis::diff::RankBy;
use crate::analysis::dropoff::dropoff;
use crate::analysis::explore::{explore, Direction, ExploreOptions};
use crate::analysis::funnel::{funnel, histogram, FunnelOrder};
use crate::analysis::graph::GraphOptions;
use crate::analysis::paths::{paths, PathOptions};
use crate::analysis::stages::{add_scores, stages, StageMap};
use crate::analysis::steps::StepList;
use crate::analysis::subset::subset;
use crate::cli::{OutputFormat, ReportArgs};
use crate::error::usage;
use crate::journey::{Conversion, Level};
use crate::meta::Meta;
use crate::render::report::attribution::AttributionOutput;
use crate::render::report::dropoff::DropoffOutput;
use crate::render::report::explore::sankey;
use crate::render::report::funnel::FunnelOutput;
use crate::render::report::inspect::InspectOutput;
use crate::render::report::paths::PathsOutput;
use crate::render::report::stages::StagesOutput;
use crate::render::report::transitions::TransitionsOutput;
use crate::render::svg::escape;
use crate::render::{html, Present, Reported, Sink};
use crate::settings::Request;
use crate::text::count;

/// The report's inline style: readable on a laptop, A4/Letter landscape in print.
const STYLE: &str = "body{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;color:#1a1a1a;margin:24px auto;max-width:1280px;padding:0 16px;line-height:1.4}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 6px;border-bottom:2px solid #2f4b7c;padding-bottom:3px}h3{font-size:15px;margin:18px 0 6px}
.howto{color:#444;font-size:13px;margin:0 0 10px}.note{color:#555;font-size:12px}
.headline{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}.headline div{border:1px solid #ccc;border-radius:4px;padding:8px 14px;min-width:130px}
.headline b{display:block;font-size:22px}.headline span{font-size:12px;color:#444}
dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;font-size:13px;margin:6px 0}dl.fields dt{font-weight:bold}dl.fields dd{margin:0;overflow-wrap:anywhere}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:12px;margin:6px 0 10px}th,td{border:1px solid #d0d0d0;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f6f6f6;border:1px solid #ddd;padding:8px;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere}
figure{margin:8px 0}figure svg{max-width:100%;height:auto}
nav ol{columns:2;font-size:13px}
@media print{@page{size:A4 landscape;margin:12mm}body{margin:0;max-width:none}section{break-inside:auto}h2,h3,.howto{break-after:avoid}figure,table{break-inside:avoid}nav{display:none}.scroll{overflow:visible}}";

/// Segment comparisons leave out rows that move less than this (1 percentage point)...
const SEGMENT_MIN_CHANGE: f64 = 0.01;
/// ...and rows whose rate rests on fewer journeys than this on a side (a 1-of-1 against
/// 0-of-4 can have a small p-value and means little).
const SEGMENT_MIN_JOURNEYS: u64 = 10;

/// One section of the report.
struct Section {
    id: String,
    title: String,
    /// One line: how to read it, and where its numbers are defined.
    howto: String,
    body: String,
}

fn how_to(text: &str, definition: &str) -> String {
    format!("{text} Definitions: docs/metrics.md, {definition}.")
}

pub fn run(args: &ReportArgs, ctx: &Context) -> Result<()> {
    if let Some(p) = &args.output {
        let ext = p
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        if !matches!(ext.as_deref(), Some("html" | "htm")) {
            return Err(usage(format!(
                "-o {}: journeymap report writes an HTML file; name it .html",
                p.display()
            )));
        }
    }
    if args.top == 0 {
        return Err(usage("--top must be at least 1"));
    }
    let config = config(&args.input)?;
    let defs = stage_defs(args.stages.as_deref(), &config)?;
    let score_settings = scores::settings(&args.scores, &config)?;
    let splits = (args.split.iter())
        .map(|spec| Segments::parse("--split", spec))
        .collect::<Result<Vec<_>>>()?;
    let mut request = Request::new(&args.input, &args.journey, &config).keep_optional_column(
        score_settings.as_ref().map(|s| s.column.as_str()),
        scores::FLAG,
    );
    for s in &splits {
        // As for `diff --split`: a source without the column gives its rows no value.
        request = request.keep_optional_column(Some(&s.column), "--split");
    }
    let mut prepared = prepare(&request, ctx).map_err(Segments::missing_column)?;
    let meta = prepared.meta("report");
    let conversion = prepared.conversion_defined();
    let mut sections = Vec::new();

    sections.push(quality(&prepared, &meta));
    if let Some(defs) = &defs {
        sections.push(stage_section(
            &prepared,
            &meta,
            defs,
            score_settings.as_ref(),
            ctx,
        )?);
    }
    sections.push(flow_section(&prepared, &meta, args));
    sections.push(graph_section(&prepared)?);
    sections.push(paths_section(&prepared, &meta, args));
    sections.push(dropoff_section(&prepared, &meta, args));
    for (name, steps) in &config.funnels {
        sections.push(funnel_section(&prepared, &meta, name, steps, ctx)?);
    }
    for (i, segments) in splits.iter().enumerate() {
        sections.push(segment_section(
            &prepared, &meta, &config, segments, i, args, ctx,
        )?);
    }
    // Attribution and the heatmap are about channels: the same journeys, read at the channel
    // level (the same events, unless collapsing merged repeats of touchpoints).
    let channels = prepared.journeys.channels.is_some()
        && (prepared.journeys.level == Level::Channel || !prepared.settings.collapse_repeats());
    if channels {
        let level = prepared.journeys.level;
        prepared.journeys.level = Level::Channel;
        let channel_meta = Meta {
            options: {
                let mut o = meta.options.clone();
                o.level = Level::Channel;
                o
            },
            ..meta.clone()
        };
        if conversion {
            sections.push(attribution_section(&prepared, &channel_meta)?);
        }
        sections.push(heatmap_section(&prepared, &channel_meta));
        prepared.journeys.level = level;
    }

    let html = page(&prepared, &meta, &config, &sections, channels);
    let read = meta.read_files();
    let mut sink = Sink::open(args.output.as_deref(), &read)?;
    sink.writer()
        .write_all(html.as_bytes())
        .map_err(|e| sink.context(e.into()))?;
    sink.finish()?;
    if let Some(p) = &args.output {
        ctx.note(format_args!(
            "the audit report is in {} ({} sections, {} bytes)",
            p.display(),
            sections.len(),
            html.len()
        ));
    }
    Ok(())
}

fn quality(p: &Prepared, meta: &Meta) -> Section {
    // No "in the future" check: the report's bytes depend only on the input and options.
    let report = crate::analysis::inspect::inspect(
        &p.table,
        &p.journeys,
        &p.order,
        &p.clean,
        p.settings.conversion(),
        i64::MAX,
    );
    let doc = InspectOutput {
        meta,
        report: &report,
    }
    .document();
    // The files, the summary and the findings; the lists of columns, touchpoints and channels
    // are inspect's own (and the other sections show the values that matter).
    let mut kept = Vec::new();
    let mut skip = false;
    for block in doc.blocks {
        let block = match block {
            crate::render::doc::Block::Heading(h) => {
                skip = matches!(h.as_str(), "Columns" | "Touchpoints" | "Channels");
                // Under the section's own title: the checks are its findings.
                crate::render::doc::Block::Heading(if h == "Data quality" {
                    "Findings".to_string()
                } else {
                    h
                })
            }
            b => b,
        };
        if !skip {
            kept.push(block);
        }
    }
    kept.push(crate::render::doc::Block::Note(
        "journeymap inspect lists every column, touchpoint and channel with its counts.".into(),
    ));
    let doc = crate::render::doc::Doc { blocks: kept };
    Section {
        id: "quality".into(),
        title: "Data quality".into(),
        howto: how_to(
            "What was read, how the columns were mapped, and what looks wrong in the data (the findings of journeymap inspect).",
            "Events and Journeys; docs/inspect.md lists every finding",
        ),
        body: html::doc(&doc),
    }
}

fn stage_section(
    p: &Prepared,
    meta: &Meta,
    defs: &[crate::analysis::stages::StageDef],
    score_settings: Option<&scores::ScoreSettings>,
    ctx: &Context,
) -> Result<Section> {
    let j = &p.journeys;
    let (map, _) = StageMap::build(defs, j.names())?;
    let conversion = p.conversion_defined();
    let mut report = stages(j, &map, conversion, 3);
    let mut curve = String::new();
    if let Some(s) = score_settings {
        let (read, info) = scores::read(p, s, ctx)?;
        add_scores(&mut report, j, &map, &read, info, conversion);
    }
    let report = report.reported();
    if let Some(info) = &report.scores {
        let points: Vec<crate::render::emotion_svg::Point> = report
            .stages
            .iter()
            .map(|st| crate::render::emotion_svg::Point {
                stage: st.stage.clone(),
                mean: st.scores.as_ref().and_then(|s| s.mean),
                responses: st.scores.as_ref().map_or(0, |s| s.responses),
            })
            .collect();
        let title = format!("The emotion curve: mean {} by stage", info.column);
        curve = format!(
            "<figure>{}</figure>",
            crate::render::emotion_svg::draw(&title, &points, info.low_score)
        );
    }
    let walks = super::stages::walks(j, &map, conversion);
    let output = StagesOutput {
        meta,
        report: &report,
        flow: false,
        walks: Some(&walks),
    };
    let mut drawing = Vec::new();
    output.draw(OutputFormat::Svg, &mut drawing)?;
    let doc = output.document();
    let mut howto = "The drawing follows journeys from stage to stage: column p is the p-th stage a journey is in, each band as thick as its journeys. The table gives per stage, in order: the journeys that reach it, go on, are lost there, skip it or come back; the time spent there; what happens there.".to_string();
    if report.scores.is_some() {
        howto
            .push_str(" The curve is each stage's mean score; a gap is a stage without responses.");
    }
    Ok(Section {
        id: "stages".into(),
        title: "The journey map by stage".into(),
        howto: how_to(&howto, "Stages and Scores"),
        body: format!(
            "<figure>{}</figure>{curve}{}",
            String::from_utf8_lossy(&drawing),
            html::doc(&doc)
        ),
    })
}

fn flow_section(p: &Prepared, meta: &Meta, args: &ReportArgs) -> Section {
    let opts = ExploreOptions {
        direction: Direction::Forward,
        depth: 5,
        per_step: args.top.min(8),
        conversions: p.conversion_defined(),
    };
    let report = explore(&p.journeys, None, &opts).reported();
    let svg = sankey(&report, meta, "flow").svg();
    Section {
        id: "flow".into(),
        title: "How journeys flow, step by step".into(),
        howto: how_to(
            "Columns are the first, second, ... events of every journey; each band is as thick as the journeys it carries; the hatched part converts. Hover a box or band for its numbers.",
            "Flow diagrams (flow)",
        ),
        body: format!("<figure>{svg}</figure>"),
    }
}

fn graph_section(p: &Prepared) -> Result<Section> {
    let (report, meta) =
        super::graph::compute(p, &GraphOptions::default(), OutputFormat::Svg, "graph");
    let mut svg = Vec::new();
    crate::render::report::graph::draw_graph(
        &report,
        &meta,
        &Default::default(),
        OutputFormat::Svg,
        &mut svg,
    )?;
    Ok(Section {
        id: "graph".into(),
        title: "The transition graph".into(),
        howto: how_to(
            "Boxes are touchpoints (darker: more journeys end there), arrows the steps between them, thicker for more; an arrow to a dot is the journeys that end there; dashed arrows go back. Big graphs show their 20 most frequent touchpoints, the conversion touchpoints and the 60 strongest steps; the caption says what is left out.",
            "Transition graph (graph)",
        ),
        body: format!("<figure>{}</figure>", String::from_utf8_lossy(&svg)),
    })
}

fn paths_section(p: &Prepared, meta: &Meta, args: &ReportArgs) -> Section {
    let opts = PathOptions {
        top: args.top,
        min_count: 1,
        other: true,
        max_steps: None,
        starting_at: None,
        ending_at: None,
    };
    let report = paths(&p.journeys, &opts, p.conversion_defined()).reported();
    let doc = PathsOutput {
        meta,
        report: &report,
    }
    .document();
    Section {
        id: "paths".into(),
        title: "Top paths".into(),
        howto: how_to(
            "The most common whole journeys, with how many convert and how long they take.",
            "Paths (paths)",
        ),
        body: html::doc(&doc),
    }
}

fn dropoff_section(p: &Prepared, meta: &Meta, args: &ReportArgs) -> Section {
    let mut report = dropoff(&p.journeys, p.conversion_defined()).reported();
    let all = report.touchpoints.len();
    report.touchpoints.truncate(args.top);
    let mut body = html::doc(
        &DropoffOutput {
            meta,
            report: &report,
        }
        .document(),
    );
    if all > args.top {
        let _ = writeln!(
            body,
            "<p class=\"note\">The {} {}s with the most exits of {} (--top).</p>",
            args.top,
            meta.options.level.name(),
            count(all as u64)
        );
    }
    Section {
        id: "dropoff".into(),
        title: "Where journeys end without converting".into(),
        howto: how_to(
            "Exits: journeys whose last event is this one and that do not convert; exit rate: exits of the journeys that reach it.",
            "Drop-off (dropoff)",
        ),
        body,
    }
}

fn funnel_section(
    p: &Prepared,
    meta: &Meta,
    name: &str,
    steps: &[String],
    ctx: &Context,
) -> Result<Section> {
    let list = StepList {
        name: Some(name.to_string()),
        steps: steps.to_vec(),
    };
    let (resolved, unmatched) = list
        .resolve(p.journeys.names())
        .map_err(|e| usage(format!("[funnels] {name}: {e:#}")))?;
    super::warn_unmatched(
        ctx,
        "funnel step",
        "matches nothing",
        &unmatched,
        p.journeys.names(),
    );
    let report = funnel(&p.journeys, &resolved, FunnelOrder::Ordered, None, &[]).reported();
    let bins = histogram(&report.times_to_convert, 10);
    let out = FunnelOutput {
        meta,
        order: FunnelOrder::Ordered,
        window_s: None,
        report: &report,
        time_to_convert_histogram: &bins,
        breakdown: None,
        window: None,
    };
    let mut svg = Vec::new();
    out.draw(OutputFormat::Svg, &mut svg)?;
    Ok(Section {
        id: format!("funnel-{}", name.bytes().map(|b| format!("{b:02x}")).collect::<String>()),
        title: format!("Funnel: {name}"),
        howto: how_to(
            "Each bar is as long as the journeys that reach the step (in order, not necessarily consecutive); the grey track is the first step.",
            "Funnels (funnel)",
        ),
        body: format!(
            "<figure>{}</figure>{}",
            String::from_utf8_lossy(&svg),
            html::doc(&out.document())
        ),
    })
}

/// Two segments side by side, as `journeymap diff --split` compares them.
fn segment_section(
    p: &Prepared,
    meta: &Meta,
    config: &crate::config::ConfigFile,
    segments: &Segments,
    index: usize,
    args: &ReportArgs,
    ctx: &Context,
) -> Result<Section> {
    let (in_a, in_b) = segments.members(p, "--split", ctx);
    let side = |value: &str, members: &[bool]| Side {
        label: format!("{}={value}", segments.column),
        journeys: subset(&p.journeys, |i| members[i]),
    };
    let (a, b) = (side(&segments.a, &in_a), side(&segments.b, &in_b));
    let funnel = config.funnels.iter().next().map(|(name, steps)| StepList {
        name: Some(name.clone()),
        steps: steps.clone(),
    });
    let funnel_spec = funnel.as_ref().map(|f| (f, FunnelOrder::Ordered, None));
    let out = super::diff::compare(
        meta,
        &a,
        &b,
        p.conversion_defined(),
        funnel_spec,
        (
            SEGMENT_MIN_CHANGE,
            args.top,
            RankBy::PValue,
            SEGMENT_MIN_JOURNEYS,
        ),
        ctx,
    )?;
    let mut svg = Vec::new();
    out.draw(OutputFormat::Svg, &mut svg)?;
    // The tables under the section's title: not diff's own heading.
    let doc = out.document();
    use crate::render::doc::Block;
    let blocks: Vec<Block> = (doc.blocks.into_iter())
        .filter(|b| !matches!(b, Block::Heading(h) if h == "journeymap diff"))
        .map(|b| match b {
            // diff's note names diff's flags.
            Block::Note(n) if n.starts_with("... and ") => Block::Note(format!(
                "{}, past --top, moving less than 1 point, or on fewer than 10 journeys.",
                n.split(", hidden by").next().unwrap_or_default()
            )),
            b => b,
        })
        .collect();
    let mut body = format!("<figure>{}</figure>", String::from_utf8_lossy(&svg));
    body.push_str(&html::blocks(&blocks));
    let funnel_note = match &funnel {
        Some(f) => format!(
            " The funnel is {} of [funnels], in order.",
            f.name.as_deref().unwrap_or_default()
        ),
        None => String::new(),
    };
    Ok(Section {
        id: format!("segments-{}", index + 1),
        title: format!(
            "Segments: {} = {} vs {}",
            segments.column, segments.a, segments.b
        ),
        howto: how_to(
            &format!(
                "A: the journeys whose first event has {col}={a}; B: those with {col}={b}. Changes are B - A in percentage points with a two-proportion z-test; the changes least likely to be chance come first (smallest p); rows that move less than {pp} point, or whose rate rests on fewer than {n} journeys on a side, are left out. With hundreds of rows, some small p-values are chance: read them as leads, not proof. In the drawing, blue steps are taken more often in B, orange less.{funnel_note}",
                col = segments.column,
                a = segments.a,
                b = segments.b,
                pp = SEGMENT_MIN_CHANGE * 100.0,
                n = SEGMENT_MIN_JOURNEYS,
            ),
            "Comparing two inputs (diff); docs/diff.md",
        ),
        body,
    })
}

fn attribution_section(p: &Prepared, meta: &Meta) -> Result<Section> {
    let opts = AttributionOptions {
        models: AttributionModel::EACH.to_vec(),
        order: 1,
        half_life: 7 * 86_400 * 1_000_000_000,
        lookback: None,
        conversion_at_end: matches!(p.settings.conversion(), Conversion::Column(_)),
        transitions: false,
    };
    let report = attribute(&p.journeys, None, &opts)?.reported();
    let doc = AttributionOutput::new(meta, Level::Channel, &report, None, "7d", None).document();
    Ok(Section {
        id: "attribution".into(),
        title: "Which channels get the credit".into(),
        howto: how_to(
            "Each model's credit for the conversions, channel by channel, side by side: the models agree where the channels' roles are clear.",
            "Attribution (attribution); docs/attribution.md",
        ),
        body: html::doc(&doc),
    })
}

fn heatmap_section(p: &Prepared, meta: &Meta) -> Section {
    let graph = crate::analysis::graph::graph(
        &p.journeys,
        &GraphOptions::default(),
        p.conversion_defined(),
    )
    .reported();
    let doc = TransitionsOutput::new(
        meta,
        Level::Channel,
        &graph,
        Some(crate::cli::Normalize::Row),
        Default::default(),
    )
    .document();
    // The matrix is shaded; the other tables are plain.
    let mut body = String::new();
    let mut first = true;
    for block in &doc.blocks {
        match block {
            crate::render::doc::Block::Table(t) if first => {
                body.push_str(&html::table(t, true));
                first = false;
            }
            crate::render::doc::Block::Heading(_) if first => {}
            b => body.push_str(&html::blocks(std::slice::from_ref(b))),
        }
    }
    Section {
        id: "heatmap".into(),
        title: "How journeys move between channels".into(),
        howto: how_to(
            "Row: the channel a step leaves, column: the channel it enters; each cell is the share of the row's steps (p_out), darker for more.",
            "Transitions (transitions)",
        ),
        body,
    }
}

/// The exact command line, each argument quoted for a POSIX shell where it needs it.
fn command_line() -> String {
    std::env::args()
        .enumerate()
        .map(|(i, a)| {
            let a = if i == 0 { "journeymap".to_string() } else { a };
            let plain = !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
            if plain {
                a
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn page(
    p: &Prepared,
    meta: &Meta,
    config: &crate::config::ConfigFile,
    sections: &[Section],
    channels: bool,
) -> String {
    let j = &p.journeys;
    let mut out = String::with_capacity(256 * 1024);
    out.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    // Nothing is fetched from anywhere: no scripts, fonts or images but what is inline.
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let inputs = meta.inputs.join(", ");
    let _ = writeln!(
        out,
        "<title>Customer journey audit: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        escape(&inputs)
    );
    let _ = writeln!(
        out,
        "<header><h1>Customer journey audit</h1><p class=\"howto\">{} · journeymap {}</p>",
        escape(&inputs),
        env!("CARGO_PKG_VERSION")
    );
    // The headline numbers.
    let conversions = j.conversions() as u64;
    let mut cards = vec![
        (count(j.len() as u64), "journeys".to_string()),
        (count(j.events() as u64), "events".to_string()),
        (count(j.customers.len() as u64), "customers".to_string()),
    ];
    if meta.options.conversion_defined() {
        let rate = if j.is_empty() {
            "-".to_string()
        } else {
            format!("{:.1}%", conversions as f64 * 100.0 / j.len() as f64)
        };
        cards.push((rate, format!("convert ({} journeys)", count(conversions))));
    }
    out.push_str("<div class=\"headline\">");
    for (value, label) in &cards {
        let _ = write!(
            out,
            "<div><b>{}</b><span>{}</span></div>",
            escape(value),
            escape(label)
        );
    }
    out.push_str("</div>\n");
    let _ = writeln!(
        out,
        "<dl class=\"fields\"><dt>options</dt><dd>{}</dd><dt>command</dt><dd><code>{}</code></dd></dl>",
        escape(&meta.options.summary()),
        escape(&command_line())
    );
    if let Some(path) = &config.path {
        if let Ok(text) = std::fs::read_to_string(path) {
            let _ = writeln!(
                out,
                "<details><summary>{} (the settings this report was made with)</summary><pre>{}</pre></details>",
                escape(&path.display().to_string()),
                escape(&text)
            );
        }
    }
    out.push_str("</header>\n<nav><ol>\n");
    for s in sections {
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            s.id,
            escape(&s.title)
        );
    }
    out.push_str("</ol></nav>\n");
    for s in sections {
        let _ = writeln!(
            out,
            "<section id=\"{}\">\n<h2>{}</h2>\n<p class=\"howto\">{}</p>\n{}</section>",
            s.id,
            escape(&s.title),
            escape(&s.howto),
            s.body
        );
    }
    if !channels && j.channels.is_some() {
        out.push_str("<p class=\"note\">Attribution and the channel heatmap are left out: with --collapse-repeats at the touchpoint level, the channel journeys would differ from those of --level channel; run the report with --level channel for them.</p>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}
