//! `journeymap flow` and the SVG that journeymap draws itself: numbers worked out by hand on
//! testdata/tiny.csv, the same numbers as `explore` with an anchor, hostile names as text, and
//! boxes and labels that never overlap (read back from the SVG).

use serde_json::Value;

use crate::common::*;

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["-f", "json"]);
    jm(&a).ok().json()
}

/// (value, journeys, conversions) of each node of a position.
fn nodes(v: &Value, position: usize) -> Vec<(String, u64, u64)> {
    v["positions"][position]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["value"].as_str().unwrap().to_string(),
                n["journeys"].as_u64().unwrap(),
                n["conversions"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn flow_from_the_start_is_worked_out_by_hand() {
    // tiny.csv: alice home > product_view > add_to_cart > purchase; bob home > product_view >
    // add_to_cart; carol blog > home > product_view; dave email_click > product_view > home >
    // product_view > add_to_cart > purchase. alice and dave convert.
    let tiny = data("tiny.csv");
    let v = json(&[
        "flow",
        &tiny,
        "--conversion",
        "purchase",
        "--depth",
        "2",
        "--per-step",
        "2",
    ]);
    assert_eq!(v["meta"]["command"], "flow");
    assert_eq!(v["anchor"], "(start)");
    assert_eq!(v["anchored"], 4);
    let s = |a: &str, b: u64, c: u64| (a.to_string(), b, c);
    assert_eq!(nodes(&v, 0), [s("(start)", 4, 2)]);
    assert_eq!(v["positions"][0]["nodes"][0]["kind"], "start");
    // Step 1: home 2 (alice converts); blog and email_click tie at 1, blog first by name, so
    // email_click is the (other).
    assert_eq!(
        nodes(&v, 1),
        [s("home", 2, 1), s("blog", 1, 0), s("(other)", 1, 1)]
    );
    assert_eq!(nodes(&v, 2), [s("product_view", 3, 2), s("home", 1, 0)]);
    let edges: Vec<(String, String, u64, u64)> = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from"].as_str().unwrap().to_string(),
                e["to"].as_str().unwrap().to_string(),
                e["journeys"].as_u64().unwrap(),
                e["conversions"].as_u64().unwrap(),
            )
        })
        .collect();
    let e = |a: &str, b: &str, n: u64, c: u64| (a.to_string(), b.to_string(), n, c);
    assert_eq!(
        edges,
        [
            e("(start)", "home", 2, 1),
            e("(start)", "blog", 1, 0),
            e("(start)", "(other)", 1, 1),
            e("home", "product_view", 2, 1),
            e("blog", "home", 1, 0),
            e("(other)", "product_view", 1, 1),
        ]
    );
}

#[test]
fn flow_with_an_anchor_is_explore() {
    let shop = "examples/shop.csv";
    for anchor in [["--from", "product_view"], ["--to", "checkout"]] {
        let mut f = json(&[
            "flow",
            shop,
            "--conversion",
            "purchase",
            anchor[0],
            anchor[1],
        ]);
        let mut e = json(&[
            "explore",
            shop,
            "--conversion",
            "purchase",
            anchor[0],
            anchor[1],
        ]);
        f["meta"] = Value::Null;
        e["meta"] = Value::Null;
        assert_eq!(f, e, "{anchor:?}");
    }
    let run = jm(&["flow", shop, "--from", "home", "--to", "checkout"]);
    assert_eq!(run.code, 2);
    let run = jm(&["explore", shop]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("explore needs one of --from NAME or --to NAME"),
        "{}",
        run.stderr
    );
}

/// The boxes of an SVG drawn by journeymap: node rectangles and label boxes.
fn boxes(svg: &str) -> (Vec<[f64; 4]>, Vec<[f64; 4]>) {
    let num = |s: &str| s.parse::<f64>().unwrap();
    let rect = regex::Regex::new(
        r#"<g class="node"[^>]*><title>[^<]*</title><rect x="([-\d.]+)" y="([-\d.]+)" width="([-\d.]+)" height="([-\d.]+)""#,
    )
    .unwrap();
    let label = regex::Regex::new(
        r#"<g class="label" data-box="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)">"#,
    )
    .unwrap();
    let four = |c: regex::Captures| [num(&c[1]), num(&c[2]), num(&c[3]), num(&c[4])];
    (
        rect.captures_iter(svg).map(four).collect(),
        label.captures_iter(svg).map(four).collect(),
    )
}

fn overlap(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]
}

/// Checks an SVG of ours: one document, every node with a label, no two boxes overlapping.
pub fn check_svg(svg: &str) {
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<svg").count(), 1);
    assert_eq!(svg.matches("<g").count(), svg.matches("</g>").count());
    let (nodes, labels) = boxes(svg);
    assert!(!nodes.is_empty());
    assert_eq!(nodes.len(), labels.len());
    let all: Vec<[f64; 4]> = nodes.iter().chain(&labels).copied().collect();
    for i in 0..all.len() {
        for k in i + 1..all.len() {
            assert!(
                !overlap(all[i], all[k]),
                "{:?} overlaps {:?}",
                all[i],
                all[k]
            );
        }
    }
}

#[test]
fn svg_is_drawn_without_graphviz_and_nothing_overlaps() {
    let dir = scratch("flow_svg");
    let out = dir.join("flow.svg");
    let o = out.display().to_string();
    jm(&[
        "flow",
        "examples/shop.csv",
        "--config",
        "examples/journeymap.toml",
        "-o",
        &o,
    ])
    .ok();
    let svg = std::fs::read_to_string(&out).unwrap();
    check_svg(&svg);
    assert!(svg.contains("journeymap flow: journeys step by step from their start"));
    assert!(svg.contains("Hatched: the journeys that convert"));
    // The same bytes on stdout with -f svg, and for the same input every time.
    let stdout = jm(&[
        "flow",
        "examples/shop.csv",
        "--config",
        "examples/journeymap.toml",
        "-f",
        "svg",
    ])
    .ok()
    .stdout;
    assert_eq!(stdout, svg);
    // explore draws with the same renderer, backward too.
    for dir in ["--from", "--to"] {
        let svg = jm(&["explore", "examples/shop.csv", dir, "checkout", "-f", "svg"])
            .ok()
            .stdout;
        check_svg(&svg);
    }
    // Commands without an SVG drawing say so, with a way to get a picture.
    let run = jm(&[
        "graph",
        "examples/shop.csv",
        "-o",
        &dir.join("g.png").display().to_string(),
    ]);
    assert_eq!(run.code, 2);
    let run = jm(&[
        "flow",
        "examples/shop.csv",
        "-o",
        &dir.join("f.png").display().to_string(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("write an SVG (-o"), "{}", run.stderr);
}

#[test]
fn hostile_names_are_text_in_svg() {
    let dir = scratch("flow_hostile");
    let file = dir.join("evil.csv");
    std::fs::write(
        &file,
        "customer_id,timestamp,touchpoint\n\
         u1,2026-03-01T10:00:00Z,<script>alert(1)</script>\n\
         u1,2026-03-01T10:01:00Z,\"a\"\"quote & <b>\"\n\
         u2,2026-03-01T10:00:00Z,]]><!--\n\
         u2,2026-03-01T10:01:00Z,\"x\u{1}y\"\n\
         u3,2026-03-01T10:00:00Z,<script>alert(1)</script>\n",
    )
    .unwrap();
    let svg = jm(&["flow", &file.display().to_string(), "-f", "svg"])
        .ok()
        .stdout;
    check_svg(&svg);
    assert!(!svg.contains("<script"), "{svg}");
    assert!(!svg.contains("<b>"), "{svg}");
    assert!(!svg.contains("<!--"), "{svg}");
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(svg.contains("a&quot;quote &amp; &lt;b&gt;"));
    assert!(svg.contains("x\\x01y"));
    assert!(!svg.contains('\u{1}'));
}

#[test]
fn the_readme_picture_is_what_flow_draws() {
    let dir = scratch("flow_readme");
    let out = dir.join("flow.svg");
    jm(&[
        "flow",
        "examples/shop.csv",
        "--config",
        "examples/journeymap.toml",
        "-o",
        &out.display().to_string(),
    ])
    .ok();
    let now = std::fs::read_to_string(&out).unwrap();
    let committed =
        std::fs::read_to_string(format!("{}/docs/flow.svg", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(
        now == committed,
        "docs/flow.svg is not what flow draws now; run: journeymap flow examples/shop.csv --config examples/journeymap.toml -o docs/flow.svg"
    );
}

#[test]
fn funnel_bars_in_svg() {
    let svg = jm(&[
        "funnel",
        "testdata/tiny.csv",
        "--steps",
        "home,product_view,add_to_cart,purchase",
        "-f",
        "svg",
    ])
    .ok()
    .stdout;
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    // tiny.csv: home 4 journeys, product_view 4, add_to_cart 3, purchase 2 (metrics.md,
    // Funnels): bars of 480, 480, 360 and 240 px on tracks of 480.
    let bar =
        regex::Regex::new(r#"<rect class="bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)""#).unwrap();
    let widths: Vec<&str> = bar
        .captures_iter(&svg)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert_eq!(widths, ["480", "480", "360", "240"]);
    assert!(
        svg.contains("2 · 50.0% of step 1 · 66.7% of the step before"),
        "{svg}"
    );
    assert!(
        svg.contains("▼ 1 do not reach the next step (25.0%)"),
        "{svg}"
    );
    // Labels and tracks apart.
    let label = regex::Regex::new(r#"data-box="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)""#).unwrap();
    let track = regex::Regex::new(
        r#"<rect class="track" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)""#,
    )
    .unwrap();
    let four = |c: regex::Captures| {
        [1, 2, 3, 4].map(|i| c.get(i).unwrap().as_str().parse::<f64>().unwrap())
    };
    let all: Vec<[f64; 4]> = label
        .captures_iter(&svg)
        .map(four)
        .chain(track.captures_iter(&svg).map(four))
        .collect();
    assert_eq!(all.len(), 12);
    for i in 0..all.len() {
        for k in i + 1..all.len() {
            assert!(!overlap(all[i], all[k]), "{:?} {:?}", all[i], all[k]);
        }
    }
    // --dropped-at lists journeys, not bars.
    let run = jm(&[
        "funnel",
        "testdata/tiny.csv",
        "--steps",
        "home,purchase",
        "--dropped-at",
        "2",
        "-f",
        "svg",
    ]);
    assert_eq!(run.code, 2);
}

/// Every label box of a drawing (node labels fill their node's box; edge labels sit on
/// their edges) apart from every other.
fn labels_apart(svg: &str) -> usize {
    let label =
        regex::Regex::new(r#"<g class="label" data-box="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)""#)
            .unwrap();
    let boxes: Vec<[f64; 4]> = label
        .captures_iter(svg)
        .map(|c| [1, 2, 3, 4].map(|i| c[i].parse::<f64>().unwrap()))
        .collect();
    for i in 0..boxes.len() {
        for k in i + 1..boxes.len() {
            assert!(
                !overlap(boxes[i], boxes[k]),
                "{:?} {:?}",
                boxes[i],
                boxes[k]
            );
        }
    }
    boxes.len()
}

#[test]
fn transition_graphs_in_svg_without_graphviz() {
    let svg = jm(&[
        "graph",
        "examples/shop.csv",
        "--config",
        "examples/journeymap.toml",
        "-f",
        "svg",
    ])
    .ok()
    .stdout;
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(labels_apart(&svg) > 20);
    // The readable default, a conversion kept, what was hidden in the caption.
    assert!(
        svg.contains(">purchase</text>"),
        "the conversion touchpoint is drawn"
    );
    assert!(svg.contains("readable default for drawings"));
    assert!(svg.contains("An arrow to a dot beside a box: the journeys that end there (1,642"));
    // Same bytes every time.
    let again = jm(&[
        "graph",
        "examples/shop.csv",
        "--config",
        "examples/journeymap.toml",
        "-f",
        "svg",
    ])
    .ok()
    .stdout;
    assert_eq!(svg, again);
    // transitions draws the channel graph the same way; tiny graphs and hostile names too.
    let svg = jm(&["transitions", "examples/shop.csv", "-f", "svg"])
        .ok()
        .stdout;
    assert!(labels_apart(&svg) > 5);
    let svg = jm(&["graph", "testdata/tiny.csv", "-f", "svg"]).ok().stdout;
    labels_apart(&svg);
    // diff: the changes of p_out, signed, coloured, on the same layout.
    let svg = jm(&[
        "diff",
        "testdata/ab_a.csv",
        "testdata/ab_b.csv",
        "--conversion",
        "purchase",
        "-f",
        "svg",
    ])
    .ok()
    .stdout;
    labels_apart(&svg);
    assert!(svg.contains(">-40.0 pp</text>"), "{svg}");
    assert!(svg.contains("stroke=\"#b35806\""), "a fall is orange");
    // stages: the stage walks visit by visit (testdata/README.md, stages.csv): u1 and u6
    // A C P, u2 A C A C, u3 C P S P, u4 S; u5 has no staged event.
    let svg = jm(&["stages", "--config", "testdata/scores.toml", "-f", "svg"])
        .ok()
        .stdout;
    labels_apart(&svg);
    for tip in [
        "(start): 5 journeys (100.0%), 2 convert (40.0%)",
        "(start) → awareness: 3 journeys (60.0%), 2 convert",
        "(start) → consideration: 1 journey (20.0%), 0 convert",
        "(start) → service: 1 journey (20.0%), 0 convert",
        "awareness → consideration: 3 journeys (60.0%), 2 convert",
        "consideration → purchase: 2 journeys (40.0%), 2 convert",
        "consideration → awareness: 1 journey (20.0%), 0 convert",
        "purchase → service: 1 journey (20.0%), 0 convert",
        "service → purchase: 1 journey (20.0%), 0 convert",
        "service → (end): 1 journey (20.0%), 0 convert",
        "service: 1 journey (20.0%), 0 convert (0.0%); the stage&#39;s mean score 2.00 (3 responses)",
    ] {
        assert!(svg.contains(&format!("<title>{tip}</title>")), "{tip}: {svg}");
    }
    assert!(svg.contains("Left out: 1 journey with no staged event."));
    assert!(
        !svg.contains("are cut after"),
        "no walk is longer than 8 visits"
    );
    let dir = scratch("graph_svg_hostile");
    let file = dir.join("evil.csv");
    std::fs::write(
        &file,
        "customer_id,timestamp,touchpoint\nu1,2026-03-01T10:00:00Z,<script>x</script>\nu1,2026-03-01T10:01:00Z,a&b\nu1,2026-03-01T10:02:00Z,<script>x</script>\n",
    )
    .unwrap();
    let svg = jm(&["graph", &file.display().to_string(), "-f", "svg"])
        .ok()
        .stdout;
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;x&lt;/script&gt;"));
    labels_apart(&svg);
}
