//! The ordering's second pass: per bucket, the records are put in customer order in a buffer
//! that stays in the cache, each customer's events in time order, and the bucket's customers
//! cut into journeys from there. Two threads, each for the buckets of about half of the
//! events.

use std::ops::Range;

use super::assemble::assemble_journeys;
use super::buckets::{Buckets, BUCKET};
use super::event_columns::{EventColumns, EventSlots};
use super::order_stats::OrderStats;
use super::record::{Fields, Record};
use super::{Conversion, JourneyOptions, Journeys};

/// Orders the customers of every bucket into journeys, writing their events to `columns`
/// (rows in journey order, as many as are kept); the journeys' other columns and what
/// ordering found are returned.
pub(super) fn order_in_two_halves(
    buckets: Buckets,
    fields: &Fields,
    columns: &mut EventColumns,
    opts: &JourneyOptions,
    ties: Option<&TieRule>,
) -> (Journeys, OrderStats) {
    let Buckets {
        mut records,
        mut within,
        start,
        customers,
    } = buckets;
    let n = records.len();
    let count = start.len() - 1;
    let mid = start[..count].partition_point(|&s| s < n / 2);
    let split = start[mid];
    let (left, right) = records.split_at_mut(split);
    let (left_within, right_within) = within.split_at_mut(split);
    let ordering = BucketOrdering {
        start: &start,
        customers,
        opts,
        fields,
        ties,
    };
    let ((mut out, head_len, mut stats), (tail, tail_len, tail_stats)) = {
        let (head_events, tail_events) = columns.split_at_mut(split);
        std::thread::scope(|s| {
            let worker = s.spawn(|| ordering.order(right, right_within, mid..count, tail_events));
            let head = ordering.order(left, left_within, 0..mid, head_events);
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
    append_journeys(&mut out, tail, head_len);
    stats.merge(tail_stats);
    (out, stats)
}

/// What both ordering threads read.
struct BucketOrdering<'a> {
    /// Where each bucket's records start in the whole records array, and the end.
    start: &'a [usize],
    /// Number of customers.
    customers: usize,
    opts: &'a JourneyOptions,
    fields: &'a Fields,
    ties: Option<&'a TieRule>,
}

impl BucketOrdering<'_> {
    /// Orders the customers of `buckets`, whose records are `staged` (from the first
    /// bucket's start on), with their customers within their buckets in `staged_within`;
    /// returns their journeys (offsets counted in `events`), the rows written to `events`,
    /// and what ordering found.
    fn order(
        &self,
        staged: &[Record],
        staged_within: &[u16],
        buckets: Range<usize>,
        mut events: EventSlots,
    ) -> (Journeys, usize, OrderStats) {
        let (b0, b1) = (buckets.start, buckets.end);
        let mut out = Journeys {
            offsets: Vec::with_capacity((b1 - b0) * BUCKET + 1),
            ..Default::default()
        };
        out.offsets.push(0);
        let mut stats = OrderStats::default();
        let mut buffer = BucketBuffer::new();
        let base = self.start[b0];
        for b in buckets {
            let c0 = b * BUCKET;
            let customers = BUCKET.min(self.customers - c0);
            let (lo, hi) = (self.start[b] - base, self.start[b + 1] - base);
            buffer.fill(&staged[lo..hi], &staged_within[lo..hi], customers);
            self.order_customers(&mut buffer, c0 as u32, &mut out, &mut events, &mut stats);
        }
        (out, events.len, stats)
    }

    /// Orders the events of the buffer's customers (`first` and the customers after it),
    /// adding their journeys to `out` (offsets counted in `events`) and their events to
    /// `events`.
    fn order_customers(
        &self,
        buffer: &mut BucketBuffer,
        first: u32,
        out: &mut Journeys,
        events: &mut EventSlots,
        stats: &mut OrderStats,
    ) {
        let (records, bounds) = (&mut buffer.records[..], &buffer.bounds[..]);
        let base = bounds[0];
        let events_conversion = matches!(self.opts.conversion, Conversion::Events(_));
        for i in 0..bounds.len() - 1 {
            let c = first + i as u32;
            let slice = &mut records[bounds[i] - base..bounds[i + 1] - base];
            if slice.is_empty() {
                continue;
            }
            sort_by_time(slice, stats);
            if let Some(rule) = self.ties {
                rule.order_ties(slice, self.fields);
            }
            assemble_journeys(
                slice,
                c,
                self.opts,
                events_conversion,
                self.fields,
                out,
                events,
                stats,
            );
        }
    }
}

/// One bucket's records in customer order, in buffers reused from bucket to bucket.
struct BucketBuffer {
    /// The records, customer after customer, in row order inside a customer.
    records: Vec<Record>,
    /// Where each customer's records start in `records`, and (last) the end.
    bounds: Vec<usize>,
    /// While filling: each customer's next free place in `records`.
    next: Vec<usize>,
}

impl BucketBuffer {
    /// Empty buffers, with room for a bucket's customers.
    fn new() -> BucketBuffer {
        BucketBuffer {
            records: Vec::new(),
            bounds: Vec::with_capacity(BUCKET + 1),
            next: Vec::with_capacity(BUCKET),
        }
    }

    /// Puts a bucket's records `staged`, whose customers within the bucket are `within`,
    /// in customer order (`customers` customers), keeping row order inside a customer.
    #[inline]
    fn fill(&mut self, staged: &[Record], within: &[u16], customers: usize) {
        let BucketBuffer {
            records,
            bounds,
            next,
        } = self;
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
        records.clear();
        records.resize(staged.len(), Record::default());
        for (r, &w) in staged.iter().zip(within) {
            let slot = &mut next[w as usize];
            records[*slot] = *r;
            *slot += 1;
        }
    }
}

/// Puts one customer's records in time order, equal instants in row order, counting the
/// rows that came earlier in time than the row before them.
#[inline]
fn sort_by_time(slice: &mut [Record], stats: &mut OrderStats) {
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
}

/// `--tiebreak`: how events at one instant are ordered instead of by row (docs/metrics.md,
/// Path variants): by the column, then by touchpoint and channel name, then by row.
pub(super) struct TieRule {
    /// Per row position: the rank of the row's value of the column (empty values last).
    pub(super) column: Vec<u32>,
    /// Per touchpoint and channel id: the rank of its name in byte order.
    pub(super) touchpoint: Vec<u32>,
    pub(super) channel: Vec<u32>,
}

impl TieRule {
    /// Sorts each run of records at one instant (the slice is in time order).
    fn order_ties(&self, slice: &mut [Record], fields: &Fields) {
        let mut start = 0;
        while start < slice.len() {
            let t = slice[start].time;
            let end = start + slice[start..].iter().take_while(|r| r.time == t).count();
            if end - start > 1 {
                slice[start..end].sort_by_key(|r| {
                    let (tp, ch, _) = fields.get(r.value);
                    (
                        self.column.get(r.row as usize).copied().unwrap_or(u32::MAX),
                        self.touchpoint[tp as usize],
                        self.channel.get(ch as usize).copied().unwrap_or(0),
                        r.row,
                    )
                });
            }
            start = end;
        }
    }
}

/// Adds the journeys of `tail`, whose events follow the first `shift` events of `out`'s.
fn append_journeys(out: &mut Journeys, tail: Journeys, shift: usize) {
    out.offsets
        .extend(tail.offsets.iter().skip(1).map(|o| o + shift));
    out.customer.extend(tail.customer);
    out.converted.extend(tail.converted);
    out.path_len.extend(tail.path_len);
    out.conversion_time.extend(tail.conversion_time);
    out.conversion_row.extend(tail.conversion_row);
    out.conversion_events += tail.conversion_events;
    out.merged_rows.extend(tail.merged_rows);
}
