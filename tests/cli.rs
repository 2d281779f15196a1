//! The `cmsim` binary as users run it: exit codes, outputs, messages.

mod common;

use common::tempdir::TestDir;
use std::process::{Command, Output};

fn cmsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cmsim"))
        .args(args)
        .output()
        .expect("cmsim runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fresh directory (`cmsim-cli-NAME-…`), removed when dropped.
fn temp(name: &str) -> TestDir {
    TestDir::new(&format!("cmsim-cli-{name}-"))
}

#[test]
fn run_prints_a_summary_and_writes_trace_and_summary_json() {
    let dir = temp("run");
    let trace = dir.join("t.jsonl");
    let out = cmsim(&[
        "run",
        "scenarios/cas-hierarchy.ron",
        "--quiet",
        "--trace",
        trace.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("CAS-SUP01") && stdout.contains("6702"),
        "{stdout}"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["format"], 2);
    assert_eq!(summary["sites"][0]["code"], "CAS");
    let verify = cmsim(&[
        "verify",
        trace.to_str().unwrap(),
        "--scenario",
        "scenarios/cas-hierarchy.ron",
    ]);
    assert!(verify.status.success(), "{}", text(&verify.stdout));
    assert!(text(&verify.stdout).contains("R04  held"));
}

#[test]
fn seed_and_until_override_the_scenario() {
    let out = cmsim(&[
        "run",
        "scenarios/lab.ron",
        "-q",
        "--seed",
        "99",
        "--until",
        "2d",
    ]);
    assert!(out.status.success());
    let s = text(&out.stdout);
    assert!(
        s.contains("seed 99") && s.contains("2d 00:00 simulated"),
        "{s}"
    );
}

#[test]
fn bad_scenarios_exit_2_with_a_located_message_and_no_output() {
    let dir = temp("bad");
    let bad = dir.join("bad.ron");
    std::fs::write(&bad, "Scenario(name: \"x\", end: \"1d\", sites: [(code: \"CAS\", kind: Central, sup: \"S\", parent: \"ZZZ\")])").unwrap();
    let out_dir = dir.join("out");
    let out = cmsim(&[
        "run",
        bad.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("bad.ron:1:") && err.contains("sites[0].parent"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    assert!(!out_dir.exists(), "no partial output");
    let out = cmsim(&["check", dir.join("missing.ron").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(
        cmsim(&["run", "scenarios/lab.ron", "--until", "soon"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        cmsim(&["run", "scenarios/lab.ron", "--trace-clients", "9..3"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(cmsim(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn oversized_files_are_refused() {
    let dir = temp("huge");
    let huge = dir.join("huge.ron");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(17 << 20).unwrap();
    let out = cmsim(&["check", huge.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("refused"));
}

#[test]
fn check_describes_the_hierarchy() {
    let out = cmsim(&["check", "scenarios/cas-hierarchy.ron"]);
    assert!(out.status.success());
    let s = text(&out.stdout);
    assert!(s.contains("OK") && s.contains("└─ S31"), "{s}");
}

#[test]
fn rules_prints_all_25_rules_and_scenario_values() {
    let out = cmsim(&["rules", "--scenario", "scenarios/lab.ron"]);
    assert!(out.status.success());
    let s = text(&out.stdout);
    for i in 1..=25 {
        assert!(s.contains(&format!("R{i:02}")), "R{i:02} missing");
    }
    assert!(s.contains("sync_schedule_first") && s.contains("1h"));
}

#[test]
fn rules_with_a_profile_show_both_profiles_side_by_side_within_100_columns() {
    let out = cmsim(&["rules", "--profile", "CurrentBranch"]);
    assert!(out.status.success());
    let s = text(&out.stdout);
    let line = s
        .lines()
        .find(|l| l.contains("notify_far_interval"))
        .unwrap();
    assert!(
        line.contains("3h") && line.contains("source document") && line.contains("48h"),
        "{line}"
    );
    assert!(s.lines().all(|l| l.chars().count() <= 100));
    let bad = cmsim(&["rules", "--profile", "CurrentBrnch"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("did you mean `CurrentBranch`"));
}

#[test]
fn verify_exits_1_on_a_violation_and_2_on_a_malformed_trace() {
    let dir = temp("verify");
    let bad = dir.join("bad.jsonl");
    std::fs::write(
        &bad,
        r#"{"t":0,"kind":"status_message","site":"CAS","sup":"A","id":6702}"#,
    )
    .unwrap();
    let out = cmsim(&["verify", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("R02  VIOLATED"));
    // Header-less and cut short: the framing fails, and is shown first.
    assert!(
        text(&out.stdout)
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains("TRACE  VIOLATED")),
        "{}",
        text(&out.stdout)
    );
    std::fs::write(&bad, "").unwrap();
    let out = cmsim(&["verify", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "an empty trace fails");
    assert!(text(&out.stdout).contains("empty trace"));
    std::fs::write(&bad, "garbage").unwrap();
    assert_eq!(
        cmsim(&["verify", bad.to_str().unwrap()]).status.code(),
        Some(2)
    );
}

#[test]
fn a_client_filtered_trace_still_verifies_and_says_what_it_cannot_judge() {
    let dir = temp("filtered");
    let trace = dir.join("t.jsonl");
    let out = cmsim(&[
        "run",
        "scenarios/lab.ron",
        "-q",
        "--trace",
        trace.to_str().unwrap(),
        "--trace-clients",
        "0..5",
    ]);
    assert!(out.status.success());
    let text_trace = std::fs::read_to_string(&trace).unwrap();
    assert!(text_trace.starts_with(r#"{"t":0,"kind":"trace_start""#));
    assert!(text_trace.contains(r#""trace_clients":[0,5]"#));
    for line in text_trace.lines().filter(|l| l.contains(r#""client":"#)) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["client"].as_u64().unwrap() < 5, "{line}");
    }
    let verify = cmsim(&[
        "verify",
        trace.to_str().unwrap(),
        "--scenario",
        "scenarios/lab.ron",
    ]);
    assert!(verify.status.success(), "{}", text(&verify.stdout));
    let report = text(&verify.stdout);
    assert!(
        report.contains("R12  held") && report.contains("R13  not checked"),
        "{report}"
    );
}

#[test]
fn replications_report_median_and_range_deterministically() {
    let args = [
        "run",
        "scenarios/mandatory-deadline.ron",
        "--replications",
        "3",
        "--jobs",
        "2",
        "--format",
        "json",
    ];
    let out = cmsim(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["seeds"], serde_json::json!([2023, 2024, 2025]));
    let fig = r["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "notifications per user (mean)")
        .unwrap();
    assert_eq!(fig["values"].as_array().unwrap().len(), 3);
    assert!(fig["p5"].as_f64().unwrap() <= fig["median"].as_f64().unwrap());
    assert_eq!(r["format"], 2);
    assert_eq!(fig["key"], "notifications_per_user_mean");
    assert_eq!(
        cmsim(&args).stdout,
        out.stdout,
        "parallel runs, same output"
    );
    let one_job = cmsim(&[
        "run",
        "scenarios/mandatory-deadline.ron",
        "--replications",
        "3",
        "--jobs",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(
        one_job.stdout, out.stdout,
        "the thread count changes nothing"
    );
    let dir = temp("bands");
    let with_out = cmsim(&[
        "run",
        "scenarios/mandatory-deadline.ron",
        "--replications",
        "3",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(with_out.status.success());
    assert!(dir.join("replications.json").exists());
    let band = std::fs::read_to_string(dir.join("charts/compliance_band.svg")).unwrap();
    assert!(band.contains("5–95 % band"));
    drop(dir);
    let bad = cmsim(&[
        "run",
        "scenarios/lab.ron",
        "--replications",
        "2",
        "--trace",
        "x.jsonl",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

/// Figure keys stay unique where names differ only in what keys leave out: deployments
/// `SUG-2023-10` and `SUG_2023_10` both make `sug_2023_10_installed_95pct_hours`.
#[test]
fn figure_keys_are_unique_when_names_differ_only_in_punctuation() {
    let source = std::fs::read_to_string("scenarios/mandatory-deadline.ron").unwrap();
    let twin = source.replace(
        "    deployments: [\n",
        "    deployments: [\n        (id: \"SUG_2023_10\", updates: [\"KB5031356\"], \
         target: [(group: \"hq-desktops\")], created: \"2d 9h\", deadline: \"9d 9h\"),\n",
    );
    assert_ne!(twin, source, "the scenario has a second deployment");
    let out = cmsim_stdin(
        &["run", "-", "--replications", "2", "--format", "json"],
        twin.as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = r["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&&str> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len(), "{keys:?}");
    assert!(
        keys.contains(&"sug_2023_10_installed_95pct_hours_2"),
        "{keys:?}"
    );
}

#[test]
fn compare_shows_what_a_plan_changes_beyond_the_noise() {
    let out = cmsim(&[
        "compare",
        "scenarios/hidden-deployments.ron",
        "scenarios/mandatory-deadline.ron",
        "--replications",
        "4",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fig = |name: &str| {
        c["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()
            .clone()
    };
    let n = fig("notifications per user (mean)");
    assert_eq!(n["a"]["median"], 0.0);
    assert!(n["difference"]["median"].as_f64().unwrap() > 40.0);
    assert_eq!(n["beyond_noise"], true);
    assert_eq!(fig("failed syncs (6703)")["beyond_noise"], false);
    let textual = cmsim(&[
        "compare",
        "scenarios/lab.ron",
        "scenarios/lab.ron",
        "--replications",
        "3",
    ]);
    let s = text(&textual.stdout);
    assert!(
        s.contains("beyond noise") && !s.contains(" yes"),
        "a plan against itself: {s}"
    );
}

#[test]
fn out_writes_charts_as_svg_and_png() {
    let dir = temp("charts");
    let out = cmsim(&[
        "run",
        "scenarios/mandatory-deadline.ron",
        "-q",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for name in [
        "compliance",
        "sync_cascade",
        "state_messages",
        "downloads",
        "notifications",
    ] {
        let svg = std::fs::read_to_string(dir.join(format!("charts/{name}.svg"))).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("<text"),
            "{name}.svg has text"
        );
        let png = std::fs::read(dir.join(format!("charts/{name}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name}.png is a PNG");
    }
    let svg = std::fs::read_to_string(dir.join("charts/compliance.svg")).unwrap();
    assert!(svg.contains("Compliance in the site databases") && svg.contains("deadline"));
    assert!(
        svg.contains("date (UTC)") && svg.contains("10-12"),
        "the scenario's start date labels the axis"
    );
    let csv = std::fs::read_to_string(dir.join("compliance.csv")).unwrap();
    assert!(csv.starts_with("t_ms,time,datetime,site,updates,required"));
}

#[test]
fn sweep_runs_the_grid_and_shards_merge_into_the_same_table() {
    let dir = temp("sweep");
    let whole = cmsim(&["sweep", "scenarios/mandatory-deadline.ron", "--jobs", "1"]);
    assert!(whole.status.success(), "{}", text(&whole.stderr));
    // Points and their seeds share the threads; the table is the same byte for byte.
    let seeds_on = |jobs: &str| {
        let args = ["--replications", "2", "--jobs", jobs];
        cmsim(&[&["sweep", "scenarios/mandatory-deadline.ron"][..], &args].concat()).stdout
    };
    let one_thread = seeds_on("1");
    for jobs in ["2", "3"] {
        assert_eq!(seeds_on(jobs), one_thread, "--jobs {jobs}, the same table");
    }
    let table = text(&whole.stdout);
    assert_eq!(
        table.lines().count(),
        8,
        "the sweep's line, a header and 3 × 2 points"
    );
    assert!(table.starts_with("# cmsim sweep: points 6, parameters 2, sweep "));
    assert!(
        table
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("point,deployment.SUG-2023-10.deadline,settings.notify_far_interval,")
    );
    let mut shards = Vec::new();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let out = cmsim(&[
            "sweep",
            "scenarios/mandatory-deadline.ron",
            "--shard",
            &shard,
            "--jobs",
            "2",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(out.status.success());
        shards.push(
            dir.join(format!("sweep-shard-{i}-of-3.csv"))
                .to_str()
                .unwrap()
                .to_string(),
        );
    }
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(String::as_str));
    let merged = cmsim(&args);
    assert_eq!(
        text(&merged.stdout),
        table,
        "shards merge into the whole sweep"
    );
    let out_dir = dir.join("whole");
    let with_charts = cmsim(&[
        "sweep",
        "scenarios/mandatory-deadline.ron",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(with_charts.status.success());
    assert!(
        out_dir
            .join("charts/notifications_per_user_mean.svg")
            .exists()
    );
}

#[test]
fn sweep_refuses_scenarios_without_a_grid_or_with_bad_parameters() {
    let none = cmsim(&["sweep", "scenarios/lab.ron"]);
    assert_eq!(none.status.code(), Some(2));
    let dir = temp("badsweep");
    let bad = dir.join("bad.ron");
    let src = std::fs::read_to_string("scenarios/lab.ron")
        .unwrap()
        .replace(
            "settings: (",
            r#"sweep: [(param: "settings.no_such_thing", values: ["1"])], settings: ("#,
        );
    std::fs::write(&bad, src).unwrap();
    let out = cmsim(&["sweep", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("sweep[0].param") && err.contains("no_such_thing") && err.contains("bad.ron:"),
        "{err}"
    );
}

/// `cmsim ARGS` with `input` on standard input.
fn cmsim_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_cmsim"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("cmsim runs");
    // A command that refuses before reading may close its end first.
    let _ = child.stdin.take().expect("stdin").write_all(input);
    child.wait_with_output().expect("cmsim ends")
}

#[test]
fn a_dash_reads_the_scenario_or_the_trace_from_standard_input() {
    let lab = std::fs::read("scenarios/lab.ron").unwrap();
    let from_file = cmsim(&["run", "scenarios/lab.ron", "-q"]);
    let from_stdin = cmsim_stdin(&["run", "-", "-q"], &lab);
    assert!(from_stdin.status.success(), "{}", text(&from_stdin.stderr));
    assert_eq!(from_stdin.stdout, from_file.stdout);
    let check = cmsim_stdin(&["check", "-"], &lab);
    assert!(
        text(&check.stdout).starts_with("<stdin>: OK"),
        "{}",
        text(&check.stdout)
    );
    // A mistake is shown in the input's own words, located in `<stdin>`.
    let bad = cmsim_stdin(
        &["check", "-"],
        br#"Scenario(name: "x", end: "1d", sitez: [])"#,
    );
    assert_eq!(bad.status.code(), Some(2));
    let e = text(&bad.stderr);
    assert!(
        e.contains("<stdin>:1:32") && e.contains("did you mean `sites`"),
        "{e}"
    );
    // A trace on standard input verifies as from its file.
    let dir = temp("stdin");
    let trace = dir.join("t.jsonl");
    let run = cmsim(&[
        "run",
        "scenarios/lab.ron",
        "-q",
        "--trace",
        trace.to_str().unwrap(),
    ]);
    assert!(run.status.success());
    let verified = cmsim_stdin(
        &["verify", "-", "--scenario", "scenarios/lab.ron"],
        &std::fs::read(&trace).unwrap(),
    );
    assert!(verified.status.success(), "{}", text(&verified.stdout));
    // Standard input is read once.
    let twice = cmsim_stdin(&["compare", "-", "-"], &lab);
    assert_eq!(twice.status.code(), Some(2));
    assert!(text(&twice.stderr).contains("read only once"));
}

#[test]
fn short_and_global_options_completions_and_the_manual_page() {
    let dir = temp("short");
    let out = cmsim(&[
        "-q",
        "run",
        "scenarios/lab.ron",
        "-o",
        dir.to_str().unwrap(),
        "-j",
        "1",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.join("summary.json").exists());
    // -q anywhere, on every command.
    let sweep = cmsim(&["sweep", "scenarios/branch-fallback.ron", "-q", "-j", "2"]);
    assert!(sweep.status.success(), "{}", text(&sweep.stderr));
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = cmsim(&["completions", shell]);
        assert!(script.status.success(), "{shell}");
        assert!(text(&script.stdout).contains("cmsim"), "{shell}");
    }
    let man = text(&cmsim(&["man"]).stdout);
    assert!(
        man.contains(".TH cmsim 1") && man.contains("verify"),
        "{man}"
    );
    assert_eq!(cmsim(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn sweep_format_json_prints_json_with_the_tables_figures() {
    let csv = cmsim(&["sweep", "scenarios/branch-fallback.ron", "-q"]);
    let json = cmsim(&[
        "sweep",
        "scenarios/branch-fallback.ron",
        "-q",
        "--format",
        "json",
    ]);
    assert!(json.status.success(), "{}", text(&json.stderr));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(v["points"], 2);
    assert_eq!(rows.len(), 2);
    // The same figures as the CSV table, row by row.
    let table = text(&csv.stdout);
    let lines: Vec<&str> = table.lines().filter(|l| !l.starts_with('#')).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(v["columns"].as_array().unwrap().len(), header.len());
    for (row, line) in rows.iter().zip(&lines[1..]) {
        for (cell, field) in row.as_array().unwrap().iter().zip(line.split(',')).skip(2) {
            match field {
                "never" => assert!(cell.is_null()),
                f => assert_eq!(cell.as_f64(), f.parse::<f64>().ok(), "{f}"),
            }
        }
    }
}

/// `--format json` on the commands that judge without simulating: the same verdict and exit
/// code as the text, as data with snake_case keys.
#[test]
fn check_verify_and_rules_speak_json_too() {
    let dir = temp("json");
    let out = cmsim(&["check", "scenarios/cas-hierarchy.ron", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sites"].as_array().unwrap().len(), 7);
    assert_eq!(v["sites"][1]["parent"], "CAS");
    assert_eq!(v["clients"], 31_200);
    assert!(v["estimate"]["memory_bytes"].as_u64().unwrap() > 0);
    let bad = dir.join("bad.jsonl");
    std::fs::write(
        &bad,
        r#"{"t":0,"kind":"status_message","site":"CAS","sup":"A","id":6702}"#,
    )
    .unwrap();
    let out = cmsim(&["verify", bad.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["violated"], true);
    let r02 = v["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "R02")
        .unwrap();
    assert_eq!(r02["status"], "violated");
    assert!(r02["violations"].as_u64().unwrap() >= 1);
    let out = cmsim(&["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 25);
}

/// `-v` says what a run does on stderr — its size and estimate, the events it ran, every file
/// written — and changes nothing on stdout; without it a run with `--out` says only where
/// its page is.
#[test]
fn verbose_tells_the_size_the_run_and_the_files() {
    let dir = temp("verbose");
    let out = dir.join("out");
    let loud = cmsim(&[
        "-v",
        "run",
        "scenarios/lab.ron",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(loud.status.success(), "{}", text(&loud.stderr));
    let said = text(&loud.stderr);
    assert!(
        said.contains("200 clients in 2 groups, 1 site, 4 updates"),
        "{said}"
    );
    assert!(said.contains("ran 2,948 events in"), "{said}");
    assert!(
        said.contains("files in") && said.contains("summary.json"),
        "{said}"
    );
    let quiet = cmsim(&[
        "run",
        "scenarios/lab.ron",
        "-o",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(loud.stdout, quiet.stdout, "the report is the same");
    assert_eq!(
        text(&quiet.stderr).trim(),
        format!("wrote {}", out.join("report.html").display())
    );
}
