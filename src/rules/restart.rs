//! R25 after the installs: restarts. An install that needs a restart is followed at once by
//! its `restart_pending` line, and only such an install is. The restart is armed when the
//! post-install scan that ends the install job ends. If one of the updates waiting for it
//! belongs to a deployment whose deadline the client holds as passed, a restart countdown
//! runs (unless `restart_countdown` is 0): the user restarts before it ends, or the machine is forced to
//! restart exactly at its end (`forced`); `restart_final_warning` before the end a
//! `restart_warning` line shows, and a restart after that moment needs it. Without a
//! countdown the user restarts within `restart_window`. Restarts never interrupt a job
//! (`agent`): one that came due during a job comes when that job ends. The users' restarts
//! before the countdown's warning (or within the window) must look uniform on the window.
//! A restart is followed at once by a post-install scan, and none is missing at the end.
//! A user's restart that came due while they were away from a machine left on comes at
//! their return (`user_back`), still before the countdown's end.

use super::agent::Jobs;
use super::held::Held;
use super::install::past_deadline;
use super::trace::Line;
use super::{Ctx, Outcome, stats};
use std::collections::{BTreeMap, BTreeSet};

/// A client's armed restart.
struct Armed<'a> {
    /// When the post-install scan that armed it ended.
    at: u64,
    /// A restart countdown runs.
    countdown: bool,
    /// The countdown's final warning showed.
    warned: bool,
    /// Windows hold the restart: when the window restarts the machine (`windows.rs`).
    window: Option<u64>,
    line: &'a Line,
}

/// The restart checks of R25, into `o`.
pub(super) fn check(
    lines: &[Line],
    cx: &Ctx,
    containing: &BTreeMap<&str, Vec<&str>>,
    o: &mut Outcome,
) {
    let s = cx.settings;
    let window = s.restart_window.0.ms();
    let (end_of, warn) = (s.restart_countdown.0.ms(), s.restart_final_warning.0.ms());
    let end = stats::run_end(lines);
    let mut held = Held::default();
    let (mut jobs, mut scratch) = (Jobs::default(), Outcome::new("AGENT"));
    // client → updates installed and waiting for a restart
    let mut pending: BTreeMap<u64, BTreeSet<&str>> = BTreeMap::new();
    let mut armed: BTreeMap<u64, Armed> = BTreeMap::new();
    let mut draws = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        held.observe(l);
        let c = l.client();
        // A line of `kind` of this client follows at the same time (for `update`, if given).
        let follows = |kind: &str, update: Option<&str>| {
            lines[i + 1..].iter().take_while(|m| m.t == l.t).any(|m| {
                m.kind == kind
                    && m.client == l.client
                    && update.is_none_or(|u| m.update() == u)
                    && (kind != "scan_start" || m.reason() == "post_install")
            })
        };
        match (l.kind.as_str(), l.reason()) {
            ("install_done", _)
                if l.restart == Some(true) && !follows("restart_pending", Some(l.update())) =>
            {
                o.fail(
                    l,
                    "an install that needs a restart without its restart_pending",
                );
            }
            ("restart_pending", _) => {
                let after = lines[..i].iter().rev().take_while(|m| m.t == l.t).any(|m| {
                    m.kind == "install_done"
                        && m.client == l.client
                        && m.update == l.update
                        && m.restart == Some(true)
                });
                if !after {
                    o.fail(l, "restart_pending without an install that needs a restart");
                }
                pending.entry(c).or_default().insert(l.update());
            }
            ("scan_done", "post_install") if !armed.contains_key(&c) => {
                let Some(waiting) = pending.get(&c).filter(|p| !p.is_empty()) else {
                    continue;
                };
                let countdown = end_of > 0
                    && waiting
                        .iter()
                        .any(|u| past_deadline(&held, cx, containing, (c, u, l.t), false));
                let window = cx
                    .windows
                    .restart_due(&held, c, waiting.iter().copied(), l.t);
                armed.insert(
                    c,
                    Armed {
                        at: l.t,
                        countdown: countdown && window.is_none(),
                        warned: false,
                        window,
                        line: l,
                    },
                );
            }
            ("restart_warning", _) => {
                o.checked += 1;
                match armed.get_mut(&c) {
                    Some(a) if a.countdown && warn > 0 && l.t == a.at + end_of - warn => {
                        a.warned = true;
                        if l.restart_at != Some(a.at + end_of) {
                            o.fail(l, &format!("restart_at is not the countdown's end, {} ms", a.at + end_of));
                        }
                    }
                    _ => o.fail(
                        l,
                        &format!("a final warning not {warn} ms before the end of a restart countdown ({end_of} ms)"),
                    ),
                }
            }
            ("restart", _) => {
                o.checked += 1;
                if !follows("scan_start", None) {
                    o.fail(l, "a restart not followed at once by a post-install scan");
                }
                let waiting = pending.remove(&c).unwrap_or_default();
                let Some(a) = armed.remove(&c) else {
                    o.fail(l, "a restart with no installed update waiting for one");
                    continue;
                };
                // Switched off meanwhile: the boot is the restart, at start-up.
                if cx.power.off_during(c, a.at, l.t) {
                    if !cx.power.started_at(c, l.t) || l.forced == Some(true) {
                        o.fail(
                            l,
                            "the machine was off since the install: its restart is the start-up",
                        );
                    }
                    continue;
                }
                // Windows held the restart back when it came due (a deadline the client
                // holds moved later since the install): a deadline that allows restarts
                // outside them releases it as it passes, or the next window does.
                let released = |u: &&str| {
                    cx.windows.allows(&held, c, u, l.t, true)
                        && !cx.windows.allows(&held, c, u, l.t - 1, true)
                };
                let held_back = !cx
                    .windows
                    .restart_allowed(&held, c, waiting.iter().copied(), l.t);
                if l.forced != Some(true)
                    && cx.windows.restricts(c)
                    && (waiting.iter().any(released) || held_back && cx.windows.opens_at(c, l.t))
                {
                    continue;
                }
                if let Some(due) = a.window {
                    let queued = jobs.may_start(c, due, l.t);
                    let later = l.t > due && cx.windows.opens_at(c, l.t);
                    if l.forced == Some(true) || !(l.t == due || queued || later) {
                        o.fail(
                            l,
                            &format!("windows hold this restart: expected it when the window restarts the machine, at {due} ms"),
                        );
                    }
                    continue;
                }
                // The user away meanwhile (`user_away`): a restart of theirs that came due
                // then comes at their return (or when the job running then ends), before the
                // countdown forces it.
                let back = cx.user.started_before(c, l.t).filter(|&b| b > a.at);
                if l.forced != Some(true)
                    && back.is_some_and(|b| b == l.t || jobs.may_start(c, b, l.t))
                    && cx.user.off_during(c, a.at, l.t)
                {
                    if a.countdown && l.t >= a.at + end_of {
                        o.fail(
                            l,
                            &format!(
                                "the user's restart after the countdown's end, {} ms",
                                a.at + end_of
                            ),
                        );
                    }
                    continue;
                }
                // Away at some moment of the users' window: the restarts seen are not a fair
                // sample of the draws.
                let limit = if a.countdown { end_of } else { window };
                let fair = !cx.user.off_during(c, a.at, a.at.saturating_add(limit));
                let draws = if fair { &mut draws } else { &mut Vec::new() };
                restarted(l, &a, (window, end_of, warn, end), &jobs, draws, o);
            }
            _ => {}
        }
        jobs.observe(l, &mut scratch);
    }
    for (c, a) in armed {
        let limit = if a.countdown { end_of } else { window };
        let due = a.window.unwrap_or(a.at.saturating_add(limit));
        // A countdown forces the restart whether its user is there or not.
        let absent = match a.countdown {
            true => &cx.power,
            false => &cx.user,
        };
        // Allowed outside windows when it was armed, held back by them now (a deadline
        // the client holds moved later): the next window or deadline restarts it.
        let waiting = pending.get(&c).into_iter().flatten().copied();
        let held_back = a.window.is_none()
            && cx.windows.restricts(c)
            && !cx.windows.restart_allowed(&held, c, waiting, end);
        if due <= end && !jobs.busy(c) && !absent.off_during(c, a.at, end) && !held_back {
            o.fail(
                a.line,
                &format!("no restart by {due} ms after this post-install scan"),
            );
        }
    }
    let n = draws.len();
    if let Some(ks) = stats::not_uniform(draws) {
        o.violations
            .push(stats::message("restart delays", n, window, ks));
    }
}

/// Judges the restart `l` armed by `a`, given (`restart_window`, `restart_countdown`,
/// `restart_final_warning`, end of the run); a user's restart before the warning (or within
/// the window) is a draw for the uniformity test, scaled to what the run could show of it.
fn restarted(
    l: &Line,
    a: &Armed,
    (window, end_of, warn, end): (u64, u64, u64, u64),
    jobs: &Jobs,
    draws: &mut Vec<f64>,
    o: &mut Outcome,
) {
    let delay = l.t - a.at;
    // Held back by a job running when it came due (at the latest at `due`).
    let queued = |due: u64| {
        jobs.last_run(l.client())
            .is_some_and(|(from, to)| to == l.t && from < a.at + due)
    };
    let users = if a.countdown {
        window.min(end_of - warn)
    } else {
        window
    };
    if l.forced == Some(true) {
        if !a.countdown {
            o.fail(
                l,
                "a forced restart with no install past its deadline waiting",
            );
        } else if delay != end_of && !queued(end_of) {
            o.fail(l, &format!("forced {delay} ms after the post-install scan; restart_countdown is {end_of} ms"));
        } else if warn > 0 && !a.warned {
            o.fail(l, "a forced restart without the countdown's final warning");
        }
    } else if delay < users {
        draws.push(delay as f64 / users.min(end.saturating_sub(a.at).saturating_add(1)) as f64);
    } else if a.countdown && delay < end_of && a.warned {
        // The user restarted during the final warning.
    } else if !queued(if a.countdown { end_of } else { window }) {
        let what = if a.countdown {
            format!("restart_countdown is {end_of} ms, its final warning {warn} ms")
        } else {
            format!("restart_window is {window} ms")
        };
        o.fail(
            l,
            &format!("a restart {delay} ms after the post-install scan; {what}"),
        );
    }
}
