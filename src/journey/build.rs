//! Ordering events into journeys exactly as metrics.md defines: by customer, then by instant,
//! equal instants in row order; split by session gap and after conversions; collapsed.
//!
//! The steps: each event becomes a 16-byte record (`record`); a first pass writes the
//! records to buckets of consecutive customers (`buckets`); a second puts each bucket in
//! customer and time order (`order`) and cuts each customer's events into journeys
//! (`assemble`), written over the input's columns (`event_columns`).

use anyhow::{bail, Result};

use super::buckets::scatter_to_buckets;
use super::event_columns::{journey_columns, EventColumns};
use super::order::{order_in_two_halves, TieRule};
use super::order_stats::OrderStats;
use super::record::RecordValues;
use super::{Dictionary, JourneyOptions, Journeys, Level};
use crate::input::EventTable;

/// Orders the table's events into journeys. Takes the table's arrays and dictionaries.
pub fn build(table: &mut EventTable, opts: &JourneyOptions) -> Result<(Journeys, OrderStats)> {
    build_with(table, opts, true)
}

/// [`build`]; `pack` false keeps the fields in their columns even when they would pack.
fn build_with(
    table: &mut EventTable,
    opts: &JourneyOptions,
    pack: bool,
) -> Result<(Journeys, OrderStats)> {
    let customers = std::mem::take(&mut table.customers);
    let touchpoints = table.touchpoints.clone();
    let channels = table.channels.clone();
    if opts.level == Level::Channel && channels.is_none() {
        bail!("--level channel needs a channel column, and none of the inputs has one; pass --channel COLUMN");
    }
    let ties = tie_rule(table, opts)?;
    let customer = std::mem::take(&mut table.customer);
    let converted = std::mem::take(&mut table.converted);
    let input = EventColumns {
        touchpoint: std::mem::take(&mut table.touchpoint),
        channel: std::mem::take(&mut table.channel),
        time: std::mem::take(&mut table.time),
        row: std::mem::take(&mut table.row),
    };
    let has_channel = channels.is_some();
    // Each event's record, written to its bucket of customers.
    let values = RecordValues::new(
        &opts.conversion,
        &touchpoints,
        channels.as_ref(),
        pack,
        &input.touchpoint,
        &input.channel,
        &converted,
    );
    let buckets = scatter_to_buckets(&customer, &input.time, &input.row, &values, customers.len());
    drop(customer);
    // Without packing, records point into the input's columns, which ordering then reads.
    let packed_channel_bits = values.packed_channel_bits();
    let conversion = match packed_channel_bits {
        Some(_) => Vec::new(),
        None => values.conversion_flags(input.time.len()),
    };
    drop(converted);
    let (fields, mut columns) =
        journey_columns(input, has_channel, packed_channel_bits, conversion);
    // Each bucket in customer and time order, cut into journeys.
    let (mut out, stats) = order_in_two_halves(buckets, &fields, &mut columns, opts, ties.as_ref());
    out.touchpoint = columns.touchpoint;
    out.channel = columns.channel;
    out.time = columns.time;
    out.row = columns.row;
    out.level = opts.level;
    out.touchpoints = touchpoints;
    out.channels = channels;
    out.customers = customers;
    Ok((out, stats))
}

/// The order of ties for `--tiebreak COL`: the column's values as numbers when every one is a
/// number, else as text (bytes); names in byte order.
fn tie_rule(table: &EventTable, opts: &JourneyOptions) -> Result<Option<TieRule>> {
    let Some(column) = &opts.tiebreak else {
        return Ok(None);
    };
    let Some(kept) = table.kept(column) else {
        bail!("--tiebreak {column}: the column was not read");
    };
    let names: Vec<&str> = kept.values.names().collect();
    let numbers: Option<Vec<f64>> = names
        .iter()
        .map(|v| v.trim().parse::<f64>().ok().filter(|x| !x.is_nan()))
        .collect();
    let mut ids: Vec<u32> = (0..names.len() as u32).collect();
    match &numbers {
        Some(x) => ids.sort_by(|&a, &b| x[a as usize].total_cmp(&x[b as usize])),
        None => ids.sort_by(|&a, &b| {
            names[a as usize]
                .as_bytes()
                .cmp(names[b as usize].as_bytes())
        }),
    }
    // Equal values (1 and 1.0) share a rank.
    let mut rank_of = vec![0u32; names.len()];
    let mut rank = 0u32;
    for (i, &id) in ids.iter().enumerate() {
        if i > 0 {
            let prev = ids[i - 1] as usize;
            let same = match &numbers {
                Some(x) => x[prev] == x[id as usize],
                None => false,
            };
            if !same {
                rank += 1;
            }
        }
        rank_of[id as usize] = rank;
    }
    let column = kept
        .ids
        .iter()
        .map(|&id| {
            if id == crate::input::NO_ATTRIBUTE {
                u32::MAX
            } else {
                rank_of[id as usize]
            }
        })
        .collect();
    Ok(Some(TieRule {
        column,
        touchpoint: name_ranks(&table.touchpoints),
        channel: table.channels.as_ref().map(name_ranks).unwrap_or_default(),
    }))
}

/// Per id: the rank of its name in byte order.
fn name_ranks(d: &Dictionary) -> Vec<u32> {
    let names: Vec<&str> = d.names().collect();
    let mut ids: Vec<u32> = (0..names.len() as u32).collect();
    ids.sort_by(|&a, &b| {
        names[a as usize]
            .as_bytes()
            .cmp(names[b as usize].as_bytes())
    });
    let mut ranks = vec![0u32; names.len()];
    for (rank, id) in ids.into_iter().enumerate() {
        ranks[id as usize] = rank as u32;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::buckets::BUCKET;
    use crate::journey::{Conversion, Dictionary};

    /// A table from (customer, seconds, touchpoint, channel) rows, in row order.
    fn table(rows: &[(&str, i64, &str, &str)]) -> EventTable {
        let mut t = EventTable {
            channels: Some(Dictionary::new()),
            ..Default::default()
        };
        for (i, (c, s, p, ch)) in rows.iter().enumerate() {
            t.customer.push(t.customers.intern(c));
            t.time.push(s * 1_000_000_000);
            t.touchpoint.push(t.touchpoints.intern(p));
            t.channel.push(t.channels.as_mut().unwrap().intern(ch));
            t.row.push(i as u32);
        }
        t
    }

    fn paths(j: &Journeys) -> Vec<String> {
        (0..j.len())
            .map(|i| {
                j.journey(i)
                    .iter()
                    .map(|v| j.names().name(*v))
                    .collect::<Vec<_>>()
                    .join(">")
            })
            .collect()
    }

    /// Builds with packed fields, checking that unpacked fields give the same journeys.
    fn run(rows: &[(&str, i64, &str, &str)], opts: JourneyOptions) -> (Journeys, OrderStats) {
        let (a, stats) = build(&mut table(rows), &opts).unwrap();
        let (b, other) = build_with(&mut table(rows), &opts, false).unwrap();
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_eq!(format!("{stats:?}"), format!("{other:?}"));
        (a, stats)
    }

    #[test]
    fn orders_by_time_and_keeps_row_order_for_ties() {
        let rows = [
            ("u1", 30, "c", "web"),
            ("u2", 5, "x", "web"),
            ("u1", 10, "a", "web"),
            ("u1", 20, "b2", "web"),
            ("u1", 20, "b1", "web"),
            ("u2", 5, "y", "web"),
        ];
        let (j, stats) = run(&rows, JourneyOptions::default());
        assert_eq!(paths(&j), vec!["a>b2>b1>c", "x>y"]);
        assert_eq!(stats.rows_out_of_order.count, 1);
        assert_eq!(stats.rows_out_of_order.first_rows, vec![2]);
        assert_eq!(stats.customers_out_of_order, 1);
        assert_eq!(stats.journeys_with_ties.count, 2);
        assert_eq!(stats.tied_events, 2);
        assert_eq!(stats.duplicate_events.count, 0);
    }

    #[test]
    fn shuffled_rows_give_the_same_journeys() {
        let rows = [
            ("u1", 1, "a", "w"),
            ("u1", 2, "b", "w"),
            ("u1", 2, "c", "w"),
            ("u2", 9, "a", "w"),
            ("u1", 3, "d", "w"),
        ];
        // Same events, other row order; ties must keep their relative row order (b before c).
        let shuffled = [rows[4], rows[3], rows[1], rows[0], rows[2]];
        let (a, _) = run(&rows, JourneyOptions::default());
        let (b, _) = run(&shuffled, JourneyOptions::default());
        assert_eq!(paths(&a), vec!["a>b>c>d", "a"]);
        assert_eq!(paths(&b), vec!["a>b>c>d", "a"]);
    }

    #[test]
    fn tiebreak_orders_ties_by_the_column_then_names_then_row() {
        // u1 has four events at second 2 and one at 1; u2 two at 5. The column's values are
        // numbers, so 10 comes after 9; an empty value goes last; equal values (u2) fall back
        // to the touchpoint, then the channel, by bytes.
        let rows = [
            ("u1", 2, "z", "w"),
            ("u1", 2, "y", "w"),
            ("u1", 1, "first", "w"),
            ("u1", 2, "x", "w"),
            ("u1", 2, "b", "w"),
            ("u2", 5, "b", "w"),
            ("u2", 5, "a", "w"),
        ];
        let with_column = |values: [&str; 7]| {
            let mut t = table(&rows);
            let mut kept = crate::input::KeptColumn {
                name: "seq".into(),
                ..Default::default()
            };
            for v in values {
                kept.ids.push(if v.is_empty() {
                    crate::input::NO_ATTRIBUTE
                } else {
                    kept.values.intern(v)
                });
            }
            t.kept.push(kept);
            t
        };
        let numbers = ["10", "9", "1", "", "9", "3", "3"];
        let opts = JourneyOptions {
            tiebreak: Some("seq".into()),
            ..Default::default()
        };
        let (a, _) = build(&mut with_column(numbers), &opts).unwrap();
        let (b, _) = build_with(&mut with_column(numbers), &opts, false).unwrap();
        // 9 (y, b: by name b, y), 10 (z), empty (x).
        assert_eq!(paths(&a), vec!["first>b>y>z>x", "a>b"]);
        assert_eq!(paths(&a), paths(&b));
        // Without the rule, ties keep their row order.
        let (c, _) = run(&rows, JourneyOptions::default());
        assert_eq!(paths(&c), vec!["first>z>y>x>b", "b>a"]);
        // A text column orders as bytes.
        let (d, _) = build(&mut with_column(["b", "a", "1", "", "a", "3", "3"]), &opts).unwrap();
        assert_eq!(paths(&d), vec!["first>b>y>z>x", "a>b"]);
        // One value that is not a number makes the whole column text: "10" before "9".
        let mut as_text = with_column(numbers);
        as_text.kept[0].values.intern("n/a");
        let (e, _) = build(&mut as_text, &opts).unwrap();
        assert_eq!(paths(&e), vec!["first>z>b>y>x", "a>b"]);
    }

    #[test]
    fn session_gap_splits_only_when_strictly_greater() {
        let rows = [
            ("u", 0, "a", "w"),
            ("u", 1800, "b", "w"), // exactly 30m: same session
            ("u", 3601, "c", "w"), // 30m01s: new session
            ("u", 3602, "d", "w"),
        ];
        let opts = JourneyOptions {
            session_gap: Some(1800 * 1_000_000_000),
            ..Default::default()
        };
        let (j, _) = run(&rows, opts);
        assert_eq!(paths(&j), vec!["a>b", "c>d"]);
        assert_eq!(j.customer, vec![0, 0]);
    }

    #[test]
    fn collapsing_keeps_the_first_event_of_each_run() {
        let rows = [
            ("u", 1, "A", "w"),
            ("u", 2, "A", "w"),
            ("u", 3, "B", "w"),
            ("u", 4, "A", "w"),
        ];
        let opts = JourneyOptions {
            collapse_repeats: true,
            ..Default::default()
        };
        let (j, _) = run(&rows, opts);
        assert_eq!(paths(&j), vec!["A>B>A"]);
        assert_eq!(j.time, vec![1_000_000_000, 3_000_000_000, 4_000_000_000]);
    }

    #[test]
    fn channel_level_and_collapsing() {
        let rows = [
            ("u", 1, "ad", "paid"),
            ("u", 2, "home", "paid"),
            ("u", 3, "mail", "email"),
            ("u", 4, "buy", "email"),
        ];
        let opts = JourneyOptions {
            collapse_repeats: true,
            level: Level::Channel,
            conversion: Conversion::Events(vec!["buy".into()]),
            ..Default::default()
        };
        let (j, _) = run(&rows, opts);
        assert_eq!(paths(&j), vec!["paid>email"]);
        assert_eq!(j.converted, vec![true]);
        // The conversion event merged into the email run, so both runs are touches.
        assert_eq!(j.path_len, vec![2]);
    }

    #[test]
    fn conversion_path_and_split_on_conversion() {
        let rows = [
            ("u", 1, "a", "w"),
            ("u", 2, "buy", "w"),
            ("u", 3, "b", "w"),
            ("u", 4, "buy", "w"),
            ("u", 5, "c", "w"),
        ];
        let conv = Conversion::Events(vec!["buy".into()]);
        let (j, _) = run(
            &rows,
            JourneyOptions {
                conversion: conv.clone(),
                ..Default::default()
            },
        );
        assert_eq!(j.converted, vec![true]);
        assert_eq!(j.path_len, vec![1]);
        assert_eq!(j.conversion_events, 2);
        let (j, _) = run(
            &rows,
            JourneyOptions {
                conversion: conv,
                split_on_conversion: true,
                ..Default::default()
            },
        );
        assert_eq!(paths(&j), vec!["a>buy", "b>buy", "c"]);
        assert_eq!(j.converted, vec![true, true, false]);
        assert_eq!(j.path_len, vec![1, 1, 1]);
    }

    #[test]
    fn duplicates_are_found_inside_ties() {
        let rows = [
            ("u", 1, "a", "w"),
            ("u", 1, "b", "w"),
            ("u", 1, "a", "w"),
            ("u", 2, "a", "w"),
        ];
        let (_, stats) = run(&rows, JourneyOptions::default());
        assert_eq!(stats.duplicate_events.count, 1);
        assert_eq!(stats.duplicate_events.first_rows, vec![2]);
        assert_eq!(stats.journeys_with_ties.first_rows, vec![0]);
    }

    /// `len` rows of pseudo-random customers of `names`, at one of `instants` seconds
    /// `step` apart, with one of `touchpoints`, channel "w"; the same for the same `seed`.
    fn scrambled_rows<'a>(
        names: &'a [String],
        len: usize,
        seed: u64,
        instants: u64,
        step: i64,
        touchpoints: &[&'static str],
    ) -> Vec<(&'a str, i64, &'static str, &'static str)> {
        let mut x = seed;
        (0..len)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let c = ((x >> 33) % names.len() as u64) as usize;
                let t = ((x >> 20) % instants) as i64 * step;
                let tp = touchpoints[((x >> 10) % touchpoints.len() as u64) as usize];
                (names[c].as_str(), t, tp, "w")
            })
            .collect()
    }

    #[test]
    fn many_customers_match_a_plain_sort() {
        // Enough customers for several buckets on both ordering threads, rows in a scrambled
        // order with repeated instants; the journeys must be those of sorting the rows by
        // (customer id, instant, row).
        let names: Vec<String> = (0..5000).map(|c| format!("u{c}")).collect();
        let rows = scrambled_rows(&names, 40_000, 12345, 50, 1, &["a", "b", "c", "d"]);
        let t = table(&rows);
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by_key(|&k| (t.customer[k], t.time[k], k));
        let (j, _) = run(&rows, JourneyOptions::default());
        let got: Vec<u32> = (0..j.len()).flat_map(|i| j.journey(i).to_vec()).collect();
        let want: Vec<u32> = order.iter().map(|&k| t.touchpoint[k]).collect();
        assert_eq!(got, want);
        assert_eq!(j.row, order.iter().map(|&k| k as u32).collect::<Vec<_>>());
        let mut customers: Vec<u32> = order.iter().map(|&k| t.customer[k]).collect();
        customers.dedup();
        assert_eq!(j.customer, customers);
        assert!(t.customers.len() > 2 * BUCKET);
    }

    #[test]
    fn collapsing_and_sessions_on_both_threads_match_a_plain_walk() {
        // Collapsing leaves the first thread's part of the event columns short; the second
        // thread's events must move up behind it. Few touchpoints and instants, so that
        // repeats, ties and session splits are common.
        let names: Vec<String> = (0..6000).map(|c| format!("u{c}")).collect();
        let rows = scrambled_rows(&names, 60_000, 99, 40, 10, &["a", "b", "c"]);
        let opts = JourneyOptions {
            collapse_repeats: true,
            session_gap: Some(100 * 1_000_000_000),
            ..Default::default()
        };
        let t = table(&rows);
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by_key(|&k| (t.customer[k], t.time[k], k));
        // Per journey: its customer, and its events as (touchpoint, instant, row).
        type Plain = (u32, Vec<(u32, i64, u32)>);
        let mut want: Vec<Plain> = Vec::new();
        let mut last: Option<usize> = None;
        for &k in &order {
            let new_journey = match last {
                None => true,
                Some(p) => {
                    t.customer[p] != t.customer[k] || t.time[k] - t.time[p] > 100 * 1_000_000_000
                }
            };
            if new_journey {
                want.push((t.customer[k], Vec::new()));
            }
            let events = &mut want.last_mut().unwrap().1;
            if events.last().is_none_or(|e| e.0 != t.touchpoint[k]) {
                events.push((t.touchpoint[k], t.time[k], k as u32));
            }
            last = Some(k);
        }
        let (j, _) = run(&rows, opts);
        let got: Vec<Plain> = (0..j.len())
            .map(|i| {
                let r = j.range(i);
                (
                    j.customer[i],
                    r.map(|e| (j.touchpoint[e], j.time[e], j.row[e])).collect(),
                )
            })
            .collect();
        assert!(want.len() > 6000, "sessions split journeys");
        assert!(j.events() < rows.len(), "collapsing dropped events");
        assert_eq!(j.channel.len(), j.events());
        assert_eq!(got, want);
    }

    #[test]
    fn channel_level_without_channels_is_an_error() {
        let mut t = table(&[("u", 1, "a", "w")]);
        t.channels = None;
        t.channel.clear();
        let opts = JourneyOptions {
            level: Level::Channel,
            ..Default::default()
        };
        let err = build(&mut t, &opts).unwrap_err().to_string();
        assert!(err.contains("--channel"), "{err}");
    }
}
