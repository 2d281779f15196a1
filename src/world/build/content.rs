//! Content paths: pull DPs with their sources, the sites' WAN links, and boundary groups
//! with their fallback relationships (issue 12, items 4 and 5).

use super::*;
use crate::engine::SimTime;
use crate::scenario::LinkSpec;

/// Adds every site's pull DPs to the DP table (after the plain ones) and resolves their
/// sources; returns each DP's source (`None` for a DP the site server sends to).
pub(super) fn pull_dps(
    s: &Scenario,
    sites: &mut [Site],
    dps: &mut Vec<Server>,
    p: &mut Vec<Problem>,
) -> Vec<Option<ServerId>> {
    // Every DP's name, upper-cased, and its id (the first of equal names).
    let mut ids: HashMap<String, ServerId> = HashMap::new();
    for (k, x) in dps.iter().enumerate() {
        ids.entry(x.name.to_ascii_uppercase())
            .or_insert(ServerId(k as u32));
    }
    let first = dps.len();
    for (i, spec) in s.sites.iter().enumerate() {
        for (j, pull) in spec.pull_distribution_points.iter().enumerate() {
            let id = ServerId(dps.len() as u32);
            if *ids.entry(pull.name.to_ascii_uppercase()).or_insert(id) != id {
                p.push(Problem::new(
                    format!("sites[{i}].pull_distribution_points[{j}].name"),
                    format!(
                        "`{}` is used twice; expected a unique server name",
                        pull.name
                    ),
                ));
            }
            sites[i].dps.push(ServerId(dps.len() as u32));
            dps.push(Server {
                name: pull.name.clone(),
                site: SiteId(i as u16),
            });
        }
    }
    let mut source = vec![None; dps.len()];
    let pulls = s.sites.iter().enumerate().flat_map(|(i, x)| {
        x.pull_distribution_points
            .iter()
            .enumerate()
            .map(move |(j, y)| (i, j, y))
    });
    for (k, (i, j, pull)) in pulls.enumerate() {
        let path = format!("sites[{i}].pull_distribution_points[{j}].source");
        match ids.get(&pull.source.to_ascii_uppercase()).copied() {
            Some(src) if src.index() == first + k => {
                p.push(Problem::new(path, "a pull DP cannot pull from itself"))
            }
            Some(src) => source[first + k] = Some(src),
            None => p.push(Problem::new(
                path,
                format!(
                    "no distribution point is called `{}`{}",
                    pull.source,
                    hint(p, &pull.source, dps.iter().map(|x| x.name.as_str()))
                ),
            )),
        }
    }
    // A chain of pull DPs must end at a DP the site server sends to.
    for k in first..dps.len() {
        let mut at = k;
        for _ in 0..=dps.len() {
            match source[at] {
                Some(src) => at = src.index(),
                None => break,
            }
        }
        if source[at].is_some() {
            p.push(Problem::new(
                "sites",
                format!(
                    "the pull DPs' sources form a cycle through `{}`; expected each chain to \
                     end at a DP the site server sends to",
                    dps[k].name
                ),
            ));
            break;
        }
    }
    source
}

/// Every site's WAN link to its parent, with its effective rate.
pub(super) fn links(
    s: &Scenario,
    calendar: Option<&Calendar>,
    end: SimTime,
    p: &mut Vec<Problem>,
) -> Vec<Option<Link>> {
    s.sites
        .iter()
        .enumerate()
        .map(|(i, site)| {
            let spec = site.link.as_ref()?;
            let path = format!("sites[{i}].link");
            if !(spec.mbps > 0.0 && spec.mbps.is_finite()) {
                p.push(Problem::new(
                    format!("{path}.mbps"),
                    format!("expected a bandwidth above 0 Mbit/s, got {}", spec.mbps),
                ));
                return None;
            }
            if !(spec.share > 0.0 && spec.share <= 1.0) {
                p.push(Problem::new(
                    format!("{path}.share"),
                    format!("expected a share above 0 and at most 1, got {}", spec.share),
                ));
                return None;
            }
            if site.parent.is_none() {
                p.push(Problem::new(
                    path,
                    "the top site has no parent to link to; expected `link` on a child site",
                ));
                return None;
            }
            let pulse = spec.pulse.as_ref().map(|x| (x.block.0, x.delay.0));
            if pulse.is_some_and(|(b, _)| b == 0) {
                p.push(Problem::new(
                    format!("{path}.pulse.block"),
                    "expected a block of at least 1 byte",
                ));
                return None;
            }
            if !schedule_ok(s, spec, &path, p) {
                return None;
            }
            Some(spec.link(calendar, end))
        })
        .collect()
}

/// Whether link `spec`'s schedule (at `path`) is sound, reporting each problem: periods on
/// the calendar (the scenario needs a `start`), a time of day, 5 minutes to 24 hours, days
/// each once, a share from 0 (closed) to 1.
fn schedule_ok(s: &Scenario, spec: &LinkSpec, path: &str, p: &mut Vec<Problem>) -> bool {
    use crate::scenario::windows::check_period;
    let before = p.len();
    if !spec.schedule.is_empty() && s.start.is_none() {
        p.push(Problem::new(
            format!("{path}.schedule"),
            "a link's schedule follows the calendar: give the scenario a `start`, e.g. \
             start: \"2026-12-07T00:00:00Z\"",
        ));
    }
    for (k, h) in spec.schedule.iter().enumerate() {
        let at = format!("{path}.schedule[{k}]");
        let period = (&h.recurrence, h.start.as_str(), h.duration);
        check_period(&at, period, "a period of a link's schedule", p);
        if !(0.0..=1.0).contains(&h.share) {
            p.push(Problem::new(
                format!("{at}.share"),
                format!(
                    "expected a share from 0 (closed) to 1 (the whole bandwidth), got {}",
                    h.share
                ),
            ));
        }
    }
    p.len() == before
}

/// The boundary groups, and each client group's.
pub(super) fn boundary_groups(
    s: &Scenario,
    groups: &[ClientGroup],
    dps: &[Server],
    named: &Named,
    p: &mut Vec<Problem>,
) -> (Vec<BoundaryGroup>, Vec<Option<u16>>) {
    let names = unique_names(
        p,
        s.boundary_groups.iter().map(|b| b.name.as_str()),
        "boundary_groups",
        "name",
    );
    let mut member = vec![None; groups.len()];
    let mut out = Vec::new();
    // Ids of boundary groups are 16-bit in the model's facts.
    if s.boundary_groups.len() > usize::from(u16::MAX) {
        p.push(Problem::new(
            "boundary_groups",
            format!(
                "{} boundary groups; expected at most {}",
                s.boundary_groups.len(),
                u16::MAX
            ),
        ));
        return (out, member);
    }
    for (i, spec) in s.boundary_groups.iter().enumerate() {
        let path = format!("boundary_groups[{i}]");
        for (j, name) in spec.clients.iter().enumerate() {
            let at = format!("{path}.clients[{j}]");
            match named.groups.get(name) {
                None => p.push(Problem::new(
                    at,
                    format!(
                        "no client group is called `{name}`{}",
                        hint(p, name, groups.iter().map(|g| g.name.as_str()))
                    ),
                )),
                Some(g) if member[g].is_some() => p.push(Problem::new(
                    at,
                    format!("client group `{name}` is already in another boundary group"),
                )),
                Some(g) => member[g] = Some(i as u16),
            }
        }
        let mut bg_dps = Vec::new();
        for (j, name) in spec.distribution_points.iter().enumerate() {
            match named.dps.get(name) {
                Some(k) => bg_dps.push(ServerId(k as u32)),
                None => p.push(Problem::new(
                    format!("{path}.distribution_points[{j}]"),
                    format!(
                        "no distribution point is called `{name}`{}",
                        hint(p, name, dps.iter().map(|x| x.name.as_str()))
                    ),
                )),
            }
        }
        let mut neighbors = Vec::new();
        for (j, n) in spec.neighbors.iter().enumerate() {
            match names.get(&n.group.to_ascii_uppercase()) {
                Some(&k) if k == i => p.push(Problem::new(
                    format!("{path}.neighbors[{j}].group"),
                    "a boundary group cannot be its own neighbour",
                )),
                Some(&k) => neighbors.push((k as u16, n.after.map(|a| a.0))),
                None => p.push(Problem::new(
                    format!("{path}.neighbors[{j}].group"),
                    format!(
                        "no boundary group is called `{}`{}",
                        n.group,
                        hint(
                            p,
                            &n.group,
                            s.boundary_groups.iter().map(|b| b.name.as_str())
                        )
                    ),
                )),
            }
        }
        // In id order, once each: the order packages list their DPs in (`Tier::dps`).
        bg_dps.sort();
        bg_dps.dedup();
        out.push(BoundaryGroup {
            name: spec.name.clone(),
            dps: bg_dps,
            neighbors,
            site_default: !spec.never_site_default,
            site_default_after: spec.site_default_after.map(|a| a.0),
        });
    }
    (out, member)
}
