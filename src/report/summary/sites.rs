//! The synchronization part of the summary: sites, their software update points and when
//! each site database had each update (R01–R08).

use super::Metrics;
use crate::scenario::SiteKind;
use crate::world::{Upstream, World};
use serde::Serialize;
use std::collections::BTreeMap;

/// One site.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
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
    /// For an additional SUP: the active SUP whose WSUS database it shares (it does not
    /// sync; its sync figures stay 0).
    pub shares_database_of: Option<String>,
    /// Clients' online scans its WSUS served.
    pub scans_served: u64,
    /// Of which full scans (clients that moved to it).
    pub full_scans: u64,
    /// Most scans it served at once.
    pub scan_peak: u32,
    /// When that peak was first reached.
    pub scan_peak_at_ms: Option<u64>,
    /// Clients' scans that failed against its WSUS.
    pub scans_failed: u64,
    /// Of which because it was already serving `wsus_max_scans` scans.
    pub scans_overloaded: u64,
    /// Clients that moved from it to another SUP of their site after their last retry.
    pub clients_left: u64,
    /// Of which left without a retry (the client waits for its next scan cycle).
    pub scans_given_up: u64,
}

/// One update.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
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

pub(super) fn site(world: &World, m: &Metrics, i: usize) -> SiteSummary {
    let s = &world.sites[i];
    let sm = &m.sites[i];
    let sups = s
        .sup
        .iter()
        .chain(s.additional_sups.iter())
        .chain(s.internet_sup.iter());
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
        shares_database_of: s.shares.map(|a| world.sups[a.index()].name.clone()),
        scans_served: sm.scan_load.served,
        full_scans: sm.scan_load.full,
        scan_peak: sm.scan_load.peak,
        scan_peak_at_ms: sm.scan_load.peak_at.map(|t| t.ms()),
        scans_failed: sm.scans_failed,
        scans_overloaded: sm.scan_load.overloaded,
        clients_left: sm.clients_left,
        scans_given_up: sm.scans_given_up,
    }
}

pub(super) fn update(world: &World, m: &Metrics, i: usize) -> UpdateSummary {
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
