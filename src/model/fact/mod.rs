//! What the model reports as it runs: the trace kinds, as compact values. Observers (trace
//! writer, summary) turn them into lines and figures; names are looked up only there.
//!
//! The small kinds the facts carry live in `kinds` (re-exported here, so they are named
//! `fact::PolicyKind` and so on); which client a fact concerns, in `client`; which facts
//! only the trace reads, in `detail`.

use super::compliance::State;
use super::event::{FailCause, SyncMode, Trigger};
use crate::engine::{SimDuration, SimTime};
use crate::world::{ClientId, DeploymentId, GroupId, ServerId, SiteId, SupId, UpdateId};

mod client;
mod detail;
mod kinds;

pub use kinds::{
    ContentFrom, Dialog, ExpiryReason, FallbackTo, GiveUp, PhaseReason, PolicyKind, Rejection,
    STATUS_SYNC_DONE, STATUS_SYNC_FAILED, ScanAccess, ScanFailure, ScanReason,
};

/// One observable happening.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    /// A sync attempt starts (R01–R06).
    SyncStart {
        /// The SUP.
        sup: SupId,
        /// Full or delta.
        mode: SyncMode,
        /// Why it started.
        trigger: Trigger,
        /// 1 for a first attempt, 2 for its first retry, …
        attempt: u32,
        /// Updates whose metadata this attempt moves.
        updates: u32,
    },
    /// The WSUS sync cycle finished; the WSUS database holds `updates` updates (R02).
    WsusSyncDone {
        /// The SUP.
        sup: SupId,
        /// Updates now in its WSUS database.
        updates: u32,
    },
    /// The site database was updated from WSUS (R02; never for an Internet-based SUP, R05).
    SiteDbUpdated {
        /// The SUP.
        sup: SupId,
        /// Updates now in the site database.
        updates: u32,
        /// Of which new with this sync.
        new: u32,
    },
    /// A status message of the WSUS Synchronization Manager.
    StatusMessage {
        /// The SUP.
        sup: SupId,
        /// 6702 or 6703.
        id: u16,
        /// For 6703, why.
        cause: Option<FailCause>,
    },
    /// A retry is scheduled after a failure (R06).
    SyncRetryScheduled {
        /// The SUP.
        sup: SupId,
        /// When the retry starts.
        at: SimTime,
    },
    /// A site sends a sync request to a child site's SUP (R04).
    SyncRequest {
        /// The sending site.
        from: SiteId,
        /// The child's SUP.
        to: SupId,
    },
    /// Updates are marked expired in a site database.
    UpdatesExpired {
        /// The site.
        site: SiteId,
        /// How many newly.
        count: u32,
        /// Why.
        reason: ExpiryReason,
    },
    /// Migrated SMS 2003 updates become active after a sync (R07).
    UpdatesReactivated {
        /// The site.
        site: SiteId,
        /// How many.
        count: u32,
    },
    /// A site-wide machine policy is created (R09).
    PolicyCreated {
        /// The site.
        site: SiteId,
        /// Which policy.
        policy: PolicyKind,
        /// For a deployment policy, its deployment.
        deployment: Option<DeploymentId>,
    },
    /// A client received a policy at its machine policy poll (R09).
    PolicyReceived {
        /// The client.
        client: ClientId,
        /// Which policy.
        policy: PolicyKind,
        /// For deployment policy, the deployments it brings (bit per deployment): those
        /// targeting the client published so far.
        deployments: u32,
    },
    /// A client's scan could not be served by its WSUS: the scan failed as it connected.
    ScanFailed {
        /// The client.
        client: ClientId,
        /// The software update point whose WSUS it scans against.
        sup: SupId,
        /// Why: the WSUS was down or overloaded.
        cause: ScanFailure,
        /// Why it scanned.
        scan: ScanReason,
        /// When it retries (`None`: it waits for its next scan cycle).
        retry_at: Option<SimTime>,
    },
    /// A client scheduled its scan (R10).
    ScanScheduled {
        /// The client.
        client: ClientId,
        /// When the scan starts.
        at: SimTime,
    },
    /// A client's scan starts (R11).
    ScanStart {
        /// The client.
        client: ClientId,
        /// Why.
        reason: ScanReason,
        /// The SUP whose WSUS it connects to; `None` when it contacts none (post-install
        /// scans, SMS 2003 clients).
        sup: Option<SupId>,
        /// A full scan: the first against that WSUS (R11, `scan_wua_download_full`).
        full: bool,
        /// The WSUS serves it when it connects. Not a trace field: the trace tells by the
        /// `scan_failed` line at the connect moment; the load figures need it now.
        served: bool,
    },
    /// A client's scans kept failing: it moves to the next SUP of its site (`sup_load.rs`).
    SupSwitched {
        /// The client.
        client: ClientId,
        /// The SUP it leaves.
        from: SupId,
        /// The SUP it scans against from now on.
        to: SupId,
    },
    /// A client's scan finished (R12).
    ScanDone {
        /// The client.
        client: ClientId,
        /// Updates whose state changed since the last scan.
        changed: u32,
        /// Updates in the list the scan read (the first `listed` of the catalog).
        listed: u32,
        /// Why it scanned.
        reason: ScanReason,
    },
    /// A client sent its queued state messages in bulk to its MP (R13).
    StateMessagesSent {
        /// The client.
        client: ClientId,
        /// Its management point.
        mp: ServerId,
        /// Messages in the bulk.
        count: u32,
        /// End of the scan that produced them.
        scanned_at: SimTime,
    },
    /// An MP forwarded the state messages it has processed to its site database (R13).
    StateMessagesForwarded {
        /// The site of the MP.
        site: SiteId,
        /// The MP.
        mp: ServerId,
        /// The site whose database receives them: the MP's, or for a secondary site the
        /// primary's above it.
        database: SiteId,
        /// Messages forwarded.
        count: u32,
    },
    /// State messages wait at an MP: it takes them in slower than they arrive (R13).
    MpBacklog {
        /// The site of the MP.
        site: SiteId,
        /// The MP.
        mp: ServerId,
        /// Messages received and not yet processed.
        queued: u32,
    },
    /// Forwarded state messages wait for a site database's state system (R13).
    DbBacklog {
        /// The site database.
        site: SiteId,
        /// Messages forwarded to it and not yet inserted.
        queued: u32,
    },
    /// A site database inserts one forwarded batch: the state changes and discards that
    /// follow at this instant for this site are its `count` messages (R13, R15).
    StatesInserted {
        /// The site database.
        site: SiteId,
        /// Messages in the batch.
        count: u32,
    },
    /// A site database replicated the states it learned to the database above it, which
    /// records them at once: the state changes and discards that follow at this instant for
    /// `to_site` are these `count` messages (R13).
    StatesReplicated {
        /// The sending site database.
        site: SiteId,
        /// The receiving one.
        to_site: SiteId,
        /// Messages (client state changes).
        count: u32,
    },
    /// States inserted into a site database: `count` clients of `group` moved from `from` to
    /// `to` for `update` (R13, R15).
    DbStateChanged {
        /// The site database.
        site: SiteId,
        /// The clients' group.
        group: GroupId,
        /// The update.
        update: UpdateId,
        /// Previous state in the database.
        from: State,
        /// New state.
        to: State,
        /// Clients.
        count: u32,
    },
    /// The true states of an update in a group at the start (what scans will find).
    Applicability {
        /// The group.
        group: GroupId,
        /// The update.
        update: UpdateId,
        /// Clients that need it.
        required: u32,
        /// Clients it does not apply to.
        not_required: u32,
        /// Clients that have it.
        installed: u32,
    },
    /// The wizard could not create a deployment (R07).
    DeploymentRejected {
        /// The deployment.
        deployment: DeploymentId,
        /// Why.
        reason: Rejection,
    },
    /// A deployment is created: its files are in the package source (R16).
    DeploymentCreated {
        /// The deployment.
        deployment: DeploymentId,
        /// Its deadline (mandatory) or none (optional).
        deadline: Option<SimTime>,
        /// Bytes downloaded into the package source for it.
        downloaded: u64,
        /// Clients in its target collection.
        targeted: u32,
        /// Client × update pairs still required among them (what installs must cover).
        required: u64,
    },
    /// A phase of a phased deployment began: its deployment is made now (issue 12).
    PhaseStarted {
        /// The phase's deployment.
        deployment: DeploymentId,
        /// Its number, from 1.
        phase: u32,
        /// What started it.
        reason: PhaseReason,
    },
    /// An automatic deployment rule ran after a sync and makes a deployment of `updates`
    /// new updates (issue 12, item 7); its `AdrUpdate` facts came just before.
    AdrDeploymentCreated {
        /// Index of the rule in `World::adrs`.
        rule: u16,
        /// The deployment it makes.
        deployment: DeploymentId,
        /// How many updates it holds.
        updates: u32,
    },
    /// One update of a rule's deployment (no trace line: the deployment's updates follow
    /// from the sync and the rule's criteria; observers need them to count installs).
    AdrUpdate {
        /// The deployment.
        deployment: DeploymentId,
        /// The update.
        update: UpdateId,
    },
    /// A deployment's package reached one of its DPs (R16).
    ContentOnDp {
        /// The deployment.
        deployment: DeploymentId,
        /// The DP.
        dp: ServerId,
    },
    /// The distribution manager (or a pull DP) starts copying a package to a DP (R16).
    ContentTransferStart {
        /// The deployment.
        deployment: DeploymentId,
        /// The DP.
        dp: ServerId,
        /// The sending site, or a pull DP's source DP.
        from: ContentFrom,
        /// Bytes of the package.
        bytes: u64,
    },
    /// A copy of a package to a DP finished (R16); `ContentOnDp` follows.
    ContentTransferDone {
        /// The deployment.
        deployment: DeploymentId,
        /// The DP.
        dp: ServerId,
        /// The sending site, or a pull DP's source DP.
        from: ContentFrom,
    },
    /// A client found no DP with the content it could reach in its boundary group and,
    /// past the relationship's fallback time, downloads from a DP of another group.
    ContentFallback {
        /// The client.
        client: ClientId,
        /// Its boundary group.
        from_group: u16,
        /// The group it fell back to.
        to: FallbackTo,
        /// The DP it downloads from.
        dp: ServerId,
        /// Bytes of the download.
        bytes: u64,
    },
    /// A client downloads from a peer of its boundary group that holds the content.
    PeerDownloadStart {
        /// The client.
        client: ClientId,
        /// The peer.
        peer: ClientId,
        /// The (first) deployment the download serves.
        deployment: DeploymentId,
        /// Every deployment the download serves, a bit per deployment.
        deployments: u32,
        /// Bytes to download.
        bytes: u64,
    },
    /// A download from a peer finished: the files are in the client's cache (R18).
    PeerDownloadDone {
        /// The client.
        client: ClientId,
        /// The (first) deployment the download serves.
        deployment: DeploymentId,
        /// Every deployment the download serves, a bit per deployment.
        deployments: u32,
    },
    /// A deployment got a new deadline: an optional one becomes mandatory (R17).
    DeadlineChanged {
        /// The deployment.
        deployment: DeploymentId,
        /// The new deadline.
        deadline: SimTime,
    },
    /// A client starts downloading from a DP (R18).
    DownloadStart {
        /// The client.
        client: ClientId,
        /// The DP.
        dp: ServerId,
        /// The (first) deployment the download serves.
        deployment: DeploymentId,
        /// Every deployment the download serves, a bit per deployment.
        deployments: u32,
        /// Bytes to download.
        bytes: u64,
    },
    /// A client finished downloading into its cache (R18).
    DownloadDone {
        /// The client.
        client: ClientId,
        /// The DP.
        dp: ServerId,
        /// The (first) deployment the download serves.
        deployment: DeploymentId,
        /// Every deployment the download serves, a bit per deployment.
        deployments: u32,
    },
    /// Location Services found no DP with the content (R19).
    LocationFailed {
        /// The client.
        client: ClientId,
        /// The deployments of the download job, a bit each.
        deployments: u32,
        /// The job was started by the user (R21 timers apply).
        manual: bool,
    },
    /// The client could not connect to a DP (R20).
    DpConnectFailed {
        /// The client.
        client: ClientId,
        /// The DP.
        dp: ServerId,
        /// The deployments of the download job, a bit each.
        deployments: u32,
        /// The job was started by the user (R21 timers apply).
        manual: bool,
    },
    /// The client stopped trying (R19–R21).
    DownloadGaveUp {
        /// The client.
        client: ClientId,
        /// The deployments of the job it gave up, a bit each: it stops trying for them.
        deployments: u32,
        /// Why.
        reason: GiveUp,
    },
    /// A deadline notification shows (R22).
    Notification {
        /// The client.
        client: ClientId,
        /// The deployment whose deadline it counts down to.
        deployment: DeploymentId,
        /// Time left until the deadline.
        deadline_in: SimDuration,
    },
    /// Deadline randomization: client `client` acts on `deployment`'s deadline `deadline`
    /// at `at`, after its activation delay (R25).
    DeadlineActivation {
        /// The client.
        client: ClientId,
        /// The deployment.
        deployment: DeploymentId,
        /// The deadline as the client holds it.
        deadline: SimTime,
        /// When the client acts on it.
        at: SimTime,
    },
    /// A user starts installs from a dialog (R24).
    UserInstall {
        /// The client.
        client: ClientId,
        /// Which dialog.
        dialog: Dialog,
    },
    /// An update starts installing (R25).
    InstallStart {
        /// The client.
        client: ClientId,
        /// The update.
        update: UpdateId,
    },
    /// An update finished installing (R25).
    InstallDone {
        /// The client.
        client: ClientId,
        /// The update.
        update: UpdateId,
        /// It needs a restart before it counts as installed.
        restart: bool,
        /// The deployments (a bit each) whose required pairs this install settles: created
        /// before it, holding the update, and with the client in their target collection
        /// (a group's share, not the whole group). A pair installed before a deployment was
        /// created is not among its required ones, so it never counts for it.
        deployments: u32,
    },
    /// An update installed and waits for a restart: Required in the site database until
    /// then (R15, R25).
    RestartPending {
        /// The client.
        client: ClientId,
        /// The update.
        update: UpdateId,
    },
    /// The final warning of a restart countdown (R25).
    RestartWarning {
        /// The client.
        client: ClientId,
        /// When the countdown forces the restart.
        restart_at: SimTime,
    },
    /// The machine was switched off: it does nothing until it is back.
    ClientOffline {
        /// The client.
        client: ClientId,
    },
    /// The machine was switched on.
    ClientOnline {
        /// The client.
        client: ClientId,
    },
    /// The user of a machine left on went home: reminders, dialogs and the user's restart
    /// wait for their return.
    UserAway {
        /// The client.
        client: ClientId,
    },
    /// The user of a machine left on is back at work.
    UserBack {
        /// The client.
        client: ClientId,
    },
    /// The client restarted; pending installs are complete (R25).
    Restart {
        /// The client.
        client: ClientId,
        /// The countdown forced it; else the user, the machine's window or its start-up.
        forced: bool,
        /// The machine has maintenance windows and none was open.
        outside_window: bool,
    },
    /// A targeted machine moved from one state of the per-group figures to another.
    MachineState {
        /// The client.
        client: ClientId,
        /// Where it stood.
        from: super::machines::MachineState,
        /// Where it stands now.
        to: super::machines::MachineState,
    },
    /// At the start: a group's targeted machines in each state of `MachineState::TARGETED`.
    MachinesAtStart {
        /// The group.
        group: crate::world::GroupId,
        /// Machines per state, in `MachineState::TARGETED` order.
        counts: [u32; 5],
    },
    /// A maintenance window of a client group opens (index into `World::windows.defs`).
    WindowOpen {
        /// The window.
        window: u32,
    },
    /// A maintenance window of a client group closes.
    WindowClose {
        /// The window.
        window: u32,
    },
    /// At the end: why the clients a site database has as Required for an update are so
    /// (R15), by their true state.
    RequiredReasons {
        /// The site database.
        site: SiteId,
        /// The update.
        update: UpdateId,
        /// Required, and in no deployment the client registered.
        not_deployed: u32,
        /// Required, deployed, not installed yet.
        deployed: u32,
        /// Installed, waiting for a restart.
        pending_restart: u32,
        /// Installed, but the database has not been told yet.
        installed_not_reported: u32,
    },
    /// A restart completed the install of `update` on `client` (one per update that waited
    /// for it; the trace's `restart` line stands for them).
    RestartCompleted {
        /// The client.
        client: ClientId,
        /// The update.
        update: UpdateId,
    },
    /// The site server discarded state messages for an update its database does not hold
    /// (R15): they never reach the database.
    StatesDiscarded {
        /// The site database.
        site: SiteId,
        /// The update.
        update: UpdateId,
        /// Messages discarded.
        count: u32,
    },
    /// At the start: a deployment's target collection and how many of its machines need
    /// none of its updates.
    TargetedMachines {
        /// The deployment.
        deployment: DeploymentId,
        /// Machines in its target collection.
        targeted: u32,
        /// Of which compliant already.
        compliant: u32,
    },
    /// A targeted machine became truly compliant with some deployments: every update of
    /// theirs that applies to it is installed (and restarted where needed).
    MachineCompliant {
        /// The client.
        client: ClientId,
        /// The deployments, a bit each.
        deployments: u32,
    },
    /// A site database learned that `count` targeted machines are compliant with a
    /// deployment: every state it has of them for its updates is Installed or Not required.
    DbMachinesCompliant {
        /// The site database.
        site: SiteId,
        /// The deployment.
        deployment: DeploymentId,
        /// Machines newly compliant in the database.
        count: u32,
    },
    /// At the end: the live true states of an update on the clients reporting to a site
    /// database, read from the clients themselves (not derived from other facts).
    TrueStates {
        /// The site database.
        site: SiteId,
        /// The update.
        update: UpdateId,
        /// Applicable and not installed.
        required: u32,
        /// Installed, waiting for a restart.
        pending_restart: u32,
        /// Not applicable.
        not_required: u32,
        /// Installed (and restarted where needed).
        installed: u32,
    },
    /// The ITMU catalog for SMS 2003 clients was refreshed (R08).
    ItmuCatalogRefreshed {
        /// The site running the ITMU advertisement (the top site).
        site: SiteId,
        /// Updates in the ITMU catalog now.
        updates: u32,
        /// Of which new since the last refresh.
        new: u32,
    },
}
