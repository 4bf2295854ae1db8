use std::collections::{HashMap, HashSet};

use super::model::TOUCHPOINTS;
use super::*;

const START: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn opts(events: Option<u64>, customers: Option<u64>, seed: u64) -> GenerateOptions {
    GenerateOptions {
        events,
        customers,
        seed,
        start: START,
        days: 90,
        conversion_boost: 1.0,
        surveys: false,
    }
}

fn bytes(o: &GenerateOptions, kind: OutputKind) -> (Vec<u8>, GenerateSummary) {
    let mut out = Vec::new();
    let summary = write_log(o, kind, &mut out).expect("generation failed");
    (out, summary)
}

struct Row {
    customer: String,
    ts: i64,
    touchpoint: String,
    channel: String,
    converted: String,
    revenue: String,
}

fn parse(csv: &[u8]) -> Vec<Row> {
    let text = std::str::from_utf8(csv).expect("utf8");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("customer_id,timestamp,touchpoint,channel,converted,revenue")
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 6, "row {l:?}");
            let ts = chrono::DateTime::parse_from_rfc3339(f[1])
                .expect("rfc3339")
                .timestamp();
            assert!(
                f[1].len() == 20 && f[1].ends_with('Z'),
                "timestamp {}",
                f[1]
            );
            Row {
                customer: f[0].into(),
                ts,
                touchpoint: f[2].into(),
                channel: f[3].into(),
                converted: f[4].into(),
                revenue: f[5].into(),
            }
        })
        .collect()
}

fn sample() -> (Vec<Row>, GenerateSummary) {
    let (b, s) = bytes(&opts(Some(4000), None, 7), OutputKind::Csv);
    (parse(&b), s)
}

#[test]
fn same_seed_gives_identical_bytes() {
    for kind in [OutputKind::Csv, OutputKind::CsvGz, OutputKind::Parquet] {
        let o = opts(Some(2000), None, 42);
        assert_eq!(bytes(&o, kind).0, bytes(&o, kind).0, "{kind:?}");
    }
}

#[test]
fn different_seed_gives_different_bytes() {
    let a = bytes(&opts(Some(2000), None, 1), OutputKind::Csv).0;
    let b = bytes(&opts(Some(2000), None, 2), OutputKind::Csv).0;
    assert_ne!(a, b);
}

#[test]
fn summary_matches_rows_and_fields_are_well_formed() {
    let (rows, s) = sample();
    assert_eq!(rows.len() as u64, s.events);
    let ids: HashSet<&str> = rows.iter().map(|r| r.customer.as_str()).collect();
    assert_eq!(ids.len() as u64, s.customers);
    assert!(ids.iter().all(|id| id.len() >= 7 && id.starts_with('c')));
    assert!(ids
        .iter()
        .all(|id| id[1..].bytes().all(|b| b.is_ascii_digit())));
    assert!(ids.contains("c000001"));
    let purchases = rows.iter().filter(|r| r.touchpoint == "purchase").count() as u64;
    assert_eq!(purchases, s.conversions);
    let channels: HashSet<&str> = rows.iter().map(|r| r.channel.as_str()).collect();
    assert_eq!(channels.len(), 8, "{channels:?}");
    assert!(channels.iter().all(|c| CHANNELS.contains(c)));
    let end = START + 90 * 86_400 + 86_400;
    assert!(rows.iter().all(|r| r.ts >= START && r.ts < end));
}

#[test]
fn customers_option_gives_exactly_n_customers() {
    for n in [1, 37, 500] {
        let (b, s) = bytes(&opts(None, Some(n), 3), OutputKind::Csv);
        let rows = parse(&b);
        let ids: HashSet<&str> = rows.iter().map(|r| r.customer.as_str()).collect();
        assert_eq!(ids.len() as u64, n);
        assert_eq!(s.customers, n);
    }
    let (b, s) = bytes(&opts(None, Some(0), 3), OutputKind::Csv);
    assert_eq!((b, s.events), ([HEADER, b"\n"].concat(), 0));
}

#[test]
fn events_option_is_within_five_percent() {
    for (n, seed) in [(1u64, 1u64), (3000, 1), (3000, 2), (5000, 9)] {
        let (b, s) = bytes(&opts(Some(n), None, seed), OutputKind::Csv);
        let rows = parse(&b).len() as u64;
        assert_eq!(rows, s.events);
        assert!(
            rows >= n && (rows as f64) <= (n as f64 * 1.05).max(n as f64 + 60.0),
            "{rows}"
        );
    }
    assert_eq!(bytes(&opts(Some(0), None, 1), OutputKind::Csv).1.events, 0);
}

#[test]
fn default_is_1000_customers_with_realistic_shape() {
    let (b, s) = bytes(&opts(None, None, 11), OutputKind::Csv);
    assert_eq!(s.customers, 1000);
    let per_customer = s.events as f64 / 1000.0;
    assert!(
        (8.0..=20.0).contains(&per_customer),
        "{per_customer} events/customer"
    );
    let rows = parse(&b);
    let converted: HashSet<&str> = rows
        .iter()
        .filter(|r| r.converted == "1")
        .map(|r| r.customer.as_str())
        .collect();
    let rate = converted.len() as f64 / 1000.0;
    assert!(
        (0.02..=0.15).contains(&rate),
        "customer conversion rate {rate}"
    );
}

#[test]
fn all_funnel_touchpoints_occur() {
    let (rows, _) = sample();
    let seen: HashSet<&str> = rows.iter().map(|r| r.touchpoint.as_str()).collect();
    for name in [
        "home",
        "product_view",
        "add_to_cart",
        "checkout",
        "purchase",
    ] {
        assert!(seen.contains(name), "{name} missing");
    }
    assert!(seen.len() >= 25, "only {} touchpoints", seen.len());
    assert!(seen.iter().all(|t| TOUCHPOINTS.contains(t)));
}

#[test]
fn converted_and_revenue_only_on_purchase_rows() {
    let (rows, _) = sample();
    for r in &rows {
        if r.touchpoint == "purchase" {
            assert_eq!(r.converted, "1");
            let (units, cents) = r.revenue.split_once('.').expect("decimal point");
            assert_eq!(cents.len(), 2, "{}", r.revenue);
            let v: f64 = r.revenue.parse().expect("number");
            assert!(
                (10.0..=300.0).contains(&v) && !units.is_empty(),
                "{}",
                r.revenue
            );
        } else {
            assert_eq!((r.converted.as_str(), r.revenue.as_str()), ("0", ""));
        }
    }
}

#[test]
fn rows_are_shuffled() {
    let (rows, _) = sample();
    let descents = rows.windows(2).filter(|w| w[1].ts < w[0].ts).count();
    assert!(descents > rows.len() / 4, "{descents} descents");
    let first: Vec<&str> = rows.iter().take(20).map(|r| r.customer.as_str()).collect();
    assert!(first.iter().collect::<HashSet<_>>().len() > 10, "{first:?}");
}

/// Per customer, the sorted timestamps.
fn timelines(rows: &[Row]) -> HashMap<&str, Vec<i64>> {
    let mut m: HashMap<&str, Vec<i64>> = HashMap::new();
    for r in rows {
        m.entry(&r.customer).or_default().push(r.ts);
    }
    m.values_mut().for_each(|v| v.sort_unstable());
    m
}

#[test]
fn visits_are_separated_by_long_gaps_and_ties_exist() {
    let (rows, s) = sample();
    let tl = timelines(&rows);
    let multi_visit = tl
        .values()
        .filter(|v| v.windows(2).any(|w| w[1] - w[0] > 1800))
        .count();
    assert!(
        multi_visit as f64 > 0.2 * s.customers as f64,
        "{multi_visit}"
    );
    let gaps: Vec<i64> = tl
        .values()
        .flat_map(|v| v.windows(2).map(|w| w[1] - w[0]))
        .collect();
    let ties = gaps.iter().filter(|&&g| g == 0).count();
    assert!(
        ties > 0 && ties < gaps.len() / 3,
        "{ties} ties of {}",
        gaps.len()
    );
    // Gaps are either within a visit (<= 15 min) or between visits (>= 2 h).
    assert!(gaps.iter().all(|&g| g <= 900 || g >= 7200));
}

#[test]
fn conversion_boost_changes_purchases() {
    let run = |boost| {
        let mut o = opts(None, Some(2000), 5);
        o.conversion_boost = boost;
        bytes(&o, OutputKind::Csv).1.conversions
    };
    let (normal, half, none) = (run(1.0), run(0.5), run(0.0));
    assert_eq!(none, 0);
    assert!((half as f64) < 0.75 * normal as f64, "{half} vs {normal}");
}

#[test]
fn invalid_options_are_errors() {
    let mut o = opts(Some(10), None, 1);
    o.days = 0;
    assert!(write_log(&o, OutputKind::Csv, &mut Vec::new()).is_err());
    let mut o = opts(Some(10), None, 1);
    o.conversion_boost = f64::NAN;
    assert!(write_log(&o, OutputKind::Csv, &mut Vec::new()).is_err());
    let mut o = opts(Some(10), None, 1);
    o.start = i64::MAX - 10;
    assert!(write_log(&o, OutputKind::Csv, &mut Vec::new()).is_err());
}

#[test]
fn date_formatting_matches_chrono() {
    for day in [
        -719_528i64,
        -1,
        0,
        59,
        365 * 30 + 7,
        11_016,
        20_454,
        2_932_896,
    ] {
        let (y, m, d) = civil_from_days(day);
        let c = chrono::DateTime::from_timestamp(day * 86_400, 0).expect("in range");
        assert_eq!(
            format!("{y:04}-{m:02}-{d:02}"),
            c.format("%Y-%m-%d").to_string()
        );
    }
    // A non-midnight, leap-day start.
    let mut o = opts(Some(300), None, 4);
    o.start = 951_782_400 + 45_296; // 2000-02-29T12:34:56Z
    o.days = 2;
    let rows = parse(&bytes(&o, OutputKind::Csv).0);
    assert!(rows
        .iter()
        .all(|r| r.ts >= o.start && r.ts < o.start + 3 * 86_400));
}

#[test]
fn gzip_decodes_to_the_csv() {
    use std::io::Read;
    let o = opts(Some(1500), None, 8);
    let csv = bytes(&o, OutputKind::Csv).0;
    let gz = bytes(&o, OutputKind::CsvGz).0;
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut plain)
        .expect("gunzip");
    assert_eq!(plain, csv);
}

#[test]
fn parquet_reads_back_with_same_rows_and_dtypes() {
    use polars::prelude::{DataType, ParquetReader, SerReader};
    let o = opts(Some(2500), None, 6);
    let (pq, s) = bytes(&o, OutputKind::Parquet);
    let df = ParquetReader::new(std::io::Cursor::new(pq))
        .finish()
        .expect("read parquet");
    assert_eq!(df.height() as u64, s.events);
    let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "customer_id",
            "timestamp",
            "touchpoint",
            "channel",
            "converted",
            "revenue"
        ]
    );
    let dtypes = df.dtypes();
    assert_eq!(dtypes[0], DataType::String);
    assert_eq!(
        dtypes[1],
        DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
    );
    assert_eq!(dtypes[2], DataType::String);
    assert_eq!(dtypes[3], DataType::String);
    assert_eq!(dtypes[4], DataType::Boolean);
    assert_eq!(dtypes[5], DataType::Float64);
    let rev = df.column("revenue").expect("revenue");
    assert_eq!((df.height() - rev.null_count()) as u64, s.conversions);
    // Same instants as the CSV.
    let rows = parse(&bytes(&o, OutputKind::Csv).0);
    let ts = df
        .column("timestamp")
        .expect("ts")
        .datetime()
        .expect("datetime")
        .physical()
        .clone();
    let first = ts.get(0).expect("non-null");
    assert_eq!(first, rows[0].ts * 1_000_000);
}

/// Golden value: the output must not change by accident (e.g. a dependency bump).
/// If the model is changed on purpose, update the constant.
#[test]
fn output_is_stable_golden_hash() {
    let (b, s) = bytes(&opts(None, Some(50), 1), OutputKind::Csv);
    let fnv = b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    eprintln!("golden: {fnv:#018x} ({} events)", s.events);
    assert_eq!(fnv, GOLDEN);
}
const GOLDEN: u64 = 0xa73c_1121_38ca_e8cd;

#[test]
fn surveys_add_rows_and_leave_the_other_events_as_they_were() {
    let plain = opts(None, Some(3000), 5);
    let with = GenerateOptions {
        surveys: true,
        ..opts(None, Some(3000), 5)
    };
    let (a, sa) = bytes(&plain, OutputKind::Csv);
    let (b, sb) = bytes(&with, OutputKind::Csv);
    let a = String::from_utf8(a).unwrap();
    let b = String::from_utf8(b).unwrap();
    assert!(b.starts_with("customer_id,timestamp,touchpoint,channel,converted,revenue,score\n"));
    assert!(sb.surveys > 0);
    assert_eq!(sb.events, sa.events + sb.surveys);
    assert_eq!(
        (sa.customers, sa.conversions),
        (sb.customers, sb.conversions)
    );
    // The other rows come first, as they are without surveys (in the same order, so that
    // events at one instant keep their order), each with an empty score; the surveys follow.
    let rest: Vec<&str> = b
        .lines()
        .skip(1)
        .take(sa.events as usize)
        .map(|l| l.strip_suffix(',').expect("an empty score"))
        .collect();
    let before: Vec<&str> = a.lines().skip(1).collect();
    assert_eq!(rest, before);
    assert!(b
        .lines()
        .skip(1 + sa.events as usize)
        .all(|l| l.contains(",survey_")));
    // Every survey has a score from 1 to 5, and only surveys have one.
    let mut surveys = 0;
    for l in b.lines().skip(1) {
        let score = l.rsplit(',').next().unwrap();
        if l.contains(",survey_") {
            surveys += 1;
            assert!(matches!(score, "1" | "2" | "3" | "4" | "5"), "{l}");
        } else {
            assert_eq!(score, "", "{l}");
        }
    }
    assert_eq!(surveys, sb.surveys);
    // A survey follows a support contact (or, survey_purchase, a purchase) of its customer:
    // one of the customer's events at the last instant before the survey is one.
    let mut by_customer: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for l in b.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        by_customer.entry(f[0]).or_default().push((f[1], f[2]));
    }
    let mut checked = 0;
    for events in by_customer.values() {
        for (t, name) in events.iter().filter(|e| e.1.starts_with("survey_")) {
            let last = events.iter().filter(|e| e.0 < *t).map(|e| e.0).max();
            let at_last: Vec<&str> = events
                .iter()
                .filter(|e| Some(e.0) == last)
                .map(|e| e.1)
                .collect();
            let rated: &[&str] = match *name {
                "survey_support" => &["support_ticket", "live_chat"],
                _ => &["purchase"],
            };
            // The rated event alone at that instant: the survey's previous event, whatever the
            // row order of ties.
            assert!(
                at_last.len() == 1 && rated.contains(&at_last[0]),
                "{name} at {t} after {at_last:?}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, surveys);
    assert!(b.contains(",survey_purchase,") && b.contains(",survey_support,"));
}
