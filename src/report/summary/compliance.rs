//! The compliance part of the summary: scans, the site databases' view against the truth,
//! the reporting path and the management points' load (R09–R15).

use super::ms;
use super::policy::PolicySummary;
use crate::observe::backlog::percentile;
use crate::observe::compliance::ComplianceMetrics;
use crate::observe::policy_load::PolicyLoad;
use crate::world::World;
use serde::Serialize;

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
    /// Start of that minute (null: no state messages).
    pub peak_at_ms: Option<u64>,
    /// Most state messages waiting at it at once (taken in slower than they came).
    pub backlog_peak: u32,
    /// When that peak was first reported.
    pub backlog_peak_at_ms: Option<u64>,
}

pub(super) fn compliance(
    world: &World,
    c: &ComplianceMetrics,
    p: &PolicyLoad,
) -> ComplianceSummary {
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
        policy: super::policy::policy(p, m),
        sends: load.sends,
        state_messages: load.received,
        peak_per_minute: load.peak_per_minute,
        peak_at_ms: (load.peak_per_minute > 0).then(|| load.peak_at.ms()),
        backlog_peak: c.backlog.mps[m].peak,
        backlog_peak_at_ms: c.backlog.mps[m].peak_at.map(|t| t.ms()),
    }
}
