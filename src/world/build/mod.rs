//! Builds the world from a scenario, resolving every name to an id and checking that the
//! hierarchy can exist: unique codes and names, parents that exist, one top site, no
//! cycles, SUPs only below SUPs, an IBSUP only beside an active SUP.

use super::*;
use crate::engine::calendar::Calendar;
use crate::scenario::suggest::hint;
use crate::scenario::{Action, Fault, Problem, Scenario, SiteKind, When, sizes, validate};
use petgraph::algo::{kosaraju_scc, toposort};
use std::collections::{BTreeMap, HashMap};

mod adr;
mod catalog;
mod content;
mod deployments;
mod groups;
mod sites;
mod timeline;

use catalog::catalog;
use deployments::deployments;
use groups::client_groups;
use sites::{Role, check_site_codes, servers, site_hint, site_tree, software_update_points};
use timeline::outages;

/// Builds the world, or returns every problem found (value checks included).
pub fn build(s: &Scenario) -> Result<World, Vec<Problem>> {
    let too_large = sizes(s);
    if !too_large.is_empty() {
        return Err(too_large);
    }
    let mut p = validate(s);
    let calendar = crate::scenario::calendar(s).ok().flatten();
    let cal = calendar.as_ref();
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
    let mut dps = servers(s, &mut sites, Role::Dp, &mut p);
    let pull_source = content::pull_dps(s, &mut sites, &mut dps, &mut p);
    // Each site's DPs in id order: a site default group's list is in a package's order.
    for site in &mut sites {
        site.dps.sort();
    }
    let links = content::links(s, cal, at_time(cal, &s.end), &mut p);
    let updates = catalog(s, cal, &mut p);
    let ids: BTreeMap<&str, UpdateId> = updates
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), UpdateId(i as u32)))
        .collect();
    let groups = client_groups(s, &codes, &sites, &ids, cal, &mut p);
    let named = Named {
        groups: ByName::exact(groups.iter().map(|g| g.name.as_str())),
        dps: ByName::folded(dps.iter().map(|x| x.name.as_str())),
    };
    let (boundary_groups, group_boundary) =
        content::boundary_groups(s, &groups, &dps, &named, &mut p);
    let outages = outages(s, &sups, &dps, &named, cal, &mut p);
    let mut deployments = deployments(
        s, &codes, &sites, &ids, &groups, &dps, &named, top, cal, &mut p,
    );
    let (adrs, runs) = adr::rules(
        s,
        &codes,
        &sites,
        &updates,
        &groups,
        &dps,
        &named,
        top,
        deployments.len(),
        cal,
        &mut p,
    );
    deployments.extend(runs);
    for d in &mut deployments {
        // Saturating: 100,000 updates of up to 1 PB each overflow u64.
        d.size = d
            .updates
            .iter()
            .map(|u| updates[u.index()].size)
            .fold(0, u64::saturating_add);
        // A pull DP's source gets the package too: the pull DP copies it from there.
        let mut k = 0;
        while k < d.dps.len() {
            if let Some(src) = pull_source.get(d.dps[k].index()).copied().flatten()
                && !d.dps.contains(&src)
            {
                d.dps.push(src);
            }
            k += 1;
        }
        d.dps.sort();
    }
    if !p.is_empty() {
        return Err(p);
    }
    let mut groups = groups;
    for (d, dep) in deployments.iter().enumerate() {
        for &(g, _) in &dep.targets {
            groups[g.index()].deployments |= 1 << d;
        }
    }
    let mut actions: Vec<TimedAction> = s
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::RunSync { at } => Some(TimedAction::RunSync(at_time(cal, at))),
            Action::SetDeadline {
                at,
                deployment,
                deadline,
            } => {
                let d = deployments.iter().position(|x| &x.id == deployment)?;
                Some(TimedAction::SetDeadline {
                    at: at_time(cal, at),
                    deployment: DeploymentId(d as u32),
                    deadline: at_time(cal, deadline),
                })
            }
        })
        .collect();
    actions.sort_by_key(TimedAction::at);
    let end = at_time(cal, &s.end);
    let windows = Windows::resolve(
        &s.clients
            .iter()
            .zip(&groups)
            .map(|(spec, g)| (&spec.maintenance_windows[..], &g.zone))
            .collect::<Vec<_>>(),
        cal,
        end,
    );
    let group_index = GroupIndex::new(
        groups.iter().map(|g| g.first.0).collect(),
        groups
            .last()
            .map_or(0, |g| g.first.0.saturating_add(g.count)),
    );
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
        adrs,
        actions,
        outages,
        settings: s.settings.clone(),
        seed: s.seed,
        end,
        windows,
        calendar,
        links,
        pull_source,
        boundary_groups,
        group_boundary,
        group_index,
    })
}

/// The instant `w` names on `calendar`. Only called once `validate` has placed every point
/// in time of the scenario (an unplaceable one stops the build), so the fallback is never
/// taken.
fn at_time(calendar: Option<&Calendar>, w: &When) -> SimTime {
    w.resolve(calendar).unwrap_or_default()
}

/// Maps names to their index, reporting duplicates (case-insensitive, as Windows does).
fn unique_names<'a>(
    p: &mut Vec<Problem>,
    names: impl Iterator<Item = &'a str>,
    list: &str,
    field: &str,
) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    let mut written: Vec<&str> = Vec::new();
    for (i, n) in names.enumerate() {
        written.push(n);
        if let Some(j) = seen.insert(n.to_ascii_uppercase(), i) {
            seen.insert(n.to_ascii_uppercase(), j);
            p.push(Problem::new(
                format!("{list}[{i}].{field}"),
                format!(
                    "`{n}` is used twice{}; expected a unique name",
                    case_note(written[j], n, &format!("{list}[{j}]"))
                ),
            ));
        }
    }
    seen
}

/// ` (names are compared regardless of case: `X` at WHERE)` when the earlier name
/// `earlier` differs from `n` only in case, else nothing: "used twice" of `a` and `A` is a
/// puzzle without it.
pub(super) fn case_note(earlier: &str, n: &str, at: &str) -> String {
    if earlier == n {
        String::new()
    } else {
        format!(" (names are compared regardless of case: `{earlier}` at {at})")
    }
}

/// Names mapped to their position, built once: resolving a file's references then costs
/// one look-up each, where scanning the list for each took minutes for 100,000 targets
/// among 100,000 groups. The first of equal names wins, as a scan would find it.
pub(super) struct ByName<'a> {
    map: HashMap<std::borrow::Cow<'a, str>, usize>,
    folded: bool,
}

impl<'a> ByName<'a> {
    /// Names matched exactly (client groups: a target names its group as written).
    fn exact(names: impl Iterator<Item = &'a str>) -> Self {
        Self::new(names.map(std::borrow::Cow::Borrowed), false)
    }

    /// Names matched regardless of ASCII case, as Windows matches server names.
    fn folded(names: impl Iterator<Item = &'a str>) -> Self {
        Self::new(names.map(|n| n.to_ascii_uppercase().into()), true)
    }

    fn new(names: impl Iterator<Item = std::borrow::Cow<'a, str>>, folded: bool) -> Self {
        let mut map = HashMap::new();
        for (i, n) in names.enumerate() {
            map.entry(n).or_insert(i);
        }
        ByName { map, folded }
    }

    /// The position of `name`, if the list has it.
    pub(super) fn get(&self, name: &str) -> Option<usize> {
        if self.folded {
            self.map.get(name.to_ascii_uppercase().as_str()).copied()
        } else {
            self.map.get(name).copied()
        }
    }
}

/// The lists the file's references name, indexed once ([`ByName`]).
pub(super) struct Named<'a> {
    /// Client groups, by exact name.
    groups: ByName<'a>,
    /// Distribution points (plain and pull), by name regardless of case.
    dps: ByName<'a>,
}
