//! Client groups. Clients are not stored one by one here: a group is a range of client ids.

use super::catalog::UpdateId;
use super::hierarchy::{ServerId, SiteId, SupId, id};

id!(
    /// Index of a client group in `World::groups`.
    GroupId(u32)
);
id!(
    /// A client, numbered consecutively over all groups.
    ClientId(u32)
);

/// When a group's machines are on, resolved from the scenario (times in ms).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Power {
    /// Always on.
    #[default]
    AlwaysOn,
    /// On during working hours of working days in the group's zone.
    Office {
        /// Start and end of the hours, in minutes after local midnight.
        hours: (u32, u32),
        /// Working days, bit 0 = Monday.
        days: u8,
        /// Random lateness after each edge, at most.
        spread: u64,
        /// Share of machines never switched off.
        left_on: f64,
    },
    /// Alternating exponential spells with these means.
    Intermittent {
        /// Mean online spell.
        online: u64,
        /// Mean offline spell.
        offline: u64,
    },
}

/// A group of identical clients at one site.
#[derive(Clone, Debug)]
pub struct ClientGroup {
    /// Group name; names the group's random streams.
    pub name: String,
    /// The site the clients are assigned to.
    pub site: SiteId,
    /// Id of the first client.
    pub first: ClientId,
    /// Number of clients.
    pub count: u32,
    /// The clients' time zone (the start's when the scenario names none).
    pub zone: jiff::tz::TimeZone,
    /// When the machines are on.
    pub power: Power,
    /// Share of machines away for whole days, and how many days.
    pub away: Option<(f64, u32)>,
    /// Internet-based clients.
    pub internet: bool,
    /// SMS 2003 clients scanning with ITMU (R08).
    pub legacy: bool,
    /// The SUPs whose WSUS the clients scan against: the site's Internet-based SUP for
    /// Internet-based clients, else the nearest site with an active SUP at the site or
    /// above it: that SUP, then the site's additional ones. Client number k of the group
    /// starts on `sups[k % len]` (clients spread evenly) and moves to the next in the list
    /// when its scans keep failing.
    pub sups: Vec<SupId>,
    /// The site whose synchronization creates the scan policy the clients follow (R09).
    pub policy_site: SiteId,
    /// Management points the clients send state messages to, spread by client id (R13):
    /// the site's own, else the nearest site above with one.
    pub mps: Vec<ServerId>,
    /// The site whose database receives the states: that of the management points' site,
    /// or for a secondary site (which has none) the primary's above it.
    pub db_site: SiteId,
    /// Explicit applicability: (update, share it applies to, share installed). Empty means
    /// every update applies to every client and none is installed; otherwise unlisted
    /// updates do not apply.
    pub applicability: Vec<(UpdateId, f64, f64)>,
    /// The deployments whose collection takes clients of this group, a bit each (rules'
    /// deployments included: they target nobody until their run).
    pub deployments: u32,
}

impl ClientGroup {
    /// Whether `c` belongs to this group.
    pub fn contains(&self, c: ClientId) -> bool {
        (self.first.0..self.first.0 + self.count).contains(&c.0)
    }

    /// Whether deployment `d`'s collection takes clients of this group.
    pub fn targeted_by(&self, d: usize) -> bool {
        self.deployments & 1 << d != 0
    }

    /// The SUP client `c` of this group scans against at first.
    pub fn first_sup_slot(&self, c: ClientId) -> usize {
        ((c.0 - self.first.0) as usize) % self.sups.len()
    }

    /// The SUP whose WSUS database (and so catalog) this group's SUPs serve: the first.
    pub fn sup(&self) -> SupId {
        self.sups[0]
    }

    /// The management point of client `c` of this group.
    pub fn mp_of(&self, c: ClientId) -> ServerId {
        self.mps[((c.0 - self.first.0) as usize) % self.mps.len()]
    }
}
