//! Trace text → `rules::trace::read` → `rules::verify`, without a scenario and with the
//! lab scenario's settings. Any verdict is fine; a panic or hang is not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn lab() -> &'static cmsim::scenario::Scenario {
    static LAB: OnceLock<cmsim::scenario::Scenario> = OnceLock::new();
    LAB.get_or_init(|| {
        let src = include_str!("../../scenarios/lab.ron");
        cmsim::load::parse("lab.ron", src).expect("the lab scenario loads")
    })
}

fuzz_target!(|data: &[u8]| {
    match cmsim::rules::trace::read("fuzz.jsonl", data, 1 << 30) {
        Ok(lines) => {
            let _ = cmsim::rules::verify(&lines, None).render();
            let _ = cmsim::rules::verify(&lines, Some(lab())).render();
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("fuzz.jsonl:"),
                "error without the file name: {msg}"
            );
        }
    }
});
