//! Phased deployments (current branch; issue 12, item 6). Each phase is a deployment of its
//! own (`world::Phase`). The first begins when the phased deployment is created; a later one
//! a fixed delay after the phase before it began, or once that phase's success criterion
//! holds — machines compliant with it in the site databases × 100 ≥ percent × its targeted
//! machines — and its deferral has passed. The criterion is arithmetic on the counter of
//! database-compliant machines the model already reports (`DbMachinesCompliant`): one check
//! per forwarded batch, never a scan over the clients, and one pending event per phase.

use super::event::Event;
use super::fact::{Fact, PhaseReason};
use super::{Cx, Model};
use crate::engine::SimTime;
use crate::world::{Begins, DeploymentId, World};

/// Where the phases of a run stand, per deployment (indexed like `World::deployments`).
#[derive(Clone, Debug)]
pub(super) struct Phases {
    /// Machines compliant in the site databases so far.
    db_compliant: Vec<u64>,
    /// Machines in the target collection.
    targeted: Vec<u64>,
    /// Whether the phase has begun (always for a deployment without phases).
    started: Vec<bool>,
    /// Whether the phase after it is scheduled to begin.
    next_armed: Vec<bool>,
    /// When its updates are available: a phase's is set as it begins.
    available: Vec<SimTime>,
}

impl Phases {
    /// Before the run: `targeted` machines per deployment.
    pub(super) fn new(world: &World, targeted: Vec<u64>) -> Self {
        let n = world.deployments.len();
        Phases {
            db_compliant: vec![0; n],
            targeted,
            started: world
                .deployments
                .iter()
                .map(|d| d.phase.is_none())
                .collect(),
            next_armed: vec![false; n],
            available: world.deployments.iter().map(|d| d.available).collect(),
        }
    }
}

impl Phases {
    /// Deployment `d` begins now (a phase, or a rule's run), available from `available`.
    pub(super) fn begin(&mut self, d: DeploymentId, available: SimTime) {
        self.started[d.index()] = true;
        self.available[d.index()] = available;
    }
}

impl Model<'_> {
    /// When deployment `d`'s updates are available (a phase's once it has begun).
    pub(super) fn available_at(&self, d: DeploymentId) -> SimTime {
        self.phases.available[d.index()]
    }

    /// Phase `d` begins: its times count from now, the wizard makes its deployment, and the
    /// phase after it is scheduled (delay) or checked against its criterion.
    pub(super) fn phase_start(&mut self, d: DeploymentId, cx: &mut Cx) {
        let Some(phase) = self.world.deployments[d.index()].phase else {
            return;
        };
        let now = cx.now();
        let available = now + phase.available_after;
        self.phases.begin(d, available);
        if let Some(after) = phase.deadline_after {
            let state = &mut self.deployments[d.index()];
            state.deadline = Some(available + after);
            state.localize(self.world, d.index(), available + after);
        }
        cx.emit(Fact::PhaseStarted {
            deployment: d,
            phase: phase.number,
            reason: match phase.begins {
                Begins::Created => PhaseReason::Created,
                Begins::Success { .. } => PhaseReason::Criterion,
                Begins::Delay(_) => PhaseReason::Delay,
            },
        });
        self.deployment_created(d, cx);
        if phase.last {
            return;
        }
        let next = DeploymentId(d.0 + 1);
        match self.world.deployments[next.index()].phase.map(|p| p.begins) {
            Some(Begins::Delay(x)) => {
                self.phases.next_armed[d.index()] = true;
                cx.schedule_in(x, Event::PhaseStart(next));
            }
            _ => self.check_criterion(d, cx),
        }
    }

    /// The site databases learned that `count` more machines are compliant with `d`.
    pub(super) fn db_compliant(&mut self, d: usize, count: u32, cx: &mut Cx) {
        self.phases.db_compliant[d] += u64::from(count);
        if self.world.deployments[d].phase.is_some() {
            self.check_criterion(DeploymentId(d as u32), cx);
        }
    }

    /// If phase `d` has begun and meets the success criterion of the phase after it, that
    /// phase begins after its deferral.
    fn check_criterion(&mut self, d: DeploymentId, cx: &mut Cx) {
        let i = d.index();
        if !self.phases.started[i] || self.phases.next_armed[i] {
            return;
        }
        let next = self.world.deployments.get(i + 1).and_then(|x| x.phase);
        let Some(Begins::Success { percent, deferral }) =
            next.filter(|p| p.number > 1).map(|p| p.begins)
        else {
            return;
        };
        if met(
            self.phases.db_compliant[i],
            self.phases.targeted[i],
            percent,
        ) {
            self.phases.next_armed[i] = true;
            cx.schedule_in(deferral, Event::PhaseStart(DeploymentId(d.0 + 1)));
        }
    }
}

/// The success criterion: `compliant` × 100 ≥ `percent` × `targeted` (a phase without
/// machines meets it at once).
fn met(compliant: u64, targeted: u64, percent: f64) -> bool {
    compliant as f64 * 100.0 >= percent * targeted as f64
}
