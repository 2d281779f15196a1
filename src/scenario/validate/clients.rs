//! Checks of the client groups: time zones, counts, the shares of their updates, and their
//! availability (office hours, intermittent spells, days away) and maintenance windows.

use super::{Problem, share};
use crate::scenario::Scenario;

/// Each group's `time_zone` names a zone of the time zone database; a wrong one is told the
/// closest names.
pub(super) fn check_time_zones(s: &Scenario, out: &mut Vec<Problem>) {
    // The zone names, listed once for every wrong zone (there may be 500,000).
    let mut names: Option<Vec<String>> = None;
    for (i, g) in s.clients.iter().enumerate() {
        if let Some(z) = &g.time_zone
            && let Err(m) = crate::engine::calendar::zone(z)
        {
            let names = names.get_or_insert_with(zone_names);
            let hint = crate::scenario::suggest::hint(out, z, names.iter().map(String::as_str));
            out.push(Problem::new(
                format!("clients[{i}].time_zone"),
                format!("{m}{hint}"),
            ));
        }
    }
}

/// The names of the time zone database, for suggestions.
fn zone_names() -> Vec<String> {
    jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .collect()
}

/// The suggestion for a date-time whose bracketed zone (`…[Europe/Berln]`) is not a time
/// zone, as `clients[].time_zone` gets; nothing for any other text.
pub(super) fn bracketed_zone_hint(text: &str) -> String {
    let Some(name) = text
        .split_once('[')
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(name, _)| name.trim_start_matches('!'))
    else {
        return String::new();
    };
    if crate::engine::calendar::zone(name).is_ok() {
        return String::new();
    }
    crate::scenario::suggest::did_you_mean(name, zone_names().iter().map(String::as_str))
}

/// Each group's availability, windows, count and update shares.
pub(super) fn check_groups(s: &Scenario, out: &mut Vec<Problem>) {
    for (i, g) in s.clients.iter().enumerate() {
        check_availability(s, i, out);
        crate::scenario::windows::check(s, i, out);
        if g.count == 0 {
            out.push(Problem::new(
                format!("clients[{i}].count"),
                "expected at least 1 client",
            ));
        }
        for (j, a) in g.updates.iter().enumerate() {
            let path = format!("clients[{i}].updates[{j}]");
            share(out, &format!("{path}.applies"), a.applies);
            share(out, &format!("{path}.installed"), a.installed);
            if a.installed > a.applies {
                out.push(Problem::new(
                    format!("{path}.installed"),
                    "cannot exceed `applies`: only clients it applies to can have it installed",
                ));
            }
        }
    }
}

/// A group's availability: sound hours and days, positive spells, shares; office hours and
/// days away need the calendar.
fn check_availability(s: &Scenario, i: usize, out: &mut Vec<Problem>) {
    use crate::scenario::Availability::*;
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
            match crate::scenario::availability::parse_hours(hours) {
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
pub(in crate::scenario) fn distinct_days(days: &[crate::scenario::Weekday]) -> bool {
    let mut sorted = days.to_vec();
    sorted.sort();
    sorted.dedup();
    !days.is_empty() && sorted.len() == days.len()
}
