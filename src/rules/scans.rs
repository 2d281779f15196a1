//! Scans against a WSUS that is down (`SCANS`, issue 12). With the scenario, each client's
//! WSUS is placed as the model places it — its site's software update point, the nearest
//! one above a site without one, the site's Internet-based one for Internet clients; SMS 2003
//! clients scan the ITMU catalog — and its outages are the scenario's `WsusUnavailable`
//! faults. A compliance, evaluation or pre-install scan connects to WSUS after its first
//! steps (clear history, locate WSUS, update policy): if the WSUS is down then, it fails
//! there (`scan_failed` naming that SUP), else it is served. A post-install scan never
//! contacts WSUS. `retry_at` is `scan_retry_interval` later while the client has failed no
//! more than `scan_retries` times in a row (a served online scan resets the count), else
//! null. When the retries run is for the rules of the jobs that asked for the scans: R10
//! (compliance), R17 (evaluation), R25 (the install at a deadline).

use super::agent::Jobs;
use super::groups::Groups;
use super::trace::Line;
use super::{Ctx, Outcome};
use crate::scenario::{Fault, Scenario};
use std::collections::{BTreeMap, BTreeSet};

/// Where each scenario group's clients scan, and the WSUS outages.
struct Placement<'a> {
    /// Where each scenario group's clients are numbered.
    groups: Groups,
    /// Per scenario group, the SUP its clients scan against (`None` for ITMU clients).
    sups: Vec<Option<&'a str>>,
    /// SUP name → its WSUS outages `[from, to)`.
    outages: BTreeMap<&'a str, Vec<(u64, u64)>>,
}

impl<'a> Placement<'a> {
    fn of(s: &'a Scenario, lines: &[Line], cx: &Ctx) -> Self {
        let site = |code: &str| s.sites.iter().find(|x| x.code == code);
        let sups = s
            .clients
            .iter()
            .map(|g| {
                let mut at = site(&g.site);
                let internet = at
                    .and_then(|x| x.internet_sup.as_deref())
                    .filter(|_| g.internet);
                let mut sup = internet;
                // The nearest site with a SUP, walking up (bounded by the number of sites).
                for _ in 0..s.sites.len() {
                    if sup.is_some() {
                        break;
                    }
                    sup = at.and_then(|x| x.sup.as_deref());
                    at = at.and_then(|x| x.parent.as_deref()).and_then(site);
                }
                sup.filter(|_| !g.legacy)
            })
            .collect();
        let mut outages: BTreeMap<&str, Vec<(u64, u64)>> = BTreeMap::new();
        for f in &s.faults {
            if let Fault::WsusUnavailable { server, from, to } = f {
                outages
                    .entry(server.as_str())
                    .or_default()
                    .push((cx.ms(from), cx.ms(to)));
            }
        }
        Placement {
            groups: Groups::of(s, lines),
            sups,
            outages,
        }
    }

    /// The SUP client `c` scans against (`None`: the ITMU catalog, or not in any group).
    fn sup(&self, c: u64) -> Option<&'a str> {
        self.groups.of_client(c).and_then(|g| self.sups[g])
    }

    /// Whether `sup`'s WSUS is down at `t`.
    fn down(&self, sup: &str, t: u64) -> bool {
        self.outages
            .get(sup)
            .is_some_and(|o| o.iter().any(|&(from, to)| from <= t && t < to))
    }
}

/// `SCANS`: no scan served by a WSUS that was down, every failure at its connect moment and
/// naming its SUP, and the retry cadence.
pub(super) fn check(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("SCANS");
    let Some(s) = cx.scenario else {
        return o;
    };
    let place = Placement::of(s, lines, cx);
    let st = cx.settings;
    let connect = (st.scan_clear_history.0 + st.scan_locate_wsus.0 + st.scan_update_policy.0).ms();
    let (interval, retries) = (st.scan_retry_interval.0.ms(), u64::from(st.scan_retries));
    let mut running: BTreeMap<u64, &Line> = BTreeMap::new();
    let mut failures: BTreeMap<u64, u64> = BTreeMap::new();
    for l in lines {
        let c = l.client();
        match l.kind.as_str() {
            "scan_start" => {
                running.insert(c, l);
            }
            "scan_done" | "scan_failed" => {
                let Some(start) = running.remove(&c) else {
                    continue;
                };
                let online = start.reason() != "post_install";
                let Some(sup) = place.sup(c).filter(|_| online) else {
                    if l.kind == "scan_failed" {
                        o.fail(l, "a scan failed that does not contact WSUS (post-install, or an ITMU client)");
                    }
                    continue;
                };
                o.checked += 1;
                let at = start.t + connect;
                let down = place.down(sup, at);
                if l.kind == "scan_done" {
                    if down {
                        o.fail(l, &format!("a scan served by {sup}, whose WSUS was down when it connected at {at} ms"));
                    }
                    failures.remove(&c);
                } else {
                    if !down {
                        o.fail(l, &format!("a scan failed, but {sup}'s WSUS was up when it connected at {at} ms"));
                    } else if l.t != at {
                        o.fail(
                            l,
                            &format!(
                                "a scan failed at {} ms; it connects to WSUS at {at} ms",
                                l.t
                            ),
                        );
                    }
                    if l.sup.as_deref() != Some(sup) {
                        o.fail(
                            l,
                            &format!(
                                "the failed scan names {}, the client scans against {sup}",
                                l.sup.as_deref().unwrap_or("no SUP")
                            ),
                        );
                    }
                    let n = failures.entry(c).or_default();
                    *n += 1;
                    let expected = (*n <= retries).then_some(l.t + interval);
                    if l.retry_at != expected {
                        o.fail(l, &format!("retry_at {:?}; failure {n} in a row retries at {expected:?} (scan_retry_interval {interval} ms, scan_retries {retries})", l.retry_at));
                    }
                }
            }
            _ => {}
        }
    }
    for &(k, at) in &cx.retries.missing {
        o.fail(
            &lines[k],
            &format!("its retry came at {at} ms, but no scan of it started"),
        );
    }
    o
}

/// The retries of failed scans as the trace shows them, for the rules of the jobs that asked
/// for the scans. Only the latest failure's retry counts: it comes at `retry_at` unless an
/// online scan of the client ended before (served or failed), or, for a compliance scan, one
/// is scheduled then (that scan is the retry). A retry that comes starts a scan of the same
/// reason at `retry_at`, or when the job running then ends, or at the machine's start-up (a
/// pre-install retry only if its install is still due: not judged here).
#[derive(Default)]
pub(super) struct Retries {
    /// Scan starts that are retries, (client, time), with the retry's time and whether it
    /// retried a compliance scan.
    starts: BTreeMap<(u64, u64), (u64, bool)>,
    /// `scan_failed` lines (index) whose retry came, with its time.
    came: BTreeMap<usize, u64>,
    /// Retries that came and started no scan: (failed line, retry time).
    missing: Vec<(usize, u64)>,
}

impl Retries {
    pub(super) fn of(lines: &[Line], cx: &Ctx) -> Retries {
        let mut r = Retries::default();
        // client → the latest failure's retry: (time, scan reason, failed line index)
        let mut pending: BTreeMap<u64, (u64, &str, usize)> = BTreeMap::new();
        // client → a retry that came and waits for its scan: (time, reason, failed line)
        let mut came: BTreeMap<u64, (u64, &str, usize)> = BTreeMap::new();
        let mut scheduled: BTreeSet<u64> = BTreeSet::new();
        let (mut jobs, mut scratch) = (Jobs::default(), Outcome::new("AGENT"));
        for (i, l) in lines.iter().enumerate() {
            let Some(c) = l.client else { continue };
            // The pending retry comes once the trace reaches its time.
            if let Some(&(at, why, k)) = pending.get(&c)
                && l.t >= at
            {
                pending.remove(&c);
                if !(why == "compliance" && scheduled.contains(&c)) {
                    came.insert(c, (at, why, k));
                    r.came.insert(k, at);
                }
            }
            let online = |reason: &str| reason != "post_install";
            match l.kind.as_str() {
                "scan_scheduled" => {
                    scheduled.insert(c);
                }
                "scan_start" => {
                    if l.reason() == "compliance" {
                        scheduled.remove(&c);
                    }
                    if let Some(&(at, why, _)) = came.get(&c)
                        && why == l.reason()
                        && jobs.may_start(c, cx.power.resumed(c, at), l.t)
                    {
                        came.remove(&c);
                        r.starts.insert((c, l.t), (at, why == "compliance"));
                    }
                }
                "scan_done" if online(l.reason()) => {
                    pending.remove(&c);
                }
                "scan_failed" => {
                    pending.remove(&c);
                    if let Some(at) = l.retry_at {
                        pending.insert(c, (at, l.scan.as_deref().unwrap_or(""), i));
                    }
                }
                _ => {}
            }
            jobs.observe(l, &mut scratch);
        }
        // Queued jobs all run when the agent goes idle with the machine on: a retry still
        // waiting at the end, on an idle machine that is on, never ran.
        for (c, (at, why, k)) in came {
            if why != "pre_install"
                && cx.power.resumed(c, at) <= cx.end
                && !jobs.busy(c)
                && !cx.power.off_at_end(c, cx.end)
            {
                r.missing.push((k, at));
            }
        }
        r
    }

    /// Whether client `c`'s scan starting at `t` is the retry of a failed one.
    pub(super) fn is_retry(&self, c: u64, t: u64) -> bool {
        self.starts.contains_key(&(c, t))
    }

    /// Whether a compliance retry of client `c` had come by `t` and waited for the agent
    /// then (a scan waiting for the agent counts as scheduled, R10).
    pub(super) fn compliance_waiting(&self, c: u64, t: u64) -> bool {
        self.starts
            .range((c, t)..=(c, u64::MAX))
            .any(|(_, &(at, compliance))| compliance && at <= t)
    }

    /// When the retry of the failed scan of line index `i` came, if it did.
    pub(super) fn came(&self, i: usize) -> Option<u64> {
        self.came.get(&i).copied()
    }
}
