//! Users at their machines (issue 11): the user of a desktop left on overnight goes home at
//! the end of the office day (`user_away`) and comes back the next working morning
//! (`user_back`). Reminders (R22), install dialogs (R24) and the user's restart (R25) happen
//! only while they are there; what came due while they were away happens on their return.
//! A restart countdown forces its restart whether anybody is there or not. `cmsim verify`
//! rejects what a user sees or does while away.

mod common;
use common::*;
use serde_json::Value;

/// Office desktops all left on, their users at work 08:00–17:00 UTC on weekdays, from
/// Monday 2026-12-07; a deployment on Tuesday with its deadline on Friday at 20:00.
fn left_on(rest: &str) -> String {
    format!(
        r#"Scenario(name: "left on", start: "2026-12-07T00:00:00Z", end: "9d",
        sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
                 distribution_points: ["DP1"])],
        clients: [(name: "office", site: "PR1", count: 100,
                   availability: Office(hours: "08:00-17:00", spread: "0", left_on: 1.0))],
        catalog: [(id: "KB1", size: "100MB")],
        deployments: [(id: "D1", updates: ["KB1"], target: [(group: "office")],
                       created: "1d 9h", deadline: "4d 20h")]{rest})"#
    )
}

/// Whether `t` is in office hours on a working day (the run starts on a Monday at 00:00).
fn at_work(t: u64) -> bool {
    (8 * HOUR..17 * HOUR).contains(&(t % DAY)) && t / DAY % 7 < 5
}

#[test]
fn r22_r24_r25_users_of_machines_left_on_act_only_at_work() {
    let t = verified_lines(&left_on(""));
    assert!(
        kind(&t, "client_offline").is_empty(),
        "the machines stay on"
    );
    for l in kind(&t, "user_away").into_iter().filter(|l| u(l, "t") > 0) {
        assert_eq!(u(l, "t") % DAY, 17 * HOUR, "{l}");
    }
    for l in kind(&t, "user_back") {
        assert_eq!(u(l, "t") % DAY, 8 * HOUR, "{l}");
    }
    let seen = ["notification", "user_install"]
        .into_iter()
        .flat_map(|k| kind(&t, k));
    let restarts = kind(&t, "restart");
    for l in seen.chain(restarts.iter().copied()) {
        assert!(at_work(u(l, "t")), "{l}");
    }
    // Installed at Friday's 20:00 deadline, machines left on restart when their users are
    // back on Monday at 08:00 (2007: no countdown).
    let mut monday = 0;
    for c in 0..100 {
        let installed = of_client(&t, "install_start", c);
        if u(installed[0], "t") / HOUR == 4 * 24 + 20 {
            let restart = of_client(&t, "restart", c);
            assert_eq!(u(restart[0], "t"), 7 * DAY + 8 * HOUR, "client {c}");
            monday += 1;
        }
    }
    assert!(monday > 50, "{monday} installed at the deadline");
    // Back on Monday, each user whose deadline is past sees no reminder; on Tuesday to
    // Thursday mornings reminders start afresh at 08:00.
    let mornings = kind(&t, "notification")
        .into_iter()
        .filter(|l| u(l, "t") % DAY == 8 * HOUR)
        .count();
    assert!(mornings >= 100, "{mornings} reminders at 08:00");
}

#[test]
fn r25_a_countdown_forces_the_restart_while_the_user_is_away() {
    let t = verified_lines(&left_on(", profile: CurrentBranch"));
    let mut forced = 0;
    for c in 0..100 {
        let installed = of_client(&t, "install_done", c);
        if u(installed[0], "t") / HOUR == 4 * 24 + 20 {
            let restart = of_client(&t, "restart", c);
            assert_eq!(restart[0]["forced"], Value::Bool(true), "client {c}");
            // The 90-minute countdown ends at night, with nobody there.
            assert!(!at_work(u(restart[0], "t")), "client {c}");
            forced += 1;
        }
    }
    assert!(forced > 50, "{forced} installed at the deadline");
}

#[test]
fn verify_rejects_what_a_user_does_while_away() {
    let src = left_on("");
    let loaded = cmsim::load_str("left-on.ron", &src).unwrap();
    let trace = cmsim::try_trace_to_string(&loaded.world).unwrap();
    for k in ["notification", "user_install"] {
        // The first line of kind `k`, with its user forged away around it.
        let line = trace
            .lines()
            .find(|l| l.contains(&format!(r#""kind":"{k}""#)))
            .unwrap();
        let v: Value = serde_json::from_str(line).unwrap();
        let (at, c) = (u(&v, "t"), u(&v, "client"));
        let forged: String = trace
            .lines()
            .flat_map(|l| {
                let mut out = vec![l.to_string()];
                if l == line {
                    out.insert(
                        0,
                        format!(r#"{{"t":{at},"kind":"user_away","client":{c}}}"#),
                    );
                    out.push(format!(r#"{{"t":{},"kind":"user_back","client":{c}}}"#, at));
                }
                out
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let report = cmsim::rules::verify_str(&forged, Some(&loaded.scenario)).unwrap();
        assert!(
            report
                .render()
                .contains(&format!("a {k} while its user is away")),
            "{}",
            report.render()
        );
    }
    // A user's restart moved from their return to the night before.
    let restart = trace
        .lines()
        .find(|l| {
            l.contains(r#""kind":"restart""#)
                && l.contains(&format!(r#""t":{}"#, 7 * DAY + 8 * HOUR))
        })
        .unwrap();
    let moved = restart.replace(
        &format!(r#""t":{}"#, 7 * DAY + 8 * HOUR),
        &format!(r#""t":{}"#, 7 * DAY + 3 * HOUR),
    );
    let forged = trace.replace(restart, &moved);
    let report = cmsim::rules::verify_str(&forged, Some(&loaded.scenario)).unwrap();
    let r25 = report.outcomes.iter().find(|o| o.id == "R25").unwrap();
    assert!(!r25.violations.is_empty(), "{}", report.render());
}
