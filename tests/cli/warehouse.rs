//! `journeymap sql` on real engines: the query of every case runs on DuckDB, PostgreSQL and
//! Spark (tests/warehouse/run.py) over the same events as `journeymap variants`, and the two
//! tables must be equal. Snowflake and BigQuery cannot run here: their queries are parsed by
//! sqlglot in their dialect, transpiled to DuckDB and run there. An engine that is not
//! installed is skipped, unless JOURNEYMAP_REQUIRE_ENGINES=1 (as `.ci/run` sets it after
//! installing them).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

const ENGINES: [&str; 5] = ["duckdb", "postgres", "spark", "snowflake", "bigquery"];

fn required() -> bool {
    std::env::var("JOURNEYMAP_REQUIRE_ENGINES").is_ok_and(|v| v == "1")
}

fn python_has(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn available(engine: &str) -> bool {
    let ok = match engine {
        "duckdb" => python_has("duckdb"),
        "snowflake" | "bigquery" => python_has("duckdb") && python_has("sqlglot"),
        "spark" => python_has("pyspark") && Command::new("java").arg("-version").output().is_ok(),
        _ => Command::new("psql")
            .args(["-X", "-q", "-c", "SELECT 1"])
            .output()
            .is_ok_and(|o| o.status.success()),
    };
    if !ok && required() {
        panic!("{engine} is required (JOURNEYMAP_REQUIRE_ENGINES=1) but not available");
    }
    ok
}

/// One comparison: a table of events and the journey flags given to both `sql` and `variants`.
struct Case {
    name: &'static str,
    table: &'static str,
    flags: Vec<String>,
    /// Flags only `variants` gets (the local form of the SQL's default tie rule).
    local_only: Vec<String>,
}

fn case(name: &'static str, table: &'static str, flags: &[&str], local_only: &[&str]) -> Case {
    Case {
        name,
        table,
        flags: flags.iter().map(|s| s.to_string()).collect(),
        local_only: local_only.iter().map(|s| s.to_string()).collect(),
    }
}

/// The generated log with ties: times cut to the minute, a `seq` column with each row's place
/// in the generated order, and the rows reversed (so that row order decides nothing).
fn ties_log(dir: &Path) -> PathBuf {
    let text = jm(&[
        "generate",
        "--customers",
        "300",
        "--seed",
        "11",
        "--surveys",
    ])
    .ok()
    .stdout;
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let mut rows: Vec<String> = lines
        .enumerate()
        .map(|(i, line)| {
            // 2026-01-01T10:23:45Z -> 2026-01-01T10:23:00Z
            let (customer, rest) = line.split_once(',').unwrap();
            let (time, rest) = rest.split_once(',').unwrap();
            let minute = format!("{}00Z", &time[..17]);
            format!("{customer},{minute},{rest},{i}")
        })
        .collect();
    rows.reverse();
    let file = dir.join("ties.csv");
    std::fs::write(&file, format!("{header},seq\n{}\n", rows.join("\n"))).unwrap();
    file
}

/// Names that need escaping, an empty channel, a customer whose events share one instant,
/// and a row without a customer id.
fn names_log(dir: &Path) -> PathBuf {
    let file = dir.join("names.csv");
    std::fs::write(
        &file,
        "customer_id,timestamp,touchpoint,channel,converted,revenue\n\
         u1,2026-03-01T10:00:00Z,a>b,web,0,\n\
         u1,2026-03-01T10:01:00Z,x\\,web,0,\n\
         u1,2026-03-01T10:02:00Z,\"it's \"\"quoted\"\"\",,1,12.5\n\
         u2,2026-03-01T10:00:00Z,a > b,mail,0,\n\
         u2,2026-03-01T10:00:00Z,Zeta,mail,0,\n\
         u2,2026-03-01T10:00:00Z,alpha,mail,0,\n\
         u2,2026-03-01T10:00:00Z,alpha,Mail,0,\n\
         ,2026-03-01T10:00:00Z,orphan,web,0,\n\
         u3,2026-03-01T10:00:00Z,café ☕,web,1,3\n",
    )
    .unwrap();
    file
}

fn number(s: &str) -> Option<f64> {
    (!s.is_empty()).then(|| s.parse().unwrap())
}

/// The engine's table equals journeymap's: the same rows in the same order, text and counts
/// exactly, the median exactly, the value sums to 1e-9 (floating point, summed in another order).
fn assert_same(engine: &str, case: &str, local: &str, remote: &str) {
    let (a, b) = (csv_records(local), csv_records(remote));
    assert_eq!(a.len(), b.len(), "{engine} {case}: rows\n{remote}");
    for (x, y) in a.iter().zip(&b) {
        for col in [
            "touchpoints",
            "channels",
            "steps",
            "touches",
            "journeys",
            "conversions",
        ] {
            assert_eq!(x[col], y[col], "{engine} {case}: {col} of {x:?} vs {y:?}");
        }
        // The options (the tie rule aside: the local table of the SQL's default rule says
        // tiebreak=touchpoint, which the SQL needs no flag for).
        let options = |text: &str| {
            (!text.is_empty()).then(|| {
                let mut o: serde_json::Value = serde_json::from_str(text).unwrap();
                o.as_object_mut().unwrap().remove("tiebreak");
                o
            })
        };
        assert_eq!(
            options(&x["options"]),
            options(&y["options"]),
            "{engine} {case}: options"
        );
        assert_eq!(number(&y["variants_version"]), Some(1.0));
        for col in ["median_duration_s", "channel_median_duration_s"] {
            assert_eq!(
                number(&x[col]),
                number(&y[col]),
                "{engine} {case}: {col} of {x:?} vs {y:?}"
            );
        }
        match (number(&x["value"]), number(&y["value"])) {
            (Some(p), Some(q)) => assert!(
                (p - q).abs() <= 1e-9 * p.abs().max(1.0),
                "{engine} {case}: value {p} vs {q}"
            ),
            (p, q) => assert_eq!(p, q, "{engine} {case}: value"),
        }
    }
}

/// Splits run.py's output into each query's part.
fn results(out: &str) -> BTreeMap<String, String> {
    let mut parts = BTreeMap::new();
    for chunk in out.split("== ").skip(1) {
        let (name, body) = chunk.split_once('\n').unwrap();
        parts.insert(name.trim_end_matches(".sql").to_string(), body.to_string());
    }
    parts
}

fn run_engine(
    engine: &str,
    tables: &[(&str, PathBuf)],
    queries: &[PathBuf],
) -> BTreeMap<String, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/warehouse/run.py");
    let mut cmd = Command::new("python3");
    cmd.arg(script)
        .arg(engine)
        .args(["--number", "revenue", "--number", "seq"]);
    for (name, file) in tables {
        cmd.arg(format!("{name}={}", file.display()));
    }
    cmd.args(queries);
    let out = cmd.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "{engine}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    results(&String::from_utf8(out.stdout).unwrap())
}

#[test]
fn the_sql_computes_the_variants_of_journeymap_on_every_engine() {
    let engines: Vec<&str> = ENGINES.into_iter().filter(|e| available(e)).collect();
    if engines.is_empty() {
        eprintln!("no SQL engine here (duckdb, psql, pyspark): skipped");
        return;
    }
    let dir = scratch("warehouse");
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop.csv");
    let tables = [
        ("shop", shop),
        ("ties", ties_log(&dir)),
        ("names", names_log(&dir)),
    ];
    let cases = [
        // The SQL's own tie rule (touchpoint, then channel) is --tiebreak touchpoint locally.
        case(
            "default_ties",
            "shop",
            &["--conversion", "purchase", "--session-gap", "30m"],
            &["--tiebreak", "touchpoint"],
        ),
        case(
            "channel_collapse_split_value",
            "shop",
            &[
                "--tiebreak",
                "touchpoint",
                "--conversion",
                "purchase",
                "--collapse-repeats",
                "--level",
                "channel",
                "--split-on-conversion",
                "--value-col",
                "revenue",
            ],
            &[],
        ),
        case(
            "converted_col_cleaning",
            "shop",
            &[
                "--tiebreak",
                "touchpoint",
                "--converted-col",
                "converted",
                "--rename",
                "^product_.*$=product",
                "--rename",
                "^(home|blog)$=start",
                "--exclude",
                "help_center,faq",
                "--from",
                "2026-01-20",
                "--to",
                "2026-02-10T12:00:00Z",
                "--value-col",
                "revenue",
            ],
            &[],
        ),
        case(
            "where_collapse",
            "shop",
            &[
                "--tiebreak",
                "touchpoint",
                "--where",
                "channel=email",
                "--collapse-repeats",
                "--session-gap",
                "2h",
            ],
            &[],
        ),
        case(
            "ties_seq_sessions",
            "ties",
            &[
                "--tiebreak",
                "seq",
                "--session-gap",
                "20m",
                "--conversion",
                "purchase",
                "--collapse-repeats",
            ],
            &[],
        ),
        case(
            "ties_names_split",
            "ties",
            &[
                "--tiebreak",
                "touchpoint",
                "--conversion",
                "purchase",
                "--split-on-conversion",
            ],
            &[],
        ),
        case(
            "names_skip_invalid",
            "names",
            &[
                "--tiebreak",
                "touchpoint",
                "--skip-invalid",
                "--converted-col",
                "converted",
                "--value-col",
                "revenue",
            ],
            &[],
        ),
    ];
    let mut queries = Vec::new();
    let mut locals = BTreeMap::new();
    for c in &cases {
        let file = &tables.iter().find(|(t, _)| *t == c.table).unwrap().1;
        let mut local: Vec<&str> = vec!["variants", file.to_str().unwrap()];
        local.extend(c.flags.iter().map(String::as_str));
        local.extend(c.local_only.iter().map(String::as_str));
        locals.insert(c.name, jm(&local).ok().stdout);
        for engine in &engines {
            let mut sql: Vec<&str> = vec![
                "sql",
                "--dialect",
                engine,
                "--table",
                c.table,
                "--channel",
                "channel",
            ];
            sql.extend(c.flags.iter().map(String::as_str));
            let q = dir.join(format!("{engine}_{}.sql", c.name));
            sql.extend(["-o", q.to_str().unwrap()]);
            jm(&sql).ok();
            queries.push((engine.to_string(), q));
        }
    }
    // Without --skip-invalid, the row without a customer id stops the query with journeymap's
    // message; so does a converted marker that is neither true nor false.
    let broken = dir.join("broken.csv");
    std::fs::write(
        &broken,
        "customer_id,timestamp,touchpoint,channel,converted\nu1,2026-03-01T10:00:00Z,a,web,maybe\n",
    )
    .unwrap();
    for engine in &engines {
        let q = dir.join(format!("{engine}_invalid_row.sql"));
        jm(&[
            "sql",
            "--dialect",
            engine,
            "--table",
            "names",
            "--channel",
            "channel",
            "-o",
            q.to_str().unwrap(),
        ])
        .ok();
        queries.push((engine.to_string(), q));
        let q = dir.join(format!("{engine}_bad_marker.sql"));
        jm(&[
            "sql",
            "--dialect",
            engine,
            "--table",
            "broken",
            "--channel",
            "channel",
            "--converted-col",
            "converted",
            "-o",
            q.to_str().unwrap(),
        ])
        .ok();
        queries.push((engine.to_string(), q));
    }
    let mut tables: Vec<(&str, PathBuf)> = tables.to_vec();
    tables.push(("broken", broken));
    for engine in &engines {
        let mine: Vec<PathBuf> = (queries.iter())
            .filter(|(e, _)| e == engine)
            .map(|(_, q)| q.clone())
            .collect();
        let out = run_engine(engine, &tables, &mine);
        for c in &cases {
            let remote = &out[&format!("{engine}_{}", c.name)];
            assert!(
                !remote.starts_with("ERROR"),
                "{engine} {}: {remote}",
                c.name
            );
            assert_same(engine, c.name, &locals[c.name], remote);
            // The engine's table, read by journeymap, gives the analyses of the local one.
            let returned = dir.join(format!("{engine}_{}.csv", c.name));
            std::fs::write(&returned, remote).unwrap();
            let local = dir.join(format!("local_{}.csv", c.name));
            std::fs::write(&local, &locals[c.name]).unwrap();
            for analysis in [&["paths", "--top", "0"][..], &["graph"], &["dropoff"]] {
                let on = |file: &Path| {
                    let mut args = analysis.to_vec();
                    args.extend([file.to_str().unwrap(), "-f", "json"]);
                    // A table collapsed at the channel level is read at that level.
                    if c.flags.iter().any(|f| f == "channel") {
                        args.extend(["--level", "channel"]);
                    }
                    let mut v = jm(&args).ok().json();
                    v["meta"].as_object_mut().unwrap().remove("inputs");
                    v["meta"]["options"]
                        .as_object_mut()
                        .unwrap()
                        .remove("tiebreak");
                    v
                };
                assert_eq!(
                    on(&returned),
                    on(&local),
                    "{engine} {} {analysis:?}",
                    c.name
                );
            }
        }
        let invalid = &out[&format!("{engine}_invalid_row")];
        assert!(
            invalid.starts_with("ERROR")
                && invalid.contains("journeymap: a row has no customer id"),
            "{engine}: {invalid}"
        );
        let marker = &out[&format!("{engine}_bad_marker")];
        assert!(
            marker.starts_with("ERROR") && marker.contains("neither true nor false: maybe"),
            "{engine}: {marker}"
        );
    }
}

#[test]
fn sql_refuses_what_it_cannot_push_down() {
    let refused = [
        (&["examples/shop.csv"][..], "journeymap sql reads no files"),
        (&["--tz", "Europe/Berlin"][..], "--tz cannot be pushed down"),
        (
            &["--time-format", "%d.%m.%Y %H:%M"][..],
            "--time-format cannot be pushed down",
        ),
        (&["--rename", "[0-9]+$=n$0"][..], "capture group"),
        (&["--rename", "\\d+=n"][..], "\\d is [0-9]"),
        (
            &["--session-gap", "1500ns"][..],
            "whole number of microseconds",
        ),
        (&["--level", "channel"][..], "pass --channel COLUMN"),
        (&["--split-on-conversion"][..], "needs a conversion"),
    ];
    for (flags, message) in refused {
        let mut args = vec!["sql", "--dialect", "duckdb", "--table", "events"];
        args.extend(flags);
        let run = jm(&args);
        assert_eq!(run.code, 2, "{flags:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{flags:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    // Names reach the SQL as literals and identifiers, never as SQL.
    let sql = jm(&[
        "sql",
        "--dialect",
        "postgres",
        "--table",
        "shop.events",
        "--touchpoint",
        "event\"; DROP TABLE x; --",
        "--conversion",
        "it's",
        "--exclude",
        "a'); DROP TABLE y; --",
    ])
    .ok()
    .stdout;
    assert!(sql.contains("\"event\"\"; DROP TABLE x; --\""), "{sql}");
    assert!(sql.contains("IN ('it''s')"), "{sql}");
    assert!(sql.contains("NOT IN ('a''); DROP TABLE y; --')"), "{sql}");
    assert!(sql.contains("FROM \"shop\".\"events\""), "{sql}");
}

#[test]
fn tiebreak_makes_the_journeys_independent_of_row_order() {
    // testdata/README.md: tiny_shuffled.csv has tiny.csv's rows in another order, and bob's
    // tie follows the row order; ordered by touchpoint, the ties no longer depend on it.
    let paths = |file: &str, extra: &[&str]| {
        let mut args = vec!["paths", file, "--top", "0", "-f", "csv"];
        args.extend(extra);
        jm(&args).ok().stdout
    };
    let (a, b) = (data("tiny.csv"), data("tiny_shuffled.csv"));
    assert_ne!(paths(&a, &[]), paths(&b, &[]));
    let tie = ["--tiebreak", "touchpoint"];
    assert_eq!(paths(&a, &tie), paths(&b, &tie));
}
