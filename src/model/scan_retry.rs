//! Scans against a WSUS that is down (issue 12). A compliance, evaluation or pre-install scan
//! reads the update list from the client's WSUS (R11); when that WSUS is down at the moment
//! the Windows Update Agent connects, the scan fails there and the job that asked for it
//! ends without its result: no states, no deployments recorded, no install. The client
//! retries the scan every `scan_retry_interval` (current branch: 30 minutes), `scan_retries`
//! times in a row; after that it waits for its next scan cycle. A successful online scan
//! resets the count. Post-install scans read the local metadata the pre-install scan left
//! (current branch: "post-install offline") and SMS 2003 clients scan the ITMU catalog, so
//! neither contacts WSUS.

use super::agent::{Agent, Job};
use super::clients::SCAN_SCHEDULED;
use super::event::Event;
use super::fact::{Fact, ScanReason};
use super::invariant::Invariant;
use super::{Cx, Model};
use crate::engine::SimTime;
use crate::world::{ClientId, OutageTarget};

impl Model<'_> {
    /// Whether client `c`'s scan for `reason`, connecting to its WSUS at `at`, finds it down.
    pub(super) fn wsus_down_for(&self, c: ClientId, reason: ScanReason, at: SimTime) -> bool {
        let group = &self.world.groups[self.world.group_of(c).index()];
        reason != ScanReason::PostInstall
            && !group.legacy
            && self
                .world
                .outages
                .iter()
                .any(|o| o.target == OutageTarget::Wsus(group.sup) && o.from <= at && at < o.to)
    }

    /// The scan could not reach WSUS: it ends here, and a retry is planned unless the client
    /// has retried `scan_retries` times in a row.
    pub(super) fn scan_failed(&mut self, c: ClientId, reason: ScanReason, cx: &mut Cx) {
        let running = self.clients.head(c).agent;
        if running != Agent::scanning(reason) {
            return self.broke(
                Invariant::OneJobAtATime,
                format!("client {} failed a {reason:?} scan while {running:?}", c.0),
            );
        }
        let s = &self.world.settings;
        let head = self.clients.head_mut(c);
        head.scan_failures = head.scan_failures.saturating_add(1);
        let retry_at = (u32::from(head.scan_failures) <= s.scan_retries)
            .then(|| cx.now() + s.scan_retry_interval.0);
        cx.emit(Fact::ScanFailed {
            client: c,
            sup: self.world.groups[self.world.group_of(c).index()].sup,
            scan: reason,
            retry_at,
        });
        if let Some(at) = retry_at {
            let failures = self.clients.head(c).scan_failures;
            cx.schedule_at(
                at,
                Event::ScanRetry {
                    client: c,
                    reason,
                    failures,
                },
            );
        }
        self.job_done(c, cx);
    }

    /// The retry of a failed scan: the job that asked for it runs again (a pre-install scan
    /// comes with its install job, which first checks that something is still due). Only the
    /// latest failure's retry counts: an online scan that ended since (served or failed)
    /// makes it stale, and a compliance scan scheduled meanwhile serves as the retry.
    pub(super) fn scan_retry(
        &mut self,
        c: ClientId,
        reason: ScanReason,
        failures: u8,
        cx: &mut Cx,
    ) {
        if self.clients.head(c).scan_failures != failures
            || reason == ScanReason::Compliance && self.clients.has(c, SCAN_SCHEDULED)
        {
            return;
        }
        let job = match reason {
            ScanReason::Compliance => Job::Compliance,
            ScanReason::Evaluation => Job::Evaluation,
            ScanReason::PreInstall => Job::Install,
            ScanReason::PostInstall => return,
        };
        self.want(c, job, cx);
    }
}
