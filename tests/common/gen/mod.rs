//! Random valid scenarios for the property tests (`tests/properties.rs`).
//!
//! Proptest generates a [`Gen`] (plain numbers, flags, vectors and `Index`es into other
//! vectors) and [`Gen::ron`] renders it as scenario text. Every rule the loader enforces is
//! kept by the rendering, not by filtering, so every generated value is a scenario and
//! shrinking (fewer sites, groups, updates, deployments, actions and faults; earlier times;
//! default settings) stays meaningful: cross references are indexes taken modulo the length
//! of what is left, and whatever would become invalid is dropped or clamped while rendering.
//!
//! Site trees: a standalone primary (with or without secondaries) or a central site with
//! primaries and secondaries below them, so 1–3 site levels; counting Internet-based SUPs,
//! which sync from their site's SUP, the SUP tree has 1–4 levels.
//!
//! Maintenance windows (issue 11): most groups have none, the others one or two of every
//! recurrence, mostly short (so an update's maximum run time sometimes never fits them);
//! updates may carry their own `max_run_time`, deployments may allow installs or restarts
//! outside windows past their deadline, and the settings may change the default maximum
//! run time, add a forced-restart countdown (with its final warning) and randomize the
//! deadlines (R25), so a client's activation may fall inside, before or after its windows.
//!
//! One module per part of a scenario, each with its generated values, their strategy and
//! their rendering: `sites` (the hierarchy and its servers), `clients` (groups) with
//! `windows` (their maintenance windows), `catalog` (updates), `deployments` (with the
//! operator's actions), `faults` and `settings`. This file holds the whole [`Gen`], the
//! shared units and [`Gen::ron`].
#![allow(dead_code)]

mod adr;
mod catalog;
mod clients;
mod deployments;
mod faults;
mod settings;
mod sites;
mod windows;

pub use catalog::GenUpdate;
pub use clients::GenGroup;
pub use deployments::{GenAction, GenDeployment};
pub use faults::GenFault;
pub use settings::GenSettings;
pub use sites::GenTree;

use catalog::update;
use clients::group;
use deployments::{action, deployment};
use faults::fault;
use proptest::collection::vec;
use proptest::prelude::*;
use settings::settings;
use sites::tree;
use std::fmt::Write;

const MIN: u32 = 1;
const HOUR: u32 = 60 * MIN;
const DAY: u32 = 24 * HOUR;

/// A whole generated scenario. Its `Debug` is the scenario text, so proptest's "minimal
/// failing input" is a scenario file.
#[derive(Clone)]
pub struct Gen {
    pub seed: u64,
    /// Run length in minutes.
    pub end: u32,
    pub tree: GenTree,
    pub groups: Vec<GenGroup>,
    pub catalog: Vec<GenUpdate>,
    pub deployments: Vec<GenDeployment>,
    pub actions: Vec<GenAction>,
    pub faults: Vec<GenFault>,
    pub settings: GenSettings,
    /// An automatic deployment rule, sometimes.
    pub adr: Option<adr::GenAdr>,
}

impl std::fmt::Debug for Gen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\n{}", self.ron())
    }
}

/// Random valid scenarios: 1–21 days, up to 5 groups of up to 80 clients (with up to 2
/// maintenance windows each), up to 8 updates, 4 deployments, 5 actions and 4 faults.
pub fn scenario() -> impl Strategy<Value = Gen> {
    (
        any::<u64>(),
        prop_oneof![1 => dur(DAY, 3 * DAY), 2 => dur(3 * DAY, 21 * DAY)],
        tree(),
        vec(group(), 0..=5),
        vec(update(), 1..=8),
        vec(deployment(), 0..=4),
        vec(action(), 0..=5),
        vec(fault(), 0..=4),
        settings(),
        prop::option::weighted(0.25, adr::adr()),
    )
        .prop_map(
            |(seed, end, tree, groups, catalog, deployments, actions, faults, settings, adr)| Gen {
                seed,
                end,
                tree,
                groups,
                catalog,
                deployments,
                actions,
                faults,
                settings,
                adr,
            },
        )
}

// ---------------------------------------------------------------------------------------
// Shared units

/// A point in the run, in thousandths of its length (so it shrinks towards the start and
/// stays within the run whatever its length).
fn time() -> impl Strategy<Value = u16> {
    0..=1000u16
}

/// A duration from `lo` to `hi` minutes.
fn dur(lo: u32, hi: u32) -> impl Strategy<Value = u32> {
    lo..=hi
}

fn share() -> impl Strategy<Value = u16> {
    prop_oneof![Just(0u16), Just(1000u16), 0..=1000u16]
}

/// A duration in minutes as scenario text: `"1d 2h 3m"`, `"0"`.
pub fn d(minutes: u32) -> String {
    if minutes == 0 {
        return "0".into();
    }
    let mut parts = Vec::new();
    let (days, hours, mins) = (minutes / DAY, minutes % DAY / HOUR, minutes % HOUR);
    if days > 0 {
        parts.push(format!("{days}d"));
    }
    if hours > 0 {
        parts.push(format!("{hours}h"));
    }
    if mins > 0 {
        parts.push(format!("{mins}m"));
    }
    parts.join(" ")
}

/// Thousandths as a share: `0.25`.
fn s(permille: u16) -> String {
    format!("{:.3}", f64::from(permille.min(1000)) / 1000.0)
}

impl Gen {
    /// The run's length in minutes (at least 1).
    fn length(&self) -> u32 {
        self.end.max(1)
    }

    /// A point in the run given in thousandths of it, in minutes.
    fn at(&self, t: u16) -> u32 {
        (u64::from(self.length()) * u64::from(t.min(1000)) / 1000) as u32
    }

    /// The scenario as RON text; always valid.
    pub fn ron(&self) -> String {
        let sites = self.sites();
        let mut o = String::new();
        writeln!(o, "Scenario(").unwrap();
        writeln!(o, "    name: \"generated\",").unwrap();
        writeln!(o, "    seed: {},", self.seed).unwrap();
        // A Monday: office days and time zones follow the calendar.
        writeln!(o, "    start: \"2026-12-07T00:00:00Z\",").unwrap();
        writeln!(o, "    end: \"{}\",", d(self.length())).unwrap();
        sites::write_sites(&mut o, &sites);
        let catalog = self.write_catalog(&mut o);
        let groups = self.write_clients(&mut o, &sites, &catalog.ids);
        let deployed = self.write_deployments(&mut o, &sites, &groups, &catalog);
        self.write_adr(&mut o, &sites, &groups);
        self.write_actions(&mut o, &deployed);
        self.write_faults(&mut o, &sites, &deployed.packages);
        self.settings.write(&mut o);
        writeln!(o, ")").unwrap();
        o
    }
}
