//! Same scenario + same seed ⇒ byte-identical trace and summary; random draws belong to
//! their entity, so adding a site does not change anybody else's luck.

mod common;

use cmsim::{RunOptions, load_file, load_str};
use common::tempdir::TestDir;

fn flaky(extra_site: &str) -> String {
    format!(
        r#"Scenario(name: "crn", seed: 5, end: "30d",
            sites: [
                (code: "CAS", kind: Central, sup: "CAS-SUP"),
                (code: "P01", kind: Primary, parent: "CAS", sup: "P01-SUP"),
                {extra_site}
            ],
            settings: (sync_schedule_interval: "1d", sync_failure_probability: 0.4))"#
    )
}

fn lines_of(trace: &str, sup: &str) -> Vec<String> {
    trace
        .lines()
        .filter(|l| l.contains(&format!(r#""sup":"{sup}""#)))
        .map(String::from)
        .collect()
}

/// The second run puts the observers on a thread of their own (`observe/relay.rs`, what a
/// single `cmsim run` does), the first keeps them on the simulation's (what replications
/// do): the same bytes either way.
#[test]
fn same_seed_gives_byte_identical_trace_summary_csv_and_charts_on_one_thread_or_two() {
    let dir = TestDir::new("cmsim-det-");
    let mut outputs = Vec::new();
    for run in 0..2 {
        let mut loaded = load_file("scenarios/mandatory-deadline.ron".as_ref()).unwrap();
        let out = dir.join(run.to_string());
        let opts = RunOptions {
            trace: Some(out.join("trace.jsonl")),
            out: Some(out.clone()),
            quiet: true,
            one_thread: run == 0,
            ..RunOptions::default()
        };
        std::fs::create_dir_all(&out).unwrap();
        cmsim::run::apply(&mut loaded.world, &opts);
        cmsim::run(&loaded.world, &opts).unwrap();
        // Every file written: trace, summary.json, compliance.csv, each chart (SVG and PNG).
        let mut files = vec![
            out.join("trace.jsonl"),
            out.join("summary.json"),
            out.join("compliance.csv"),
            out.join("machines.csv"),
            out.join("groups.csv"),
        ];
        let mut charts: Vec<_> = std::fs::read_dir(out.join("charts"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        charts.sort();
        assert!(charts.len() >= 10, "five charts, SVG and PNG");
        files.extend(charts);
        let bytes: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|f| {
                (
                    f.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(f).unwrap(),
                )
            })
            .collect();
        outputs.push(bytes);
    }
    drop(dir);
    assert!(!outputs[0][0].1.is_empty());
    for (a, b) in outputs[0].iter().zip(&outputs[1]) {
        assert!(a == b, "{} differs between two runs", a.0);
    }
}

#[test]
fn another_seed_gives_other_luck() {
    let a = load_str("a.ron", &flaky("")).unwrap();
    let mut b = a.clone();
    b.world.seed = 6;
    assert_ne!(
        cmsim::trace_to_string(&a.world),
        cmsim::trace_to_string(&b.world)
    );
}

#[test]
fn adding_a_site_leaves_the_top_sups_luck_unchanged() {
    // The CAS SUP syncs from Microsoft Update; its failures come from its own stream only.
    let small = load_str("a.ron", &flaky("")).unwrap();
    let big = load_str(
        "b.ron",
        &flaky(r#"(code: "P02", kind: Primary, parent: "CAS", sup: "P02-SUP"),"#),
    )
    .unwrap();
    let (ts, tb) = (
        cmsim::trace_to_string(&small.world),
        cmsim::trace_to_string(&big.world),
    );
    let cas = lines_of(&ts, "CAS-SUP");
    assert!(
        cas.iter().any(|l| l.contains("6703")),
        "the scenario does fail sometimes"
    );
    assert_eq!(cas, lines_of(&tb, "CAS-SUP"));
    assert_eq!(lines_of(&ts, "P01-SUP"), lines_of(&tb, "P01-SUP"));
}

/// A run without a trace is not told the facts only the trace reads (`Fact::is_detail`):
/// its figures must be those of the same run with the trace written. Scenarios with users
/// coming and going, windows, restarts, peers and phases, whose detail facts are many.
#[test]
fn figures_are_the_same_with_the_trace_written_or_not() {
    let dir = TestDir::new("cmsim-detail-");
    for name in [
        "office-week",
        "server-windows",
        "branch-fallback",
        "phased-rings",
    ] {
        let loaded = load_file(format!("scenarios/{name}.ron").as_ref()).unwrap();
        let summary = |trace: Option<std::path::PathBuf>| {
            let opts = RunOptions {
                trace,
                quiet: true,
                ..RunOptions::default()
            };
            cmsim::run(&loaded.world, &opts).unwrap().to_json()
        };
        let traced = summary(Some(dir.join(format!("{name}.jsonl"))));
        let trace = std::fs::read_to_string(dir.join(format!("{name}.jsonl"))).unwrap();
        assert!(
            trace.contains(r#""kind":"install_start""#),
            "{name}: the trace holds detail facts"
        );
        assert!(
            traced == summary(None),
            "{name}: figures differ without the trace"
        );
    }
}
