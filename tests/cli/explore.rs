//! `journeymap explore` on the hand-worked tiny log (testdata/README.md, explore).

use crate::common;
use common::*;
use serde_json::Value;

/// `value:journeys` per node, one string per position.
fn columns(r: &Value) -> Vec<String> {
    r["positions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let nodes: Vec<String> = p["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| format!("{}:{}", n["value"].as_str().unwrap(), n["journeys"]))
                .collect();
            format!("{} {}", p["position"], nodes.join(" "))
        })
        .collect()
}

fn explore(extra: &[&str]) -> Value {
    let tiny = data("tiny.csv");
    let mut args = vec!["explore", tiny.as_str(), "-f", "json"];
    args.extend_from_slice(extra);
    jm(&args).ok().json()
}

#[test]
fn forward_from_the_first_product_view() {
    let r = explore(&["--from", "product_view"]);
    assert_eq!(r["direction"], "forward");
    assert_eq!(r["journeys"], 4);
    assert_eq!(r["anchored"], 4);
    assert_eq!(
        columns(&r),
        [
            "0 product_view:4",
            "1 add_to_cart:2 home:1 (end):1",
            "2 product_view:1 purchase:1 (end):1",
            "3 add_to_cart:1 (end):1",
            "4 purchase:1",
            "5 (end):1",
        ]
    );
    assert_eq!(r["positions"][1]["nodes"][0]["share"], 0.5);
    let edges: Vec<String> = r["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}>{}={}", e["from"], e["to"], e["journeys"]).replace('"', ""))
        .collect();
    assert_eq!(
        edges[..3],
        [
            "product_view>add_to_cart=2",
            "product_view>home=1",
            "product_view>(end)=1"
        ]
    );
    assert_eq!(edges.len(), 3 + 3 + 2 + 1 + 1);
    // No conversion defined: no conversion fields.
    assert!(r["positions"][1]["nodes"][0].get("conversions").is_none());
}

#[test]
fn backward_from_the_last_purchase_with_conversions() {
    let r = explore(&[
        "--to",
        "purchase",
        "--conversion",
        "purchase",
        "--depth",
        "6",
    ]);
    assert_eq!(r["direction"], "backward");
    assert_eq!(r["anchored"], 2);
    assert_eq!(
        columns(&r),
        [
            "0 purchase:2",
            "-1 add_to_cart:2",
            "-2 product_view:2",
            "-3 home:2",
            "-4 product_view:1 (start):1",
            "-5 email_click:1",
            "-6 (start):1",
        ]
    );
    let n = &r["positions"][1]["nodes"][0];
    assert_eq!(
        (n["conversions"].as_u64(), n["conversion_rate"].as_f64()),
        (Some(2), Some(1.0))
    );
    // Edges run in time order: the first one leaves dave's (start) six positions back.
    assert_eq!(r["edges"][0]["from"], "(start)");
    assert_eq!(r["edges"][0]["from_position"], -6);
    assert_eq!(r["edges"][0]["to"], "email_click");
}

#[test]
fn per_step_folds_the_rest_and_conversions_split_by_node() {
    let r = explore(&[
        "--from",
        "product_view",
        "--per-step",
        "1",
        "--depth",
        "1",
        "--conversion",
        "purchase",
    ]);
    assert_eq!(
        columns(&r),
        ["0 product_view:4", "1 add_to_cart:2 (other):1 (end):1"]
    );
    let nodes = &r["positions"][1]["nodes"];
    // add_to_cart: alice converts, bob does not; (other) is dave's home; (end) is carol.
    assert_eq!(nodes[0]["conversions"], 1);
    assert_eq!(nodes[0]["conversion_rate"], 0.5);
    assert_eq!(nodes[1]["values"], 1);
    assert_eq!(nodes[1]["conversions"], 1);
    assert_eq!(nodes[2]["conversions"], 0);
    // Drawings carry the conversions too.
    let tiny = data("tiny.csv");
    let dot = jm(&[
        "explore",
        &tiny,
        "--from",
        "product_view",
        "--conversion",
        "purchase",
        "-f",
        "dot",
    ])
    .ok()
    .stdout;
    assert!(
        dot.contains("add_to_cart\\n2 · 50.0%\\n1 converted (50.0%)"),
        "{dot}"
    );
}

#[test]
fn same_answer_from_every_copy_of_the_tiny_log() {
    let strip = |mut v: Value| {
        v["meta"]["inputs"] = Value::Null;
        v
    };
    let want = strip(explore(&["--from", "home"]));
    // (tiny_shuffled.csv orders bob's tie differently, so its answer differs by design.)
    for copy in ["tiny.parquet", "tiny.jsonl", "tiny.tsv", "tiny.csv.gz"] {
        let got = jm(&["explore", &data(copy), "--from", "home", "-f", "json"])
            .ok()
            .json();
        assert_eq!(strip(got), want, "{copy}");
    }
}

#[test]
fn since_and_until_keep_the_time_range() {
    // Up to 2026-03-02 (the whole day): alice, bob and carol.
    let r = explore(&["--from", "home", "--until", "2026-03-02"]);
    assert_eq!(r["journeys"], 3);
    assert_eq!(r["anchored"], 3);
    let r = explore(&["--from", "home", "--since", "2026-03-03"]);
    assert_eq!(columns(&r)[..2], ["0 home:1", "1 product_view:1"]);
}

#[test]
fn csv_table_and_markdown() {
    let tiny = data("tiny.csv");
    let csv = jm(&["explore", &tiny, "--from", "product_view", "-f", "csv"])
        .ok()
        .stdout;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("position,value,kind,journeys,share,values")
    );
    assert_eq!(lines.next(), Some("0,product_view,anchor,4,1.000000,"));
    assert_eq!(lines.next(), Some("1,add_to_cart,value,2,0.500000,"));
    let table = jm(&["explore", &tiny, "--to", "purchase", "--color", "never"])
        .ok()
        .stdout;
    assert!(
        table.contains("to the last purchase in each journey"),
        "{table}"
    );
    assert!(table.contains("with the anchor"), "{table}");
    assert!(table.contains("-1"), "{table}");
    let md = jm(&["explore", &tiny, "--from", "home", "-f", "md"])
        .ok()
        .stdout;
    assert!(md.contains("| step | value | journeys | share |"), "{md}");
    assert!(md.contains(r"| +1 | product\_view | 4 | 100.0% |"), "{md}");
}

#[test]
fn bad_explore_calls() {
    let tiny = data("tiny.csv");
    let run = jm(&["explore", &tiny]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--from"), "{}", run.stderr);
    let run = jm(&["explore", &tiny, "--from", "home", "--to", "purchase"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = jm(&["explore", &tiny, "--from", "hom"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("--from 'hom' never occurs in the input; did you mean 'home'?"),
        "{}",
        run.stderr
    );
    let run = jm(&["explore", &tiny, "--from", "2026-03-01"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("time range as --since/--until"),
        "{}",
        run.stderr
    );
    let run = jm(&["explore", &tiny, "--from", "hom|purchse"]);
    assert!(
        run.stderr.contains("did you mean 'home' or 'purchase'?"),
        "{}",
        run.stderr
    );
    for empty in ["", " | "] {
        let run = jm(&["explore", &tiny, "--from", empty]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("--from needs a touchpoint name"),
            "{}",
            run.stderr
        );
    }
    // Time-range messages name explore's own flags.
    let run = jm(&[
        "explore",
        &tiny,
        "--from",
        "home",
        "--since",
        "2026-03-05",
        "--until",
        "2026-03-01",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--since is after --until"),
        "{}",
        run.stderr
    );
    let run = jm(&["explore", &tiny, "--from", "home", "--since", "2027-01-01"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("--since/--until dropped 16"),
        "{}",
        run.stderr
    );
    let run = jm(&["explore", &tiny, "--from", "home", "--depth", "0"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = jm(&["explore", &tiny, "--from", "re:([", "-q"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--from: the pattern"), "{}", run.stderr);
    let run = jm(&["explore", &tiny, "--from", "home", "-f", "dot"]).ok();
    assert!(run.stdout.contains("digraph"));
    // The time range is --since/--until here: --from takes the anchor.
    let help = jm(&["explore", "--help"]).ok().stdout;
    assert!(help.contains("--since"), "{help}");
    assert!(!help.contains("[aliases: --since]"), "{help}");
}

/// Cross-check against `paths --starting-at` (a separate implementation of "from the first
/// NAME on"): the value at each position, counted over all paths, equals explore's nodes.
#[test]
fn agrees_with_paths_starting_at_on_the_example() {
    let shop = format!("{}/examples/shop.csv", env!("CARGO_MANIFEST_DIR"));
    let args = ["--session-gap", "30m", "-f", "json"];
    let mut e = vec!["explore", shop.as_str(), "--from", "product_view"];
    e.extend(["--depth", "4", "--per-step", "1000"]);
    e.extend(args);
    let explored = jm(&e).ok().json();
    let mut p = vec![
        "paths",
        shop.as_str(),
        "--starting-at",
        "product_view",
        "--top",
        "0",
    ];
    p.extend(args);
    let paths = jm(&p).ok().json();
    assert_eq!(explored["anchored"], paths["journeys"]);
    for pos in 1..=4usize {
        let mut want = std::collections::BTreeMap::<String, u64>::new();
        for row in paths["paths"].as_array().unwrap() {
            let steps = row["path"].as_array().unwrap();
            let value = match steps.len() {
                n if n > pos => steps[pos].as_str().unwrap().to_string(),
                n if n == pos => "(end)".to_string(),
                _ => continue,
            };
            *want.entry(value).or_default() += row["count"].as_u64().unwrap();
        }
        let got: std::collections::BTreeMap<String, u64> = explored["positions"][pos]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["value"].as_str().unwrap().to_string(),
                    n["journeys"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, want, "position {pos}");
        // Edges into a position carry all of its journeys.
        let into: u64 = explored["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["to_position"] == pos)
            .map(|e| e["journeys"].as_u64().unwrap())
            .sum();
        assert_eq!(
            into,
            explored["positions"][pos]["journeys"].as_u64().unwrap()
        );
    }
}

#[test]
fn a_huge_depth_costs_no_more_than_the_longest_journey() {
    // Arrays are bounded by the longest journey (6 events), not by --depth.
    let r = explore(&["--from", "email_click", "--depth", "4000000000"]);
    assert_eq!(r["depth"], 4_000_000_000u64);
    assert_eq!(r["positions"].as_array().unwrap().len(), 7);
    assert_eq!(columns(&r)[6], "6 (end):1");
}
