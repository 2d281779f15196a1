//! Where a client looks for content (R19 with issue 12, item 5). A client in a boundary
//! group uses the DPs of its group; when none of them has the content, or none it can reach,
//! it widens the search: to each neighbour group once that relationship's fallback time has
//! passed since the job's first failed attempt, then to its site's default group (the DPs of
//! its site, or of the nearest site above with DPs of the package) after the group's
//! site-default time. The wider tiers take effect at the client's next attempt on its retry
//! timers. A client in no boundary group uses its site default group at once, as before
//! boundary groups existed.

use super::Model;
use super::fact::FallbackTo;
use crate::engine::{SimDuration, SimTime};
use crate::world::{ClientId, ServerId, SiteId, World};

/// One set of DPs a client may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tier {
    /// The DPs of a boundary group (index into `World::boundary_groups`).
    Group(u16),
    /// The DPs of a site: the client's site default group.
    SiteDefault(SiteId),
}

impl Tier {
    /// The tier's DPs, in id order.
    pub(super) fn dps(self, w: &World) -> &[ServerId] {
        match self {
            Tier::Group(b) => &w.boundary_groups[usize::from(b)].dps,
            Tier::SiteDefault(site) => &w.sites[site.index()].dps,
        }
    }

    /// The group a client of boundary group `own` falls back to when it uses this tier;
    /// `None` when this is its own group.
    pub(super) fn fallback(self, own: Option<usize>) -> Option<FallbackTo> {
        match self {
            Tier::Group(b) if Some(usize::from(b)) == own => None,
            Tier::Group(b) => Some(FallbackTo::Group(b)),
            Tier::SiteDefault(s) => Some(FallbackTo::SiteDefault(s)),
        }
    }
}

/// "No failure yet" in `Head::locate_since` / `connect_since`.
const NEVER: u32 = u32::MAX;

impl Model<'_> {
    /// The tiers client `c` may use at `now`, in the order it tries them.
    pub(super) fn tiers(&self, c: ClientId, now: SimTime) -> impl Iterator<Item = Tier> + '_ {
        let w = self.world;
        let g = self.group(c);
        let head = self.clients.head(c);
        // The fallback clock runs from the job's first failed attempt.
        let since = head.locate_since.min(head.connect_since);
        let elapsed = if since == NEVER {
            SimDuration::ZERO
        } else {
            SimDuration::from_secs((now.ms() / 1_000).saturating_sub(u64::from(since)))
        };
        let fallback = w.settings.fallback_time.0;
        let bg = w.boundary_of(g).map(|b| &w.boundary_groups[b]);
        let own = w.boundary_of(g).map(|b| Tier::Group(b as u16));
        // The neighbours in the scenario's order, each once its time has passed.
        let neighbors = bg
            .into_iter()
            .flat_map(|b| b.neighbors.iter())
            .filter(move |&&(_, after)| after.unwrap_or(fallback) <= elapsed)
            .map(|&(n, _)| Tier::Group(n));
        let site_default = match bg {
            Some(b) if !b.site_default || b.site_default_after.unwrap_or(fallback) > elapsed => {
                None
            }
            _ => {
                let first = head.job_deployments.trailing_zeros() as usize;
                let package = &w.deployments[first].dps;
                let has = |s: &crate::world::Site| {
                    s.dps.iter().any(|dp| package.binary_search(dp).is_ok())
                };
                w.nearest(w.groups[g.index()].site, has)
                    .map(Tier::SiteDefault)
            }
        };
        own.into_iter().chain(neighbors).chain(site_default)
    }
}
