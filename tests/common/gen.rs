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
#![allow(dead_code)]

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use std::fmt::Write;

const MIN: u32 = 1;
const HOUR: u32 = 60 * MIN;
const DAY: u32 = 24 * HOUR;

/// One site's roles.
#[derive(Clone, Debug)]
pub struct GenSite {
    /// An active SUP (forced at the top; dropped when the parent site has none).
    pub sup: bool,
    /// An Internet-based SUP (kept only beside an active SUP, never at the central site).
    pub internet_sup: bool,
    /// Management points (a primary always gets at least one; the central site none).
    pub mps: u8,
    /// Distribution points (the central site none).
    pub dps: u8,
    /// Upgraded from SMS 2003.
    pub upgraded: bool,
}

/// A primary site below the central site, with its secondaries.
#[derive(Clone, Debug)]
pub struct GenPrimary {
    pub site: GenSite,
    pub secondaries: Vec<GenSite>,
}

/// The site hierarchy.
#[derive(Clone, Debug)]
pub enum GenTree {
    /// A standalone primary site at the top.
    Standalone {
        top: GenSite,
        secondaries: Vec<GenSite>,
    },
    /// A central administration site at the top.
    Central {
        top: GenSite,
        primaries: Vec<GenPrimary>,
    },
}

/// How one update applies to a group.
#[derive(Clone, Debug)]
pub struct GenApplicability {
    pub update: Index,
    /// Share it applies to, in thousandths.
    pub applies: u16,
    /// Share of those that have it installed, in thousandths.
    pub installed: u16,
}

/// A client group.
#[derive(Clone, Debug)]
pub struct GenGroup {
    /// Among the sites that can have clients (not the central site).
    pub site: Index,
    pub count: u16,
    /// Kept only at a site with an Internet-based SUP.
    pub internet: bool,
    /// SMS 2003 / ITMU clients (dropped for Internet-based groups).
    pub legacy: bool,
    pub updates: Vec<GenApplicability>,
}

/// How an update expires.
#[derive(Clone, Debug)]
pub enum GenExpiry {
    Never,
    /// `expired: true`.
    Expired,
    /// `expires_at`: this many minutes after its release.
    At(u32),
}

/// An update of the catalog.
#[derive(Clone, Debug)]
pub struct GenUpdate {
    pub size_mb: u16,
    pub classification: u8,
    /// Earlier updates of the catalog it supersedes (so supersedence has no cycle).
    pub supersedes: Vec<Index>,
    /// A service pack (classification ServicePack).
    pub service_pack: bool,
    /// Release time in thousandths of the run (0: in the catalog from the start).
    pub released: u16,
    pub expiry: GenExpiry,
    /// Migrated from SMS 2003 (then released at 0).
    pub migrated: bool,
    pub restart: bool,
}

/// A deployment.
#[derive(Clone, Debug)]
pub struct GenDeployment {
    pub updates: Vec<Index>,
    /// Groups, each with an optional share in thousandths.
    pub targets: Vec<(Index, Option<u16>)>,
    /// Created at a primary site above every targeted group instead of the top site.
    pub site: Option<Index>,
    /// In thousandths of the run.
    pub created: u16,
    /// `available`: this many minutes after `created`.
    pub available: Option<u32>,
    /// `deadline`: this many minutes after `available`.
    pub deadline: Option<u32>,
    /// An explicit package DP list (non-empty).
    pub dps: Option<Vec<Index>>,
    /// The operator deploys whatever was picked, synced or not (the wizard may refuse it).
    /// Otherwise they click Run Synchronization 4 hours before and deploy only updates
    /// released at least 6 hours before that are not expired (when any was picked).
    pub ad_hoc: bool,
}

/// An operator action.
#[derive(Clone, Debug)]
pub enum GenAction {
    RunSync {
        at: u16,
    },
    /// A new deadline this many minutes after the action.
    SetDeadline {
        at: u16,
        deployment: Index,
        after: u32,
    },
}

/// What a fault takes down.
#[derive(Clone, Debug)]
pub enum GenFaultTarget {
    Upstream,
    /// Among all SUPs (Internet-based ones included).
    Wsus(Index),
    /// Among all DPs.
    Dp(Index),
    /// A DP of a deployment's package, this many minutes after the deployment becomes
    /// available (`from` is not used): while clients want to download from it.
    PackageDp {
        deployment: Index,
        dp: Index,
        after: u32,
    },
}

/// An outage.
#[derive(Clone, Debug)]
pub struct GenFault {
    pub target: GenFaultTarget,
    /// In thousandths of the run.
    pub from: u16,
    /// Minutes, at least 1.
    pub length: u32,
}

/// Settings that differ from the defaults (`None`: left out).
#[derive(Clone, Debug, Default)]
pub struct GenSettings {
    pub scheduled_sync: Option<bool>,
    pub sync_schedule_first: Option<u32>,
    pub sync_schedule_interval: Option<u32>,
    pub sync_retry_interval: Option<u32>,
    pub sync_failure_probability: Option<u16>,
    pub itmu_catalog_interval: Option<u32>,
    pub machine_policy_interval: Option<u32>,
    pub scan_window: Option<u32>,
    pub state_message_interval: Option<u32>,
    pub client_download_mbps: Option<u16>,
    pub dp_bandwidth_mbps: Option<u16>,
    pub location_retry_budget: Option<u32>,
    pub dp_connect_retry_budget: Option<u32>,
    pub dp_connect_retry_interval: Option<u32>,
    pub manual_retry_budget: Option<u32>,
    pub notify_far_interval: Option<u32>,
    pub hide_deployments: Option<bool>,
    pub user_early_install_share: Option<u16>,
    pub user_express_share: Option<u16>,
    pub user_optional_share: Option<u16>,
    pub user_act_window: Option<u32>,
    pub install_duration: Option<u32>,
    pub restart_window: Option<u32>,
}

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
}

impl std::fmt::Debug for Gen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\n{}", self.ron())
    }
}

// ---------------------------------------------------------------------------------------
// Strategies

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

fn site(top: bool) -> impl Strategy<Value = GenSite> {
    (
        prop::bool::weighted(if top { 1.0 } else { 0.7 }),
        prop::bool::weighted(0.25),
        0..=2u8,
        0..=2u8,
        prop::bool::weighted(0.2),
    )
        .prop_map(|(sup, internet_sup, mps, dps, upgraded)| GenSite {
            sup,
            internet_sup,
            mps,
            dps,
            upgraded,
        })
}

fn tree() -> impl Strategy<Value = GenTree> {
    prop_oneof![
        (site(true), vec(site(false), 0..=3))
            .prop_map(|(top, secondaries)| GenTree::Standalone { top, secondaries }),
        (
            site(true),
            vec(
                (site(false), vec(site(false), 0..=2))
                    .prop_map(|(site, secondaries)| GenPrimary { site, secondaries }),
                0..=3
            )
        )
            .prop_map(|(top, primaries)| GenTree::Central { top, primaries }),
    ]
}

fn group() -> impl Strategy<Value = GenGroup> {
    (
        any::<Index>(),
        1..=80u16,
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.25),
        prop_oneof![
            2 => Just(Vec::new()),
            1 => vec(
                (any::<Index>(), share(), share()).prop_map(|(update, applies, installed)| {
                    GenApplicability {
                        update,
                        applies,
                        installed,
                    }
                }),
                1..=4
            ),
        ],
    )
        .prop_map(|(site, count, internet, legacy, updates)| GenGroup {
            site,
            count,
            internet,
            legacy,
            updates,
        })
}

fn update() -> impl Strategy<Value = GenUpdate> {
    (
        1..=600u16,
        0..9u8,
        prop_oneof![1 => Just(Vec::new()), 1 => vec(any::<Index>(), 1..=2)],
        prop::bool::weighted(0.2),
        prop_oneof![1 => Just(0u16), 1 => time()],
        prop_oneof![
            4 => Just(GenExpiry::Never),
            1 => Just(GenExpiry::Expired),
            1 => (0..14 * DAY).prop_map(GenExpiry::At),
        ],
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.8),
    )
        .prop_map(
            |(
                size_mb,
                classification,
                supersedes,
                service_pack,
                released,
                expiry,
                migrated,
                restart,
            )| {
                GenUpdate {
                    size_mb,
                    classification,
                    supersedes,
                    service_pack,
                    released,
                    expiry,
                    migrated,
                    restart,
                }
            },
        )
}

fn deployment() -> impl Strategy<Value = GenDeployment> {
    (
        vec(any::<Index>(), 1..=3),
        vec(
            (any::<Index>(), prop::option::weighted(0.3, share())),
            1..=3,
        ),
        prop::option::weighted(0.2, any::<Index>()),
        0..=700u16,
        prop::option::weighted(0.4, dur(0, 3 * DAY)),
        prop::option::weighted(0.7, dur(0, 10 * DAY)),
        prop::option::weighted(0.25, vec(any::<Index>(), 1..=3)),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(updates, targets, site, created, available, deadline, dps, ad_hoc)| GenDeployment {
                updates,
                targets,
                site,
                created,
                available,
                deadline,
                dps,
                ad_hoc,
            },
        )
}

fn action() -> impl Strategy<Value = GenAction> {
    prop_oneof![
        time().prop_map(|at| GenAction::RunSync { at }),
        (time(), any::<Index>(), dur(0, 7 * DAY)).prop_map(|(at, deployment, after)| {
            GenAction::SetDeadline {
                at,
                deployment,
                after,
            }
        }),
    ]
}

fn fault() -> impl Strategy<Value = GenFault> {
    (
        prop_oneof![
            Just(GenFaultTarget::Upstream),
            any::<Index>().prop_map(GenFaultTarget::Wsus),
            any::<Index>().prop_map(GenFaultTarget::Dp),
            (any::<Index>(), any::<Index>(), dur(5, DAY)).prop_map(|(deployment, dp, after)| {
                GenFaultTarget::PackageDp {
                    deployment,
                    dp,
                    after,
                }
            }),
        ],
        time(),
        prop_oneof![dur(1, 6 * HOUR), dur(6 * HOUR, 5 * DAY)],
    )
        .prop_map(|(target, from, length)| GenFault {
            target,
            from,
            length,
        })
}

fn opt<T: std::fmt::Debug + Clone>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    prop::option::weighted(0.2, s)
}

fn settings() -> impl Strategy<Value = GenSettings> {
    (
        (
            opt(prop::bool::weighted(0.7)),
            opt(dur(0, 2 * DAY)),
            opt(dur(12 * HOUR, 7 * DAY)),
            opt(dur(10, 3 * HOUR)),
            opt(0..=400u16),
            opt(dur(DAY, 7 * DAY)),
            opt(dur(15, 4 * HOUR)),
            opt(dur(10, 6 * HOUR)),
        ),
        (
            opt(dur(1, 30)),
            opt(1..=100u16),
            opt(1..=1000u16),
            opt(dur(HOUR, 5 * DAY)),
            opt(dur(HOUR, 10 * DAY)),
            opt(dur(10, 3 * HOUR)),
            opt(dur(30, 8 * HOUR)),
            opt(dur(30, 6 * HOUR)),
        ),
        (
            prop::option::weighted(0.15, prop::bool::weighted(0.8)),
            opt(share()),
            opt(share()),
            opt(share()),
            opt(dur(1, 5 * DAY)),
            opt(dur(0, 30)),
            opt(dur(0, DAY)),
        ),
    )
        .prop_map(|(a, b, c)| GenSettings {
            scheduled_sync: a.0,
            sync_schedule_first: a.1,
            sync_schedule_interval: a.2,
            sync_retry_interval: a.3,
            sync_failure_probability: a.4,
            itmu_catalog_interval: a.5,
            machine_policy_interval: a.6,
            scan_window: a.7,
            state_message_interval: b.0,
            client_download_mbps: b.1,
            dp_bandwidth_mbps: b.2,
            location_retry_budget: b.3,
            dp_connect_retry_budget: b.4,
            dp_connect_retry_interval: b.5,
            manual_retry_budget: b.6,
            notify_far_interval: b.7,
            hide_deployments: c.0,
            user_early_install_share: c.1,
            user_express_share: c.2,
            user_optional_share: c.3,
            user_act_window: c.4,
            install_duration: c.5,
            restart_window: c.6,
        })
}

/// Random valid scenarios: 1–21 days, up to 5 groups of up to 80 clients, up to 8 updates,
/// 4 deployments, 5 actions and 4 faults.
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
    )
        .prop_map(
            |(seed, end, tree, groups, catalog, deployments, actions, faults, settings)| Gen {
                seed,
                end,
                tree,
                groups,
                catalog,
                deployments,
                actions,
                faults,
                settings,
            },
        )
}

// ---------------------------------------------------------------------------------------
// Rendering

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

const CLASSIFICATIONS: [&str; 9] = [
    "Critical",
    "Security",
    "Definition",
    "UpdateRollup",
    "ServicePack",
    "FeaturePack",
    "Tool",
    "Driver",
    "Update",
];

/// A site as rendered, with what cross references need.
struct Site {
    code: String,
    kind: &'static str,
    parent: Option<usize>,
    sup: Option<String>,
    internet_sup: Option<String>,
    mps: Vec<String>,
    dps: Vec<String>,
    upgraded: bool,
}

impl Gen {
    fn sites(&self) -> Vec<Site> {
        let mut out: Vec<Site> = Vec::new();
        let mut add = |g: &GenSite, code: String, kind: &'static str, parent: Option<usize>| {
            let parent_sup = parent.is_none_or(|p: usize| out[p].sup.is_some());
            let sup = (parent.is_none() || (g.sup && parent_sup)).then(|| format!("{code}-SUP"));
            let central = kind == "Central";
            let internet_sup =
                (g.internet_sup && sup.is_some() && !central).then(|| format!("{code}-IBSUP"));
            let mps = match kind {
                "Central" => 0,
                "Primary" => g.mps.max(1),
                _ => g.mps.min(1),
            };
            let dps = if central { 0 } else { g.dps };
            out.push(Site {
                mps: (1..=mps).map(|i| format!("{code}-MP{i:02}")).collect(),
                dps: (1..=dps).map(|i| format!("{code}-DP{i:02}")).collect(),
                code,
                kind,
                parent,
                sup,
                internet_sup,
                upgraded: g.upgraded,
            });
            out.len() - 1
        };
        match &self.tree {
            GenTree::Standalone { top, secondaries } => {
                let t = add(top, "PR1".into(), "Primary", None);
                for (j, s) in secondaries.iter().enumerate() {
                    add(s, format!("S0{}", j + 1), "Secondary", Some(t));
                }
            }
            GenTree::Central { top, primaries } => {
                let t = add(top, "CAS".into(), "Central", None);
                for (i, p) in primaries.iter().enumerate() {
                    let pi = add(&p.site, format!("P0{}", i + 1), "Primary", Some(t));
                    for (j, s) in p.secondaries.iter().enumerate() {
                        add(s, format!("S{}{}", i + 1, j + 1), "Secondary", Some(pi));
                    }
                }
            }
        }
        out
    }

    /// The scenario as RON text; always valid.
    pub fn ron(&self) -> String {
        let end = self.end.max(1);
        let at = |t: u16| (u64::from(end) * u64::from(t.min(1000)) / 1000) as u32;
        let sites = self.sites();
        let hide = self.settings.hide_deployments == Some(true);
        let mut o = String::new();
        writeln!(o, "Scenario(").unwrap();
        writeln!(o, "    name: \"generated\",").unwrap();
        writeln!(o, "    seed: {},", self.seed).unwrap();
        writeln!(o, "    end: \"{}\",", d(end)).unwrap();

        // Sites.
        writeln!(o, "    sites: [").unwrap();
        for site in &sites {
            let mut f = vec![
                format!("code: \"{}\"", site.code),
                format!("kind: {}", site.kind),
            ];
            if let Some(p) = site.parent {
                f.push(format!("parent: \"{}\"", sites[p].code));
            }
            if let Some(x) = &site.sup {
                f.push(format!("sup: \"{x}\""));
            }
            if let Some(x) = &site.internet_sup {
                f.push(format!("internet_sup: \"{x}\""));
            }
            if !site.mps.is_empty() {
                f.push(format!("management_points: {:?}", site.mps));
            }
            if !site.dps.is_empty() {
                f.push(format!("distribution_points: {:?}", site.dps));
            }
            if site.upgraded {
                f.push("upgraded_from_sms2003: true".into());
            }
            writeln!(o, "        ({}),", f.join(", ")).unwrap();
        }
        writeln!(o, "    ],").unwrap();

        // Catalog.
        let ids: Vec<String> = (0..self.catalog.len())
            .map(|i| format!("KB{}", 100 + i))
            .collect();
        // A superseding update is released no earlier than those it supersedes; a migrated
        // one is in the database from the start, so it stays migrated only when released at 0.
        let mut released: Vec<u32> = Vec::new();
        let mut supersedes: Vec<Vec<usize>> = Vec::new();
        for (i, u) in self.catalog.iter().enumerate() {
            let mut old: Vec<usize> = if i == 0 {
                Vec::new()
            } else {
                u.supersedes.iter().map(|x| x.index(i)).collect()
            };
            old.sort();
            old.dedup();
            let own = if u.migrated { 0 } else { at(u.released) };
            released.push(old.iter().map(|&k| released[k]).fold(own, u32::max));
            supersedes.push(old);
        }
        let expired_from: Vec<Option<u32>> = self
            .catalog
            .iter()
            .zip(&released)
            .map(|(u, &r)| match u.expiry {
                GenExpiry::Never => None,
                GenExpiry::Expired => Some(r),
                GenExpiry::At(after) => Some(r + after),
            })
            .collect();
        // When a later update supersedes it (a full sync then expires it, R03).
        let mut superseded_from: Vec<Option<u32>> = vec![None; self.catalog.len()];
        for (i, old) in supersedes.iter().enumerate() {
            for &k in old {
                superseded_from[k] =
                    Some(superseded_from[k].map_or(released[i], |x| x.min(released[i])));
            }
        }
        writeln!(o, "    catalog: [").unwrap();
        for (i, u) in self.catalog.iter().enumerate() {
            let mut f = vec![
                format!("id: \"{}\"", ids[i]),
                format!("size: \"{}MB\"", u.size_mb.max(1)),
            ];
            let class = if u.service_pack {
                "ServicePack"
            } else {
                CLASSIFICATIONS[usize::from(u.classification) % CLASSIFICATIONS.len()]
            };
            f.push(format!("classification: {class}"));
            if !supersedes[i].is_empty() {
                let names: Vec<&str> = supersedes[i].iter().map(|&k| ids[k].as_str()).collect();
                f.push(format!("supersedes: {names:?}"));
            }
            if u.service_pack {
                f.push("service_pack: true".into());
            }
            let released = released[i];
            if released > 0 {
                f.push(format!("released: \"{}\"", d(released)));
            }
            match u.expiry {
                GenExpiry::Never => {}
                GenExpiry::Expired => f.push("expired: true".into()),
                GenExpiry::At(after) => f.push(format!("expires_at: \"{}\"", d(released + after))),
            }
            if u.migrated && released == 0 {
                f.push("migrated: true".into());
            }
            if !u.restart {
                f.push("restart: false".into());
            }
            writeln!(o, "        ({}),", f.join(", ")).unwrap();
        }
        writeln!(o, "    ],").unwrap();

        // Client groups, at sites other than the central site.
        let client_sites: Vec<usize> = (0..sites.len())
            .filter(|&i| sites[i].kind != "Central")
            .collect();
        let mut groups: Vec<(String, usize)> = Vec::new(); // name, site
        writeln!(o, "    clients: [").unwrap();
        if !client_sites.is_empty() {
            for (i, g) in self.groups.iter().enumerate() {
                let site = client_sites[g.site.index(client_sites.len())];
                let name = format!("g{}", i + 1);
                let mut f = vec![
                    format!("name: \"{name}\""),
                    format!("site: \"{}\"", sites[site].code),
                    format!("count: {}", g.count.max(1)),
                ];
                let internet = g.internet && sites[site].internet_sup.is_some();
                if internet {
                    f.push("internet: true".into());
                } else if g.legacy {
                    f.push("legacy: true".into());
                }
                let mut seen = Vec::new();
                let mut apps = Vec::new();
                for a in &g.updates {
                    let u = a.update.index(ids.len());
                    if seen.contains(&u) {
                        continue;
                    }
                    seen.push(u);
                    let applies = a.applies.min(1000);
                    let installed =
                        (u32::from(applies) * u32::from(a.installed.min(1000)) / 1000) as u16;
                    apps.push(format!(
                        "(update: \"{}\", applies: {}, installed: {})",
                        ids[u],
                        s(applies),
                        s(installed)
                    ));
                }
                if !apps.is_empty() {
                    f.push(format!("updates: [{}]", apps.join(", ")));
                }
                writeln!(o, "        ({}),", f.join(", ")).unwrap();
                groups.push((name, site));
            }
        }
        writeln!(o, "    ],").unwrap();

        // Deployments.
        let all_dps: Vec<&String> = sites.iter().flat_map(|x| &x.dps).collect();
        let above = |mut site: usize, want: &dyn Fn(&Site) -> bool| loop {
            if want(&sites[site]) {
                return Some(site);
            }
            site = sites[site].parent?;
        };
        let mut deployment_ids = Vec::new();
        let mut syncs = Vec::new(); // RunSync before deployments
        let mut packages: Vec<(u32, Vec<String>)> = Vec::new(); // available, package DPs
        writeln!(o, "    deployments: [").unwrap();
        if !groups.is_empty() {
            for (i, dep) in self.deployments.iter().enumerate() {
                let explicit: Option<Vec<&String>> = dep.dps.as_ref().and_then(|list| {
                    let mut v: Vec<&String> = list
                        .iter()
                        .filter(|_| !all_dps.is_empty())
                        .map(|x| all_dps[x.index(all_dps.len())])
                        .collect();
                    v.sort();
                    v.dedup();
                    (!v.is_empty()).then_some(v)
                });
                // Targets: each group once; without an explicit DP list, only groups with a
                // DP at or above their site (the package's default DPs).
                let mut targets: Vec<(usize, Option<u16>)> = Vec::new();
                for (g, share) in &dep.targets {
                    let g = g.index(groups.len());
                    let served =
                        explicit.is_some() || above(groups[g].1, &|x| !x.dps.is_empty()).is_some();
                    if served && !targets.iter().any(|&(h, _)| h == g) {
                        targets.push((g, *share));
                    }
                }
                if targets.is_empty() {
                    continue;
                }
                let id = format!("D{}", i + 1);
                let mut ups: Vec<usize> = dep.updates.iter().map(|x| x.index(ids.len())).collect();
                ups.sort();
                ups.dedup();
                let created = at(dep.created);
                let deployable = |u: usize| {
                    released[u] + 6 * HOUR <= created
                        && expired_from[u].is_none_or(|x| x > created)
                        && superseded_from[u].is_none_or(|x| x > created)
                };
                if !dep.ad_hoc {
                    let synced: Vec<usize> =
                        ups.iter().copied().filter(|&u| deployable(u)).collect();
                    let any: Vec<usize> = (0..ids.len()).filter(|&u| deployable(u)).collect();
                    if !synced.is_empty() {
                        ups = synced;
                    } else if !any.is_empty() {
                        ups = vec![any[dep.updates[0].index(any.len())]];
                    }
                    syncs.push(created.saturating_sub(4 * HOUR));
                }
                let available = dep.available.map(|a| (created + a).min(end));
                let deadline = match dep.deadline {
                    Some(x) => Some(available.unwrap_or(created) + x),
                    None if hide => Some(available.unwrap_or(created) + 3 * DAY),
                    None => None,
                };
                let mut f = vec![
                    format!("id: \"{id}\""),
                    format!(
                        "updates: {:?}",
                        ups.iter().map(|&u| ids[u].as_str()).collect::<Vec<_>>()
                    ),
                    format!(
                        "target: [{}]",
                        targets
                            .iter()
                            .map(|&(g, share)| match share {
                                Some(x) => format!("(group: \"{}\", share: {})", groups[g].0, s(x)),
                                None => format!("(group: \"{}\")", groups[g].0),
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ];
                // A primary site above every targeted group, when asked for and one exists.
                if let Some(pick) = &dep.site {
                    let primaries: Vec<usize> = (0..sites.len())
                        .filter(|&p| sites[p].kind == "Primary" && sites[p].sup.is_some())
                        .filter(|&p| {
                            targets.iter().all(|&(g, _)| {
                                above(groups[g].1, &|x| x.code == sites[p].code).is_some()
                            })
                        })
                        .collect();
                    if !primaries.is_empty() {
                        f.push(format!(
                            "site: \"{}\"",
                            sites[primaries[pick.index(primaries.len())]].code
                        ));
                    }
                }
                f.push(format!("created: \"{}\"", d(created)));
                if let Some(a) = available {
                    f.push(format!("available: \"{}\"", d(a)));
                }
                if let Some(x) = deadline {
                    f.push(format!("deadline: \"{}\"", d(x)));
                }
                let package: Vec<String> = match &explicit {
                    Some(list) => list.iter().map(|x| x.to_string()).collect(),
                    None => {
                        let mut v: Vec<String> = targets
                            .iter()
                            .filter_map(|&(g, _)| above(groups[g].1, &|x| !x.dps.is_empty()))
                            .flat_map(|site| sites[site].dps.clone())
                            .collect();
                        v.sort();
                        v.dedup();
                        v
                    }
                };
                packages.push((available.unwrap_or(created), package));
                if let Some(list) = explicit {
                    f.push(format!("distribution_points: {list:?}"));
                }
                writeln!(o, "        ({}),", f.join(", ")).unwrap();
                deployment_ids.push(id);
            }
        }
        writeln!(o, "    ],").unwrap();

        // Actions.
        writeln!(o, "    actions: [").unwrap();
        for t in syncs {
            writeln!(o, "        RunSync(at: \"{}\"),", d(t)).unwrap();
        }
        for a in &self.actions {
            match a {
                GenAction::RunSync { at: t } => {
                    writeln!(o, "        RunSync(at: \"{}\"),", d(at(*t))).unwrap()
                }
                GenAction::SetDeadline {
                    at: t,
                    deployment,
                    after,
                } => {
                    if deployment_ids.is_empty() {
                        continue;
                    }
                    let t = at(*t);
                    writeln!(
                        o,
                        "        SetDeadline(at: \"{}\", deployment: \"{}\", deadline: \"{}\"),",
                        d(t),
                        deployment_ids[deployment.index(deployment_ids.len())],
                        d(t + after)
                    )
                    .unwrap()
                }
            }
        }
        writeln!(o, "    ],").unwrap();

        // Faults.
        let sups: Vec<&String> = sites
            .iter()
            .flat_map(|x| x.sup.iter().chain(x.internet_sup.iter()))
            .collect();
        writeln!(o, "    faults: [").unwrap();
        for fault in &self.faults {
            let from = at(fault.from);
            if let GenFaultTarget::PackageDp {
                deployment,
                dp,
                after,
            } = &fault.target
            {
                if packages.is_empty() {
                    continue;
                }
                let (available, dps) = &packages[deployment.index(packages.len())];
                let from = (available + after).min(end);
                let k = dp.index(dps.len());
                let to = d(from + fault.length.max(1));
                writeln!(
                    o,
                    "        DpUnavailable(server: \"{}\", from: \"{}\", to: \"{to}\"),",
                    dps[k],
                    d(from)
                )
                .unwrap();
                continue;
            }
            let to = d(from + fault.length.max(1));
            let from = d(from);
            match &fault.target {
                GenFaultTarget::Upstream => {
                    writeln!(
                        o,
                        "        UpstreamUnavailable(from: \"{from}\", to: \"{to}\"),"
                    )
                }
                GenFaultTarget::Wsus(k) => writeln!(
                    o,
                    "        WsusUnavailable(server: \"{}\", from: \"{from}\", to: \"{to}\"),",
                    sups[k.index(sups.len())]
                ),
                GenFaultTarget::Dp(k) if !all_dps.is_empty() => writeln!(
                    o,
                    "        DpUnavailable(server: \"{}\", from: \"{from}\", to: \"{to}\"),",
                    all_dps[k.index(all_dps.len())]
                ),
                GenFaultTarget::Dp(_) | GenFaultTarget::PackageDp { .. } => Ok(()),
            }
            .unwrap();
        }
        writeln!(o, "    ],").unwrap();

        // Settings.
        let st = &self.settings;
        let mut f: Vec<String> = Vec::new();
        let mut dur = |name: &str, v: Option<u32>, min: u32| {
            if let Some(v) = v {
                f.push(format!("{name}: \"{}\"", d(v.max(min))));
            }
        };
        dur("sync_schedule_first", st.sync_schedule_first, 0);
        dur("sync_schedule_interval", st.sync_schedule_interval, 1);
        dur("sync_retry_interval", st.sync_retry_interval, 1);
        dur("itmu_catalog_interval", st.itmu_catalog_interval, 1);
        dur("machine_policy_interval", st.machine_policy_interval, 1);
        dur("scan_window", st.scan_window, 1);
        dur("state_message_interval", st.state_message_interval, 1);
        dur("location_retry_budget", st.location_retry_budget, 0);
        dur("dp_connect_retry_budget", st.dp_connect_retry_budget, 0);
        dur("dp_connect_retry_interval", st.dp_connect_retry_interval, 1);
        dur("manual_retry_budget", st.manual_retry_budget, 0);
        dur("notify_far_interval", st.notify_far_interval, 1);
        dur("user_act_window", st.user_act_window, 1);
        dur("install_duration", st.install_duration, 0);
        dur("restart_window", st.restart_window, 0);
        if let Some(b) = st.scheduled_sync {
            f.push(format!("scheduled_sync: {b}"));
        }
        if let Some(b) = st.hide_deployments {
            f.push(format!("hide_deployments: {b}"));
        }
        for (name, v) in [
            ("sync_failure_probability", st.sync_failure_probability),
            ("user_early_install_share", st.user_early_install_share),
            ("user_express_share", st.user_express_share),
            ("user_optional_share", st.user_optional_share),
        ] {
            if let Some(v) = v {
                f.push(format!("{name}: {}", s(v)));
            }
        }
        for (name, v) in [
            ("client_download_mbps", st.client_download_mbps),
            ("dp_bandwidth_mbps", st.dp_bandwidth_mbps),
        ] {
            if let Some(v) = v {
                f.push(format!("{name}: {}.0", v.max(1)));
            }
        }
        writeln!(o, "    settings: ({}),", f.join(", ")).unwrap();
        writeln!(o, ")").unwrap();
        o
    }
}
