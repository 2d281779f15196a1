//! One test or more per deployment rule (R16–R25): build a scenario, run it, check the rule's
//! numbers in the trace.

mod common;
use common::*;
use serde_json::Value;

fn u(l: &Value, f: &str) -> u64 {
    l[f].as_u64().unwrap_or_else(|| panic!("{f} in {l}"))
}

fn of_client<'a>(lines: &'a [Value], k: &str, c: u64) -> Vec<&'a Value> {
    kind(lines, k)
        .into_iter()
        .filter(|l| l["client"] == c)
        .collect()
}

/// One primary with DPs, `n` clients, one 100 MB update synced at the start, a deployment
/// with the given fields, and extra scenario fields.
fn site(n: u32, deployment: &str, rest: &str) -> String {
    scenario(
        "12d",
        r#"sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
                    distribution_points: ["DP1", "DP2"])],"#,
        &format!(
            r#"clients: [(name: "pcs", site: "PR1", count: {n})],
               catalog: [(id: "KB1", size: "100MB")],
               deployments: [(id: "D1", updates: ["KB1"], target: [(group: "pcs")], {deployment})],
               {rest}"#
        ),
    )
}

#[test]
fn r16_files_go_to_the_package_source_then_policy_then_every_dp() {
    let lines = trace(&site(10, r#"created: "1d", deadline: "3d""#, ""));
    let created = kind(&lines, "deployment_created")[0];
    // 100 MB at 100 Mbit/s = 8 s into the package source, then 4 s to each DP at 200 Mbit/s.
    assert_eq!(t(created), DAY + 8_000);
    assert_eq!(u(created, "downloaded"), 100_000_000);
    let policy = kind(&lines, "policy_created")
        .into_iter()
        .find(|l| l["policy"] == "deployment")
        .unwrap();
    assert_eq!(t(policy), t(created));
    let on_dp: Vec<(u64, &str)> = kind(&lines, "content_on_dp")
        .iter()
        .map(|l| (t(l), l["dp"].as_str().unwrap()))
        .collect();
    assert_eq!(on_dp, vec![(DAY + 12_000, "DP1"), (DAY + 12_000, "DP2")]);
    for d in kind(&lines, "download_start") {
        assert!(
            t(d) >= DAY + 12_000,
            "clients download only content that is on the DP"
        );
    }
}

#[test]
fn r16_a_dp_that_is_down_gets_its_copy_when_it_is_back_and_files_download_once() {
    let src = scenario(
        "5d",
        r#"sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"], distribution_points: ["DP1", "DP2"])],"#,
        r#"clients: [(name: "pcs", site: "PR1", count: 5)],
           catalog: [(id: "KB1", size: "100MB")],
           deployments: [
               (id: "D1", updates: ["KB1"], target: [(group: "pcs")], created: "1d", deadline: "3d"),
               (id: "D2", updates: ["KB1"], target: [(group: "pcs")], created: "2d", deadline: "3d"),
           ],
           faults: [DpUnavailable(server: "DP2", from: "0", to: "1d 6h")]"#,
    );
    let lines = trace(&src);
    let dp2 = kind(&lines, "content_on_dp")
        .into_iter()
        .find(|l| l["dp"] == "DP2" && l["deployment"] == "D1")
        .unwrap();
    assert_eq!(t(dp2), DAY + 6 * HOUR + 4_000);
    let second = kind(&lines, "deployment_created")
        .into_iter()
        .find(|l| l["deployment"] == "D2")
        .unwrap();
    assert_eq!(u(second, "downloaded"), 0, "already in the package source");
    assert_eq!(t(second), 2 * DAY);
}

#[test]
fn r17_mandatory_updates_download_after_the_evaluation_scan() {
    let lines = trace(&site(50, r#"created: "1d", deadline: "5d""#, ""));
    for c in 0..50 {
        let eval = of_client(&lines, "scan_done", c)
            .into_iter()
            .find(|l| l["reason"] == "evaluation")
            .unwrap();
        let download = of_client(&lines, "download_start", c)[0];
        assert_eq!(
            t(download),
            t(eval),
            "as soon as possible: right after the evaluation scan"
        );
    }
}

#[test]
fn r17_optional_updates_wait_for_the_user_or_a_deadline() {
    let none = trace(&site(
        40,
        r#"created: "1d""#,
        r#"settings: (user_optional_share: 0.0)"#,
    ));
    assert!(
        kind(&none, "download_start").is_empty(),
        "optional: nobody started it"
    );
    let later = trace(&site(
        40,
        r#"created: "1d""#,
        r#"actions: [SetDeadline(at: "2d", deployment: "D1", deadline: "4d")], settings: (user_optional_share: 0.0)"#,
    ));
    let downloads = kind(&later, "download_start");
    assert_eq!(downloads.len(), 40);
    for d in downloads {
        assert!(
            t(d) > 2 * DAY && t(d) < 2 * DAY + HOUR + 5 * MIN,
            "at the next poll after the change"
        );
    }
}

#[test]
fn r18_updates_install_only_from_the_local_cache() {
    // DP2 holds the content but is down: clients sent to it never download, never install.
    let lines = trace(&site(
        40,
        r#"created: "1d", deadline: "3d""#,
        r#"faults: [DpUnavailable(server: "DP2", from: "1d 1m", to: "12d")]"#,
    ));
    for c in 0..40 {
        let downloaded = of_client(&lines, "download_done", c);
        let installs = of_client(&lines, "install_start", c);
        match downloaded.first() {
            Some(d) => assert!(installs.iter().all(|i| t(i) >= t(d))),
            None => assert!(installs.is_empty(), "client {c} installed without content"),
        }
    }
    assert!(
        !kind(&lines, "install_start").is_empty() && !kind(&lines, "dp_connect_failed").is_empty()
    );
}

/// The attempts that failed with `k` for client 0 (one time per attempt: an attempt tries
/// every DP of the list, R20), and its give-up line.
fn failures<'a>(lines: &'a [Value], k: &str) -> (Vec<u64>, Option<&'a Value>) {
    let mut times: Vec<u64> = of_client(lines, k, 0).iter().map(|l| t(l)).collect();
    times.dedup();
    (
        times,
        of_client(lines, "download_gave_up", 0).first().copied(),
    )
}

#[test]
fn r19_location_failures_retry_every_hour_and_stop_after_5_days() {
    // Neither DP ever gets the content: Location Services finds nothing.
    let lines = trace(&site(
        3,
        r#"created: "1d", deadline: "10d""#,
        r#"faults: [DpUnavailable(server: "DP1", from: "0", to: "12d"), DpUnavailable(server: "DP2", from: "0", to: "12d")]"#,
    ));
    let (times, gave_up) = failures(&lines, "location_failed");
    assert_eq!(
        times.len(),
        121,
        "every hour for 5 days, both ends included"
    );
    assert!(times.windows(2).all(|w| w[1] - w[0] == HOUR));
    let gave_up = gave_up.expect("gave up");
    assert_eq!(gave_up["reason"], "location");
    assert_eq!(t(gave_up), times[0] + 5 * DAY);
}

#[test]
fn r20_connection_failures_retry_and_stop_after_10_days() {
    let lines = trace(&site(
        1,
        r#"created: "1d", deadline: "11d""#,
        r#"faults: [DpUnavailable(server: "DP1", from: "1d 1m", to: "12d"), DpUnavailable(server: "DP2", from: "1d 1m", to: "12d")],
           settings: (dp_connect_retry_interval: "2h")"#,
    ));
    let (times, gave_up) = failures(&lines, "dp_connect_failed");
    assert_eq!(times.len(), 121, "every 2 hours for 10 days");
    assert!(times.windows(2).all(|w| w[1] - w[0] == 2 * HOUR));
    let gave_up = gave_up.expect("gave up");
    assert_eq!(gave_up["reason"], "dp_connect");
    assert_eq!(t(gave_up), times[0] + 10 * DAY);
    assert!(
        kind(&lines, "dp_connect_failed")
            .iter()
            .all(|l| t(l) <= t(gave_up)),
        "stops for good"
    );
}

#[test]
fn r21_user_started_downloads_try_every_hour_for_4_hours() {
    let lines = trace(&site(
        1,
        r#"created: "1d""#,
        r#"faults: [DpUnavailable(server: "DP1", from: "1d 1m", to: "12d"), DpUnavailable(server: "DP2", from: "1d 1m", to: "12d")],
           settings: (user_optional_share: 1.0)"#,
    ));
    let user = of_client(&lines, "user_install", 0)[0];
    assert_eq!(user["dialog"], "available");
    let (times, gave_up) = failures(&lines, "dp_connect_failed");
    assert_eq!(
        times,
        vec![
            t(user),
            t(user) + HOUR,
            t(user) + 2 * HOUR,
            t(user) + 3 * HOUR,
            t(user) + 4 * HOUR
        ]
    );
    let gave_up = gave_up.expect("gave up");
    assert_eq!(gave_up["reason"], "manual");
    assert_eq!(t(gave_up), t(user) + 4 * HOUR);
}

#[test]
fn r22_notifications_every_3_hours_then_hourly_then_every_15_minutes() {
    let lines = trace(&site(
        5,
        r#"created: "1d", deadline: "4d""#,
        r#"settings: (user_early_install_share: 0.0)"#,
    ));
    for c in 0..5 {
        let n = of_client(&lines, "notification", c);
        assert!(n.len() > 20);
        for w in n.windows(2) {
            let left = u(w[0], "deadline_in");
            let expect = if left > DAY {
                3 * HOUR
            } else if left > HOUR {
                HOUR
            } else {
                15 * MIN
            };
            assert_eq!(t(w[1]) - t(w[0]), expect, "{left} ms before the deadline");
            assert_eq!(t(w[0]) + left, 4 * DAY, "counting down to the deadline");
        }
        assert!(u(n.last().unwrap(), "deadline_in") <= 15 * MIN);
    }
}

#[test]
fn r22_notifications_stop_once_the_updates_are_installed() {
    let lines = trace(&site(
        20,
        r#"created: "1d", deadline: "6d""#,
        r#"settings: (user_early_install_share: 1.0, user_act_window: "1d")"#,
    ));
    for c in 0..20 {
        let installed = of_client(&lines, "install_done", c)[0];
        assert!(
            of_client(&lines, "notification", c)
                .iter()
                .all(|n| t(n) <= t(installed))
        );
    }
}

#[test]
fn r23_hidden_deployments_show_nothing() {
    let lines = trace(&site(
        30,
        r#"created: "1d", deadline: "3d""#,
        r#"settings: (hide_deployments: true, user_early_install_share: 1.0)"#,
    ));
    assert!(kind(&lines, "notification").is_empty());
    assert!(kind(&lines, "user_install").is_empty());
    assert_eq!(
        kind(&lines, "install_done").len(),
        30,
        "mandatory installs still happen"
    );
    let err = cmsim::load_str(
        "x.ron",
        &site(
            1,
            r#"created: "1d""#,
            r#"settings: (hide_deployments: true)"#,
        ),
    )
    .unwrap_err();
    assert!(err.to_string().contains("R23"), "{err}");
}

#[test]
fn r24_users_install_early_through_the_dialogs() {
    let lines = trace(&site(
        200,
        r#"created: "1d", deadline: "6d""#,
        r#"settings: (user_early_install_share: 0.5, user_express_share: 0.5)"#,
    ));
    let users = kind(&lines, "user_install");
    assert!(
        (70..130).contains(&users.len()),
        "about half: {}",
        users.len()
    );
    let express = users.iter().filter(|l| l["dialog"] == "express").count();
    assert!(express > 20 && express < users.len() - 20);
    for l in users {
        assert!(t(l) < 6 * DAY);
        let install = of_client(&lines, "install_start", u(l, "client"))[0];
        assert!(t(install) < 6 * DAY, "installed before the deadline");
    }
}

#[test]
fn r25_at_the_deadline_scan_install_scan_then_installed_reaches_the_database() {
    let src = scenario(
        "6d",
        r#"sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"], distribution_points: ["DP1"])],"#,
        r#"clients: [(name: "pcs", site: "PR1", count: 20)],
           catalog: [(id: "KB1", size: "10MB", restart: false), (id: "KB2", size: "10MB")],
           deployments: [(id: "D1", updates: ["KB1", "KB2"], target: [(group: "pcs")], created: "1d", deadline: "3d")],
           settings: (user_early_install_share: 0.0, restart_window: "4h")"#,
    );
    let lines = trace(&src);
    for c in 0..20 {
        let scans: Vec<&str> = of_client(&lines, "scan_start", c)
            .iter()
            .filter(|l| t(l) >= 3 * DAY)
            .map(|l| l["reason"].as_str().unwrap())
            .collect();
        assert_eq!(scans[..2], ["pre_install", "post_install"], "client {c}");
        let pre = of_client(&lines, "scan_done", c)
            .into_iter()
            .find(|l| l["reason"] == "pre_install")
            .unwrap();
        let installs = of_client(&lines, "install_start", c);
        assert_eq!(
            t(installs[0]),
            t(pre),
            "installs right after the pre-install scan at the deadline"
        );
        assert_eq!(t(pre), 3 * DAY + 158_000);
        let done = of_client(&lines, "install_done", c);
        assert_eq!(done.len(), 2);
        assert_eq!(t(done[1]) - t(done[0]), 5 * MIN, "install_duration each");
        let restart = of_client(&lines, "restart", c)[0];
        assert!(t(restart) - t(done[1]) < 4 * HOUR + 158_000 + MIN);
    }
    // KB1 reaches the database as installed after the post-install scan; KB2 only after the
    // restart.
    let installed_at = |id: &str| {
        kind(&lines, "db_state_changed")
            .into_iter()
            .filter(|l| l["update"] == id && l["to"] == "installed")
            .map(t)
            .max()
            .unwrap()
    };
    let first_restart = kind(&lines, "restart").iter().map(|l| t(l)).min().unwrap();
    assert!(installed_at("KB1") < 3 * DAY + HOUR);
    assert!(installed_at("KB2") > first_restart);
}

#[test]
fn r07_a_deployment_of_migrated_updates_before_a_sync_is_rejected() {
    let src = scenario(
        "3d",
        r#"sites: [(code: "HQ1", kind: Primary, sup: "SUP", upgraded_from_sms2003: true, management_points: ["MP"], distribution_points: ["DP"])],"#,
        r#"clients: [(name: "pcs", site: "HQ1", count: 5)],
           catalog: [(id: "MS07-042", migrated: true)],
           deployments: [
               (id: "Early", updates: ["MS07-042"], target: [(group: "pcs")], created: "1h", deadline: "2d"),
               (id: "Late", updates: ["MS07-042"], target: [(group: "pcs")], created: "1d", deadline: "2d"),
           ],
           settings: (sync_schedule_first: "12h")"#,
    );
    let lines = trace(&src);
    let rejected = kind(&lines, "deployment_rejected");
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["deployment"], "Early");
    assert_eq!(rejected[0]["reason"], "expired");
    assert_eq!(kind(&lines, "deployment_created")[0]["deployment"], "Late");
}

#[test]
fn r17_the_policy_reaches_clients_from_the_available_time() {
    let lines = trace(&site(
        30,
        r#"created: "1d", available: "2d", deadline: "4d""#,
        "",
    ));
    let policy = kind(&lines, "policy_created")
        .into_iter()
        .find(|l| l["policy"] == "deployment")
        .unwrap();
    assert_eq!(t(policy), 2 * DAY);
    let received: Vec<u64> = kind(&lines, "policy_received")
        .iter()
        .filter(|l| l["policy"] == "deployment")
        .map(|l| t(l))
        .collect();
    assert_eq!(received.len(), 30);
    assert!(
        received
            .iter()
            .all(|&r| (2 * DAY..2 * DAY + HOUR).contains(&r))
    );
}

#[test]
fn r15_the_database_says_why_clients_are_still_required() {
    // Stop a few minutes after the deadline installs, inside the restart window.
    let mut src = site(
        40,
        r#"created: "1d", deadline: "3d""#,
        r#"settings: (user_early_install_share: 0.0, restart_window: "1d")"#,
    );
    src = src.replace(r#"end: "12d""#, r#"end: "3d 2h""#);
    let lines = trace(&src);
    let reasons = kind(&lines, "required_reasons");
    assert_eq!(reasons.len(), 1);
    let r = reasons[0];
    assert_eq!(r["update"], "KB1");
    assert_eq!(u(r, "not_deployed"), 0);
    assert!(
        u(r, "pending_restart") > 20,
        "most installed, waiting for a restart: {r}"
    );
    // Every client is still Required in the database unless it restarted and reported.
    let restarted = kind(&lines, "restart").len() as u64;
    let still = u(r, "pending_restart") + u(r, "installed_not_reported") + u(r, "deployed");
    assert!(
        still <= 40 && still + restarted >= 40,
        "{still} required, {restarted} restarted"
    );
    assert!(u(r, "installed_not_reported") <= restarted);
}

#[test]
fn r18_downloads_share_the_distribution_points_bandwidth() {
    // 20 clients × 100 MB through two 80 Mbit/s DPs: at least 100 s per DP with ten clients
    // each, however fast one client could go alone (1 Gbit/s).
    let lines = trace(&site(
        20,
        r#"created: "1d", deadline: "3d""#,
        r#"settings: (client_download_mbps: 1000, dp_bandwidth_mbps: 80, user_early_install_share: 0.0)"#,
    ));
    for dp in ["DP1", "DP2"] {
        let starts: Vec<u64> = kind(&lines, "download_start")
            .iter()
            .filter(|l| l["dp"] == dp)
            .map(|l| t(l))
            .collect();
        let ends: Vec<u64> = kind(&lines, "download_done")
            .iter()
            .filter(|l| l["dp"] == dp)
            .map(|l| t(l))
            .collect();
        assert_eq!(starts.len(), 10);
        let busy = ends.iter().max().unwrap() - starts.iter().min().unwrap();
        assert!(busy >= 100_000, "{dp} moved 1 GB in {busy} ms at 80 Mbit/s");
        // Alone, a download takes 0.8 s: sharing is what makes the DP busy that long.
        let alone = 800;
        assert!(ends.iter().zip(&starts).any(|(e, s)| e - s > 10 * alone));
    }
}

#[test]
fn r20_a_client_fails_over_to_another_dp_of_its_site() {
    // DP1 is down for the whole deployment; DP2 holds the content. Location Services lists
    // both: a client whose turn starts at DP1 fails to connect, tries DP2 at once, and
    // downloads; nobody retries or gives up.
    let lines = trace(&site(
        20,
        r#"created: "1d", deadline: "5d""#,
        r#"faults: [DpUnavailable(server: "DP1", from: "1d 1m", to: "12d")]"#,
    ));
    let starts = kind(&lines, "download_start");
    assert_eq!(starts.len(), 20, "every client downloads once");
    assert!(starts.iter().all(|l| l["dp"] == "DP2"));
    let failed = kind(&lines, "dp_connect_failed");
    assert!(!failed.is_empty(), "some clients tried DP1 first");
    for f in &failed {
        assert_eq!(f["dp"], "DP1");
        let c = f["client"].as_u64().unwrap();
        let start = of_client(&lines, "download_start", c)[0];
        assert_eq!(t(start), t(f), "the next DP in the same attempt");
    }
    assert!(kind(&lines, "download_gave_up").is_empty());
    assert_eq!(kind(&lines, "install_done").len(), 20);
}

/// Checks that no client runs two agent jobs at once: scans (scan_start..scan_done) and
/// installs (install_start..install_done) never overlap on one client, a restart happens
/// only between jobs, each install finishes the update it started, no update installs twice
/// on a client, and every install's update was downloaded by that client before (R18).
fn assert_one_job_at_a_time(lines: &[Value]) {
    use std::collections::{BTreeMap, BTreeSet};
    let mut open: BTreeMap<u64, (&str, String)> = BTreeMap::new();
    let mut installed: BTreeSet<(u64, String)> = BTreeSet::new();
    let mut downloaded: BTreeSet<u64> = BTreeSet::new();
    for l in lines {
        let Some(c) = l["client"].as_u64() else {
            continue;
        };
        let k = l["kind"].as_str().unwrap();
        let update = l["update"].as_str().unwrap_or("").to_string();
        match k {
            "scan_start" | "install_start" => {
                if let Some(running) = open.get(&c) {
                    panic!("client {c}: {k} at {} while {running:?} runs", t(l));
                }
                if k == "install_start" {
                    assert!(
                        downloaded.contains(&c),
                        "client {c}: install before download"
                    );
                    assert!(
                        installed.insert((c, update.clone())),
                        "client {c}: {update} installed twice"
                    );
                }
                open.insert(c, (k, update));
            }
            "scan_done" => {
                assert_eq!(
                    open.remove(&c).map(|o| o.0),
                    Some("scan_start"),
                    "client {c}"
                );
            }
            "install_done" => {
                assert_eq!(
                    open.remove(&c),
                    Some(("install_start", update)),
                    "client {c}"
                );
            }
            "restart" => assert!(!open.contains_key(&c), "client {c}: restart during a job"),
            "download_done" => {
                downloaded.insert(c);
            }
            _ => {}
        }
    }
}

#[test]
fn r25_a_client_runs_one_job_at_a_time() {
    // Scan policy (a manual sync) reaches the clients around the deadline, users start
    // installs early, two deployments fall due together and restarts come quickly: every
    // kind of job competes for the agent. Each waits for the one running.
    let lines = trace(&scenario(
        "4d",
        r#"sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
                    distribution_points: ["DP1", "DP2"])],"#,
        r#"clients: [(name: "pcs", site: "PR1", count: 300)],
           catalog: [(id: "KB1", size: "300MB"), (id: "KB2", size: "50MB", restart: false),
                     (id: "KB3", size: "200MB")],
           deployments: [
             (id: "D1", updates: ["KB1", "KB2"], target: [(group: "pcs")], created: "1d", deadline: "2d"),
             (id: "D2", updates: ["KB3"], target: [(group: "pcs")], created: "1d 30m", deadline: "2d"),
           ],
           actions: [RunSync(at: "1d 23h 30m"), RunSync(at: "2d 30m")],
           settings: (user_early_install_share: 0.5, restart_window: "30m", install_duration: "20m")"#,
    ));
    assert!(kind(&lines, "install_done").len() >= 600);
    assert_one_job_at_a_time(&lines);
}

#[test]
fn r07_migrated_updates_cannot_be_deployed_at_a_site_that_has_not_synced() {
    // The central site was upgraded from SMS 2003; its child primary has never synced at
    // 1h. Migrated updates are expired until a sync cycle, for deployments too: the child's
    // early deployment is refused; after the cascade (from 12h) it is accepted.
    let src = scenario(
        "3d",
        r#"sites: [(code: "CAS", kind: Central, sup: "CAS-SUP", upgraded_from_sms2003: true),
                  (code: "P01", kind: Primary, parent: "CAS", sup: "P01-SUP",
                   management_points: ["MP"], distribution_points: ["DP"])],"#,
        r#"clients: [(name: "pcs", site: "P01", count: 5)],
           catalog: [(id: "MS07-042", migrated: true)],
           deployments: [
               (id: "Early", site: "P01", updates: ["MS07-042"], target: [(group: "pcs")], created: "1h", deadline: "2d"),
               (id: "Late", site: "P01", updates: ["MS07-042"], target: [(group: "pcs")], created: "1d", deadline: "2d"),
           ],
           settings: (sync_schedule_first: "12h")"#,
    );
    let lines = trace(&src);
    let rejected = kind(&lines, "deployment_rejected");
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0]["deployment"], "Early");
    assert_eq!(rejected[0]["reason"], "not_synced");
    assert_eq!(kind(&lines, "deployment_created")[0]["deployment"], "Late");
}

/// Clients the site databases learned as `state` for `update` (net of later changes).
fn db_count(lines: &[Value], update: &str, state: &str) -> i64 {
    kind(lines, "db_state_changed")
        .iter()
        .filter(|l| l["update"] == update)
        .map(|l| {
            let n = l["count"].as_i64().unwrap();
            i64::from(l["to"] == state) * n - i64::from(l["from"] == state) * n
        })
        .sum()
}

#[test]
fn r25_an_install_is_reported_even_if_the_update_was_superseded_meanwhile() {
    // KB1 is deployed; KB2, which supersedes it, is released and synced before KB1's
    // deadline. Clients still install KB1 at the deadline, and each reports it installed:
    // supersedence (R14) only stops a scan from reporting KB1 as required.
    let lines = trace(&scenario(
        "4d",
        r#"sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
                    distribution_points: ["DP"])],"#,
        r#"clients: [(name: "pcs", site: "PR1", count: 200)],
           catalog: [(id: "KB1", size: "50MB", restart: false),
                     (id: "KB2", size: "50MB", supersedes: ["KB1"], released: "2d")],
           deployments: [(id: "D1", updates: ["KB1"], target: [(group: "pcs")], created: "1d", deadline: "3d")],
           actions: [RunSync(at: "2d 1h")],
           settings: (user_early_install_share: 0.0)"#,
    ));
    let installs = kind(&lines, "install_done")
        .iter()
        .filter(|l| l["update"] == "KB1")
        .count();
    assert_eq!(installs, 200);
    assert_eq!(db_count(&lines, "KB1", "installed"), 200);
    assert_eq!(db_count(&lines, "KB1", "required"), 0);
}

#[test]
fn r22_notifications_count_down_to_the_deadline_the_client_holds() {
    // The deadline moves from 5d to 4d at 3d. Each client counts down to 5d until its next
    // machine policy poll brings the new policy, then to 4d (R17, R22). (A 47-minute poll,
    // so that polls and 3-hourly notifications do not stay in step.)
    let lines = trace(&site(
        120,
        r#"created: "1d", deadline: "5d""#,
        r#"actions: [SetDeadline(deployment: "D1", deadline: "4d", at: "3d")],
           settings: (user_early_install_share: 0.0, machine_policy_interval: "47m")"#,
    ));
    let mut early = 0;
    for c in 0..120 {
        let received = of_client(&lines, "policy_received", c)
            .iter()
            .map(|l| t(l))
            .find(|&x| x >= 3 * DAY)
            .expect("the new policy reaches every client");
        for n in of_client(&lines, "notification", c) {
            let deadline = t(n) + u(n, "deadline_in");
            let held = if t(n) < received { 5 * DAY } else { 4 * DAY };
            assert_eq!(deadline, held, "client {c} at {}", t(n));
            early += usize::from(t(n) >= 3 * DAY && t(n) < received);
        }
    }
    assert!(
        early > 0,
        "some notifications fall between the change and the poll"
    );
}

#[test]
fn r15_true_figures_are_the_live_state_at_the_end() {
    // Every client installs KB1 (no restart) and KB2 (restart; half the users restart within
    // the run). The summary's true figures must be the clients' states at the end, not the
    // applicability drawn at the start.
    let src = scenario(
        "3d",
        r#"sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
                    distribution_points: ["DP"])],"#,
        r#"clients: [(name: "pcs", site: "PR1", count: 100)],
           catalog: [(id: "KB1", size: "10MB", restart: false), (id: "KB2", size: "10MB")],
           deployments: [(id: "D1", updates: ["KB1", "KB2"], target: [(group: "pcs")], created: "1d", deadline: "2d")],
           settings: (user_early_install_share: 0.0, restart_window: "2d")"#,
    );
    let lines = trace(&src);
    let restarts = kind(&lines, "restart").len() as u64;
    assert!(restarts > 0 && restarts < 100, "{restarts} restarts");
    let loaded = cmsim::load_str("test.ron", &src).unwrap();
    let summary = cmsim::run(
        &loaded.world,
        &cmsim::RunOptions {
            quiet: true,
            ..cmsim::RunOptions::default()
        },
    )
    .unwrap();
    let db = &summary.compliance.databases[0];
    let kb = |id: &str| db.updates.iter().find(|u| u.id == id).unwrap();
    assert_eq!(
        (kb("KB1").true_required, kb("KB1").true_installed),
        (0, 100)
    );
    assert_eq!(kb("KB2").true_required, 0);
    assert_eq!(kb("KB2").true_installed, restarts);
    assert_eq!(kb("KB2").true_pending_restart, 100 - restarts);
    // Per machine: compliant only once both updates are installed and the machine restarted.
    let m = &summary.deployment.deployments[0].machines;
    assert_eq!((m.targeted, m.compliant), (100, restarts));
    assert_eq!(kind(&lines, "machine_compliant").len() as u64, restarts);
    assert!(m.db_compliant > 0 && m.db_compliant <= m.compliant);
    let half = m.compliant_ms[0].expect("half the machines were compliant");
    let restart_times: Vec<u64> = kind(&lines, "restart").iter().map(|l| t(l)).collect();
    assert_eq!(
        half, restart_times[49],
        "the 50th restart made half compliant"
    );
}
