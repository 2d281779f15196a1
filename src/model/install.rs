//! Installs (R25), one agent job each. When the deadline passes (or the user starts the
//! updates), a pre-install scan confirms what is still required, the local cache is checked,
//! the updates install one after another, and a post-install scan finds them no longer
//! required; its state messages tell the MP. Each install finishes the update it started
//! with (`Head::installing`), never one recomputed at its end. An update that needs a restart
//! stays Required (pending restart, `restart_pending`) until the user restarts, uniformly
//! within `restart_window`; the restart is a job too, and the scan after it reports the
//! update Installed. Updates not in the cache wait for the download (R18).
//!
//! After an install past its deadline, a restart countdown runs (current branch; none when
//! `restart_countdown` is 0, as in 2007): the user's
//! draw stands if it comes before the countdown's final warning (`restart_final_warning`
//! before its end); otherwise the warning shows, and the machine restarts when the user does
//! or, at the latest, by force at the end of `restart_countdown`. The user's time is drawn
//! uniformly on `restart_window` either way: at the warning, the rest of that draw is drawn
//! anew, uniform on what is left of the window (the same law, and nothing stored per client).

use super::agent::{Agent, Job};
use super::clients::{INSTALL_WAITING, RESTART_SCHEDULED};
use super::compliance::Truth;
use super::event::Event;
use super::fact::{Fact, ScanReason};
use super::invariant::Invariant;
use super::presence::NEVER;
use super::windows::{WAIT_INSTALL, WAIT_RESTART};
use super::{Cx, Model};
use crate::engine::SimDuration;
use crate::world::{ClientId, UpdateId};

impl Model<'_> {
    /// Asks for an install job if an update is due (R25) and may install now; one that must
    /// wait for a maintenance window waits for its opening (`windows.rs`).
    pub(super) fn begin_install(&mut self, c: ClientId, cx: &mut Cx) {
        if self.installable(c, cx) {
            self.want(c, Job::Install, cx);
        }
    }

    /// Whether client `c` has an update due that may install now. While any due update must
    /// wait for a window, even beside one that installs now, the client waits for the next
    /// opening: nothing else would wake it there.
    fn installable(&mut self, c: ClientId, cx: &mut Cx) -> bool {
        let now = cx.now();
        let before = self.clients.head(c).window_wait;
        let (mut may, mut waits) = (false, false);
        {
            let gate = self.may_install(c, now);
            for u in self.due_updates(c, now) {
                if gate(u) {
                    may = true;
                } else {
                    waits = true;
                }
                if may && waits {
                    break;
                }
            }
        }
        let head = self.clients.head_mut(c);
        head.window_wait = head.window_wait & !WAIT_INSTALL | if waits { WAIT_INSTALL } else { 0 };
        if self.clients.head(c).window_wait != before {
            self.track_machine(c, cx);
        }
        may
    }

    /// Whether client `c` has an update due to install now.
    fn due(&self, c: ClientId, now: crate::engine::SimTime) -> bool {
        self.first_due(c, now, |_| true).is_some()
    }

    /// The install job starts on an idle agent with its pre-install scan, if anything is
    /// still due and may install by then.
    pub(super) fn install_now(&mut self, c: ClientId, cx: &mut Cx) {
        if !self.installable(c, cx) {
            return;
        }
        self.clients.set(c, INSTALL_WAITING, false);
        self.start_scan(c, ScanReason::PreInstall, cx);
    }

    /// The pre-install scan is done: the cache is checked; missing files end the job, and
    /// the install waits for the download (R18).
    pub(super) fn pre_install_done(&mut self, c: ClientId, cx: &mut Cx) {
        let now = cx.now();
        if !self.due(c, now) {
            // A later deadline arrived during the scan (a new policy version): nothing is due
            // any more, so the job ends with this scan; no install, no post-install scan.
            return self.job_done(c, cx);
        }
        if self
            .first_due(c, now, |u| !self.clients.cached(c.index(), u))
            .is_some()
        {
            self.clients.set(c, INSTALL_WAITING, true);
            self.ensure_download(c, cx);
            return self.job_done(c, cx);
        }
        self.install_next(c, cx);
    }

    /// Installs the next due update that may install now, the shortest maximum run time
    /// first (as the client orders them for its windows); when none is left, the job ends
    /// with a post-install scan, or with the pre-install scan if it installed nothing.
    fn install_next(&mut self, c: ClientId, cx: &mut Cx) {
        let now = cx.now();
        let due = self.due_mask(c, now);
        let order = self.deployed.install_order(due, self.world);
        // What may install, read a word at a time: pending, and in the cache (R18).
        for (k, w) in self.ready.iter_mut().enumerate() {
            *w = self.deployed.word(due, k)
                & self.clients.pending_word(c.index(), k)
                & self.clients.cached_word(c.index(), k);
        }
        let next = {
            let ready = &self.ready;
            let gate = self.may_install(c, now);
            self.deployed
                .order(order)
                .iter()
                .map(|&u| u as usize)
                .find(|&u| ready[u / 64] >> (u % 64) & 1 == 1 && gate(u))
        };
        match next {
            Some(u) => {
                self.enter(c, Agent::Installing);
                self.clients.head_mut(c).installing = u as u32;
                cx.emit(Fact::InstallStart {
                    client: c,
                    update: UpdateId(u as u32),
                });
                cx.schedule_in(
                    self.world.settings.install_duration.0,
                    Event::InstallDone(c),
                );
            }
            // The window closed, or grew too short, during the pre-install scan.
            None if self.clients.head(c).agent == Agent::PreInstallScan => {
                self.begin_install(c, cx);
                self.job_done(c, cx)
            }
            None => self.start_scan(c, ScanReason::PostInstall, cx),
        }
    }

    /// The update started installing is installed; it needs a restart or counts as
    /// installed.
    pub(super) fn install_done(&mut self, c: ClientId, cx: &mut Cx) {
        let head = self.clients.head(c);
        let u = head.installing as usize;
        if head.agent != Agent::Installing || self.clients.truth(c.index(), u) != Truth::Required {
            let detail = format!(
                "client {} finished installing update {u} while {:?}, the update {:?}",
                c.0,
                head.agent,
                self.clients.truth(c.index(), u)
            );
            return self.broke(Invariant::OneJobAtATime, detail);
        }
        let restart = self.world.updates[u].restart;
        let truth = if restart {
            Truth::PendingRestart
        } else {
            Truth::Installed
        };
        self.clients.set_truth(c.index(), u, truth);
        let registered = self.clients.head(c).registered;
        self.settle(c, registered & self.deployed.holding(u));
        let deployments = self.installs_for(c, u);
        cx.emit(Fact::InstallDone {
            client: c,
            update: UpdateId(u as u32),
            restart,
            deployments,
        });
        if restart {
            cx.emit(Fact::RestartPending {
                client: c,
                update: UpdateId(u as u32),
            });
        }
        // Only the deployments holding `u` can have become compliant: `u` was required.
        self.report_compliance_change(c, self.deployed.holding(u), cx);
        self.install_next(c, cx);
    }

    /// The deployments an install of update `u` on client `c` settles a required pair of:
    /// created, holding `u`, and targeting `c` itself (a share of a group takes only some of
    /// its clients).
    fn installs_for(&self, c: ClientId, u: usize) -> u32 {
        let among = self.created & self.deployed.holding(u);
        super::lanes::ones(0, u64::from(among))
            .filter(|&d| self.deployments[d].targeted.contains(c.index()))
            .fold(0, |found, d| found | 1 << d)
    }

    /// The post-install scan is done: a restart is planned if an install waits for one, and
    /// the agent is free for what waits (a deployment that came due meanwhile installs next).
    pub(super) fn post_install_done(&mut self, c: ClientId, cx: &mut Cx) {
        let now = cx.now();
        let past = self.held_past_deadline(c, now);
        let counts_down = self.world.settings.restart_countdown.0 > SimDuration::ZERO;
        let (mut pending, mut countdown) = (false, false);
        for k in 0..self.clients.words() {
            let waiting = self.restart_word(c, k);
            pending |= waiting != 0;
            countdown |= counts_down && waiting & self.deployed.word(past, k) != 0;
        }
        if pending && !self.may_restart(c, now) {
            // Restarts wait for the machine's next window.
            self.clients.head_mut(c).window_wait |= WAIT_RESTART;
        } else if pending && self.windowed(c) && self.in_window(c, now) {
            // Installed in a window: the machine restarts at once, inside it.
            self.clients.head_mut(c).waiting |= Job::Restart as u8;
        } else if pending && !self.clients.has(c, RESTART_SCHEDULED) {
            self.clients.set(c, RESTART_SCHEDULED, true);
            let s = &self.world.settings;
            let (end, warn) = (s.restart_countdown.0.ms(), s.restart_final_warning.0.ms());
            let user = self.draw_below(c, s.restart_window.0.ms().max(1));
            let user = self.user_delay(c, now, user);
            let (delay, event) = if !countdown || user < end - warn {
                (
                    user,
                    Event::Restart {
                        client: c,
                        forced: false,
                    },
                )
            } else if warn == 0 {
                (
                    end,
                    Event::Restart {
                        client: c,
                        forced: true,
                    },
                )
            } else {
                (end - warn, Event::RestartWarning(c))
            };
            // A user who does not return in the run does not restart in it.
            if delay < NEVER {
                cx.schedule_in(SimDuration(delay), event);
            }
        }
        self.begin_install(c, cx);
        self.job_done(c, cx);
    }

    /// The countdown's final warning: the user restarts within it, at the rest of a draw on
    /// `restart_window` (uniform on what is left of it), or the countdown forces it.
    pub(super) fn restart_warning(&mut self, c: ClientId, cx: &mut Cx) {
        let s = &self.world.settings;
        let warn = s.restart_final_warning.0.ms();
        cx.emit(Fact::RestartWarning {
            client: c,
            restart_at: cx.now() + s.restart_final_warning.0,
        });
        let left = s.restart_window.0.ms() - (s.restart_countdown.0.ms() - warn);
        let user = self.draw_below(c, left.max(1));
        let user = self.user_delay(c, cx.now(), user);
        let (delay, forced) = if user < warn {
            (user, false)
        } else {
            (warn, true)
        };
        cx.schedule_in(SimDuration(delay), Event::Restart { client: c, forced });
    }

    /// The restart job: pending installs complete, and a scan reports them (R25).
    /// Every restart queued for the agent is this one: a machine whose window restart was
    /// queued as it switched off restarts once, at its boot, not again after it.
    pub(super) fn restart_now(&mut self, c: ClientId, forced: bool, cx: &mut Cx) {
        self.clients.set(c, RESTART_SCHEDULED, false);
        self.clients.head_mut(c).waiting &= !Job::RESTARTS;
        self.clients.head_mut(c).window_wait &= !WAIT_RESTART;
        let outside_window = self.windowed(c) && !self.in_window(c, cx.now());
        cx.emit(Fact::Restart {
            client: c,
            forced,
            outside_window,
        });
        let mut changed = 0;
        for k in 0..self.clients.words() {
            for u in super::lanes::ones(k, self.restart_word(c, k)) {
                self.clients.set_truth(c.index(), u, Truth::Installed);
                changed |= self.deployed.holding(u);
                cx.emit(Fact::RestartCompleted {
                    client: c,
                    update: UpdateId(u as u32),
                });
            }
        }
        self.report_compliance_change(c, changed, cx);
        self.start_scan(c, ScanReason::PostInstall, cx);
    }
}
