//! Ordering events into journeys exactly as metrics.md defines: by customer, then by instant,
//! equal instants in row order; split by session gap and after conversions; collapsed.

use anyhow::{bail, Result};
use serde::Serialize;

use super::{Conversion, JourneyOptions, Journeys, Level};
use crate::input::{EventTable, Finding};

/// What ordering found about the input (for `inspect`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct OrderStats {
    /// Events that came earlier in time than the row before them of the same customer.
    pub rows_out_of_order: Finding,
    /// Customers whose rows were not in time order in the input.
    pub customers_out_of_order: u64,
    /// Journeys with two or more events at the same instant (first rows of each tie).
    pub journeys_with_ties: Finding,
    /// Events that share their instant with an earlier event of the same journey.
    pub tied_events: u64,
    /// Events equal to an earlier one in customer, instant, touchpoint and channel.
    pub duplicate_events: Finding,
}

impl OrderStats {
    /// Adds the counts of `other` (a later range of customers).
    fn merge(&mut self, other: OrderStats) {
        self.rows_out_of_order.merge(&other.rows_out_of_order);
        self.customers_out_of_order += other.customers_out_of_order;
        self.journeys_with_ties.merge(&other.journeys_with_ties);
        self.tied_events += other.tied_events;
        self.duplicate_events.merge(&other.duplicate_events);
    }
}

/// Customers per bucket of the ordering's first pass (see [`build`]); at most 65536.
const BUCKET: usize = 2048;

/// How many earlier events of a tie group are compared when looking for duplicates.
const DUPLICATE_SCAN: usize = 64;

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
    let customer = std::mem::take(&mut table.customer);
    let time = std::mem::take(&mut table.time);
    let touchpoint = std::mem::take(&mut table.touchpoint);
    let channel = std::mem::take(&mut table.channel);
    let converted = std::mem::take(&mut table.converted);
    let row = std::mem::take(&mut table.row);
    let n = time.len();
    let has_channel = channels.is_some();

    // Which events are conversion events.
    let conv_touchpoint: Vec<bool> = match &opts.conversion {
        Conversion::Events(names) => {
            let mut flags = vec![false; touchpoints.len()];
            for name in names {
                if let Some(id) = touchpoints.get(name) {
                    flags[id as usize] = true;
                }
            }
            flags
        }
        _ => Vec::new(),
    };
    let is_conversion = |k: usize| -> bool {
        match &opts.conversion {
            Conversion::None => false,
            Conversion::Events(_) => conv_touchpoint[touchpoint[k] as usize],
            Conversion::Column(_) => converted[k],
        }
    };
    // Touchpoint, channel and conversion flag of an event in 32 bits when the dictionaries
    // are small enough (nearly always), else the event's position in the columns.
    let (tp_bits, ch_bits) = (
        bits(touchpoints.len()),
        bits(channels.as_ref().map_or(0, |d| d.len())),
    );
    let packed = pack && tp_bits + ch_bits < 31;
    let value = |k: usize| -> u32 {
        if packed {
            let ch = if has_channel { channel[k] } else { 0 };
            (touchpoint[k] << (ch_bits + 1)) | (ch << 1) | u32::from(is_conversion(k))
        } else {
            k as u32
        }
    };
    // Counting sort by customer (ids in order of first appearance), in two passes so that
    // neither writes at random over the whole array: the first pass writes each event's
    // record to its bucket (a run of BUCKET consecutive customers), reading the columns in
    // order, so it writes to a few hundred places that each move forward; the second, per
    // bucket, puts its records in customer order. Row order is kept inside a customer.
    let nc = customers.len();
    let buckets = nc.div_ceil(BUCKET);
    // Two threads, each for half of the rows: each counts its rows' events per bucket, then
    // writes their records to its own part of every bucket (the first half's rows before
    // the second's, so row order holds inside a bucket).
    let half = n / 2;
    let count = |rows: &[u32]| {
        let mut counts = vec![0usize; buckets];
        for &c in rows {
            counts[c as usize / BUCKET] += 1;
        }
        counts
    };
    let (first_counts, second_counts) = std::thread::scope(|s| {
        let worker = s.spawn(|| count(&customer[half..]));
        let first = count(&customer[..half]);
        (
            first,
            worker.join().expect("the counting thread does not panic"),
        )
    });
    // Where each bucket's records start.
    let mut start = vec![0usize; buckets + 1];
    for b in 0..buckets {
        start[b + 1] = start[b] + first_counts[b] + second_counts[b];
    }
    let mut records = vec![Record::default(); n];
    // Each record's customer, counted from its bucket's first customer.
    let mut within = vec![0u16; n];
    {
        // Every bucket's region, cut into the two halves' parts.
        type Part<'a> = (&'a mut [Record], &'a mut [u16]);
        let mut first_parts: Vec<Part> = Vec::with_capacity(buckets);
        let mut second_parts: Vec<Part> = Vec::with_capacity(buckets);
        let (mut rest, mut rest_within) = (&mut records[..], &mut within[..]);
        for b in 0..buckets {
            let (one, r) = rest.split_at_mut(first_counts[b]);
            let (two, r) = r.split_at_mut(second_counts[b]);
            let (one_within, rw) = rest_within.split_at_mut(first_counts[b]);
            let (two_within, rw) = rw.split_at_mut(second_counts[b]);
            (rest, rest_within) = (r, rw);
            first_parts.push((one, one_within));
            second_parts.push((two, two_within));
        }
        let scatter = |rows: std::ops::Range<usize>, parts: &mut [Part]| {
            let mut next = vec![0usize; buckets];
            for k in rows {
                let c = customer[k] as usize;
                let b = c / BUCKET;
                let slot = next[b];
                next[b] = slot + 1;
                let (dest, dest_within) = &mut parts[b];
                dest[slot] = Record {
                    time: time[k],
                    row: row[k],
                    value: value(k),
                };
                dest_within[slot] = (c % BUCKET) as u16;
            }
        };
        std::thread::scope(|s| {
            s.spawn(|| scatter(half..n, &mut second_parts));
            scatter(0..half, &mut first_parts);
        });
    }
    // Then two threads again, each for the buckets of about half of the events: per bucket,
    // the records are put in customer order in a buffer that stays in the cache, and the
    // bucket's customers are ordered from there.
    let mid = start[..buckets].partition_point(|&s| s < n / 2);
    let (left, right) = records.split_at_mut(start[mid]);
    let (left_within, right_within) = within.split_at_mut(start[mid]);
    drop(customer);
    // The journeys' event columns are written over the input's, which are no longer read:
    // memory that is already mapped (fresh pages cost a fault each), and as many rows as
    // there are events. Without packing, touchpoints and channels are read from their
    // columns while ordering, so those two columns of the journeys are fresh.
    let (fields, out_touchpoint, out_channel) = if packed {
        drop(converted);
        let channel = if has_channel { channel } else { Vec::new() };
        (Fields::Packed { ch_bits }, touchpoint, channel)
    } else {
        let conversion = (0..n).map(is_conversion).collect();
        drop(converted);
        let fresh_channel = if has_channel { vec![0; n] } else { Vec::new() };
        let fields = Fields::Columns {
            touchpoint,
            channel,
            conversion,
        };
        (fields, vec![0; n], fresh_channel)
    };
    let mut columns = EventColumns {
        touchpoint: out_touchpoint,
        channel: out_channel,
        time,
        row,
    };
    let fields = &fields;
    let order =
        |staged: &[Record], staged_within: &[u16], b0: usize, b1: usize, mut events: EventSlots| {
            let mut out = Journeys {
                offsets: Vec::with_capacity((b1 - b0) * BUCKET + 1),
                ..Default::default()
            };
            out.offsets.push(0);
            let mut stats = OrderStats::default();
            let mut buffer: Vec<Record> = Vec::new();
            let mut bounds: Vec<usize> = Vec::with_capacity(BUCKET + 1);
            let mut next: Vec<usize> = Vec::with_capacity(BUCKET);
            let base = start[b0];
            for b in b0..b1 {
                let c0 = b * BUCKET;
                let customers = BUCKET.min(nc - c0);
                let (lo, hi) = (start[b] - base, start[b + 1] - base);
                let within = &staged_within[lo..hi];
                // The bucket's customers' records, counted and placed in the buffer.
                bounds.clear();
                bounds.resize(customers + 1, 0);
                for &w in within {
                    bounds[w as usize + 1] += 1;
                }
                for i in 0..customers {
                    bounds[i + 1] += bounds[i];
                }
                next.clear();
                next.extend_from_slice(&bounds[..customers]);
                buffer.clear();
                buffer.resize(hi - lo, Record::default());
                for (r, &w) in staged[lo..hi].iter().zip(within) {
                    let slot = &mut next[w as usize];
                    buffer[*slot] = *r;
                    *slot += 1;
                }
                order_customers(
                    &mut buffer,
                    &bounds,
                    c0 as u32,
                    opts,
                    fields,
                    &mut out,
                    &mut events,
                    &mut stats,
                );
            }
            (out, events.len, stats)
        };
    let split = start[mid];
    let ((mut out, head_len, mut stats), (tail, tail_len, tail_stats)) = {
        let (head_events, tail_events) = columns.split_at_mut(split);
        std::thread::scope(|s| {
            let worker = s.spawn(|| order(right, right_within, mid, buckets, tail_events));
            let head = order(left, left_within, 0, mid, head_events);
            (
                head,
                worker.join().expect("the ordering thread does not panic"),
            )
        })
    };
    drop(records);
    drop(within);
    // Collapsing leaves the head's part short of its rows: the tail's events move up.
    columns.close_gap(head_len, split, tail_len);
    out.offsets
        .extend(tail.offsets.iter().skip(1).map(|o| o + head_len));
    out.customer.extend(tail.customer);
    out.converted.extend(tail.converted);
    out.path_len.extend(tail.path_len);
    out.conversion_time.extend(tail.conversion_time);
    out.conversion_row.extend(tail.conversion_row);
    out.conversion_events += tail.conversion_events;
    out.touchpoint = columns.touchpoint;
    out.channel = columns.channel;
    out.time = columns.time;
    out.row = columns.row;
    stats.merge(tail_stats);
    out.level = opts.level;
    out.touchpoints = touchpoints;
    out.channels = channels;
    out.customers = customers;
    Ok((out, stats))
}

/// The journeys' event columns (the channel column is empty without channels).
struct EventColumns {
    touchpoint: Vec<u32>,
    channel: Vec<u32>,
    time: Vec<i64>,
    row: Vec<u32>,
}

impl EventColumns {
    /// The rows before `at` and from `at` on, for two threads to write.
    fn split_at_mut(&mut self, at: usize) -> (EventSlots<'_>, EventSlots<'_>) {
        let (tp0, tp1) = self.touchpoint.split_at_mut(at);
        let ch_at = at.min(self.channel.len());
        let (ch0, ch1) = self.channel.split_at_mut(ch_at);
        let (t0, t1) = self.time.split_at_mut(at);
        let (r0, r1) = self.row.split_at_mut(at);
        (
            EventSlots::new(tp0, ch0, t0, r0),
            EventSlots::new(tp1, ch1, t1, r1),
        )
    }

    /// Keeps the first `head` rows and the `tail` rows from `from` on, moved up behind them.
    fn close_gap(&mut self, head: usize, from: usize, tail: usize) {
        fn close<T: Copy>(v: &mut Vec<T>, head: usize, from: usize, tail: usize) {
            if v.is_empty() {
                return;
            }
            if head < from {
                v.copy_within(from..from + tail, head);
            }
            v.truncate(head + tail);
        }
        close(&mut self.touchpoint, head, from, tail);
        close(&mut self.channel, head, from, tail);
        close(&mut self.time, head, from, tail);
        close(&mut self.row, head, from, tail);
    }
}

/// Rows of the event columns that one ordering thread fills from the start.
struct EventSlots<'a> {
    touchpoint: &'a mut [u32],
    /// Empty without channels.
    channel: &'a mut [u32],
    time: &'a mut [i64],
    row: &'a mut [u32],
    /// Rows filled.
    len: usize,
}

impl<'a> EventSlots<'a> {
    fn new(
        touchpoint: &'a mut [u32],
        channel: &'a mut [u32],
        time: &'a mut [i64],
        row: &'a mut [u32],
    ) -> EventSlots<'a> {
        EventSlots {
            touchpoint,
            channel,
            time,
            row,
            len: 0,
        }
    }

    #[inline]
    fn push(&mut self, touchpoint: u32, channel: u32, ev: &Record) {
        let k = self.len;
        self.touchpoint[k] = touchpoint;
        if let Some(c) = self.channel.get_mut(k) {
            *c = channel;
        }
        self.time[k] = ev.time;
        self.row[k] = ev.row;
        self.len = k + 1;
    }
}

/// Orders the events of consecutive customers (`first..first + bounds.len() - 1`) whose
/// records are `records`, split at the `bounds` offsets (relative to the first one), adding
/// their journeys to `out` (offsets counted in `events`) and their events to `events`.
#[allow(clippy::too_many_arguments)]
fn order_customers(
    records: &mut [Record],
    bounds: &[usize],
    first: u32,
    opts: &JourneyOptions,
    fields: &Fields,
    out: &mut Journeys,
    events: &mut EventSlots,
    stats: &mut OrderStats,
) {
    let base = bounds[0];
    let events_conversion = matches!(opts.conversion, Conversion::Events(_));
    for i in 0..bounds.len() - 1 {
        let c = first + i as u32;
        let slice = &mut records[bounds[i] - base..bounds[i + 1] - base];
        if slice.is_empty() {
            continue;
        }
        let mut descents = 0;
        for w in slice.windows(2) {
            if w[1].time < w[0].time {
                descents += 1;
                stats.rows_out_of_order.add(w[1].row as u64);
            }
        }
        if descents > 0 {
            stats.customers_out_of_order += 1;
            // Stable: equal instants keep their row order.
            slice.sort_by_key(|r| r.time);
        }

        let slice = &*slice;
        let mut journey = JourneyState::default();
        // Where the current group of events at one instant starts.
        let mut tie_start = 0;
        let mut prev_conversion = false;
        for (i, ev) in slice.iter().enumerate() {
            if i > 0 {
                let prev = &slice[i - 1];
                let gap_split = opts
                    .session_gap
                    .is_some_and(|g| ev.time.saturating_sub(prev.time) > g);
                let conv_split = opts.split_on_conversion && prev_conversion;
                if gap_split || conv_split {
                    journey.close(out, events.len, c, stats);
                    tie_start = i;
                } else if prev.time == ev.time {
                    stats.tied_events += 1;
                    if !journey.has_tie {
                        journey.has_tie = true;
                        journey.first_tie_row = slice[tie_start].row;
                    }
                    let scan = i.saturating_sub(DUPLICATE_SCAN).max(tie_start);
                    if slice[scan..i]
                        .iter()
                        .any(|q| fields.same_event(q.value, ev.value))
                    {
                        stats.duplicate_events.add(ev.row as u64);
                    }
                } else {
                    tie_start = i;
                }
            }
            let (touchpoint, channel, conversion) = fields.get(ev.value);
            prev_conversion = conversion;
            if conversion {
                out.conversion_events += 1;
            }
            let value = match opts.level {
                Level::Touchpoint => touchpoint,
                Level::Channel => channel,
            };
            let merge = opts.collapse_repeats && journey.kept > 0 && journey.last_value == value;
            if conversion && !journey.converted {
                journey.converted = true;
                // Touches are the runs that started before the first conversion event; a
                // conversion event merged into a run keeps that run as a touch.
                journey.path_len = events_conversion.then_some(journey.kept);
                journey.conversion_at = Some((ev.time, ev.row));
            }
            if !merge {
                events.push(touchpoint, channel, ev);
                journey.kept += 1;
                journey.last_value = value;
            }
        }
        journey.close(out, events.len, c, stats);
    }
}

/// One event, as the ordering works on it (16 bytes: the scatter's random writes are the
/// slow part of ordering).
#[derive(Clone, Copy, Default)]
struct Record {
    time: i64,
    row: u32,
    /// The event's other fields, as [`Fields`] reads them.
    value: u32,
}

/// How a [`Record`]'s value gives its touchpoint, channel and conversion flag.
enum Fields {
    /// `touchpoint << (ch_bits + 1) | channel << 1 | conversion`.
    Packed { ch_bits: u32 },
    /// The value is the event's position in these columns (dictionaries too large to pack).
    Columns {
        touchpoint: Vec<u32>,
        channel: Vec<u32>,
        conversion: Vec<bool>,
    },
}

impl Fields {
    /// Touchpoint, channel (0 without channels) and conversion flag.
    #[inline]
    fn get(&self, value: u32) -> (u32, u32, bool) {
        match self {
            Fields::Packed { ch_bits } => (
                value >> (ch_bits + 1),
                (value >> 1) & ((1 << ch_bits) - 1),
                value & 1 == 1,
            ),
            Fields::Columns {
                touchpoint,
                channel,
                conversion,
            } => {
                let k = value as usize;
                (
                    touchpoint[k],
                    channel.get(k).copied().unwrap_or(0),
                    conversion[k],
                )
            }
        }
    }

    /// Whether two events have the same touchpoint and channel.
    #[inline]
    fn same_event(&self, a: u32, b: u32) -> bool {
        match self {
            Fields::Packed { .. } => a >> 1 == b >> 1,
            Fields::Columns { .. } => {
                let (x, y) = (self.get(a), self.get(b));
                x.0 == y.0 && x.1 == y.1
            }
        }
    }
}

/// Bits needed to hold the ids `0..len`.
fn bits(len: usize) -> u32 {
    usize::BITS - len.saturating_sub(1).leading_zeros()
}

/// The journey being assembled.
#[derive(Default)]
struct JourneyState {
    /// Events kept (after collapsing).
    kept: u32,
    last_value: u32,
    converted: bool,
    path_len: Option<u32>,
    /// Instant and row of the first conversion event.
    conversion_at: Option<(i64, u32)>,
    /// Whether two events share an instant, and the row of the first of them.
    has_tie: bool,
    first_tie_row: u32,
}

impl JourneyState {
    /// Ends the journey (if it kept events) at event `end`, and starts the next.
    fn close(&mut self, out: &mut Journeys, end: usize, customer: u32, stats: &mut OrderStats) {
        if self.kept == 0 {
            return;
        }
        out.offsets.push(end);
        out.customer.push(customer);
        out.converted.push(self.converted);
        out.path_len.push(self.path_len.unwrap_or(self.kept));
        let (time, row) = self.conversion_at.unwrap_or((i64::MIN, u32::MAX));
        out.conversion_time.push(time);
        out.conversion_row.push(row);
        if self.has_tie {
            stats.journeys_with_ties.add(self.first_tie_row as u64);
        }
        *self = JourneyState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::Dictionary;

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
