//! Helpers shared by the integration tests: run scenario text, read the trace back; `traces`
//! builds hand-made traces for the `cmsim verify` tests; `tempdir` the directories tests write
//! into, removed when they end.
#![allow(dead_code)]

pub mod hostile;
pub mod tempdir;
pub mod traces;

use serde_json::Value;

/// Runs scenario text and returns its trace lines as JSON values.
pub fn trace(src: &str) -> Vec<Value> {
    let loaded = cmsim::load_str("test.ron", src).unwrap_or_else(|e| panic!("scenario: {e}"));
    cmsim::trace_to_string(&loaded.world)
        .lines()
        .map(|l| serde_json::from_str(l).expect("trace line is JSON"))
        .collect()
}

/// Runs scenario `run` and checks its trace against scenario `judge` (what an older model
/// wrote, read with the rules of the new one): fails unless outcome `id` has a violation
/// containing `needle`.
pub fn judged_against(run: &str, judge: &str, id: &str, needle: &str) {
    let loaded = cmsim::load_str("run.ron", run).unwrap();
    let trace = cmsim::try_trace_to_string(&loaded.world).unwrap();
    let scenario = cmsim::load_str("judge.ron", judge).unwrap().scenario;
    let report = cmsim::rules::verify_str(&trace, Some(&scenario)).unwrap();
    let o = report.outcomes.iter().find(|o| o.id == id).unwrap();
    assert!(
        o.violations.iter().any(|v| v.contains(needle)),
        "{}",
        report.render()
    );
}

/// Runs scenario text, fails unless `cmsim verify` passes its trace against the scenario, and
/// returns the trace (the regressions found by the property survey).
pub fn verified_trace(src: &str) -> String {
    let loaded = cmsim::load_str("test.ron", src).unwrap_or_else(|e| panic!("scenario: {e}"));
    let trace = cmsim::try_trace_to_string(&loaded.world).unwrap_or_else(|e| panic!("{e}"));
    let report = cmsim::rules::verify_str(&trace, Some(&loaded.scenario)).unwrap();
    assert!(!report.violated(), "{}", report.render());
    trace
}

/// [`verified_trace`] read back as JSON values.
pub fn verified_lines(src: &str) -> Vec<Value> {
    verified_trace(src)
        .lines()
        .map(|l| serde_json::from_str(l).expect("trace line is JSON"))
        .collect()
}

/// Lines of one kind.
pub fn kind<'a>(lines: &'a [Value], k: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["kind"] == k).collect()
}

/// Lines of one kind about one SUP.
pub fn of_sup<'a>(lines: &'a [Value], k: &str, sup: &str) -> Vec<&'a Value> {
    kind(lines, k)
        .into_iter()
        .filter(|l| l["sup"] == sup)
        .collect()
}

/// Status messages of one id from one SUP.
pub fn status<'a>(lines: &'a [Value], sup: &str, id: u64) -> Vec<&'a Value> {
    of_sup(lines, "status_message", sup)
        .into_iter()
        .filter(|l| l["id"] == id)
        .collect()
}

/// The time of a line.
pub fn t(l: &Value) -> u64 {
    l["t"].as_u64().expect("t is an integer")
}

pub const MIN: u64 = 60_000;
pub const HOUR: u64 = 60 * MIN;
pub const DAY: u64 = 24 * HOUR;

/// A three-level hierarchy: CAS → P01 (with IBSUP) → S11, CAS → P02, P02 → S21 (no SUP).
pub const HIERARCHY: &str = r#"
    sites: [
        (code: "CAS", kind: Central, sup: "CAS-SUP"),
        (code: "P01", kind: Primary, parent: "CAS", sup: "P01-SUP", internet_sup: "P01-IB"),
        (code: "P02", kind: Primary, parent: "CAS", sup: "P02-SUP"),
        (code: "S11", kind: Secondary, parent: "P01", sup: "S11-SUP"),
        (code: "S21", kind: Secondary, parent: "P02"),
    ],
"#;

/// Builds a scenario from its parts.
pub fn scenario(end: &str, sites: &str, rest: &str) -> String {
    format!("Scenario(name: \"test\", end: \"{end}\", {sites} {rest})")
}

/// A number field of a line.
pub fn u(l: &Value, f: &str) -> u64 {
    l[f].as_u64().unwrap_or_else(|| panic!("{f} in {l}"))
}

/// Lines of one kind about one client.
pub fn of_client<'a>(lines: &'a [Value], k: &str, c: u64) -> Vec<&'a Value> {
    kind(lines, k)
        .into_iter()
        .filter(|l| l["client"] == c)
        .collect()
}

/// One primary with DPs, `n` clients, one 100 MB update synced at the start, a deployment
/// with the given fields, and extra scenario fields.
pub fn site(n: u32, deployment: &str, rest: &str) -> String {
    scenario(
        "12d",
        r#"sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
                    distribution_points: ["DP1", "DP2"])],"#,
        &format!(
            r#"clients: [(name: "pcs", site: "PR1", count: {n})],
               catalog: [(id: "KB1", size: "100MB")],
               deployments: [(id: "D1", updates: ["KB1"], target: [(group: "pcs")], {deployment})],
               {rest}"#
        ),
    )
}

/// 400 office desktops (08:00–17:00 UTC, switched on and off over 2 hours) with an all-day
/// window, from Monday 2026-12-07, and a deadline on Wednesday at 16:59, just before they go
/// home: some install and restart as they switch off. `head` goes first in the scenario
/// (`end` and, say, `profile`).
pub fn going_home(head: &str) -> String {
    format!(
        r#"Scenario(name: "going home", start: "2026-12-07T00:00:00Z", {head},
        sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
                 distribution_points: ["DP1"])],
        clients: [(name: "office", site: "PR1", count: 400,
            availability: Office(hours: "08:00-17:00", spread: "2h"),
            maintenance_windows: [
                (name: "all day", recurrence: Daily, start: "00:00", duration: "24h")])],
        catalog: [(id: "KB1", size: "100MB")],
        deployments: [(id: "D1", updates: ["KB1"], target: [(group: "office")],
                       created: "1d 9h", deadline: "2d 16h 59m")],
        settings: (max_run_time: "5m", user_early_install_share: 0))"#
    )
}

/// Gallery scenarios estimated beyond this many events are too large for a debug build (the
/// enterprise scenario: a million clients, minutes unoptimized, and a trace of tens of
/// gigabytes): `.ci/run` checks their committed summaries in release
/// (`cargo run --release --example gallery -- --check`), and `tests/enterprise.rs` verifies
/// the same hierarchy at a thousand clients. Every other gallery scenario runs here.
pub const DEBUG_GALLERY_EVENTS: u64 = 5_000_000;

/// The gallery's scenario files: those a debug test runs, and those beyond
/// [`DEBUG_GALLERY_EVENTS`].
pub fn gallery() -> (Vec<std::path::PathBuf>, Vec<std::path::PathBuf>) {
    let sample = cmsim::engine::SimDuration::from_mins(15);
    cmsim::scenario_files("scenarios".as_ref())
        .unwrap()
        .into_iter()
        .partition(|path| {
            let loaded = cmsim::load_file(path).unwrap_or_else(|e| panic!("{e}"));
            cmsim::estimate::estimate(&loaded.world, sample).events <= DEBUG_GALLERY_EVENTS
        })
}
