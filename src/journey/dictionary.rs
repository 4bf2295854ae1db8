//! String interning: every touchpoint, channel and customer id becomes a small integer id,
//! assigned in order of first appearance (so ids are deterministic for the same input).

use std::collections::HashMap;

use foldhash::fast::FixedState;

/// A two-way map between names and dense `u32` ids.
#[derive(Clone, Debug, Default)]
pub struct Dictionary {
    names: Vec<Box<str>>,
    index: HashMap<Box<str>, u32, FixedState>,
}

impl Dictionary {
    pub fn new() -> Dictionary {
        Dictionary::default()
    }

    /// The id of `name`, adding it if new.
    #[inline]
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.index.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.into());
        self.index.insert(name.into(), id);
        id
    }

    /// The id of `name`, if present.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    /// The name of `id`.
    #[inline]
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// All names, by id.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|s| &**s)
    }
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
        assert_eq!(d.name(1), "a");
        assert_eq!(d.get("a"), Some(1));
        assert_eq!(d.get("z"), None);
        assert_eq!(d.len(), 2);
    }
}
