//! The rule checker as a whole: every gallery scenario passes, and hand-made traces that break
//! the trace's framing (TRACE), its time order or the client agent's one-job-at-a-time
//! (AGENT) are caught, so `cmsim verify` can fail. The traces are built with
//! `common/traces.rs`; the rules have their own files (`verify_sync.rs`,
//! `verify_compliance.rs`, `verify_deployment.rs`, `verify_install.rs`).

mod common;
use common::gallery;
use common::traces::*;

#[test]
fn every_gallery_scenario_passes_check_and_verify() {
    let (paths, large) = gallery();
    assert!(
        large.len() <= 1,
        "only the enterprise scenario is too large here: {large:?}"
    );
    // Judged on two threads (the longest test of the suite; CI has two cores), every
    // scenario before the test fails, so that it names them all.
    let judge = |path: &std::path::PathBuf| -> Option<String> {
        let loaded = cmsim::load_file(path).unwrap_or_else(|e| panic!("{e}"));
        let trace = cmsim::trace_to_string(&loaded.world);
        let report = verify_str(&trace, Some(&loaded.scenario)).unwrap();
        assert!(report.outcomes.iter().any(|o| o.status() == "held"));
        report
            .violated()
            .then(|| format!("{}:\n{}", path.display(), report.render()))
    };
    let (odd, even): (Vec<_>, Vec<_>) = paths.iter().enumerate().partition(|(i, _)| i % 2 == 1);
    let failed: Vec<String> = std::thread::scope(|s| {
        let other = s.spawn(|| odd.iter().filter_map(|(_, p)| judge(p)).collect::<Vec<_>>());
        let mut failed: Vec<String> = even.iter().filter_map(|(_, p)| judge(p)).collect();
        failed.extend(other.join().unwrap());
        failed
    });
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(paths.len() >= 4, "the gallery has at least four scenarios");
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
    let (good, done) = cascade_lines(true, 60_000, 1);
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
    let late = until(100, &[restart(200, 1)]);
    assert!(outcome(&check(&late), "TRACE").violations[0].contains("after the end of the run"));
    let unknown = whole(&[user_install(5, 10, "available")]);
    assert!(check(&unknown).render().contains("the run has 10 clients"));
    let filtered = whole(&[user_install(5, 7, "available")])
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
        &whole(&[expired(0, "CAS", 0, "superseded_or_expired")]),
        &other,
    );
    assert!(
        outcome(&r, "TRACE")
            .violations
            .iter()
            .any(|v| v.contains("checked against \"other\""))
    );
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

// ---- The client agent (AGENT) ----

#[test]
fn agent_runs_one_job_at_a_time_and_downloads_one_at_a_time() {
    let mut body = scan(1, "compliance", 0, 0);
    body.extend(scan(1, "evaluation", 1_000, 0));
    body.extend([
        restart(2_000, 1),
        download_start(0, 2, 0),
        download_start(0, 2, 0),
        install_start(0, 3, "KB1"),
        install_done(INSTALL, 3, "KB2", false),
    ]);
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
