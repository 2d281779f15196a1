//! Machines that are off (issue 11): an off machine does nothing, and at start-up it catches
//! up — a deadline passed while it was off is enforced at once (R25), the boot completes a
//! pending restart, reminders start afresh (R22). `cmsim verify` reads the power lines and
//! rejects a trace in which an off machine acts.

mod common;
use common::*;
use serde_json::Value;

/// Office desktops on 08:00–17:00 UTC on weekdays (no spread), laptops with spells, from
/// Monday 2026-12-07; a deployment on Tuesday with a deadline on Friday at 20:00, after
/// hours.
fn week(rest: &str) -> String {
    format!(
        r#"Scenario(name: "week", start: "2026-12-07T00:00:00Z", end: "9d",
        sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
                 distribution_points: ["DP1"])],
        clients: [(name: "office", site: "PR1", count: 60,
                   availability: Office(hours: "08:00-17:00", spread: "0")),
                  (name: "laptops", site: "PR1", count: 40,
                   availability: Intermittent(online: "3h", offline: "9h"))],
        catalog: [(id: "KB1", size: "100MB")],
        deployments: [(id: "D1", updates: ["KB1"], target: [(group: "office"), (group: "laptops")],
                       created: "1d 9h", deadline: "4d 20h")],
        {rest})"#
    )
}

#[test]
fn office_machines_are_on_only_in_office_hours_on_weekdays() {
    let t = verified_lines(&week("settings: (user_early_install_share: 0)"));
    for c in 0..60 {
        for l in kind(&t, "client_online")
            .iter()
            .filter(|l| l["client"] == c)
        {
            let at = u(l, "t");
            assert_eq!(at % DAY, 8 * HOUR, "client {c} switched on at {at}");
            assert!(
                at / DAY % 7 < 5,
                "client {c} switched on at the weekend ({at})"
            );
        }
    }
}

#[test]
fn r25_a_deadline_passed_while_off_is_enforced_at_start_up() {
    let t = verified_lines(&week("settings: (user_early_install_share: 0)"));
    let deadline = 4 * DAY + 20 * HOUR; // Friday 20:00: the office is off
    for c in 0..60 {
        let first = of_client(&t, "scan_start", c)
            .into_iter()
            .find(|l| l["reason"] == "pre_install")
            .map(|l| u(l, "t"))
            .expect("installed");
        // Monday 08:00, the next start-up after the deadline (Saturday and Sunday are off).
        assert_eq!(first, 7 * DAY + 8 * HOUR, "client {c}");
        assert!(first > deadline);
    }
}

#[test]
fn r25_the_boot_completes_a_pending_restart() {
    // Installs at start-up, then the machine is switched off at 17:00 with the restart
    // pending (users restart within 12 hours): the next start-up is the restart.
    let t = verified_lines(&week(
        r#"settings: (user_early_install_share: 0, restart_window: "12h")"#,
    ));
    let onlines: Vec<(u64, u64)> = kind(&t, "client_online")
        .iter()
        .map(|l| (u(l, "client"), u(l, "t")))
        .collect();
    let at_boot = kind(&t, "restart")
        .iter()
        .filter(|l| onlines.contains(&(u(l, "client"), u(l, "t"))))
        .count();
    assert!(at_boot > 0, "no restart at a start-up");
    let offs = kind(&t, "client_offline");
    assert!(offs.len() > 100);
}

#[test]
fn verify_rejects_an_off_machine_that_acts() {
    let src = week("settings: (user_early_install_share: 0)");
    let loaded = cmsim::load_str("week.ron", &src).unwrap();
    let trace = cmsim::try_trace_to_string(&loaded.world).unwrap();
    // Client 0 is off from Monday 17:00 to Tuesday 08:00: a reminder at 20:00 is forged.
    let forged_line = format!(
        r#"{{"t":{},"kind":"notification","client":0,"deployment":"D1","deadline_in":1000}}"#,
        DAY + 20 * HOUR
    );
    let mut out = Vec::new();
    let mut done = false;
    for l in trace.lines() {
        let t: u64 = serde_json::from_str::<Value>(l).unwrap()["t"]
            .as_u64()
            .unwrap();
        if !done && t > DAY + 20 * HOUR {
            out.push(forged_line.clone());
            done = true;
        }
        out.push(l.to_string());
    }
    let forged = out.join("\n") + "\n";
    let report = cmsim::rules::verify_str(&forged, Some(&loaded.scenario)).unwrap();
    assert!(
        report.render().contains("while the machine is off"),
        "{}",
        report.render()
    );
    // Dropping a start-up makes everything after it an off machine's act.
    let skipped: String = trace
        .lines()
        .filter(|l| {
            !(l.contains(r#""kind":"client_online","client":0}"#)
                && l.contains(&format!(r#""t":{}"#, DAY + 8 * HOUR)))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(skipped, trace);
    let report = cmsim::rules::verify_str(&skipped, Some(&loaded.scenario)).unwrap();
    assert!(report.violated(), "{}", report.render());
}

#[test]
fn availability_needs_a_calendar_and_sound_hours() {
    for (from, to, expected) in [
        (
            r#"start: "2026-12-07T00:00:00Z", "#,
            "",
            "office hours follow the calendar",
        ),
        (
            r#"hours: "08:00-17:00""#,
            r#"hours: "17:00-08:00""#,
            "must end after they start",
        ),
        (r#"online: "3h""#, r#"online: "10s""#, "at least 1m"),
        (
            r#"spread: "0""#,
            r#"spread: "10h""#,
            "not shorter than the working hours",
        ),
    ] {
        let src = week("").replace(from, to);
        let Err(e) = cmsim::load_str("week.ron", &src) else {
            panic!("accepted: {to}");
        };
        assert!(e.to_string().contains(expected), "{e}");
    }
}

/// Desktops that install at a deadline just before they go home, and restart at once in their
/// all-day window, find changes they cannot send before switching off; the run ends minutes
/// after the next morning's start-up, before the first send tick. Those sends are not late:
/// they are due within a send interval of the start-up (R13; a regression: verify called them
/// never sent).
#[test]
fn r13_changes_found_before_switch_off_are_due_an_interval_after_start_up() {
    let src = going_home(r#"end: "3d 8h 5m", profile: CurrentBranch"#);
    let t = verified_lines(&src);
    let end = 3 * DAY + 8 * HOUR + 5 * MIN;
    let unsent = (0..400)
        .filter(|&c| {
            let scanned = of_client(&t, "scan_done", c)
                .into_iter()
                .filter(|l| u(l, "changed") > 0)
                .map(|l| u(l, "t"))
                .max();
            let sent = of_client(&t, "state_messages_sent", c)
                .into_iter()
                .map(|l| u(l, "t"))
                .max();
            let started = of_client(&t, "client_online", c)
                .into_iter()
                .map(|l| u(l, "t"))
                .max();
            scanned > sent && started.is_some_and(|on| on + 15 * MIN > end)
        })
        .count();
    assert!(
        unsent > 0,
        "some changes wait for the first send after start-up"
    );
}
