//! `journeymap diff`: the hand-worked example of testdata/README.md (ab_a.csv against
//! ab_b.csv), the three ways to pick the sides, every format, and a dataset against itself.

use crate::common;
use common::*;

fn row<'a>(out: &'a serde_json::Value, section: &str, item: &str) -> &'a serde_json::Value {
    out[section]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["item"] == item)
        .unwrap_or_else(|| panic!("no {section} row {item}: {out}"))
}

fn ab(extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "diff",
        "--conversion",
        "purchase",
        "--funnel",
        "home,product_view,purchase",
        "-f",
        "json",
    ];
    args.extend(extra);
    jm(&args).ok().json()
}

/// Checks the numbers worked out in testdata/README.md.
fn assert_hand_worked(out: &serde_json::Value) {
    assert_eq!(out["a"]["journeys"], 10);
    assert_eq!(out["b"]["journeys"], 20);
    let bought = row(out, "paths", "home > product_view > purchase");
    assert_eq!(bought["a"]["value"], 0.6);
    assert_eq!(
        (bought["a"]["count"].as_u64(), bought["a"]["total"].as_u64()),
        (Some(6), Some(10))
    );
    assert_eq!(bought["b"]["value"], 0.2);
    assert_eq!(
        (bought["b"]["count"].as_u64(), bought["b"]["total"].as_u64()),
        (Some(4), Some(20))
    );
    assert_eq!(bought["change"], -0.4);
    assert_eq!(bought["relative_change"], -0.666667);
    assert_eq!(bought["p_value"], 0.02846);
    let looked = row(out, "paths", "home > product_view");
    assert_eq!(
        (
            looked["change"].as_f64(),
            looked["relative_change"].as_f64()
        ),
        (Some(0.4), Some(1.0))
    );
    assert_eq!(looked["p_value"], 0.02846);
    // Edges: product_view's out-edges move from purchase to (end); the rest keep p_out 1.
    let buy = row(out, "edges", "product_view -> purchase");
    assert_eq!(
        (buy["a"]["value"].as_f64(), buy["b"]["value"].as_f64()),
        (Some(0.6), Some(0.2))
    );
    assert_eq!(buy["p_value"], 0.02846);
    let end = row(out, "edges", "product_view -> (end)");
    assert_eq!(end["change"], 0.4);
    let same = row(out, "edges", "home -> product_view");
    assert_eq!(
        (same["change"].as_f64(), same["p_value"].as_f64()),
        (Some(0.0), Some(1.0))
    );
    // Exits with --conversion purchase: 4 of 10 at product_view, then 16 of 20.
    let exit = row(out, "exits", "product_view");
    assert_eq!(
        (exit["a"]["count"].as_u64(), exit["b"]["count"].as_u64()),
        (Some(4), Some(16))
    );
    assert_eq!(
        (exit["change"].as_f64(), exit["p_value"].as_f64()),
        (Some(0.4), Some(0.02846))
    );
    let funnel = row(out, "funnel", "step 3 purchase (from product_view)");
    assert_eq!(
        (funnel["a"]["value"].as_f64(), funnel["b"]["value"].as_f64()),
        (Some(0.6), Some(0.2))
    );
    // The conversion rate: 6 of 10 journeys convert, then 4 of 20.
    let converting = row(out, "conversion", "converting journeys");
    assert_eq!(converting["measure"], "conversion_rate");
    assert_eq!(
        (
            converting["a"]["count"].as_u64(),
            converting["b"]["total"].as_u64()
        ),
        (Some(6), Some(20))
    );
    assert_eq!(
        (
            converting["change"].as_f64(),
            converting["p_value"].as_f64()
        ),
        (Some(-0.4), Some(0.02846))
    );
    let overall = row(out, "funnel", "overall home > product_view > purchase");
    assert_eq!(overall["measure"], "rate_from_first");
    assert_eq!(overall["p_value"], 0.02846);
    // Largest change first in every section.
    for section in ["paths", "edges", "exits", "funnel"] {
        let changes: Vec<f64> = out[section]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["change"].as_f64().unwrap().abs())
            .collect();
        assert!(
            changes.windows(2).all(|w| w[0] >= w[1]),
            "{section}: {changes:?}"
        );
    }
}

#[test]
fn two_files_hand_worked() {
    let out = ab(&[&data("ab_a.csv"), &data("ab_b.csv")]);
    assert_eq!(out["a"]["label"], data("ab_a.csv"));
    assert_eq!(out["meta"]["journeys"], 30);
    assert_hand_worked(&out);
}

#[test]
fn split_and_before_give_the_same_numbers() {
    let dir = scratch("diff_split");
    let both = ab_in_one(&dir);
    let split = ab(&[&both, "--split", "segment=a,b"]);
    assert_eq!(split["a"]["label"], "segment=a");
    assert_hand_worked(&split);
    let before = ab(&[&both, "--before", "2026-02-01"]);
    assert_eq!(before["b"]["label"], "from 2026-02-01");
    assert_hand_worked(&before);
    for s in ["paths", "edges", "exits", "funnel"] {
        assert_eq!(split[s], before[s]);
    }
}

#[test]
fn a_dataset_against_itself_reports_no_change() {
    let shop = format!("{}/examples/shop.csv", env!("CARGO_MANIFEST_DIR"));
    let base = [
        "diff",
        &shop,
        &shop,
        "--session-gap",
        "30m",
        "--conversion",
        "purchase",
        "--funnel",
        "product_view,add_to_cart,checkout,purchase",
        "--top",
        "0",
        "-f",
        "json",
    ];
    let out = jm(&base).ok().json();
    let mut rows = 0;
    for s in ["paths", "edges", "exits", "funnel"] {
        for r in out[s]["rows"].as_array().unwrap() {
            rows += 1;
            assert_eq!(r["a"], r["b"], "{r}");
            assert!(r["change"] == 0.0 || r["a"]["value"].is_null(), "{r}");
            assert!(r["p_value"] == 1.0 || r["a"]["total"] == 0, "{r}");
        }
        assert_eq!(out[s]["hidden"], 0);
    }
    assert!(rows > 1000, "every path, edge and touchpoint: {rows}");
    let mut args = base.to_vec();
    args.extend(["--min-change", "0.000001"]);
    let out = jm(&args).ok().json();
    for s in ["paths", "edges", "exits", "funnel"] {
        assert_eq!(out[s]["rows"].as_array().unwrap().len(), 0, "{s}");
    }
}

#[test]
fn min_change_and_top_hide_rows() {
    let (a, b) = (data("ab_a.csv"), data("ab_b.csv"));
    let out = ab(&[&a, &b, "--min-change", "0.1"]);
    // Only the 40 pp moves are left: 2 paths, 2 edges, 1 exit, step 3 and overall.
    let n = |s: &str| out[s]["rows"].as_array().unwrap().len();
    assert_eq!(
        (n("paths"), n("edges"), n("exits"), n("funnel")),
        (2, 2, 1, 2)
    );
    assert_eq!(out["edges"]["hidden"], 3);
    let out = ab(&[&a, &b, "--top", "1"]);
    assert_eq!(out["edges"]["rows"].as_array().unwrap().len(), 1);
    assert_eq!(out["edges"]["hidden"], 4);
}

#[test]
fn formats() {
    let (a, b) = (data("ab_a.csv"), data("ab_b.csv"));
    let run = |f: &str| {
        jm(&["diff", &a, &b, "--conversion", "purchase", "-f", f])
            .ok()
            .stdout
    };
    let csv = run("csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "section,item,measure,a_value,a_count,a_total,b_value,b_count,b_total,change,relative_change,p_value"
    );
    assert!(csv.contains(
        "paths,home > product_view > purchase,share,0.600000,6,10,0.200000,4,20,-0.400000,-0.666667,0.028460"
    ), "{csv}");
    let table = run("table");
    assert!(table.contains("Paths (share of journeys)"), "{table}");
    assert!(
        table.contains("60.0% (6/10)") && table.contains("-40.0 pp") && table.contains("0.0285"),
        "{table}"
    );
    let md = run("md");
    assert!(md.contains("| home \\> product\\_view \\> purchase | 60.0% (6/10) | 20.0% (4/20) | -40.0 pp | -66.7% | 0.0285 |"), "{md}");
    let dot = run("dot");
    assert!(dot.starts_with("// journeymap diff: "));
    assert!(dot.contains(&format!("color=\"{}\"", "#d73027")), "{dot}");
    assert!(dot.contains(&format!("color=\"{}\"", "#1a9850")), "{dot}");
    assert!(dot.contains("label=\"-40.0 pp\""), "{dot}");
    render_dot(&dot);
    let shop = format!("{}/examples/shop.csv", env!("CARGO_MANIFEST_DIR"));
    let big = jm(&[
        "diff",
        &shop,
        "--before",
        "2026-02-15",
        "--session-gap",
        "30m",
        "-f",
        "dot",
    ])
    .ok()
    .stdout;
    render_dot(&big);
}

#[test]
fn sort_by_p_value_puts_the_surest_changes_first() {
    let a = data("ab_a.csv");
    let b = data("ab_b.csv");
    let out = ab(&[&a, &b, "--sort", "p-value"]);
    assert_eq!(out["meta"]["command_options"]["sort"], "p-value");
    for section in ["paths", "edges", "exits", "funnel"] {
        let rows = out[section]["rows"].as_array().unwrap();
        let key = |r: &serde_json::Value| {
            (
                r["p_value"].as_f64().unwrap_or(f64::INFINITY),
                -r["change"].as_f64().map_or(f64::NEG_INFINITY, f64::abs),
            )
        };
        assert!(
            rows.windows(2).all(|w| key(&w[0]) <= key(&w[1])),
            "{section}: {rows:?}"
        );
    }
    // The moved edges (p 0.02846) come before those that kept p_out 1 (p 1).
    let edges = out["edges"]["rows"].as_array().unwrap();
    assert_eq!(edges[0]["p_value"], 0.02846);
    assert_eq!(edges.last().unwrap()["p_value"], 1.0);
    // Without a conversion there is no conversion section.
    let run = jm(&["diff", &a, &b, "-f", "json"]).ok().json();
    assert!(run.get("conversion").is_none(), "{run}");
}

#[test]
fn usage_errors() {
    let a = data("ab_a.csv");
    let run = jm(&["diff", &a]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("diff compares two inputs"),
        "{}",
        run.stderr
    );
    let run = jm(&["diff", &a, "--split", "segment"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--split needs the form COL=V1,V2"));
    let run = jm(&["diff", &a, "--before", "yesterday"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("--before 'yesterday' is not a timestamp"),
        "{}",
        run.stderr
    );
    let run = jm(&["diff", &a, &a, "--funnel", "home"]);
    assert_eq!(run.code, 2);
    let run = jm(&["diff", &a, &a, "-f", "mermaid"]);
    assert_eq!(run.code, 2);
    let run = jm(&["diff", &a, "--split", "nosuch=a,b"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("no column 'nosuch' (found: customer_id, timestamp, touchpoint, channel, segment); fix the column in --split COL=V1,V2"),
        "{}",
        run.stderr
    );
    let run = jm(&["diff", &a, "--split", "segment=a,zzz", "-f", "json"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .contains("--split: no journey starts with segment=zzz"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_empty_side_of_before_is_warned_about() {
    let run = jm(&[
        "diff",
        &data("ab_a.csv"),
        "--before",
        "2030-01-01",
        "-f",
        "json",
    ])
    .ok();
    assert!(
        run.stderr
            .contains("--before 2030-01-01: no journey starts from that date"),
        "{}",
        run.stderr
    );
}
