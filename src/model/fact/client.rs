//! Which client a fact is about, for the observers that keep some clients' facts only (the
//! trace's `--trace-clients`). Apart from the enum because it is a question asked of facts,
//! not what they record; its match names every variant, so a new one must be placed here.

use super::Fact;
use crate::world::ClientId;

impl Fact {
    /// The client the fact is about, for per-client trace filtering.
    pub fn client(&self) -> Option<ClientId> {
        match *self {
            Fact::PolicyReceived { client, .. }
            | Fact::ScanScheduled { client, .. }
            | Fact::ScanStart { client, .. }
            | Fact::ScanFailed { client, .. }
            | Fact::SupSwitched { client, .. }
            | Fact::ScanDone { client, .. }
            | Fact::StateMessagesSent { client, .. }
            | Fact::DownloadStart { client, .. }
            | Fact::DownloadDone { client, .. }
            | Fact::ContentFallback { client, .. }
            | Fact::PeerDownloadStart { client, .. }
            | Fact::PeerDownloadDone { client, .. }
            | Fact::LocationFailed { client, .. }
            | Fact::DpConnectFailed { client, .. }
            | Fact::DownloadGaveUp { client, .. }
            | Fact::Notification { client, .. }
            | Fact::DeadlineActivation { client, .. }
            | Fact::UserInstall { client, .. }
            | Fact::InstallStart { client, .. }
            | Fact::InstallDone { client, .. }
            | Fact::RestartCompleted { client, .. }
            | Fact::MachineCompliant { client, .. }
            | Fact::RestartPending { client, .. }
            | Fact::RestartWarning { client, .. }
            | Fact::Restart { client, .. }
            | Fact::ClientOffline { client }
            | Fact::ClientOnline { client }
            | Fact::UserAway { client }
            | Fact::UserBack { client }
            | Fact::MachineState { client, .. } => Some(client),
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
            | Fact::MpBacklog { .. }
            | Fact::DbBacklog { .. }
            | Fact::StatesInserted { .. }
            | Fact::StatesReplicated { .. }
            | Fact::DbStateChanged { .. }
            | Fact::Applicability { .. }
            | Fact::DeploymentRejected { .. }
            | Fact::DeploymentCreated { .. }
            | Fact::PhaseStarted { .. }
            | Fact::AdrDeploymentCreated { .. }
            | Fact::AdrUpdate { .. }
            | Fact::ContentOnDp { .. }
            | Fact::ContentTransferStart { .. }
            | Fact::ContentTransferDone { .. }
            | Fact::DeadlineChanged { .. }
            | Fact::RequiredReasons { .. }
            | Fact::TargetedMachines { .. }
            | Fact::StatesDiscarded { .. }
            | Fact::MachinesAtStart { .. }
            | Fact::WindowOpen { .. }
            | Fact::WindowClose { .. }
            | Fact::DbMachinesCompliant { .. }
            | Fact::TrueStates { .. } => None,
        }
    }
}
