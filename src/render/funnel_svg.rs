//! A funnel as bars (`funnel -f svg`): one bar per step as long as the journeys that reach it,
//! on a grey track as long as the first step's, with the rates beside and the drop-off between
//! the steps; with `--breakdown`, one panel per value under the whole.

use std::fmt::Write as _;

use crate::analysis::funnel::FunnelReport;
use crate::render::svg::{
    escape, fit, num, text_block_width, text_width, Svg, FONT, MAX_LABEL_CHARS, SMALL,
};
use crate::text::count;

const MARGIN: f64 = 16.0;
const BAR_W: f64 = 480.0;
const BAR_H: f64 = 22.0;
/// A step's row: its bar and the drop-off line under it.
const ROW_H: f64 = 44.0;
const PANEL_GAP: f64 = 28.0;
const CAPTION_LINE: f64 = 15.0;

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.1}%", v * 100.0))
        .unwrap_or_else(|| "-".to_string())
}

/// The bars of each (name, report), with a title and caption lines.
pub fn draw(title: &str, panels: &[(String, &FunnelReport)], caption: &[String]) -> String {
    let names: Vec<String> = panels
        .first()
        .map(|(_, r)| {
            r.steps
                .iter()
                .enumerate()
                .map(|(i, s)| fit(&format!("{}. {}", i + 1, s.step), MAX_LABEL_CHARS))
                .collect()
        })
        .unwrap_or_default();
    let label_w = names
        .iter()
        .map(|n| text_width(n, FONT))
        .fold(0.0, f64::max);
    let x0 = MARGIN + label_w + 10.0;
    let numbers = |r: &FunnelReport, i: usize| {
        let s = &r.steps[i];
        let mut t = format!(
            "{} · {} of step 1",
            count(s.reached),
            pct(s.rate_from_first)
        );
        if i > 0 {
            let _ = write!(t, " · {} of the step before", pct(s.rate_from_previous));
        }
        t
    };
    let numbers_w = panels
        .iter()
        .flat_map(|(_, r)| (0..r.steps.len()).map(move |i| (r, i)))
        .map(|(r, i)| text_width(&numbers(r, i), SMALL))
        .fold(0.0, f64::max);
    let width = x0 + BAR_W + 10.0 + numbers_w + MARGIN;
    let panel_h = |r: &FunnelReport| 22.0 + r.steps.len() as f64 * ROW_H;
    let body: f64 = panels.iter().map(|(_, r)| panel_h(r) + PANEL_GAP).sum();
    let top = 36.0;
    let height = top + body + caption.len() as f64 * CAPTION_LINE + MARGIN;
    let mut s = Svg::new(width.max(text_block_width(title, caption, MARGIN)), height);
    s.text(MARGIN, 24.0, "title", "start", title);
    let mut y = top;
    for (name, r) in panels {
        s.text(MARGIN, y + 12.0, "head", "start", name);
        y += 22.0;
        let first = r.steps.first().map_or(0, |s| s.reached).max(1);
        for (i, step) in r.steps.iter().enumerate() {
            let len = BAR_W * step.reached as f64 / first as f64;
            let label = names.get(i).cloned().unwrap_or_default();
            let tip = format!(
                "{}: {} journeys reach it ({} of step 1{}); {} drop off after it",
                step.step,
                count(step.reached),
                pct(step.rate_from_first),
                if i > 0 {
                    format!(", {} of the step before", pct(step.rate_from_previous))
                } else {
                    String::new()
                },
                count(step.drop_off)
            );
            s.raw(&format!(
                "<g class=\"label\" data-box=\"{} {} {} {}\">",
                num(MARGIN),
                num(y),
                num(label_w),
                num(BAR_H)
            ));
            s.text(MARGIN, y + 15.5, "label", "start", &label);
            s.raw("</g>");
            s.raw(&format!(
                "<g class=\"node\"><title>{}</title><rect class=\"track\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#e6e6e6\"/><rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#4c78a8\" stroke=\"#2f4b7c\"/></g>",
                escape(&tip),
                num(x0),
                num(y),
                num(BAR_W),
                num(BAR_H),
                num(x0),
                num(y),
                num(len.max(1.0)),
                num(BAR_H)
            ));
            let nx = x0 + BAR_W + 10.0;
            s.raw(&format!(
                "<g class=\"label\" data-box=\"{} {} {} {}\">",
                num(nx),
                num(y),
                num(numbers_w),
                num(BAR_H)
            ));
            s.text(nx, y + 15.0, "small", "start", &numbers(r, i));
            s.raw("</g>");
            if i + 1 < r.steps.len() {
                let lost = step.reached.saturating_sub(r.steps[i + 1].reached);
                let share = (step.reached > 0).then(|| lost as f64 / step.reached as f64);
                s.text(
                    x0,
                    y + BAR_H + 15.0,
                    "small",
                    "start",
                    &format!(
                        "▼ {} do not reach the next step ({})",
                        count(lost),
                        pct(share)
                    ),
                );
            }
            y += ROW_H;
        }
        y += PANEL_GAP;
    }
    for (i, line) in caption.iter().enumerate() {
        s.text(
            MARGIN,
            y + 4.0 + i as f64 * CAPTION_LINE,
            "small",
            "start",
            line,
        );
    }
    s.finish(
        title,
        "Funnel bars: each step's bar is as long as the journeys that reach it, on a grey track as long as the first step's.",
    )
}
