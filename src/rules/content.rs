//! `DISTRIBUTION` (issue 12, item 4): the distribution manager's copies to DPs, read back
//! from `content_transfer_start` / `content_transfer_done` with the scenario's sites, links,
//! DPs and pull DPs. Each copy of a whole package comes from the deployment's site (or, to a
//! pull DP, from its source DP once that DP holds the package), starts only on a DP (and
//! source) that is up, and takes exactly the time its rate gives: `dp_copy_mbps`, or the
//! slowest limited link between the two sites (bandwidth × share, slowed by pulse mode's
//! pauses). A site's manager never runs copies of more than `max_packages` packages, nor
//! more than `max_threads_per_package` copies of one package; a limited link never carries
//! two copies at once.

use super::trace::Line;
use super::{Ctx, Outcome};
use crate::scenario::{Fault, Scenario};
use std::collections::{BTreeMap, BTreeSet};

/// The scenario's sites as the content checks need them.
pub(super) struct Sites {
    /// Per site: code, parent index, its link if limited.
    sites: Vec<(String, Option<usize>, Option<crate::world::Link>)>,
    /// DP name (upper case) → its site.
    dp_site: BTreeMap<String, usize>,
    /// Pull DP name (upper case) → its source's name (upper case).
    pull: BTreeMap<String, String>,
}

impl Sites {
    pub(super) fn of(s: &Scenario, cx: &Ctx) -> Sites {
        let index = |code: &str| {
            s.sites
                .iter()
                .position(|x| x.code.eq_ignore_ascii_case(code))
        };
        let mut dp_site = BTreeMap::new();
        let mut pull = BTreeMap::new();
        let sites = s
            .sites
            .iter()
            .enumerate()
            .map(|(i, x)| {
                for dp in &x.distribution_points {
                    dp_site.insert(dp.to_ascii_uppercase(), i);
                }
                for p in &x.pull_distribution_points {
                    dp_site.insert(p.name.to_ascii_uppercase(), i);
                    pull.insert(p.name.to_ascii_uppercase(), p.source.to_ascii_uppercase());
                }
                let link = x
                    .link
                    .as_ref()
                    .map(|l| l.link(cx.calendar.as_ref(), cx.scenario_end()));
                (x.code.clone(), x.parent.as_deref().and_then(index), link)
            })
            .collect();
        Sites {
            sites,
            dp_site,
            pull,
        }
    }

    /// The site a DP is at.
    pub(super) fn of_dp(&self, dp: &str) -> Option<usize> {
        self.dp_site.get(&dp.to_ascii_uppercase()).copied()
    }

    /// The site with this code.
    fn of_code(&self, code: &str) -> Option<usize> {
        self.sites
            .iter()
            .position(|s| s.0.eq_ignore_ascii_case(code))
    }

    /// A site's code.
    pub(super) fn code(&self, i: usize) -> &str {
        &self.sites[i].0
    }

    /// The top site (the one without a parent).
    fn top(&self) -> usize {
        self.sites.iter().position(|s| s.1.is_none()).unwrap_or(0)
    }

    fn depth(&self, mut i: usize) -> usize {
        let mut d = 0;
        while let Some(p) = self.sites[i].1 {
            i = p;
            d += 1;
            if d > self.sites.len() {
                break;
            }
        }
        d
    }

    /// The sites with a limited link on the way from `a` to `b`.
    fn links(&self, a: usize, b: usize) -> Vec<usize> {
        let (mut x, mut y) = (a, b);
        let (mut dx, mut dy) = (self.depth(a), self.depth(b));
        let mut out = Vec::new();
        while x != y {
            let step = if dx >= dy { &mut x } else { &mut y };
            out.push(*step);
            match self.sites[*step].1 {
                Some(p) => *step = p,
                None => break,
            }
            if dx >= dy {
                dx = dx.saturating_sub(1);
            } else {
                dy = dy.saturating_sub(1);
            }
        }
        out.retain(|&s| self.sites[s].2.is_some());
        out
    }
}

/// A running copy.
struct Copy<'a> {
    start: &'a Line,
    from_site: usize,
    pull: bool,
}

/// Checks every copy to a DP; see the module comment.
pub(super) fn check(lines: &[Line], cx: &Ctx) -> Outcome {
    const ID: &str = "DISTRIBUTION";
    let Some(sc) = cx.scenario else {
        // Nothing to judge is not exercised; something to judge needs the scenario.
        if !lines.iter().any(|l| {
            matches!(
                l.kind.as_str(),
                "content_transfer_start" | "content_transfer_done"
            )
        }) {
            return Outcome::new(ID);
        }
        return Outcome::skipped(
            ID,
            "needs the scenario (--scenario): its sites and DPs".into(),
        );
    };
    let mut o = Outcome::new(ID);
    let s = cx.settings;
    let sites = Sites::of(sc, cx);
    let down = |dp: &str, t: u64| {
        sc.faults.iter().any(|f| {
            matches!(f, Fault::DpUnavailable { server, from, to }
                if server.eq_ignore_ascii_case(dp) && cx.ms(from) <= t && t < cx.ms(to))
        })
    };
    let size = |d: &str| -> Option<u64> {
        let ups = &sc.deployments.iter().find(|x| x.id == d)?.updates;
        Some(
            sc.catalog
                .iter()
                .filter(|u| ups.contains(&u.id))
                .fold(0u64, |n, u| n.saturating_add(u.size.0)),
        )
    };
    let home = |d: &str| -> usize {
        sc.deployments
            .iter()
            .find(|x| x.id == d)
            .and_then(|x| x.site.as_deref())
            .and_then(|c| sites.of_code(c))
            .unwrap_or_else(|| sites.top())
    };
    let mut created: BTreeSet<&str> = BTreeSet::new();
    let mut on_dp: BTreeSet<(&str, String)> = BTreeSet::new();
    let mut running: BTreeMap<(&str, String), Copy> = BTreeMap::new();
    let mut busy: BTreeMap<usize, &Line> = BTreeMap::new();
    for l in lines {
        let d = l.deployment.as_deref().unwrap_or("");
        let dp = l.dp.as_deref().unwrap_or("").to_ascii_uppercase();
        match l.kind.as_str() {
            "deployment_created" => {
                created.insert(d);
            }
            "content_transfer_start" => {
                o.checked += 1;
                let from = l.from.as_deref().unwrap_or("");
                if !created.contains(d) {
                    o.fail(l, "a copy of a package before its deployment was created");
                }
                if let (Some(b), Some(total)) = (l.bytes, size(d))
                    && b != total
                {
                    o.fail(l, &format!("{b} bytes copied of a {total}-byte package"));
                }
                if on_dp.contains(&(d, dp.clone())) || running.contains_key(&(d, dp.clone())) {
                    o.fail(l, "a second copy of the package to this DP");
                }
                let Some(to_site) = sites.of_dp(&dp) else {
                    o.fail(l, "a copy to a DP the scenario does not have");
                    continue;
                };
                let (from_site, pull) = match sites.pull.get(&dp) {
                    Some(src) => {
                        if !from.eq_ignore_ascii_case(src) {
                            o.fail(l, &format!("a pull DP copies from its source DP {src}"));
                        }
                        if !on_dp.contains(&(d, src.clone())) {
                            o.fail(l, "a pull DP copies before its source DP holds the package");
                        }
                        if down(src, l.t) {
                            o.fail(l, "a pull DP copies from a source DP that is down");
                        }
                        (sites.of_dp(src).unwrap_or(to_site), true)
                    }
                    None => {
                        let h = home(d);
                        if !from.eq_ignore_ascii_case(sites.code(h)) {
                            o.fail(
                                l,
                                &format!("the package is sent from its site {}", sites.code(h)),
                            );
                        }
                        (h, false)
                    }
                };
                if down(&dp, l.t) {
                    o.fail(l, "a copy to a DP that is down");
                }
                for k in sites.links(from_site, to_site) {
                    if let Some(other) = busy.insert(k, l) {
                        o.fail(
                            l,
                            &format!(
                                "the link of site {} already carries the copy of line {}",
                                sites.code(k),
                                other.line
                            ),
                        );
                    }
                }
                if !pull {
                    let site_copies = || {
                        running
                            .iter()
                            .filter(|(_, c)| !c.pull && c.from_site == from_site)
                    };
                    let of_package = site_copies().filter(|((x, _), _)| *x == d).count() + 1;
                    let mut packages: BTreeSet<&str> =
                        site_copies().map(|((x, _), _)| *x).collect();
                    packages.insert(d);
                    if of_package > s.max_threads_per_package as usize {
                        o.fail(l, &format!("copy number {of_package} of one package at once (max_threads_per_package)"));
                    }
                    if packages.len() > s.max_packages as usize {
                        o.fail(
                            l,
                            &format!("{} packages sent at once (max_packages)", packages.len()),
                        );
                    }
                }
                running.insert(
                    (d, dp),
                    Copy {
                        start: l,
                        from_site,
                        pull,
                    },
                );
            }
            "content_transfer_done" => {
                o.checked += 1;
                let Some(c) = running.remove(&(d, dp.clone())) else {
                    o.fail(l, "a copy finished that never started");
                    continue;
                };
                let to_site = sites.of_dp(&dp).unwrap_or(c.from_site);
                let links = sites.links(c.from_site, to_site);
                let on_path: Vec<&crate::world::Link> = links
                    .iter()
                    .filter_map(|&k| sites.sites[k].2.as_ref())
                    .collect();
                let bytes = c.start.bytes.unwrap_or(0);
                let expect = crate::world::copy_end(c.start.t, bytes, s.dp_copy_mbps, &on_path);
                if Some(l.t) != expect {
                    let rate = on_path
                        .iter()
                        .map(|k| k.mbps)
                        .fold(s.dp_copy_mbps, f64::min);
                    let when = expect
                        .map_or("never (a link on the way closes for good)".into(), |t| {
                            format!("at {t} ms")
                        });
                    o.fail(
                        l,
                        &format!(
                            "the copy of line {} ({bytes} bytes at {rate:.3} Mbit/s outside link schedules) ends {when}",
                            c.start.line
                        ),
                    );
                }
                for k in links {
                    busy.remove(&k);
                }
                on_dp.insert((d, dp));
            }
            _ => {}
        }
    }
    o
}
