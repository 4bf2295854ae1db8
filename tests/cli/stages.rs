//! `journeymap stages` on testdata/stages.csv, held to the values worked out by hand in
//! testdata/README.md ("stages.csv").

use serde_json::Value;

use crate::common::*;

fn stages_json(extra: &[&str]) -> Value {
    let mut args = vec![
        "stages".to_string(),
        data("stages.csv"),
        "--config".to_string(),
        data("stages.toml"),
        "--conversion".to_string(),
        "purchase".to_string(),
        "-f".to_string(),
        "json".to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    jm(&args).ok().json()
}

/// (stage, reached, share, continued, lost here, skipped, came back, conversions, rate)
type Row = (&'static str, u64, f64, u64, u64, u64, u64, u64, f64);

#[test]
fn progression_of_every_stage_is_as_worked_out_by_hand() {
    let v = stages_json(&[]);
    assert_eq!(v["journeys"], 6);
    assert_eq!(v["events"], 20);
    assert_eq!(v["unstaged_events"], 2);
    assert_eq!(v["journeys_without_stage"], 1);
    let want: [Row; 4] = [
        ("awareness", 3, 0.5, 3, 0, 2, 1, 2, 0.666667),
        ("consideration", 4, 0.666667, 3, 1, 1, 0, 2, 0.5),
        ("purchase", 3, 0.5, 1, 0, 1, 1, 2, 0.666667),
        ("service", 2, 0.333333, 0, 2, 0, 0, 0, 0.0),
    ];
    let stages = v["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 4);
    for (s, w) in stages.iter().zip(want) {
        let got: Row = (
            w.0,
            s["reached"].as_u64().unwrap(),
            s["share"].as_f64().unwrap(),
            s["continued"].as_u64().unwrap(),
            s["lost_here"].as_u64().unwrap(),
            s["skipped"].as_u64().unwrap(),
            s["came_back"].as_u64().unwrap(),
            s["conversions"].as_u64().unwrap(),
            s["conversion_rate"].as_f64().unwrap(),
        );
        assert_eq!(s["stage"], w.0);
        assert_eq!(got, w, "{}", w.0);
    }
    let u = &v["unstaged"];
    assert_eq!(u["stage"], "(unstaged)");
    assert_eq!(u["reached"], 2);
    assert_eq!(u["events"], 2);
    assert!(u["continued"].is_null() && u["lost_here"].is_null());
    assert!(u["skipped"].is_null() && u["came_back"].is_null());
    assert_eq!(u["conversions"], 0);
}

#[test]
fn times_are_nearest_rank_over_the_journeys_that_reached_or_continued() {
    let v = stages_json(&[]);
    let q = |s: &Value, k: &str| {
        let t = &s[k];
        if t.is_null() {
            None
        } else {
            Some((
                t["median_s"].as_f64().unwrap(),
                t["p90_s"].as_f64().unwrap(),
            ))
        }
    };
    let stages = v["stages"].as_array().unwrap();
    let in_stage: Vec<_> = stages.iter().map(|s| q(s, "time_in_stage")).collect();
    assert_eq!(
        in_stage,
        [
            Some((600.0, 1800.0)),
            Some((600.0, 600.0)),
            Some((600.0, 600.0)),
            Some((0.0, 600.0))
        ]
    );
    let to_next: Vec<_> = stages.iter().map(|s| q(s, "time_to_next_stage")).collect();
    assert_eq!(
        to_next,
        [
            Some((600.0, 900.0)),
            Some((600.0, 600.0)),
            Some((600.0, 600.0)),
            None
        ]
    );
    assert_eq!(q(&v["unstaged"], "time_in_stage"), Some((0.0, 1800.0)));
    assert!(v["unstaged"]["time_to_next_stage"].is_null());
}

#[test]
fn top_touchpoints_and_channels_share_the_stage_events() {
    let v = stages_json(&[]);
    let list = |s: &Value, k: &str| -> Vec<(String, u64, f64)> {
        s[k].as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["name"].as_str().unwrap().to_string(),
                    n["events"].as_u64().unwrap(),
                    n["share"].as_f64().unwrap(),
                )
            })
            .collect()
    };
    let s = v["stages"].as_array().unwrap();
    let own = |v: Vec<(&str, u64, f64)>| -> Vec<(String, u64, f64)> {
        v.into_iter()
            .map(|(a, b, c)| (a.to_string(), b, c))
            .collect()
    };
    assert_eq!(
        list(&s[0], "top_touchpoints"),
        own(vec![
            ("ad_click", 2, 0.4),
            ("blog", 2, 0.4),
            ("landing_spring", 1, 0.2)
        ])
    );
    assert_eq!(
        list(&s[2], "top_touchpoints"),
        own(vec![
            ("cart", 3, 0.5),
            ("purchase", 2, 0.333333),
            ("checkout", 1, 0.166667)
        ])
    );
    assert_eq!(
        list(&s[1], "top_channels"),
        own(vec![
            ("organic", 2, 0.4),
            ("email", 1, 0.2),
            ("paid_search", 1, 0.2),
            ("paid_social", 1, 0.2)
        ])
    );
    assert_eq!(
        list(&v["unstaged"], "top_touchpoints"),
        own(vec![("newsletter", 2, 1.0)])
    );
    // --top-values cuts the lists.
    let v = stages_json(&["--top-values", "1"]);
    assert_eq!(
        v["stages"][0]["top_touchpoints"].as_array().unwrap().len(),
        1
    );
    assert_eq!(v["stages"][0]["top_touchpoints"][0]["name"], "ad_click");
}

#[test]
fn the_flow_counts_visits_with_back_steps() {
    let run = jm(&[
        "stages",
        &data("stages.csv"),
        "--config",
        &data("stages.toml"),
        "--flow",
        "-f",
        "csv",
    ])
    .ok();
    assert_eq!(
        run.stdout,
        "from,to,count,journeys,back_step\n\
         (start),awareness,3,3,false\n\
         (start),consideration,1,1,false\n\
         (start),service,1,1,false\n\
         awareness,consideration,4,3,false\n\
         consideration,awareness,1,1,true\n\
         consideration,purchase,3,3,false\n\
         consideration,(end),1,1,false\n\
         purchase,service,1,1,false\n\
         purchase,(end),3,3,false\n\
         service,purchase,1,1,true\n\
         service,(end),1,1,false\n"
    );
    assert_eq!(
        run.stderr,
        "journeymap: warning: 2 events in no stage are counted as (unstaged) (most: newsletter)\n"
    );
}

#[test]
fn without_a_conversion_every_journey_is_lost_at_its_furthest_stage() {
    let run = jm(&[
        "stages",
        &data("stages.csv"),
        "--config",
        &data("stages.toml"),
        "-f",
        "json",
    ])
    .ok();
    let v = run.json();
    let lost: Vec<u64> = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["lost_here"].as_u64().unwrap())
        .collect();
    // u1 and u6 (furthest: purchase) are lost too.
    assert_eq!(lost, [0, 1, 2, 2]);
    assert!(v["stages"][0]["conversions"].is_null());
    assert!(v["stages"][0]["conversion_rate"].is_null());
}

#[test]
fn a_stage_file_gives_the_same_map() {
    let dir = scratch("stages_file");
    let file = dir.join("stages.csv");
    // Rows out of order; `order` puts the stages in place. First match wins: landing_page is
    // claimed by awareness's pattern before service's.
    std::fs::write(
        &file,
        "touchpoint,stage,order\n\
         support_chat,service,4\n\
         re:^faq,service,4\n\
         product_view,consideration,2\n\
         compare,consideration,\n\
         ad_click,awareness,1\n\
         blog,awareness,1\n\
         re:^landing,awareness,1\n\
         cart,purchase,3\n\
         checkout,purchase,3\n\
         purchase,purchase,3\n",
    )
    .unwrap();
    let from_file = stages_json(&["--stages", &file.display().to_string()]);
    let from_toml = stages_json(&[]);
    assert_eq!(from_file["stages"], from_toml["stages"]);
    assert_eq!(from_file["flow"], from_toml["flow"]);
    // A stage with two orders is an error that names the line.
    std::fs::write(&file, "touchpoint,stage,order\nhome,a,1\nblog,a,2\n").unwrap();
    let run = jm(&[
        "stages",
        &data("stages.csv"),
        "--stages",
        &file.display().to_string(),
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("line 3: stage 'a' has order 2 here and 1 before"),
        "{}",
        run.stderr
    );
    // The stage file is protected like the inputs.
    std::fs::write(&file, "touchpoint,stage\nhome,a\n").unwrap();
    let run = jm(&[
        "stages",
        &data("stages.csv"),
        "--stages",
        &file.display().to_string(),
        "-o",
        &file.display().to_string(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is the stage file"), "{}", run.stderr);
}

#[test]
fn stages_map_channels_at_the_channel_level() {
    let dir = scratch("stages_channels");
    let toml = dir.join("journeymap.toml");
    std::fs::write(
        &toml,
        "[stages]\nreach = [\"paid_social\", \"paid_search\", \"organic\"]\nconvert = [\"direct\"]\ncare = [\"support\"]\n",
    )
    .unwrap();
    let run = jm(&[
        "stages",
        &data("stages.csv"),
        "--config",
        &toml.display().to_string(),
        "--level",
        "channel",
        "-f",
        "json",
    ])
    .ok();
    let v = run.json();
    let reached: Vec<u64> = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reached"].as_u64().unwrap())
        .collect();
    // reach: u1 u2 u4 (organic faq) u6; convert: u1 u6; care: u3. email is unstaged.
    assert_eq!(reached, [4, 2, 1]);
    assert_eq!(v["unstaged"]["top_channels"][0]["name"], "email");
    assert_eq!(v["unstaged"]["events"], 5);
}

#[test]
fn stages_need_a_map_and_say_what_matches_nothing() {
    let run = jm(&["stages", &data("stages.csv")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no stages are defined"),
        "{}",
        run.stderr
    );
    let dir = scratch("stages_bad");
    let toml = dir.join("journeymap.toml");
    std::fs::write(&toml, "[stages]\na = [\"re:(\"]\n").unwrap();
    let run = jm(&[
        "stages",
        &data("stages.csv"),
        "--config",
        &toml.display().to_string(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("stage 'a': the pattern '(' does not compile"),
        "{}",
        run.stderr
    );
    std::fs::write(&toml, "[stages]\na = [\"home\", \"blog\"]\n").unwrap();
    let run = jm(&[
        "stages",
        &data("stages.csv"),
        "--config",
        &toml.display().to_string(),
    ])
    .ok();
    assert!(
        run.stderr
            .contains("journeymap: warning: stage entry 'home' matches nothing in the input"),
        "{}",
        run.stderr
    );
}
