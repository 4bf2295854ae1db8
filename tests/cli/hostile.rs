//! Hostile and unusual input (docs/input.md, "Hostile and unusual input"): every command on
//! every file of testdata/bad/ and on hostile flag values ends with exit 0, 1 or 2 and never
//! a panic; inputs that used to take memory out of proportion run under a memory limit; and
//! one test per class holds the exact answer.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::common;
use common::*;

/// Every command, with the flags it needs on the files of testdata/bad/.
fn commands(checks: &str) -> Vec<Vec<String>> {
    let tiny = data("tiny.csv");
    let c: Vec<Vec<&str>> = vec![
        vec!["inspect"],
        vec!["paths"],
        vec!["graph"],
        vec!["graph", "-f", "dot"],
        vec!["transitions"],
        vec!["dropoff"],
        vec!["painpoints"],
        vec!["steps"],
        vec!["explore", "--from", "home"],
        vec!["funnel", "--steps", "home,purchase"],
        vec!["attribution", "--conversion", "purchase"],
        vec!["check", "--checks", checks],
        vec!["diff", &tiny],
    ];
    c.into_iter()
        .map(|v| v.into_iter().map(String::from).collect())
        .collect()
}

/// What every command must do with a file.
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// Good input: exit 0 (check may fail its gate on a tiny file).
    Read,
    /// Bad input: an error, nothing on stdout (inspect may report it as findings instead).
    Fail,
    /// Only exit 0, 1 or 2, no panic, and nothing on stdout on failure.
    Survive,
}

/// Runs every command on `file`: never a panic, exit 0, 1 or 2, and what `expect` says.
fn every_command(file: &str, expect: Expect, checks: &str) {
    for cmd in commands(checks) {
        let (name, rest) = cmd.split_first().unwrap();
        let mut args: Vec<&str> = vec![name, file];
        args.extend(rest.iter().map(String::as_str));
        let run = jm(&args);
        assert!(
            !run.stderr.contains("panicked") && (0..=2).contains(&run.code),
            "{args:?}: exit {}, {}",
            run.code,
            run.stderr
        );
        let (check, inspect) = (name == "check", name == "inspect");
        match expect {
            Expect::Read => assert!(run.code == 0 || check, "{args:?}: {}", run.stderr),
            // inspect reports bad rows as findings instead of failing.
            Expect::Fail if inspect && run.code == 0 => assert!(
                run.stdout.contains("line ") || run.stdout.contains("row "),
                "{}",
                run.stdout
            ),
            Expect::Fail => {
                assert!(run.code == 1 || run.code == 2, "{args:?}: {}", run.stdout);
                assert!(run.stderr.contains("journeymap: error: "), "{}", run.stderr);
            }
            Expect::Survive => {}
        }
        if run.code != 0 && !check {
            assert!(run.stdout.is_empty(), "{args:?}: output on failure");
        }
    }
}

fn checks_file() -> String {
    let dir = scratch("hostile_checks");
    let p = dir.join("checks.toml");
    std::fs::write(&p, "[[check]]\nkind = \"journeys\"\nmin = 1\n").unwrap();
    p.display().to_string()
}

#[test]
fn every_command_on_every_bad_file() {
    let checks = checks_file();
    // Unusual but valid: read as they should be. The others may be fine for some commands
    // (huge revenues without --value-col): only "no panic" holds for every one.
    let valid = [
        "nested_columns.parquet",
        "dictionary_timestamp.parquet",
        "bom.jsonl",
    ];
    let mut seen = 0;
    for entry in std::fs::read_dir(data("bad")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".py") {
            continue;
        }
        let expect = match valid.contains(&name.as_str()) {
            true => Expect::Read,
            false => Expect::Survive,
        };
        every_command(&path.display().to_string(), expect, &checks);
        seen += 1;
    }
    assert!(seen >= 25, "testdata/bad has {seen} files");
}

#[test]
fn invalid_files_fail_every_command() {
    let checks = checks_file();
    for name in [
        "far_future.csv",
        "far_future.tsv",
        "far_future.jsonl",
        "far_future.csv.gz",
        "far_future.parquet",
        "date_9999.parquet",
        "struct_touchpoint.parquet",
        "unclosed_quote.csv",
        "text_after_quote.csv",
        "control_names.csv",
        "blank_lines.csv",
    ] {
        every_command(&data(&format!("bad/{name}")), Expect::Fail, &checks);
    }
}

#[test]
fn hostile_flag_values_are_errors_or_bounded() {
    let tiny = data("tiny.csv");
    let out = scratch("hostile_flags")
        .join("out.csv")
        .display()
        .to_string();
    let max = u64::MAX.to_string();
    let cases: Vec<Vec<&str>> = vec![
        vec!["funnel", &tiny, "--steps", "home,purchase", "--bins", &max],
        vec![
            "funnel",
            &tiny,
            "--steps",
            "home,purchase",
            "--top-values",
            &max,
        ],
        vec![
            "funnel",
            &tiny,
            "--steps",
            "home,purchase",
            "--dropped-at",
            &max,
        ],
        vec!["steps", &tiny, "--max-steps", &max],
        vec!["steps", &tiny, "--max-steps", "10000000"],
        vec!["paths", &tiny, "--top", &max, "--max-steps", &max],
        vec!["paths", &tiny, "--min-count", &max],
        vec![
            "explore",
            &tiny,
            "--from",
            "home",
            "--depth",
            &max,
            "--per-step",
            &max,
        ],
        vec![
            "explore", &tiny, "--to", "purchase", "--depth", &max, "-f", "dot",
        ],
        vec![
            "graph",
            &tiny,
            "--top-edges",
            &max,
            "--max-nodes",
            &max,
            "--min-count",
            &max,
        ],
        vec!["graph", &tiny, "--min-share", "NaN"],
        vec![
            "attribution",
            &tiny,
            "--conversion",
            "purchase",
            "--order",
            &max,
        ],
        vec!["diff", &tiny, &tiny, "--top", &max, "--min-change", "inf"],
        vec!["generate", "--events", &max, "-o", &out],
        vec!["generate", "--start", "2262-04-01", "-o", &out],
        vec!["generate", "--start", "1677-01-01", "-o", &out],
        vec![
            "generate",
            "--conversion-boost",
            "1e308",
            "--customers",
            "5",
            "-o",
            "/dev/null",
        ],
        vec!["paths", &tiny, "--session-gap", "999999999999999999d"],
        vec!["paths", &tiny, "--from", "99999-01-01"],
    ];
    for args in cases {
        let run = limited(&args, 2 << 30);
        assert!(
            !run.stderr.contains("panicked") && (0..=2).contains(&run.code),
            "{args:?}: exit {}, {}",
            run.code,
            run.stderr
        );
    }
    // The limits are usage errors that say what is allowed.
    let run = jm(&["funnel", &tiny, "--steps", "home,purchase", "--bins", &max]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--bins must be from 1 to 1000"),
        "{}",
        run.stderr
    );
    let run = jm(&["generate", "--start", "2262-04-01", "-o", &out]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("2262-04-11T23:47:16Z"),
        "{}",
        run.stderr
    );
    // steps stops at the longest journey (6 events in tiny.csv), however many are asked for.
    let run = jm(&["steps", &tiny, "--max-steps", "10000000", "-f", "json"]).ok();
    assert_eq!(run.json()["positions"], 6);
}

/// Runs journeymap with its address space limited to `bytes` (what used to grow out of
/// proportion now fails the test instead of filling the machine).
fn limited(args: &[&str], bytes: u64) -> Run {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let lim = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

fn write_lines(path: &Path, header: &str, rows: impl Iterator<Item = String>) {
    let mut text = String::from(header);
    for r in rows {
        text.push_str(&r);
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn memory_stays_in_proportion_to_the_input() {
    let dir = scratch("hostile_memory");
    let limit = 3 << 30;
    // JSON Lines whose every line brings a new key: was lines x keys cells (12 GB).
    let jsonl = dir.join("new_keys.jsonl");
    write_lines(
        &jsonl,
        "",
        (0..20_000).map(|i| {
            format!(
                r#"{{"customer_id":"c{}","timestamp":"2026-03-01T09:{:02}:00Z","touchpoint":"t{}","k{i}":1}}"#,
                i % 500,
                i % 60,
                i % 7
            )
        }),
    );
    // 10,000 touchpoints: the transitions matrix for a terminal was 100 million cells.
    let wide = dir.join("wide.csv");
    write_lines(
        &wide,
        "customer_id,timestamp,touchpoint\n",
        (0..20_000).map(|i| {
            format!(
                "c{},2026-03-01T09:0{}:00Z,tp{}",
                i / 2,
                i % 2,
                (i / 2 * 7 + i % 2 * 13) % 10_000
            )
        }),
    );
    // One customer with 100,000 events: one path of 100,000 steps as a table cell.
    let long = dir.join("one_customer.csv");
    write_lines(
        &long,
        "customer_id,timestamp,touchpoint\n",
        (0..100_000).map(|i| format!("c1,{},t{}", 1_767_225_600 + i, i % 20)),
    );
    let (jsonl, wide, long) = (
        jsonl.display().to_string(),
        wide.display().to_string(),
        long.display().to_string(),
    );
    let run = limited(&["paths", &jsonl, "-f", "csv"], limit);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = limited(&["transitions", &wide], limit);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("39 of 10,001 'to' columns are shown (the most frequent, and (end))"),
        "{}",
        &run.stdout[..run.stdout.len().min(2000)]
    );
    let run = limited(&["paths", &long], limit);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .stdout
        .contains("cells longer than 160 characters are cut (…)"));
    assert!(run.stdout.lines().all(|l| l.chars().count() < 400));
    // The whole path is in CSV.
    let run = limited(&["paths", &long, "-f", "csv"], limit);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(",100000,false,1,"),
        "{}",
        &run.stdout[..200]
    );
}

#[test]
fn parquet_columns_no_role_uses_are_never_read() {
    let run = jm(&["inspect", &data("bad/nested_columns.parquet"), "-f", "json"]).ok();
    let v = run.json();
    let types: Vec<String> = v["inputs"][0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}={}",
                c["name"].as_str().unwrap(),
                c["type"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        types,
        [
            "customer_id=str",
            "timestamp=datetime[μs, UTC]",
            "touchpoint=str",
            "device=struct (not read)",
            "params=list (not read)",
            "items=list (not read)",
            "price=decimal(10,2) (not read)",
            "weight=f16 (not read)"
        ]
    );
    assert_eq!(v["rows"]["used"], 4);
    let run = jm(&["paths", &data("bad/struct_touchpoint.parquet")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "struct_touchpoint.parquet: column 'touchpoint' has type struct, which journeymap does not read; pass --touchpoint with a column of text, numbers or timestamps"
        ),
        "{}",
        run.stderr
    );
    // Dictionary-encoded text (timestamps too) is read as the text it stands for.
    let run = jm(&[
        "paths",
        &data("bad/dictionary_timestamp.parquet"),
        "-f",
        "json",
    ])
    .ok();
    assert_eq!(run.json()["journeys"], 2);
}

#[test]
fn dates_journeymap_cannot_hold_are_errors_not_other_dates() {
    for (file, value) in [
        ("bad/date_9999.parquet", "row 0: '9999-12-31'"),
        ("bad/far_future.parquet", "row 0: '9999-12-31T23:00:00Z'"),
        ("bad/far_future.csv", "line 3: '9999-12-31T23:59:59Z'"),
        ("bad/far_future.jsonl", "record 2: '9999-12-31T23:59:59Z'"),
    ] {
        let run = jm(&["paths", &data(file)]);
        assert_eq!(run.code, 1, "{file}");
        assert!(
            run.stderr.contains(&format!(
                "a timestamp outside the range journeymap holds (first: {}",
                data(file)
            )) && run.stderr.contains(value)
                && run
                    .stderr
                    .contains("1677-09-21T00:12:44Z to 2262-04-11T23:47:16Z")
                && run.stderr.contains("--skip-invalid"),
            "{file}: {}",
            run.stderr
        );
    }
    // --skip-invalid drops them and keeps the rest exactly.
    let run = jm(&[
        "paths",
        &data("bad/date_9999.parquet"),
        "--skip-invalid",
        "-f",
        "json",
    ])
    .ok();
    assert_eq!(run.json()["journeys"], 1);
    assert_eq!(run.json()["paths"][0]["median_duration_s"], 86400.0);
}

#[test]
fn zone_abbreviations_and_unknown_fields_in_time_formats_are_usage_errors() {
    let run = jm(&[
        "paths",
        &data("bad/zone_abbreviation.csv"),
        "--time-format",
        "%Y-%m-%d %H:%M:%S %Z",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("has %Z, a zone abbreviation"),
        "{}",
        run.stderr
    );
    let run = jm(&["paths", &data("tiny.csv"), "--time-format", "%Q"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--time-format '%Q' is not a layout"),
        "{}",
        run.stderr
    );
    // A literal "%Z" (%%Z) is text, not a zone.
    let run = jm(&[
        "paths",
        &data("tiny.csv"),
        "--time-format",
        "%Y-%m-%dT%H:%M:%SZ%%Z",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn huge_revenue_sums_are_errors_and_large_amounts_keep_their_digits() {
    let run = jm(&[
        "attribution",
        &data("bad/huge_revenue.csv"),
        "--conversion",
        "purchase",
        "--value-col",
        "revenue",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("add up to more than 1.8e308"),
        "{}",
        run.stderr
    );
}

#[test]
fn blank_lines_are_skipped_and_lines_are_counted_right() {
    // The bad timestamp is row 4 but line 9: blank lines, CRLF blank lines and a line break
    // inside quotes come before it.
    let run = jm(&["paths", &data("bad/blank_lines.csv")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("blank_lines.csv line 9: 'yesterday' in column 'timestamp'"),
        "{}",
        run.stderr
    );
    let run = jm(&[
        "inspect",
        &data("bad/blank_lines.csv"),
        "--skip-invalid",
        "-f",
        "json",
    ])
    .ok();
    let v = run.json();
    assert_eq!(v["rows"]["read"], 4, "{v}");
    assert_eq!(v["rows"]["used"], 3);
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
    let file = data("bad/formula_names.csv");
    let run = jm(&["paths", &file, "-f", "csv"]).ok();
    assert_eq!(
        run.stdout,
        "rank,path,steps,cut,count,share,median_duration_s\n\
         1,'+cmd > -2+3,2,false,1,0.500000,60\n\
         2,'@SUM(A1) > -0.4,2,false,1,0.500000,60\n"
    );
    let run = jm(&["transitions", &file, "-f", "csv", "--level", "touchpoint"]).ok();
    assert!(run.stdout.contains("\n(start),'+cmd,1,"), "{}", run.stdout);
    assert!(run.stdout.contains("\n'+cmd,'-2+3,1,"), "{}", run.stdout);
    // A number stays a number.
    assert!(run.stdout.contains("\n'@SUM(A1),-0.4,1,"), "{}", run.stdout);
    // funnel --dropped-at lists customer ids.
    let run = jm(&[
        "funnel",
        &file,
        "--steps",
        "+cmd|@SUM(A1),purchase",
        "--dropped-at",
        "2",
        "-f",
        "csv",
    ])
    .ok();
    assert!(
        run.stdout
            .contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
            && run.stdout.contains("\n'@me,"),
        "{}",
        run.stdout
    );
    // --csv-raw: the bytes as they are.
    let run = jm(&["paths", &file, "-f", "csv", "--csv-raw"]).ok();
    assert!(run.stdout.contains("\n1,+cmd > -2+3,"), "{}", run.stdout);
}

#[test]
fn control_characters_never_reach_the_terminal_in_messages() {
    let file = data("bad/control_names.csv");
    let run = jm(&["paths", &file]);
    assert_eq!(run.code, 1);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert!(
        run.stderr.contains("'not a time \\x1b[31mred'"),
        "{}",
        run.stderr
    );
    // A warning that names a value from the command line or the data.
    let run = jm(&[
        "paths",
        &file,
        "--skip-invalid",
        "--exclude",
        "x\u{1b}]0;PWNED\u{7}",
    ])
    .ok();
    assert!(!run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'));
    assert!(
        run.stderr
            .contains("--exclude 'x\\x1b]0;PWNED\\x07' never occurs"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("\\x1b]0;PWNED\\x07\\x1b[2J > purchase"),
        "{}",
        run.stdout
    );
}

#[test]
fn errors_name_the_line_and_quote_a_short_excerpt() {
    let run = jm(&["paths", &data("bad/unclosed_quote.csv")]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "journeymap: error: {}: line 2: a quote opens a field that is never closed, so the rest of the file would be one field; close the quote (or double a quote that is part of the text)\n",
            data("bad/unclosed_quote.csv")
        )
    );
    let run = jm(&["paths", &data("bad/text_after_quote.csv")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "text_after_quote.csv: line 3: a quoted field has text after its closing quote"
        ),
        "{}",
        run.stderr
    );
    // A 100 KB value is quoted as its first 60 characters and its size.
    let dir = scratch("hostile_excerpt");
    let big = dir.join("big.csv");
    let value = "9".repeat(100_000);
    std::fs::write(
        &big,
        format!("customer_id,timestamp,touchpoint\na,2026-03-01T09:00:00Z,home\nb,x{value},home\n"),
    )
    .unwrap();
    let run = jm(&["paths", &big.display().to_string()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.len() < 1000, "{} bytes", run.stderr.len());
    assert!(
        run.stderr
            .contains(&format!("'x{}… (100,001 bytes in all)'", &value[..59])),
        "{}",
        run.stderr
    );
    // A 5 MB time zone (in journeymap.toml: a command line holds 128 KB) is refused at once,
    // and quoted short.
    let toml = dir.join("journeymap.toml");
    std::fs::write(
        &toml,
        format!("[time]\ntz = \"{}\"\n", "A".repeat(5_000_000)),
    )
    .unwrap();
    let toml = toml.display().to_string();
    let run = jm(&["paths", &data("tiny.csv"), "--config", &toml]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.len() < 1000 && run.stderr.contains("unknown time zone"),
        "{}",
        &run.stderr[..run.stderr.len().min(500)]
    );
    // Parquet on standard input.
    let parquet = std::fs::read(data("tiny.parquet")).unwrap();
    let run = run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["paths", "-"],
        Some(&parquet),
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("<stdin>: this is Parquet data, which journeymap reads only from a file"),
        "{}",
        run.stderr
    );
    // JSON Lines with a byte-order mark reads like CSV with one.
    let run = jm(&["paths", &data("bad/bom.jsonl"), "-f", "json"]).ok();
    assert_eq!(run.json()["journeys"], 1);
    // Many --exclude names that never occur: one warning, not one each.
    let mut args = vec!["paths".to_string(), data("tiny.csv")];
    for i in 0..20_000 {
        args.push(format!("--exclude=missing{i}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = jm(&args).ok();
    assert_eq!(
        run.stderr,
        "journeymap: warning: 20,000 --exclude names never occur in the input (first: 'missing0', 'missing1', 'missing2', 'missing3', 'missing4', ...)\n"
    );
}

#[test]
fn an_interrupted_run_removes_its_temporary_file() {
    let dir = scratch("hostile_signal");
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let mut child = Command::new(bin())
            .args(["generate", "--events", "50000000", "-o", "out.csv"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for the temporary file (generate opens its output before it simulates).
        let temp = || {
            std::fs::read_dir(&dir)
                .unwrap()
                .filter_map(|e| e.ok())
                .any(|e| e.file_name().to_string_lossy().starts_with(".journeymap-"))
        };
        let mut waited = 0;
        while !temp() && waited < 600 {
            std::thread::sleep(std::time::Duration::from_millis(50));
            waited += 1;
        }
        assert!(temp(), "no temporary file appeared");
        // SAFETY: kill only sends a signal to the child.
        unsafe {
            libc::kill(child.id() as i32, signal);
        }
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(signal), "{status:?}");
        assert!(!temp(), "the temporary file is left behind");
        assert!(!dir.join("out.csv").exists());
    }
}

#[test]
fn bounds_at_the_edges_of_time_select_or_say_why() {
    let tiny = data("tiny.csv");
    // The last day there is: the whole of it, up to the last instant.
    let run = jm(&["paths", &tiny, "--to", "2262-04-11", "-f", "json"]).ok();
    assert_eq!(run.json()["journeys"], 4);
    // A compact date is a whole day too.
    let run = jm(&["paths", &tiny, "--to", "20260301", "-f", "json"]).ok();
    assert_eq!(run.json()["journeys"], 2);
    for (flag, value) in [("--to", "2262-04-12"), ("--from", "1677-09-20")] {
        let run = jm(&["paths", &tiny, flag, value]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("is outside the range of time"),
            "{}",
            run.stderr
        );
    }
    let run = jm(&["paths", &tiny, "--session-gap", "99999999999d"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("longer than journeymap can hold"),
        "{}",
        run.stderr
    );
}

#[test]
fn parquet_small_integers_and_zoned_timestamps_read_for_every_role() {
    let file = data("bad/small_ints.parquet");
    let run = jm(&["paths", &file, "-f", "csv"]).ok();
    assert_eq!(
        run.stdout,
        "rank,path,steps,cut,count,share,median_duration_s\n1,1,1,false,1,0.500000,0\n2,1 > 2,2,false,1,0.500000,300\n"
    );
    let run = jm(&["paths", &file, "--touchpoint", "seen_at", "-f", "csv"]).ok();
    assert!(
        run.stdout
            .contains("2026-03-01T09:00:00Z > 2026-03-01T09:05:00Z,2,false,1,"),
        "{}",
        run.stdout
    );
    let run = jm(&["paths", &data("bad/u64_timestamp.parquet")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("outside the range journeymap holds (first: ")
            && run.stderr.contains("'18446744073709551615'"),
        "{}",
        run.stderr
    );
}

#[test]
fn special_files_in_a_directory_are_skipped_not_read() {
    let dir = scratch("hostile_fifo");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::copy(data("tiny.csv"), dir.join("tiny.csv")).unwrap();
    let fifo = std::ffi::CString::new(dir.join("sub/pipe.csv").display().to_string()).unwrap();
    // SAFETY: mkfifo reads a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.csv")).unwrap();
    let run = limited(
        &["paths", &dir.display().to_string(), "-f", "json"],
        2 << 30,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["journeys"], 4);
    assert!(
        run.stderr.contains("pipe.csv: not a regular file")
            && run.stderr.contains("zero.csv: not a regular file"),
        "{}",
        run.stderr
    );
    // Standard input named twice is read once.
    let text = std::fs::read(data("tiny.csv")).unwrap();
    let run = run_in(&dir, &["paths", "-", "-", "-f", "json"], Some(&text));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["journeys"], 4);
    assert!(run
        .stderr
        .contains("is named more than once; it is read once"));
}

#[test]
fn many_steps_that_match_nothing_are_one_warning() {
    let steps: Vec<String> = (0..1000).map(|i| format!("zz{i}")).collect();
    let steps = format!("home,{}", steps.join(","));
    let run = jm(&["funnel", &data("tiny.csv"), "--steps", &steps, "-f", "json"]).ok();
    assert_eq!(
        run.stderr,
        "journeymap: warning: 1,000 step names match nothing in the input (first: 'zz0', 'zz1', 'zz2', 'zz3', 'zz4', ...)\n"
    );
    // An alternative named twice matches: no warning.
    let run = jm(&["funnel", &data("tiny.csv"), "--steps", "home|home,purchase"]).ok();
    assert_eq!(run.stderr, "");
}

#[test]
fn values_are_reported_as_they_are() {
    let dir = scratch("hostile_values");
    let file = dir.join("big.csv");
    std::fs::write(
        &file,
        "customer_id,timestamp,touchpoint,channel,revenue\n\
         a,2026-03-01T09:00:00Z,home,seo,\n\
         a,2026-03-01T09:05:00Z,purchase,seo,1e303\n\
         b,2026-03-01T09:00:00Z,home,email,\n\
         b,2026-03-01T09:05:00Z,purchase,email,1e17\n",
    )
    .unwrap();
    let file = file.display().to_string();
    let run = jm(&[
        "attribution",
        &file,
        "--conversion",
        "purchase",
        "--value-col",
        "revenue",
        "-f",
        "json",
    ])
    .ok();
    let v = run.json();
    assert_eq!(v["total_value"].as_f64(), Some(1e303 + 1e17));
    let values: Vec<f64> = v["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["first"]["value"].as_f64().unwrap())
        .collect();
    assert!(
        values.contains(&1e17) && values.contains(&1e303),
        "{values:?}"
    );
}

#[test]
fn names_that_outputs_use_themselves_are_warned_about() {
    let dir = scratch("hostile_reserved");
    let file = dir.join("end.csv");
    std::fs::write(
        &file,
        "customer_id,timestamp,touchpoint\na,2026-03-01T09:00:00Z,home\na,2026-03-01T09:01:00Z,(end)\n",
    )
    .unwrap();
    let run = jm(&["graph", &file.display().to_string(), "-f", "csv"]).ok();
    assert!(
        run.stderr.contains(
            "a touchpoint in the input is named '(end)', which outputs also use for a node or row of their own"
        ),
        "{}",
        run.stderr
    );
    // Renaming to nothing is an error, not empty names.
    let run = jm(&["paths", &data("tiny.csv"), "--rename", "home="]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("renames to an empty name"),
        "{}",
        run.stderr
    );
}

#[test]
fn output_paths_that_cannot_be_a_file_are_usage_errors() {
    let dir = scratch("hostile_output");
    let tiny = data("tiny.csv");
    std::os::unix::fs::symlink("loop2.csv", dir.join("loop1.csv")).unwrap();
    std::os::unix::fs::symlink("loop1.csv", dir.join("loop2.csv")).unwrap();
    let run = run_in(&dir, &["paths", &tiny, "-o", "loop1.csv"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("leads round in a circle"),
        "{}",
        run.stderr
    );
    assert!(std::fs::symlink_metadata(dir.join("loop1.csv"))
        .unwrap()
        .file_type()
        .is_symlink());
    for target in [".", "sub/"] {
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let run = run_in(&dir, &["paths", &tiny, "-f", "csv", "-o", target], None);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("is a directory"), "{}", run.stderr);
    }
    let run = jm(&[
        "check",
        &tiny,
        "--checks",
        &checks_file(),
        "--write-baseline",
        &tiny,
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--write-baseline"), "{}", run.stderr);
    let run = jm(&["generate", "--days", "36501", "-o", "x.csv"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--days must be between 1 and 36500"),
        "{}",
        run.stderr
    );
}
