//! The rule checker: every gallery scenario passes, and hand-made traces that break a rule
//! are caught, so `cmsim verify` can fail.

use cmsim::rules::{VerifyReport, verify_str};

fn check(trace: &str) -> VerifyReport {
    verify_str(trace, None).expect("trace parses")
}

fn status(r: &VerifyReport, id: &str) -> &'static str {
    r.outcomes
        .iter()
        .find(|o| o.id == id)
        .expect("rule checked")
        .status()
}

#[test]
fn every_gallery_scenario_passes_check_and_verify() {
    let mut seen = 0;
    for path in cmsim::scenario_files("scenarios".as_ref()).unwrap() {
        let loaded = cmsim::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let trace = cmsim::trace_to_string(&loaded.world);
        let report = verify_str(&trace, Some(&loaded.scenario)).unwrap();
        assert!(
            !report.violated(),
            "{}:\n{}",
            path.display(),
            report.render()
        );
        assert!(report.outcomes.iter().any(|o| o.status() == "held"));
        seen += 1;
    }
    assert!(seen >= 4, "the gallery has at least four scenarios");
}

const START: &str = r#"{"t":0,"kind":"sync_start","site":"CAS","sup":"A","mode":"full","upstream":"microsoft_update","internet":false,"trigger":"schedule","attempt":1,"updates":1}"#;

const HEAD: &str = r#"{"t":0,"kind":"trace_start","format":1,"version":"0.1.0","scenario":"s","seed":1,"clients":10,"trace_clients":null}"#;

fn t_of(line: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
    v["t"].as_u64().expect("a time")
}

/// A whole trace: the header, `body`, and run_end at `end`.
fn until<S: AsRef<str>>(end: u64, body: &[S]) -> String {
    let mut out = vec![HEAD.to_string()];
    out.extend(body.iter().map(|l| l.as_ref().to_string()));
    let n = out.len();
    out.push(format!(
        r#"{{"t":{end},"kind":"run_end","end":{end},"events":{n},"lines":{n}}}"#
    ));
    out.join("\n")
}

/// A whole trace ending at its last line.
fn lines<S: AsRef<str>>(body: &[S]) -> String {
    until(
        body.iter().map(|l| t_of(l.as_ref())).max().unwrap_or(0),
        body,
    )
}

#[test]
fn r02_violation_6702_without_site_database_update() {
    let t = lines(&[
        START,
        r#"{"t":10,"kind":"wsus_sync_done","site":"CAS","sup":"A"}"#,
        r#"{"t":20,"kind":"status_message","site":"CAS","sup":"A","id":6702}"#,
    ]);
    let r = check(&t);
    assert_eq!(status(&r, "R02"), "VIOLATED");
    assert!(r.render().contains("line 4"), "{}", r.render());
}

#[test]
fn r03_violations_manual_full_and_expiry_in_a_delta() {
    let t = lines(&[
        r#"{"t":0,"kind":"sync_start","site":"CAS","sup":"A","mode":"full","upstream":"microsoft_update","internet":false,"trigger":"manual","attempt":1,"updates":1}"#,
        r#"{"t":5,"kind":"sync_start","site":"CAS","sup":"A","mode":"delta","upstream":"microsoft_update","internet":false,"trigger":"parent","attempt":1,"updates":1}"#,
        r#"{"t":9,"kind":"updates_expired","site":"CAS","count":1,"reason":"superseded_or_expired"}"#,
    ]);
    let r = check(&t);
    assert_eq!(status(&r, "R03"), "VIOLATED");
    assert_eq!(
        r.outcomes
            .iter()
            .find(|o| o.id == "R03")
            .unwrap()
            .violations
            .len(),
        2
    );
}

#[test]
fn r03_violation_a_delta_slower_than_a_full_sync() {
    let t = lines(&[
        START,
        r#"{"t":100,"kind":"wsus_sync_done","site":"CAS","sup":"A","updates":1}"#,
        r#"{"t":200,"kind":"sync_start","site":"CAS","sup":"A","mode":"delta","upstream":"microsoft_update","internet":false,"trigger":"manual","attempt":1,"updates":1}"#,
        r#"{"t":500,"kind":"wsus_sync_done","site":"CAS","sup":"A","updates":1}"#,
    ]);
    assert_eq!(status(&check(&t), "R03"), "VIOLATED");
}

#[test]
fn r04_violation_child_starts_before_its_parent_finished() {
    let t = lines(&[
        START,
        r#"{"t":5,"kind":"sync_start","site":"P01","sup":"B","mode":"full","upstream":"A","internet":false,"trigger":"parent","attempt":1,"updates":1}"#,
    ]);
    let r = check(&t);
    assert_eq!(status(&r, "R04"), "VIOLATED");
}

#[test]
fn r04_violation_parent_finished_without_requesting_its_child() {
    let t = lines(&[
        START,
        r#"{"t":10,"kind":"wsus_sync_done","site":"CAS","sup":"A"}"#,
        r#"{"t":20,"kind":"site_db_updated","site":"CAS","sup":"A"}"#,
        r#"{"t":20,"kind":"status_message","site":"CAS","sup":"A","id":6702}"#,
        r#"{"t":90,"kind":"sync_start","site":"P01","sup":"B","mode":"full","upstream":"A","internet":false,"trigger":"parent","attempt":1,"updates":1}"#,
    ]);
    let r = check(&t);
    assert_eq!(status(&r, "R04"), "VIOLATED");
    assert_eq!(status(&r, "R02"), "held");
}

#[test]
fn r05_violations_late_ibsup_and_site_database_update() {
    let t = lines(&[
        START,
        r#"{"t":10,"kind":"wsus_sync_done","site":"CAS","sup":"A"}"#,
        r#"{"t":20,"kind":"site_db_updated","site":"CAS","sup":"A"}"#,
        r#"{"t":20,"kind":"status_message","site":"CAS","sup":"A","id":6702}"#,
        r#"{"t":25,"kind":"sync_start","site":"CAS","sup":"IB","mode":"full","upstream":"A","internet":true,"trigger":"active_sup","attempt":1,"updates":1}"#,
        r#"{"t":30,"kind":"wsus_sync_done","site":"CAS","sup":"IB"}"#,
        r#"{"t":31,"kind":"site_db_updated","site":"CAS","sup":"IB"}"#,
    ]);
    let r = check(&t);
    let o = r.outcomes.iter().find(|o| o.id == "R05").unwrap();
    assert_eq!(o.status(), "VIOLATED");
    assert_eq!(o.violations.len(), 3, "{:?}", o.violations); // not started at 6702 (twice: 6702 and start) + db update
}

#[test]
fn r06_violations_wrong_retry_time_and_early_restart() {
    let t = until(
        9_000_000,
        &[
            START,
            r#"{"t":100,"kind":"status_message","site":"CAS","sup":"A","id":6703,"reason":"upstream_unavailable"}"#,
            r#"{"t":100,"kind":"sync_retry_scheduled","site":"CAS","sup":"A","at":1800100}"#,
            r#"{"t":200,"kind":"sync_start","site":"CAS","sup":"A","mode":"full","upstream":"microsoft_update","internet":false,"trigger":"retry","attempt":2,"updates":1}"#,
        ],
    );
    let r = check(&t);
    let o = r.outcomes.iter().find(|o| o.id == "R06").unwrap();
    assert_eq!(o.status(), "VIOLATED");
    assert_eq!(o.violations.len(), 2, "{:?}", o.violations);
}

#[test]
fn r06_violation_retry_never_started() {
    let t = until(
        9_000_000,
        &[
            START,
            r#"{"t":100,"kind":"status_message","site":"CAS","sup":"A","id":6703}"#,
            r#"{"t":100,"kind":"sync_retry_scheduled","site":"CAS","sup":"A","at":3600100}"#,
        ],
    );
    assert_eq!(status(&check(&t), "R06"), "VIOLATED");
}

#[test]
fn r08_violation_itmu_refresh_off_its_interval() {
    let t = lines(&[
        r#"{"t":0,"kind":"itmu_catalog_refreshed","site":"CAS","updates":1,"new":1}"#,
        r#"{"t":86400000,"kind":"itmu_catalog_refreshed","site":"CAS","updates":1,"new":0}"#,
    ]);
    assert_eq!(status(&check(&t), "R08"), "VIOLATED");
}

#[test]
fn a_trace_without_syncs_exercises_nothing() {
    let r = check(&until::<&str>(5, &[]));
    assert_eq!(status(&r, "TRACE"), "held");
    assert!(
        r.outcomes[1..]
            .iter()
            .all(|o| o.status() == "not exercised")
    );
    assert!(!r.violated());
}

#[test]
fn malformed_traces_are_errors_with_line_numbers() {
    let e = verify_str("{\"t\":1,\"kind\":\"x\"}\nnot json\n", None).unwrap_err();
    assert!(e.to_string().contains(":2:"), "{e}");
    let e = verify_str(r#"{"kind":"x"}"#, None).unwrap_err();
    assert!(e.to_string().contains("`t`"), "{e}");
}

#[test]
fn r01_violation_scheduled_sync_not_from_microsoft_update() {
    let t = lines(&[
        r#"{"t":0,"kind":"sync_start","site":"P01","sup":"B","mode":"full","upstream":"A","internet":false,"trigger":"schedule","attempt":1,"updates":1}"#,
    ]);
    assert_eq!(status(&check(&t), "R01"), "VIOLATED");
}

#[test]
fn r07_violations_early_reactivation_and_none_at_the_first_sync() {
    let early = lines(&[
        r#"{"t":0,"kind":"updates_expired","site":"HQ1","count":2,"reason":"sms2003_migration"}"#,
        r#"{"t":5,"kind":"updates_reactivated","site":"HQ1","count":2}"#,
    ]);
    assert_eq!(status(&check(&early), "R07"), "VIOLATED");
    let missing = lines(&[
        r#"{"t":0,"kind":"updates_expired","site":"HQ1","count":2,"reason":"sms2003_migration"}"#,
        START,
        r#"{"t":10,"kind":"wsus_sync_done","site":"HQ1","sup":"A"}"#,
        r#"{"t":20,"kind":"site_db_updated","site":"HQ1","sup":"A"}"#,
        r#"{"t":20,"kind":"status_message","site":"HQ1","sup":"A","id":6702}"#,
    ]);
    assert_eq!(status(&check(&missing), "R07"), "VIOLATED");
}

fn status_of(r: &VerifyReport, id: &str) -> usize {
    r.outcomes
        .iter()
        .find(|o| o.id == id)
        .unwrap()
        .violations
        .len()
}

#[test]
fn r09_violations_late_policy_and_a_moving_poll_phase() {
    let t = lines(&[
        r#"{"t":0,"kind":"policy_created","site":"LAB","policy":"scan"}"#,
        r#"{"t":4000000,"kind":"policy_received","client":1,"policy":"scan"}"#,
        r#"{"t":5000000,"kind":"policy_created","site":"LAB","policy":"scan"}"#,
        r#"{"t":5000001,"kind":"policy_received","client":1,"policy":"scan"}"#,
    ]);
    let r = check(&t);
    assert_eq!(status(&r, "R09"), "VIOLATED");
    assert_eq!(status_of(&r, "R09"), 2, "{}", r.render());
}

#[test]
fn r10_violations_scan_outside_the_window_or_off_schedule() {
    let t = lines(&[
        r#"{"t":10,"kind":"policy_received","client":1,"policy":"scan"}"#,
        r#"{"t":10,"kind":"scan_scheduled","client":1,"at":7200010}"#,
        r#"{"t":20,"kind":"scan_scheduled","client":2,"at":30}"#,
        r#"{"t":31,"kind":"scan_start","client":2,"reason":"compliance"}"#,
    ]);
    let r = check(&t);
    assert_eq!(status_of(&r, "R10"), 3, "{}", r.render());
}

#[test]
fn r11_violation_scan_shorter_than_its_steps() {
    let t = lines(&[
        r#"{"t":0,"kind":"scan_start","client":1,"reason":"compliance"}"#,
        r#"{"t":1000,"kind":"scan_done","client":1,"changed":0,"listed":0}"#,
    ]);
    assert_eq!(status(&check(&t), "R11"), "VIOLATED");
}

#[test]
fn r12_violation_messages_after_a_scan_without_changes() {
    let t = lines(&[
        r#"{"t":0,"kind":"scan_done","client":1,"changed":0,"listed":3}"#,
        r#"{"t":100,"kind":"state_messages_sent","client":1,"mp":"MP","count":2,"scanned_at":0}"#,
        r#"{"t":200,"kind":"scan_done","client":2,"changed":1,"listed":3}"#,
        r#"{"t":300,"kind":"state_messages_sent","client":2,"mp":"MP","count":2,"scanned_at":200}"#,
    ]);
    assert_eq!(status_of(&check(&t), "R12"), 2);
}

#[test]
fn r13_violations_sends_off_cycle_and_states_without_a_send() {
    let t = lines(&[
        r#"{"t":0,"kind":"scan_done","client":1,"changed":1,"listed":1}"#,
        r#"{"t":1000,"kind":"state_messages_sent","client":1,"mp":"MP","count":1,"scanned_at":0}"#,
        r#"{"t":2000,"kind":"scan_done","client":1,"changed":1,"listed":2}"#,
        r#"{"t":61000,"kind":"state_messages_sent","client":1,"mp":"MP","count":1,"scanned_at":2000}"#,
        r#"{"t":70000,"kind":"state_messages_forwarded","site":"LAB","mp":"MP","count":3}"#,
        r#"{"t":70000,"kind":"db_state_changed","site":"LAB","group":"g","update":"A","from":"unknown","to":"required","count":3}"#,
    ]);
    let r = check(&t);
    assert_eq!(status_of(&r, "R13"), 2, "{}", r.render());
}

#[test]
fn r14_violation_a_superseded_update_reported_with_its_superseder_listed() {
    let scenario = cmsim::load_str(
        "s.ron",
        r#"Scenario(name: "s", end: "1d",
            sites: [(code: "LAB", kind: Primary, sup: "S", management_points: ["MP"])],
            clients: [(name: "g", site: "LAB", count: 10)],
            catalog: [(id: "Old"), (id: "New", supersedes: ["Old"])])"#,
    )
    .unwrap()
    .scenario;
    let t = lines(&[
        r#"{"t":0,"kind":"scan_done","client":0,"changed":2,"listed":2}"#,
        r#"{"t":9,"kind":"db_state_changed","site":"LAB","group":"g","update":"Old","from":"unknown","to":"required","count":1}"#,
    ]);
    let r = verify_str(&t, Some(&scenario)).unwrap();
    assert_eq!(status(&r, "R14"), "VIOLATED", "{}", r.render());
    assert_eq!(
        status(&check(&t), "R14"),
        "not exercised",
        "R14 needs the scenario"
    );
}

#[test]
fn r16_r17_r18_violations_download_before_content_evaluation_or_user_and_install_before_download() {
    let t = lines(&[
        r#"{"t":0,"kind":"deployment_created","deployment":"D","site":"S","mandatory":false,"deadline":null}"#,
        r#"{"t":5,"kind":"download_start","client":1,"dp":"DP","deployment":"D","bytes":1}"#,
        r#"{"t":9,"kind":"install_start","client":2,"update":"KB1"}"#,
    ]);
    let r = check(&t);
    assert_eq!(status(&r, "R16"), "VIOLATED", "no content on DP");
    assert_eq!(
        status_of(&r, "R17"),
        2,
        "no evaluation scan, optional without the user"
    );
    assert_eq!(status(&r, "R18"), "VIOLATED", "nothing in the cache");
}

#[test]
fn r19_r20_r21_violations_early_give_up_retry_after_giving_up_and_wrong_spacing() {
    let h = 3_600_000u64;
    let loc = |t: u64| format!(r#"{{"t":{t},"kind":"location_failed","client":1,"manual":false}}"#);
    let con = |t: u64| {
        format!(r#"{{"t":{t},"kind":"dp_connect_failed","client":2,"dp":"DP","manual":false}}"#)
    };
    let man = |t: u64| {
        format!(r#"{{"t":{t},"kind":"dp_connect_failed","client":3,"dp":"DP","manual":true}}"#)
    };
    let t = [
        loc(0),
        loc(h),
        format!(
            r#"{{"t":{},"kind":"download_gave_up","client":1,"reason":"location"}}"#,
            2 * h
        ),
        con(0),
        con(90 * 60_000),
        man(0),
        man(h),
        format!(
            r#"{{"t":{},"kind":"download_gave_up","client":3,"reason":"manual"}}"#,
            4 * h
        ),
        man(5 * h),
    ]
    .join("\n");
    let r = check(&t);
    assert_eq!(
        status(&r, "R19"),
        "VIOLATED",
        "gave up after 2 hours of a 5-day budget"
    );
    assert_eq!(
        status(&r, "R20"),
        "VIOLATED",
        "retried after 90 minutes, not an hour"
    );
    assert_eq!(
        status_of(&r, "R21"),
        1,
        "tried again after giving up: {}",
        r.render()
    );
}

#[test]
fn r22_violation_hourly_notifications_two_days_before_the_deadline() {
    let t = lines(&[
        r#"{"t":0,"kind":"notification","client":1,"deadline_in":172800000}"#,
        r#"{"t":3600000,"kind":"notification","client":1,"deadline_in":169200000}"#,
    ]);
    assert_eq!(status(&check(&t), "R22"), "VIOLATED");
}

#[test]
fn r23_violation_notifications_while_hidden() {
    let scenario = cmsim::load_str(
        "s.ron",
        r#"Scenario(name: "s", end: "1d", sites: [(code: "LAB", kind: Primary, sup: "S", management_points: ["MP"])],
            clients: [(name: "g", site: "LAB", count: 10)],
            settings: (hide_deployments: true))"#,
    )
    .unwrap()
    .scenario;
    let t = lines(&[r#"{"t":0,"kind":"notification","client":1,"deadline_in":1000}"#]);
    let r = verify_str(&t, Some(&scenario)).unwrap();
    assert_eq!(status(&r, "R23"), "VIOLATED");
    assert_eq!(
        status(&check(&t), "R23"),
        "not exercised",
        "not hidden by default"
    );
}

#[test]
fn r25_violations_install_without_pre_install_scan_and_no_post_install_scan() {
    let t = lines(&[
        r#"{"t":0,"kind":"download_done","client":1,"dp":"DP","deployment":"D"}"#,
        r#"{"t":5,"kind":"install_start","client":1,"update":"KB1"}"#,
        r#"{"t":9,"kind":"scan_start","client":1,"reason":"compliance"}"#,
    ]);
    assert_eq!(status_of(&check(&t), "R25"), 2);
}

#[test]
fn r24_violations_user_install_before_evaluation_and_express_after_the_deadline() {
    let t = lines(&[
        r#"{"t":0,"kind":"deployment_created","deployment":"D","site":"S","mandatory":true,"deadline":100}"#,
        r#"{"t":5,"kind":"user_install","client":1,"dialog":"available"}"#,
        r#"{"t":10,"kind":"scan_done","client":2,"changed":0,"listed":1,"reason":"evaluation"}"#,
        r#"{"t":200,"kind":"user_install","client":2,"dialog":"express"}"#,
    ]);
    assert_eq!(status_of(&check(&t), "R24"), 2);
}

const SYNC: [&str; 4] = [
    r#"{"t":0,"kind":"sync_start","site":"CAS","sup":"A","mode":"full","upstream":"microsoft_update","internet":false,"trigger":"schedule","attempt":1,"updates":1}"#,
    r#"{"t":1202000,"kind":"wsus_sync_done","site":"CAS","sup":"A","updates":1}"#,
    r#"{"t":1322500,"kind":"site_db_updated","site":"CAS","sup":"A","updates":1,"new":1}"#,
    r#"{"t":1322500,"kind":"status_message","site":"CAS","sup":"A","id":6702}"#,
];

fn failing(r: &VerifyReport) -> Vec<&'static str> {
    r.outcomes
        .iter()
        .filter(|o| !o.violations.is_empty())
        .map(|o| o.id)
        .collect()
}

#[test]
fn a_whole_trace_holds_and_its_framing_comes_first() {
    let r = check(&lines(&SYNC));
    assert!(failing(&r).is_empty(), "{}", r.render());
    assert_eq!(r.outcomes[0].id, "TRACE");
    assert_eq!(status(&r, "TRACE"), "held");
}

#[test]
fn empty_headerless_and_truncated_traces_fail() {
    let good = lines(&SYNC);
    let all: Vec<&str> = good.lines().collect();
    let cases = [
        ("empty", String::new(), "empty trace"),
        ("header-less", all[1..].join("\n"), "trace_start"),
        ("cut short", all[..all.len() - 1].join("\n"), "cut short"),
        (
            "a line lost",
            [&all[..2], &all[3..]].concat().join("\n"),
            "lines were lost",
        ),
        (
            "a line after the end",
            format!("{good}\n{}", all[2]),
            "after run_end",
        ),
        (
            "a bare header",
            [
                &[r#"{"t":0,"kind":"trace_start","format":1}"#][..],
                &all[1..],
            ]
            .concat()
            .join("\n"),
            "lacks version, scenario, seed, clients, trace_clients",
        ),
    ];
    for (what, trace, says) in cases {
        let r = check(&trace);
        assert_eq!(failing(&r)[0], "TRACE", "{what}: {}", r.render());
        let v = &r.outcomes[0].violations;
        assert!(v.iter().any(|m| m.contains(says)), "{what}: {v:?}");
    }
}

#[test]
fn time_never_goes_back_and_rules_judge_the_times() {
    // The child's sync moved before its parent's 6702 in time, not in the file.
    let mut body = SYNC.to_vec();
    body.push(r#"{"t":1322500,"kind":"sync_request","site":"CAS","to_site":"P01","to_sup":"B"}"#);
    body.push(r#"{"t":1262500,"kind":"sync_start","site":"P01","sup":"B","mode":"full","upstream":"A","internet":false,"trigger":"parent","attempt":1,"updates":1}"#);
    let r = check(&lines(&body));
    assert!(
        failing(&r).contains(&"TRACE") && failing(&r).contains(&"R04"),
        "{}",
        r.render()
    );
    assert!(r.render().contains("time goes back"));
    assert!(r.render().contains("before its parent's SUP A finished"));
}

#[test]
fn lines_after_the_end_or_of_unknown_or_filtered_out_clients_fail() {
    let late = until(
        100,
        &[r#"{"t":200,"kind":"user_install","client":1,"dialog":"available"}"#],
    );
    assert!(check(&late).render().contains("after the end of the run"));
    let unknown = lines(&[r#"{"t":5,"kind":"user_install","client":10,"dialog":"available"}"#]);
    assert!(check(&unknown).render().contains("the run has 10 clients"));
    let filtered = lines(&[r#"{"t":5,"kind":"user_install","client":7,"dialog":"available"}"#])
        .replace(r#""trace_clients":null"#, r#""trace_clients":[0,5]"#);
    assert!(
        check(&filtered)
            .render()
            .contains("keeps clients 0..5 only")
    );
}

#[test]
fn a_trace_checked_against_another_scenario_fails() {
    let other = cmsim::load_str(
        "o.ron",
        r#"Scenario(name: "other", end: "1d", sites: [(code: "CAS", kind: Primary, sup: "A")])"#,
    )
    .unwrap()
    .scenario;
    let r = verify_str(&lines(&SYNC), Some(&other)).unwrap();
    assert!(
        r.outcomes[0]
            .violations
            .iter()
            .any(|v| v.contains("checked against \"other\""))
    );
}
