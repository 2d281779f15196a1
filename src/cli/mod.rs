//! The commands behind `cmsim`'s subcommands, one file per kind of work.

pub mod args;
pub mod console;
pub mod inspect;
pub mod plan;
pub mod runs;
pub mod sweeps;
