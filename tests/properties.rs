//! Property tests on random valid scenarios (`common/gen/`): site trees of 1–3 site levels
//! (1–4 SUP levels counting Internet-based SUPs), faults, catalogs with supersedence and
//! releases during deployments, deadline changes, groups in five time zones and client-local
//! deadlines (R25) on a calendar start, maintenance windows (per-update maximum run times,
//! installs and restarts outside windows past the deadline, forced-restart countdowns,
//! deadline randomization).
//! For every generated scenario:
//! (1) it loads; (2) the model runs without panicking and its trace keeps the trace format's
//! invariants; (3) `cmsim verify` finds no violation; (4) a second run gives the same bytes.
//!
//! Reproducible: a fixed seed and a fixed number of cases, no regression files. To explore,
//! `CMSIM_PROP_SEED=<n>` and `CMSIM_PROP_CASES=<n>` override both (printed on failure). A
//! failure shows the minimal scenario found as scenario text (`Gen`'s `Debug`).
//!
//! `cargo test --test properties survey -- --ignored --nocapture` runs property (3) over many
//! cases without stopping and prints, for each kind of violation, how often it came up and a
//! shrunk scenario that shows it, and how often each rule was exercised.

#[path = "common/gen/mod.rs"]
mod scenario_gen;

use cmsim::rules::VerifyReport;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use scenario_gen::Gen;
use serde_json::Value;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Seed of the case generator when `CMSIM_PROP_SEED` is unset.
const SEED: u64 = 0x00C0_FFEE_5CC3;
/// Cases per property when `CMSIM_PROP_CASES` is unset.
const CASES: u32 = 64;

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v}: expected a number")),
        Err(_) => default,
    }
}

fn config() -> Config {
    let seed = env("CMSIM_PROP_SEED", SEED);
    let cases = env("CMSIM_PROP_CASES", CASES);
    eprintln!("CMSIM_PROP_SEED={seed} CMSIM_PROP_CASES={cases}");
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        max_shrink_iters: 4096,
        max_shrink_time: 120_000, // ms
        ..Config::default()
    }
}

/// Loads the generated scenario; a rejection is a bug in the generator (or in the loader).
fn load(g: &Gen) -> Result<cmsim::Loaded, TestCaseError> {
    cmsim::load_str("generated.ron", &g.ron()).map_err(|e| {
        TestCaseError::fail(format!(
            "the generated scenario does not load (a generator or loader bug):\n{e}"
        ))
    })
}

/// Runs the model and returns its trace; a panic becomes a failure.
fn run(loaded: &cmsim::Loaded) -> Result<String, TestCaseError> {
    catch_unwind(AssertUnwindSafe(|| cmsim::trace_to_string(&loaded.world))).map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        TestCaseError::fail(format!("the model panicked: {msg}"))
    })
}

/// The trace format's invariants: JSON lines with a time and a kind, `trace_start` first with
/// the scenario's seed and client count, times never going back nor past the end, client ids
/// in range, and `run_end` last with the end time and the number of lines before it.
fn trace_invariants(trace: &str, loaded: &cmsim::Loaded) -> Result<(), String> {
    let end = loaded.world.end.ms();
    let clients = loaded.world.clients();
    let lines: Vec<&str> = trace.lines().collect();
    let (mut last, mut n) = (0, 0);
    for (i, text) in lines.iter().enumerate() {
        let at = |what: &str| format!("trace line {}: {what}: {text}", i + 1);
        let l: Value = serde_json::from_str(text).map_err(|e| at(&e.to_string()))?;
        let t = l["t"].as_u64().ok_or_else(|| at("no integer `t`"))?;
        let kind = l["kind"].as_str().ok_or_else(|| at("no `kind`"))?;
        if t < last || t > end {
            return Err(at(&format!("time goes back or past the end {end}")));
        }
        last = t;
        if l["client"].as_u64().is_some_and(|c| c >= clients) {
            return Err(at("no such client"));
        }
        let problem = match (i, kind) {
            (0, "trace_start") if l["seed"] != loaded.world.seed || l["clients"] != clients => {
                Some("seed or client count differ from the scenario's".to_string())
            }
            (0, "trace_start") => None,
            (0, _) => Some("the first line is not trace_start".into()),
            (_, "trace_start") => Some("a second trace_start".into()),
            (_, "run_end") if i + 1 < lines.len() => Some("run_end before the last line".into()),
            (_, "run_end") if l["end"] != end || l["lines"] != n => {
                Some(format!("expected end {end} and {n} lines before it"))
            }
            _ => None,
        };
        if let Some(p) = problem {
            return Err(at(&p));
        }
        n += 1;
    }
    match lines.last() {
        Some(l) if l.contains(r#""kind":"run_end""#) => Ok(()),
        _ => Err("the trace does not end with run_end".into()),
    }
}

/// The violations of a report, at most `max` per rule.
fn violations(report: &VerifyReport, max: usize) -> String {
    let mut out = String::new();
    for o in report.outcomes.iter().filter(|o| !o.violations.is_empty()) {
        for v in o.violations.iter().take(max) {
            out.push_str(&format!("{}: {v}\n", o.id));
        }
        if o.violations.len() > max {
            out.push_str(&format!(
                "{}: … and {} more\n",
                o.id,
                o.violations.len() - max
            ));
        }
    }
    out
}

/// Loads, runs and verifies; `Err` when it does not load or the model panics.
fn verify(g: &Gen) -> Result<VerifyReport, TestCaseError> {
    let loaded = load(g)?;
    let trace = run(&loaded)?;
    cmsim::rules::verify_str(&trace, Some(&loaded.scenario))
        .map_err(|e| TestCaseError::fail(format!("the trace does not parse: {e}")))
}

proptest! {
    #![proptest_config(config())]

    /// (1) it loads, (2) runs without panicking to a trace that keeps the format's
    /// invariants, and (4) runs to a byte-identical trace a second time.
    #[test]
    fn generated_scenarios_load_run_and_repeat(g in scenario_gen::scenario()) {
        let loaded = load(&g)?;
        let first = run(&loaded)?;
        trace_invariants(&first, &loaded).map_err(TestCaseError::fail)?;
        let again = load(&g)?;
        let second = run(&again)?;
        if first != second {
            let line = first.lines().zip(second.lines()).position(|(a, b)| a != b);
            return Err(TestCaseError::fail(format!(
                "two runs differ (first at line {:?})",
                line.map(|i| i + 1)
            )));
        }
    }

    /// (3) the trace passes `cmsim verify` with the scenario's parameters.
    #[test]
    fn generated_scenarios_pass_verify(g in scenario_gen::scenario()) {
        let report = verify(&g)?;
        if report.violated() {
            return Err(TestCaseError::fail(format!(
                "verify reports violations:\n{}",
                violations(&report, 3)
            )));
        }
    }
}

/// A violation without its line, times, numbers and server names, e.g. `R19 a retry after
/// the client gave up`: what the survey counts and shrinks separately. A number of any
/// length becomes one `#`, so that 999 ms and 1000 ms are the same kind.
fn kind_of(id: &str, violation: &str) -> String {
    let text = violation.split_once("): ").map_or(violation, |(_, t)| t);
    let words: Vec<String> = text
        .split(' ')
        .map(|w| {
            if w.contains('-') && w.chars().any(|c| c.is_ascii_uppercase()) {
                "<server>".to_string()
            } else {
                let mut out = String::new();
                for c in w.chars() {
                    if !c.is_ascii_digit() {
                        out.push(c);
                    } else if !out.ends_with('#') {
                        out.push('#');
                    }
                }
                out
            }
        })
        .collect();
    format!("{id} {}", words.join(" "))
}

/// The kinds of violation (`kind_of`) in a report, each with its first violation.
fn violation_kinds(report: &VerifyReport) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for o in &report.outcomes {
        for v in &o.violations {
            let kind = kind_of(o.id, v);
            if !out.iter().any(|(k, _)| *k == kind) {
                out.push((kind, format!("{}: {v}", o.id)));
            }
        }
    }
    out
}

/// Not a test: a survey of property (3) for people (see the top of the file). Runs
/// `CMSIM_PROP_CASES` cases (default 300); shrinks the first case of each kind of violation
/// with proptest's own shrinking loop, keeping the violation of that kind.
#[test]
#[ignore]
fn survey_verify_failures() {
    use proptest::strategy::ValueTree;
    use std::collections::BTreeMap;
    let mut cfg = config();
    cfg.cases = env("CMSIM_PROP_CASES", 300);
    let mut runner = proptest::test_runner::TestRunner::new(cfg.clone());
    let strategy = scenario_gen::scenario();
    let mut first = BTreeMap::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut exercised: BTreeMap<&str, usize> = BTreeMap::new();
    for _ in 0..cfg.cases {
        let tree = strategy.new_tree(&mut runner).expect("a scenario");
        let report =
            verify(&tree.current()).unwrap_or_else(|e| panic!("{e}\n{:?}", tree.current()));
        for o in &report.outcomes {
            *exercised.entry(o.id).or_default() += usize::from(o.checked > 0);
        }
        let mut new = None;
        for (kind, _) in violation_kinds(&report) {
            *counts.entry(kind.clone()).or_default() += 1;
            if new.is_none() && !first.contains_key(&kind) {
                new = Some(kind);
            }
        }
        if let Some(kind) = new {
            first.insert(kind, tree);
        }
    }
    println!(
        "{} cases; cases in which each rule was checked: {exercised:?}",
        cfg.cases
    );
    println!("cases with each kind of violation:");
    for (kind, n) in &counts {
        println!("{n:>5}  {kind}");
    }
    let kinds = |g: &Gen| {
        let report = verify(g).unwrap_or_else(|e| panic!("{e}\n{g:?}"));
        violation_kinds(&report)
    };
    for (kind, mut tree) in first {
        let fails = |g: &Gen| kinds(g).iter().any(|(k, _)| *k == kind);
        let mut g = tree.current();
        let mut steps = 0;
        if tree.simplify() {
            while steps < 3000 {
                steps += 1;
                let current = tree.current();
                let more = if fails(&current) {
                    g = current;
                    tree.simplify()
                } else {
                    tree.complicate()
                };
                if !more {
                    break;
                }
            }
        }
        println!("\n===== {kind} (shrunk in {steps} steps)");
        for (_, v) in kinds(&g) {
            println!("{v}");
        }
        println!("{}", g.ron());
    }
}
