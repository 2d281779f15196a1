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
    /// Reacts to `event` at `cx.now()`.
    fn handle(&mut self, event: Self::Event, cx: &mut Context<'_, Self::Event, Self::Fact>);
    /// Reports what only the end of the run can tell (a final tally); nothing by default.
    fn finish(&mut self, _cx: &mut Context<'_, Self::Event, Self::Fact>) {}
}

/// Receives the facts a model reports, in order.
pub trait Observer<F> {
    /// Called for every fact, at the simulated time it happened.
    fn observe(&mut self, t: SimTime, fact: &F);
    /// Called every few thousand events, for progress display.
    fn tick(&mut self, _now: SimTime, _events: u64) {}
}

impl<F, O: Observer<F> + ?Sized> Observer<F> for &mut O {
    fn observe(&mut self, t: SimTime, fact: &F) {
        (**self).observe(t, fact);
    }
    fn tick(&mut self, now: SimTime, events: u64) {
        (**self).tick(now, events);
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
}

impl<F, O: Observer<F>> Observer<F> for Option<O> {
    fn observe(&mut self, t: SimTime, fact: &F) {
        if let Some(o) = self {
            o.observe(t, fact);
        }
    }
    fn tick(&mut self, now: SimTime, events: u64) {
        if let Some(o) = self {
            o.tick(now, events);
        }
    }
}

/// What a handler may do while reacting to an event.
pub struct Context<'a, E: Copy, F> {
    now: SimTime,
    queue: &'a mut EventQueue<E>,
    observer: &'a mut dyn Observer<F>,
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
    /// Reports `fact` as happening now.
    pub fn emit(&mut self, fact: F) {
        self.observer.observe(self.now, &fact);
    }
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunStats {
    /// The end time of the run.
    pub end: SimTime,
    /// Events processed.
    pub events: u64,
}

/// Events between two progress ticks.
const TICK_EVERY: u64 = 1 << 16;

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
    pub fn run<H, O>(&mut self, handler: &mut H, end: SimTime, observer: &mut O) -> RunStats
    where
        H: Handler<Event = E>,
        O: Observer<H::Fact>,
    {
        let mut events = 0u64;
        while let Some((t, event)) = self.queue.pop() {
            if t > end.0 {
                break;
            }
            let mut cx = Context {
                now: SimTime(t),
                queue: &mut self.queue,
                observer,
            };
            handler.handle(event, &mut cx);
            events += 1;
            if events.is_multiple_of(TICK_EVERY) {
                observer.tick(SimTime(t), events);
            }
        }
        let mut cx = Context {
            now: end,
            queue: &mut self.queue,
            observer,
        };
        handler.finish(&mut cx);
        observer.tick(end, events);
        RunStats { end, events }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ping that reschedules itself every 10 ms, three times, reporting each firing.
    struct Ping(u32);
    impl Handler for Ping {
        type Event = u32;
        type Fact = (u32, u64);
        fn handle(&mut self, n: u32, cx: &mut Context<'_, u32, (u32, u64)>) {
            self.0 += 1;
            cx.emit((n, cx.now().ms()));
            if n < 3 {
                cx.schedule_in(SimDuration::from_ms(10), n + 1);
            }
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
    fn runs_events_in_order_and_stops_at_end() {
        let mut sim = Simulation::new(1);
        sim.schedule_at(SimTime(5), 1);
        let mut ping = Ping(0);
        let mut log = Log(Vec::new());
        let stats = sim.run(&mut ping, SimTime(20), &mut log);
        assert_eq!(log.0, vec![(5, 1), (15, 2)]);
        assert_eq!(stats.events, 2);
    }
}
