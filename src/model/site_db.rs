//! The site database's view of the catalog: which updates it holds and which it has marked
//! expired. Scheduled syncs mark superseded and catalog-expired updates (R03); SMS 2003
//! upgrades start with migrated updates expired until a sync runs (R07).

use super::bitset::BitSet;
use crate::engine::SimTime;
use crate::world::World;

/// One site's database.
#[derive(Clone, Debug)]
pub(super) struct SiteDb {
    /// Updates held: the first `known` of the catalog in release order.
    pub(super) known: u32,
    /// `known` as of the last full (scheduled) sync.
    pub(super) full_known: u32,
    /// Updates marked expired.
    expired: BitSet,
    /// Migrated SMS 2003 updates are still expired, waiting for a sync (R07).
    migration_pending: bool,
}

impl SiteDb {
    pub(super) fn new(updates: usize) -> Self {
        SiteDb {
            known: 0,
            full_known: 0,
            expired: BitSet::new(updates),
            migration_pending: false,
        }
    }

    /// An upgraded site starts with every migrated update expired (R07). Returns how many.
    pub(super) fn migrate(&mut self, world: &World) -> u32 {
        let mut n = 0;
        for (i, u) in world.updates.iter().enumerate() {
            if u.migrated && self.expired.insert(i) {
                n += 1;
            }
        }
        self.migration_pending = true;
        n
    }

    /// Takes in the first `known` updates of the catalog.
    /// Returns how many are new.
    pub(super) fn update(&mut self, known: u32, full: bool) -> u32 {
        let new = known.saturating_sub(self.known);
        self.known = self.known.max(known);
        if full {
            self.full_known = self.known;
        }
        new
    }

    /// After the first sync cycle, migrated updates the catalog still carries become active
    /// again (R07). Returns how many, or `None` when no migration was pending.
    pub(super) fn reactivate(&mut self, world: &World, snapshot: SimTime) -> Option<u32> {
        if !std::mem::take(&mut self.migration_pending) {
            return None;
        }
        let mut n = 0;
        for i in 0..self.known as usize {
            let u = &world.updates[i];
            if u.migrated && !self.obsolete(world, i, snapshot) && self.expired.remove(i) {
                n += 1;
            }
        }
        Some(n)
    }

    /// A scheduled sync marks expired every held update that is superseded by another held
    /// update or expired in the catalog (R03). Returns how many were newly marked.
    pub(super) fn mark_expired(&mut self, world: &World, snapshot: SimTime) -> u32 {
        let mut n = 0;
        for i in 0..self.known as usize {
            if self.obsolete(world, i, snapshot) && self.expired.insert(i) {
                n += 1;
            }
        }
        n
    }

    /// Whether update `i` is marked expired: clients cannot scan for it (R07).
    pub(super) fn is_expired(&self, i: usize) -> bool {
        self.expired.contains(i)
    }

    /// Updates `64k..64k + 64` marked expired, a bit each.
    pub(super) fn expired_word(&self, k: usize) -> u64 {
        self.expired.word(k)
    }

    /// Superseded by a held update, or expired in the catalog as of `snapshot`.
    fn obsolete(&self, world: &World, i: usize, snapshot: SimTime) -> bool {
        world.updates[i].expired_at(snapshot) || self.superseded(world, i)
    }

    /// Superseded by a held update that is not a service pack. An update superseded only by
    /// service packs stays active: clients still report it when it is required, so that
    /// admins can deploy it or the service pack (R14).
    fn superseded(&self, world: &World, i: usize) -> bool {
        world.updates[i]
            .superseded_by
            .iter()
            .any(|v| v.0 < self.known && !world.updates[v.index()].service_pack)
    }
}
