//! Software update points as finite servers (issue 12): a site's clients spread over its
//! SUPs, a client whose last retry failed moves to the next SUP `sup_switch_delay` later and
//! does a full scan there, and a WSUS serves at most `wsus_max_scans` scans at once, failing
//! the others as overloaded. `cmsim verify` (outcomes `SCANS` and R11) recounts it all.

mod common;
use common::*;

/// 200 always-on clients of a site with two SUPs; a deployment created on day 1 with its
/// deadline four hours later.
fn two_sups(rest: &str) -> String {
    format!(
        r#"Scenario(name: "two sups", seed: 5, end: "2d",
        sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", additional_sups: ["PR1-SUP2"],
                 management_points: ["MP"], distribution_points: ["DP1"])],
        clients: [(name: "desk", site: "PR1", count: 200)],
        catalog: [(id: "KB1", size: "100MB")],
        deployments: [(id: "D1", updates: ["KB1"], target: [(group: "desk")],
                       created: "1d", deadline: "1d 4h")]{rest})"#
    )
}

/// The scan steps before WUA connects (1 s + 5 s + 2 s), the delta and full download steps
/// (30 s, 5 min) and the machine's own scan (2 min) (R11).
const CONNECT: u64 = 8_000;
const DELTA: u64 = 30_000;
const FULL: u64 = 5 * MIN;
const EVALUATE: u64 = 2 * MIN;

#[test]
fn r11_clients_move_to_the_next_sup_after_the_last_retry_and_scan_it_in_full() {
    let t = verified_lines(&two_sups(
        r#", faults: [WsusUnavailable(server: "PR1-SUP", from: "1d", to: "1d 8h")]"#,
    ));
    for c in 0..200u64 {
        // Client number k starts on the k-th SUP of its site, round the list.
        let first = of_client(&t, "scan_start", c)[0];
        let home = if c % 2 == 0 { "PR1-SUP" } else { "PR1-SUP2" };
        assert_eq!(first["sup"], home, "client {c}: {first}");
        assert_eq!(
            first["full"], false,
            "client {c}: it holds its SUP's metadata"
        );
        let fails = of_client(&t, "scan_failed", c);
        let switches = of_client(&t, "sup_switched", c);
        if c % 2 == 1 {
            assert!(fails.is_empty() && switches.is_empty(), "client {c}");
            continue;
        }
        // 1 failure and 4 retries, then the move 2 minutes after the last.
        assert_eq!(fails.len(), 5, "client {c}");
        let last = fails[4];
        assert_eq!(
            u(last, "retry_at"),
            u(last, "t") + 2 * MIN,
            "client {c}: {last}"
        );
        assert_eq!(switches.len(), 1, "client {c}");
        let sw = switches[0];
        assert_eq!(u(sw, "t"), u(last, "retry_at"), "client {c}: {sw}");
        assert_eq!(
            (&sw["from"], &sw["to"]),
            (&"PR1-SUP".into(), &"PR1-SUP2".into())
        );
        // There it scans at once, in full: the whole metadata takes 5 minutes.
        let scan = of_client(&t, "scan_start", c)
            .into_iter()
            .find(|s| u(s, "t") == u(sw, "t"))
            .unwrap_or_else(|| panic!("client {c}: no scan at the switch"));
        assert_eq!(
            (&scan["sup"], &scan["full"]),
            (&"PR1-SUP2".into(), &true.into())
        );
        let done = of_client(&t, "scan_done", c)
            .into_iter()
            .find(|d| u(d, "t") > u(scan, "t"))
            .unwrap();
        assert_eq!(u(done, "t") - u(scan, "t"), CONNECT + FULL + EVALUATE);
        // The next scan there is a delta scan.
        let next = of_client(&t, "scan_start", c)
            .into_iter()
            .find(|s| u(s, "t") > u(done, "t"))
            .unwrap();
        assert_eq!(
            (&next["sup"], &next["full"]),
            (&"PR1-SUP2".into(), &false.into())
        );
    }
    // Every client installs at the deadline, though its first SUP is still down.
    let installed = kind(&t, "install_done");
    assert_eq!(installed.len(), 200);
    assert!(installed.iter().all(|l| u(l, "t") < DAY + 8 * HOUR));
}

#[test]
fn r11_a_wsus_serves_at_most_wsus_max_scans_at_once() {
    let t = verified_lines(&two_sups(", settings: (wsus_max_scans: 20)"));
    // The deadline's pre-install scans all connect at once: 20 per SUP are served.
    let over = kind(&t, "scan_failed");
    assert!(over.len() >= 100, "{} failed", over.len());
    assert!(over.iter().all(|l| l["reason"] == "overloaded"));
    // Served scans per SUP, recounted from their downloads: never more than 20 at once.
    for sup in ["PR1-SUP", "PR1-SUP2"] {
        let mut edges = Vec::new();
        for s in kind(&t, "scan_start")
            .into_iter()
            .filter(|s| s["sup"] == sup)
        {
            let c = u(s, "client");
            let at = u(s, "t") + CONNECT;
            let failed = of_client(&t, "scan_failed", c)
                .iter()
                .any(|f| u(f, "t") == at);
            if !failed {
                let dl = if s["full"] == true { FULL } else { DELTA };
                edges.push((at, 1i64));
                edges.push((at + dl, -1));
            }
        }
        edges.sort();
        let (mut now, mut peak) = (0i64, 0i64);
        for (_, d) in edges {
            now += d;
            peak = peak.max(now);
        }
        assert_eq!(peak, 20, "{sup}");
    }
    // Retried 30 minutes later, everyone installs.
    assert_eq!(kind(&t, "install_done").len(), 200);
}

#[test]
fn verify_rejects_scans_a_full_wsus_served_and_a_missed_switch() {
    // A run with no limit, judged against the scenario with one: what the old model wrote.
    let free = two_sups(", settings: (wsus_max_scans: 0)");
    let capped = two_sups(", settings: (wsus_max_scans: 20)");
    judged_against(&free, &capped, "SCANS", "already served 20 scans");
    // A run whose site has one SUP, judged as if it had two: clients never moved on.
    let down = r#", faults: [WsusUnavailable(server: "PR1-SUP", from: "1d", to: "1d 8h")]"#;
    let one = two_sups(down).replace(r#", additional_sups: ["PR1-SUP2"]"#, "");
    judged_against(&one, &two_sups(down), "SCANS", "the scan goes to PR1-SUP2");
}

/// 300 current-branch clients; a deployment created on day 1 with its deadline four hours
/// later.
fn current_branch(rest: &str) -> String {
    format!(
        r#"Scenario(name: "cached metadata", seed: 7, end: "3d", profile: CurrentBranch,
        sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["MP"],
                 distribution_points: ["DP1"])],
        clients: [(name: "desk", site: "PR1", count: 300)],
        catalog: [(id: "KB1", size: "100MB")],
        deployments: [(id: "D1", updates: ["KB1"], target: [(group: "desk")],
                       created: "1d", deadline: "1d 4h")]{rest})"#
    )
}

#[test]
fn r11_pre_install_scans_read_metadata_younger_than_its_ttl() {
    // Current branch: the evaluation scan a few hours before the deadline fetched the
    // metadata; the deadline's pre-install scans read it and load no WSUS.
    let t = verified_lines(&current_branch(", settings: (wsus_max_scans: 20)"));
    let pre: Vec<_> = kind(&t, "scan_start")
        .into_iter()
        .filter(|s| s["reason"] == "pre_install")
        .collect();
    assert_eq!(pre.len(), 300);
    assert!(pre.iter().all(|s| s["sup"].is_null()), "offline");
    assert!(kind(&t, "scan_failed").is_empty(), "nothing overloaded");
    // A one-hour lifetime has expired by the deadline: the pre-install scans go to WSUS
    // and 20 at a time are served.
    let t = verified_lines(&current_branch(
        ", settings: (wsus_max_scans: 20, scan_metadata_ttl: \"1h\")",
    ));
    let online = kind(&t, "scan_start")
        .into_iter()
        .filter(|s| s["reason"] == "pre_install" && s["sup"] == "PR1-SUP")
        .count();
    assert!(online >= 300, "{online} online pre-install scans");
    assert!(
        kind(&t, "scan_failed")
            .iter()
            .all(|f| f["reason"] == "overloaded")
    );
    assert!(!kind(&t, "scan_failed").is_empty());
}

/// A client whose evaluation scan failed through every retry (its site's only WSUS down)
/// runs it again after its next served compliance scan, records the deployment and installs
/// (R17): it held the policy unrecorded for good before, and never installed, though later
/// scans were served.
#[test]
fn r17_a_deployment_whose_evaluation_scans_all_failed_is_recorded_by_the_next_scan() {
    let src = two_sups(
        r#", faults: [WsusUnavailable(server: "PR1-SUP", from: "23h", to: "1d 6h")],
        settings: (scan_schedule_interval: "12h")"#,
    )
    .replace(r#", additional_sups: ["PR1-SUP2"]"#, "")
    .replace(r#"end: "2d""#, r#"end: "3d""#);
    let t = verified_lines(&src);
    let mut lost = 0;
    for c in 0..200u64 {
        let gave_up = of_client(&t, "scan_failed", c)
            .into_iter()
            .filter(|f| f["scan"] == "evaluation" && f["retry_at"].is_null())
            .map(|f| u(f, "t"))
            .next();
        let Some(gave_up) = gave_up else { continue };
        lost += 1;
        // The evaluation scan follows the next served compliance scan; then the install.
        let scan = of_client(&t, "scan_done", c)
            .into_iter()
            .find(|s| u(s, "t") > gave_up && s["reason"] == "compliance")
            .unwrap_or_else(|| panic!("client {c}: no compliance scan after {gave_up}"));
        let installs = of_client(&t, "install_done", c);
        assert_eq!(installs.len(), 1, "client {c}");
        assert!(u(installs[0], "t") > u(scan, "t"), "client {c}");
    }
    assert!(lost >= 100, "{lost} clients lost their evaluation");
    assert_eq!(kind(&t, "install_done").len(), 200);
}
