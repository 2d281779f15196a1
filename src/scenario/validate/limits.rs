//! The size limits, and the check against them that comes before any other: a scenario too
//! big to hold is refused with a message before anything walks it.

use super::{Problem, calendar};
use crate::engine::calendar::Calendar;
use crate::engine::{SimDuration, SimTime};
use crate::scenario::{Dur, Scenario, When};

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
    /// Deployments, a phased one counting one per phase and an automatic deployment rule
    /// one per run it may make (a client keeps one bit per deployment).
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
            if s.automatic_deployment_rules.is_empty() {
                "deployments"
            } else {
                "automatic_deployment_rules"
            },
            if s.automatic_deployment_rules.is_empty() {
                "deployments"
            } else {
                "deployments (with the rules' `max_runs`)"
            },
            s.deployments
                .iter()
                .map(|d| d.phases.len().max(1) as u64)
                .sum::<u64>()
                + s.automatic_deployment_rules
                    .iter()
                    .map(|r| u64::from(r.max_runs))
                    .sum::<u64>(),
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
            format!(
                "runs longer than {} are refused; expected at most {0} (three years): split a \
                 longer study into runs that each start where the last ended",
                Dur(LIMITS.run)
            ),
        ));
    } else if let (Ok(Some(c)), Some(e)) = (calendar(s), end)
        && let Some((field, m)) = past_the_calendar(&c, e, &s.end)
    {
        out.push(Problem::new(field, m));
    }
    out
}

/// The latest a run may end. Dates stop with year 9999 (jiff's last instant,
/// 9999-12-30T22:00Z, is the last that every time zone can still show as a date), and the
/// model lays out each group's local days up to three days past the end: a week's margin
/// covers both. Past it every later time was shown as the last date (9999-12-30 23:00).
pub const LATEST_END: &str = "9999-12-23T00:00:00Z";

/// Why a run ending at `end` (written `written`) after `calendar`'s start cannot be placed
/// on the calendar: the field to blame (`start` when the start itself is past
/// [`LATEST_END`], else `end`) and the message; `None` when it can. Public for `--until`,
/// which replaces the file's `end` after the file is checked.
pub fn past_the_calendar(
    calendar: &Calendar,
    end: SimTime,
    written: &When,
) -> Option<(&'static str, String)> {
    let latest: jiff::Timestamp = LATEST_END.parse().expect("a valid instant");
    let room = latest.as_millisecond() - calendar.start().as_millisecond();
    let Ok(room) = u64::try_from(room) else {
        return Some((
            "start",
            format!(
                "`{}` is too late: dates stop with year 9999 and a run must end by {LATEST_END}; \
                 expected an earlier start, e.g. \"2026-12-07T00:00:00Z\"",
                calendar.start_text()
            ),
        ));
    };
    if end.ms() <= room {
        return None;
    }
    // Whole minutes: what `end` could be instead.
    let most = Dur(SimDuration::from_ms(room / 60_000 * 60_000));
    let shown = match written {
        When::Offset(_) => format!("`{}` after the start", Dur(end.since(SimTime::ZERO))),
        When::Date(_) => format!("`{written}`"),
    };
    Some((
        "end",
        format!(
            "the run would end past {LATEST_END}: dates stop with year 9999, and {shown} is \
             too late for a start at {}; expected an end at most {most} after the start, or an \
             earlier `start`",
            calendar.start_text()
        ),
    ))
}
