//! Library-level tests over testdata/: load files, build journeys, compare with hand-worked
//! answers (testdata/README.md explains each file).

use journeymap::cli::{InputArgs, JourneyArgs};
use journeymap::config::ConfigFile;
use journeymap::input::{self, EventTable};
use journeymap::journey::{self, clean, Journeys};
use journeymap::settings;

fn data(name: &str) -> String {
    format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn load_with(
    input: InputArgs,
    j: JourneyArgs,
    lenient: bool,
) -> anyhow::Result<(EventTable, Journeys)> {
    let cfg = ConfigFile::find(input.config.as_deref())?;
    let request = settings::Request::new(&input, &j, &cfg);
    let request = if lenient { request.lenient() } else { request };
    let mut s = settings::resolve(&request)?;
    s.load.progress = false;
    let mut table = input::load(&s.load)?;
    clean::apply(&mut table, &s.clean);
    let level = s.level(table.channels.is_some());
    let (journeys, _) = journey::build(&mut table, &s.journey_options(level))?;
    Ok((table, journeys))
}

fn paths_of(files: &[&str], j: JourneyArgs) -> Vec<String> {
    let input = InputArgs {
        inputs: files.iter().map(|f| data(f)).collect(),
        ..Default::default()
    };
    let (_, journeys) = load_with(input, j, false).unwrap();
    paths(&journeys)
}

/// "customer: a > b > c" per journey, sorted (journeys come in order of first appearance of
/// their customer, which depends on the row order).
fn paths(j: &Journeys) -> Vec<String> {
    let mut out: Vec<String> = (0..j.len())
        .map(|i| {
            let names: Vec<&str> = j.journey(i).iter().map(|v| j.names().name(*v)).collect();
            format!("{}: {}", j.customers.name(j.customer[i]), names.join(" > "))
        })
        .collect();
    out.sort();
    out
}

fn tiny_paths() -> Vec<String> {
    vec![
        "alice: home > product_view > add_to_cart > purchase".to_string(),
        "bob: home > product_view > add_to_cart".to_string(),
        "carol: blog > home > product_view".to_string(),
        "dave: email_click > product_view > home > product_view > add_to_cart > purchase"
            .to_string(),
    ]
}

#[test]
fn tiny_log_gives_the_hand_worked_journeys() {
    assert_eq!(
        paths_of(&["tiny.csv"], JourneyArgs::default()),
        tiny_paths()
    );
}

#[test]
fn every_format_gives_the_same_journeys() {
    for f in ["tiny.csv.gz", "tiny.tsv", "tiny.jsonl", "tiny.parquet"] {
        assert_eq!(paths_of(&[f], JourneyArgs::default()), tiny_paths(), "{f}");
    }
}

#[test]
fn shuffled_rows_give_the_same_journeys_except_reordered_ties() {
    // bob's product_view and add_to_cart share 10:02; the shuffled copy has add_to_cart
    // first, so row order (the tie rule) puts it first.
    let mut want = tiny_paths();
    let shuffled = std::fs::read_to_string(data("tiny_shuffled.csv")).unwrap();
    let pv = shuffled
        .find("bob,2026-03-01T10:02:00Z,product_view")
        .unwrap();
    let ac = shuffled
        .find("bob,2026-03-01T10:02:00Z,add_to_cart")
        .unwrap();
    if ac < pv {
        want[1] = "bob: home > add_to_cart > product_view".to_string();
    }
    assert_eq!(
        paths_of(&["tiny_shuffled.csv"], JourneyArgs::default()),
        want
    );
}

#[test]
fn hive_partitions_supply_the_channel() {
    let j = JourneyArgs {
        level: Some(journey::Level::Channel),
        ..Default::default()
    };
    let got = paths_of(&["tiny_hive"], j);
    assert_eq!(
        got[0],
        "alice: organic_search > organic_search > organic_search > organic_search"
    );
    assert_eq!(
        got[3],
        "dave: email > email > direct > direct > direct > direct"
    );
}

#[test]
fn sessions_split_on_gaps_strictly_greater() {
    let j = JourneyArgs {
        session_gap: Some("30m".into()),
        ..Default::default()
    };
    let got = paths_of(&["tiny.csv"], j);
    assert_eq!(
        got,
        vec![
            "alice: home > product_view > add_to_cart > purchase",
            "bob: home > product_view > add_to_cart",
            "carol: blog > home",
            "carol: product_view",
            "dave: email_click > product_view",
            "dave: home > product_view > add_to_cart > purchase",
        ]
    );
}

#[test]
fn mixed_offsets_and_epochs_are_ordered_by_instant() {
    assert_eq!(
        paths_of(&["mixed_offsets.csv"], JourneyArgs::default()),
        vec!["u1: a > d > b > c", "u2: a > b"]
    );
    // With --tz, the naive 09:10 is Berlin time (08:10Z) and comes first.
    let input = InputArgs {
        inputs: vec![data("mixed_offsets.csv")],
        tz: Some("Europe/Berlin".into()),
        ..Default::default()
    };
    let (_, j) = load_with(input, JourneyArgs::default(), false).unwrap();
    assert_eq!(paths(&j)[0], "u1: d > a > b > c");
}

#[test]
fn ties_keep_row_order_and_collapsing_merges_runs() {
    assert_eq!(
        paths_of(&["ties.csv"], JourneyArgs::default()),
        vec!["u1: start > x > y > z > x > end"]
    );
    let j = JourneyArgs {
        collapse_repeats: true,
        ..Default::default()
    };
    assert_eq!(
        paths_of(&["ties.csv"], j),
        vec!["u1: start > x > y > z > x > end"]
    );
}

#[test]
fn cleaning_rules_apply_in_order() {
    let j = JourneyArgs {
        rename: vec!["^(product_view|add_to_cart)$=shop".into()],
        exclude: vec!["home".into()],
        collapse_repeats: true,
        from: Some("2026-03-01".into()),
        to: Some("2026-03-03".into()),
        ..Default::default()
    };
    assert_eq!(
        paths_of(&["tiny.csv"], j),
        vec![
            "alice: shop > purchase",
            "bob: shop",
            "carol: blog > shop",
            "dave: email_click > shop",
        ]
    );
}

#[test]
fn where_filters_rows_by_column_value() {
    let j = JourneyArgs {
        filter: vec!["channel=direct".into()],
        ..Default::default()
    };
    assert_eq!(
        paths_of(&["tiny.csv"], j),
        vec![
            "carol: product_view",
            "dave: home > product_view > add_to_cart > purchase"
        ]
    );
}

#[test]
fn sources_from_the_config_file_are_stitched() {
    let input = InputArgs {
        config: Some(data("multi/journeymap.toml").into()),
        ..Default::default()
    };
    let (table, j) = load_with(input, JourneyArgs::default(), false).unwrap();
    assert_eq!(table.sources.len(), 2);
    assert_eq!(
        paths(&j),
        vec![
            "alice: home > product > email_open > email_click",
            "alice: product",
            "bob: home > email_open",
        ]
    );
    let channels = j.channels.as_ref().unwrap();
    let names: Vec<&str> = j.channel.iter().map(|c| channels.name(*c)).collect();
    assert_eq!(
        names,
        vec!["google", "google", "email", "email", "direct", "direct", "email"]
    );
}

#[test]
fn conversion_by_name_and_by_column_agree_on_tiny() {
    let by_name = JourneyArgs {
        conversion: vec!["purchase".into()],
        ..Default::default()
    };
    let by_col = JourneyArgs {
        converted_col: Some("converted".into()),
        ..Default::default()
    };
    for j in [by_name, by_col] {
        let input = InputArgs {
            inputs: vec![data("tiny.csv")],
            ..Default::default()
        };
        let (_, journeys) = load_with(input, j, false).unwrap();
        assert_eq!(journeys.converted, vec![true, false, false, true]);
    }
}

fn strict_error(file: &str, skip_invalid: bool) -> anyhow::Result<(EventTable, Journeys)> {
    let input = InputArgs {
        inputs: vec![data(file)],
        skip_invalid,
        ..Default::default()
    };
    load_with(input, JourneyArgs::default(), false)
}

#[test]
fn missing_ids_fail_with_counts_and_rows_unless_skipped() {
    let err = strict_error("bad/null_ids.csv", false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("2 rows have no customer id (first: "), "{err}");
    assert!(err.contains("null_ids.csv line 3, "), "{err}");
    assert!(err.contains("null_ids.csv line 6)"), "{err}");
    assert!(err.contains("1 row has no timestamp"), "{err}");
    assert!(err.contains("--skip-invalid"), "{err}");
    let (table, j) = strict_error("bad/null_ids.csv", true).unwrap();
    assert_eq!(table.rows_invalid, 3);
    assert!(table
        .warnings
        .iter()
        .any(|w| w.contains("dropped 3 invalid rows")));
    assert_eq!(paths(&j), vec!["u1: home", "u3: home"]);
}

#[test]
fn unparseable_timestamps_name_row_value_and_formats() {
    let err = strict_error("bad/bad_timestamp.csv", false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad_timestamp.csv line 3: '01/03/2026 09:05' in column 'timestamp'"),
        "{err}"
    );
    assert!(err.contains("tried RFC 3339"), "{err}");
    assert!(err.contains("--time-format"), "{err}");
    // The layout flag fixes it, for the rows that use that layout.
    let input = InputArgs {
        inputs: vec![data("bad/bad_timestamp.csv")],
        time_format: Some("%d/%m/%Y %H:%M".into()),
        skip_invalid: true,
        ..Default::default()
    };
    let (table, _) = load_with(input, JourneyArgs::default(), false).unwrap();
    assert_eq!(table.rows_invalid, 2);
}
