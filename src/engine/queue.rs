//! The pending-event set: a calendar queue ordered by (time, insertion sequence).
//!
//! Why not a binary heap: with a million pending events a heap spends its time on cache
//! misses (DESIGN.md measured ~1.1M push+pop/s). A calendar queue keeps a ring of buckets,
//! one per `width` milliseconds; a bucket is sorted only when the clock reaches it (or, for
//! a look ahead, just before: the bucket after the one being drained). Events
//! beyond the ring wait one level up, in unsorted buckets of half a ring each (a "span"),
//! and come down a whole span at a time when the ring reaches the span before theirs: a
//! million machines switched off until tomorrow morning cost a push and a move each, not a
//! heap's cache misses (it took 30 % of a run with office hours). Only events more than
//! `FAR` spans ahead wait in a heap.
//!
//! Ties on time resolve first-in-first-out, so the order is identical on every run and
//! machine. Buckets keep no sequence number for it: an entry holds its event and its time as
//! a 32-bit offset from its bucket's (or span's) start, 8 bytes for a 4-byte event instead
//! of 24, and insertion order is kept by the structure. A bucket receives its entries in
//! insertion order (a span's entries before any pushed straight into the ring, the heap's
//! before any pushed straight into their span, since the heap holds only spans beyond the
//! ones pushes reach), so a stable sort by time when the clock reaches it gives (time,
//! insertion) order. An entry pushed into a bucket already sorted (the one being drained, or
//! the next one once a look ahead sorted it) comes after all its entries at the same time, so
//! it waits beside that bucket in a small heap, merged as the bucket pops. Only the heaps,
//! whose entries arrive in any order, keep a sequence number.

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

/// The widest bucket: a span's offsets (`SPAN` buckets) must fit in 32 bits. A wider request
/// gets this width; the order of events does not depend on the width, only the speed.
const MAX_WIDTH: u64 = (u32::MAX as u64 + 1) / SPAN;

/// An entry of the ring or one level up: the event and its time as an offset from the start
/// of its bucket (ring) or span (one level up).
#[derive(Clone, Copy)]
struct Slotted<E> {
    at: u32,
    event: E,
}

/// An entry of a heap, which needs the insertion sequence to break ties.
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
    buckets: Vec<Vec<Slotted<E>>>,
    /// Milliseconds covered by one bucket, as a power of two: a time's bucket is a shift,
    /// not a division, on every push.
    shift: u32,
    /// Absolute slot (`time >> shift`) of the bucket being drained.
    slot: u64,
    /// Read position in the current bucket.
    head: usize,
    /// Whether the current bucket has been sorted since the clock reached it.
    sorted: bool,
    /// Whether the bucket after it has been sorted ahead of its turn, for a look ahead
    /// (`ahead`): pushes into it then keep it in order.
    next_sorted: bool,
    /// Unread entries held in the ring (the current bucket included).
    in_ring: usize,
    /// Entries of the spans after the next, by span (`FAR` of them, a ring too).
    far: Vec<Vec<Slotted<E>>>,
    /// Entries in `far`.
    in_far: usize,
    /// Entries further ahead than `far` reaches.
    overflow: BinaryHeap<Reverse<Entry<E>>>,
    /// Entries pushed at a time before the current bucket's start: they come first.
    late: BinaryHeap<Reverse<Entry<E>>>,
    /// Entries pushed into the bucket being drained once it was sorted, by (offset,
    /// insertion): a heap, so a zero-delay event costs a heap push, not a shift of the
    /// bucket's tail (an insert in the middle of thousands of entries).
    side: BinaryHeap<Reverse<Entry<E>>>,
    /// The same for the bucket after it, once a look ahead sorted it.
    side_next: BinaryHeap<Reverse<Entry<E>>>,
    /// Insertion sequence of the heaps' entries.
    seq: u64,
    /// Working space for sorting a bucket.
    scratch: Vec<Slotted<E>>,
}

impl<E: Copy> EventQueue<E> {
    /// A queue whose buckets each cover `width_ms` milliseconds, rounded up to a power of two
    /// (at least 1, at most about 17 minutes). Choose a width near the typical gap between
    /// consecutive events times a few hundred.
    pub fn new(width_ms: u64) -> Self {
        EventQueue {
            buckets: (0..RING).map(|_| Vec::new()).collect(),
            shift: width_ms
                .clamp(1, MAX_WIDTH)
                .next_power_of_two()
                .trailing_zeros(),
            slot: 0,
            head: 0,
            sorted: false,
            next_sorted: false,
            in_ring: 0,
            far: (0..FAR).map(|_| Vec::new()).collect(),
            in_far: 0,
            overflow: BinaryHeap::new(),
            late: BinaryHeap::new(),
            side: BinaryHeap::new(),
            side_next: BinaryHeap::new(),
            seq: 0,
            scratch: Vec::new(),
        }
    }

    /// The span of the bucket being drained.
    fn span(&self) -> u64 {
        self.slot / SPAN
    }

    /// Files the event at `time` (in the current bucket or after it) in the ring, one level
    /// up, or the heap.
    fn file(&mut self, time: u64, event: E) {
        let slot = time >> self.shift;
        let span = slot / SPAN;
        if span <= self.span() + 1 {
            self.in_ring += 1;
            let at = (time - (slot << self.shift)) as u32;
            self.buckets[(slot % RING as u64) as usize].push(Slotted { at, event });
        } else if span < self.span() + FAR as u64 {
            self.in_far += 1;
            let at = (time - ((span * SPAN) << self.shift)) as u32;
            self.far[(span % FAR as u64) as usize].push(Slotted { at, event });
        } else {
            let seq = self.next_seq();
            self.overflow.push(Reverse(Entry { time, seq, event }));
        }
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// The ring now starts span `span` (its first bucket, not yet sorted): the next span's
    /// entries come down from one level up, and the heap's entries now within reach go up.
    fn enter_span(&mut self, span: u64) {
        self.slot = span * SPAN;
        let next = std::mem::take(&mut self.far[((span + 1) % FAR as u64) as usize]);
        self.in_far -= next.len();
        self.in_ring += next.len();
        let start = ((span + 1) * SPAN) << self.shift;
        for e in &next {
            let time = start + u64::from(e.at);
            let slot = time >> self.shift;
            let at = (time - (slot << self.shift)) as u32;
            self.buckets[(slot % RING as u64) as usize].push(Slotted { at, event: e.event });
        }
        // Keep the span bucket's memory for the next pass around, unless it held a burst.
        if next.capacity() <= KEEP {
            let mut next = next;
            next.clear();
            self.far[((span + 1) % FAR as u64) as usize] = next;
        }
        while let Some(Reverse(e)) = self.overflow.peek() {
            if (e.time >> self.shift) / SPAN >= span + FAR as u64 {
                break;
            }
            let Reverse(e) = self.overflow.pop().expect("peeked");
            self.file(e.time, e.event);
        }
    }

    /// The first span after the ring's that holds an entry, one level up or in the heap.
    fn next_span(&self) -> Option<u64> {
        let span = self.span();
        let far = (span + 2..span + FAR as u64)
            .find(|s| !self.far[(s % FAR as u64) as usize].is_empty())
            .filter(|_| self.in_far > 0);
        far.or_else(|| {
            self.overflow
                .peek()
                .map(|e| (e.0.time >> self.shift) / SPAN)
        })
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.in_ring + self.in_far + self.overflow.len() + self.late.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds `event` at `time`. An event at a time before the last popped one still pops with
    /// its own time, before everything else pending.
    pub fn push(&mut self, time: u64, event: E) {
        let slot = time >> self.shift;
        if slot < self.slot {
            return self.push_late(time, event);
        }
        if slot / SPAN > self.span() + 1 {
            return self.file(time, event);
        }
        self.in_ring += 1;
        let at = (time - (slot << self.shift)) as u32;
        // A sorted bucket's entries were all pushed before it was sorted, so an entry pushed
        // now comes after each of them at the same time: it waits beside, in its heap.
        if slot == self.slot && self.sorted {
            let seq = self.next_seq();
            return self.side.push(Reverse(Entry {
                time: u64::from(at),
                seq,
                event,
            }));
        }
        if slot == self.slot + 1 && self.next_sorted {
            let seq = self.next_seq();
            return self.side_next.push(Reverse(Entry {
                time: u64::from(at),
                seq,
                event,
            }));
        }
        self.buckets[(slot % RING as u64) as usize].push(Slotted { at, event });
    }

    /// An event before the current bucket (rare: kept out of the hot path).
    #[cold]
    #[inline(never)]
    fn push_late(&mut self, time: u64, event: E) {
        let seq = self.next_seq();
        self.late.push(Reverse(Entry { time, seq, event }));
    }

    /// The event `k` places after the next one, if the bucket being drained or the one
    /// after it holds one: a hint of what comes soon, for prefetching (events pushed
    /// meanwhile may come before it; the order does not depend on it). Looking into the
    /// next bucket sorts it ahead of its turn, so that the first events of every bucket are
    /// hinted too (with a few dozen events per bucket, a third of them).
    pub fn ahead(&mut self, k: usize) -> Option<&E> {
        if !self.sorted || !self.late.is_empty() {
            return None;
        }
        let left = self.buckets[(self.slot % RING as u64) as usize].len() - self.head;
        if k < left {
            let bucket = &self.buckets[(self.slot % RING as u64) as usize];
            return Some(&bucket[self.head + k].event);
        }
        let next = ((self.slot + 1) % RING as u64) as usize;
        if !self.next_sorted {
            self.sort_bucket(next);
            self.next_sorted = true;
        }
        self.buckets[next].get(k - left).map(|e| &e.event)
    }

    /// Removes and returns the earliest event as `(time, event)`.
    pub fn pop(&mut self) -> Option<(u64, E)> {
        if !self.late.is_empty() {
            return self.pop_late();
        }
        loop {
            let idx = (self.slot % RING as u64) as usize;
            if !self.sorted {
                self.sort_bucket(idx);
                self.sorted = true;
            }
            let bucket = &mut self.buckets[idx];
            let first = bucket.get(self.head).copied();
            // The bucket's entry first on a tie: it was pushed before anything beside it.
            let beside = self.side.peek().map(|e| e.0.time);
            if let Some(at) = beside
                && first.is_none_or(|e| at < u64::from(e.at))
            {
                let Reverse(e) = self.side.pop().expect("peeked");
                self.in_ring -= 1;
                return Some(((self.slot << self.shift) + e.time, e.event));
            }
            if let Some(e) = first {
                self.head += 1;
                self.in_ring -= 1;
                return Some(((self.slot << self.shift) + u64::from(e.at), e.event));
            }
            if bucket.capacity() > KEEP {
                release(bucket);
            } else {
                bucket.clear();
            }
            self.head = 0;
            // The next bucket is the current one now, sorted if a look ahead sorted it
            // (entering a span brings down the span after it, never this bucket).
            self.sorted = std::mem::take(&mut self.next_sorted);
            std::mem::swap(&mut self.side, &mut self.side_next);
            if self.in_ring == 0 {
                // Nothing left in this span or the next: jump to the span before the next
                // one holding anything, which brings it down.
                self.sorted = false;
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

    /// Sorts ring bucket `idx` by time, stably: entries at the same time stay in insertion
    /// order. With 1 ms buckets every entry of a bucket has the same time.
    fn sort_bucket(&mut self, idx: usize) {
        if self.shift > 0 {
            let bits = self.shift;
            super::radix::stable_sort_by_key(
                &mut self.buckets[idx],
                &mut self.scratch,
                bits,
                |e| e.at,
            );
        }
    }

    #[cold]
    #[inline(never)]
    fn pop_late(&mut self) -> Option<(u64, E)> {
        self.late.pop().map(|Reverse(e)| (e.time, e.event))
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
    fn ahead_shows_what_the_bucket_holds_next() {
        let mut q = EventQueue::new(16);
        for (t, e) in [(3, 1), (1, 2), (2, 3), (40, 4)] {
            q.push(t, e);
        }
        assert_eq!(q.ahead(0).copied(), None, "no bucket opened yet");
        assert_eq!(q.pop(), Some((1, 2)));
        assert_eq!(
            (
                q.ahead(0).copied(),
                q.ahead(1).copied(),
                q.ahead(2).copied()
            ),
            (Some(3), Some(1), None),
            "the next bucket (16..32) is empty"
        );
        // Into the bucket after, sorted ahead of its turn: the entries pushed now wait
        // beside it (a hint need not show them), and still pop in order.
        q.push(20, 5);
        q.push(19, 6);
        q.push(19, 7);
        q.push(27, 8);
        assert_eq!(q.ahead(2).copied(), None);
        assert_eq!(
            drain(&mut q),
            vec![(2, 3), (3, 1), (19, 6), (19, 7), (20, 5), (27, 8), (40, 4)]
        );
    }

    #[test]
    fn a_bucket_is_a_power_of_two_milliseconds_wide() {
        // The width is a speed hint: rounded up, it never changes the order.
        for (asked, shift) in [(0, 0), (1, 0), (2, 1), (3, 2), (2_000, 11), (2_048, 11)] {
            assert_eq!(EventQueue::<u32>::new(asked).shift, shift, "{asked} ms");
        }
        assert_eq!(1 << EventQueue::<u32>::new(u64::MAX).shift, MAX_WIDTH);
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
    fn events_before_the_clock_pop_first_at_their_time() {
        let mut q = EventQueue::new(10);
        q.push(100, 1);
        q.push(105, 2);
        q.push(250, 3);
        assert_eq!(q.pop(), Some((100, 1)));
        q.push(20, 4);
        q.push(7, 5);
        q.push(20, 6);
        q.push(105, 7);
        assert_eq!(q.len(), 6);
        assert_eq!(
            drain(&mut q),
            vec![(7, 5), (20, 4), (20, 6), (105, 2), (105, 7), (250, 3)]
        );
        q.push(3, 8); // after the queue ran dry, too
        q.push(300, 9);
        assert_eq!(drain(&mut q), vec![(3, 8), (300, 9)]);
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
            let room = q.buckets.iter().map(Vec::capacity).sum::<usize>()
                + q.side.capacity()
                + q.side_next.capacity();
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
            (2_000, 50_000_000),
            (50_000_000, 90_000_000),
        ] {
            let mut q = EventQueue::new(width);
            let mut reference: Vec<(u64, u64, u32)> = Vec::new();
            let mut seq = 0;
            let mut now: u64 = 0;
            for i in 0..20_000u32 {
                if i % 3 != 2 {
                    // Now and then an event before the clock (it pops first, at its time).
                    let t = match i % 101 {
                        0 => now.saturating_sub(next() % 3_000),
                        1 => now,
                        _ => now + next() % gap,
                    };
                    q.push(t, i);
                    reference.push((t, seq, i));
                    seq += 1;
                } else if i % 7 == 0 {
                    // A look ahead (which may sort the next bucket early) changes no order.
                    let _ = q.ahead((next() % 40) as usize);
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
