//! The run summary: what `cmsim run` prints and what `--out DIR` writes as `summary.json`.
//! Its JSON field names are a public format (README, "summary.json"): add fields, never
//! rename or drop them. Times are milliseconds since the start (`*_ms`).

use crate::engine::RunStats;
use crate::observe::Metrics;
use crate::scenario::SiteKind;
use crate::world::{Upstream, World};
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the summary format.
pub const FORMAT: u32 = 1;

/// A whole run's summary.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Summary format version.
    pub format: u32,
    /// Scenario name.
    pub scenario: String,
    /// Seed used.
    pub seed: u64,
    /// End of the run.
    pub end_ms: u64,
    /// Events processed.
    pub events: u64,
    /// Clients in the scenario.
    pub clients: u64,
    /// Per site, in scenario order.
    pub sites: Vec<SiteSummary>,
    /// Per update, in release order.
    pub updates: Vec<UpdateSummary>,
    /// ITMU catalog refreshes for SMS 2003 clients (R08).
    pub itmu_refreshes_ms: Vec<u64>,
}

/// One site.
#[derive(Clone, Debug, Serialize)]
pub struct SiteSummary {
    /// Site code.
    pub code: String,
    /// Central, Primary or Secondary.
    pub kind: SiteKind,
    /// Parent site code.
    pub parent: Option<String>,
    /// Its software update points.
    pub sups: Vec<SupSummary>,
    /// For a site without a software update point: the site whose SUP serves its clients.
    pub served_by: Option<String>,
    /// Updates in the site database at the end.
    pub updates_in_db: u32,
    /// Updates marked expired by scheduled syncs (R03).
    pub expired_by_sync: u32,
    /// Migrated SMS 2003 updates marked expired at the start (R07).
    pub migrated_expired: u32,
    /// When migrated updates were reactivated by a sync (R07).
    pub migrated_reactivated_ms: Option<u64>,
}

/// One software update point.
#[derive(Clone, Debug, Serialize)]
pub struct SupSummary {
    /// Server name.
    pub name: String,
    /// Internet-based.
    pub internet: bool,
    /// `microsoft_update` or the upstream server's name.
    pub upstream: String,
    /// Full sync attempts.
    pub full_syncs: u32,
    /// Delta sync attempts.
    pub delta_syncs: u32,
    /// Attempts that were retries (R06).
    pub retries: u32,
    /// Status messages 6702.
    pub status_6702: u32,
    /// Status messages 6703.
    pub status_6703: u32,
    /// First 6702.
    pub first_6702_ms: Option<u64>,
    /// Last 6702.
    pub last_6702_ms: Option<u64>,
    /// Longest successful attempt, start to 6702.
    pub longest_sync_ms: Option<u64>,
}

/// One update.
#[derive(Clone, Debug, Serialize)]
pub struct UpdateSummary {
    /// Catalog id.
    pub id: String,
    /// Release time.
    pub released_ms: u64,
    /// When each site's database first held it, by site code (absent: never).
    pub in_site_db_ms: BTreeMap<String, u64>,
    /// When the ITMU catalog first held it (R08).
    pub in_itmu_catalog_ms: Option<u64>,
}

impl Summary {
    /// Builds the summary of a finished run.
    pub fn new(world: &World, metrics: &Metrics, stats: &RunStats) -> Summary {
        Summary {
            format: FORMAT,
            scenario: world.name.clone(),
            seed: world.seed,
            end_ms: stats.end.ms(),
            events: stats.events,
            clients: world.clients(),
            sites: (0..world.sites.len())
                .map(|i| site(world, metrics, i))
                .collect(),
            updates: (0..world.updates.len())
                .map(|i| update(world, metrics, i))
                .collect(),
            itmu_refreshes_ms: metrics.itmu.iter().map(|(t, _)| t.ms()).collect(),
        }
    }

    /// Pretty JSON, newline-terminated.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("summary serializes");
        s.push('\n');
        s
    }
}

fn site(world: &World, m: &Metrics, i: usize) -> SiteSummary {
    let s = &world.sites[i];
    let sm = &m.sites[i];
    let sups = s.sup.iter().chain(s.internet_sup.iter());
    SiteSummary {
        code: s.code.clone(),
        kind: s.kind,
        parent: s.parent.map(|p| world.sites[p.index()].code.clone()),
        sups: sups.map(|&id| sup(world, m, id.index())).collect(),
        served_by: served_by(world, i),
        updates_in_db: sm.growth.last().map_or(0, |&(_, n)| n),
        expired_by_sync: sm.expired,
        migrated_expired: sm.migrated,
        migrated_reactivated_ms: sm.reactivated.map(|(t, _)| t.ms()),
    }
}

/// The nearest ancestor with a software update point, for a site that has none.
fn served_by(world: &World, i: usize) -> Option<String> {
    let site = crate::world::SiteId(i as u16);
    match world.nearest(site, |s| s.sup.is_some()) {
        Some(by) if by != site => Some(world.sites[by.index()].code.clone()),
        _ => None,
    }
}

fn sup(world: &World, m: &Metrics, i: usize) -> SupSummary {
    let s = &world.sups[i];
    let sm = &m.sups[i];
    SupSummary {
        name: s.name.clone(),
        internet: s.internet,
        upstream: match s.upstream {
            Upstream::MicrosoftUpdate => "microsoft_update".into(),
            Upstream::Sup(u) => world.sups[u.index()].name.clone(),
        },
        full_syncs: sm.full,
        delta_syncs: sm.delta,
        retries: sm.retries,
        status_6702: sm.succeeded,
        status_6703: sm.failed,
        first_6702_ms: sm.first_success.map(|t| t.ms()),
        last_6702_ms: sm.last_success.map(|t| t.ms()),
        longest_sync_ms: sm.longest.map(|d| d.ms()),
    }
}

fn update(world: &World, m: &Metrics, i: usize) -> UpdateSummary {
    UpdateSummary {
        id: world.updates[i].id.clone(),
        released_ms: world.updates[i].released.ms(),
        in_site_db_ms: world
            .sites
            .iter()
            .enumerate()
            .filter_map(|(s, site)| m.site_has(s, i).map(|t| (site.code.clone(), t.ms())))
            .collect(),
        in_itmu_catalog_ms: m.itmu_has(i).map(|t| t.ms()),
    }
}
