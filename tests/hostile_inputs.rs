//! Hostile inputs found by the robustness review: each is refused with a clear message and
//! exit code 2, without hanging (every run of the binary is killed after 20 s) and without
//! running out of memory or writing anything.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Exit code, stdout and stderr of `cmsim ARGS`; fails the test if it runs over 20 s.
fn cmsim(args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cmsim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cmsim runs");
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            r.read_to_string(&mut s).ok();
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("cmsim can be waited for") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().ok();
            child.wait().ok();
            panic!("`cmsim {}` still running after 20 s", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    (status.code().unwrap_or(-1), out, err)
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cmsim-hostile-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes `src` as `name` in a fresh directory and returns its path.
fn scenario(name: &str, src: &str) -> PathBuf {
    let path = temp(name).join(format!("{name}.ron"));
    std::fs::write(&path, src).unwrap();
    path
}

fn assert_has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "`{p}` missing from:\n{msg}");
    }
}

/// A scenario with `sites`, a client group at `client_site` and one update.
fn with_sites(sites: &str, client_site: &str) -> String {
    format!(
        "Scenario(\n    name: \"hostile\",\n    seed: 1,\n    end: \"1d\",\n    sites: [\n{sites}    ],\n    \
         clients: [(name: \"c\", site: \"{client_site}\", count: 5)],\n    \
         catalog: [(id: \"KB1\", title: \"t\", size: \"1MB\")],\n)\n"
    )
}

/// `check` and `run` both refuse the file quickly, with exit code 2 and every part of
/// `expected` in the message.
fn refused(name: &str, src: &str, expected: &[&str]) {
    let path = scenario(name, src);
    let p = path.to_str().unwrap();
    for cmd in [vec!["check", p], vec!["run", p, "--quiet"]] {
        let (code, _, err) = cmsim(&cmd);
        assert_eq!(code, 2, "`cmsim {}`: {err}", cmd.join(" "));
        assert_has(&err, expected);
    }
}

#[test]
fn a_two_site_parent_cycle_is_an_error_not_a_hang() {
    let sites = r#"        (code: "CAS", kind: Central, sup: "CAS-SUP", management_points: ["CAS-MP"]),
        (code: "P01", kind: Primary, parent: "P02", sup: "P01-SUP", management_points: ["P01-MP"]),
        (code: "P02", kind: Primary, parent: "P01", sup: "P02-SUP", management_points: ["P02-MP"]),
"#;
    refused(
        "cycle2",
        &with_sites(sites, "P01"),
        &[
            "cycle2.ron:7:38: field `sites[1].parent`",
            "cycle (P01 → P02 → P01)",
        ],
    );
}

#[test]
fn a_site_that_is_its_own_parent_is_an_error_not_a_hang() {
    let sites = r#"        (code: "CAS", kind: Central, sup: "CAS-SUP", management_points: ["CAS-MP"]),
        (code: "P01", kind: Primary, parent: "P01", sup: "P01-SUP", management_points: ["P01-MP"]),
"#;
    refused(
        "selfparent",
        &with_sites(sites, "P01"),
        &[
            "selfparent.ron:7:38: field `sites[1].parent`",
            "its own parent",
        ],
    );
}

#[test]
fn a_three_site_cycle_under_a_valid_top_is_an_error_not_a_hang() {
    let sites = r#"        (code: "CAS", kind: Central, sup: "CAS-SUP", management_points: ["CAS-MP"]),
        (code: "P01", kind: Primary, parent: "CAS", sup: "P01-SUP", management_points: ["P01-MP"]),
        (code: "S01", kind: Secondary, parent: "S03", sup: "S01-SUP"),
        (code: "S02", kind: Secondary, parent: "S01", sup: "S02-SUP"),
        (code: "S03", kind: Secondary, parent: "S02", sup: "S03-SUP"),
"#;
    refused(
        "cycle3",
        &with_sites(sites, "S02"),
        &[
            "cycle3.ron:8:40: field `sites[2].parent`",
            "cycle (S01 → S03 → S02 → S01)",
        ],
    );
}

/// `cmsim run scenarios/lab.ron ARGS --out DIR`: exit code and stderr; DIR must stay absent.
fn run_lab(name: &str, args: &[&str]) -> (i32, String) {
    let dir = temp(name).join("out");
    let mut all = vec![
        "run",
        "scenarios/lab.ron",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let (code, _, err) = cmsim(&all);
    assert!(
        !dir.exists(),
        "`{}` wrote {}",
        args.join(" "),
        dir.display()
    );
    (code, err)
}

#[test]
fn until_zero_or_beyond_three_years_is_an_argument_error() {
    for (arg, expected) in [("0", "longer than 0"), ("5000d", "runs longer than 1098d")] {
        let (code, err) = run_lab("until", &["--until", arg]);
        assert_eq!(code, 2, "{err}");
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
fn trace_clients_at_the_top_of_u64_do_not_overflow() {
    for (arg, expected) in [
        ("18446744073709551615", "client ids go up to"),
        ("99999999999999999999", "is not a client id"),
        ("7..7", "A < B"),
        ("9..3", "A < B"),
    ] {
        let (code, err) = run_lab("clients", &["--trace-clients", arg]);
        assert_eq!(code, 2, "{arg}: {err}");
        assert_has(&err, &["--trace-clients", expected]);
    }
    assert_eq!(
        cmsim::run::parse_client_range("0..18446744073709551615"),
        Ok(0..u64::MAX)
    );
    assert_eq!(
        cmsim::run::parse_client_range("18446744073709551614"),
        Ok(u64::MAX - 1..u64::MAX)
    );
}

/// 20 updates over 1000 days sampled every minute: 28.8 M rows, over the 20 M limit.
fn big_series() -> String {
    let catalog: Vec<String> = (0..20)
        .map(|i| format!("(id: \"KB{i}\", title: \"t\", size: \"1MB\")"))
        .collect();
    format!(
        "Scenario(name: \"big\", seed: 1, end: \"1000d\",\n sites: [(code: \"LAB\", kind: Primary, \
         sup: \"LAB-SUP\", management_points: [\"LAB-MP\"])],\n clients: [(name: \"c\", site: \
         \"LAB\", count: 5)],\n catalog: [{}])",
        catalog.join(", ")
    )
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
    assert!(matches!(
        cmsim::run::check(&loaded.world, &opts),
        Err(cmsim::run::RunError::Argument(_))
    ));
    opts.sample = Some(cmsim::engine::SimDuration::from_mins(2));
    assert!(cmsim::run::check(&loaded.world, &opts).is_ok());
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
    let text = cmsim::report::text::render(&summary);
    assert!(
        text.contains("D1: the deadline 10d 00:00 is after the end of the run (3d 00:00)"),
        "{text}"
    );
}

#[test]
fn ids_with_commas_and_quotes_are_quoted_in_the_csv_files() {
    let src = r#"Scenario(name: "commas", end: "3d",
      sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"], distribution_points: ["DP"])],
      clients: [(name: "pcs", site: "PR1", count: 10)],
      catalog: [(id: "KB1, \"x\"", size: "10MB")],
      deployments: [(id: "D,1", updates: ["KB1, \"x\""], target: [(group: "pcs")], created: "1d", deadline: "2d")])"#;
    let loaded = cmsim::load_str("commas.ron", src).unwrap();
    let dir = temp("commas");
    let opts = cmsim::RunOptions {
        quiet: true,
        out: Some(dir.clone()),
        ..cmsim::RunOptions::default()
    };
    cmsim::run(&loaded.world, &opts).unwrap();
    for (file, column, id, width) in [
        ("compliance.csv", 3, "KB1, \"x\"", 12),
        ("machines.csv", 2, "D,1", 8),
    ] {
        let mut r = csv::Reader::from_path(dir.join(file)).unwrap();
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert!(!rows.is_empty(), "{file}");
        for row in rows {
            assert_eq!(row.len(), width, "{file}: {row:?}");
            assert_eq!(&row[column], id, "{file}");
        }
    }
}

#[test]
fn outputs_never_overwrite_the_scenario_being_run() {
    let dir = temp("overwrite");
    let path = dir.join("summary.json");
    let original = std::fs::read_to_string("scenarios/lab.ron").unwrap();
    std::fs::write(&path, &original).unwrap();
    let p = path.to_str().unwrap();
    let (code, _, err) = cmsim(&["run", p, "-q", "--trace", p]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["would overwrite the scenario being run"]);
    let (code, _, err) = cmsim(&["run", p, "-q", "--out", dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        original,
        "untouched"
    );
    assert!(!dir.join("compliance.csv").exists(), "nothing written");
}

#[test]
fn an_endless_scenario_file_is_refused_after_the_size_limit() {
    // /dev/zero has no size and no end: reading stops one byte past the 16 MiB limit.
    let (code, _, err) = cmsim(&["check", "/dev/zero"]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["/dev/zero: more than 16777216 bytes"]);
}

#[test]
fn an_endless_trace_line_is_refused_not_read_into_memory() {
    let (code, _, err) = cmsim(&["verify", "/dev/zero"]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["/dev/zero:1:", "a line longer than 16777216 bytes"]);
}
