//! Client groups: where each is placed, which SUP, MPs and site database serve it.

use super::*;

pub(super) fn client_groups(
    s: &Scenario,
    codes: &BTreeMap<String, usize>,
    sites: &[Site],
    ids: &BTreeMap<&str, UpdateId>,
    cal: Option<&Calendar>,
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
                format!(
                    "no site has the code `{}`{}",
                    g.site,
                    site_hint(p, s, &g.site)
                ),
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
                        hint(p, &a.update, s.catalog.iter().map(|u| u.id.as_str()))
                    ),
                )),
            }
        }
        out.push(ClientGroup {
            name: g.name.clone(),
            site: SiteId(site as u16),
            first: ClientId(next.min(u64::from(u32::MAX)) as u32),
            count: g.count,
            zone: g
                .time_zone
                .as_deref()
                .and_then(|z| crate::engine::calendar::zone(z).ok())
                .or_else(|| cal.map(|c| c.zone().clone()))
                .unwrap_or(jiff::tz::TimeZone::UTC),
            power: power(&g.availability),
            away: g.away.as_ref().map(|a| (a.share, a.days)),
            internet: g.internet,
            legacy: g.legacy,
            sups: placed.sups,
            policy_site: placed.policy_site,
            mps: placed.mps,
            db_site: placed.db_site,
            applicability,
            deployments: 0,
        });
        next += u64::from(g.count);
    }
    out
}

/// A validated availability in milliseconds and bit masks.
fn power(a: &crate::scenario::Availability) -> Power {
    use crate::scenario::Availability::*;
    match a {
        AlwaysOn => Power::AlwaysOn,
        Office {
            hours,
            days,
            spread,
            left_on,
        } => Power::Office {
            hours: crate::scenario::availability::parse_hours(hours).unwrap_or((0, 1440)),
            days: days.iter().fold(0, |m, d| m | 1 << d.index()),
            spread: spread.0.ms(),
            left_on: *left_on,
        },
        Intermittent { online, offline } => Power::Intermittent {
            online: online.0.ms(),
            offline: offline.0.ms(),
        },
    }
}

/// Where a group's clients get policy, scan and report.
struct Placement {
    sups: Vec<SupId>,
    policy_site: SiteId,
    mps: Vec<ServerId>,
    db_site: SiteId,
}

/// Resolves a group at `site`; `None` when no management point serves it. A site without a
/// SUP is served by the nearest one above it (the top site always has one, checked earlier).
fn place_group(sites: &[Site], site: usize, internet: bool) -> Option<Placement> {
    let at = SiteId(site as u16);
    let mp_site = super::nearest(sites, at, |s| !s.mps.is_empty())?;
    // A secondary site has no database: its MPs write to the primary's above it.
    let db_site = super::nearest(sites, mp_site, |s| s.kind != SiteKind::Secondary)?;
    let policy_site = super::nearest(sites, at, |s| s.sup.is_some())?;
    let sups = match sites[site].internet_sup {
        Some(ib) if internet => vec![ib],
        _ => {
            let at = &sites[policy_site.index()];
            std::iter::once(at.sup?)
                .chain(at.additional_sups.iter().copied())
                .collect()
        }
    };
    Some(Placement {
        sups,
        policy_site,
        mps: sites[mp_site.index()].mps.clone(),
        db_site,
    })
}
