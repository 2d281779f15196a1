//! Downloads (R18–R21). Updates always go to the client's local cache before they install
//! (R18). A client's download job covers the required, uncached updates of its mandatory
//! deployments (and of those its user started). Location Services names a DP of the package
//! that holds the content, at the client's site or the nearest site above it; a client that
//! finds none retries every `location_retry_interval` for up to `location_retry_budget`
//! (R19); one that cannot connect retries every `dp_connect_retry_interval` for up to
//! `dp_connect_retry_budget` (R20). A job the user started for optional updates retries every
//! `manual_retry_interval` for up to `manual_retry_budget` (R21). Then it gives up. Within
//! one attempt the client tries every DP of its content location list before it counts the
//! attempt as failed (R20): one DP down does not stop a client whose site has another.
//! Which DPs a client may use, and when it widens the search, is `tiers.rs`; peers are
//! `peer.rs`.

use super::clients::{DownloadJob, INSTALL_WAITING, MANUAL_JOB};
use super::compliance::State;
use super::event::Event;
use super::fact::{Fact, GiveUp};
use super::tiers::Tier;
use super::{Cx, Model};
use crate::engine::{SimDuration, SimTime};
use crate::world::{ClientId, DeploymentId, OutageTarget, ServerId};

/// "Not yet": no failure recorded for the running job.
const NEVER: u32 = u32::MAX;

/// Ready DPs of a tier that `find_dp` keeps at hand (on the stack) rather than walks again.
const FEW: usize = 32;

impl Model<'_> {
    /// Deployments whose updates client `c` must download now, and whether only the user's
    /// start (optional deployments) asks for them.
    fn wanted(&self, c: ClientId) -> (u32, bool) {
        let head = self.clients.head(c);
        let mandatory = (0..self.deployments.len())
            .filter(|&d| {
                head.registered & !head.abandoned & 1 << d != 0 && self.mandatory_for(c, d)
            })
            .fold(0u32, |m, d| m | 1 << d);
        let asked = mandatory | head.registered & !head.abandoned & head.chosen;
        // Those with a required update missing from the cache.
        let mask = self.deployed.touching(asked, |k| self.missing_files(c, k));
        (mask, mask & mandatory == 0)
    }

    /// Of updates `64k..64k + 64`, those client `c`'s last scan found required and whose
    /// files are not in its cache.
    fn missing_files(&self, c: ClientId, k: usize) -> u64 {
        let required = 1 << State::Required as u8;
        self.clients.reported_word(c.index(), k, required, false)
            & !self.clients.cached_word(c.index(), k)
    }

    /// Starts a download job if the client needs files and none is running (R17, R18).
    pub(super) fn ensure_download(&mut self, c: ClientId, cx: &mut Cx) {
        if matches!(
            self.clients.head(c).job,
            DownloadJob::Trying | DownloadJob::Downloading | DownloadJob::FromPeer
        ) {
            return;
        }
        let (mask, manual) = self.wanted(c);
        if mask == 0 {
            return;
        }
        let head = self.clients.head_mut(c);
        head.job = DownloadJob::Trying;
        head.job_deployments = mask;
        head.locate_since = NEVER;
        head.connect_since = NEVER;
        self.clients.set(c, MANUAL_JOB, manual);
        cx.schedule_in(SimDuration::ZERO, Event::Locate(c));
    }

    /// One attempt: a peer of the client's boundary group that holds the content serves
    /// it, if the client uses peers (`peer.rs`); else Location Services lists the DPs with
    /// the content (R19) tier by tier — the client's boundary group, then the groups it
    /// may fall back to by now (`Tier`) — and the client tries each tier's DPs in turn, from
    /// its own place in the list, until one connects (R20), and downloads from it (R18).
    /// Only when none connects is the attempt a failure: of location when no tier had the
    /// content, else of connection.
    ///
    /// Content is located per package, as a client asks for each content it needs: when no
    /// DP it may use holds every package of the job, the job takes the first of its
    /// deployments (in order) that a reachable DP holds, with whatever else of the job that
    /// DP holds; the rest get a job of their own when this download is done. Without that,
    /// two deployments whose packages sit on different DPs would never download.
    pub(super) fn locate(&mut self, c: ClientId, cx: &mut Cx) {
        let now = cx.now();
        if self.peer_download(c, cx) {
            return;
        }
        let job = self.clients.head(c).job_deployments;
        let (mut found, mut reachable) = self.find_dp(c, job, now, cx);
        let mut rest = if found { 0 } else { job };
        while reachable.is_none() && rest != 0 {
            let d = rest & rest.wrapping_neg();
            rest &= !d;
            let (some, dp) = self.find_dp(c, d, now, cx);
            found |= some;
            reachable = dp;
        }
        let Some((dp, tier)) = reachable else {
            let manual = self.clients.has(c, MANUAL_JOB);
            if !found {
                cx.emit(Fact::LocationFailed {
                    client: c,
                    deployments: job,
                    manual,
                });
                return self.retry_download(c, now, GiveUp::Location, cx);
            }
            return self.retry_download(c, now, GiveUp::DpConnect, cx);
        };
        // The deployments of the job this DP serves.
        self.clients.head_mut(c).job_deployments = self.held_on(job, dp);
        let g = self.group(c);
        let own = self.world.boundary_of(g);
        let bytes = self.job_bytes(c);
        if let (Some(from), Some(to)) = (own, tier.fallback(own)) {
            cx.emit(Fact::ContentFallback {
                client: c,
                from_group: from as u16,
                to,
                dp,
                bytes,
            });
        }
        let s = &self.world.settings;
        let link = &mut self.dp_links[dp.index()];
        link.start(
            c,
            bytes,
            cx.now(),
            s.client_download_mbps,
            s.dp_bandwidth_mbps,
        );
        self.reschedule(dp, cx);
        let head = self.clients.head_mut(c);
        head.job = DownloadJob::Downloading;
        head.dp = dp.0 as u16;
        let deployments = head.job_deployments;
        let deployment = DeploymentId(deployments.trailing_zeros());
        cx.emit(Fact::DownloadStart {
            client: c,
            dp,
            deployment,
            deployments,
            bytes,
        });
    }

    /// Looks for a DP holding the packages of `mask`, tier by tier, from the client's own
    /// place in each tier's list: whether any tier had one (found), and the first that
    /// connects with its tier. Each DP that is down is reported as a failed connection (R20).
    fn find_dp(
        &self,
        c: ClientId,
        mask: u32,
        now: SimTime,
        cx: &mut Cx,
    ) -> (bool, Option<(ServerId, Tier)>) {
        let manual = self.clients.has(c, MANUAL_JOB);
        let deployments = self.clients.head(c).job_deployments;
        let mut found = false;
        let mut up = |dp: ServerId| {
            let up = self.down_until(OutageTarget::Dp(dp), now).is_none();
            if !up {
                cx.emit(Fact::DpConnectFailed {
                    client: c,
                    dp,
                    deployments,
                    manual,
                });
            }
            up
        };
        for tier in self.tiers(c, now) {
            // The tier's ready DPs, found once: a tier holds a few, each asked of every
            // deployment (a longer list is walked again from the client's place in it).
            let mut few = [ServerId(0); FEW];
            let mut n = 0;
            for dp in self.ready_dps(mask, tier) {
                if let Some(slot) = few.get_mut(n) {
                    *slot = dp;
                }
                n += 1;
            }
            if n == 0 {
                continue;
            }
            found = true;
            // The list from the client's own place in it, wrapping round.
            let first = c.index() % n;
            let reachable = if n <= FEW {
                few[first..n]
                    .iter()
                    .chain(&few[..first])
                    .copied()
                    .find(|&dp| up(dp))
            } else {
                self.ready_dps(mask, tier)
                    .skip(first)
                    .chain(self.ready_dps(mask, tier).take(first))
                    .find(|&dp| up(dp))
            };
            if let Some(dp) = reachable {
                return (true, Some((dp, tier)));
            }
        }
        (found, None)
    }

    /// Schedules the DP's next finishing download at the rate in force now.
    fn reschedule(&mut self, dp: ServerId, cx: &mut Cx) {
        let s = &self.world.settings;
        if let Some((at, epoch)) =
            self.dp_links[dp.index()].next(cx.now(), s.client_download_mbps, s.dp_bandwidth_mbps)
        {
            cx.schedule_at(
                at,
                Event::DpNext {
                    dp: dp.0 as u16,
                    epoch,
                },
            );
        }
    }

    /// The DP's earliest download finished (unless the schedule changed since): its clients
    /// get their files, the others speed up.
    pub(super) fn dp_next(&mut self, dp: u16, epoch: u32, cx: &mut Cx) {
        let s = &self.world.settings;
        let link = &mut self.dp_links[usize::from(dp)];
        if link.epoch != epoch {
            return;
        }
        let mut finished = std::mem::take(&mut self.finished);
        link.finish(cx.now(), s.client_download_mbps, s.dp_bandwidth_mbps, |c| {
            finished.push(c)
        });
        self.reschedule(ServerId(u32::from(dp)), cx);
        for &c in &finished {
            self.download_done(c, cx);
        }
        finished.clear();
        self.finished = finished;
    }

    /// Retries after a failure of kind `kind`, or gives up when its budget is spent.
    fn retry_download(&mut self, c: ClientId, now: SimTime, kind: GiveUp, cx: &mut Cx) {
        let s = &self.world.settings;
        let secs = (now.ms() / 1_000) as u32;
        let manual = self.clients.has(c, MANUAL_JOB);
        let head = self.clients.head_mut(c);
        let since = match kind {
            GiveUp::Location => &mut head.locate_since,
            _ => &mut head.connect_since,
        };
        if *since == NEVER {
            *since = secs;
        }
        let tried = SimDuration::from_secs(u64::from(secs - *since));
        let (interval, budget, reason) = match (manual, kind) {
            (true, _) => (
                s.manual_retry_interval.0,
                s.manual_retry_budget.0,
                GiveUp::Manual,
            ),
            (false, GiveUp::Location) => {
                (s.location_retry_interval.0, s.location_retry_budget.0, kind)
            }
            (false, _) => (
                s.dp_connect_retry_interval.0,
                s.dp_connect_retry_budget.0,
                kind,
            ),
        };
        // A machine switched off when its next attempt came due tries again at start-up,
        // possibly past the budget: then it gives up at once.
        if tried + interval > budget {
            head.job = DownloadJob::GaveUp;
            head.abandoned |= head.job_deployments;
            let deployments = head.job_deployments;
            cx.emit(Fact::DownloadGaveUp {
                client: c,
                deployments,
                reason,
            });
            // Deployments that arrived while this job tried get a job of their own.
            self.ensure_download(c, cx);
        } else {
            cx.schedule_in(interval, Event::Locate(c));
        }
    }

    /// The package DPs of `tier` that hold the content of every deployment of `mask`.
    pub(super) fn ready_dps(&self, mask: u32, tier: Tier) -> impl Iterator<Item = ServerId> + '_ {
        // A tier holds a few DPs, a package up to thousands: walk the tier's (both are in
        // id order, so the order is the package's) and ask each deployment's ready set.
        tier.dps(self.world)
            .iter()
            .copied()
            .filter(move |&dp| self.held_on(mask, dp) == mask)
    }

    /// Of the deployments in `mask`, those whose package `dp` holds.
    fn held_on(&self, mask: u32, dp: ServerId) -> u32 {
        (0..self.deployments.len())
            .filter(|&d| mask & 1 << d != 0 && self.deployments[d].ready.contains(dp.index()))
            .fold(0, |m, d| m | 1 << d)
    }

    /// Bytes of the job's required, uncached updates.
    pub(super) fn job_bytes(&self, c: ClientId) -> u64 {
        let w = self.world;
        // Saturating: 100,000 updates of up to 1 PB each overflow u64.
        self.job_updates(c)
            .map(|u| w.updates[u].size)
            .fold(0, u64::saturating_add)
    }

    /// The job's required, uncached updates, each once (an update in several of the job's
    /// deployments counts for the first).
    pub(super) fn job_updates(&self, c: ClientId) -> impl Iterator<Item = usize> + '_ {
        let mask = self.clients.head(c).job_deployments;
        let w = self.world;
        (0..w.deployments.len())
            .filter(move |d| mask & 1 << d != 0)
            .flat_map(move |d| {
                self.deployed[d]
                    .iter()
                    .map(|u| u.index())
                    .filter(move |&u| {
                        (self.deployed.holding(u) & mask).trailing_zeros() as usize == d
                            && self.clients.scanned(c.index(), u) == State::Required
                            && !self.clients.cached(c.index(), u)
                    })
            })
    }

    /// The files are in the cache: an install that waited for them starts (R25); further
    /// deployments get a new job.
    pub(super) fn download_done(&mut self, c: ClientId, cx: &mut Cx) {
        let mask = self.clients.head(c).job_deployments;
        for k in 0..self.clients.words() {
            let fetched = self.deployed.word(mask, k) & self.missing_files(c, k);
            self.clients.add_cached(c.index(), k, fetched);
        }
        self.peer_has(c);
        let head = self.clients.head_mut(c);
        let from_peer = head.job == DownloadJob::FromPeer;
        head.job = DownloadJob::Idle;
        let dp = ServerId(u32::from(head.dp));
        let deployments = head.job_deployments;
        let deployment = DeploymentId(deployments.trailing_zeros());
        cx.emit(if from_peer {
            Fact::PeerDownloadDone {
                client: c,
                deployment,
                deployments,
            }
        } else {
            Fact::DownloadDone {
                client: c,
                dp,
                deployment,
                deployments,
            }
        });
        if self.clients.has(c, INSTALL_WAITING) {
            self.begin_install(c, cx);
        }
        self.ensure_download(c, cx);
        // A machine that waited for its download to switch off does so now.
        self.switch_off_if_idle(c, cx);
    }
}
