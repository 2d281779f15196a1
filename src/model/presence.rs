//! Users at their machines (issue 11). A user is at the machine only while it is on and
//! within their working hours. For most machines that is simply "on": an office desktop is
//! on in its office hours, a laptop while its user has it open, a server's console has
//! nobody to wait for. A desktop left on overnight is the exception: its user goes home at
//! the end of the office day and comes back the next working morning (the same times the
//! machine would have been switched off and on, `power.rs`), so reminders, install dialogs
//! and the user's restart wait for the morning, as they would on a real machine.
//!
//! Each such machine has one pending presence event, its user's next coming or going (two
//! per working day, as for a machine that is switched off), traced as `user_away` and
//! `user_back`. While the user is away, a reminder due is not shown and a dialog due is
//! opened on their return, like a machine's start-up (`power.rs`); the user's restart is
//! timed from the same hours when it is planned (`install.rs`), so the countdown that
//! forces it is kept.

use super::clients::{AWAY, USER_AVAILABLE_MISSED, USER_EXPRESS_MISSED};
use super::event::Event;
use super::fact::{Dialog, Fact};
use super::{Cx, Model};
use crate::engine::{SimDuration, SimTime};
use crate::world::{ClientId, Power};

/// A user's delay when they do not come back in the run.
pub(super) const NEVER: u64 = u64::MAX / 4;

impl Model<'_> {
    /// Whether client `c`'s user is away from the machine (it is on, left on overnight).
    pub(super) fn user_away(&self, c: ClientId) -> bool {
        self.clients.has(c, AWAY)
    }

    /// At the start: the users of machines left on who are not at work now are away, and
    /// each has their next coming or going pending.
    pub(super) fn presence_start(&mut self, cx: &mut Cx) {
        for (g, group) in self.world.groups.iter().enumerate() {
            if !matches!(group.power, Power::Office { .. }) {
                continue;
            }
            for k in (0..group.count).filter(|&k| self.days[g].left_on(k)) {
                let c = ClientId(group.first.0 + k);
                let at_work = self.office_period(g, k, 0).is_some();
                if !at_work {
                    self.clients.set(c, AWAY, true);
                    cx.emit(Fact::UserAway { client: c });
                }
                if let Some(at) = self.next_presence_change(g, k, 0, at_work) {
                    cx.schedule_at(at, Event::Presence(c));
                }
            }
        }
    }

    /// Client `c`'s user comes or goes. On their return, what came due while they were
    /// away happens: the dialogs they meant to open, and reminders start afresh (R22, R24).
    /// A machine that is off (its days away) has nobody to trace: the user's state is kept
    /// and told when it is switched back on (`user_at_start_up`).
    pub(super) fn presence_change(&mut self, c: ClientId, cx: &mut Cx) {
        let (g, k) = self.member(c);
        let t = cx.now().ms() as i64;
        let back = self.office_period(g, k, t).is_some();
        let changed = back == self.user_away(c);
        self.clients.set(c, AWAY, !back);
        if changed && !self.is_off(c) {
            cx.emit(match back {
                true => Fact::UserBack { client: c },
                false => Fact::UserAway { client: c },
            });
        }
        if let Some(at) = self.next_presence_change(g, k, t, back) {
            cx.schedule_at(at, Event::Presence(c));
        }
        if back && changed && !self.is_off(c) {
            self.replay_user_acts(c, cx);
            self.restart_notifications(c, cx);
        }
    }

    /// A machine left on comes back from its days away while its user is not at work: the
    /// trace says so after its start-up.
    pub(super) fn user_at_start_up(&mut self, c: ClientId, cx: &mut Cx) {
        if self.user_away(c) {
            cx.emit(Fact::UserAway { client: c });
        }
    }

    /// The dialogs whose time came while the machine was off or its user away open now.
    pub(super) fn replay_user_acts(&mut self, c: ClientId, cx: &mut Cx) {
        for (flag, dialog) in [
            (USER_EXPRESS_MISSED, Dialog::Express),
            (USER_AVAILABLE_MISSED, Dialog::Available),
        ] {
            if self.clients.has(c, flag) {
                self.clients.set(c, flag, false);
                cx.schedule_in(SimDuration::ZERO, Event::UserAct { client: c, dialog });
            }
        }
    }

    /// When the user of machine `k` of group `g`, at work (`present`) or not at `t`, next
    /// comes or goes: the end of the office day holding `t`, or the next office morning.
    fn next_presence_change(&self, g: usize, k: u32, t: i64, present: bool) -> Option<SimTime> {
        let at = match present {
            true => self.office_period(g, k, t).map_or(t, |(_, off)| off),
            false => self.next_office_on(g, k, t)?,
        };
        Some(SimTime(at.max(t) as u64))
    }

    /// The user's delay `drawn` from `now`, moved to their return if they are away then
    /// ([`NEVER`] for a user who does not return in the run: beyond any countdown).
    pub(super) fn user_delay(&self, c: ClientId, now: SimTime, drawn: u64) -> u64 {
        self.user_back_at(c, now + SimDuration(drawn))
            .map_or(NEVER, |at| (at - now).ms())
    }

    /// The first moment from `t` at which client `c`'s user is at work: `t` itself unless
    /// the machine is left on and its user away then (`None`: not again in the run). A
    /// machine that is off at that moment catches up at its start-up instead (`power.rs`).
    pub(super) fn user_back_at(&self, c: ClientId, t: SimTime) -> Option<SimTime> {
        let (g, k) = self.member(c);
        if !matches!(self.world.groups[g].power, Power::Office { .. }) || !self.days[g].left_on(k) {
            return Some(t);
        }
        let at = t.ms() as i64;
        match self.office_period(g, k, at) {
            Some(_) => Some(t),
            None => self.next_office_on(g, k, at).map(|on| SimTime(on as u64)),
        }
    }
}
