//! Deployments on the client side (R17): the deployment policy reaches the targeted clients at
//! their next poll; an evaluation scan records which of its updates are still required.
//! Mandatory deployments (with a deadline) download at once; optional ones wait for the user.
//! An optional deployment that gets a deadline becomes mandatory, and clients download as
//! soon as they register the change at their next poll. At the deadline, registered clients
//! install (R25). A client acts on the policy it holds: a changed deadline counts only from
//! the poll that brings it (R17, R22).

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
    fn deliver_deployment(&mut self, d: DeploymentId, cx: &mut Cx) {
        for c in 0..self.world.clients() as u32 {
            if self.deployments[d.index()].targeted.contains(c as usize) {
                self.deliver(ClientId(c), DEPLOYMENT_POLICY_PENDING, cx);
            }
        }
    }

    /// Publishes deployment `d`'s policy with the deadline in force: a new policy epoch that
    /// clients take at their next poll.
    fn publish(&mut self, d: DeploymentId, cx: &mut Cx) {
        self.policy_epoch += 1;
        let state = &mut self.deployments[d.index()];
        state.versions.push((self.policy_epoch, state.deadline));
        let site = self.world.deployments[d.index()].site;
        cx.emit(Fact::PolicyCreated {
            site,
            policy: PolicyKind::Deployment,
            deployment: Some(d),
        });
        self.deliver_deployment(d, cx);
    }

    /// The deployment is available: its policy goes out to the targeted clients.
    pub(super) fn available(&mut self, d: DeploymentId, cx: &mut Cx) {
        self.publish(d, cx);
    }

    /// The policy of deployment `d` that client `c` holds, if `c` is in its target
    /// collection: `None` if it has received none, else the deadline it carries (R17, R22).
    /// Callers that know `d` is registered on `c` know it is targeted.
    pub(super) fn held(&self, c: ClientId, d: usize) -> Option<Option<SimTime>> {
        let epoch = self.clients.head(c).policy_epoch;
        let versions = &self.deployments[d].versions;
        // Most deployments are published once: no search.
        match versions.as_slice() {
            [] => None,
            [(e, deadline)] => (*e <= epoch).then_some(*deadline),
            _ => {
                let k = versions.partition_point(|&(e, _)| e <= epoch);
                k.checked_sub(1).map(|k| versions[k].1)
            }
        }
    }

    /// The deadline of deployment `d` as client `c` knows it, where it falls on the client
    /// (a client-local deadline is its own wall-clock time).
    pub(super) fn held_deadline(&self, c: ClientId, d: usize) -> Option<SimTime> {
        let at = self.held(c, d).flatten()?;
        let state = &self.deployments[d];
        if state.local.is_empty() {
            return Some(at);
        }
        Some(state.local_deadline(at, self.group(c).index()))
    }

    /// Whether client `c` holds deployment `d` as mandatory (with a deadline).
    pub(super) fn mandatory_for(&self, c: ClientId, d: usize) -> bool {
        self.held_deadline(c, d).is_some()
    }

    /// Deployments targeting client `c` whose policy it holds, as a bit mask.
    fn held_mask(&self, c: ClientId) -> u32 {
        (0..self.deployments.len())
            .filter(|&d| {
                self.deployments[d].targeted.contains(c.index()) && self.held(c, d).is_some()
            })
            .fold(0, |mask, d| mask | 1 << d)
    }

    /// Whether client `c` holds a deployment it has not recorded with no evaluation scan
    /// waiting to record it: the one that was to do so failed and gave up (`scan_retry.rs`).
    /// An evaluation records every deployment held, so nothing else leaves one unrecorded.
    pub(super) fn evaluation_lost(&self, c: ClientId) -> bool {
        let head = self.clients.head(c);
        head.waiting & super::agent::Job::Evaluation as u8 == 0
            && self.held_mask(c) & !head.registered != 0
    }

    /// The evaluation scan recorded the client's required updates (R17): mandatory ones
    /// download at once, deadline notifications start (R22), users may act (R24).
    pub(super) fn evaluated(&mut self, c: ClientId, cx: &mut Cx) {
        let before = self.clients.head(c).registered;
        let now_registered = self.held_mask(c);
        self.clients.head_mut(c).registered = now_registered;
        self.settle(c, now_registered & !before);
        self.restart_notifications(c, cx);
        self.plan_user(c, now_registered & !before, cx);
        if before == 0 && now_registered != 0 {
            self.arm_reevaluation(c, cx);
        }
        self.reevaluate(c, cx);
    }

    /// After any scan, what the client now holds as required is acted on: missing files
    /// download (R17, R18), and due updates install (R25).
    pub(super) fn reevaluate(&mut self, c: ClientId, cx: &mut Cx) {
        self.ensure_download(c, cx);
        self.begin_install(c, cx);
    }

    /// The operator gives deployment `d` a deadline: clients register it at their next poll.
    pub(super) fn set_deadline(&mut self, d: DeploymentId, deadline: SimTime, cx: &mut Cx) {
        let state = &mut self.deployments[d.index()];
        state.deadline = Some(deadline);
        state.localize(self.world, d.index(), deadline);
        cx.emit(Fact::DeadlineChanged {
            deployment: d,
            deadline,
        });
        for t in state.deadline_instants(self.world, d.index(), deadline) {
            cx.schedule_at(t, Event::Deadline(d));
        }
        // Once out (published at least once), the policy goes out again with the deadline.
        if !self.deployments[d.index()].versions.is_empty() {
            self.publish(d, cx);
        }
    }

    /// A deadline of deployment `d` passed: every client that registered it and holds this
    /// deadline installs (R25), and a restart that windows held back goes ahead if the
    /// deployment now allows it outside them. A client that still holds an older deadline
    /// had its own deadline event; one that learns of a passed deadline installs when it
    /// evaluates; one that is off installs at its start-up (`power.rs`), where its boot is
    /// the restart. With deadline randomization, each client's install waits for its
    /// activation (`activation.rs`); the held restart is released at the deadline all the
    /// same. A second event at the same instant does nothing.
    pub(super) fn deadline(&mut self, d: DeploymentId, cx: &mut Cx) {
        let fired = &mut self.deployments[d.index()].fired;
        if *fired == Some(cx.now()) {
            return;
        }
        *fired = Some(cx.now());
        let randomized = self.randomized(d.index());
        if randomized {
            self.schedule_activations(d, cx);
        }
        for c in 0..self.world.clients() as u32 {
            let c = ClientId(c);
            if self.clients.head(c).registered & 1 << d.0 == 0
                || self.held_deadline(c, d.index()) != Some(cx.now())
            {
                continue;
            }
            if !randomized {
                self.deadline_reached(c, cx);
            } else if !self.is_off(c) {
                // Only the install waits for the activation: the windows the deadline opens
                // to restarts open now (`activation.rs`).
                self.release_restart(c, cx);
            }
        }
    }

    /// Client `c` acts on a deadline that passed: it installs what is due (R25).
    pub(super) fn deadline_reached(&mut self, c: ClientId, cx: &mut Cx) {
        if self.is_off(c) {
            // Its install job waits for the start-up, in the agent's order (after the
            // boot's restart); it judges then what may install (nothing is judged while
            // the machine is off).
            self.clients.head_mut(c).waiting |= super::agent::Job::Install as u8;
        } else {
            self.release_restart(c, cx);
            self.begin_install(c, cx);
        }
    }

    /// Registered deployments that are due on client `c` at `now`: chosen by the user, or
    /// past the deadline the client holds (plus its activation delay, `activation.rs`).
    pub(super) fn due_mask(&self, c: ClientId, now: SimTime) -> u32 {
        let head = self.clients.head(c);
        // One pass over the registered deployments (asked at every step of an install job),
        // each one's deadline as the client holds it looked up once.
        let mut past = 0;
        let mut registered = head.registered;
        while registered != 0 {
            let d = registered.trailing_zeros() as usize;
            registered &= registered - 1;
            if self
                .held_deadline(c, d)
                .is_some_and(|t| t <= now && self.activated(c, d, t, now))
            {
                past |= 1 << d;
            }
        }
        head.chosen & head.registered | past
    }

    /// Deployments whose deadline client `c` holds as passed at `now`, evaluated yet or not:
    /// what arms a restart countdown (R25). The policy on the client carries the deadline, so
    /// a restart an install left pending is enforced even when the deployment's evaluation
    /// waits behind the install job (a user's install right after the policy came).
    pub(super) fn held_past_deadline(&self, c: ClientId, now: SimTime) -> u32 {
        self.passed_among(c, now, self.held_mask(c))
    }

    /// Of the deployments in `among` (a bit each), those whose deadline, as client `c` holds
    /// it, has passed at `now`.
    fn passed_among(&self, c: ClientId, now: SimTime, among: u32) -> u32 {
        (0..self.deployments.len())
            .filter(|&d| among & 1 << d != 0 && self.held_deadline(c, d).is_some_and(|t| t <= now))
            .fold(0, |mask, d| mask | 1 << d)
    }

    /// The updates of due deployments that the client's last scan found required and are
    /// not installed yet, lowest id first (each once), read a word of 64 at a time.
    pub(super) fn due_updates(&self, c: ClientId, now: SimTime) -> impl Iterator<Item = usize> {
        let mask = self.due_mask(c, now);
        let words = if mask == 0 { 0 } else { self.deployed.words() };
        (0..words).flat_map(move |k| {
            let due = self.deployed.word(mask, k) & self.clients.pending_word(c.index(), k);
            super::lanes::ones(k, due)
        })
    }

    /// The first of [`Self::due_updates`] that passes `filter`.
    pub(super) fn first_due(
        &self,
        c: ClientId,
        now: SimTime,
        filter: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        self.due_updates(c, now).find(|&u| filter(u))
    }
}
