//! Deployments: their updates, targets, site, times and the DPs holding their package.

use super::*;
use crate::scenario::PhaseStart;
use crate::world::{Begins, NOT_STARTED, Phase};

/// Resolves deployments: unique ids, known updates, groups and DPs; the package's DPs default
/// to those serving the targeted groups. Also checks deadline changes name a deployment.
#[allow(clippy::too_many_arguments)]
pub(super) fn deployments(
    s: &Scenario,
    codes: &BTreeMap<String, usize>,
    sites: &[Site],
    ids: &BTreeMap<&str, UpdateId>,
    groups: &[ClientGroup],
    dps: &[Server],
    named: &Named,
    top: Option<SiteId>,
    cal: Option<&Calendar>,
    p: &mut Vec<Problem>,
) -> Vec<Deployment> {
    unique_names(
        p,
        s.deployments.iter().map(|d| d.id.as_str()),
        "deployments",
        "id",
    );
    // A phase's deployment is called `<id>/<phase>`: it must not take another's name.
    for (i, d) in s.deployments.iter().enumerate() {
        if d.id.contains('/') && s.deployments.iter().any(|x| !x.phases.is_empty()) {
            p.push(Problem::new(
                format!("deployments[{i}].id"),
                "with phased deployments in the scenario, ids may not contain `/` (a phase's \
                 deployment is called `<id>/<phase name>`)",
            ));
        }
    }
    for (i, a) in s.actions.iter().enumerate() {
        if let Action::SetDeadline { deployment, .. } = a
            && !s
                .deployments
                .iter()
                .any(|d| d.deployment_ids().contains(deployment))
        {
            p.push(Problem::new(
                format!("actions[{i}].deployment"),
                format!(
                    "no deployment has the id `{deployment}`{}",
                    hint(p, deployment, s.deployments.iter().map(|d| d.id.as_str()))
                ),
            ));
        }
    }
    let mut out = Vec::new();
    for (i, d) in s.deployments.iter().enumerate() {
        let path = format!("deployments[{i}]");
        let mut updates = Vec::new();
        for (j, u) in d.updates.iter().enumerate() {
            match ids.get(u.as_str()) {
                Some(&id) => updates.push(id),
                None => p.push(Problem::new(
                    format!("{path}.updates[{j}]"),
                    format!(
                        "no update in the catalog has the id `{u}`{}",
                        hint(p, u, s.catalog.iter().map(|u| u.id.as_str()))
                    ),
                )),
            }
        }
        let site = site_of(&d.site, &path, top, codes, s, p);
        let created = at_time(cal, &d.created);
        let one = Deployment {
            id: d.id.clone(),
            size: 0,
            updates,
            targets: Vec::new(),
            site: site.unwrap_or(SiteId(0)),
            created,
            available: at_time(cal, d.available.as_ref().unwrap_or(&d.created)),
            deadline: d.deadline.as_ref().map(|x| at_time(cal, x)),
            client_local: d.time_based_on == crate::scenario::TimeBase::ClientLocal,
            install_outside_windows: d.install_outside_windows,
            restart_outside_windows: d.restart_outside_windows,
            dps: Vec::new(),
            phase: None,
            adr: None,
            randomization: d.deadline_randomization.map(|x| x.0),
        };
        if d.phases.is_empty() {
            let targets = targets(&d.target, &path, groups, named, p);
            let package = package_dps(
                &d.distribution_points,
                &path,
                sites,
                groups,
                &targets,
                dps,
                named,
                p,
            );
            if let (Some(_), Some(dps)) = (site, package) {
                out.push(Deployment {
                    targets,
                    dps,
                    ..one
                });
            }
            continue;
        }
        // One deployment per phase (phases.rs): the first begins at `created`.
        for (j, ph) in d.phases.iter().enumerate() {
            let path = format!("{path}.phases[{j}]");
            let targets = targets(&ph.target, &path, groups, named, p);
            let package = package_dps(
                &d.distribution_points,
                &path,
                sites,
                groups,
                &targets,
                dps,
                named,
                p,
            );
            let (Some(_), Some(dps)) = (site, package) else {
                continue;
            };
            let phase = Phase {
                number: j as u32 + 1,
                begins: match (j, ph.begins.unwrap_or_default()) {
                    (0, _) => Begins::Created,
                    (_, PhaseStart::Success { percent, deferral }) => Begins::Success {
                        percent,
                        deferral: deferral.0,
                    },
                    (_, PhaseStart::Delay(x)) => Begins::Delay(x.0),
                },
                available_after: ph.available_after.0,
                deadline_after: ph.deadline_after.map(|x| x.0),
                last: j + 1 == d.phases.len(),
            };
            let (created, available, deadline) = if j == 0 {
                let available = created + phase.available_after;
                (
                    created,
                    available,
                    phase.deadline_after.map(|x| available + x),
                )
            } else {
                (NOT_STARTED, NOT_STARTED, None)
            };
            out.push(Deployment {
                id: d.phase_id(j),
                updates: one.updates.clone(),
                targets,
                created,
                available,
                deadline,
                dps,
                phase: Some(phase),
                ..one.clone()
            });
        }
    }
    out
}

/// A collection's groups and shares, resolved.
/// The site a deployment or rule names (`field` at `path`), else the top site; `None` (and
/// a problem) for an unknown code.
pub(super) fn site_of(
    field: &Option<String>,
    path: &str,
    top: Option<SiteId>,
    codes: &BTreeMap<String, usize>,
    s: &Scenario,
    p: &mut Vec<Problem>,
) -> Option<SiteId> {
    let Some(code) = field else { return top };
    let found = codes
        .get(&code.to_ascii_uppercase())
        .map(|&k| SiteId(k as u16));
    if found.is_none() {
        p.push(Problem::new(
            format!("{path}.site"),
            format!("no site has the code `{code}`{}", site_hint(p, s, code)),
        ));
    }
    found
}

pub(super) fn targets(
    spec: &[crate::scenario::TargetSpec],
    path: &str,
    groups: &[ClientGroup],
    named: &Named,
    p: &mut Vec<Problem>,
) -> Vec<(GroupId, f64)> {
    let mut targets = Vec::new();
    for (j, t) in spec.iter().enumerate() {
        match named.groups.get(&t.group) {
            Some(g) => targets.push((GroupId(g as u32), t.share)),
            None => p.push(Problem::new(
                format!("{path}.target[{j}].group"),
                format!(
                    "no client group is called `{}`{}",
                    t.group,
                    hint(p, &t.group, groups.iter().map(|g| g.name.as_str()))
                ),
            )),
        }
    }
    targets
}

/// The DPs of a deployment's package: as listed, or those serving its targeted groups.
#[allow(clippy::too_many_arguments)]
pub(super) fn package_dps(
    listed: &Option<Vec<String>>,
    path: &str,
    sites: &[Site],
    groups: &[ClientGroup],
    targets: &[(GroupId, f64)],
    dps: &[Server],
    named: &Named,
    p: &mut Vec<Problem>,
) -> Option<Vec<ServerId>> {
    let mut package = Vec::new();
    match listed {
        Some(names) => {
            for (j, name) in names.iter().enumerate() {
                match named.dps.get(name) {
                    Some(k) => package.push(ServerId(k as u32)),
                    None => p.push(Problem::new(
                        format!("{path}.distribution_points[{j}]"),
                        format!(
                            "no distribution point is called `{name}`{}",
                            hint(p, name, dps.iter().map(|x| x.name.as_str()))
                        ),
                    )),
                }
            }
        }
        None => {
            for &(g, _) in targets {
                let group = &groups[g.index()];
                match super::nearest(sites, group.site, |s| !s.dps.is_empty()) {
                    Some(site) => package.extend(&sites[site.index()].dps),
                    None => {
                        p.push(Problem::new(
                            format!("{path}.target"),
                            format!(
                                "no distribution point at or above the site of group `{}`",
                                group.name
                            ),
                        ));
                        return None;
                    }
                }
            }
        }
    }
    package.sort();
    package.dedup();
    Some(package)
}
