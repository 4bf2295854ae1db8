//! `journeymap funnel` through the binary, on the hand-worked tiny log and generated data.

use crate::common;
use common::*;
use serde_json::{json, Value};

fn reached(r: &Value) -> Vec<u64> {
    r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reached"].as_u64().unwrap())
        .collect()
}

#[test]
fn ordered_funnel_on_the_tiny_log() {
    let steps = "home,product_view,add_to_cart,purchase";
    let r = jm(&["funnel", &data("tiny.csv"), "--steps", steps, "-f", "json"])
        .ok()
        .json();
    // carol (blog > home > product_view) stops at step 2, bob at step 3.
    assert_eq!(reached(&r), vec![4, 4, 3, 2]);
    assert_eq!(r["steps"][3]["rate_from_previous"], 0.666667);
    assert_eq!(r["steps"][3]["drop_off"], 1);
    // alice 09:00 -> 09:12 (720 s), dave 18:00 -> 18:06 (360 s): nearest-rank median 360.
    assert_eq!(
        r["time_to_convert"],
        json!({"count": 2, "median_s": 360.0, "p90_s": 720.0, "max_s": 720.0})
    );
    let csv = jm(&["funnel", &data("tiny.csv"), "--steps", steps, "-f", "csv"])
        .ok()
        .stdout;
    assert_eq!(
        csv.lines().next().unwrap(),
        "step,name,reached,drop_off,rate_from_first,rate_from_previous,share_of_journeys"
    );
    assert_eq!(
        csv.lines().nth(4).unwrap(),
        "4,purchase,2,1,0.500000,0.666667,0.500000"
    );
    let md = jm(&["funnel", &data("tiny.csv"), "--steps", steps, "-f", "md"])
        .ok()
        .stdout;
    assert!(md.starts_with("# journeymap funnel\n"), "{md}");
}

#[test]
fn strict_any_window_and_alternatives() {
    let tiny = data("tiny.csv");
    let r = jm(&[
        "funnel",
        &tiny,
        "--steps",
        "home,product_view,add_to_cart",
        "--order",
        "strict",
        "-f",
        "json",
    ])
    .ok()
    .json();
    // Every journey has home directly followed by product_view; dave's home > product_view >
    // add_to_cart is consecutive too.
    assert_eq!(reached(&r), vec![4, 4, 3]);
    let r = jm(&[
        "funnel",
        &tiny,
        "--steps",
        "purchase,home",
        "--order",
        "any",
        "-f",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(reached(&r), vec![4, 2]);
    let r = jm(&[
        "funnel",
        &tiny,
        "--steps",
        "home,purchase",
        "--window",
        "10m",
        "-f",
        "json",
    ])
    .ok()
    .json();
    // alice needs 12 min (over), dave's home 18:00 -> purchase 18:06 fits.
    assert_eq!(reached(&r), vec![4, 1]);
    let r = jm(&[
        "funnel",
        &tiny,
        "--steps",
        "blog|email_click,re:^product",
        "-f",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(reached(&r), vec![2, 2]);
}

#[test]
fn unknown_steps_warn_and_bad_values_are_usage_errors() {
    let tiny = data("tiny.csv");
    let run = jm(&["funnel", &tiny, "--steps", "home,purchse"]).ok();
    assert!(
        run.stderr
            .contains("step 'purchse' matches nothing in the input; did you mean 'purchase'?"),
        "{}",
        run.stderr
    );
    let run = jm(&["funnel", &tiny, "--steps", "home", "--window", "soon"]);
    assert_eq!(run.code, 2);
    let run = jm(&["funnel", &tiny, "--steps", "re:(("]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does not compile"), "{}", run.stderr);
    assert_eq!(jm(&["funnel", &tiny, "--steps", ","]).code, 2);
}

#[test]
fn ordered_funnel_matches_a_plain_walk_on_generated_data() {
    let dir = scratch("funnel_generated");
    let f = dir.join("g.csv");
    jm(&[
        "generate",
        "--customers",
        "500",
        "--seed",
        "9",
        "-o",
        f.to_str().unwrap(),
    ])
    .ok();
    let steps = ["product_view", "add_to_cart", "checkout", "purchase"];
    let r = jm(&[
        "funnel",
        f.to_str().unwrap(),
        "--steps",
        &steps.join(","),
        "--session-gap",
        "30m",
        "-f",
        "json",
    ])
    .ok()
    .json();
    // The same journeys from the paths output (every path, its count), walked by a plain loop.
    let p = jm(&[
        "paths",
        f.to_str().unwrap(),
        "--session-gap",
        "30m",
        "--top",
        "0",
        "-f",
        "json",
    ])
    .ok()
    .json();
    let mut want = vec![0u64; steps.len()];
    for row in p["paths"].as_array().unwrap() {
        let mut depth = 0;
        for step in row["path"].as_array().unwrap() {
            if depth < steps.len() && step == steps[depth] {
                depth += 1;
            }
        }
        for w in want.iter_mut().take(depth) {
            *w += row["count"].as_u64().unwrap();
        }
    }
    assert_eq!(reached(&r), want);
    assert!(want[3] > 0, "the generated data has purchases");
}

#[test]
fn dropped_at_lists_the_journeys_for_follow_up() {
    let tiny = data("tiny.csv");
    let steps = "home,product_view,add_to_cart,purchase";
    let dir = scratch("dropped");
    let out = dir.join("ids.csv");
    jm(&[
        "funnel",
        &tiny,
        "--steps",
        steps,
        "--dropped-at",
        "4",
        "-o",
        out.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "customer_id,journey_start,steps_reached\nbob,2026-03-01T10:00:00Z,3\n"
    );
    let r = jm(&[
        "funnel",
        &tiny,
        "--steps",
        steps,
        "--dropped-at",
        "3",
        "-f",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(r["journeys"][0]["customer_id"], "carol");
    assert_eq!(
        jm(&["funnel", &tiny, "--steps", steps, "--dropped-at", "5"]).code,
        2
    );
}

#[test]
fn time_to_convert_histogram() {
    let r = jm(&[
        "funnel",
        &data("tiny.csv"),
        "--steps",
        "home,purchase",
        "--bins",
        "3",
        "-f",
        "json",
    ])
    .ok()
    .json();
    // 360 s and 720 s over 3 bars of 240 s.
    let counts: Vec<u64> = r["time_to_convert_histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, vec![0, 1, 1]);
    assert_eq!(r["time_to_convert_histogram"][2]["to_s"], 720.0);
    let table = jm(&["funnel", &data("tiny.csv"), "--steps", "home,purchase"])
        .ok()
        .stdout;
    assert!(
        table.contains("Time to convert") && table.contains("█"),
        "{table}"
    );
}

#[test]
fn exclude_step_stops_a_match() {
    let tiny = data("tiny.csv");
    let r = jm(&["funnel", &tiny, "--steps", "home,add_to_cart", "-f", "json"])
        .ok()
        .json();
    assert_eq!(reached(&r), vec![4, 3]);
    // Every home -> add_to_cart passes product_view on the way.
    let r = jm(&[
        "funnel",
        &tiny,
        "--steps",
        "home,add_to_cart",
        "--exclude-step",
        "product_view",
        "-f",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(reached(&r), vec![4, 0]);
    assert_eq!(r["meta"]["command_options"]["exclude_step"], "product_view");
}

#[test]
fn breakdown_by_the_first_event_value() {
    let tiny = data("tiny.csv");
    let r = jm(&[
        "funnel",
        &tiny,
        "--steps",
        "home,purchase",
        "--breakdown",
        "channel",
        "--top-values",
        "2",
        "-f",
        "json",
    ])
    .ok()
    .json();
    let values: Vec<(String, u64, u64)> = r["breakdown"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_string(),
                v["journeys"].as_u64().unwrap(),
                v["steps"][1]["reached"].as_u64().unwrap(),
            )
        })
        .collect();
    // One journey per first channel; ties by name: email (dave buys), organic_search (alice
    // buys), then paid_search and social together as (other), neither buying.
    assert_eq!(
        values,
        vec![
            ("email".into(), 1, 1),
            ("organic_search".into(), 1, 1),
            ("(other)".into(), 2, 0)
        ]
    );
    assert_eq!(r["breakdown"]["column"], "channel");
    let run = jm(&["funnel", &tiny, "--steps", "home", "--breakdown", "country"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("no column 'country'") && run.stderr.contains("--breakdown"),
        "{}",
        run.stderr
    );
}

#[test]
fn steps_can_name_a_funnel_from_journeymap_toml() {
    let dir = scratch("named_funnel");
    std::fs::copy(data("tiny.csv"), dir.join("events.csv")).unwrap();
    std::fs::write(
        dir.join("journeymap.toml"),
        "[funnels]\ncheckout = [\"home\", \"add_to_cart\", \"purchase\"]\n",
    )
    .unwrap();
    let r = run_in(
        &dir,
        &["funnel", "events.csv", "--steps", "checkout", "-f", "json"],
        None,
    )
    .ok()
    .json();
    assert_eq!(reached(&r), vec![4, 3, 2]);
    assert_eq!(r["steps"][1]["step"], "add_to_cart");
}
