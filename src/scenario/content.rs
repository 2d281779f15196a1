//! What a scenario says about content (issue 12, items 4 and 5): the WAN link of each site to
//! its parent, pull distribution points, and boundary groups with their fallback
//! relationships. A scenario that says none of it keeps the plain behaviour: unlimited links,
//! every DP fed by the site server, and each client served by the DPs of its site (or the
//! nearest site above with DPs of the package).

use super::units::{Bytes, Dur};
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
