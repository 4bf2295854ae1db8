//! String interning: every touchpoint, channel and customer id becomes a small integer id,
//! assigned in order of first appearance (so ids are deterministic for the same input).
//!
//! Names live in one byte arena and the hash table holds only ids, so a lookup touches two
//! compact arrays instead of one heap allocation per name: this runs once per event.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// A two-way map between names and dense `u32` ids.
#[derive(Clone, Default)]
pub struct Dictionary {
    /// All names, back to back.
    arena: String,
    /// `ends[id]` is where name `id` ends in the arena (it starts where the previous one ends).
    ends: Vec<usize>,
    table: HashTable<Entry>,
    hasher: FixedState,
}

/// How many bytes of a name the table keeps inline.
const INLINE: usize = 16;

/// A table slot: the id, the name's length and its first bytes, so that names up to
/// [`INLINE`] bytes are compared without touching the arena.
#[derive(Clone, Copy)]
struct Entry {
    id: u32,
    len: u32,
    head: [u8; INLINE],
}

impl Entry {
    /// The first [`INLINE`] bytes of a name, zero-padded.
    #[inline]
    fn head(name: &[u8]) -> [u8; INLINE] {
        let mut head = [0u8; INLINE];
        let n = name.len().min(INLINE);
        head[..n].copy_from_slice(&name[..n]);
        head
    }

    #[inline]
    fn matches(&self, name: &[u8], head: &[u8; INLINE], arena: &str, ends: &[usize]) -> bool {
        self.len as usize == name.len()
            && self.head == *head
            && (name.len() <= INLINE || name_of(arena, ends, self.id).as_bytes() == name)
    }
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
        let hash = self.hasher.hash_one(name);
        let (arena, ends) = (&self.arena, &self.ends);
        let bytes = name.as_bytes();
        let head = Entry::head(bytes);
        if let Some(e) = self
            .table
            .find(hash, |e| e.matches(bytes, &head, arena, ends))
        {
            return e.id;
        }
        let id = self.ends.len() as u32;
        self.arena.push_str(name);
        self.ends.push(self.arena.len());
        let (arena, ends, hasher) = (&self.arena, &self.ends, &self.hasher);
        let entry = Entry {
            id,
            len: bytes.len() as u32,
            head,
        };
        self.table
            .insert_unique(hash, entry, |e| hasher.hash_one(name_of(arena, ends, e.id)));
        id
    }

    /// The id of `name`, if present.
    pub fn get(&self, name: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(name);
        let head = Entry::head(name.as_bytes());
        self.table
            .find(hash, |e| {
                e.matches(name.as_bytes(), &head, &self.arena, &self.ends)
            })
            .map(|e| e.id)
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
}
