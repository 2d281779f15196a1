//! The model's invariants, checked during every run, release builds included. A broken one
//! stops the run with an internal error that names it and the event that broke it: a run
//! that broke one has no figure worth reporting.

use super::Model;
use super::event::Event;
use crate::engine::{Halt, SimTime};
use std::fmt;

/// What must hold in every run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invariant {
    /// Time never goes back.
    TimeNeverGoesBack,
    /// A client's Windows Update Agent runs one job at a time.
    OneJobAtATime,
    /// A site database holds states only for updates it has synced.
    StatesOnlyForSyncedUpdates,
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Invariant::TimeNeverGoesBack => "time never goes back",
            Invariant::OneJobAtATime => "a client runs one job at a time",
            Invariant::StatesOnlyForSyncedUpdates => {
                "a site database holds states only for updates it has synced"
            }
        })
    }
}

/// A broken invariant, where and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    /// Which.
    pub invariant: Invariant,
    /// When.
    pub at: SimTime,
    /// The event being handled, as the model names it.
    pub event: String,
    /// What was found.
    pub detail: String,
}

impl Broken {
    /// From the engine's reason for stopping a run.
    pub(super) fn from_halt(at: SimTime, halt: Halt<(Invariant, Event, String)>) -> Broken {
        match halt {
            Halt::Broken((invariant, event, detail)) => Broken {
                invariant,
                at,
                event: format!("{event:?}"),
                detail,
            },
            Halt::TimeWentBack { last, next } => Broken {
                invariant: Invariant::TimeNeverGoesBack,
                at,
                event: "the next event".into(),
                detail: format!("an event at {next} came after one at {last}"),
            },
        }
    }
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "internal error: the invariant \"{}\" broke at {} while handling {}: {}. \
             No figures are reported; please file this with the scenario and seed.",
            self.invariant, self.at, self.event, self.detail
        )
    }
}

impl std::error::Error for Broken {}

impl Model<'_> {
    /// Records a broken invariant; the run stops after the current event. The first one
    /// found is kept.
    pub(super) fn broke(&mut self, invariant: Invariant, detail: String) {
        if self.broken.is_none() {
            self.broken = Some((invariant, detail));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::ClientId;

    #[test]
    fn a_broken_invariant_names_itself_the_time_and_the_event() {
        let halt = Halt::Broken((
            Invariant::OneJobAtATime,
            Event::InstallDone(ClientId(7)),
            "client 7 went from ComplianceScan to Installing".to_string(),
        ));
        let text = Broken::from_halt(SimTime(90_061_000), halt).to_string();
        assert!(text.starts_with("internal error"), "{text}");
        assert!(text.contains("a client runs one job at a time"), "{text}");
        assert!(text.contains("InstallDone(ClientId(7))"), "{text}");
        assert!(text.contains("1d 01:01:01"), "{text}");
    }
}
