//! Every report in every format it writes, on `testdata/` and the bundled example, held to a
//! reviewed snapshot (tests/cli/snapshots/). A change to any byte of any output shows up here
//! as a diff; `cargo insta review` (or INSTA_UPDATE=always) accepts a deliberate one.

use crate::common::*;

/// (snapshot name, arguments before `-f`, the formats the command writes).
fn cases() -> Vec<(&'static str, Vec<&'static str>, &'static [&'static str])> {
    const TABLE: &[&str] = &["table", "csv", "json", "md"];
    const GRAPH: &[&str] = &["table", "csv", "json", "md", "dot", "mermaid"];
    let shop = "examples/shop.csv";
    let tiny = "testdata/tiny.csv";
    vec![
        (
            "inspect_tiny",
            vec!["inspect", tiny, "--converted-col", "converted"],
            &["table", "json", "md"],
        ),
        (
            "paths_tiny",
            vec!["paths", tiny, "--conversion", "purchase"],
            TABLE,
        ),
        (
            "paths_shop_top",
            vec![
                "paths",
                shop,
                "--session-gap",
                "30m",
                "--top",
                "5",
                "--other",
            ],
            TABLE,
        ),
        (
            "graph_tiny",
            vec!["graph", tiny, "--conversion", "purchase"],
            GRAPH,
        ),
        (
            "graph_shop_pruned",
            vec!["graph", shop, "--max-nodes", "6", "--edge-label", "p_out"],
            GRAPH,
        ),
        (
            "dropoff_tiny",
            vec!["dropoff", tiny, "--conversion", "purchase"],
            TABLE,
        ),
        (
            "funnel_tiny",
            vec!["funnel", tiny, "--steps", "home,product_view,purchase"],
            TABLE,
        ),
        (
            "funnel_shop_breakdown",
            vec![
                "funnel",
                shop,
                "--session-gap",
                "30m",
                "--steps",
                "product_view,add_to_cart,checkout,purchase",
                "--breakdown",
                "channel",
                "--top-values",
                "3",
            ],
            TABLE,
        ),
        (
            "funnel_tiny_dropped",
            vec![
                "funnel",
                tiny,
                "--steps",
                "home,product_view,purchase",
                "--dropped-at",
                "2",
            ],
            TABLE,
        ),
        (
            "explore_tiny",
            vec![
                "explore",
                tiny,
                "--from",
                "home",
                "--conversion",
                "purchase",
            ],
            GRAPH,
        ),
        ("steps_tiny", vec!["steps", tiny, "--max-steps", "4"], TABLE),
        (
            "steps_tiny_compare",
            vec![
                "steps",
                tiny,
                "--compare",
                "channel=organic_search,paid_search",
            ],
            TABLE,
        ),
        ("transitions_tiny", vec!["transitions", tiny], GRAPH),
        (
            "transitions_shop_row",
            vec![
                "transitions",
                shop,
                "--collapse-repeats",
                "--normalize",
                "row",
            ],
            TABLE,
        ),
        (
            "attribution_small",
            vec![
                "attribution",
                "testdata/attribution.csv",
                "--conversion",
                "purchase",
                "--value-col",
                "revenue",
            ],
            TABLE,
        ),
        (
            "attribution_small_transitions",
            vec![
                "attribution",
                "testdata/attribution.csv",
                "--conversion",
                "purchase",
                "--model",
                "markov",
                "--transitions",
            ],
            TABLE,
        ),
        (
            "check_shop",
            vec!["check", shop, "--config", "examples/ci/journeymap.toml"],
            &["table", "json", "junit", "github"],
        ),
        (
            "stages_testdata",
            vec![
                "stages",
                "testdata/stages.csv",
                "--config",
                "testdata/stages.toml",
                "--conversion",
                "purchase",
            ],
            GRAPH,
        ),
        (
            "painpoints_scores",
            vec!["painpoints", "--config", "testdata/scores.toml"],
            TABLE,
        ),
        (
            "stages_testdata_flow",
            vec![
                "stages",
                "testdata/stages.csv",
                "--config",
                "testdata/stages.toml",
                "--flow",
            ],
            &["csv"],
        ),
        (
            "diff_ab",
            vec![
                "diff",
                "testdata/ab_a.csv",
                "testdata/ab_b.csv",
                "--conversion",
                "purchase",
                "--funnel",
                "home,product_view,purchase",
            ],
            &["table", "csv", "json", "md", "dot"],
        ),
    ]
}

#[test]
fn every_report_in_every_format() {
    for (name, args, formats) in cases() {
        for format in formats {
            let mut all = args.clone();
            all.extend(["-f", format]);
            let run = jm(&all);
            // check exits 1 when a gate fails; the report is written all the same.
            assert!(run.code == 0 || run.code == 1, "{all:?}: {}", run.stderr);
            if *format == "json" {
                six_decimals(&run.json(), name);
            }
            let snapshot = format!("{name}_{format}");
            insta::with_settings!({
                description => format!("journeymap {}", all.join(" ")),
                omit_expression => true,
                prepend_module_to_snapshot => false,
            }, {
                insta::assert_snapshot!(snapshot, run.stdout);
            });
        }
    }
}

/// Every JSON number is rounded to 6 decimals (docs/json.md), except durations in seconds,
/// which keep their fraction of a second (metrics.md, Numbers in output).
fn six_decimals(v: &serde_json::Value, at: &str) {
    match v {
        serde_json::Value::Number(n) => {
            if let Some(x) = n.as_f64().filter(|_| n.is_f64()) {
                let is_duration = at.ends_with("_s") && !at.ends_with("mean_s");
                assert!(
                    is_duration || x == (x * 1e6).round() / 1e6,
                    "{at} = {x} has more than 6 decimals"
                );
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                six_decimals(item, at);
            }
        }
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                six_decimals(value, &format!("{at}.{key}"));
            }
        }
        _ => {}
    }
}
