//! `BOUNDARY` (issue 12, item 5): where clients take content from, read back with the
//! scenario's boundary groups. A client in a boundary group downloads from a DP of its group,
//! or falls back (`content_fallback`, followed at once by its `download_start` from the DP
//! it names) to a neighbour group, or to its site's default group, never before that
//! relationship's fallback time has passed since the job's first failed lookup. A download
//! from a peer (`peer_download_start`) comes from another client of the same boundary group
//! (or of the same site, for clients in none) that had finished downloading every deployment
//! it serves.

use super::content::Sites;
use super::groups::Groups;
use super::trace::Line;
use super::{Ctx, Outcome};
use std::collections::{BTreeMap, BTreeSet};

/// Checks every content source of a client; see the module comment.
pub(super) fn check(lines: &[Line], cx: &Ctx) -> Outcome {
    const ID: &str = "BOUNDARY";
    let Some(sc) = cx.scenario else {
        // Nothing to judge is not exercised; something to judge needs the scenario.
        if !lines
            .iter()
            .any(|l| matches!(l.kind.as_str(), "content_fallback" | "peer_download_start"))
        {
            return Outcome::new(ID);
        }
        return Outcome::skipped(
            ID,
            "needs the scenario (--scenario): its boundary groups".into(),
        );
    };
    let mut o = Outcome::new(ID);
    let groups = Groups::of(sc, lines);
    let sites = Sites::of(sc, cx);
    let fallback = cx.settings.fallback_time.0.ms();
    let upper = |x: &str| x.to_ascii_uppercase();
    // Per scenario client group: its boundary group's index.
    let bg_of: Vec<Option<usize>> = sc
        .clients
        .iter()
        .map(|g| {
            sc.boundary_groups
                .iter()
                .position(|b| b.clients.contains(&g.name))
        })
        .collect();
    let bg_dps = |b: usize| -> BTreeSet<String> {
        sc.boundary_groups[b]
            .distribution_points
            .iter()
            .map(|x| upper(x))
            .collect()
    };
    // The client's boundary group, or `None`; and the site code of its client group.
    let place = |c: u64| -> (Option<usize>, &str) {
        match groups.of_client(c) {
            Some(g) => (bg_of[g], sc.clients[g].site.as_str()),
            None => (None, ""),
        }
    };
    let mut first_fail: BTreeMap<u64, u64> = BTreeMap::new();
    let mut fell_back: BTreeMap<u64, (u64, String)> = BTreeMap::new();
    let mut finished: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
    for l in lines {
        let c = l.client();
        match l.kind.as_str() {
            "location_failed" | "dp_connect_failed" => {
                first_fail.entry(c).or_insert(l.t);
            }
            "download_gave_up" => {
                first_fail.remove(&c);
            }
            "download_done" => {
                if let Some(ds) = &l.deployments {
                    finished.entry(c).or_default().extend(ds.iter().cloned());
                }
            }
            "content_fallback" => {
                o.checked += 1;
                let (own, _) = place(c);
                let Some(own) = own else {
                    o.fail(l, "a fallback of a client in no boundary group");
                    continue;
                };
                let spec = &sc.boundary_groups[own];
                if l.from_group.as_deref() != Some(spec.name.as_str()) {
                    o.fail(l, &format!("the client's boundary group is {}", spec.name));
                }
                let to = l.to_group.as_deref().unwrap_or("");
                let dp = upper(l.dp.as_deref().unwrap_or(""));
                let after = match spec.neighbors.iter().find(|n| n.group == to) {
                    Some(n) => {
                        let to_dps = sc
                            .boundary_groups
                            .iter()
                            .position(|b| b.name == to)
                            .map(bg_dps)
                            .unwrap_or_default();
                        if !to_dps.contains(&dp) {
                            o.fail(l, &format!("{dp} is not a DP of boundary group {to}"));
                        }
                        Some(n.after.map_or(fallback, |a| a.0.ms()))
                    }
                    None if !spec.never_site_default
                        && to.starts_with("Default-Site-Boundary-Group<") =>
                    {
                        // The site default group of the client's site or the nearest above
                        // with DPs of the package: the DP's site is on the client's chain.
                        let dp_site = sites.of_dp(&dp).map(|s| sites.code(s).to_string());
                        if dp_site
                            .as_deref()
                            .is_none_or(|s| !to.contains(&format!("<{s}>")))
                        {
                            o.fail(l, &format!("{dp} is not a DP of {to}"));
                        }
                        Some(spec.site_default_after.map_or(fallback, |a| a.0.ms()))
                    }
                    None => None,
                };
                let Some(after) = after else {
                    o.fail(l, &format!("{} has no fallback to {to}", spec.name));
                    continue;
                };
                match first_fail.get(&c) {
                    None => o.fail(l, "a fallback without a failed lookup in the client's group"),
                    Some(&t0) if l.t < t0.saturating_add(after) => o.fail(
                        l,
                        &format!(
                            "fallback {} ms after the first failed lookup at {t0} ms, before its time ({after} ms)",
                            l.t.saturating_sub(t0)
                        ),
                    ),
                    Some(_) => {}
                }
                fell_back.insert(c, (l.t, dp));
            }
            "download_start" => {
                let fallback_here = fell_back.remove(&c);
                first_fail.remove(&c);
                let (Some(own), _) = place(c) else {
                    continue;
                };
                o.checked += 1;
                let dp = upper(l.dp.as_deref().unwrap_or(""));
                let fell = fallback_here.is_some_and(|(t, d)| t == l.t && d == dp);
                if !bg_dps(own).contains(&dp) && !fell {
                    o.fail(
                        l,
                        "a download from a DP outside the client's boundary group without a fallback",
                    );
                }
            }
            "peer_download_start" => {
                o.checked += 1;
                first_fail.remove(&c);
                let Some(p) = l.peer else {
                    o.fail(l, "peer_download_start lacks its peer");
                    continue;
                };
                let (mine, my_site) = place(c);
                let (theirs, their_site) = place(p);
                if p == c || mine != theirs || (mine.is_none() && my_site != their_site) {
                    o.fail(
                        l,
                        &format!("client {p} is not a peer of the client's group"),
                    );
                }
                let had = finished.get(&p);
                let served = l.deployments.iter().flatten();
                if let Some(d) = served
                    .into_iter()
                    .find(|d| !had.is_some_and(|h| h.contains(*d)))
                {
                    o.fail(l, &format!("peer {p} had not finished downloading {d}"));
                }
            }
            _ => {}
        }
    }
    o
}
