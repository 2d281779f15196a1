//! The upstream catalog as the model sees it: updates in release order.

use super::hierarchy::id;
use crate::engine::SimTime;
use crate::scenario::Classification;

id!(
    /// Index of an update in `World::updates` (release order).
    UpdateId(u32)
);

/// One update of the catalog.
#[derive(Clone, Debug)]
pub struct Update {
    /// Catalog id, e.g. `"KB5031356"`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Size of its files in bytes.
    pub size: u64,
    /// Classification.
    pub classification: Classification,
    /// Updates it supersedes.
    pub supersedes: Vec<UpdateId>,
    /// The updates that supersede this one, earliest released first.
    pub superseded_by: Vec<UpdateId>,
    /// A service pack (R14).
    pub service_pack: bool,
    /// When it appears in Microsoft Update.
    pub released: SimTime,
    /// From when the catalog marks it expired.
    pub expired_from: Option<SimTime>,
    /// Migrated from SMS 2003 into upgraded sites (R07).
    pub migrated: bool,
    /// Installing it needs a restart (R25).
    pub restart: bool,
    /// Its own maximum run time in ms, if the catalog gives one (else the `max_run_time`
    /// setting, see `World::max_run_time`).
    pub max_run_time: Option<u64>,
}

impl Update {
    /// Whether the catalog has it expired at `t`.
    pub fn expired_at(&self, t: SimTime) -> bool {
        self.expired_from.is_some_and(|e| e <= t)
    }
}
