//! Library use: load a gallery scenario, vary one parameter, run each variant and compare
//! when the last site's database had the catalog.
//!
//! `cargo run --example retry_interval`

use cmsim::engine::SimTime;
use cmsim::scenario::Dur;
use cmsim::{RunOptions, load_file};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = load_file("scenarios/flaky-upstream.ron".as_ref())?;
    println!(
        "{} — sync_retry_interval against the time the last site was up to date\n",
        base.world.name
    );
    for minutes in [15, 30, 60, 120] {
        let mut world = base.world.clone();
        world.settings.sync_retry_interval = Dur::ms(minutes * 60_000);
        let summary = cmsim::run(
            &world,
            &RunOptions {
                quiet: true,
                ..RunOptions::default()
            },
        )?;
        let last = summary
            .updates
            .iter()
            .flat_map(|u| u.in_site_db_ms.values())
            .max()
            .copied();
        let failures: u32 = summary
            .sites
            .iter()
            .flat_map(|s| &s.sups)
            .map(|s| s.status_6703)
            .sum();
        let when = last.map_or("never".to_string(), |t| SimTime(t).to_string());
        println!(
            "  retry every {minutes:>3} min: {failures} failed syncs, all sites up to date at {when}"
        );
    }
    Ok(())
}
