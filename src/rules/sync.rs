//! Checks of the synchronization rules on a trace: R01–R08.
//! Each check reads only trace lines and the parameter values, never the model.

use super::trace::Line;
use super::{Ctx, Outcome};
use std::collections::{BTreeMap, BTreeSet};

/// What the trace tells about each SUP: its site, upstream and whether it is Internet-based.
struct Sups<'a> {
    info: BTreeMap<&'a str, (&'a str, &'a str, bool)>,
}

impl<'a> Sups<'a> {
    fn new(lines: &'a [Line]) -> Self {
        let info = lines
            .iter()
            .filter(|l| l.kind == "sync_start")
            .map(|l| {
                let site = l.site.as_deref().unwrap_or("");
                let up = l.upstream.as_deref().unwrap_or("");
                (l.sup(), (site, up, l.internet.unwrap_or(false)))
            })
            .collect();
        Sups { info }
    }
    fn internet(&self, sup: &str) -> bool {
        self.info.get(sup).is_some_and(|i| i.2)
    }
    /// SUPs that sync from `sup`, split into (child sites' SUPs, Internet-based SUPs).
    fn downstream(&self, sup: &str) -> (Vec<&'a str>, Vec<&'a str>) {
        let mut kids = (Vec::new(), Vec::new());
        for (&name, &(_, up, internet)) in &self.info {
            if up == sup {
                if internet {
                    kids.1.push(name)
                } else {
                    kids.0.push(name)
                }
            }
        }
        kids
    }
}

/// The updates the upstream catalog holds at `t` (released by then), from the scenario.
fn released_by(cx: &Ctx, t: u64) -> Option<u64> {
    let s = cx.scenario?;
    Some(s.catalog.iter().filter(|u| cx.ms(&u.released) <= t).count() as u64)
}

/// R02: 6702 only after the WSUS cycle and (except on an IBSUP) the site database update,
/// and each step takes its parameters' time: the WSUS cycle `wsus_sync_full_base` (or
/// `wsus_sync_delta_base`) plus `wsus_sync_per_update` per update it moves, the site
/// database step `site_db_sync_base` plus `site_db_sync_per_update` per update it moves.
/// The updates moved are derived, not read from the line: a full sync moves everything since
/// the last full sync, a delta everything since the last sync (R03); the upstream holds what
/// its own last WSUS cycle brought (Microsoft Update: what the scenario has released).
pub(super) fn r02(lines: &[Line], cx: &Ctx) -> Outcome {
    let sups = Sups::new(lines);
    let s = cx.settings;
    let mut o = Outcome::new("R02");
    let mut state: BTreeMap<&str, (bool, bool, bool)> = BTreeMap::new();
    // SUP → the running attempt's start line
    let mut running: BTreeMap<&str, &Line> = BTreeMap::new();
    // SUP → updates in its WSUS database (now, as of its last full sync)
    let mut wsus: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    // SUP → its last WSUS cycle: (end, updates held, full)
    let mut cycle: BTreeMap<&str, (u64, u64, bool)> = BTreeMap::new();
    // site → updates in its database (now, as of its last full sync)
    let mut db: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for l in lines {
        let sup = l.sup();
        let st = state.entry(sup).or_default();
        match l.kind.as_str() {
            "sync_start" => {
                if running.insert(sup, l).is_some() {
                    o.fail(l, "a sync starts while the SUP's previous attempt runs");
                }
                *st = (true, false, false);
                let full = l.mode.as_deref() == Some("full");
                let (k, fk) = wsus.get(sup).copied().unwrap_or_default();
                let since = if full { fk } else { k };
                let target = match l.upstream.as_deref() {
                    Some("microsoft_update") => released_by(cx, l.t),
                    Some(up) => Some(wsus.get(up).map_or(0, |w| w.0)),
                    None => None,
                };
                match (target, l.updates) {
                    (_, None) => o.fail(l, "sync_start lacks the updates it moves"),
                    (Some(target), Some(n)) if n != target.saturating_sub(since) => o.fail(
                        l,
                        &format!(
                            "the sync moves {n} updates; its upstream holds {target}, it has {since}"
                        ),
                    ),
                    _ => {}
                }
            }
            "wsus_sync_done" if !st.0 => o.fail(l, "WSUS sync cycle done without a sync_start"),
            "wsus_sync_done" => {
                st.1 = true;
                let Some(start) = running.get(sup) else {
                    continue;
                };
                let full = start.mode.as_deref() == Some("full");
                let base = if full {
                    s.wsus_sync_full_base
                } else {
                    s.wsus_sync_delta_base
                };
                let moved = start.updates.unwrap_or(0);
                let expect = (base.0 + s.wsus_sync_per_update.0.times(moved)).ms();
                let took = l.t.saturating_sub(start.t);
                if took != expect {
                    o.fail(
                        l,
                        &format!("the WSUS sync cycle of {moved} updates took {took} ms; its parameters give {expect} ms"),
                    );
                }
                let Some(n) = l.updates else {
                    o.fail(l, "wsus_sync_done lacks the updates held");
                    continue;
                };
                let w = wsus.entry(sup).or_default();
                w.0 = n;
                if full {
                    w.1 = n;
                }
                cycle.insert(sup, (l.t, n, full));
            }
            "site_db_updated" if !st.1 => o.fail(
                l,
                "site database updated before the WSUS sync cycle finished",
            ),
            "site_db_updated" => {
                st.2 = true;
                let Some(&(done, n, full)) = cycle.get(sup) else {
                    continue;
                };
                let d = db.entry(l.site()).or_default();
                let moved = n.saturating_sub(if full { d.1 } else { d.0 });
                let expect =
                    (s.site_db_sync_base.0 + s.site_db_sync_per_update.0.times(moved)).ms();
                let took = l.t.saturating_sub(done);
                if took != expect {
                    o.fail(
                        l,
                        &format!("the site database step of {moved} updates took {took} ms; its parameters give {expect} ms"),
                    );
                }
                d.0 = d.0.max(n);
                if full {
                    d.1 = d.0;
                }
                if l.updates != Some(d.0) {
                    o.fail(
                        l,
                        &format!(
                            "the site database holds {} updates after this sync, not {:?}",
                            d.0, l.updates
                        ),
                    );
                }
            }
            "status_message" if l.id == Some(6702) => {
                o.checked += 1;
                running.remove(sup);
                let needs_db = !sups.internet(sup);
                if !(st.0 && st.1 && (st.2 || !needs_db)) {
                    o.fail(
                        l,
                        "6702 before both the WSUS sync cycle and the site database update",
                    );
                }
                *st = (false, false, false);
            }
            "status_message" => {
                running.remove(sup);
                *st = (false, false, false);
            }
            _ => {}
        }
    }
    o
}

/// R03: scheduled syncs are full and manual ones delta; a delta moving no more updates than a
/// full sync of the same SUP is not slower; only full syncs mark updates expired.
pub(super) fn r03(lines: &[Line]) -> Outcome {
    let sups = Sups::new(lines);
    let mut o = Outcome::new("R03");
    let mut running: BTreeMap<&str, (u64, &str, u64)> = BTreeMap::new(); // sup → (start, mode, updates)
    let mut cycles: BTreeMap<&str, Vec<(&str, u64, u64, usize)>> = BTreeMap::new();
    let mut site_mode: BTreeMap<&str, &str> = BTreeMap::new();
    for l in lines {
        let mode = l.mode.as_deref().unwrap_or("");
        match l.kind.as_str() {
            "sync_start" => {
                let expect = match l.trigger.as_deref() {
                    Some("schedule") => Some("full"),
                    Some("manual") => Some("delta"),
                    _ => None,
                };
                if let Some(e) = expect {
                    o.checked += 1;
                    if mode != e {
                        o.fail(
                            l,
                            &format!("a {} sync must be {e}", l.trigger.as_deref().unwrap_or("")),
                        );
                    }
                }
                running.insert(l.sup(), (l.t, mode, l.updates.unwrap_or(0)));
                if !sups.internet(l.sup()) {
                    site_mode.insert(l.site.as_deref().unwrap_or(""), mode);
                }
            }
            "wsus_sync_done" => {
                if let Some((start, mode, n)) = running.remove(l.sup()) {
                    cycles
                        .entry(l.sup())
                        .or_default()
                        .push((mode, n, l.t - start, l.line));
                }
            }
            "updates_expired" if l.reason.as_deref() == Some("superseded_or_expired") => {
                o.checked += 1;
                if site_mode.get(l.site.as_deref().unwrap_or("")) != Some(&"full") {
                    o.fail(l, "updates marked expired outside a scheduled (full) sync");
                }
            }
            _ => {}
        }
    }
    for list in cycles.values() {
        for &(_, dn, dd, line) in list.iter().filter(|c| c.0 == "delta") {
            if let Some(&(_, fn_, fd, _)) =
                list.iter().find(|c| c.0 == "full" && dn <= c.1 && dd > c.2)
            {
                o.violations.push(format!(
                    "line {line}: a delta sync of {dn} updates took {} ms, longer than a full sync of {fn_} ({fd} ms)",
                    dd
                ));
            }
        }
    }
    o
}

/// R04: a child SUP syncs only after its upstream's 6702; every 6702 sends a request to each
/// child SUP; only one SUP syncs from Microsoft Update; and each request starts the child's
/// sync `sync_request_delay` later, or when the child's running attempt ends (`cascade`).
pub(super) fn r04(lines: &[Line], cx: &Ctx) -> Outcome {
    let sups = Sups::new(lines);
    let mut o = Outcome::new("R04");
    let mut done: BTreeMap<&str, u64> = BTreeMap::new();
    let mut tops: BTreeSet<&str> = BTreeSet::new();
    for (i, l) in lines.iter().enumerate() {
        match l.kind.as_str() {
            "sync_start" if l.upstream.as_deref() == Some("microsoft_update") => {
                tops.insert(l.sup());
                if tops.len() > 1 {
                    o.fail(
                        l,
                        "more than one SUP syncs from Microsoft Update; only the top site's may",
                    );
                }
            }
            "sync_start" if !sups.internet(l.sup()) => {
                o.checked += 1;
                let up = l.upstream.as_deref().unwrap_or("");
                if !done.contains_key(up) {
                    o.fail(
                        l,
                        &format!("child sync starts before its parent's SUP {up} finished"),
                    );
                }
            }
            "status_message" if l.id == Some(6702) && !sups.internet(l.sup()) => {
                done.insert(l.sup(), l.t);
                let same_t = lines[i + 1..].iter().take_while(|m| m.t == l.t);
                let sent: BTreeSet<&str> = same_t
                    .filter(|m| m.kind == "sync_request")
                    .filter_map(|m| m.to_sup.as_deref())
                    .collect();
                for child in sups.downstream(l.sup()).0 {
                    if !sent.contains(child) {
                        o.fail(
                            l,
                            &format!("6702 sent no sync request to child SUP {child}"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    super::cascade::r04_requests(lines, cx, &mut o);
    o
}

/// R05: an IBSUP syncs from its own site's active SUP, never updates the site database, and
/// gets a sync request at each 6702 of that SUP: it starts then, or when its running attempt
/// ends, or joins its pending retry (`cascade`).
pub(super) fn r05(lines: &[Line], cx: &Ctx) -> Outcome {
    let sups = Sups::new(lines);
    let mut o = Outcome::new("R05");
    for l in lines {
        match l.kind.as_str() {
            "sync_start" if sups.internet(l.sup()) => {
                o.checked += 1;
                let up = l.upstream.as_deref().unwrap_or("");
                if sups.info.get(up).map(|x| x.0) != l.site.as_deref() {
                    o.fail(
                        l,
                        "an IBSUP's upstream must be the active SUP of its own site",
                    );
                }
            }
            "site_db_updated" if sups.internet(l.sup()) => {
                o.fail(
                    l,
                    "the site database must not be updated for an Internet-based SUP",
                );
            }
            _ => {}
        }
    }
    super::cascade::r05_requests(lines, cx, &mut o);
    o
}

/// R08: the ITMU catalog first refreshes at `itmu_first_refresh` (when the scenario has SMS
/// 2003 clients) and then every `itmu_catalog_interval`.
pub(super) fn r08(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R08");
    let interval = cx.settings.itmu_catalog_interval.0.ms();
    let first = cx.settings.itmu_first_refresh.0.ms();
    let refreshes: Vec<&Line> = lines
        .iter()
        .filter(|l| l.kind == "itmu_catalog_refreshed")
        .collect();
    let legacy = cx
        .scenario
        .is_some_and(|s| s.clients.iter().any(|g| g.legacy));
    match refreshes.first() {
        Some(l) => {
            o.checked += 1;
            if l.t != first {
                o.fail(
                    l,
                    &format!("the first ITMU refresh is due at {first} ms (itmu_first_refresh)"),
                );
            }
        }
        None if legacy && first <= cx.end => o.violations.push(format!(
            "no ITMU refresh, though SMS 2003 clients need one at {first} ms"
        )),
        None => {}
    }
    for pair in refreshes.windows(2) {
        o.checked += 1;
        if pair[1].t - pair[0].t != interval {
            o.fail(
                pair[1],
                &format!(
                    "ITMU refresh {} ms after the previous one, expected {interval}",
                    pair[1].t - pair[0].t
                ),
            );
        }
    }
    if let Some(last) = refreshes.last()
        && last.t + interval <= cx.end
    {
        o.fail(last, "the next ITMU refresh is missing");
    }
    o
}

/// R07: migrated updates are reactivated exactly when the site database is first updated by
/// a sync after the migration, never before or without one.
pub(super) fn r07(lines: &[Line]) -> Outcome {
    let mut o = Outcome::new("R07");
    // site → the migration is waiting for its first site database update
    let mut waiting: BTreeMap<&str, bool> = BTreeMap::new();
    // site → when that update happened: the one time a reactivation belongs
    let mut synced: BTreeMap<&str, u64> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        let site = l.site.as_deref().unwrap_or("");
        match l.kind.as_str() {
            "updates_expired" if l.reason.as_deref() == Some("sms2003_migration") => {
                waiting.insert(site, true);
            }
            "updates_reactivated" if synced.get(site) == Some(&l.t) => {}
            "updates_reactivated" if waiting.get(site) != Some(&true) => {
                o.fail(
                    l,
                    "updates reactivated without a pending SMS 2003 migration",
                );
            }
            "updates_reactivated" => {
                o.fail(
                    l,
                    "migrated updates reactivated before the site database was updated by a sync",
                );
            }
            "site_db_updated" if waiting.get(site) == Some(&true) => {
                o.checked += 1;
                waiting.insert(site, false);
                synced.insert(site, l.t);
                let reactivated = lines[i + 1..]
                    .iter()
                    .take_while(|m| m.t == l.t)
                    .any(|m| m.kind == "updates_reactivated" && m.site.as_deref() == Some(site));
                if !reactivated {
                    o.fail(l, "the first sync after the SMS 2003 upgrade did not reactivate migrated updates");
                }
            }
            _ => {}
        }
    }
    o
}
