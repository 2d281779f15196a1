//! Builds the world from a scenario, resolving every name to an id and checking that the
//! hierarchy can exist: unique codes and names, parents that exist, one top site, no
//! cycles, SUPs only below SUPs, an IBSUP only beside an active SUP.

use super::*;
use crate::scenario::suggest::did_you_mean;
use crate::scenario::{Action, Fault, Problem, Scenario, SiteKind, sizes, validate};
use petgraph::algo::{kosaraju_scc, toposort};
use std::collections::BTreeMap;

/// Builds the world, or returns every problem found (value checks included).
pub fn build(s: &Scenario) -> Result<World, Vec<Problem>> {
    let too_large = sizes(s);
    if !too_large.is_empty() {
        return Err(too_large);
    }
    let mut p = validate(s);
    let codes = unique_names(
        &mut p,
        s.sites.iter().map(|x| x.code.as_str()),
        "sites",
        "code",
    );
    check_site_codes(s, &mut p);
    let (mut sites, tree, top) = site_tree(s, &codes, &mut p);
    let sups = software_update_points(s, &mut sites, top, &mut p);
    let mps = servers(s, &mut sites, Role::Mp, &mut p);
    let dps = servers(s, &mut sites, Role::Dp, &mut p);
    let updates = catalog(s, &mut p);
    let ids: BTreeMap<&str, UpdateId> = updates
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), UpdateId(i as u32)))
        .collect();
    let groups = client_groups(s, &codes, &sites, &ids, &mut p);
    let outages = outages(s, &sups, &dps, &mut p);
    let mut deployments = deployments(s, &codes, &sites, &ids, &groups, &dps, top, &mut p);
    for d in &mut deployments {
        // Saturating: 100,000 updates of up to 1 PB each overflow u64.
        d.size = d
            .updates
            .iter()
            .map(|u| updates[u.index()].size)
            .fold(0, u64::saturating_add);
    }
    if !p.is_empty() {
        return Err(p);
    }
    let mut actions: Vec<TimedAction> = s
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::RunSync { at } => Some(TimedAction::RunSync(at.at())),
            Action::SetDeadline {
                at,
                deployment,
                deadline,
            } => {
                let d = deployments.iter().position(|x| &x.id == deployment)?;
                Some(TimedAction::SetDeadline {
                    at: at.at(),
                    deployment: DeploymentId(d as u32),
                    deadline: deadline.at(),
                })
            }
        })
        .collect();
    actions.sort_by_key(TimedAction::at);
    Ok(World {
        name: s.name.clone(),
        sites,
        tree,
        top: top.expect("checked: one top site"),
        sups,
        mps,
        dps,
        groups,
        updates,
        deployments,
        actions,
        outages,
        settings: s.settings.clone(),
        seed: s.seed,
        start: s
            .start
            .as_deref()
            .and_then(|t| crate::engine::calendar::StartDate::parse(t).ok()),
        end: s.end.at(),
    })
}

/// Maps names to their index, reporting duplicates (case-insensitive, as Windows does).
fn unique_names<'a>(
    p: &mut Vec<Problem>,
    names: impl Iterator<Item = &'a str>,
    list: &str,
    field: &str,
) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for (i, n) in names.enumerate() {
        if seen.insert(n.to_ascii_uppercase(), i).is_some() {
            p.push(Problem::new(
                format!("{list}[{i}].{field}"),
                format!("`{n}` is used twice; expected a unique name"),
            ));
        }
    }
    seen
}

fn check_site_codes(s: &Scenario, p: &mut Vec<Problem>) {
    for (i, site) in s.sites.iter().enumerate() {
        let c = &site.code;
        if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_alphanumeric()) {
            p.push(Problem::new(
                format!("sites[{i}].code"),
                format!("`{c}`: expected a site code of 3 letters or digits, e.g. \"P01\""),
            ));
        }
    }
}

type Tree = (Vec<Site>, DiGraph<SiteId, ()>, Option<SiteId>);

/// Resolves parents, checks kinds, finds the top site and rejects cycles.
fn site_tree(s: &Scenario, codes: &BTreeMap<String, usize>, p: &mut Vec<Problem>) -> Tree {
    let mut tree = DiGraph::new();
    let nodes: Vec<_> = (0..s.sites.len())
        .map(|i| tree.add_node(SiteId(i as u16)))
        .collect();
    let mut sites: Vec<Site> = s.sites.iter().map(empty_site).collect();
    let mut top = None;
    for (i, spec) in s.sites.iter().enumerate() {
        let path = format!("sites[{i}].parent");
        let Some(parent_code) = &spec.parent else {
            if spec.kind == SiteKind::Secondary {
                p.push(Problem::new(
                    path,
                    "a secondary site needs a parent primary site",
                ));
            } else if let Some(SiteId(t)) = top {
                p.push(Problem::new(
                    path,
                    format!(
                        "only one top site is allowed (`{}` is already the top); expected `parent`",
                        s.sites[t as usize].code
                    ),
                ));
            } else {
                top = Some(SiteId(i as u16));
            }
            continue;
        };
        let Some(&parent) = codes.get(&parent_code.to_ascii_uppercase()) else {
            p.push(Problem::new(
                path,
                format!(
                    "no site has the code `{parent_code}`{}",
                    site_hint(s, parent_code)
                ),
            ));
            continue;
        };
        if parent == i {
            p.push(Problem::new(path, "a site cannot be its own parent"));
            continue;
        }
        check_parent_kind(spec.kind, s.sites[parent].kind, &path, p);
        sites[i].parent = Some(SiteId(parent as u16));
        tree.add_edge(nodes[parent], nodes[i], ());
    }
    if top.is_none() && !s.sites.is_empty() {
        p.push(Problem::new(
            "sites",
            "no top site: exactly one site must have no `parent`",
        ));
    }
    if s.sites.is_empty() {
        p.push(Problem::new("sites", "expected at least one site"));
    }
    // Cycles are found in linear time (strongly connected components, iteratively: no deep
    // recursion on a long chain; before anything walks
    // up the parent links) and cut: their sites lose their parent, so later walks up the
    // chain (`nearest`, SUP upstreams) end instead of spinning; the world is not built anyway.
    let mut cyclic = false;
    for mut cycle in kosaraju_scc(&tree).into_iter().filter(|c| c.len() > 1) {
        cyclic = true;
        cycle.sort();
        let first = cycle[0].index();
        let mut chain = vec![s.sites[first].code.as_str()];
        let mut at = first;
        for _ in 0..cycle.len() {
            at = sites[at].parent.map_or(first, |x| x.index());
            chain.push(s.sites[at].code.as_str());
        }
        p.push(Problem::new(
            format!("sites[{first}].parent"),
            format!(
                "the parent links form a cycle ({}); expected every site to lead up to the top \
                 site: remove one of these `parent` links or point it at a site outside the cycle",
                chain.join(" → ")
            ),
        ));
        for n in cycle {
            sites[n.index()].parent = None;
        }
    }
    match toposort(&tree, None) {
        Err(_) => debug_assert!(cyclic, "toposort and kosaraju_scc disagree"),
        Ok(order) => {
            for n in order {
                let i = n.index();
                if let Some(parent) = sites[i].parent {
                    sites[i].depth = sites[parent.index()].depth + 1;
                    sites[parent.index()].children.push(SiteId(i as u16));
                }
            }
        }
    }
    for site in &mut sites {
        site.children.sort();
    }
    (sites, tree, top)
}

/// The suggestion for a site code the file names but no site has.
fn site_hint(s: &Scenario, code: &str) -> String {
    did_you_mean(code, s.sites.iter().map(|x| x.code.as_str()))
}

fn empty_site(spec: &crate::scenario::SiteSpec) -> Site {
    Site {
        code: spec.code.clone(),
        kind: spec.kind,
        parent: None,
        children: Vec::new(),
        depth: 0,
        sup: None,
        internet_sup: None,
        mps: Vec::new(),
        dps: Vec::new(),
        upgraded_from_sms2003: spec.upgraded_from_sms2003,
    }
}

fn check_parent_kind(child: SiteKind, parent: SiteKind, path: &str, p: &mut Vec<Problem>) {
    let expected = match child {
        SiteKind::Central => Some("a central site has no parent"),
        SiteKind::Primary if parent != SiteKind::Central => {
            Some("a primary site's parent must be the central site")
        }
        SiteKind::Secondary if parent != SiteKind::Primary => {
            Some("a secondary site's parent must be a primary site")
        }
        _ => None,
    };
    if let Some(m) = expected {
        p.push(Problem::new(path, m));
    }
}

/// Creates the SUPs and their upstreams: the top site's from Microsoft Update (R01), a child
/// site's from its parent's (R04), an Internet-based one from its site's active SUP (R05).
fn software_update_points(
    s: &Scenario,
    sites: &mut [Site],
    top: Option<SiteId>,
    p: &mut Vec<Problem>,
) -> Vec<Sup> {
    let names = s
        .sites
        .iter()
        .flat_map(|x| x.sup.iter().chain(x.internet_sup.iter()))
        .map(String::as_str);
    unique_names(p, names, "sites", "sup");
    if let Some(t) = top
        && s.sites[t.index()].sup.is_none()
    {
        p.push(Problem::new(
            format!("sites[{}].sup", t.index()),
            "the top site needs an active software update point to synchronize from Microsoft Update (R01)",
        ));
    }
    let mut sups = Vec::new();
    // Parents before children, so a child's upstream SUP already has its id.
    let mut order: Vec<usize> = (0..sites.len()).collect();
    order.sort_by_key(|&i| sites[i].depth);
    for i in order {
        let spec = &s.sites[i];
        if let Some(name) = &spec.sup {
            let upstream = match sites[i].parent {
                None => Upstream::MicrosoftUpdate,
                Some(parent) => match sites[parent.index()].sup {
                    Some(up) => Upstream::Sup(up),
                    None => {
                        p.push(Problem::new(
                            format!("sites[{i}].sup"),
                            format!(
                                "parent site `{}` has no software update point to sync from (R04)",
                                sites[parent.index()].code
                            ),
                        ));
                        continue;
                    }
                },
            };
            sites[i].sup = Some(add_sup(&mut sups, name, i, false, upstream));
        }
        if let Some(name) = &spec.internet_sup {
            let Some(active) = sites[i].sup else {
                p.push(Problem::new(
                    format!("sites[{i}].internet_sup"),
                    "an Internet-based SUP needs an active `sup` at its site to sync from (R05)",
                ));
                continue;
            };
            sites[i].internet_sup = Some(add_sup(&mut sups, name, i, true, Upstream::Sup(active)));
        }
    }
    sups
}

fn add_sup(
    sups: &mut Vec<Sup>,
    name: &str,
    site: usize,
    internet: bool,
    upstream: Upstream,
) -> SupId {
    sups.push(Sup {
        name: name.to_string(),
        site: SiteId(site as u16),
        internet,
        upstream,
    });
    SupId(sups.len() as u16 - 1)
}

/// A server role listed per site.
#[derive(Clone, Copy)]
enum Role {
    Mp,
    Dp,
}

/// Creates the management points or distribution points of every site.
fn servers(s: &Scenario, sites: &mut [Site], role: Role, p: &mut Vec<Problem>) -> Vec<Server> {
    let field = match role {
        Role::Mp => "management_points",
        Role::Dp => "distribution_points",
    };
    let mut out = Vec::new();
    let mut seen = BTreeMap::new();
    for (i, spec) in s.sites.iter().enumerate() {
        let names = match role {
            Role::Mp => &spec.management_points,
            Role::Dp => &spec.distribution_points,
        };
        for (j, name) in names.iter().enumerate() {
            if seen.insert(name.to_ascii_uppercase(), ()).is_some() {
                p.push(Problem::new(
                    format!("sites[{i}].{field}[{j}]"),
                    format!("`{name}` is used twice; expected a unique server name"),
                ));
            }
            let id = ServerId(out.len() as u32);
            match role {
                Role::Mp => sites[i].mps.push(id),
                Role::Dp => sites[i].dps.push(id),
            }
            out.push(Server {
                name: name.clone(),
                site: SiteId(i as u16),
            });
        }
    }
    out
}

/// The catalog in release order, with supersedence resolved and checked for cycles.
fn catalog(s: &Scenario, p: &mut Vec<Problem>) -> Vec<Update> {
    let ids = unique_names(p, s.catalog.iter().map(|u| u.id.as_str()), "catalog", "id");
    let mut order: Vec<usize> = (0..s.catalog.len()).collect();
    order.sort_by_key(|&i| s.catalog[i].released); // stable: scenario order breaks ties
    let mut rank = vec![0u32; order.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r as u32;
    }
    let mut graph = DiGraph::<usize, ()>::new();
    let nodes: Vec<_> = (0..s.catalog.len()).map(|i| graph.add_node(i)).collect();
    let mut updates: Vec<Update> = order.iter().map(|&i| spec_update(&s.catalog[i])).collect();
    for (i, u) in s.catalog.iter().enumerate() {
        for (j, old) in u.supersedes.iter().enumerate() {
            let path = format!("catalog[{i}].supersedes[{j}]");
            match ids.get(&old.to_ascii_uppercase()) {
                None => p.push(Problem::new(path, format!("no update has the id `{old}`"))),
                Some(&k) if k == i => {
                    p.push(Problem::new(path, "an update cannot supersede itself"))
                }
                Some(&k) => {
                    graph.add_edge(nodes[i], nodes[k], ());
                    updates[rank[i] as usize].supersedes.push(UpdateId(rank[k]));
                    updates[rank[k] as usize]
                        .superseded_by
                        .push(UpdateId(rank[i]));
                }
            }
        }
    }
    for u in &mut updates {
        u.superseded_by.sort();
    }
    if let Err(cycle) = toposort(&graph, None) {
        p.push(Problem::new(
            format!("catalog[{}].supersedes", cycle.node_id().index()),
            "supersedence forms a cycle",
        ));
    }
    updates
}

fn spec_update(u: &crate::scenario::UpdateSpec) -> Update {
    let released = u.released.at();
    Update {
        id: u.id.clone(),
        title: if u.title.is_empty() {
            u.id.clone()
        } else {
            u.title.clone()
        },
        size: u.size.0,
        classification: u.classification,
        supersedes: Vec::new(),
        superseded_by: Vec::new(),
        service_pack: u.service_pack,
        released,
        expired_from: if u.expired {
            Some(released)
        } else {
            u.expires_at.map(|d| d.at())
        },
        migrated: u.migrated,
        restart: u.restart,
    }
}

fn client_groups(
    s: &Scenario,
    codes: &BTreeMap<String, usize>,
    sites: &[Site],
    ids: &BTreeMap<&str, UpdateId>,
    p: &mut Vec<Problem>,
) -> Vec<ClientGroup> {
    unique_names(
        p,
        s.clients.iter().map(|g| g.name.as_str()),
        "clients",
        "name",
    );
    let mut next = 0u64;
    let mut out = Vec::new();
    for (i, g) in s.clients.iter().enumerate() {
        let Some(&site) = codes.get(&g.site.to_ascii_uppercase()) else {
            p.push(Problem::new(
                format!("clients[{i}].site"),
                format!("no site has the code `{}`{}", g.site, site_hint(s, &g.site)),
            ));
            continue;
        };
        if g.internet && sites[site].internet_sup.is_none() {
            p.push(Problem::new(
                format!("clients[{i}].internet"),
                format!(
                    "site `{}` has no `internet_sup` for Internet-based clients",
                    g.site
                ),
            ));
        }
        let Some(placed) = place_group(sites, site, g.internet) else {
            p.push(Problem::new(
                format!("clients[{i}].site"),
                format!(
                    "no management point at `{}` or above it to send state messages to (R13)",
                    g.site
                ),
            ));
            continue;
        };
        if g.internet && g.legacy {
            p.push(Problem::new(
                format!("clients[{i}].legacy"),
                "SMS 2003 clients cannot be Internet-based",
            ));
        }
        let mut applicability = Vec::new();
        for (j, a) in g.updates.iter().enumerate() {
            match ids.get(a.update.as_str()) {
                Some(&u) if applicability.iter().any(|&(v, _, _)| v == u) => p.push(Problem::new(
                    format!("clients[{i}].updates[{j}].update"),
                    format!("`{}` is listed twice for this group", a.update),
                )),
                Some(&u) => applicability.push((u, a.applies, a.installed)),
                None => p.push(Problem::new(
                    format!("clients[{i}].updates[{j}].update"),
                    format!(
                        "no update in the catalog has the id `{}`{}",
                        a.update,
                        did_you_mean(&a.update, s.catalog.iter().map(|u| u.id.as_str()))
                    ),
                )),
            }
        }
        out.push(ClientGroup {
            name: g.name.clone(),
            site: SiteId(site as u16),
            first: ClientId(next.min(u64::from(u32::MAX)) as u32),
            count: g.count,
            internet: g.internet,
            legacy: g.legacy,
            sup: placed.sup,
            policy_site: placed.policy_site,
            mps: placed.mps,
            db_site: placed.db_site,
            applicability,
        });
        next += u64::from(g.count);
    }
    out
}

/// Where a group's clients get policy, scan and report.
struct Placement {
    sup: SupId,
    policy_site: SiteId,
    mps: Vec<ServerId>,
    db_site: SiteId,
}

/// Resolves a group at `site`; `None` when no management point serves it. A site without a
/// SUP is served by the nearest one above it (the top site always has one, checked earlier).
fn place_group(sites: &[Site], site: usize, internet: bool) -> Option<Placement> {
    let at = SiteId(site as u16);
    let db_site = super::nearest(sites, at, |s| !s.mps.is_empty())?;
    let policy_site = super::nearest(sites, at, |s| s.sup.is_some())?;
    let sup = match sites[site].internet_sup {
        Some(ib) if internet => ib,
        _ => sites[policy_site.index()].sup?,
    };
    Some(Placement {
        sup,
        policy_site,
        mps: sites[db_site.index()].mps.clone(),
        db_site,
    })
}

fn outages(s: &Scenario, sups: &[Sup], dps: &[Server], p: &mut Vec<Problem>) -> Vec<Outage> {
    let mut out = Vec::new();
    for (i, f) in s.faults.iter().enumerate() {
        let (target, from, to) = match f {
            Fault::UpstreamUnavailable { from, to } => (OutageTarget::Upstream, from, to),
            Fault::DpUnavailable { server, from, to } => {
                match dps.iter().position(|x| x.name.eq_ignore_ascii_case(server)) {
                    Some(k) => (OutageTarget::Dp(ServerId(k as u32)), from, to),
                    None => {
                        p.push(Problem::new(
                            format!("faults[{i}].server"),
                            format!(
                                "no distribution point is called `{server}`{}",
                                did_you_mean(server, dps.iter().map(|x| x.name.as_str()))
                            ),
                        ));
                        continue;
                    }
                }
            }
            Fault::WsusUnavailable { server, from, to } => {
                match sups
                    .iter()
                    .position(|x| x.name.eq_ignore_ascii_case(server))
                {
                    Some(k) => (OutageTarget::Wsus(SupId(k as u16)), from, to),
                    None => {
                        p.push(Problem::new(
                            format!("faults[{i}].server"),
                            format!("no software update point is called `{server}`"),
                        ));
                        continue;
                    }
                }
            }
        };
        out.push(Outage {
            target,
            from: from.at(),
            to: to.at(),
        });
    }
    out
}

/// Resolves deployments: unique ids, known updates, groups and DPs; the package's DPs default
/// to those serving the targeted groups. Also checks deadline changes name a deployment.
#[allow(clippy::too_many_arguments)]
fn deployments(
    s: &Scenario,
    codes: &BTreeMap<String, usize>,
    sites: &[Site],
    ids: &BTreeMap<&str, UpdateId>,
    groups: &[ClientGroup],
    dps: &[Server],
    top: Option<SiteId>,
    p: &mut Vec<Problem>,
) -> Vec<Deployment> {
    unique_names(
        p,
        s.deployments.iter().map(|d| d.id.as_str()),
        "deployments",
        "id",
    );
    for (i, a) in s.actions.iter().enumerate() {
        if let Action::SetDeadline { deployment, .. } = a
            && !s.deployments.iter().any(|d| &d.id == deployment)
        {
            p.push(Problem::new(
                format!("actions[{i}].deployment"),
                format!(
                    "no deployment has the id `{deployment}`{}",
                    did_you_mean(deployment, s.deployments.iter().map(|d| d.id.as_str()))
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
                        did_you_mean(u, s.catalog.iter().map(|u| u.id.as_str()))
                    ),
                )),
            }
        }
        let mut targets = Vec::new();
        for (j, t) in d.target.iter().enumerate() {
            match groups.iter().position(|g| g.name == t.group) {
                Some(g) => targets.push((GroupId(g as u32), t.share)),
                None => p.push(Problem::new(
                    format!("{path}.target[{j}].group"),
                    format!(
                        "no client group is called `{}`{}",
                        t.group,
                        did_you_mean(&t.group, groups.iter().map(|g| g.name.as_str()))
                    ),
                )),
            }
        }
        let site = match &d.site {
            None => top,
            Some(code) => {
                let found = codes
                    .get(&code.to_ascii_uppercase())
                    .map(|&k| SiteId(k as u16));
                if found.is_none() {
                    p.push(Problem::new(
                        format!("{path}.site"),
                        format!("no site has the code `{code}`{}", site_hint(s, code)),
                    ));
                }
                found
            }
        };
        let package = package_dps(d, &path, sites, groups, &targets, dps, p);
        let (Some(site), Some(package)) = (site, package) else {
            continue;
        };
        out.push(Deployment {
            id: d.id.clone(),
            size: 0,
            updates,
            targets,
            site,
            created: d.created.at(),
            available: d.available.unwrap_or(d.created).at(),
            deadline: d.deadline.map(|x| x.at()),
            dps: package,
        });
    }
    out
}

/// The DPs of a deployment's package: as listed, or those serving its targeted groups.
fn package_dps(
    d: &crate::scenario::DeploymentSpec,
    path: &str,
    sites: &[Site],
    groups: &[ClientGroup],
    targets: &[(GroupId, f64)],
    dps: &[Server],
    p: &mut Vec<Problem>,
) -> Option<Vec<ServerId>> {
    let mut package = Vec::new();
    match &d.distribution_points {
        Some(names) => {
            for (j, name) in names.iter().enumerate() {
                match dps.iter().position(|x| x.name.eq_ignore_ascii_case(name)) {
                    Some(k) => package.push(ServerId(k as u32)),
                    None => p.push(Problem::new(
                        format!("{path}.distribution_points[{j}]"),
                        format!(
                            "no distribution point is called `{name}`{}",
                            did_you_mean(name, dps.iter().map(|x| x.name.as_str()))
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
