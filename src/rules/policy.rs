//! Machine policy and the compliance scan it starts (R09, R10). A finished sync creates the
//! site-wide scan policy; clients get it at their next machine policy poll, at a fixed phase
//! of their polling cycle (R09), and schedule their compliance scan uniformly within
//! `scan_window` (R10). The policy reaches every client that follows the site, and every
//! receipt schedules a scan unless one is already scheduled or under way. From its first
//! compliance scan, each client's scan schedule does the same at every tick of
//! `scan_schedule_interval` (SMS 2003 clients have none: their scans follow ITMU, R08).

use super::agent::Jobs;
use super::periodic::Ticks;
use super::trace::Line;
use super::{Ctx, Outcome, stats};
use crate::scenario::Scenario;
use std::collections::{BTreeMap, BTreeSet};

/// R09: a client receives policy within one polling interval after such a policy was created,
/// and always at the same phase of its polling cycle. Given the scenario, every client that
/// follows the site's scan policy (or, for SMS 2003 clients, the ITMU policy) receives each
/// one within that interval.
pub(super) fn r09(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R09");
    let interval = cx.settings.machine_policy_interval.0.ms();
    let mut created: BTreeMap<&str, u64> = BTreeMap::new();
    let mut phase: BTreeMap<u64, u64> = BTreeMap::new();
    // client → when it received a scan (or ITMU scan) policy
    let mut receipts: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for l in lines {
        let policy = l.policy.as_deref().unwrap_or("");
        match l.kind.as_str() {
            "policy_created" => {
                created.insert(policy, l.t);
            }
            // A machine polls at start-up, off its phase (R09 as a client does at boot).
            "policy_received" if cx.power.started_at(l.client(), l.t) => {
                o.checked += 1;
                if !created.contains_key(policy) {
                    o.fail(l, "policy received before any such policy was created");
                }
                if policy != "deployment" {
                    receipts.entry(l.client()).or_default().push(l.t);
                }
            }
            "policy_received" => {
                o.checked += 1;
                match created.get(policy) {
                    None => o.fail(l, "policy received before any such policy was created"),
                    Some(&c) if l.t - c >= interval => o.fail(
                        l,
                        &format!("received {} ms after the policy was created; polls are every {interval} ms", l.t - c),
                    ),
                    _ => {}
                }
                let p = *phase.entry(l.client()).or_insert(l.t % interval);
                if p != l.t % interval {
                    o.fail(l, "the client's machine policy poll moved off its phase");
                }
                if policy != "deployment" {
                    receipts.entry(l.client()).or_default().push(l.t);
                }
            }
            _ => {}
        }
    }
    if let Some(s) = cx.scenario {
        delivered(lines, cx, s, &receipts, &mut o);
    }
    o
}

/// Client ids: the first and how many.
type Range = (u64, u64);

/// The client ids (first, count) that follow each site's scan policy — the groups whose
/// nearest site with a SUP, from their own up, is that site — and the SMS 2003 clients,
/// which follow the ITMU policy instead.
fn followers(s: &Scenario) -> (BTreeMap<&str, Vec<Range>>, Vec<Range>) {
    let (mut by_site, mut legacy) = (BTreeMap::new(), Vec::new());
    let mut first = 0;
    for g in &s.clients {
        let range = (first, u64::from(g.count));
        first += u64::from(g.count);
        if g.legacy {
            legacy.push(range);
            continue;
        }
        if let Some(x) = super::nearest(s, &g.site, |x| x.sup.is_some()) {
            by_site
                .entry(x.code.as_str())
                .or_insert_with(Vec::new)
                .push(range);
        }
    }
    (by_site, legacy)
}

/// Every follower of each scan or ITMU policy receives it within one polling interval.
fn delivered(
    lines: &[Line],
    cx: &Ctx,
    s: &Scenario,
    receipts: &BTreeMap<u64, Vec<u64>>,
    o: &mut Outcome,
) {
    let interval = cx.settings.machine_policy_interval.0.ms();
    let (by_site, legacy) = followers(s);
    let kept = |c: u64| cx.filter.is_none_or(|[a, b]| (a..b).contains(&c));
    for l in lines.iter().filter(|l| l.kind == "policy_created") {
        let ranges = match l.policy.as_deref() {
            Some("scan") => by_site.get(l.site()).map_or(&[][..], Vec::as_slice),
            Some("itmu_scan") => &legacy[..],
            _ => continue,
        };
        if l.t + interval > cx.end {
            continue;
        }
        let missing = ranges
            .iter()
            .flat_map(|&(first, n)| first..first + n)
            .filter(|&c| kept(c))
            .filter(|&c| {
                // Off during the interval: at its start-up, or never if it stays off.
                let by = match cx.power.off_during(c, l.t, l.t + interval) {
                    true => cx.power.resumed(c, l.t + interval - 1).saturating_add(1),
                    false => l.t + interval,
                };
                by <= cx.end
                    && !receipts
                        .get(&c)
                        .is_some_and(|r| r.iter().any(|&t| (l.t..by).contains(&t)))
            })
            .collect::<Vec<_>>();
        if let Some(c) = missing.first() {
            o.fail(
                l,
                &format!(
                    "{} clients (client {c} first) did not receive this policy at their next poll",
                    missing.len()
                ),
            );
        }
    }
}

/// R10: the compliance scan is scheduled when the scan policy arrives, or at a tick of the
/// client's scan schedule (every `scan_schedule_interval` from its first compliance scan), at
/// a uniformly random time within `scan_window`, and starts then — or, if the agent is busy
/// then, when the running job ends (`agent`). A tick schedules a scan unless one is
/// scheduled or running at that moment; a tick that does neither is missing. The draws
/// together must look uniform on the window.
pub(super) fn r10(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R10");
    let window = cx.settings.scan_window.0.ms();
    let mut received: BTreeMap<u64, u64> = BTreeMap::new();
    let mut due: BTreeMap<u64, (u64, &Line)> = BTreeMap::new();
    let mut draws = Vec::new();
    let (mut jobs, mut scratch) = (Jobs::default(), Outcome::new("AGENT"));
    let mut scanning: BTreeSet<u64> = BTreeSet::new(); // clients in a compliance scan
    let every = cx.settings.scan_schedule_interval.0.ms();
    let mut ticks = Ticks::new(every);
    let mut legacy: BTreeSet<u64> = BTreeSet::new(); // clients that got ITMU policy
    let mut scan_end: BTreeMap<u64, u64> = BTreeMap::new(); // last compliance scan's end
    // The ticks of client `c` from `first` (`n` of them) with its state unchanged since the
    // first: a scan scheduled or running then absorbs them all; a scan that ended at the
    // first tick, that one.
    let judge = |o: &mut Outcome, c: u64, (first, n): (u64, u64), busy: bool, ended: u64| {
        o.checked += n as usize;
        let absorbed = u64::from(ended == first);
        if !busy && n > absorbed {
            o.violations.push(format!(
                "client {c}: {} ticks of the scan schedule from {} ms scheduled no compliance scan, with none scheduled or running",
                n - absorbed,
                first + absorbed * every
            ));
        }
    };
    // client → the start-up that owes the scan of a tick missed while off
    let mut tick_owed: BTreeMap<u64, u64> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        let c = l.client();
        if let Some(&t) = tick_owed.get(&c)
            && l.t > t
        {
            tick_owed.remove(&c);
            if !(due.contains_key(&c)
                || scanning.contains(&c)
                || cx.retries.compliance_waiting(c, t))
            {
                o.violations.push(format!(
                    "client {c}: a tick of the scan schedule missed while off scheduled no scan at its start-up ({t} ms)"
                ));
            }
        }
        if l.client.is_some()
            && let Some(passed) = ticks.pass(c, l.t.saturating_sub(1))
        {
            let busy = due.contains_key(&c) || scanning.contains(&c);
            let start_up = cx.power.resumed(c, passed.0);
            if start_up != passed.0 {
                // Missed while off: the scan is scheduled at the start-up.
                o.checked += passed.1 as usize;
                if !busy && start_up <= cx.end {
                    tick_owed.insert(c, start_up);
                }
            } else {
                judge(
                    &mut o,
                    c,
                    passed,
                    busy,
                    scan_end.get(&c).copied().unwrap_or(0),
                );
            }
        }
        if l.kind == "scan_start" && l.reason() == "compliance" && !legacy.contains(&c) {
            ticks.start(c, l.t);
        }
        match l.kind.as_str() {
            "policy_received" => {
                received.insert(c, l.t);
                if l.policy.as_deref() == Some("itmu_scan") {
                    legacy.insert(c);
                }
                let scheduled = || {
                    lines[i + 1..]
                        .iter()
                        .take_while(|m| m.t == l.t)
                        .any(|m| m.kind == "scan_scheduled" && m.client == l.client)
                };
                if l.policy.as_deref() != Some("deployment")
                    && !due.contains_key(&c)
                    && !scanning.contains(&c)
                    && !cx.retries.compliance_waiting(c, l.t)
                    && !scheduled()
                {
                    o.fail(
                        l,
                        "a scan policy received, no compliance scan scheduled or under way",
                    );
                }
            }
            "scan_done" if l.reason() == "compliance" => {
                scanning.remove(&c);
                scan_end.insert(c, l.t);
            }
            // A failed compliance scan is retried (`scans.rs` times the retry).
            "scan_failed" if l.scan.as_deref() == Some("compliance") => {
                scanning.remove(&c);
            }
            "scan_scheduled" => {
                o.checked += 1;
                let at = l.at.unwrap_or(0);
                let tick = ticks.hit(c, l.t) || tick_owed.remove(&c) == Some(l.t);
                if received.get(&c) != Some(&l.t) && !tick {
                    o.fail(
                        l,
                        "scan scheduled without a policy received or a tick of the scan schedule at that moment",
                    );
                }
                if at < l.t || at - l.t >= window {
                    o.fail(
                        l,
                        &format!(
                            "scan scheduled {} ms after the policy or tick; the window is {window} ms",
                            at as i128 - l.t as i128
                        ),
                    );
                } else {
                    draws.push((at - l.t) as f64 / window as f64);
                }
                if let Some((_, prev)) = due.insert(c, (at, l)) {
                    o.fail(
                        l,
                        &format!("a second compliance scan scheduled while the one of line {} waits", prev.line),
                    );
                }
            }
            "scan_start" if l.reason() == "compliance" => match (scanning.insert(c), due.remove(&c)) {
                (_, None) if cx.retries.is_retry(c, l.t) => {}
                (_, None) => o.fail(l, "a compliance scan that was not scheduled"),
                (_, Some((at, _))) if !jobs.may_start(c, cx.power.resumed(c, at), l.t) => o.fail(
                    l,
                    &format!("compliance scan at {} ms, scheduled at {at} ms: it starts then, or when the job running then ends", l.t),
                ),
                _ => {}
            },
            _ => {}
        }
        jobs.observe(l, &mut scratch);
    }
    for (c, first, n) in ticks.pass_all(cx.end) {
        if cx.power.resumed(c, first) != first {
            continue; // off at the tick: caught up at a start-up the run does not reach
        }
        let busy = due.contains_key(&c) || scanning.contains(&c);
        judge(
            &mut o,
            c,
            (first, n),
            busy,
            scan_end.get(&c).copied().unwrap_or(0),
        );
    }
    for (c, (at, l)) in due {
        if at <= cx.end && !jobs.busy(c) && !cx.power.off_at_end(c, cx.end) {
            o.fail(
                l,
                &format!("the compliance scan due at {at} ms never started"),
            );
        }
    }
    let n = draws.len();
    if let Some(ks) = stats::not_uniform(draws) {
        o.violations
            .push(stats::message("compliance scan delays", n, window, ks));
    }
    o
}
