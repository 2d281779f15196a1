//! The distribution manager (R16 with issue 12, item 4). Once a deployment's files are in
//! the package source, its site's distribution manager sends the package to its DPs: at
//! most `max_packages` packages at once, each to at most `max_threads_per_package` DPs at
//! once; the other packages wait their turn in order. A copy runs at `dp_copy_mbps`, or at
//! the rate of the slowest limited WAN link it crosses, as the links' schedules change it
//! (closed hours pause it: `World::copy_end`); a limited link
//! carries one copy at a time at its full rate, so the copies behind it follow each other
//! (the same total time as sharing it). A DP that is down holds its copy back until it is
//! up, without holding a thread. A pull DP is not sent the package: it copies it from its
//! source DP once that DP holds it, outside the manager's threads.
//!
//! The manager is a server with counters, not a queue of events: one pending event per
//! running copy, and one per DP waiting for an outage's end.

use super::event::Event;
use super::fact::{ContentFrom, Fact};
use super::{Cx, Model};
use crate::world::{DeploymentId, OutageTarget, ServerId, SiteId};
use std::collections::VecDeque;

/// Where one copy of a package to a DP stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Waiting for a thread (or a pull DP for its source), or for a free link.
    Pending,
    /// Waiting for the end of an outage of the DP (or of a pull DP's source).
    Outage,
    /// Being copied.
    Running,
    /// On the DP.
    Done,
}

/// The distribution managers of all sites.
#[derive(Clone, Debug)]
pub(super) struct Distribution {
    /// Per deployment, per package DP.
    stage: Vec<Vec<Stage>>,
    /// Per deployment: copies from the site server running now.
    running: Vec<u32>,
    /// Per deployment: no package DP before this one waits for anything (a scan cursor).
    first_open: Vec<usize>,
    /// Per site: packages its manager is processing, in the order they got their slot.
    active: Vec<Vec<u16>>,
    /// Per site: packages waiting for a slot.
    queued: Vec<VecDeque<u16>>,
    /// Per deployment: active or queued at its site.
    in_manager: Vec<bool>,
    /// Pull copies (deployment, package DP index) whose source holds the package, waiting
    /// for a free link.
    pulls: Vec<(u16, u16)>,
    /// Per site: its limited link to its parent carries a copy now.
    link_busy: Vec<bool>,
}

impl Distribution {
    pub(super) fn new(world: &crate::world::World) -> Self {
        let n = world.deployments.len();
        Distribution {
            stage: world
                .deployments
                .iter()
                .map(|d| vec![Stage::Pending; d.dps.len()])
                .collect(),
            running: vec![0; n],
            first_open: vec![0; n],
            active: vec![Vec::new(); world.sites.len()],
            queued: vec![VecDeque::new(); world.sites.len()],
            in_manager: vec![false; n],
            pulls: Vec::new(),
            link_busy: vec![false; world.sites.len()],
        }
    }
}

impl Model<'_> {
    /// The package of deployment `d` is ready to send: it joins its site's manager (R16).
    pub(super) fn distribute(&mut self, d: DeploymentId, cx: &mut Cx) {
        self.enqueue(d.index());
        self.send_copies(cx);
    }

    fn enqueue(&mut self, d: usize) {
        if !self.dist.in_manager[d] {
            self.dist.in_manager[d] = true;
            let site = self.world.deployments[d].site.index();
            self.dist.queued[site].push_back(d as u16);
        }
    }

    /// The outage that held a copy back is over: the copy waits for a thread or link again.
    pub(super) fn dp_back(&mut self, d: u16, k: u16, cx: &mut Cx) {
        let (d, k) = (usize::from(d), usize::from(k));
        if self.dist.stage[d][k] != Stage::Outage {
            return;
        }
        self.dist.stage[d][k] = Stage::Pending;
        self.dist.first_open[d] = self.dist.first_open[d].min(k);
        let dp = self.world.deployments[d].dps[k];
        if self.world.pull_source[dp.index()].is_some() {
            self.dist.pulls.push((d as u16, k as u16));
        } else {
            self.enqueue(d);
        }
        self.send_copies(cx);
    }

    /// A copy finished: the package is on the DP; its thread and links are free, and pull
    /// DPs whose source it is may start.
    pub(super) fn transfer_done(&mut self, d: u16, k: u16, cx: &mut Cx) {
        let (di, ki) = (usize::from(d), usize::from(k));
        let dep = &self.world.deployments[di];
        let dp = dep.dps[ki];
        let from = self.copy_from(di, dp);
        let to = self.world.dps[dp.index()].site;
        for s in self.world.path_links(from.0, to) {
            self.dist.link_busy[s.index()] = false;
        }
        if from.1.is_none() {
            self.dist.running[di] -= 1;
        }
        self.dist.stage[di][ki] = Stage::Done;
        self.deployments[di].ready.insert(dp.index());
        let deployment = DeploymentId(u32::from(d));
        cx.emit(Fact::ContentTransferDone {
            deployment,
            dp,
            from: from.1.map_or(ContentFrom::Site(from.0), ContentFrom::Dp),
        });
        cx.emit(Fact::ContentOnDp { deployment, dp });
        // Pull DPs of this package whose source this DP is.
        for (j, &pull) in dep.dps.iter().enumerate() {
            if self.world.pull_source[pull.index()] == Some(dp)
                && self.dist.stage[di][j] == Stage::Pending
            {
                self.dist.pulls.push((d, j as u16));
            }
        }
        self.send_copies(cx);
    }

    /// Where a copy of deployment `d` to `dp` comes from: the site it crosses links from,
    /// and the source DP for a pull DP.
    fn copy_from(&self, d: usize, dp: ServerId) -> (SiteId, Option<ServerId>) {
        match self.world.pull_source[dp.index()] {
            Some(src) => (self.world.dps[src.index()].site, Some(src)),
            None => (self.world.deployments[d].site, None),
        }
    }

    /// Starts every copy that may start now: packages take free slots in order, each
    /// package's waiting DPs take its free threads, pull DPs start when their link is free.
    fn send_copies(&mut self, cx: &mut Cx) {
        let s = &self.world.settings;
        let (packages, threads) = (s.max_packages as usize, s.max_threads_per_package);
        for site in 0..self.dist.active.len() {
            loop {
                while self.dist.active[site].len() < packages {
                    let Some(d) = self.dist.queued[site].pop_front() else {
                        break;
                    };
                    self.dist.active[site].push(d);
                }
                let mut freed = false;
                let mut i = 0;
                while i < self.dist.active[site].len() {
                    let d = usize::from(self.dist.active[site][i]);
                    if self.dist.running[d] < threads {
                        self.start_copies(d, threads, cx);
                    }
                    // A package leaves its slot when nothing of it waits for a thread or runs.
                    if self.dist.running[d] == 0 && !self.has_pending(d) {
                        self.dist.active[site].remove(i);
                        self.dist.in_manager[d] = false;
                        freed = true;
                    } else {
                        i += 1;
                    }
                }
                if !freed || self.dist.queued[site].is_empty() {
                    break;
                }
            }
        }
        let mut pulls = std::mem::take(&mut self.dist.pulls);
        pulls.retain(|&(d, k)| !self.try_start(usize::from(d), usize::from(k), cx));
        pulls.append(&mut self.dist.pulls);
        self.dist.pulls = pulls;
    }

    /// Whether a copy of deployment `d` from the site server waits for a thread.
    fn has_pending(&self, d: usize) -> bool {
        let dps = &self.world.deployments[d].dps;
        (self.dist.first_open[d]..dps.len()).any(|k| {
            self.dist.stage[d][k] == Stage::Pending
                && self.world.pull_source[dps[k].index()].is_none()
        })
    }

    /// Starts the waiting copies of deployment `d` from the site server, up to `threads`.
    fn start_copies(&mut self, d: usize, threads: u32, cx: &mut Cx) {
        let n = self.world.deployments[d].dps.len();
        while self.dist.first_open[d] < n
            && matches!(
                self.dist.stage[d][self.dist.first_open[d]],
                Stage::Running | Stage::Done
            )
        {
            self.dist.first_open[d] += 1;
        }
        let mut k = self.dist.first_open[d];
        while k < n && self.dist.running[d] < threads {
            let dp = self.world.deployments[d].dps[k];
            if self.dist.stage[d][k] == Stage::Pending
                && self.world.pull_source[dp.index()].is_none()
            {
                self.try_start(d, k, cx);
            }
            k += 1;
        }
    }

    /// Starts copying deployment `d` to its `k`th DP if the DP (and a pull DP's source) is
    /// up and every limited link on the way is free; a DP that is down waits for its
    /// outage's end. Whether the copy started.
    fn try_start(&mut self, d: usize, k: usize, cx: &mut Cx) -> bool {
        let now = cx.now();
        let dp = self.world.deployments[d].dps[k];
        let (from_site, source) = self.copy_from(d, dp);
        let down = [Some(dp), source]
            .into_iter()
            .flatten()
            .filter_map(|x| self.down_until(OutageTarget::Dp(x), now))
            .max();
        if let Some(up) = down {
            self.dist.stage[d][k] = Stage::Outage;
            cx.schedule_at(
                up,
                Event::DpCopyStart {
                    deployment: d as u16,
                    dp: k as u16,
                },
            );
            return true;
        }
        let to = self.world.dps[dp.index()].site;
        if self
            .world
            .path_links(from_site, to)
            .any(|s| self.dist.link_busy[s.index()])
        {
            return false;
        }
        for s in self.world.path_links(from_site, to) {
            self.dist.link_busy[s.index()] = true;
        }
        self.dist.stage[d][k] = Stage::Running;
        if source.is_none() {
            self.dist.running[d] += 1;
        }
        // A rule's deployment has its size from its run (`adr.rs`).
        let bytes = self.deployed[d]
            .iter()
            .map(|u| self.world.updates[u.index()].size)
            .fold(0, u64::saturating_add);
        cx.emit(Fact::ContentTransferStart {
            deployment: DeploymentId(d as u32),
            dp,
            from: source.map_or(ContentFrom::Site(from_site), ContentFrom::Dp),
            bytes,
        });
        // A link closed for good holds the copy (and the link) to the end of the run.
        if let Some(end) = self.world.copy_end(from_site, to, bytes, now) {
            cx.schedule_at(
                end,
                Event::ContentOnDp {
                    deployment: d as u16,
                    dp: k as u16,
                },
            );
        }
        true
    }
}
