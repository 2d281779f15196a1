//! Every timer and number of the rule table (README: The rule table) as a scenario
//! parameter with its documented default. A scenario's `settings: (...)` block overrides any
//! of them; the rest keep these defaults.

use super::units::Dur;
use serde::Deserialize;

/// One parameter as the rule table shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Field name in `settings: (...)`.
    pub name: &'static str,
    /// Rule id it belongs to.
    pub rule: &'static str,
    /// The documented default, as written in a scenario.
    pub default: &'static str,
    /// The value in force.
    pub value: String,
    /// What it means.
    pub doc: &'static str,
}

/// A parameter value written as text: in the settings table's defaults and in sweeps.
trait Literal: Sized {
    fn parse(text: &str) -> Result<Self, String>;
    /// The value if it is a duration.
    fn duration(&self) -> Option<Dur> {
        None
    }
}

impl Literal for Dur {
    fn parse(text: &str) -> Result<Self, String> {
        crate::engine::SimDuration::parse(text).map(Dur)
    }
    fn duration(&self) -> Option<Dur> {
        Some(*self)
    }
}
impl Literal for f64 {
    fn parse(text: &str) -> Result<Self, String> {
        text.trim()
            .parse()
            .map_err(|_| format!("`{text}`: expected a number"))
    }
}
impl Literal for bool {
    fn parse(text: &str) -> Result<Self, String> {
        text.trim()
            .parse()
            .map_err(|_| format!("`{text}`: expected true or false"))
    }
}

macro_rules! settings {
    ($( $(#[doc = $doc:literal])+ $name:ident : $ty:ty = $default:literal, $rule:literal; )*) => {
        /// The scenario's timers and numbers. See the README's rule table.
        #[derive(Clone, Debug, PartialEq, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct Settings {
            $( $(#[doc = $doc])+ pub $name: $ty, )*
        }

        impl Default for Settings {
            fn default() -> Self {
                Settings { $( $name: <$ty as Literal>::parse($default).expect("valid default"), )* }
            }
        }

        impl Settings {
            /// Sets parameter `name` from its text, as a sweep does.
            pub fn set(&mut self, name: &str, text: &str) -> Result<(), String> {
                match name {
                    $( stringify!($name) => self.$name = <$ty as Literal>::parse(text)?, )*
                    _ => return Err(format!(
                        "no setting is called `{name}`{} (see `cmsim rules`)",
                        crate::scenario::suggest::did_you_mean(name, [$(stringify!($name)),*])
                    )),
                }
                Ok(())
            }

            /// Every parameter that is a duration, with its value in force, in table order.
            pub fn durations(&self) -> Vec<(&'static str, Dur)> {
                [$( (stringify!($name), Literal::duration(&self.$name)), )*]
                    .into_iter()
                    .filter_map(|(name, d)| Some((name, d?)))
                    .collect()
            }

            /// Every parameter with its rule, default and value in force, in table order.
            pub fn params(&self) -> Vec<Param> {
                vec![$( Param {
                    name: stringify!($name),
                    rule: $rule,
                    default: $default,
                    value: self.$name.to_string(),
                    doc: concat!($($doc),+).trim_start(),
                }, )*]
            }
        }
    };
}

settings! {
    /// Whether the top site synchronizes on a schedule (assumed on).
    scheduled_sync: bool = "true", "R01";
    /// When the first scheduled synchronization runs, from the scenario start.
    sync_schedule_first: Dur = "0", "R01";
    /// Interval of scheduled (full) synchronizations (assumed 7 days).
    sync_schedule_interval: Dur = "7d", "R01";
    /// WSUS sync cycle, fixed part of a full sync (assumed).
    wsus_sync_full_base: Dur = "20m", "R02";
    /// WSUS sync cycle, fixed part of a delta sync (assumed).
    wsus_sync_delta_base: Dur = "3m", "R02";
    /// WSUS sync cycle, time per update's metadata moved (assumed).
    wsus_sync_per_update: Dur = "2s", "R02";
    /// WSUS Synchronization Manager into the site database, fixed part (assumed).
    site_db_sync_base: Dur = "2m", "R02";
    /// WSUS Synchronization Manager into the site database, per update moved (assumed).
    site_db_sync_per_update: Dur = "500ms", "R02";
    /// Delay for a sync request to reach a child site (assumed).
    sync_request_delay: Dur = "1m", "R04";
    /// Retry interval after a failed synchronization.
    sync_retry_interval: Dur = "60m", "R06";
    /// How long a sync waits on an unavailable server before it fails (assumed).
    sync_failure_timeout: Dur = "2m", "R06";
    /// Probability that any one sync attempt fails on its own (assumed 0).
    sync_failure_probability: f64 = "0", "R06";
    /// Refresh interval of the ITMU catalog for SMS 2003 clients.
    itmu_catalog_interval: Dur = "7d", "R08";
    /// When the ITMU advertisement first refreshes the catalog (assumed at the start).
    itmu_first_refresh: Dur = "0", "R08";
    /// Client machine policy polling interval (assumed 60 minutes).
    machine_policy_interval: Dur = "60m", "R09";
    /// Window within which a client starts its compliance scan after the policy.
    scan_window: Dur = "2h", "R10";
    /// Scan step: clearing the previous scan history (assumed).
    scan_clear_history: Dur = "1s", "R11";
    /// Scan step: asking which WSUS server to use (assumed).
    scan_locate_wsus: Dur = "5s", "R11";
    /// Scan step: writing the WSUS location into local Group Policy (assumed).
    scan_update_policy: Dur = "2s", "R11";
    /// Scan step: the Windows Update Agent downloads the list of synced updates (assumed).
    scan_wua_download: Dur = "30s", "R11";
    /// Scan step: the Windows Update Agent scans the machine (assumed).
    scan_wua_evaluate: Dur = "2m", "R11";
    /// Interval of bulk state-message sends from client to MP.
    state_message_interval: Dur = "5m", "R13";
    /// How long a management point holds state messages before forwarding them (assumed).
    mp_forward_delay: Dur = "1m", "R13";
    /// Transfer rate from the download location to the package source, in Mbit/s (assumed).
    source_download_mbps: f64 = "100", "R16";
    /// Copy rate from the package source to each distribution point, in Mbit/s (assumed).
    dp_copy_mbps: f64 = "200", "R16";
    /// Download rate of one client from a distribution point, in Mbit/s (assumed).
    client_download_mbps: f64 = "20", "R18";
    /// Bandwidth of one distribution point, in Mbit/s, shared by the downloads running on it
    /// (assumed).
    dp_bandwidth_mbps: f64 = "1000", "R18";
    /// How long a client keeps retrying Location Services.
    location_retry_budget: Dur = "5d", "R19";
    /// Interval between Location Services attempts (assumed).
    location_retry_interval: Dur = "1h", "R19";
    /// How long a client keeps retrying to connect to a DP.
    dp_connect_retry_budget: Dur = "10d", "R20";
    /// Interval between DP connection attempts (assumed).
    dp_connect_retry_interval: Dur = "1h", "R20";
    /// Interval of attempts per DP for a user-started install.
    manual_retry_interval: Dur = "1h", "R21";
    /// How long a user-started install keeps trying before it fails.
    manual_retry_budget: Dur = "4h", "R21";
    /// Notification interval while the deadline is more than 24 hours away.
    notify_far_interval: Dur = "3h", "R22";
    /// Notification interval while the deadline is less than 24 hours away.
    notify_near_interval: Dur = "1h", "R22";
    /// Notification interval while the deadline is less than an hour away.
    notify_imminent_interval: Dur = "15m", "R22";
    /// Hide all software update deployments from users (site-wide).
    hide_deployments: bool = "false", "R23";
    /// Share of users who install mandatory updates before the deadline (assumed).
    user_early_install_share: f64 = "0.3", "R24";
    /// Of those, the share who use the Express/Advanced dialog; the rest pick in the
    /// Available Software Updates dialog (assumed).
    user_express_share: f64 = "0.5", "R24";
    /// Share of users who start an optional deployment's updates themselves (assumed).
    user_optional_share: f64 = "0.4", "R24";
    /// Users act uniformly within this time after the updates become available to them, or
    /// before the deadline if that comes first (assumed).
    user_act_window: Dur = "3d", "R24";
    /// Time to install one update (assumed).
    install_duration: Dur = "5m", "R25";
    /// Users restart uniformly within this time after an install that needs a restart;
    /// until then the update stays Required (pending restart) (assumed).
    restart_window: Dur = "8h", "R25";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_can_be_set_by_name() {
        let mut s = Settings::default();
        s.set("sync_retry_interval", "15m").unwrap();
        s.set("hide_deployments", "true").unwrap();
        s.set("user_express_share", "0.25").unwrap();
        assert_eq!(s.sync_retry_interval.to_string(), "15m");
        assert!(s.hide_deployments);
        assert!(s.set("no_such", "1").is_err());
        assert!(s.set("scan_window", "soon").is_err());
    }

    #[test]
    fn defaults_match_the_rule_table() {
        let s = Settings::default();
        assert_eq!(s.sync_retry_interval.to_string(), "1h");
        assert_eq!(s.scan_window.to_string(), "2h");
        assert_eq!(s.itmu_catalog_interval.to_string(), "7d");
        assert_eq!(s.dp_connect_retry_budget.to_string(), "10d");
        let params = s.params();
        assert!(params.iter().all(|p| p.rule.starts_with('R')));
        assert!(params.iter().any(|p| p.name == "notify_imminent_interval"));
    }
}
