//! Per-minute tallies (minute → value) for the charts, kept in minute order in one vector.
//! Facts come in time order, so nearly every update is to the last minute held or a new one
//! after it: a look at the vector's end, or a push. (They were ordered maps, whose two walks
//! down the tree per update — on thousands of DPs' and MPs' maps, mostly out of the caches —
//! were a fifth of the observers' thread at 300,000 clients.) A minute before the last, which
//! a backlog's "empty from the next minute" can make, is found by a binary search.

/// Values per minute, in minute order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Minutes<V> {
    entries: Vec<(u64, V)>,
}

impl<V> Default for Minutes<V> {
    fn default() -> Self {
        Minutes {
            entries: Vec::new(),
        }
    }
}

/// Iterates a [`Minutes`] as an ordered map would: `(&minute, &value)` in minute order.
pub type Iter<'a, V> =
    std::iter::Map<std::slice::Iter<'a, (u64, V)>, fn(&'a (u64, V)) -> (&'a u64, &'a V)>;

fn pair<V>(e: &(u64, V)) -> (&u64, &V) {
    (&e.0, &e.1)
}

impl<V> Minutes<V> {
    /// The value of `minute`, inserted as `default` when absent.
    pub fn at(&mut self, minute: u64, default: V) -> &mut V {
        let i = match self.entries.last() {
            Some(&(last, _)) if last == minute => self.entries.len() - 1,
            Some(&(last, _)) if last > minute => {
                match self.entries.binary_search_by_key(&minute, |e| e.0) {
                    Ok(i) => i,
                    Err(i) => {
                        self.entries.insert(i, (minute, default));
                        i
                    }
                }
            }
            _ => {
                self.entries.push((minute, default));
                self.entries.len() - 1
            }
        };
        &mut self.entries[i].1
    }

    /// Sets the value of `minute`.
    pub fn insert(&mut self, minute: u64, value: V)
    where
        V: Copy,
    {
        *self.at(minute, value) = value;
    }

    /// `(&minute, &value)` in minute order.
    pub fn iter(&self) -> Iter<'_, V> {
        self.entries.iter().map(pair as fn(&(u64, V)) -> (&u64, &V))
    }

    /// The values in minute order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|e| &e.1)
    }

    /// Whether no minute is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<'a, V> IntoIterator for &'a Minutes<V> {
    type Item = (&'a u64, &'a V);
    type IntoIter = Iter<'a, V>;
    fn into_iter(self) -> Iter<'a, V> {
        self.iter()
    }
}

/// Minutes in any order; a minute given twice keeps its last value.
impl<V: Copy> FromIterator<(u64, V)> for Minutes<V> {
    fn from_iter<I: IntoIterator<Item = (u64, V)>>(items: I) -> Self {
        let mut m = Minutes::default();
        for (minute, v) in items {
            m.insert(minute, v);
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::Minutes;

    #[test]
    fn the_last_minute_and_earlier_ones_are_both_found() {
        let mut m = Minutes::default();
        *m.at(5, 0) += 2;
        *m.at(5, 0) += 3;
        *m.at(7, 1) += 1;
        *m.at(5, 0) += 1;
        *m.at(6, 10) += 1;
        *m.at(2, 0) += 4;
        let got: Vec<(u64, i32)> = m.iter().map(|(&k, &v)| (k, v)).collect();
        assert_eq!(got, vec![(2, 4), (5, 6), (6, 11), (7, 2)]);
    }

    /// The same answers as an ordered map, for updates in any order.
    #[test]
    fn it_holds_what_an_ordered_map_holds() {
        let mut m = Minutes::default();
        let mut reference = std::collections::BTreeMap::new();
        let mut x: u64 = 7;
        for i in 0..5_000u64 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            // Mostly forward, as facts come; now and then back.
            let minute = if x >> 60 == 0 {
                (x >> 20) % (i + 1)
            } else {
                i / 3
            };
            *m.at(minute, 0u64) += i;
            *reference.entry(minute).or_insert(0u64) += i;
            if x >> 58 == 1 {
                m.insert(minute + 1, 0);
                reference.insert(minute + 1, 0);
            }
        }
        let got: Vec<(u64, u64)> = m.iter().map(|(&k, &v)| (k, v)).collect();
        assert_eq!(got, reference.into_iter().collect::<Vec<_>>());
    }
}
