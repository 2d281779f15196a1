//! One test or more per deployment rule (R16–R25): build a scenario, run it, check the rule's
//! numbers in the trace.

mod common;
use common::*;
use serde_json::Value;

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

#[test]
fn r17_deployments_are_reevaluated_every_interval() {
    let src = site(
        30,
        r#"created: "1d", deadline: "5d""#,
        r#"settings: (deployment_reevaluation_interval: "2d")"#,
    );
    let lines = verified_lines(&src);
    for c in 0..30 {
        let evaluations: Vec<&Value> = of_client(&lines, "scan_start", c)
            .into_iter()
            .filter(|l| l["reason"] == "evaluation")
            .collect();
        let registered = t(of_client(&lines, "scan_done", c)
            .into_iter()
            .find(|l| l["reason"] == "evaluation")
            .unwrap());
        let ticks: Vec<u64> = (1..)
            .map(|k| registered + k * 2 * DAY)
            .take_while(|&x| x <= 12 * DAY)
            .collect();
        assert_eq!(evaluations.len(), 1 + ticks.len(), "client {c}");
        for (scan, tick) in evaluations[1..].iter().zip(ticks) {
            // At the tick, or when the job running then (a scan or an install) ends.
            assert!(
                (tick..tick + 30 * MIN).contains(&t(scan)),
                "client {c}: re-evaluation at {} for the tick at {tick}",
                t(scan)
            );
        }
    }
    let off = trace(&site(
        30,
        r#"created: "1d", deadline: "5d""#,
        r#"settings: (deployment_reevaluation_interval: "0")"#,
    ));
    let evaluations = kind(&off, "scan_start")
        .into_iter()
        .filter(|l| l["reason"] == "evaluation")
        .count();
    assert_eq!(evaluations, 30, "0: only the evaluation of the policy");
}

/// A deployment's installed pairs are those of its own collection found required at its
/// creation: a share of a group counts only its chosen machines, and a pair installed
/// through an earlier deployment does not count again for a later one. Both counted every
/// machine of a targeted group: "required 53, installed 100".
#[test]
fn r25_a_deployment_counts_only_the_installs_of_pairs_it_found_required() {
    let src = r#"Scenario(name: "overlap", seed: 15, end: "8d",
        sites: [(code: "P01", kind: Primary, sup: "SUP", management_points: ["MP"],
                 distribution_points: ["DP"])],
        clients: [(name: "d", site: "P01", count: 100), (name: "e", site: "P01", count: 100)],
        catalog: [(id: "KB1", size: "10MB", released: "0")],
        deployments: [
            (id: "X", updates: ["KB1"], target: [(group: "d", share: 0.5)], created: "1d",
             deadline: "1d 1h"),
            (id: "Y", updates: ["KB1"], target: [(group: "d"), (group: "e")], created: "3d",
             deadline: "5d"),
        ],
        settings: (user_early_install_share: 0.0))"#;
    let loaded = cmsim::load_str("overlap.ron", src).unwrap();
    let opts = cmsim::RunOptions {
        quiet: true,
        ..cmsim::RunOptions::default()
    };
    let json: Value =
        serde_json::from_str(&cmsim::run(&loaded.world, &opts).unwrap().to_json()).unwrap();
    let deps = json["deployment"]["deployments"].as_array().unwrap();
    let (x, y) = (&deps[0], &deps[1]);
    let installed = kind(&verified_lines(src), "install_done").len() as u64;
    assert_eq!(installed, 200);
    let (xr, yr) = (
        x["required"].as_u64().unwrap(),
        y["required"].as_u64().unwrap(),
    );
    assert!(xr > 30 && xr < 70, "{x}");
    assert_eq!(xr + yr, 200, "{x} {y}");
    assert_eq!(x["installed"], xr, "{x}");
    assert_eq!(y["installed"], yr, "{y}");
}
