//! One job at a time (outcome `AGENT`). A client's scans (R11) and installs (R25) are jobs of
//! the Windows Update Agent, which runs one at a time: no scan or install starts while
//! another runs, and a restart (R25) never interrupts one. A job that comes due while the
//! agent is busy waits and starts when the running job ends, at the time of the line that
//! ends it. Downloads (R18) are the content transfer service's (BITS), beside the agent: they
//! may overlap scans, but a client runs one download at a time.
//!
//! `AGENT` checks the exclusivity: jobs never overlap, each end closes the job that runs
//! (same reason, same update), no update installs twice on a client, nothing else runs
//! between an install job's installs and its post-install scan. The order inside an install
//! job (pre-install scan, installs, post-install scan) is R25's; the times at which queued
//! jobs start are R10's and R17's, through [`Jobs::may_start`].

use super::trace::Line;
use super::{Ctx, Outcome};
use std::collections::{BTreeMap, BTreeSet};

/// One client's agent.
#[derive(Default)]
struct Agent<'a> {
    /// The machine is switched off: the line that said so.
    off: Option<&'a Line>,
    /// It last switched off as a run of jobs ended: (the run's start, the time).
    off_run: Option<(u64, u64)>,
    /// When it last came back on.
    came_on: Option<u64>,
    scan: Option<&'a Line>,
    install: Option<&'a Line>,
    download: Option<&'a Line>,
    /// When the last job (a scan or one install) ended.
    last_end: Option<u64>,
    /// Since when the agent has been busy without a break (jobs back to back).
    run_start: u64,
    installed: BTreeSet<&'a str>,
    /// An install ended at this time: the install job goes on (another install or the
    /// post-install scan) at once.
    after_install: Option<u64>,
}

/// Every client's agent, fed the lines in time order.
#[derive(Default)]
pub(super) struct Jobs<'a> {
    agents: BTreeMap<u64, Agent<'a>>,
    /// When a rule last made a deployment: its machines' `machine_state` lines at that
    /// instant are the figures counting them, no act of the machine (`machines.rs`).
    rule_run: Option<u64>,
}

impl<'a> Jobs<'a> {
    /// Whether a job of `client` that came due at `due` may start at `now` (called before
    /// the line that starts it): at once, or queued behind jobs that ran without a break
    /// from `due` until the one that ended at `now`.
    /// (A machine that was off when the job came due starts it at start-up: callers pass
    /// `due` through `Power::resumed`.)
    /// A job queued behind a run that ended with the machine switching off starts with the
    /// jobs of its next start-up.
    pub(super) fn may_start(&self, client: u64, due: u64, now: u64) -> bool {
        if now == due {
            return true;
        }
        let Some(a) = self.agents.get(&client) else {
            return false;
        };
        let queued = |from: u64| now > from && a.last_end == Some(now) && a.run_start <= from;
        queued(due)
            || a.off_run.is_some_and(|(run, off)| {
                run <= due
                    && due <= off
                    && a.came_on.is_some_and(|on| {
                        on > off && (now == on || queued(on) && a.run_start == on)
                    })
            })
    }

    /// Whether `client` has a scan or install running.
    pub(super) fn busy(&self, client: u64) -> bool {
        self.agents
            .get(&client)
            .is_some_and(|a| a.scan.is_some() || a.install.is_some())
    }

    /// When `client`'s last job ended, and since when its agent was busy without a break.
    pub(super) fn last_run(&self, client: u64) -> Option<(u64, u64)> {
        let a = self.agents.get(&client)?;
        Some((a.run_start, a.last_end?))
    }

    /// Takes in one line; what it breaks goes to `o`.
    pub(super) fn observe(&mut self, l: &'a Line, o: &mut Outcome) {
        if l.kind == "adr_deployment_created" {
            self.rule_run = Some(l.t);
        }
        let Some(c) = l.client else { return };
        let a = self.agents.entry(c).or_default();
        let open = |a: &Agent| -> Option<String> {
            a.scan
                .map(|s| format!("its {} scan of line {} runs", s.reason(), s.line))
                .or_else(|| {
                    a.install
                        .map(|i| format!("its install of {} (line {}) runs", i.update(), i.line))
                })
        };
        let start = |a: &mut Agent, l: &Line| {
            if a.last_end != Some(l.t) {
                a.run_start = l.t;
            }
        };
        // An off machine does nothing; it switches off only with its agent and BITS idle. A
        // `deadline_activation` is no act of the machine: it is written at the deadline for
        // every targeted client, on or off (an off one installs at its start-up); nor is a
        // `machine_state` at a rule's run.
        let counted = l.kind == "machine_state" && self.rule_run == Some(l.t);
        if let Some(off) = a
            .off
            .filter(|_| l.kind != "deadline_activation" && !counted)
        {
            o.checked += 1;
            if l.kind == "client_online" {
                a.off = None;
                a.came_on = Some(l.t);
            } else {
                o.fail(
                    l,
                    &format!(
                        "a {} while the machine is off (since line {})",
                        l.kind, off.line
                    ),
                );
            }
            return;
        }
        match l.kind.as_str() {
            "client_offline" => {
                o.checked += 1;
                if let Some(what) = open(a) {
                    o.fail(l, &format!("switched off while {what}"));
                } else if let Some(d) = a.download {
                    o.fail(
                        l,
                        &format!("switched off while the download of line {} runs", d.line),
                    );
                }
                a.off = Some(l);
                // Jobs queued behind a run that ends with the machine switching off wait for
                // the start-up; one whose start-up run ends with it switching off again
                // waits for the next, and so on (the queue is carried).
                let ended_run = a.last_end == Some(l.t);
                let carried = a
                    .off_run
                    .filter(|_| ended_run && a.came_on == Some(a.run_start));
                a.off_run = match carried {
                    Some((run, _)) => Some((run, l.t)),
                    None => ended_run.then_some((a.run_start, l.t)),
                };
            }
            "client_online" => o.fail(l, "switched on, but it was not off"),
            "scan_start" | "install_start" => {
                o.checked += 1;
                if let Some(what) = open(a) {
                    o.fail(l, &format!("a job starts while {what}: one job at a time"));
                }
                let post = l.kind == "scan_start" && l.reason() == "post_install";
                if let Some(t) = a.after_install.take()
                    && !(l.t == t && (post || l.kind == "install_start"))
                {
                    o.fail(
                        l,
                        &format!("another job between the install ending at {t} ms and its post-install scan"),
                    );
                }
                start(a, l);
                if l.kind == "scan_start" {
                    a.scan = Some(l);
                } else {
                    a.install = Some(l);
                }
            }
            // A failed scan ends its job as a finished one does (`scans.rs`).
            "scan_done" | "scan_failed" => {
                let reason = match l.kind.as_str() {
                    "scan_done" => l.reason(),
                    _ => l.scan.as_deref().unwrap_or(""),
                };
                match a.scan.take() {
                    None => o.fail(l, &format!("{} without a running scan", l.kind)),
                    Some(s) if s.reason() != reason => o.fail(
                        l,
                        &format!(
                            "a {reason} {} ends the {} scan of line {}",
                            l.kind,
                            s.reason(),
                            s.line
                        ),
                    ),
                    Some(_) => {}
                }
                a.last_end = Some(l.t);
            }
            "install_done" => {
                match a.install.take() {
                    None => o.fail(l, "install_done without a running install"),
                    Some(i) if i.update != l.update => o.fail(
                        l,
                        &format!(
                            "install_done of {} ends the install of {} (line {})",
                            l.update(),
                            i.update(),
                            i.line
                        ),
                    ),
                    Some(_) => {}
                }
                if !a.installed.insert(l.update()) {
                    o.fail(l, &format!("{} installed twice on this client", l.update()));
                }
                a.last_end = Some(l.t);
                a.after_install = Some(l.t);
            }
            "restart" => {
                o.checked += 1;
                if let Some(what) = open(a) {
                    o.fail(l, &format!("a restart while {what}"));
                }
            }
            "download_start" | "peer_download_start" => {
                if let Some(d) = a.download {
                    o.fail(
                        l,
                        &format!("a second download while the one of line {} runs", d.line),
                    );
                }
                a.download = Some(l);
            }
            "download_done" if a.download.take().is_none() => {
                o.fail(l, "download_done without a running download");
            }
            _ => {}
        }
    }

    /// At the end of the trace: an install job must not stop between its installs and its
    /// post-install scan.
    fn finish(&self, end: u64, o: &mut Outcome) {
        for (c, a) in &self.agents {
            if let Some(t) = a.after_install
                && t < end
            {
                o.violations.push(format!(
                    "client {c}: the install ending at {t} ms is followed by no post-install scan"
                ));
            }
        }
    }
}

/// The `AGENT` outcome: one job at a time per client, one download at a time.
pub(super) fn check(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("AGENT");
    let mut jobs = Jobs::default();
    for l in lines {
        jobs.observe(l, &mut o);
    }
    jobs.finish(cx.end, &mut o);
    o
}
