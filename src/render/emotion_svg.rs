//! The emotion curve (metrics.md, Scores): each stage's mean score, in stage order, as points
//! joined by a line; a stage without responses is a gap in the line, never a 0.

use crate::render::svg::{fit, num, text_width, Svg, FONT};
use crate::text::count;

const MARGIN: f64 = 16.0;
const COL_W: f64 = 150.0;
const PLOT_H: f64 = 180.0;
const TOP: f64 = 50.0;

/// One stage: its name, mean score (if any) and responses.
pub struct Point {
    pub stage: String,
    pub mean: Option<f64>,
    pub responses: u64,
}

/// The curve of `points`, titled `title`; `low`: the low-score threshold, drawn as a dashed
/// line when it lies in the plot's range.
pub fn draw(title: &str, points: &[Point], low: Option<f64>) -> String {
    let means: Vec<f64> = points.iter().filter_map(|p| p.mean).collect();
    let lo = means.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = means.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // Whole score units around the means, at least one unit high.
    let (mut y_lo, mut y_hi) = if means.is_empty() {
        (0.0, 1.0)
    } else {
        (lo.floor(), hi.ceil())
    };
    if y_hi - y_lo < 1.0 {
        y_lo -= 0.5;
        y_hi += 0.5;
    }
    let axis_w = 40.0;
    let x0 = MARGIN + axis_w;
    let width = x0 + COL_W * points.len().max(1) as f64 + MARGIN;
    let height = TOP + PLOT_H + 60.0;
    let y_of = |v: f64| TOP + PLOT_H - (v - y_lo) / (y_hi - y_lo) * PLOT_H;
    let x_of = |i: usize| x0 + COL_W * (i as f64 + 0.5);
    let mut s = Svg::new(width, height);
    s.text(MARGIN, 24.0, "title", "start", title);
    // Axis: the range's ends and a grid line per whole unit (at most 10).
    let step = ((y_hi - y_lo) / 10.0).ceil().max(1.0);
    let mut v = y_lo;
    while v <= y_hi + 1e-9 {
        let y = y_of(v);
        s.raw(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e0e0e0\"/>",
            num(x0),
            num(y),
            num(width - MARGIN),
            num(y)
        ));
        s.text(x0 - 6.0, y + 4.0, "small", "end", &num(v));
        v += step;
    }
    if let Some(l) = low.filter(|l| *l >= y_lo && *l <= y_hi) {
        let y = y_of(l);
        s.raw(&format!(
            "<line class=\"low\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#9a3b3b\" stroke-dasharray=\"5 4\"><title>low scores: {} or lower</title></line>",
            num(x0),
            num(y),
            num(width - MARGIN),
            num(y),
            num(l)
        ));
    }
    // The line, broken at stages without responses.
    let mut run: Vec<(f64, f64)> = Vec::new();
    let flush = |run: &mut Vec<(f64, f64)>, s: &mut Svg| {
        if run.len() > 1 {
            let d: Vec<String> = run
                .iter()
                .enumerate()
                .map(|(i, (x, y))| {
                    format!("{}{} {}", if i == 0 { "M" } else { "L" }, num(*x), num(*y))
                })
                .collect();
            s.raw(&format!(
                "<path d=\"{}\" fill=\"none\" stroke=\"#2f4b7c\" stroke-width=\"2.5\"/>",
                d.join("")
            ));
        }
        run.clear();
    };
    for (i, p) in points.iter().enumerate() {
        match p.mean {
            Some(m) => run.push((x_of(i), y_of(m))),
            None => flush(&mut run, &mut s),
        }
    }
    flush(&mut run, &mut s);
    for (i, p) in points.iter().enumerate() {
        let x = x_of(i);
        let name = fit(&p.stage, 22);
        s.raw(&format!(
            "<g class=\"label\" data-box=\"{} {} {} {}\">",
            num(x - COL_W / 2.0 + 4.0),
            num(TOP + PLOT_H + 8.0),
            num(COL_W - 8.0),
            num(32.0)
        ));
        s.text(x, TOP + PLOT_H + 22.0, "label", "middle", &name);
        let under = match p.mean {
            Some(_) => format!("{} responses", count(p.responses)),
            None => "no responses".to_string(),
        };
        s.text(x, TOP + PLOT_H + 37.0, "small", "middle", &under);
        s.raw("</g>");
        if let Some(m) = p.mean {
            let y = y_of(m);
            let value = format!("{m:.2}");
            let w = text_width(&value, FONT);
            s.raw(&format!(
                "<g class=\"node\"><title>{}: mean score {value} ({} responses)</title><circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"#2f4b7c\"/></g>",
                crate::render::svg::escape(&p.stage),
                count(p.responses),
                num(x),
                num(y)
            ));
            // The value above the point (below it when the point is at the top).
            let ty = if y - 24.0 < TOP - 14.0 {
                y + 10.0
            } else {
                y - 24.0
            };
            s.raw(&format!(
                "<g class=\"label\" data-box=\"{} {} {} {}\">",
                num(x - w / 2.0 - 2.0),
                num(ty),
                num(w + 4.0),
                num(16.0)
            ));
            s.text(x, ty + 12.0, "label halo", "middle", &value);
            s.raw("</g>");
        }
    }
    s.finish(
        title,
        "The emotion curve: the mean score of each stage, in stage order; a gap where a stage has no responses.",
    )
}
