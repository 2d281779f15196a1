//! The pending-event set: a calendar queue ordered by (time, insertion sequence).
//!
//! Why not a binary heap: with a million pending events a heap spends its time on cache
//! misses (DESIGN.md measured ~1.1M push+pop/s). A calendar queue keeps a ring of buckets,
//! one per `width` milliseconds; a bucket is sorted only when the clock reaches it. Events
//! beyond the ring wait one level up, in unsorted buckets of half a ring each (a "span"),
//! and come down a whole span at a time when the ring reaches the span before theirs: a
//! million machines switched off until tomorrow morning cost a push and a move each, not a
//! heap's cache misses (it took 30 % of a run with office hours). Only events more than
//! `FAR` spans ahead wait in a heap.
//! Ties on time resolve first-in-first-out by a global insertion counter, so the order is
//! identical on every run and machine.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// Number of buckets in the ring.
const RING: usize = 8_192;

/// Buckets in a span: the ring holds the current span and the next.
const SPAN: u64 = RING as u64 / 2;

/// Spans held one level up (beyond them, the heap).
const FAR: usize = 2_048;

/// Entries a drained bucket keeps room for; a bucket that held more (a burst: a deadline for
/// a million clients) gives its memory back, so the ring never holds 8,192 burst-sized
/// buckets. Bursts are rare, so this costs an allocation per thousands of events, not per event.
const KEEP: usize = 1_024;

#[derive(Clone, Copy)]
struct Entry<E> {
    time: u64,
    seq: u64,
    event: E,
}

impl<E> Entry<E> {
    fn key(&self) -> (u64, u64) {
        (self.time, self.seq)
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// A calendar queue of `Copy` events keyed by millisecond time.
pub struct EventQueue<E: Copy> {
    buckets: Vec<Vec<Entry<E>>>,
    /// Milliseconds covered by one bucket.
    width: u64,
    /// Absolute slot (`time / width`) of the bucket being drained.
    slot: u64,
    /// Read position in the current bucket.
    head: usize,
    /// Whether the current bucket has been sorted since the clock reached it.
    sorted: bool,
    /// Unread entries held in the ring (the current bucket included).
    in_ring: usize,
    /// Entries of the spans after the next, by span (`FAR` of them, a ring too).
    far: Vec<Vec<Entry<E>>>,
    /// Entries in `far`.
    in_far: usize,
    /// Entries further ahead than `far` reaches.
    overflow: BinaryHeap<Reverse<Entry<E>>>,
    seq: u64,
}

impl<E: Copy> EventQueue<E> {
    /// A queue whose buckets each cover `width_ms` milliseconds (at least 1). Choose a width
    /// near the typical gap between consecutive events times a few hundred.
    pub fn new(width_ms: u64) -> Self {
        EventQueue {
            buckets: (0..RING).map(|_| Vec::new()).collect(),
            width: width_ms.max(1),
            slot: 0,
            head: 0,
            sorted: false,
            in_ring: 0,
            far: (0..FAR).map(|_| Vec::new()).collect(),
            in_far: 0,
            overflow: BinaryHeap::new(),
            seq: 0,
        }
    }

    /// The span of the bucket being drained.
    fn span(&self) -> u64 {
        self.slot / SPAN
    }

    /// Files `entry` (never before the current slot) in the ring, one level up, or the heap.
    fn file(&mut self, entry: Entry<E>) {
        let slot = (entry.time / self.width).max(self.slot);
        let span = slot / SPAN;
        if span <= self.span() + 1 {
            self.in_ring += 1;
            self.buckets[(slot % RING as u64) as usize].push(entry);
        } else if span < self.span() + FAR as u64 {
            self.in_far += 1;
            self.far[(span % FAR as u64) as usize].push(entry);
        } else {
            self.overflow.push(Reverse(entry));
        }
    }

    /// The ring now starts span `span` (its first bucket, not yet sorted): the next span's
    /// entries come down from one level up, and the heap's entries now within reach go up.
    fn enter_span(&mut self, span: u64) {
        self.slot = span * SPAN;
        let next = std::mem::take(&mut self.far[((span + 1) % FAR as u64) as usize]);
        self.in_far -= next.len();
        for e in &next {
            self.in_ring += 1;
            self.buckets[((e.time / self.width) % RING as u64) as usize].push(*e);
        }
        // Keep the span bucket's memory for the next pass around, unless it held a burst.
        if next.capacity() <= KEEP {
            let mut next = next;
            next.clear();
            self.far[((span + 1) % FAR as u64) as usize] = next;
        }
        while let Some(Reverse(e)) = self.overflow.peek() {
            if e.time / self.width / SPAN >= span + FAR as u64 {
                break;
            }
            let Reverse(e) = self.overflow.pop().expect("peeked");
            self.file(e);
        }
    }

    /// The first span after the ring's that holds an entry, one level up or in the heap.
    fn next_span(&self) -> Option<u64> {
        let span = self.span();
        let far = (span + 2..span + FAR as u64)
            .find(|s| !self.far[(s % FAR as u64) as usize].is_empty())
            .filter(|_| self.in_far > 0);
        far.or_else(|| self.overflow.peek().map(|e| e.0.time / self.width / SPAN))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.in_ring + self.in_far + self.overflow.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds `event` at `time`. Times before the last popped event are treated as "now".
    pub fn push(&mut self, time: u64, event: E) {
        let entry = Entry {
            time,
            seq: self.seq,
            event,
        };
        self.seq += 1;
        let slot = (time / self.width).max(self.slot);
        if slot / SPAN > self.span() + 1 {
            return self.file(entry);
        }
        self.in_ring += 1;
        let bucket = &mut self.buckets[(slot % RING as u64) as usize];
        if slot == self.slot && self.sorted {
            // Events keep arriving in the bucket being drained (a 1 ms timer reschedules into
            // it thousands of times): drop the handled prefix once it is most of the bucket,
            // so its memory follows what is pending, not what was handled.
            if self.head >= KEEP && self.head * 2 >= bucket.len() {
                bucket.drain(..self.head);
                self.head = 0;
            }
            let at = self.head + bucket[self.head..].partition_point(|e| e.key() <= entry.key());
            bucket.insert(at, entry);
        } else {
            bucket.push(entry);
        }
    }

    /// Removes and returns the earliest event as `(time, event)`.
    pub fn pop(&mut self) -> Option<(u64, E)> {
        loop {
            let idx = (self.slot % RING as u64) as usize;
            if !self.sorted {
                self.buckets[idx].sort_unstable_by_key(Entry::key);
                self.sorted = true;
            }
            let bucket = &mut self.buckets[idx];
            if let Some(e) = bucket.get(self.head) {
                let e = *e;
                self.head += 1;
                self.in_ring -= 1;
                return Some((e.time, e.event));
            }
            if bucket.capacity() > KEEP {
                release(bucket);
            } else {
                bucket.clear();
            }
            self.head = 0;
            self.sorted = false;
            if self.in_ring == 0 {
                // Nothing left in this span or the next: jump to the span before the next
                // one holding anything, which brings it down.
                let next = self.next_span()?;
                self.enter_span(next - 1);
            } else {
                self.slot += 1;
                if self.slot.is_multiple_of(SPAN) {
                    self.enter_span(self.slot / SPAN);
                }
            }
        }
    }
}

/// Gives back the memory of a bucket that held a burst (rare: kept out of the hot path).
#[cold]
#[inline(never)]
fn release<T>(bucket: &mut Vec<T>) {
    *bucket = Vec::new();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(q: &mut EventQueue<u32>) -> Vec<(u64, u32)> {
        std::iter::from_fn(|| q.pop()).collect()
    }

    #[test]
    fn orders_by_time_then_insertion() {
        let mut q = EventQueue::new(1);
        q.push(5, 1);
        q.push(3, 2);
        q.push(5, 3);
        q.push(3, 4);
        q.push(0, 5);
        assert_eq!(drain(&mut q), vec![(0, 5), (3, 2), (3, 4), (5, 1), (5, 3)]);
    }

    #[test]
    fn far_events_come_back_from_overflow_in_order() {
        let mut q = EventQueue::new(1);
        let far = 10 * RING as u64;
        q.push(far + 7, 1);
        q.push(far, 2);
        q.push(far, 3);
        q.push(1, 4);
        q.push(3 * far, 5);
        assert_eq!(q.len(), 5);
        assert_eq!(
            drain(&mut q),
            vec![(1, 4), (far, 2), (far, 3), (far + 7, 1), (3 * far, 5)]
        );
    }

    #[test]
    fn pushes_at_the_current_time_run_after_earlier_ties() {
        let mut q = EventQueue::new(1_000);
        q.push(10, 1);
        q.push(10, 2);
        q.push(900, 3);
        assert_eq!(q.pop(), Some((10, 1)));
        q.push(10, 4); // zero-delay event while draining time 10
        q.push(500, 5); // same bucket, later time
        assert_eq!(drain(&mut q), vec![(10, 2), (10, 4), (500, 5), (900, 3)]);
    }

    #[test]
    fn memory_follows_pending_events_not_handled_ones() {
        // A 1 ms timer rescheduling itself 100,000 times inside one 2 s bucket, beside a
        // burst of 50,000 events: the ring must not keep room for what was handled.
        let mut q = EventQueue::new(2_000);
        for i in 0..50_000 {
            q.push(1_000 + i % 500, u32::MAX);
        }
        q.push(0, 0);
        let (mut fired, peak) = (0, q.len());
        while let Some((t, n)) = q.pop() {
            if n != u32::MAX && n < 100_000 {
                q.push(t + 1, n + 1);
                fired += 1;
            }
            let room: usize = q.buckets.iter().map(Vec::capacity).sum();
            // Doubling may leave room for twice the peak; handled events add nothing.
            assert!(
                room <= 4 * KEEP + 2 * peak.next_power_of_two(),
                "room for {room}"
            );
        }
        assert_eq!(fired, 100_000);
    }

    #[test]
    fn matches_a_sorted_reference_under_random_load() {
        // A deterministic pseudo-random hold model checked against sorting by (time, seq).
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        // Gaps within the ring, one level up, and beyond it in the heap (width 1: a span
        // is 4,096 ms, one level up reaches 8.4 M ms ahead).
        for (width, gap) in [
            (1, 50_000),
            (7, 50_000),
            (1_000, 50_000),
            (1, 20_000_000),
            (3, 90_000_000),
        ] {
            let mut q = EventQueue::new(width);
            let mut reference: Vec<(u64, u64, u32)> = Vec::new();
            let mut seq = 0;
            let mut now = 0;
            for i in 0..20_000u32 {
                if i % 3 != 2 {
                    let t = now + next() % gap;
                    q.push(t, i);
                    reference.push((t, seq, i));
                    seq += 1;
                } else if let Some((t, ev)) = q.pop() {
                    reference.sort();
                    let (rt, _, rev) = reference.remove(0);
                    assert_eq!((t, ev), (rt, rev));
                    now = t;
                }
            }
            reference.sort();
            let rest: Vec<_> = reference.iter().map(|&(t, _, e)| (t, e)).collect();
            assert_eq!(q.len(), rest.len());
            assert_eq!(drain(&mut q), rest);
            assert!(q.is_empty());
        }
    }
}
