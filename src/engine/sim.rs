//! The run loop: pops events in (time, sequence) order, hands them to the model, and passes
//! what the model reports to the observers. It knows nothing of ConfigMgr.

use super::queue::EventQueue;
use super::time::{SimDuration, SimTime};

/// The model side of a simulation: reacts to its own events.
pub trait Handler {
    /// A small `Copy` value naming what happens; queued without heap allocation.
    type Event: Copy;
    /// What the model reports to observers (trace lines, metrics).
    type Fact;
    /// Why the model stopped a run: one of its invariants broke.
    type Broken;
    /// Reacts to `event` at `cx.now()`; an error stops the run at once.
    fn handle(
        &mut self,
        event: Self::Event,
        cx: &mut Context<'_, Self::Event, Self::Fact>,
    ) -> Result<(), Self::Broken>;
    /// Reports what only the end of the run can tell (a final tally); nothing by default.
    fn finish(&mut self, _cx: &mut Context<'_, Self::Event, Self::Fact>) {}
    /// `event` is due soon: start loading what handling it will read, so that its cache
    /// misses overlap the work before it. A hint only; nothing by default.
    fn prefetch(&self, _event: &Self::Event) {}
}

/// How many events ahead the run loop asks the handler to prefetch: far enough that memory
/// answers (~100 ns) before the event comes up, near enough that it is still in cache.
const PREFETCH_AHEAD: usize = 8;

/// Bytes in a cache line.
const LINE: usize = 64;

/// Asks the processor to bring every cache line `values` touches into its caches, without
/// waiting for them: a hint that never faults and changes nothing a program can observe (a
/// no-op on other processors than x86-64). A run of bytes that spans or straddles lines (a
/// client's update bits are two lines with 100 updates; a 68-byte record packed in an array
/// straddles two 14 times in 16) needs each hinted, or what lies in the others waits on
/// memory anyway.
#[inline(always)]
pub fn prefetch_all<T>(values: &[T]) {
    let start = values.as_ptr().cast::<u8>();
    for offset in line_offsets(start as usize, std::mem::size_of_val(values)) {
        prefetch_address(start.wrapping_add(offset));
    }
}

/// Offsets into `bytes` bytes at address `start` that fall in each cache line they touch,
/// one per line: 0, then the start of every line after the first.
#[inline(always)]
fn line_offsets(start: usize, bytes: usize) -> impl Iterator<Item = usize> {
    std::iter::successors((bytes > 0).then_some(0), move |&offset| {
        Some(offset + LINE - (start + offset) % LINE).filter(|&next| next < bytes)
    })
}

#[inline(always)]
fn prefetch_address(address: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 only hints the cache; it never faults or reads into a register,
    // whatever the address (callers pass addresses inside live values besides).
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(address.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}

/// A fact that only a full record of the run reads (a trace line), no figure: a run whose
/// observers do not ask for detail does not report it, so its cost (a third of the facts
/// of a large run) is not paid where nothing reads it.
pub trait Detail {
    /// Whether this fact is detail only.
    fn is_detail(&self) -> bool;
}

/// Receives the facts a model reports, in order.
pub trait Observer<F> {
    /// Called for every fact, at the simulated time it happened (detail facts only when
    /// [`Self::wants_detail`]).
    fn observe(&mut self, t: SimTime, fact: &F);
    /// Takes in `facts`, in order, leaving the vector empty: the run loop hands facts over
    /// in batches. One by one by default; an observer that passes facts on whole (`Relay`)
    /// takes the vector as it is.
    fn observe_all(&mut self, facts: &mut Vec<(SimTime, F)>) {
        for (t, fact) in facts.drain(..) {
            self.observe(t, &fact);
        }
    }
    /// Called every few thousand events, for progress display.
    fn tick(&mut self, _now: SimTime, _events: u64) {}
    /// Whether it reads detail facts ([`Detail`]); asked once, at the start of a run. Yes
    /// unless it says otherwise: an observer that records everything gets everything.
    fn wants_detail(&self) -> bool {
        true
    }
}

impl<F, O: Observer<F> + ?Sized> Observer<F> for &mut O {
    fn observe(&mut self, t: SimTime, fact: &F) {
        (**self).observe(t, fact);
    }
    fn observe_all(&mut self, facts: &mut Vec<(SimTime, F)>) {
        (**self).observe_all(facts);
    }
    fn tick(&mut self, now: SimTime, events: u64) {
        (**self).tick(now, events);
    }
    fn wants_detail(&self) -> bool {
        (**self).wants_detail()
    }
}

impl<F, A: Observer<F>, B: Observer<F>> Observer<F> for (A, B) {
    fn observe(&mut self, t: SimTime, fact: &F) {
        self.0.observe(t, fact);
        self.1.observe(t, fact);
    }
    fn tick(&mut self, now: SimTime, events: u64) {
        self.0.tick(now, events);
        self.1.tick(now, events);
    }
    fn wants_detail(&self) -> bool {
        self.0.wants_detail() || self.1.wants_detail()
    }
}

impl<F, O: Observer<F>> Observer<F> for Option<O> {
    fn observe(&mut self, t: SimTime, fact: &F) {
        if let Some(o) = self {
            o.observe(t, fact);
        }
    }
    fn observe_all(&mut self, facts: &mut Vec<(SimTime, F)>) {
        match self {
            Some(o) => o.observe_all(facts),
            None => facts.clear(),
        }
    }
    fn tick(&mut self, now: SimTime, events: u64) {
        if let Some(o) = self {
            o.tick(now, events);
        }
    }
    fn wants_detail(&self) -> bool {
        self.as_ref().is_some_and(O::wants_detail)
    }
}

/// What a handler may do while reacting to an event.
pub struct Context<'a, E: Copy, F> {
    now: SimTime,
    queue: &'a mut EventQueue<E>,
    /// Facts reported and not yet handed to the observers: a push each, where a call through
    /// the observers' vtable per fact cost a twentieth of a large run.
    facts: &'a mut Vec<(SimTime, F)>,
    /// Where they go, a batch at a time.
    observer: &'a mut dyn Observer<F>,
    /// Whether the observers read detail facts.
    detail: bool,
}

impl<E: Copy, F> Context<'_, E, F> {
    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }
    /// Schedules `event` at `at` (never earlier than now).
    pub fn schedule_at(&mut self, at: SimTime, event: E) {
        self.queue.push(at.max(self.now).0, event);
    }
    /// Schedules `event` after `delay`.
    pub fn schedule_in(&mut self, delay: SimDuration, event: E) {
        self.schedule_at(self.now + delay, event);
    }
}

impl<E: Copy, F: Detail> Context<'_, E, F> {
    /// Reports `fact` as happening now (a detail fact only to observers that read detail).
    #[inline]
    pub fn emit(&mut self, fact: F) {
        if self.detail || !fact.is_detail() {
            self.facts.push((self.now, fact));
            if self.facts.len() >= FACT_BATCH {
                self.hand_over();
            }
        }
    }

    /// Hands the gathered facts to the observers (one event may report a million: the batch
    /// never grows past its size).
    #[cold]
    #[inline(never)]
    fn hand_over(&mut self) {
        self.observer.observe_all(self.facts);
    }
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunStats {
    /// The end time of the run.
    pub end: SimTime,
    /// Events processed.
    pub events: u64,
    /// Whether the run stopped at its event limit before `end`: then `end` is the time it
    /// reached and it has no figures to give.
    pub cut: bool,
}

/// Why a run stopped before its end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Halt<B> {
    /// The model found one of its invariants broken.
    Broken(B),
    /// The queue handed out an event earlier than the one before (an engine invariant).
    TimeWentBack {
        /// The time of the previous event.
        last: SimTime,
        /// The earlier time that followed it.
        next: SimTime,
    },
}

/// Events between two progress ticks.
const TICK_EVERY: u64 = 1 << 16;

/// Facts gathered before they go to the observers: enough that handing them over is rare,
/// few enough that they stay in cache and that a run's memory does not grow with an event
/// that reports a fact per client.
const FACT_BATCH: usize = 4096;

/// A discrete-event simulation of events of type `E`.
pub struct Simulation<E: Copy> {
    queue: EventQueue<E>,
}

impl<E: Copy> Simulation<E> {
    /// An empty simulation whose queue buckets cover `bucket_ms` milliseconds each.
    pub fn new(bucket_ms: u64) -> Self {
        Simulation {
            queue: EventQueue::new(bucket_ms),
        }
    }

    /// Schedules an initial event.
    pub fn schedule_at(&mut self, at: SimTime, event: E) {
        self.queue.push(at.0, event);
    }

    /// Runs until no event is left at or before `end`; events after `end` are not processed.
    /// Handles at most `max_events`: with more to do, it stops at the next one's time and
    /// says so (`RunStats::cut`) — a bound on the run's time whatever the model schedules.
    /// Stops at once, at the time of the offending event, when time goes back or the handler
    /// reports a broken invariant: a run that broke an invariant has no figures to give.
    pub fn run<H, O>(
        &mut self,
        handler: &mut H,
        end: SimTime,
        max_events: u64,
        observer: &mut O,
    ) -> Result<RunStats, (SimTime, Halt<H::Broken>)>
    where
        H: Handler<Event = E>,
        O: Observer<H::Fact>,
    {
        let mut events = 0u64;
        let mut last = 0;
        let detail = observer.wants_detail();
        let mut facts = Vec::with_capacity(FACT_BATCH);
        while let Some((t, event)) = self.queue.pop() {
            if t > end.0 {
                break;
            }
            if events == max_events {
                observer.observe_all(&mut facts);
                return Ok(RunStats {
                    end: SimTime(t),
                    events,
                    cut: true,
                });
            }
            if t < last {
                let halt = Halt::TimeWentBack {
                    last: SimTime(last),
                    next: SimTime(t),
                };
                observer.observe_all(&mut facts);
                return Err((SimTime(t), halt));
            }
            last = t;
            if let Some(soon) = self.queue.ahead(PREFETCH_AHEAD) {
                handler.prefetch(soon);
            }
            let mut cx = Context {
                now: SimTime(t),
                queue: &mut self.queue,
                facts: &mut facts,
                observer,
                detail,
            };
            if let Err(b) = handler.handle(event, &mut cx) {
                observer.observe_all(&mut facts);
                return Err((SimTime(t), Halt::Broken(b)));
            }
            events += 1;
            if events.is_multiple_of(TICK_EVERY) {
                observer.observe_all(&mut facts);
                observer.tick(SimTime(t), events);
            }
        }
        let mut cx = Context {
            now: end,
            queue: &mut self.queue,
            facts: &mut facts,
            observer,
            detail,
        };
        handler.finish(&mut cx);
        observer.observe_all(&mut facts);
        observer.tick(end, events);
        Ok(RunStats {
            end,
            events,
            cut: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ping that reschedules itself every 10 ms, three times, reporting each firing.
    struct Ping(u32);
    impl Detail for (u32, u64) {
        /// The firings of odd numbers are detail.
        fn is_detail(&self) -> bool {
            self.0 % 2 == 1
        }
    }
    impl Handler for Ping {
        type Event = u32;
        type Fact = (u32, u64);
        type Broken = u32;
        fn handle(&mut self, n: u32, cx: &mut Context<'_, u32, (u32, u64)>) -> Result<(), u32> {
            self.0 += 1;
            if n == 99 {
                return Err(n);
            }
            cx.emit((n, cx.now().ms()));
            if n < 3 {
                cx.schedule_in(SimDuration::from_ms(10), n + 1);
            }
            Ok(())
        }
    }

    struct Log(Vec<(u64, u32)>);
    impl Observer<(u32, u64)> for Log {
        fn observe(&mut self, t: SimTime, f: &(u32, u64)) {
            assert_eq!(t.ms(), f.1);
            self.0.push((t.ms(), f.0));
        }
    }

    #[test]
    fn a_record_is_hinted_once_per_line_it_touches() {
        let lines = |start: usize, bytes: usize| line_offsets(start, bytes).collect::<Vec<_>>();
        // A 68-byte record touches two lines, at the start of one or 60 bytes into it; two
        // bytes more, 60 bytes in, three.
        assert_eq!(lines(128, 68), [0, 64]);
        assert_eq!(lines(128 + 60, 68), [0, 4]);
        assert_eq!(lines(128 + 60, 70), [0, 4, 68]);
        assert_eq!(lines(128 + 4, 60), [0]);
        assert_eq!(lines(7, 0), Vec::<usize>::new());
    }

    #[test]
    fn runs_events_in_order_and_stops_at_end() {
        let mut sim = Simulation::new(1);
        sim.schedule_at(SimTime(5), 1);
        let mut ping = Ping(0);
        let mut log = Log(Vec::new());
        let stats = sim.run(&mut ping, SimTime(20), u64::MAX, &mut log).unwrap();
        assert_eq!(log.0, vec![(5, 1), (15, 2)]);
        assert_eq!(stats.events, 2);
        assert!(!stats.cut);
    }

    #[test]
    fn a_run_stops_at_its_event_limit_and_says_so() {
        let mut sim = Simulation::new(1);
        sim.schedule_at(SimTime(5), 1);
        let mut ping = Ping(0);
        let mut log = Log(Vec::new());
        let stats = sim.run(&mut ping, SimTime(100), 2, &mut log).unwrap();
        assert_eq!(log.0, vec![(5, 1), (15, 2)]);
        assert_eq!((stats.events, stats.end, stats.cut), (2, SimTime(25), true));
    }

    /// Reports `self.0` facts at its one event.
    struct Burst(u32);
    impl Handler for Burst {
        type Event = u32;
        type Fact = (u32, u64);
        type Broken = u32;
        fn handle(&mut self, _: u32, cx: &mut Context<'_, u32, (u32, u64)>) -> Result<(), u32> {
            for i in 0..self.0 {
                cx.emit((2 * i, cx.now().ms()));
            }
            Ok(())
        }
        fn finish(&mut self, cx: &mut Context<'_, u32, (u32, u64)>) {
            cx.emit((1, cx.now().ms()));
        }
    }

    #[test]
    fn facts_reach_the_observer_in_order_however_many_an_event_reports() {
        let n = 2 * FACT_BATCH as u32 + 5;
        let mut sim = Simulation::new(1);
        sim.schedule_at(SimTime(7), 0);
        let mut log = Log(Vec::new());
        sim.run(&mut Burst(n), SimTime(9), u64::MAX, &mut log)
            .unwrap();
        let mut expected: Vec<(u64, u32)> = (0..n).map(|i| (7, 2 * i)).collect();
        expected.push((9, 1));
        assert_eq!(log.0, expected);
    }

    #[test]
    fn a_broken_invariant_stops_the_run_at_its_event() {
        let mut sim = Simulation::new(1);
        sim.schedule_at(SimTime(5), 1);
        sim.schedule_at(SimTime(12), 99);
        let mut ping = Ping(0);
        let mut log = Log(Vec::new());
        let err = sim
            .run(&mut ping, SimTime(100), u64::MAX, &mut log)
            .unwrap_err();
        assert_eq!(err, (SimTime(12), Halt::Broken(99)));
        assert_eq!(log.0, vec![(5, 1)]);
    }
}
