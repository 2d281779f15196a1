//! Deadline randomization (R25; the client setting "Disable deadline randomization"): for a
//! deployment whose randomization is above 0 (the `deadline_randomization` setting, the
//! deployment's own, or 2 hours for an automatic deployment rule's), a client acts on a deadline it holds only after an
//! activation delay drawn uniformly below it, from a stream of the deployment and the client
//! (the same delay in every plan with this deployment id, whatever else changes). Only when
//! installs become *due* moves: notifications, users' choices, windows that a passed
//! deadline opens and the restart countdown still count from the deadline itself, as the
//! client shows it.
//!
//! At a deadline instant, every targeted client that holds that deadline, or will take it
//! at its next poll, gets one activation event at its own moment and a `deadline_activation`
//! fact naming it, so `cmsim verify` can hold the install to it. One event per targeted
//! client per deadline, only for deployments with randomization on (none at 0).

use super::event::Event;
use super::fact::Fact;
use super::{Cx, Model};
use crate::engine::{DrawCounter, SimDuration, SimTime, StreamFamily, StreamId};
use crate::world::{ClientId, DeploymentId, World};

/// Slots of the memo of recent activation delays: a client installing asks for its delay at
/// every step of its job, and each draw is a ChaCha block.
pub(super) const MEMO: usize = 1024;

/// A memo of recent activation delays, (client, deployment, delay in ms) per slot: a pure
/// function's results, so it changes no figure.
pub(super) fn memo() -> Vec<std::cell::Cell<(u32, u32, u64)>> {
    vec![std::cell::Cell::new((u32::MAX, u32::MAX, 0)); MEMO]
}

/// The streams of the activation delays, one family per deployment.
pub(super) fn families(world: &World) -> Vec<StreamFamily> {
    world
        .deployments
        .iter()
        .map(|d| StreamId::family("deadline-activation", &d.id))
        .collect()
}

impl Model<'_> {
    /// Whether deployment `d`'s deadlines are randomized.
    pub(super) fn randomized(&self, d: usize) -> bool {
        self.world.randomization(DeploymentId(d as u32)) > SimDuration::ZERO
    }

    /// Client `c`'s activation delay for deployment `d`.
    fn activation_delay(&self, c: ClientId, d: usize) -> SimDuration {
        let slot = &self.activation_memo[(c.index() * 32 + d) % MEMO];
        let (client, deployment, delay) = slot.get();
        if (client, deployment) == (c.0, d as u32) {
            return SimDuration(delay);
        }
        let spread = self.world.randomization(DeploymentId(d as u32)).ms();
        let stream = self.activation[d].member(u64::from(c.0));
        let delay = self.rng.below(stream, &mut DrawCounter::default(), spread);
        slot.set((c.0, d as u32, delay));
        SimDuration(delay)
    }

    /// Whether client `c`, holding deployment `d`'s deadline as `deadline` (passed at `now`),
    /// acts on it by now: at once without randomization, else after its activation delay.
    pub(super) fn activated(&self, c: ClientId, d: usize, deadline: SimTime, now: SimTime) -> bool {
        let spread = self.world.randomization(DeploymentId(d as u32));
        // The delay is below the spread: a draw decides only in between.
        spread == SimDuration::ZERO
            || deadline + spread <= now
            || deadline + self.activation_delay(c, d) <= now
    }

    /// A deadline of deployment `d` passed: each targeted client that holds it, or holds no
    /// deadline of `d` yet and will take this one, acts at its own moment.
    pub(super) fn schedule_activations(&mut self, d: DeploymentId, cx: &mut Cx) {
        let now = cx.now();
        let state = &self.deployments[d.index()];
        let in_force = state.deadline;
        for c in 0..self.world.clients() as u32 {
            let c = ClientId(c);
            if !self.deployments[d.index()].targeted.contains(c.index()) {
                continue;
            }
            let takes = match self.held(c, d.index()) {
                Some(Some(_)) => self.held_deadline(c, d.index()) == Some(now),
                _ => {
                    let g = self.group(c).index();
                    in_force.map(|at| self.deployments[d.index()].local_deadline(at, g))
                        == Some(now)
                }
            };
            if !takes {
                continue;
            }
            let at = now + self.activation_delay(c, d.index());
            cx.emit(Fact::DeadlineActivation {
                client: c,
                deployment: d,
                deadline: now,
                at,
            });
            cx.schedule_at(
                at,
                Event::ActivateDeadline {
                    client: c,
                    deployment: d.0 as u8,
                },
            );
        }
    }

    /// Client `c`'s activation for deployment `d` came: it acts if it holds the deadline the
    /// activation was drawn for (a later poll may have brought another).
    pub(super) fn activate(&mut self, c: ClientId, d: u8, cx: &mut Cx) {
        let d = usize::from(d);
        if self.clients.head(c).registered & 1 << d != 0
            && self
                .held_deadline(c, d)
                .is_some_and(|t| t + self.activation_delay(c, d) == cx.now())
        {
            self.deadline_reached(c, cx);
        }
    }
}
