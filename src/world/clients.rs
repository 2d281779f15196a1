//! Client groups. Clients are not stored one by one here: a group is a range of client ids.

use super::catalog::UpdateId;
use super::hierarchy::{SiteId, id};

id!(
    /// Index of a client group in `World::groups`.
    GroupId(u32)
);
id!(
    /// A client, numbered consecutively over all groups.
    ClientId(u32)
);

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
    /// Internet-based clients.
    pub internet: bool,
    /// SMS 2003 clients scanning with ITMU (R08).
    pub legacy: bool,
    /// Explicit applicability: (update, share it applies to, share installed). Empty means
    /// every update applies to every client and none is installed.
    pub applicability: Vec<(UpdateId, f64, f64)>,
}
