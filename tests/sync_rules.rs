//! One test or more per synchronization rule (R01–R08): each builds a scenario, runs the
//! engine and checks the rule's numbers in the trace.

mod common;
use common::*;

const LAB: &str =
    r#"sites: [(code: "LAB", kind: Primary, sup: "LAB-SUP", management_points: ["LAB-MP"])],"#;

#[test]
fn r01_scheduled_syncs_run_from_microsoft_update_on_their_interval() {
    let src = scenario(
        "15d",
        LAB,
        r#"settings: (sync_schedule_first: "1h", sync_schedule_interval: "7d")"#,
    );
    let lines = trace(&src);
    let starts = kind(&lines, "sync_start");
    let times: Vec<u64> = starts.iter().map(|l| t(l)).collect();
    assert_eq!(times, vec![HOUR, 7 * DAY + HOUR, 14 * DAY + HOUR]);
    for s in starts {
        assert_eq!(s["upstream"], "microsoft_update");
        assert_eq!(s["trigger"], "schedule");
        assert_eq!(s["mode"], "full");
    }
}

#[test]
fn r01_manual_run_synchronization_starts_at_the_operator_action() {
    let src = scenario(
        "5d",
        LAB,
        r#"actions: [RunSync(at: "3d 4h")], settings: (scheduled_sync: false)"#,
    );
    let lines = trace(&src);
    let starts = kind(&lines, "sync_start");
    assert_eq!(starts.len(), 1);
    assert_eq!(t(starts[0]), 3 * DAY + 4 * HOUR);
    assert_eq!(starts[0]["trigger"], "manual");
}

#[test]
fn r02_6702_follows_the_wsus_cycle_then_the_site_database_update() {
    // 3 updates, full sync: WSUS cycle 20m + 3 × 2s, site database 2m + 3 × 500ms (defaults).
    let src = scenario("1d", LAB, r#"catalog: [(id: "A"), (id: "B"), (id: "C")]"#);
    let lines = trace(&src);
    let start = t(kind(&lines, "sync_start")[0]);
    let wsus = t(kind(&lines, "wsus_sync_done")[0]);
    let db = t(kind(&lines, "site_db_updated")[0]);
    let done = status(&lines, "LAB-SUP", 6702);
    assert_eq!(wsus - start, 20 * MIN + 3 * 2_000);
    assert_eq!(db - wsus, 2 * MIN + 3 * 500);
    assert_eq!(done.len(), 1);
    assert_eq!(t(done[0]), db);
    let order: Vec<&str> = lines
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .filter(|k| !matches!(*k, "trace_start" | "applicability"))
        .collect();
    assert_eq!(
        order[..4],
        [
            "sync_start",
            "wsus_sync_done",
            "site_db_updated",
            "status_message"
        ]
    );
}

#[test]
fn r03_manual_delta_is_faster_and_only_scheduled_syncs_mark_expired() {
    // "New" supersedes "Old" and is released on day 1; the manual delta on day 2 brings it
    // in without marking "Old" expired; the scheduled full sync on day 7 marks it.
    let src = scenario(
        "8d",
        LAB,
        r#"catalog: [(id: "Old"), (id: "Other"), (id: "New", supersedes: ["Old"], released: "1d")],
           actions: [RunSync(at: "2d")]"#,
    );
    let lines = trace(&src);
    let starts = kind(&lines, "sync_start");
    let modes: Vec<&str> = starts.iter().map(|l| l["mode"].as_str().unwrap()).collect();
    assert_eq!(modes, ["full", "delta", "full"]);
    let wsus = kind(&lines, "wsus_sync_done");
    let full_took = t(wsus[0]) - t(starts[0]);
    let delta_took = t(wsus[1]) - t(starts[1]);
    assert_eq!(delta_took, 3 * MIN + 2_000, "delta: 3m + 1 update × 2s");
    assert!(delta_took < full_took);
    let expired = kind(&lines, "updates_expired");
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0]["count"], 1);
    assert_eq!(
        t(expired[0]),
        t(kind(&lines, "site_db_updated")[2]),
        "during the day-7 full sync"
    );
}

#[test]
fn r03_catalog_expired_updates_are_marked_by_the_next_scheduled_sync() {
    let src = scenario(
        "8d",
        LAB,
        r#"catalog: [(id: "A", expires_at: "3d"), (id: "B", expired: true), (id: "C")],
           actions: [RunSync(at: "4d")]"#,
    );
    let lines = trace(&src);
    let expired = kind(&lines, "updates_expired");
    // Day 0 full sync marks B; the day-4 delta marks nothing; the day-7 full sync marks A.
    let marks: Vec<(u64, u64)> = expired
        .iter()
        .map(|l| (t(l) / DAY, l["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(marks, vec![(0, 1), (7, 1)]);
}

#[test]
fn r04_each_child_syncs_from_its_parent_only_after_the_parent_finished() {
    let src = scenario("1d", HIERARCHY, r#"catalog: [(id: "A")]"#);
    let lines = trace(&src);
    let done = |sup| t(status(&lines, sup, 6702)[0]);
    let start = |sup| of_sup(&lines, "sync_start", sup)[0].clone();
    let delay = MIN; // sync_request_delay default
    for (child, parent) in [
        ("P01-SUP", "CAS-SUP"),
        ("P02-SUP", "CAS-SUP"),
        ("S11-SUP", "P01-SUP"),
    ] {
        let s = start(child);
        assert_eq!(s["upstream"], parent);
        assert_eq!(s["trigger"], "parent");
        assert_eq!(
            t(&s),
            done(parent) + delay,
            "{child} starts one request delay after {parent}'s 6702"
        );
    }
    let requests: Vec<(&str, &str)> = kind(&lines, "sync_request")
        .iter()
        .map(|l| (l["site"].as_str().unwrap(), l["to_sup"].as_str().unwrap()))
        .collect();
    assert_eq!(
        requests,
        [("CAS", "P01-SUP"), ("CAS", "P02-SUP"), ("P01", "S11-SUP")]
    );
    // S21 has no SUP: nothing syncs there.
    assert!(
        kind(&lines, "sync_start")
            .iter()
            .all(|l| l["site"] != "S21")
    );
}

#[test]
fn r04_a_failed_parent_holds_its_children_back() {
    let src = scenario(
        "1d",
        HIERARCHY,
        r#"faults: [WsusUnavailable(server: "P01-SUP", from: "0", to: "2h")]"#,
    );
    let lines = trace(&src);
    let p01_done = t(status(&lines, "P01-SUP", 6702)[0]);
    let s11_start = t(of_sup(&lines, "sync_start", "S11-SUP")[0]);
    assert!(!status(&lines, "P01-SUP", 6703).is_empty());
    assert!(p01_done > 2 * HOUR);
    assert_eq!(s11_start, p01_done + MIN);
}

#[test]
fn r05_ibsup_syncs_right_after_the_active_sup_and_never_updates_the_site_database() {
    let src = scenario("1d", HIERARCHY, r#"catalog: [(id: "A"), (id: "B")]"#);
    let lines = trace(&src);
    let active_done = t(status(&lines, "P01-SUP", 6702)[0]);
    let ib = of_sup(&lines, "sync_start", "P01-IB");
    assert_eq!(ib.len(), 1);
    assert_eq!(t(ib[0]), active_done, "right after the active SUP's 6702");
    assert_eq!(ib[0]["upstream"], "P01-SUP");
    assert_eq!(ib[0]["internet"], true);
    assert!(of_sup(&lines, "site_db_updated", "P01-IB").is_empty());
    let ib_wsus = t(of_sup(&lines, "wsus_sync_done", "P01-IB")[0]);
    assert_eq!(t(status(&lines, "P01-IB", 6702)[0]), ib_wsus);
    assert_eq!(of_sup(&lines, "wsus_sync_done", "P01-IB")[0]["updates"], 2);
}

#[test]
fn r06_a_failed_sync_reports_6703_and_retries_60_minutes_later_from_the_start() {
    // Upstream down until 1h30m: attempts at 0 and ~1h fail, the one at ~2h succeeds.
    let src = scenario(
        "1d",
        LAB,
        r#"catalog: [(id: "A")], faults: [UpstreamUnavailable(from: "0", to: "1h30m")]"#,
    );
    let lines = trace(&src);
    let failed = status(&lines, "LAB-SUP", 6703);
    assert_eq!(failed.len(), 2);
    let starts = of_sup(&lines, "sync_start", "LAB-SUP");
    assert_eq!(starts.len(), 3);
    for (k, f) in failed.iter().enumerate() {
        assert_eq!(f["reason"], "upstream_unavailable");
        let retry = &starts[k + 1];
        assert_eq!(
            t(retry),
            t(f) + 60 * MIN,
            "retry exactly 60 minutes after the 6703"
        );
        assert_eq!(retry["trigger"], "retry");
        assert_eq!(retry["attempt"], k as u64 + 2);
        assert_eq!(
            retry["mode"], "full",
            "the retry starts over as the same sync"
        );
    }
    let scheduled = kind(&lines, "sync_retry_scheduled");
    assert_eq!(scheduled[0]["at"], t(failed[0]) + 60 * MIN);
    assert_eq!(status(&lines, "LAB-SUP", 6702).len(), 1);
}

#[test]
fn r06_the_retry_interval_is_a_parameter() {
    let src = scenario(
        "1d",
        LAB,
        r#"faults: [UpstreamUnavailable(from: "0", to: "10m")], settings: (sync_retry_interval: "15m")"#,
    );
    let lines = trace(&src);
    let failed = status(&lines, "LAB-SUP", 6703);
    assert_eq!(failed.len(), 1);
    assert_eq!(
        t(of_sup(&lines, "sync_start", "LAB-SUP")[1]),
        t(failed[0]) + 15 * MIN
    );
}

#[test]
fn r06_random_failures_follow_the_failure_probability() {
    let src = scenario(
        "60d",
        LAB,
        r#"settings: (sync_schedule_interval: "1d", sync_failure_probability: 1.0, sync_retry_interval: "2d")"#,
    );
    let lines = trace(&src);
    assert!(
        status(&lines, "LAB-SUP", 6702).is_empty(),
        "probability 1: every attempt fails"
    );
    assert!(
        status(&lines, "LAB-SUP", 6703)
            .iter()
            .all(|l| l["reason"] == "random")
    );
}

const UPGRADED: &str = r#"sites: [(code: "HQ1", kind: Primary, sup: "HQ1-SUP", upgraded_from_sms2003: true)],
    catalog: [(id: "M1", migrated: true), (id: "M2", migrated: true), (id: "N1")],"#;

#[test]
fn r07_migrated_updates_stay_expired_until_a_sync_cycle_has_run() {
    let src = scenario(
        "2d",
        UPGRADED,
        r#"faults: [UpstreamUnavailable(from: "0", to: "3h")], settings: (sync_schedule_first: "1h")"#,
    );
    let lines = trace(&src);
    let expired = kind(&lines, "updates_expired");
    assert_eq!(t(expired[0]), 0);
    assert_eq!(expired[0]["reason"], "sms2003_migration");
    assert_eq!(expired[0]["count"], 2);
    // The first attempt fails: nothing is reactivated until a sync cycle completes.
    let failed = t(status(&lines, "HQ1-SUP", 6703)[0]);
    let reactivated = kind(&lines, "updates_reactivated");
    assert_eq!(reactivated.len(), 1);
    assert_eq!(reactivated[0]["count"], 2);
    let db = t(kind(&lines, "site_db_updated")[0]);
    assert!(t(reactivated[0]) == db && db > failed);
}

#[test]
fn r08_legacy_clients_see_new_updates_only_at_the_weekly_itmu_refresh() {
    let src = scenario(
        "15d",
        r#"sites: [(code: "HQ1", kind: Primary, sup: "HQ1-SUP", management_points: ["HQ1-MP"])],"#,
        r#"clients: [(name: "old", site: "HQ1", count: 10, legacy: true)],
           catalog: [(id: "A"), (id: "B", released: "2d")]"#,
    );
    let lines = trace(&src);
    let refreshes: Vec<(u64, u64)> = kind(&lines, "itmu_catalog_refreshed")
        .iter()
        .map(|l| (t(l), l["new"].as_u64().unwrap()))
        .collect();
    assert_eq!(refreshes, vec![(0, 1), (7 * DAY, 1), (14 * DAY, 0)]);
}

#[test]
fn r08_no_itmu_refresh_without_legacy_clients_and_the_interval_is_a_parameter() {
    let none = scenario("15d", LAB, "");
    assert!(kind(&trace(&none), "itmu_catalog_refreshed").is_empty());
    let src = scenario(
        "7d",
        LAB,
        r#"clients: [(name: "old", site: "LAB", count: 1, legacy: true)], settings: (itmu_catalog_interval: "3d")"#,
    );
    let times: Vec<u64> = kind(&trace(&src), "itmu_catalog_refreshed")
        .iter()
        .map(|l| t(l))
        .collect();
    assert_eq!(times, vec![0, 3 * DAY, 6 * DAY]);
}

#[test]
fn r03_an_update_superseded_only_by_a_service_pack_stays_active() {
    let src = scenario(
        "1d",
        LAB,
        r#"catalog: [(id: "Fix"), (id: "SP1", service_pack: true, supersedes: ["Fix"]),
                     (id: "Old"), (id: "New", supersedes: ["Old"])]"#,
    );
    let lines = trace(&src);
    let expired = kind(&lines, "updates_expired");
    assert_eq!(expired.len(), 1);
    assert_eq!(
        expired[0]["count"], 1,
        "only Old: Fix is superseded by a service pack alone"
    );
}
