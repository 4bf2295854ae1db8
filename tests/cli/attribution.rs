//! `journeymap attribution` on the hand-worked logs (testdata/README.md), in every format, and
//! its bad inputs. The Monte-Carlo check of the Markov solve is in attribution_monte_carlo.rs.

use crate::common;
use common::*;
use serde_json::Value;

fn cell(r: &Value, name: &str, model: &str, field: &str) -> f64 {
    r["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no row {name}: {r}"))[model][field]
        .as_f64()
        .unwrap_or_else(|| panic!("{name}.{model}.{field} in {r}"))
}

/// JSON numbers carry 6 decimals (docs/json.md): the hand-worked value, rounded.
fn close(got: f64, want: f64) {
    assert!((got - want).abs() <= 5e-7 + 1e-12, "got {got}, want {want}");
    assert_eq!(
        got,
        (got * 1e6).round() / 1e6,
        "{got} has more than 6 decimals"
    );
}

fn fails(args: &[&str], code: i32, message: &str) {
    let run = jm(args);
    assert_eq!(run.code, code, "{args:?}: stderr {}", run.stderr);
    assert!(run.stdout.is_empty(), "{args:?}: nothing on stdout");
    assert!(
        run.stderr.starts_with("journeymap: error: ") && run.stderr.contains(message),
        "{args:?}: want {message:?} in {}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn every_model_on_the_tiny_log_by_hand() {
    let r = jm(&[
        "attribution",
        &data("tiny.csv"),
        "--conversion",
        "purchase",
        "-f",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(r["level"], "channel");
    assert_eq!(r["conversions"], 2);
    assert_eq!(r["journeys_with_touches"], 4);
    let names: Vec<&str> = r["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["direct", "email", "organic_search", "paid_search", "social"]
    );
    // alice: organic_search x3; dave: email, email, direct, direct, direct.
    for (name, first, last, linear, position) in [
        ("organic_search", 1.0, 1.0, 1.0, 1.0),
        ("email", 1.0, 0.0, 0.4, 0.4 + 0.2 / 3.0),
        ("direct", 0.0, 1.0, 0.6, 0.4 + 0.4 / 3.0),
        ("paid_search", 0.0, 0.0, 0.0, 0.0),
        ("social", 0.0, 0.0, 0.0, 0.0),
    ] {
        close(cell(&r, name, "first", "conversions"), first);
        close(cell(&r, name, "last", "conversions"), last);
        close(cell(&r, name, "linear", "conversions"), linear);
        close(cell(&r, name, "position", "conversions"), position);
        close(cell(&r, name, "first", "share"), first / 2.0);
    }
    // Markov (testdata/README.md): P = 1/2; removal effects 1/2, 1/4, 1/2, 0, 1/4.
    close(r["markov"]["p_conversion"].as_f64().unwrap(), 0.5);
    assert_eq!(r["markov"]["states"], 5);
    for (name, re, conv) in [
        ("organic_search", 0.5, 2.0 / 3.0),
        ("direct", 0.5, 2.0 / 3.0),
        ("email", 0.25, 1.0 / 3.0),
        ("social", 0.25, 1.0 / 3.0),
        ("paid_search", 0.0, 0.0),
    ] {
        close(cell(&r, name, "markov", "removal_effect"), re);
        close(cell(&r, name, "markov", "conversions"), conv);
    }
    // Every model adds up to the 2 conversions.
    for model in [
        "first",
        "last",
        "linear",
        "position",
        "time_decay",
        "markov",
    ] {
        let total: f64 = r["channels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c[model]["conversions"].as_f64().unwrap())
            .sum();
        close(total, 2.0);
    }
}

#[test]
fn collapsing_and_shuffled_rows_give_the_same_markov_digits() {
    let run = |file: &str, extra: &[&str]| {
        let mut args = vec![
            "attribution",
            file,
            "--conversion",
            "purchase",
            "--model",
            "markov",
            "-f",
            "json",
        ];
        args.extend_from_slice(extra);
        jm(&args).ok().json()["channels"].clone()
    };
    let plain = run(&data("tiny.csv"), &[]);
    assert_eq!(plain, run(&data("tiny_shuffled.csv"), &[]));
    // Collapsing only removes self-loops here, which leaves every absorption probability
    // (and so every removal effect) as it was.
    let collapsed = run(&data("tiny.csv"), &["--collapse-repeats"]);
    for (a, b) in plain
        .as_array()
        .unwrap()
        .iter()
        .zip(collapsed.as_array().unwrap())
    {
        close(
            a["markov"]["removal_effect"].as_f64().unwrap(),
            b["markov"]["removal_effect"].as_f64().unwrap(),
        );
    }
}

#[test]
fn value_lookback_and_touchless_conversions() {
    let f = data("attribution.csv");
    let run = jm(&[
        "attribution",
        &f,
        "--conversion",
        "purchase",
        "--value-col",
        "revenue",
        "-f",
        "json",
    ])
    .ok();
    assert!(
        run.stderr
            .contains("1 converting journey has no touch before the conversion"),
        "{}",
        run.stderr
    );
    let r = run.json();
    assert_eq!(r["conversions"], 2);
    assert_eq!(r["conversions_without_touches"], 1);
    close(r["total_value"].as_f64().unwrap(), 150.0);
    close(cell(&r, "paid", "first", "value"), 150.0);
    close(cell(&r, "social", "last", "value"), 120.0);
    close(cell(&r, "paid", "linear", "value"), 90.0);
    // u1: paid 7 days and social 3 days before the purchase: weights 2^(-4/7) and 1.
    let w = (-4.0f64 / 7.0).exp2();
    close(
        cell(&r, "paid", "time_decay", "conversions"),
        1.0 + w / (1.0 + w),
    );
    close(cell(&r, "social", "time_decay", "value"), 120.0 / (1.0 + w));
    // Markov: P = 2/3; without paid 0, without social 1/3: effects 1 and 1/2.
    close(r["markov"]["p_conversion"].as_f64().unwrap(), 2.0 / 3.0);
    close(cell(&r, "paid", "markov", "conversions"), 4.0 / 3.0);
    close(cell(&r, "paid", "markov", "value"), 100.0);
    close(cell(&r, "email", "markov", "value"), 0.0);
    // --lookback 3d: u1's paid touch is 7 days before its purchase and drops out.
    let r = jm(&[
        "attribution",
        &f,
        "--conversion",
        "purchase",
        "--model",
        "first",
        "--lookback",
        "3d",
        "-f",
        "json",
        "-q",
    ])
    .ok()
    .json();
    close(cell(&r, "social", "first", "conversions"), 1.0);
    close(cell(&r, "paid", "first", "conversions"), 1.0);
}

#[test]
fn converted_col_uses_the_whole_journey() {
    let r = jm(&[
        "attribution",
        &data("tiny.csv"),
        "--converted-col",
        "converted",
        "--model",
        "last",
        "-f",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(r["models"], serde_json::json!(["last"]));
    close(cell(&r, "organic_search", "last", "conversions"), 1.0);
    close(cell(&r, "direct", "last", "conversions"), 1.0);
    assert!(r.get("markov").is_none());
}

#[test]
fn touchpoint_level_and_the_transition_table() {
    let r = jm(&[
        "attribution",
        &data("tiny.csv"),
        "--conversion",
        "purchase",
        "--level",
        "touchpoint",
        "--model",
        "first",
        "-f",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(r["level"], "touchpoint");
    close(cell(&r, "home", "first", "conversions"), 1.0);
    close(cell(&r, "email_click", "first", "conversions"), 1.0);
    // The conversion event is not a touch.
    assert!(!r["channels"].to_string().contains("\"purchase\""));
    let t = jm(&[
        "attribution",
        &data("tiny.csv"),
        "--conversion",
        "purchase",
        "--transitions",
        "--order",
        "2",
        "-f",
        "csv",
    ])
    .ok()
    .stdout;
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines[0], "from,to,count,probability");
    assert!(
        lines.contains(&"direct > direct,direct > direct,1,0.500000"),
        "{t}"
    );
    assert!(lines.contains(&"(start),email,1,0.250000"), "{t}");
}

#[test]
fn every_format() {
    let base = ["attribution", &data("tiny.csv"), "--conversion", "purchase"];
    let with = |f: &str| {
        let mut a = base.to_vec();
        a.extend_from_slice(&["-f", f]);
        jm(&a).ok().stdout
    };
    let csv = with("csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "name,first_conversions,first_share,last_conversions,last_share,linear_conversions,linear_share,position_conversions,position_share,time_decay_conversions,time_decay_share,markov_conversions,markov_share,markov_removal_effect"
    );
    assert_eq!(lines.count(), 5);
    assert!(csv.contains("\npaid_search,0.000000,0.000000,"), "{csv}");
    let md = with("md");
    assert!(md.contains("| channel |"), "{md}");
    assert!(md.contains("(total)"), "{md}");
    let table = with("table");
    assert!(table.contains("journeymap attribution"), "{table}");
    assert!(table.contains("P(conversion) 0.500000"), "{table}");
    assert!(table.contains("2.00"), "{table}");
    assert!(with("json").starts_with('{'));
    let mut a = base.to_vec();
    a.extend_from_slice(&["--transitions", "-f", "md"]);
    let md = jm(&a).ok().stdout;
    assert!(md.contains("(conversion)"), "{md}");
}

#[test]
fn bad_inputs() {
    let tiny = data("tiny.csv");
    fails(
        &["attribution", &tiny],
        2,
        "attribution needs conversions: pass --conversion NAME",
    );
    fails(
        &["attribution", &tiny, "--conversion", "refund", "-q"],
        1,
        "no journey converts",
    );
    fails(
        &[
            "attribution",
            &tiny,
            "--conversion",
            "purchase",
            "--order",
            "5",
        ],
        2,
        "--order must be 1, 2, 3 or 4 (got 5)",
    );
    fails(
        &[
            "attribution",
            &tiny,
            "--conversion",
            "purchase",
            "--half-life",
            "soon",
        ],
        2,
        "--half-life: 'soon' is not a duration",
    );
    fails(
        &[
            "attribution",
            &tiny,
            "--conversion",
            "purchase",
            "--half-life",
            "0d",
        ],
        2,
        "--half-life must be longer than 0",
    );
    fails(
        &[
            "attribution",
            &tiny,
            "--conversion",
            "purchase",
            "--lookback",
            "x",
        ],
        2,
        "--lookback:",
    );
    fails(
        &[
            "attribution",
            &tiny,
            "--conversion",
            "purchase",
            "--value-col",
            "revenu",
        ],
        1,
        "tiny.csv: no column 'revenu'",
    );
    let run = jm(&[
        "attribution",
        &tiny,
        "--conversion",
        "purchase",
        "--value-col",
        "revenu",
    ]);
    assert!(run.stderr.contains("pass --value-col"), "{}", run.stderr);
    fails(
        &[
            "attribution",
            &data("bad/attribution_revenue.csv"),
            "--conversion",
            "purchase",
            "--value-col",
            "revenue",
            "-q",
        ],
        1,
        "bad/attribution_revenue.csv line 8: column 'revenue' has 'n/a', not a number",
    );
    fails(
        &[
            "attribution",
            &tiny,
            "--conversion",
            "purchase",
            "-f",
            "dot",
        ],
        2,
        "attribution cannot write dot",
    );
    fails(
        &[
            "attribution",
            &tiny,
            "--conversion",
            "purchase",
            "--model",
            "first",
            "--transitions",
        ],
        2,
        "--transitions prints the Markov model's table",
    );
    // Every touch outside --lookback: nothing left to attribute.
    fails(
        &[
            "attribution",
            &tiny,
            "--conversion",
            "purchase",
            "--lookback",
            "1s",
            "-q",
        ],
        1,
        "none of the 2 converting journeys has a touch before its conversion within --lookback 1s (a longer --lookback keeps more)",
    );
}

#[test]
fn an_all_empty_value_column_is_warned_about() {
    let shop = format!("{}/examples/shop.csv", env!("CARGO_MANIFEST_DIR"));
    // `home` rows carry no revenue.
    let run = jm(&[
        "attribution",
        &shop,
        "--conversion",
        "home",
        "--value-col",
        "revenue",
        "--model",
        "first",
    ])
    .ok();
    assert!(
        run.stderr
            .contains("--value-col revenue is empty or 0 on every conversion row"),
        "{}",
        run.stderr
    );
    let run = jm(&[
        "attribution",
        &shop,
        "--conversion",
        "purchase",
        "--value-col",
        "revenue",
    ])
    .ok();
    assert!(!run.stderr.contains("--value-col"), "{}", run.stderr);
}
