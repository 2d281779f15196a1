//! Hostile inputs, class "size": files, counts and runs too large for the machine. Each is
//! refused before anything runs, by the file-size cap, the scenario limits or the run's cost
//! estimate (`--max-events`, `--max-memory`), with exit code 2 and the figure that decided;
//! never by running out of memory or for hours.

mod common;

use common::hostile::{assert_has, cmsim, lab, refused, scenario, temp, updates};

#[test]
fn an_endless_scenario_file_is_refused_after_the_size_limit() {
    // /dev/zero has no size and no end: reading stops one byte past the 16 MiB limit.
    let (code, _, err) = cmsim(&["check", "/dev/zero"]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["/dev/zero: more than 16777216 bytes"]);
}

#[test]
fn counts_over_the_limits_are_refused_with_the_limit() {
    let one = r#"(id: "K", size: "1MB")"#;
    refused(
        "clients",
        &lab(10_000_001, one, ""),
        &[
            "field `clients`",
            "10000001 clients is over the limit of 10000000",
        ],
    );
    refused(
        "updates",
        &lab(1, &updates(100_001), ""),
        &[
            "field `catalog`",
            "100001 updates is over the limit of 100000",
        ],
    );
    let deployments: String = (0..33)
        .map(|i| {
            format!("(id: \"D{i}\", updates: [\"K\"], target: [(group: \"c\")], created: \"1d\"),")
        })
        .collect();
    refused(
        "deployments",
        &lab(1, one, &format!(" deployments: [{deployments}],\n")),
        &["33 deployments is over the limit of 32"],
    );
}

#[test]
fn millions_of_clients_times_many_updates_are_refused_by_the_memory_estimate() {
    // 10 million clients × 100,000 updates: about 875 GB of client records.
    let path = scenario("huge", &lab(10_000_000, &updates(100_000), ""));
    let out = path.parent().unwrap().join("out");
    let (code, _, err) = cmsim(&[
        "run",
        path.to_str().unwrap(),
        "-q",
        "--sample",
        "1d",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert_has(
        &err,
        &[
            "this run would need about",
            "GiB of memory, over the limit of 8.0GiB",
            "--max-memory",
        ],
    );
    assert!(!out.exists());
    // `check` states the estimate without running.
    let (code, text, _) = cmsim(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_has(&text, &["Estimated cost of one run: about"]);
}

#[test]
fn a_one_second_timer_over_three_years_is_refused_by_the_event_estimate() {
    let src = lab(
        200,
        r#"(id: "K", size: "1MB")"#,
        " settings: (sync_schedule_interval: \"1s\"),\n",
    )
    .replace("end: \"14d\"", "end: \"1000d\"");
    let path = scenario("timer", &src);
    let (code, _, err) = cmsim(&["run", path.to_str().unwrap(), "-q"]);
    assert_eq!(code, 2, "{err}");
    assert_has(
        &err,
        &[
            "this run would handle about",
            "events, over the limit of 1,000,000,000",
            "--max-events",
        ],
    );
}

#[test]
fn notifications_every_millisecond_are_refused_by_the_event_estimate() {
    let src = lab(
        500,
        r#"(id: "K", size: "1MB")"#,
        " deployments: [(id: \"D\", updates: [\"K\"], target: [(group: \"c\")], created: \"1d\", deadline: \"10d\")],\n \
         settings: (notify_far_interval: \"1ms\", notify_near_interval: \"1ms\", notify_imminent_interval: \"1ms\"),\n",
    );
    let path = scenario("notify", &src);
    let (code, _, err) = cmsim(&["run", path.to_str().unwrap(), "-q"]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["events, over the limit", "--max-events"]);
}

#[test]
fn the_limits_can_be_lowered_and_raised_on_the_command_line() {
    let lab = "scenarios/lab.ron";
    let (code, _, err) = cmsim(&["run", lab, "-q", "--max-events", "100"]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["over the limit of 100;", "--max-events 5000"]);
    let (code, _, err) = cmsim(&["run", lab, "-q", "--max-memory", "1MiB"]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["over the limit of 1MiB", "--max-memory 32MiB"]);
    let (code, _, err) = cmsim(&["run", lab, "-q", "--max-events", "5000"]);
    assert_eq!(code, 0, "{err}");
    // Replications at once multiply the memory; in a row, only the events.
    let (code, _, err) = cmsim(&[
        "run",
        lab,
        "-q",
        "--replications",
        "4",
        "--jobs",
        "4",
        "--max-memory",
        "60MiB",
    ]);
    assert_eq!(code, 2, "{err}");
    assert_has(
        &err,
        &["4 replications of", "× 4 at once; fewer with --jobs"],
    );
    let (code, _, err) = cmsim(&[
        "run",
        lab,
        "-q",
        "--replications",
        "4",
        "--jobs",
        "1",
        "--max-memory",
        "60MiB",
    ]);
    assert_eq!(code, 0, "{err}");
    for (flag, value, expected) in [
        ("--max-memory", "0", "expected a size above 0"),
        ("--max-memory", "12 bananas", "unknown unit `bananas`"),
        ("--max-events", "lots", "invalid value 'lots'"),
        ("--max-events", "99999999999999999999", "invalid value"),
    ] {
        let (code, _, err) = cmsim(&["run", lab, "-q", flag, value]);
        assert_eq!(code, 2, "{flag} {value}: {err}");
        assert_has(&err, &[expected]);
    }
}

#[test]
fn a_run_that_passes_its_event_limit_anyway_is_stopped_there() {
    // The estimate is an estimate: the engine enforces the limit whatever the model does.
    let loaded = cmsim::load_file(std::path::Path::new("scenarios/lab.ron")).unwrap();
    let mut observer = cmsim::observe::Progress::new(loaded.world.end, true);
    let stats = cmsim::model::simulate_within(&loaded.world, 50, &mut observer).unwrap();
    assert!(stats.cut && stats.events == 50, "{stats:?}");
    assert!(stats.end < loaded.world.end);
    let whole = cmsim::model::simulate(&loaded.world, &mut observer).unwrap();
    assert!(!whole.cut && whole.events > 50);
}

/// 20 updates over 1000 days sampled every minute: 28.8 M rows, over the 20 M limit.
fn big_series() -> String {
    lab(5, &updates(20), "").replace("end: \"14d\"", "end: \"1000d\"")
}

#[test]
fn a_compliance_series_too_large_for_memory_is_refused_before_running() {
    let path = scenario("bigseries", &big_series());
    let dir = path.parent().unwrap().join("out");
    let trace = path.parent().unwrap().join("t.jsonl");
    let (code, _, err) = cmsim(&[
        "run",
        path.to_str().unwrap(),
        "--quiet",
        "--sample",
        "1m",
        "--max-memory",
        "64GiB",
        "--trace",
        trace.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    // An option that cannot run is bad input.
    assert_eq!(code, 2, "{err}");
    assert_has(
        &err,
        &[
            "--sample 1m",
            "about 28800040 rows",
            "1 site databases × 20 updates",
            "over the limit of 20000000",
            "use a larger --sample (e.g. --sample 2m)",
        ],
    );
    assert!(!dir.exists() && !trace.exists(), "nothing may be written");
    // The same check, through the library.
    let loaded = cmsim::load_str("big.ron", &big_series()).unwrap();
    let mut opts = cmsim::RunOptions {
        sample: Some(cmsim::engine::SimDuration::from_mins(1)),
        ..Default::default()
    };
    opts.budget.max_memory = Some(64 << 30);
    assert!(matches!(
        cmsim::run::check(&loaded.world, &opts),
        Err(cmsim::run::RunError::Argument(_))
    ));
    opts.sample = Some(cmsim::engine::SimDuration::from_mins(2));
    assert!(cmsim::run::check(&loaded.world, &opts).is_ok());
}

#[test]
fn a_sweep_or_comparison_over_budget_is_refused_before_any_run() {
    let dir = temp("budget");
    let (code, _, err) = cmsim(&[
        "compare",
        "scenarios/lab.ron",
        "scenarios/lab.ron",
        "--replications",
        "10",
        "--max-events",
        "20000",
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["comparing two plans over 10 seeds", "20 runs"]);
    assert!(!dir.join("out").exists());
}

/// 2,000 targeted groups of one client each over three years: a 100-kilobyte scenario whose
/// `groups.csv` (every group every 15-minute sample) would be about 10 GiB. `--out` is
/// refused by the estimate, naming the coarser sample and the flag that raises the limit;
/// nothing is written. It wrote the file until the disk was full.
#[test]
fn an_out_directory_of_gigabytes_is_refused_by_the_output_estimate() {
    let groups: String = (0..2_000)
        .map(|i| format!(r#"(name: "g{i}", site: "PR1", count: 1),"#))
        .collect();
    let targets: String = (0..2_000).map(|i| format!(r#"(group: "g{i}"),"#)).collect();
    let src = format!(
        r#"Scenario(name: "many groups", end: "1098d",
        sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
                 distribution_points: ["DP"])],
        clients: [{groups}],
        catalog: [(id: "KB1", size: "1MB")],
        deployments: [(id: "D", updates: ["KB1"], target: [{targets}], created: "1d")])"#
    );
    let path = scenario("groups", &src);
    let out = path.parent().unwrap().join("out");
    let (code, _, err) = cmsim(&[
        "run",
        path.to_str().unwrap(),
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert_has(
        &err,
        &[
            "--out would write about",
            "GiB",
            "over the limit of 4.0GiB",
            "--sample 1h",
            "--max-output",
        ],
    );
    assert!(!out.exists());
}
