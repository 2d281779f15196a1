//! The small text parsers: durations, sizes, `--until`, `--sample`, `--trace-clients`,
//! `--shard`, and a setting's value (`NAME=VALUE` on the first line picks the setting).
#![no_main]

use cmsim::engine::SimDuration;
use cmsim::scenario::{Bytes, Settings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(d) = SimDuration::parse(s) {
        // What parses prints and parses back to the same value.
        let shown = cmsim::scenario::Dur(d).to_string();
        assert_eq!(
            SimDuration::parse(&shown),
            Ok(d),
            "{s:?} shown as {shown:?}"
        );
    }
    let _ = Bytes::parse(s);
    let _ = cmsim::run::parse_until(s);
    let _ = cmsim::run::parse_sample(s);
    if let Ok(r) = cmsim::run::parse_client_range(s) {
        assert!(r.start < r.end);
    }
    if let Ok(shard) = cmsim::sweep::Shard::parse(s) {
        assert!(shard.index < shard.count);
    }
    let (name, value) = s.split_once('=').unwrap_or(("sync_retry_interval", s));
    let _ = Settings::default().set(name, value);
});
