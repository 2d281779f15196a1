//! The static hierarchy, built once from a scenario: sites, servers, client groups, the
//! catalog and the timeline. Everything is addressed by small integer ids (indices), so the
//! model's hot paths never look up a name.

mod build;
mod catalog;
mod clients;
mod content;
mod deployment;
mod group_index;
mod hierarchy;
mod reporting;
mod timeline;
mod windows;

pub use build::build;
pub use catalog::{Update, UpdateId};
pub use clients::{ClientGroup, ClientId, GroupId, Power};
pub use content::{BoundaryGroup, Link, copy_end, site_default_name};
pub use deployment::{Adr, AdrRun, Begins, Deployment, DeploymentId, NOT_STARTED, Phase};
pub use group_index::GroupIndex;
pub use hierarchy::{Server, ServerId, Site, SiteId, Sup, SupId, Upstream};
pub use timeline::{Outage, OutageTarget, TimedAction};
pub use windows::{Opening, WindowDef, Windows};

use crate::engine::{SimDuration, SimTime};
use crate::scenario::Settings;
use petgraph::graph::DiGraph;

/// The hierarchy and everything the model needs to know about it.
#[derive(Clone, Debug)]
pub struct World {
    /// Scenario name.
    pub name: String,
    /// Sites, indexed by `SiteId`.
    pub sites: Vec<Site>,
    /// The site tree, edges from parent to child; node `i` is site `i`.
    pub tree: DiGraph<SiteId, ()>,
    /// The top site (central, or a standalone primary).
    pub top: SiteId,
    /// Software update points (active and Internet-based), indexed by `SupId`.
    pub sups: Vec<Sup>,
    /// Management points.
    pub mps: Vec<Server>,
    /// Distribution points.
    pub dps: Vec<Server>,
    /// Client groups; clients are numbered consecutively group after group.
    pub groups: Vec<ClientGroup>,
    /// The catalog in release order, indexed by `UpdateId`.
    pub updates: Vec<Update>,
    /// Deployments in scenario order.
    pub deployments: Vec<Deployment>,
    /// Automatic deployment rules, in scenario order; their deployments are at the end of
    /// `deployments`.
    pub adrs: Vec<Adr>,
    /// Operator actions in time order.
    pub actions: Vec<TimedAction>,
    /// Outages of upstream and WSUS servers.
    pub outages: Vec<Outage>,
    /// Timers and numbers in force.
    pub settings: Settings,
    /// Seed of the random streams.
    pub seed: u64,
    /// When the run starts on the calendar, and the zone reports speak in; `None` when the
    /// scenario gives no `start` (times are then offsets only).
    pub calendar: Option<crate::engine::calendar::Calendar>,
    /// End of the run.
    pub end: SimTime,
    /// The client groups' maintenance windows.
    pub windows: Windows,
    /// Per site: its WAN link to its parent, when limited (`content.rs`).
    pub links: Vec<Option<Link>>,
    /// Per DP: the DP a pull DP pulls from; `None` for a DP the site server sends to.
    pub pull_source: Vec<Option<ServerId>>,
    /// Boundary groups, in scenario order.
    pub boundary_groups: Vec<BoundaryGroup>,
    /// Per client group: the boundary group it is in.
    pub group_boundary: Vec<Option<u16>>,
    /// Finds a client's group (`group_of`).
    pub group_index: GroupIndex,
}

/// `site` or its nearest ancestor in `sites` for which `has` holds.
pub(crate) fn nearest(sites: &[Site], site: SiteId, has: impl Fn(&Site) -> bool) -> Option<SiteId> {
    let mut at = site;
    loop {
        if has(&sites[at.index()]) {
            return Some(at);
        }
        at = sites[at.index()].parent?;
    }
}

impl World {
    /// Total number of clients.
    pub fn clients(&self) -> u64 {
        self.groups.iter().map(|g| u64::from(g.count)).sum()
    }

    /// How many site databases hold clients' states (`reporting.rs`).
    pub fn database_sites(&self) -> usize {
        self.database_site_list().len()
    }

    /// How many updates Microsoft Update has released by `t` (a prefix of `updates`).
    pub fn released_by(&self, t: SimTime) -> u32 {
        self.updates.partition_point(|u| u.released <= t) as u32
    }

    /// Which updates deployment reports follow: the deployed ones, or every update when
    /// nothing is deployed (indexed by `UpdateId`).
    pub fn followed_updates(&self) -> Vec<bool> {
        let mut followed = vec![self.deployments.is_empty(); self.updates.len()];
        // An automatic deployment rule may deploy any update its fixed criteria take.
        let adr = self.adrs.iter().flat_map(|r| &r.candidates);
        for u in self.deployments.iter().flat_map(|d| &d.updates).chain(adr) {
            followed[u.index()] = true;
        }
        followed
    }

    /// How far deployment `d`'s clients spread their deadline installs: its own
    /// randomization, else the `deadline_randomization` setting.
    pub fn randomization(&self, d: DeploymentId) -> SimDuration {
        self.deployments[d.index()]
            .randomization
            .unwrap_or(self.settings.deadline_randomization.0)
    }

    /// Update `u`'s maximum run time in ms: an install starts inside a maintenance window
    /// only if this much of the window is left.
    pub fn max_run_time(&self, u: UpdateId) -> u64 {
        self.updates[u.index()]
            .max_run_time
            .unwrap_or(self.settings.max_run_time.0.ms())
    }

    /// The shortest pre-install scan, in ms: the steps before WUA connects, the update list
    /// (the shorter of a delta and a full one) and the machine's own scan (R11). An install
    /// job opens with one inside the window, so an update whose maximum run time and this
    /// together exceed every window never installs in one.
    pub fn shortest_pre_install_scan(&self) -> u64 {
        let s = &self.settings;
        [
            s.scan_clear_history.0,
            s.scan_locate_wsus.0,
            s.scan_update_policy.0,
            s.scan_wua_download.0.min(s.scan_wua_download_full.0),
            s.scan_wua_evaluate.0,
        ]
        .iter()
        .fold(0, |sum, d| sum.saturating_add(d.ms()))
    }

    /// The group client `c` belongs to.
    pub fn group_of(&self, c: ClientId) -> GroupId {
        self.group_index.group_of(c)
    }

    /// Deployment `d`'s deadline `at` as it falls for the clients of group `g`: the same
    /// instant, or for a client-local deployment the same wall-clock time in the group's
    /// zone (`at` is that wall time in the start's zone). Never before the start: a deadline
    /// already past there is enforced at once.
    pub fn deadline_for(&self, d: DeploymentId, g: GroupId, at: SimTime) -> SimTime {
        match &self.calendar {
            Some(c) if self.deployments[d.index()].client_local => {
                c.same_wall_time(at, &self.groups[g.index()].zone)
            }
            _ => at,
        }
    }

    /// `site` or its nearest ancestor for which `has` holds.
    pub fn nearest(&self, site: SiteId, has: impl Fn(&Site) -> bool) -> Option<SiteId> {
        nearest(&self.sites, site, has)
    }
}
