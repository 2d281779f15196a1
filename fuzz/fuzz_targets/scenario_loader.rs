//! Scenario text → `load_str` (parse, check, build the world) → `describe`; a small world
//! (a few clients and updates, a week at most, no timer under a minute) is also run and its
//! trace verified. Any result is fine except a panic, a hang or unbounded memory; an error
//! must name the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Small enough to simulate within the fuzzer's time limit.
fn small(l: &cmsim::Loaded) -> bool {
    let w = &l.world;
    let timers_ok = l
        .scenario
        .settings
        .durations()
        .iter()
        .filter(|(name, _)| name.ends_with("_interval") || *name == "scan_window")
        .all(|(_, d)| d.0.ms() >= 60_000);
    w.clients() <= 10
        && w.updates.len() <= 8
        && w.deployments.len() <= 4
        && w.end.ms() <= 7 * 86_400_000
        && timers_ok
}

fuzz_target!(|data: &[u8]| {
    // The binary refuses non-UTF-8 files before parsing; the fuzzer still feeds the parser
    // the lossy text so that mutated bytes reach it.
    let src = String::from_utf8_lossy(data);
    match cmsim::load_str("fuzz.ron", &src) {
        Ok(loaded) => {
            let _ = cmsim::report::describe(&loaded);
            if small(&loaded) {
                let trace = cmsim::trace_to_string(&loaded.world);
                let _ = cmsim::rules::verify_str(&trace, Some(&loaded.scenario));
            }
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("fuzz.ron"),
                "error without the file name: {msg}"
            );
        }
    }
});
