//! Checks of the deployment rules on a trace: R16–R23 and R25. They read trace lines and
//! parameters (and, for R25's deadlines, the scenario's deployments); never the model.

use super::Outcome;
use super::trace::Line;
use crate::scenario::{Scenario, Settings};
use std::collections::{BTreeMap, BTreeSet};

fn name(x: &Option<String>) -> &str {
    x.as_deref().unwrap_or("")
}

/// R16: content reaches a DP only after its deployment was created, and clients download a
/// deployment only from DPs that hold its content.
pub(super) fn r16(lines: &[Line]) -> Outcome {
    let mut o = Outcome::new("R16");
    let mut created: BTreeSet<&str> = BTreeSet::new();
    let mut on_dp: BTreeSet<(&str, &str)> = BTreeSet::new();
    for l in lines {
        match l.kind.as_str() {
            "deployment_created" => {
                created.insert(name(&l.deployment));
            }
            "content_on_dp" => {
                o.checked += 1;
                if !created.contains(name(&l.deployment)) {
                    o.fail(l, "content on a DP before the deployment was created");
                }
                on_dp.insert((name(&l.deployment), name(&l.dp)));
            }
            "download_start" => {
                o.checked += 1;
                if !on_dp.contains(&(name(&l.deployment), name(&l.dp))) {
                    o.fail(
                        l,
                        "download from a DP that does not hold the deployment's content",
                    );
                }
            }
            _ => {}
        }
    }
    o
}

/// R17: a client downloads a deployment only after its evaluation scan, and an optional
/// deployment only after the user started it (or it got a deadline).
pub(super) fn r17(lines: &[Line]) -> Outcome {
    let mut o = Outcome::new("R17");
    let mut mandatory: BTreeMap<&str, bool> = BTreeMap::new();
    let mut evaluated: BTreeSet<u64> = BTreeSet::new();
    let mut started: BTreeSet<u64> = BTreeSet::new();
    for l in lines {
        match l.kind.as_str() {
            "deployment_created" => {
                mandatory.insert(name(&l.deployment), l.mandatory.unwrap_or(false));
            }
            "deadline_changed" => {
                mandatory.insert(name(&l.deployment), true);
            }
            "scan_start" if l.reason.as_deref() == Some("evaluation") => {
                evaluated.insert(l.client());
            }
            "user_install" => {
                started.insert(l.client());
            }
            "download_start" => {
                o.checked += 1;
                if !evaluated.contains(&l.client()) {
                    o.fail(l, "download before the client's evaluation scan");
                }
                let must = mandatory.get(name(&l.deployment)).copied().unwrap_or(false);
                if !must && !started.contains(&l.client()) {
                    o.fail(
                        l,
                        "an optional deployment downloaded before the user started it",
                    );
                }
            }
            _ => {}
        }
    }
    o
}

/// R18: an update installs only after the client downloaded content into its cache.
pub(super) fn r18(lines: &[Line]) -> Outcome {
    let mut o = Outcome::new("R18");
    let mut cached: BTreeSet<u64> = BTreeSet::new();
    for l in lines {
        match l.kind.as_str() {
            "download_done" => {
                cached.insert(l.client());
            }
            "install_start" => {
                o.checked += 1;
                if !cached.contains(&l.client()) {
                    o.fail(l, "install before any download into the client's cache");
                }
            }
            _ => {}
        }
    }
    o
}

/// A run of failed attempts of one kind on one client.
struct Streak {
    first: u64,
    last: u64,
    manual: bool,
}

/// R19, R20, R21: failed attempts repeat every retry interval, and a client gives up only
/// once its budget is spent — never earlier, and never retries after it.
pub(super) fn retries(lines: &[Line], s: &Settings) -> [Outcome; 3] {
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
    let rule = |kind: usize, manual: bool| if manual { 2 } else { kind };
    let mut streaks: BTreeMap<(u64, usize), Streak> = BTreeMap::new();
    // (client, deployment) the client gave up on: for good (a job for other deployments
    // may start after).
    let mut gave_up: BTreeSet<(u64, &str)> = BTreeSet::new();
    for l in lines {
        let c = l.client();
        let kind = match l.kind.as_str() {
            "location_failed" => 0,
            "dp_connect_failed" => 1,
            "download_start" => {
                streaks.retain(|&(k, _), _| k != c);
                continue;
            }
            "download_gave_up" => {
                let kind = usize::from(l.reason.as_deref() == Some("dp_connect"));
                let manual = l.reason.as_deref() == Some("manual");
                let streak = streaks
                    .remove(&(c, kind))
                    .or_else(|| streaks.remove(&(c, 1 - kind)));
                let o = &mut out[rule(kind, manual)];
                o.checked += 1;
                let Some(st) = streak else {
                    o.fail(l, "gave up without a failed attempt");
                    continue;
                };
                let (interval, budget) = timers(kind, st.manual);
                let tried = l.t - st.first;
                if tried > budget || tried + interval <= budget {
                    o.fail(
                        l,
                        &format!("gave up after {tried} ms of retries; the budget is {budget} ms"),
                    );
                }
                for d in l.deployments.iter().flatten() {
                    gave_up.insert((c, d.as_str()));
                }
                continue;
            }
            _ => continue,
        };
        let manual = l.manual.unwrap_or(false);
        let (interval, budget) = timers(kind, manual);
        let o = &mut out[rule(kind, manual)];
        if l.deployments
            .iter()
            .flatten()
            .any(|d| gave_up.contains(&(c, d.as_str())))
        {
            o.fail(l, "a retry for a deployment the client gave up on");
        }
        match streaks.get_mut(&(c, kind)) {
            Some(st) => {
                o.checked += 1;
                if (l.t - st.last) % interval != 0 {
                    o.fail(
                        l,
                        &format!(
                            "retried {} ms after the last attempt; the interval is {interval} ms",
                            l.t - st.last
                        ),
                    );
                }
                if l.t - st.first > budget {
                    o.fail(
                        l,
                        &format!(
                            "still trying {} ms after the first failure; the budget is {budget} ms",
                            l.t - st.first
                        ),
                    );
                }
                st.last = l.t;
            }
            None => {
                streaks.insert(
                    (c, kind),
                    Streak {
                        first: l.t,
                        last: l.t,
                        manual,
                    },
                );
            }
        }
    }
    out
}

/// R22: the gap after each notification follows the distance to the deadline then: 3 h over
/// 24 h, 1 h under 24 h, 15 min under 1 h; none at or after the deadline.
pub(super) fn r22(lines: &[Line], s: &Settings) -> Outcome {
    let mut o = Outcome::new("R22");
    let (day, hour) = (24 * 3_600_000, 3_600_000);
    let mut last: BTreeMap<u64, (u64, u64)> = BTreeMap::new(); // client → (t, deadline)
    for l in lines.iter().filter(|l| l.kind == "notification") {
        let left = l.deadline_in.unwrap_or(0);
        if left == 0 {
            o.fail(l, "a notification at or after the deadline");
        }
        let deadline = l.t + left;
        if let Some(&(t0, d0)) = last.get(&l.client())
            && d0 == deadline
        {
            o.checked += 1;
            let before = d0 - t0;
            let expect = if before > day {
                s.notify_far_interval
            } else if before > hour {
                s.notify_near_interval
            } else {
                s.notify_imminent_interval
            };
            if l.t - t0 != expect.0.ms() {
                o.fail(l, &format!("{} ms after the previous notification; {} ms before the deadline the interval is {} ms", l.t - t0, before, expect.0.ms()));
            }
        }
        last.insert(l.client(), (l.t, deadline));
    }
    o
}

/// R23: with deployments hidden, users see no notification and open no install dialog.
pub(super) fn r23(lines: &[Line], s: &Settings) -> Outcome {
    let mut o = Outcome::new("R23");
    if !s.hide_deployments {
        return o;
    }
    for l in lines {
        if l.kind == "deployment_created" {
            o.checked += 1;
            if l.mandatory == Some(false) {
                o.fail(l, "an optional deployment while deployments are hidden");
            }
        }
        if matches!(l.kind.as_str(), "notification" | "user_install") {
            o.fail(l, "shown to a user while deployments are hidden");
        }
    }
    o
}

/// R25: an install follows a pre-install scan at or after a deadline (or a user's start),
/// and the installs of a run are followed by a post-install scan.
pub(super) fn r25(lines: &[Line], scenario: Option<&Scenario>) -> Outcome {
    let mut o = Outcome::new("R25");
    // update → deployments containing it, from the scenario; deployment → deadline, from the trace
    let mut containing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for d in scenario.map_or(&[][..], |s| &s.deployments) {
        for u in &d.updates {
            containing
                .entry(u.as_str())
                .or_default()
                .push(d.id.as_str());
        }
    }
    let mut deadline: BTreeMap<&str, u64> = BTreeMap::new();
    let mut pre: BTreeSet<u64> = BTreeSet::new();
    let mut user: BTreeSet<u64> = BTreeSet::new();
    let mut installing: BTreeMap<u64, &Line> = BTreeMap::new();
    for l in lines {
        let c = l.client();
        match l.kind.as_str() {
            "deployment_created" | "deadline_changed" => {
                if let Some(t) = l.deadline {
                    deadline.insert(name(&l.deployment), t);
                }
            }
            "user_install" => {
                user.insert(c);
            }
            "scan_start" if l.reason.as_deref() == Some("pre_install") => {
                pre.insert(c);
            }
            "scan_start" if installing.contains_key(&c) => {
                installing.remove(&c);
                if l.reason.as_deref() != Some("post_install") {
                    o.fail(l, "the scan after an install must be the post-install scan");
                }
            }
            "install_start" => {
                o.checked += 1;
                if !pre.contains(&c) {
                    o.fail(l, "install without a pre-install scan");
                }
                let due = containing.get(name(&l.update)).is_none_or(|ds| {
                    ds.iter()
                        .any(|d| deadline.get(d).is_some_and(|&t| t <= l.t))
                });
                if !due && !user.contains(&c) {
                    o.fail(
                        l,
                        "install before the deadline without the user starting it",
                    );
                }
                installing.insert(c, l);
            }
            _ => {}
        }
    }
    for l in installing.values() {
        o.fail(l, "no post-install scan followed the installs");
    }
    o
}

/// R24: users open an install dialog only after the client recorded the deployment (its
/// evaluation scan), and the Express/Advanced dialog, which installs mandatory updates, only
/// while a mandatory deployment's deadline is still ahead.
pub(super) fn r24(lines: &[Line]) -> Outcome {
    let mut o = Outcome::new("R24");
    let mut evaluated: BTreeSet<u64> = BTreeSet::new();
    let mut deadlines: BTreeMap<&str, u64> = BTreeMap::new();
    for l in lines {
        match l.kind.as_str() {
            "deployment_created" | "deadline_changed" => {
                if let Some(t) = l.deadline {
                    deadlines.insert(name(&l.deployment), t);
                }
            }
            "scan_done" if l.reason.as_deref() == Some("evaluation") => {
                evaluated.insert(l.client());
            }
            "user_install" => {
                o.checked += 1;
                if !evaluated.contains(&l.client()) {
                    o.fail(
                        l,
                        "a user installs before the client recorded any deployment",
                    );
                }
                let express = l.dialog.as_deref() == Some("express");
                if express && !deadlines.values().any(|&d| d > l.t) {
                    o.fail(
                        l,
                        "the Express dialog with no mandatory deployment before its deadline",
                    );
                }
            }
            _ => {}
        }
    }
    o
}
