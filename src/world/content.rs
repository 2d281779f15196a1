//! Content paths of the hierarchy (issue 12, items 4 and 5): the WAN links between sites, the
//! pull DPs' sources, and the boundary groups that tell clients which DPs to use and where to
//! fall back to.

use super::{GroupId, ServerId, SiteId, World};
use crate::engine::SimDuration;

/// A site's WAN link to its parent, as its sender address limits it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// The rate content copies get over it, in Mbit/s: the bandwidth times the allowed
    /// share, slowed by pulse mode's pauses.
    pub mbps: f64,
}

impl Link {
    /// The effective rate of a link of `mbps` of which content may use `share`, sending in
    /// pulses of `block` bytes with `delay` between them (if pulse mode is on).
    pub fn effective(mbps: f64, share: f64, pulse: Option<(u64, SimDuration)>) -> f64 {
        let allowed = mbps * share;
        match pulse {
            Some((block, delay)) if block > 0 => {
                let bits = block as f64 * 8.0;
                let secs = bits / (allowed * 1e6) + delay.ms() as f64 / 1_000.0;
                bits / secs / 1e6
            }
            _ => allowed,
        }
    }
}

/// A boundary group.
#[derive(Clone, Debug)]
pub struct BoundaryGroup {
    /// Its name.
    pub name: String,
    /// Its DPs, in id order, each once.
    pub dps: Vec<ServerId>,
    /// Fallback relationships to neighbour groups: (group index, time before falling back;
    /// `None`: the `fallback_time` setting), in the order the scenario lists them.
    pub neighbors: Vec<(u16, Option<SimDuration>)>,
    /// Falls back to the client's site default group (not "Never fallback").
    pub site_default: bool,
    /// Time before that; `None`: the `fallback_time` setting.
    pub site_default_after: Option<SimDuration>,
}

/// Name of the site default boundary group of site `code`, as the console shows it.
pub fn site_default_name(code: &str) -> String {
    format!("Default-Site-Boundary-Group<{code}>")
}

impl World {
    /// The sites whose links to their parents a copy from site `a` to site `b` crosses, with
    /// a limited link: up from `a` to the nearest common site, then down to `b`.
    pub fn path_links(&self, a: SiteId, b: SiteId) -> impl Iterator<Item = SiteId> + '_ {
        self.path_sites(a, b)
            .filter(|s| self.links[s.index()].is_some())
    }

    /// The sites whose links to their parents anything sent from site `a` to site `b`
    /// crosses, limited or not: up from `a` to the nearest common site, then down to `b`.
    pub fn path_sites(&self, a: SiteId, b: SiteId) -> impl Iterator<Item = SiteId> + '_ {
        let (mut x, mut y, mut top) = (a, b, false);
        std::iter::from_fn(move || {
            if top || x == y {
                return None;
            }
            let (dx, dy) = (self.sites[x.index()].depth, self.sites[y.index()].depth);
            let step = if dx >= dy { &mut x } else { &mut y };
            let crossed = *step;
            match self.sites[step.index()].parent {
                Some(p) => *step = p,
                None => top = true,
            }
            Some(crossed)
        })
    }

    /// The rate of a content copy from site `a` to a DP at site `b`: `dp_copy_mbps`, or the
    /// slowest limited link on the way.
    pub fn copy_mbps(&self, a: SiteId, b: SiteId) -> f64 {
        self.path_links(a, b)
            .filter_map(|s| self.links[s.index()])
            .fold(self.settings.dp_copy_mbps, |r, l| r.min(l.mbps))
    }

    /// The boundary group of client group `g`, if it is in one.
    pub fn boundary_of(&self, g: GroupId) -> Option<usize> {
        self.group_boundary[g.index()].map(usize::from)
    }
}
