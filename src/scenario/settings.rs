//! Every timer and number of the rule table (docs/rules.md) as a scenario
//! parameter with a default per profile (`profile.rs`) and where that default comes from. A
//! scenario's `settings: (...)` block ([`Overrides`]) overrides any of them; the rest keep
//! the profile's values.

use super::profile::{Page::*, Profile, Source, Source::*};
use super::units::Dur;
use serde::Deserialize;

/// One parameter as the rule table shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Field name in `settings: (...)`.
    pub name: &'static str,
    /// Rule id it belongs to.
    pub rule: &'static str,
    /// The default of each profile, as written in a scenario, indexed like [`Profile::ALL`].
    pub defaults: [&'static str; 2],
    /// Where each profile's default comes from, indexed like [`Profile::ALL`].
    pub sources: [Source; 2],
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
impl Literal for u32 {
    fn parse(text: &str) -> Result<Self, String> {
        text.trim()
            .parse()
            .map_err(|_| format!("`{text}`: expected a whole number"))
    }
}
impl Literal for bool {
    fn parse(text: &str) -> Result<Self, String> {
        text.trim()
            .parse()
            .map_err(|_| format!("`{text}`: expected true or false"))
    }
}

/// "no setting is called `name` (did you mean …?)".
fn unknown(name: &str, names: &[&str]) -> String {
    format!(
        "no setting is called `{name}`{} (see `cmsim rules`)",
        crate::scenario::suggest::did_you_mean(name, names.iter().copied())
    )
}

macro_rules! settings {
    ($( $(#[doc = $doc:literal])+
        $name:ident : $ty:ty = [$d07:literal, $s07:expr], [$dcb:literal, $scb:expr], $rule:literal;
    )*) => {
        /// The scenario's timers and numbers in force. See docs/rules.md.
        #[derive(Clone, Debug, PartialEq)]
        pub struct Settings {
            $( $(#[doc = $doc])+ pub $name: $ty, )*
        }

        /// What a scenario's `settings: (...)` writes: the values it sets, over its profile's.
        #[derive(Clone, Debug, Default, PartialEq, Deserialize)]
        #[serde(default, deny_unknown_fields, rename = "Settings")]
        pub struct Overrides {
            $( $(#[doc = $doc])+ pub $name: Option<$ty>, )*
        }

        /// Every parameter's name, in table order.
        const NAMES: &[&str] = &[$(stringify!($name)),*];

        impl Default for Settings {
            /// The defaults of the ConfigMgr 2007 profile.
            fn default() -> Self {
                Settings::of(Profile::ConfigMgr2007)
            }
        }

        impl Settings {
            /// The defaults of `profile`.
            pub fn of(profile: Profile) -> Self {
                let cb = profile == Profile::CurrentBranch;
                Settings { $(
                    $name: <$ty as Literal>::parse(if cb { $dcb } else { $d07 })
                        .expect("valid default"),
                )* }
            }

            /// Sets parameter `name` from its text, as a sweep does.
            pub fn set(&mut self, name: &str, text: &str) -> Result<(), String> {
                match name {
                    $( stringify!($name) => self.$name = <$ty as Literal>::parse(text)?, )*
                    _ => return Err(unknown(name, NAMES)),
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

            /// Every parameter with its rule, defaults, sources and value in force, in table
            /// order.
            pub fn params(&self) -> Vec<Param> {
                vec![$( Param {
                    name: stringify!($name),
                    rule: $rule,
                    defaults: [$d07, $dcb],
                    sources: [$s07, $scb],
                    value: self.$name.to_string(),
                    doc: concat!($($doc),+).trim_start(),
                }, )*]
            }
        }

        impl Overrides {
            /// `profile`'s defaults with the values written here.
            pub fn over(&self, profile: Profile) -> Settings {
                let mut s = Settings::of(profile);
                $( if let Some(v) = self.$name { s.$name = v; } )*
                s
            }

            /// Writes parameter `name` from its text, as a sweep does.
            pub fn set(&mut self, name: &str, text: &str) -> Result<(), String> {
                match name {
                    $( stringify!($name) => self.$name = Some(<$ty as Literal>::parse(text)?), )*
                    _ => return Err(unknown(name, NAMES)),
                }
                Ok(())
            }
        }
    };
}

settings! {
    /// Whether the top site synchronizes on a schedule (assumed on).
    scheduled_sync: bool = ["true", Assumed], ["true", Assumed], "R01";
    /// When the first scheduled synchronization runs, from the scenario start.
    sync_schedule_first: Dur = ["0", Assumed], ["0", Assumed], "R01";
    /// Interval of scheduled (full) synchronizations (assumed 7 days).
    sync_schedule_interval: Dur = ["7d", Assumed], ["7d", Reported], "R01";
    /// WSUS sync cycle, fixed part of a full sync (assumed).
    wsus_sync_full_base: Dur = ["20m", Assumed], ["20m", Assumed], "R02";
    /// WSUS sync cycle, fixed part of a delta sync (assumed).
    wsus_sync_delta_base: Dur = ["3m", Assumed], ["3m", Assumed], "R02";
    /// WSUS sync cycle, time per update's metadata moved (assumed).
    wsus_sync_per_update: Dur = ["2s", Assumed], ["2s", Assumed], "R02";
    /// WSUS Synchronization Manager into the site database, fixed part (assumed).
    site_db_sync_base: Dur = ["2m", Assumed], ["2m", Assumed], "R02";
    /// WSUS Synchronization Manager into the site database, per update moved (assumed).
    site_db_sync_per_update: Dur = ["500ms", Assumed], ["500ms", Assumed], "R02";
    /// Delay for a sync request to reach a child site (assumed).
    sync_request_delay: Dur = ["1m", Assumed], ["1m", Assumed], "R04";
    /// Retry interval after a failed synchronization.
    sync_retry_interval: Dur = ["60m", Document], ["60m", Docs(SyncTroubleshooting)], "R06";
    /// How long a sync waits on an unavailable server before it fails (assumed).
    sync_failure_timeout: Dur = ["2m", Assumed], ["2m", Assumed], "R06";
    /// Probability that any one sync attempt fails on its own (assumed 0).
    sync_failure_probability: f64 = ["0", Assumed], ["0", Assumed], "R06";
    /// Refresh interval of the ITMU catalog for SMS 2003 clients.
    itmu_catalog_interval: Dur = ["7d", Document], ["7d", As2007], "R08";
    /// When the ITMU advertisement first refreshes the catalog (assumed at the start).
    itmu_first_refresh: Dur = ["0", Assumed], ["0", Assumed], "R08";
    /// Client machine policy polling interval (assumed 60 minutes).
    machine_policy_interval: Dur = ["60m", Assumed], ["60m", Docs(ClientSettings)], "R09";
    /// Clients one management point supports (current branch: 25,000; 2007 assumed the
    /// same). Its policy capacity is that many clients polling once per
    /// `machine_policy_interval`, in requests per minute, against which the summary and the
    /// `policy_load` chart show the requests the MP received each minute. 0: no capacity.
    mp_max_clients: u32 = ["25000", Assumed], ["25000", Docs(SizeAndScale)], "R09";
    /// Window within which a client starts its compliance scan after the policy.
    scan_window: Dur = ["2h", Document], ["2h", Docs(UpdatesIntroduction)], "R10";
    /// The Software Updates client agent's scan schedule: from the client's first
    /// compliance scan, a compliance scan scheduled within `scan_window` of every tick; 0:
    /// none. 2007: the client agent had it, the source names none (assumed).
    scan_schedule_interval: Dur = ["7d", Assumed], ["7d", Docs(ClientSettings)], "R10";
    /// Scan step: clearing the previous scan history (assumed).
    scan_clear_history: Dur = ["1s", Assumed], ["1s", Assumed], "R11";
    /// Scan step: asking which WSUS server to use (assumed).
    scan_locate_wsus: Dur = ["5s", Assumed], ["5s", Assumed], "R11";
    /// Scan step: writing the WSUS location into local Group Policy (assumed).
    scan_update_policy: Dur = ["2s", Assumed], ["2s", Assumed], "R11";
    /// Scan step: the Windows Update Agent downloads the list of synced updates (assumed):
    /// the changes since its last scan against the same WSUS (a delta scan).
    scan_wua_download: Dur = ["30s", Assumed], ["30s", Assumed], "R11";
    /// The same step in a full scan, the first against a WSUS (after switching SUP): the
    /// whole update metadata, far longer than a delta (assumed).
    scan_wua_download_full: Dur = ["5m", Assumed], ["5m", Assumed], "R11";
    /// A pre-install scan within this time of the client's last served online scan reads
    /// the metadata it cached then and contacts no WSUS (current branch: the update
    /// metadata's 24-hour lifetime); 0: every scan but the post-install one contacts WSUS,
    /// as R11 describes.
    scan_metadata_ttl: Dur = ["0", Document], ["24h", Docs(UpdatesIntroduction)], "R11";
    /// Scan step: the Windows Update Agent scans the machine (assumed).
    scan_wua_evaluate: Dur = ["2m", Assumed], ["2m", Assumed], "R11";
    /// A scan that cannot reach its WSUS fails as it connects and is retried after this
    /// interval (current branch documents 30 minutes; 2007 assumed the same).
    scan_retry_interval: Dur = ["30m", Assumed], ["30m", Docs(PlanSoftwareUpdates)], "R11";
    /// How many times in a row a failed scan is retried; after that the client waits for its
    /// next scan cycle (current branch documents at least 4).
    scan_retries: u32 = ["4", Assumed], ["4", Docs(PlanSoftwareUpdates)], "R11";
    /// After its last retry failed, a client of a site with several SUPs switches to the
    /// next one after this delay and scans there (a full scan) (current branch: 2 minutes).
    sup_switch_delay: Dur = ["2m", Assumed], ["2m", Docs(PlanSoftwareUpdates)], "R11";
    /// Scans one WSUS serves at once (the download of the update list); a scan connecting
    /// while it serves that many fails as overloaded. 0: no limit. Assumed: the default
    /// request queue of the WSUS application pool in IIS (1,000).
    wsus_max_scans: u32 = ["1000", Assumed], ["1000", Assumed], "R11";
    /// Interval of bulk state-message sends from client to MP.
    state_message_interval: Dur = ["5m", Document], ["15m", Docs(ClientSettings)], "R13";
    /// How long a management point holds state messages before forwarding them (assumed).
    mp_forward_delay: Dur = ["1m", Assumed], ["1m", Assumed], "R13";
    /// State messages a management point takes in and forwards per second; what arrives
    /// faster waits in its queue (`mp_backlog`). 0: no limit. Assumed.
    mp_state_rate: u32 = ["1000", Assumed], ["1000", Assumed], "R13";
    /// State messages the site server inserts into its database per second (the state
    /// system's processing); forwarded batches wait their turn. 0: no limit. Assumed.
    db_state_rate: u32 = ["200", Assumed], ["200", Assumed], "R13";
    /// From a site database learning states to the database above it (the central site's)
    /// holding them: site-to-site replication, in bulk (assumed).
    replication_lag: Dur = ["5m", Assumed], ["5m", Assumed], "R13";
    /// Transfer rate from the download location to the package source, in Mbit/s (assumed).
    source_download_mbps: f64 = ["100", Assumed], ["100", Assumed], "R16";
    /// Copy rate from the package source to each distribution point, in Mbit/s (assumed).
    dp_copy_mbps: f64 = ["200", Assumed], ["200", Assumed], "R16";
    /// The distribution manager's "Maximum number of packages": packages a site sends to
    /// its DPs at once; the others wait their turn (Software Distribution component
    /// default, the same since 2007).
    max_packages: u32 = ["3", Assumed], ["3", Reported], "R16";
    /// The distribution manager's "Maximum threads per package": DPs one package is sent to
    /// at once (Software Distribution component default, the same since 2007).
    max_threads_per_package: u32 = ["5", Assumed], ["5", Reported], "R16";
    /// Deployment re-evaluation: from the client's first registration of a deployment, an
    /// evaluation scan every interval that registers again what it holds and installs what
    /// is past its deadline; 0: none. 2007: the client agent had it, the source names none
    /// (assumed).
    deployment_reevaluation_interval: Dur = ["7d", Assumed], ["7d", Docs(ClientSettings)], "R17";
    /// Download rate of one client from a distribution point, in Mbit/s (assumed).
    client_download_mbps: f64 = ["20", Assumed], ["20", Assumed], "R18";
    /// Bandwidth of one distribution point, in Mbit/s, shared by the downloads running on it
    /// (assumed).
    dp_bandwidth_mbps: f64 = ["1000", Assumed], ["1000", Assumed], "R18";
    /// Share of clients that take content from a peer of their boundary group that already
    /// has it (peer cache, Delivery Optimization), drawn per client; 0: none (assumed off).
    peer_cache_share: f64 = ["0", Assumed], ["0", Assumed], "R18";
    /// How long a client keeps retrying Location Services.
    location_retry_budget: Dur = ["5d", Document], ["5d", As2007], "R19";
    /// Interval between Location Services attempts (assumed).
    location_retry_interval: Dur = ["1h", Assumed], ["1h", Assumed], "R19";
    /// Time after which a client that finds no DP with the content in its boundary group
    /// (or none it can reach) falls back to a neighbour group or its site's default group,
    /// unless the relationship sets its own (2007 had no boundary-group fallback: assumed).
    fallback_time: Dur = ["120m", Assumed], ["120m", Docs(BoundaryGroups)], "R19";
    /// How long a client keeps retrying to connect to a DP.
    dp_connect_retry_budget: Dur = ["10d", Document], ["10d", As2007], "R20";
    /// Interval between DP connection attempts (assumed).
    dp_connect_retry_interval: Dur = ["1h", Assumed], ["1h", Assumed], "R20";
    /// Interval of attempts per DP for a user-started install.
    manual_retry_interval: Dur = ["1h", Document], ["1h", As2007], "R21";
    /// How long a user-started install keeps trying before it fails.
    manual_retry_budget: Dur = ["4h", Document], ["4h", As2007], "R21";
    /// Notification interval while the deadline is more than `notify_near_threshold` away.
    notify_far_interval: Dur = ["3h", Document], ["48h", Reported], "R22";
    /// Notification interval while the deadline is less than `notify_near_threshold` away.
    notify_near_interval: Dur = ["1h", Document], ["4h", Reported], "R22";
    /// Notification interval while the deadline is less than `notify_imminent_threshold` away.
    notify_imminent_interval: Dur = ["15m", Document], ["15m", Reported], "R22";
    /// Distance to the deadline under which notifications come every `notify_near_interval`.
    notify_near_threshold: Dur = ["24h", Document], ["24h", Docs(ClientSettings)], "R22";
    /// Distance to the deadline under which notifications come every
    /// `notify_imminent_interval`.
    notify_imminent_threshold: Dur = ["1h", Document], ["1h", Docs(ClientSettings)], "R22";
    /// Hide all software update deployments from users (site-wide).
    hide_deployments: bool = ["false", Document], ["false", As2007], "R23";
    /// Share of users who install mandatory updates before the deadline (assumed).
    user_early_install_share: f64 = ["0.3", Assumed], ["0.3", Assumed], "R24";
    /// Of those, the share who use the Express/Advanced dialog; the rest pick in the
    /// Available Software Updates dialog (assumed).
    user_express_share: f64 = ["0.5", Assumed], ["0.5", Assumed], "R24";
    /// Share of users who start an optional deployment's updates themselves (assumed).
    user_optional_share: f64 = ["0.4", Assumed], ["0.4", Assumed], "R24";
    /// Users act uniformly within this time after the updates become available to them, or
    /// before the deadline if that comes first (assumed).
    user_act_window: Dur = ["3d", Assumed], ["3d", Assumed], "R24";
    /// Time to install one update (assumed).
    install_duration: Dur = ["5m", Assumed], ["5m", Assumed], "R25";
    /// An update's maximum run time unless its catalog entry gives one: an install starts
    /// inside a maintenance window only if this much of the window is left (2007: 20
    /// minutes per the 2007 SDK, 60 for service packs; current branch: 60 minutes for
    /// cumulative and other updates).
    max_run_time: Dur = ["20m", Assumed], ["60m", Docs(MaximumRunTime)], "R25";
    /// Users restart uniformly within this time after an install that needs a restart;
    /// until then the update stays Required (pending restart) (assumed).
    restart_window: Dur = ["8h", Assumed], ["8h", Assumed], "R25";
    /// After an install past its deadline that needs a restart, the machine restarts by
    /// force this long after the install job, unless the user restarted first; 0: no
    /// countdown, nobody is forced (2007: the source names no forced restart; assumed).
    restart_countdown: Dur = ["0", Assumed], ["90m", Docs(RestartNotifications)], "R25";
    /// The final warning before a forced restart shows this long before it; 0: none.
    restart_final_warning: Dur = ["0", Assumed], ["15m", Docs(RestartNotifications)], "R25";
    /// Deadline randomization: each client acts on a deadline after an activation delay
    /// drawn uniformly below this, per client and deployment, to spread the installs. The
    /// client setting "Disable deadline randomization: No" gives 2h; the current-branch
    /// default is Yes (0: every client at the deadline itself); 2007 assumed the same.
    deadline_randomization: Dur = ["0", Assumed], ["0", Docs(ClientSettings)], "R25";
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

    #[test]
    fn a_profile_sets_the_defaults_and_overrides_go_over_them() {
        let cb = Settings::of(Profile::CurrentBranch);
        assert_eq!(cb.state_message_interval.to_string(), "15m");
        assert_eq!(cb.notify_far_interval.to_string(), "2d");
        let mut o = Overrides::default();
        o.set("notify_far_interval", "6h").unwrap();
        let s = o.over(Profile::CurrentBranch);
        assert_eq!(s.notify_far_interval.to_string(), "6h");
        assert_eq!(s.state_message_interval.to_string(), "15m");
        assert_eq!(
            o.over(Profile::ConfigMgr2007)
                .state_message_interval
                .to_string(),
            "5m"
        );
        let e = o.set("notify_far_intervall", "1h").unwrap_err();
        assert!(e.contains("did you mean `notify_far_interval`"), "{e}");
        // The source document is about 2007; a value carried over is the 2007 value.
        for p in Settings::default().params() {
            assert_ne!(p.sources[1], Source::Document, "{}", p.name);
            if p.sources[1] == Source::As2007 {
                assert_eq!(p.defaults[0], p.defaults[1], "{}", p.name);
            }
        }
    }
}
