//! Checks on single values: limits, intervals, shares, times within the run. Cross-references
//! are checked by `world::build`.

use super::{Action, Dur, Fault, Scenario, TimeBase, When};
use crate::engine::calendar::Calendar;
use crate::engine::{SimDuration, SimTime};

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

/// The points in time of a scenario, resolved on its calendar: a date-time that cannot be
/// placed (no `start`, before the start) is a problem at its field, reported once.
struct Times<'a> {
    calendar: Option<Calendar>,
    /// The `start` itself is wrong: its own problem says so; date-times are not judged.
    bad_start: bool,
    out: &'a mut Vec<Problem>,
}

impl Times<'_> {
    fn at(&mut self, path: &str, w: &When) -> Option<SimTime> {
        match w.resolve(self.calendar.as_ref()) {
            Ok(t) => Some(t),
            Err(_) if self.bad_start => None,
            Err(m) => {
                self.out.push(Problem::new(path, m));
                None
            }
        }
    }

    /// `w` resolved and within the run ending at `end`.
    fn within(&mut self, path: &str, w: &When, end: Option<SimTime>) -> Option<SimTime> {
        let t = self.at(path, w)?;
        if let Some(end) = end
            && t > end
        {
            let shown = match w {
                When::Offset(_) => Dur(t.since(SimTime::ZERO)).to_string(),
                When::Date(_) => w.to_string(),
            };
            self.out.push(Problem::new(
                path,
                format!(
                    "{shown} is after the end of the run ({})",
                    Dur(end.since(SimTime::ZERO))
                ),
            ));
        }
        Some(t)
    }

    /// A problem at `path` when both times are known and `later` comes before `earlier`.
    fn order(&mut self, path: &str, earlier: Option<SimTime>, later: Option<SimTime>, m: &str) {
        if let (Some(a), Some(b)) = (earlier, later)
            && b < a
        {
            self.out.push(Problem::new(path, m));
        }
    }
}

/// The scenario's calendar: `None` without a `start`, an error message when `start` is wrong.
pub fn calendar(s: &Scenario) -> Result<Option<Calendar>, String> {
    s.start.as_deref().map(Calendar::parse).transpose()
}

/// Every value-level problem of `s`, once its sizes are within [`LIMITS`] ([`sizes`]).
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut out = Vec::new();
    let calendar = calendar(s).unwrap_or_else(|m| {
        out.push(Problem::new("start", m));
        None
    });
    let bad_start = s.start.is_some() && calendar.is_none();
    for (i, g) in s.clients.iter().enumerate() {
        if let Some(z) = &g.time_zone
            && let Err(m) = crate::engine::calendar::zone(z)
        {
            let names: Vec<String> = jiff::tz::db()
                .available()
                .map(|n| n.as_str().to_string())
                .collect();
            let hint = super::suggest::did_you_mean(z, names.iter().map(String::as_str));
            out.push(Problem::new(
                format!("clients[{i}].time_zone"),
                format!("{m}{hint}"),
            ));
        }
    }
    let mut t = Times {
        calendar,
        bad_start,
        out: &mut out,
    };
    let end = t.at("end", &s.end);
    if end == Some(SimTime::ZERO) {
        t.out
            .push(Problem::new("end", "the run must last longer than 0"));
    }
    for (i, g) in s.clients.iter().enumerate() {
        check_availability(s, i, t.out);
        super::windows::check(s, i, t.out);
        if g.count == 0 {
            t.out.push(Problem::new(
                format!("clients[{i}].count"),
                "expected at least 1 client",
            ));
        }
        for (j, a) in g.updates.iter().enumerate() {
            let path = format!("clients[{i}].updates[{j}]");
            share(t.out, &format!("{path}.applies"), a.applies);
            share(t.out, &format!("{path}.installed"), a.installed);
            if a.installed > a.applies {
                t.out.push(Problem::new(
                    format!("{path}.installed"),
                    "cannot exceed `applies`: only clients it applies to can have it installed",
                ));
            }
        }
    }
    for (i, u) in s.catalog.iter().enumerate() {
        if let Some(m) = u.max_run_time
            && !(60_000..=super::windows::DURATION_LIMITS.1).contains(&m.0.ms())
        {
            t.out.push(Problem::new(
                format!("catalog[{i}].max_run_time"),
                format!("expected 1m to 24h (no window is longer), got {m}"),
            ));
        }
        let path = format!("catalog[{i}].released");
        let released = t.within(&path, &u.released, end);
        if u.migrated && released.is_some_and(|r| r != SimTime::ZERO) {
            t.out.push(Problem::new(
                path,
                "a migrated SMS 2003 update is in the database from the start; expected \"0\"",
            ));
        }
        if let Some(at) = &u.expires_at {
            let path = format!("catalog[{i}].expires_at");
            let at = t.at(&path, at);
            if u.expired {
                t.out.push(Problem::new(
                    path,
                    "give either `expired: true` or `expires_at`, not both",
                ));
            } else {
                t.order(
                    &path,
                    released,
                    at,
                    "expected a time at or after `released`",
                );
            }
        }
    }
    for (i, a) in s.actions.iter().enumerate() {
        let path = format!("actions[{i}].at");
        match a {
            Action::RunSync { at } => {
                t.within(&path, at, end);
            }
            Action::SetDeadline { at, deadline, .. } => {
                let at = t.within(&path, at, end);
                let path = format!("actions[{i}].deadline");
                let deadline = t.at(&path, deadline);
                t.order(
                    &path,
                    at,
                    deadline,
                    "expected a deadline at or after the action",
                );
            }
        }
    }
    check_deployments(s, &mut t, end);
    for (i, f) in s.faults.iter().enumerate() {
        let (from, to) = match f {
            Fault::UpstreamUnavailable { from, to }
            | Fault::WsusUnavailable { from, to, .. }
            | Fault::DpUnavailable { from, to, .. } => (from, to),
        };
        let from = t.within(&format!("faults[{i}].from"), from, end);
        let path = format!("faults[{i}].to");
        let to = t.at(&path, to);
        if let (Some(a), Some(b)) = (from, to)
            && b <= a
        {
            t.out
                .push(Problem::new(path, "expected a time after `from`"));
        }
    }
    check_settings(s, &mut out);
    out
}

fn check_deployments(s: &Scenario, t: &mut Times, end: Option<SimTime>) {
    for (i, d) in s.deployments.iter().enumerate() {
        let path = format!("deployments[{i}]");
        let created = t.within(&format!("{path}.created"), &d.created, end);
        if d.updates.is_empty() {
            t.out.push(Problem::new(
                format!("{path}.updates"),
                "expected at least one update",
            ));
        }
        if d.target.is_empty() {
            t.out.push(Problem::new(
                format!("{path}.target"),
                "expected at least one client group",
            ));
        }
        for (j, g) in d.target.iter().enumerate() {
            share(t.out, &format!("{path}.target[{j}].share"), g.share);
        }
        let deadline_path = format!("{path}.deadline");
        let deadline = d.deadline.as_ref().and_then(|x| t.at(&deadline_path, x));
        if let Some(available) = &d.available {
            let available = t.within(&format!("{path}.available"), available, end);
            t.order(
                &format!("{path}.available"),
                created,
                available,
                "expected a time at or after `created`",
            );
            if available >= created {
                t.order(
                    &deadline_path,
                    available,
                    deadline,
                    "expected a deadline at or after `available`",
                );
            }
        }
        t.order(
            &deadline_path,
            created,
            deadline,
            "expected a deadline at or after `created`",
        );
        if d.deadline.is_none() && s.settings.hide_deployments {
            t.out.push(Problem::new(
                deadline_path,
                "deployments are hidden from users (settings.hide_deployments): only mandatory \
                 deployments can be sent; give a deadline (R23)",
            ));
        }
        if d.time_based_on == TimeBase::ClientLocal && s.start.is_none() {
            t.out.push(Problem::new(
                format!("{path}.time_based_on"),
                "client-local time needs the calendar: give the scenario a `start`, e.g. \
                 start: \"2026-12-08T00:00:00Z\", and the groups a `time_zone`",
            ));
        }
        let wall_clock = |dl: &When| dl.is_wall_clock() || d.time_based_on == TimeBase::Utc;
        for (k, a) in s.actions.iter().enumerate() {
            if let Action::SetDeadline {
                deployment,
                deadline,
                ..
            } = a
                && deployment == &d.id
                && !wall_clock(deadline)
            {
                t.out.push(Problem::new(
                    format!("actions[{k}].deadline"),
                    not_wall_clock(deadline),
                ));
            }
        }
        if let Some(dl) = &d.deadline
            && !wall_clock(dl)
        {
            t.out
                .push(Problem::new(format!("{path}.deadline"), not_wall_clock(dl)));
        }
    }
}

/// A group's availability: sound hours and days, positive spells, shares; office hours and
/// days away need the calendar.
fn check_availability(s: &Scenario, i: usize, out: &mut Vec<Problem>) {
    use super::Availability::*;
    let g = &s.clients[i];
    let path = format!("clients[{i}].availability");
    let needs_start = |out: &mut Vec<Problem>, what: &str, path: &str| {
        if s.start.is_none() {
            out.push(Problem::new(
                path,
                format!(
                    "{what} follow the calendar: give the scenario a `start`, e.g. \
                     start: \"2026-12-07T00:00:00Z\" (a Monday), and the group a `time_zone`"
                ),
            ));
        }
    };
    match &g.availability {
        AlwaysOn => {}
        Office {
            hours,
            days,
            spread,
            left_on,
        } => {
            needs_start(out, "office hours", &path);
            match super::availability::parse_hours(hours) {
                Err(m) => out.push(Problem::new(format!("{path}.hours"), m)),
                Ok((a, b)) if spread.0.ms() >= u64::from(b - a) * 60_000 => out.push(Problem::new(
                    format!("{path}.spread"),
                    format!("{spread} is not shorter than the working hours ({hours})"),
                )),
                Ok(_) => {}
            }
            if !distinct_days(days) {
                out.push(Problem::new(
                    format!("{path}.days"),
                    "expected working days, each once, e.g. [Mon, Tue, Wed, Thu, Fri]",
                ));
            }
            share(out, &format!("{path}.left_on"), *left_on);
        }
        Intermittent { online, offline } => {
            for (name, d) in [("online", online), ("offline", offline)] {
                if d.0.ms() < 60_000 {
                    out.push(Problem::new(
                        format!("{path}.{name}"),
                        format!("expected a mean spell of at least 1m, got {d}"),
                    ));
                }
            }
        }
    }
    if let Some(a) = &g.away {
        let path = format!("clients[{i}].away");
        if matches!(g.availability, Intermittent { .. }) {
            out.push(Problem::new(
                &path,
                "intermittent machines' offline spells already cover days away; give longer \
                 `offline` spells instead",
            ));
        }
        needs_start(out, "days away", &path);
        share(out, &format!("{path}.share"), a.share);
        if a.days == 0 || a.days > 366 {
            out.push(Problem::new(
                format!("{path}.days"),
                format!("expected 1 to 366 days, got {}", a.days),
            ));
        }
    }
}

/// Whether `days` names at least one day and none twice.
pub(super) fn distinct_days(days: &[super::Weekday]) -> bool {
    let mut sorted = days.to_vec();
    sorted.sort();
    sorted.dedup();
    !days.is_empty() && sorted.len() == days.len()
}

/// Why date-time `dl` cannot be a client-local deadline.
fn not_wall_clock(dl: &When) -> String {
    let civil = match dl {
        When::Date(x) => x.civil.to_string(),
        When::Offset(x) => x.to_string(),
    };
    format!(
        "`{dl}` names one instant, but `time_based_on: ClientLocal` reads the deadline as each \
         client's wall-clock time; write it without an offset or zone, e.g. \"{civil}\""
    )
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
    let end = calendar(s)
        .ok()
        .and_then(|c| s.end.resolve(c.as_ref()).ok());
    if end.is_some_and(|e| e.since(SimTime::ZERO) > LIMITS.run) {
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
        ("max_run_time", st.max_run_time),
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
