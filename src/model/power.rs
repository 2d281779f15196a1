//! Machines that are switched off (issue 11). Each group's availability — always on, office
//! hours on working days in its time zone, or intermittent spells — and the days a share of
//! its machines is away decide when each machine is on. A machine that is off does nothing:
//! its polls, scans, sends, downloads, reminders and its user wait. When it comes back it does
//! what a client does at start-up: the reboot completes a pending restart, it polls policy,
//! runs the jobs that came due (a missed scan, a passed deadline's install), resumes looking
//! for content and sending state messages, and reminds its user of deadlines ahead.
//!
//! Each machine has one pending power event, its next change, so the cost is two events per
//! machine per working day (office) or per spell pair (laptops). Office times are drawn per
//! machine and day from streams of their own, so a machine's schedule is a pure function of
//! the seed, its group and its number. A machine does not switch off in the middle of an
//! agent job or a download: Windows finishes installing before it shuts down, and downloads
//! are minutes long (assumed); it switches off when they end.

use super::agent::Job;
use super::clients::DownloadJob;
use super::clients::{
    DEPLOYMENT_POLICY_PENDING, LOCATE_MISSED, OFF, OFF_PENDING, SCAN_POLICY_PENDING,
    SCAN_TICK_MISSED, SEND_MISSED, USER_AVAILABLE_MISSED, USER_EXPRESS_MISSED,
};
use super::event::Event;
use super::fact::{Dialog, Fact};
use super::{Cx, Model};
use crate::engine::time::{DAY, MINUTE};
use crate::engine::{DrawCounter, RandomStreams, SimTime, StreamFamily, StreamId};
use crate::world::{ClientId, Power, World};

/// A group's local days and its streams, for machines that follow the calendar.
pub(super) struct GroupDays {
    /// Per local day from the day before the start: (midnight in ms from the start, weekday).
    days: Vec<(i64, u8)>,
    office: StreamFamily,
    /// Per machine of the group, drawn once at the start (a draw costs a ChaCha block, and
    /// these are read at every power change): bit 15 set when it is left on; the low bits
    /// its first day away plus one (0: never away).
    machines: Vec<u16>,
    /// Per machine of the group switched off until its next office period: that period's
    /// length in ms, drawn with its start when the machine went off, so that the switch-on
    /// does not draw the same day again (a ChaCha block: 4 % of the run at 300,000 clients).
    /// [`NO_SPAN`] when none is held.
    spans: Vec<u32>,
}

/// `GroupDays::spans`: no period held; the switch-on draws its day.
const NO_SPAN: u32 = u32::MAX;

/// `GroupDays::machines`: the machine is never switched off.
const LEFT_ON: u16 = 1 << 15;

impl GroupDays {
    /// The days of every group of `world` (empty for groups without a calendar), and which
    /// of its machines are left on or away from which day.
    pub(super) fn of(world: &World, rng: &RandomStreams) -> Vec<GroupDays> {
        let days = (world.end.ms() / DAY) as usize + 4;
        // A first day away within the run (day 1 is the start's date).
        let run_days = (world.end.ms() / DAY).max(1);
        world
            .groups
            .iter()
            .map(|g| {
                let days = match &world.calendar {
                    Some(c) if g.power != Power::AlwaysOn || g.away.is_some() => {
                        c.local_days(&g.zone, days)
                    }
                    _ => Vec::new(),
                };
                let (left_on, away) = (
                    StreamId::family("left-on", &g.name),
                    StreamId::family("away", &g.name),
                );
                let machines: Vec<u16> = (0..g.count)
                    .filter(|_| !days.is_empty())
                    .map(|k| {
                        let mut m = 0;
                        if let Power::Office { left_on: share, .. } = g.power
                            && once(rng, left_on.member(u64::from(k))) < share
                        {
                            m |= LEFT_ON;
                        }
                        if let Some((share, _)) = g.away {
                            let stream = away.member(u64::from(k));
                            let mut draws = DrawCounter::default();
                            if rng.unit(stream, &mut draws) < share {
                                m |= 1 + rng.below(stream, &mut draws, run_days) as u16;
                            }
                        }
                        m
                    })
                    .collect();
                let office = matches!(g.power, Power::Office { .. });
                GroupDays {
                    days,
                    office: StreamId::family("power", &g.name),
                    spans: vec![NO_SPAN; if office { machines.len() } else { 0 }],
                    machines,
                }
            })
            .collect()
    }

    /// Whether machine `k` of the group is never switched off.
    pub(super) fn left_on(&self, k: u32) -> bool {
        self.machines
            .get(k as usize)
            .is_some_and(|&m| m & LEFT_ON != 0)
    }

    /// The index of the local day holding `t`.
    fn day_of(&self, t: i64) -> usize {
        self.days
            .partition_point(|&(m, _)| m <= t)
            .saturating_sub(1)
    }

    /// Midnight of day `d` (the run's last day repeats beyond the table).
    fn midnight(&self, d: usize) -> i64 {
        self.days.get(d).map_or(i64::MAX / 4, |x| x.0)
    }
}

/// A uniform draw in `[0, 1)`, the only one of its stream: schedules that do not depend on
/// what else the machine did.
fn once(rng: &RandomStreams, stream: StreamId) -> f64 {
    rng.unit(stream, &mut DrawCounter::default())
}

impl Model<'_> {
    /// Whether client `c` is switched off.
    pub(super) fn is_off(&self, c: ClientId) -> bool {
        self.clients.has(c, OFF)
    }

    /// At the start: machines off now are off, and every machine that follows a schedule has
    /// its next change pending.
    pub(super) fn power_start(&mut self, cx: &mut Cx) {
        for (g, group) in self.world.groups.iter().enumerate() {
            if group.power == Power::AlwaysOn && group.away.is_none() {
                continue;
            }
            for k in 0..group.count {
                let c = ClientId(group.first.0 + k);
                let on = self.initially_on(g, k);
                if !on {
                    self.never_on.insert(c.index());
                    self.clients.set(c, OFF, true);
                    cx.emit(Fact::ClientOffline { client: c });
                }
                if let Some(at) = self.next_change(c, SimTime::ZERO, on) {
                    cx.schedule_at(at, Event::Power(c));
                }
            }
        }
    }

    /// The machine's next change is due: it switches off (or will, once its job or download
    /// ends), or comes back on.
    pub(super) fn power_change(&mut self, c: ClientId, cx: &mut Cx) {
        if self.is_off(c) {
            self.switch_on(c, cx);
        } else {
            self.clients.set(c, OFF_PENDING, true);
            self.switch_off_if_idle(c, cx);
        }
    }

    /// A machine switching off goes off once its agent and downloads are idle.
    pub(super) fn switch_off_if_idle(&mut self, c: ClientId, cx: &mut Cx) {
        let head = self.clients.head(c);
        if !self.clients.has(c, OFF_PENDING)
            || head.agent != super::agent::Agent::Idle
            || matches!(head.job, DownloadJob::Downloading | DownloadJob::FromPeer)
        {
            return;
        }
        self.clients.set(c, OFF_PENDING, false);
        self.clients.set(c, OFF, true);
        cx.emit(Fact::ClientOffline { client: c });
        if let Some(at) = self.next_change(c, cx.now(), false) {
            cx.schedule_at(at, Event::Power(c));
        }
    }

    /// The machine boots and does what a client does at start-up.
    fn switch_on(&mut self, c: ClientId, cx: &mut Cx) {
        self.clients.set(c, OFF, false);
        self.never_on.remove(c.index());
        cx.emit(Fact::ClientOnline { client: c });
        self.user_at_start_up(c, cx);
        if self.clients.head(c).machine == super::machines::MachineState::NeverOnline {
            self.track_machine(c, cx);
        }
        if let Some(at) = self.next_change(c, cx.now(), true) {
            cx.schedule_at(at, Event::Power(c));
        }
        // The boot completes installs waiting for a restart (R15, R25).
        if self.pending_restart(c) {
            // The restart job clears RESTART_SCHEDULED, so a restart still scheduled is
            // stale when it comes (dispatch ignores it): this is the restart.
            self.clients.head_mut(c).waiting |= Job::BootRestart as u8;
        }
        // A machine waiting for a window checks it first thing, as the window's opening
        // would have (`windows.rs`), before the jobs that came due while it was off.
        if self.clients.head(c).window_wait & super::windows::WAIT_INSTALL != 0 {
            self.clients.head_mut(c).waiting |= Job::Install as u8;
        }
        // Machine policy is requested at start-up (R09).
        if self.clients.head(c).flags & (SCAN_POLICY_PENDING | DEPLOYMENT_POLICY_PENDING) != 0 {
            cx.schedule_in(crate::engine::SimDuration::ZERO, Event::PolicyReceived(c));
        }
        if self.clients.has(c, SEND_MISSED) {
            self.clients.set(c, SEND_MISSED, false);
            let interval = self.world.settings.state_message_interval.0.ms();
            cx.schedule_at(
                self.next_tick(c, 1, interval, cx.now()),
                Event::SendStateMessages(c),
            );
        }
        if self.clients.has(c, SCAN_TICK_MISSED) {
            self.clients.set(c, SCAN_TICK_MISSED, false);
            self.scan_cycle_at_start_up(c, cx);
        }
        if self.clients.has(c, LOCATE_MISSED) {
            self.clients.set(c, LOCATE_MISSED, false);
            cx.schedule_in(crate::engine::SimDuration::ZERO, Event::Locate(c));
        }
        self.replay_user_acts(c, cx);
        // Jobs that came due while it was off (a missed scan, a passed deadline), then what
        // its scans left to download and install, then reminders of deadlines ahead.
        self.run_waiting(c, cx);
        self.reevaluate(c, cx);
        self.restart_notifications(c, cx);
    }

    /// A tick of the scan schedule came due while off: the next tick is armed, and the scan
    /// is scheduled at start-up (R10).
    pub(super) fn scan_tick_missed(&mut self, c: ClientId, cx: &mut Cx) {
        self.clients.set(c, SCAN_TICK_MISSED, true);
        cx.schedule_in(
            self.world.settings.scan_schedule_interval.0,
            Event::ScanCycle(c),
        );
    }

    /// A user act came due while the machine was off: it happens at the next start-up.
    pub(super) fn user_act_missed(&mut self, c: ClientId, dialog: Dialog) {
        let flag = match dialog {
            Dialog::Express => USER_EXPRESS_MISSED,
            Dialog::Available => USER_AVAILABLE_MISSED,
        };
        self.clients.set(c, flag, true);
    }

    /// Whether the machine is on at the start.
    fn initially_on(&mut self, g: usize, k: u32) -> bool {
        let group = &self.world.groups[g];
        let c = ClientId(group.first.0 + k);
        match group.power {
            Power::Intermittent { online, offline } => {
                self.draw_unit(c) < online as f64 / (online + offline) as f64
            }
            // Days away begin at a midnight after the start.
            Power::Office { .. } => {
                self.days[g].left_on(k) || self.office_period(g, k, 0).is_some()
            }
            Power::AlwaysOn => true,
        }
    }

    /// Client `c`'s group and its number in the group, which name its power draws.
    pub(super) fn member(&self, c: ClientId) -> (usize, u32) {
        let g = self.group(c).index();
        (g, c.0 - self.world.groups[g].first.0)
    }

    /// When client `c`, `on` now, next changes.
    fn next_change(&mut self, c: ClientId, now: SimTime, on: bool) -> Option<SimTime> {
        let (g, k) = self.member(c);
        let t = now.ms() as i64;
        let at = match self.world.groups[g].power {
            Power::Intermittent { online, offline } => {
                let mean = if on { online } else { offline };
                let u = self.draw_unit(c);
                // Exponential spell, at least a minute: no storm of zero-length spells.
                let spell = (-(mean as f64) * (1.0 - u).ln()).max(MINUTE as f64);
                return Some(now + crate::engine::SimDuration(spell as u64));
            }
            Power::Office { .. } => {
                if self.days[g].left_on(k) {
                    self.away_change(g, k, t, on)?
                } else if on {
                    // The end of the period holding `t` (the one drawn when the machine went
                    // off, which began now), or now when outside one.
                    let held = self.days[g].spans.get_mut(k as usize);
                    match held.map_or(NO_SPAN, |s| std::mem::replace(s, NO_SPAN)) {
                        NO_SPAN => match self.office_period(g, k, t) {
                            Some((_, off)) => off,
                            None => t,
                        },
                        span => t + i64::from(span),
                    }
                } else {
                    let (on, off) = self.next_office(g, k, t)?;
                    if let Some(span) = self.days[g].spans.get_mut(k as usize) {
                        *span = u32::try_from(off - on).unwrap_or(NO_SPAN);
                    }
                    on
                }
            }
            Power::AlwaysOn => self.away_change(g, k, t, on)?,
        };
        Some(SimTime(at.max(t) as u64))
    }

    /// For a machine that is on except on its days away: when it next changes.
    fn away_change(&self, g: usize, k: u32, t: i64, on: bool) -> Option<i64> {
        let (from, to) = self.away_days(g, k)?;
        if on {
            (t < from).then_some(from)
        } else {
            Some(to.max(t))
        }
    }

    /// The machine's days away, as [from, to) in ms, if it is one of the share away.
    fn away_days(&self, g: usize, k: u32) -> Option<(i64, i64)> {
        let (_, n) = self.world.groups[g].away?;
        let days = &self.days[g];
        let first = usize::from(days.machines.get(k as usize)? & !LEFT_ON);
        (first > 0).then(|| (days.midnight(first), days.midnight(first + n as usize)))
    }

    /// Office machine `k` of group `g` on local day `d`: when it is switched on and off, if
    /// that is a working day it is not away.
    fn office_day(&self, g: usize, k: u32, d: usize) -> Option<(i64, i64)> {
        let Power::Office {
            hours,
            days: working,
            spread,
            ..
        } = self.world.groups[g].power
        else {
            return None;
        };
        let days = &self.days[g];
        let &(midnight, weekday) = days.days.get(d)?;
        if working & 1 << weekday == 0 {
            return None;
        }
        if let Some((from, to)) = self.away_days(g, k)
            && midnight >= from
            && midnight < to
        {
            return None;
        }
        // Both edges from one generator: a draw costs a ChaCha block.
        let mut jitter = [0i64; 2];
        let member = u64::from(k) << 12 | (d as u64 & 0x7ff) << 1;
        let mut i = 0;
        let (stream, mut draws) = (days.office.member(member), DrawCounter::default());
        self.rng.units(stream, &mut draws, 2, |u| {
            jitter[i] = (u * spread as f64) as i64;
            i += 1;
        });
        let on = midnight + i64::from(hours.0) * MINUTE as i64 + jitter[0];
        let off = midnight + i64::from(hours.1) * MINUTE as i64 + jitter[1];
        Some((on, off))
    }

    /// The office period holding `t`, if any.
    pub(super) fn office_period(&self, g: usize, k: u32, t: i64) -> Option<(i64, i64)> {
        let d = self.days[g].day_of(t);
        [d.saturating_sub(1), d]
            .into_iter()
            .filter(|&d| {
                self.office_bounds(g, d)
                    .is_some_and(|(on, _, off)| on <= t && t < off)
            })
            .filter_map(|d| self.office_day(g, k, d))
            .find(|&(on, off)| on <= t && t < off)
    }

    /// The start of the first office period starting after `t`.
    pub(super) fn next_office_on(&self, g: usize, k: u32, t: i64) -> Option<i64> {
        self.next_office(g, k, t).map(|(on, _)| on)
    }

    /// The first office period starting after `t`: when it starts and ends.
    fn next_office(&self, g: usize, k: u32, t: i64) -> Option<(i64, i64)> {
        let days = &self.days[g];
        (days.day_of(t)..days.days.len())
            .filter(|&d| self.office_bounds(g, d).is_some_and(|(_, on, _)| on > t))
            .filter_map(|d| self.office_day(g, k, d))
            .find(|&(on, _)| on > t)
    }

    /// Bounds that any machine of office group `g` keeps on local day `d`, without its draw:
    /// the earliest and the latest switch-on, and the latest switch-off (the spread makes
    /// each edge up to that much later). A day the bounds rule out is not drawn: a draw is
    /// a ChaCha block, and a machine going off in the evening would otherwise draw its
    /// morning again to look for the next one.
    fn office_bounds(&self, g: usize, d: usize) -> Option<(i64, i64, i64)> {
        let Power::Office { hours, spread, .. } = self.world.groups[g].power else {
            return None;
        };
        let &(midnight, _) = self.days[g].days.get(d)?;
        let spread = spread as i64;
        let on = midnight + i64::from(hours.0) * MINUTE as i64;
        let off = midnight + i64::from(hours.1) * MINUTE as i64;
        Some((on, on + spread, off + spread))
    }
}
