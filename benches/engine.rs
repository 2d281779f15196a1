//! The raw engine's cost: the classic "hold" model with about a million pending events. Each
//! event pops and reschedules itself after an exponential delay (mean 1 s). Compared with a
//! plain binary heap, the DESIGN.md baseline. Run: `cargo bench --bench engine`.

use cmsim::engine::{Context, EventQueue, Handler, SimDuration, SimTime, Simulation};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

const PENDING: u64 = 1_000_000;
const HOLDS: u64 = 1_000_000;

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

fn hold_queue(c: &mut Criterion) {
    let mut g = c.benchmark_group("hold_1M_pending");
    g.sample_size(10);
    g.throughput(Throughput::Elements(HOLDS));
    g.bench_function("calendar_queue", |b| {
        let mut d = Delays(0x9E37_79B9_7F4A_7C15);
        let mut q = EventQueue::new(1);
        for i in 0..PENDING {
            q.push(d.next(), i as u32);
        }
        b.iter(|| {
            for _ in 0..HOLDS {
                let (t, e) = q.pop().expect("pending");
                q.push(t + d.next(), black_box(e));
            }
        });
    });
    g.bench_function("binary_heap", |b| {
        let mut d = Delays(0x9E37_79B9_7F4A_7C15);
        let mut q = BinaryHeap::new();
        let mut seq = 0u64;
        for _ in 0..PENDING {
            q.push(Reverse((d.next(), seq)));
            seq += 1;
        }
        b.iter(|| {
            for _ in 0..HOLDS {
                let Reverse((t, _)) = q.pop().expect("pending");
                q.push(Reverse((t + d.next(), black_box(seq))));
                seq += 1;
            }
        });
    });
    g.finish();
}

/// A model that reschedules every event until it has handled `budget`, then lets the queue
/// drain: exactly `budget + PENDING` events per run.
struct Hold {
    delays: Delays,
    budget: u64,
}

impl Handler for Hold {
    type Event = u32;
    type Fact = ();
    type Broken = ();
    fn handle(&mut self, e: u32, cx: &mut Context<'_, u32, ()>) -> Result<(), ()> {
        if self.budget > 0 {
            self.budget -= 1;
            cx.schedule_in(SimDuration::from_ms(self.delays.next()), e);
        }
        Ok(())
    }
}

fn engine_run_loop(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine_run_loop");
    g.sample_size(10);
    g.throughput(Throughput::Elements(HOLDS + PENDING));
    g.bench_function("hold_1M_pending", |b| {
        b.iter_batched_ref(
            || {
                let mut d = Delays(7);
                let mut sim = Simulation::new(1);
                for i in 0..PENDING {
                    sim.schedule_at(SimTime(d.next()), i as u32);
                }
                (
                    sim,
                    Hold {
                        delays: d,
                        budget: HOLDS,
                    },
                )
            },
            |(sim, hold)| {
                let stats = sim
                    .run(hold, SimTime(u64::MAX), u64::MAX, &mut None::<NoObserver>)
                    .expect("the hold model breaks nothing");
                assert_eq!(stats.events, HOLDS + PENDING);
            },
            BatchSize::LargeInput,
        );
    });
    g.finish();
}

/// The run loop wants an observer; the bench measures the engine without one.
struct NoObserver;
impl cmsim::engine::Observer<()> for NoObserver {
    fn observe(&mut self, _: SimTime, _: &()) {}
}

criterion_group!(benches, hold_queue, engine_run_loop);
criterion_main!(benches);
