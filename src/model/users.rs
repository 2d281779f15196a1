//! What users do before the deadline (R24), unless deployments are hidden (R23): a share
//! of users installs mandatory updates early, through the Express/Advanced dialog (all
//! mandatory updates) or the Available Software Updates dialog (anything available); a share
//! starts optional deployments themselves. They act uniformly within `user_act_window` of the
//! updates becoming available to them, and before the deadline.

use super::event::Event;
use super::fact::{Dialog, Fact};
use super::{Cx, Model};
use crate::engine::SimDuration;
use crate::world::ClientId;

impl Model<'_> {
    /// Plans the user's reaction to newly registered deployments `new`.
    pub(super) fn plan_user(&mut self, c: ClientId, new: u32, cx: &mut Cx) {
        let s = &self.world.settings;
        if s.hide_deployments || new == 0 {
            return;
        }
        let window = s.user_act_window.0;
        for d in (0..self.deployments.len()).filter(|d| new & 1 << d != 0) {
            let (share, limit) = match self.held_deadline(c, d) {
                Some(deadline) => (
                    s.user_early_install_share,
                    (deadline - cx.now()).min(window),
                ),
                None => (s.user_optional_share, window),
            };
            if self.draw_unit(c) >= share || limit == SimDuration::ZERO {
                continue;
            }
            let dialog = if self.mandatory_for(c, d) && self.draw_unit(c) < s.user_express_share {
                Dialog::Express
            } else {
                Dialog::Available
            };
            let delay = SimDuration(self.draw_below(c, limit.ms()));
            cx.schedule_in(delay, Event::UserAct { client: c, dialog });
        }
    }

    /// The user opens a dialog: Express takes every mandatory deployment whose deadline is
    /// still ahead, Available every registered one with something left to install; the
    /// chosen updates download if needed (R21 for optional ones) and install. A dialog with
    /// nothing to offer by then (the deadline came first, or moved earlier) is not opened.
    pub(super) fn user_act(&mut self, c: ClientId, dialog: Dialog, cx: &mut Cx) {
        let head = self.clients.head(c);
        let (registered, settled) = (head.registered, head.settled);
        let now = cx.now();
        let mut chosen = 0;
        for d in (0..self.deployments.len()).filter(|d| registered & !settled & 1 << d != 0) {
            let ahead = match self.held_deadline(c, d) {
                Some(deadline) => deadline > now,
                None => dialog == Dialog::Available,
            };
            if ahead {
                chosen |= 1 << d;
            }
        }
        if chosen == 0 {
            return;
        }
        cx.emit(Fact::UserInstall { client: c, dialog });
        self.clients.head_mut(c).chosen |= chosen;
        self.ensure_download(c, cx);
        self.begin_install(c, cx);
    }
}
