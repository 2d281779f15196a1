//! What a scenario says about content (issue 12, items 4 and 5): the WAN link of each site to
//! its parent, pull distribution points, and boundary groups with their fallback
//! relationships. A scenario that says none of it keeps the plain behaviour: unlimited links,
//! every DP fed by the site server, and each client served by the DPs of its site (or the
//! nearest site above with DPs of the package).

use super::units::{Bytes, Dur};
use super::windows::{Recurrence, occurrences};
use crate::engine::SimTime;
use crate::engine::calendar::Calendar;
use crate::world::Link;
use jiff::tz::TimeZone;
use serde::Deserialize;

/// A site's WAN link to its parent site, as the sender address's rate limits set it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// The link's bandwidth in Mbit/s.
    pub mbps: f64,
    /// "Limited to specified maximum transfer rates": the share of the bandwidth content
    /// copies may use, 0 (exclusive) to 1 (default 1: unlimited).
    #[serde(default = "super::one")]
    pub share: f64,
    /// "Pulse mode": the sender sends a block, then waits; the link's effective rate is
    /// `block / (block at the allowed rate + delay)`.
    #[serde(default)]
    pub pulse: Option<PulseSpec>,
    /// The sender's schedule and rate limits by hour: periods in which copies get another
    /// share of the bandwidth (0: the link is closed to content), on the scenario's clock.
    #[serde(default)]
    pub schedule: Vec<LinkHours>,
}

/// A recurring period of a sender address's schedule ("Closed", or "Limited to specified
/// maximum transfer rates by hour" for those hours).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkHours {
    /// The days it applies, as a maintenance window's: `Daily`, `Weekly([Mon, Tue])`, ….
    pub recurrence: Recurrence,
    /// When it begins, `"HH:MM"` on the scenario's clock (the zone of its `start`), or UTC.
    pub start: String,
    /// How long it lasts, 5 minutes to 24 hours.
    pub duration: Dur,
    /// The share of the bandwidth copies may use meanwhile, 0 (closed) to 1.
    pub share: f64,
    /// The start is in UTC instead of the scenario's zone.
    #[serde(default)]
    pub utc: bool,
}

impl LinkSpec {
    /// The link as the model and `cmsim verify` both take it: its rate outside the schedule
    /// and its rates over the run to `end`.
    pub fn link(&self, calendar: Option<&Calendar>, end: SimTime) -> Link {
        Link {
            mbps: self.rate(self.share),
            rates: self.rates(calendar, end),
        }
    }

    /// The rate copies get when they may use `share` of the bandwidth, with pulse mode's
    /// pauses.
    fn rate(&self, share: f64) -> f64 {
        let pulse = self.pulse.as_ref().map(|x| (x.block.0, x.delay.0));
        Link::effective(self.mbps, share, pulse)
    }

    /// The rate content copies get over the link (Mbit/s) from each change on, as
    /// (ms offset, rate) pairs, the first at 0: `share` outside the schedule's periods, inside
    /// them the smallest share of those in force (higher or lower than `share`), with pulse
    /// mode's pauses.
    /// Without a calendar a schedule has no periods (validation requires one).
    fn rates(&self, calendar: Option<&Calendar>, end: SimTime) -> Vec<(u64, f64)> {
        let mut periods = Vec::new();
        if let Some(cal) = calendar {
            let (from, to) = (cal.instant(SimTime::ZERO), cal.instant(end));
            let origin = from.as_millisecond();
            for h in &self.schedule {
                let zone = if h.utc { &TimeZone::UTC } else { cal.zone() };
                for (open, close) in
                    occurrences(&h.recurrence, &h.start, h.duration, zone, from, to)
                {
                    let ms = |t: jiff::Timestamp| (t.as_millisecond() - origin).max(0) as u64;
                    periods.push((ms(open), ms(close), h.share));
                }
            }
        }
        let mut edges: Vec<u64> = periods.iter().flat_map(|&(a, b, _)| [a, b]).collect();
        edges.push(0);
        edges.sort_unstable();
        edges.dedup();
        let mut out: Vec<(u64, f64)> = Vec::new();
        for t in edges {
            let share = periods
                .iter()
                .filter(|&&(a, b, _)| a <= t && t < b)
                .map(|p| p.2)
                .reduce(f64::min)
                .unwrap_or(self.share);
            let r = self.rate(share);
            if out.last().is_none_or(|&(_, last)| last != r) {
                out.push((t, r));
            }
        }
        out
    }
}

/// Pulse mode of a sender address.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PulseSpec {
    /// Size of one block (the console's "Size of data block (KB)").
    pub block: Bytes,
    /// Wait between blocks (the console's "Delay between data blocks (seconds)").
    pub delay: Dur,
}

/// A pull distribution point: it copies the content from its source DP once the source has
/// it, instead of being sent it by the site server.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullDpSpec {
    /// Server name.
    pub name: String,
    /// Server name of the DP it pulls from.
    pub source: String,
}

/// A boundary group: client groups inside its boundaries, the DPs it names as site system
/// servers, and its fallback relationships.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundaryGroupSpec {
    /// Unique name.
    pub name: String,
    /// Client groups (by name) whose machines are inside its boundaries; a client group is
    /// in one boundary group at most.
    #[serde(default)]
    pub clients: Vec<String>,
    /// Distribution points (server names) associated with it.
    #[serde(default)]
    pub distribution_points: Vec<String>,
    /// Neighbour groups its clients fall back to for content, each after its own time.
    #[serde(default)]
    pub neighbors: Vec<NeighborSpec>,
    /// Time until its clients fall back to their site's default boundary group (the DPs of
    /// their site or the nearest site above with DPs of the package); default the
    /// `fallback_time` setting. `never_site_default: true` turns that fallback off.
    #[serde(default)]
    pub site_default_after: Option<Dur>,
    /// "Never fallback" to the site default boundary group.
    #[serde(default)]
    pub never_site_default: bool,
}

/// A fallback relationship to a neighbour boundary group.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeighborSpec {
    /// The neighbour boundary group's name.
    pub group: String,
    /// Time before falling back to it; default the `fallback_time` setting.
    #[serde(default)]
    pub after: Option<Dur>,
}
