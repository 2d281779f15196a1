//! Deadline randomization (R25; the client setting "Disable deadline randomization"): with
//! `deadline_randomization` above 0 each client acts on a deadline after its own activation
//! delay, uniform below the setting, named by a `deadline_activation` line; at 0 (the
//! current-branch default) everybody acts at the deadline and no such line exists.

mod common;
use common::*;

fn fleet(settings: &str) -> String {
    format!(
        r#"Scenario(name: "randomized", seed: 8, end: "3d", profile: CurrentBranch,
        sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["MP"],
                 distribution_points: ["DP1"])],
        clients: [(name: "desk", site: "PR1", count: 300)],
        catalog: [(id: "KB1", size: "50MB", restart: false)],
        deployments: [(id: "D", updates: ["KB1"], target: [(group: "desk")],
                       created: "2h", deadline: "1d 2h")],
        settings: (user_early_install_share: 0{settings}))"#
    )
}

#[test]
fn r25_each_client_installs_at_its_activation_within_the_spread() {
    let t = verified_lines(&fleet(r#", deadline_randomization: "2h""#));
    let deadline = DAY + 2 * HOUR;
    let acts = kind(&t, "deadline_activation");
    assert_eq!(acts.len(), 300);
    let mut delays = Vec::new();
    for a in &acts {
        assert_eq!(u(a, "t"), deadline);
        assert_eq!(u(a, "deadline"), deadline);
        let delay = u(a, "at") - deadline;
        assert!(delay < 2 * HOUR, "{a}");
        delays.push(delay);
        // The client's pre-install scan starts at its activation, not before.
        let c = u(a, "client");
        let pre = of_client(&t, "scan_start", c)
            .into_iter()
            .filter(|s| s["reason"] == "pre_install")
            .map(|s| u(s, "t"))
            .min()
            .expect("a pre-install scan");
        assert_eq!(pre, u(a, "at"), "client {c}");
    }
    // Spread over the two hours: no two-hour pile-up at the deadline.
    delays.sort_unstable();
    assert!(
        delays[0] < 10 * MIN && delays[299] > 110 * MIN,
        "{delays:?}"
    );
    let first_half = delays.iter().filter(|&&d| d < HOUR).count();
    assert!(
        (110..190).contains(&first_half),
        "{first_half} of 300 in the first hour"
    );
}

#[test]
fn r25_without_randomization_everybody_acts_at_the_deadline() {
    let t = verified_lines(&fleet(""));
    assert!(kind(&t, "deadline_activation").is_empty());
    let deadline = DAY + 2 * HOUR;
    for s in kind(&t, "scan_start") {
        if s["reason"] == "pre_install" {
            assert_eq!(u(s, "t"), deadline, "{s}");
        }
    }
}

#[test]
fn the_activation_delays_are_the_same_in_every_run() {
    let a = trace(&fleet(r#", deadline_randomization: "2h""#));
    let b = trace(&fleet(r#", deadline_randomization: "2h""#));
    assert_eq!(
        kind(&a, "deadline_activation"),
        kind(&b, "deadline_activation")
    );
}

#[test]
fn a_spread_over_a_day_is_refused() {
    let e = match cmsim::load_str("bad.ron", &fleet(r#", deadline_randomization: "2d""#)) {
        Ok(_) => panic!("a 2-day spread was accepted"),
        Err(e) => e.to_string(),
    };
    assert!(
        e.contains("settings.deadline_randomization") && e.contains("at most 1d"),
        "{e}"
    );
}

/// 300 servers from Monday 2026-12-07 (UTC) with two daily windows, 01:00 for 22 minutes
/// and 03:00 for 2 hours, a 20-minute maximum run time, and a deadline at 23:56 spread over
/// 2 hours: most users start the install early, so it waits for Tuesday's 01:00 window.
const WINDOWED: &str = r#"Scenario(name: "randomized windows", seed: 3,
    start: "2026-12-07T00:00:00Z", end: "2d 6h",
    sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["MP"],
             distribution_points: ["DP1"])],
    clients: [(name: "servers", site: "PR1", count: 300, maintenance_windows: [
        (name: "short", recurrence: Daily, start: "01:00", duration: "22m"),
        (name: "long", recurrence: Daily, start: "03:00", duration: "2h")])],
    catalog: [(id: "KB1", size: "50MB", restart: false)],
    deployments: [(id: "D", updates: ["KB1"], target: [(group: "servers")],
                   created: "6h", deadline: "23h 56m")],
    settings: (deadline_randomization: "2h", max_run_time: "20m",
               user_early_install_share: 0.8))"#;

/// R25 with windows: the randomized deadline is when enforcement starts; the install then
/// waits for the first window with the maximum run time left. The pre-install scan (2 min
/// 38 s) leaves less than 20 minutes of the 22-minute window, so nobody installs there:
/// everybody installs at Tuesday's 03:00 opening. Among them are clients whose activation
/// came while the short window still fitted, but during the pre-install scan their user's
/// install had started at its opening: that install job, queued behind the scan, found the
/// window too short when it ended, which `cmsim verify` once called late.
#[test]
fn r25_randomized_deadline_waits_for_a_window_that_fits() {
    let t = verified_lines(WINDOWED);
    let deadline = 23 * HOUR + 56 * MIN;
    let (short, long) = (DAY + HOUR, DAY + 3 * HOUR);
    let mut queued = 0;
    for a in kind(&t, "deadline_activation") {
        let (c, at) = (u(a, "client"), u(a, "at"));
        assert!((deadline..deadline + 2 * HOUR).contains(&at), "{a}");
        let pre: Vec<u64> = of_client(&t, "scan_start", c)
            .into_iter()
            .filter(|s| s["reason"] == "pre_install")
            .map(|s| u(s, "t"))
            .collect();
        let done = of_client(&t, "scan_done", c)
            .into_iter()
            .find(|s| s["reason"] == "pre_install")
            .map(|s| u(s, "t"))
            .expect("a pre-install scan");
        assert_eq!(pre.last(), Some(&long), "client {c}: {pre:?}");
        let install = of_client(&t, "install_start", c);
        assert_eq!(install.len(), 1, "client {c}");
        assert!(u(install[0], "t") <= long + 10 * MIN, "{}", install[0]);
        // Activated during a scan started at the short window's opening, while 20 minutes
        // were still left.
        if pre[0] == short && (short + 1..=short + 2 * MIN).contains(&at) && at < done {
            queued += 1;
        }
    }
    assert!(
        queued > 0,
        "no activation during a scan in the short window"
    );
    assert_eq!(kind(&t, "install_start").len(), 300);
}

#[test]
fn verify_without_the_scenario_asks_for_it() {
    let loaded = cmsim::load_str("windowed.ron", WINDOWED).unwrap();
    let trace = cmsim::try_trace_to_string(&loaded.world).unwrap();
    let report = cmsim::rules::verify_str(&trace, None).unwrap();
    let r25 = report.outcomes.iter().find(|o| o.id == "R25").unwrap();
    assert!(
        r25.violations
            .iter()
            .any(|v| v.contains("deadline_randomization is 0") && v.contains("--scenario")),
        "{}",
        report.render()
    );
}
