//! cmsim: a deterministic discrete-event simulator of a ConfigMgr software-update hierarchy.
#![warn(missing_docs, unreachable_pub)]

pub mod engine;
pub mod estimate;
pub mod load;
pub mod model;
pub mod observe;
pub mod output;
pub mod replicate;
pub mod report;
pub mod rules;
pub mod run;
pub mod scenario;
pub mod sweep;
pub mod world;

pub use load::{Loaded, load_file, load_str, scenario_files};
pub use run::{RunOptions, run, trace_to_string, try_trace_to_string};
