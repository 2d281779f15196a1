//! A stable sort of a calendar bucket by its entries' time offsets. A bucket holds a few
//! hundred entries at a million clients, each keyed by its offset in the bucket (below the
//! bucket's width, 2,000 ms in the model): two passes of a byte each place every entry
//! directly, where a comparison sort compares each about eight times (sorting buckets was
//! 4 % of a run at 1M clients). Small buckets keep the comparison sort.

/// Below this many entries, the standard stable sort (an insertion sort there) is faster.
const SMALL: usize = 64;

/// Sorts `v` by `key`, keeping equal keys in their order, where every key is below
/// `2^bits`; `scratch` is working space kept between calls (no allocation once warm).
pub(super) fn stable_sort_by_key<T: Copy>(
    v: &mut [T],
    scratch: &mut Vec<T>,
    bits: u32,
    key: impl Fn(&T) -> u32,
) {
    if v.len() <= SMALL {
        v.sort_by_key(key);
        return;
    }
    scratch.clear();
    scratch.extend_from_slice(v);
    // Each pass moves the entries from one buffer to the other; `in_v`: where they are.
    let mut in_v = false;
    let mut shift = 0;
    while shift < bits {
        let (from, to): (&[T], &mut [T]) = if in_v { (v, scratch) } else { (scratch, v) };
        let mut at = [0usize; 256];
        for e in from.iter() {
            at[(key(e) >> shift & 0xff) as usize] += 1;
        }
        let mut sum = 0;
        for slot in at.iter_mut() {
            (*slot, sum) = (sum, sum + *slot);
        }
        for e in from.iter() {
            let digit = (key(e) >> shift & 0xff) as usize;
            to[at[digit]] = *e;
            at[digit] += 1;
        }
        in_v = !in_v;
        shift += 8;
    }
    if !in_v {
        v.copy_from_slice(scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{DrawCounter, RandomStreams, StreamId};

    #[test]
    fn sorts_as_the_standard_stable_sort_does() {
        let (rng, stream, mut draws) = (RandomStreams::new(5), StreamId(1), DrawCounter(0));
        let mut scratch = Vec::new();
        for (n, bits) in [
            (0, 8),
            (1, 11),
            (63, 11),
            (65, 11),
            (300, 11),
            (1000, 3),
            (5000, 20),
        ] {
            // (key, position): equal keys must keep their positions' order.
            let mut v: Vec<(u32, u32)> = (0..n)
                .map(|i| (rng.below(stream, &mut draws, 1 << bits) as u32, i))
                .collect();
            let mut expected = v.clone();
            expected.sort_by_key(|e| e.0);
            stable_sort_by_key(&mut v, &mut scratch, bits, |e| e.0);
            assert_eq!(v, expected, "{n} entries of {bits} bits");
        }
    }
}
