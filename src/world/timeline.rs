//! Operator actions and outages, resolved to ids and instants.

use super::deployment::DeploymentId;
use super::hierarchy::{ServerId, SupId};
use crate::engine::SimTime;

/// An operator action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimedAction {
    /// "Run Synchronization" at the top site at this time (R01, R03).
    RunSync(SimTime),
    /// A deployment gets a new deadline (R17).
    SetDeadline {
        /// When.
        at: SimTime,
        /// Which deployment.
        deployment: DeploymentId,
        /// The new deadline.
        deadline: SimTime,
    },
}

impl TimedAction {
    /// When it happens.
    pub fn at(&self) -> SimTime {
        match *self {
            TimedAction::RunSync(t) | TimedAction::SetDeadline { at: t, .. } => t,
        }
    }
}

/// What is unavailable during an outage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutageTarget {
    /// Microsoft Update.
    Upstream,
    /// The WSUS of one software update point.
    Wsus(SupId),
    /// A distribution point.
    Dp(ServerId),
}

/// A window of unavailability, `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outage {
    /// What is down.
    pub target: OutageTarget,
    /// First instant down.
    pub from: SimTime,
    /// First instant up again.
    pub to: SimTime,
}
