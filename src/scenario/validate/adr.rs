//! Checks of automatic deployment rules: names their deployments can be called by, a
//! collection, runs within the deployment limit, schedules ConfigMgr accepts (at most 3 runs
//! a day), and the current-branch limits on deadline randomization. Sites, groups and DPs
//! they name are resolved by `world::build`.

use super::timeline::Times;
use super::{Problem, share};
use crate::engine::{SimDuration, SimTime};
use crate::scenario::adr::{AdrSchedule, MAX_RUNS_PER_DAY};
use crate::scenario::windows::{check_clock, check_recurrence};
use crate::scenario::{Dur, Scenario};

/// Each rule of `s`, its points in time within the run ending at `end`.
pub(super) fn check_rules(s: &Scenario, t: &mut Times, end: Option<SimTime>) {
    let mut names = std::collections::BTreeSet::new();
    for (i, r) in s.automatic_deployment_rules.iter().enumerate() {
        let path = format!("automatic_deployment_rules[{i}]");
        let out = &mut *t.out;
        if r.name.trim().is_empty() || r.name.contains('/') {
            out.push(Problem::new(
                format!("{path}.name"),
                format!(
                    "expected a name without `/` (the rule's deployments are called \
                     `<name>/<run>`), got {:?}",
                    r.name
                ),
            ));
        } else if !names.insert(r.name.to_ascii_uppercase()) {
            out.push(Problem::new(
                format!("{path}.name"),
                format!("`{}` names two rules; expected a unique name", r.name),
            ));
        }
        if let Some(d) = s.deployments.iter().find(|d| {
            d.id.to_ascii_uppercase()
                .starts_with(&format!("{}/", r.name.to_ascii_uppercase()))
        }) {
            out.push(Problem::new(
                format!("{path}.name"),
                format!(
                    "deployment `{}` would take the name of one of this rule's deployments \
                     (`{}/<run>`); rename one of them",
                    d.id, r.name
                ),
            ));
        }
        if r.target.is_empty() {
            out.push(Problem::new(
                format!("{path}.target"),
                "expected at least one client group",
            ));
        }
        for (k, g) in r.target.iter().enumerate() {
            share(out, &format!("{path}.target[{k}].share"), g.share);
        }
        if r.max_runs == 0 {
            out.push(Problem::new(
                format!("{path}.max_runs"),
                "expected at least 1 run (each run that finds updates makes a deployment)",
            ));
        }
        if r.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            out.push(Problem::new(
                format!("{path}.title"),
                "expected some text to look for in the titles, or no `title` (any title)",
            ));
        }
        if r.deadline_randomization.0 > SimDuration::from_days(1) {
            out.push(Problem::new(
                format!("{path}.deadline_randomization"),
                format!(
                    "expected at most 1d (ConfigMgr randomizes ADR deadlines by 2h), got {}",
                    r.deadline_randomization
                ),
            ));
        }
        if r.deadline_after.is_none() && s.settings.hide_deployments {
            out.push(Problem::new(
                format!("{path}.deadline_after"),
                "deployments are hidden from users (settings.hide_deployments): only \
                 mandatory deployments can be sent; give a deadline (R23)",
            ));
        }
        check_schedule(s, &r.schedule, &format!("{path}.schedule"), t, end);
    }
}

/// A rule's schedule at `path`: days on the calendar, a time of day, an interval that runs
/// the rule at most [`MAX_RUNS_PER_DAY`] times a day.
fn check_schedule(
    s: &Scenario,
    schedule: &AdrSchedule,
    path: &str,
    t: &mut Times,
    end: Option<SimTime>,
) {
    match schedule {
        AdrSchedule::AfterSync => {}
        AdrSchedule::Recurring { recurrence, at } => {
            if s.start.is_none() {
                t.out.push(Problem::new(
                    path,
                    "a schedule on days follows the calendar: give the scenario a `start`, \
                     e.g. start: \"2026-12-08T00:00:00Z\", or run the rule `Every(interval: \
                     \"1d\", first: \"9h\")`",
                ));
            }
            check_clock(&format!("{path}.at"), at, t.out);
            check_recurrence(&format!("{path}.recurrence"), recurrence, t.out);
        }
        AdrSchedule::Every { interval, first } => {
            let shortest = Dur(SimDuration(
                SimDuration::from_days(1).ms() / MAX_RUNS_PER_DAY,
            ));
            if interval.0.ms() == 0 {
                t.out.push(Problem::new(
                    format!("{path}.interval"),
                    format!("expected an interval of at least {shortest}, e.g. \"{shortest}\""),
                ));
            } else if schedule.per_day() > MAX_RUNS_PER_DAY {
                t.out.push(Problem::new(
                    format!("{path}.interval"),
                    format!(
                        "every {interval} runs the rule {} times a day, and ConfigMgr refuses \
                         rules that run more than {MAX_RUNS_PER_DAY} times a day: expected an \
                         interval of at least {shortest}, e.g. \"{shortest}\"",
                        schedule.per_day(),
                    ),
                ));
            }
            t.within(&format!("{path}.first"), first, end);
        }
    }
}
