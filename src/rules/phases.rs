//! Phased deployments on a trace (issue 12): each phase's `phase_started` line against the
//! scenario's phases and the trace's own figures. The first phase begins when the phased
//! deployment is created; a `delay` phase exactly its delay after the phase before began; a
//! `criterion` phase exactly its deferral after the first moment, once the phase before had
//! begun, at which that phase's machines compliant in the site databases — the sum of its
//! `db_machines_compliant` lines — times 100 reached the percentage times its targeted
//! machines (`targeted_machines`). A phase due before the end must have begun; one not due
//! must not have. The success figure is summed here from the lines, not taken from the model.
//!
//! The other checks see each phase as the deployment it is: [`expand`] turns a phased
//! deployment of the scenario into one deployment per phase, placed where the trace says
//! the phase began (a phase that never began is placed after the end).

use super::trace::Line;
use super::{Ctx, Outcome};
use crate::scenario::{DeploymentSpec, Dur, PhaseStart, Scenario, When};
use std::collections::BTreeMap;

/// When each deployment's phase began, from its `phase_started` line.
fn starts(lines: &[Line]) -> BTreeMap<&str, u64> {
    let mut out = BTreeMap::new();
    for l in lines.iter().filter(|l| l.kind == "phase_started") {
        out.entry(l.deployment()).or_insert(l.t);
    }
    out
}

/// `s` with each phased deployment replaced by one deployment per phase, its times counted
/// from the phase's start in the trace.
pub(super) fn expand(s: &Scenario, lines: &[Line], end: u64) -> Scenario {
    if s.deployments.iter().all(|d| d.phases.is_empty()) {
        return s.clone();
    }
    let started = starts(lines);
    let at = |ms: u64| When::Offset(Dur(crate::engine::SimDuration(ms)));
    let mut out = s.clone();
    out.deployments = Vec::new();
    for d in &s.deployments {
        if d.phases.is_empty() {
            out.deployments.push(d.clone());
            continue;
        }
        for (j, ph) in d.phases.iter().enumerate() {
            let id = d.phase_id(j);
            let start = started
                .get(id.as_str())
                .copied()
                .unwrap_or(end.saturating_add(1));
            let available = start.saturating_add(ph.available_after.0.ms());
            out.deployments.push(DeploymentSpec {
                id,
                target: ph.target.clone(),
                phases: Vec::new(),
                created: at(start),
                available: Some(at(available)),
                deadline: ph
                    .deadline_after
                    .map(|x| at(available.saturating_add(x.0.ms()))),
                ..d.clone()
            });
        }
    }
    out
}

/// The success of one phase over time: its targeted machines and, in time order, the
/// moments its database-compliant machines grew and their running total.
#[derive(Default)]
struct Success {
    targeted: Option<u64>,
    steps: Vec<(u64, u64)>,
}

impl Success {
    /// The first moment at or after `from` at which `percent` is met.
    fn met_at(&self, from: u64, percent: f64) -> Option<u64> {
        let targeted = self.targeted?;
        let ok = |n: u64| n as f64 * 100.0 >= percent * targeted as f64;
        let before = self
            .steps
            .iter()
            .take_while(|s| s.0 <= from)
            .last()
            .map_or(0, |s| s.1);
        if ok(before) {
            return Some(from);
        }
        self.steps
            .iter()
            .find(|s| s.0 > from && ok(s.1))
            .map(|s| s.0)
    }
}

/// PHASES.
pub(super) fn check(lines: &[Line], cx: &Ctx, original: Option<&Scenario>) -> Outcome {
    let mut o = Outcome::new("PHASES");
    let Some(s) = original else {
        return o;
    };
    let mut success: BTreeMap<&str, Success> = BTreeMap::new();
    let mut seen: BTreeMap<&str, &Line> = BTreeMap::new();
    for l in lines {
        match l.kind.as_str() {
            "targeted_machines" => {
                success.entry(l.deployment()).or_default().targeted = l.targeted;
            }
            // The view from the top, where each machine counts once (the model judges the
            // criterion there).
            "db_machines_compliant" if super::reporting::replicates_to(s, l.site()).is_none() => {
                let e = success.entry(l.deployment()).or_default();
                let total = e.steps.last().map_or(0, |s| s.1) + l.count.unwrap_or(0);
                e.steps.push((l.t, total));
            }
            "phase_started" if seen.insert(l.deployment(), l).is_some() => {
                o.fail(l, "a phase that had begun already begins again");
            }
            _ => {}
        }
    }
    let mut known = 0;
    for d in s.deployments.iter().filter(|d| !d.phases.is_empty()) {
        let mut prev: Option<u64> = None;
        for (j, ph) in d.phases.iter().enumerate() {
            let id = d.phase_id(j);
            let line = seen.get(id.as_str()).copied();
            known += usize::from(line.is_some());
            let (expect, reason) = match (j, ph.begins.unwrap_or_default()) {
                (0, _) => (Some(cx.ms(&d.created)), "created"),
                (_, PhaseStart::Delay(x)) => (prev.map(|p| p.saturating_add(x.0.ms())), "delay"),
                (_, PhaseStart::Success { percent, deferral }) => {
                    let before = d.phase_id(j - 1);
                    let met = prev.and_then(|p| {
                        success
                            .get(before.as_str())
                            .and_then(|x| x.met_at(p, percent))
                    });
                    (met.map(|m| m.saturating_add(deferral.0.ms())), "criterion")
                }
            };
            o.checked += 1;
            match (line, expect) {
                (Some(l), Some(e)) => {
                    if l.t != e {
                        o.fail(
                            l,
                            &format!("phase {id} began at {} ms; expected at {e} ms", l.t),
                        );
                    }
                    if l.reason() != reason || l.phase != Some(j as u64 + 1) {
                        o.fail(
                            l,
                            &format!(
                                "phase {id} is phase {} and begins by {reason}; the line says \
                                 phase {:?} by {:?}",
                                j + 1,
                                l.phase,
                                l.reason()
                            ),
                        );
                    }
                }
                (Some(l), None) => o.fail(
                    l,
                    &format!(
                        "phase {id} began, but the phase before it never began or never met \
                         its success criterion"
                    ),
                ),
                (None, Some(e)) if e < cx.end => o.violations.push(format!(
                    "phase {id} should have begun at {e} ms (by {reason}) and never did"
                )),
                (None, _) => {}
            }
            prev = line.map(|l| l.t);
        }
    }
    // A phase line of no phase in the scenario.
    if seen.len() > known {
        for (id, l) in &seen {
            if !s
                .deployments
                .iter()
                .any(|d| (0..d.phases.len()).any(|j| d.phase_id(j) == *id))
            {
                o.fail(l, &format!("{id} is no phase of the scenario"));
            }
        }
    }
    o
}
