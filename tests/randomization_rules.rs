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
