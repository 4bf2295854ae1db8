//! Interning a column with many distinct values (customer ids) without a cache miss per row.
//!
//! One table of every customer id is far larger than the processor's caches, so looking up
//! each row's id in it waits for memory every time. Instead, while loading, each row's key is
//! only hashed and appended to one of [`PARTS`] partitions (chosen by the hash, so every row
//! of a customer lands in the same one); rows are never looked up then. At the end each
//! partition is interned on its own with a table small enough to stay in the cache, and a
//! last pass over the rows in order gives every value its final id in order of first
//! appearance, exactly the ids [`Dictionary::intern`] row by row would have given.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;

use super::dictionary::{key_of, prefetch_of, short_hash, SHORT};
use super::Dictionary;

/// Number of partitions (a row's partition is a byte; [`EMPTY`] marks empty values).
const PARTS: usize = 64;

/// The partition byte of a row whose value is null or empty.
const EMPTY: u8 = u8::MAX;

/// The values of one column in row order, partitioned by hash, not yet interned.
pub struct DeferredIds {
    /// Per partition, the keys of its rows in row order. A key is a value's length (4 bytes)
    /// and first 12 bytes, which for values of up to 12 bytes is the whole value; for longer
    /// values it is the length, 32 bits of the hash, and where the value is in `long`.
    parts: Vec<Vec<[u64; 2]>>,
    /// Per partition, the row of each of its keys.
    rows: Vec<Vec<u32>>,
    /// Per row: its partition, or [`EMPTY`].
    part_of: Vec<u8>,
    /// Values longer than 12 bytes, back to back.
    long: String,
    /// Rows whose value is null or empty.
    empty: usize,
    hasher: FixedState,
}

impl Default for DeferredIds {
    fn default() -> DeferredIds {
        DeferredIds {
            parts: vec![Vec::new(); PARTS],
            rows: vec![Vec::new(); PARTS],
            part_of: Vec::new(),
            long: String::new(),
            empty: 0,
            hasher: FixedState::default(),
        }
    }
}

impl std::fmt::Debug for DeferredIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeferredIds({} rows)", self.part_of.len())
    }
}

/// The hash of a key that [`DeferredIds`] stores (see there).
#[inline]
fn key_hash(key: [u64; 2]) -> u64 {
    if key_len(key) <= SHORT {
        short_hash(key)
    } else {
        // 32 bits of the name's hash: the upper half picks the partition (by its top bits),
        // the lower half the slot in the partition's table (by its low bits).
        (key[0] & !0xffff_ffff) | (key[0] >> 32)
    }
}

#[inline]
fn key_len(key: [u64; 2]) -> usize {
    (key[0] & 0xffff_ffff) as usize
}

/// The partition of a hash (from its upper 32 bits).
#[inline]
fn part(hash: u64) -> u8 {
    (((hash >> 32) * PARTS as u64) >> 32) as u8
}

impl DeferredIds {
    pub fn new() -> DeferredIds {
        DeferredIds::default()
    }

    /// Rows added so far whose value was null or empty.
    pub fn empty_count(&self) -> usize {
        self.empty
    }

    /// Rows added so far.
    pub fn len(&self) -> usize {
        self.part_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.part_of.is_empty()
    }

    /// Makes room for `rows` more rows.
    pub fn reserve(&mut self, rows: usize) {
        self.part_of.reserve(rows);
        // Partitions get about the same share of rows (a customer with many rows may tip
        // one over, which then grows as usual).
        let share = rows / PARTS + rows / PARTS / 8 + 16;
        for p in &mut self.parts {
            p.reserve(share);
        }
        for r in &mut self.rows {
            r.reserve(share);
        }
    }

    /// Whether the value of `row` (counted from the first row added) was null or empty.
    pub fn is_empty_at(&self, row: usize) -> bool {
        self.part_of[row] == EMPTY
    }

    /// Adds the next row's value (`None` for null or empty).
    #[inline]
    pub fn push(&mut self, value: Option<&str>) {
        match value.filter(|v| !v.is_empty()) {
            None => {
                self.part_of.push(EMPTY);
                self.empty += 1;
            }
            Some(v) if v.len() <= SHORT => {
                let key = key_of(v.as_bytes());
                self.push_key(key, short_hash(key));
            }
            Some(v) => self.push_long(v),
        }
    }

    /// Adds the next row's value held inline in an Arrow string view (length, then up to 12
    /// bytes); `false` (nothing added) when the view is longer than 12 bytes, whose text the
    /// caller then passes to [`DeferredIds::push`]. An empty view adds an empty value.
    #[inline]
    pub fn push_view(&mut self, view: u128) -> bool {
        let len = (view as u32) as usize;
        if len > SHORT {
            return false;
        }
        if len == 0 {
            self.part_of.push(EMPTY);
            self.empty += 1;
            return true;
        }
        let view = view & (u128::MAX >> (8 * (SHORT - len)));
        let key = [view as u64, (view >> 64) as u64];
        self.push_key(key, short_hash(key));
        true
    }

    #[inline]
    fn push_key(&mut self, key: [u64; 2], hash: u64) {
        let p = part(hash);
        self.rows[p as usize].push(self.part_of.len() as u32);
        self.part_of.push(p);
        self.parts[p as usize].push(key);
    }

    fn push_long(&mut self, v: &str) {
        let hash = self.hasher.hash_one(v.as_bytes());
        let key = [
            v.len() as u64 | (hash & !0xffff_ffff),
            self.long.len() as u64,
        ];
        self.long.push_str(v);
        self.push_key(key, key_hash(key));
    }

    /// The id of every row in order ([`u32::MAX`] for empty values) and the dictionary of the
    /// values, ids in order of first appearance. Uses two threads.
    pub fn finish(self) -> (Vec<u32>, Dictionary) {
        let DeferredIds {
            parts,
            rows,
            part_of,
            long,
            ..
        } = self;
        let n = part_of.len();
        let long = long.as_str();
        // 1. Each partition on its own (two threads, half of the partitions each): a local id
        //    per row, and each local id's key and first row.
        let mut head: Vec<(Vec<[u64; 2]>, Vec<u32>)> = parts.into_iter().zip(rows).collect();
        let tail = head.split_off(PARTS / 2);
        let local = |work: Vec<(Vec<[u64; 2]>, Vec<u32>)>| -> Vec<Local> {
            work.into_iter()
                .map(|(keys, rows)| intern_part(&keys, &rows, long))
                .collect()
        };
        let mut locals = std::thread::scope(|s| {
            let worker = s.spawn(|| local(tail));
            let mut locals = local(head);
            // A panic there (a bug) is a panic here.
            locals.extend(
                worker
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
            locals
        });
        // 2. A value's final id is the number of values whose first row comes before its own:
        //    a bit per row marks the first rows, and counts of set bits give the ranks.
        let mut first = vec![0u64; n.div_ceil(64)];
        for l in &locals {
            for &r in &l.first_rows {
                first[r as usize / 64] |= 1 << (r % 64);
            }
        }
        let mut before = Vec::with_capacity(first.len());
        let mut total = 0usize;
        for w in &first {
            before.push(total as u32);
            total += w.count_ones() as usize;
        }
        let rank = |r: u32| -> u32 {
            let (w, b) = (r as usize / 64, r % 64);
            before[w] + (first[w] & ((1u64 << b) - 1)).count_ones()
        };
        let mut which = vec![(0u32, 0u32); total];
        let mut finals: Vec<Vec<u32>> = Vec::with_capacity(locals.len());
        for (p, l) in locals.iter().enumerate() {
            let f: Vec<u32> = l.first_rows.iter().map(|&r| rank(r)).collect();
            for (lid, &g) in f.iter().enumerate() {
                which[g as usize] = (p as u32, lid as u32);
            }
            finals.push(f);
        }
        drop((first, before));
        // 3. The names go into the dictionary in final-id order (on a second thread) while
        //    the local ids become final ids; then every row's id, in row order, in two halves.
        let mut dict = Dictionary::new();
        let mut ids = vec![0u32; n];
        let keys: Vec<Vec<[u64; 2]>> = locals
            .iter_mut()
            .map(|l| std::mem::take(&mut l.keys))
            .collect();
        let keys = &keys;
        std::thread::scope(|s| {
            let names = s.spawn(move || {
                let mut dict = Dictionary::new();
                dict.reserve(which.len(), 0);
                for (p, lid) in which {
                    push_name(&mut dict, keys[p as usize][lid as usize], long);
                }
                dict
            });
            for (l, f) in locals.iter_mut().zip(&finals) {
                for id in l.ids.iter_mut() {
                    *id = f[*id as usize];
                }
            }
            let (lo, hi) = ids.split_at_mut(n / 2);
            let (part_lo, part_hi) = part_of.split_at(n / 2);
            let mut start = vec![0usize; PARTS];
            for &p in part_lo {
                if p != EMPTY {
                    start[p as usize] += 1;
                }
            }
            let locals = &locals;
            let merge = |out: &mut [u32], part_of: &[u8], mut cursor: Vec<usize>| {
                for (id, &p) in out.iter_mut().zip(part_of) {
                    *id = if p == EMPTY {
                        u32::MAX
                    } else {
                        let c = &mut cursor[p as usize];
                        let g = locals[p as usize].ids[*c];
                        *c += 1;
                        g
                    };
                }
            };
            s.spawn(move || merge(hi, part_hi, start));
            merge(lo, part_lo, vec![0; PARTS]);
            dict = names
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
        });
        (ids, dict)
    }
}

/// Adds the value of `key` to `dict` as its next id.
fn push_name(dict: &mut Dictionary, key: [u64; 2], long: &str) {
    let len = key_len(key);
    if len <= SHORT {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&key[0].to_le_bytes());
        bytes[8..].copy_from_slice(&key[1].to_le_bytes());
        match std::str::from_utf8(&bytes[4..4 + len]) {
            Ok(name) => dict.push_unindexed(name),
            // Keys come from text, so this does not happen.
            Err(_) => dict.push_unindexed(&String::from_utf8_lossy(&bytes[4..4 + len])),
        };
    } else {
        let at = key[1] as usize;
        dict.push_unindexed(&long[at..at + len]);
    }
}

/// One partition, interned.
#[derive(Default)]
struct Local {
    /// Per row of the partition, its local id.
    ids: Vec<u32>,
    /// Per local id, its key and its first row.
    keys: Vec<[u64; 2]>,
    first_rows: Vec<u32>,
}

/// Whether two keys are the same value.
#[inline]
fn same(a: [u64; 2], b: [u64; 2], long: &str) -> bool {
    if a[0] != b[0] {
        return false;
    }
    let len = key_len(a);
    if len <= SHORT {
        return a[1] == b[1];
    }
    let (x, y) = (a[1] as usize, b[1] as usize);
    x == y || long.as_bytes()[x..x + len] == long.as_bytes()[y..y + len]
}

/// Local ids (in order of first appearance) for one partition's keys, whose rows are `rows`.
fn intern_part(keys: &[[u64; 2]], rows: &[u32], long: &str) -> Local {
    /// A table slot: a key and its local id (`FREE` if none), so a probe reads one place.
    #[derive(Clone, Copy)]
    struct Slot {
        key: [u64; 2],
        id: u32,
    }
    const FREE: u32 = u32::MAX;
    const EMPTY_SLOT: Slot = Slot {
        key: [0; 2],
        id: FREE,
    };
    let mut size = 16usize;
    let mut slots: Vec<Slot> = vec![EMPTY_SLOT; size];
    let mut out = Local {
        ids: Vec::with_capacity(keys.len()),
        ..Default::default()
    };
    // The table outgrows the fastest caches: each key's slot is asked for some keys ahead.
    const AHEAD: usize = 16;
    for (k, (&key, &row)) in keys.iter().zip(rows).enumerate() {
        if let Some(&next) = keys.get(k + AHEAD) {
            prefetch_of(&slots[key_hash(next) as usize & (size - 1)]);
        }
        let mut i = key_hash(key) as usize & (size - 1);
        let id = loop {
            let s = slots[i];
            if s.id == FREE {
                let id = out.keys.len() as u32;
                out.keys.push(key);
                out.first_rows.push(row);
                slots[i] = Slot { key, id };
                if out.keys.len() * 4 > size * 3 {
                    size *= 2;
                    slots = vec![EMPTY_SLOT; size];
                    for (id, &key) in out.keys.iter().enumerate() {
                        let mut j = key_hash(key) as usize & (size - 1);
                        while slots[j].id != FREE {
                            j = (j + 1) & (size - 1);
                        }
                        slots[j] = Slot { key, id: id as u32 };
                    }
                }
                break id;
            }
            if same(s.key, key, long) {
                break s.id;
            }
            i = (i + 1) & (size - 1);
        };
        out.ids.push(id);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An Arrow string view holding `name` inline (only its length if it is too long).
    fn view(name: &str) -> u128 {
        let mut v = [0xEEu8; 16];
        v[..4].copy_from_slice(&(name.len() as u32).to_le_bytes());
        if name.len() <= SHORT {
            v[4..4 + name.len()].copy_from_slice(name.as_bytes());
        }
        u128::from_le_bytes(v)
    }

    #[test]
    fn gives_the_ids_of_interning_row_by_row() {
        // Short and long values (some sharing their first 12 bytes), repeats, empties,
        // through both doors.
        let value = |i: u64| -> Option<String> {
            let k = (i * 7919) % 3001;
            match k % 5 {
                0 if k.is_multiple_of(3) => None,
                1 => Some(format!("a-long-shared-prefix-{k}")),
                _ => Some(format!("c{k}")),
            }
        };
        let mut d = DeferredIds::new();
        let mut expected_dict = Dictionary::new();
        let mut expected = Vec::new();
        for i in 0..40_000u64 {
            let v = value(i);
            match v.as_deref() {
                Some(s) if s.len() <= SHORT && i % 2 == 0 => assert!(d.push_view(view(s))),
                _ => d.push(v.as_deref()),
            }
            expected.push(v.as_deref().map_or(u32::MAX, |s| expected_dict.intern(s)));
        }
        assert!(!d.push_view(view("thirteen-byte")));
        assert_eq!(
            d.empty_count(),
            expected.iter().filter(|&&id| id == u32::MAX).count()
        );
        assert!(d.is_empty_at(0));
        assert!(!d.is_empty_at(1));
        let (ids, dict) = d.finish();
        assert_eq!(ids, expected);
        assert_eq!(dict.len(), expected_dict.len());
        for id in 0..dict.len() as u32 {
            assert_eq!(dict.name(id), expected_dict.name(id));
        }
        // The dictionary still answers lookups, and interning a known name finds it.
        let mut dict = dict;
        let some = expected_dict.name(5).to_string();
        assert_eq!(dict.get(&some), Some(5));
        assert_eq!(dict.intern(&some), 5);
        assert_eq!(dict.intern("new"), expected_dict.len() as u32);
    }

    #[test]
    fn empty_input_and_only_empty_values() {
        let (ids, dict) = DeferredIds::new().finish();
        assert!(ids.is_empty() && dict.is_empty());
        let mut d = DeferredIds::new();
        d.push(None);
        d.push(Some(""));
        assert!(d.push_view(view("")));
        assert_eq!(d.empty_count(), 3);
        let (ids, dict) = d.finish();
        assert_eq!(ids, vec![u32::MAX; 3]);
        assert!(dict.is_empty());
    }
}
