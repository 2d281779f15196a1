//! Installs (R25). When the deadline passes (or the user starts the updates), a pre-install
//! scan confirms what is still required, the local cache is checked, the updates install one
//! after another, and a post-install scan finds them no longer required; its state messages
//! tell the MP. An update that needs a restart stays Required (pending restart) until the
//! user restarts, uniformly within `restart_window`; the scan after the restart reports it
//! Installed. Updates not in the cache wait for the download (R18).

use super::clients::{INSTALL_WAITING, INSTALLING, RESTART_SCHEDULED};
use super::compliance::Truth;
use super::event::Event;
use super::fact::{Fact, ScanReason};
use super::{Cx, Model};
use crate::engine::SimDuration;
use crate::world::{ClientId, UpdateId};

impl Model<'_> {
    /// Starts an install with its pre-install scan, unless one is under way.
    pub(super) fn begin_install(&mut self, c: ClientId, cx: &mut Cx) {
        if self.clients.has(c, INSTALLING) || !self.due(c, cx.now()) {
            return;
        }
        self.clients.set(c, INSTALLING, true);
        self.clients.set(c, INSTALL_WAITING, false);
        self.start_scan(c, ScanReason::PreInstall, cx);
    }

    /// The pre-install scan is done: the cache is checked; missing files make the install
    /// wait for the download.
    pub(super) fn pre_install_done(&mut self, c: ClientId, cx: &mut Cx) {
        let now = cx.now();
        if self
            .first_due(c, now, |u| !self.clients.cached(c.index(), u))
            .is_some()
        {
            self.clients.set(c, INSTALLING, false);
            self.clients.set(c, INSTALL_WAITING, true);
            return self.ensure_download(c, cx);
        }
        self.install_next(c, cx);
    }

    /// Installs the next due update, or scans when none is left.
    fn install_next(&mut self, c: ClientId, cx: &mut Cx) {
        match self.first_due(c, cx.now(), |_| true) {
            Some(u) => {
                cx.emit(Fact::InstallStart {
                    client: c,
                    update: UpdateId(u as u32),
                });
                cx.schedule_in(
                    self.world.settings.install_duration.0,
                    Event::InstallDone(c),
                );
            }
            None => self.start_scan(c, ScanReason::PostInstall, cx),
        }
    }

    /// One update installed; it needs a restart or counts as installed.
    pub(super) fn install_done(&mut self, c: ClientId, cx: &mut Cx) {
        let Some(u) = self.first_due(c, cx.now(), |_| true) else {
            return self.start_scan(c, ScanReason::PostInstall, cx);
        };
        let restart = self.world.updates[u].restart;
        let truth = if restart {
            Truth::PendingRestart
        } else {
            Truth::Installed
        };
        self.clients.set_truth(c.index(), u, truth);
        let registered = self.clients.head(c).registered;
        self.settle(c, registered & self.update_deployments[u]);
        cx.emit(Fact::InstallDone {
            client: c,
            update: UpdateId(u as u32),
            restart,
        });
        self.install_next(c, cx);
    }

    /// The post-install scan is done: a restart is planned if an install waits for one.
    pub(super) fn post_install_done(&mut self, c: ClientId, cx: &mut Cx) {
        self.clients.set(c, INSTALLING, false);
        let pending = (0..self.world.updates.len())
            .any(|u| self.clients.truth(c.index(), u) == Truth::PendingRestart);
        if pending && !self.clients.has(c, RESTART_SCHEDULED) {
            self.clients.set(c, RESTART_SCHEDULED, true);
            let window = self.world.settings.restart_window.0.ms().max(1);
            let delay = SimDuration(self.draw_below(c, window));
            cx.schedule_in(delay, Event::Restart(c));
        }
        // A deployment that became due meanwhile installs next.
        self.begin_install(c, cx);
    }

    /// The user restarts: pending installs complete, and a scan reports them (R25).
    pub(super) fn restart(&mut self, c: ClientId, cx: &mut Cx) {
        self.clients.set(c, RESTART_SCHEDULED, false);
        for u in 0..self.world.updates.len() {
            if self.clients.truth(c.index(), u) == Truth::PendingRestart {
                self.clients.set_truth(c.index(), u, Truth::Installed);
            }
        }
        cx.emit(Fact::Restart { client: c });
        self.start_scan(c, ScanReason::PostInstall, cx);
    }
}
