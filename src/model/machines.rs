//! Per-machine compliance: a targeted machine is compliant with a deployment when every
//! update of the deployment that applies to it is installed — truly (restarted where
//! needed), or as its site database sees it (every state Installed or Not required). Both
//! only ever grow, so the model reports the moments they change: at the start, after each
//! install and restart, and when a management point forwards the sends that complete a
//! machine's picture (R13, R15, R25).

use super::compliance::{State, Truth};
use super::fact::Fact;
use super::windows::WAIT_INSTALL;
use super::{Cx, Model};
use crate::world::{ClientId, DeploymentId};

/// Where a machine stands against every deployment that targets it, as the per-group figures
/// count it. The first that holds, in this order: compliant with all of them; installed but
/// waiting for a restart; never switched on since the start; an install due but waiting for
/// a maintenance window; still required.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum MachineState {
    /// No deployment targets it.
    #[default]
    NotTargeted,
    /// Every update of every deployment targeting it installed (restarted where needed).
    Compliant,
    /// Nothing left to install, but a restart is pending (Required in the database, R15).
    PendingRestart,
    /// Not switched on once since the start of the run.
    NeverOnline,
    /// An install is due and waits for a maintenance window that fits.
    WaitingForWindow,
    /// Anything else: updates still to install.
    Required,
}

impl MachineState {
    /// Every state a targeted machine can be in, in report order.
    pub const TARGETED: [MachineState; 5] = [
        MachineState::Compliant,
        MachineState::PendingRestart,
        MachineState::NeverOnline,
        MachineState::WaitingForWindow,
        MachineState::Required,
    ];

    /// As the trace and the summary write it.
    pub fn name(self) -> &'static str {
        match self {
            MachineState::NotTargeted => "not_targeted",
            MachineState::Compliant => "compliant",
            MachineState::PendingRestart => "pending_restart",
            MachineState::NeverOnline => "never_online",
            MachineState::WaitingForWindow => "waiting_for_window",
            MachineState::Required => "required",
        }
    }
}

/// Where a client stands against the deployments targeting it, a bit per deployment.
#[derive(Clone, Copy, Debug)]
struct Standing {
    /// The deployments targeting it.
    targeted: u32,
    /// Of those, the ones with which it is truly compliant.
    compliant: u32,
    /// Of those, the ones with nothing left to install (compliant, or waiting for a restart).
    installed: u32,
}

impl Model<'_> {
    /// Deployments targeting client `c` whose every update is done: `done(k)` gives, of
    /// updates `64k..64k + 64`, those done on the client (`Clients::*_word`).
    fn compliant_mask(&self, c: ClientId, done: impl Fn(usize) -> u64) -> u32 {
        let targeted = self.targeted_mask(c);
        targeted & !self.deployed.touching(targeted, |k| !done(k))
    }

    /// Client `c`'s [`Standing`], its true states read once: the install and restart paths
    /// ask for it after every change.
    fn standing(&self, c: ClientId) -> Standing {
        let targeted = self.targeted_mask(c);
        let (required, done) = (
            1 << Truth::Required as u8,
            1 << Truth::Installed as u8 | 1 << Truth::NotRequired as u8,
        );
        let not_installed = self.deployed.touching(targeted, |k| {
            self.clients.truth_word(c.index(), k, required)
        });
        // Not installed implies not compliant: only the others need their undone updates.
        let not_compliant = not_installed
            | self.deployed.touching(targeted & !not_installed, |k| {
                !self.clients.truth_word(c.index(), k, done)
            });
        Standing {
            targeted,
            compliant: targeted & !not_compliant,
            installed: targeted & !not_installed,
        }
    }

    /// The deployments targeting client `c` (a rule's only from its run, `adr.rs`).
    fn targeted_mask(&self, c: ClientId) -> u32 {
        (0..self.deployments.len())
            .filter(|&d| self.deployments[d].targeted.contains(c.index()))
            .fold(0u32, |m, d| m | 1 << d)
    }

    /// Deployments with which client `c` is truly compliant.
    pub(super) fn truly_compliant(&self, c: ClientId) -> u32 {
        self.standing(c).compliant
    }

    /// Deployments with which client `c` is compliant in what it has sent to its MP.
    pub(super) fn reported_compliant(&self, c: ClientId) -> u32 {
        let done = 1 << State::Installed as u8 | 1 << State::NotRequired as u8;
        self.compliant_mask(c, |k| self.clients.reported_word(c.index(), k, done, true))
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

    /// At the start, after the power: where each group's targeted machines stand, as one
    /// tally per group (changes follow machine by machine).
    pub(super) fn machines_start(&mut self, cx: &mut Cx) {
        for (g, group) in self.world.groups.iter().enumerate() {
            let mut counts = [0u32; 5];
            for c in group.first.0..group.first.0 + group.count {
                let c = ClientId(c);
                if !(0..self.deployments.len())
                    .any(|d| self.deployments[d].targeted.contains(c.index()))
                {
                    continue;
                }
                self.clients.head_mut(c).machine = MachineState::NeverOnline;
                let state = self.machine_state(c);
                self.clients.head_mut(c).machine = state;
                counts[state as usize - 1] += 1;
            }
            cx.emit(Fact::MachinesAtStart {
                group: crate::world::GroupId(g as u32),
                counts,
            });
        }
    }

    /// After an install or restart changed client `c`'s true states: reports the deployments
    /// among `changed` with which it has just become truly compliant (only those can have:
    /// each held an update that was required until now), and where the machine now stands.
    pub(super) fn report_compliance_change(&mut self, c: ClientId, changed: u32, cx: &mut Cx) {
        // A deployment with an update still required on the client is neither installed nor
        // compliant, before the change as after: when every changed deployment has one (all
        // but the last step of an install job), the machine stands where it stood.
        if changed != 0 && self.each_still_required(c, changed) {
            return;
        }
        let standing = self.standing(c);
        let now = standing.compliant & changed;
        if now != 0 {
            cx.emit(Fact::MachineCompliant {
                client: c,
                deployments: now,
            });
        }
        self.track_standing(c, standing, cx);
    }

    /// Whether every deployment in `mask` has an update still required on client `c`.
    fn each_still_required(&self, c: ClientId, mask: u32) -> bool {
        let required = 1 << Truth::Required as u8;
        let still = self
            .deployed
            .touching(mask, |k| self.clients.truth_word(c.index(), k, required));
        still == mask
    }

    /// Where targeted machine `c` stands now (see [`MachineState`]).
    fn machine_state(&self, c: ClientId) -> MachineState {
        self.state_of(c, self.standing(c))
    }

    /// Where targeted machine `c`, with `standing`, stands now.
    fn state_of(&self, c: ClientId, standing: Standing) -> MachineState {
        let head = self.clients.head(c);
        let Standing {
            targeted,
            compliant,
            installed,
        } = standing;
        if head.machine == MachineState::NotTargeted {
            MachineState::NotTargeted
        } else if compliant == targeted {
            MachineState::Compliant
        } else if installed == targeted {
            MachineState::PendingRestart
        } else if head.machine == MachineState::NeverOnline && self.is_off(c) {
            MachineState::NeverOnline
        } else if head.window_wait & WAIT_INSTALL != 0 {
            MachineState::WaitingForWindow
        } else {
            MachineState::Required
        }
    }

    /// A rule has just made deployment `d` (`adr.rs`): its machines are targeted from now on.
    /// A machine no deployment targeted before joins the figures (from "not targeted"; as
    /// "never online" when it has not been on since the start); one already counted moves to
    /// where the new deployment puts it (a compliant machine that now needs more is no longer
    /// compliant: the figures of a hierarchy with rules can go down).
    pub(super) fn retarget(&mut self, d: DeploymentId, cx: &mut Cx) {
        for c in (0..self.world.clients() as u32).map(ClientId) {
            if !self.deployments[d.index()].targeted.contains(c.index()) {
                continue;
            }
            let head = self.clients.head_mut(c);
            if head.machine != MachineState::NotTargeted {
                self.track_machine(c, cx);
                continue;
            }
            head.machine = if self.never_on.contains(c.index()) {
                MachineState::NeverOnline
            } else {
                MachineState::Required
            };
            let to = self.machine_state(c);
            self.clients.head_mut(c).machine = to;
            cx.emit(Fact::MachineState {
                client: c,
                from: MachineState::NotTargeted,
                to,
            });
        }
    }

    /// Records where targeted machine `c` stands, reporting a change.
    pub(super) fn track_machine(&mut self, c: ClientId, cx: &mut Cx) {
        self.track_standing(c, self.standing(c), cx);
    }

    /// [`Self::track_machine`] with the machine's standing known.
    fn track_standing(&mut self, c: ClientId, standing: Standing, cx: &mut Cx) {
        let from = self.clients.head(c).machine;
        let to = self.state_of(c, standing);
        if to != from {
            self.clients.head_mut(c).machine = to;
            cx.emit(Fact::MachineState {
                client: c,
                from,
                to,
            });
        }
    }
}
