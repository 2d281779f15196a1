//! The deployment part of the summary: per deployment its progress, machines fully
//! compliant, clients that gave up, DP load and the notifications users saw.

use super::*;

/// The deployment phase of a run.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct DeploymentSummary {
    /// Per deployment.
    pub deployments: Vec<DeploymentReport>,
    /// Clients that gave up downloading, by reason (R19–R21).
    pub gave_up: GaveUp,
    /// Location Services failures seen (R19).
    pub location_failures: u64,
    /// DP connection failures seen (R20).
    pub dp_connect_failures: u64,
    /// Per distribution point.
    pub distribution_points: Vec<DpSummary>,
    /// Deadline notifications (R22).
    pub notifications: Notifications,
    /// Users who installed early through the Express/Advanced dialog (R24).
    pub user_installs_express: u64,
    /// Through the Available Software Updates dialog (R24).
    pub user_installs_available: u64,
    /// Restarts after installs (R25).
    pub restarts: u64,
    /// The phases of phased deployments, in order (absent without any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<super::phases::PhaseReport>,
    /// The deployments automatic deployment rules may make, in order (absent without any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adr_runs: Vec<super::adr::AdrRunReport>,
    /// Bytes clients downloaded, by source (issue 12, item 5).
    pub download_bytes: DownloadBytes,
    /// Per fallback relationship ("Branch-2 → HQ"): downloads and bytes that crossed it.
    pub fallback: BTreeMap<String, FallbackLoad>,
    /// Per site link that carried anything, in site order: the bytes that crossed it.
    pub wan_links: Vec<WanLinkReport>,
}

/// The traffic over one site's link to its parent.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct WanLinkReport {
    /// "S01 → PR1": the site and its parent.
    pub link: String,
    /// The rate content copies get over it, if the scenario limits it (Mbit/s).
    pub copy_mbps: Option<f64>,
    /// Copies and downloads that crossed it, and their bytes.
    #[serde(flatten)]
    pub load: crate::observe::wan::WanLoad,
    /// Every byte that crossed it.
    pub bytes: u64,
}

/// Bytes clients downloaded, by source.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct DownloadBytes {
    /// From DPs, fallback included.
    pub from_dps: u64,
    /// Of those, from DPs of a group the client fell back to.
    pub fallback: u64,
    /// From peers of the client's boundary group (peer cache, Delivery Optimization).
    pub from_peers: u64,
}

/// Downloads across one fallback relationship.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct FallbackLoad {
    /// Downloads.
    pub downloads: u64,
    /// Bytes.
    pub bytes: u64,
}

/// One deployment.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct DeploymentReport {
    /// Its id.
    pub id: String,
    /// When its policy went out (null: never).
    pub created_ms: Option<u64>,
    /// The wizard refused it (R07).
    pub rejected: bool,
    /// Its deadline at the end of the run (null: optional). It may lie beyond the end.
    pub deadline_ms: Option<u64>,
    /// When its package reached each DP (null: never).
    pub content_on_dp_ms: BTreeMap<String, Option<u64>>,
    /// When its package was on every DP of it (null: never).
    pub content_complete_ms: Option<u64>,
    /// Client × update pairs still required when it was created.
    pub required: u64,
    /// Of which installed on the clients by the end.
    pub installed: u64,
    /// When 50, 90, 95 and 99 % of them were installed on the clients.
    pub installed_ms: [Option<u64>; 4],
    /// When the site databases showed 50, 90, 95 and 99 % of them installed, counted from
    /// the installs they learned after its creation on machines of its targeted groups (the
    /// databases' states are per group: a collection taking a share of a group counts that
    /// whole group's reports here; its machine figures are exact).
    pub db_installed_ms: [Option<u64>; 4],
    /// Machines: its target collection, and how many are fully compliant (every update of
    /// the deployment that applies to them installed), truly and in the site databases.
    pub machines: MachineCompliance,
}

/// Targeted machines fully compliant with a deployment, at the end and over time.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct MachineCompliance {
    /// Machines in the target collection.
    pub targeted: u64,
    /// Truly compliant at the end (live state; restarted where needed).
    pub compliant: u64,
    /// Compliant at the end as the site databases see them.
    pub db_compliant: u64,
    /// When 50, 90, 95 and 99 % of the targeted machines were truly compliant.
    pub compliant_ms: [Option<u64>; 4],
    /// When the site databases showed 50, 90, 95 and 99 % of them compliant.
    pub db_compliant_ms: [Option<u64>; 4],
}

/// Clients that gave up, by reason.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct GaveUp {
    /// No DP found for 5 days (R19).
    pub location: u64,
    /// No DP reachable for 10 days (R20).
    pub dp_connect: u64,
    /// A user-started download failed for 4 hours (R21).
    pub manual: u64,
}

/// Downloads from one DP.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct DpSummary {
    /// Server name.
    pub name: String,
    /// Its site.
    pub site: String,
    /// Downloads started.
    pub downloads: u64,
    /// Bytes served.
    pub bytes: u64,
    /// Most downloads at once.
    pub peak_concurrent: u64,
    /// When that peak was first reached (null: no downloads).
    pub peak_at_ms: Option<u64>,
}

/// Notifications per client, over the clients that got any.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Notifications {
    /// Clients notified.
    pub clients: u64,
    /// Notifications shown.
    pub total: u64,
    /// Mean per notified client.
    pub mean: f64,
    /// 95th percentile per notified client.
    pub p95: u32,
    /// Most for one client.
    pub max: u32,
}

pub(super) fn deployment(world: &World, m: &DeploymentMetrics) -> DeploymentSummary {
    let deployments = world
        .deployments
        .iter()
        .zip(&m.deployments)
        .map(|(d, p)| DeploymentReport {
            id: d.id.clone(),
            created_ms: p.created.map(|t| t.ms()),
            rejected: p.rejected,
            deadline_ms: p.deadline.map(|t| t.ms()),
            content_on_dp_ms: d
                .dps
                .iter()
                .zip(&p.on_dp)
                .map(|(dp, t)| (world.dps[dp.index()].name.clone(), t.map(|t| t.ms())))
                .collect(),
            content_complete_ms: p
                .on_dp
                .iter()
                .try_fold(None, |last: Option<u64>, t| {
                    t.map(|t| last.max(Some(t.ms())))
                })
                .flatten(),
            required: p.required,
            installed: p.installed,
            installed_ms: ms(&p.installed_marks),
            db_installed_ms: ms(&p.db_marks),
            machines: MachineCompliance {
                targeted: p.targeted,
                compliant: p.compliant,
                db_compliant: p.db_compliant,
                compliant_ms: ms(&p.compliant_marks),
                db_compliant_ms: ms(&p.db_compliant_marks),
            },
        })
        .collect();
    let distribution_points = world
        .dps
        .iter()
        .zip(&m.dps)
        .map(|(dp, l)| DpSummary {
            name: dp.name.clone(),
            site: world.sites[dp.site.index()].code.clone(),
            downloads: l.downloads,
            bytes: l.bytes,
            peak_concurrent: l.peak,
            peak_at_ms: (l.downloads > 0).then(|| l.peak_at.ms()),
        })
        .collect();
    DeploymentSummary {
        deployments,
        gave_up: GaveUp {
            location: m.gave_up(crate::model::GiveUp::Location),
            dp_connect: m.gave_up(crate::model::GiveUp::DpConnect),
            manual: m.gave_up(crate::model::GiveUp::Manual),
        },
        location_failures: m.failures[0],
        dp_connect_failures: m.failures[1],
        distribution_points,
        notifications: notifications(&m.notifications),
        user_installs_express: m.user_installs[0],
        user_installs_available: m.user_installs[1],
        restarts: m.restarts,
        download_bytes: DownloadBytes {
            from_dps: m.dps.iter().map(|l| l.bytes).sum(),
            fallback: m.sources.fallback.values().map(|f| f.1).sum(),
            from_peers: m.sources.peer_bytes,
        },
        fallback: m
            .sources
            .fallback
            .iter()
            .map(|(&(from, to), &(downloads, bytes))| {
                let to = match to {
                    crate::model::FallbackTo::Group(g) => {
                        world.boundary_groups[usize::from(g)].name.clone()
                    }
                    crate::model::FallbackTo::SiteDefault(s) => {
                        crate::world::site_default_name(&world.sites[s.index()].code)
                    }
                };
                let from = &world.boundary_groups[usize::from(from)].name;
                (format!("{from} → {to}"), FallbackLoad { downloads, bytes })
            })
            .collect(),
        wan_links: wan_links(world, m),
        phases: super::phases::phases(world, m),
        adr_runs: super::adr::runs(world, m),
    }
}

fn wan_links(world: &World, m: &DeploymentMetrics) -> Vec<WanLinkReport> {
    let loads = m.wan.0.iter().enumerate();
    loads
        .filter(|(_, l)| l.copies + l.downloads > 0)
        .filter_map(|(s, l)| {
            let site = &world.sites[s];
            let parent = &world.sites[site.parent?.index()];
            Some(WanLinkReport {
                link: format!("{} → {}", site.code, parent.code),
                copy_mbps: world.links[s].as_ref().map(|k| k.mbps),
                load: *l,
                bytes: l.bytes(),
            })
        })
        .collect()
}

fn notifications(per_client: &[u32]) -> Notifications {
    let mut notified: Vec<u32> = per_client.iter().copied().filter(|&n| n > 0).collect();
    notified.sort_unstable();
    let total: u64 = notified.iter().map(|&n| u64::from(n)).sum();
    let clients = notified.len() as u64;
    Notifications {
        clients,
        total,
        mean: if clients == 0 {
            0.0
        } else {
            total as f64 / clients as f64
        },
        p95: notified
            .get((notified.len() * 95).div_ceil(100).saturating_sub(1))
            .copied()
            .unwrap_or(0),
        max: notified.last().copied().unwrap_or(0),
    }
}
