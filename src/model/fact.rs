//! What the model reports as it runs: the trace kinds, as compact values. Observers (trace
//! writer, summary) turn them into lines and figures; names are looked up only there.

use super::compliance::State;
use super::event::{FailCause, SyncMode, Trigger};
use crate::engine::SimTime;
use crate::world::{ClientId, GroupId, ServerId, SiteId, SupId, UpdateId};

/// Kinds of machine policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    /// The site-wide policy that gives the WSUS location and starts a compliance scan (R09).
    Scan,
    /// For SMS 2003 clients: the ITMU scan after a catalog refresh (R08).
    ItmuScan,
}

/// Why a client scans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanReason {
    /// The compliance scan after a scan policy (R10).
    Compliance,
}

/// Status message ids of the WSUS Synchronization Manager.
pub const STATUS_SYNC_DONE: u16 = 6702;
/// Status message id of a failed sync.
pub const STATUS_SYNC_FAILED: u16 = 6703;

/// Why updates were marked expired in a site database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpiryReason {
    /// Superseded or expired in the catalog, marked by a scheduled sync (R03).
    Catalog,
    /// Migrated from SMS 2003 (R07).
    Migration,
}

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
    },
    /// A client received a policy at its machine policy poll (R09).
    PolicyReceived {
        /// The client.
        client: ClientId,
        /// Which policy.
        policy: PolicyKind,
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
    },
    /// A client's scan finished (R12).
    ScanDone {
        /// The client.
        client: ClientId,
        /// Updates whose state changed since the last scan.
        changed: u32,
        /// Updates in the list the scan read (the first `listed` of the catalog).
        listed: u32,
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
    /// An MP forwarded state messages to its site server's database (R13).
    StateMessagesForwarded {
        /// The site of the MP.
        site: SiteId,
        /// The MP.
        mp: ServerId,
        /// Messages forwarded.
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

impl Fact {
    /// The client the fact is about, for per-client trace filtering.
    pub fn client(&self) -> Option<ClientId> {
        match *self {
            Fact::PolicyReceived { client, .. }
            | Fact::ScanScheduled { client, .. }
            | Fact::ScanStart { client, .. }
            | Fact::ScanDone { client, .. }
            | Fact::StateMessagesSent { client, .. } => Some(client),
            Fact::SyncStart { .. }
            | Fact::WsusSyncDone { .. }
            | Fact::SiteDbUpdated { .. }
            | Fact::StatusMessage { .. }
            | Fact::SyncRetryScheduled { .. }
            | Fact::SyncRequest { .. }
            | Fact::UpdatesExpired { .. }
            | Fact::UpdatesReactivated { .. }
            | Fact::ItmuCatalogRefreshed { .. }
            | Fact::PolicyCreated { .. }
            | Fact::StateMessagesForwarded { .. }
            | Fact::DbStateChanged { .. }
            | Fact::Applicability { .. } => None,
        }
    }
}
