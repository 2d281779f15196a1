//! Shard tables → `sweep::merge`. The input is split into one to three tables at lines
//! holding only `%%`. Any result is fine; a panic or hang is not.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Split on `\n%%\n` as bytes: tables need not be UTF-8 (merge must say so).
    let mut tables: Vec<(String, Vec<u8>)> = Vec::new();
    let mut rest = data;
    while tables.len() < 2 {
        match rest.windows(4).position(|w| w == b"\n%%\n") {
            Some(at) => {
                tables.push((format!("shard-{}.csv", tables.len()), rest[..at].to_vec()));
                rest = &rest[at + 4..];
            }
            None => break,
        }
    }
    tables.push((format!("shard-{}.csv", tables.len()), rest.to_vec()));
    let _ = cmsim::sweep::merge(&tables);
});
