//! Checks on single values: limits, intervals, shares, times within the run. Cross-references
//! are checked by `world::build`.

use super::{Action, Dur, Fault, Scenario};
use crate::engine::SimDuration;

/// A problem with one field, before it is located in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Field path, e.g. `sites[2].parent`.
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Problem {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// The largest inputs accepted: bigger ones are refused with a message, not run out of memory.
pub struct Limits {
    /// Scenario file size in bytes.
    pub file_bytes: u64,
    /// Sites in the hierarchy.
    pub sites: usize,
    /// Clients over all groups.
    pub clients: u64,
    /// Updates in the catalog.
    pub updates: usize,
    /// Actions plus faults.
    pub timeline: usize,
    /// Deployments (a client keeps one bit per deployment).
    pub deployments: usize,
    /// Distribution points over all sites (events name them in 16 bits).
    pub dps: usize,
    /// Simulated run length.
    pub run: SimDuration,
}

/// The limits in force.
pub const LIMITS: Limits = Limits {
    file_bytes: 16 << 20,
    sites: 4_096,
    clients: 10_000_000,
    updates: 100_000,
    timeline: 100_000,
    deployments: 32,
    dps: 65_535,
    run: SimDuration::from_days(3 * 366),
};

/// Every value-level problem of `s`, once its sizes are within [`LIMITS`] ([`sizes`]).
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut out = Vec::new();
    let end = s.end;
    if end.0 == SimDuration::ZERO {
        out.push(Problem::new("end", "the run must last longer than 0"));
    }
    for (i, g) in s.clients.iter().enumerate() {
        if g.count == 0 {
            out.push(Problem::new(
                format!("clients[{i}].count"),
                "expected at least 1 client",
            ));
        }
        for (j, a) in g.updates.iter().enumerate() {
            let path = format!("clients[{i}].updates[{j}]");
            share(&mut out, &format!("{path}.applies"), a.applies);
            share(&mut out, &format!("{path}.installed"), a.installed);
            if a.installed > a.applies {
                out.push(Problem::new(
                    format!("{path}.installed"),
                    "cannot exceed `applies`: only clients it applies to can have it installed",
                ));
            }
        }
    }
    for (i, u) in s.catalog.iter().enumerate() {
        within_run(&mut out, &format!("catalog[{i}].released"), u.released, end);
        if u.migrated && u.released.0 != SimDuration::ZERO {
            out.push(Problem::new(
                format!("catalog[{i}].released"),
                "a migrated SMS 2003 update is in the database from the start; expected \"0\"",
            ));
        }
        if let Some(at) = u.expires_at {
            if u.expired {
                out.push(Problem::new(
                    format!("catalog[{i}].expires_at"),
                    "give either `expired: true` or `expires_at`, not both",
                ));
            } else if at < u.released {
                out.push(Problem::new(
                    format!("catalog[{i}].expires_at"),
                    "expected a time at or after `released`",
                ));
            }
        }
    }
    for (i, a) in s.actions.iter().enumerate() {
        match a {
            Action::RunSync { at } => within_run(&mut out, &format!("actions[{i}].at"), *at, end),
            Action::SetDeadline { at, deadline, .. } => {
                within_run(&mut out, &format!("actions[{i}].at"), *at, end);
                if deadline < at {
                    out.push(Problem::new(
                        format!("actions[{i}].deadline"),
                        "expected a deadline at or after the action",
                    ));
                }
            }
        }
    }
    check_deployments(s, &mut out);
    for (i, f) in s.faults.iter().enumerate() {
        let (from, to) = match f {
            Fault::UpstreamUnavailable { from, to }
            | Fault::WsusUnavailable { from, to, .. }
            | Fault::DpUnavailable { from, to, .. } => (*from, *to),
        };
        within_run(&mut out, &format!("faults[{i}].from"), from, end);
        if to <= from {
            out.push(Problem::new(
                format!("faults[{i}].to"),
                "expected a time after `from`",
            ));
        }
    }
    if let Some(start) = &s.start
        && let Err(m) = crate::engine::calendar::StartDate::parse(start)
    {
        out.push(Problem::new("start", m));
    }
    check_settings(s, &mut out);
    out
}

fn check_deployments(s: &Scenario, out: &mut Vec<Problem>) {
    for (i, d) in s.deployments.iter().enumerate() {
        let path = format!("deployments[{i}]");
        within_run(out, &format!("{path}.created"), d.created, s.end);
        if d.updates.is_empty() {
            out.push(Problem::new(
                format!("{path}.updates"),
                "expected at least one update",
            ));
        }
        if d.target.is_empty() {
            out.push(Problem::new(
                format!("{path}.target"),
                "expected at least one client group",
            ));
        }
        for (j, t) in d.target.iter().enumerate() {
            share(out, &format!("{path}.target[{j}].share"), t.share);
        }
        if let Some(available) = d.available {
            within_run(out, &format!("{path}.available"), available, s.end);
            if available < d.created {
                out.push(Problem::new(
                    format!("{path}.available"),
                    "expected a time at or after `created`",
                ));
            } else if d.deadline.is_some_and(|dl| dl < available) {
                out.push(Problem::new(
                    format!("{path}.deadline"),
                    "expected a deadline at or after `available`",
                ));
            }
        }
        match d.deadline {
            Some(deadline) if deadline < d.created => out.push(Problem::new(
                format!("{path}.deadline"),
                "expected a deadline at or after `created`",
            )),
            None if s.settings.hide_deployments => out.push(Problem::new(
                format!("{path}.deadline"),
                "deployments are hidden from users (settings.hide_deployments): only mandatory \
                 deployments can be sent; give a deadline (R23)",
            )),
            _ => {}
        }
    }
}

/// The counts of `s` over [`LIMITS`]. Checked before anything else: nothing walks, indexes
/// (site ids are 16 bits) or recurses over a hierarchy of 600,000 sites.
pub fn sizes(s: &Scenario) -> Vec<Problem> {
    let mut out = Vec::new();
    let clients: u64 = s.clients.iter().map(|g| u64::from(g.count)).sum();
    let too_many = [
        ("sites", "sites", s.sites.len() as u64, LIMITS.sites as u64),
        ("clients", "clients", clients, LIMITS.clients),
        (
            "catalog",
            "updates",
            s.catalog.len() as u64,
            LIMITS.updates as u64,
        ),
        (
            "deployments",
            "deployments",
            s.deployments.len() as u64,
            LIMITS.deployments as u64,
        ),
        (
            "sites",
            "distribution points",
            s.sites
                .iter()
                .map(|x| x.distribution_points.len() as u64)
                .sum(),
            LIMITS.dps as u64,
        ),
        (
            "actions",
            "actions and faults",
            (s.actions.len() + s.faults.len()) as u64,
            LIMITS.timeline as u64,
        ),
    ];
    for (field, what, n, max) in too_many {
        if n > max {
            out.push(Problem::new(
                field,
                format!("{n} {what} is over the limit of {max}; split the scenario or reduce it"),
            ));
        }
    }
    if s.end.0 > LIMITS.run {
        out.push(Problem::new(
            "end",
            format!("runs longer than {} are refused", Dur(LIMITS.run)),
        ));
    }
    out
}

fn check_settings(s: &Scenario, out: &mut Vec<Problem>) {
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

fn share(out: &mut Vec<Problem>, path: &str, v: f64) {
    if !(0.0..=1.0).contains(&v) {
        out.push(Problem::new(
            path,
            format!("expected a share from 0 to 1, got {v}"),
        ));
    }
}

fn within_run(out: &mut Vec<Problem>, path: &str, at: Dur, end: Dur) {
    if at > end {
        out.push(Problem::new(
            path,
            format!("{at} is after the end of the run ({end})"),
        ));
    }
}
