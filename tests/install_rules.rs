//! Rules of the deadline and after, on simulated traces (R22–R25), and the client's agent:
//! notifications, hidden deployments, users, installs, restarts, one job at a time, and the
//! live truth the summary reports at the end.

mod common;
use common::*;
use serde_json::Value;

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
fn r22_the_thresholds_between_the_cadences_are_parameters() {
    let lines = trace(&site(
        5,
        r#"created: "1d", deadline: "5d""#,
        r#"settings: (user_early_install_share: 0.0, notify_near_threshold: "2d",
                     notify_imminent_threshold: "6h")"#,
    ));
    let mut phases = [0; 3];
    for c in 0..5 {
        let n = of_client(&lines, "notification", c);
        for w in n.windows(2) {
            let left = u(w[0], "deadline_in");
            let (phase, expect) = if left > 2 * DAY {
                (0, 3 * HOUR)
            } else if left > 6 * HOUR {
                (1, HOUR)
            } else {
                (2, 15 * MIN)
            };
            phases[phase] += 1;
            assert_eq!(t(w[1]) - t(w[0]), expect, "{left} ms before the deadline");
        }
    }
    // Hourly from two days before, every 15 minutes from six hours before.
    assert!(phases[1] >= 5 * 40 && phases[2] >= 5 * 20, "{phases:?}");
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
fn r25_current_branch_counts_down_90_minutes_then_forces_the_restart() {
    let src = scenario(
        "3d",
        r#"profile: CurrentBranch,
           sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
                    distribution_points: ["DP"])],"#,
        r#"clients: [(name: "pcs", site: "PR1", count: 200)],
           catalog: [(id: "KB1", size: "10MB")],
           deployments: [(id: "D1", updates: ["KB1"], target: [(group: "pcs")], created: "2h", deadline: "1d")],
           settings: (user_early_install_share: 0.0)"#,
    );
    let lines = trace(&src);
    let mut forced = 0;
    for c in 0..200 {
        let done = of_client(&lines, "install_done", c)[0];
        let pending = of_client(&lines, "restart_pending", c)[0];
        assert_eq!((t(pending), &pending["update"]), (t(done), &done["update"]));
        let armed = of_client(&lines, "scan_done", c)
            .into_iter()
            .find(|l| l["reason"] == "post_install")
            .map(t)
            .unwrap();
        let restart = of_client(&lines, "restart", c)[0];
        let warning = of_client(&lines, "restart_warning", c);
        if restart["forced"] == true {
            forced += 1;
            assert_eq!(
                t(restart) - armed,
                90 * MIN,
                "client {c}: forced at the end"
            );
        } else {
            assert!(
                t(restart) - armed < 90 * MIN,
                "client {c}: the user within it"
            );
        }
        // The final warning 15 minutes before the end, whenever the restart came after it.
        if t(restart) - armed >= 75 * MIN {
            assert_eq!(t(warning[0]) - armed, 75 * MIN, "client {c}");
            assert_eq!(u(warning[0], "restart_at"), armed + 90 * MIN);
        } else {
            assert!(warning.is_empty(), "client {c}");
        }
    }
    // Users restart uniformly within 8 hours: about 1 − 90/480 of them are forced.
    assert!((140..185).contains(&forced), "{forced} of 200 forced");
    // And cmsim verify agrees on every rule.
    verified_trace(&src);
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

#[test]
fn r25_a_deadline_moved_during_the_pre_install_scan_ends_the_job_without_an_install() {
    // Found by the property survey (seed 828927532227): D1's deadline (2d 16:44) starts the
    // pre-install scans; the operator moved it to 5d 07:37 at 2d 16:21, and clients polling
    // during their scan hold the later deadline when it ends. Nothing is due any more: the
    // job must end there, not jump to a post-install scan (the agent broke "one job at a
    // time").
    let src = r#"Scenario(
    name: "generated",
    seed: 592766638114570964,
    end: "5d 15h 30m",
    sites: [
        (code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["PR1-MP01"]),
        (code: "S01", kind: Secondary, parent: "PR1", distribution_points: ["S01-DP01"]),
    ],
    catalog: [
        (id: "KB100", size: "1MB", classification: Critical),
    ],
    clients: [
        (name: "g1", site: "S01", count: 1),
        (name: "g2", site: "S01", count: 77),
    ],
    deployments: [
        (id: "D1", updates: ["KB100"], target: [(group: "g2")], created: "2d 4h 10m", available: "2d 11h 53m", deadline: "2d 16h 44m"),
        (id: "D2", updates: ["KB100"], target: [(group: "g1")], created: "21h 16m", deadline: "6d 23h 46m"),
    ],
    actions: [
        RunSync(at: "2d 10m"),
        RunSync(at: "17h 16m"),
        SetDeadline(at: "4d 3h 27m", deployment: "D2", deadline: "4d 22h 40m"),
        RunSync(at: "1d 4h 11m"),
        SetDeadline(at: "2d 16h 21m", deployment: "D1", deadline: "5d 7h 37m"),
    ],
    faults: [
        DpUnavailable(server: "S01-DP01", from: "1d 17h 35m", to: "1d 18h 36m"),
    ],
    settings: (user_act_window: "3d 3h 35m", restart_window: "21h 29m", scheduled_sync: true, hide_deployments: true, dp_bandwidth_mbps: 392.0),
)"#;
    let trace = verified_trace(src);
    let lines: Vec<Value> = trace
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let pre = kind(&lines, "scan_start")
        .into_iter()
        .filter(|l| l["reason"] == "pre_install")
        .count();
    let installs = kind(&lines, "install_start").len();
    assert!(
        pre > 0 && installs > 0,
        "{pre} pre-install scans, {installs} installs"
    );
}

#[test]
fn r22_a_deadline_moved_earlier_is_counted_down_at_once() {
    // Notified every 3 hours toward a deadline on day 8; on day 3 at 13:00 the operator moves
    // it to 14:30 the same day. Each client learns it at its next poll (within the hour) and
    // must be reminded before the new deadline, on the new cadence — not 3 hours after its
    // last reminder, when the deadline has passed (found by the property survey, seed 1).
    let src = site(
        20,
        r#"created: "1d", deadline: "8d""#,
        r#"actions: [SetDeadline(at: "3d 13h", deployment: "D1", deadline: "3d 14h30m")],
           settings: (user_early_install_share: 0.0)"#,
    );
    let trace = verified_trace(&src);
    let lines: Vec<Value> = trace
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let new_deadline = 3 * DAY + 14 * HOUR + 30 * MIN;
    for c in 0..20 {
        let received = of_client(&lines, "policy_received", c)
            .into_iter()
            .map(t)
            .find(|&at| at >= 3 * DAY + 13 * HOUR)
            .expect("the new policy reaches the client");
        let reminders: Vec<u64> = of_client(&lines, "notification", c)
            .into_iter()
            .filter(|n| t(n) >= received && t(n) < new_deadline)
            .map(|n| t(n) + u(n, "deadline_in"))
            .collect();
        assert!(
            !reminders.is_empty(),
            "client {c}: no reminder before the new deadline"
        );
        assert!(reminders.iter().all(|&d| d == new_deadline), "client {c}");
    }
}

#[test]
fn r15_a_machine_waits_for_a_restart_only_once_nothing_is_left_to_install() {
    // 70 updates: the first 64 (one word of the client's bits) need a restart and install
    // first; the last 6 have a longer maximum run time and install after them. While those
    // are still to install the machine is Required, not pending restart (a defect once read
    // only the first word of a deployment that had an update waiting for a restart).
    let catalog: Vec<String> = (0..70)
        .map(|i| {
            let run = if i < 64 {
                ""
            } else {
                r#", max_run_time: "2h""#
            };
            format!(r#"(id: "KB{i}", size: "1KB"{run})"#)
        })
        .collect();
    let ids: Vec<String> = (0..70).map(|i| format!(r#""KB{i}""#)).collect();
    let src = scenario(
        "3d",
        r#"sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
                    distribution_points: ["DP1"])],"#,
        &format!(
            r#"clients: [(name: "pcs", site: "PR1", count: 3)],
               catalog: [{}],
               deployments: [(id: "D1", updates: [{}], target: [(group: "pcs")],
                              created: "1h", deadline: "1d")],
               settings: (restart_window: "12h")"#,
            catalog.join(", "),
            ids.join(", ")
        ),
    );
    let t = verified_lines(&src);
    for c in 0..3 {
        let installs = of_client(&t, "install_done", c);
        assert_eq!(installs.len(), 70, "client {c}");
        let last = u(installs[69], "t");
        let pending: Vec<_> = of_client(&t, "machine_state", c)
            .into_iter()
            .filter(|l| l["to"] == "pending_restart")
            .collect();
        assert!(!pending.is_empty(), "client {c}");
        for l in pending {
            assert!(
                u(l, "t") >= last,
                "client {c} pending restart before its last install: {l}"
            );
        }
    }
}
