//! Content paths of the hierarchy (issue 12, items 4 and 5): the WAN links between sites, the
//! pull DPs' sources, and the boundary groups that tell clients which DPs to use and where to
//! fall back to.

use super::{GroupId, ServerId, SiteId, World};
use crate::engine::{SimDuration, SimTime};

/// A site's WAN link to its parent, as its sender address limits it.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// The rate content copies get over it outside its schedule's periods, in Mbit/s: the
    /// bandwidth times the allowed share, slowed by pulse mode's pauses.
    pub mbps: f64,
    /// The rate from each change on, (ms offset, Mbit/s), the first at 0: one entry when
    /// the link has no schedule (`LinkSpec::link`).
    pub rates: Vec<(u64, f64)>,
}

impl Link {
    /// The effective rate of a link of `mbps` of which content may use `share`, sending in
    /// pulses of `block` bytes with `delay` between them (if pulse mode is on); 0 when the
    /// share is 0 (closed).
    pub fn effective(mbps: f64, share: f64, pulse: Option<(u64, SimDuration)>) -> f64 {
        let allowed = mbps * share;
        match pulse {
            _ if allowed <= 0.0 => 0.0,
            Some((block, delay)) if block > 0 => {
                let bits = block as f64 * 8.0;
                let secs = bits / (allowed * 1e6) + delay.ms() as f64 / 1_000.0;
                bits / secs / 1e6
            }
            _ => allowed,
        }
    }

    /// The rate in force at `t` (ms) and when it next changes, if it does.
    fn at(&self, t: u64) -> (f64, Option<u64>) {
        let k = self.rates.partition_point(|&(from, _)| from <= t);
        let rate = k.checked_sub(1).map_or(self.mbps, |i| self.rates[i].1);
        (rate, self.rates.get(k).map(|&(from, _)| from))
    }
}

/// When a copy of `bytes` that starts at `start` (ms) ends, at most `cap` Mbit/s and at each
/// moment no faster than the slowest of `links` then: the bits sent at each rate in force
/// add up until all are sent, and the last piece ends on a whole millisecond, rounded up.
/// `None` when a link closes for good before the copy is through. With one rate throughout
/// this is the plain `bytes × 8 / rate`, rounded up.
pub fn copy_end(start: u64, bytes: u64, cap: f64, links: &[&Link]) -> Option<u64> {
    let total = bytes as f64 * 8.0;
    let (mut t, mut sent) = (start, 0.0f64);
    loop {
        let (mut rate, mut next) = (cap, None::<u64>);
        for l in links {
            let (r, n) = l.at(t);
            rate = rate.min(r);
            next = match (next, n) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        if rate > 0.0 {
            let need = ((total - sent) / (rate * 1e6) * 1_000.0).ceil() as u64;
            match next {
                Some(n) if t.saturating_add(need) > n => {
                    sent += rate * 1e6 * (n - t) as f64 / 1_000.0;
                }
                _ => return Some(t.saturating_add(need)),
            }
        }
        t = next?;
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

    /// When a content copy from site `a` to a DP at site `b`, started at `start`, ends: at
    /// `dp_copy_mbps`, or the slowest limited link on the way as their schedules go (`None`:
    /// never, a link on the way is closed from some moment on).
    pub fn copy_end(&self, a: SiteId, b: SiteId, bytes: u64, start: SimTime) -> Option<SimTime> {
        let links: Vec<&Link> = self
            .path_links(a, b)
            .filter_map(|s| self.links[s.index()].as_ref())
            .collect();
        copy_end(start.ms(), bytes, self.settings.dp_copy_mbps, &links).map(SimTime)
    }

    /// The boundary group of client group `g`, if it is in one.
    pub fn boundary_of(&self, g: GroupId) -> Option<usize> {
        self.group_boundary[g.index()].map(usize::from)
    }
}
