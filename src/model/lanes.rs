//! Word-at-a-time reading of the clients' per-update fields (`clients.rs`). A 2-bit field
//! (a true or reported state) is kept as two bit planes, its low bits in one run of words and
//! its high bits in the next, so "which of these 64 updates hold a code in this set" is two
//! loads and a few logical operations, and a field of one update two bit tests. The install,
//! notification and reporting paths ask such questions several times per event; decoding
//! each update's fields one by one was a quarter of the model's time on the enterprise
//! scenario, and fields packed side by side cost a shuffle per word.

/// Of the 64 fields whose low bits are `lo` and high bits `hi`, those holding a code in
/// `codes` (bit `v` = code `v`).
#[inline(always)]
pub(super) fn matching(lo: u64, hi: u64, codes: u8) -> u64 {
    let mut out = 0;
    for v in 0..4 {
        if codes >> v & 1 == 1 {
            let l = if v & 1 == 1 { lo } else { !lo };
            let h = if v & 2 == 2 { hi } else { !hi };
            out |= l & h;
        }
    }
    out
}

/// The bits of fields `64k..64k + 64` that exist when there are `n` fields.
#[inline(always)]
pub(super) fn valid(n: usize, k: usize) -> u64 {
    match n.saturating_sub(64 * k) {
        0 => 0,
        r if r >= 64 => u64::MAX,
        r => (1 << r) - 1,
    }
}

/// The set bits of `word` as indices offset by `64k`, lowest first.
pub(super) fn ones(k: usize, mut word: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (word != 0).then(|| {
            let i = word.trailing_zeros() as usize;
            word &= word - 1;
            64 * k + i
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every set of codes against a field-by-field decode, over 64 fields of mixed codes.
    #[test]
    fn words_match_fields_decoded_one_by_one() {
        let codes: Vec<u8> = (0..64).map(|i| ((i * 7 + i / 3) % 4) as u8).collect();
        let (mut lo, mut hi) = (0u64, 0u64);
        for (i, &c) in codes.iter().enumerate() {
            lo |= u64::from(c & 1) << i;
            hi |= u64::from(c >> 1) << i;
        }
        for set in 0..16u8 {
            let want = (0..64)
                .filter(|&b| set >> codes[b] & 1 == 1)
                .fold(0u64, |w, b| w | 1 << b);
            assert_eq!(matching(lo, hi, set), want, "codes {set:04b}");
        }
        assert_eq!(ones(1, 0b1010).collect::<Vec<_>>(), vec![65, 67]);
        assert_eq!(
            (valid(150, 2), valid(150, 1), valid(150, 3)),
            ((1 << 22) - 1, u64::MAX, 0)
        );
    }
}
