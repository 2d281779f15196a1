//! The ITMU catalog of SMS 2003 clients (R08): refreshed by the ITMU advertisement every
//! `itmu_catalog_interval`; legacy clients see only what the last refresh brought.

use super::event::Event;
use super::fact::Fact;
use super::{Cx, Model};

impl Model<'_> {
    /// The ITMU advertisement downloads the current catalog, then re-arms itself.
    pub(super) fn itmu_refresh(&mut self, cx: &mut Cx) {
        let updates = self.world.released_by(cx.now());
        let new = updates - self.itmu_known;
        self.itmu_known = updates;
        self.itmu_history.push((cx.now(), updates));
        cx.emit(Fact::ItmuCatalogRefreshed {
            site: self.world.top,
            updates,
            new,
        });
        self.create_itmu_policy(cx);
        cx.schedule_in(
            self.world.settings.itmu_catalog_interval.0,
            Event::ItmuRefresh,
        );
    }
}
