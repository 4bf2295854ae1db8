//! `journeymap report`: one self-contained HTML file; its sections, its escaping, and the same
//! bytes for the same input. (tests/cli/browser.rs opens it in Chromium.)

use crate::common::*;

/// The report of the shop example with its survey answers and a segment comparison, written
/// to `dir`.
pub fn shop_report(dir: &std::path::Path) -> String {
    let out = dir.join("audit.html");
    jm(&[
        "report",
        "--config",
        "examples/feedback.toml",
        "--split",
        "channel=paid_search,email",
        "-o",
        &out.display().to_string(),
    ])
    .ok();
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn the_report_has_every_section_and_nothing_from_elsewhere() {
    let dir = scratch("report_shop");
    let html = shop_report(&dir);
    for id in [
        "quality",
        "stages",
        "flow",
        "graph",
        "paths",
        "dropoff",
        "attribution",
        "heatmap",
        "segments-1",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    // Headline numbers and how to reproduce them.
    assert!(html.contains("<b>1,642</b><span>journeys</span>"));
    assert!(html.contains("<b>2.9%</b><span>convert (47 journeys)</span>"));
    assert!(html.contains(
        "journeymap report --config examples/feedback.toml --split channel=paid_search,email -o"
    ));
    assert!(
        html.contains("[scores]"),
        "the config file is in the report"
    );
    // The pictures: the emotion curve and the flow diagram, inline.
    assert!(html.contains("The emotion curve: mean score by stage"));
    assert!(html.contains("journeymap flow: journeys step by step from their start"));
    // Self-contained: no script, nothing fetched, a policy that forbids fetching.
    assert!(!html.contains("<script"));
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    let without_ns = html.replace("http://www.w3.org/2000/svg", "");
    assert!(!without_ns.contains("http://") && !without_ns.contains("https://"));
    assert!(!html.contains("src=\""));
    assert!(html.len() < 2_000_000);
    // The same bytes again.
    let again = shop_report(&scratch("report_shop_again"));
    assert_eq!(
        html.replace(&dir.display().to_string(), "DIR"),
        again.replace(&scratch("report_shop_again").display().to_string(), "DIR")
    );
}

#[test]
fn names_in_the_report_are_text() {
    let dir = scratch("report_hostile");
    let file = dir.join("evil.csv");
    std::fs::write(
        &file,
        "customer_id,timestamp,touchpoint,channel\n\
         u1,2026-03-01T10:00:00Z,<script>alert(1)</script>,<b>ch</b>\n\
         u1,2026-03-01T10:01:00Z,purchase,\"a\"\"b\"\n\
         u2,2026-03-01T10:00:00Z,<img src=x onerror=alert(2)>,x\n",
    )
    .unwrap();
    let out = dir.join("r.html");
    jm(&[
        "report",
        &file.display().to_string(),
        "--conversion",
        "purchase",
        "-o",
        &out.display().to_string(),
    ])
    .ok();
    let html = std::fs::read_to_string(out).unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>ch"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
}

#[test]
fn report_flags_are_checked() {
    let run = jm(&["report", "examples/shop.csv", "-o", "audit.pdf"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("writes an HTML file; name it .html"),
        "{}",
        run.stderr
    );
    let run = jm(&["report", "examples/shop.csv", "--top", "0"]);
    assert_eq!(run.code, 2);
}

/// The table cell of a rate as the report prints it, e.g. `60.0% (6/10)`.
fn cell(html: &str, item: &str) -> Vec<String> {
    let start = html
        .find(&format!("<td>{item}</td>"))
        .unwrap_or_else(|| panic!("no row {item}"));
    let row = &html[start..html[start..].find("</tr>").unwrap() + start];
    row.split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap().to_string())
        .collect()
}

#[test]
fn segments_are_compared_as_diff_compares_them() {
    let dir = scratch("report_segments");
    let both = ab_in_one(&dir);
    let out = dir.join("r.html");
    let run = jm(&[
        "report",
        &both,
        "--conversion",
        "purchase",
        "--split",
        "segment=a,b",
        "--split",
        "channel=direct,email",
        "-o",
        &out.display().to_string(),
    ])
    .ok();
    assert!(
        run.stderr
            .contains("--split: no journey starts with channel=email"),
        "{}",
        run.stderr
    );
    let html = std::fs::read_to_string(&out).unwrap();
    let first = &html[html.find("<section id=\"segments-1\">").unwrap()..];
    let first = &first[..first.find("</section>").unwrap()];
    assert!(first.contains("<h2>Segments: segment = a vs b</h2>"));
    // testdata/README.md (ab_a.csv, ab_b.csv): 6 of 10 convert, then 4 of 20.
    assert_eq!(
        cell(first, "converting journeys"),
        [
            "60.0% (6/10)",
            "20.0% (4/20)",
            "-40.0 pp",
            "-66.7%",
            "0.0285"
        ]
    );
    assert_eq!(
        cell(first, "home &gt; product_view &gt; purchase"),
        [
            "60.0% (6/10)",
            "20.0% (4/20)",
            "-40.0 pp",
            "-66.7%",
            "0.0285"
        ]
    );
    // Rows that do not move (p_out 1 on both sides) are left out; the drawing is there.
    assert!(
        !first.contains("<td>home -&gt; product_view</td>"),
        "{first}"
    );
    assert!(first.contains("<svg"));
    assert!(first.contains("journeymap diff: segment=a vs segment=b"));
    // The second comparison has an empty side and still says what it compares.
    assert!(html.contains("<h2>Segments: channel = direct vs email</h2>"));
    assert!(html.contains("channel=direct (30 journeys, "));
    // An empty side draws no steps and says why (it once ran out of bounds).
    assert!(html.contains("No step to draw: no step moved, or a side has no journeys."));

    // A split column that no input has names the flag; no file is written.
    let missing = dir.join("missing.html");
    let run = jm(&[
        "report",
        &both,
        "--split",
        "nosuch=a,b",
        "-o",
        &missing.display().to_string(),
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("no column 'nosuch' (found: customer_id, timestamp, touchpoint, channel, segment); fix the column in --split COL=V1,V2"),
        "{}",
        run.stderr
    );
    assert!(!missing.exists());
    let run = jm(&["report", &both, "--split", "segment"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--split needs the form COL=V1,V2"));
}

#[test]
fn segments_and_scores_are_kept_together() {
    // Two kept columns in one load: the score column of [scores] and the split column.
    let html = shop_report(&scratch("report_segments_scores"));
    assert!(html.contains("The emotion curve: mean score by stage"));
    let diff = jm(&[
        "diff",
        "--config",
        "examples/feedback.toml",
        "--split",
        "channel=paid_search,email",
        "-f",
        "json",
    ])
    .ok()
    .json();
    let conv = &diff["conversion"]["rows"][0];
    let side = |s: &str| {
        format!(
            "{:.1}% ({}/{})",
            conv[s]["value"].as_f64().unwrap() * 100.0,
            conv[s]["count"],
            conv[s]["total"]
        )
    };
    let cells = cell(&html, "converting journeys");
    assert_eq!(cells[..2], [side("a"), side("b")]);
}
