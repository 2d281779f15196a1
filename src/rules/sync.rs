//! Checks of the synchronization rules on a trace: R01–R08.
//! Each check reads only trace lines and the parameter values, never the model.

use super::Outcome;
use super::trace::Line;
use crate::scenario::Settings;
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

fn is_status(l: &Line, id: u64) -> bool {
    l.kind == "status_message" && l.id == Some(id)
}

/// R02: 6702 only after the WSUS cycle and (except on an IBSUP) the site database update.
pub(super) fn r02(lines: &[Line]) -> Outcome {
    let sups = Sups::new(lines);
    let mut o = Outcome::new("R02");
    let mut state: BTreeMap<&str, (bool, bool, bool)> = BTreeMap::new();
    for l in lines {
        let s = state.entry(l.sup()).or_default();
        match l.kind.as_str() {
            "sync_start" => *s = (true, false, false),
            "wsus_sync_done" if !s.0 => o.fail(l, "WSUS sync cycle done without a sync_start"),
            "wsus_sync_done" => s.1 = true,
            "site_db_updated" if !s.1 => o.fail(
                l,
                "site database updated before the WSUS sync cycle finished",
            ),
            "site_db_updated" => s.2 = true,
            "status_message" if l.id == Some(6702) => {
                o.checked += 1;
                let needs_db = !sups.internet(l.sup());
                if !(s.0 && s.1 && (s.2 || !needs_db)) {
                    o.fail(
                        l,
                        "6702 before both the WSUS sync cycle and the site database update",
                    );
                }
                *s = (false, false, false);
            }
            "status_message" => *s = (false, false, false),
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

/// R04: a child SUP starts only after its upstream's 6702 and a sync request; every 6702
/// sends a request to each child SUP; only one SUP syncs from Microsoft Update.
pub(super) fn r04(lines: &[Line]) -> Outcome {
    let sups = Sups::new(lines);
    let mut o = Outcome::new("R04");
    let mut done: BTreeMap<&str, u64> = BTreeMap::new();
    let mut requested: BTreeSet<&str> = BTreeSet::new();
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
                if l.trigger.as_deref() == Some("parent") && !requested.remove(l.sup()) {
                    o.fail(
                        l,
                        "child sync starts without a sync request from its parent",
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
            "sync_request" => {
                requested.insert(l.to_sup.as_deref().unwrap_or(""));
            }
            _ => {}
        }
    }
    o
}

/// R05: an IBSUP starts at its active SUP's 6702, syncs from it, and never updates the site
/// database.
pub(super) fn r05(lines: &[Line]) -> Outcome {
    let sups = Sups::new(lines);
    let mut o = Outcome::new("R05");
    let mut done: BTreeMap<&str, u64> = BTreeMap::new();
    let mut busy: BTreeSet<&str> = BTreeSet::new();
    for (i, l) in lines.iter().enumerate() {
        match l.kind.as_str() {
            "sync_start" if sups.internet(l.sup()) => {
                busy.insert(l.sup());
                if l.trigger.as_deref() != Some("active_sup") {
                    continue;
                }
                o.checked += 1;
                let up = l.upstream.as_deref().unwrap_or("");
                if done.get(up) != Some(&l.t) {
                    o.fail(
                        l,
                        &format!("IBSUP sync does not start at the 6702 of its active SUP {up}"),
                    );
                }
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
            "status_message" if sups.internet(l.sup()) => {
                busy.remove(l.sup());
            }
            "status_message" if l.id == Some(6702) => {
                done.insert(l.sup(), l.t);
                for ib in sups.downstream(l.sup()).1 {
                    let started = lines[i + 1..]
                        .iter()
                        .take_while(|m| m.t == l.t)
                        .any(|m| m.kind == "sync_start" && m.sup() == ib);
                    if !started && !busy.contains(ib) {
                        o.fail(
                            l,
                            &format!("IBSUP {ib} did not start right after this 6702"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    o
}

/// R06: each 6703 schedules a retry `sync_retry_interval` later, and the SUP's next sync
/// starts exactly then, as a retry.
pub(super) fn r06(lines: &[Line], settings: &Settings) -> Outcome {
    let mut o = Outcome::new("R06");
    let interval = settings.sync_retry_interval.0.ms();
    let end = lines.last().map_or(0, |l| l.t);
    for (i, l) in lines.iter().enumerate() {
        if !is_status(l, 6703) {
            continue;
        }
        o.checked += 1;
        let rest = &lines[i + 1..];
        let retry = rest
            .iter()
            .take_while(|m| m.t == l.t)
            .find(|m| m.kind == "sync_retry_scheduled" && m.sup() == l.sup());
        let Some(at) = retry.and_then(|m| m.at) else {
            o.fail(l, "6703 without a sync_retry_scheduled");
            continue;
        };
        if at != l.t + interval {
            o.fail(
                l,
                &format!(
                    "retry scheduled {} ms after the failure, expected {interval}",
                    at - l.t
                ),
            );
        }
        match rest
            .iter()
            .find(|m| m.kind == "sync_start" && m.sup() == l.sup())
        {
            Some(next) if next.t != at || next.trigger.as_deref() != Some("retry") => o.fail(
                next,
                &format!(
                    "the next sync after the 6703 at line {} must be the retry at {at} ms",
                    l.line
                ),
            ),
            None if at <= end => o.fail(l, "the retry never started"),
            _ => {}
        }
    }
    o
}

/// R08: the ITMU catalog refreshes every `itmu_catalog_interval`.
pub(super) fn r08(lines: &[Line], settings: &Settings) -> Outcome {
    let mut o = Outcome::new("R08");
    let interval = settings.itmu_catalog_interval.0.ms();
    let refreshes: Vec<&Line> = lines
        .iter()
        .filter(|l| l.kind == "itmu_catalog_refreshed")
        .collect();
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
    o
}

/// R01: syncs started by the schedule or by "Run Synchronization" are the top site's, from
/// Microsoft Update.
pub(super) fn r01(lines: &[Line]) -> Outcome {
    let mut o = Outcome::new("R01");
    for l in lines.iter().filter(|l| l.kind == "sync_start") {
        if matches!(l.trigger.as_deref(), Some("schedule" | "manual")) {
            o.checked += 1;
            if l.upstream.as_deref() != Some("microsoft_update") {
                o.fail(
                    l,
                    "scheduled and manual syncs run at the top site, from Microsoft Update",
                );
            }
        }
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
