//! Deployments, resolved to ids and instants.

use super::catalog::UpdateId;
use super::clients::GroupId;
use super::hierarchy::{ServerId, SiteId, id};
use crate::engine::{SimDuration, SimTime};

id!(
    /// Index of a deployment in `World::deployments`.
    DeploymentId(u32)
);

/// The `created` and `available` of a later phase in the static picture: it has not begun.
pub const NOT_STARTED: SimTime = SimTime(u64::MAX);

/// A software update deployment (R16, R17).
#[derive(Clone, Debug)]
pub struct Deployment {
    /// Its id.
    pub id: String,
    /// The updates it deploys.
    pub updates: Vec<UpdateId>,
    /// Target collection: groups and the share of each.
    pub targets: Vec<(GroupId, f64)>,
    /// Site where it is created; its policy goes into that site's machine policy.
    pub site: SiteId,
    /// When the wizard runs.
    pub created: SimTime,
    /// When the updates become available to clients.
    pub available: SimTime,
    /// Its deadline, if mandatory from the start: for a client-local deployment, the instant
    /// of that wall-clock time in the start's zone (see `World::deadline_for`).
    pub deadline: Option<SimTime>,
    /// The deadline is each client's wall-clock time ("Time based on: Client local time").
    pub client_local: bool,
    /// Past its deadline, installs may start outside maintenance windows.
    pub install_outside_windows: bool,
    /// Past its deadline, machines may restart outside maintenance windows.
    pub restart_outside_windows: bool,
    /// Distribution points of its package.
    pub dps: Vec<ServerId>,
    /// Bytes of its updates' files.
    pub size: u64,
    /// For a phase of a phased deployment: which, and when it begins. A later phase's
    /// `created`, `available` and `deadline` are set when it begins ([`NOT_STARTED`]
    /// until then in this static picture).
    pub phase: Option<Phase>,
}

/// A phase of a phased deployment (the current-branch phased deployment wizard).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Phase {
    /// Its number, from 1.
    pub number: u32,
    /// What starts it.
    pub begins: Begins,
    /// From its start to its available time.
    pub available_after: SimDuration,
    /// From its available time to its deadline (none: optional).
    pub deadline_after: Option<SimDuration>,
    /// Whether a later phase follows it.
    pub last: bool,
}

/// What starts a phase.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Begins {
    /// The first phase: when the phased deployment is created.
    Created,
    /// When the previous phase's machines compliant in the site databases reach `percent`
    /// of its targeted machines, `deferral` later.
    Success {
        /// Success percentage.
        percent: f64,
        /// Deferral after the criterion is met.
        deferral: SimDuration,
    },
    /// This long after the previous phase began.
    Delay(SimDuration),
}
