//! Deployments on the client side (R17): the deployment policy reaches the targeted clients at
//! their next poll; an evaluation scan records which of its updates are still required.
//! Mandatory deployments (with a deadline) download at once; optional ones wait for the user.
//! An optional deployment that gets a deadline becomes mandatory, and clients download as
//! soon as they register the change at their next poll. At the deadline, registered clients
//! install (R25).

use super::bitset::BitSet;
use super::clients::DEPLOYMENT_POLICY_PENDING;
use super::event::Event;
use super::fact::{Fact, PolicyKind};
use super::{Cx, Model};
use crate::engine::{SimTime, StreamId};
use crate::world::{ClientId, DeploymentId, World};

/// The clients in deployment `d`'s target collection: each targeted group wholly, or each
/// client with probability `share`, drawn from a stream of the deployment and the client so
/// that the same clients are in the collection in every plan with this deployment id.
pub(super) fn target_collection(
    world: &World,
    d: usize,
    rng: &crate::engine::RandomStreams,
) -> BitSet {
    let dep = &world.deployments[d];
    let mut set = BitSet::new(world.clients() as usize);
    for &(g, share) in &dep.targets {
        let group = &world.groups[g.index()];
        let family = StreamId::family("target", &format!("{}/{}", dep.id, group.name));
        for k in 0..group.count {
            let mut draws = crate::engine::DrawCounter::default();
            if share >= 1.0 || rng.unit(family.member(u64::from(k)), &mut draws) < share {
                set.insert((group.first.0 + k) as usize);
            }
        }
    }
    set
}

impl Model<'_> {
    /// Deployment `d`'s policy waits for every targeted client's next poll.
    pub(super) fn deliver_deployment(&mut self, d: DeploymentId, cx: &mut Cx) {
        for c in 0..self.world.clients() as u32 {
            if self.deployments[d.index()].targeted.contains(c as usize) {
                self.deliver(ClientId(c), DEPLOYMENT_POLICY_PENDING, cx);
            }
        }
    }

    /// The deployment is available: its policy goes out to the targeted clients.
    pub(super) fn available(&mut self, d: DeploymentId, cx: &mut Cx) {
        self.deployments[d.index()].out = true;
        let site = self.world.deployments[d.index()].site;
        cx.emit(Fact::PolicyCreated {
            site,
            policy: PolicyKind::Deployment,
            deployment: Some(d),
        });
        self.deliver_deployment(d, cx);
    }

    /// Deployments whose policy is out and that target client `c`, as a bit mask.
    fn out_for(&self, c: ClientId) -> u32 {
        let mut mask = 0;
        for (d, state) in self.deployments.iter().enumerate() {
            if state.out && state.targeted.contains(c.index()) {
                mask |= 1 << d;
            }
        }
        mask
    }

    /// Whether deployment `d` is mandatory now (has a deadline).
    pub(super) fn mandatory(&self, d: usize) -> bool {
        self.deployments[d].deadline.is_some()
    }

    /// The evaluation scan recorded the client's required updates (R17): mandatory ones
    /// download at once, deadline notifications start (R22), users may act (R24).
    pub(super) fn evaluated(&mut self, c: ClientId, cx: &mut Cx) {
        let before = self.clients.head(c).registered;
        let now_registered = self.out_for(c);
        self.clients.head_mut(c).registered = now_registered;
        self.settle(c, now_registered & !before);
        self.ensure_download(c, cx);
        self.arm_notifications(c, cx);
        self.plan_user(c, now_registered & !before, cx);
        self.begin_install(c, cx); // only if something is due (R25)
    }

    /// The operator gives deployment `d` a deadline: clients register it at their next poll.
    pub(super) fn set_deadline(&mut self, d: DeploymentId, deadline: SimTime, cx: &mut Cx) {
        self.deployments[d.index()].deadline = Some(deadline);
        cx.emit(Fact::DeadlineChanged {
            deployment: d,
            deadline,
        });
        cx.schedule_at(deadline, Event::Deadline(d));
        if self.deployments[d.index()].out {
            let site = self.world.deployments[d.index()].site;
            cx.emit(Fact::PolicyCreated {
                site,
                policy: PolicyKind::Deployment,
                deployment: Some(d),
            });
            self.deliver_deployment(d, cx);
        }
    }

    /// The deadline passed: every client that registered the deployment installs (R25).
    pub(super) fn deadline(&mut self, d: DeploymentId, cx: &mut Cx) {
        if self.deployments[d.index()].deadline != Some(cx.now()) {
            return; // the deadline was changed since
        }
        for c in 0..self.world.clients() as u32 {
            let c = ClientId(c);
            if self.clients.head(c).registered & 1 << d.0 != 0 {
                self.begin_install(c, cx);
            }
        }
    }

    /// Whether client `c` has a registered deployment whose deadline has passed or which the
    /// user chose, with an update still required.
    pub(super) fn due(&self, c: ClientId, now: SimTime) -> bool {
        self.first_due(c, now, |_| true).is_some()
    }

    /// Registered deployments that are due on client `c` at `now`.
    pub(super) fn due_mask(&self, c: ClientId, now: SimTime) -> u32 {
        let head = self.clients.head(c);
        let mut mask = head.chosen & head.registered;
        for d in 0..self.deployments.len() {
            if head.registered & 1 << d != 0
                && self.deployments[d].deadline.is_some_and(|t| t <= now)
            {
                mask |= 1 << d;
            }
        }
        mask
    }

    /// The first update of a due deployment that is still required and passes `filter`.
    pub(super) fn first_due(
        &self,
        c: ClientId,
        now: SimTime,
        filter: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let mask = self.due_mask(c, now);
        self.world
            .deployments
            .iter()
            .enumerate()
            .filter(|(d, _)| mask & 1 << d != 0)
            .find_map(|(_, dep)| {
                dep.updates.iter().map(|u| u.index()).find(|&u| {
                    self.clients.truth(c.index(), u) == super::compliance::Truth::Required
                        && filter(u)
                })
            })
    }
}
