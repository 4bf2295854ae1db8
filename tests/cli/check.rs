//! `journeymap check`: gates pass and fail with the right exit codes, baselines compare, and
//! every output format is what its CI system expects.

use crate::common;
use common::*;
use std::path::Path;

/// Generates a log of `customers` customers with this purchase boost into `dir/name`.
fn generate(dir: &Path, name: &str, customers: &str, boost: &str) -> String {
    let path = dir.join(name).display().to_string();
    jm(&[
        "generate",
        "--customers",
        customers,
        "--seed",
        "11",
        "--conversion-boost",
        boost,
        "-o",
        &path,
    ])
    .ok();
    path
}

const FUNNEL_CHECKS: &str = r#"
[funnels]
buy = ["product_view", "add_to_cart", "checkout", "purchase"]

[[check]]
kind = "funnel"
steps = "buy"
per_step = true
max_drop = 3.0

[[check]]
kind = "journeys"
min = 100
"#;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn regression_scenario_from_generated_data() {
    let dir = scratch("check_regression");
    let good = generate(&dir, "good.csv", "3000", "1.0");
    let worse = generate(&dir, "worse.csv", "3000", "0.3");
    let checks = write(&dir, "checks.toml", FUNNEL_CHECKS);
    let baseline = dir.join("baseline.json").display().to_string();
    let common = ["--checks", &checks, "--session-gap", "30m"];

    // Recording the baseline evaluates the other checks; the drop checks are skipped, and
    // what is said is where the baseline went, not that a baseline is missing.
    let mut args = vec!["check", &good];
    args.extend(common);
    args.extend(["--write-baseline", &baseline, "-f", "json"]);
    let run = jm(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!("journeymap: baseline written to {baseline}; compare later runs with --baseline {baseline}\n")
    );
    let report = run.json();
    assert_eq!(report["summary"]["skipped"].as_u64(), Some(3));
    assert_eq!(report["baseline_written"].as_str(), Some(baseline.as_str()));
    assert!(report.get("baseline").is_none());
    // Without either flag, the skipped drop checks are a warning.
    let mut args = vec!["check", &good];
    args.extend(common);
    let run = jm(&args);
    assert!(
        run.stderr
            .contains("3 drop checks skipped: compare with --baseline FILE"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("baseline  none\n"), "{}", run.stdout);

    // The same data against its own baseline: no drop, exit 0.
    let mut args = vec!["check", &good];
    args.extend(common);
    args.extend(["--baseline", &baseline, "-f", "json"]);
    let run = jm(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.json();
    assert_eq!(out["passed"], true);
    for c in out["checks"].as_array().unwrap() {
        if c["kind"] == "funnel" {
            assert_eq!(c["drop_pp"], 0.0, "{c}");
            assert_eq!(c["p_value"], 1.0, "{c}");
        }
    }

    // The worse data: the purchase step drops, exit 1, and the step is named.
    let mut args = vec!["check", &worse];
    args.extend(common);
    args.extend(["--baseline", &baseline, "-f", "json"]);
    let run = jm(&args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = run.json();
    assert_eq!(out["passed"], false);
    let failed: Vec<&serde_json::Value> = out["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] == "fail")
        .collect();
    assert_eq!(failed.len(), 1, "{out}");
    let name = failed[0]["name"].as_str().unwrap();
    assert_eq!(name, "funnel buy: step 4 purchase (from checkout)");
    assert!(failed[0]["drop_pp"].as_f64().unwrap() > 3.0);
    assert!(failed[0]["baseline"].as_f64().unwrap() > failed[0]["value"].as_f64().unwrap());
    assert!(
        run.stderr
            .contains("journeymap: check: 1 of 4 checks failed: funnel buy: step 4 purchase"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("error:"), "{}", run.stderr);

    // A floor on one step's conversion, and on the whole funnel: no baseline needed.
    let floors = write(
        &dir,
        "floors.toml",
        "[funnels]\nbuy = [\"product_view\", \"add_to_cart\", \"checkout\", \"purchase\"]\n[[check]]\nkind = \"funnel\"\nsteps = \"buy\"\nstep = 4\nmin = 0.2\n[[check]]\nkind = \"funnel\"\nsteps = \"buy\"\nmin = 0.02\n",
    );
    let verdicts = |file: &str| {
        let run = jm(&[
            "check",
            file,
            "--checks",
            &floors,
            "--session-gap",
            "30m",
            "-f",
            "json",
        ]);
        let out = run.json();
        let v: Vec<String> = out["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    c["name"].as_str().unwrap(),
                    c["verdict"].as_str().unwrap()
                )
            })
            .collect();
        (run.code, v)
    };
    assert_eq!(
        verdicts(&good),
        (
            0,
            vec![
                "funnel buy: step 4 purchase (from checkout) pass".to_string(),
                "funnel buy: overall conversion pass".to_string()
            ]
        )
    );
    assert_eq!(
        verdicts(&worse),
        (
            1,
            vec![
                "funnel buy: step 4 purchase (from checkout) fail".to_string(),
                "funnel buy: overall conversion fail".to_string()
            ]
        )
    );

    // The table names the step and the verdict.
    let mut args = vec!["check", &worse];
    args.extend(common);
    args.extend(["--baseline", &baseline]);
    let run = jm(&args);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("step 4 purchase (from checkout)"));
    assert!(run.stdout.contains("FAIL"));
    assert!(run.stdout.contains("fail: funnel buy: step 4 purchase"));
}

#[test]
fn significance_passes_a_small_change_on_a_small_sample() {
    // ab_a.csv: 6 of 10 journeys buy after product_view. `smaller.csv` drops one purchase:
    // 5 of 10, a drop of 10 pp, z-test p = 0.653095 (testdata/README.md).
    let dir = scratch("check_alpha");
    let a = data("ab_a.csv");
    let text = std::fs::read_to_string(&a).unwrap();
    let smaller: String = text
        .lines()
        .filter(|l| !l.starts_with("a06,") || !l.contains("purchase"))
        .map(|l| format!("{l}\n"))
        .collect();
    let smaller_path = write(&dir, "smaller.csv", &smaller);
    let checks = |alpha: &str| {
        write(
            &dir,
            &format!("checks{}.toml", alpha.len()),
            &format!(
                "[[check]]\nkind = \"funnel\"\nsteps = [\"product_view\", \"purchase\"]\nmax_drop = 2\n{alpha}\n"
            ),
        )
    };
    let baseline = dir.join("b.json").display().to_string();
    let plain = checks("");
    jm(&[
        "check",
        &a,
        "--checks",
        &plain,
        "--write-baseline",
        &baseline,
    ])
    .ok();

    let run = jm(&[
        "check",
        &smaller_path,
        "--checks",
        &plain,
        "--baseline",
        &baseline,
        "-f",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let c = &run.json()["checks"][0];
    assert_eq!(
        (c["baseline"].as_f64(), c["value"].as_f64()),
        (Some(0.6), Some(0.5))
    );
    assert_eq!(c["drop_pp"], 10.0);
    assert_eq!(c["p_value"], 0.653095);

    let with_alpha = checks("alpha = 0.05");
    let run = jm(&[
        "check",
        &smaller_path,
        "--checks",
        &with_alpha,
        "--baseline",
        &baseline,
        "-f",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let c = &run.json()["checks"][0];
    assert_eq!(c["verdict"], "pass");
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .contains("not significant at alpha 0.05"),
        "{c}"
    );
}

#[test]
fn every_kind_of_check_on_tiny() {
    // testdata/README.md: with --conversion purchase, bob exits at add_to_cart (exit rate 1/3),
    // carol at product_view (1/4); product_view -> add_to_cart has p_out 3/5.
    let dir = scratch("check_kinds");
    let checks = write(
        &dir,
        "c.toml",
        r#"
[[check]]
kind = "edge"
from = "product_view"
to = "add_to_cart"
min = 0.6
[[check]]
kind = "edge"
from = "add_to_cart"
to = "(end)"
max = 0.3
[[check]]
kind = "exit_rate"
touchpoint = "add_to_cart"
max = 0.5
[[check]]
kind = "path"
path = ["blog", "home", "product_view"]
min = 0.2
max = 0.3
[[check]]
kind = "journeys"
min = 5
[[check]]
name = "no such step"
kind = "exit_rate"
touchpoint = "nope"
max = 1
"#,
    );
    let run = jm(&[
        "check",
        &data("tiny.csv"),
        "--conversion",
        "purchase",
        "--checks",
        &checks,
        "-f",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = run.json();
    let verdicts: Vec<(&str, &str)> = out["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("edge product_view -> add_to_cart: p_out", "pass"),
            // add_to_cart -> (end): bob's 1 of add_to_cart's 3 out-edges = 0.333333 > 0.3
            ("edge add_to_cart -> (end): p_out", "fail"),
            ("add_to_cart: exit rate", "pass"),
            ("path blog > home > product_view: share", "pass"),
            ("journeys", "fail"),
            ("no such step", "fail"),
        ]
    );
    let c = &out["checks"];
    assert_eq!(
        (
            c[1]["value"].as_f64(),
            c[1]["count"].as_u64(),
            c[1]["total"].as_u64()
        ),
        (Some(0.333333), Some(1), Some(3))
    );
    assert_eq!(c[2]["value"], 0.333333);
    assert_eq!(c[3]["value"], 0.25);
    assert_eq!(c[4]["value"], 4.0);
    assert!(c[5]["message"]
        .as_str()
        .unwrap()
        .contains("'nope' never occurs"));
    assert_eq!(out["summary"]["failed"], 3);
    // A name that never occurs would make a share or p_out a silent 0: a warning says so.
    let typo = write(&dir, "typo.toml", "[[check]]\nkind = \"path\"\npath = \"home,prodcut_view\"\nmax = 0.5\n[[check]]\nkind = \"edge\"\nfrom = \"home\"\nto = \"prodcut_view\"\nmax = 0.5\n");
    let run = jm(&["check", &data("tiny.csv"), "--checks", &typo]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "check path 'prodcut_view' never occurs in the input; did you mean 'product_view'?"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("check edge `to` 'prodcut_view' never occurs"),
        "{}",
        run.stderr
    );
}

#[test]
fn junit_parses_as_xml_with_one_case_per_check() {
    use quick_xml::events::Event;
    let dir = scratch("check_junit");
    let checks = write(
        &dir,
        "c.toml",
        "[[check]]\nname = \"a <b> & 'c'\"\nkind = \"journeys\"\nmin = 1\n[[check]]\nkind = \"journeys\"\nmin = 100\n[[check]]\nkind = \"path\"\npath = \"home\"\nmax_drop = 1\n",
    );
    let out_file = dir.join("report.xml").display().to_string();
    let run = jm(&[
        "check",
        &data("tiny.csv"),
        "--checks",
        &checks,
        "-o",
        &out_file,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let xml = std::fs::read_to_string(&out_file).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut skipped, mut suites) = (Vec::new(), 0, 0, 0);
    let mut declared_failures = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attr = |name: &str| {
                    e.try_get_attribute(name)
                        .unwrap()
                        .map(|a| a.unescape_value().unwrap().into_owned())
                };
                match e.name().as_ref() {
                    b"testsuite" => {
                        suites += 1;
                        declared_failures = attr("failures");
                        assert_eq!(attr("tests").as_deref(), Some("3"));
                    }
                    b"testcase" => cases.push(attr("name").unwrap()),
                    b"failure" => failures += 1,
                    b"skipped" => skipped += 1,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    assert_eq!(suites, 1);
    assert_eq!(cases.len(), 3);
    assert_eq!(cases[0], "a <b> & 'c' (>= 1)");
    assert_eq!((failures, skipped), (1, 1));
    assert_eq!(declared_failures.as_deref(), Some("1"));
}

#[test]
fn github_annotations_line_by_line() {
    let dir = scratch("check_github");
    let checks = write(
        &dir,
        "c.toml",
        "[[check]]\nname = \"enough: journeys, 100%\"\nkind = \"journeys\"\nmin = 100\n[[check]]\nkind = \"journeys\"\nmin = 1\n[[check]]\nkind = \"path\"\npath = \"home\"\nmax_drop = 1\n",
    );
    let run = jm(&[
        "check",
        &data("tiny.csv"),
        "--checks",
        &checks,
        "-f",
        "github",
    ]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    // Title properties escape ':' and ','; messages escape '%'.
    assert_eq!(
        lines[0],
        "::error title=journeymap check%3A enough%3A journeys%2C 100%25::enough: journeys, 100%25: 4 journeys, below the floor 100"
    );
    assert!(
        lines[1].starts_with("::warning title=journeymap check%3A path home%3A share::"),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with("no --baseline to compare with"));
    assert_eq!(
        lines[2],
        "::notice title=journeymap check::3 checks: 1 passed, 1 failed, 1 skipped"
    );
    for l in &lines {
        let rest = l.strip_prefix("::").unwrap();
        let (command, rest) = rest.split_once(' ').unwrap();
        assert!(["error", "warning", "notice"].contains(&command));
        let (props, message) = rest.split_once("::").unwrap();
        assert!(props.starts_with("title=") && !props[6..].contains(':'));
        assert!(!message.is_empty() && !message.contains('\n'));
    }
}

#[test]
fn baselines_are_stable_and_refuse_other_options() {
    let dir = scratch("check_baseline");
    let checks = write(&dir, "c.toml", FUNNEL_CHECKS);
    let shop = format!("{}/examples/shop.csv", env!("CARGO_MANIFEST_DIR"));
    let b1 = dir.join("b1.json").display().to_string();
    let b2 = dir.join("b2.json").display().to_string();
    for b in [&b1, &b2] {
        jm(&[
            "check",
            &shop,
            "--checks",
            &checks,
            "--session-gap",
            "30m",
            "--write-baseline",
            b,
        ])
        .ok();
    }
    let text = std::fs::read_to_string(&b1).unwrap();
    assert_eq!(text, std::fs::read_to_string(&b2).unwrap());
    assert!(text.ends_with("}\n"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["format"], "journeymap-baseline/1");
    assert_eq!(v["options"]["session_gap"], "30m");
    let keys: Vec<&String> = v["values"].as_object().unwrap().keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(keys.len(), 4, "3 funnel steps and journeys: {keys:?}");
    let step4 = &v["values"]
        ["funnel [product_view > add_to_cart > checkout > purchase]: step 4 from previous"];
    assert!(
        step4["count"].as_u64().unwrap() > 0 && step4["total"].as_u64().unwrap() > 0,
        "{step4}"
    );

    // Other options than the baseline's: exit 2, naming each one.
    let run = jm(&[
        "check",
        &shop,
        "--checks",
        &checks,
        "--baseline",
        &b1,
        "--collapse-repeats",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "was computed with other options: collapse_repeats (baseline false, now true)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("session_gap (baseline \"30m\", now unset)"),
        "{}",
        run.stderr
    );

    // A drop check the baseline has no value for: exit 2 with the fix.
    let more = write(
        &dir,
        "more.toml",
        "[[check]]\nkind = \"edge\"\nfrom = \"checkout\"\nto = \"(end)\"\nmax_drop = 1\n",
    );
    let run = jm(&[
        "check",
        &shop,
        "--checks",
        &more,
        "--session-gap",
        "30m",
        "--baseline",
        &b1,
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "has no value for 'edge [checkout -> (end)]: p_out'; record it with --write-baseline"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn exit_codes_for_usage_and_input_errors() {
    let dir = scratch("check_errors");
    let checks = write(&dir, "c.toml", "[[check]]\nkind = \"journeys\"\nmin = 1\n");
    // Input error: 2 for check (1 elsewhere).
    let run = jm(&["check", "no-such-file.csv", "--checks", &checks]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("journeymap: error: "),
        "{}",
        run.stderr
    );
    let run = jm(&["paths", "no-such-file.csv"]);
    assert_eq!(run.code, 1);
    // An export with a header and no rows cannot be checked: 2, not a failed gate.
    let run = jm(&["check", &data("bad/header_only.csv"), "--checks", &checks]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("the input has a header but no rows"),
        "{}",
        run.stderr
    );
    // A baseline that is not one.
    let bad = write(&dir, "bad.json", "{\"x\": 1}");
    let run = jm(&[
        "check",
        &data("tiny.csv"),
        "--checks",
        &checks,
        "--baseline",
        &bad,
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not a journeymap baseline"),
        "{}",
        run.stderr
    );
    // No checks anywhere, a bad table, a bad flag.
    let run = run_in(&dir, &["check", &data("tiny.csv")], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no checks: add [[check]] tables to journeymap.toml or pass --checks FILE"),
        "{}",
        run.stderr
    );
    let bad = write(
        &dir,
        "bad.toml",
        "[[check]]\nkind = \"edge\"\nfrom = \"a\"\nmax = 1\n",
    );
    let run = jm(&["check", &data("tiny.csv"), "--checks", &bad]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("bad.toml: [[check]] 1 (edge): needs `to`"),
        "{}",
        run.stderr
    );
    let run = jm(&["check", &data("tiny.csv"), "--checks", &checks, "-f", "dot"]);
    assert_eq!(run.code, 2);
}

#[test]
fn checks_from_journeymap_toml() {
    let dir = scratch("check_config");
    write(
        &dir,
        "journeymap.toml",
        &format!(
            "[[source]]\npath = \"{}\"\n[conversion]\nevents = [\"purchase\"]\n[funnels]\nbuy = [\"home\", \"product_view\", \"purchase\"]\n[[check]]\nkind = \"funnel\"\nsteps = \"buy\"\nmin = 0.5\n",
            data("tiny.csv")
        ),
    );
    // home > product_view > purchase: all 4 journeys have a home, alice and dave go on to
    // purchase: 2 of 4.
    let run = run_in(&dir, &["check", "-f", "json"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let c = &run.json()["checks"][0];
    assert_eq!(c["name"], "funnel buy: overall conversion");
    assert_eq!(
        (c["count"].as_u64(), c["total"].as_u64()),
        (Some(2), Some(4))
    );
}

/// The journeymap command lines of examples/ci/*.yml, in file order, without `|| true`.
fn ci_commands(file: &str) -> Vec<Vec<String>> {
    let text =
        std::fs::read_to_string(format!("{}/examples/ci/{file}", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    text.lines()
        .map(|l| {
            l.trim()
                .trim_start_matches("- ")
                .trim_start_matches("run: ")
                .trim()
        })
        .filter(|l| l.starts_with("journeymap "))
        .map(|l| {
            let command = l.split("||").next().unwrap();
            command
                .split_whitespace()
                .skip(1)
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn ci_examples_run_as_shipped() {
    for file in ["github-actions.yml", "gitlab-ci.yml"] {
        let dir = scratch(&format!("check_ci_{}", file.replace('.', "_")));
        std::fs::copy(
            format!("{}/examples/ci/journeymap.toml", env!("CARGO_MANIFEST_DIR")),
            dir.join("journeymap.toml"),
        )
        .unwrap();
        std::fs::create_dir_all(dir.join("journeys")).unwrap();
        let commands = ci_commands(file);
        assert!(commands.len() >= 3, "{file}: {commands:?}");
        // The export first, then the baseline (kept in the repository), then the checks.
        let rank = |c: &Vec<String>| match c[0].as_str() {
            "generate" => 0,
            _ if c.iter().any(|a| a == "--write-baseline") => 1,
            _ => 2,
        };
        let mut ordered = commands.clone();
        ordered.sort_by_key(rank);
        assert!(
            ordered.iter().any(|c| rank(c) == 1),
            "{file} records a baseline"
        );
        for c in &ordered {
            let args: Vec<&str> = c.iter().map(String::as_str).collect();
            let run = run_in(&dir, &args, None);
            assert_eq!(
                run.code,
                0,
                "{file}: journeymap {}: {}",
                c.join(" "),
                run.stderr
            );
        }
        let baseline = std::fs::read_to_string(dir.join("journeys/baseline.json")).unwrap();
        assert!(baseline.contains("\"session_gap\": \"30m\""), "{baseline}");
    }
}

#[test]
fn values_are_the_analyses_numbers() {
    // Each kind's value is what the analysis command prints for the same input and options.
    let shop = format!("{}/examples/shop.csv", env!("CARGO_MANIFEST_DIR"));
    let opts = ["--session-gap", "30m", "--conversion", "purchase"];
    let json = |args: &[&str]| {
        let mut a = args.to_vec();
        a.extend(opts);
        a.extend(["-f", "json"]);
        jm(&a).ok().json()
    };
    let paths = json(&["paths", &shop, "--top", "3"]);
    let dropoff = json(&["dropoff", &shop]);
    let graph = json(&["graph", &shop]);
    let funnel = json(&[
        "funnel",
        &shop,
        "--steps",
        "product_view,add_to_cart,checkout",
    ]);
    let dir = scratch("check_values");
    let mut toml = String::new();
    for p in paths["paths"].as_array().unwrap() {
        let steps: Vec<String> = p["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.to_string())
            .collect();
        toml.push_str(&format!(
            "[[check]]\nkind = \"path\"\npath = [{}]\nmin = 0\n",
            steps.join(", ")
        ));
    }
    let exit = &dropoff["touchpoints"][0];
    toml.push_str(&format!(
        "[[check]]\nkind = \"exit_rate\"\ntouchpoint = {}\nmax = 1\n",
        exit["name"]
    ));
    let edge = &graph["edges"][5];
    toml.push_str(&format!(
        "[[check]]\nkind = \"edge\"\nfrom = {}\nto = {}\nmax = 1\n",
        edge["from"], edge["to"]
    ));
    toml.push_str("[[check]]\nkind = \"funnel\"\nsteps = \"product_view,add_to_cart,checkout\"\nper_step = true\nmin = 0\n");
    toml.push_str(
        "[[check]]\nkind = \"funnel\"\nsteps = \"product_view,add_to_cart,checkout\"\nmin = 0\n",
    );
    let checks = write(&dir, "c.toml", &toml);
    let out = json(&["check", &shop, "--checks", &checks]);
    let values: Vec<&serde_json::Value> = out["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["value"])
        .collect();
    let steps = &funnel["steps"];
    let expected = vec![
        &paths["paths"][0]["share"],
        &paths["paths"][1]["share"],
        &paths["paths"][2]["share"],
        &exit["exit_rate"],
        &edge["p_out"],
        &steps[1]["rate_from_previous"],
        &steps[2]["rate_from_previous"],
        &steps[2]["rate_from_first"],
    ];
    assert_eq!(values, expected);
}

#[test]
fn max_rise_catches_a_rate_that_goes_up() {
    let dir = scratch("check_max_rise");
    let good = generate(&dir, "good.csv", "3000", "1.0");
    let worse = generate(&dir, "worse.csv", "3000", "0.3");
    // Fewer purchases after checkout: more journeys end there.
    let checks = write(
        &dir,
        "checks.toml",
        r#"
[[check]]
name = "checkout exits may not rise"
kind = "edge"
from = "checkout"
to = "(end)"
max_rise = 3.0

[[check]]
name = "checkout exits may not drop"
kind = "edge"
from = "checkout"
to = "(end)"
max_drop = 3.0
"#,
    );
    let baseline = dir.join("baseline.json").display().to_string();
    let base = ["--checks", checks.as_str(), "--session-gap", "30m"];
    let mut args = vec!["check", good.as_str()];
    args.extend(base);
    args.extend(["--write-baseline", baseline.as_str()]);
    jm(&args).ok();
    let run_on = |file: &str| {
        let mut args = vec!["check", file];
        args.extend(base);
        args.extend(["--baseline", baseline.as_str(), "-f", "json"]);
        jm(&args)
    };
    let same = run_on(&good);
    assert_eq!(same.code, 0, "{}", same.stderr);
    let run = run_on(&worse);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = run.json();
    let checks = out["checks"].as_array().unwrap();
    let rise = &checks[0];
    assert_eq!(rise["verdict"], "fail", "{rise}");
    assert_eq!(rise["max_rise_pp"], 3.0);
    assert!(
        rise["limit"].as_str().unwrap().starts_with("rise <= 3 pp"),
        "{rise}"
    );
    // drop_pp is negative for a rise; the drop check on the same edge passes.
    assert!(rise["drop_pp"].as_f64().unwrap() < -3.0, "{rise}");
    assert!(rise["value"].as_f64().unwrap() > rise["baseline"].as_f64().unwrap());
    assert_eq!(checks[1]["verdict"], "pass", "{}", checks[1]);
    // A rise limit on the number of journeys is a usage error.
    let bad = write(
        &dir,
        "bad.toml",
        "[[check]]\nkind = \"journeys\"\nmax_rise = 1\n",
    );
    let run = jm(&["check", &good, "--checks", &bad]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("max_drop and max_rise are in percentage points"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_window_names_the_same_baseline_value_however_it_is_written() {
    let dir = scratch("check_window");
    let tiny = data("tiny.csv");
    let checks = |window: &str| {
        write(
            &dir,
            &format!("checks_{window}.toml"),
            &format!(
                "[[check]]\nkind = \"funnel\"\nsteps = \"home,purchase\"\nwindow = \"{window}\"\nmax_drop = 1\n"
            ),
        )
    };
    let baseline = dir.join("baseline.json").display().to_string();
    let week = checks("7d");
    jm(&[
        "check",
        &tiny,
        "--checks",
        &week,
        "--write-baseline",
        &baseline,
    ])
    .ok();
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(text.contains("window=604800s"), "{text}");
    for same in ["1w", "168h"] {
        let c = checks(same);
        let run = jm(&["check", &tiny, "--checks", &c, "--baseline", &baseline]);
        assert_eq!(run.code, 0, "{same}: {}", run.stderr);
    }
}

#[test]
fn a_bound_above_one_on_a_rate_is_warned_about() {
    let dir = scratch("check_above_one");
    let checks = write(
        &dir,
        "checks.toml",
        "[[check]]\nkind = \"exit_rate\"\ntouchpoint = \"home\"\nmax = 5\n",
    );
    let run = jm(&["check", &data("tiny.csv"), "--checks", &checks]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "max = 5 is above 1, but shares and rates run from 0 to 1 (5% is written 0.05)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn alpha_without_counts_in_the_baseline_says_why_it_fails() {
    let dir = scratch("check_alpha_no_counts");
    let checks = write(
        &dir,
        "checks.toml",
        "[[check]]\nkind = \"funnel\"\nsteps = \"home,purchase\"\nmax_drop = 1\nalpha = 0.05\n",
    );
    // A hand-edited baseline: the value without its x of n, and higher than today's 50%.
    let baseline = write(
        &dir,
        "baseline.json",
        r#"{
  "format": "journeymap-baseline/1",
  "journeymap": "0.1.0",
  "options": {
    "collapse_repeats": false,
    "conversion": null,
    "converted_col": null,
    "level": "touchpoint",
    "session_gap": null,
    "skip_invalid": false,
    "split_on_conversion": false,
    "tz": null
  },
  "values": {
    "funnel [home > purchase]: overall": { "value": 0.8 }
  }
}
"#,
    );
    let run = jm(&[
        "check",
        &data("tiny.csv"),
        "--checks",
        &checks,
        "--baseline",
        &baseline,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("the baseline has no count and total")
            || run.stderr.contains("the baseline has no count and total"),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

const STAGE_CHECKS: &str = r#"
[[check]]
kind = "stage"
stage = "service"
measure = "mean_score"
min = 2.5

[[check]]
kind = "stage"
stage = "consideration"
min = 0.6

[[check]]
name = "service losses"
kind = "stage"
stage = "service"
measure = "lost_here_rate"
max = 0.5

[[check]]
kind = "stage"
stage = "service"
measure = "mean_score"
max_drop = 0.5
"#;

/// testdata/scores.toml's stages and scores in `dir`, with u4's service score `u4`.
fn scores_dir(name: &str, u4: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    std::fs::copy(data("stages.csv"), dir.join("stages.csv")).unwrap();
    std::fs::copy(data("scores.toml"), dir.join("journeymap.toml")).unwrap();
    let surveys = std::fs::read_to_string(data("surveys.csv"))
        .unwrap()
        .replace("survey_support, 3", &format!("survey_support,{u4}"));
    std::fs::write(dir.join("surveys.csv"), surveys).unwrap();
    dir
}

#[test]
fn stage_checks_gate_reach_losses_and_mean_scores() {
    let dir = scores_dir("check_stages", "3");
    write(&dir, "checks.toml", STAGE_CHECKS);
    let run = run_in(
        &dir,
        &["check", "--checks", "checks.toml", "-f", "json"],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = run.json();
    let r = |i: usize| &v["checks"][i];
    // service: scores 1, 2 and 3 (testdata/README.md, surveys.csv): mean 2, below 2.5.
    assert_eq!(r(0)["name"], "stage service: mean score");
    assert_eq!(r(0)["measure"], "stage [service]: mean_score");
    assert_eq!(r(0)["value"], 2.0);
    assert_eq!(r(0)["verdict"], "fail");
    assert!(
        r(0)["message"]
            .as_str()
            .unwrap()
            .contains("2.00 (mean of 3 responses), below the floor 2.50"),
        "{}",
        r(0)["message"]
    );
    // consideration: reached by 4 of 6.
    assert_eq!(r(1)["value"], 0.666667);
    assert_eq!(
        (r(1)["count"].as_u64(), r(1)["total"].as_u64()),
        (Some(4), Some(6))
    );
    assert_eq!(r(1)["verdict"], "pass");
    // service: both journeys that reach it are lost there.
    assert_eq!(r(2)["value"], 1.0);
    assert_eq!(
        (r(2)["count"].as_u64(), r(2)["total"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(r(2)["verdict"], "fail");
    assert_eq!(r(3)["verdict"], "skipped");

    // A baseline, then a run where u4 rates 1 instead of 3: the mean falls from 2 to 4/3,
    // 0.67 score points, more than the 0.5 allowed.
    run_in(
        &dir,
        &[
            "check",
            "--checks",
            "checks.toml",
            "--write-baseline",
            "base.json",
        ],
        None,
    );
    let worse = scores_dir("check_stages_worse", "1");
    std::fs::copy(dir.join("base.json"), worse.join("base.json")).unwrap();
    write(&worse, "checks.toml", STAGE_CHECKS);
    let run = run_in(
        &worse,
        &[
            "check",
            "--checks",
            "checks.toml",
            "--baseline",
            "base.json",
            "-f",
            "json",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = run.json();
    let drop = &v["checks"][3];
    assert_eq!(drop["baseline"], 2.0);
    assert_eq!(drop["value"], 1.333333);
    assert_eq!(drop["drop_pp"], 0.666667);
    assert_eq!(drop["limit"], "drop <= 0.5 points");
    assert_eq!(drop["verdict"], "fail");
    assert!(
        drop["message"]
            .as_str()
            .unwrap()
            .contains("0.67 points below the baseline's 2.00: more than the 0.5 points allowed"),
        "{}",
        drop["message"]
    );
    let table = run_in(
        &worse,
        &[
            "check",
            "--checks",
            "checks.toml",
            "--baseline",
            "base.json",
        ],
        None,
    );
    assert!(
        table.stdout.contains("1.33 (baseline 2.00, -0.67 points)"),
        "{}",
        table.stdout
    );
    // The score settings are options of the baseline: another `applies` is refused.
    let toml = std::fs::read_to_string(worse.join("journeymap.toml")).unwrap();
    std::fs::write(
        worse.join("journeymap.toml"),
        toml.replace("applies = \"previous\"", "applies = \"self\""),
    )
    .unwrap();
    let other = run_in(
        &worse,
        &[
            "check",
            "--checks",
            "checks.toml",
            "--baseline",
            "base.json",
        ],
        None,
    );
    assert_eq!(other.code, 2, "{}", other.stderr);
    assert!(
        other
            .stderr
            .contains("score_applies (baseline \"previous\", now \"self\")"),
        "{}",
        other.stderr
    );
}

#[test]
fn stage_check_mistakes_are_usage_errors() {
    let dir = scores_dir("check_stage_mistakes", "3");
    let cases = [
        ("kind = \"stage\"\nmin = 0.1\n", "needs `stage`"),
        (
            "kind = \"stage\"\nstage = \"service\"\nmeasure = \"mood\"\nmin = 0.1\n",
            "measure = \"mood\" is not reached, lost_here_rate or mean_score",
        ),
        (
            "kind = \"stage\"\nstage = \"servce\"\nmin = 0.1\n",
            "no stage 'servce' under [stages] (the stages are awareness, consideration, purchase, service)",
        ),
        (
            "kind = \"stage\"\nstage = \"service\"\nmeasure = \"mean_score\"\nmax_drop = 1\nalpha = 0.05\n",
            "alpha does not apply to mean_score",
        ),
        (
            "kind = \"exit_rate\"\ntouchpoint = \"cart\"\nstage = \"service\"\nmax = 1\n",
            "`stage` does not apply to kind = \"exit_rate\"",
        ),
    ];
    for (i, (check, want)) in cases.iter().enumerate() {
        let name = format!("c{i}.toml");
        write(&dir, &name, &format!("[[check]]\n{check}"));
        let run = run_in(&dir, &["check", "--checks", &name], None);
        assert_eq!(run.code, 2, "{check}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{check}: {}", run.stderr);
    }
    // mean_score without [scores]; any stage check without [stages].
    write(
        &dir,
        "journeymap.toml",
        &std::fs::read_to_string(data("scores.toml"))
            .unwrap()
            .replace(
                "[scores]\ncolumn = \"csat\"\napplies = \"previous\"\nlow = 2\n",
                "",
            ),
    );
    write(
        &dir,
        "m.toml",
        "[[check]]\nkind = \"stage\"\nstage = \"service\"\nmeasure = \"mean_score\"\nmin = 1\n",
    );
    let run = run_in(&dir, &["check", "--checks", "m.toml"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("needs a score column"),
        "{}",
        run.stderr
    );
    write(
        &dir,
        "journeymap.toml",
        "[conversion]\nevents = [\"purchase\"]\n",
    );
    write(
        &dir,
        "r.toml",
        "[[check]]\nkind = \"stage\"\nstage = \"service\"\nmin = 0.1\n",
    );
    let run = run_in(&dir, &["check", "stages.csv", "--checks", "r.toml"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("stage checks need the stage map"),
        "{}",
        run.stderr
    );
}

#[test]
fn stage_baselines_record_the_stage_map_and_need_scores_only_for_mean_scores() {
    // Reach and lost-here checks run on the web export alone, although [scores] names a
    // column it does not have.
    let dir = scores_dir("check_stage_map", "3");
    write(
        &dir,
        "reach.toml",
        "[[check]]\nkind = \"stage\"\nstage = \"consideration\"\nmeasure = \"lost_here_rate\"\nmax_rise = 5\n",
    );
    let run = run_in(
        &dir,
        &[
            "check",
            "stages.csv",
            "--checks",
            "reach.toml",
            "--write-baseline",
            "base.json",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let base = std::fs::read_to_string(dir.join("base.json")).unwrap();
    assert!(base.contains("\"stages\""), "{base}");
    assert!(!base.contains("score_column"), "{base}");
    // Another stage map changes the numbers: the baseline is refused.
    let toml = std::fs::read_to_string(dir.join("journeymap.toml")).unwrap();
    std::fs::write(
        dir.join("journeymap.toml"),
        toml.replace(
            "service = [\"support_chat\", \"re:^faq\"]",
            "service = [\"support_chat\", \"re:^faq\", \"compare\"]",
        ),
    )
    .unwrap();
    let run = run_in(
        &dir,
        &[
            "check",
            "stages.csv",
            "--checks",
            "reach.toml",
            "--baseline",
            "base.json",
        ],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("stages (baseline"), "{}", run.stderr);
}
