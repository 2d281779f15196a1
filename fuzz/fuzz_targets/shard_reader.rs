//! Shard tables → `sweep::merge`. The input is split into one to three tables at lines
//! holding only `%%`. Any result is fine; a panic or hang is not.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let tables: Vec<(String, String)> = text
        .split("\n%%\n")
        .take(3)
        .enumerate()
        .map(|(i, t)| (format!("shard-{i}.csv"), t.to_string()))
        .collect();
    let _ = cmsim::sweep::merge(&tables);
});
