//! Scans their WSUS does not serve (issue 12). A compliance, evaluation or pre-install scan
//! reads the update list from the client's WSUS (R11); when that WSUS is down or overloaded
//! at the moment the Windows Update Agent connects (`sup_load.rs`), the scan fails there and
//! the job that asked for it ends without its result: no states, no deployments recorded, no
//! install. The client retries the scan every `scan_retry_interval` (current branch: 30
//! minutes), `scan_retries` times in a row; after that it moves to the next SUP of its site
//! if there is one, else waits for its next scan cycle. A successful online scan resets the
//! count. Post-install scans read the local metadata the pre-install scan left (current
//! branch: "post-install offline") and SMS 2003 clients scan the ITMU catalog, so neither
//! contacts WSUS.

use super::agent::{Agent, Job};
use super::clients::{NEVER_ONLINE, SCAN_SCHEDULED};
use super::event::Event;
use super::fact::{Fact, ScanFailure, ScanReason};
use super::invariant::Invariant;
use super::{Cx, Model};
use crate::engine::{SimDuration, SimTime};
use crate::world::ClientId;

impl Model<'_> {
    /// The scan could not be served: it ends here, and a retry is planned unless the client
    /// has retried `scan_retries` times in a row; then, at a site with more SUPs, it moves to
    /// the next one after `sup_switch_delay` (`sup_load.rs`).
    pub(super) fn scan_failed(
        &mut self,
        c: ClientId,
        reason: ScanReason,
        cause: ScanFailure,
        cx: &mut Cx,
    ) {
        let running = self.clients.head(c).agent;
        if running != Agent::scanning(reason) {
            return self.broke(
                Invariant::OneJobAtATime,
                format!("client {} failed a {reason:?} scan while {running:?}", c.0),
            );
        }
        let head = self.clients.head_mut(c);
        head.scan_failures = head.scan_failures.saturating_add(1);
        let failures = head.scan_failures;
        let retry_at = (self.retries_left(failures) || self.may_switch_sup(c))
            .then(|| cx.now() + self.retry_after(failures));
        cx.emit(Fact::ScanFailed {
            client: c,
            sup: self.client_sup(c),
            cause,
            scan: reason,
            retry_at,
        });
        if let Some(at) = retry_at {
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

    /// Whether a client that has failed `failures` times in a row retries on its SUP.
    fn retries_left(&self, failures: u8) -> bool {
        u32::from(failures) <= self.world.settings.scan_retries
    }

    /// How long after its `failures`-th failure in a row a client retries: the retry
    /// interval, or after the last retry the SUP switch delay (where it may switch).
    fn retry_after(&self, failures: u8) -> SimDuration {
        let s = &self.world.settings;
        if self.retries_left(failures) {
            s.scan_retry_interval.0
        } else {
            s.sup_switch_delay.0
        }
    }

    /// Whether an online scan was served since the failure whose retry comes at `now` (it
    /// was `failures` in a row): its count alone cannot tell, when the served scan reset it
    /// and a new failure brought it back to the same number. The failure was the retry
    /// interval before, or the SUP switch delay after the last retry; a served scan after it
    /// connected in a later second (or the same one: a scan cannot end, and the next connect,
    /// within a second).
    fn served_since_failure(&self, c: ClientId, failures: u8, now: SimTime) -> bool {
        let failed_at = now.ms().saturating_sub(self.retry_after(failures).ms());
        let online_at = self.clients.head(c).online_at;
        online_at != NEVER_ONLINE && u64::from(online_at) >= failed_at / 1_000
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
        if self.served_since_failure(c, failures, cx.now())
            || self.clients.head(c).scan_failures != failures
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
