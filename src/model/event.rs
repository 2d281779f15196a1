//! Everything that can happen, as one small `Copy` value: ids and numbers, never names or
//! heap data, so a million pending events cost a few megabytes and no allocation.

use super::fact::{Dialog, ScanAccess, ScanFailure, ScanReason};
use crate::world::{ClientId, DeploymentId, ServerId, SiteId, SupId};

/// A synchronization's kind (R03).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SyncMode {
    /// Manual "Run Synchronization": only the changes since the last sync.
    Delta,
    /// Scheduled: all changes since the last scheduled sync; marks superseded and expired
    /// updates expired.
    Full,
}

/// Why a synchronization started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The top site's sync schedule (R01).
    Schedule,
    /// "Run Synchronization" in the console (R01).
    Manual,
    /// A sync request from the parent site (R04).
    Parent,
    /// The site's active SUP finished; this is its Internet-based SUP (R05).
    ActiveSup,
    /// The retry 60 minutes after a failure (R06).
    Retry,
}

/// Why a synchronization failed (R06).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailCause {
    /// Microsoft Update or the upstream SUP's WSUS could not be reached.
    UpstreamUnavailable,
    /// This SUP's own WSUS was down.
    WsusUnavailable,
    /// A random failure (`sync_failure_probability`).
    Random,
}

/// A scheduled happening.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The run starts: arms schedules, actions and the SMS 2003 migration state.
    Start,
    /// The top site's scheduled sync is due; re-arms itself (R01).
    ScheduledSync,
    /// Operator action number `n` of the world's timeline.
    Action(u32),
    /// A sync request reaches a SUP (R04, R05).
    SyncRequest {
        /// The SUP asked to sync.
        sup: SupId,
        /// Full or delta, as its upstream's sync was.
        mode: SyncMode,
        /// Who asked.
        trigger: Trigger,
    },
    /// The WSUS sync cycle of attempt `epoch` finished (R02).
    WsusSyncDone {
        /// The syncing SUP.
        sup: SupId,
        /// The attempt it belongs to; stale attempts are ignored.
        epoch: u32,
    },
    /// WSUS Synchronization Manager finished writing the site database (R02).
    SiteDbUpdated {
        /// The syncing SUP.
        sup: SupId,
        /// The attempt it belongs to.
        epoch: u32,
    },
    /// Attempt `epoch` failed (R06).
    SyncFailed {
        /// The syncing SUP.
        sup: SupId,
        /// The attempt it belongs to.
        epoch: u32,
        /// Why.
        cause: FailCause,
    },
    /// The retry of a failed sync is due (R06).
    SyncRetry {
        /// The SUP to retry.
        sup: SupId,
        /// The failed attempt it retries.
        epoch: u32,
    },
    /// The ITMU advertisement refreshes the catalog for SMS 2003 clients (R08).
    ItmuRefresh,
    /// A client's machine policy poll brings it a new policy (R09).
    PolicyReceived(ClientId),
    /// A client's compliance scan starts (R10, R11).
    ScanStart(ClientId),
    /// A client's scan finishes (R11, R12, R17, R25).
    ScanDone {
        /// The client.
        client: ClientId,
        /// Why it scanned.
        reason: ScanReason,
        /// How it reads the update list.
        access: ScanAccess,
    },
    /// A client's scan cannot be served by its WSUS and fails as it connects
    /// (`scan_retry.rs`, `sup_load.rs`).
    ScanFailed {
        /// The client.
        client: ClientId,
        /// Why it scanned.
        reason: ScanReason,
        /// Why it failed.
        cause: ScanFailure,
    },
    /// A client retries a failed scan (`scan_retry.rs`).
    ScanRetry {
        /// The client.
        client: ClientId,
        /// Why it scanned.
        reason: ScanReason,
        /// Its failures in a row when it failed: another scan's end since makes this stale.
        failures: u8,
    },
    /// A client's state-message cycle sends what is queued (R13).
    SendStateMessages(ClientId),
    /// A management point forwards what it has processed to its site database (R13).
    MpForward(ServerId),
    /// A site database inserts the batches its state system has processed by now (R13).
    DbInsert(SiteId),
    /// A site database replicates what it learned to the database above it (R13).
    Replicate(SiteId),
    /// The Deploy Software Updates wizard runs: files go to the package source (R16).
    DeploymentCreated(DeploymentId),
    /// The files are in the package source: policy, then copies to the DPs (R16).
    SourceReady(DeploymentId),
    /// Deadline randomization: a client acts on a deadline after its activation delay
    /// (`activation.rs`).
    ActivateDeadline {
        /// The client.
        client: ClientId,
        /// The deployment's index (below 32).
        deployment: u8,
    },
    /// A scheduled run of automatic deployment rule `n` (index into `World::adrs`) is due;
    /// arms the rule's next run (`adr.rs`).
    ScheduledRule(u16),
    /// A phase of a phased deployment begins: its deployment is made (`phases.rs`).
    PhaseStart(DeploymentId),
    /// A deployment's available time: its policy starts reaching clients (R17).
    Available(DeploymentId),
    /// The outage that held back copying a package to one of its DPs is over (R16,
    /// `distribution.rs`).
    DpCopyStart {
        /// The deployment.
        deployment: u16,
        /// Index into the deployment's DPs.
        dp: u16,
    },
    /// A copy of a package to one of its DPs finished: the package is on it (R16).
    ContentOnDp {
        /// The deployment.
        deployment: u16,
        /// Index into the deployment's DPs.
        dp: u16,
    },
    /// A deployment's deadline is due (R25); stale when the deadline has changed.
    Deadline(DeploymentId),
    /// A client looks for a DP and connects to it, or retries (R19–R21).
    Locate(ClientId),
    /// The earliest download on a DP may have finished (R18); stale unless `epoch` matches.
    DpNext {
        /// The DP.
        dp: u16,
        /// The DP's schedule this event belongs to.
        epoch: u32,
    },
    /// A client's download from a peer finished (`peer.rs`).
    PeerDone(ClientId),
    /// A client's deadline notification is due (R22); stale unless `epoch` is the client's
    /// current reminder chain (`Head::notify_epoch`).
    Notify {
        /// The client.
        client: ClientId,
        /// The reminder chain it belongs to.
        epoch: u8,
    },
    /// A user opens an install dialog (R24).
    UserAct {
        /// The client.
        client: ClientId,
        /// Which dialog.
        dialog: Dialog,
    },
    /// One update finished installing on a client (R25).
    InstallDone(ClientId),
    /// The client restarts (R25): its user restarts it, or the restart countdown forces it.
    Restart {
        /// The client.
        client: ClientId,
        /// The countdown ran out.
        forced: bool,
    },
    /// The final warning of a client's restart countdown is due (R25).
    RestartWarning(ClientId),
    /// A machine's next power change is due: it switches off or comes back on.
    Power(ClientId),
    /// The user of a machine left on overnight comes or goes (`presence.rs`).
    Presence(ClientId),
    /// An opening of a maintenance window (index into `World::windows.openings`).
    WindowOpen(u32),
    /// The end of an opening of a maintenance window.
    WindowClose(u32),
    /// A tick of a client's scan schedule (R10, `scan_schedule_interval`); re-arms itself.
    ScanCycle(ClientId),
    /// A client's deployment re-evaluation is due (R17, `deployment_reevaluation_interval`);
    /// re-arms itself.
    Reevaluation(ClientId),
}

impl Event {
    /// The client the event happens to, if it is one client's.
    pub fn client(&self) -> Option<ClientId> {
        match *self {
            Event::PolicyReceived(c)
            | Event::ScanStart(c)
            | Event::ScanDone { client: c, .. }
            | Event::ScanFailed { client: c, .. }
            | Event::ScanRetry { client: c, .. }
            | Event::SendStateMessages(c)
            | Event::ActivateDeadline { client: c, .. }
            | Event::Locate(c)
            | Event::PeerDone(c)
            | Event::Notify { client: c, .. }
            | Event::UserAct { client: c, .. }
            | Event::InstallDone(c)
            | Event::Restart { client: c, .. }
            | Event::RestartWarning(c)
            | Event::Power(c)
            | Event::Presence(c)
            | Event::ScanCycle(c)
            | Event::Reevaluation(c) => Some(c),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn events_stay_small() {
        // A million pending events must cost megabytes, not more (DESIGN.md).
        assert!(std::mem::size_of::<super::Event>() <= 8);
    }
}
