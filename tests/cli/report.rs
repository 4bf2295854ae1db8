//! `journeymap report`: one self-contained HTML file; its sections, its escaping, and the same
//! bytes for the same input. (tests/cli/browser.rs opens it in Chromium.)

use crate::common::*;

/// The report of the shop example with its survey answers, written to `dir`.
pub fn shop_report(dir: &std::path::Path) -> String {
    let out = dir.join("audit.html");
    jm(&[
        "report",
        "--config",
        "examples/feedback.toml",
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
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    // Headline numbers and how to reproduce them.
    assert!(html.contains("<b>1,642</b><span>journeys</span>"));
    assert!(html.contains("<b>2.9%</b><span>convert (47 journeys)</span>"));
    assert!(html.contains("journeymap report --config examples/feedback.toml -o"));
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
