//! R19, R20, R21: a download job that fails retries on a timer until its budget is spent.
//! Location Services finding no DP retries every `location_retry_interval` for up to
//! `location_retry_budget` (R19); a DP that cannot be reached, every
//! `dp_connect_retry_interval` for up to `dp_connect_retry_budget` (R20); a job the user
//! started for optional updates, every `manual_retry_interval` for up to
//! `manual_retry_budget` (R21). An attempt may try several DPs at one moment (failover): the
//! `dp_connect_failed` lines of one client at one time are one attempt. A budget runs from
//! the first failure of its kind in the job; the job gives up at the failure after which
//! another interval would overrun it, and not before. The next attempt of a job comes exactly
//! one interval after a failure: neither earlier, nor later, nor missing — or, when the
//! machine is off then, at its start-up (past the budget, it gives up right after).
//!
//! Given the scenario's faults, a DP is reported unreachable only while it is down, and no
//! download starts from a DP that is down.

use super::trace::Line;
use super::{Ctx, Outcome};
use crate::scenario::Fault;
use std::collections::BTreeMap;

/// One client's running download job.
#[derive(Default)]
struct Job<'a> {
    /// The last failed attempt: its time, line, kind (0 location, 1 DP), manual flag.
    last: Option<(u64, &'a Line, usize, bool)>,
    /// First failure of each kind in the job.
    since: [Option<u64>; 2],
    /// The last failure spent the budget: the job must give up at once.
    spent: bool,
}

/// Outcome index: R19, R20 or R21.
fn rule(kind: usize, manual: bool) -> usize {
    if manual { 2 } else { kind }
}

/// R19, R20, R21 in one pass.
pub(super) fn retries(lines: &[Line], cx: &Ctx) -> [Outcome; 3] {
    let s = cx.settings;
    let mut out = [
        Outcome::new("R19"),
        Outcome::new("R20"),
        Outcome::new("R21"),
    ];
    let timers = |kind: usize, manual: bool| {
        let (i, b) = match (manual, kind) {
            (true, _) => (s.manual_retry_interval, s.manual_retry_budget),
            (false, 0) => (s.location_retry_interval, s.location_retry_budget),
            (false, _) => (s.dp_connect_retry_interval, s.dp_connect_retry_budget),
        };
        (i.0.ms(), b.0.ms())
    };
    let down = |dp: &str, t: u64| {
        cx.scenario.is_some_and(|sc| {
            sc.faults.iter().any(|f| {
                matches!(f, Fault::DpUnavailable { server, from, to }
                    if server == dp && cx.ms(from) <= t && t < cx.ms(to))
            })
        })
    };
    let mut jobs: BTreeMap<u64, Job> = BTreeMap::new();
    for l in lines {
        let c = l.client();
        let kind = match l.kind.as_str() {
            "location_failed" => 0,
            "dp_connect_failed" => 1,
            "download_start" | "peer_download_start" | "download_gave_up" => 2,
            _ => continue,
        };
        let job = jobs.entry(c).or_default();
        // The previous failure fixes when the next attempt comes, or that the job gives up.
        if let Some((t0, prev, k0, m0)) = job.last {
            let o = &mut out[rule(k0, m0)];
            // Failover: the same attempt goes on to the next DP of the list, which fails
            // too or serves the download.
            let same_attempt = l.t == t0 && k0 == 1 && (kind == 1 || l.kind == "download_start");
            // A machine off when the attempt came due tries at its start-up; one switching
            // off at that very moment may try first (AGENT judges whether it was on).
            let at = t0 + timers(k0, m0).0;
            let due = cx.power.resumed(c, at);
            if job.spent && l.kind != "download_gave_up" && !same_attempt {
                o.fail(prev, "the budget is spent but the job did not give up");
                job.last = None;
            } else if !job.spent
                && !same_attempt
                && l.kind != "download_gave_up"
                && l.t != due
                && l.t != at
            {
                o.fail(
                    l,
                    &format!(
                        "the attempt after the failure of line {} is due at {due} ms",
                        prev.line
                    ),
                );
            }
        }
        match l.kind.as_str() {
            "peer_download_start" => *job = Job::default(),
            "download_start" => {
                if cx.scenario.is_some() && down(l.dp.as_deref().unwrap_or(""), l.t) {
                    out[1].fail(l, "a download from a DP that is down");
                }
                *job = Job::default();
            }
            "download_gave_up" => {
                let Some((t0, _, k0, m0)) = job.last.filter(|j| j.0 == l.t) else {
                    let k = rule(
                        usize::from(l.reason() == "dp_connect"),
                        l.reason() == "manual",
                    );
                    out[k].checked += 1;
                    out[k].fail(l, "gave up without a failed attempt at that moment");
                    *job = Job::default();
                    continue;
                };
                let o = &mut out[rule(k0, m0)];
                o.checked += 1;
                let expect = match (m0, k0) {
                    (true, _) => "manual",
                    (false, 0) => "location",
                    (false, _) => "dp_connect",
                };
                if l.reason() != expect {
                    o.fail(
                        l,
                        &format!(
                            "gave up for {:?}; its last failure says {expect}",
                            l.reason()
                        ),
                    );
                }
                if !job.spent {
                    let (interval, budget) = timers(k0, m0);
                    let tried = t0 - job.since[k0].unwrap_or(t0);
                    o.fail(
                        l,
                        &format!("gave up after {tried} ms of retries; the budget is {budget} ms (another try every {interval} ms fits)"),
                    );
                }
                *job = Job::default();
            }
            _ => {
                let manual = l.manual.unwrap_or(false);
                let (interval, budget) = timers(kind, manual);
                let o = &mut out[rule(kind, manual)];
                o.checked += 1;
                if kind == 1 && cx.scenario.is_some() && !down(l.dp.as_deref().unwrap_or(""), l.t) {
                    o.fail(l, "the DP is reported unreachable while it is up");
                }
                let first = *job.since[kind].get_or_insert(l.t);
                let tried = l.t - first;
                // Past the budget only at a start-up after it ran out while off (the job
                // then gives up at once).
                let late = cx.power.started_at(c, l.t);
                if tried > budget && !late {
                    o.fail(
                        l,
                        &format!("still trying {tried} ms after the first failure; the budget is {budget} ms"),
                    );
                }
                job.spent = tried + interval > budget;
                job.last = Some((l.t, l, kind, manual));
            }
        }
    }
    for (&c, job) in &jobs {
        if let Some((t0, prev, k0, m0)) = job.last {
            let o = &mut out[rule(k0, m0)];
            if job.spent && t0 < cx.end {
                o.fail(prev, "the budget is spent but the job did not give up");
            } else if !job.spent && cx.power.resumed(c, t0 + timers(k0, m0).0) <= cx.end {
                o.fail(prev, "the next attempt after this failure never came");
            }
        }
    }
    out
}
