//! The observers on the second core. A run's facts (30 M at 100,000 clients) go to the
//! metrics, the progress bar and the trace; that work is a third of a run and never feeds
//! back into the model. So the simulation hands its facts over in batches to one thread that
//! runs the observers, in the order they happened: the same calls in the same order as
//! before, so every output stays byte-identical, while the simulation goes on with the next
//! events. The batches go round: the observer thread sends each emptied one back, so a run
//! allocates a few batches at its start and none after.

use crate::engine::{Observer, SimTime};
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};

/// Facts per batch: large enough that handing one over is rare, small enough that the two
/// threads overlap (and that the progress bar, ticked in the stream, does not lag).
const BATCH: usize = 4096;

/// Batches in flight towards the observers before the simulation waits for them.
const DEPTH: usize = 4;

/// What the simulation tells its observers, in order.
enum Item<F> {
    Fact(SimTime, F),
    Tick(SimTime, u64),
}

/// The simulation's side: an observer that batches.
pub struct Relay<F> {
    /// Whether the observers behind it read detail facts.
    detail: bool,
    batch: Vec<Item<F>>,
    to_observers: Option<SyncSender<Vec<Item<F>>>>,
    empties: Receiver<Vec<Item<F>>>,
}

impl<F> Relay<F> {
    fn push(&mut self, item: Item<F>) {
        self.batch.push(item);
        if self.batch.len() == BATCH {
            self.hand_over();
        }
    }

    /// Sends the batch (a failed send means the observer thread died: its panic is raised
    /// when it is joined) and takes an emptied one back, or a new one while few exist.
    fn hand_over(&mut self) {
        let next = self
            .empties
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BATCH));
        let full = std::mem::replace(&mut self.batch, next);
        if let Some(to) = &self.to_observers {
            let _ = to.send(full);
        }
    }
}

impl<F: Copy> Observer<F> for Relay<F> {
    fn observe(&mut self, t: SimTime, fact: &F) {
        self.push(Item::Fact(t, *fact));
    }

    fn tick(&mut self, now: SimTime, events: u64) {
        self.push(Item::Tick(now, events));
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
    let (to_observers, batches) = sync_channel::<Vec<Item<F>>>(DEPTH);
    let (give_back, empties) = channel();
    let detail = observer.wants_detail();
    std::thread::scope(|s| {
        // Named, so that a profile tells the two threads apart.
        let observers = std::thread::Builder::new()
            .name("observers".into())
            .spawn_scoped(s, move || {
                for mut batch in batches {
                    for item in batch.drain(..) {
                        match item {
                            Item::Fact(t, fact) => observer.observe(t, &fact),
                            Item::Tick(t, events) => observer.tick(t, events),
                        }
                    }
                    let _ = give_back.send(batch);
                }
            })
            // As `thread::scope`'s own spawn: a process that cannot start a thread cannot run.
            .expect("a thread for the observers");
        let mut relay = Relay {
            detail,
            batch: Vec::with_capacity(BATCH),
            to_observers: Some(to_observers),
            empties,
        };
        let result = simulate(&mut relay);
        relay.hand_over();
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
        let feed = |o: &mut dyn Observer<u32>| {
            for i in 0..n {
                o.observe(SimTime(u64::from(i / 3)), &i);
                if i % 1000 == 0 {
                    o.tick(SimTime(u64::from(i)), u64::from(i));
                }
            }
            n
        };
        feed(&mut direct);
        let out = relayed(&mut relayed_log, |r| feed(r));
        assert_eq!(out, n);
        assert_eq!(relayed_log.0, direct.0);
    }
}
