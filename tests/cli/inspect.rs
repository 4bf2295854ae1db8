//! `journeymap inspect` through the real binary, over testdata/.

use crate::common;
use common::*;

fn inspect_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["inspect", "-f", "json"];
    all.extend_from_slice(args);
    jm(&all).ok().json()
}

fn finding<'a>(report: &'a serde_json::Value, check: &str) -> &'a serde_json::Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == check)
        .unwrap_or_else(|| panic!("no finding {check}"))
}

#[test]
fn tiny_log_numbers_are_the_hand_worked_ones() {
    let r = inspect_json(&[&data("tiny.csv"), "--conversion", "purchase"]);
    assert_eq!(r["customers"], 4);
    assert_eq!(r["journeys"], 4);
    assert_eq!(r["events"], 16);
    assert_eq!(r["rows"]["read"], 16);
    assert_eq!(r["time_range"]["first"], "2026-03-01T09:00:00Z");
    assert_eq!(r["time_range"]["last"], "2026-03-05T18:06:00Z");
    // Journey lengths 4, 3, 3, 6: nearest-rank median is the 2nd of 4 sorted values.
    assert_eq!(r["events_per_journey"]["min"], 3);
    assert_eq!(r["events_per_journey"]["median"], 3);
    assert_eq!(r["events_per_journey"]["p95"], 6);
    assert_eq!(r["events_per_journey"]["max"], 6);
    assert_eq!(r["distinct_touchpoints"], 6);
    assert_eq!(r["touchpoints"][0]["name"], "product_view");
    assert_eq!(r["touchpoints"][0]["events"], 5);
    assert_eq!(r["touchpoints"][0]["share"], 0.3125);
    // Ties in event count are ordered by name: blog before email_click.
    assert_eq!(r["touchpoints"][4]["name"], "blog");
    assert_eq!(r["touchpoints"][5]["name"], "email_click");
    assert_eq!(r["channels"][0]["name"], "direct");
    assert_eq!(r["conversions"]["converting_journeys"], 2);
    assert_eq!(r["conversions"]["conversion_rate"], 0.5);
    assert_eq!(r["meta"]["options"]["conversion"][0], "purchase");
    assert_eq!(finding(&r, "journeys_with_tied_timestamps")["count"], 1);
    assert_eq!(
        finding(&r, "journeys_with_tied_timestamps")["locations"][0],
        format!("{} line 6", data("tiny.csv"))
    );
    assert_eq!(
        finding(&r, "touchpoints_seen_once")["examples"],
        serde_json::json!(["blog", "email_click"])
    );
    assert_eq!(finding(&r, "rows_out_of_time_order")["count"], 0);
}

/// The numbers that must not depend on the file format or the row order.
fn essentials(r: &serde_json::Value) -> serde_json::Value {
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
}

#[test]
fn every_format_and_row_order_gives_the_same_report() {
    let want = essentials(&inspect_json(&[
        &data("tiny.csv"),
        "--converted-col",
        "converted",
    ]));
    for f in [
        "tiny_shuffled.csv",
        "tiny.csv.gz",
        "tiny.tsv",
        "tiny.jsonl",
        "tiny.parquet",
        "tiny_hive",
    ] {
        let got = essentials(&inspect_json(&[&data(f), "--converted-col", "converted"]));
        assert_eq!(got, want, "{f}");
    }
    let stdin = std::fs::read(data("tiny.csv")).unwrap();
    let run = run_in(
        std::path::Path::new("."),
        &["inspect", "-f", "json", "--converted-col", "converted", "-"],
        Some(&stdin),
    );
    assert_eq!(essentials(&run.ok().json()), want);
}

#[test]
fn globs_read_several_files_in_sorted_order() {
    let r = inspect_json(&[&data("tiny.c*v")]);
    let inputs: Vec<&str> = r["meta"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(inputs, vec![data("tiny.csv")]);
    let r = inspect_json(&[&data("tiny*.csv")]);
    assert_eq!(r["rows"]["read"], 32);
    assert_eq!(r["inputs"][1]["first_row"], 16);
    assert!(finding(&r, "duplicate_events")["count"].as_u64().unwrap() >= 14);
}

#[test]
fn shuffled_input_is_reported_out_of_order() {
    let r = inspect_json(&[&data("tiny_shuffled.csv")]);
    assert!(
        finding(&r, "rows_out_of_time_order")["count"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[test]
fn mixed_offsets_are_found() {
    let r = inspect_json(&[&data("mixed_offsets.csv")]);
    let f = finding(&r, "mixed_utc_offsets");
    // 1 Z, 1 +01:00, 1 -05:00 and 1 naive among the texts: three differ from the first group.
    assert_eq!(f["count"], 3);
    assert_eq!(f["examples"].as_array().unwrap().len(), 4);
}

#[test]
fn data_quality_findings_name_rows() {
    let r = inspect_json(&[&data("bad/null_ids.csv")]);
    assert_eq!(finding(&r, "missing_customer_id")["count"], 2);
    assert_eq!(
        finding(&r, "missing_customer_id")["first_rows"],
        serde_json::json!([1, 4])
    );
    assert_eq!(finding(&r, "missing_timestamp")["count"], 1);
    assert_eq!(r["rows"]["invalid"], 3);
    assert_eq!(r["events"], 2);
    let r = inspect_json(&[&data("bad/bad_timestamp.csv")]);
    let f = finding(&r, "unparseable_timestamp");
    assert_eq!(f["count"], 1);
    assert_eq!(f["examples"][0], "01/03/2026 09:05");
    let r = inspect_json(&[&data("ties.csv")]);
    assert_eq!(finding(&r, "duplicate_events")["count"], 1);
    assert_eq!(
        finding(&r, "duplicate_events")["first_rows"],
        serde_json::json!([4])
    );
}

#[test]
fn table_and_markdown_formats() {
    let run = jm(&["inspect", &data("tiny.csv"), "--conversion", "purchase"]).ok();
    assert!(
        run.stdout.contains("journeys              4"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("converting journeys   2 (50.0%)"));
    assert!(
        !run.stdout.contains("\x1b["),
        "no colour when not a terminal"
    );
    let run = jm(&["inspect", &data("tiny.csv"), "--color", "always"]).ok();
    assert!(run.stdout.contains("\x1b[1m"));
    let run = jm(&["inspect", &data("tiny.csv"), "-f", "md"]).ok();
    assert!(run.stdout.starts_with("# journeymap inspect\n"));
    assert!(
        run.stdout.contains("| product\\_view | 5 | 31.2% |"),
        "{}",
        run.stdout
    );
}

#[test]
fn output_is_byte_identical_across_runs() {
    let a = jm(&[
        "inspect",
        "-f",
        "json",
        &data("tiny_shuffled.csv"),
        "--session-gap",
        "30m",
    ])
    .ok();
    let b = jm(&[
        "inspect",
        "-f",
        "json",
        &data("tiny_shuffled.csv"),
        "--session-gap",
        "30m",
    ])
    .ok();
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn config_file_sources_and_verbose_mapping() {
    let run = jm(&[
        "inspect",
        "-v",
        "-f",
        "json",
        "--config",
        &data("multi/journeymap.toml"),
    ])
    .ok();
    assert!(
        run.stderr.contains(
            "customer=recipient, time=sent_at, touchpoint=action, channel=\"email\" (constant)"
        ),
        "{}",
        run.stderr
    );
    let r = run.json();
    assert_eq!(r["journeys"], 3);
    assert_eq!(r["meta"]["options"]["session_gap"], "1d");
    // A flag overrides the file.
    let r = inspect_json(&[
        "--config",
        &data("multi/journeymap.toml"),
        "--session-gap",
        "1h",
    ]);
    assert_eq!(r["journeys"], 5);
}

#[test]
fn journeymap_toml_in_the_working_directory_is_read() {
    let dir = scratch("cwd_config");
    std::fs::copy(data("tiny.csv"), dir.join("events.csv")).unwrap();
    std::fs::write(
        dir.join("journeymap.toml"),
        "[journey]\nsession_gap = \"30m\"\n",
    )
    .unwrap();
    let r = run_in(&dir, &["inspect", "-f", "json", "events.csv"], None)
        .ok()
        .json();
    assert_eq!(r["journeys"], 6);
    std::fs::write(
        dir.join("journeymap.toml"),
        "[journey]\nsession_gapp = \"30m\"\n",
    )
    .unwrap();
    let run = run_in(&dir, &["inspect", "events.csv"], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("journeymap.toml") && run.stderr.contains("session_gapp"),
        "{}",
        run.stderr
    );
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let dir = scratch("atomic");
    let out = dir.join("report.json");
    jm(&["inspect", &data("tiny.csv"), "-o", out.to_str().unwrap()]).ok();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_ok(),
        "-o .json implies JSON"
    );
    let bad = dir.join("bad.json");
    let run = jm(&[
        "inspect",
        &data("bad/empty.csv"),
        "-o",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    assert!(!bad.exists());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left: {leftovers:?}");
}

#[cfg(unix)]
#[test]
fn output_files_are_readable_by_others_like_any_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("perms");
    let out = dir.join("report.md");
    jm(&["inspect", &data("tiny.csv"), "-o", out.to_str().unwrap()]).ok();
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}
