//! Which facts only the trace reads. The figures never look at them, so a run without a
//! trace does not report them (`engine::Detail`): at 100,000 clients they are a third of
//! all facts (each install's start and pending restart, users coming and going). A fact
//! left out of this list is reported to every observer, which is always right, only slower.

use super::Fact;

impl crate::engine::Detail for Fact {
    #[inline(always)]
    fn is_detail(&self) -> bool {
        matches!(
            self,
            Fact::PolicyCreated { .. }
                | Fact::ScanScheduled { .. }
                | Fact::ContentTransferDone { .. }
                | Fact::PeerDownloadDone { .. }
                | Fact::DeadlineActivation { .. }
                | Fact::InstallStart { .. }
                | Fact::RestartPending { .. }
                | Fact::RestartWarning { .. }
                | Fact::UserAway { .. }
                | Fact::UserBack { .. }
                | Fact::WindowOpen { .. }
                | Fact::WindowClose { .. }
        )
    }
}
