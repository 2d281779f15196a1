//! Points in time, resolved on the scenario's calendar and checked against the run's end and
//! each other: the resolver the other checks share, and the checks of the catalog (releases,
//! expiries, max run times), the operator actions and the faults.

use super::Problem;
use crate::engine::SimTime;
use crate::engine::calendar::Calendar;
use crate::scenario::{Action, Dur, Fault, Scenario, When};

/// The points in time of a scenario, resolved on its calendar: a date-time that cannot be
/// placed (no `start`, before the start) is a problem at its field, reported once.
pub(super) struct Times<'a> {
    pub(super) calendar: Option<Calendar>,
    /// The `start` itself is wrong: its own problem says so; date-times are not judged.
    pub(super) bad_start: bool,
    pub(super) out: &'a mut Vec<Problem>,
}

impl Times<'_> {
    pub(super) fn at(&mut self, path: &str, w: &When) -> Option<SimTime> {
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
    pub(super) fn within(&mut self, path: &str, w: &When, end: Option<SimTime>) -> Option<SimTime> {
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
    pub(super) fn order(
        &mut self,
        path: &str,
        earlier: Option<SimTime>,
        later: Option<SimTime>,
        m: &str,
    ) {
        if let (Some(a), Some(b)) = (earlier, later)
            && b < a
        {
            self.out.push(Problem::new(path, m));
        }
    }
}

/// Each update's release, expiry and max run time.
pub(super) fn check_catalog(s: &Scenario, t: &mut Times, end: Option<SimTime>) {
    for (i, u) in s.catalog.iter().enumerate() {
        if let Some(m) = u.max_run_time
            && !(60_000..=crate::scenario::windows::DURATION_LIMITS.1).contains(&m.0.ms())
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
}

/// Each action's time, and a deadline it sets.
pub(super) fn check_actions(s: &Scenario, t: &mut Times, end: Option<SimTime>) {
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
}

/// Each fault's interval.
pub(super) fn check_faults(s: &Scenario, t: &mut Times, end: Option<SimTime>) {
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
}
