//! `journeymap steps` (the step matrix) on the hand-worked tiny log.

use crate::common;
use common::*;
use serde_json::Value;

fn row(r: &Value, value: &str) -> Vec<f64> {
    r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["value"] == value)
        .unwrap_or_else(|| panic!("no row {value}"))["shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

#[test]
fn shares_per_position_on_the_tiny_log() {
    let r = jm(&[
        "steps",
        &data("tiny.csv"),
        "--max-steps",
        "4",
        "--threshold",
        "0.3",
        "-f",
        "json",
    ])
    .ok()
    .json();
    // Position 1: alice and bob start at home; carol's blog and dave's email_click are 25% each,
    // below 30% everywhere, so (other).
    assert_eq!(row(&r, "home"), vec![0.5, 0.25, 0.25, 0.0]);
    assert_eq!(row(&r, "product_view"), vec![0.0, 0.75, 0.25, 0.25]);
    assert_eq!(row(&r, "(other)"), vec![0.5, 0.0, 0.0, 0.25]);
    assert_eq!(row(&r, "(end)"), vec![0.0, 0.0, 0.0, 0.5]);
    for p in 0..4 {
        let sum: f64 = r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["shares"][p].as_f64().unwrap())
            .sum();
        assert!((sum - 1.0).abs() < 1e-9, "position {p}: {sum}");
    }
    let csv = jm(&["steps", &data("tiny.csv"), "--max-steps", "2", "-f", "csv"])
        .ok()
        .stdout;
    assert_eq!(csv.lines().next().unwrap(), "value,1,2");
}

#[test]
fn compare_two_segments_sums_to_zero() {
    let r = jm(&[
        "steps",
        &data("tiny.csv"),
        "--max-steps",
        "3",
        "--compare",
        "channel=organic_search,email",
        "-f",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(r["compare"]["journeys_a"], 1);
    assert_eq!(r["compare"]["journeys_b"], 1);
    // alice (organic_search) starts at home, dave (email) at email_click.
    assert_eq!(row(&r, "home"), vec![1.0, 0.0, -1.0]);
    assert_eq!(row(&r, "email_click"), vec![-1.0, 0.0, 0.0]);
    for p in 0..3 {
        let sum: f64 = r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["shares"][p].as_f64().unwrap())
            .sum();
        assert!(sum.abs() < 1e-9);
    }
    let run = jm(&["steps", &data("tiny.csv"), "--compare", "channel"]);
    assert_eq!(run.code, 2);
}

#[test]
fn a_missing_compare_column_names_compare() {
    let run = jm(&["steps", &data("tiny.csv"), "--compare", "chanel=a,b"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("did you mean 'channel'? pass --compare channel"),
        "{}",
        run.stderr
    );
}
