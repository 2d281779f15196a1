//! R25: installs. When a deadline the client holds passes (or its user starts the updates,
//! R24), a pre-install scan confirms what is still required, the cache is checked, the
//! updates install one after another (`install_duration` each), and a post-install scan
//! confirms them. The steps follow each other at once: an install starts when the
//! pre-install scan or the install before it ends, the post-install scan when the last
//! install ends, or a restart (`restart.rs`) that reports the update installed.

use super::agent::Jobs;
use super::held::Held;
use super::trace::Line;
use super::{Ctx, Outcome};
use std::collections::{BTreeMap, BTreeSet};

/// Where a client's install job stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Idle,
    /// The pre-install scan (or an install) ended at this time: an install may start now.
    Ready(u64),
}

/// R25.
pub(super) fn r25(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R25");
    super::activation::check(lines, cx, &mut o);
    at_deadline(lines, cx, &mut o);
    let duration = cx.settings.install_duration.0.ms();
    // update → deployments containing it, from the scenario
    let mut containing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for d in cx.scenario.map_or(&[][..], |s| &s.deployments) {
        for u in &d.updates {
            containing
                .entry(u.as_str())
                .or_default()
                .push(d.id.as_str());
        }
    }
    super::restart::check(lines, cx, &containing, &mut o);
    let mut held = Held::default();
    let mut user: BTreeSet<u64> = BTreeSet::new();
    let mut step: BTreeMap<u64, Step> = BTreeMap::new();
    let mut started: BTreeMap<u64, u64> = BTreeMap::new();
    let mut restarted: BTreeMap<u64, u64> = BTreeMap::new();
    for l in lines {
        held.observe(l);
        let c = l.client();
        let ready = |step: &BTreeMap<u64, Step>| step.get(&c) == Some(&Step::Ready(l.t));
        match (l.kind.as_str(), l.reason()) {
            ("user_install", _) => {
                user.insert(c);
            }
            ("scan_done", "pre_install") => {
                step.insert(c, Step::Ready(l.t));
            }
            ("install_start", _) => {
                o.checked += 1;
                if !ready(&step) {
                    o.fail(
                        l,
                        "an install not right after its pre-install scan or the install before it",
                    );
                }
                if !past_deadline(&held, cx, &containing, (c, l.update(), l.t), true)
                    && !user.contains(&c)
                {
                    o.fail(
                        l,
                        "install before a deadline the client holds passed, without the user starting it",
                    );
                }
                started.insert(c, l.t);
                step.insert(c, Step::Idle);
            }
            ("install_done", _) => {
                if let Some(s) = started.remove(&c)
                    && l.t - s != duration
                {
                    o.fail(
                        l,
                        &format!(
                            "the install took {} ms; install_duration is {duration} ms",
                            l.t - s
                        ),
                    );
                }
                step.insert(c, Step::Ready(l.t));
            }
            ("scan_start", "post_install") => {
                if !ready(&step) && restarted.get(&c) != Some(&l.t) {
                    o.fail(
                        l,
                        "a post-install scan neither right after installs nor after a restart",
                    );
                }
                step.insert(c, Step::Idle);
            }
            ("scan_start", _) => {
                step.insert(c, Step::Idle);
            }
            ("restart", _) => {
                restarted.insert(c, l.t);
            }
            _ => {}
        }
    }
    o
}

/// Whether client `c` holds, at `t`, a passed deadline of a deployment containing `update`
/// (of any deployment it holds, without the scenario's list). With `activated`, a
/// randomized deadline counts from the client's activation: what makes a deadline install
/// due (R25); without, from the deadline itself (what windows and restarts read).
pub(super) fn past_deadline(
    held: &Held,
    cx: &Ctx,
    containing: &BTreeMap<&str, Vec<&str>>,
    (c, update, t): (u64, &str, u64),
    activated: bool,
) -> bool {
    let passed = |d: &str| {
        held.get(c, d).flatten().is_some_and(|at| {
            let due = if activated {
                cx.activations.at(c, d, at)
            } else {
                at
            };
            due <= t
        })
    };
    match containing.get(update) {
        Some(ds) => ds.iter().any(|d| passed(d)),
        None if cx.scenario.is_some() => false,
        None => held.of(c).any(|(d, _)| passed(d)),
    }
}

/// Per client, the updates it installed.
type Installed<'a> = BTreeMap<u64, BTreeSet<&'a str>>;

/// A deadline install a client owes (R25): announced by notification `n` up to `deadline`,
/// due from `from` on, in a window that fits then or at the next one (`windows.rs`).
struct Owed<'a> {
    deadline: u64,
    /// The client's activation of the deadline (deadline randomization, `activation.rs`),
    /// the retry of its failed pre-install scan (`scans.rs`), or the end of a run of jobs
    /// that kept the agent busy when it came due.
    from: u64,
    n: &'a Line,
}

/// When client `c` may install for deployment `d` owed since `at`: a range, judged on the
/// updates of `d` it has not `installed` and the deadlines it `held` (`windows.rs`).
fn due(
    cx: &Ctx,
    (installed, held): (&Installed, &Held),
    c: u64,
    d: &str,
    at: u64,
) -> Option<(u64, u64)> {
    let done = installed.get(&c);
    let acts = |d: &str, deadline: u64| cx.activations.at(c, d, deadline);
    cx.windows.due(
        &cx.power,
        (c, d, at),
        |u| done.is_some_and(|s| s.contains(u)),
        |u| cx.windows.outside_from(held, c, u, acts),
    )
}

/// A client notified up to its deadline (its last notification's next one would come at or
/// after the deadline, so it had a mandatory update left, R22) and that installed nothing
/// since, installs when the deadline passes: its pre-install scan starts at the deadline (at
/// its activation, with deadline randomization), or when the job running then ends, or an
/// install job under way at the deadline takes it. On a machine with windows it starts at
/// the first moment inside a window that fits; a job queued behind a busy agent is judged
/// again when the run ends: a window that grew too short meanwhile makes it wait for the
/// next one that fits, as a windowless client's queued install starts then (R25, WINDOWS).
fn at_deadline(lines: &[Line], cx: &Ctx, o: &mut Outcome) {
    let (mut jobs, mut scratch) = (Jobs::default(), Outcome::new("AGENT"));
    // client → deadline installs it owes
    let mut owed: BTreeMap<u64, Vec<Owed>> = BTreeMap::new();
    let mut job_since: BTreeMap<u64, u64> = BTreeMap::new(); // client → install job start
    let mut installed: Installed = BTreeMap::new();
    // client → deadlines its running pre-install scan took: owed again at its retry if it
    // fails (`scans.rs`)
    let mut taken: BTreeMap<u64, Vec<Owed>> = BTreeMap::new();
    let mut held = Held::default();
    for (i, l) in lines.iter().enumerate() {
        let c = l.client();
        held.observe(l);
        let held = &held;
        let due = |installed: &Installed, w: &Owed| {
            due(cx, (installed, held), c, w.n.deployment(), w.from)
        };
        match (l.kind.as_str(), l.reason()) {
            ("policy_received", _) if l.policy.as_deref() == Some("deployment") => {
                // A new policy version before the deadline: the client now holds the
                // deadline in force (R17), and owes the old one only if it is unchanged.
                // A deadline that passed while the client waited (for a window, say) is
                // dropped too when the new version moves it into the future.
                if let Some(list) = owed.get_mut(&c) {
                    list.retain(|w| {
                        let now = held.get(c, w.n.deployment()).flatten();
                        now == Some(w.deadline) || w.deadline <= l.t && now.is_none_or(|h| h <= l.t)
                    });
                }
            }
            ("notification", _) => {
                let left = l.deadline_in.unwrap_or(0);
                if super::notify::interval(cx, left) >= left {
                    o.checked += 1;
                    let deadline = l.t + left;
                    let from = cx.activations.at(c, l.deployment(), deadline);
                    owed.entry(c).or_default().push(Owed {
                        deadline,
                        from,
                        n: l,
                    });
                }
            }
            ("install_done", _) => {
                installed.entry(c).or_default().insert(l.update());
                // The user's install settles it (R24): no install at the deadline then.
                if let Some(list) = owed.get_mut(&c) {
                    list.retain(|w| w.n.t >= l.t);
                }
            }
            ("scan_start", "pre_install") => {
                job_since.entry(c).or_insert(l.t);
                let took = taken.entry(c).or_default();
                took.clear();
                for w in owed.get_mut(&c).map(std::mem::take).unwrap_or_default() {
                    // When it may install: on, and inside a window that fits (`windows.rs`),
                    // from its activation (deadline randomization, `activation.rs`).
                    let due = due(&installed, &w);
                    if due.is_none_or(|(first, _)| first > l.t) {
                        owed.entry(c).or_default().push(w);
                        continue;
                    }
                    let (d, n) = (w.deadline, w.n);
                    if cx.spread(n.deployment()) > 0 && !cx.activations.has(c, n.deployment(), d) {
                        o.fail(
                            l,
                            &format!(
                                "deadline_randomization is on, but the deadline at {d} ms has \
                                 no deadline_activation for this client"
                            ),
                        );
                    }
                    if due.is_some_and(|(first, last)| {
                        l.t > last && l.t != first && !jobs.may_start(c, last, l.t)
                    }) {
                        o.fail(
                            l,
                            &format!("the install for the deadline at {d} ms (notification of line {}) starts late", n.line),
                        );
                    }
                    took.push(w);
                }
            }
            ("scan_failed", _) if l.scan.as_deref() == Some("pre_install") => {
                job_since.remove(&c);
                let took = taken.remove(&c).unwrap_or_default();
                // Owed again at the retry, if it came (`scans.rs`).
                if let Some(r) = cx.retries.came(i) {
                    owed.entry(c)
                        .or_default()
                        .extend(took.into_iter().map(|w| Owed { from: r, ..w }));
                }
            }
            ("scan_done", "post_install") => {
                if let (Some(from), Some(list)) = (job_since.remove(&c), owed.get_mut(&c)) {
                    // Settled: deadlines passed during this job, or while the machine was
                    // off (installed after its start-up).
                    list.retain(|w| {
                        let due = due(&installed, w).map_or(u64::MAX, |(first, _)| first);
                        !(due <= l.t && ((from..=l.t).contains(&w.from) || due != w.from))
                    });
                }
            }
            _ => {}
        }
        jobs.observe(l, &mut scratch);
        // The run of jobs ends here: what came due during it may start now, if it still
        // may (a window can have grown too short for it meanwhile).
        if let Some((start, _)) = jobs
            .last_run(c)
            .filter(|&(_, end)| l.client.is_some() && end == l.t && !jobs.busy(c))
        {
            for w in owed.get_mut(&c).into_iter().flatten() {
                if due(&installed, w).is_some_and(|(first, _)| (start..l.t).contains(&first)) {
                    w.from = l.t;
                }
            }
        }
    }
    for (c, list) in owed {
        for w in list {
            let due = due(cx, (&installed, &held), c, w.n.deployment(), w.from);
            if due.is_some_and(|(_, last)| last <= cx.end) && !jobs.busy(c) {
                o.fail(
                    w.n,
                    &format!(
                        "notified up to its deadline at {} ms, the client never installed",
                        w.deadline
                    ),
                );
            }
        }
    }
}
