//! Deployments, resolved to ids and instants.

use super::catalog::UpdateId;
use super::clients::GroupId;
use super::hierarchy::{ServerId, SiteId, id};
use crate::engine::SimTime;

id!(
    /// Index of a deployment in `World::deployments`.
    DeploymentId(u32)
);

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
}
