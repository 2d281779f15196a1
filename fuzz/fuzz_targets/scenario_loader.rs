//! Scenario text → `load_str` (parse, check, build the world) → `describe`. Any result is
//! fine except a panic, a hang or unbounded memory; an error must name the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The binary refuses non-UTF-8 files before parsing; the fuzzer still feeds the parser
    // the lossy text so that mutated bytes reach it.
    let src = String::from_utf8_lossy(data);
    match cmsim::load_str("fuzz.ron", &src) {
        Ok(loaded) => {
            let _ = cmsim::report::describe(&loaded);
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
