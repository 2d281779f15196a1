//! The whole model: the enterprise scenario (every feature on, 14 days; see
//! `examples/enterprise.rs`) generated in-process at 10,000 and 100,000 clients, loaded, and
//! run as `cmsim run -q` runs it (metrics and summary, no trace, no output files). Loading is
//! outside the measurement. Run: `cargo bench --bench model` (about 4 minutes on 2 cores; one
//! size: `cargo bench --bench model -- 10k`).
//!
//! The 1,000,000-client figure is one run, too long for repeated samples:
//!
//! ```text
//! cargo build --release
//! /usr/bin/time -v target/release/cmsim run scenarios/enterprise-1m.ron -q
//! ```

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use std::time::Duration;

/// The generator of `scenarios/scale/enterprise-*.ron`, whose `main` the bench does not use.
#[allow(dead_code)]
#[path = "../examples/enterprise.rs"]
mod enterprise;

fn model(c: &mut Criterion) {
    let mut g = c.benchmark_group("enterprise");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    for (name, clients) in [("10k", 10_000), ("100k", 100_000)] {
        let text = enterprise::scenario(clients);
        let world = cmsim::load_str(&format!("enterprise-{name}.ron"), &text)
            .unwrap_or_else(|e| panic!("{e}"))
            .world;
        let opts = cmsim::RunOptions {
            quiet: true,
            ..cmsim::RunOptions::default()
        };
        let mut events = 0;
        g.bench_function(format!("{name}_clients"), |b| {
            b.iter(|| {
                let summary = cmsim::run(&world, &opts).expect("the enterprise scenario runs");
                events = summary.events;
            });
        });
        println!("enterprise/{name}_clients: {events} events per run\n");
    }
    g.finish();
}

criterion_group!(benches, model);
criterion_main!(benches);
