//! The ordering's first pass: every event's [`Record`] written to its bucket, a run of
//! [`BUCKET`] consecutive customers.
//!
//! Ordering is a counting sort by customer (ids in order of first appearance), in two passes
//! so that neither writes at random over the whole array: this first pass writes each
//! event's record to its bucket, reading the columns in order, so it writes to a few hundred
//! places that each move forward; the second (`order`), per bucket, puts its records in
//! customer order. Row order is kept inside a customer.

use std::ops::Range;

use super::record::{Record, RecordValues};

/// Customers per bucket; at most 65536, as a customer's place in its bucket is a `u16`.
pub(super) const BUCKET: usize = 2048;

/// Every event's record, bucket after bucket, in row order inside a bucket.
pub(super) struct Buckets {
    pub(super) records: Vec<Record>,
    /// Each record's customer, counted from its bucket's first customer.
    pub(super) within: Vec<u16>,
    /// Where each bucket's records start, and (last) where the last one ends.
    pub(super) start: Vec<usize>,
    /// Number of customers (ids `0..customers`).
    pub(super) customers: usize,
}

/// One bucket's region of [`Buckets::records`] and [`Buckets::within`], or the part of it
/// that one thread writes.
type Part<'a> = (&'a mut [Record], &'a mut [u16]);

/// Writes the records of the events (`customer`, `time` and `row` per event, the rest in
/// `values`) to their buckets, for `customers` customers.
///
/// Two threads, each for half of the rows: each counts its rows' events per bucket, then
/// writes their records to its own part of every bucket (the first half's rows before the
/// second's, so row order holds inside a bucket).
pub(super) fn scatter_to_buckets(
    customer: &[u32],
    time: &[i64],
    row: &[u32],
    values: &RecordValues,
    customers: usize,
) -> Buckets {
    let n = time.len();
    let buckets = customers.div_ceil(BUCKET);
    let half = n / 2;
    let (first_counts, second_counts) = std::thread::scope(|s| {
        let worker = s.spawn(|| count_per_bucket(&customer[half..], buckets));
        let first = count_per_bucket(&customer[..half], buckets);
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
    let mut within = vec![0u16; n];
    {
        let (mut first_parts, mut second_parts) =
            cut_into_parts(&mut records, &mut within, &first_counts, &second_counts);
        std::thread::scope(|s| {
            s.spawn(|| scatter(half..n, &mut second_parts, customer, time, row, values));
            scatter(0..half, &mut first_parts, customer, time, row, values);
        });
    }
    Buckets {
        records,
        within,
        start,
        customers,
    }
}

/// Events per bucket, of events whose customers are `customer`.
fn count_per_bucket(customer: &[u32], buckets: usize) -> Vec<usize> {
    let mut counts = vec![0usize; buckets];
    for &c in customer {
        counts[c as usize / BUCKET] += 1;
    }
    counts
}

/// Every bucket's region of `records` and `within` (`first_counts[b]` and
/// `second_counts[b]` long), cut into the first and the second half's parts.
fn cut_into_parts<'a>(
    records: &'a mut [Record],
    within: &'a mut [u16],
    first_counts: &[usize],
    second_counts: &[usize],
) -> (Vec<Part<'a>>, Vec<Part<'a>>) {
    let buckets = first_counts.len();
    let mut first_parts: Vec<Part> = Vec::with_capacity(buckets);
    let mut second_parts: Vec<Part> = Vec::with_capacity(buckets);
    let (mut rest, mut rest_within) = (records, within);
    for b in 0..buckets {
        let (one, r) = rest.split_at_mut(first_counts[b]);
        let (two, r) = r.split_at_mut(second_counts[b]);
        let (one_within, rw) = rest_within.split_at_mut(first_counts[b]);
        let (two_within, rw) = rw.split_at_mut(second_counts[b]);
        (rest, rest_within) = (r, rw);
        first_parts.push((one, one_within));
        second_parts.push((two, two_within));
    }
    (first_parts, second_parts)
}

/// Writes the records of the events `rows` to `parts` (one per bucket), in row order.
fn scatter(
    rows: Range<usize>,
    parts: &mut [Part],
    customer: &[u32],
    time: &[i64],
    row: &[u32],
    values: &RecordValues,
) {
    let mut next = vec![0usize; parts.len()];
    for k in rows {
        let c = customer[k] as usize;
        let b = c / BUCKET;
        let slot = next[b];
        next[b] = slot + 1;
        let (dest, dest_within) = &mut parts[b];
        dest[slot] = Record {
            time: time[k],
            row: row[k],
            value: values.value(k),
        };
        dest_within[slot] = (c % BUCKET) as u16;
    }
}
