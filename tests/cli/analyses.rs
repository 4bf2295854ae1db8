//! paths, graph, dropoff and transitions through the binary, against the hand-worked answers
//! in testdata/README.md, and invariants on generated data.

use crate::common;
use common::*;
use serde_json::{json, Value};

fn run_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["-f", "json"]);
    jm(&all).ok().json()
}

fn edge<'a>(g: &'a Value, from: &str, to: &str) -> &'a Value {
    g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["from"] == from && e["to"] == to)
        .unwrap_or_else(|| panic!("no edge {from} -> {to}"))
}

#[test]
fn paths_on_the_tiny_log() {
    let tiny = data("tiny.csv");
    let r = run_json(&["paths", &tiny, "--conversion", "purchase"]);
    assert_eq!(
        (
            r["journeys"].clone(),
            r["distinct_paths"].clone(),
            r["events"].clone()
        ),
        (json!(4), json!(4), json!(16))
    );
    let paths: Vec<String> = r["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(path_text)
        .collect();
    assert_eq!(
        paths,
        vec![
            "blog > home > product_view",
            "email_click > product_view > home > product_view > add_to_cart > purchase",
            "home > product_view > add_to_cart",
            "home > product_view > add_to_cart > purchase",
        ]
    );
    assert_eq!(r["paths"][0]["share"], 0.25);
    assert_eq!(r["paths"][3]["conversions"], 1);
    assert_eq!(r["paths"][3]["conversion_rate"], 1.0);
    // alice 09:00 -> 09:12.
    assert_eq!(r["paths"][3]["median_duration_s"], 720.0);
    assert_eq!(r["meta"]["command_options"]["top"], 20);
    // Without a conversion definition, no conversion fields.
    let r = run_json(&["paths", &tiny]);
    assert!(r["paths"][0].get("conversions").is_none());
}

#[test]
fn paths_options() {
    let tiny = data("tiny.csv");
    let r = run_json(&["paths", &tiny, "--max-steps", "2"]);
    assert_eq!(r["paths"][0]["path"], json!(["home", "product_view"]));
    assert_eq!(r["paths"][0]["count"], 2);
    assert_eq!(r["paths"][0]["cut"], true);
    let r = run_json(&[
        "paths",
        &tiny,
        "--starting-at",
        "product_view",
        "--ending-at",
        "add_to_cart",
    ]);
    // carol has no add_to_cart after her first product_view: left out.
    assert_eq!(r["left_out"], 1);
    assert_eq!(
        r["paths"][0]["path"],
        json!(["product_view", "add_to_cart"])
    );
    assert_eq!(r["paths"][0]["count"], 2);
    assert_eq!(
        r["paths"][1]["path"],
        json!(["product_view", "home", "product_view", "add_to_cart"])
    );
    let r = run_json(&["paths", &tiny, "--top", "1", "--other"]);
    let shares: f64 = r["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["share"].as_f64().unwrap())
        .sum();
    assert!((shares - 1.0).abs() < 1e-9);
    assert_eq!(r["paths"][1]["path"], json!(["(other)"]));
    assert_eq!(r["paths"][1]["count"], 3);
    let csv = jm(&[
        "paths",
        &tiny,
        "-f",
        "csv",
        "--level",
        "channel",
        "--collapse-repeats",
    ])
    .ok()
    .stdout;
    assert_eq!(
        csv.lines().next().unwrap(),
        "rank,path,steps,cut,count,share,median_duration_s"
    );
    assert!(
        csv.contains("\n1,email > direct,2,false,1,0.250000,"),
        "{csv}"
    );
}

#[test]
fn graph_on_the_tiny_log() {
    let g = run_json(&["graph", &data("tiny.csv"), "--conversion", "purchase"]);
    assert_eq!(g["edges"].as_array().unwrap().len(), 12);
    assert_eq!(edge(&g, "home", "product_view")["count"], 4);
    assert_eq!(edge(&g, "home", "product_view")["journeys"], 4);
    assert_eq!(edge(&g, "(start)", "home")["count"], 2);
    assert_eq!(edge(&g, "product_view", "add_to_cart")["p_out"], 0.6);
    let t = &edge(&g, "home", "product_view")["time"];
    assert_eq!(
        *t,
        json!({"min_s": 120.0, "median_s": 180.0, "mean_s": 1042.5, "p95_s": 3570.0, "max_s": 3570.0})
    );
    assert_eq!(edge(&g, "(start)", "blog")["time"], Value::Null);
    let node = |name: &str| {
        g["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(node("add_to_cart")["exits"], 1);
    assert_eq!(node("add_to_cart")["exit_rate"], 0.333333);
    assert_eq!(node("purchase")["exits"], 0);
    assert_eq!(node("(start)")["id"], "n_start");
    // Without a conversion, every journey exits.
    let g = run_json(&["graph", &data("tiny.csv")]);
    let purchase = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "purchase")
        .unwrap();
    assert_eq!(purchase["exit_rate"], 1.0);
}

#[test]
fn graph_pruning_says_what_it_hid() {
    let g = run_json(&["graph", &data("tiny.csv"), "--min-count", "2"]);
    assert_eq!(g["edges"].as_array().unwrap().len(), 5);
    assert_eq!(g["hidden"]["edges"], 7);
    assert_eq!(g["hidden"]["transitions"], 7);
    assert_eq!(g["edge_total"], 20);
    assert!(g["meta"]["notes"][0]
        .as_str()
        .unwrap()
        .contains("7 edges hidden"));
    let table = jm(&["graph", &data("tiny.csv"), "--max-nodes", "2"])
        .ok()
        .stdout;
    assert!(table.contains("(other)"), "{table}");
}

#[test]
fn dropoff_on_the_tiny_log() {
    let r = run_json(&["dropoff", &data("tiny.csv"), "--conversion", "purchase"]);
    assert_eq!(r["exits"], 2);
    assert_eq!(r["touchpoints"][0]["name"], "add_to_cart");
    assert_eq!(r["touchpoints"][0]["reach"], 3);
    assert_eq!(r["touchpoints"][0]["exit_rate"], 0.333333);
    assert_eq!(r["touchpoints"][1]["name"], "product_view");
    assert_eq!(r["touchpoints"][1]["exit_rate"], 0.25);
    assert_eq!(
        r["last_steps"][0],
        json!({"before": "home", "last": "product_view", "exits": 1, "share_of_exits": 0.5})
    );
    let r = run_json(&["dropoff", &data("tiny.csv")]);
    assert_eq!(r["exits"], 4);
    assert_eq!(r["touchpoints"][0]["name"], "purchase");
}

#[test]
fn transitions_on_the_tiny_log() {
    let r = run_json(&["transitions", &data("tiny.csv")]);
    assert_eq!(r["level"], "channel");
    let t = |from: &str, to: &str| {
        r["transitions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["from"] == from && e["to"] == to)
            .map(|e| e["count"].clone())
    };
    assert_eq!(t("organic_search", "organic_search"), Some(json!(3)));
    assert_eq!(t("email", "direct"), Some(json!(1)));
    assert_eq!(t("direct", "(end)"), Some(json!(2)));
    let r = run_json(&[
        "transitions",
        &data("tiny.csv"),
        "--collapse-repeats",
        "--no-self",
    ]);
    assert!(r["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["from"] != e["to"]));
    let table = jm(&["transitions", &data("tiny.csv"), "--normalize", "row"])
        .ok()
        .stdout;
    assert!(table.contains("p_out"), "{table}");
    // Without a channel column: touchpoints, with a note.
    let run = jm(&["transitions", &data("ties.csv"), "-f", "json"]).ok();
    assert!(run.stderr.contains("no channel column"), "{}", run.stderr);
    assert_eq!(run.json()["level"], "touchpoint");
}

#[test]
fn invariants_on_generated_data_and_formats_agree() {
    let dir = scratch("invariants");
    let csv = dir.join("g.csv");
    let pq = dir.join("g.parquet");
    for p in [&csv, &pq] {
        jm(&[
            "generate",
            "--customers",
            "400",
            "--seed",
            "11",
            "-o",
            p.to_str().unwrap(),
        ])
        .ok();
    }
    let opts = ["--session-gap", "30m", "--conversion", "purchase"];
    let graph = |p: &std::path::Path| {
        let mut a = vec!["graph", p.to_str().unwrap()];
        a.extend(opts);
        let mut v = run_json(&a);
        v["meta"]["inputs"] = Value::Null;
        v
    };
    let g = graph(&csv);
    let journeys = g["journeys"].as_u64().unwrap();
    let events = g["events"].as_u64().unwrap();
    let sum = |f: &dyn Fn(&Value) -> bool| -> u64 {
        g["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| f(e))
            .map(|e| e["count"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(sum(&|e| e["from"] == "(start)"), journeys);
    assert_eq!(sum(&|e| e["to"] == "(end)"), journeys);
    assert_eq!(
        sum(&|e| e["from"] != "(start)" && e["to"] != "(end)"),
        events - journeys
    );
    assert_eq!(graph(&pq), g, "CSV and Parquet copies give the same graph");
    for cmd in ["paths", "dropoff", "transitions"] {
        let out = |p: &std::path::Path| {
            let mut a = vec![cmd, p.to_str().unwrap(), "-f", "csv"];
            a.extend(opts);
            jm(&a).ok().stdout
        };
        assert_eq!(out(&csv), out(&pq), "{cmd}");
    }
    let mut a = vec!["paths", csv.to_str().unwrap(), "--top", "7", "--other"];
    a.extend(opts);
    let r = run_json(&a);
    let shares: f64 = r["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["share"].as_f64().unwrap())
        .sum();
    assert!((shares - 1.0).abs() < 1e-5, "{shares}");
    let counts: u64 = r["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counts, journeys);
}

#[test]
fn formats_that_do_not_fit_are_usage_errors() {
    let run = jm(&["paths", &data("tiny.csv"), "-f", "dot"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("paths cannot write dot (dot and mermaid are for graph-shaped results); it writes table, csv, json, md"), "{}", run.stderr);
    assert_eq!(jm(&["dropoff", &data("tiny.csv"), "-f", "mermaid"]).code, 2);
}

#[test]
fn strict_commands_fail_on_invalid_rows() {
    let run = jm(&["paths", &data("bad/null_ids.csv")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("2 rows have no customer id"),
        "{}",
        run.stderr
    );
    let run = jm(&["paths", &data("bad/null_ids.csv"), "--skip-invalid"]).ok();
    assert!(
        run.stderr
            .contains("warning: dropped 3 invalid rows (--skip-invalid)"),
        "{}",
        run.stderr
    );
}

#[test]
fn closed_pipe_exits_quietly_for_json_and_csv() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let dir = scratch("pipe");
    let f = dir.join("g.csv");
    jm(&[
        "generate",
        "--customers",
        "3000",
        "--seed",
        "5",
        "-o",
        f.to_str().unwrap(),
    ])
    .ok();
    for format in ["json", "csv", "table"] {
        let mut child = Command::new(bin())
            .args(["paths", f.to_str().unwrap(), "--top", "0", "-f", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 10];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn shares_count_left_out_journeys_and_bad_max_steps() {
    let tiny = data("tiny.csv");
    let r = run_json(&[
        "paths",
        &tiny,
        "--starting-at",
        "product_view",
        "--ending-at",
        "add_to_cart",
    ]);
    assert_eq!(r["journeys"], 3);
    assert_eq!(r["left_out"], 1);
    // 2 of all 4 journeys, the left-out one included.
    assert_eq!(r["paths"][0]["share"], 0.5);
    let run = jm(&["paths", &tiny, "--max-steps", "0"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--max-steps must be at least 1"),
        "{}",
        run.stderr
    );
}

#[test]
fn values_named_like_synthetic_nodes_keep_their_own_node() {
    let dir = scratch("clash");
    let f = dir.join("clash.csv");
    std::fs::write(&f, "customer_id,timestamp,touchpoint\nu,2026-01-01T00:00:00Z,(end)\nu,2026-01-01T00:01:00Z,a\n").unwrap();
    let g = run_json(&["graph", f.to_str().unwrap()]);
    let e = edge(&g, "(start)", "(end)");
    // Both values have one event; "(end)" sorts before "a", so it is n1.
    assert_eq!(
        (e["from_id"].as_str(), e["to_id"].as_str()),
        (Some("n_start"), Some("n1"))
    );
    let e = edge(&g, "a", "(end)");
    assert_eq!(e["to_id"], "n_end");
    let dot = jm(&["graph", f.to_str().unwrap(), "-f", "dot"]).ok().stdout;
    assert!(
        dot.contains("n_start -> n1 ") && dot.contains("n1 -> n2 ") && dot.contains("n2 -> n_end "),
        "{dot}"
    );
    let table = jm(&["transitions", f.to_str().unwrap()]).ok().stdout;
    assert_eq!(
        table.lines().filter(|l| l.contains("│ (end)")).count(),
        1,
        "{table}"
    );
}

#[test]
fn markdown_and_table_formats_of_every_analysis() {
    let tiny = data("tiny.csv");
    for cmd in ["paths", "graph", "dropoff", "transitions"] {
        let md = jm(&[cmd, &tiny, "-f", "md", "--conversion", "purchase"])
            .ok()
            .stdout;
        assert!(md.starts_with(&format!("# journeymap {cmd}\n")), "{md}");
        assert!(md.contains("| --- |") || md.contains("| ---: |"), "{md}");
        let table = jm(&[cmd, &tiny, "--conversion", "purchase"]).ok().stdout;
        assert!(table.contains("journeys"), "{table}");
        assert!(
            table.contains("conversion=purchase"),
            "options in force are stated: {table}"
        );
    }
    let md = jm(&["paths", &tiny, "-f", "md"]).ok().stdout;
    assert!(
        md.contains("| 1 | blog \\> home \\> product\\_view | 3 | 1 | 25.0% |"),
        "{md}"
    );
}

#[test]
fn csv_outputs_of_graph_dropoff_and_transitions() {
    let tiny = data("tiny.csv");
    let csv = jm(&["graph", &tiny, "-f", "csv"]).ok().stdout;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "kind,name,from,to,count,journeys,exits,exit_rate,p_out,share,min_s,median_s,mean_s,p95_s,max_s"
    );
    assert!(csv.contains("\nnode,(start),,,4,4,,,,,,,,,\n"), "{csv}");
    assert!(
        csv.contains(
            "\nedge,,home,product_view,4,4,,,1.000000,0.200000,120,180,1042.5,3570,3570\n"
        ),
        "{csv}"
    );
    let csv = jm(&["dropoff", &tiny, "-f", "csv", "--conversion", "purchase"])
        .ok()
        .stdout;
    assert_eq!(
        csv.lines().next().unwrap(),
        "name,reach,exits,exit_rate,share_of_exits"
    );
    assert_eq!(
        csv.lines().nth(1).unwrap(),
        "add_to_cart,3,1,0.333333,0.500000"
    );
    let csv = jm(&["transitions", &tiny, "-f", "csv"]).ok().stdout;
    assert_eq!(csv.lines().next().unwrap(), "from,to,count,p_out,journeys");
    assert!(
        csv.contains("\norganic_search,organic_search,3,0.750000,1\n"),
        "{csv}"
    );
}

#[test]
fn unparseable_timestamps_fail_analyses_with_row_value_and_fix() {
    let run = jm(&["paths", &data("bad/bad_timestamp.csv")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("bad_timestamp.csv line 3: '01/03/2026 09:05' in column 'timestamp'"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("pass --time-format"), "{}", run.stderr);
    let run = jm(&[
        "paths",
        &data("bad/bad_timestamp.csv"),
        "--time-format",
        "%d/%m/%Y %H:%M",
        "--skip-invalid",
        "-f",
        "json",
    ])
    .ok();
    assert_eq!(run.json()["journeys"], 1);
}

#[test]
fn no_flags_override_a_config_that_turns_collapsing_and_splitting_on() {
    let dir = scratch("no_flags");
    std::fs::write(
        dir.join("journeymap.toml"),
        "[journey]\ncollapse_repeats = true\nsplit_on_conversion = true\n[conversion]\nevents = [\"purchase\"]\n",
    )
    .unwrap();
    let tiny = data("tiny.csv");
    let events = |extra: &[&str]| {
        let mut args = vec!["paths", tiny.as_str(), "--level", "channel", "-f", "json"];
        args.extend_from_slice(extra);
        let r = run_in(&dir, &args, None).ok().json();
        (
            r["meta"]["events"].as_u64(),
            r["meta"]["options"]["collapse_repeats"].clone(),
        )
    };
    // Collapsed channel runs: alice 1, bob 1, carol social > direct, dave email > direct.
    assert_eq!(events(&[]), (Some(6), json!(true)));
    assert_eq!(events(&["--no-collapse-repeats"]), (Some(16), json!(false)));
    // The last of the pair wins.
    assert_eq!(
        events(&["--no-collapse-repeats", "--collapse-repeats"]),
        (Some(6), json!(true))
    );
    let split = run_in(
        &dir,
        &["paths", &tiny, "--no-split-on-conversion", "-f", "json"],
        None,
    )
    .ok()
    .json();
    assert_eq!(split["meta"]["options"]["split_on_conversion"], false);
}
