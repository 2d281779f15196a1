//! The hierarchy: site codes, the parent tree (cycles found without walking them), software
//! update points and the MP and DP servers of each site.

use super::*;

pub(super) fn check_site_codes(s: &Scenario, p: &mut Vec<Problem>) {
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

pub(super) type Tree = (Vec<Site>, DiGraph<SiteId, ()>, Option<SiteId>);

/// Resolves parents, checks kinds, finds the top site and rejects cycles.
pub(super) fn site_tree(
    s: &Scenario,
    codes: &BTreeMap<String, usize>,
    p: &mut Vec<Problem>,
) -> Tree {
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
                    site_hint(p, s, parent_code)
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
pub(super) fn site_hint(p: &[Problem], s: &Scenario, code: &str) -> String {
    hint(p, code, s.sites.iter().map(|x| x.code.as_str()))
}

pub(super) fn empty_site(spec: &crate::scenario::SiteSpec) -> Site {
    Site {
        code: spec.code.clone(),
        kind: spec.kind,
        parent: None,
        children: Vec::new(),
        depth: 0,
        sup: None,
        internet_sup: None,
        additional_sups: Vec::new(),
        mps: Vec::new(),
        dps: Vec::new(),
        upgraded_from_sms2003: spec.upgraded_from_sms2003,
    }
}

pub(super) fn check_parent_kind(
    child: SiteKind,
    parent: SiteKind,
    path: &str,
    p: &mut Vec<Problem>,
) {
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
pub(super) fn software_update_points(
    s: &Scenario,
    sites: &mut [Site],
    top: Option<SiteId>,
    p: &mut Vec<Problem>,
) -> Vec<Sup> {
    let names = s
        .sites
        .iter()
        .flat_map(|x| {
            x.sup
                .iter()
                .chain(x.internet_sup.iter())
                .chain(x.additional_sups.iter())
        })
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
        if spec.additional_sups.len() > MAX_ADDITIONAL_SUPS {
            p.push(Problem::new(
                format!("sites[{i}].additional_sups"),
                format!(
                    "{} additional software update points; a site may have at most {MAX_ADDITIONAL_SUPS}",
                    spec.additional_sups.len()
                ),
            ));
            continue;
        }
        for (k, name) in spec.additional_sups.iter().enumerate() {
            let Some(active) = sites[i].sup else {
                p.push(Problem::new(
                    format!("sites[{i}].additional_sups[{k}]"),
                    "additional software update points share the active `sup`'s WSUS database; give the site a `sup` first",
                ));
                break;
            };
            let id = add_sup(&mut sups, name, i, false, Upstream::Sup(active));
            sups[id.index()].shares = Some(active);
            sites[i].additional_sups.push(id);
        }
    }
    sups
}

/// Additional SUPs per site: a client keeps its SUP's place in its site's list in 7 bits.
const MAX_ADDITIONAL_SUPS: usize = 15;

pub(super) fn add_sup(
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
        shares: None,
    });
    SupId(sups.len() as u16 - 1)
}

/// A server role listed per site.
#[derive(Clone, Copy)]
pub(super) enum Role {
    Mp,
    Dp,
}

/// Creates the management points or distribution points of every site.
pub(super) fn servers(
    s: &Scenario,
    sites: &mut [Site],
    role: Role,
    p: &mut Vec<Problem>,
) -> Vec<Server> {
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
            let first = *seen
                .entry(name.to_ascii_uppercase())
                .or_insert((name.as_str(), i, j));
            if (first.1, first.2) != (i, j) {
                let (earlier, fi, fj) = first;
                let note = super::case_note(earlier, name, &format!("sites[{fi}].{field}[{fj}]"));
                p.push(Problem::new(
                    format!("sites[{i}].{field}[{j}]"),
                    format!("`{name}` is used twice{note}; expected a unique server name"),
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
