//! The domain-free simulation engine: time, the event queue, random streams, the run loop.
//! Nothing here knows about ConfigMgr (DESIGN.md: `engine` never imports `model`).

pub mod calendar;
pub mod pages;
pub mod queue;
mod radix;
pub mod rng;
pub mod sim;
pub mod time;

pub use queue::EventQueue;
pub use rng::{DrawCounter, RandomStreams, StreamFamily, StreamId};
pub use sim::{Context, Detail, Halt, Handler, Observer, RunStats, Simulation, prefetch_all};
pub use time::{SimDuration, SimTime};
