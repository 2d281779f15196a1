//! Checks of the compliance rules on a trace: R11–R14 (R09 and R10 are in `policy`). Like
//! the synchronization checks they read trace lines, the parameters and (for R14) the
//! scenario's catalog and groups; never the model.

use super::trace::Line;
use super::{Ctx, Outcome, stats};
use crate::scenario::Scenario;
use std::collections::{BTreeMap, BTreeSet};

/// R11: a scan takes exactly the sum of its step durations, with the full download step
/// when its start says it is a full scan (`SCANS` checks that it is). Scans are paired by
/// client and reason, so that overlapping scans (which `AGENT` rejects) still get their
/// durations judged here.
pub(super) fn r11(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R11");
    let s = cx.settings;
    let others = (s.scan_clear_history.0
        + s.scan_locate_wsus.0
        + s.scan_update_policy.0
        + s.scan_wua_evaluate.0)
        .ms();
    let (delta, full) = (
        others + s.scan_wua_download.0.ms(),
        others + s.scan_wua_download_full.0.ms(),
    );
    let mut started: BTreeMap<(u64, &str), (u64, u64)> = BTreeMap::new();
    for l in lines {
        let key = (l.client(), l.reason());
        match l.kind.as_str() {
            "scan_start" => {
                let steps = if l.full == Some(true) { full } else { delta };
                started.insert(key, (l.t, steps));
            }
            "scan_done" => {
                o.checked += 1;
                match started.remove(&key) {
                    Some((s, steps)) if l.t - s == steps => {}
                    Some((s, steps)) => o.fail(
                        l,
                        &format!("scan took {} ms; its steps add up to {steps} ms", l.t - s),
                    ),
                    None => o.fail(l, "scan done without a scan start"),
                }
            }
            _ => {}
        }
    }
    o
}

/// R12: a client sends state messages only after a scan that changed something, and no more
/// than the changes found since its last send.
pub(super) fn r12(lines: &[Line]) -> Outcome {
    let mut o = Outcome::new("R12");
    let mut changed: BTreeMap<u64, u64> = BTreeMap::new();
    for l in lines {
        match l.kind.as_str() {
            "scan_done" => {
                // Counts read from the trace: saturate rather than overflow.
                let c = changed.entry(l.client()).or_default();
                *c = c.saturating_add(l.changed.unwrap_or(0));
            }
            "state_messages_sent" => {
                o.checked += 1;
                let found = changed.remove(&l.client()).unwrap_or(0);
                let count = l.count.unwrap_or(0);
                if found == 0 {
                    o.fail(
                        l,
                        "state messages sent with no changed state since the last send",
                    );
                } else if count > found {
                    o.fail(
                        l,
                        &format!("{count} messages sent for {found} changed states"),
                    );
                }
            }
            _ => {}
        }
    }
    o
}

/// R13: a client's sends are whole send intervals apart (its send cycle has a fixed phase)
/// and follow its scan within one interval, at a delay uniform over the interval (the phase
/// is random). Nothing is left behind: a scan with changes is sent within the interval
/// (unless a later scan in it undid them). What MPs and databases do with the messages is
/// REPORTING's (`reporting.rs`).
pub(super) fn r13(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R13");
    let interval = cx.settings.state_message_interval.0.ms();
    let mut last_send: BTreeMap<u64, u64> = BTreeMap::new();
    let mut last_scan: BTreeMap<u64, u64> = BTreeMap::new();
    let mut rescanned: BTreeSet<u64> = BTreeSet::new(); // scanned again before the send
    let mut draws = Vec::new();
    for l in lines {
        match l.kind.as_str() {
            "scan_done" => {
                let c = l.client();
                if let Some(&s) = last_scan.get(&c) {
                    if l.t <= s + interval {
                        rescanned.insert(c);
                    }
                } else if l.changed.unwrap_or(0) > 0 {
                    last_scan.insert(c, l.t);
                    rescanned.remove(&c);
                }
            }
            "state_messages_sent" => {
                o.checked += 1;
                let c = l.client();
                let first = !last_send.contains_key(&c);
                if let Some(prev) = last_send.insert(c, l.t)
                    && (l.t - prev) % interval != 0
                {
                    o.fail(
                        l,
                        &format!("sends {} ms apart; the cycle is {interval} ms", l.t - prev),
                    );
                }
                // Off since the scan: the send comes at the first tick after start-up.
                match last_scan.remove(&c) {
                    Some(s)
                        if cx.power.off_during(c, s, l.t)
                            && l.t - cx.power.awake_since(c, s, l.t) < interval => {}
                    Some(s) if l.t - s >= interval => o.fail(
                        l,
                        &format!(
                            "sent {} ms after the scan; the cycle is {interval} ms",
                            l.t - s
                        ),
                    ),
                    Some(s) if first => draws.push((l.t - s) as f64 / interval as f64),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    for (c, s) in last_scan {
        // Off since the scan: due within an interval of the last start-up.
        if cx.power.awake_since(c, s, cx.end) + interval <= cx.end
            && !rescanned.contains(&c)
            && !cx.power.off_at_end(c, cx.end)
        {
            o.violations.push(format!(
                "client {c}: the changes its scan found at {s} ms were never sent"
            ));
        }
    }
    let n = draws.len();
    if let Some(ks) = stats::not_uniform(draws) {
        o.violations.push(stats::message(
            "first send delays after a scan",
            n,
            interval,
            ks,
        ));
    }
    o
}

/// The catalog as R14 needs it: release order, and who supersedes whom.
struct Supersedence {
    /// Update id → position in release order.
    position: BTreeMap<String, u64>,
    /// Superseded position → (superseder position, superseder is a service pack).
    by: BTreeMap<u64, Vec<(u64, bool)>>,
    /// Client groups as (first client, count, SMS 2003 clients), in scenario order.
    groups: BTreeMap<String, (u64, u64, bool)>,
}

impl Supersedence {
    fn new(s: &Scenario, cx: &Ctx) -> Self {
        let mut order: Vec<usize> = (0..s.catalog.len()).collect();
        order.sort_by_key(|&i| cx.ms(&s.catalog[i].released));
        let position: BTreeMap<String, u64> = order
            .iter()
            .enumerate()
            .map(|(p, &i)| (s.catalog[i].id.clone(), p as u64))
            .collect();
        let mut by: BTreeMap<u64, Vec<(u64, bool)>> = BTreeMap::new();
        for u in &s.catalog {
            for old in &u.supersedes {
                if let (Some(&o), Some(&n)) = (position.get(old), position.get(&u.id)) {
                    by.entry(o).or_default().push((n, u.service_pack));
                }
            }
        }
        let mut first = 0;
        let mut groups = BTreeMap::new();
        for g in &s.clients {
            groups.insert(g.name.clone(), (first, u64::from(g.count), g.legacy));
            first += u64::from(g.count);
        }
        Supersedence {
            position,
            by,
            groups,
        }
    }

    fn group_of(&self, client: u64) -> Option<(&str, bool)> {
        self.groups
            .iter()
            .find(|&(_, &(first, n, _))| (first..first + n).contains(&client))
            .map(|(name, &(_, _, legacy))| (name.as_str(), legacy))
    }
}

/// R14: the database gets a state for a superseded update only from clients that scanned it
/// while no superseding update was listed, or when only service packs supersede it (or from
/// SMS 2003 clients, which report both). Needs the scenario.
pub(super) fn r14(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R14");
    let Some(s) = cx.scenario else { return o };
    let cat = Supersedence::new(s, cx);
    // (group, superseded position) → clients that could report it
    let mut may: BTreeMap<(&str, u64), BTreeSet<u64>> = BTreeMap::new();
    // (database, group, superseded position) → clients it has a state of: a central site
    // gets its primaries' states again by replication.
    let mut known: BTreeMap<(&str, &str, u64), u64> = BTreeMap::new();
    for l in lines {
        match l.kind.as_str() {
            "scan_done" => {
                let Some((group, legacy)) = cat.group_of(l.client()) else {
                    continue;
                };
                let listed = l.listed.unwrap_or(0);
                for (&old, by) in cat.by.range(..listed) {
                    let blocking = by.iter().any(|&(n, sp)| n < listed && !sp);
                    if by.iter().any(|&(n, _)| n < listed) {
                        o.checked += 1;
                    }
                    if legacy || !blocking {
                        may.entry((group, old)).or_default().insert(l.client());
                    }
                }
            }
            // A client reports its own install even of an update superseded meanwhile (R25):
            // R14 forbids only Required and Not required for the superseded update.
            "db_state_changed"
                if l.from.as_deref() == Some("unknown") && l.to.as_deref() != Some("installed") =>
            {
                let Some(&u) = l.update.as_ref().and_then(|u| cat.position.get(u)) else {
                    continue;
                };
                if !cat.by.contains_key(&u) {
                    continue;
                }
                let group = l.group.as_deref().unwrap_or("");
                let Some(name) = cat.groups.keys().find(|k| k.as_str() == group) else {
                    continue;
                };
                let k = known.entry((l.site(), name.as_str(), u)).or_default();
                *k = k.saturating_add(l.count.unwrap_or(0));
                let allowed = may.get(&(name.as_str(), u)).map_or(0, |c| c.len() as u64);
                if *k > allowed {
                    o.fail(l, &format!(
                        "{k} clients of {group} have a state for a superseded update; only {allowed} scanned it without a listed superseder"
                    ));
                }
            }
            _ => {}
        }
    }
    o
}
