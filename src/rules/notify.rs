//! What users see and do: deadline notifications (R22), hidden deployments (R23) and the
//! install dialogs (R24). Deadlines are the ones each client holds (`held`), never the
//! notification's own `deadline_in`.

use super::held::Held;
use super::trace::Line;
use super::{Ctx, Outcome, stats};
use std::collections::BTreeMap;

/// R22's interval after a notification shown `left` ms before the deadline: far over
/// `notify_near_threshold` (24 h), near over `notify_imminent_threshold` (1 h), imminent
/// under it.
pub(super) fn interval(cx: &Ctx, left: u64) -> u64 {
    let s = cx.settings;
    if left > s.notify_near_threshold.0.ms() {
        s.notify_far_interval.0.ms()
    } else if left > s.notify_imminent_threshold.0.ms() {
        s.notify_near_interval.0.ms()
    } else {
        s.notify_imminent_interval.0.ms()
    }
}

/// R22: each notification counts down to a deadline the client holds (`deadline_in` equals
/// that deadline minus now, and is positive), and the next one follows after the interval
/// for the previous one's distance to the deadline. Notifications stop only "when all
/// mandatory updates are installed" or the deadline has passed, so a stop needs an install
/// of that client since the last notification. Each evaluation scan of new policy starts
/// them afresh: a client with reminders running shows one at the scan's end, whatever the
/// interval, and counts down to the deadlines it now holds (so a deadline moved earlier is
/// announced when the client learns of it).
pub(super) fn r22(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R22");
    let mut held = Held::default();
    // client → the last notification: (t, deadline_in, line)
    let mut last: BTreeMap<u64, (u64, u64, &Line)> = BTreeMap::new();
    let mut evaluated: BTreeMap<u64, u64> = BTreeMap::new(); // client → last evaluation end
    // client → the evaluation scan after which a fresh reminder is owed
    let mut owed: BTreeMap<u64, &Line> = BTreeMap::new();
    // client → the end of its first install since its last notification
    let mut installed: BTreeMap<u64, u64> = BTreeMap::new();
    let mut away = Away::default();
    // A stop after the notification `l` (at t0, left0 before the deadline) is justified
    // when the next one was due after the deadline, the client installed since, or the
    // machine was switched off (its start-up starts them afresh).
    // A deadline the client held in between counts too: one moved earlier and passed, then
    // later again, stopped them as it passed.
    let stopped = |l: &Line,
                   t0: u64,
                   left0: u64,
                   installed: &BTreeMap<u64, u64>,
                   held: &Held,
                   since: &Since| {
        let due = t0 + interval(cx, left0);
        let held_then = since.get(&l.client()).is_some_and(|v| {
            v.iter().any(|&(t, d, at)| {
                t > t0 && t <= due && d == l.deployment() && at.is_some_and(|at| at <= due)
            })
        });
        let passed = t0 + left0 <= due
            || held_then
            || cx.user.off_during(l.client(), t0, due.saturating_add(1))
            || held
                .get(l.client(), l.deployment())
                .flatten()
                .is_some_and(|d| d <= due);
        passed
            || installed
                .get(&l.client())
                .is_some_and(|&i| i >= t0 && i <= due)
    };
    let mut since: Since = BTreeMap::new();
    for l in lines {
        away.observe(l);
        if let Some(bad) = held.observe(l) {
            o.fail(bad, "a deployment policy line that does not name its deployments, or names one whose policy is not out");
        }
        if l.kind == "policy_received" && l.policy.as_deref() == Some("deployment") {
            let list = since.entry(l.client()).or_default();
            list.extend(held.of(l.client()).map(|(d, at)| (l.t, d, at)));
        }
        let c = l.client();
        if let Some(scan) = owed.get(&c).copied()
            && l.t > scan.t
        {
            o.fail(
                scan,
                "reminders were running, but none restarted after this evaluation of new policy",
            );
            owed.remove(&c);
        }
        match l.kind.as_str() {
            "scan_done" if l.reason() == "evaluation" => {
                evaluated.insert(c, l.t);
                // Reminders running: the client still holds a deadline ahead for the
                // deployment of its last reminder, and has installed nothing since.
                if let Some(&(_, _, prev)) = last.get(&c)
                    && held
                        .get(c, prev.deployment())
                        .flatten()
                        .is_some_and(|d| d > l.t)
                    && !installed.contains_key(&c)
                    // A machine switching off as the scan ends reminds at its start-up.
                    && !cx.user.off_during(c, l.t, l.t + 1)
                {
                    owed.insert(c, l);
                }
            }
            "install_done" => {
                installed.entry(c).or_insert(l.t);
            }
            "notification" => {
                o.checked += 1;
                away.check(l, &mut o);
                let left = l.deadline_in.unwrap_or(0);
                match held.get(c, l.deployment()) {
                    None => o.fail(
                        l,
                        &format!(
                            "a notification for {}, whose policy the client has not received",
                            l.deployment()
                        ),
                    ),
                    Some(None) => o.fail(
                        l,
                        &format!(
                            "a notification for {}, which has no deadline on this client",
                            l.deployment()
                        ),
                    ),
                    Some(Some(d)) if d <= l.t => o.fail(
                        l,
                        &format!("a notification at or after the client's deadline ({d} ms)"),
                    ),
                    Some(Some(d)) if left != d - l.t => o.fail(
                        l,
                        &format!(
                            "deadline_in {left} ms, but the client's deadline is {} ms away",
                            d - l.t
                        ),
                    ),
                    Some(Some(_)) => {}
                }
                let fresh = evaluated.get(&c) == Some(&l.t) || cx.user.started_at(c, l.t);
                if fresh {
                    owed.remove(&c);
                }
                if let Some(&(t0, left0, prev)) = last.get(&c) {
                    let (gap, every) = (l.t - t0, interval(cx, left0));
                    if gap != every && !fresh {
                        o.fail(
                            l,
                            &format!("{gap} ms after the previous notification; {left0} ms before the deadline the interval is {every} ms"),
                        );
                    } else if fresh
                        && gap > every
                        && !stopped(prev, t0, left0, &installed, &held, &since)
                    {
                        o.fail(
                            prev,
                            "notifications stopped here, with the deadline ahead and nothing installed",
                        );
                    }
                }
                last.insert(c, (l.t, left, l));
                installed.remove(&c);
            }
            _ => {}
        }
    }
    for scan in owed.values() {
        o.fail(
            scan,
            "reminders were running, but none restarted after this evaluation of new policy",
        );
    }
    for &(t0, left0, l) in last.values() {
        if t0 + interval(cx, left0) <= cx.end && !stopped(l, t0, left0, &installed, &held, &since) {
            o.fail(
                l,
                "notifications stopped here, with the deadline ahead and nothing installed",
            );
        }
    }
    o
}

/// R23: with deployments hidden, users see no notification and open no install dialog, and
/// only mandatory deployments can be made.
pub(super) fn r23(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R23");
    if !cx.settings.hide_deployments {
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

/// R24: users open an install dialog only after the client recorded a deployment (its
/// evaluation scan), within `user_act_window` of it; the Express/Advanced dialog, which
/// installs mandatory updates, only while a deadline the client holds is still ahead. Users
/// act at a uniformly random time within the window, or before the deadline if that comes
/// first: where the client holds one deployment, recorded at its one evaluation scan, the
/// delays scaled to that limit must look uniform.
pub(super) fn r24(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R24");
    let window = cx.settings.user_act_window.0.ms();
    let end = super::stats::run_end(lines);
    let mut held = Held::default();
    let mut evaluated: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    let mut draws = Vec::new();
    let mut away = Away::default();
    // client → times it received a deployment policy: a new version re-evaluates the client
    // and its dialog, so a draw still pending then leaves no line (censoring).
    let mut received: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for l in lines {
        if l.kind == "policy_received" && l.policy.as_deref() == Some("deployment") {
            received.entry(l.client()).or_default().push(l.t);
        }
    }
    for l in lines {
        held.observe(l);
        away.observe(l);
        let c = l.client();
        match l.kind.as_str() {
            "scan_done" if l.reason() == "evaluation" => {
                evaluated.entry(c).or_default().push(l.t);
            }
            "user_install" => {
                o.checked += 1;
                away.check(l, &mut o);
                let scans = evaluated.get(&c).map_or(&[][..], Vec::as_slice);
                if scans.is_empty() {
                    o.fail(
                        l,
                        "a user installs before the client recorded any deployment",
                    );
                } else if !scans.iter().any(|&e| {
                    // A user whose machine was off when they would have acted acts at its
                    // start-up.
                    l.t - e < window
                        || cx.user.started_at(c, l.t) && cx.user.off_during(c, e, e + window)
                }) {
                    o.fail(
                        l,
                        &format!("a user acts more than user_act_window ({window} ms) after every evaluation scan"),
                    );
                }
                let holds: Vec<_> = held.of(c).collect();
                if let ([(_, deadline)], [e]) = (&holds[..], scans) {
                    let limit = deadline.map_or(window, |d| d.saturating_sub(*e).min(window));
                    // Off at some moment of the limit: the act may have moved to a start-up,
                    // so its delay says nothing of the draw (left out, whatever it is).
                    let moved = cx.user.off_during(c, *e, e + limit);
                    if moved {
                    } else if l.t - e >= limit {
                        o.fail(
                            l,
                            &format!("a user acts {} ms after the evaluation scan; the limit is {limit} ms (user_act_window or the deadline)", l.t - e),
                        );
                    } else {
                        // Acts drawn past the end of the run or the client's next policy
                        // version leave no line (censoring): the ones seen are uniform on
                        // what was left of the limit.
                        let next = received
                            .get(&c)
                            .and_then(|r| r.iter().find(|&&r| r > *e))
                            .map_or(end, |&r| r.min(end));
                        let seen = limit.min(next.saturating_sub(*e).saturating_add(1));
                        draws.push((l.t - e) as f64 / seen as f64);
                    }
                }
                let express = l.dialog.as_deref() == Some("express");
                if express && !held.of(c).any(|(_, d)| d.is_some_and(|d| d > l.t)) {
                    o.fail(
                        l,
                        "the Express dialog with no mandatory deployment before its deadline",
                    );
                }
            }
            _ => {}
        }
    }
    let n = draws.len();
    if let Some(ks) = stats::not_uniform(draws) {
        o.violations.push(stats::message(
            "user action delays (scaled to their limit)",
            n,
            window,
            ks,
        ));
    }
    o
}

/// Per client, the deadlines it held after each deployment policy it received: (received,
/// deployment, deadline).
type Since<'a> = BTreeMap<u64, Vec<(u64, &'a str, Option<u64>)>>;

/// The users gone home from machines left on, in file order (`user_away` … `user_back`):
/// nobody sees a notification or opens a dialog then.
#[derive(Default)]
struct Away(std::collections::BTreeSet<u64>);

impl Away {
    fn observe(&mut self, l: &Line) {
        match l.kind.as_str() {
            "user_away" => self.0.insert(l.client()),
            "user_back" => self.0.remove(&l.client()),
            _ => false,
        };
    }

    /// `l`, something a user sees or does, fails in `o` if its user is away.
    fn check(&self, l: &Line, o: &mut Outcome) {
        if self.0.contains(&l.client()) {
            o.fail(l, &format!("a {} while its user is away", l.kind));
        }
    }
}
