//! The client's Windows Update Agent: one job at a time. Scans (R10, R11, R17), installs with
//! their pre- and post-install scans (R25) and restarts are jobs; a job that comes due while
//! another runs waits in the client's queue (a bit per kind of job) and starts the moment
//! the running one ends. Every step goes through [`Model::enter`], which refuses a step the
//! state does not allow, so "an install in the middle of a scan" stops the run as a broken
//! invariant instead of being written to the trace.
//!
//! Downloads are not agent jobs: the content transfer service (BITS) fills the local cache
//! beside the agent, as on a real client, so a scan may run while content downloads. An
//! install still never starts before its files are in the cache (R18).

use super::fact::ScanReason;
use super::invariant::Invariant;
use super::{Cx, Model};
use crate::world::ClientId;

/// What the agent is doing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Agent {
    /// Nothing: the next waiting job may start.
    #[default]
    Idle,
    /// A compliance scan (R10, R11).
    ComplianceScan,
    /// An evaluation scan after deployment policy (R17).
    EvaluationScan,
    /// The scan that opens an install: is it still required? (R25)
    PreInstallScan,
    /// Installing the update in `Head::installing` (R25).
    Installing,
    /// The scan that closes an install or follows a restart (R25).
    PostInstallScan,
}

impl Agent {
    /// The agent state of a scan of `reason`.
    pub(super) fn scanning(reason: ScanReason) -> Agent {
        match reason {
            ScanReason::Compliance => Agent::ComplianceScan,
            ScanReason::Evaluation => Agent::EvaluationScan,
            ScanReason::PreInstall => Agent::PreInstallScan,
            ScanReason::PostInstall => Agent::PostInstallScan,
        }
    }

    /// Whether the agent may go from `self` to `to`: a job starts only from idle; within a
    /// job, an install follows its pre-install scan or the previous install, and the
    /// post-install scan follows an install; a job ends only from a scan (an install ends
    /// with its post-install scan).
    fn may(self, to: Agent) -> bool {
        use Agent::*;
        matches!(
            (self, to),
            (
                Idle,
                ComplianceScan | EvaluationScan | PreInstallScan | PostInstallScan
            ) | (PreInstallScan | Installing, Installing)
                | (Installing, PostInstallScan)
                | (
                    ComplianceScan | EvaluationScan | PreInstallScan | PostInstallScan,
                    Idle
                )
        )
    }
}

/// Jobs that wait for the agent, as bits of `Head::waiting`, in the order they start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Job {
    /// The restart of a machine switched back on: the boot completes pending installs.
    BootRestart = 32,
    /// The restart the countdown forces (R25): it waits only for the running job.
    ForcedRestart = 16,
    /// The user's restart (R25): pending installs complete.
    Restart = 1,
    /// An install at a deadline or the user's start (R25).
    Install = 2,
    /// The evaluation scan of newly received deployment policy (R17).
    Evaluation = 4,
    /// The compliance scan scheduled after scan policy (R10).
    Compliance = 8,
}

impl Job {
    /// The jobs that restart the machine: one restart completes every pending install.
    pub(super) const RESTARTS: u8 =
        Job::BootRestart as u8 | Job::ForcedRestart as u8 | Job::Restart as u8;
}

/// Waiting jobs in the order they start when the agent is free.
const ORDER: [Job; 6] = [
    Job::BootRestart,
    Job::ForcedRestart,
    Job::Restart,
    Job::Install,
    Job::Evaluation,
    Job::Compliance,
];

impl Model<'_> {
    /// Runs `job` now if the agent is idle, or queues it for when it is; a machine that is
    /// off runs it at its next start-up, one switching off once its job ends (`job_done`).
    pub(super) fn want(&mut self, c: ClientId, job: Job, cx: &mut Cx) {
        if self.clients.head(c).agent == Agent::Idle && !self.is_off(c) {
            self.run_job(c, job, cx);
        } else {
            self.clients.head_mut(c).waiting |= job as u8;
        }
    }

    /// Starts `job` on an idle agent; a job with nothing to do leaves it idle.
    fn run_job(&mut self, c: ClientId, job: Job, cx: &mut Cx) {
        match job {
            Job::BootRestart => self.restart_now(c, false, cx),
            Job::ForcedRestart => self.restart_now(c, true, cx),
            // A restart that windows hold back waits for the next one (`windows.rs`).
            Job::Restart if !self.may_restart(c, cx.now()) => {
                self.clients.head_mut(c).window_wait |= super::windows::WAIT_RESTART;
            }
            Job::Restart => self.restart_now(c, false, cx),
            Job::Install => self.install_now(c, cx),
            Job::Evaluation => self.start_scan(c, ScanReason::Evaluation, cx),
            Job::Compliance => self.start_scan(c, ScanReason::Compliance, cx),
        }
    }

    /// Moves the agent to `to`, or records a broken invariant when the step is not allowed.
    pub(super) fn enter(&mut self, c: ClientId, to: Agent) {
        let from = self.clients.head(c).agent;
        if !from.may(to) {
            return self.broke(
                Invariant::OneJobAtATime,
                format!("client {} went from {from:?} to {to:?}", c.0),
            );
        }
        self.clients.head_mut(c).agent = to;
    }

    /// The running job ended: the agent is idle and the next waiting job starts, unless the
    /// machine is switching off (it does so now, if no download holds it).
    pub(super) fn job_done(&mut self, c: ClientId, cx: &mut Cx) {
        self.enter(c, Agent::Idle);
        self.switch_off_if_idle(c, cx);
        self.run_waiting(c, cx);
    }

    /// Starts the waiting jobs, in order, while the agent is idle and the machine on (one
    /// that waited only for its download to switch off runs them meanwhile).
    pub(super) fn run_waiting(&mut self, c: ClientId, cx: &mut Cx) {
        while self.clients.head(c).agent == Agent::Idle && !self.is_off(c) {
            let waiting = self.clients.head(c).waiting;
            let Some(&job) = ORDER.iter().find(|&&j| waiting & j as u8 != 0) else {
                return;
            };
            self.clients.head_mut(c).waiting &= !(job as u8);
            self.run_job(c, job, cx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Agent::*;

    #[test]
    fn a_job_starts_only_from_idle_and_an_install_only_inside_its_job() {
        assert!(Idle.may(ComplianceScan) && Idle.may(PreInstallScan));
        assert!(PreInstallScan.may(Installing) && Installing.may(Installing));
        assert!(Installing.may(PostInstallScan) && PostInstallScan.may(Idle));
        // Overlaps that cannot be written.
        assert!(!ComplianceScan.may(PreInstallScan));
        assert!(!Installing.may(EvaluationScan));
        assert!(!Idle.may(Installing));
        assert!(!EvaluationScan.may(Installing));
        assert!(
            !Installing.may(Idle),
            "an install ends with its post-install scan"
        );
        assert!(!Idle.may(Idle));
    }
}
