//! Figures gathered while a run goes: per software update point and per site, fed by facts
//! only, so that what reports say is what the trace shows.

use super::compliance::ComplianceMetrics;
use super::deployment::DeploymentMetrics;
use crate::engine::{Observer, SimDuration, SimTime};
use crate::model::{ExpiryReason, Fact, STATUS_SYNC_DONE, ScanFailure, SyncMode};
use crate::world::World;

/// Synchronization figures of one software update point.
#[derive(Clone, Debug, Default)]
pub struct SupMetrics {
    /// Attempts started as full syncs.
    pub full: u32,
    /// Attempts started as delta syncs.
    pub delta: u32,
    /// Of which retries.
    pub retries: u32,
    /// 6702 status messages.
    pub succeeded: u32,
    /// 6703 status messages.
    pub failed: u32,
    /// First 6702.
    pub first_success: Option<SimTime>,
    /// Last 6702.
    pub last_success: Option<SimTime>,
    /// Start of the attempt under way, for durations.
    started: Option<SimTime>,
    /// Longest successful attempt, start to 6702.
    pub longest: Option<crate::engine::SimDuration>,
    /// Every attempt: (start, end, succeeded), for the cascade chart.
    pub attempts: Vec<(SimTime, SimTime, bool)>,
    /// Clients' scans that failed against its WSUS (issue 12).
    pub scans_failed: u64,
    /// Of which left without a retry: the client waits for its next scan cycle.
    pub scans_given_up: u64,
    /// The scans its WSUS served over time.
    pub scan_load: super::scan_load::ScanLoad,
    /// Clients that moved away from it after their last retry failed.
    pub clients_left: u64,
}

/// Figures of one site's database.
#[derive(Clone, Debug, Default)]
pub struct SiteMetrics {
    /// Each time the site database grew: (when, updates held).
    pub growth: Vec<(SimTime, u32)>,
    /// Updates marked expired by scheduled syncs (R03).
    pub expired: u32,
    /// Migrated updates marked expired at the start (R07).
    pub migrated: u32,
    /// When migrated updates were reactivated, and how many (R07).
    pub reactivated: Option<(SimTime, u32)>,
}

/// Everything the summary reports, gathered from facts.
#[derive(Debug)]
pub struct Metrics<'w> {
    /// Per SUP, indexed like `World::sups`.
    pub sups: Vec<SupMetrics>,
    /// Per site, indexed like `World::sites`.
    pub sites: Vec<SiteMetrics>,
    /// ITMU catalog refreshes: (when, updates held) (R08).
    pub itmu: Vec<(SimTime, u32)>,
    /// Site index of each SUP.
    sup_site: Vec<usize>,
    /// Where a served scan sits on its WSUS.
    pub scan_steps: super::scan_load::ScanSteps,
    /// Compliance figures (R09–R15).
    pub compliance: ComplianceMetrics,
    /// Deployment figures (R16–R25).
    pub deployment: DeploymentMetrics,
    /// Per group, where the targeted machines stand (issue 11).
    pub machines: super::machines::MachineStates,
    /// Machine policy requests per management point (issue 12).
    pub policy: super::policy_load::PolicyLoad,
    world: &'w World,
}

impl<'w> Metrics<'w> {
    /// Empty figures for `world`, sampling the compliance time series every `sample_every`.
    pub fn new(world: &'w World, sample_every: SimDuration) -> Self {
        Metrics {
            sups: vec![SupMetrics::default(); world.sups.len()],
            sites: vec![SiteMetrics::default(); world.sites.len()],
            itmu: Vec::new(),
            sup_site: world.sups.iter().map(|s| s.site.index()).collect(),
            scan_steps: super::scan_load::ScanSteps::new(&world.settings, sample_every),
            compliance: ComplianceMetrics::new(world, sample_every),
            deployment: DeploymentMetrics::new(world, sample_every),
            machines: super::machines::MachineStates::new(world, sample_every),
            policy: super::policy_load::PolicyLoad::new(world, sample_every),
            world,
        }
    }

    /// When the site database first held update number `i` (release order).
    pub fn site_has(&self, site: usize, i: usize) -> Option<SimTime> {
        first_holding(&self.sites[site].growth, i)
    }

    /// When the ITMU catalog first held update number `i` (R08).
    pub fn itmu_has(&self, i: usize) -> Option<SimTime> {
        first_holding(&self.itmu, i)
    }
}

/// The first time a growing prefix count exceeded `i` (counts only grow, so a binary search).
fn first_holding(growth: &[(SimTime, u32)], i: usize) -> Option<SimTime> {
    let k = growth.partition_point(|&(_, n)| n as usize <= i);
    growth.get(k).map(|&(t, _)| t)
}

impl Observer<Fact> for Metrics<'_> {
    fn observe(&mut self, t: SimTime, fact: &Fact) {
        match *fact {
            Fact::SyncStart {
                sup, mode, attempt, ..
            } => {
                let m = &mut self.sups[sup.index()];
                match mode {
                    SyncMode::Full => m.full += 1,
                    SyncMode::Delta => m.delta += 1,
                }
                m.retries += u32::from(attempt > 1);
                m.started = Some(t);
            }
            Fact::StatusMessage { sup, id, .. } => {
                let m = &mut self.sups[sup.index()];
                if let Some(start) = m.started {
                    m.attempts.push((start, t, id == STATUS_SYNC_DONE));
                }
                if id == STATUS_SYNC_DONE {
                    m.succeeded += 1;
                    m.first_success.get_or_insert(t);
                    m.last_success = Some(t);
                    let took = m.started.map(|s| t - s);
                    m.longest = m.longest.max(took);
                } else {
                    m.failed += 1;
                }
            }
            Fact::SiteDbUpdated { sup, updates, new } if new > 0 => {
                let site = self.sup_site[sup.index()];
                self.sites[site].growth.push((t, updates));
            }
            Fact::UpdatesExpired {
                site,
                count,
                reason,
            } => {
                let s = &mut self.sites[site.index()];
                match reason {
                    ExpiryReason::Catalog => s.expired += count,
                    ExpiryReason::Migration => s.migrated += count,
                }
            }
            Fact::UpdatesReactivated { site, count } => {
                self.sites[site.index()].reactivated = Some((t, count));
            }
            Fact::ItmuCatalogRefreshed { updates, .. } => self.itmu.push((t, updates)),
            Fact::ScanFailed {
                sup,
                retry_at,
                cause,
                ..
            } => {
                let s = &mut self.sups[sup.index()];
                s.scans_failed += 1;
                s.scans_given_up += u64::from(retry_at.is_none());
                s.scan_load.overloaded += u64::from(cause == ScanFailure::Overloaded);
            }
            Fact::ScanStart {
                sup: Some(sup),
                full,
                served: true,
                ..
            } => self.sups[sup.index()]
                .scan_load
                .served(&self.scan_steps, t, full),
            Fact::SupSwitched { from, .. } => self.sups[from.index()].clients_left += 1,
            Fact::SiteDbUpdated { .. }
            | Fact::WsusSyncDone { .. }
            | Fact::SyncRetryScheduled { .. }
            | Fact::SyncRequest { .. } => {}
            _ => {
                self.compliance.observe(t, fact);
                self.deployment.observe(self.world, t, fact);
                self.machines.observe(self.world, t, fact);
                self.policy.observe(t, fact);
            }
        }
    }

    /// The figures come from facts that are not detail (`Fact::is_detail`).
    fn wants_detail(&self) -> bool {
        false
    }
}

/// Bytes the figures hold per (site, update), for the run's memory estimate: the database and
/// true tallies, required reasons, end states and coverage of [`ComplianceMetrics`], and the
/// model's two end-of-run tallies (16 bytes each).
pub fn bytes_per_site_update() -> u64 {
    use super::compliance::Coverage;
    (2 * size_of::<[i64; 4]>() + 2 * size_of::<[u32; 4]>() + size_of::<Coverage>() + 2 * 16) as u64
}

/// Bytes of coverage per (client group, update).
pub fn bytes_per_group_update() -> u64 {
    size_of::<super::compliance::Coverage>() as u64
}

/// Bytes of one kept row of a time series (compliance or machines; the groups' rows are
/// written as they are taken, not kept).
pub fn bytes_per_sample_row() -> u64 {
    size_of::<super::compliance::Sample>().max(size_of::<super::deployment::MachineSample>()) as u64
}
