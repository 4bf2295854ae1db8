//! String interning: every touchpoint, channel and customer id becomes a small integer id,
//! assigned in order of first appearance (so ids are deterministic for the same input).
//!
//! Names live in one byte arena; the table is one array of slots probed linearly, each slot
//! holding a name's 16-byte key and its id, so a lookup usually touches one cache line. A
//! key is the name's length and first 12 bytes (the layout of an Arrow string view), which
//! for names of up to 12 bytes is the whole name: those are found with one comparison,
//! straight from a column's views ([`Dictionary::intern_view`]). This runs once per event.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;

/// A two-way map between names and dense `u32` ids.
#[derive(Clone, Default)]
pub struct Dictionary {
    /// All names, back to back.
    arena: String,
    /// `ends[id]` is where name `id` ends in the arena (it starts where the previous one ends).
    ends: Vec<usize>,
    /// A power of two of slots (none before the first name), at most 3/4 full.
    slots: Vec<Slot>,
    hasher: FixedState,
}

/// Names of up to this many bytes are held whole in their key.
pub(crate) const SHORT: usize = 12;

/// The id of a free slot.
const FREE: u32 = u32::MAX;

/// A table slot: a name's key and its id ([`FREE`] if none).
#[derive(Clone, Copy)]
struct Slot {
    key: [u64; 2],
    id: u32,
}

const FREE_SLOT: Slot = Slot {
    key: [0; 2],
    id: FREE,
};

/// The key of a name: its length (4 bytes, little endian), then its first 12 bytes,
/// zero-padded.
#[inline]
pub(crate) fn key_of(name: &[u8]) -> [u64; 2] {
    let mut k = [0u8; 16];
    k[..4].copy_from_slice(&(name.len() as u32).to_le_bytes());
    let n = name.len().min(SHORT);
    k[4..4 + n].copy_from_slice(&name[..n]);
    let (lo, hi) = k.split_at(8);
    [
        u64::from_le_bytes(lo.try_into().unwrap_or_default()),
        u64::from_le_bytes(hi.try_into().unwrap_or_default()),
    ]
}

/// The hash of a short name's key (a folded multiply, as foldhash does).
#[inline]
pub(crate) fn short_hash(key: [u64; 2]) -> u64 {
    let p = u128::from(key[0] ^ 0x243f_6a88_85a3_08d3) * u128::from(key[1] ^ 0x1319_8a2e_0370_7344);
    (p as u64) ^ ((p >> 64) as u64)
}

#[inline]
fn key_len(key: [u64; 2]) -> usize {
    (key[0] & 0xffff_ffff) as usize
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl Dictionary {
    pub fn new() -> Dictionary {
        Dictionary::default()
    }

    /// The id of `name`, adding it if new.
    #[inline]
    pub fn intern(&mut self, name: &str) -> u32 {
        self.index();
        let bytes = name.as_bytes();
        let key = key_of(bytes);
        let hash = self.hash(key, bytes);
        match self.find(key, hash, bytes) {
            Ok(id) => id,
            Err(slot) => self.insert(slot, key, hash, name),
        }
    }

    /// The id of the name held inline in an Arrow string view (length, then up to 12 bytes),
    /// adding it if new; `None` when the view is longer than 12 bytes (it points into a
    /// buffer: use [`Dictionary::intern`] with the text). Bytes past the length are ignored.
    #[inline]
    pub fn intern_view(&mut self, view: u128) -> Option<u32> {
        self.index();
        let len = (view as u32) as usize;
        if len > SHORT {
            return None;
        }
        let view = view & (u128::MAX >> (8 * (SHORT - len)));
        let key = [view as u64, (view >> 64) as u64];
        let hash = short_hash(key);
        match self.find(key, hash, &[]) {
            Ok(id) => Some(id),
            Err(slot) => {
                let bytes = view.to_le_bytes();
                let name = std::str::from_utf8(&bytes[4..4 + len]).ok()?;
                Some(self.insert(slot, key, hash, name))
            }
        }
    }

    /// Starts loading the table slot of the name held inline in `view` (see
    /// [`Dictionary::intern_view`]), so that interning a block of views waits for memory once
    /// rather than once per view.
    #[inline]
    pub fn touch_view(&self, view: u128) {
        let len = (view as u32) as usize;
        if len <= SHORT && !self.slots.is_empty() {
            let view = view & (u128::MAX >> (8 * (SHORT - len)));
            let hash = short_hash([view as u64, (view >> 64) as u64]);
            prefetch_of(&self.slots[hash as usize & (self.slots.len() - 1)]);
        }
    }

    /// The id of `name`, if present.
    pub fn get(&self, name: &str) -> Option<u32> {
        if self.slots.is_empty() {
            // Not indexed (see `push_unindexed`): few lookups are made of such a dictionary.
            return self.names().position(|n| n == name).map(|id| id as u32);
        }
        let bytes = name.as_bytes();
        let key = key_of(bytes);
        self.find(key, self.hash(key, bytes), bytes).ok()
    }

    /// Adds `name` as the next id without looking it up: the caller knows it is new. The
    /// table is built on the next `intern` (a dictionary of customer ids is only read by id).
    pub fn push_unindexed(&mut self, name: &str) -> u32 {
        if !self.slots.is_empty() {
            self.slots = Vec::new();
        }
        self.arena.push_str(name);
        self.ends.push(self.arena.len());
        self.ends.len() as u32 - 1
    }

    /// Makes room for `names` more names of `bytes` bytes in all.
    pub fn reserve(&mut self, names: usize, bytes: usize) {
        self.ends.reserve(names);
        self.arena.reserve(bytes);
    }

    /// Builds the table if names were added with `push_unindexed`.
    #[inline]
    fn index(&mut self) {
        if self.slots.is_empty() && !self.ends.is_empty() {
            self.reindex();
        }
    }

    #[cold]
    fn reindex(&mut self) {
        let mut size = 16;
        while self.ends.len() * 4 > size * 3 {
            size *= 2;
        }
        self.refill(size, self.ends.len());
    }

    /// The name of `id`.
    #[inline]
    pub fn name(&self, id: u32) -> &str {
        name_of(&self.arena, &self.ends, id)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// All names, by id.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        (0..self.len() as u32).map(|id| self.name(id))
    }

    #[inline]
    fn hash(&self, key: [u64; 2], name: &[u8]) -> u64 {
        if name.len() <= SHORT {
            short_hash(key)
        } else {
            self.hasher.hash_one(name)
        }
    }

    /// The id of the name with this key and hash (`name` is only read for long names), or
    /// the free slot where it would go (`usize::MAX` while the table has no slots).
    #[inline]
    fn find(&self, key: [u64; 2], hash: u64, name: &[u8]) -> Result<u32, usize> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = hash as usize & mask;
        while let Some(s) = self.slots.get(i) {
            if s.id == FREE {
                return Err(i);
            }
            if s.key == key
                && (key_len(key) <= SHORT
                    || name_of(&self.arena, &self.ends, s.id).as_bytes() == name)
            {
                return Ok(s.id);
            }
            i = (i + 1) & mask;
        }
        Err(usize::MAX)
    }

    /// Adds a name that [`Dictionary::find`] did not find, at its free `slot`.
    fn insert(&mut self, mut slot: usize, key: [u64; 2], hash: u64, name: &str) -> u32 {
        let id = self.ends.len() as u32;
        self.arena.push_str(name);
        self.ends.push(self.arena.len());
        if (self.ends.len()) * 4 > self.slots.len() * 3 {
            self.grow();
            slot = self.free_slot(hash);
        }
        self.slots[slot] = Slot { key, id };
        id
    }

    /// Doubles the table (16 slots at first) and puts every name back.
    fn grow(&mut self) {
        self.refill((self.slots.len() * 2).max(16), self.ends.len() - 1);
    }

    /// A table of `size` slots holding names `0..count`.
    fn refill(&mut self, size: usize, count: usize) {
        self.slots = vec![FREE_SLOT; size];
        for id in 0..count as u32 {
            let bytes = self.name(id).as_bytes();
            let key = key_of(bytes);
            let slot = self.free_slot(self.hash(key, bytes));
            self.slots[slot] = Slot { key, id };
        }
    }

    /// The first free slot from `hash` on.
    fn free_slot(&self, hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        while self.slots[i].id != FREE {
            i = (i + 1) & mask;
        }
        i
    }
}

/// Asks the processor to start loading `value` into the cache, without waiting for it.
#[inline]
pub(crate) fn prefetch_of<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults; `value` is a valid reference anyway.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Name `id` in an arena whose names end at `ends`.
#[inline]
fn name_of<'a>(arena: &'a str, ends: &[usize], id: u32) -> &'a str {
    let id = id as usize;
    let start = if id == 0 { 0 } else { ends[id - 1] };
    &arena[start..ends[id]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_first_appearance() {
        let mut d = Dictionary::new();
        assert_eq!(d.intern("b"), 0);
        assert_eq!(d.intern("a"), 1);
        assert_eq!(d.intern("b"), 0);
        assert_eq!(d.intern(""), 2);
        assert_eq!(d.name(1), "a");
        assert_eq!(d.name(2), "");
        assert_eq!(d.get("a"), Some(1));
        assert_eq!(d.get("z"), None);
        assert_eq!(d.len(), 3);
    }

    #[test]
    fn many_names_survive_rehashing() {
        let mut d = Dictionary::new();
        // Short names (inline) and long ones sharing their first 16 bytes (arena compare).
        let name = |i: u32| {
            if i.is_multiple_of(2) {
                format!("c{i}")
            } else {
                format!("a-long-shared-prefix-{i}")
            }
        };
        for i in 0..10_000 {
            assert_eq!(d.intern(&name(i)), i);
        }
        for i in (0..10_000).rev() {
            assert_eq!(d.intern(&name(i)), i);
            assert_eq!(d.get(&name(i)), Some(i));
            assert_eq!(d.name(i), name(i));
        }
        assert_eq!(d.get("a-long-shared-prefix-"), None);
    }

    /// An Arrow string view holding `name` inline, with `junk` in the bytes past its end.
    fn view(name: &str, junk: u8) -> u128 {
        let mut v = [junk; 16];
        v[..4].copy_from_slice(&(name.len() as u32).to_le_bytes());
        v[4..4 + name.len()].copy_from_slice(name.as_bytes());
        u128::from_le_bytes(v)
    }

    #[test]
    fn views_and_text_give_the_same_ids() {
        let mut d = Dictionary::new();
        assert_eq!(d.intern_view(view("home", 0)), Some(0));
        assert_eq!(d.intern("cart"), 1);
        // Bytes past the name's length do not matter.
        assert_eq!(d.intern_view(view("cart", 0xAB)), Some(1));
        assert_eq!(d.intern_view(view("home", 0xFF)), Some(0));
        assert_eq!(d.intern("home"), 0);
        assert_eq!(d.intern_view(view("twelve-bytes", 7)), Some(2));
        assert_eq!(d.get("twelve-bytes"), Some(2));
        assert_eq!(d.intern_view(view("", 9)), Some(3));
        assert_eq!(d.get(""), Some(3));
        // Longer names are not inline: the caller passes their text.
        let mut long = [0u8; 16];
        long[0] = 13;
        assert_eq!(d.intern_view(u128::from_le_bytes(long)), None);
        assert_eq!(d.len(), 4);
        assert_eq!(d.name(0), "home");
        // Many inline names, through both doors, survive rehashing.
        for i in 0..5_000u32 {
            let name = format!("c{i:06}");
            let id = d.intern_view(view(&name, (i % 251) as u8)).unwrap();
            assert_eq!(d.intern(&name), id);
        }
        assert_eq!(d.len(), 5_004);
    }
}
