//! Every file in testdata/bad/ and every bad command line: the exact error and exit code.

use crate::common;
use common::*;

fn fails(args: &[&str], code: i32, message: &str) {
    let run = jm(args);
    assert_eq!(run.code, code, "{args:?}: stderr {}", run.stderr);
    assert!(run.stdout.is_empty(), "{args:?}: nothing on stdout");
    assert!(
        run.stderr.starts_with("journeymap: error: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(message),
        "{args:?}: want {message:?} in {}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn empty_file() {
    fails(
        &["inspect", &data("bad/empty.csv")],
        1,
        "bad/empty.csv: the file is empty (no header row)",
    );
}

#[test]
fn header_only() {
    fails(
        &["inspect", &data("bad/header_only.csv")],
        1,
        "bad/header_only.csv: the input has a header but no rows",
    );
}

#[test]
fn missing_column_lists_columns() {
    fails(
        &["inspect", &data("bad/missing_column.csv")],
        1,
        "bad/missing_column.csv: no timestamp column (found: user_id, when, event); pass --time COLUMN",
    );
    fails(
        &["inspect", &data("bad/missing_column.csv"), "--time", "whn"],
        1,
        "no column 'whn' (found: user_id, when, event); did you mean 'when'? pass --time when",
    );
}

#[test]
fn invalid_utf8_names_row_and_column() {
    fails(
        &["inspect", &data("bad/invalid_utf8.csv")],
        1,
        "bad/invalid_utf8.csv: row 1 (line 3), column 'touchpoint': invalid UTF-8",
    );
}

#[test]
fn ragged_rows() {
    fails(
        &["inspect", &data("bad/ragged.csv")],
        1,
        "row 1 (line 3) has 4 fields but the header has 3",
    );
    fails(
        &["inspect", &data("bad/ragged_short.csv")],
        1,
        "row 1 (line 3) has 2 fields but the header has 3",
    );
}

#[test]
fn parquet_named_csv() {
    let dir = scratch("parquet_named_csv");
    let fake = dir.join("events.csv");
    std::fs::copy(data("tiny.parquet"), &fake).unwrap();
    fails(
        &["inspect", fake.to_str().unwrap()],
        1,
        "events.csv: this is a Parquet file (it starts with PAR1), not csv; rename it to .parquet or pass --input-format parquet",
    );
    let run = jm(&[
        "inspect",
        "-f",
        "json",
        "--input-format",
        "parquet",
        fake.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(run.json()["events"], 16);
}

#[test]
fn missing_file_and_empty_directory() {
    fails(
        &["inspect", "nope/events.csv"],
        1,
        "nope/events.csv: no such file or directory",
    );
    fails(
        &["inspect", &data("bad/empty_dir")],
        1,
        "directory has no data files",
    );
    fails(
        &["inspect", &data("nothing-*.parquet")],
        1,
        "no files match",
    );
}

#[test]
fn unknown_tz_is_a_usage_error_with_a_suggestion() {
    fails(
        &["inspect", &data("tiny.csv"), "--tz", "Europe/Berln"],
        2,
        "unknown time zone 'Europe/Berln' for --tz; did you mean 'Europe/Berlin'?",
    );
}

#[test]
fn rename_regex_that_does_not_compile() {
    fails(
        &["inspect", &data("tiny.csv"), "--rename", "([a-z=x"],
        2,
        "--rename '([a-z=x': the pattern '([a-z' does not compile",
    );
}

#[test]
fn conversion_that_never_occurs_is_a_warning() {
    let run = jm(&["inspect", &data("tiny.csv"), "--conversion", "purchse"]).ok();
    assert!(
        run.stderr.contains("journeymap: warning: conversion 'purchse' never occurs in the input; did you mean 'purchase'?"),
        "{}",
        run.stderr
    );
    let quiet = jm(&[
        "inspect",
        &data("tiny.csv"),
        "--conversion",
        "purchse",
        "-q",
    ])
    .ok();
    assert!(quiet.stderr.is_empty());
}

#[test]
fn usage_errors_exit_2() {
    fails(
        &["inspect", &data("tiny.csv"), "-f", "dot"],
        2,
        "inspect cannot write dot",
    );
    fails(
        &["inspect", &data("tiny.csv"), "--session-gap", "soon"],
        2,
        "--session-gap",
    );
    fails(
        &["inspect", &data("tiny.csv"), "--where", "channel"],
        2,
        "COLUMN=VALUE",
    );
    let run = jm(&["inspect", "--no-such-flag"]);
    assert_eq!(run.code, 2);
    let run = jm(&["frobnicate"]);
    assert_eq!(run.code, 2);
}

#[test]
fn a_duration_without_a_unit_is_a_usage_error() {
    // `30` could be seconds or minutes: 3,839 journeys or 1,642 on the example.
    for flag in ["--session-gap", "--window"] {
        let mut args = vec!["funnel", "examples/shop.csv", "--steps", "home,purchase"];
        args.extend([flag, "30"]);
        fails(
            &args,
            2,
            &format!("{flag}: '30' has no unit; write 30s for seconds or 30m for minutes"),
        );
    }
}

#[test]
fn an_output_extension_journeymap_does_not_write_is_a_usage_error() {
    let dir = scratch("xlsx");
    for (command, out) in [("paths", "out.xlsx"), ("check", "out.html")] {
        let target = dir.join(out);
        let target_text = target.display().to_string();
        let run = jm(&[
            command,
            "examples/shop.csv",
            "--config",
            "examples/ci/journeymap.toml",
            "-o",
            &target_text,
        ]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("-o {target_text}: journeymap"))
                && run.stderr.contains("or pass --format"),
            "{}",
            run.stderr
        );
        assert!(!target.exists(), "no file is written");
    }
    // --format says what to write, whatever the file is called.
    let target = dir.join("paths.data");
    let target_text = target.display().to_string();
    jm(&[
        "paths",
        "examples/shop.csv",
        "-f",
        "csv",
        "-o",
        &target_text,
    ])
    .ok();
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .starts_with("rank,path,"));
}

#[test]
fn bad_conversion_marker() {
    let dir = scratch("bad_marker");
    let f = dir.join("m.csv");
    std::fs::write(
        &f,
        "customer_id,timestamp,touchpoint,converted\nu,2026-01-01,a,1\nu,2026-01-02,b,maybe\n",
    )
    .unwrap();
    fails(
        &[
            "inspect",
            f.to_str().unwrap(),
            "--converted-col",
            "converted",
        ],
        1,
        "m.csv line 3: column 'converted' has 'maybe', which is not a conversion marker",
    );
}

#[test]
fn where_on_a_missing_column() {
    fails(
        &["inspect", &data("tiny.csv"), "--where", "country=DE"],
        1,
        "no column 'country'",
    );
}

#[test]
fn inputs_are_never_touched() {
    let before = std::fs::read(data("bad/ragged.csv")).unwrap();
    let _ = jm(&["inspect", &data("bad/ragged.csv")]);
    assert_eq!(std::fs::read(data("bad/ragged.csv")).unwrap(), before);
}

#[test]
fn output_over_a_file_the_run_reads_is_refused() {
    let dir = scratch("over_input");
    let f = dir.join("events.csv");
    std::fs::copy(data("tiny.csv"), &f).unwrap();
    let config = dir.join("journeymap.toml");
    std::fs::write(&config, "[conversion]\nevents = [\"purchase\"]\n").unwrap();
    let checks = dir.join("checks.toml");
    std::fs::write(&checks, "[[check]]\nkind = \"journeys\"\nmin = 1\n").unwrap();
    let (f_text, config_text, checks_text) = (
        f.display().to_string(),
        config.display().to_string(),
        checks.display().to_string(),
    );
    let keep = |p: &std::path::Path| std::fs::read(p).unwrap();
    let (events_before, config_before, checks_before) = (keep(&f), keep(&config), keep(&checks));
    let with = |out: &str| -> Vec<String> {
        [
            "paths",
            &f_text,
            "--config",
            &config_text,
            "-f",
            "csv",
            "-o",
            out,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let args = with(&f_text);
    fails(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        2,
        &format!("is the input {f_text}; journeymap never overwrites a file it reads"),
    );
    let args = with(&config_text);
    fails(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        2,
        &format!("is the config file {config_text}"),
    );
    fails(
        &[
            "check",
            &f_text,
            "--checks",
            &checks_text,
            "-f",
            "json",
            "-o",
            &checks_text,
        ],
        2,
        &format!("is the checks file {checks_text}"),
    );
    // A link to an input is the input.
    #[cfg(unix)]
    {
        let link = dir.join("link.csv");
        std::os::unix::fs::symlink(&f, &link).unwrap();
        fails(
            &["paths", &f_text, "-o", &link.display().to_string()],
            2,
            "never overwrites a file it reads",
        );
    }
    assert_eq!(keep(&f), events_before);
    assert_eq!(keep(&config), config_before);
    assert_eq!(keep(&checks), checks_before);
}

#[cfg(unix)]
#[test]
fn output_through_a_link_or_into_a_special_file_keeps_what_is_there() {
    let dir = scratch("special_outputs");
    let shop = format!("{}/examples/shop.csv", env!("CARGO_MANIFEST_DIR"));
    // A link: its target is written, the link stays a link.
    let target = dir.join("report.csv");
    let link = dir.join("latest.csv");
    std::fs::write(&target, "old\n").unwrap();
    std::os::unix::fs::symlink("report.csv", &link).unwrap();
    jm(&[
        "paths",
        &shop,
        "--top",
        "3",
        "-o",
        &link.display().to_string(),
    ])
    .ok();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .starts_with("rank,path,"));
    // A character device is written through, not replaced by a regular file.
    jm(&["paths", &shop, "-f", "csv", "-o", "/dev/null"]).ok();
    let null = std::fs::metadata("/dev/null").unwrap();
    assert!(!null.is_file(), "/dev/null is still a device");
    // A FIFO too: what a reader on the other end gets is the report.
    let fifo = dir.join("pipe");
    let c_path = std::ffi::CString::new(fifo.display().to_string()).unwrap();
    // SAFETY: mkfifo only creates a file at a path we own.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    jm(&[
        "paths",
        &shop,
        "--top",
        "3",
        "-f",
        "csv",
        "-o",
        &fifo.display().to_string(),
    ])
    .ok();
    assert!(reader.join().unwrap().starts_with("rank,path,"));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
}

#[test]
fn messy_headers_and_compact_dates() {
    let dir = scratch("messy");
    let f = dir.join("spaces.csv");
    std::fs::write(
        &f,
        "customer_id, timestamp, touchpoint\nu, 20260301, a\nu, 20260302, b\n",
    )
    .unwrap();
    let r = jm(&["inspect", "-f", "json", f.to_str().unwrap()])
        .ok()
        .json();
    assert_eq!(r["time_range"]["first"], "2026-03-01T00:00:00Z");
    assert_eq!(r["time_range"]["span_seconds"], 86_400);
    let semi = dir.join("semi.csv");
    std::fs::write(&semi, "user;ts;event\nu;2026-03-01;a\n").unwrap();
    fails(
        &["paths", semi.to_str().unwrap()],
        1,
        "the file looks separated by ';': pass --delimiter ';'",
    );
    let run = jm(&["paths", &data("tiny.csv"), "--exclude", "hom"]).ok();
    assert!(
        run.stderr
            .contains("--exclude 'hom' never occurs in the input; did you mean 'home'?"),
        "{}",
        run.stderr
    );
}

#[test]
fn instants_centuries_apart_do_not_overflow() {
    let dir = scratch("far");
    let f = dir.join("far.csv");
    std::fs::write(
        &f,
        "customer_id,timestamp,touchpoint\nu,1700-01-01,a\nu,2250-01-01,b\n",
    )
    .unwrap();
    for cmd in ["inspect", "paths", "graph", "dropoff", "transitions"] {
        let run = jm(&[cmd, f.to_str().unwrap(), "-f", "json", "-q"]);
        assert_eq!(run.code, 0, "{cmd}: {}", run.stderr);
    }
}

#[test]
fn newcomer_mistakes_get_a_hint_that_fixes_them() {
    let shop = "examples/shop.csv";
    // A single step that may have been meant as a named funnel.
    let run = jm(&["funnel", shop, "--steps", "checkout"]).ok();
    assert!(
        run.stderr.contains("--steps has one step, 'checkout'; if it names a funnel under [funnels], pass the file that defines it with --config"),
        "{}",
        run.stderr
    );
    // --before with two files splits them as one dataset: said, not silent.
    let run = jm(&["diff", shop, "testdata/tiny.csv", "--before", "2026-02-15"]).ok();
    assert!(
        run.stderr
            .contains("--before splits one dataset: the 2 inputs are read together as one"),
        "{}",
        run.stderr
    );
    // A whole journeymap.toml given to --checks.
    fails(
        &["check", shop, "--checks", "examples/ci/journeymap.toml"],
        2,
        "a whole journeymap.toml goes with --config",
    );
    // A misspelt --where column: the hint is the whole value to pass.
    fails(
        &["paths", shop, "--where", "chanel=email"],
        1,
        "did you mean 'channel'? pass --where channel=VALUE",
    );
    // A baseline that does not exist yet.
    fails(
        &[
            "check",
            shop,
            "--config",
            "examples/ci/journeymap.toml",
            "--baseline",
            "no-such-baseline.json",
        ],
        2,
        "cannot read the baseline (write one with --write-baseline no-such-baseline.json)",
    );
    // A format the command does not draw: one reason, in one pair of brackets.
    fails(
        &["paths", shop, "-o", "out.dot"],
        2,
        "paths cannot write dot (from the -o extension; pass --format to choose; dot and mermaid are for graph-shaped results); it writes table, csv, json, md",
    );
}

#[test]
fn control_characters_in_names_do_not_reach_the_terminal() {
    let dir = scratch("control_chars");
    let f = dir.join("esc.csv");
    std::fs::write(
        &f,
        "customer_id,timestamp,touchpoint\n\
         u1,2026-03-01T09:00:00Z,\u{1b}]0;PWNED\u{7}\u{1b}[2J\n\
         u1,2026-03-01T09:01:00Z,home\u{0}page\n",
    )
    .unwrap();
    let path = f.display().to_string();
    for format in ["table", "md"] {
        let run = jm(&["paths", &path, "-f", format]).ok();
        assert!(
            !run.stdout.contains(['\u{1b}', '\u{7}', '\u{0}']),
            "{format}: {:?}",
            run.stdout
        );
        // Markdown escapes the bracket too: `\\x1b\]0;PWNED`.
        assert!(
            run.stdout.contains("x1b]0;PWNED") || run.stdout.contains(r"x1b\]0;PWNED"),
            "{format}: {}",
            run.stdout
        );
        assert!(run.stdout.contains("home") && run.stdout.contains("x00page"));
    }
    // JSON keeps the name as it is (escaped by JSON itself).
    let run = jm(&["paths", &path, "-f", "json"]).ok();
    assert!(
        run.stdout.contains("\\u001b]0;PWNED\\u0007"),
        "{}",
        run.stdout
    );
}
