//! Automatic deployment rules (issue 12, item 7): after each successful sync at its site a
//! rule deploys the new updates matching its criteria, at the sync's instant, with its
//! offsets from the run and deadline installs spread over 2 hours; a sync that brings
//! nothing it takes makes nothing. `cmsim verify` (outcome `ADR`) rereads the runs from the
//! sync lines and the catalog; doctored traces break it; bad rules are refused with the field.

mod common;
use common::*;
use serde_json::Value;

/// A daily sync; September's updates at the start, October's on day 1 (one security, one
/// definition, one superseding September's), one rule taking security updates.
fn rule(fields: &str) -> String {
    format!(
        r#"Scenario(name: "adr", seed: 3, end: "3d",
        sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["MP"],
                 distribution_points: ["DP1"])],
        clients: [(name: "desktops", site: "PR1", count: 60)],
        catalog: [(id: "KB1", title: "2023-09 Cumulative Update", size: "30MB"),
                  (id: "KB2", title: "2023-10 Cumulative Update", size: "30MB",
                   supersedes: ["KB1"], released: "1d"),
                  (id: "KB3", title: "Definition 1.2", size: "5MB", released: "1d",
                   classification: Definition, restart: false)],
        automatic_deployment_rules: [(name: "Monthly", classifications: [Security],
            target: [(group: "desktops")], available_after: "1h", deadline_after: "6h"{fields})],
        settings: (sync_schedule_first: "1h", sync_schedule_interval: "1d"))"#
    )
}

fn made(lines: &[Value]) -> Vec<&Value> {
    kind(lines, "adr_deployment_created")
}

#[test]
fn adr_each_sync_deploys_its_new_matching_updates_with_offsets_from_the_run() {
    let lines = verified_lines(&rule(""));
    let runs = made(&lines);
    // Day 0: KB1; day 1: KB2 (KB3 is a definition); day 2 brings nothing new.
    assert_eq!(runs.len(), 2, "{runs:?}");
    let syncs = kind(&lines, "site_db_updated");
    for (run, (id, n)) in runs.iter().zip([("Monthly/1", 1), ("Monthly/2", 1)]) {
        assert_eq!(run["deployment"], id);
        assert_eq!(u(run, "updates"), n);
        assert!(syncs.iter().any(|s| t(s) == t(run)));
        let created = kind(&lines, "deployment_created")
            .into_iter()
            .find(|l| l["deployment"] == id)
            .unwrap();
        assert_eq!(u(created, "deadline"), t(run) + 7 * 3_600_000);
    }
    // Deadline installs spread over up to 2 hours after the deadline.
    let acts = kind(&lines, "deadline_activation");
    assert!(!acts.is_empty());
    assert!(
        acts.iter()
            .all(|a| u(a, "at") - u(a, "deadline") < 2 * 3_600_000)
    );
}

#[test]
fn adr_title_filter_and_superseded_criterion_choose_the_updates() {
    // Superseded ones too: at the day-1 full sync KB1 is marked expired, not taken again.
    let lines = verified_lines(&rule(
        r#", title: "cumulative", superseded: true, max_runs: 1"#,
    ));
    let runs = made(&lines);
    assert_eq!(runs.len(), 1, "one run left: {runs:?}");
    let lines = verified_lines(&rule(r#", title: "definition""#));
    assert!(made(&lines).is_empty(), "no security update is called so");
}

fn doctored(edit: impl Fn(&str) -> String, needle: &str) {
    let src = rule("");
    let loaded = cmsim::load_str("adr.ron", &src).unwrap();
    let trace = cmsim::trace_to_string(&loaded.world);
    let bad: String = trace.lines().map(|l| edit(l) + "\n").collect();
    let report = cmsim::rules::verify_str(&bad, Some(&loaded.scenario)).unwrap();
    let o = report.outcomes.iter().find(|o| o.id == "ADR").unwrap();
    assert!(
        o.violations.iter().any(|v| v.contains(needle)),
        "{}",
        report.render()
    );
}

#[test]
fn adr_verify_rejects_wrong_counts_missing_runs_and_runs_without_a_sync() {
    doctored(
        |l| {
            l.replace(
                r#""deployment":"Monthly/1","updates":1"#,
                r#""deployment":"Monthly/1","updates":2"#,
            )
        },
        "2 updates, but the sync brought 1",
    );
    doctored(
        |l| {
            if l.contains(r#""kind":"adr_deployment_created""#) && l.contains("Monthly/2") {
                l.replace(r#""t":"#, r#""t":1"#)
            } else {
                l.to_string()
            }
        },
        "without a successful sync",
    );
    doctored(
        |l| l.replace("adr_deployment_created", "adr_deployment_dropped"),
        "made no deployment",
    );
}

#[test]
fn adr_bad_rules_are_refused_at_their_field() {
    let cases = [
        (r#", name: "a/b""#, "name"),
        (", max_runs: 0", "max_runs"),
        (
            r#", deadline_randomization: "2d""#,
            "deadline_randomization",
        ),
        (r#", title: " ""#, "title"),
        (r#", site: "PR2""#, "site"),
    ];
    for (fields, field) in cases {
        let src = rule(fields).replacen(r#"(name: "Monthly", "#, "(", 1);
        let src = if fields.contains("name:") {
            src
        } else {
            src.replacen(
                "(classifications",
                r#"(name: "Monthly", classifications"#,
                1,
            )
        };
        let err = match cmsim::load_str("bad.ron", &src) {
            Ok(_) => panic!("accepted: {fields}"),
            Err(e) => e.to_string(),
        };
        assert!(
            err.contains("bad.ron:")
                && err.contains(&format!("automatic_deployment_rules[0].{field}")),
            "{fields}: {err}"
        );
    }
    let err = cmsim::load_str("bad.ron", &rule("").replace("[Security]", "[Securty]"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("Security"), "a misspelt classification: {err}");
}

#[test]
fn adr_a_run_taking_more_than_1000_updates_fails_and_makes_nothing() {
    let catalog: Vec<String> = (0..1001)
        .map(|k| format!(r#"(id: "KB{k}", size: "1KB", restart: false)"#))
        .collect();
    let src = format!(
        r#"Scenario(name: "adr-1001", seed: 1, end: "3h",
        sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["MP"],
                 distribution_points: ["DP1"])],
        clients: [(name: "desktops", site: "PR1", count: 2)],
        catalog: [{}],
        automatic_deployment_rules: [(name: "All", target: [(group: "desktops")])],
        settings: (sync_schedule_first: "1h"))"#,
        catalog.join(",")
    );
    let lines = verified_lines(&src);
    assert_eq!(kind(&lines, "site_db_updated").len(), 1);
    assert!(made(&lines).is_empty());
}

/// The rule scenario with laptops that are on 4 hours in 24, some of them off at the start,
/// over 6 days.
fn with_laptops() -> String {
    rule("")
        .replace(
            r#"count: 60)"#,
            r#"count: 60, availability: Intermittent(online: "4h", offline: "20h"))"#,
        )
        .replace(r#"end: "3d""#, r#"end: "6d""#)
}

#[test]
fn adr_deployments_count_in_the_machine_figures_from_their_run() {
    let src = with_laptops();
    let lines = verified_lines(&src);
    let runs = made(&lines);
    assert_eq!(runs.len(), 2, "{runs:?}");
    let states = kind(&lines, "machine_state");
    // The first run targets the 60 machines: each joins the figures at that instant, as
    // "never online" exactly when it has been off since the start.
    let joined: Vec<_> = states
        .iter()
        .filter(|l| l["from"] == "not_targeted")
        .collect();
    assert_eq!(joined.len(), 60);
    assert!(joined.iter().all(|l| t(l) == t(runs[0])));
    let never: Vec<u64> = joined
        .iter()
        .filter(|l| l["to"] == "never_online")
        .map(|l| u(l, "client"))
        .collect();
    let off_since_start = |c: u64| {
        lines
            .iter()
            .any(|l| l["kind"] == "client_offline" && t(l) == 0 && u(l, "client") == c)
            && !lines
                .iter()
                .any(|l| l["kind"] == "client_online" && u(l, "client") == c && t(l) <= t(runs[0]))
    };
    assert!(
        !never.is_empty(),
        "some laptops are off from the start to day 0's run"
    );
    assert!(never.iter().all(|&c| off_since_start(c)));
    // The second run asks more of machines compliant with the first: they leave compliant
    // at its instant, and none becomes compliant then.
    let at_second: Vec<_> = states.iter().filter(|l| t(l) == t(runs[1])).collect();
    assert!(
        at_second.iter().any(|l| l["from"] == "compliant"),
        "{at_second:?}"
    );
    assert!(at_second.iter().all(|l| l["to"] != "compliant"));
    // The headline counts them: 60 targeted, and its marks after the first run.
    let loaded = cmsim::load_str("adr.ron", &src).unwrap();
    let opts = cmsim::RunOptions {
        quiet: true,
        ..cmsim::RunOptions::default()
    };
    let summary = serde_json::to_value(cmsim::run(&loaded.world, &opts).unwrap()).unwrap();
    let m = &summary["machines"];
    assert_eq!(m["targeted"], 60, "{m}");
    let half = m["compliant_ms"][0]
        .as_u64()
        .expect("50 % of machines compliant");
    assert!(half > t(runs[0]), "not at the run's own instant: {m}");
}

#[test]
fn adr_verify_rejects_machines_targeted_without_a_run_or_never_online_after_a_start_up() {
    let src = with_laptops();
    let loaded = cmsim::load_str("adr.ron", &src).unwrap();
    let trace = cmsim::trace_to_string(&loaded.world);
    let judge = |bad: String, needle: &str| {
        let report = cmsim::rules::verify_str(&bad, Some(&loaded.scenario)).unwrap();
        let o = report.outcomes.iter().find(|o| o.id == "MACHINES").unwrap();
        assert!(
            o.violations.iter().any(|v| v.contains(needle)),
            "{needle}: {}",
            report.render()
        );
    };
    // The first run's line removed: its machines joined for no reason.
    let mut first = true;
    let bad: String = trace
        .lines()
        .filter(|l| {
            let run = l.contains(r#""kind":"adr_deployment_created""#) && first;
            first &= !run;
            !run
        })
        .map(|l| format!("{l}\n"))
        .collect();
    judge(bad, "no rule made a deployment");
    // A machine that was on before the run said to join as never online.
    let on: Vec<&str> = trace
        .lines()
        .filter(|l| l.contains(r#""from":"not_targeted","to":"required""#))
        .collect();
    let victim = on.first().expect("a machine that was on joins as required");
    let bad = trace.replace(
        victim,
        &victim.replace(r#""to":"required""#, r#""to":"never_online""#),
    );
    judge(bad, "never online, but the machine has been on");
}

#[test]
fn adr_at_a_primary_below_a_central_site_runs_after_that_primarys_syncs() {
    let src = r#"Scenario(name: "adr-child", seed: 5, end: "3d",
        sites: [(code: "CAS", kind: Central, sup: "CAS-SUP"),
                (code: "P01", kind: Primary, parent: "CAS", sup: "P01-SUP",
                 management_points: ["P01-MP"], distribution_points: ["P01-DP"]),
                (code: "P02", kind: Primary, parent: "CAS", sup: "P02-SUP",
                 management_points: ["P02-MP"], distribution_points: ["P02-DP"])],
        clients: [(name: "p01", site: "P01", count: 30), (name: "p02", site: "P02", count: 30)],
        catalog: [(id: "KB1", size: "10MB"), (id: "KB2", size: "10MB", released: "1d")],
        automatic_deployment_rules: [(name: "P01 only", site: "P01",
            target: [(group: "p01")], deadline_after: "4h")],
        settings: (sync_schedule_first: "1h", sync_schedule_interval: "1d"))"#;
    let lines = verified_lines(src);
    let runs = made(&lines);
    assert_eq!(
        runs.len(),
        2,
        "KB1 at the first sync, KB2 a day later: {runs:?}"
    );
    let synced = |site: &str| -> Vec<u64> {
        kind(&lines, "site_db_updated")
            .into_iter()
            .filter(|l| l["site"] == site && u(l, "new") > 0)
            .map(t)
            .collect()
    };
    let (p01, cas) = (synced("P01"), synced("CAS"));
    // Each run is at one of P01's syncs, which come after the central site's.
    assert!(runs.iter().all(|r| p01.contains(&t(r))), "{runs:?} {p01:?}");
    assert!(runs.iter().all(|r| !cas.contains(&t(r))));
    // Only P01's machines are targeted.
    let joined: Vec<u64> = kind(&lines, "machine_state")
        .into_iter()
        .filter(|l| l["from"] == "not_targeted")
        .map(|l| u(l, "client"))
        .collect();
    assert_eq!(joined.len(), 30);
    assert!(joined.iter().all(|&c| c < 30));
}

#[test]
fn adr_updates_no_window_of_the_target_fits_are_reported_as_never_fitting() {
    // A 45-minute window and a 60-minute maximum run time: the rule's updates can
    // never install there, which the summary says per group (before, a rule's deployment
    // counted with no updates, so nothing was reported).
    let src = rule("")
        .replace(
            r#"count: 60)"#,
            r#"count: 60, maintenance_windows: [(name: "short", recurrence: Daily, start: "02:00", duration: "45m")])"#,
        )
        .replace(r#"end: "3d","#, r#"end: "3d", start: "2026-12-07T00:00:00Z","#)
        .replace(
            r#"sync_schedule_interval: "1d")"#,
            r#"sync_schedule_interval: "1d", max_run_time: "1h")"#,
        );
    let loaded = cmsim::load_str("adr.ron", &src).unwrap();
    let opts = cmsim::RunOptions {
        quiet: true,
        ..cmsim::RunOptions::default()
    };
    let summary = serde_json::to_value(cmsim::run(&loaded.world, &opts).unwrap()).unwrap();
    let group = &summary["machines"]["groups"][0];
    assert_eq!(
        group["never_fits"],
        serde_json::json!(["KB1", "KB2"]),
        "{group}"
    );
    assert_eq!(group["compliant"], 0, "{group}");
}
