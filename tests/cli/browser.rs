//! journeymap's pictures in a real browser: headless Chromium (Debian's `chromium`) loads each
//! SVG in a page whose script measures every label as the browser draws it. A label must stay
//! inside the box the layout gave it (so the width estimate never falls short and labels never
//! overlap), and the page must run without a script error. A screenshot of each is written
//! under target/screenshots/ for people to look at.
//!
//! Where Chromium is not installed the tests say so and pass, unless
//! `JOURNEYMAP_REQUIRE_CHROMIUM=1` (set by `.ci/run`, which installs it) makes that a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("JOURNEYMAP_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.exists() {
        return Some(path);
    }
    if std::env::var("JOURNEYMAP_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1") {
        panic!(
            "{} is not there; .ci/run installs Debian's chromium",
            path.display()
        );
    }
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: Chromium is not installed, so the browser checks were skipped; install Debian's chromium, or run with JOURNEYMAP_REQUIRE_CHROMIUM=1 to make that a failure"
        );
    });
    None
}

/// Runs headless Chromium on `page` with `mode` (`--dump-dom` or `--screenshot=...`), with a
/// fresh profile and no network of its own.
fn run_chromium(browser: &Path, page: &Path, mode: &str, size: &str) -> String {
    run_chromium_logged(browser, page, mode, size).0
}

/// [`run_chromium`], with what the page logged: console messages and blocked requests (the
/// lines of Chromium's log that say CONSOLE).
fn run_chromium_logged(
    browser: &Path,
    page: &Path,
    mode: &str,
    size: &str,
) -> (String, Vec<String>) {
    let profile = scratch(&format!(
        "chromium_profile_{}",
        page.file_stem().unwrap().to_string_lossy()
    ));
    // A browser that hangs must not hold CI: coreutils' timeout ends it after two minutes.
    let out = Command::new("timeout")
        .args(["120"])
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={size}"))
        .arg(mode)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert_ne!(
        out.status.code(),
        Some(124),
        "chromium did not finish in 120 s"
    );
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains("CONSOLE"))
        .map(String::from)
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

/// The page's script: every `g.label` box (`data-box`: left top width height) must hold each of
/// its texts as drawn; any script error is reported too.
const CHECK: &str = r#"<pre id="result">pending</pre><script>
window.onerror = (m) => { document.getElementById('result').textContent = 'error: ' + m; };
const bad = [];
let texts = 0;
for (const g of document.querySelectorAll('g.label')) {
  const [x, y, w, h] = g.dataset.box.split(' ').map(Number);
  for (const t of g.querySelectorAll('text')) {
    texts += 1;
    const b = t.getBBox();
    if (b.x < x - 0.5 || b.x + b.width > x + w + 0.5 || b.y < y - 0.5 || b.y + b.height > y + h + 0.5) {
      bad.push(t.textContent + ' ' + [b.x, b.y, b.width, b.height].map(v => v.toFixed(1)).join(',') + ' outside ' + [x, y, w, h].join(','));
    }
  }
}
document.getElementById('result').textContent = 'texts ' + texts + '\n' + bad.join('\n');
</script>"#;

/// The texts the page's script measured (from the DOM Chromium dumped); fails when one is
/// outside its box.
fn labels_measured(dom: &str, name: &str) -> usize {
    let start = dom.find("<pre id=\"result\">").expect("the result block") + 17;
    let end = start + dom[start..].find("</pre>").unwrap();
    let result = &dom[start..end];
    assert!(result.starts_with("texts "), "{name}: {result}");
    let mut lines = result.lines();
    let texts: usize = lines.next().unwrap()[6..].trim().parse().unwrap();
    let outside: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    assert!(
        outside.is_empty(),
        "{name}: labels wider than their boxes:\n{}",
        outside.join("\n")
    );
    texts
}

/// Loads `svg` in the browser, checks its labels, and writes a screenshot named `name`.
fn check_in_browser(browser: &Path, name: &str, svg: &str) {
    let dir = scratch(&format!("browser_{name}"));
    let page = dir.join(format!("{name}.html"));
    std::fs::write(
        &page,
        format!("<!doctype html><html><head><meta charset=\"utf-8\"></head><body>{svg}{CHECK}</body></html>"),
    )
    .unwrap();
    let dom = run_chromium(browser, &page, "--dump-dom", "1600,1000");
    assert!(
        labels_measured(&dom, name) > 0,
        "{name}: no labels measured"
    );
    // For people: the picture itself.
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let svg_file = dir.join(format!("{name}.svg"));
    std::fs::write(&svg_file, svg).unwrap();
    let png = shots.join(format!("{name}.png"));
    run_chromium(
        browser,
        &svg_file,
        &format!("--screenshot={}", png.display()),
        "1600,1000",
    );
    assert!(png.exists(), "{name}: no screenshot");
}

#[test]
fn flow_diagrams_hold_their_labels_in_a_browser() {
    let Some(browser) = chromium() else { return };
    let svg = |args: &[&str]| jm(args).ok().stdout;
    check_in_browser(
        &browser,
        "flow_shop",
        &svg(&[
            "flow",
            "examples/shop.csv",
            "--config",
            "examples/journeymap.toml",
            "-f",
            "svg",
        ]),
    );
    check_in_browser(
        &browser,
        "explore_before_checkout",
        &svg(&[
            "explore",
            "examples/shop.csv",
            "--to",
            "checkout",
            "--per-step",
            "8",
            "-f",
            "svg",
        ]),
    );
    check_in_browser(
        &browser,
        "graph_shop",
        &svg(&[
            "graph",
            "examples/shop.csv",
            "--config",
            "examples/journeymap.toml",
            "-f",
            "svg",
        ]),
    );
    check_in_browser(
        &browser,
        "diff_ab",
        &svg(&[
            "diff",
            "testdata/ab_a.csv",
            "testdata/ab_b.csv",
            "--conversion",
            "purchase",
            "-f",
            "svg",
        ]),
    );
    check_in_browser(
        &browser,
        "stages_feedback",
        &svg(&["stages", "--config", "examples/feedback.toml", "-f", "svg"]),
    );
    check_in_browser(
        &browser,
        "funnel_shop",
        &svg(&[
            "funnel",
            "examples/shop.csv",
            "--config",
            "examples/journeymap.toml",
            "--steps",
            "product_view,add_to_cart,checkout,purchase",
            "--breakdown",
            "channel",
            "-f",
            "svg",
        ]),
    );
    // Wide letters, capitals, digits, CJK and hostile names: the estimate must still hold.
    let dir = scratch("browser_names");
    let file = dir.join("names.csv");
    std::fs::write(
        &file,
        "customer_id,timestamp,touchpoint\n\
         u1,2026-03-01T10:00:00Z,WWWWWWWWWWMMMMMMMMMM\n\
         u1,2026-03-01T10:01:00Z,<script>alert(1)</script>\n\
         u2,2026-03-01T10:00:00Z,購入手続きのページ\n\
         u2,2026-03-01T10:01:00Z,%%%%@@@@0000111122223333\n\
         u3,2026-03-01T10:00:00Z,mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm\n\
         u3,2026-03-01T10:01:00Z,\"a & b \"\"quoted\"\"\"\n",
    )
    .unwrap();
    check_in_browser(
        &browser,
        "flow_names",
        &svg(&["flow", &file.display().to_string(), "-f", "svg"]),
    );
}

#[test]
fn the_report_works_offline_in_a_browser_and_prints() {
    let Some(browser) = chromium() else { return };
    let dir = scratch("browser_report");
    let html = crate::report::shop_report(&dir);
    let page = dir.join("audit.html");
    // As it is: no console message, no blocked request (the page's policy blocks every fetch
    // and says so on the console), and a PDF of A4 landscape pages.
    let pdf = dir.join("audit.pdf");
    let (_, console) = run_chromium_logged(
        &browser,
        &page,
        &format!("--print-to-pdf={}", pdf.display()),
        "1300,900",
    );
    assert!(console.is_empty(), "{console:?}");
    let bytes = std::fs::read(&pdf).expect("a PDF");
    let pages = regex::bytes::Regex::new(r"/Type\s*/Page[^s]")
        .unwrap()
        .find_iter(&bytes)
        .count();
    assert!((4..=40).contains(&pages), "{pages} pages");
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::copy(&pdf, shots.join("audit.pdf")).unwrap();
    run_chromium(
        &browser,
        &page,
        &format!("--screenshot={}", shots.join("audit.png").display()),
        "1300,2400",
    );
    // Every label of every picture in the report holds in its box.
    let checked = dir.join("audit_checked.html");
    let open = html
        .find("<meta http-equiv=\"Content-Security-Policy\"")
        .unwrap();
    let close = open + html[open..].find('>').unwrap() + 1;
    let body_end = html.rfind("</body>").unwrap();
    std::fs::write(
        &checked,
        format!(
            "{}{}{CHECK}{}",
            &html[..open],
            &html[close..body_end],
            &html[body_end..]
        ),
    )
    .unwrap();
    let dom = run_chromium(&browser, &checked, "--dump-dom", "1300,900");
    assert!(labels_measured(&dom, "audit") > 20);
}
