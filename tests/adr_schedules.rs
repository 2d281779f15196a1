//! Automatic deployment rules on a schedule (issue 12, item 7): a rule with `schedule:
//! Recurring(...)` or `Every(...)` runs at its schedule's instants only, read on the
//! scenario's clock (the start's zone), and takes what its site's database received since its
//! previous run; a schedule running more than 3 times a day is refused at its field;
//! `cmsim verify` (outcome `ADR`) rejects a scheduled deployment off the schedule; sweeps set
//! a rule's offsets.

mod common;
use common::tempdir::TestDir;
use common::*;
use serde_json::Value;
use std::process::{Command, Output};

/// Monday 7 December 2026, 06:00 in Berlin (05:00 UTC), for 7 days: a daily sync from 01:00
/// into the run; KB1 at the start, KB2 and a definition update on Tuesday, KB4 on Thursday
/// at noon. One rule of security updates on the schedule `schedule`.
fn scheduled(schedule: &str, more: &str) -> String {
    format!(
        r#"Scenario(name: "adr-schedule", seed: 3, end: "7d",
        start: "2026-12-07T06:00:00[Europe/Berlin]",
        sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["MP"],
                 distribution_points: ["DP1"])],
        clients: [(name: "desktops", site: "PR1", count: 40)],
        catalog: [(id: "KB1", title: "2026-11 Cumulative Update", size: "30MB"),
                  (id: "KB2", title: "2026-12 Cumulative Update", size: "30MB",
                   supersedes: ["KB1"], released: "1d"),
                  (id: "KB3", title: "Definition 1.2", size: "5MB", released: "1d",
                   classification: Definition, restart: false),
                  (id: "KB4", title: "2026-12 .NET Update", size: "20MB", released: "3d 6h")],
        automatic_deployment_rules: [(name: "Weekly", classifications: [Security],
            target: [(group: "desktops")], available_after: "1h", deadline_after: "1d",
            schedule: {schedule}{more})],
        settings: (sync_schedule_first: "1h", sync_schedule_interval: "1d"))"#
    )
}

const HOUR: u64 = 3_600_000;
const DAY: u64 = 24 * HOUR;

fn made(lines: &[Value]) -> Vec<&Value> {
    kind(lines, "adr_deployment_created")
}

/// The database's holdings of site PR1 just before `at`.
fn held_before(lines: &[Value], at: u64) -> u64 {
    kind(lines, "site_db_updated")
        .into_iter()
        .filter(|l| t(l) < at)
        .map(|l| u(l, "updates"))
        .next_back()
        .unwrap_or(0)
}

#[test]
fn adr_scheduled_rule_runs_at_its_instants_on_the_scenarios_clock_and_takes_what_arrived_since() {
    // Monday, Wednesday and Friday at 09:00 Berlin time: 3 h, 2 d 3 h and 4 d 3 h after the
    // 06:00 start (09:00 UTC would be an hour later).
    let lines = verified_lines(&scheduled(
        r#"Recurring(recurrence: Weekly([Mon, Wed, Fri]), at: "09:00")"#,
        "",
    ));
    let runs = made(&lines);
    let at: Vec<u64> = runs.iter().map(|r| t(r)).collect();
    assert_eq!(
        at,
        [3 * HOUR, 2 * DAY + 3 * HOUR, 4 * DAY + 3 * HOUR],
        "{runs:?}"
    );
    // Monday: KB1 (the first sync, an hour into the run); Wednesday: KB2 (Tuesday's sync;
    // KB3 is a definition); Friday: KB4 (Friday's sync: its release on Thursday came after
    // Thursday's).
    for (run, (id, n)) in runs
        .iter()
        .zip([("Weekly/1", 1), ("Weekly/2", 1), ("Weekly/3", 1)])
    {
        assert_eq!(run["deployment"], id);
        assert_eq!(u(run, "updates"), n);
        // Not at a sync: the rule no longer follows them.
        assert!(
            kind(&lines, "site_db_updated")
                .iter()
                .all(|s| t(s) != t(run))
        );
        let created = kind(&lines, "deployment_created")
            .into_iter()
            .find(|l| l["deployment"] == id)
            .unwrap();
        assert_eq!(u(created, "deadline"), t(run) + HOUR + DAY);
    }
    // Each run looked at the database as it stood then: something new arrived between runs.
    assert_eq!(held_before(&lines, at[0]), 1);
    assert_eq!(held_before(&lines, at[1]), 3);
    assert_eq!(held_before(&lines, at[2]), 4);
    // Tuesday's sync brought updates, but the rule ran only on its days.
    assert!(
        kind(&lines, "site_db_updated")
            .iter()
            .any(|s| u(s, "new") > 0 && t(s) > at[0] && t(s) < at[1])
    );
}

#[test]
fn adr_scheduled_rule_on_the_wednesday_after_patch_tuesday_and_every_interval() {
    // Patch Tuesday is 8 December 2026: the Wednesday after at 09:00 Berlin is 2 d 3 h in.
    let lines = verified_lines(&scheduled(
        r#"Recurring(recurrence: Monthly(week: Second, day: Tue, offset_days: 1), at: "09:00")"#,
        "",
    ));
    let runs = made(&lines);
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(t(runs[0]), 2 * DAY + 3 * HOUR);
    assert_eq!(u(runs[0], "updates"), 1, "KB2; KB1 is superseded by then");
    // Every 36 hours from 2 h (2 h, 1 d 14 h, 3 d 2 h, 4 d 14 h, 6 d 2 h): deployments only
    // then, by the runs that find something.
    let lines = verified_lines(&scheduled(r#"Every(interval: "1d 12h", first: "2h")"#, ""));
    let at: Vec<u64> = made(&lines).iter().map(|r| t(r)).collect();
    assert!(!at.is_empty());
    assert!(
        at.iter()
            .all(|&x| x >= 2 * HOUR && (x - 2 * HOUR).is_multiple_of(36 * HOUR)),
        "{at:?}"
    );
}

#[test]
fn adr_a_schedule_running_more_than_3_times_a_day_is_refused_at_its_field() {
    let src = scheduled(r#"Every(interval: "6h")"#, "");
    let err = match cmsim::load_str("bad.ron", &src) {
        Ok(_) => panic!("a rule every 6 hours was accepted"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("bad.ron:")
            && err.contains("automatic_deployment_rules[0].schedule.interval")
            && err.contains("4 times a day")
            && err.contains("at least 8h"),
        "{err}"
    );
    assert!(err.contains('^'), "a caret under the field: {err}");
    // And from the command line: exit 2.
    let dir = temp("adr-6h");
    let file = dir.join("bad.ron");
    std::fs::write(&file, &src).unwrap();
    let out = cmsim(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("schedule.interval"));
    drop(dir);
    // Three times a day is accepted; days need a start; a bad time of day is refused.
    assert!(cmsim::load_str("ok.ron", &scheduled(r#"Every(interval: "8h")"#, "")).is_ok());
    let no_start = scheduled(r#"Recurring(recurrence: Daily, at: "09:00")"#, "")
        .replace(r#"start: "2026-12-07T06:00:00[Europe/Berlin]","#, "");
    let err = cmsim::load_str("bad.ron", &no_start)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("automatic_deployment_rules[0].schedule"),
        "{err}"
    );
    let bad_clock = scheduled(r#"Recurring(recurrence: Daily, at: "25:00")"#, "");
    let err = cmsim::load_str("bad.ron", &bad_clock)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("schedule.at"), "{err}");
}

#[test]
fn adr_verify_rejects_a_scheduled_deployment_off_its_schedule() {
    let src = scheduled(
        r#"Recurring(recurrence: Weekly([Mon, Wed, Fri]), at: "09:00")"#,
        "",
    );
    let loaded = cmsim::load_str("adr.ron", &src).unwrap();
    let trace = cmsim::trace_to_string(&loaded.world);
    // Wednesday's deployment moved a minute later.
    let bad: String = trace
        .lines()
        .map(|l| {
            if l.contains(r#""kind":"adr_deployment_created""#) && l.contains("Weekly/2") {
                let at = 2 * DAY + 3 * HOUR;
                l.replace(&format!(r#""t":{at}"#), &format!(r#""t":{}"#, at + 60_000))
            } else {
                l.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect();
    assert_ne!(bad, trace);
    let report = cmsim::rules::verify_str(&bad, Some(&loaded.scenario)).unwrap();
    let o = report.outcomes.iter().find(|o| o.id == "ADR").unwrap();
    assert!(
        o.violations.iter().any(|v| v.contains("off the schedule")),
        "{}",
        report.render()
    );
    assert!(
        o.violations
            .iter()
            .any(|v| v.contains("made no deployment")),
        "the run at 09:00 is missing: {}",
        report.render()
    );
    // The same rule after syncs instead: its deployments are at syncs, off that schedule.
    let after_sync = src.replace(
        r#"schedule: Recurring(recurrence: Weekly([Mon, Wed, Fri]), at: "09:00")"#,
        "schedule: AfterSync",
    );
    judged_against(&after_sync, &src, "ADR", "off the schedule");
}

#[test]
fn adr_sweep_over_a_rules_deadline_gives_each_point_its_figures() {
    let src = scheduled(
        r#"Recurring(recurrence: Weekly([Mon, Wed, Fri]), at: "09:00")"#,
        "",
    )
    .replace(
        "settings: (",
        r#"sweep: [(param: "adr.Weekly.deadline_after", values: ["6h", "3d"])], settings: ("#,
    );
    let dir = temp("adr-sweep");
    let file = dir.join("sweep.ron");
    std::fs::write(&file, &src).unwrap();
    let out = cmsim(&["sweep", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    let rows: Vec<&str> = table.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{table}");
    assert!(
        table
            .lines()
            .nth(1)
            .unwrap()
            .contains("adr.Weekly.deadline_after")
    );
    let figures = |row: &str| {
        row.split(',')
            .skip(2)
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_ne!(figures(rows[0]), figures(rows[1]), "{table}");
    // A misspelt rule or field is refused with exit 2 and the closest name.
    for (param, hint) in [
        ("adr.Weekley.deadline_after", "did you mean `Weekly`"),
        (
            "adr.Weekly.deadline_afterr",
            "did you mean `deadline_after`",
        ),
    ] {
        let bad = src.replace("adr.Weekly.deadline_after", param);
        std::fs::write(&file, &bad).unwrap();
        let out = cmsim(&["sweep", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("sweep[0].param") && err.contains(hint),
            "{err}"
        );
    }
}

fn cmsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cmsim"))
        .args(args)
        .output()
        .expect("cmsim runs")
}

/// A fresh directory (`cmsim-NAME-…`), removed when dropped.
fn temp(name: &str) -> TestDir {
    TestDir::new(&format!("cmsim-{name}-"))
}
