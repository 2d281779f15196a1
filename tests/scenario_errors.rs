//! Bad scenarios are expected input: each error names the file, line:column, the field and
//! what was expected.

use cmsim::load_str;

fn error(src: &str) -> String {
    match load_str("bad.ron", src) {
        Ok(_) => panic!("scenario should be rejected:\n{src}"),
        Err(e) => e.to_string(),
    }
}

fn assert_has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "`{p}` missing from:\n{msg}");
    }
}

const OK_SITES: &str = r#"sites: [
    (code: "CAS", kind: Central, sup: "CAS-SUP"),
    (code: "P01", kind: Primary, parent: "CAS", sup: "P01-SUP"),
]"#;

fn with(sites: &str, rest: &str) -> String {
    format!("Scenario(\n name: \"x\",\n end: \"7d\",\n {sites},\n {rest}\n)")
}

#[test]
fn syntax_errors_name_line_column_and_field() {
    let msg = error("Scenario(\n  name: \"x\",\n  end: \"7d\"\n  sites: [],\n)");
    assert_has(&msg, &["bad.ron:4:", "comma"]);
}

#[test]
fn unknown_fields_are_rejected_with_the_field_path() {
    let msg = error(&with(OK_SITES, r#"settings: (sync_retry: "1h")"#));
    assert_has(
        &msg,
        &["bad.ron:8:", "settings.sync_retry", "sync_retry_interval"],
    );
}

#[test]
fn bad_durations_say_what_was_expected() {
    let msg = error(&with(OK_SITES, r#"settings: (scan_window: "2 hours")"#));
    assert_has(
        &msg,
        &[
            "bad.ron:8:",
            "settings.scan_window",
            "expected e.g. \"90m\"",
        ],
    );
}

#[test]
fn unknown_parent_is_located() {
    let sites = r#"sites: [
    (code: "CAS", kind: Central, sup: "CAS-SUP"),
    (code: "P01", kind: Primary, parent: "XYZ", sup: "P01-SUP"),
]"#;
    let msg = error(&with(sites, ""));
    assert_has(
        &msg,
        &[
            "bad.ron:6:",
            "sites[1].parent",
            "no site has the code `XYZ`",
        ],
    );
}

#[test]
fn duplicate_site_codes_are_rejected() {
    let sites = r#"sites: [
    (code: "CAS", kind: Central, sup: "CAS-SUP"),
    (code: "cas", kind: Primary, parent: "CAS"),
]"#;
    assert_has(&error(&with(sites, "")), &["sites[1].code", "used twice"]);
}

#[test]
fn two_central_sites_or_two_tops_are_rejected() {
    let sites = r#"sites: [
    (code: "CAS", kind: Central, sup: "CAS-SUP"),
    (code: "CA2", kind: Central),
]"#;
    assert_has(
        &error(&with(sites, "")),
        &["sites[1].parent", "only one top site"],
    );
}

#[test]
fn cycles_and_wrong_parent_kinds_are_rejected() {
    let sites = r#"sites: [
    (code: "CAS", kind: Central, sup: "CAS-SUP"),
    (code: "S01", kind: Secondary, parent: "S02"),
    (code: "S02", kind: Secondary, parent: "S01"),
]"#;
    let msg = error(&with(sites, ""));
    assert_has(
        &msg,
        &["secondary site's parent must be a primary site", "cycle"],
    );
}

#[test]
fn a_child_sup_below_a_site_without_one_is_rejected() {
    let sites = r#"sites: [
    (code: "CAS", kind: Central, sup: "CAS-SUP"),
    (code: "P01", kind: Primary, parent: "CAS"),
    (code: "S01", kind: Secondary, parent: "P01", sup: "S01-SUP"),
]"#;
    assert_has(
        &error(&with(sites, "")),
        &["bad.ron:7:", "sites[2].sup", "no software update point"],
    );
}

#[test]
fn an_ibsup_needs_an_active_sup() {
    let sites = r#"sites: [
    (code: "CAS", kind: Central, sup: "CAS-SUP"),
    (code: "P01", kind: Primary, parent: "CAS", internet_sup: "P01-IB"),
]"#;
    assert_has(
        &error(&with(sites, "")),
        &["sites[1].internet_sup", "needs an active `sup`"],
    );
}

#[test]
fn the_top_site_needs_a_sup() {
    let sites = r#"sites: [(code: "LAB", kind: Primary)]"#;
    assert_has(&error(&with(sites, "")), &["sites[0].sup", "R01"]);
}

#[test]
fn times_outside_the_run_and_zero_intervals_are_rejected() {
    let msg = error(&with(
        OK_SITES,
        r#"actions: [RunSync(at: "9d")], settings: (sync_retry_interval: "0")"#,
    ));
    assert_has(
        &msg,
        &[
            "actions[0].at",
            "after the end of the run",
            "settings.sync_retry_interval",
            "longer than 0",
        ],
    );
}

#[test]
fn fault_windows_must_be_ordered_and_name_real_servers() {
    let msg = error(&with(
        OK_SITES,
        r#"faults: [UpstreamUnavailable(from: "2h", to: "1h"), WsusUnavailable(server: "NOPE", from: "0", to: "1h")]"#,
    ));
    assert_has(
        &msg,
        &["faults[0].to", "after `from`", "faults[1].server", "`NOPE`"],
    );
}

#[test]
fn catalog_and_client_references_are_checked() {
    let msg = error(&with(
        OK_SITES,
        r#"catalog: [(id: "A", supersedes: ["Z"]), (id: "B", supersedes: ["B"])],
           clients: [(name: "g", site: "P09", count: 0), (name: "h", site: "P01", count: 1, internet: true,
                      updates: [(update: "A", applies: 1.5)])]"#,
    ));
    assert_has(
        &msg,
        &[
            "catalog[0].supersedes[0]",
            "cannot supersede itself",
            "clients[0].count",
            "clients[0].site",
            "clients[1].internet",
            "clients[1].updates[0].applies",
        ],
    );
}

#[test]
fn huge_inputs_are_refused_with_a_message() {
    let msg = error(&with(
        OK_SITES,
        r#"clients: [(name: "a", site: "P01", count: 4000000000), (name: "b", site: "P01", count: 4000000000)]"#,
    ));
    assert_has(&msg, &["clients", "over the limit"]);
    let msg = error(&with(OK_SITES, "").replace("\"7d\"", "\"5000d\""));
    assert_has(&msg, &["end", "longer than"]);
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let sites = r#"sites: [
    (code: "TOOLONG", kind: Central, sup: "CAS-SUP"),
    (code: "P01", kind: Primary, parent: "NOPE"),
]"#;
    let msg = error(&with(sites, ""));
    // One message per problem, each followed by its source line and caret.
    let messages: Vec<&str> = msg.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(messages.len(), 2, "{msg}");
    assert_eq!(msg.lines().count(), 6, "{msg}");
}

#[test]
fn missing_required_fields_are_named() {
    let msg = error(
        "Scenario(\n  name: \"x\",\n  sites: [(code: \"CAS\", kind: Central, sup: \"S\")],\n)",
    );
    assert_has(&msg, &["bad.ron:4:", "field `end`", "missing"]);
}

#[test]
fn clients_need_a_management_point_at_or_above_their_site() {
    let msg = error(&with(
        OK_SITES,
        r#"clients: [(name: "g", site: "P01", count: 5)]"#,
    ));
    assert_has(&msg, &["clients[0].site", "no management point", "R13"]);
}

#[test]
fn a_start_date_must_be_a_real_date() {
    let msg =
        error(&with(OK_SITES, "").replace("end: \"7d\",", "end: \"7d\", start: \"2023-02-30\","));
    assert_has(&msg, &["field `start`", "is not a date-time", "1..=28"]);
}

#[test]
fn notification_thresholds_keep_their_order() {
    let msg = error(&with(
        OK_SITES,
        r#"settings: (notify_near_threshold: "2h", notify_imminent_threshold: "3h")"#,
    ));
    assert_has(
        &msg,
        &[
            "settings.notify_imminent_threshold",
            "at most notify_near_threshold (2h)",
        ],
    );
}

#[test]
fn a_misspelt_profile_is_answered_with_its_fix() {
    let msg = error(&with(OK_SITES, "profile: CurrentBrnch"));
    assert_has(
        &msg,
        &[
            "bad.ron:8:",
            "`CurrentBrnch` is not one of the profiles",
            "did you mean `CurrentBranch`",
        ],
    );
}

#[test]
fn the_profile_sets_the_defaults_and_settings_override_them() {
    let cb = load_str(
        "cb.ron",
        &with(
            OK_SITES,
            r#"profile: CurrentBranch, settings: (notify_far_interval: "6h")"#,
        ),
    )
    .unwrap();
    let s = &cb.world.settings;
    assert_eq!(
        s.state_message_interval.to_string(),
        "15m",
        "CurrentBranch's"
    );
    assert_eq!(s.notify_near_interval.to_string(), "4h", "CurrentBranch's");
    assert_eq!(s.notify_far_interval.to_string(), "6h", "the file's");
    let default = load_str("2007.ron", &with(OK_SITES, "")).unwrap();
    assert_eq!(
        default.scenario.profile,
        cmsim::scenario::Profile::ConfigMgr2007
    );
    assert_eq!(default.world.settings, cmsim::scenario::Settings::default());
    // An unknown setting is still named, with its fix, under either profile.
    let msg = error(&with(
        OK_SITES,
        r#"profile: CurrentBranch, settings: (notify_far_intervall: "6h")"#,
    ));
    assert_has(
        &msg,
        &["settings.notify_far_intervall", "notify_far_interval"],
    );
}

#[test]
fn names_that_differ_only_in_case_are_said_to_be_compared_regardless_of_case() {
    // "`a` is used twice" of groups `A` and `a` was a puzzle.
    let msg = error(&with(
        OK_SITES,
        r#"clients: [(name: "Desktops", site: "P01", count: 1), (name: "desktops", site: "P01", count: 1)]"#,
    ));
    assert_has(
        &msg,
        &[
            "field `clients[1].name`: `desktops` is used twice (names are compared regardless \
             of case: `Desktops` at clients[0]); expected a unique name",
        ],
    );
    let msg = error(&with(
        r#"sites: [(code: "P01", kind: Primary, sup: "S", distribution_points: ["DP1", "dp1"])]"#,
        "",
    ));
    assert_has(
        &msg,
        &[
            "`dp1` is used twice (names are compared regardless of case: `DP1` at \
           sites[0].distribution_points[0]); expected a unique server name",
        ],
    );
    // The same name twice needs no note.
    let msg = error(&with(
        OK_SITES,
        r#"clients: [(name: "a", site: "P01", count: 1), (name: "a", site: "P01", count: 1)]"#,
    ));
    assert_has(&msg, &["`a` is used twice; expected a unique name"]);
}

#[test]
fn a_misspelt_zone_in_the_start_gets_a_suggestion_as_a_groups_zone_does() {
    let msg = error(&format!(
        "Scenario(\n name: \"x\",\n start: \"2026-12-07T00:00[Europe/Berln]\",\n end: \"7d\",\n \
         {OK_SITES}\n)"
    ));
    assert_has(
        &msg,
        &[
            "field `start`: `Europe/Berln` is not a time zone",
            "(did you mean `Europe/Berlin`?)",
        ],
    );
}

/// A date and offset that are each valid but together fall past the last instant is said in
/// the file's words; jiff's "converting datetime … to timestamp overflowed: parameter 'Unix
/// timestamp seconds' is not in the required range" reached the user.
#[test]
fn a_date_time_past_the_last_instant_is_said_in_the_files_words() {
    let src = r#"Scenario(name: "x", start: "9999-12-31T23:59:59-23:00", end: "1d",
        sites: [(code: "P", kind: Primary, sup: "S", management_points: ["M"],
                 distribution_points: ["D"])],
        clients: [(name: "g", site: "P", count: 1)], catalog: [], deployments: [])"#;
    let err = cmsim::load_str("x.ron", src).unwrap_err().to_string();
    assert!(
        err.contains("is outside the dates that can be placed (years 1 to 9999 in UTC"),
        "{err}"
    );
    assert!(!err.contains("Unix timestamp"), "{err}");
}
