//! Path variants (docs/metrics.md, "Path variants"): one row per distinct journey sequence
//! (touchpoints and channels), with its journeys, conversions, value and median duration.

use std::collections::HashMap;

use super::stats::nearest_rank;
use crate::input::variants::encode;
use crate::journey::Journeys;

/// One distinct journey: its sequences and its touches (docs/metrics.md, Path variants).
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// The touchpoint sequence as text ([`encode`]).
    pub touchpoints: String,
    /// The channel sequence as text; `None` without channels.
    pub channels: Option<String>,
    pub steps: usize,
    /// The journeys' touches for attribution (docs/metrics.md, Conversion).
    pub touches: u32,
    pub journeys: u64,
    pub conversions: u64,
    /// The sum of the converting journeys' values (with `--value-col`).
    pub value: Option<f64>,
    /// Nearest-rank median duration, in seconds, of all journeys with this touchpoint
    /// sequence, and of all with this channel sequence (`None` without channels).
    pub median_duration_s: f64,
    pub channel_median_duration_s: Option<f64>,
}

/// The variants of `j`, most journeys first, then by touchpoints, channels and touches (text
/// as bytes). `values` is each journey's conversion value (with `--value-col`).
pub fn variants(j: &Journeys, values: Option<&[f64]>) -> Vec<Variant> {
    let channels = j.channels.as_ref().filter(|_| !j.channel.is_empty());
    let no_channels: &[u32] = &[];
    let seq = |journey: usize| {
        let r = j.range(journey);
        let chs = if channels.is_some() {
            &j.channel[r.clone()]
        } else {
            no_channels
        };
        (&j.touchpoint[r], chs)
    };
    let duration = |journey: usize| {
        let r = j.range(journey);
        j.time[r.end - 1] - j.time[r.start]
    };
    // The durations of every touchpoint sequence and of every channel sequence.
    let mut by_tp: HashMap<&[u32], Vec<i64>> = HashMap::new();
    let mut by_ch: HashMap<&[u32], Vec<i64>> = HashMap::new();
    let mut index: HashMap<(&[u32], &[u32], u32), usize> = HashMap::new();
    let mut groups: Vec<(usize, u64, u64, f64)> = Vec::new();
    for journey in 0..j.len() {
        let (tps, chs) = seq(journey);
        let d = duration(journey);
        by_tp.entry(tps).or_default().push(d);
        if channels.is_some() {
            by_ch.entry(chs).or_default().push(d);
        }
        let touches = j.path_len[journey];
        let at = *index.entry((tps, chs, touches)).or_insert_with(|| {
            groups.push((journey, 0, 0, 0.0));
            groups.len() - 1
        });
        let g = &mut groups[at];
        g.1 += 1;
        if j.converted[journey] {
            g.2 += 1;
            if let Some(v) = values {
                g.3 += v[journey];
            }
        }
    }
    let median = |mut d: Vec<i64>| {
        d.sort_unstable();
        nearest_rank(&d, 0.5).unwrap_or(0) as f64 / 1e9
    };
    let tp_median: HashMap<&[u32], f64> = by_tp.into_iter().map(|(k, d)| (k, median(d))).collect();
    let ch_median: HashMap<&[u32], f64> = by_ch.into_iter().map(|(k, d)| (k, median(d))).collect();
    let text =
        |dict: &crate::intern::Dictionary, ids: &[u32]| encode(ids.iter().map(|&id| dict.name(id)));
    let mut out: Vec<Variant> = groups
        .into_iter()
        .map(|(first, journeys, conversions, value)| {
            let (tps, chs) = seq(first);
            Variant {
                touchpoints: text(&j.touchpoints, tps),
                channels: channels.map(|d| text(d, chs)),
                steps: tps.len(),
                touches: j.path_len[first],
                journeys,
                conversions,
                value: values.map(|_| value),
                median_duration_s: tp_median[tps],
                channel_median_duration_s: channels.map(|_| ch_median[chs]),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.journeys
            .cmp(&a.journeys)
            .then_with(|| a.touchpoints.as_bytes().cmp(b.touchpoints.as_bytes()))
            .then_with(|| a.channels.cmp(&b.channels))
            .then_with(|| a.touches.cmp(&b.touches))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::variants::decode;
    use crate::journey::test_support::journeys;

    #[test]
    fn sequences_round_trip_through_their_text() {
        let cases: [&[&str]; 6] = [
            &["home", "product_view"],
            &["a>b", "c"],
            &["a\\", "b"],
            &["a > b", " ", "x"],
            &["\\>", ">>", "\\\\"],
            &["single"],
        ];
        for names in cases {
            let text = encode(names.iter().copied());
            assert_eq!(decode(&text).unwrap(), names, "{text}");
        }
        assert_eq!(encode(["a>b", "c"].into_iter()), "a\\>b > c");
        assert_eq!(encode(["a\\", "b"].into_iter()), "a\\\\ > b");
        assert!(decode("a>b").is_err());
        assert!(decode("a \\x").is_err());
        assert!(decode("a\\").is_err());
    }

    #[test]
    fn one_row_per_sequence_with_counts_values_and_median_duration() {
        // test_support's events are 60 s apart: a two-step journey lasts 60 s.
        let j = journeys(
            &["a b", "a b", "c", "a b", "b a"],
            &[true, false, false, true, true],
        );
        let values = [10.0, 99.0, 5.0, 2.5, 1.0];
        let v = variants(&j, Some(&values));
        let rows: Vec<(&str, u64, u64, Option<f64>)> = v
            .iter()
            .map(|r| (r.touchpoints.as_str(), r.journeys, r.conversions, r.value))
            .collect();
        // Only converting journeys' values count (99 and 5 do not).
        assert_eq!(
            rows,
            [
                ("a > b", 3, 2, Some(12.5)),
                ("b > a", 1, 1, Some(1.0)),
                ("c", 1, 0, Some(0.0))
            ]
        );
        assert_eq!(v[0].steps, 2);
        assert_eq!(
            (v[0].median_duration_s, v[2].median_duration_s),
            (60.0, 0.0)
        );
        // Channels are the touchpoints' first letters in upper case.
        assert_eq!(v[1].channels.as_deref(), Some("B > A"));
        assert!(variants(&j, None).iter().all(|r| r.value.is_none()));
    }
}
