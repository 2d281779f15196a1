//! The observers on the second core. A run's facts (30 M at 100,000 clients) go to the
//! metrics, the progress bar and the trace; that work is a third of a run and never feeds
//! back into the model. So the simulation hands its facts over in batches (the run loop's own
//! vectors of facts, passed on whole: `Observer::observe_all`) to one thread that runs the
//! observers, in the order they happened: the same calls in the same order as
//! before, so every output stays byte-identical, while the simulation goes on with the next
//! events. The batches go round: the observer thread sends each emptied one back, so a run
//! allocates a few batches at its start and none after.

use crate::engine::{Observer, SimTime};
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};

/// Facts per batch of facts told one at a time; the run loop hands over its own batches.
const BATCH: usize = 4096;

/// Batches in flight towards the observers before the simulation waits for them.
const DEPTH: usize = 4;

/// What the simulation tells its observers, in order.
enum Message<F> {
    Facts(Vec<(SimTime, F)>),
    Tick(SimTime, u64),
}

/// The simulation's side: an observer that passes batches on.
pub struct Relay<F> {
    /// Whether the observers behind it read detail facts.
    detail: bool,
    /// Facts told one at a time (`observe`), sent before anything told after them.
    single: Vec<(SimTime, F)>,
    to_observers: Option<SyncSender<Message<F>>>,
    empties: Receiver<Vec<(SimTime, F)>>,
}

impl<F> Relay<F> {
    /// Sends `message` (a failed send means the observer thread died: its panic is raised
    /// when it is joined).
    fn send(&mut self, message: Message<F>) {
        if let Some(to) = &self.to_observers {
            let _ = to.send(message);
        }
    }

    /// A vector to fill next: one the observers emptied, or a new one while few exist.
    fn empty(&mut self, capacity: usize) -> Vec<(SimTime, F)> {
        self.empties
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(capacity))
    }

    /// Hands `facts` over whole, leaving an empty vector in its place.
    fn hand_over(&mut self, facts: &mut Vec<(SimTime, F)>) {
        if !facts.is_empty() {
            let next = self.empty(facts.capacity());
            let full = std::mem::replace(facts, next);
            self.send(Message::Facts(full));
        }
    }

    /// Sends the facts told one at a time.
    fn flush(&mut self) {
        let mut single = std::mem::take(&mut self.single);
        self.hand_over(&mut single);
        self.single = single;
    }
}

impl<F: Copy> Observer<F> for Relay<F> {
    fn observe(&mut self, t: SimTime, fact: &F) {
        self.single.push((t, *fact));
        if self.single.len() >= BATCH {
            self.flush();
        }
    }

    fn observe_all(&mut self, facts: &mut Vec<(SimTime, F)>) {
        self.flush();
        self.hand_over(facts);
    }

    fn tick(&mut self, now: SimTime, events: u64) {
        self.flush();
        self.send(Message::Tick(now, events));
    }

    fn wants_detail(&self) -> bool {
        self.detail
    }
}

/// Runs `simulate` with `observer` fed on a thread of its own; returns what `simulate`
/// returns once the observer has taken in every fact.
pub fn relayed<F, O, R>(observer: &mut O, simulate: impl FnOnce(&mut Relay<F>) -> R) -> R
where
    F: Copy + Send,
    O: Observer<F> + Send,
{
    let (to_observers, messages) = sync_channel::<Message<F>>(DEPTH);
    let (give_back, empties) = channel();
    let detail = observer.wants_detail();
    std::thread::scope(|s| {
        // Named, so that a profile tells the two threads apart.
        let observers = std::thread::Builder::new()
            .name("observers".into())
            .spawn_scoped(s, move || {
                for message in messages {
                    match message {
                        Message::Facts(mut facts) => {
                            observer.observe_all(&mut facts);
                            let _ = give_back.send(facts);
                        }
                        Message::Tick(t, events) => observer.tick(t, events),
                    }
                }
            })
            // As `thread::scope`'s own spawn: a process that cannot start a thread cannot run.
            .expect("a thread for the observers");
        let mut relay = Relay {
            detail,
            single: Vec::new(),
            to_observers: Some(to_observers),
            empties,
        };
        let result = simulate(&mut relay);
        relay.flush();
        // Closing the channel ends the observer thread's loop.
        relay.to_observers = None;
        if let Err(panic) = observers.join() {
            std::panic::resume_unwind(panic);
        }
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records what it is told.
    #[derive(Default)]
    struct Log(Vec<(u64, u32)>);
    impl Observer<u32> for Log {
        fn observe(&mut self, t: SimTime, fact: &u32) {
            self.0.push((t.ms(), *fact));
        }
        fn tick(&mut self, now: SimTime, events: u64) {
            self.0.push((now.ms(), u32::MAX - events as u32));
        }
    }

    #[test]
    fn the_observer_gets_every_fact_and_tick_in_order() {
        let n = 3 * BATCH as u32 + 17;
        let mut direct = Log::default();
        let mut relayed_log = Log::default();
        // Facts told one at a time and in batches of every size, between ticks.
        let feed = |o: &mut dyn Observer<u32>| {
            let mut batch = Vec::new();
            for i in 0..n {
                let fact = (SimTime(u64::from(i / 3)), i);
                match i % 7 {
                    0 => o.observe(fact.0, &fact.1),
                    _ => batch.push(fact),
                }
                if i % 11 == 0 || i % 7 == 6 {
                    o.observe_all(&mut batch);
                    assert!(batch.is_empty());
                }
                if i % 1000 == 0 {
                    o.observe_all(&mut batch);
                    o.tick(SimTime(u64::from(i)), u64::from(i));
                }
            }
            o.observe_all(&mut batch);
            n
        };
        feed(&mut direct);
        let out = relayed(&mut relayed_log, |r| feed(r));
        assert_eq!(out, n);
        assert_eq!(relayed_log.0, direct.0);
    }
}
