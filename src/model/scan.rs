//! Scans (R10–R12, R14, R17, R25). A client schedules its compliance scan uniformly within
//! `scan_window` of receiving the scan policy (R10); evaluation, pre-install and post-install
//! scans start at once. Every scan clears its history, locates WSUS, updates local Group
//! Policy, and the Windows Update Agent downloads the list of updates its WSUS holds at that
//! moment, then scans (R11). Only states that changed since the last scan are queued as state
//! messages (R12). A superseded update reports nothing when the superseding one is in the
//! list, unless a service pack supersedes a required update: then both report (R14). SMS 2003
//! clients scan the ITMU catalog (R08) and, as the source says of SMS 2003, report superseded
//! updates too. Supersedence and expiry only hide an update's Required or Not required: the
//! install of an update the client held as required is reported Installed whatever was
//! released meanwhile (R25). The site server cannot record a state for an update its
//! database has not synced: it discards such messages (`state_messages.rs`), and SMS 2003
//! clients' ITMU results only cover the site's own catalog (R08, R15).
//!
//! Every scan is a job of the client's agent (`agent.rs`): it starts only when the agent is
//! free, and the scan's end hands the agent back to the job that asked for it.

use super::agent::{Agent, Job};
use super::clients::NEVER_ONLINE;
use super::clients::SCAN_SCHEDULED;
use super::compliance::Truth;
use super::event::Event;
use super::fact::{Fact, ScanAccess, ScanReason};
use super::{Cx, Model};
use crate::engine::{SimDuration, SimTime};
use crate::world::{ClientGroup, ClientId};

impl Model<'_> {
    /// R10: the compliance scan starts at a uniformly random time within the scan window. A
    /// client whose scan is already scheduled keeps that one: it will see the newest list.
    pub(super) fn schedule_scan(&mut self, c: ClientId, cx: &mut Cx) {
        // A scan waiting for the agent (or for the machine's start-up) counts as scheduled.
        if self.clients.has(c, SCAN_SCHEDULED)
            || self.clients.head(c).waiting & Job::Compliance as u8 != 0
        {
            return;
        }
        self.clients.set(c, SCAN_SCHEDULED, true);
        let window = self.world.settings.scan_window.0.ms();
        let delay = self.draw_below(c, window);
        let at = cx.now() + SimDuration(delay);
        cx.emit(Fact::ScanScheduled { client: c, at });
        cx.schedule_at(at, Event::ScanStart(c));
    }

    /// A uniform draw in `0..n` from client `c`'s stream.
    pub(super) fn draw_below(&mut self, c: ClientId, n: u64) -> u64 {
        let stream = self.clients.stream(c);
        self.rng.below(stream, self.clients.draws(c), n)
    }

    /// A uniform draw in `[0, 1)` from client `c`'s stream.
    pub(super) fn draw_unit(&mut self, c: ClientId) -> f64 {
        let stream = self.clients.stream(c);
        self.rng.unit(stream, self.clients.draws(c))
    }

    /// The scheduled compliance scan is due: it runs now, or when the agent is free.
    pub(super) fn scan_due(&mut self, c: ClientId, cx: &mut Cx) {
        self.clients.set(c, SCAN_SCHEDULED, false);
        self.want(c, Job::Compliance, cx);
    }

    /// R11: a scan runs its steps; the update list is read when WUA connects to WSUS, which
    /// may fail to serve it (`sup_load.rs`).
    pub(super) fn start_scan(&mut self, c: ClientId, reason: ScanReason, cx: &mut Cx) {
        self.enter(c, Agent::scanning(reason));
        if reason == ScanReason::Compliance {
            self.arm_scan_cycle(c, cx);
        }
        let s = &self.world.settings;
        // WUA connects to WSUS after the first steps.
        let connect = s.scan_clear_history.0 + s.scan_locate_wsus.0 + s.scan_update_policy.0;
        let evaluate = s.scan_wua_evaluate.0;
        if !self.scans_online(c, reason, cx.now()) {
            cx.emit(Fact::ScanStart {
                client: c,
                reason,
                sup: None,
                full: false,
                served: false,
            });
            let steps = connect + self.download_step(ScanAccess::Offline) + evaluate;
            let done = Event::ScanDone {
                client: c,
                reason,
                access: ScanAccess::Offline,
            };
            return cx.schedule_in(steps, done);
        }
        self.switch_sup_if_due(c, cx);
        let at = self.connect(c, cx.now() + connect);
        cx.emit(Fact::ScanStart {
            client: c,
            reason,
            sup: Some(at.sup),
            full: at.access == ScanAccess::Full,
            served: at.failure.is_none(),
        });
        if let Some(cause) = at.failure {
            let failed = Event::ScanFailed {
                client: c,
                reason,
                cause,
            };
            return cx.schedule_in(connect, failed);
        }
        let steps = connect + self.download_step(at.access) + evaluate;
        let done = Event::ScanDone {
            client: c,
            reason,
            access: at.access,
        };
        cx.schedule_in(steps, done);
    }

    /// R12: compares the scan with the last one; changed states go to the send queue. Then
    /// the process that asked for the scan goes on.
    pub(super) fn scan_done(
        &mut self,
        c: ClientId,
        reason: ScanReason,
        access: ScanAccess,
        cx: &mut Cx,
    ) {
        let running = self.clients.head(c).agent;
        if running != Agent::scanning(reason) {
            return self.broke(
                super::Invariant::OneJobAtATime,
                format!("client {} ended a {reason:?} scan while {running:?}", c.0),
            );
        }
        let s = &self.world.settings;
        let connected =
            SimTime(cx.now().ms() - (self.download_step(access) + s.scan_wua_evaluate.0).ms());
        let group = &self.world.groups[self.group(c).index()];
        // An offline scan reads the list its client's last online scan fetched.
        let online_at = self.clients.head(c).online_at;
        let read = match access {
            ScanAccess::Offline if !group.legacy && online_at != NEVER_ONLINE => {
                SimTime(u64::from(online_at) * 1_000)
            }
            _ => connected,
        };
        let listed = self.update_list(group, read);
        let changed = self.evaluate(c, group, listed);
        let head = self.clients.head_mut(c);
        head.last_scan = (cx.now().ms() / 1_000) as u32;
        if access != ScanAccess::Offline {
            self.metadata_current(c, connected);
        }
        cx.emit(Fact::ScanDone {
            client: c,
            changed,
            listed,
            reason,
        });
        if changed > 0 {
            self.arm_send(c, cx);
        }
        match reason {
            // What the scan found is recorded (jobs it asks for wait), then the agent is free.
            // Deployments the client holds whose evaluation scan was lost (its WSUS down
            // through every retry) are evaluated again once a scan is served, or the client
            // would never act on them: the evaluation job follows this one.
            ScanReason::Compliance => {
                if self.evaluation_lost(c) {
                    self.want(c, Job::Evaluation, cx);
                }
                self.reevaluate(c, cx);
                self.job_done(c, cx);
            }
            ScanReason::Evaluation => {
                self.evaluated(c, cx);
                self.job_done(c, cx);
            }
            ScanReason::PreInstall => self.pre_install_done(c, cx),
            ScanReason::PostInstall => self.post_install_done(c, cx),
        }
    }

    /// How many updates (a prefix of the catalog) the client's scan source held at `t`: its
    /// WSUS, or the ITMU catalog for SMS 2003 clients.
    fn update_list(&self, group: &ClientGroup, t: SimTime) -> u32 {
        let history = if group.legacy {
            &self.itmu_history
        } else {
            &self.sups[group.sup().index()].history
        };
        let k = history.partition_point(|&(at, _)| at <= t);
        if k == 0 { 0 } else { history[k - 1].1 }
    }

    /// Records the state of every listed update the client reports; returns how many changed.
    /// A word of 64 updates at a time: each update's new state is its true state as a scan
    /// sees it (pending restart reads Required), kept unless it reports nothing.
    fn evaluate(&mut self, c: ClientId, group: &ClientGroup, listed: u32) -> u32 {
        let db = &self.sites[group.policy_site.index()];
        // SMS 2003 clients' ITMU results are inventory mapped onto the site's own catalog:
        // updates the site has not synced are not in it (R08, R15).
        let listed_known = if group.legacy {
            listed.min(self.catalog_known(group))
        } else {
            listed
        };
        let words = if group.legacy {
            None
        } else {
            Some(self.supersedence.words(listed))
        };
        let truth = |codes: &[Truth]| codes.iter().fold(0u8, |m, &t| m | 1 << t as u8);
        let (required, installed, not_required) = (
            truth(&[Truth::PendingRestart, Truth::Required]),
            truth(&[Truth::Installed]),
            truth(&[Truth::NotRequired]),
        );
        let mut changed = 0;
        for k in 0..(listed_known as usize).div_ceil(64) {
            let clients = &self.clients;
            let (req, inst, not_req) = (
                clients.truth_word(c.index(), k, required),
                clients.truth_word(c.index(), k, installed),
                clients.truth_word(c.index(), k, not_required),
            );
            let (lo, hi) = clients.scanned_planes(c.index(), k);
            // Updates that report nothing: expired (R07), or superseded by a listed update
            // unless every listed superseder is a service pack and it is required (R14).
            // R25: the client's own install is reported even if the update was superseded
            // or expired since it was found required.
            let quiet = words.map_or(0, |w| {
                let superseded = w.superseded[k] & !(req & !w.by_not_sp[k]);
                let found_required = lo & !hi;
                (db.expired_word(k) | superseded) & !(inst & found_required)
            });
            let (new_lo, new_hi) = (req | inst, not_req | inst);
            let diff = ((new_lo ^ lo) | (new_hi ^ hi))
                & super::lanes::valid(listed_known as usize, k)
                & !quiet;
            changed += diff.count_ones();
            let planes = (lo & !diff | new_lo & diff, hi & !diff | new_hi & diff);
            self.clients.set_scanned_planes(c.index(), k, planes);
        }
        changed
    }

    /// How many updates (a prefix of the catalog) the database receiving `group`'s states
    /// holds: what its own site's syncs brought. A site without a SUP of its own holds none,
    /// so states of its clients cannot be recorded there (R15).
    pub(super) fn catalog_known(&self, group: &ClientGroup) -> u32 {
        self.sites[group.db_site.index()].known
    }
}
