//! Sites and their servers.

use crate::scenario::SiteKind;

macro_rules! id {
    ($(#[doc = $doc:literal])* $name:ident($ty:ty)) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub $ty);
        impl $name {
            /// The index into the world's table.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}
pub(crate) use id;

id!(
    /// Index of a site in `World::sites`.
    SiteId(u16)
);
id!(
    /// Index of a software update point in `World::sups`.
    SupId(u16)
);
id!(
    /// Index of a management point or distribution point in its table.
    ServerId(u32)
);

/// One site of the hierarchy.
#[derive(Clone, Debug)]
pub struct Site {
    /// Site code.
    pub code: String,
    /// Central, primary or secondary.
    pub kind: SiteKind,
    /// Parent site; `None` for the top site.
    pub parent: Option<SiteId>,
    /// Child sites in scenario order.
    pub children: Vec<SiteId>,
    /// Levels below the top site.
    pub depth: u16,
    /// The active software update point.
    pub sup: Option<SupId>,
    /// The active Internet-based software update point.
    pub internet_sup: Option<SupId>,
    /// More SUPs sharing the active SUP's WSUS database (no sync of their own).
    pub additional_sups: Vec<SupId>,
    /// Management points.
    pub mps: Vec<ServerId>,
    /// Distribution points.
    pub dps: Vec<ServerId>,
    /// Upgraded from SMS 2003 (R07).
    pub upgraded_from_sms2003: bool,
}

/// Where a software update point synchronizes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upstream {
    /// Microsoft Update: only the top site's active SUP (R01).
    MicrosoftUpdate,
    /// Another SUP: the parent site's active SUP (R04) or the site's own active SUP for an
    /// Internet-based SUP (R05).
    Sup(SupId),
}

/// A software update point with its WSUS server.
#[derive(Clone, Debug)]
pub struct Sup {
    /// Server name.
    pub name: String,
    /// Its site.
    pub site: super::SiteId,
    /// Internet-based (R05): syncs from the site's active SUP, never updates the site database.
    pub internet: bool,
    /// Where it syncs from.
    pub upstream: Upstream,
    /// An additional SUP: the active SUP whose WSUS database it shares, and so whose
    /// catalog its clients see; it never syncs itself.
    pub shares: Option<SupId>,
}

/// A management point or distribution point.
#[derive(Clone, Debug)]
pub struct Server {
    /// Server name.
    pub name: String,
    /// Its site.
    pub site: SiteId,
}
