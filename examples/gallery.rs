//! Regenerates `results/` from the gallery: for every `scenarios/NAME.ron`, the run's
//! `results/NAME/summary.json` and `results/NAME/summary.txt`. A test (`tests/results.rs`)
//! fails when a committed summary no longer matches what the code produces.
//!
//! `cargo run --release --example gallery`

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
        let opts = RunOptions {
            out: Some(out.clone()),
            quiet: true,
            ..RunOptions::default()
        };
        let summary = cmsim::run(&loaded.world, &opts)?;
        std::fs::write(
            out.join("summary.txt"),
            cmsim::report::text::render(&summary),
        )?;
        println!("{} → {}", path.display(), out.display());
    }
    Ok(())
}
