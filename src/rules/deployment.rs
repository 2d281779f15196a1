//! Checks of the deployment rules on a trace: R16–R18 (the retries R19–R21 are in
//! `retries`, notifications and dialogs R22–R24 in `notify`, installs R25 in `install`).
//! They read trace lines, the parameters and the scenario's deployments; never the model.

use super::agent::Jobs;
use super::periodic::Ticks;
use super::trace::Line;
use super::{Ctx, Outcome};
use std::collections::{BTreeMap, BTreeSet};

/// Time to move `bytes` at `mbps` megabits per second, in whole milliseconds rounded up.
pub(super) fn transfer(bytes: u64, mbps: f64) -> u64 {
    (bytes as f64 * 8.0 / (mbps * 1e6) * 1_000.0).ceil() as u64
}

/// R16: content reaches a DP only after its deployment was created, and clients download a
/// deployment only from DPs that hold its content. Given the scenario, the wizard finishes
/// (`deployment_created`) once the files it downloaded reached the package source at
/// `source_download_mbps`; the package is on a DP when its copy finishes (the copies'
/// limits and timing are `DISTRIBUTION`'s, `content.rs`).
pub(super) fn r16(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R16");
    let s = cx.settings;
    let mut created: BTreeMap<&str, u64> = BTreeMap::new();
    let mut on_dp: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut copied: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    let spec = |d: &str| cx.scenario?.deployments.iter().find(|x| x.id == d);
    let size = |d: &str| -> Option<u64> {
        let sc = cx.scenario?;
        let ups = &spec(d)?.updates;
        Some(
            sc.catalog
                .iter()
                .filter(|u| ups.contains(&u.id))
                .fold(0u64, |n, u| n.saturating_add(u.size.0)),
        )
    };
    for l in lines {
        let d = l.deployment();
        match l.kind.as_str() {
            "deployment_created" => {
                created.insert(d, l.t);
                let (Some(x), Some(total)) = (spec(d), size(d)) else {
                    continue;
                };
                o.checked += 1;
                let bytes = l.downloaded.unwrap_or(0);
                let expect = cx
                    .ms(&x.created)
                    .saturating_add(transfer(bytes, s.source_download_mbps));
                if bytes > total || l.t != expect {
                    o.fail(
                        l,
                        &format!("{bytes} bytes to the package source of a {total}-byte deployment created at {} ms: done at {expect} ms", cx.ms(&x.created)),
                    );
                }
            }
            "content_transfer_done" => {
                copied.insert((d, l.dp.as_deref().unwrap_or("")), l.t);
            }
            "content_on_dp" => {
                o.checked += 1;
                let dp = l.dp.as_deref().unwrap_or("");
                if !created.contains_key(d) {
                    o.fail(l, "content on a DP before the deployment was created");
                }
                // The copy's timing is DISTRIBUTION's (`content.rs`).
                if copied.get(&(d, dp)) != Some(&l.t) {
                    o.fail(l, "content on a DP without its copy finishing then");
                }
                on_dp.insert((d, dp));
            }
            "download_start" => {
                o.checked += 1;
                let dp = l.dp.as_deref().unwrap_or("");
                let served = served(l);
                if served.is_empty() || !served.iter().all(|d| on_dp.contains(&(d, dp))) {
                    o.fail(
                        l,
                        "download from a DP that does not hold the content of every deployment it serves",
                    );
                }
            }
            _ => {}
        }
    }
    o
}

/// The deployments a download serves: its `deployments` list, or its `deployment`.
fn served(l: &Line) -> Vec<&str> {
    match &l.deployments {
        Some(list) => list.iter().map(String::as_str).collect(),
        None => l.deployment.as_deref().into_iter().collect(),
    }
}

/// R17: a client downloads only after its evaluation scan, an optional deployment only after
/// the user started it (or it got a deadline, which re-publishes the deployment's policy so
/// that clients register the change at their next poll); the evaluation scan runs when the deployment
/// policy arrives, or at each tick of the client's re-evaluation (every
/// `deployment_reevaluation_interval` from the end of its first evaluation scan), or after
/// a served compliance scan when its last evaluation scan failed and is not due again, or
/// when the job running then ends; a download job starts at what calls
/// for it — an evaluation scan, the user's start, a pre-install scan, the end of the previous
/// download, the machine's start-up — and its retries follow their timers (R19–R21).
pub(super) fn r17(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R17");
    let mut mandatory: BTreeMap<&str, bool> = BTreeMap::new();
    let mut evaluated: BTreeSet<u64> = BTreeSet::new();
    let mut started: BTreeSet<u64> = BTreeSet::new();
    // client → when an evaluation scan came due and was not run yet, and why
    let mut received: BTreeMap<u64, Vec<(u64, &str)>> = BTreeMap::new();
    let mut ticks = Ticks::new(cx.settings.deployment_reevaluation_interval.0.ms());
    // client → when something last called for a download job; the job's attempt is then
    let mut calls: BTreeMap<u64, u64> = BTreeMap::new();
    let mut in_job: BTreeSet<u64> = BTreeSet::new();
    // client → the deployments its last deployment policy brought, and those its last
    // evaluation scan recorded: a policy it holds unrecorded with no evaluation scan due
    // means that scan failed
    let mut held: BTreeMap<u64, &[String]> = BTreeMap::new();
    let mut recorded: BTreeMap<u64, &[String]> = BTreeMap::new();
    let mut out: BTreeSet<&str> = BTreeSet::new(); // deployments whose policy is out
    let (mut jobs, mut scratch) = (Jobs::default(), Outcome::new("AGENT"));
    for (i, l) in lines.iter().enumerate() {
        let c = l.client();
        // Only the first of several ticks due at once matters: one scan serves them all.
        if l.client.is_some()
            && let Some((first, _)) = ticks.pass(c, l.t)
        {
            received.entry(c).or_default().push((first, TICK));
        }
        match l.kind.as_str() {
            "deployment_created" => {
                mandatory.insert(l.deployment(), l.mandatory.unwrap_or(false));
            }
            "policy_created" if l.policy.as_deref() == Some("deployment") => {
                out.insert(l.deployment());
            }
            "deadline_changed" => {
                mandatory.insert(l.deployment(), true);
                // Clients register the change at their next poll: the policy goes out again.
                let again = lines[i + 1..].iter().take_while(|m| m.t == l.t).any(|m| {
                    m.kind == "policy_created"
                        && m.policy.as_deref() == Some("deployment")
                        && m.deployment == l.deployment
                });
                if out.contains(l.deployment()) && !again {
                    o.fail(
                        l,
                        "a deadline change whose deployment policy is not published again",
                    );
                }
            }
            "policy_received" if l.policy.as_deref() == Some("deployment") => {
                received.entry(c).or_default().push((l.t, POLICY));
                held.insert(c, l.deployments.as_deref().unwrap_or_default());
            }
            "scan_start" if l.reason() == "evaluation" => {
                o.checked += 1;
                evaluated.insert(c);
                let due = received.remove(&c).unwrap_or_default();
                match due.first() {
                    // The retry of a failed one (`scans.rs` times it).
                    None if cx.retries.is_retry(c, l.t) => {}
                    None => o.fail(
                        l,
                        "an evaluation scan without a deployment policy received or a re-evaluation due",
                    ),
                    Some(&(r, why)) if !jobs.may_start(c, cx.power.resumed(c, r), l.t) => o.fail(
                        l,
                        &format!("evaluation scan at {} ms for the {why} at {r} ms: it runs then, or when the job running then ends", l.t),
                    ),
                    Some(_) => {}
                }
            }
            // The first registration starts the client's re-evaluation.
            "scan_done" if l.reason() == "evaluation" => {
                recorded.insert(c, held.get(&c).copied().unwrap_or_default());
                ticks.start(c, l.t);
                calls.insert(c, l.t);
            }
            // A served compliance scan after an evaluation scan that failed (and is not due
            // again) calls for the evaluation once more.
            "scan_done"
                if l.reason() == "compliance"
                    && !received.contains_key(&c)
                    && held.get(&c).is_some_and(|h| {
                        let r = recorded.get(&c).copied().unwrap_or_default();
                        h.iter().any(|d| !r.contains(d))
                    }) =>
            {
                received.entry(c).or_default().push((l.t, LOST));
                calls.insert(c, l.t);
            }
            "user_install" => {
                started.insert(c);
                calls.insert(c, l.t);
            }
            // After any scan the client acts on what it now holds as required (R17), and so
            // it does at start-up; a finished or abandoned job hands over to deployments
            // still waiting.
            "scan_done" | "client_online" => {
                calls.insert(c, l.t);
            }
            "download_done" | "download_gave_up" => {
                calls.insert(c, l.t);
                in_job.remove(&c);
            }
            "location_failed" | "dp_connect_failed" | "download_start" | "peer_download_start" => {
                if in_job.insert(c) && calls.get(&c) != Some(&l.t) {
                    o.fail(
                        l,
                        "a download job that no scan, user, finished or abandoned download called for at that moment",
                    );
                }
                if !l.kind.ends_with("download_start") {
                    continue;
                }
                o.checked += 1;
                if !evaluated.contains(&c) {
                    o.fail(l, "download before the client's evaluation scan");
                }
                let must = served(l)
                    .iter()
                    .any(|d| mandatory.get(d).copied().unwrap_or(false));
                if !must && !started.contains(&c) {
                    o.fail(
                        l,
                        "an optional deployment downloaded before the user started it",
                    );
                }
            }
            _ => {}
        }
        jobs.observe(l, &mut scratch);
    }
    for (c, first, _) in ticks.pass_all(cx.end) {
        received.entry(c).or_default().push((first, TICK));
    }
    for (c, due) in &received {
        if let Some(&(r, why)) = due.first()
            && r <= cx.end
            && !jobs.busy(*c)
            && !cx.power.off_at_end(*c, cx.end)
        {
            o.violations.push(format!(
                "client {c}: the {why} at {r} ms was never evaluated"
            ));
        }
    }
    o
}

/// What called for an evaluation scan: a tick of re-evaluation or a policy receipt.
/// Why an evaluation scan came due.
const TICK: &str = "re-evaluation due";
const POLICY: &str = "deployment policy received";
const LOST: &str = "evaluation lost to a failed scan";

/// R18: an update installs only after the client downloaded it into its cache: given the
/// scenario, a download serving a deployment that contains the update; without it, any
/// download. The downloads take the time their rates give (`bandwidth`).
pub(super) fn r18(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R18");
    let mut containing: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for d in cx.scenario.map_or(&[][..], |s| &s.deployments) {
        for u in &d.updates {
            containing
                .entry(u.as_str())
                .or_default()
                .insert(d.id.as_str());
        }
    }
    let mut cached: BTreeMap<u64, BTreeSet<&str>> = BTreeMap::new();
    for l in lines {
        match l.kind.as_str() {
            "download_done" => {
                cached.entry(l.client()).or_default().extend(served(l));
            }
            "install_start" => {
                o.checked += 1;
                let have = cached.get(&l.client());
                let ok = match (cx.scenario, containing.get(l.update())) {
                    (None, _) => have.is_some(),
                    (Some(_), None) => false,
                    (Some(_), Some(ds)) => have.is_some_and(|h| ds.iter().any(|d| h.contains(d))),
                };
                if !ok {
                    o.fail(
                        l,
                        &format!(
                            "install of {} before a download of it into the client's cache",
                            l.update()
                        ),
                    );
                }
            }
            _ => {}
        }
    }
    if cx.filter.is_none() {
        super::bandwidth::check(lines, cx, &mut o);
    }
    o
}
