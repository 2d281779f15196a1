//! Hostile inputs, class "durations": run lengths, intervals, deadlines and flags that are
//! zero, negative, fractional, garbage, beyond three years or beyond u64 milliseconds. Each
//! is refused with exit code 2 and the field or flag, in the file as on the command line.

mod common;

use common::hostile::{assert_has, lab, refused, run_lab};

const ONE: &str = r#"(id: "K", size: "1MB")"#;

#[test]
fn run_lengths_in_the_file_are_checked() {
    for (name, end, expected) in [
        ("zero", "0", "the run must last longer than 0"),
        (
            "long",
            "5000d",
            "runs longer than 1098d are refused; expected at most 1098d",
        ),
        ("huge", "99999999999999999999d", "number too large"),
        ("maxms", "18446744073709551615ms", "runs longer than 1098d"),
        ("negative", "-1d", "invalid duration `-1d`"),
        ("garbage", "soon", "invalid duration `soon`"),
        ("empty", "", "empty duration"),
        ("fraction", "1.5d", "missing unit"),
        ("unit", "3 fortnights", "invalid duration"),
    ] {
        let src = lab(1, ONE, "").replace("end: \"14d\"", &format!("end: \"{end}\""));
        refused(name, &src, &["field `end`", expected]);
    }
}

#[test]
fn intervals_and_times_in_the_file_are_checked() {
    let deploy = |extra: &str| {
        format!(
            " deployments: [(id: \"D\", updates: [\"K\"], target: [(group: \"c\")], created: \"1d\"{extra})],\n"
        )
    };
    let cases: [(&str, String, &[&str]); 6] = [
        (
            "interval",
            lab(1, ONE, " settings: (sync_schedule_interval: \"0\"),\n"),
            &["settings.sync_schedule_interval`", "longer than 0"],
        ),
        (
            "retry",
            lab(1, ONE, " settings: (location_retry_interval: \"0\"),\n"),
            &["settings.location_retry_interval`", "longer than 0"],
        ),
        (
            "before",
            lab(1, ONE, &deploy(", available: \"3d\", deadline: \"2d\"")),
            &["deployments[0].deadline`", "at or after `available`"],
        ),
        (
            "negdeadline",
            lab(1, ONE, &deploy(", deadline: \"-2d\"")),
            &["deployments[0].deadline`", "invalid duration"],
        ),
        (
            "afterend",
            lab(1, ONE, " actions: [RunSync(at: \"20d\")],\n"),
            &["actions[0].at`", "after the end of the run"],
        ),
        (
            "backwards",
            lab(
                1,
                ONE,
                " faults: [DpUnavailable(server: \"LAB-DP\", from: \"3d\", to: \"2d\")],\n",
            ),
            &["faults[0].to`", "after `from`"],
        ),
    ];
    for (name, src, expected) in cases {
        refused(name, &src, expected);
    }
}

#[test]
fn until_zero_or_beyond_three_years_is_an_argument_error() {
    for (arg, expected) in [
        ("0", "longer than 0"),
        ("5000d", "runs longer than 1098d"),
        ("99999999999999999999d", "number too large"),
        ("yesterday", "invalid"),
    ] {
        let (code, err) = run_lab("until", &["--until", arg]);
        assert_eq!(code, 2, "{arg}: {err}");
        assert_has(&err, &["--until", expected]);
    }
}

#[test]
fn a_sample_under_a_minute_is_an_argument_error() {
    for arg in ["0", "1ms", "59s"] {
        let (code, err) = run_lab("sample", &["--sample", arg]);
        assert_eq!(code, 2, "{err}");
        assert_has(&err, &["--sample", "at least 1m"]);
    }
}

#[test]
fn a_deadline_after_the_end_of_the_run_is_said_not_silent() {
    // Looking at the first days of a rollout is legitimate; the report must say that the
    // deadline installs fall outside the run.
    let src = r#"Scenario(name: "late", end: "3d",
      sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"], distribution_points: ["DP"])],
      clients: [(name: "pcs", site: "PR1", count: 10)],
      catalog: [(id: "KB1", size: "10MB")],
      deployments: [(id: "D1", updates: ["KB1"], target: [(group: "pcs")], created: "1d", deadline: "10d")])"#;
    let loaded = cmsim::load_str("late.ron", src).unwrap();
    let opts = cmsim::RunOptions {
        quiet: true,
        ..cmsim::RunOptions::default()
    };
    let summary = cmsim::run(&loaded.world, &opts).unwrap();
    assert_eq!(
        summary.deployment.deployments[0].deadline_ms,
        Some(10 * 86_400_000)
    );
    let text = cmsim::report::text::render(&summary, Default::default());
    assert!(
        text.contains("D1: the deadline 10d 00:00 is after the end of the run (3d 00:00)"),
        "{text}"
    );
}

#[test]
fn a_run_past_year_9999_is_refused_at_the_field_that_takes_it_there() {
    // The calendar stops with year 9999: every later time was shown as 9999-12-30 23:00,
    // and the run exited 0.
    let with = |start: &str, end: &str| {
        lab(1, ONE, "").replace(
            "end: \"14d\"",
            &format!("start: \"{start}\", end: \"{end}\""),
        )
    };
    refused(
        "y9999start",
        &with("9999-12-25T09:00[Europe/Berlin]", "14d"),
        &[
            "field `start`",
            "`9999-12-25T09:00:00+01:00[Europe/Berlin]` is too late",
            "a run must end by 9999-12-23T00:00:00Z",
            "expected an earlier start",
        ],
    );
    refused(
        "y9999end",
        &with("9999-12-10T00:00Z", "14d"),
        &[
            "field `end`",
            "`14d` after the start is too late",
            "expected an end at most 13d after the start, or an earlier `start`",
        ],
    );
    refused(
        "y9999date",
        &with("9999-12-10T00:00Z", "9999-12-30T00:00Z"),
        &[
            "field `end`",
            "`9999-12-30T00:00:00+00:00[UTC]` is too late",
        ],
    );
    // The last end the calendar can place is accepted.
    let (code, _, err) = cmsim_check(&with("9999-12-10T00:00Z", "13d"));
    assert_eq!(code, 0, "{err}");
    // --until moves the end: past the calendar, it is refused as the file's `end` is.
    let path = common::hostile::scenario("until9999", &with("9999-12-10T00:00Z", "1d"));
    let out = path.parent().unwrap().join("out");
    let (code, _, err) = common::hostile::cmsim(&[
        "run",
        path.to_str().unwrap(),
        "--until",
        "20d",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert_has(
        &err,
        &["--until:", "expected an end at most 13d after the start"],
    );
    assert!(!out.exists());
}

/// `cmsim check` on the scenario text `src`.
fn cmsim_check(src: &str) -> (i32, String, String) {
    let path = common::hostile::scenario("check", src);
    common::hostile::cmsim(&["check", path.to_str().unwrap()])
}
