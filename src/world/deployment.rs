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
    /// For a run of an automatic deployment rule: which rule and run. Its updates, times and
    /// deadline are decided when the run finds updates ([`NOT_STARTED`] and no updates in
    /// this static picture).
    pub adr: Option<AdrRun>,
    /// How far clients spread their deadline installs, if the deployment says (an ADR's
    /// always does): each acts up to this long after the deadline. `None`: the
    /// `deadline_randomization` setting (see `World::randomization`).
    pub randomization: Option<SimDuration>,
}

/// A deployment an automatic deployment rule may make.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdrRun {
    /// Index of the rule in `World::adrs`.
    pub rule: u16,
    /// Its number among the rule's runs that deploy something, from 1.
    pub number: u32,
}

/// An automatic deployment rule (current branch): after each successful sync at its site, or
/// at the instants of its schedule, it deploys the new updates matching its criteria, each
/// run into the next of its deployments.
#[derive(Clone, Debug)]
pub struct Adr {
    /// Its name.
    pub name: String,
    /// Where it runs: after this site's syncs, or on its schedule against this site's
    /// database.
    pub site: SiteId,
    /// `None`: it runs after each successful sync of its site. Else the instants within the
    /// run at which it runs on its schedule, in order (`AdrSchedule::runs`).
    pub schedule: Option<Vec<SimTime>>,
    /// The catalog updates its fixed criteria (classification, title) take, in release
    /// order; the superseded criterion is judged at each run.
    pub candidates: Vec<UpdateId>,
    /// Whether it takes superseded updates.
    pub superseded: bool,
    /// From the run to the available time.
    pub available_after: SimDuration,
    /// From the available time to the deadline (none: optional).
    pub deadline_after: Option<SimDuration>,
    /// Its deployments, one per run that deploys: `first..first + runs`.
    pub first: DeploymentId,
    /// How many deployments it may make.
    pub runs: u32,
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
