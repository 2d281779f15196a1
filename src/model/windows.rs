//! Maintenance windows (issue 11). On a machine whose group has windows for software updates,
//! an install starts only inside one, and only when the update's maximum run time fits what
//! is left of it (the shortest maximum run time first); an install that started runs past
//! the window's end. Once a deployment's deadline has passed, it may allow installs or
//! restarts outside windows (the wizard's deadline behaviour). A machine that installed in a
//! window restarts at once, inside it (servers: nobody to wait for; assumed for desktops);
//! one whose restart is not allowed outside windows waits for the next window, or restarts
//! when it is next switched on. User-started installs wait for a window too (assumed).
//!
//! Each opening and closing of a window is one event per group, not per machine: at the
//! opening, the group's machines that wait for it (`Head::window_wait`) act.

use super::agent::Job;
use super::compliance::Truth;
use super::fact::Fact;
use super::{Cx, Model};
use crate::engine::SimTime;
use crate::world::{ClientId, Deployment, UpdateId};

/// An install waits for a window.
pub(super) const WAIT_INSTALL: u8 = 1;
/// A restart waits for a window.
pub(super) const WAIT_RESTART: u8 = 2;

impl Model<'_> {
    /// Arms every opening and closing of every window in the run.
    pub(super) fn windows_start(&self, cx: &mut Cx) {
        for (i, o) in self.world.windows.openings.iter().enumerate() {
            cx.schedule_at(o.open, super::Event::WindowOpen(i as u32));
            cx.schedule_at(o.close, super::Event::WindowClose(i as u32));
        }
    }

    /// Opening `i` of a window begins: the machines of its group that wait for a window
    /// restart, then install.
    pub(super) fn window_open(&mut self, i: u32, cx: &mut Cx) {
        let windows = &self.world.windows;
        let opening = windows.openings[i as usize];
        let def = &windows.defs[opening.window as usize];
        cx.emit(Fact::WindowOpen {
            window: opening.window,
        });
        if !def.for_updates {
            return;
        }
        let group = &self.world.groups[def.group.index()];
        for c in group.first.0..group.first.0 + group.count {
            let c = ClientId(c);
            let wait = self.clients.head(c).window_wait;
            if wait == 0 || self.is_off(c) {
                continue;
            }
            if wait & WAIT_RESTART != 0 {
                self.clients.head_mut(c).window_wait &= !WAIT_RESTART;
                if self.pending_restart(c) {
                    self.want(c, Job::Restart, cx);
                }
            }
            // The install's own check clears its wait, or keeps it for a longer window.
            if wait & WAIT_INSTALL != 0 {
                self.begin_install(c, cx);
            }
        }
    }

    /// A restart that windows hold back restarts the machine now if it may (a deadline
    /// passed that allows restarts outside windows).
    pub(super) fn release_restart(&mut self, c: ClientId, cx: &mut Cx) {
        if self.clients.head(c).window_wait & WAIT_RESTART != 0 && self.may_restart(c, cx.now()) {
            self.clients.head_mut(c).window_wait &= !WAIT_RESTART;
            self.want(c, Job::Restart, cx);
        }
    }

    /// Opening `i` of a window ends; what started inside it runs on.
    pub(super) fn window_close(&mut self, i: u32, cx: &mut Cx) {
        let window = self.world.windows.openings[i as usize].window;
        cx.emit(Fact::WindowClose { window });
    }

    /// Whether maintenance windows restrict client `c`'s updates.
    pub(super) fn windowed(&self, c: ClientId) -> bool {
        self.world.windows.windowed(self.group(c))
    }

    /// Whether one of client `c`'s update windows is open at `now`.
    pub(super) fn in_window(&self, c: ClientId, now: SimTime) -> bool {
        self.world.windows.span_at(self.group(c), now).is_some()
    }

    /// Whether update `u` may start installing on client `c` at `now`: no windows restrict
    /// it, its maximum run time fits the open window, or a deployment with it whose deadline
    /// has passed allows installs outside windows.
    /// The client's group and its windows are looked up once, for all the updates asked
    /// about: a job asks about every due update before each install.
    pub(super) fn may_install(&self, c: ClientId, now: SimTime) -> impl Fn(usize) -> bool + '_ {
        let g = self.group(c);
        let windows = &self.world.windows;
        let windowed = windows.windowed(g);
        let outside = if windowed {
            self.allowed_outside(c, now, |d| d.install_outside_windows)
        } else {
            0
        };
        move |u| {
            !windowed
                || outside & self.deployed.holding(u) != 0
                || windows.fits(g, now, self.world.max_run_time(UpdateId(u as u32)))
        }
    }

    /// Whether client `c` may restart now at its windows' or the system's initiative: no
    /// windows restrict it, one is open, or an update waiting for the restart is in a
    /// deployment past its deadline that allows restarts outside windows.
    pub(super) fn may_restart(&self, c: ClientId, now: SimTime) -> bool {
        !self.windowed(c) || self.in_window(c, now) || {
            let outside = self.allowed_outside(c, now, |d| d.restart_outside_windows);
            (0..self.clients.words())
                .any(|k| self.restart_word(c, k) & self.deployed.word(outside, k) != 0)
        }
    }

    /// The deployments client `c` holds as past their deadline at `now` that have `allows`
    /// set, a bit each.
    fn allowed_outside(
        &self,
        c: ClientId,
        now: SimTime,
        allows: impl Fn(&Deployment) -> bool,
    ) -> u32 {
        let past = self.held_past_deadline(c, now);
        (0..self.world.deployments.len())
            .filter(|&d| past & 1 << d != 0 && allows(&self.world.deployments[d]))
            .fold(0, |mask, d| mask | 1 << d)
    }

    /// Whether client `c` has an install waiting for a restart.
    pub(super) fn pending_restart(&self, c: ClientId) -> bool {
        (0..self.clients.words()).any(|k| self.restart_word(c, k) != 0)
    }

    /// Of updates `64k..64k + 64`, those installed on client `c` and waiting for a restart.
    pub(super) fn restart_word(&self, c: ClientId, k: usize) -> u64 {
        let pending = 1 << Truth::PendingRestart as u8;
        self.clients.truth_word(c.index(), k, pending)
    }
}
