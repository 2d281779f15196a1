//! Deployment content (R16). The wizard downloads the deployment's files from the download
//! location into the package source, unless they are already there; then the deployment
//! policy goes into the site's machine policy and the package is copied to every DP of the
//! package, as the distribution manager's limits allow (`distribution.rs`).

use super::bitset::BitSet;
use super::compliance::Truth;
use super::event::Event;
use super::fact::{Fact, Rejection};
use super::{Cx, Model};
use crate::engine::{SimDuration, SimTime};
use crate::world::{DeploymentId, OutageTarget, World};

/// One deployment during a run.
#[derive(Clone, Debug)]
pub(super) struct DeploymentState {
    /// The deadline in force (R17: an optional deployment may get one later).
    pub(super) deadline: Option<SimTime>,
    /// Each publication of its policy: (policy epoch, deadline it carried); empty until the
    /// policy is out. A client holds the last one published up to its last policy poll
    /// (R17, R22).
    pub(super) versions: Vec<(u32, Option<SimTime>)>,
    /// For a client-local deployment (R25 "Time based on: Client local time"): each
    /// deadline it has had, with the instant it falls at in each client group's zone. Empty
    /// for one deadline instant for everyone.
    pub(super) local: Vec<(SimTime, Vec<SimTime>)>,
    /// Clients in its target collection.
    pub(super) targeted: BitSet,
    /// Which DPs hold its content, by DP index: only DPs of its package ever do, so this
    /// is also how Location Services asks "is it on this DP" in one step (R19).
    pub(super) ready: BitSet,
    /// When its last deadline event ran. A deadline set before the deployment was created
    /// is scheduled again at its creation (and one set again unchanged, again): it acts
    /// once, so each client gets one activation of it (R25, `activation.rs`).
    pub(super) fired: Option<SimTime>,
}

impl DeploymentState {
    pub(super) fn new(world: &World, d: usize, targeted: BitSet) -> Self {
        let dep = &world.deployments[d];
        let mut state = DeploymentState {
            deadline: dep.deadline,
            versions: Vec::new(),
            local: Vec::new(),
            targeted,
            ready: BitSet::new(world.dps.len()),
            fired: None,
        };
        if let Some(at) = dep.deadline {
            state.localize(world, d, at);
        }
        state
    }

    /// Records where deadline `at` falls for each group, if the deployment is client-local.
    pub(super) fn localize(&mut self, world: &World, d: usize, at: SimTime) {
        if world.deployments[d].client_local && !self.local.iter().any(|(b, _)| *b == at) {
            let id = crate::world::DeploymentId(d as u32);
            let per_group = (0..world.groups.len())
                .map(|g| world.deadline_for(id, crate::world::GroupId(g as u32), at))
                .collect();
            self.local.push((at, per_group));
        }
    }

    /// Deadline `at` as it falls for clients of group `g`.
    pub(super) fn local_deadline(&self, at: SimTime, g: usize) -> SimTime {
        self.local
            .iter()
            .find(|(b, _)| *b == at)
            .map_or(at, |(_, per_group)| per_group[g])
    }

    /// The distinct instants deadline `at` falls at over the targeted groups, in order: one
    /// deadline event each.
    pub(super) fn deadline_instants(&self, world: &World, d: usize, at: SimTime) -> Vec<SimTime> {
        let mut out: Vec<SimTime> = world.deployments[d]
            .targets
            .iter()
            .map(|(g, _)| self.local_deadline(at, g.index()))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Time to move `bytes` at `mbps` megabits per second.
pub(super) fn transfer(bytes: u64, mbps: f64) -> SimDuration {
    SimDuration((bytes as f64 * 8.0 / (mbps * 1e6) * 1_000.0).ceil() as u64)
}

impl Model<'_> {
    /// The wizard runs: refused if an update is not synced or is expired (R07); otherwise
    /// missing files are downloaded to the package source.
    pub(super) fn deployment_created(&mut self, d: DeploymentId, cx: &mut Cx) {
        let dep = &self.world.deployments[d.index()];
        let updates = &self.deployed[d.index()];
        let db = &self.sites[dep.site.index()];
        // R07: migrated SMS 2003 updates stay expired until the site's first sync; an update
        // the site database does not hold cannot be deployed at all.
        let rejection = updates.iter().find_map(|u| {
            if db.is_expired(u.index()) {
                Some(Rejection::Expired)
            } else if u.0 >= db.known {
                Some(Rejection::NotSynced)
            } else {
                None
            }
        });
        if let Some(reason) = rejection {
            cx.emit(Fact::DeploymentRejected {
                deployment: d,
                reason,
            });
            return;
        }
        let missing: u64 = updates
            .iter()
            .filter(|u| !self.in_source.contains(u.index()))
            .map(|u| self.world.updates[u.index()].size)
            .fold(0, u64::saturating_add);
        self.source_bytes[d.index()] = missing;
        cx.schedule_in(
            transfer(missing, self.world.settings.source_download_mbps),
            Event::SourceReady(d),
        );
    }

    /// The files are in the package source: the deployment policy goes out and the package is
    /// copied to its DPs (R16).
    pub(super) fn source_ready(&mut self, d: DeploymentId, cx: &mut Cx) {
        for u in &self.deployed[d.index()] {
            self.in_source.insert(u.index());
        }
        let deadline = self.deployments[d.index()].deadline;
        let (targeted, required) = self.still_required(d);
        self.created |= 1 << d.index();
        cx.emit(Fact::DeploymentCreated {
            deployment: d,
            deadline,
            downloaded: self.source_bytes[d.index()],
            targeted,
            required,
        });
        self.distribute(d, cx);
        if let Some(at) = deadline {
            for t in self.deployments[d.index()].deadline_instants(self.world, d.index(), at) {
                cx.schedule_at(t, Event::Deadline(d));
            }
        }
        cx.schedule_at(self.available_at(d).max(cx.now()), Event::Available(d));
    }

    /// Targeted clients, and client × update pairs of the deployment still required on them.
    fn still_required(&self, d: DeploymentId) -> (u32, u64) {
        let updates = &self.deployed[d.index()];
        let state = &self.deployments[d.index()];
        let (mut targeted, mut required) = (0, 0);
        for c in (0..self.world.clients() as usize).filter(|&c| state.targeted.contains(c)) {
            targeted += 1;
            required += updates
                .iter()
                .filter(|u| self.clients.truth(c, u.index()) == Truth::Required)
                .count() as u64;
        }
        (targeted, required)
    }

    /// If `target` is down at `t`, when it comes back up.
    pub(super) fn down_until(&self, target: OutageTarget, t: SimTime) -> Option<SimTime> {
        self.world
            .outages
            .iter()
            .filter(|o| o.target == target && o.from <= t && t < o.to)
            .map(|o| o.to)
            .max()
    }
}
