//! Unit tests of timestamp parsing (time.rs).
use super::*;

fn utc(text: &str) -> Option<i64> {
    TimeParser::default().parse(text).map(|p| p.ns)
}

const T0: i64 = 1_772_357_400; // 2026-03-01T09:30:00Z

#[test]
fn iso_variants_agree() {
    let want = Some(T0 * NS_PER_SEC);
    assert_eq!(utc("2026-03-01T09:30:00Z"), want);
    assert_eq!(utc("2026-03-01 09:30:00"), want);
    assert_eq!(utc("2026-03-01T09:30"), want);
    assert_eq!(utc("2026-03-01T10:30:00+01:00"), want);
    assert_eq!(utc("2026-03-01T10:30:00+0100"), want);
    assert_eq!(utc("2026-03-01T04:30:00-05"), want);
    assert_eq!(utc("2026-03-01 09:30:00 UTC"), want);
    assert_eq!(utc("2026-03-01 09:30:00.000Z"), want);
}

#[test]
fn fractions_and_dates() {
    assert_eq!(
        utc("2026-03-01T09:30:00.123456789Z"),
        Some(T0 * NS_PER_SEC + 123_456_789)
    );
    assert_eq!(
        utc("2026-03-01T09:30:00.5Z"),
        Some(T0 * NS_PER_SEC + 500_000_000)
    );
    assert_eq!(utc("2026-03-01"), Some((T0 - 9 * 3600 - 1800) * NS_PER_SEC));
    assert_eq!(utc("1970-01-01"), Some(0));
    assert_eq!(utc("1969-12-31"), Some(-86_400 * NS_PER_SEC));
}

#[test]
fn offsets_are_reported() {
    let p = TimeParser::default()
        .parse("2026-03-01T10:30:00+01:00")
        .unwrap();
    assert_eq!(p.offset, Some(3600));
    let p = TimeParser::default().parse("2026-03-01T10:30:00").unwrap();
    assert_eq!(p.offset, None);
}

#[test]
fn epochs_by_magnitude() {
    assert_eq!(utc("1772357400"), Some(T0 * NS_PER_SEC));
    assert_eq!(utc("1772357400000"), Some(T0 * NS_PER_SEC));
    assert_eq!(utc("1772357400000000"), Some(T0 * NS_PER_SEC));
    assert_eq!(utc("1772357400000000000"), Some(T0 * NS_PER_SEC));
    assert_eq!(utc("1772357400.25"), Some(T0 * NS_PER_SEC + 250_000_000));
    let ms = TimeParser::new(None, Some(TimeUnit::Ms), None);
    assert_eq!(ms.parse("1000").map(|p| p.ns), Some(NS_PER_SEC));
}

#[test]
fn compact_dates() {
    assert_eq!(utc("20260301"), utc("2026-03-01"));
    // Not a date: epoch seconds.
    assert_eq!(utc("20261301"), Some(20_261_301 * NS_PER_SEC));
    let s = TimeParser::new(None, Some(TimeUnit::S), None);
    assert_eq!(
        s.parse("20260301").map(|p| p.ns),
        Some(20_260_301 * NS_PER_SEC)
    );
}

#[test]
fn rejects_invalid() {
    for bad in [
        "",
        "yesterday",
        "2026-13-01",
        "2026-02-30",
        "2026-03-01T25:00",
        "2026-03-01X09:30",
        "2026-03-01T09:30:00+1",
        "2026-03-01T09:30:00.",
        "12/03/2026",
    ] {
        assert_eq!(utc(bad), None, "{bad}");
    }
    assert_eq!(
        utc("2024-02-29"),
        Some(days_from_civil(2024, 2, 29) * 86_400 * NS_PER_SEC)
    );
}

#[test]
fn strftime_layouts() {
    let p = TimeParser::new(Some("%d/%m/%Y %H:%M".into()), None, None);
    assert_eq!(
        p.parse("01/03/2026 09:30").map(|p| p.ns),
        Some(T0 * NS_PER_SEC)
    );
    let p = TimeParser::new(Some("%d.%m.%Y".into()), None, None);
    assert_eq!(
        p.parse("01.03.2026").map(|p| p.ns),
        Some((T0 - 9 * 3600 - 1800) * NS_PER_SEC)
    );
    let p = TimeParser::new(Some("%Y%m%d %H%M%S %z".into()), None, None);
    let got = p.parse("20260301 103000 +0100").unwrap();
    assert_eq!((got.ns, got.offset), (T0 * NS_PER_SEC, Some(3600)));
}

#[test]
fn time_zones_convert_naive_times() {
    let berlin = parse_tz("Europe/Berlin").unwrap();
    let p = TimeParser::new(None, None, Some(berlin));
    // Winter: UTC+1.
    assert_eq!(
        p.parse("2026-03-01 10:30:00").map(|p| p.ns),
        Some(T0 * NS_PER_SEC)
    );
    // Explicit offsets win over --tz.
    assert_eq!(
        p.parse("2026-03-01T09:30:00Z").map(|p| p.ns),
        Some(T0 * NS_PER_SEC)
    );
    // 2026-10-25 02:30 happens twice in Berlin: the earlier instant (UTC+2) is taken.
    let amb = p.parse("2026-10-25 02:30:00").unwrap().ns;
    assert_eq!(amb, utc("2026-10-25T00:30:00Z").unwrap());
    // 2026-03-29 02:30 does not exist in Berlin: read with the offset before the change.
    let gap = p.parse("2026-03-29 02:30:00").unwrap().ns;
    assert_eq!(gap, utc("2026-03-29T01:30:00Z").unwrap());
    // Lord Howe Island moves its clocks by 30 minutes (+10:30 to +11:00 at 02:00 local):
    // 02:15 does not exist and is read with +10:30, the offset before the change.
    let howe = TimeParser::new(None, None, Some(parse_tz("Australia/Lord_Howe").unwrap()));
    let gap = howe.parse("2026-10-04 02:15:00").unwrap().ns;
    assert_eq!(gap, utc("2026-10-03T15:45:00Z").unwrap());
}

#[test]
fn bounds_at_the_edges_of_time() {
    let p = TimeParser::default();
    // The last day there is ends after the last instant: the bound is the last instant.
    assert_eq!(
        parse_bound(&p, "2262-04-11", true, "--to").unwrap(),
        i64::MAX
    );
    // A compact date is a whole day too.
    let end = parse_bound(&p, "20260301", true, "--to").unwrap();
    assert_eq!(end, utc("2026-03-02T00:00:00Z").unwrap() - 1);
    for (text, upper) in [
        ("2262-04-12", true),
        ("1677-09-20", false),
        ("9999-12-31", true),
    ] {
        let err = parse_bound(&p, text, upper, "--to")
            .unwrap_err()
            .to_string();
        assert!(err.contains("outside the range of time"), "{text}: {err}");
    }
}

#[test]
fn upper_date_bounds_end_with_the_day() {
    let p = TimeParser::default();
    let end = parse_bound(&p, "2026-03-01", true, "--to").unwrap();
    assert_eq!(end, utc("2026-03-02T00:00:00Z").unwrap() - 1);
    // A 10-digit epoch number is not a date.
    assert_eq!(
        parse_bound(&p, "1772357400", true, "--to").unwrap(),
        T0 * NS_PER_SEC
    );
    // In Berlin, 2026-03-29 has 23 hours: the day ends at 22:00Z.
    let berlin = TimeParser::new(None, None, Some(parse_tz("Europe/Berlin").unwrap()));
    let end = parse_bound(&berlin, "2026-03-29", true, "--to").unwrap();
    assert_eq!(end, utc("2026-03-29T22:00:00Z").unwrap() - 1);
    assert_eq!(
        parse_bound(&p, "2026-03-01", false, "--from").unwrap(),
        utc("2026-03-01").unwrap()
    );
}

#[test]
fn unknown_tz_suggests() {
    let err = parse_tz("Europe/Berln").unwrap_err().to_string();
    assert!(err.contains("Europe/Berlin"), "{err}");
    assert!(parse_tz("europe/berlin").is_ok());
}
