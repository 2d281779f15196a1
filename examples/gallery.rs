//! Regenerates `results/` from the gallery: for every `scenarios/NAME.ron`, the run's
//! `report.html`, `summary.json`, `summary.txt`, `compliance.csv` (hourly), `machines.csv`,
//! `groups.csv` (hourly), `charts/` and the `complete` marker in `results/NAME/`. A test
//! (`tests/results.rs`) fails when a committed summary no longer matches what the code
//! produces.
//!
//! `cargo run --release --example gallery` regenerates; `… -- --check` writes nothing and
//! fails (exit 1) when a committed `summary.json` differs from what the code produces now:
//! `.ci/run` runs it in release for the scenarios a debug test cannot run in time (the
//! enterprise scenario's million clients).

use cmsim::engine::SimDuration;
use cmsim::{RunOptions, load_file};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => return Err(format!("unknown argument {other:?}: try --check").into()),
    };
    let paths = cmsim::scenario_files("scenarios".as_ref())?;
    let mut stale = Vec::new();
    for path in paths {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or("bad file name")?;
        let out = Path::new("results").join(name);
        let loaded = load_file(&path)?;
        if check {
            let quiet = RunOptions {
                quiet: true,
                ..RunOptions::default()
            };
            let summary = cmsim::run(&loaded.world, &quiet)?;
            let committed = std::fs::read_to_string(out.join("summary.json")).unwrap_or_default();
            let same = summary.to_json() == committed;
            println!(
                "{} {}",
                if same { "same " } else { "STALE" },
                path.display()
            );
            if !same {
                stale.push(name.to_string());
            }
            continue;
        }
        // Hourly samples keep the committed tables small; `force` replaces the previous
        // results (their `complete` marker first), leaving `summary.txt` to be rewritten.
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
    if !stale.is_empty() {
        return Err(format!(
            "results/ differs from the code for {}: regenerate with \
             `cargo run --release --example gallery` and review the diff",
            stale.join(", ")
        )
        .into());
    }
    Ok(())
}
