//! The run summary: what `cmsim run` prints and what `--out DIR` writes as `summary.json`.
//! Its JSON field names are a public format (docs/summary.md): add fields, never
//! rename or drop them. Times are milliseconds since the start (`*_ms`).

use crate::engine::RunStats;
use crate::observe::Metrics;
use crate::observe::backlog::percentile;
use crate::observe::compliance::{ComplianceMetrics, Marks};
use crate::observe::deployment::DeploymentMetrics;
use crate::observe::policy_load::PolicyLoad;
use crate::scenario::SiteKind;
use crate::world::{Upstream, World};
use serde::Serialize;
use std::collections::BTreeMap;

mod adr;
mod dates;
mod deployment;
pub mod machines;
mod phases;
mod policy;
pub mod schema;
pub mod view;
pub use adr::AdrRunReport;
use deployment::deployment;
pub use deployment::{
    DeploymentReport, DeploymentSummary, DpSummary, GaveUp, MachineCompliance, Notifications,
};
pub use phases::PhaseReport;
pub use policy::PolicySummary;

/// Version of the summary format.
pub const FORMAT: u32 = 1;

/// A whole run's summary.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// Summary format version.
    pub format: u32,
    /// Scenario name.
    pub scenario: String,
    /// Seed used.
    pub seed: u64,
    /// The site database the curve and the compliance chart show (`--view SITE`); absent,
    /// the view from the top.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view: Option<view::View>,
    /// The run's calendar, for dates in reports (not serialized: `start` says it).
    #[serde(skip)]
    pub calendar: Option<crate::engine::calendar::Calendar>,
    /// Calendar start of the run with its zone (RFC 9557,
    /// `2026-12-08T17:00:00+01:00[Europe/Berlin]`), when the scenario gives one.
    pub start: Option<String>,
    /// End of the run.
    pub end_ms: u64,
    /// Events processed.
    pub events: u64,
    /// Clients in the scenario.
    pub clients: u64,
    /// The headline: when the targeted machines were compliant, and per group where they
    /// stand at the end.
    pub machines: machines::MachinesSummary,
    /// Per site, in scenario order.
    pub sites: Vec<SiteSummary>,
    /// Per update, in release order.
    pub updates: Vec<UpdateSummary>,
    /// ITMU catalog refreshes for SMS 2003 clients (R08).
    pub itmu_refreshes_ms: Vec<u64>,
    /// Scans, state messages and the site databases' view (R09–R15).
    pub compliance: ComplianceSummary,
    /// Deployments, downloads, notifications and installs (R16–R25).
    pub deployment: DeploymentSummary,
    /// Installed share over time in the view's databases, for charts across replications
    /// (not in summary.json: compliance.csv has the series).
    #[serde(skip)]
    pub curve: Vec<CurvePoint>,
}

/// The installed share of applicable client × update pairs at one sample time: the deployed
/// updates (every update when nothing is deployed), in the view's databases.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurvePoint {
    /// Sample time.
    pub t_ms: u64,
    /// Installed as the site databases see it, in percent.
    pub db: f64,
    /// Installed on the clients, in percent.
    pub truth: f64,
}

/// The compliance phase of a run.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ComplianceSummary {
    /// Policies received by clients (R09).
    pub policies_received: u64,
    /// Scans completed (R10, R11).
    pub scans: u64,
    /// Scans that found a changed state (R12).
    pub scans_with_changes: u64,
    /// Delay from the end of a scan to the client's site database, over all messages (R13).
    pub scan_to_db_ms: Delay,
    /// Delay from the end of a scan to the database at the top of the client's reporting
    /// path (the central site's, after replication; the own one where nothing is above).
    pub scan_to_top_db_ms: Delay,
    /// Site-to-site replications of states toward the top.
    pub replications: Vec<ReplicationSummary>,
    /// State messages the site servers discarded: for updates their databases have not
    /// synced (R15). Non-zero means some clients' states never reach a database.
    pub states_discarded: u64,
    /// Per site database.
    pub databases: Vec<DatabaseSummary>,
    /// Per client group.
    pub groups: Vec<GroupSummary>,
    /// Per management point.
    pub management_points: Vec<MpSummary>,
}

/// Percentiles of a delay, in ms.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Delay {
    /// Half the messages took at most this.
    pub median: Option<u64>,
    /// 95 % of them.
    pub p95: Option<u64>,
    /// All of them.
    pub max: Option<u64>,
}

/// Replications from one site database to the one above it (R13).
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ReplicationSummary {
    /// Sending site.
    pub from: String,
    /// Receiving site.
    pub to: String,
    /// Replications.
    pub replications: u64,
    /// State changes replicated.
    pub messages: u64,
}

/// One site database's view at the end of the run.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct DatabaseSummary {
    /// Site code.
    pub site: String,
    /// Clients whose states it holds: those its MPs (and its secondary sites' MPs) serve,
    /// and at a central site every client below, by replication.
    pub clients: u64,
    /// The site its states replicate to, if any.
    pub replicates_to: Option<String>,
    /// At the top of a reporting path: what an administrator at the top sees.
    pub top: bool,
    /// Most forwarded messages waiting for its state system at once.
    pub backlog_peak: u32,
    /// When that peak was first reported.
    pub backlog_peak_at_ms: Option<u64>,
    /// Per update.
    pub updates: Vec<UpdateStates>,
}

/// One update in one site database.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct UpdateStates {
    /// Update id.
    pub id: String,
    /// Clients the database has as Required.
    pub required: i64,
    /// As Not required.
    pub not_required: i64,
    /// As Installed.
    pub installed: i64,
    /// With no state (R15: Unknown).
    pub unknown: i64,
    /// At the end, clients that really need it and have not installed it (live state).
    pub true_required: u64,
    /// At the end, clients that installed it and wait for a restart (live state; the
    /// database has them as Required, R15).
    pub true_pending_restart: u64,
    /// Clients it really does not apply to.
    pub true_not_required: u64,
    /// At the end, clients that really have it, restarted where needed (live state).
    pub true_installed: u64,
    /// When 50, 90, 95 and 99 % of the applicable clients were known (null: not reached).
    pub known_ms: [Option<u64>; 4],
    /// Why the clients counted as `required` are so, by their true state (R15). A database
    /// that others replicate to (a central site's) counts the clients below it by the state
    /// they last sent, which replication may not have brought up yet.
    pub required_because: RequiredBecause,
}

/// The reasons behind Required in a site database (R15).
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct RequiredBecause {
    /// The update is not deployed to the client.
    pub not_deployed: u32,
    /// Deployed but not installed yet.
    pub deployed_not_installed: u32,
    /// Installed, waiting for a restart.
    pub pending_restart: u32,
    /// Installed, but the database has not been told yet.
    pub installed_not_reported: u32,
}

/// One client group.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct GroupSummary {
    /// Group name.
    pub name: String,
    /// Its site.
    pub site: String,
    /// The site database it reports to.
    pub database: String,
    /// Clients.
    pub clients: u32,
    /// Per update: applicable clients, known ones, and when 50/90/95/99 % were known. Only
    /// with `--detail` (absent otherwise): groups × updates entries are most of the file in a
    /// large hierarchy.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub updates: Vec<GroupUpdate>,
}

/// One update in one group.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct GroupUpdate {
    /// Update id.
    pub id: String,
    /// Clients it applies to.
    pub applicable: u32,
    /// Of which known in the database at the end.
    pub known: u32,
    /// When 50, 90, 95 and 99 % were known.
    pub known_ms: [Option<u64>; 4],
}

/// State-message load on one management point (R13).
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct MpSummary {
    /// Server name.
    pub name: String,
    /// Its site.
    pub site: String,
    /// Clients sending to it.
    pub clients: u64,
    /// Machine policy requests per minute from those clients were all of them on (polls are
    /// steady); `policy` has what the machines that were on asked.
    pub policy_polls_per_minute: f64,
    /// The site database it forwards to.
    pub database: String,
    /// Policy requests counted over the run, against the MP's capacity (issue 12).
    #[serde(flatten)]
    pub policy: PolicySummary,
    /// Bulk sends received.
    pub sends: u64,
    /// State messages received.
    pub state_messages: u64,
    /// Most state messages in one minute.
    pub peak_per_minute: u64,
    /// Start of that minute.
    pub peak_at_ms: u64,
    /// Most state messages waiting at it at once (taken in slower than they came).
    pub backlog_peak: u32,
    /// When that peak was first reported.
    pub backlog_peak_at_ms: Option<u64>,
}

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

impl Summary {
    /// The summary without the per group × update lists, as `summary.json` has it unless
    /// `--detail` asks for them.
    pub fn without_detail(mut self) -> Summary {
        for g in &mut self.compliance.groups {
            g.updates = Vec::new();
        }
        self
    }

    /// Builds the summary of a finished run, its curve as `view` sees it (none: from the top).
    pub fn new(
        world: &World,
        metrics: &Metrics,
        stats: &RunStats,
        view: Option<&view::View>,
    ) -> Summary {
        Summary {
            format: FORMAT,
            scenario: world.name.clone(),
            seed: world.seed,
            start: world.calendar.as_ref().map(|c| c.start_text()),
            calendar: world.calendar.clone(),
            end_ms: stats.end.ms(),
            events: stats.events,
            clients: world.clients(),
            machines: machines::machines(world, &metrics.machines),
            sites: (0..world.sites.len())
                .map(|i| site(world, metrics, i))
                .collect(),
            updates: (0..world.updates.len())
                .map(|i| update(world, metrics, i))
                .collect(),
            itmu_refreshes_ms: metrics.itmu.iter().map(|(t, _)| t.ms()).collect(),
            compliance: compliance(world, &metrics.compliance, &metrics.policy),
            deployment: deployment(world, &metrics.deployment),
            curve: view::curve(world, &metrics.compliance, view),
            view: view.map(|v| view::View {
                clients: metrics.compliance.db_clients[v.db],
                ..v.clone()
            }),
        }
    }

    /// Pretty JSON, newline-terminated.
    /// The summary as pretty JSON; with a start date, each point in time also as a date
    /// (`dates`).
    pub fn to_json(&self) -> String {
        let mut s = match &self.calendar {
            None => serde_json::to_string_pretty(self),
            Some(c) => {
                let mut v = serde_json::to_value(self).expect("summary serializes");
                dates::add_dates(&mut v, c);
                serde_json::to_string_pretty(&v)
            }
        }
        .expect("summary serializes");
        s.push('\n');
        s
    }
}

fn ms(marks: &Marks) -> [Option<u64>; 4] {
    marks.map(|t| t.map(|t| t.ms()))
}

fn compliance(world: &World, c: &ComplianceMetrics, p: &PolicyLoad) -> ComplianceSummary {
    let delay = |d: &crate::observe::backlog::Delays| Delay {
        median: percentile(d, 50),
        p95: percentile(d, 95),
        max: percentile(d, 100),
    };
    let code = |s: u16| world.sites[usize::from(s)].code.clone();
    ComplianceSummary {
        policies_received: c.policies_received,
        scans: c.scans,
        scans_with_changes: c.scans_changed,
        scan_to_db_ms: delay(&c.backlog.to_db),
        scan_to_top_db_ms: delay(&c.backlog.to_top),
        replications: c
            .backlog
            .replications
            .iter()
            .map(|(&(from, to), &(n, messages))| ReplicationSummary {
                from: code(from),
                to: code(to),
                replications: n,
                messages,
            })
            .collect(),
        states_discarded: c.discarded,
        databases: c.db_sites.iter().map(|&s| database(world, c, s)).collect(),
        groups: (0..world.groups.len())
            .map(|g| group(world, c, g))
            .collect(),
        management_points: (0..world.mps.len())
            .map(|m| management_point(world, c, p, m))
            .collect(),
    }
}

fn database(world: &World, c: &ComplianceMetrics, site: usize) -> DatabaseSummary {
    let n = world.updates.len();
    let updates = (0..n)
        .map(|u| {
            let db = c.db[site * n + u];
            let truth = |k: usize| u64::from(c.true_end[site * n + u][k]);
            UpdateStates {
                id: world.updates[u].id.clone(),
                required: db[1],
                not_required: db[2],
                installed: db[3],
                unknown: c.unknown(site, u),
                true_required: truth(1),
                true_pending_restart: truth(0),
                true_not_required: truth(2),
                true_installed: truth(3),
                known_ms: ms(&c.site_coverage[site * n + u].marks),
                required_because: {
                    let r = c.required_reasons[site * n + u];
                    RequiredBecause {
                        not_deployed: r[0],
                        deployed_not_installed: r[1],
                        pending_restart: r[2],
                        installed_not_reported: r[3],
                    }
                },
            }
        })
        .collect();
    let id = crate::world::SiteId(site as u16);
    let queue = &c.backlog.dbs[site];
    DatabaseSummary {
        site: world.sites[site].code.clone(),
        clients: c.db_clients[site],
        replicates_to: world
            .replicates_to(id)
            .map(|s| world.sites[s.index()].code.clone()),
        top: world.is_top_database(id),
        backlog_peak: queue.peak,
        backlog_peak_at_ms: queue.peak_at.map(|t| t.ms()),
        updates,
    }
}

fn group(world: &World, c: &ComplianceMetrics, g: usize) -> GroupSummary {
    let n = world.updates.len();
    let grp = &world.groups[g];
    GroupSummary {
        name: grp.name.clone(),
        site: world.sites[grp.site.index()].code.clone(),
        database: world.sites[grp.db_site.index()].code.clone(),
        clients: grp.count,
        updates: (0..n)
            .map(|u| {
                let cov = &c.group_coverage[g * n + u];
                GroupUpdate {
                    id: world.updates[u].id.clone(),
                    applicable: cov.applicable,
                    known: cov.known,
                    known_ms: ms(&cov.marks),
                }
            })
            .collect(),
    }
}

fn management_point(world: &World, c: &ComplianceMetrics, p: &PolicyLoad, m: usize) -> MpSummary {
    let id = crate::world::ServerId(m as u32);
    // Clients are spread over a group's MPs by id (`ClientGroup::mp_of`).
    let clients: u64 = world
        .groups
        .iter()
        .filter_map(|g| {
            let k = g.mps.iter().position(|&x| x == id)? as u32;
            let n = g.mps.len() as u32;
            Some(u64::from(g.count / n + u32::from(k < g.count % n)))
        })
        .sum();
    let poll_minutes = world.settings.machine_policy_interval.0.ms() as f64 / 60_000.0;
    let load = &c.mps[m];
    MpSummary {
        name: world.mps[m].name.clone(),
        site: world.sites[world.mps[m].site.index()].code.clone(),
        clients,
        policy_polls_per_minute: clients as f64 / poll_minutes,
        database: world.sites[world.database_of(world.mps[m].site).index()]
            .code
            .clone(),
        policy: policy::policy(p, m),
        sends: load.sends,
        state_messages: load.received,
        peak_per_minute: load.peak_per_minute,
        peak_at_ms: load.peak_at.ms(),
        backlog_peak: c.backlog.mps[m].peak,
        backlog_peak_at_ms: c.backlog.mps[m].peak_at.map(|t| t.ms()),
    }
}

fn site(world: &World, m: &Metrics, i: usize) -> SiteSummary {
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
