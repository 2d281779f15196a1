//! Settings that differ from the defaults: what is generated, its strategy, and its
//! rendering.

use super::{DAY, HOUR, d, dur, s, share};
use proptest::prelude::*;
use std::fmt::Write;

/// Settings that differ from the defaults (`None`: left out).
#[derive(Clone, Debug, Default)]
pub struct GenSettings {
    pub scheduled_sync: Option<bool>,
    pub sync_schedule_first: Option<u32>,
    pub sync_schedule_interval: Option<u32>,
    pub sync_retry_interval: Option<u32>,
    pub sync_failure_probability: Option<u16>,
    pub itmu_catalog_interval: Option<u32>,
    pub machine_policy_interval: Option<u32>,
    pub scan_window: Option<u32>,
    pub state_message_interval: Option<u32>,
    pub client_download_mbps: Option<u16>,
    pub dp_bandwidth_mbps: Option<u16>,
    pub location_retry_budget: Option<u32>,
    pub dp_connect_retry_budget: Option<u32>,
    pub dp_connect_retry_interval: Option<u32>,
    pub manual_retry_budget: Option<u32>,
    pub notify_far_interval: Option<u32>,
    pub hide_deployments: Option<bool>,
    pub user_early_install_share: Option<u16>,
    pub user_express_share: Option<u16>,
    pub user_optional_share: Option<u16>,
    pub user_act_window: Option<u32>,
    pub install_duration: Option<u32>,
    pub restart_window: Option<u32>,
    /// The default maximum run time of an update (R25, maintenance windows).
    pub max_run_time: Option<u32>,
    /// A forced restart this long after an install past its deadline (0: none; the
    /// profile's final warning is 0, so any value is valid).
    pub restart_countdown: Option<u32>,
    /// The final warning before a forced restart; rendered only with a countdown, and
    /// shorter than it.
    pub restart_final_warning: Option<u32>,
    /// Deadline randomization (R25): each client acts up to this long after a deadline,
    /// so with maintenance windows its install waits for the first one that fits after it.
    pub deadline_randomization: Option<u32>,
    /// Scans a WSUS serves at once (0: no limit); small, so that storms happen.
    pub wsus_max_scans: Option<u32>,
    /// The metadata lifetime of pre-install scans (0: every scan online).
    pub scan_metadata_ttl: Option<u32>,
    /// The download step of a full scan.
    pub scan_wua_download_full: Option<u32>,
    /// The delay before a client moves to the next SUP.
    pub sup_switch_delay: Option<u32>,
    /// State messages an MP and a site database process per second (0: no limit); small,
    /// so that queues build.
    pub mp_state_rate: Option<u32>,
    pub db_state_rate: Option<u32>,
    /// Replication to the database above, and the MP's forward delay.
    pub replication_lag: Option<u32>,
    pub mp_forward_delay: Option<u32>,
}

fn opt<T: std::fmt::Debug + Clone>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    prop::option::weighted(0.2, s)
}

pub(super) fn settings() -> impl Strategy<Value = GenSettings> {
    (
        (
            opt(prop::bool::weighted(0.7)),
            opt(dur(0, 2 * DAY)),
            opt(dur(12 * HOUR, 7 * DAY)),
            opt(dur(10, 3 * HOUR)),
            opt(0..=400u16),
            opt(dur(DAY, 7 * DAY)),
            opt(dur(15, 4 * HOUR)),
            opt(dur(10, 6 * HOUR)),
        ),
        (
            opt(dur(1, 30)),
            opt(1..=100u16),
            opt(1..=1000u16),
            opt(dur(HOUR, 5 * DAY)),
            opt(dur(HOUR, 10 * DAY)),
            opt(dur(10, 3 * HOUR)),
            opt(dur(30, 8 * HOUR)),
            opt(dur(30, 6 * HOUR)),
        ),
        (
            prop::option::weighted(0.15, prop::bool::weighted(0.8)),
            opt(share()),
            opt(share()),
            opt(share()),
            opt(dur(1, 5 * DAY)),
            opt(dur(0, 30)),
            opt(dur(0, DAY)),
            opt(dur(1, 3 * HOUR)),
            opt(dur(0, 4 * HOUR)),
            opt(dur(0, HOUR)),
            opt(dur(0, 4 * HOUR)),
        ),
        (
            opt(0..=40u32),
            opt(dur(0, DAY)),
            opt(dur(1, 30)),
            opt(dur(1, HOUR)),
            opt(0..=20u32),
            opt(0..=10u32),
            opt(dur(0, HOUR)),
            opt(dur(0, 300)),
        ),
    )
        .prop_map(|(a, b, c, e)| GenSettings {
            scheduled_sync: a.0,
            sync_schedule_first: a.1,
            sync_schedule_interval: a.2,
            sync_retry_interval: a.3,
            sync_failure_probability: a.4,
            itmu_catalog_interval: a.5,
            machine_policy_interval: a.6,
            scan_window: a.7,
            state_message_interval: b.0,
            client_download_mbps: b.1,
            dp_bandwidth_mbps: b.2,
            location_retry_budget: b.3,
            dp_connect_retry_budget: b.4,
            dp_connect_retry_interval: b.5,
            manual_retry_budget: b.6,
            notify_far_interval: b.7,
            hide_deployments: c.0,
            user_early_install_share: c.1,
            user_express_share: c.2,
            user_optional_share: c.3,
            user_act_window: c.4,
            install_duration: c.5,
            restart_window: c.6,
            max_run_time: c.7,
            restart_countdown: c.8,
            restart_final_warning: c.9,
            deadline_randomization: c.10,
            wsus_max_scans: e.0,
            scan_metadata_ttl: e.1,
            scan_wua_download_full: e.2,
            sup_switch_delay: e.3,
            mp_state_rate: e.4,
            db_state_rate: e.5,
            replication_lag: e.6,
            mp_forward_delay: e.7,
        })
}

impl GenSettings {
    /// Writes the `settings` field.
    pub(super) fn write(&self, o: &mut String) {
        let st = self;
        let mut f: Vec<String> = Vec::new();
        let mut dur = |name: &str, v: Option<u32>, min: u32| {
            if let Some(v) = v {
                f.push(format!("{name}: \"{}\"", d(v.max(min))));
            }
        };
        dur("sync_schedule_first", st.sync_schedule_first, 0);
        dur("sync_schedule_interval", st.sync_schedule_interval, 1);
        dur("sync_retry_interval", st.sync_retry_interval, 1);
        dur("itmu_catalog_interval", st.itmu_catalog_interval, 1);
        dur("machine_policy_interval", st.machine_policy_interval, 1);
        dur("scan_window", st.scan_window, 1);
        dur("state_message_interval", st.state_message_interval, 1);
        dur("location_retry_budget", st.location_retry_budget, 0);
        dur("dp_connect_retry_budget", st.dp_connect_retry_budget, 0);
        dur("dp_connect_retry_interval", st.dp_connect_retry_interval, 1);
        dur("manual_retry_budget", st.manual_retry_budget, 0);
        dur("notify_far_interval", st.notify_far_interval, 1);
        dur("user_act_window", st.user_act_window, 1);
        dur("install_duration", st.install_duration, 0);
        dur("restart_window", st.restart_window, 0);
        dur("max_run_time", st.max_run_time, 1);
        dur("restart_countdown", st.restart_countdown, 0);
        dur("deadline_randomization", st.deadline_randomization, 0);
        dur("scan_metadata_ttl", st.scan_metadata_ttl, 0);
        dur("scan_wua_download_full", st.scan_wua_download_full, 1);
        dur("sup_switch_delay", st.sup_switch_delay, 0);
        dur("replication_lag", st.replication_lag, 0);
        dur("mp_forward_delay", st.mp_forward_delay, 0);
        if let (Some(countdown @ 1..), Some(warning)) =
            (st.restart_countdown, st.restart_final_warning)
        {
            dur("restart_final_warning", Some(warning.min(countdown - 1)), 0);
        }
        if let Some(b) = st.scheduled_sync {
            f.push(format!("scheduled_sync: {b}"));
        }
        for (name, v) in [
            ("wsus_max_scans", st.wsus_max_scans),
            ("mp_state_rate", st.mp_state_rate),
            ("db_state_rate", st.db_state_rate),
        ] {
            if let Some(n) = v {
                f.push(format!("{name}: {n}"));
            }
        }
        if let Some(b) = st.hide_deployments {
            f.push(format!("hide_deployments: {b}"));
        }
        for (name, v) in [
            ("sync_failure_probability", st.sync_failure_probability),
            ("user_early_install_share", st.user_early_install_share),
            ("user_express_share", st.user_express_share),
            ("user_optional_share", st.user_optional_share),
        ] {
            if let Some(v) = v {
                f.push(format!("{name}: {}", s(v)));
            }
        }
        for (name, v) in [
            ("client_download_mbps", st.client_download_mbps),
            ("dp_bandwidth_mbps", st.dp_bandwidth_mbps),
        ] {
            if let Some(v) = v {
                f.push(format!("{name}: {}.0", v.max(1)));
            }
        }
        writeln!(o, "    settings: ({}),", f.join(", ")).unwrap();
    }
}
