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
use super::sup_load::Meets;
use super::trace::Line;
use super::{Ctx, Outcome};
use crate::scenario::{Fault, Scenario};
use std::collections::{BTreeMap, BTreeSet};

/// Where each scenario group's clients scan, and the WSUS outages.
struct Placement<'a> {
    /// Where each scenario group's clients are numbered.
    groups: Groups,
    /// Per scenario group, the SUPs its clients spread over (empty for ITMU clients).
    sups: Vec<Vec<&'a str>>,
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
                if g.legacy {
                    return Vec::new();
                }
                if let Some(ib) = site(&g.site)
                    .and_then(|x| x.internet_sup.as_deref())
                    .filter(|_| g.internet)
                {
                    return vec![ib];
                }
                // The nearest site with a SUP: its active SUP, then its additional ones.
                match super::nearest(s, &g.site, |x| x.sup.is_some()) {
                    Some(x) => x
                        .sup
                        .as_deref()
                        .into_iter()
                        .chain(x.additional_sups.iter().map(String::as_str))
                        .collect(),
                    None => Vec::new(),
                }
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

    /// The SUPs client `c` spreads over, and its place among them at first (client number k
    /// of its group starts on the k-th, round the list); empty for ITMU clients.
    fn pool(&self, c: u64) -> (&[&'a str], usize) {
        match self.groups.of_client(c) {
            Some(g) if !self.sups[g].is_empty() => {
                let k = c - self.groups.first(g);
                (&self.sups[g], (k % self.sups[g].len() as u64) as usize)
            }
            _ => (&[], 0),
        }
    }

    /// Whether `sup`'s WSUS is down at `t`.
    fn down(&self, sup: &str, t: u64) -> bool {
        self.outages
            .get(sup)
            .is_some_and(|o| o.iter().any(|&(from, to)| from <= t && t < to))
    }
}

/// Where a client scans: its place in its pool, whether it holds that SUP's metadata, and its
/// failed online scans in a row.
#[derive(Clone, Copy)]
struct Client {
    slot: usize,
    full: bool,
    failures: u64,
    /// When its last served online scan connected, to the whole second: the metadata it
    /// holds.
    online_at: Option<u64>,
}

/// A running scan: its start, and for an online one its SUP and what it met there.
type Running<'a> = (u64, Option<(&'a str, Meets)>);

/// `SCANS`: every online scan against the client's SUP (spread round its site's SUPs, moving
/// on after the last retry), full after a move and delta otherwise; no scan served by a WSUS
/// that was down or already serving `wsus_max_scans` scans (the load is recounted from the
/// served scans' downloads), none failed by one that was up with room; every failure at its
/// connect moment naming its SUP and why; the retry cadence.
pub(super) fn check(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("SCANS");
    let Some(s) = cx.scenario else {
        return o;
    };
    let place = Placement::of(s, lines, cx);
    let st = cx.settings;
    let connect = (st.scan_clear_history.0 + st.scan_locate_wsus.0 + st.scan_update_policy.0).ms();
    let (interval, retries) = (st.scan_retry_interval.0.ms(), u64::from(st.scan_retries));
    let switch = st.sup_switch_delay.0.ms();
    let ttl = st.scan_metadata_ttl.0.ms();
    // A trace of some clients lacks the others' scans: the load cannot be recounted.
    let mut load = super::sup_load::Load::new(st, cx.filter.is_none());
    let mut clients: BTreeMap<u64, Client> = BTreeMap::new();
    // client → its running scan: start, and for an online one its SUP and what it met
    let mut running: BTreeMap<u64, Running> = BTreeMap::new();
    let mut switched: BTreeMap<u64, &Line> = BTreeMap::new();
    for l in lines {
        let c = l.client();
        let (pool, first) = place.pool(c);
        let me = clients.entry(c).or_insert(Client {
            slot: first,
            full: false,
            failures: 0,
            online_at: None,
        });
        match l.kind.as_str() {
            "sup_switched" => {
                o.checked += 1;
                if pool.len() < 2 || me.failures <= retries {
                    o.fail(l, &format!("a SUP switch after {} failures in a row; clients move on only after scan_retries ({retries}) retries failed, to another SUP of their site", me.failures));
                }
                let next = (me.slot + 1) % pool.len().max(1);
                let (from, to) = (pool.get(me.slot), pool.get(next));
                if l.from.as_deref() != from.copied() || l.to.as_deref() != to.copied() {
                    o.fail(
                        l,
                        &format!(
                            "the client moves from {} to {}, the next of its site's SUPs",
                            from.unwrap_or(&"none"),
                            to.unwrap_or(&"none")
                        ),
                    );
                }
                *me = Client {
                    slot: next,
                    full: true,
                    failures: 0,
                    online_at: me.online_at,
                };
                switched.insert(c, l);
            }
            "scan_start" => {
                // A pre-install scan reads the cached metadata while it is younger than
                // scan_metadata_ttl.
                let cached = l.reason() == "pre_install"
                    && ttl > 0
                    && me.online_at.is_some_and(|at| l.t < at + ttl);
                let online = l.reason() != "post_install" && !cached && !pool.is_empty();
                if let Some(sw) = switched.remove(&c)
                    && sw.t != l.t
                {
                    o.fail(sw, "a SUP switch that no scan followed at once");
                }
                let Some(&sup) = pool.get(me.slot).filter(|_| online) else {
                    if l.sup.is_some() {
                        o.fail(l, "a scan that contacts no WSUS (post-install, pre-install within scan_metadata_ttl of the last online scan, or an ITMU client) names a SUP");
                    }
                    running.insert(c, (l.t, None));
                    continue;
                };
                o.checked += 1;
                if me.failures > retries && pool.len() > 1 {
                    o.fail(l, &format!("an online scan after {} failures in a row: the client moves to the next SUP of its site first", me.failures));
                }
                if l.sup.as_deref() != Some(sup) || l.full != Some(me.full) {
                    o.fail(
                        l,
                        &format!(
                            "the scan goes to {sup} as a {} scan; the line says {} ({})",
                            if me.full { "full" } else { "delta" },
                            l.sup(),
                            if l.full == Some(true) {
                                "full"
                            } else {
                                "delta"
                            }
                        ),
                    );
                }
                let at = l.t + connect;
                let meets = if place.down(sup, at) {
                    Meets::Down
                } else {
                    load.connect(sup, at, me.full)
                };
                running.insert(c, (l.t, Some((sup, meets))));
            }
            "scan_done" | "scan_failed" => {
                let Some((start, sent)) = running.remove(&c) else {
                    continue;
                };
                let Some((sup, meets)) = sent else {
                    if l.kind == "scan_failed" {
                        o.fail(l, "a scan failed that does not contact WSUS (post-install, or an ITMU client)");
                    }
                    continue;
                };
                let at = start + connect;
                if l.kind == "scan_done" {
                    match meets {
                        Meets::Served | Meets::Uncounted => {}
                        Meets::Down => o.fail(l, &format!("a scan served by {sup}, whose WSUS was down when it connected at {at} ms")),
                        Meets::Overloaded(n) => o.fail(l, &format!("a scan served by {sup}, whose WSUS already served {n} scans (wsus_max_scans) when it connected at {at} ms")),
                    }
                    me.failures = 0;
                    me.full = false;
                    me.online_at = Some(at / 1_000 * 1_000);
                    continue;
                }
                let why = match meets {
                    Meets::Served => {
                        o.fail(l, &format!("a scan failed, but {sup}'s WSUS was up with room when it connected at {at} ms"));
                        l.reason()
                    }
                    Meets::Down => "wsus_unavailable",
                    Meets::Overloaded(_) | Meets::Uncounted => "overloaded",
                };
                if l.reason() != why {
                    o.fail(l, &format!("the failure's reason is {}; {sup}'s WSUS was {why} when the scan connected", l.reason()));
                }
                if l.t != at {
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
                me.failures += 1;
                let n = me.failures;
                let expected = if n <= retries {
                    Some(l.t + interval)
                } else if pool.len() > 1 {
                    Some(l.t + switch)
                } else {
                    None
                };
                if l.retry_at != expected {
                    o.fail(l, &format!("retry_at {:?}; failure {n} in a row retries at {expected:?} (scan_retry_interval {interval} ms, scan_retries {retries}, sup_switch_delay {switch} ms at a site with more SUPs)", l.retry_at));
                }
            }
            _ => {}
        }
    }
    for (_, sw) in switched {
        o.fail(sw, "a SUP switch that no scan followed at once");
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
/// online scan of the client ended before (served or failed) or the client moved to another
/// SUP (the scan there is the retry), or, for a compliance scan, one is scheduled then (that
/// scan is the retry). A retry that comes starts a scan of the same
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
        // clients whose running scan contacts WSUS
        let mut online: BTreeSet<u64> = BTreeSet::new();
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
            match l.kind.as_str() {
                "scan_scheduled" => {
                    scheduled.insert(c);
                }
                "scan_start" => {
                    // Online: it names the SUP it connects to (an offline scan, post-install
                    // or within the metadata's lifetime, names none).
                    if l.sup.is_some() {
                        online.insert(c);
                    } else {
                        online.remove(&c);
                    }
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
                // A move to another SUP starts the count afresh: the scan there is the retry.
                "sup_switched" => {
                    pending.remove(&c);
                }
                "scan_done" if online.contains(&c) => {
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
