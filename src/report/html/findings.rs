//! "What failed and where": the part of a run's answer that a change board asks about after
//! the date — the faults the scenario put in, and everything that went wrong because of them
//! or of the plan (failed syncs and scans, downloads given up, machines that never came on or
//! whose windows never fit, phases that never began, servers over capacity). Each line is
//! read off the summary, so the page says nothing the figures below it do not.

use super::super::summary::Summary;
use super::super::text::at;
use crate::world::{OutageTarget, World};

/// Lines named per kind of finding at most; the tables below have every one.
const NAMED: usize = 5;

/// `items` joined, the first [`NAMED`] of them, with how many more there are.
fn some(items: &[String]) -> String {
    let mut out = items
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > NAMED {
        out.push_str(&format!("; and {} more", items.len() - NAMED));
    }
    out
}

/// The faults the scenario puts in: servers down and unreachable upstreams, with when.
pub(super) fn faults(s: &Summary, w: &World) -> Vec<String> {
    w.outages
        .iter()
        .map(|o| {
            let what = match o.target {
                OutageTarget::Upstream => "Microsoft Update unreachable".to_string(),
                OutageTarget::Wsus(sup) => format!("WSUS of {} down", w.sups[sup.index()].name),
                OutageTarget::Dp(dp) => {
                    format!("distribution point {} down", w.dps[dp.index()].name)
                }
            };
            let to = match o.to >= w.end {
                true => "the end of the run".to_string(),
                false => at(s, Some(o.to.ms())),
            };
            format!("{what} from {} to {to}", at(s, Some(o.from.ms())))
        })
        .collect()
}

/// What went wrong in the run, one line per kind, most telling first; empty when nothing did.
pub(super) fn failures(s: &Summary) -> Vec<String> {
    let mut out = Vec::new();
    let m = &s.machines;
    if m.targeted > m.compliant {
        out.push(format!(
            "{} of {} targeted machines were not compliant at the end of the run ({})",
            m.targeted - m.compliant,
            m.targeted,
            at(s, Some(s.end_ms))
        ));
    }
    let never_on: Vec<String> = m
        .groups
        .iter()
        .filter(|g| g.never_online > 0)
        .map(|g| format!("{} in {}", g.never_online, g.name))
        .collect();
    if !never_on.is_empty() {
        out.push(format!("Machines never switched on: {}", some(&never_on)));
    }
    let unfit: Vec<String> = m
        .groups
        .iter()
        .filter(|g| !g.never_fits.is_empty())
        .map(|g| format!("{} ({})", g.name, g.never_fits.join(", ")))
        .collect();
    if !unfit.is_empty() {
        out.push(format!(
            "No maintenance window fits the update's maximum run time: {}",
            some(&unfit)
        ));
    }
    let sups = s
        .sites
        .iter()
        .flat_map(|x| x.sups.iter().map(move |u| (x, u)));
    let syncs: Vec<String> = sups
        .clone()
        .filter(|(_, u)| u.status_6703 > 0)
        .map(|(x, u)| {
            format!(
                "{} at {}: {} failed, {} retries",
                u.name, x.code, u.status_6703, u.retries
            )
        })
        .collect();
    if !syncs.is_empty() {
        out.push(format!("Synchronizations failed (6703): {}", some(&syncs)));
    }
    let scans: Vec<String> = sups
        .filter(|(_, u)| u.scans_failed > 0)
        .map(|(_, u)| {
            format!(
                "{}: {} failed, {} served",
                u.name, u.scans_failed, u.scans_served
            )
        })
        .collect();
    if !scans.is_empty() {
        out.push(format!("Scans failed: {}", some(&scans)));
    }
    let d = &s.deployment;
    let rejected: Vec<String> = d
        .deployments
        .iter()
        .filter(|r| r.rejected)
        .map(|r| r.id.clone())
        .collect();
    if !rejected.is_empty() {
        out.push(format!("Deployments rejected: {}", some(&rejected)));
    }
    let late: Vec<String> = d
        .deployments
        .iter()
        .filter(|r| !r.rejected && r.deadline_ms.is_some_and(|t| t > s.end_ms))
        .map(|r| format!("{} ({})", r.id, at(s, r.deadline_ms)))
        .collect();
    if !late.is_empty() {
        out.push(format!(
            "Deadlines after the end of the run, so no deadline installs: {}",
            some(&late)
        ));
    }
    let never_started: Vec<String> = d
        .phases
        .iter()
        .filter(|p| p.started_ms.is_none())
        .map(|p| format!("{} (phase {})", p.deployment, p.phase))
        .collect();
    if !never_started.is_empty() {
        out.push(format!("Phases that never began: {}", some(&never_started)));
    }
    let g = &d.gave_up;
    if g.location + g.dp_connect + g.manual > 0 {
        out.push(format!(
            "Downloads given up: {} with no DP found (R19), {} with no DP reachable (R20), {} \
             user-started (R21)",
            g.location, g.dp_connect, g.manual
        ));
    }
    if d.location_failures + d.dp_connect_failures > 0 {
        out.push(format!(
            "{} Location Services failures and {} DP connection failures",
            d.location_failures, d.dp_connect_failures
        ));
    }
    if d.download_bytes.fallback > 0 {
        out.push(format!(
            "{:.2} GB downloaded by boundary-group fallback, across the WAN",
            d.download_bytes.fallback as f64 / 1e9
        ));
    }
    let over: Vec<String> = s
        .compliance
        .management_points
        .iter()
        .filter(|x| x.policy.policy_minutes_over_capacity > 0)
        .map(|x| format!("{} {} min", x.name, x.policy.policy_minutes_over_capacity))
        .collect();
    if !over.is_empty() {
        out.push(format!(
            "Management points over their policy capacity: {}",
            some(&over)
        ));
    }
    if s.compliance.states_discarded > 0 {
        out.push(format!(
            "{} state messages discarded by site databases that had not synced the update (R15)",
            s.compliance.states_discarded
        ));
    }
    out
}
