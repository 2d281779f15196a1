//! Crashes found by fuzzing and by the hostile-input suite, each with its (minimized) input
//! inlined: a panic here is the bug come back. `fuzz/README.md` tells how they were found.

use cmsim::rules::verify_str;

/// Verifies `trace` with and without the lab scenario's settings; any verdict will do.
fn judged(trace: &str) {
    let lab = cmsim::load::parse("lab.ron", include_str!("../scenarios/lab.ron")).unwrap();
    for scenario in [None, Some(&lab)] {
        let report = verify_str(trace, scenario).expect("the trace reads");
        let _ = report.render();
    }
}

const MAX: u64 = u64::MAX;

#[test]
fn r12_adds_up_changed_states_without_overflow() {
    // compliance.rs, R12: `changed` of a client's scans summed with `+=`.
    judged(&format!(
        "{{\"t\":1,\"kind\":\"scan_done\",\"client\":0,\"changed\":{MAX}}}\n\
         {{\"t\":2,\"kind\":\"scan_done\",\"client\":0,\"changed\":1}}\n\
         {{\"t\":3,\"kind\":\"state_messages_sent\",\"client\":0,\"count\":1}}\n"
    ));
}

#[test]
fn r13_adds_up_messages_held_by_an_mp_without_overflow() {
    // compliance.rs, R13: the count an MP holds summed with `+=`.
    judged(&format!(
        "{{\"t\":1,\"kind\":\"state_messages_sent\",\"client\":0,\"mp\":\"MP\",\"count\":{MAX}}}\n\
         {{\"t\":2,\"kind\":\"state_messages_sent\",\"client\":1,\"mp\":\"MP\",\"count\":{MAX}}}\n"
    ));
}

#[test]
fn r13_adds_up_messages_reaching_the_database_without_overflow() {
    // compliance.rs, R13: the database lines after a forward summed with `Iterator::sum`.
    judged(&format!(
        "{{\"t\":1,\"kind\":\"state_messages_forwarded\",\"mp\":\"MP\",\"count\":1}}\n\
         {{\"t\":1,\"kind\":\"db_state_changed\",\"count\":{MAX}}}\n\
         {{\"t\":1,\"kind\":\"state_messages_discarded\",\"count\":{MAX}}}\n"
    ));
}

/// TINY with `settings: (NAME: "VALUE")`.
fn with_setting(name: &str, value: &str) -> String {
    format!(
        "Scenario(name: \"t\", end: \"2d\",\n\
         sites: [(code: \"PR1\", kind: Primary, sup: \"SUP\", management_points: [\"MP\"], distribution_points: [\"DP\"])],\n\
         clients: [(name: \"pcs\", site: \"PR1\", count: 2)],\n\
         catalog: [(id: \"KB1\", size: \"10MB\")],\n\
         deployments: [(id: \"D1\", updates: [\"KB1\"], target: [(group: \"pcs\")], created: \"3h\", deadline: \"1d\")],\n\
         settings: ({name}: \"{value}\"))\n"
    )
}

#[test]
fn a_timer_longer_than_the_longest_run_is_refused_not_overflowed() {
    // model/policy.rs overflowed (a panic in debug builds, wrapped times in release) on a
    // `state_message_interval` or `machine_policy_interval` near u64::MAX ms; the rule
    // checks added such settings to times as well. Every duration setting is now at most
    // the longest run.
    for name in [
        "state_message_interval",
        "machine_policy_interval",
        "mp_forward_delay",
    ] {
        let src = with_setting(name, "213503982334d");
        let e = cmsim::load_str("huge.ron", &src).unwrap_err().to_string();
        assert!(
            e.contains(&format!("huge.ron:6:12: field `settings.{name}`"))
                && e.contains("213503982334d is longer than the longest run (1098d)"),
            "{e}"
        );
        // At the limit it loads and runs.
        let loaded = cmsim::load_str("max.ron", &with_setting(name, "1098d")).unwrap();
        let _ = cmsim::trace_to_string(&loaded.world);
    }
    // A sweep's values are checked the same way.
    let mut settings = cmsim::scenario::Settings::default();
    settings
        .set("state_message_interval", "18446744073709551615ms")
        .unwrap();
    assert!(
        cmsim::scenario::validate(
            &cmsim::load::parse("x.ron", &with_setting("scan_window", "1h"))
                .map(|mut s| {
                    s.settings = settings;
                    s
                })
                .unwrap()
        )
        .iter()
        .any(|p| p.path == "settings.state_message_interval")
    );
}
