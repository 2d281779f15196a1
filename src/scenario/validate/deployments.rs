//! Checks of the deployments: what they target, the order of their times, and deadlines that
//! client-local time can read (R16, R17, R23).

use super::timeline::Times;
use super::{Problem, share};
use crate::engine::SimTime;
use crate::scenario::{Action, Scenario, TimeBase, When};

/// Each deployment's targets, times and deadline.
pub(super) fn check_deployments(s: &Scenario, t: &mut Times, end: Option<SimTime>) {
    for (i, d) in s.deployments.iter().enumerate() {
        let path = format!("deployments[{i}]");
        let created = t.within(&format!("{path}.created"), &d.created, end);
        if d.updates.is_empty() {
            t.out.push(Problem::new(
                format!("{path}.updates"),
                "expected at least one update",
            ));
        }
        super::phases::check_phases(s, d, &path, t.out);
        if let Some(r) = d.deadline_randomization
            && r.0 > crate::engine::SimDuration::from_days(1)
        {
            t.out.push(Problem::new(
                format!("{path}.deadline_randomization"),
                format!("expected at most 1d (ConfigMgr's randomization is 2h), got {r}"),
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
        if d.deadline.is_none() && d.phases.is_empty() && s.settings.hide_deployments {
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
