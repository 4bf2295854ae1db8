//! `journeymap variants`: the path variants table (docs/variants.md), hand-worked on
//! testdata/ab_a.csv, held to `paths` on the shop example, in CSV and Parquet, with names that
//! need the escape.

use std::collections::BTreeMap;

use crate::common::*;

#[test]
fn hand_worked_on_ab_a() {
    // testdata/README.md (ab_a.csv): 6 journeys home > product_view > purchase (10 s between
    // events: 20 s each), 4 home > product_view (10 s), every event on channel direct.
    let out = jm(&["variants", &data("ab_a.csv"), "--conversion", "purchase"])
        .ok()
        .stdout;
    // Touches: the 2 events before purchase; the others' whole journey. The options of the
    // table are in its first row.
    let options = r#""{""level"":""touchpoint"",""session_gap"":null,""collapse_repeats"":false,""conversion"":[""purchase""],""converted_col"":null,""split_on_conversion"":false,""tz"":null,""skip_invalid"":false}""#;
    assert_eq!(
        out,
        format!(
            "variants_version,touchpoints,channels,steps,touches,journeys,conversions,value,median_duration_s,channel_median_duration_s,options\n\
             1,home > product_view > purchase,direct > direct > direct,3,2,6,6,,20,20,{options}\n\
             1,home > product_view,direct > direct,2,2,4,0,,10,10,\n"
        )
    );
}

#[test]
fn variants_add_up_to_the_paths_of_paths() {
    let args = ["examples/shop.csv", "--config", "examples/journeymap.toml"];
    let table = jm(&[&["variants"][..], &args, &["--value-col", "revenue"]].concat())
        .ok()
        .stdout;
    let rows = csv_records(&table);
    let paths = jm(&[&["paths"][..], &args, &["--top", "0", "-f", "json"]].concat())
        .ok()
        .json();
    // Per touchpoint sequence: the variants' journeys and conversions, and the median, the
    // same in each of its rows.
    let mut by_path: BTreeMap<Vec<String>, (u64, u64, Vec<f64>)> = BTreeMap::new();
    for r in &rows {
        let key: Vec<String> = r["touchpoints"].split(" > ").map(String::from).collect();
        let e = by_path.entry(key).or_default();
        e.0 += r["journeys"].parse::<u64>().unwrap();
        e.1 += r["conversions"].parse::<u64>().unwrap();
        e.2.push(r["median_duration_s"].parse().unwrap());
        assert_eq!(r["variants_version"], "1");
        let steps: usize = r["steps"].parse().unwrap();
        assert_eq!(r["channels"].split(" > ").count(), steps);
    }
    let listed = paths["paths"].as_array().unwrap();
    assert_eq!(listed.len(), by_path.len());
    let mut single = 0;
    for p in listed {
        let key: Vec<String> = p["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        let (journeys, conversions, medians) = &by_path[&key];
        assert_eq!(p["count"].as_u64(), Some(*journeys), "{key:?}");
        assert_eq!(p["conversions"].as_u64(), Some(*conversions), "{key:?}");
        assert!(
            medians
                .iter()
                .all(|m| Some(*m) == p["median_duration_s"].as_f64()),
            "{key:?}"
        );
        single += usize::from(medians.len() > 1);
    }
    assert!(single > 10, "{single} paths span several variants");
    let total: u64 = rows
        .iter()
        .map(|r| r["journeys"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, paths["meta"]["journeys"].as_u64().unwrap());
    // Most journeys first, then by the sequences as bytes.
    let keys: Vec<(i64, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                -r["journeys"].parse::<i64>().unwrap(),
                r["touchpoints"].as_str(),
                r["channels"].as_str(),
            )
        })
        .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]));
    // The converting journeys' revenue, summed: every purchase row of the shop has revenue.
    let value: f64 = rows
        .iter()
        .map(|r| r["value"].parse::<f64>().unwrap())
        .sum();
    assert!(value > 0.0);
    assert!(rows
        .iter()
        .all(|r| (r["conversions"] == "0") == (r["value"] == "0")));
}

#[test]
fn parquet_holds_the_same_table() {
    use polars::prelude::{ParquetReader, SerReader};
    let dir = scratch("variants_parquet");
    let file = dir.join("v.parquet");
    let base = ["examples/shop.csv", "--config", "examples/journeymap.toml"];
    jm(&[
        &["variants"][..],
        &base,
        &["-o", &file.display().to_string()],
    ]
    .concat())
    .ok();
    let csv = csv_records(&jm(&[&["variants"][..], &base].concat()).ok().stdout);
    let df = ParquetReader::new(std::fs::File::open(&file).unwrap())
        .finish()
        .unwrap();
    assert_eq!(df.height(), csv.len());
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(
        names,
        [
            "variants_version",
            "touchpoints",
            "channels",
            "steps",
            "touches",
            "journeys",
            "conversions",
            "value",
            "median_duration_s",
            "channel_median_duration_s",
            "options"
        ]
    );
    let tps = df.column("touchpoints").unwrap().str().unwrap().clone();
    let journeys = df.column("journeys").unwrap().u64().unwrap().clone();
    for (i, row) in csv.iter().enumerate() {
        assert_eq!(tps.get(i), Some(row["touchpoints"].as_str()));
        assert_eq!(
            journeys.get(i).map(|v| v.to_string()),
            Some(row["journeys"].clone())
        );
    }
    assert_eq!(df.column("value").unwrap().null_count(), csv.len());
    // The options in the first row only.
    assert_eq!(df.column("options").unwrap().null_count(), csv.len() - 1);
    assert!(!csv[0]["options"].is_empty() && csv[1]["options"].is_empty());
}

#[test]
fn names_are_escaped_and_cells_kept_as_they_are() {
    let dir = scratch("variants_names");
    let file = dir.join("names.csv");
    std::fs::write(
        &file,
        "customer_id,timestamp,touchpoint\n\
         u1,2026-03-01T10:00:00Z,a>b\n\
         u1,2026-03-01T10:01:00Z,x\\\n\
         u1,2026-03-01T10:02:00Z,=HYPERLINK(1)\n\
         u2,2026-03-01T10:00:00Z,\"a > b, c\"\n",
    )
    .unwrap();
    let out = jm(&["variants", &file.display().to_string()]).ok().stdout;
    let rows = csv_records(&out);
    let seqs: Vec<&str> = rows.iter().map(|r| r["touchpoints"].as_str()).collect();
    assert_eq!(seqs, ["a \\> b, c", "a\\>b > x\\\\ > =HYPERLINK(1)"]);
    assert_eq!(rows[0]["channels"], "");
    // Read back, the escaped names are the names again.
    let table = dir.join("names_table.csv");
    jm(&[
        "variants",
        file.to_str().unwrap(),
        "-o",
        table.to_str().unwrap(),
    ])
    .ok();
    let on = |input: &str| {
        comparable(
            jm(&["paths", input, "--top", "0", "-f", "json"])
                .ok()
                .json(),
        )
    };
    assert_eq!(on(file.to_str().unwrap()), on(table.to_str().unwrap()));

    // -o takes .csv or .parquet; nothing is written otherwise.
    let bad = dir.join("v.json");
    let run = jm(&[
        "variants",
        &file.display().to_string(),
        "-o",
        &bad.display().to_string(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("name the file .csv or .parquet"),
        "{}",
        run.stderr
    );
    assert!(!bad.exists());
}

/// An analysis's JSON without what differs by construction between a run on events and a run
/// on their variants table: the inputs, the notes, the config path, and the fields that need
/// event times (null on the table).
fn comparable(mut v: serde_json::Value) -> serde_json::Value {
    let meta = v["meta"].as_object_mut().unwrap();
    for k in ["inputs", "notes"] {
        meta.remove(k);
    }
    meta["options"].as_object_mut().unwrap().remove("config");
    if let Some(edges) = v.get_mut("edges").and_then(|e| e.as_array_mut()) {
        for e in edges {
            if let Some(t) = e.get_mut("time") {
                *t = serde_json::Value::Null;
            }
        }
    }
    // The (other) row's median is over journeys of many sequences: not in the table.
    if let Some(rows) = v.get_mut("paths").and_then(|p| p.as_array_mut()) {
        for r in rows.iter_mut().filter(|r| r["steps"].is_null()) {
            r["median_duration_s"] = serde_json::Value::Null;
        }
    }
    // Stages: the time in a stage and to the next.
    for key in ["stages", "unstaged"] {
        let rows = match v.get_mut(key) {
            Some(serde_json::Value::Array(rows)) => rows.iter_mut().collect::<Vec<_>>(),
            Some(row @ serde_json::Value::Object(_)) => vec![row],
            _ => Vec::new(),
        };
        for r in rows {
            for k in ["time_in_stage", "time_to_next_stage"] {
                if r.get(k).is_some() {
                    r[k] = serde_json::Value::Null;
                }
            }
        }
    }
    if let Some(t) = v.get_mut("time_to_convert") {
        for k in ["median_s", "p90_s", "max_s"] {
            t[k] = serde_json::Value::Null;
        }
        v["time_to_convert_histogram"] = serde_json::json!([]);
    }
    v
}

#[test]
fn every_analysis_on_the_table_equals_the_analysis_on_the_events() {
    let dir = scratch("variants_analyses");
    let shop = "examples/shop.csv";
    let made_with: [&[&str]; 2] = [
        &[
            "--config",
            "examples/journeymap.toml",
            "--value-col",
            "revenue",
        ],
        &[
            "--conversion",
            "purchase",
            "--collapse-repeats",
            "--level",
            "channel",
            "--split-on-conversion",
            "--value-col",
            "revenue",
        ],
    ];
    let runs: [&[&[&str]]; 2] = [
        &[
            &["paths", "--top", "0"],
            &["paths", "--top", "5", "--other"],
            &["paths", "--level", "channel", "--top", "0"],
            &["graph"],
            &["graph", "--level", "channel"],
            &["dropoff"],
            &["transitions"],
            &["explore", "--from", "product_view", "--depth", "4"],
            &["flow"],
            &["steps"],
            &["funnel", "--steps", "product_view,add_to_cart,purchase"],
            &[
                "funnel",
                "--steps",
                "product_view,purchase",
                "--order",
                "any",
            ],
            &["attribution", "--model", "first", "--value-col", "revenue"],
            &["attribution", "--model", "linear", "--value-col", "revenue"],
            &["attribution", "--model", "position"],
            &[
                "attribution",
                "--model",
                "markov",
                "--order",
                "2",
                "--value-col",
                "revenue",
            ],
        ],
        &[
            &["paths", "--top", "0"],
            &["graph"],
            &["attribution", "--model", "last", "--value-col", "revenue"],
            &["attribution", "--model", "markov"],
        ],
    ];
    for (made, runs) in made_with.iter().zip(runs) {
        for ext in ["csv", "parquet"] {
            let table = dir.join(format!("v{}.{ext}", made.len()));
            let table = table.to_str().unwrap();
            jm(&[&["variants", shop][..], made, &["-o", table]].concat()).ok();
            for run in runs {
                // The events with the table's options (and the analysis's own flags).
                let (journey, own): (Vec<&str>, Vec<&str>) = (
                    made.iter()
                        .copied()
                        .filter(|f| !["--value-col", "revenue"].contains(f))
                        .collect(),
                    run[1..].to_vec(),
                );
                let mut events = vec![run[0], shop];
                events.extend(&journey);
                events.extend(&own);
                events.extend(["-f", "json"]);
                // `--level channel` made the table; the analysis then runs at that level.
                let mut on_table = vec![run[0], table];
                if journey.contains(&"--level") && !own.contains(&"--level") {
                    on_table.extend(["--level", "channel"]);
                }
                on_table.extend(&own);
                on_table.extend(["-f", "json"]);
                let a = comparable(jm(&events).ok().json());
                let b = comparable(jm(&on_table).ok().json());
                assert_eq!(a, b, "{run:?} on {table}");
            }
        }
    }
}

#[test]
fn merged_tables_add_up_and_what_needs_events_is_refused() {
    let dir = scratch("variants_merge");
    let table = |input: &str, name: &str| {
        let out = dir.join(name);
        jm(&[
            "variants",
            &data(input),
            "--conversion",
            "purchase",
            "-o",
            out.to_str().unwrap(),
        ])
        .ok();
        out.display().to_string()
    };
    let (a, b) = (table("ab_a.csv", "a.csv"), table("ab_b.csv", "b.parquet"));
    // Two tables (two partitions of customers) are one set of journeys: 10 + 20.
    let both = jm(&["paths", &a, &b, "--top", "0", "-f", "json"])
        .ok()
        .json();
    assert_eq!(both["journeys"], 30);
    let row = |path: &str| {
        both["paths"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| path_text(p) == path)
            .unwrap()
            .clone()
    };
    // home > product_view > purchase: 6 + 4 journeys; its median is in both tables, so it
    // is not known (a median of medians is not one).
    let bought = row("home > product_view > purchase");
    assert_eq!(
        (bought["count"].as_u64(), bought["conversions"].as_u64()),
        (Some(10), Some(10))
    );
    assert!(bought["median_duration_s"].is_null());
    // diff on two tables: the hand-worked numbers of testdata/README.md.
    let diff = jm(&["diff", &a, &b, "-f", "json"]).ok().json();
    let conv = &diff["conversion"]["rows"][0];
    assert_eq!(
        (conv["change"].as_f64(), conv["p_value"].as_f64()),
        (Some(-0.4), Some(0.02846))
    );

    // What needs event times or columns is refused, naming the reason.
    let refused: [(&[&str], &str); 8] = [
        (&["report", &a], "is a variants table"),
        (&["inspect", &a], "is a variants table"),
        (
            &["paths", &a, "--session-gap", "1h"],
            "--session-gap applies when journeys are made from events",
        ),
        (
            &["funnel", &a, "--steps", "home,purchase", "--window", "1h"],
            "--window needs event times",
        ),
        (
            &[
                "funnel",
                &a,
                "--steps",
                "home,purchase",
                "--breakdown",
                "channel",
            ],
            "a variants table has no columns",
        ),
        (
            &["attribution", &a, "--model", "time-decay"],
            "the time-decay model needs event times",
        ),
        (
            &["diff", &a, "--before", "2026-01-01"],
            "--before needs event times",
        ),
        (
            &["paths", &a, &data("ab_a.csv")],
            "analyse events or variants tables, not both",
        ),
    ];
    for (args, message) in refused {
        let run = jm(args);
        assert_ne!(run.code, 0, "{args:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    // Tables made with other options are not merged.
    let other = dir.join("other.csv");
    jm(&["variants", &data("ab_b.csv"), "-o", other.to_str().unwrap()]).ok();
    let run = jm(&["paths", &a, other.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("was made with other options"),
        "{}",
        run.stderr
    );
    // A broken row names its line.
    let broken = dir.join("broken.csv");
    let text = std::fs::read_to_string(&a)
        .unwrap()
        .replacen(",6,6,", ",6,7,", 1);
    std::fs::write(&broken, text).unwrap();
    let run = jm(&["paths", broken.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "broken.csv line 2: conversions (7) is more than journeys (6); not a variants row"
        ),
        "{}",
        run.stderr
    );
    // One channel per event.
    let text =
        std::fs::read_to_string(&a)
            .unwrap()
            .replacen("direct > direct > direct", "direct", 1);
    std::fs::write(&broken, text).unwrap();
    let run = jm(&["paths", broken.to_str().unwrap()]);
    assert!(
        run.stderr
            .contains("line 2: channels has 1 names and touchpoints 3: one channel per event"),
        "{}",
        run.stderr
    );
    // Tables with and without values are not summed.
    let with_value = dir.join("with_value.csv");
    let mut t = std::fs::read_to_string(&a).unwrap();
    t = t
        .replacen(",6,6,,", ",6,6,12.5,", 1)
        .replacen(",4,0,,", ",4,0,0,", 1);
    std::fs::write(&with_value, t).unwrap();
    let run = jm(&["paths", with_value.to_str().unwrap(), &b]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("tables made with and without --value-col cannot be read together"),
        "{}",
        run.stderr
    );
    // diff of two tables made alike says nothing; made otherwise, it warns.
    let run = jm(&["diff", &a, other.to_str().unwrap(), "-f", "json"]).ok();
    assert!(
        run.stderr.contains("were made with other options"),
        "{}",
        run.stderr
    );
    // The funnel's time to convert is said to be unknown, not missing.
    let run = jm(&["funnel", &a, "--steps", "home,purchase"]).ok();
    assert!(
        run.stdout.contains("6 journeys; their times are not known"),
        "{}",
        run.stdout
    );
}

/// The variants table of the shop example made with `config`, written to `dir/file`.
fn shop_table(dir: &std::path::Path, config: &str, file: &str) -> String {
    let table = dir.join(file).display().to_string();
    jm(&[
        "variants",
        "examples/shop.csv",
        "--config",
        config,
        "-o",
        &table,
    ])
    .ok();
    table
}

#[test]
fn stages_and_pain_points_run_on_a_table_as_on_the_events() {
    let dir = scratch("variants_stages");
    let config = "examples/journeymap.toml";
    let table = shop_table(&dir, config, "t.csv");
    let table = table.as_str();
    for command in [
        &["stages"][..],
        &["stages", "--top-values", "2"],
        &["painpoints", "--top", "0"],
    ] {
        let run = |input: &str| {
            let mut args = command.to_vec();
            args.extend([input, "--config", config, "-f", "json"]);
            comparable(jm(&args).ok().json())
        };
        assert_eq!(run("examples/shop.csv"), run(table), "{command:?}");
    }
    // The stage drawing needs no times either.
    let svg = jm(&["stages", table, "--config", config, "-f", "svg"])
        .ok()
        .stdout;
    assert!(svg.contains("journeys through the stages"));
    // Scores need a column the table does not have.
    let run = jm(&["stages", table, "--config", config, "--score-col", "score"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is a variants table"), "{}", run.stderr);
}

#[test]
fn checks_run_on_a_table_as_on_the_events() {
    let dir = scratch("variants_check");
    let config = "examples/ci/journeymap.toml";
    let table = shop_table(&dir, config, "t.parquet");
    let table = table.as_str();
    let baseline = dir.join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    let check = |input: &str, extra: &[&str]| {
        let mut args = vec!["check", input, "--config", config, "-f", "json"];
        args.extend(extra);
        jm(&args)
    };
    let events = check("examples/shop.csv", &[]);
    let on_table = check(table, &[]);
    check("examples/shop.csv", &["--write-baseline", baseline]);
    assert_eq!(events.code, on_table.code, "{}", on_table.stderr);
    assert_eq!(comparable(events.json()), comparable(on_table.json()));
    // The baseline of the events holds for the table: the same options, the same numbers.
    let run = check(table, &["--baseline", baseline]);
    assert_eq!(run.code, events.code, "{}", run.stderr);
    // A funnel check with a window needs times.
    let windowed = dir.join("window.toml");
    std::fs::write(
        &windowed,
        "[[check]]\nkind = \"funnel\"\nsteps = \"product_view,purchase\"\nwindow = \"1d\"\nmin = 0.01\n",
    )
    .unwrap();
    let run = jm(&["check", table, "--checks", windowed.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("needs event times"), "{}", run.stderr);
}
