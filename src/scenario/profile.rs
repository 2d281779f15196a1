//! Settings profiles: which product's defaults a scenario's settings start from, and where
//! each default comes from. `ConfigMgr2007` holds the values of the source document (the
//! rule table R01–R25) and the 2007 defaults assumed beside it; `CurrentBranch` the defaults
//! of ConfigMgr current branch, as Microsoft documents them or, where it does not, as widely
//! reported (then marked assumed). A scenario's `settings: (...)` overrides either.

use serde::Deserialize;

/// The product whose defaults the settings start from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum Profile {
    /// Configuration Manager 2007, as the source document describes it.
    #[default]
    ConfigMgr2007,
    /// Configuration Manager current branch.
    CurrentBranch,
}

impl Profile {
    /// Every profile, in the order of the settings table's columns.
    pub const ALL: [Profile; 2] = [Profile::ConfigMgr2007, Profile::CurrentBranch];

    /// The name as a scenario writes it.
    pub fn name(self) -> &'static str {
        match self {
            Profile::ConfigMgr2007 => "ConfigMgr2007",
            Profile::CurrentBranch => "CurrentBranch",
        }
    }

    /// The profile named `text`, as a scenario, a sweep or `cmsim rules --profile` write it.
    pub fn parse(text: &str) -> Result<Profile, String> {
        let text = text.trim();
        Profile::ALL
            .into_iter()
            .find(|p| p.name() == text)
            .ok_or_else(|| {
                let names = Profile::ALL.map(Profile::name);
                format!(
                    "`{text}` is not a profile{}; expected `{}` or `{}`",
                    super::suggest::did_you_mean(text, names),
                    names[0],
                    names[1]
                )
            })
    }
}

/// A Microsoft documentation page (MicrosoftDocs/memdocs) that states a current-branch
/// default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// `core/clients/deploy/about-client-settings.md`.
    ClientSettings,
    /// `core/clients/deploy/device-restart-notifications.md`.
    RestartNotifications,
    /// `sum/understand/software-updates-introduction.md`.
    UpdatesIntroduction,
    /// `troubleshoot-software-update-synchronization.md` (support articles).
    SyncTroubleshooting,
    /// `sum/includes/maximum-run-time.md` and `core/clients/manage/collections/use-maintenance-windows.md`.
    MaximumRunTime,
    /// `sum/plan-design/plan-for-software-updates.md`.
    PlanSoftwareUpdates,
    /// `core/servers/deploy/configure/boundary-groups.md`.
    BoundaryGroups,
    /// `core/plan-design/configs/size-and-scale-numbers.md`.
    SizeAndScale,
}

impl Page {
    /// Every page, for the table's legend.
    pub const ALL: [Page; 8] = [
        Page::ClientSettings,
        Page::RestartNotifications,
        Page::UpdatesIntroduction,
        Page::SyncTroubleshooting,
        Page::MaximumRunTime,
        Page::PlanSoftwareUpdates,
        Page::BoundaryGroups,
        Page::SizeAndScale,
    ];

    /// The short name the table shows.
    pub fn label(self) -> &'static str {
        match self {
            Page::ClientSettings => "client settings",
            Page::RestartNotifications => "restart notices",
            Page::UpdatesIntroduction => "updates intro",
            Page::SyncTroubleshooting => "sync troubleshoot",
            Page::MaximumRunTime => "max run time",
            Page::PlanSoftwareUpdates => "plan updates",
            Page::BoundaryGroups => "boundary groups",
            Page::SizeAndScale => "size and scale",
        }
    }

    /// Where the page is.
    pub fn path(self) -> &'static str {
        match self {
            Page::ClientSettings => "memdocs core/clients/deploy/about-client-settings.md",
            Page::RestartNotifications => {
                "memdocs core/clients/deploy/device-restart-notifications.md"
            }
            Page::UpdatesIntroduction => "memdocs sum/understand/software-updates-introduction.md",
            Page::SyncTroubleshooting => {
                "SupportArticles …/troubleshoot-software-update-synchronization.md"
            }
            Page::MaximumRunTime => "memdocs sum/includes/maximum-run-time.md",
            Page::PlanSoftwareUpdates => "memdocs sum/plan-design/plan-for-software-updates.md",
            Page::BoundaryGroups => "memdocs core/servers/deploy/configure/boundary-groups.md",
            Page::SizeAndScale => "memdocs core/plan-design/configs/size-and-scale-numbers.md",
        }
    }
}

/// Where a default value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Stated in the 2007 source document (its rule id is the parameter's).
    Document,
    /// Not stated anywhere cmsim knows of: a reasonable choice.
    Assumed,
    /// Stated in Microsoft's current-branch documentation.
    Docs(Page),
    /// Widely reported for current branch, not documented: assumed.
    Reported,
    /// Not stated for current branch: the 2007 value, carried over (assumed).
    As2007,
}

impl Source {
    /// The short text the table shows.
    pub fn label(self) -> &'static str {
        match self {
            Source::Document => "source document",
            Source::Assumed => "assumed",
            Source::Docs(page) => page.label(),
            Source::Reported => "reported, assumed",
            Source::As2007 => "as 2007, assumed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_parse_by_name_and_suggest_a_fix() {
        assert_eq!(
            Profile::parse("CurrentBranch").unwrap(),
            Profile::CurrentBranch
        );
        let e = Profile::parse("CurrentBrnach").unwrap_err();
        assert!(e.contains("did you mean `CurrentBranch`"), "{e}");
        assert_eq!(Profile::default(), Profile::ConfigMgr2007);
    }
}
