//! The raw engine's cost: the classic "hold" model. N events are pending; each is popped and
//! rescheduled after an exponential delay (mean 1 s), so N stays constant. At 10k, 100k and
//! 1M pending, four implementations run the same delay stream:
//!
//! - `engine_run_loop`: the `Simulation` run loop the model uses (queue + dispatch to a
//!   handler that reschedules its event);
//! - `engine_queue`: the engine's `EventQueue` alone (push + pop);
//! - `binary_heap`: a plain `BinaryHeap<Reverse<(time, seq)>>`;
//! - `calendar_queue`: a plain calendar queue (below): a ring of one-millisecond buckets,
//!   first-in-first-out within a bucket, with an overflow heap beyond the ring.
//!
//! Throughput is holds (one pop + one push) per second. Run: `cargo bench --bench engine`
//! (one size: `cargo bench --bench engine -- hold_1M`).

use cmsim::engine::{Context, EventQueue, Handler, SimDuration, SimTime, Simulation};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::time::Duration;

/// Pending events: the three sizes of the hold model.
const SIZES: [(&str, u64); 3] = [("10k", 10_000), ("100k", 100_000), ("1M", 1_000_000)];

/// Holds per measured iteration (criterion repeats iterations to fill its measurement time).
const HOLDS: u64 = 100_000;

/// The seed of the delay stream, the same for every implementation.
const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// A xorshift generator of exponential delays in ms (mean 1000): cheap and deterministic.
struct Delays(u64);
impl Delays {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let u = ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        (-u.ln() * 1_000.0) as u64
    }
}

/// A plain calendar queue: `RING` buckets of one millisecond each, so every event in a bucket
/// has the same time and first-in-first-out within the bucket is (time, insertion) order.
/// Events `RING` ms or more ahead of the clock wait in a heap ordered by (time, insertion) and
/// move into the ring as the clock comes within reach of them.
struct PlainCalendar {
    buckets: Vec<Vec<u32>>,
    /// The time (ms) of the bucket being drained.
    now: u64,
    /// Read position in the current bucket.
    head: usize,
    /// Unread events in the ring.
    in_ring: usize,
    overflow: BinaryHeap<Reverse<(u64, u64, u32)>>,
    seq: u64,
}

/// Buckets in the plain calendar's ring: 16.4 s, 16 mean delays.
const RING: u64 = 1 << 14;

impl PlainCalendar {
    fn new() -> Self {
        PlainCalendar {
            buckets: (0..RING).map(|_| Vec::new()).collect(),
            now: 0,
            head: 0,
            in_ring: 0,
            overflow: BinaryHeap::new(),
            seq: 0,
        }
    }

    fn push(&mut self, time: u64, event: u32) {
        let time = time.max(self.now);
        if time < self.now + RING {
            self.buckets[(time & (RING - 1)) as usize].push(event);
            self.in_ring += 1;
        } else {
            self.overflow.push(Reverse((time, self.seq, event)));
        }
        self.seq += 1;
    }

    fn pop(&mut self) -> Option<(u64, u32)> {
        loop {
            let bucket = &mut self.buckets[(self.now & (RING - 1)) as usize];
            if let Some(&e) = bucket.get(self.head) {
                self.head += 1;
                self.in_ring -= 1;
                return Some((self.now, e));
            }
            bucket.clear();
            self.head = 0;
            if self.in_ring == 0 {
                self.now = self.overflow.peek()?.0.0;
            } else {
                self.now += 1;
            }
            // The bucket that just came into reach takes its events from the heap.
            while let Some(&Reverse((t, _, e))) = self.overflow.peek() {
                if t >= self.now + RING {
                    break;
                }
                self.overflow.pop();
                self.buckets[(t & (RING - 1)) as usize].push(e);
                self.in_ring += 1;
            }
        }
    }
}

/// A model that reschedules every event it handles: the hold model through the run loop.
struct Hold(Delays);

impl Handler for Hold {
    type Event = u32;
    type Fact = ();
    type Broken = ();
    fn handle(&mut self, e: u32, cx: &mut Context<'_, u32, ()>) -> Result<(), ()> {
        cx.schedule_in(SimDuration::from_ms(self.0.next()), e);
        Ok(())
    }
}

/// The run loop wants an observer; the bench measures the engine without one.
struct NoObserver;
impl cmsim::engine::Observer<()> for NoObserver {
    fn observe(&mut self, _: SimTime, _: &()) {}
}

/// A queue of `u32` events by time, as the hold model uses it.
trait HoldQueue {
    fn push(&mut self, time: u64, event: u32);
    fn pop(&mut self) -> Option<(u64, u32)>;
}

impl HoldQueue for EventQueue<u32> {
    fn push(&mut self, time: u64, event: u32) {
        EventQueue::push(self, time, event);
    }
    fn pop(&mut self) -> Option<(u64, u32)> {
        EventQueue::pop(self)
    }
}

impl HoldQueue for PlainCalendar {
    fn push(&mut self, time: u64, event: u32) {
        PlainCalendar::push(self, time, event);
    }
    fn pop(&mut self) -> Option<(u64, u32)> {
        PlainCalendar::pop(self)
    }
}

/// The hold model on `q` with `pending` events, as bench `name`.
fn hold_on(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    pending: u64,
    mut q: impl HoldQueue,
) {
    let mut d = Delays(SEED);
    for i in 0..pending {
        q.push(d.next(), i as u32);
    }
    g.bench_function(name, |b| {
        b.iter(|| {
            for _ in 0..HOLDS {
                let (t, e) = q.pop().expect("pending");
                q.push(t + d.next(), black_box(e));
            }
        });
    });
}

fn hold(c: &mut Criterion) {
    for (name, pending) in SIZES {
        let mut g = c.benchmark_group(format!("hold_{name}_pending"));
        g.sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(4))
            .throughput(Throughput::Elements(HOLDS));

        {
            let mut d = Delays(SEED);
            let mut sim = Simulation::new(1);
            for i in 0..pending {
                sim.schedule_at(SimTime(d.next()), i as u32);
            }
            let mut model = Hold(d);
            g.bench_function("engine_run_loop", |b| {
                b.iter(|| {
                    // A run cut at its event limit drops the event it stopped at: put one
                    // back at that time so the pending count stays constant.
                    let stats = sim
                        .run(
                            &mut model,
                            SimTime(u64::MAX),
                            HOLDS,
                            &mut None::<NoObserver>,
                        )
                        .expect("the hold model breaks nothing");
                    assert!(stats.cut && stats.events == HOLDS);
                    sim.schedule_at(stats.end, 0);
                });
            });
        }
        hold_on(&mut g, "engine_queue", pending, EventQueue::new(1));
        {
            let mut d = Delays(SEED);
            let mut q = BinaryHeap::new();
            let mut seq = 0u64;
            for _ in 0..pending {
                q.push(Reverse((d.next(), seq)));
                seq += 1;
            }
            g.bench_function("binary_heap", |b| {
                b.iter(|| {
                    for _ in 0..HOLDS {
                        let Reverse((t, _)) = q.pop().expect("pending");
                        q.push(Reverse((t + d.next(), black_box(seq))));
                        seq += 1;
                    }
                });
            });
        }
        hold_on(&mut g, "calendar_queue", pending, PlainCalendar::new());
        g.finish();
    }
}

/// The plain calendar queue gives the same order as the heap: (time, insertion).
fn check_plain_calendar() {
    let mut d = Delays(SEED);
    let (mut cal, mut heap) = (PlainCalendar::new(), BinaryHeap::new());
    for i in 0..10_000u32 {
        // Some delays beyond the ring, to exercise the overflow heap.
        let t = d.next() * if i % 7 == 0 { 40 } else { 1 };
        cal.push(t, i);
        heap.push(Reverse((t, i as u64, i)));
    }
    for i in 0..200_000u32 {
        let Reverse((t, _, e)) = heap.pop().expect("pending");
        assert_eq!(cal.pop(), Some((t, e)), "hold {i}");
        let next = t + d.next() * if i % 7 == 0 { 40 } else { 1 };
        cal.push(next, e);
        heap.push(Reverse((next, 10_000 + u64::from(i), e)));
    }
}

fn checks(_: &mut Criterion) {
    check_plain_calendar();
}

criterion_group!(benches, checks, hold);
criterion_main!(benches);
