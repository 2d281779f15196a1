//! Synchronization of software update points (R01–R06).
//!
//! An attempt runs the WSUS sync cycle (upstream → WSUS database), then, except on an
//! Internet-based SUP, the WSUS Synchronization Manager step (WSUS → site database), then
//! reports 6702 (R02). Success cascades: the site's Internet-based SUP starts at once (R05),
//! child sites with a SUP get a sync request (R04). A failure reports 6703 and retries the
//! whole attempt `sync_retry_interval` later (R06). Requests that arrive while a SUP is busy
//! run when it finishes; requests that arrive while it waits for a retry join that retry.

use super::event::{Event, FailCause, SyncMode, Trigger};
use super::fact::{ExpiryReason, Fact, STATUS_SYNC_DONE, STATUS_SYNC_FAILED};
use super::{Cx, Model};
use crate::engine::{DrawCounter, SimDuration, SimTime, StreamId};
use crate::world::{Outage, OutageTarget, SupId, Upstream, World};

/// Where a SUP is in its sync cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    Idle,
    Wsus,
    SiteDb,
    WaitingRetry,
}

/// One SUP's synchronization state.
#[derive(Clone, Debug)]
pub(super) struct SupState {
    phase: Phase,
    /// Attempt counter; events of older attempts are ignored.
    epoch: u32,
    mode: SyncMode,
    attempt: u32,
    /// A request that arrived while busy.
    pending: Option<(SyncMode, Trigger)>,
    /// Updates in the WSUS database (a prefix of the catalog) and the catalog time they
    /// reflect.
    pub(super) known: u32,
    pub(super) snapshot: SimTime,
    /// Each completed WSUS cycle: (when, updates held), for scans reading the list (R11).
    pub(super) history: Vec<(SimTime, u32)>,
    /// `known` as of the last full sync.
    full_known: u32,
    /// What the running attempt will know when its WSUS cycle is done.
    target: u32,
    target_snapshot: SimTime,
    stream: StreamId,
    draws: DrawCounter,
}

impl SupState {
    pub(super) fn new(name: &str) -> Self {
        SupState {
            phase: Phase::Idle,
            epoch: 0,
            mode: SyncMode::Delta,
            attempt: 0,
            pending: None,
            known: 0,
            snapshot: SimTime::ZERO,
            history: Vec::new(),
            full_known: 0,
            target: 0,
            target_snapshot: SimTime::ZERO,
            stream: StreamId::named("sup", name, 0),
            draws: DrawCounter::default(),
        }
    }
}

/// The stronger of two requests: a full sync covers a delta.
fn merge(a: (SyncMode, Trigger), b: (SyncMode, Trigger)) -> (SyncMode, Trigger) {
    if b.0 > a.0 { b } else { a }
}

impl Model<'_> {
    /// A sync request reaches `sup` (R01, R04, R05).
    pub(super) fn request(&mut self, sup: SupId, mode: SyncMode, trigger: Trigger, cx: &mut Cx) {
        let st = &mut self.sups[sup.index()];
        match st.phase {
            Phase::Idle => self.start_attempt(sup, mode, trigger, cx),
            Phase::Wsus | Phase::SiteDb => {
                st.pending = Some(
                    st.pending
                        .map_or((mode, trigger), |p| merge(p, (mode, trigger))),
                );
            }
            Phase::WaitingRetry => st.mode = st.mode.max(mode),
        }
    }

    fn start_attempt(&mut self, sup: SupId, mode: SyncMode, trigger: Trigger, cx: &mut Cx) {
        let w = self.world;
        let now = cx.now();
        let (target, snapshot) = match w.sups[sup.index()].upstream {
            Upstream::MicrosoftUpdate => (w.released_by(now), now),
            Upstream::Sup(up) => (self.sups[up.index()].known, self.sups[up.index()].snapshot),
        };
        let s = &w.settings;
        let st = &mut self.sups[sup.index()];
        st.epoch += 1;
        st.phase = Phase::Wsus;
        st.mode = mode;
        st.attempt = if trigger == Trigger::Retry {
            st.attempt + 1
        } else {
            1
        };
        st.target = target;
        st.target_snapshot = snapshot;
        let (base, since) = match mode {
            SyncMode::Full => (s.wsus_sync_full_base.0, st.full_known),
            SyncMode::Delta => (s.wsus_sync_delta_base.0, st.known),
        };
        let updates = target.saturating_sub(since);
        let duration = base + s.wsus_sync_per_update.0.times(u64::from(updates));
        let attempt = st.attempt;
        let epoch = st.epoch;
        cx.emit(Fact::SyncStart {
            sup,
            mode,
            trigger,
            attempt,
            updates,
        });
        match self.failure(sup, now, duration) {
            Some((at, cause)) => cx.schedule_at(at, Event::SyncFailed { sup, epoch, cause }),
            None => cx.schedule_in(duration, Event::WsusSyncDone { sup, epoch }),
        }
    }

    /// When and why an attempt starting at `start` and lasting `duration` fails, if it does:
    /// an outage of what it depends on during the WSUS cycle, found after
    /// `sync_failure_timeout` (R06), or a random failure somewhere in the cycle.
    fn failure(
        &mut self,
        sup: SupId,
        start: SimTime,
        duration: SimDuration,
    ) -> Option<(SimTime, FailCause)> {
        let w: &World = self.world;
        let end = start + duration;
        let upstream = match w.sups[sup.index()].upstream {
            Upstream::MicrosoftUpdate => OutageTarget::Upstream,
            Upstream::Sup(up) => OutageTarget::Wsus(up),
        };
        let mut first: Option<(SimTime, FailCause)> = None;
        // An outage counts if it is under way at the start or begins before the cycle ends.
        let overlaps = |o: &&Outage| o.to > start && (o.from <= start || o.from < end);
        for o in w.outages.iter().filter(overlaps) {
            let cause = if o.target == upstream {
                FailCause::UpstreamUnavailable
            } else if o.target == OutageTarget::Wsus(sup) {
                FailCause::WsusUnavailable
            } else {
                continue;
            };
            let at = o.from.max(start) + w.settings.sync_failure_timeout.0;
            first = Some(first.map_or((at, cause), |f| if at < f.0 { (at, cause) } else { f }));
        }
        let p = w.settings.sync_failure_probability;
        if p > 0.0 {
            let st = &mut self.sups[sup.index()];
            let fails = self.rng.unit(st.stream, &mut st.draws) < p;
            let at = start + SimDuration(self.rng.below(st.stream, &mut st.draws, duration.ms()));
            if fails && first.is_none_or(|f| at < f.0) {
                first = Some((at, FailCause::Random));
            }
        }
        first
    }

    /// The WSUS cycle finished (R02); an Internet-based SUP is done here (R05).
    pub(super) fn wsus_done(&mut self, sup: SupId, epoch: u32, cx: &mut Cx) {
        let s = &self.world.settings;
        let st = &mut self.sups[sup.index()];
        if st.epoch != epoch || st.phase != Phase::Wsus {
            return;
        }
        st.known = st.target;
        st.snapshot = st.target_snapshot;
        if st.mode == SyncMode::Full {
            st.full_known = st.known;
        }
        let known = st.known;
        st.history.push((cx.now(), known));
        cx.emit(Fact::WsusSyncDone {
            sup,
            updates: known,
        });
        if self.world.sups[sup.index()].internet {
            return self.finish(sup, cx);
        }
        let db = &self.sites[self.world.sups[sup.index()].site.index()];
        let since = match st.mode {
            SyncMode::Full => db.full_known,
            SyncMode::Delta => db.known,
        };
        let moved = u64::from(known.saturating_sub(since));
        st.phase = Phase::SiteDb;
        cx.schedule_in(
            s.site_db_sync_base.0 + s.site_db_sync_per_update.0.times(moved),
            Event::SiteDbUpdated { sup, epoch },
        );
    }

    /// WSUS Synchronization Manager wrote the site database (R02): the updates arrive,
    /// migrated ones are reactivated (R07), a full sync marks expired ones (R03).
    pub(super) fn site_db_updated(&mut self, sup: SupId, epoch: u32, cx: &mut Cx) {
        let st = &self.sups[sup.index()];
        if st.epoch != epoch || st.phase != Phase::SiteDb {
            return;
        }
        let (known, snapshot, full) = (st.known, st.snapshot, st.mode == SyncMode::Full);
        let site = self.world.sups[sup.index()].site;
        let db = &mut self.sites[site.index()];
        let from = db.known;
        let new = db.update(known, full);
        cx.emit(Fact::SiteDbUpdated {
            sup,
            updates: db.known,
            new,
        });
        if let Some(count) = db.reactivate(self.world, snapshot) {
            cx.emit(Fact::UpdatesReactivated { site, count });
        }
        if full {
            let count = db.mark_expired(self.world, snapshot);
            if count > 0 {
                cx.emit(Fact::UpdatesExpired {
                    site,
                    count,
                    reason: ExpiryReason::Catalog,
                });
            }
        }
        self.finish(sup, cx);
        self.run_rules(site, from, cx);
    }

    /// Success: 6702, then the cascade (R04, R05), then any request that waited.
    fn finish(&mut self, sup: SupId, cx: &mut Cx) {
        let w = self.world;
        let st = &mut self.sups[sup.index()];
        st.phase = Phase::Idle;
        let mode = st.mode;
        let pending = st.pending.take();
        cx.emit(Fact::StatusMessage {
            sup,
            id: STATUS_SYNC_DONE,
            cause: None,
        });
        if !w.sups[sup.index()].internet {
            let site = w.sups[sup.index()].site;
            self.create_scan_policy(site, cx);
            if let Some(ibsup) = w.sites[site.index()].internet_sup {
                self.request(ibsup, mode, Trigger::ActiveSup, cx);
            }
            for &child in &w.sites[site.index()].children {
                if let Some(to) = w.sites[child.index()].sup {
                    cx.emit(Fact::SyncRequest { from: site, to });
                    cx.schedule_in(
                        w.settings.sync_request_delay.0,
                        Event::SyncRequest {
                            sup: to,
                            mode,
                            trigger: Trigger::Parent,
                        },
                    );
                }
            }
        }
        if let Some((mode, trigger)) = pending {
            self.request(sup, mode, trigger, cx);
        }
    }

    /// The attempt failed: 6703, and a retry of the whole sync later (R06).
    pub(super) fn failed(&mut self, sup: SupId, epoch: u32, cause: FailCause, cx: &mut Cx) {
        let st = &mut self.sups[sup.index()];
        if st.epoch != epoch || st.phase != Phase::Wsus {
            return;
        }
        st.phase = Phase::WaitingRetry;
        if let Some((mode, _)) = st.pending.take() {
            st.mode = st.mode.max(mode);
        }
        let at = cx.now() + self.world.settings.sync_retry_interval.0;
        cx.emit(Fact::StatusMessage {
            sup,
            id: STATUS_SYNC_FAILED,
            cause: Some(cause),
        });
        cx.emit(Fact::SyncRetryScheduled { sup, at });
        cx.schedule_at(at, Event::SyncRetry { sup, epoch });
    }

    /// The retry is due: the sync starts over (R06).
    pub(super) fn retry(&mut self, sup: SupId, epoch: u32, cx: &mut Cx) {
        let st = &self.sups[sup.index()];
        if st.epoch == epoch && st.phase == Phase::WaitingRetry {
            self.start_attempt(sup, st.mode, Trigger::Retry, cx);
        }
    }
}
