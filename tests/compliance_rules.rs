//! One test or more per compliance rule (R09–R15): build a scenario, run it, check the
//! rule's numbers in the trace.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;

/// One primary, `n` clients, the given catalog and extra fields.
fn lab(n: u32, catalog: &str, rest: &str) -> String {
    scenario(
        "3d",
        r#"sites: [(code: "LAB", kind: Primary, sup: "LAB-SUP", management_points: ["LAB-MP"])],"#,
        &format!(
            r#"clients: [(name: "pcs", site: "LAB", count: {n})], catalog: [{catalog}], {rest}"#
        ),
    )
}

#[test]
fn r09_a_finished_sync_creates_the_scan_policy_and_clients_get_it_at_their_next_poll() {
    let src = lab(300, r#"(id: "A")"#, r#"actions: [RunSync(at: "1d")]"#);
    let lines = trace(&src);
    let created: Vec<u64> = kind(&lines, "policy_created")
        .iter()
        .map(|l| t(l))
        .collect();
    let done: Vec<u64> = status(&lines, "LAB-SUP", 6702)
        .iter()
        .map(|l| t(l))
        .collect();
    assert_eq!(
        created, done,
        "one scan policy per completed sync, at the 6702"
    );
    let received = kind(&lines, "policy_received");
    assert_eq!(received.len(), 300 * created.len());
    let mut phases: BTreeMap<u64, u64> = BTreeMap::new();
    for r in received {
        let c = created.iter().rev().find(|&&c| c <= t(r)).unwrap();
        assert!(
            t(r) - c < HOUR,
            "received within one 60-minute polling interval"
        );
        let p = *phases.entry(u(r, "client")).or_insert(t(r) % HOUR);
        assert_eq!(p, t(r) % HOUR, "each client polls at its own fixed phase");
    }
    let distinct: std::collections::BTreeSet<u64> = phases.values().map(|p| p / MIN).collect();
    assert!(distinct.len() > 40, "poll phases are spread over the hour");
}

#[test]
fn r09_clients_follow_the_policy_of_the_site_that_serves_them() {
    let src = scenario(
        "1d",
        r#"sites: [
            (code: "CAS", kind: Central, sup: "CAS-SUP"),
            (code: "P01", kind: Primary, parent: "CAS", sup: "P01-SUP", management_points: ["P01-MP"]),
            (code: "S01", kind: Secondary, parent: "P01"),
        ],"#,
        r#"clients: [(name: "branch", site: "S01", count: 20)], catalog: [(id: "A")]"#,
    );
    let lines = trace(&src);
    let p01 = kind(&lines, "policy_created")
        .into_iter()
        .find(|l| l["site"] == "P01")
        .unwrap();
    for r in kind(&lines, "policy_received") {
        assert!(
            t(r) >= t(p01) && t(r) - t(p01) < HOUR,
            "S01 has no SUP: P01's policy"
        );
    }
}

#[test]
fn r10_each_client_schedules_its_scan_uniformly_within_two_hours() {
    let lines = trace(&lab(2000, r#"(id: "A")"#, ""));
    let mut offsets = Vec::new();
    for s in kind(&lines, "scan_scheduled") {
        let c = u(s, "client");
        let received = of_client(&lines, "policy_received", c);
        assert_eq!(t(received[0]), t(s), "scheduled when the policy arrives");
        let at = u(s, "at");
        assert!(at - t(s) < 2 * HOUR);
        assert_eq!(t(of_client(&lines, "scan_start", c)[0]), at);
        offsets.push(at - t(s));
    }
    assert_eq!(offsets.len(), 2000);
    let mean = offsets.iter().sum::<u64>() as f64 / 2000.0;
    assert!(
        (mean - HOUR as f64).abs() < 0.05 * HOUR as f64,
        "mean {mean} ≈ 1 h"
    );
    for q in 0..4 {
        let n = offsets.iter().filter(|&&o| o / (30 * MIN) == q).count();
        assert!((400..600).contains(&n), "quarter {q} has {n} of 2000");
    }
}

#[test]
fn r10_the_window_is_a_parameter() {
    let lines = trace(&lab(
        200,
        r#"(id: "A")"#,
        r#"settings: (scan_window: "10m")"#,
    ));
    for s in kind(&lines, "scan_scheduled") {
        assert!(u(s, "at") - t(s) < 10 * MIN);
    }
}

#[test]
fn r11_scan_steps_add_up_and_the_list_is_read_when_wua_connects() {
    let lines = trace(&lab(50, r#"(id: "A")"#, ""));
    let steps = 1_000 + 5_000 + 2_000 + 30_000 + 2 * MIN;
    for d in kind(&lines, "scan_done") {
        let start = of_client(&lines, "scan_start", u(d, "client"))[0];
        assert_eq!(t(d) - t(start), steps);
        assert_eq!(start["reason"], "compliance");
    }
}

#[test]
fn r11_internet_clients_scan_their_ibsup_and_miss_updates_it_has_not_synced() {
    // The IBSUP syncs ~20 minutes after the active SUP; with a 1-minute scan window the
    // Internet-based clients read their IBSUP's list before it has the update.
    let src = scenario(
        "1d",
        r#"sites: [(code: "LAB", kind: Primary, sup: "LAB-SUP", internet_sup: "LAB-IB", management_points: ["LAB-MP"])],"#,
        r#"clients: [(name: "office", site: "LAB", count: 20), (name: "roaming", site: "LAB", count: 20, internet: true)],
           catalog: [(id: "A")], settings: (scan_window: "1m", machine_policy_interval: "1m")"#,
    );
    let lines = trace(&src);
    let ib_done = t(of_sup(&lines, "wsus_sync_done", "LAB-IB")[0]);
    for d in kind(&lines, "scan_done") {
        let internet = u(d, "client") >= 20;
        assert!(t(d) < ib_done);
        assert_eq!(u(d, "listed"), if internet { 0 } else { 1 });
        assert_eq!(u(d, "changed"), if internet { 0 } else { 1 });
    }
}

#[test]
fn r12_only_states_that_changed_since_the_last_scan_are_reported() {
    // Day 0: A and B scanned (2 changes). Day 1 (manual sync): nothing new, no messages.
    // Day 2 (manual sync): C released, one change.
    let src = lab(
        100,
        r#"(id: "A"), (id: "B"), (id: "C", released: "1d 12h")"#,
        r#"actions: [RunSync(at: "1d"), RunSync(at: "2d")]"#,
    );
    let lines = trace(&src);
    for c in 0..100 {
        let changed: Vec<u64> = of_client(&lines, "scan_done", c)
            .iter()
            .map(|l| u(l, "changed"))
            .collect();
        assert_eq!(changed, vec![2, 0, 1], "client {c}");
        let sent: Vec<u64> = of_client(&lines, "state_messages_sent", c)
            .iter()
            .map(|l| u(l, "count"))
            .collect();
        assert_eq!(
            sent,
            vec![2, 1],
            "client {c}: nothing sent after the scan without changes"
        );
    }
}

#[test]
fn r13_state_messages_go_in_bulk_on_a_5_minute_cycle_and_the_mp_forwards_them() {
    let lines = trace(&lab(
        500,
        r#"(id: "A"), (id: "B", released: "12h")"#,
        r#"actions: [RunSync(at: "1d")]"#,
    ));
    let mut held = 0;
    for l in &lines {
        match l["kind"].as_str().unwrap() {
            "state_messages_sent" => {
                let c = u(l, "client");
                let scans = of_client(&lines, "scan_done", c);
                let scan = scans.iter().rev().find(|s| t(s) <= t(l)).unwrap();
                assert!(t(l) - t(scan) < 5 * MIN, "sent at the next 5-minute tick");
                let sends = of_client(&lines, "state_messages_sent", c);
                if sends.len() == 2 {
                    assert_eq!(
                        (t(sends[1]) - t(sends[0])) % (5 * MIN),
                        0,
                        "same cycle phase"
                    );
                }
                assert_eq!(l["mp"], "LAB-MP");
                held += u(l, "count");
            }
            "state_messages_forwarded" => {
                assert_eq!(u(l, "count"), held, "the MP forwards everything it holds");
                held = 0;
            }
            _ => {}
        }
    }
    assert_eq!(held, 0);
    // The first forward comes one mp_forward_delay after the first send.
    let first_send = t(kind(&lines, "state_messages_sent")[0]);
    assert_eq!(
        t(kind(&lines, "state_messages_forwarded")[0]),
        first_send + MIN
    );
    let inserted: u64 = kind(&lines, "db_state_changed")
        .iter()
        .map(|l| u(l, "count"))
        .sum();
    let sent: u64 = kind(&lines, "state_messages_sent")
        .iter()
        .map(|l| u(l, "count"))
        .sum();
    assert_eq!(inserted, sent);
}

/// Clients per (update, to-state) that reached the database from Unknown.
fn db_known(lines: &[Value]) -> BTreeMap<(String, String), u64> {
    let mut m = BTreeMap::new();
    for l in kind(lines, "db_state_changed") {
        if l["from"] == "unknown" {
            let k = (
                l["update"].as_str().unwrap().to_string(),
                l["to"].as_str().unwrap().to_string(),
            );
            *m.entry(k).or_default() += u(l, "count");
        }
    }
    m
}

#[test]
fn r14_superseded_updates_report_nothing_except_under_a_service_pack() {
    let src = lab(
        100,
        r#"(id: "Old"), (id: "New", supersedes: ["Old"]),
           (id: "Fix"), (id: "SP1", service_pack: true, supersedes: ["Fix"])"#,
        "",
    );
    let known = db_known(&trace(&src));
    let get = |u: &str| {
        known
            .get(&(u.to_string(), "required".to_string()))
            .copied()
            .unwrap_or(0)
    };
    assert_eq!(get("New"), 100);
    assert_eq!(get("Old"), 0, "superseded: no state");
    assert_eq!(get("SP1"), 100);
    assert_eq!(
        get("Fix"),
        100,
        "a service pack containing a required update: both report"
    );
}

#[test]
fn r14_a_service_pack_over_an_update_that_is_not_required_reports_alone() {
    let src = scenario(
        "3d",
        r#"sites: [(code: "LAB", kind: Primary, sup: "LAB-SUP", management_points: ["LAB-MP"])],"#,
        r#"clients: [(name: "pcs", site: "LAB", count: 50,
                      updates: [(update: "Fix", installed: 1.0), (update: "SP1")])],
           catalog: [(id: "Fix"), (id: "SP1", service_pack: true, supersedes: ["Fix"])]"#,
    );
    let known = db_known(&trace(&src));
    assert_eq!(known.get(&("SP1".into(), "required".into())), Some(&50));
    assert!(
        !known.keys().any(|(u, _)| u == "Fix"),
        "Fix is installed, so only SP1 reports"
    );
}

#[test]
fn r14_sms2003_clients_report_superseded_updates_too() {
    let src = scenario(
        "3d",
        r#"sites: [(code: "LAB", kind: Primary, sup: "LAB-SUP", management_points: ["LAB-MP"])],"#,
        r#"clients: [(name: "old", site: "LAB", count: 30, legacy: true)],
           catalog: [(id: "Old"), (id: "New", supersedes: ["Old"])]"#,
    );
    let known = db_known(&trace(&src));
    assert_eq!(known.get(&("Old".into(), "required".into())), Some(&30));
    assert_eq!(known.get(&("New".into(), "required".into())), Some(&30));
}

#[test]
fn r15_the_database_moves_from_unknown_to_the_clients_true_states() {
    let src = scenario(
        "1d",
        r#"sites: [(code: "LAB", kind: Primary, sup: "LAB-SUP", management_points: ["LAB-MP"])],"#,
        r#"clients: [(name: "pcs", site: "LAB", count: 1000,
                      updates: [(update: "A", applies: 0.6, installed: 0.2)])],
           catalog: [(id: "A"), (id: "B")]"#,
    );
    let lines = trace(&src);
    let truth = kind(&lines, "applicability");
    let a = truth.iter().find(|l| l["update"] == "A").unwrap();
    let (req, not, inst) = (u(a, "required"), u(a, "not_required"), u(a, "installed"));
    assert_eq!(req + not + inst, 1000);
    assert!(
        (150..250).contains(&inst) && (300..500).contains(&req),
        "shares drawn: {a}"
    );
    let b = truth.iter().find(|l| l["update"] == "B").unwrap();
    assert_eq!(u(b, "not_required"), 1000, "unlisted updates do not apply");
    // Before any scan the database knows nothing (Unknown); after, exactly the truth.
    assert!(
        kind(&lines, "db_state_changed")
            .iter()
            .all(|l| l["from"] == "unknown")
    );
    let known = db_known(&lines);
    let get = |s: &str| {
        known
            .get(&("A".to_string(), s.to_string()))
            .copied()
            .unwrap_or(0)
    };
    assert_eq!(
        (get("required"), get("not_required"), get("installed")),
        (req, not, inst)
    );
    assert_eq!(known.get(&("B".into(), "not_required".into())), Some(&1000));
}

#[test]
fn r08_sms2003_clients_report_only_updates_their_site_database_holds() {
    // The ITMU catalog refreshes at 1h, long before the site's first sync at 1d: SMS 2003
    // clients scan it, but the site database cannot hold states for updates it has not
    // synced (R15), so nothing reaches it before its sync; after, the next ITMU scan does.
    let lines = trace(&scenario(
        "9d",
        r#"sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"])],"#,
        r#"clients: [(name: "old", site: "PR1", count: 50, legacy: true)],
           catalog: [(id: "KB1")],
           settings: (itmu_first_refresh: "1h", sync_schedule_first: "1d")"#,
    ));
    let synced = t(kind(&lines, "site_db_updated")[0]);
    let states = kind(&lines, "db_state_changed");
    assert!(!states.is_empty(), "the refresh after the sync reports");
    assert!(states.iter().all(|l| t(l) > synced));
}

/// Per client, the start of its first compliance scan and every `scan_scheduled` after it.
fn schedule_of(lines: &[Value], c: u64) -> (u64, Vec<(u64, u64)>) {
    let first = t(of_client(lines, "scan_start", c)
        .into_iter()
        .find(|l| l["reason"] == "compliance")
        .expect("a first compliance scan"));
    let later = of_client(lines, "scan_scheduled", c)
        .into_iter()
        .filter(|l| t(l) > first)
        .map(|l| (t(l), u(l, "at")))
        .collect();
    (first, later)
}

#[test]
fn r10_a_scan_every_scan_schedule_interval_after_the_first() {
    // One sync at the start, no other scan policy: every later scan is the schedule's.
    let src = lab(
        100,
        r#"(id: "A")"#,
        r#"settings: (scan_schedule_interval: "20h")"#,
    );
    let lines = verified_lines(&src);
    for c in 0..100 {
        let (first, later) = schedule_of(&lines, c);
        let ticks: Vec<u64> = (1..)
            .map(|k| first + k * 20 * HOUR)
            .take_while(|&x| x <= 3 * DAY)
            .collect();
        assert_eq!(
            later.iter().map(|l| l.0).collect::<Vec<_>>(),
            ticks,
            "client {c}: scheduled exactly at each tick from its first scan"
        );
        for (tick, at) in later {
            assert!(at - tick < 2 * HOUR, "within the scan window of its tick");
        }
    }
}

#[test]
fn r10_the_scan_schedule_is_off_at_0_and_absorbed_by_a_waiting_scan() {
    let off = trace(&lab(
        50,
        r#"(id: "A")"#,
        r#"settings: (scan_schedule_interval: "0")"#,
    ));
    assert_eq!(
        kind(&off, "scan_scheduled").len(),
        50,
        "one scan per policy"
    );
    // A 30-hour window and ticks every 20 hours: a tick whose scan still waits is absorbed.
    let src = lab(
        200,
        r#"(id: "A")"#,
        r#"settings: (scan_schedule_interval: "20h", scan_window: "30h")"#,
    );
    let lines = verified_lines(&src);
    let mut absorbed = 0;
    for c in 0..200 {
        let (first, later) = schedule_of(&lines, c);
        let ticks = (1..)
            .map(|k| first + k * 20 * HOUR)
            .take_while(|&x| x <= 3 * DAY);
        absorbed += ticks.count() - later.len();
        for w in later.windows(2) {
            assert!(w[1].0 > w[0].1, "client {c}: a second scan while one waits");
        }
    }
    assert!(absorbed > 20, "{absorbed} ticks absorbed");
}
