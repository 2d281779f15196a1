//! The small kinds facts carry — which policy, why a scan, which dialog, why a download was
//! given up, why a deployment was refused, why updates expired — and the sync status message
//! ids. They sit apart from [`Fact`](super::Fact) so that `fact` reads as the list of
//! happenings; the model and the observers name them through `fact`'s re-exports.

/// Kinds of machine policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    /// The site-wide policy that gives the WSUS location and starts a compliance scan (R09).
    Scan,
    /// For SMS 2003 clients: the ITMU scan after a catalog refresh (R08).
    ItmuScan,
    /// A deployment's policy (R16, R17).
    Deployment,
}

/// Why a client scans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanReason {
    /// The compliance scan after a scan policy (R10).
    Compliance,
    /// The evaluation scan after a deployment policy (R17).
    Evaluation,
    /// At the deadline or a user's start: is it still required? (R25)
    PreInstall,
    /// After installing or restarting: is it no longer required? (R25)
    PostInstall,
}

/// How a scan reads the update list (R11, `sup_load.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanAccess {
    /// From no WSUS: the metadata cached by the client's last online scan (post-install
    /// scans; pre-install scans within `scan_metadata_ttl`), or the ITMU catalog.
    Offline,
    /// From its WSUS, the changes since its last scan there.
    Delta,
    /// From its WSUS, all the metadata: the first scan against it.
    Full,
}

/// Why a scan failed as it connected to its WSUS (`scan_retry.rs`, `sup_load.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanFailure {
    /// The WSUS was down.
    WsusUnavailable,
    /// The WSUS was already serving `wsus_max_scans` scans.
    Overloaded,
}

/// The install dialogs users open (R24).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialog {
    /// Express/Advanced: all mandatory updates at once.
    Express,
    /// Available Software Updates: any available update.
    Available,
}

/// Why a client stopped trying to download (R19–R21).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GiveUp {
    /// Location Services found no DP for `location_retry_budget` (R19).
    Location,
    /// No DP could be connected to for `dp_connect_retry_budget` (R20).
    DpConnect,
    /// A user-started download failed for `manual_retry_budget` (R21).
    Manual,
}

/// Why a deployment could not be created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// An update is not in the site database yet.
    NotSynced,
    /// An update is marked expired, e.g. migrated from SMS 2003 before a sync (R07).
    Expired,
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

/// Where a copy of a package comes from (issue 12, item 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentFrom {
    /// The distribution manager of this site sends it.
    Site(crate::world::SiteId),
    /// A pull DP copies it from this source DP.
    Dp(crate::world::ServerId),
}

/// The boundary group a client falls back to for content (issue 12, item 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FallbackTo {
    /// A neighbour boundary group (index into `World::boundary_groups`).
    Group(u16),
    /// The default boundary group of this site.
    SiteDefault(crate::world::SiteId),
}

/// What began a phase of a phased deployment (issue 12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhaseReason {
    /// The first phase: the phased deployment was created.
    Created,
    /// The previous phase met its success criterion (and the deferral passed).
    Criterion,
    /// The delay after the previous phase began passed.
    Delay,
}

impl PhaseReason {
    /// As the trace writes it.
    pub fn name(self) -> &'static str {
        match self {
            PhaseReason::Created => "created",
            PhaseReason::Criterion => "criterion",
            PhaseReason::Delay => "delay",
        }
    }
}
