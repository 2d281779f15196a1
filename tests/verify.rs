//! The rule checker: every gallery scenario passes, and hand-made traces that break a rule
//! are caught, so `cmsim verify` can fail. Each check has a trace that breaks exactly it and a
//! variant that passes. Times use the default parameters unless a scenario says otherwise.

use cmsim::rules::{VerifyReport, verify_str};
use cmsim::scenario::Scenario;

const HEAD: &str = r#"{"t":0,"kind":"trace_start","format":1,"version":"0.1.0","scenario":"hand-made","seed":1,"clients":10,"trace_clients":null}"#;
const H: u64 = 3_600_000;
const SCAN: u64 = 158_000; // the default scan steps: 1 s + 5 s + 2 s + 30 s + 2 min
const INSTALL: u64 = 300_000;

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
fn whole<S: AsRef<str>>(body: &[S]) -> String {
    until(
        body.iter().map(|l| t_of(l.as_ref())).max().unwrap_or(0),
        body,
    )
}

/// Lines of several actors in time order (ties keep the order given).
fn merge(parts: Vec<Vec<String>>) -> Vec<String> {
    let mut all: Vec<String> = parts.into_iter().flatten().collect();
    all.sort_by_key(|l| t_of(l));
    all
}

fn check(trace: &str) -> VerifyReport {
    verify_str(trace, None).expect("trace parses")
}

fn with(trace: &str, s: &Scenario) -> VerifyReport {
    verify_str(trace, Some(s)).expect("trace parses")
}

fn outcome<'r>(r: &'r VerifyReport, id: &str) -> &'r cmsim::rules::Outcome {
    r.outcomes
        .iter()
        .find(|o| o.id == id)
        .expect("rule checked")
}

fn status(r: &VerifyReport, id: &str) -> &'static str {
    outcome(r, id).status()
}

fn count(r: &VerifyReport, id: &str) -> usize {
    outcome(r, id).violations.len()
}

/// The ids of the violated outcomes.
fn failing(r: &VerifyReport) -> Vec<&'static str> {
    r.outcomes
        .iter()
        .filter(|o| !o.violations.is_empty())
        .map(|o| o.id)
        .collect()
}

/// A scenario named like the header, with 10 clients in group `g` at site CAS (SUP `A`,
/// management point MP, DPs DP and DP2), plus `more` fields.
fn scenario(more: &str) -> Scenario {
    let src = format!(
        r#"Scenario(name: "hand-made", end: "30d",
            sites: [(code: "CAS", kind: Primary, sup: "A", management_points: ["MP"],
                     distribution_points: ["DP", "DP2"])],
            clients: [(name: "g", site: "CAS", count: 10)], {more})"#
    );
    cmsim::load_str("hand-made.ron", &src)
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario
}

/// A successful sync of `sup` at `site` from `up` starting at `t`: the WSUS cycle moves
/// `moved` updates and then holds `holds`; `db` = (updates moved, held) for the site
/// database (none for an Internet-based SUP). Returns its lines and the time of its 6702.
#[allow(clippy::too_many_arguments)]
fn sync(
    site: &str,
    sup: &str,
    up: &str,
    trigger: &str,
    mode: &str,
    t: u64,
    moved: u64,
    holds: u64,
    db: Option<(u64, u64)>,
) -> (Vec<String>, u64) {
    let base = if mode == "full" { 1_200_000 } else { 180_000 };
    let w = t + base + 2_000 * moved;
    let internet = db.is_none();
    let mut out = vec![
        format!(
            r#"{{"t":{t},"kind":"sync_start","site":"{site}","sup":"{sup}","mode":"{mode}","upstream":"{up}","internet":{internet},"trigger":"{trigger}","attempt":1,"updates":{moved}}}"#
        ),
        format!(
            r#"{{"t":{w},"kind":"wsus_sync_done","site":"{site}","sup":"{sup}","updates":{holds}}}"#
        ),
    ];
    let mut end = w;
    if let Some((n, total)) = db {
        end = w + 120_000 + 500 * n;
        out.push(format!(
            r#"{{"t":{end},"kind":"site_db_updated","site":"{site}","sup":"{sup}","updates":{total},"new":{n}}}"#
        ));
    }
    out.push(format!(
        r#"{{"t":{end},"kind":"status_message","site":"{site}","sup":"{sup}","id":6702}}"#
    ));
    (out, end)
}

/// The top SUP `A`'s scheduled full sync at time 0 of one update.
fn top_sync() -> (Vec<String>, u64) {
    sync(
        "CAS",
        "A",
        "microsoft_update",
        "schedule",
        "full",
        0,
        1,
        1,
        Some((1, 1)),
    )
}

fn line(t: u64, kind: &str, rest: &str) -> String {
    format!(r#"{{"t":{t},"kind":"{kind}",{rest}}}"#)
}

fn scan(c: u64, reason: &str, t: u64, changed: u64) -> Vec<String> {
    vec![
        line(
            t,
            "scan_start",
            &format!(r#""client":{c},"reason":"{reason}""#),
        ),
        line(
            t + SCAN,
            "scan_done",
            &format!(r#""client":{c},"changed":{changed},"listed":1,"reason":"{reason}""#),
        ),
    ]
}

#[test]
fn every_gallery_scenario_passes_check_and_verify() {
    let mut seen = 0;
    let mut failed = Vec::new();
    for path in cmsim::scenario_files("scenarios".as_ref()).unwrap() {
        let loaded = cmsim::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let trace = cmsim::trace_to_string(&loaded.world);
        let report = verify_str(&trace, Some(&loaded.scenario)).unwrap();
        // Every scenario is judged before the test fails, so that it names them all.
        if report.violated() {
            failed.push(format!("{}:\n{}", path.display(), report.render()));
        }
        assert!(report.outcomes.iter().any(|o| o.status() == "held"));
        seen += 1;
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(seen >= 4, "the gallery has at least four scenarios");
}

// ---- Framing (TRACE) ----

#[test]
fn a_whole_trace_holds_and_its_framing_comes_first() {
    let r = check(&whole(&top_sync().0));
    assert!(failing(&r).is_empty(), "{}", r.render());
    assert_eq!(r.outcomes[0].id, "TRACE");
    assert_eq!(status(&r, "TRACE"), "held");
    assert!(r.render().lines().nth(1).unwrap().contains("TRACE"));
}

#[test]
fn empty_headerless_and_truncated_traces_fail() {
    let body = top_sync().0;
    let good = whole(&body);
    let lines: Vec<&str> = good.lines().collect();
    let cases = [
        ("empty", String::new(), "empty trace"),
        ("header-less", lines[1..].join("\n"), "trace_start"),
        (
            "cut short",
            lines[..lines.len() - 1].join("\n"),
            "cut short",
        ),
        (
            "a line lost",
            [&lines[..2], &lines[3..]].concat().join("\n"),
            "lines were lost",
        ),
        (
            "a line after the end",
            format!("{good}\n{}", lines[2]),
            "after run_end",
        ),
        (
            "a bare header",
            [
                &[r#"{"t":0,"kind":"trace_start","format":1}"#][..],
                &lines[1..],
            ]
            .concat()
            .join("\n"),
            "lacks version, scenario, seed, clients, trace_clients",
        ),
    ];
    for (what, trace, says) in cases {
        let r = check(&trace);
        assert_eq!(failing(&r)[0], "TRACE", "{what}: {}", r.render());
        let v = &outcome(&r, "TRACE").violations;
        assert!(v.iter().any(|m| m.contains(says)), "{what}: {v:?}");
    }
}

#[test]
fn time_never_goes_back_and_rules_judge_the_times() {
    // The child's sync moved 2 minutes earlier: still after its parent's 6702 in the file,
    // but before it in time.
    let (mut parent, done) = top_sync();
    parent.push(line(
        done,
        "sync_request",
        r#""site":"CAS","to_site":"P01","to_sup":"B""#,
    ));
    let (child, _) = sync(
        "P01",
        "B",
        "A",
        "parent",
        "full",
        done + 60_000,
        1,
        1,
        Some((1, 1)),
    );
    let good = merge(vec![parent.clone(), child.clone()]);
    assert!(failing(&check(&whole(&good))).is_empty());
    let mut moved = good.clone();
    let k = moved
        .iter()
        .position(|l| l.contains(r#""sup":"B""#))
        .unwrap();
    moved[k] = moved[k].replace(
        &format!(r#""t":{}"#, done + 60_000),
        &format!(r#""t":{}"#, done - 60_000),
    );
    let r = check(&whole(&moved));
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
    let late = until(100, &[line(200, "restart", r#""client":1"#)]);
    assert!(outcome(&check(&late), "TRACE").violations[0].contains("after the end of the run"));
    let unknown = whole(&[line(
        5,
        "user_install",
        r#""client":10,"dialog":"available""#,
    )]);
    assert!(check(&unknown).render().contains("the run has 10 clients"));
    let filtered = whole(&[line(
        5,
        "user_install",
        r#""client":7,"dialog":"available""#,
    )])
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
        r#"Scenario(name: "other", end: "1d", sites: [(code: "CAS", kind: Primary, sup: "A")],
            settings: (scheduled_sync: false))"#,
    )
    .unwrap()
    .scenario;
    let r = with(
        &whole(&[line(
            0,
            "updates_expired",
            r#""site":"CAS","count":0,"reason":"superseded_or_expired""#,
        )]),
        &other,
    );
    assert!(
        outcome(&r, "TRACE")
            .violations
            .iter()
            .any(|v| v.contains("checked against \"other\""))
    );
}

// ---- Synchronization ----

#[test]
fn r01_scheduled_syncs_keep_to_the_schedule() {
    let week = 7 * 24 * H;
    let second = |t: u64| {
        sync(
            "CAS",
            "A",
            "microsoft_update",
            "schedule",
            "full",
            t,
            0,
            1,
            Some((0, 1)),
        )
        .0
    };
    let on = merge(vec![top_sync().0, second(week)]);
    assert!(failing(&check(&until(week + 2 * H, &on))).is_empty());
    let off = merge(vec![top_sync().0, second(week - H)]);
    let r = check(&until(week + 2 * H, &off));
    assert_eq!(failing(&r), ["R01"], "{}", r.render());
    assert_eq!(
        count(&r, "R01"),
        2,
        "the tick unanswered, the start off schedule"
    );
}

#[test]
fn r01_a_manual_sync_answers_a_run_synchronization() {
    let s = scenario(
        r#"catalog: [(id: "KB1")], actions: [RunSync(at: "2h")], settings: (scheduled_sync: false)"#,
    );
    let manual = |t| {
        sync(
            "CAS",
            "A",
            "microsoft_update",
            "manual",
            "delta",
            t,
            1,
            1,
            Some((1, 1)),
        )
        .0
    };
    assert!(failing(&with(&whole(&manual(2 * H)), &s)).is_empty());
    let r = with(&whole(&manual(3 * H)), &s);
    assert_eq!(failing(&r), ["R01"], "{}", r.render());
}

#[test]
fn r02_violation_6702_without_site_database_update() {
    let t = whole(&[
        line(
            0,
            "sync_start",
            r#""site":"CAS","sup":"A","mode":"full","upstream":"microsoft_update","internet":false,"trigger":"schedule","attempt":1,"updates":1"#,
        ),
        line(
            1_202_000,
            "wsus_sync_done",
            r#""site":"CAS","sup":"A","updates":1"#,
        ),
        line(
            1_202_000,
            "status_message",
            r#""site":"CAS","sup":"A","id":6702"#,
        ),
    ]);
    let r = check(&t);
    assert_eq!(failing(&r), ["R02"]);
    assert!(r.render().contains("line 4"), "{}", r.render());
}

#[test]
fn r02_each_step_takes_its_parameters_time_for_the_updates_it_moves() {
    let (good, _) = top_sync();
    let shift = |k: usize, by: i64| {
        let mut v = good.clone();
        let t = t_of(&v[k]);
        for l in &mut v[k..] {
            *l = l.replace(&format!(r#""t":{t}"#), &format!(r#""t":{}"#, t as i64 + by));
        }
        v
    };
    for (k, what) in [(1, "WSUS sync cycle"), (2, "site database step")] {
        let r = check(&whole(&shift(k, 1_000)));
        assert_eq!(failing(&r), ["R02"], "{what}: {}", r.render());
        assert!(r.render().contains(what));
    }
    // A child that claims to move more than its parent holds.
    let (parent, done) = top_sync();
    let mut parent = parent;
    parent.push(line(
        done,
        "sync_request",
        r#""site":"CAS","to_site":"P01","to_sup":"B""#,
    ));
    let (child, _) = sync(
        "P01",
        "B",
        "A",
        "parent",
        "full",
        done + 60_000,
        5,
        5,
        Some((5, 5)),
    );
    let r = check(&whole(&merge(vec![parent, child])));
    assert!(
        r.render().contains("its upstream holds 1, it has 0"),
        "{}",
        r.render()
    );
}

#[test]
fn r03_violations_manual_full_and_expiry_in_a_delta() {
    let t = whole(&[
        line(
            0,
            "sync_start",
            r#""site":"CAS","sup":"A","mode":"full","upstream":"microsoft_update","internet":false,"trigger":"manual","attempt":1,"updates":1"#,
        ),
        line(
            5,
            "sync_start",
            r#""site":"CAS","sup":"A","mode":"delta","upstream":"microsoft_update","internet":false,"trigger":"parent","attempt":1,"updates":1"#,
        ),
        line(
            9,
            "updates_expired",
            r#""site":"CAS","count":1,"reason":"superseded_or_expired""#,
        ),
    ]);
    assert_eq!(count(&check(&t), "R03"), 2);
}

#[test]
fn r03_violation_a_delta_slower_than_a_full_sync() {
    let t = whole(&[
        line(
            0,
            "sync_start",
            r#""site":"CAS","sup":"A","mode":"full","upstream":"microsoft_update","internet":false,"trigger":"schedule","attempt":1,"updates":1"#,
        ),
        line(
            100,
            "wsus_sync_done",
            r#""site":"CAS","sup":"A","updates":1"#,
        ),
        line(
            200,
            "sync_start",
            r#""site":"CAS","sup":"A","mode":"delta","upstream":"microsoft_update","internet":false,"trigger":"manual","attempt":1,"updates":1"#,
        ),
        line(
            500,
            "wsus_sync_done",
            r#""site":"CAS","sup":"A","updates":1"#,
        ),
    ]);
    assert_eq!(status(&check(&t), "R03"), "VIOLATED");
}

/// The top SUP's sync, its request to child SUP B, and B's sync starting `delay` after it.
fn cascade(request: bool, delay: u64) -> String {
    let (mut parent, done) = top_sync();
    if request {
        parent.push(line(
            done,
            "sync_request",
            r#""site":"CAS","to_site":"P01","to_sup":"B""#,
        ));
    }
    let (child, _) = sync(
        "P01",
        "B",
        "A",
        "parent",
        "full",
        done + delay,
        1,
        1,
        Some((1, 1)),
    );
    whole(&merge(vec![parent, child]))
}

#[test]
fn r04_a_child_syncs_the_request_delay_after_its_parent_finished() {
    assert!(failing(&check(&cascade(true, 60_000))).is_empty());
    let r = check(&cascade(true, 120_000));
    assert_eq!(failing(&r), ["R04"], "{}", r.render());
    assert_eq!(count(&r, "R04"), 2, "request unanswered, start unexplained");
}

#[test]
fn r04_violation_child_starts_before_its_parent_finished() {
    let (child, _) = sync("P01", "B", "A", "parent", "full", 5, 1, 1, Some((1, 1)));
    let r = check(&whole(&merge(vec![top_sync().0, child])));
    assert_eq!(status(&r, "R04"), "VIOLATED");
}

#[test]
fn r04_violation_parent_finished_without_requesting_its_child() {
    let r = check(&cascade(false, 70_000));
    assert_eq!(failing(&r), ["R04"], "{}", r.render());
    assert!(
        r.render()
            .contains("6702 sent no sync request to child SUP B")
    );
}

#[test]
fn r05_violations_late_ibsup_and_site_database_update() {
    let (a, done) = top_sync();
    let (mut ib, _) = sync(
        "CAS",
        "IB",
        "A",
        "active_sup",
        "full",
        done + 5_000,
        1,
        1,
        None,
    );
    ib.push(line(
        done + 5_000 + 1_202_000,
        "site_db_updated",
        r#""site":"CAS","sup":"IB","updates":1,"new":0"#,
    ));
    let r = check(&whole(&merge(vec![a, ib])));
    let o = outcome(&r, "R05");
    // not started at the 6702 (the request unanswered, the start unexplained) + db update
    assert_eq!(o.violations.len(), 3, "{:?}", o.violations);
}

/// The issue's case: the IBSUP is busy when the active SUP's second 6702 comes; the request
/// waits and starts when the IBSUP's running attempt ends (the model's reading, R05).
fn busy_ibsup(late: u64) -> String {
    let (a, t1) = top_sync();
    let (ib1, ib_done) = sync("CAS", "IB", "A", "active_sup", "full", t1, 1, 1, None);
    let (a2, _) = sync(
        "CAS",
        "A",
        "microsoft_update",
        "manual",
        "delta",
        t1 + 1_000,
        0,
        1,
        Some((0, 1)),
    );
    let (ib2, _) = sync(
        "CAS",
        "IB",
        "A",
        "active_sup",
        "delta",
        ib_done + late,
        0,
        1,
        None,
    );
    whole(&merge(vec![a, ib1, a2, ib2]))
}

#[test]
fn r05_a_busy_ibsup_runs_the_request_when_its_attempt_ends() {
    let r = check(&busy_ibsup(0));
    assert!(failing(&r).is_empty(), "{}", r.render());
    assert_eq!(status(&r, "R05"), "held");
    let r = check(&busy_ibsup(1_000));
    assert_eq!(failing(&r), ["R05"], "{}", r.render());
}

#[test]
fn r05_an_idle_ibsup_must_start_at_the_6702() {
    let (a, done) = top_sync();
    let (ib, _) = sync("CAS", "IB", "A", "active_sup", "full", done, 1, 1, None);
    let (a2, _) = sync(
        "CAS",
        "A",
        "microsoft_update",
        "manual",
        "delta",
        2 * H,
        0,
        1,
        Some((0, 1)),
    );
    let r = check(&until(3 * H, &merge(vec![a, ib, a2])));
    assert_eq!(failing(&r), ["R05"], "{}", r.render());
    assert!(r.render().contains("IB did not sync"));
}

#[test]
fn r06_violations_wrong_retry_time_and_early_restart() {
    let t = until(
        9_000_000,
        &[
            line(
                0,
                "sync_start",
                r#""site":"CAS","sup":"A","mode":"full","upstream":"microsoft_update","internet":false,"trigger":"schedule","attempt":1,"updates":1"#,
            ),
            line(
                120_000,
                "status_message",
                r#""site":"CAS","sup":"A","id":6703,"reason":"upstream_unavailable""#,
            ),
            line(
                120_000,
                "sync_retry_scheduled",
                r#""site":"CAS","sup":"A","at":1920000"#,
            ),
            line(
                200_000,
                "sync_start",
                r#""site":"CAS","sup":"A","mode":"full","upstream":"microsoft_update","internet":false,"trigger":"retry","attempt":2,"updates":1"#,
            ),
        ],
    );
    let o = outcome(&check(&t), "R06").violations.clone();
    assert_eq!(o.len(), 2, "{o:?}");
}

#[test]
fn r06_violation_retry_never_started() {
    let t = until(
        9_000_000,
        &[
            line(
                0,
                "sync_start",
                r#""site":"CAS","sup":"A","mode":"full","upstream":"microsoft_update","internet":false,"trigger":"schedule","attempt":1,"updates":1"#,
            ),
            line(
                120_000,
                "status_message",
                r#""site":"CAS","sup":"A","id":6703,"reason":"upstream_unavailable""#,
            ),
            line(
                120_000,
                "sync_retry_scheduled",
                r#""site":"CAS","sup":"A","at":3720000"#,
            ),
        ],
    );
    assert_eq!(status(&check(&t), "R06"), "VIOLATED");
}

/// Microsoft Update is down for the first hour: the scheduled sync at 0 fails `found` ms
/// after it started, and its retry an hour later succeeds.
fn outage_trace(found: u64) -> String {
    let fail = found;
    let retry = fail + H;
    let (ok, _) = sync(
        "CAS",
        "A",
        "microsoft_update",
        "retry",
        "full",
        retry,
        1,
        1,
        Some((1, 1)),
    );
    let mut body = vec![
        line(
            0,
            "sync_start",
            r#""site":"CAS","sup":"A","mode":"full","upstream":"microsoft_update","internet":false,"trigger":"schedule","attempt":1,"updates":1"#,
        ),
        line(
            fail,
            "status_message",
            r#""site":"CAS","sup":"A","id":6703,"reason":"upstream_unavailable""#,
        ),
        line(
            fail,
            "sync_retry_scheduled",
            &format!(r#""site":"CAS","sup":"A","at":{retry}"#),
        ),
    ];
    body.extend(ok);
    whole(&body)
}

#[test]
fn r06_a_sync_fails_sync_failure_timeout_after_its_outage() {
    let s =
        scenario(r#"catalog: [(id: "KB1")], faults: [UpstreamUnavailable(from: "0", to: "1h")]"#);
    assert!(failing(&with(&outage_trace(120_000), &s)).is_empty());
    let r = with(&outage_trace(300_000), &s);
    assert_eq!(failing(&r), ["R06"], "{}", r.render());
    // Succeeding through the outage is no better.
    let r = with(&whole(&top_sync().0), &s);
    assert!(
        r.render()
            .contains("the sync succeeded though a server it needs was down")
    );
}

#[test]
fn r07_violations_early_reactivation_and_none_at_the_first_sync() {
    let early = whole(&[
        line(
            0,
            "updates_expired",
            r#""site":"HQ1","count":2,"reason":"sms2003_migration""#,
        ),
        line(5, "updates_reactivated", r#""site":"HQ1","count":2"#),
    ]);
    assert_eq!(failing(&check(&early)), ["R07"]);
    let mut missing = vec![line(
        0,
        "updates_expired",
        r#""site":"CAS","count":2,"reason":"sms2003_migration""#,
    )];
    missing.extend(top_sync().0);
    assert_eq!(failing(&check(&whole(&missing))), ["R07"]);
}

#[test]
fn r08_the_itmu_catalog_refreshes_at_its_first_time_and_interval() {
    let day = 24 * H;
    let refresh = |t: u64| {
        line(
            t,
            "itmu_catalog_refreshed",
            r#""site":"CAS","updates":1,"new":1"#,
        )
    };
    assert!(failing(&check(&whole(&[refresh(0), refresh(7 * day)]))).is_empty());
    assert_eq!(
        failing(&check(&whole(&[refresh(0), refresh(day)]))),
        ["R08"]
    );
    assert_eq!(
        failing(&check(&whole(&[refresh(H)]))),
        ["R08"],
        "first due at 0"
    );
}

// ---- Compliance ----

#[test]
fn r09_violations_late_policy_and_a_moving_poll_phase() {
    let t = whole(&[
        line(0, "policy_created", r#""site":"LAB","policy":"scan""#),
        line(
            4_000_000,
            "policy_received",
            r#""client":1,"policy":"scan""#,
        ),
        line(
            5_000_000,
            "policy_created",
            r#""site":"LAB","policy":"scan""#,
        ),
        line(
            5_000_001,
            "policy_received",
            r#""client":1,"policy":"scan""#,
        ),
    ]);
    assert_eq!(count(&check(&t), "R09"), 2);
}

#[test]
fn r09_every_client_of_the_site_receives_its_scan_policy() {
    let s = scenario(r#"settings: (scheduled_sync: false)"#);
    let polls = |skip: u64| {
        let mut body = vec![line(0, "policy_created", r#""site":"CAS","policy":"scan""#)];
        for c in (0..10).filter(|&c| c != skip) {
            body.push(line(
                c * 60_000,
                "policy_received",
                &format!(r#""client":{c},"policy":"scan""#),
            ));
            body.push(line(
                c * 60_000,
                "scan_scheduled",
                &format!(r#""client":{c},"at":{}"#, 3 * H),
            ));
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
            line(0, "policy_created", r#""site":"CAS","policy":"scan""#),
            line(0, "policy_received", r#""client":1,"policy":"scan""#),
            line(0, "scan_scheduled", r#""client":1,"at":3600000"#),
        ];
        if second {
            // A second policy while the first scan still waits: nothing more to schedule.
            body.push(line(
                60_000,
                "policy_created",
                r#""site":"CAS","policy":"scan""#,
            ));
            body.push(line(
                H - 1,
                "policy_received",
                r#""client":1,"policy":"scan""#,
            ));
        } else {
            body.push(line(H, "policy_received", r#""client":2,"policy":"scan""#));
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
        line(10, "policy_received", r#""client":1,"policy":"scan""#),
        line(10, "scan_scheduled", r#""client":1,"at":7200010"#),
        line(20, "scan_scheduled", r#""client":2,"at":30"#),
        line(31, "scan_start", r#""client":2,"reason":"compliance""#),
    ]);
    assert_eq!(count(&check(&t), "R10"), 3);
}

/// Client 1 gets the scan and a deployment policy at one poll: its compliance scan is due
/// at 1 s, while its evaluation scan runs; it starts at `start`.
fn queued_scan(start: u64) -> String {
    let mut body = vec![
        line(0, "policy_created", r#""site":"CAS","policy":"scan""#),
        line(
            0,
            "deployment_created",
            r#""deployment":"D","site":"CAS","mandatory":false,"deadline":null"#,
        ),
        line(
            0,
            "policy_created",
            r#""site":"CAS","policy":"deployment","deployment":"D""#,
        ),
        line(0, "policy_received", r#""client":1,"policy":"scan""#),
        line(0, "scan_scheduled", r#""client":1,"at":1000"#),
        line(0, "policy_received", r#""client":1,"policy":"deployment""#),
    ];
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
        line(0, "policy_created", r#""site":"CAS","policy":"scan""#),
        line(0, "policy_received", r#""client":1,"policy":"scan""#),
        line(0, "scan_scheduled", &format!(r#""client":1,"at":{due}"#)),
    ];
    body.extend(scan(1, "pre_install", 0, 0));
    body.push(line(SCAN, "install_start", r#""client":1,"update":"KB1""#));
    body.push(line(
        SCAN + INSTALL,
        "install_done",
        r#""client":1,"update":"KB1","restart":false"#,
    ));
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
        let mut body = vec![line(0, "policy_created", r#""site":"CAS","policy":"scan""#)];
        for c in 0..100u64 {
            body.push(line(
                0,
                "policy_received",
                &format!(r#""client":{c},"policy":"scan""#),
            ));
            let at = (2 * c + 1) * window / 200;
            body.push(line(
                0,
                "scan_scheduled",
                &format!(r#""client":{c},"at":{at}"#),
            ));
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
        line(0, "scan_start", r#""client":1,"reason":"compliance""#),
        line(
            1000,
            "scan_done",
            r#""client":1,"changed":0,"listed":0,"reason":"compliance""#,
        ),
    ]);
    assert_eq!(status(&check(&t), "R11"), "VIOLATED");
}

#[test]
fn r12_violation_messages_after_a_scan_without_changes() {
    let t = whole(&[
        line(0, "scan_done", r#""client":1,"changed":0,"listed":3"#),
        line(
            100,
            "state_messages_sent",
            r#""client":1,"mp":"MP","count":2,"scanned_at":0"#,
        ),
        line(200, "scan_done", r#""client":2,"changed":1,"listed":3"#),
        line(
            300,
            "state_messages_sent",
            r#""client":2,"mp":"MP","count":2,"scanned_at":200"#,
        ),
    ]);
    assert_eq!(count(&check(&t), "R12"), 2);
}

#[test]
fn r13_violations_sends_off_cycle_and_states_without_a_send() {
    let t = whole(&[
        line(0, "scan_done", r#""client":1,"changed":1,"listed":1"#),
        line(
            1000,
            "state_messages_sent",
            r#""client":1,"mp":"MP","count":1,"scanned_at":0"#,
        ),
        line(2000, "scan_done", r#""client":1,"changed":1,"listed":2"#),
        line(
            61000,
            "state_messages_sent",
            r#""client":1,"mp":"MP","count":1,"scanned_at":2000"#,
        ),
        line(
            61000,
            "state_messages_forwarded",
            r#""site":"LAB","mp":"MP","count":3"#,
        ),
        line(
            61000,
            "db_state_changed",
            r#""site":"LAB","group":"g","update":"A","from":"unknown","to":"required","count":3"#,
        ),
    ]);
    let r = check(&t);
    assert_eq!(count(&r, "R13"), 2, "{}", r.render());
}

#[test]
fn r13_the_mp_forwards_its_forward_delay_after_the_first_send() {
    let at = |fwd: u64| {
        whole(&[
            line(0, "scan_done", r#""client":1,"changed":1,"listed":1"#),
            line(
                1000,
                "state_messages_sent",
                r#""client":1,"mp":"MP","count":1,"scanned_at":0"#,
            ),
            line(
                fwd,
                "state_messages_forwarded",
                r#""site":"LAB","mp":"MP","count":1"#,
            ),
            line(
                fwd,
                "db_state_changed",
                r#""site":"LAB","group":"g","update":"A","from":"unknown","to":"required","count":1"#,
            ),
        ])
    };
    assert_eq!(status(&check(&at(61_000)), "R13"), "held");
    assert_eq!(status(&check(&at(91_000)), "R13"), "VIOLATED");
}

#[test]
fn r13_nothing_is_left_unsent_or_unforwarded() {
    let unsent = until(
        10 * 60_000,
        &[line(0, "scan_done", r#""client":1,"changed":1,"listed":1"#)],
    );
    assert!(check(&unsent).render().contains("were never sent"));
    let unforwarded = until(
        10 * 60_000,
        &[
            line(0, "scan_done", r#""client":1,"changed":1,"listed":1"#),
            line(
                1000,
                "state_messages_sent",
                r#""client":1,"mp":"MP","count":1,"scanned_at":0"#,
            ),
        ],
    );
    assert!(
        check(&unforwarded)
            .render()
            .contains("were never forwarded")
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

#[test]
fn r14_violation_a_superseded_update_reported_with_its_superseder_listed() {
    let t = whole(&[
        line(0, "scan_done", r#""client":0,"changed":2,"listed":2"#),
        line(
            9,
            "db_state_changed",
            r#""site":"LAB","group":"g","update":"Old","from":"unknown","to":"required","count":1"#,
        ),
    ]);
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
    let t = whole(&[
        line(0, "scan_done", r#""client":0,"changed":2,"listed":2"#),
        line(
            9,
            "db_state_changed",
            r#""site":"LAB","group":"g","update":"Old","from":"unknown","to":"installed","count":1"#,
        ),
    ]);
    assert_eq!(status(&with(&t, &superseding()), "R14"), "held");
}

#[test]
fn r15_a_database_holds_states_only_for_the_updates_it_synced() {
    let s = scenario(
        r#"catalog: [(id: "KB1"), (id: "KB2", released: "1d")], settings: (scheduled_sync: false)"#,
    );
    let state = |u: &str| {
        whole(&[
            line(
                0,
                "site_db_updated",
                r#""site":"CAS","sup":"A","updates":1,"new":1"#,
            ),
            line(
                9,
                "db_state_changed",
                &format!(
                    r#""site":"CAS","group":"g","update":"{u}","from":"unknown","to":"required","count":1"#
                ),
            ),
        ])
    };
    assert_eq!(status(&with(&state("KB1"), &s), "R15"), "held");
    let r = with(&state("KB2"), &s);
    assert_eq!(status(&r, "R15"), "VIOLATED");
    assert!(
        r.render()
            .contains("does not hold (it holds the first 1 updates)")
    );
}

// ---- Deployment ----

const DEPLOYMENT: &str = r#"catalog: [(id: "KB1", size: "25MB"), (id: "KB2", size: "1MB")],
    deployments: [(id: "D", updates: ["KB1"], target: [(group: "g")], created: "1h", deadline: "10h"),
                  (id: "D2", updates: ["KB2"], target: [(group: "g")], created: "1h", deadline: "10h")],
    settings: (scheduled_sync: false)"#;

#[test]
fn r16_r17_r18_violations_download_before_content_evaluation_or_user_and_install_before_download() {
    let t = whole(&[
        line(
            0,
            "deployment_created",
            r#""deployment":"D","site":"S","mandatory":false,"deadline":null"#,
        ),
        line(
            5,
            "download_start",
            r#""client":1,"dp":"DP","deployment":"D","deployments":["D"],"bytes":1"#,
        ),
        line(9, "install_start", r#""client":2,"update":"KB1""#),
    ]);
    let r = check(&t);
    assert_eq!(status(&r, "R16"), "VIOLATED", "no content on DP");
    assert_eq!(
        count(&r, "R17"),
        3,
        "no evaluation scan, optional without the user, nothing called for the download"
    );
    assert_eq!(status(&r, "R18"), "VIOLATED", "nothing in the cache");
}

#[test]
fn r16_the_package_source_and_the_dps_take_their_transfer_time() {
    let s = scenario(DEPLOYMENT);
    // 25 MB at 100 Mbit/s: 2 s into the package source; at 200 Mbit/s: 1 s to the DP.
    let at = |dp: u64| {
        whole(&[
            line(
                H + 2_000,
                "deployment_created",
                r#""deployment":"D","site":"CAS","mandatory":true,"deadline":36000000,"downloaded":25000000"#,
            ),
            line(dp, "content_on_dp", r#""deployment":"D","dp":"DP""#),
        ])
    };
    assert_eq!(status(&with(&at(H + 3_000), &s), "R16"), "held");
    assert_eq!(status(&with(&at(H + 2_500), &s), "R16"), "VIOLATED");
}

#[test]
fn r17_the_evaluation_scan_runs_when_the_deployment_policy_arrives() {
    let at = |t: u64| {
        let mut body = vec![
            line(
                0,
                "deployment_created",
                r#""deployment":"D","site":"CAS","mandatory":false,"deadline":null"#,
            ),
            line(
                0,
                "policy_created",
                r#""site":"CAS","policy":"deployment","deployment":"D""#,
            ),
            line(0, "policy_received", r#""client":1,"policy":"deployment""#),
        ];
        body.extend(scan(1, "evaluation", t, 0));
        whole(&body)
    };
    assert!(failing(&check(&at(0))).is_empty());
    assert_eq!(failing(&check(&at(1_000))), ["R17"]);
}

#[test]
fn r17_a_deadline_change_publishes_the_deployment_policy_again() {
    let change = |republish: bool| {
        let mut body = vec![
            line(
                0,
                "deployment_created",
                r#""deployment":"D","site":"CAS","mandatory":false,"deadline":null"#,
            ),
            line(
                0,
                "policy_created",
                r#""site":"CAS","policy":"deployment","deployment":"D""#,
            ),
            line(
                5 * H,
                "deadline_changed",
                r#""deployment":"D","deadline":360000000"#,
            ),
        ];
        if republish {
            body.push(line(
                5 * H,
                "policy_created",
                r#""site":"CAS","policy":"deployment","deployment":"D""#,
            ));
        }
        check(&whole(&body))
    };
    assert!(failing(&change(true)).is_empty());
    assert_eq!(failing(&change(false)), ["R17"]);
}

#[test]
fn r18_an_install_needs_a_download_serving_a_deployment_with_the_update() {
    let s = scenario(DEPLOYMENT);
    let install = |u: &str| {
        whole(&[
            line(
                0,
                "download_done",
                r#""client":1,"dp":"DP","deployment":"D","deployments":["D"]"#,
            ),
            line(5, "install_start", &format!(r#""client":1,"update":"{u}""#)),
        ])
    };
    assert!(count(&with(&install("KB1"), &s), "R18") == 0);
    assert_eq!(count(&with(&install("KB2"), &s), "R18"), 1);
}

#[test]
fn r18_downloads_take_the_time_their_rates_give() {
    // 2.5 MB at 20 Mbit/s takes a second; two at once still do (the DP has 1 Gbit/s).
    let at = |done: u64| {
        check(&whole(&[
            line(
                0,
                "download_start",
                r#""client":1,"dp":"DP","deployment":"D","deployments":["D"],"bytes":2500000"#,
            ),
            line(
                0,
                "download_start",
                r#""client":2,"dp":"DP","deployment":"D","deployments":["D"],"bytes":2500000"#,
            ),
            line(
                1_000,
                "download_done",
                r#""client":1,"dp":"DP","deployment":"D","deployments":["D"]"#,
            ),
            line(
                done,
                "download_done",
                r#""client":2,"dp":"DP","deployment":"D","deployments":["D"]"#,
            ),
        ]))
    };
    assert_eq!(count(&at(1_000), "R18"), 0);
    assert_eq!(count(&at(500), "R18"), 1);
    assert_eq!(count(&at(2_000), "R18"), 1);
}

fn failed(kind: &str, c: u64, t: u64, dp: &str, manual: bool) -> String {
    let dp = if kind == "dp_connect_failed" {
        format!(r#","dp":"{dp}""#)
    } else {
        String::new()
    };
    line(t, kind, &format!(r#""client":{c}{dp},"manual":{manual}"#))
}

fn gave_up(c: u64, t: u64, reason: &str) -> String {
    line(
        t,
        "download_gave_up",
        &format!(r#""client":{c},"reason":"{reason}""#),
    )
}

#[test]
fn r19_location_services_retries_hourly_until_its_budget_is_spent() {
    let run = |give_up: u64| {
        let mut body: Vec<String> = (0..=give_up / H)
            .map(|k| failed("location_failed", 1, k * H, "", false))
            .collect();
        body.push(gave_up(1, give_up, "location"));
        check(&whole(&body))
    };
    assert_eq!(
        status(&run(120 * H), "R19"),
        "held",
        "5 days of hourly tries"
    );
    let r = run(96 * H);
    assert_eq!(status(&r, "R19"), "VIOLATED");
    assert!(r.render().contains("the budget is 432000000 ms"));
}

#[test]
fn r20_several_dps_at_one_moment_are_one_attempt_and_retries_come_hourly() {
    let run = |second: u64| {
        check(&whole(&[
            failed("dp_connect_failed", 2, 0, "DP", false),
            failed("dp_connect_failed", 2, 0, "DP2", false),
            failed("dp_connect_failed", 2, second, "DP", false),
            failed("dp_connect_failed", 2, second, "DP2", false),
            line(
                second + H,
                "download_start",
                r#""client":2,"dp":"DP","deployment":"D","deployments":["D"],"bytes":0"#,
            ),
        ]))
    };
    assert_eq!(status(&run(H), "R20"), "held");
    assert_eq!(
        count(&run(90 * 60_000), "R20"),
        1,
        "the retry off its interval"
    );
}

#[test]
fn r21_a_user_started_job_tries_hourly_for_four_hours() {
    let run = |give_up: u64| {
        let mut body: Vec<String> = (0..=give_up / H)
            .map(|k| failed("dp_connect_failed", 3, k * H, "DP", true))
            .collect();
        body.push(gave_up(3, give_up, "manual"));
        check(&whole(&body))
    };
    assert_eq!(status(&run(4 * H), "R21"), "held");
    assert_eq!(
        status(&run(3 * H), "R21"),
        "VIOLATED",
        "gave up an hour early"
    );
    // Giving up without a failure at that moment, or not giving up when spent.
    let r = check(&whole(&[
        failed("dp_connect_failed", 3, 0, "DP", true),
        gave_up(3, 4 * H, "manual"),
    ]));
    assert!(
        r.render()
            .contains("gave up without a failed attempt at that moment")
    );
    let spent: Vec<String> = (0..=5)
        .map(|k| failed("dp_connect_failed", 3, k * H, "DP", true))
        .collect();
    assert!(
        check(&whole(&spent))
            .render()
            .contains("the budget is spent but the job did not give up")
    );
}

/// Client 1 holds deployment D, due at 200 h, from its poll at 0.
fn holding_lines(deadline_in: &[(u64, u64)]) -> Vec<String> {
    let mut body = vec![
        line(
            0,
            "deployment_created",
            r#""deployment":"D","site":"CAS","mandatory":true,"deadline":720000000"#,
        ),
        line(
            0,
            "policy_created",
            r#""site":"CAS","policy":"deployment","deployment":"D""#,
        ),
        line(0, "policy_received", r#""client":1,"policy":"deployment""#),
    ];
    for &(t, left) in deadline_in {
        body.push(line(
            t,
            "notification",
            &format!(r#""client":1,"deployment":"D","deadline_in":{left}"#),
        ));
    }
    body
}

fn holding(deadline_in: &[(u64, u64)]) -> String {
    whole(&holding_lines(deadline_in))
}

#[test]
fn r22_notifications_count_down_to_the_deadline_the_client_holds() {
    let d = 200 * H;
    assert_eq!(
        status(&check(&holding(&[(0, d), (3 * H, d - 3 * H)])), "R22"),
        "held"
    );
    // The deadline shifted by an hour, consistently: the notifications agree with each
    // other, not with the deployment.
    let r = check(&holding(&[(0, d - H), (3 * H, d - 4 * H)]));
    assert_eq!(count(&r, "R22"), 2, "{}", r.render());
    // Hourly, two days before the deadline.
    let r = check(&holding(&[(d - 48 * H, 48 * H), (d - 47 * H, 47 * H)]));
    assert_eq!(count(&r, "R22"), 1, "{}", r.render());
}

#[test]
fn r22_notifications_stop_only_once_installed_or_past_the_deadline() {
    let d = 200 * H;
    let stop = |installed: Option<u64>| {
        let mut body: Vec<String> = holding(&[(0, d)])
            .lines()
            .skip(1)
            .filter(|l| !l.contains("run_end"))
            .map(String::from)
            .collect();
        if let Some(t) = installed {
            body.push(line(
                t,
                "install_done",
                r#""client":1,"update":"KB1","restart":false"#,
            ));
        }
        check(&until(10 * H, &body))
    };
    let r = stop(None);
    assert!(
        r.render().contains("notifications stopped here"),
        "{}",
        r.render()
    );
    assert_eq!(status(&stop(Some(2 * H)), "R22"), "held");
}

#[test]
fn r22_a_changed_deadline_counts_from_the_clients_next_poll() {
    let run = |early: bool| {
        let mut body = vec![
            line(
                0,
                "deployment_created",
                r#""deployment":"D","site":"CAS","mandatory":false,"deadline":null"#,
            ),
            line(
                0,
                "policy_created",
                r#""site":"CAS","policy":"deployment","deployment":"D""#,
            ),
            line(0, "policy_received", r#""client":1,"policy":"deployment""#),
            line(
                5 * H,
                "deadline_changed",
                r#""deployment":"D","deadline":360000000"#,
            ),
            line(
                5 * H,
                "policy_created",
                r#""site":"CAS","policy":"deployment","deployment":"D""#,
            ),
            line(
                6 * H,
                "policy_received",
                r#""client":1,"policy":"deployment""#,
            ),
            line(
                6 * H,
                "notification",
                r#""client":1,"deployment":"D","deadline_in":338400000"#,
            ),
        ];
        if early {
            body.insert(
                5,
                line(
                    5 * H,
                    "notification",
                    r#""client":1,"deployment":"D","deadline_in":342000000"#,
                ),
            );
        }
        check(&whole(&body))
    };
    assert_eq!(status(&run(false), "R22"), "held");
    let r = run(true);
    assert!(
        r.render().contains("which has no deadline on this client"),
        "{}",
        r.render()
    );
}

#[test]
fn r22_no_notification_for_a_deployment_the_client_has_not_received() {
    let t = whole(&[line(
        0,
        "notification",
        r#""client":1,"deployment":"D","deadline_in":1000"#,
    )]);
    assert!(
        check(&t)
            .render()
            .contains("whose policy the client has not received")
    );
}

#[test]
fn r23_violation_notifications_while_hidden() {
    let s = scenario(r#"settings: (hide_deployments: true, scheduled_sync: false)"#);
    let t = holding(&[(0, 200 * H)]);
    assert_eq!(status(&with(&t, &s), "R23"), "VIOLATED");
    assert_eq!(
        status(&check(&t), "R23"),
        "not exercised",
        "not hidden by default"
    );
}

#[test]
fn r24_violations_user_install_before_evaluation_express_after_the_deadline_and_late() {
    let t = whole(&[
        line(
            0,
            "deployment_created",
            r#""deployment":"D","site":"S","mandatory":true,"deadline":100"#,
        ),
        line(5, "user_install", r#""client":1,"dialog":"available""#),
        line(
            10,
            "scan_done",
            r#""client":2,"changed":0,"listed":1,"reason":"evaluation""#,
        ),
        line(200, "user_install", r#""client":2,"dialog":"express""#),
        line(
            10 + 72 * H,
            "user_install",
            r#""client":2,"dialog":"available""#,
        ),
    ]);
    assert_eq!(count(&check(&t), "R24"), 3);
}

/// Client 1 registers D (deadline 10 h) at 0, downloads, and installs KB1 from `pre` on,
/// taking `took`; a restart `restart` after the post-install scan, if any.
fn install(pre: u64, took: u64, restart: Option<u64>) -> String {
    let mut body = vec![
        line(
            0,
            "deployment_created",
            r#""deployment":"D","site":"CAS","mandatory":true,"deadline":36000000"#,
        ),
        line(
            0,
            "policy_created",
            r#""site":"CAS","policy":"deployment","deployment":"D""#,
        ),
        line(0, "policy_received", r#""client":1,"policy":"deployment""#),
        line(0, "content_on_dp", r#""deployment":"D","dp":"DP""#),
    ];
    body.extend(scan(1, "evaluation", 0, 0));
    body.push(line(
        SCAN,
        "download_start",
        r#""client":1,"dp":"DP","deployment":"D","deployments":["D"],"bytes":2500000"#,
    ));
    body.push(line(
        SCAN + 1_000,
        "download_done",
        r#""client":1,"dp":"DP","deployment":"D","deployments":["D"]"#,
    ));
    body.extend(scan(1, "pre_install", pre, 0));
    let i = pre + SCAN;
    body.push(line(i, "install_start", r#""client":1,"update":"KB1""#));
    let restart_needed = restart.is_some();
    body.push(line(
        i + took,
        "install_done",
        &format!(r#""client":1,"update":"KB1","restart":{restart_needed}"#),
    ));
    body.extend(scan(1, "post_install", i + took, 0));
    if let Some(r) = restart {
        let t = i + took + SCAN + r;
        body.push(line(t, "restart", r#""client":1"#));
        body.extend(scan(1, "post_install", t, 1));
    }
    whole(&merge(vec![body]))
}

#[test]
fn r24_users_act_uniformly_within_the_window_or_before_the_deadline() {
    // 100 users who hold D (due at 200 h) act within `spread` of their evaluation scan.
    let users = |spread: u64| {
        let mut body = vec![
            line(
                0,
                "deployment_created",
                r#""deployment":"D","site":"CAS","mandatory":true,"deadline":720000000"#,
            ),
            line(
                0,
                "policy_created",
                r#""site":"CAS","policy":"deployment","deployment":"D""#,
            ),
        ];
        for c in 0..100u64 {
            body.push(line(
                0,
                "policy_received",
                &format!(r#""client":{c},"policy":"deployment""#),
            ));
            body.extend(scan(c, "evaluation", 0, 0));
            let t = SCAN + (2 * c + 1) * spread / 200;
            body.push(line(
                t,
                "user_install",
                &format!(r#""client":{c},"dialog":"available""#),
            ));
        }
        check(&whole(&merge(vec![body])))
    };
    assert_eq!(status(&users(72 * H), "R24"), "held");
    let r = users(36 * H);
    assert_eq!(status(&r, "R24"), "VIOLATED");
    assert!(r.render().contains("user action delays"), "{}", r.render());
}

#[test]
fn r25_installs_run_at_the_deadline_the_client_holds_for_install_duration() {
    let deadline = 10 * H;
    let r = check(&install(deadline, INSTALL, None));
    assert!(failing(&r).is_empty(), "{}", r.render());
    let r = check(&install(deadline - SCAN - 1, INSTALL, None));
    assert_eq!(failing(&r), ["R25"], "before the deadline: {}", r.render());
    let r = check(&install(deadline, INSTALL + 60_000, None));
    assert_eq!(failing(&r), ["R25"], "a minute too long: {}", r.render());
}

#[test]
fn r25_a_client_notified_up_to_its_deadline_installs_then() {
    let (d, q) = (200 * H, 15 * 60_000);
    let at = |pre: Option<u64>| {
        let mut body = holding_lines(&[(d - q, q)]);
        if let Some(t) = pre {
            body.extend(scan(1, "pre_install", t, 0));
            body.extend(scan(1, "post_install", t + SCAN, 0));
        }
        check(&until(d + H, &body))
    };
    assert_eq!(status(&at(Some(d)), "R25"), "held");
    assert!(at(Some(d + 1_000)).render().contains("starts late"));
    assert!(at(None).render().contains("the client never installed"));
}

#[test]
fn r25_a_restart_comes_within_the_restart_window_then_a_post_install_scan() {
    let r = check(&install(10 * H, INSTALL, Some(7 * H)));
    assert!(failing(&r).is_empty(), "{}", r.render());
    let r = check(&install(10 * H, INSTALL, Some(9 * H)));
    assert_eq!(failing(&r), ["R25"], "{}", r.render());
}

#[test]
fn agent_runs_one_job_at_a_time_and_downloads_one_at_a_time() {
    let mut body = scan(1, "compliance", 0, 0);
    body.extend(scan(1, "evaluation", 1_000, 0));
    body.push(line(2_000, "restart", r#""client":1"#));
    body.push(line(
        0,
        "download_start",
        r#""client":2,"dp":"DP","deployment":"D","deployments":["D"],"bytes":0"#,
    ));
    body.push(line(
        0,
        "download_start",
        r#""client":2,"dp":"DP","deployment":"D","deployments":["D"],"bytes":0"#,
    ));
    body.push(line(0, "install_start", r#""client":3,"update":"KB1""#));
    body.push(line(
        INSTALL,
        "install_done",
        r#""client":3,"update":"KB2","restart":false"#,
    ));
    let r = check(&whole(&merge(vec![body])));
    let v = &outcome(&r, "AGENT").violations;
    for says in [
        "a job starts while its compliance scan",
        "a compliance scan_done ends the evaluation scan",
        "a restart while",
        "a second download",
        "install_done of KB2 ends the install of KB1",
    ] {
        assert!(v.iter().any(|m| m.contains(says)), "{says}: {v:?}");
    }
}

#[test]
fn malformed_traces_are_errors_with_line_numbers() {
    let e = verify_str("{\"t\":1,\"kind\":\"x\"}\nnot json\n", None).unwrap_err();
    assert!(e.to_string().contains(":2:"), "{e}");
    let e = verify_str(r#"{"kind":"x"}"#, None).unwrap_err();
    assert!(e.to_string().contains("`t`"), "{e}");
    // A time no run reaches: refused rather than overflowing the checks' arithmetic.
    let e = verify_str(r#"{"t":1152921504606846976,"kind":"x"}"#, None).unwrap_err();
    assert!(e.to_string().contains("a time beyond"), "{e}");
}

#[test]
fn a_whole_trace_without_events_exercises_nothing() {
    let r = check(&whole::<&str>(&[]));
    assert!(!r.violated(), "{}", r.render());
    assert!(
        r.outcomes[1..]
            .iter()
            .all(|o| o.status() == "not exercised")
    );
}
