//! A fixed-size set of small indices, one bit each: per-site marks over the catalog now,
//! per-client update states later, without a map or a `bool` per entry.

/// A set of indices below a fixed capacity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    /// An empty set able to hold `0..n`.
    pub fn new(n: usize) -> Self {
        BitSet {
            words: vec![0; n.div_ceil(64)],
        }
    }
    /// Whether `i` is in the set.
    pub fn contains(&self, i: usize) -> bool {
        self.words[i / 64] >> (i % 64) & 1 == 1
    }
    /// Adds `i`; returns whether it was absent.
    pub fn insert(&mut self, i: usize) -> bool {
        let absent = !self.contains(i);
        self.words[i / 64] |= 1 << (i % 64);
        absent
    }
    /// Indices `64k..64k + 64` as a word, a bit each (none past the capacity).
    pub fn word(&self, k: usize) -> u64 {
        self.words.get(k).copied().unwrap_or(0)
    }
    /// How many indices are in the set.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }
    /// Removes `i`; returns whether it was present.
    pub fn remove(&mut self, i: usize) -> bool {
        let present = self.contains(i);
        self.words[i / 64] &= !(1 << (i % 64));
        present
    }
}

#[cfg(test)]
mod tests {
    use super::BitSet;

    #[test]
    fn inserts_and_removes() {
        let mut s = BitSet::new(130);
        assert!(s.insert(129));
        assert!(!s.insert(129));
        assert!(s.contains(129) && !s.contains(128));
        assert!(s.remove(129));
        assert!(!s.remove(129));
    }
}
