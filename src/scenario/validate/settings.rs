//! Checks of the settings in force: timers longer than 0 and than the longest run, warnings
//! before what they warn of, shares and rates.

use super::limits::LIMITS;
use super::{Problem, share};
use crate::engine::SimDuration;
use crate::scenario::{Dur, Scenario};

/// Every problem of the settings in force: the profile's defaults with the file's overrides.
pub(super) fn check_settings(s: &Scenario, out: &mut Vec<Problem>) {
    let st = &s.settings;
    let positive = [
        ("sync_schedule_interval", st.sync_schedule_interval),
        ("sync_retry_interval", st.sync_retry_interval),
        ("itmu_catalog_interval", st.itmu_catalog_interval),
        ("machine_policy_interval", st.machine_policy_interval),
        ("scan_window", st.scan_window),
        ("state_message_interval", st.state_message_interval),
        ("location_retry_interval", st.location_retry_interval),
        ("dp_connect_retry_interval", st.dp_connect_retry_interval),
        ("manual_retry_interval", st.manual_retry_interval),
        ("notify_far_interval", st.notify_far_interval),
        ("notify_near_interval", st.notify_near_interval),
        ("notify_imminent_interval", st.notify_imminent_interval),
        ("user_act_window", st.user_act_window),
        ("max_run_time", st.max_run_time),
        ("scan_retry_interval", st.scan_retry_interval),
        ("scan_wua_download_full", st.scan_wua_download_full),
    ];
    for (name, d) in positive {
        if d.0 == SimDuration::ZERO {
            out.push(Problem::new(
                format!("settings.{name}"),
                "expected a duration longer than 0",
            ));
        }
    }
    if st.restart_countdown.0 > SimDuration::ZERO
        && st.restart_final_warning >= st.restart_countdown
    {
        out.push(Problem::new(
            "settings.restart_final_warning",
            format!(
                "expected less than restart_countdown ({}): the warning comes before the \
                 forced restart (R25)",
                st.restart_countdown
            ),
        ));
    }
    for (name, n) in [
        ("max_packages", st.max_packages),
        ("max_threads_per_package", st.max_threads_per_package),
    ] {
        if n == 0 {
            out.push(Problem::new(
                format!("settings.{name}"),
                "expected at least 1: the distribution manager sends nothing with 0",
            ));
        }
    }
    // A client counts its failures in a row in a byte (`model/scan_retry.rs`).
    if st.scan_retries > 100 {
        out.push(Problem::new(
            "settings.scan_retries",
            format!(
                "expected at most 100 retries in a row, got {}",
                st.scan_retries
            ),
        ));
    }
    if st.deadline_randomization.0 > SimDuration::from_days(1) {
        out.push(Problem::new(
            "settings.deadline_randomization",
            format!(
                "expected at most 1d (ConfigMgr's randomization is 2h), got {}",
                st.deadline_randomization
            ),
        ));
    }
    // The client setting is in minutes; whole minutes let the policy requests per minute
    // be counted exactly (`observe/policy_load.rs`).
    if !st.machine_policy_interval.0.ms().is_multiple_of(60_000) {
        out.push(Problem::new(
            "settings.machine_policy_interval",
            format!(
                "expected whole minutes (the client setting is in minutes), got {}",
                st.machine_policy_interval
            ),
        ));
    }
    if st.notify_imminent_threshold > st.notify_near_threshold {
        out.push(Problem::new(
            "settings.notify_imminent_threshold",
            format!(
                "expected at most notify_near_threshold ({}): the last phase of the \
                 countdown comes after the one before it (R22)",
                st.notify_near_threshold
            ),
        ));
    }
    // No timer outlasts the longest run: a longer one means "never" and would only overflow
    // the time arithmetic of the model and of the rule checks.
    for (name, d) in st.durations() {
        if d.0 > LIMITS.run {
            out.push(Problem::new(
                format!("settings.{name}"),
                format!("{d} is longer than the longest run ({})", Dur(LIMITS.run)),
            ));
        }
    }
    for (name, v) in [
        ("sync_failure_probability", st.sync_failure_probability),
        ("user_early_install_share", st.user_early_install_share),
        ("user_express_share", st.user_express_share),
        ("user_optional_share", st.user_optional_share),
        ("peer_cache_share", st.peer_cache_share),
    ] {
        share(out, &format!("settings.{name}"), v);
    }
    for (name, v) in [
        ("source_download_mbps", st.source_download_mbps),
        ("dp_copy_mbps", st.dp_copy_mbps),
        ("client_download_mbps", st.client_download_mbps),
        ("dp_bandwidth_mbps", st.dp_bandwidth_mbps),
    ] {
        if !(v > 0.0 && v.is_finite()) {
            out.push(Problem::new(
                format!("settings.{name}"),
                format!("expected a rate above 0, got {v}"),
            ));
        }
    }
}
