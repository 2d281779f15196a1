//! Per-machine compliance: a targeted machine is compliant with a deployment when every
//! update of the deployment that applies to it is installed — truly (restarted where
//! needed), or as its site database sees it (every state Installed or Not required). Both
//! only ever grow, so the model reports the moments they change: at the start, after each
//! install and restart, and when a management point forwards the sends that complete a
//! machine's picture (R13, R15, R25).

use super::compliance::{State, Truth};
use super::fact::Fact;
use super::{Cx, Model};
use crate::world::{ClientId, DeploymentId};

impl Model<'_> {
    /// Deployments targeting client `c` whose every update satisfies `done`.
    fn compliant_mask(&self, c: ClientId, done: impl Fn(usize) -> bool) -> u32 {
        let mut mask = 0;
        for (d, dep) in self.world.deployments.iter().enumerate() {
            if self.deployments[d].targeted.contains(c.index())
                && dep.updates.iter().all(|u| done(u.index()))
            {
                mask |= 1 << d;
            }
        }
        mask
    }

    /// Deployments with which client `c` is truly compliant.
    pub(super) fn truly_compliant(&self, c: ClientId) -> u32 {
        self.compliant_mask(c, |u| {
            matches!(
                self.clients.truth(c.index(), u),
                Truth::Installed | Truth::NotRequired
            )
        })
    }

    /// Deployments with which client `c` is compliant in what it has sent to its MP.
    pub(super) fn reported_compliant(&self, c: ClientId) -> u32 {
        self.compliant_mask(c, |u| {
            matches!(
                self.clients.sent(c.index(), u),
                State::Installed | State::NotRequired
            )
        })
    }

    /// At the start: each deployment's targeted machines and how many need nothing.
    pub(super) fn report_targeted_machines(&self, cx: &mut Cx) {
        let n = self.world.deployments.len();
        let mut tally = vec![(0u32, 0u32); n];
        for c in 0..self.world.clients() {
            let c = ClientId(c as u32);
            let compliant = self.truly_compliant(c);
            for (d, t) in tally.iter_mut().enumerate() {
                if self.deployments[d].targeted.contains(c.index()) {
                    t.0 += 1;
                    t.1 += u32::from(compliant & 1 << d != 0);
                }
            }
        }
        for (d, &(targeted, compliant)) in tally.iter().enumerate() {
            cx.emit(Fact::TargetedMachines {
                deployment: DeploymentId(d as u32),
                targeted,
                compliant,
            });
        }
    }

    /// After an install or restart changed client `c`'s true states: the deployments it has
    /// just become compliant with, given those it was compliant with `before`.
    pub(super) fn report_compliance_change(&self, c: ClientId, before: u32, cx: &mut Cx) {
        let now = self.truly_compliant(c) & !before;
        if now != 0 {
            cx.emit(Fact::MachineCompliant {
                client: c,
                deployments: now,
            });
        }
    }
}
