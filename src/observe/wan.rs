//! WAN load per site link (issue 12, item 5): the bytes that cross each site's link to its
//! parent, whoever sends them. A package copy from a site server or a pull DP's source, and a
//! client's download from a DP at another site (a boundary group that spans sites, or a
//! fallback), cross every link between the two sites: up from the sender to the nearest
//! common site, then down. What clients download across a link counts at the download's
//! start, as the DPs' figures do.

use crate::model::{ContentFrom, Fact};
use crate::world::{ClientId, ServerId, SiteId, World};

/// The traffic over one site's link to its parent (as the summary writes it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct WanLoad {
    /// Package copies to DPs that crossed it.
    pub copies: u64,
    /// Their bytes.
    pub copy_bytes: u64,
    /// Client downloads from DPs that crossed it.
    pub downloads: u64,
    /// Their bytes.
    pub download_bytes: u64,
    /// Of those downloads, the ones from a group the client fell back to.
    pub fallback_downloads: u64,
    /// Their bytes.
    pub fallback_bytes: u64,
}

impl WanLoad {
    /// Every byte that crossed the link.
    pub fn bytes(&self) -> u64 {
        self.copy_bytes.saturating_add(self.download_bytes)
    }
}

/// Per site (indexed like `World::sites`), its link to its parent; the top site has none and
/// stays zero.
#[derive(Clone, Debug)]
pub struct WanLinks(pub Vec<WanLoad>);

impl WanLinks {
    /// No traffic yet.
    pub fn new(world: &World) -> Self {
        WanLinks(vec![WanLoad::default(); world.sites.len()])
    }

    /// Counts what `fact` sends across the WAN.
    pub fn observe(&mut self, world: &World, fact: &Fact) {
        match *fact {
            Fact::ContentTransferStart {
                dp, from, bytes, ..
            } => {
                let from = match from {
                    ContentFrom::Site(s) => s,
                    ContentFrom::Dp(src) => world.dps[src.index()].site,
                };
                self.cross(world, from, world.dps[dp.index()].site, |l| {
                    l.copies += 1;
                    l.copy_bytes = l.copy_bytes.saturating_add(bytes);
                });
            }
            Fact::DownloadStart {
                client, dp, bytes, ..
            } => self.download(world, client, dp, |l| {
                l.downloads += 1;
                l.download_bytes = l.download_bytes.saturating_add(bytes);
            }),
            Fact::ContentFallback {
                client, dp, bytes, ..
            } => self.download(world, client, dp, |l| {
                l.fallback_downloads += 1;
                l.fallback_bytes = l.fallback_bytes.saturating_add(bytes);
            }),
            _ => {}
        }
    }

    /// Counts a client's download from `dp` with `f` on the links between them.
    fn download(&mut self, world: &World, c: ClientId, dp: ServerId, f: impl Fn(&mut WanLoad)) {
        let site = world.groups[world.group_of(c).index()].site;
        self.cross(world, world.dps[dp.index()].site, site, f);
    }

    fn cross(&mut self, world: &World, a: SiteId, b: SiteId, f: impl Fn(&mut WanLoad)) {
        for s in world.path_sites(a, b) {
            f(&mut self.0[s.index()]);
        }
    }
}
