//! `journeymap generate` through the binary: determinism, formats, and a closed pipe.

use crate::common;
use common::*;
use std::io::Read;
use std::process::{Command, Stdio};

#[test]
fn same_seed_same_bytes_and_formats_agree() {
    let dir = scratch("generate");
    let csv = dir.join("a.csv");
    let csv2 = dir.join("b.csv");
    let gz = dir.join("a.csv.gz");
    let pq = dir.join("a.parquet");
    for (path, seed) in [(&csv, "3"), (&csv2, "3"), (&gz, "3"), (&pq, "3")] {
        jm(&[
            "generate",
            "--customers",
            "300",
            "--seed",
            seed,
            "-o",
            path.to_str().unwrap(),
        ])
        .ok();
    }
    assert_eq!(std::fs::read(&csv).unwrap(), std::fs::read(&csv2).unwrap());
    let other = dir.join("c.csv");
    jm(&[
        "generate",
        "--customers",
        "300",
        "--seed",
        "4",
        "-o",
        other.to_str().unwrap(),
    ])
    .ok();
    assert_ne!(std::fs::read(&csv).unwrap(), std::fs::read(&other).unwrap());

    let report = |p: &std::path::Path| {
        let r = jm(&[
            "inspect",
            "-f",
            "json",
            "--conversion",
            "purchase",
            "--session-gap",
            "30m",
            p.to_str().unwrap(),
        ])
        .ok()
        .json();
        serde_json::json!([
            r["customers"],
            r["journeys"],
            r["events"],
            r["time_range"],
            r["events_per_journey"],
            r["touchpoints"],
            r["channels"],
            r["conversions"]
        ])
    };
    let want = report(&csv);
    assert_eq!(want[0], 300);
    assert_eq!(report(&gz), want);
    assert_eq!(report(&pq), want);
    // The converted flag marks exactly the purchase events.
    let r = jm(&[
        "inspect",
        "-f",
        "json",
        "--converted-col",
        "converted",
        "--session-gap",
        "30m",
        csv.to_str().unwrap(),
    ])
    .ok()
    .json();
    assert_eq!(
        r["conversions"]["converting_journeys"],
        want[7]["converting_journeys"]
    );
    assert_eq!(
        r["conversions"]["conversion_events"],
        want[7]["conversion_events"]
    );
}

#[test]
fn events_target_and_csv_on_stdout() {
    let run = jm(&["generate", "--events", "2000", "--seed", "1"]).ok();
    let lines = run.stdout.lines().count() - 1;
    assert!((1900..=2100).contains(&lines), "{lines} events");
    assert!(run
        .stdout
        .starts_with("customer_id,timestamp,touchpoint,channel,converted,revenue\n"));
}

#[test]
fn unknown_output_extension_is_a_usage_error() {
    let run = jm(&["generate", "-o", "events.xlsx"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("name the file .csv, .csv.gz or .parquet"),
        "{}",
        run.stderr
    );
}

#[test]
fn closed_pipe_exits_quietly_with_0() {
    let mut child = Command::new(bin())
        .args(["generate", "--events", "400000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 100];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `generate --surveys` plants a pattern (src/generate/model.rs, add_surveys): a live chat
/// scores 3 or 4 and a support ticket 1 or 2, one more for customers who purchase. With
/// `--score-applies previous`, `painpoints` gives each survey's score back to the contact it
/// rates and recovers the four means.
#[test]
fn survey_scores_recover_the_planted_pattern() {
    let dir = scratch("generate_surveys");
    let file = dir.join("log.csv").display().to_string();
    let run = jm(&[
        "-v",
        "generate",
        "--customers",
        "50000",
        "--seed",
        "7",
        "--surveys",
        "-o",
        &file,
    ])
    .ok();
    assert!(run.stderr.contains(" surveys) to "), "{}", run.stderr);
    let v = jm(&[
        "painpoints",
        &file,
        "--score-col",
        "score",
        "--score-applies",
        "previous",
        "--conversion",
        "purchase",
        "--top",
        "0",
        "-f",
        "json",
    ])
    .ok()
    .json();
    let row = |name: &str| {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()["scores"]
            .clone()
    };
    let near = |got: &serde_json::Value, want: f64, tol: f64| {
        let g = got.as_f64().unwrap();
        assert!((g - want).abs() <= tol, "{g} is not {want} +- {tol}");
    };
    for (name, base) in [("live_chat", 3.5), ("support_ticket", 1.5)] {
        let s = row(name);
        assert!(s["responses"].as_u64().unwrap() > 500, "{name}: {s}");
        near(&s["mean_not_converting"], base, 0.1);
        near(&s["mean_converting"], base + 1.0, 0.25);
    }
    // Every survey rates a support contact or a purchase (each rated event is alone at its
    // instant, so the survey's previous event is the rated one).
    let read = v["scores"]["read"].as_u64().unwrap();
    let responses = |name: &str| row(name)["responses"].as_u64().unwrap();
    let on_contacts = responses("live_chat") + responses("support_ticket") + responses("purchase");
    assert_eq!(on_contacts, read);
    // Purchase surveys score 4 or 5.
    near(&row("purchase")["mean"], 4.5, 0.1);
    // With `self`, every score stays on the survey rows.
    let v = jm(&[
        "painpoints",
        &file,
        "--score-col",
        "score",
        "--top",
        "0",
        "-f",
        "json",
    ])
    .ok()
    .json();
    let survey = |name: &str| {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()["scores"]["responses"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(survey("survey_support") + survey("survey_purchase"), read);
}
