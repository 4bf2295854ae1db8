//! Scores (`--score-col`) in `stages` and `painpoints`, on testdata/stages.csv and
//! testdata/surveys.csv stitched by testdata/scores.toml: two `[[source]]` exports, held to the
//! values worked out by hand in testdata/README.md ("surveys.csv").

use serde_json::Value;

use crate::common::*;

fn run_json(command: &str, extra: &[&str]) -> (Value, String) {
    let config = data("scores.toml");
    let mut args = vec![command, "--config", &config, "-f", "json"];
    args.extend_from_slice(extra);
    let run = jm(&args).ok();
    (run.json(), run.stderr)
}

/// (responses, mean, median, low_share, mean_converting, mean_not_converting)
type Summary = (
    u64,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

fn summary(s: &Value) -> Summary {
    (
        s["responses"].as_u64().unwrap(),
        s["mean"].as_f64(),
        s["median"].as_f64(),
        s["low_share"].as_f64(),
        s["mean_converting"].as_f64(),
        s["mean_not_converting"].as_f64(),
    )
}

fn stage_scores(v: &Value) -> Vec<(String, Summary)> {
    v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .chain(std::iter::once(&v["unstaged"]))
        .map(|s| {
            (
                s["stage"].as_str().unwrap().to_string(),
                summary(&s["scores"]),
            )
        })
        .collect()
}

fn pain_row<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

const NONE: Summary = (0, None, None, None, None, None);

#[test]
fn two_sources_stitch_scores_into_the_journeys_and_previous_moves_them() {
    let (v, stderr) = run_json("stages", &[]);
    // 20 web events and 6 survey rows, one of them without an answer.
    assert_eq!(v["events"], 26);
    assert_eq!(v["journeys"], 6);
    let info = &v["scores"];
    assert_eq!(info["column"], "csat");
    assert_eq!(info["applies"], "previous");
    assert_eq!(info["low_score"], 2.0);
    assert_eq!(info["read"], 5);
    assert_eq!(info["unattributed"], 1);
    assert_eq!(info["collapsed"], 0);
    assert!(
        stderr.contains(
            "1 score has no earlier event without a score in its journey and is unattributed"
        ),
        "{stderr}"
    );
    let want = [
        ("awareness", NONE),
        ("consideration", NONE),
        (
            "purchase",
            (1, Some(5.0), Some(5.0), Some(0.0), Some(5.0), None),
        ),
        (
            "service",
            (3, Some(2.0), Some(2.0), Some(0.666667), None, Some(2.0)),
        ),
        ("(unstaged)", NONE),
    ];
    let got = stage_scores(&v);
    assert_eq!(got.len(), want.len());
    for ((name, s), (wname, w)) in got.iter().zip(want) {
        assert_eq!(name, wname);
        assert_eq!(*s, w, "{name}");
    }
    // The stage progression is the web events' and is unchanged by the survey export
    // (surveys are unstaged events).
    assert_eq!(v["stages"][3]["reached"], 2);
    assert_eq!(v["stages"][3]["lost_here"], 2);
}

#[test]
fn self_keeps_scores_on_the_first_and_last_events_that_carry_them() {
    let (v, stderr) = run_json("stages", &["--score-applies", "self"]);
    assert!(!stderr.contains("unattributed"), "{stderr}");
    assert_eq!(v["scores"]["unattributed"], 0);
    let got = stage_scores(&v);
    for (name, s) in &got[..4] {
        assert_eq!(*s, NONE, "{name}");
    }
    assert_eq!(
        got[4].1,
        (5, Some(3.0), Some(3.0), Some(0.4), Some(5.0), Some(2.5))
    );
    let (p, _) = run_json("painpoints", &["--score-applies", "self"]);
    let s = |name: &str| summary(&pain_row(&p, name)["scores"]);
    assert_eq!(
        s("survey_support"),
        (3, Some(2.0), Some(2.0), Some(0.666667), None, Some(2.0))
    );
    // u5's survey is the first event of its journey, u1's the last.
    assert_eq!(
        s("survey_nps"),
        (1, Some(4.0), Some(4.0), Some(0.0), None, Some(4.0))
    );
    assert_eq!(
        s("survey_purchase"),
        (1, Some(5.0), Some(5.0), Some(0.0), Some(5.0), None)
    );
    assert_eq!(s("support_chat"), NONE);
}

#[test]
fn pain_points_rank_by_journeys_lost_with_exit_rate_loops_and_scores() {
    let (v, _) = run_json("painpoints", &[]);
    assert_eq!(v["lost"], 4);
    assert_eq!(v["values"], 14);
    let names: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "cart",
            "newsletter",
            "survey_nps",
            "survey_support",
            "ad_click",
            "blog",
            "checkout",
            "compare",
            "faq_returns",
            "landing_spring",
            "product_view",
            "purchase",
            "support_chat",
            "survey_purchase"
        ]
    );
    // (stage, journeys, lost_here, exit_rate, share_of_lost, loops, loop_rate)
    let row = |name: &str| {
        let r = pain_row(&v, name);
        (
            r["stage"].as_str().unwrap().to_string(),
            r["journeys"].as_u64().unwrap(),
            r["lost_here"].as_u64().unwrap(),
            r["exit_rate"].as_f64().unwrap(),
            r["share_of_lost"].as_f64().unwrap(),
            r["loops"].as_u64().unwrap(),
            r["loop_rate"].as_f64().unwrap(),
        )
    };
    assert_eq!(row("cart"), ("purchase".into(), 2, 1, 0.5, 0.25, 1, 0.5));
    assert_eq!(
        row("newsletter"),
        ("(unstaged)".into(), 2, 1, 0.5, 0.25, 0, 0.0)
    );
    // u3's two surveys in a row are a repeat, not a loop.
    assert_eq!(
        row("survey_support"),
        ("(unstaged)".into(), 2, 1, 0.5, 0.25, 0, 0.0)
    );
    assert_eq!(row("blog"), ("awareness".into(), 1, 0, 0.0, 0.0, 1, 1.0));
    assert_eq!(
        row("product_view"),
        ("consideration".into(), 4, 0, 0.0, 0.0, 0, 0.0)
    );
    // Scores beside, with `previous`: both of u3's surveys rate the chat.
    let s = |name: &str| summary(&pain_row(&v, name)["scores"]);
    assert_eq!(
        s("support_chat"),
        (2, Some(1.5), Some(1.0), Some(1.0), None, Some(1.5))
    );
    assert_eq!(
        s("faq_returns"),
        (1, Some(3.0), Some(3.0), Some(0.0), None, Some(3.0))
    );
    assert_eq!(
        s("purchase"),
        (1, Some(5.0), Some(5.0), Some(0.0), Some(5.0), None)
    );
    assert_eq!(s("survey_support"), NONE);
    // --sort mean-score: the lowest mean first, values without scores after them (by lost,
    // then name).
    let (by_score, _) = run_json("painpoints", &["--sort", "mean-score", "--top", "5"]);
    let names: Vec<&str> = by_score["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "support_chat",
            "faq_returns",
            "purchase",
            "cart",
            "newsletter"
        ]
    );
    let run = jm(&["painpoints", &data("stages.csv"), "--sort", "mean-score"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--sort mean-score needs scores"),
        "{}",
        run.stderr
    );
    // --top keeps the ranking and says how many there are.
    let (top, _) = run_json("painpoints", &["--top", "2"]);
    assert_eq!(top["values"], 14);
    assert_eq!(top["rows"].as_array().unwrap().len(), 2);
    assert_eq!(top["rows"][1]["name"], "newsletter");
    let table = jm(&["painpoints", "--config", &data("scores.toml"), "--top", "2"]).ok();
    assert!(
        table
            .stdout
            .contains("12 of 14 touchpoints (--top 2; --top 0 shows all)"),
        "{}",
        table.stdout
    );
}

#[test]
fn collapsing_merges_a_repeated_score_away_and_says_so() {
    let (v, stderr) = run_json(
        "painpoints",
        &["--score-applies", "self", "--collapse-repeats"],
    );
    assert_eq!(v["scores"]["collapsed"], 1);
    assert_eq!(v["scores"]["read"], 4);
    assert!(
        stderr.contains("1 score is on events that --collapse-repeats merged into the event before, and not counted"),
        "{stderr}"
    );
    assert_eq!(
        summary(&pain_row(&v, "survey_support")["scores"]),
        (2, Some(2.5), Some(2.0), Some(0.5), None, Some(2.5))
    );
}

#[test]
fn score_columns_in_csv_and_tables() {
    let config = data("scores.toml");
    let csv = jm(&["stages", "--config", &config, "-f", "csv"])
        .ok()
        .stdout;
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with(",score_responses,score_mean,score_median,score_low_share,score_mean_converting,score_mean_not_converting"),
        "{header}"
    );
    let service = csv.lines().find(|l| l.starts_with("service,")).unwrap();
    assert!(service.ends_with(",3,2,2,0.666667,,2"), "{service}");
    let table = jm(&["stages", "--config", &config]).ok().stdout;
    assert!(table.contains("Scores by stage"), "{table}");
    assert!(
        table.contains("column csat, each on the previous event without a score, low <= 2; 5 read, 1 unattributed"),
        "{table}"
    );
    // The drawing carries the emotion curve on the stages.
    let dot = jm(&["stages", "--config", &config, "-f", "dot"])
        .ok()
        .stdout;
    assert!(dot.contains("mean score 2.00 (3 responses)"), "{dot}");
    assert!(dot.contains("no scores"), "{dot}");
    // Without scores the columns are not there.
    let plain = jm(&[
        "stages",
        &data("stages.csv"),
        "--config",
        &data("stages.toml"),
        "-f",
        "csv",
    ])
    .ok()
    .stdout;
    assert!(!plain.contains("score_"), "{plain}");
}

#[test]
fn score_errors_name_the_flag_the_row_and_the_value() {
    let dir = scratch("scores_bad");
    let file = dir.join("events.csv");
    std::fs::write(
        &file,
        "customer_id,timestamp,touchpoint,csat\nu1,2026-03-02T10:00:00Z,chat,\nu1,2026-03-02T10:05:00Z,survey,great\n",
    )
    .unwrap();
    let f = file.display().to_string();
    let run = jm(&["painpoints", &f, "--score-col", "csat"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("events.csv line 3: column 'csat' has 'great', not a number; --score-col needs a column of numbers"),
        "{}",
        run.stderr
    );
    // No input has the column: name it, with what there is.
    let run = jm(&["painpoints", &f, "--score-col", "csta"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains("no input has the column 'csta' of --score-col")
            && run.stderr.contains("did you mean 'csat'?"),
        "{}",
        run.stderr
    );
    // Options that need a column, and a threshold that is no number.
    let run = jm(&["painpoints", &f, "--low-score", "2"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("need a score column"), "{}", run.stderr);
    let run = jm(&[
        "painpoints",
        &f,
        "--score-col",
        "csat",
        "--low-score",
        "nan",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--low-score must be a finite number"),
        "{}",
        run.stderr
    );
    // A value that is infinite is not a score either.
    std::fs::write(
        &file,
        "customer_id,timestamp,touchpoint,csat\nu1,2026-03-02T10:00:00Z,chat,inf\n",
    )
    .unwrap();
    let run = jm(&["painpoints", &f, "--score-col", "csat"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("has 'inf', not a number"),
        "{}",
        run.stderr
    );
}

#[test]
fn scores_can_be_left_out_and_config_mistakes_are_named() {
    // [scores] names csat, which the web export alone does not have.
    let config = data("scores.toml");
    let stages = data("stages.csv");
    let run = jm(&["stages", &stages, "--config", &config]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("no input has the column 'csat'"),
        "{}",
        run.stderr
    );
    let v = jm(&[
        "stages",
        &stages,
        "--config",
        &config,
        "--no-scores",
        "-f",
        "json",
    ])
    .ok()
    .json();
    assert!(v.get("scores").is_none(), "{v}");
    assert_eq!(v["stages"][3]["reached"], 2);
    // low or applies without a column: an error naming the file.
    let dir = scratch("scores_config");
    let toml = dir.join("journeymap.toml");
    std::fs::write(&toml, "[scores]\nlow = 2\n").unwrap();
    let run = jm(&[
        "painpoints",
        &stages,
        "--config",
        &toml.display().to_string(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("journeymap.toml: [scores] sets low or applies but no column"),
        "{}",
        run.stderr
    );
    // Scores so large that their sum overflows are an error, not a null mean.
    let file = dir.join("huge.csv");
    std::fs::write(
        &file,
        "customer_id,timestamp,touchpoint,score\nu1,2026-03-02T10:00:00Z,a,1e308\nu1,2026-03-02T10:01:00Z,b,1e308\n",
    )
    .unwrap();
    let run = jm(&[
        "painpoints",
        &file.display().to_string(),
        "--score-col",
        "score",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("add up to more than 1.8e308"),
        "{}",
        run.stderr
    );
    // The first bad cell in the file's order is named, whatever the time order.
    std::fs::write(
        &file,
        "customer_id,timestamp,touchpoint,score\nu1,2026-03-02T10:05:00Z,a,bad1\nu1,2026-03-02T10:01:00Z,b,bad2\n",
    )
    .unwrap();
    let run = jm(&[
        "painpoints",
        &file.display().to_string(),
        "--score-col",
        "score",
    ]);
    assert!(
        run.stderr
            .contains("huge.csv line 2: column 'score' has 'bad1'"),
        "{}",
        run.stderr
    );
}
