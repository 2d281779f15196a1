//! Regenerates `results/` from the gallery: for every `scenarios/NAME.ron`, the run's
//! `report.html`, `summary.json`, `summary.txt`, `compliance.csv` (hourly), `machines.csv`, `charts/` and the
//! `complete` marker in `results/NAME/`. A test (`tests/results.rs`)
//! fails when a committed summary no longer matches what the code produces.
//!
//! `cargo run --release --example gallery`

use cmsim::engine::SimDuration;
use cmsim::{RunOptions, load_file};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths = cmsim::scenario_files("scenarios".as_ref())?;
    for path in paths {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or("bad file name")?;
        let out = Path::new("results").join(name);
        let loaded = load_file(&path)?;
        // Hourly samples keep the committed compliance.csv files small; `force` replaces the
        // previous results (their `complete` marker first), leaving `summary.txt` to be rewritten.
        let opts = RunOptions {
            out: Some(out.clone()),
            force: true,
            quiet: true,
            sample: Some(SimDuration::from_hours(1)),
            source: Some(std::sync::Arc::new(cmsim::report::html::Source {
                file: path.display().to_string(),
                text: loaded.source.clone(),
                end_ms: loaded.world.end.ms(),
            })),
            ..RunOptions::default()
        };
        let summary = cmsim::run(&loaded.world, &opts)?;
        std::fs::write(
            out.join("summary.txt"),
            cmsim::report::text::render(&summary, Default::default()),
        )?;
        println!("{} → {}", path.display(), out.display());
    }
    Ok(())
}
