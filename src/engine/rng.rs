//! Seeded random streams, one per entity, for common random numbers.
//!
//! A stream is the ChaCha8 keystream for (scenario seed, stream id); an entity keeps only a
//! 4-byte draw counter, not a generator. A draw therefore depends on (seed, entity, how many
//! draws that entity made before) and nothing else: adding a client or a site to a scenario
//! leaves every other entity's luck unchanged, so two plans are compared on the same luck.

/// Identifies one entity's stream. Derive it from stable names, never from positions in a
/// list that the operator may reorder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamId(pub u64);

impl StreamId {
    /// The stream of item `index` of the thing called `name` in `domain` (e.g. client 17 of
    /// group "desktops" in domain "client").
    pub fn named(domain: &str, name: &str, index: u64) -> StreamId {
        StreamId::family(domain, name).member(index)
    }

    /// The stream family of everything called `name` in `domain`: hash the name once, then
    /// derive each member's stream with `member` (no hashing of text per draw).
    pub fn family(domain: &str, name: &str) -> StreamFamily {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325; // FNV-1a, stable across platforms
        for b in domain.bytes().chain([0u8]).chain(name.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        StreamFamily(h)
    }
}

/// The hashed name of a family of streams (e.g. one client group's clients).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamFamily(u64);

impl StreamFamily {
    /// The stream of member `index`.
    pub fn member(self, index: u64) -> StreamId {
        StreamId(splitmix64(self.0 ^ splitmix64(index)))
    }
}

/// How many draws an entity has made: the whole per-entity random state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrawCounter(pub u32);

/// The scenario's random streams, derived from its seed.
#[derive(Clone, Debug)]
pub struct RandomStreams {
    /// The ChaCha key: the seed stretched to 32 bytes, as eight little-endian words.
    words: [u32; 8],
}

impl RandomStreams {
    /// Streams for `seed`.
    pub fn new(seed: u64) -> Self {
        let mut key = [0u8; 32];
        let mut s = seed;
        for chunk in key.chunks_mut(8) {
            s = splitmix64(s);
            chunk.copy_from_slice(&s.to_le_bytes());
        }
        let mut words = [0u32; 8];
        for (w, b) in words.iter_mut().zip(key.chunks(4)) {
            *w = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        RandomStreams { words }
    }

    /// The next 64 random bits of `stream`, advancing `counter`.
    pub fn next_u64(&self, stream: StreamId, counter: &mut DrawCounter) -> u64 {
        let x = self.block(stream, u64::from(counter.0) / 8)[counter.0 as usize % 8];
        counter.0 = counter.0.wrapping_add(1);
        x
    }

    /// `n` consecutive draws of `stream`, each handed to `f` as a uniform value in `[0, 1)`;
    /// the same values `unit` would give one by one, one block per eight draws.
    pub fn units(
        &self,
        stream: StreamId,
        counter: &mut DrawCounter,
        n: usize,
        mut f: impl FnMut(f64),
    ) {
        let mut at = u64::from(counter.0);
        let mut block = self.block(stream, at / 8);
        for _ in 0..n {
            f(to_unit(block[at as usize % 8]));
            at += 1;
            if at % 8 == 0 {
                block = self.block(stream, at / 8);
            }
        }
        counter.0 = counter.0.wrapping_add(n as u32);
    }

    /// Block `index` of the ChaCha8 keystream of `stream`, as eight 64-bit draws: the words
    /// `ChaCha8Rng` (key = the seed's, stream = `stream`) yields from word `16 × index`, so a
    /// draw costs one block function rather than a generator set up and four blocks made
    /// (measured: a fifth of the model's time went to that). Tested equal to `rand_chacha`.
    fn block(&self, stream: StreamId, index: u64) -> [u64; 8] {
        let mut x = [0u32; 16];
        x[..4].copy_from_slice(&[0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]);
        x[4..12].copy_from_slice(&self.words);
        x[12] = index as u32;
        x[13] = (index >> 32) as u32;
        x[14] = stream.0 as u32;
        x[15] = (stream.0 >> 32) as u32;
        let input = x;
        for _ in 0..4 {
            quarter(&mut x, 0, 4, 8, 12);
            quarter(&mut x, 1, 5, 9, 13);
            quarter(&mut x, 2, 6, 10, 14);
            quarter(&mut x, 3, 7, 11, 15);
            quarter(&mut x, 0, 5, 10, 15);
            quarter(&mut x, 1, 6, 11, 12);
            quarter(&mut x, 2, 7, 8, 13);
            quarter(&mut x, 3, 4, 9, 14);
        }
        let mut out = [0u64; 8];
        for (k, o) in out.iter_mut().enumerate() {
            let lo = x[2 * k].wrapping_add(input[2 * k]);
            let hi = x[2 * k + 1].wrapping_add(input[2 * k + 1]);
            *o = u64::from(hi) << 32 | u64::from(lo);
        }
        out
    }

    /// A uniform draw in `[0, 1)`.
    pub fn unit(&self, stream: StreamId, counter: &mut DrawCounter) -> f64 {
        to_unit(self.next_u64(stream, counter))
    }

    /// A uniform draw in `0..n` (0 when `n` is 0).
    pub fn below(&self, stream: StreamId, counter: &mut DrawCounter, n: u64) -> u64 {
        ((u128::from(self.next_u64(stream, counter)) * u128::from(n)) >> 64) as u64
    }
}

/// The ChaCha quarter round on words `a`, `b`, `c`, `d` of `x`.
#[inline(always)]
fn quarter(x: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    x[a] = x[a].wrapping_add(x[b]);
    x[d] = (x[d] ^ x[a]).rotate_left(16);
    x[c] = x[c].wrapping_add(x[d]);
    x[b] = (x[b] ^ x[c]).rotate_left(12);
    x[a] = x[a].wrapping_add(x[b]);
    x[d] = (x[d] ^ x[a]).rotate_left(8);
    x[c] = x[c].wrapping_add(x[d]);
    x[b] = (x[b] ^ x[c]).rotate_left(7);
}

fn to_unit(x: u64) -> f64 {
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draws(r: &RandomStreams, s: StreamId, n: usize) -> Vec<u64> {
        let mut c = DrawCounter::default();
        (0..n).map(|_| r.next_u64(s, &mut c)).collect()
    }

    #[test]
    fn same_seed_and_stream_repeat() {
        let a = RandomStreams::new(7);
        let b = RandomStreams::new(7);
        let s = StreamId::named("client", "desktops", 3);
        assert_eq!(draws(&a, s, 10), draws(&b, s, 10));
    }

    #[test]
    fn streams_are_independent_of_other_streams_draws() {
        let r = RandomStreams::new(42);
        let a = StreamId::named("client", "desktops", 0);
        let b = StreamId::named("client", "desktops", 1);
        let alone = draws(&r, a, 5);
        // Interleave heavy use of stream b: a's sequence must not move.
        let (mut ca, mut cb) = (DrawCounter::default(), DrawCounter::default());
        let mut mixed = Vec::new();
        for _ in 0..5 {
            for _ in 0..3 {
                r.next_u64(b, &mut cb);
            }
            mixed.push(r.next_u64(a, &mut ca));
        }
        assert_eq!(alone, mixed);
        assert_ne!(draws(&r, a, 5), draws(&r, b, 5));
    }

    #[test]
    fn seeds_and_names_change_the_draws() {
        let s = StreamId::named("sup", "CAS-SUP", 0);
        assert_ne!(
            draws(&RandomStreams::new(1), s, 4),
            draws(&RandomStreams::new(2), s, 4)
        );
        assert_ne!(
            StreamId::named("sup", "A", 0),
            StreamId::named("client", "A", 0)
        );
    }

    #[test]
    fn batched_units_equal_single_draws() {
        let r = RandomStreams::new(3);
        let s = StreamId::named("client", "g", 8);
        let mut c1 = DrawCounter(5);
        let mut c2 = DrawCounter(5);
        let singles: Vec<f64> = (0..40).map(|_| r.unit(s, &mut c1)).collect();
        let mut batch = Vec::new();
        r.units(s, &mut c2, 40, |u| batch.push(u));
        assert_eq!(singles, batch);
        assert_eq!(c1, c2);
    }

    /// The hand-written block function is ChaCha8 exactly: the same draws as `rand_chacha`'s
    /// generator at the same key, stream and position, across block and counter boundaries.
    #[test]
    fn draws_are_rand_chachas_chacha8() {
        use rand_chacha::ChaCha8Rng;
        use rand_chacha::rand_core::{Rng, SeedableRng};
        for seed in [0u64, 1, 2026, u64::MAX] {
            let r = RandomStreams::new(seed);
            let mut key = [0u8; 32];
            for (k, w) in key.chunks_mut(4).zip(r.words) {
                k.copy_from_slice(&w.to_le_bytes());
            }
            for stream in [0u64, 7, 1 << 32 | 5, u64::MAX] {
                for start in [0u32, 1, 7, 8, 15, 1_000_003, u32::MAX - 3] {
                    let mut want = ChaCha8Rng::from_seed(key);
                    want.set_stream(stream);
                    want.set_word_pos(u128::from(start) * 2);
                    let mut c = DrawCounter(start);
                    for _ in 0..3 {
                        assert_eq!(r.next_u64(StreamId(stream), &mut c), want.next_u64());
                    }
                }
            }
        }
    }

    #[test]
    fn uniform_draws_stay_in_range() {
        let r = RandomStreams::new(9);
        let s = StreamId::named("t", "t", 0);
        let mut c = DrawCounter::default();
        for _ in 0..1_000 {
            let u = r.unit(s, &mut c);
            assert!((0.0..1.0).contains(&u));
            assert!(r.below(s, &mut c, 10) < 10);
        }
        assert_eq!(r.below(s, &mut c, 0), 0);
    }
}
