//! Word-at-a-time reading of the clients' packed per-update fields (`clients.rs`): which of
//! 64 updates have a 2-bit code in a given set, as one `u64` with a bit per update. The
//! install and notification paths ask "which due updates are still to install" several
//! times per install; decoding each update's fields one by one was a quarter of the model's
//! time on the enterprise scenario.

/// The 8 bytes of `bytes` from `at` as a little-endian word, zero past the end.
#[inline(always)]
fn load(bytes: &[u8], at: usize) -> u64 {
    if let Some(b) = bytes.get(at..at + 8) {
        return u64::from_le_bytes(b.try_into().expect("eight bytes"));
    }
    let mut b = [0u8; 8];
    if at < bytes.len() {
        let n = (bytes.len() - at).min(8);
        b[..n].copy_from_slice(&bytes[at..at + n]);
    }
    u64::from_le_bytes(b)
}

/// Bits at positions `0, stride, 2·stride, …` of `x` (masked by `m`, the low bit of each
/// field) set where the field's low two bits hold a code in `codes` (bit `v` = code `v`).
#[inline(always)]
fn matching(x: u64, m: u64, codes: u8) -> u64 {
    let (lo, hi) = (x & m, x >> 1 & m);
    let mut out = 0;
    for v in 0..4 {
        if codes >> v & 1 == 1 {
            let l = if v & 1 == 1 { lo } else { !lo & m };
            let h = if v & 2 == 2 { hi } else { !hi & m };
            out |= l & h;
        }
    }
    out
}

/// Gathers the even bits of `x` into its low 32 bits.
#[inline(always)]
fn even_bits(mut x: u64) -> u64 {
    x &= 0x5555_5555_5555_5555;
    x = (x | x >> 1) & 0x3333_3333_3333_3333;
    x = (x | x >> 2) & 0x0f0f_0f0f_0f0f_0f0f;
    x = (x | x >> 4) & 0x00ff_00ff_00ff_00ff;
    x = (x | x >> 8) & 0x0000_ffff_0000_ffff;
    (x | x >> 16) & 0x0000_0000_ffff_ffff
}

/// Gathers every fourth bit of `x` (bits 0, 4, 8, …) into its low 16 bits.
#[inline(always)]
fn fourth_bits(mut x: u64) -> u64 {
    x &= 0x1111_1111_1111_1111;
    x = (x | x >> 3) & 0x0303_0303_0303_0303;
    x = (x | x >> 6) & 0x000f_000f_000f_000f;
    x = (x | x >> 12) & 0x0000_00ff_0000_00ff;
    (x | x >> 24) & 0xffff
}

/// Fields packed four to a byte (2 bits each, field `i` at bits `2(i % 4)` of byte `i / 4`):
/// of fields `64k..64k + 64`, those whose code is in `codes`.
#[inline(always)]
pub(super) fn two_bit(bytes: &[u8], k: usize, codes: u8) -> u64 {
    let m = 0x5555_5555_5555_5555;
    let low = even_bits(matching(load(bytes, 16 * k), m, codes));
    let high = even_bits(matching(load(bytes, 16 * k + 8), m, codes));
    low | high << 32
}

/// Fields packed two to a byte in nibbles, the code at bits `shift..shift + 2` of the
/// nibble (field `i` in the nibble `i % 2` of byte `i / 2`): of fields `64k..64k + 64`,
/// those whose code is in `codes`.
#[inline(always)]
pub(super) fn nibble(bytes: &[u8], k: usize, shift: u32, codes: u8) -> u64 {
    let m = 0x1111_1111_1111_1111;
    (0..4).fold(0, |out, j| {
        let x = load(bytes, 32 * k + 8 * j) >> shift;
        out | fourth_bits(matching(x, m, codes)) << (16 * j)
    })
}

/// Nibbles packed two to a byte (as for [`nibble`]) whose code at bits `0..2` differs from
/// the one at bits `2..4`: of nibbles `64k..64k + 64`, those.
#[inline]
pub(super) fn halves_differ(bytes: &[u8], k: usize) -> u64 {
    (0..4).fold(0, |out, j| {
        let x = load(bytes, 32 * k + 8 * j);
        let d = (x ^ x >> 2) & 0x3333_3333_3333_3333;
        out | fourth_bits(d | d >> 1) << (16 * j)
    })
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

    /// Every code set against a field-by-field decode, over 150 fields of random codes.
    #[test]
    fn words_match_fields_decoded_one_by_one() {
        let n: usize = 150;
        let codes: Vec<u8> = (0..n).map(|i| ((i * 7 + i / 3) % 4) as u8).collect();
        let mut quarters = vec![0u8; n.div_ceil(4)];
        let mut nibbles = vec![0u8; n.div_ceil(2)];
        for (i, &c) in codes.iter().enumerate() {
            quarters[i / 4] |= c << (2 * (i % 4));
            nibbles[i / 2] |= (c << 2 | (3 - c)) << (4 * (i % 2));
        }
        for set in 0..16u8 {
            for k in 0..n.div_ceil(64) {
                let want = |f: &dyn Fn(usize) -> u8| {
                    (0..64)
                        .filter(|&b| 64 * k + b < n && set >> f(64 * k + b) & 1 == 1)
                        .fold(0u64, |w, b| w | 1 << b)
                };
                let v = valid(n, k);
                assert_eq!(two_bit(&quarters, k, set) & v, want(&|i| codes[i]));
                assert_eq!(nibble(&nibbles, k, 2, set) & v, want(&|i| codes[i]));
                assert_eq!(nibble(&nibbles, k, 0, set) & v, want(&|i| 3 - codes[i]));
                let differ = (0..64)
                    .filter(|&b| 64 * k + b < n && codes[64 * k + b] != 3 - codes[64 * k + b])
                    .fold(0u64, |w, b| w | 1 << b);
                assert_eq!(halves_differ(&nibbles, k) & v, differ);
            }
        }
        assert_eq!(ones(1, 0b1010).collect::<Vec<_>>(), vec![65, 67]);
        assert_eq!(
            (valid(150, 2), valid(150, 1), valid(150, 3)),
            ((1 << 22) - 1, u64::MAX, 0)
        );
    }
}
