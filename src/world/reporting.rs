//! The hierarchy's reporting path (R13, R15): which site database a management point writes
//! to, and where each database's states replicate. A secondary site has no database: its
//! management points forward to the parent primary's. A primary below a central site
//! replicates what its database learns to the central site's, so an administrator at the top
//! sees every client, a replication later.

use super::{GroupId, SiteId, World};
use crate::scenario::SiteKind;

impl World {
    /// The site whose database the management points of `site` write to: the site itself,
    /// or for a secondary site the nearest site above it with a database.
    pub fn database_of(&self, site: SiteId) -> SiteId {
        self.nearest(site, |s| s.kind != SiteKind::Secondary)
            .unwrap_or(site)
    }

    /// Where the states database `db` learns replicate to: the nearest database above it.
    pub fn replicates_to(&self, db: SiteId) -> Option<SiteId> {
        let parent = self.sites[db.index()].parent?;
        Some(self.database_of(parent))
    }

    /// The databases that hold group `g`'s states: its own, then each one its states
    /// replicate to, up to the top.
    pub fn databases_of(&self, g: GroupId) -> impl Iterator<Item = SiteId> + '_ {
        std::iter::successors(Some(self.groups[g.index()].db_site), |&db| {
            self.replicates_to(db)
        })
    }

    /// The database at the top of group `g`'s reporting path: the view of an administrator
    /// at the top of the hierarchy, in which each client counts once.
    pub fn top_database(&self, g: GroupId) -> SiteId {
        self.databases_of(g)
            .last()
            .unwrap_or(self.groups[g.index()].db_site)
    }

    /// Whether database `db` is at the top of a reporting path (replicates nowhere).
    pub fn is_top_database(&self, db: SiteId) -> bool {
        self.replicates_to(db).is_none()
    }

    /// The sites whose databases hold clients' states, in site order: each group's own
    /// and those its states replicate to.
    pub fn database_site_list(&self) -> Vec<SiteId> {
        let mut sites: Vec<SiteId> = (0..self.groups.len())
            .filter(|&g| self.groups[g].count > 0)
            .flat_map(|g| self.databases_of(GroupId(g as u32)))
            .collect();
        sites.sort_unstable();
        sites.dedup();
        sites
    }
}
