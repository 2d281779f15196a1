//! cmsim: a deterministic discrete-event simulator of a ConfigMgr software-update hierarchy.
#![warn(missing_docs, unreachable_pub)]

pub mod engine;
