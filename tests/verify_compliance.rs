//! `cmsim verify` on the compliance rules (R09–R15): scan policies and scan times, scans,
//! state messages and the site database; with the client agent's queue of compliance scans
//! (AGENT). For each check a hand-made trace that breaks exactly it and a variant that passes
//! (`common/traces.rs` builds them).

mod common;
use common::traces::*;

#[test]
fn r09_violations_late_policy_and_a_moving_poll_phase() {
    let t = whole(&[
        scan_policy(0, "LAB"),
        received(4_000_000, 1, "scan"),
        scan_policy(5_000_000, "LAB"),
        received(5_000_001, 1, "scan"),
    ]);
    assert_eq!(count(&check(&t), "R09"), 2);
}

#[test]
fn r09_every_client_of_the_site_receives_its_scan_policy() {
    let s = scenario(r#"settings: (scheduled_sync: false)"#);
    let polls = |skip: u64| {
        let mut body = vec![scan_policy(0, "CAS")];
        for c in (0..10).filter(|&c| c != skip) {
            body.push(received(c * 60_000, c, "scan"));
            body.push(scan_scheduled(c * 60_000, c, 3 * H));
        }
        with(&until(2 * H, &merge(vec![body])), &s)
    };
    assert_eq!(status(&polls(99), "R09"), "held");
    let r = polls(3);
    assert!(
        r.render()
            .contains("1 clients (client 3 first) did not receive"),
        "{}",
        r.render()
    );
}

#[test]
fn r10_each_scan_policy_schedules_a_scan_unless_one_is_pending() {
    let t = |second: bool| {
        let mut body = vec![
            scan_policy(0, "CAS"),
            received(0, 1, "scan"),
            scan_scheduled(0, 1, 3_600_000),
        ];
        if second {
            // A second policy while the first scan still waits: nothing more to schedule.
            body.push(scan_policy(60_000, "CAS"));
            body.push(received(H - 1, 1, "scan"));
        } else {
            body.push(received(H, 2, "scan"));
        }
        check(&whole(&body))
    };
    assert_eq!(status(&t(true), "R10"), "held");
    let r = t(false);
    assert!(
        r.render()
            .contains("no compliance scan scheduled or under way"),
        "{}",
        r.render()
    );
}

#[test]
fn r10_violations_scan_outside_the_window_or_off_schedule() {
    let t = whole(&[
        received(10, 1, "scan"),
        scan_scheduled(10, 1, 7_200_010),
        scan_scheduled(20, 2, 30),
        scan_start(31, 2, "compliance"),
    ]);
    assert_eq!(count(&check(&t), "R10"), 3);
}

/// Client 1 gets the scan and a deployment policy at one poll: its compliance scan is due
/// at 1 s, while its evaluation scan runs; it starts at `start`.
fn queued_scan(start: u64) -> String {
    let mut body = vec![scan_policy(0, "CAS")];
    body.extend(published(None));
    body.extend([
        received(0, 1, "scan"),
        scan_scheduled(0, 1, 1000),
        received(0, 1, "deployment"),
    ]);
    body.extend(scan(1, "evaluation", 0, 0));
    body.extend(scan(1, "compliance", start, 0));
    whole(&merge(vec![body]))
}

#[test]
fn a_compliance_scan_due_while_the_agent_is_busy_waits_for_the_running_job() {
    let r = check(&queued_scan(SCAN));
    assert!(failing(&r).is_empty(), "{}", r.render());
    let r = check(&queued_scan(1_000));
    assert_eq!(
        failing(&r),
        ["AGENT"],
        "at once, over the evaluation scan: {}",
        r.render()
    );
    let r = check(&queued_scan(SCAN + 1));
    assert_eq!(
        failing(&r),
        ["R10"],
        "not when the evaluation ended: {}",
        r.render()
    );
}

/// The issue's case: a compliance scan comes due (at 1 s after the install starts) during
/// client 1's install job, and starts at `start`.
fn scan_during_install(start: u64) -> VerifyReport {
    let due = SCAN + 1_000;
    let mut body = vec![
        scan_policy(0, "CAS"),
        received(0, 1, "scan"),
        scan_scheduled(0, 1, due),
    ];
    body.extend(scan(1, "pre_install", 0, 0));
    body.push(install_start(SCAN, 1, "KB1"));
    body.push(install_done(SCAN + INSTALL, 1, "KB1", false));
    body.extend(scan(1, "post_install", SCAN + INSTALL, 0));
    body.extend(scan(1, "compliance", start, 0));
    check(&whole(&merge(vec![body])))
}

#[test]
fn a_compliance_scan_due_during_an_install_job_waits_for_its_post_install_scan() {
    let end = 2 * SCAN + INSTALL;
    let r = scan_during_install(end);
    assert_eq!(status(&r, "AGENT"), "held", "{}", r.render());
    assert_eq!(status(&r, "R10"), "held", "{}", r.render());
    let r = scan_during_install(SCAN + 1_000);
    assert!(
        outcome(&r, "AGENT").violations[0].contains("its install of KB1"),
        "{}",
        r.render()
    );
    // At the install's end, over the post-install scan.
    let r = scan_during_install(SCAN + INSTALL);
    assert_eq!(status(&r, "AGENT"), "VIOLATED", "{}", r.render());
}

#[test]
fn r10_scan_times_are_uniform_over_the_whole_window() {
    let draws = |window: u64| {
        let mut body = vec![scan_policy(0, "CAS")];
        for c in 0..100u64 {
            body.push(received(0, c, "scan"));
            body.push(scan_scheduled(0, c, (2 * c + 1) * window / 200));
        }
        check(&until(0, &body))
    };
    assert_eq!(status(&draws(2 * H), "R10"), "held");
    let r = draws(H);
    assert_eq!(status(&r, "R10"), "VIOLATED");
    assert!(
        r.render().contains("not uniform within 7200000 ms"),
        "{}",
        r.render()
    );
}

#[test]
fn r11_violation_scan_shorter_than_its_steps() {
    let t = whole(&[
        scan_start(0, 1, "compliance"),
        scan_done(1000, 1, 0, 0, "compliance"),
    ]);
    assert_eq!(status(&check(&t), "R11"), "VIOLATED");
}

#[test]
fn r12_violation_messages_after_a_scan_without_changes() {
    let t = whole(&[
        scanned(0, 1, 0, 3),
        sent(100, 1, 2, 0),
        scanned(200, 2, 1, 3),
        sent(300, 2, 2, 200),
    ]);
    assert_eq!(count(&check(&t), "R12"), 2);
}

/// Client 1's scan at 0 finds a change and it sends it a second later.
fn one_change() -> Vec<String> {
    vec![scanned(0, 1, 1, 1), sent(1000, 1, 1, 0)]
}

#[test]
fn r13_violations_sends_off_cycle_and_states_without_a_send() {
    let mut body = one_change();
    let (at, insert) = inserted(61000, 3);
    body.extend([
        scanned(2000, 1, 1, 2),
        sent(61000, 1, 1, 2000),
        forwarded(61000, 3),
        insert,
        db_state(at, "LAB", "A", "required", 3),
    ]);
    let r = check(&whole(&body));
    // The second send is off its cycle; the MP forwards more than it received.
    assert_eq!(count(&r, "R13"), 1, "{}", r.render());
    assert!(
        r.render().contains("forwarded 3 state messages;"),
        "{}",
        r.render()
    );
}

#[test]
fn reporting_the_mp_forwards_its_forward_delay_after_the_first_send() {
    let at = |fwd: u64| {
        let mut body = one_change();
        let (t, insert) = inserted(fwd, 1);
        body.extend([
            forwarded(fwd, 1),
            insert,
            db_state(t, "LAB", "A", "required", 1),
        ]);
        whole(&body)
    };
    assert_eq!(status(&check(&at(61_000)), "REPORTING"), "held");
    assert_eq!(status(&check(&at(91_000)), "REPORTING"), "VIOLATED");
}

#[test]
fn reporting_the_database_inserts_at_its_rate_what_was_forwarded() {
    let at = |insert_at: u64, n: u64| {
        let mut body = one_change();
        body.extend([
            forwarded(61_000, 1),
            line(
                insert_at,
                "state_messages_inserted",
                &format!(r#""site":"LAB","count":{n}"#),
            ),
            db_state(insert_at, "LAB", "A", "required", n),
        ]);
        whole(&body)
    };
    assert_eq!(status(&check(&at(61_005, 1)), "REPORTING"), "held");
    // Early (faster than 200 a second), or more than was forwarded.
    assert_eq!(status(&check(&at(61_001, 1)), "REPORTING"), "VIOLATED");
    assert_eq!(status(&check(&at(61_005, 2)), "REPORTING"), "VIOLATED");
    // A state change with no insert announcing it.
    let mut body = one_change();
    body.extend([
        forwarded(61_000, 1),
        db_state(61_005, "LAB", "A", "required", 1),
    ]);
    let r = check(&whole(&body));
    assert!(
        r.render().contains("no insert or replication announced"),
        "{}",
        r.render()
    );
}

#[test]
fn r13_nothing_is_left_unsent_or_unforwarded() {
    let unsent = until(10 * 60_000, &[scanned(0, 1, 1, 1)]);
    assert!(check(&unsent).render().contains("were never sent"));
    let unforwarded = until(10 * 60_000, &one_change());
    assert!(
        check(&unforwarded)
            .render()
            .contains("were due to be forwarded")
    );
}

fn superseding() -> Scenario {
    cmsim::load_str(
        "s.ron",
        r#"Scenario(name: "hand-made", end: "1d",
            sites: [(code: "LAB", kind: Primary, sup: "S", management_points: ["MP"])],
            clients: [(name: "g", site: "LAB", count: 10)],
            catalog: [(id: "Old"), (id: "New", supersedes: ["Old"])],
            settings: (scheduled_sync: false))"#,
    )
    .unwrap()
    .scenario
}

/// Client 0's scan lists Old and New, and the database records Old as `to`.
fn old_becomes(to: &str) -> String {
    whole(&[scanned(0, 0, 2, 2), db_state(9, "LAB", "Old", to, 1)])
}

#[test]
fn r14_violation_a_superseded_update_reported_with_its_superseder_listed() {
    let t = old_becomes("required");
    let r = with(&t, &superseding());
    assert_eq!(status(&r, "R14"), "VIOLATED", "{}", r.render());
    assert_eq!(
        status(&check(&t), "R14"),
        "not exercised",
        "R14 needs the scenario"
    );
}

#[test]
fn r14_a_client_reports_its_own_install_of_an_update_superseded_meanwhile() {
    let t = old_becomes("installed");
    assert_eq!(status(&with(&t, &superseding()), "R14"), "held");
}

#[test]
fn r15_a_database_holds_states_only_for_the_updates_it_synced() {
    let s = scenario(
        r#"catalog: [(id: "KB1"), (id: "KB2", released: "1d")], settings: (scheduled_sync: false)"#,
    );
    let state = |u: &str| whole(&[A.db_updated(0, 1, 1), db_state(9, "CAS", u, "required", 1)]);
    assert_eq!(status(&with(&state("KB1"), &s), "R15"), "held");
    let r = with(&state("KB2"), &s);
    assert_eq!(status(&r, "R15"), "VIOLATED");
    assert!(
        r.render()
            .contains("does not hold (it holds the first 1 updates)")
    );
}

const DAY: u64 = 24 * H;
/// The start of client 1's first compliance scan in [`scan_schedule`].
const FIRST: u64 = 600_000;

/// Client 1's first compliance scan starts at 10 min; its scan schedule (every day from then,
/// R10) schedules a scan at each of `ticks`, and `policies` bring scan policy again.
fn scan_schedule(ticks: &[u64], policies: &[u64], end: u64) -> VerifyReport {
    let s = scenario(r#"settings: (scan_schedule_interval: "1d")"#);
    let mut body = vec![received(0, 1, "scan")];
    body.extend(scheduled_scan(0, 1));
    for &t in ticks.iter().chain(policies) {
        if policies.contains(&t) {
            body.push(received(t, 1, "scan"));
        }
        body.extend(scheduled_scan(t, 1));
    }
    with(&until(end, &merge(vec![body])), &s)
}

#[test]
fn r10_the_scan_schedule_ticks_every_interval_from_the_first_scan() {
    let end = FIRST + 2 * DAY + H;
    let r = scan_schedule(&[FIRST + DAY, FIRST + 2 * DAY], &[], end);
    assert_eq!(status(&r, "R10"), "held", "{}", r.render());
    // A scan scheduled or running at a tick absorbs it: the policy's scan waits then.
    let r = scan_schedule(&[FIRST + 2 * DAY], &[FIRST + DAY - 60_000], end);
    assert_eq!(status(&r, "R10"), "held", "{}", r.render());
    // The second tick is missing.
    let r = scan_schedule(&[FIRST + DAY], &[], end);
    let v = &outcome(&r, "R10").violations;
    assert_eq!(v.len(), 1, "{}", r.render());
    assert!(
        v[0].contains("1 ticks of the scan schedule from 173400000 ms"),
        "{}",
        r.render()
    );
    // A scan scheduled a second off its tick: unexplained, and the tick is missing.
    let r = scan_schedule(&[FIRST + DAY + 1_000, FIRST + 2 * DAY], &[], end);
    let v = &outcome(&r, "R10").violations;
    assert_eq!(v.len(), 2, "{}", r.render());
    assert!(v[0].contains("scheduled no compliance scan"), "{v:?}");
    assert!(
        v[1].contains("without a policy received or a tick"),
        "{v:?}"
    );
}
