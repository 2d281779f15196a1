//! Deployments and the operator's actions: what is generated, its strategies, and its
//! rendering (with the Run Synchronization an operator clicks before deploying).

use super::catalog::Catalog;
use super::sites::{Site, above, all_dps};
use super::{DAY, Gen, HOUR, d, dur, s, share, time};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use std::fmt::Write;

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
    /// The deadline is each client's wall-clock time in its group's zone.
    pub client_local: bool,
    /// Deadline behaviour: `install_outside_windows: true`.
    pub install_outside: bool,
    /// Deadline behaviour: `restart_outside_windows: true`.
    pub restart_outside: bool,
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

pub(super) fn deployment() -> impl Strategy<Value = GenDeployment> {
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
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.3),
    )
        .prop_map(
            |(
                updates,
                targets,
                site,
                created,
                available,
                deadline,
                dps,
                ad_hoc,
                client_local,
                install_outside,
                restart_outside,
            )| {
                GenDeployment {
                    updates,
                    targets,
                    site,
                    created,
                    available,
                    deadline,
                    dps,
                    ad_hoc,
                    client_local,
                    install_outside,
                    restart_outside,
                }
            },
        )
}

pub(super) fn action() -> impl Strategy<Value = GenAction> {
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

/// What the rendered deployments leave to the actions and faults.
pub(super) struct Deployed {
    /// The ids of the deployments kept.
    pub(super) ids: Vec<String>,
    /// The Run Synchronization before each deployment an operator deploys after a sync.
    pub(super) syncs: Vec<u32>,
    /// Each deployment's available time and package DPs.
    pub(super) packages: Vec<(u32, Vec<String>)>,
}

impl Gen {
    /// Writes the `deployments` field.
    pub(super) fn write_deployments(
        &self,
        o: &mut String,
        sites: &[Site],
        groups: &[(String, usize)],
        catalog: &Catalog,
    ) -> Deployed {
        let end = self.length();
        let hide = self.settings.hide_deployments == Some(true);
        let ids = &catalog.ids;
        let all_dps = all_dps(sites);
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
                    let served = explicit.is_some()
                        || above(sites, groups[g].1, |x| !x.dps.is_empty()).is_some();
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
                let created = self.at(dep.created);
                let deployable = |u: usize| catalog.deployable(u, created);
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
                                above(sites, groups[g].1, |x| x.code == sites[p].code).is_some()
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
                if dep.client_local {
                    f.push("time_based_on: ClientLocal".into());
                }
                if dep.install_outside {
                    f.push("install_outside_windows: true".into());
                }
                if dep.restart_outside {
                    f.push("restart_outside_windows: true".into());
                }
                let package: Vec<String> = match &explicit {
                    Some(list) => list.iter().map(|x| x.to_string()).collect(),
                    None => {
                        let mut v: Vec<String> = targets
                            .iter()
                            .filter_map(|&(g, _)| above(sites, groups[g].1, |x| !x.dps.is_empty()))
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
        Deployed {
            ids: deployment_ids,
            syncs,
            packages,
        }
    }

    /// Writes the `actions` field: the Run Synchronization before deployments, then the
    /// generated actions.
    pub(super) fn write_actions(&self, o: &mut String, deployed: &Deployed) {
        let deployment_ids = &deployed.ids;
        writeln!(o, "    actions: [").unwrap();
        for &t in &deployed.syncs {
            writeln!(o, "        RunSync(at: \"{}\"),", d(t)).unwrap();
        }
        for a in &self.actions {
            match a {
                GenAction::RunSync { at: t } => {
                    writeln!(o, "        RunSync(at: \"{}\"),", d(self.at(*t))).unwrap()
                }
                GenAction::SetDeadline {
                    at: t,
                    deployment,
                    after,
                } => {
                    if deployment_ids.is_empty() {
                        continue;
                    }
                    let t = self.at(*t);
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
    }
}
