//! Scans against a WSUS that is down (issue 12): a compliance, evaluation or pre-install scan
//! fails as it connects to a WSUS that is down, and is retried every
//! `scan_retry_interval`, `scan_retries` times in a row; a post-install scan does not
//! contact WSUS. `cmsim verify` (outcome `SCANS`) rejects a scan served by a WSUS that was
//! down.

mod common;
use common::*;

/// 300 always-on clients of one site; a deployment created on day 1 with its deadline two
/// hours later; the site's WSUS is down from day 1 for `down`.
fn outage(down: &str, rest: &str) -> String {
    format!(
        r#"Scenario(name: "wsus down", end: "4d",
        sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["MP"],
                 distribution_points: ["DP1"])],
        clients: [(name: "desk", site: "PR1", count: 300)],
        catalog: [(id: "KB1", size: "100MB")],
        deployments: [(id: "D1", updates: ["KB1"], target: [(group: "desk")],
                       created: "1d", deadline: "1d 2h")],
        faults: [WsusUnavailable(server: "PR1-SUP", from: "1d", to: "{down}")]{rest})"#
    )
}

#[test]
fn r11_scans_fail_while_wsus_is_down_and_retry_every_30_minutes_4_times() {
    let t = verified_lines(&outage("1d 3h", ""));
    let (from, to) = (DAY, DAY + 3 * HOUR);
    let failed = kind(&t, "scan_failed");
    assert!(failed.len() >= 300, "{} failures", failed.len());
    // The scan steps before WUA connects: 1 s + 5 s + 2 s (R11).
    let connect = 8_000;
    for c in 0..300 {
        let fails = of_client(&t, "scan_failed", c);
        for (k, f) in fails.iter().enumerate() {
            let at = u(f, "t");
            assert!((from..to).contains(&at), "client {c}: {f}");
            assert_eq!(f["sup"], "PR1-SUP");
            assert_eq!(f["reason"], "wsus_unavailable");
            // Retried 30 minutes later, 4 times in a row; the 5th failure waits.
            match k {
                0..4 => assert_eq!(u(f, "retry_at"), at + 30 * MIN, "client {c}: {f}"),
                _ => assert!(f["retry_at"].is_null(), "client {c}: {f}"),
            }
            let start = of_client(&t, "scan_start", c)
                .into_iter()
                .filter(|s| u(s, "t") <= at)
                .map(|s| u(s, "t"))
                .max()
                .unwrap();
            assert_eq!(at - start, connect, "client {c}");
        }
        // No scan is served while the WSUS is down.
        for s in of_client(&t, "scan_done", c) {
            let connected = u(s, "t") - (30_000 + 120_000);
            assert!(
                !(from..to).contains(&connected) || s["reason"] == "post_install",
                "client {c}: {s}"
            );
        }
    }
    // The outage outlasts the retries (2 hours): a client whose fifth failure came before
    // it ended waits for its next cycle, so it does not install in the run.
    for c in 0..300 {
        let fails = of_client(&t, "scan_failed", c);
        if fails.len() == 5 {
            assert!(of_client(&t, "install_start", c).is_empty(), "client {c}");
        }
    }
    let gave_up = (0..300)
        .filter(|&c| of_client(&t, "scan_failed", c).len() == 5)
        .count();
    assert!(gave_up > 250, "{gave_up} clients wait for their next cycle");
}

#[test]
fn r11_a_retry_after_the_outage_evaluates_and_installs() {
    // Down for 45 minutes: the first retry, 30 minutes after the failure, may still fail;
    // the next one is served, and the deadline is enforced.
    let t = verified_lines(&outage("1d 45m", ""));
    assert!(!kind(&t, "scan_failed").is_empty());
    let installed = kind(&t, "install_done").len();
    assert_eq!(installed, 300, "every client installs after the outage");
}

#[test]
fn scan_retries_are_settings() {
    let t = verified_lines(&outage(
        "1d 3h",
        ", settings: (scan_retry_interval: \"10m\", scan_retries: 1)",
    ));
    for c in 0..300 {
        let fails = of_client(&t, "scan_failed", c);
        assert_eq!(fails.len(), 2, "client {c}: one retry");
        assert_eq!(u(fails[0], "retry_at"), u(fails[0], "t") + 10 * MIN);
        assert!(fails[1]["retry_at"].is_null());
    }
}

#[test]
fn verify_rejects_a_scan_served_by_a_wsus_that_was_down() {
    // The trace of a run where the WSUS stayed up, judged against the scenario where it was
    // down: what the old model wrote.
    let up = outage("1d", "").replace(r#"from: "1d", to: "1d")"#, r#"from: "3d 23h", to: "4d")"#);
    let down = outage("1d 3h", "");
    judged_against(&up, &down, "SCANS", "whose WSUS was down when it connected");
    // And a failure the WSUS did not cause.
    judged_against(&down, &up, "SCANS", "was up with room when it connected");
}
