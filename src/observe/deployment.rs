//! Deployment figures gathered from facts (R16–R25): content on the DPs, downloads and the
//! load on each DP, clients that gave up, notifications per client, user installs, and how
//! fast each deployment gets installed — on the clients and in the site databases.

use super::compliance::{MARKS, Marks};
use super::minutes::Minutes;
use crate::engine::{SimDuration, SimTime};
use crate::model::{Dialog, Fact, FallbackTo, GiveUp, State};
use crate::world::World;
use std::collections::BTreeMap;

/// Progress of one deployment.
#[derive(Clone, Debug, Default)]
pub struct DeploymentProgress {
    /// When it was created (its policy out), or rejected.
    pub created: Option<SimTime>,
    /// Whether the wizard refused it.
    pub rejected: bool,
    /// For a phase of a phased deployment: when it began.
    pub phase_started: Option<SimTime>,
    /// For a run of an automatic deployment rule: when the rule ran, and how many updates
    /// it took.
    pub adr_run: Option<(SimTime, u32)>,
    /// The deadline in force at the end (none: optional).
    pub deadline: Option<SimTime>,
    /// When its package reached each of its DPs, indexed like `Deployment::dps`.
    pub on_dp: Vec<Option<SimTime>>,
    /// Client × update pairs still required when it was created, among targeted clients.
    pub required: u64,
    /// Of which installed on the clients.
    pub installed: u64,
    /// Of which reported installed in the site databases.
    pub db_installed: u64,
    /// When each share of `MARKS` was installed on the clients.
    pub installed_marks: Marks,
    /// When each share was installed as the site databases see it.
    pub db_marks: Marks,
    /// Machines in its target collection.
    pub targeted: u64,
    /// Of which fully compliant (every applicable update of it installed), truly.
    pub compliant: u64,
    /// Of which compliant as the site databases see them.
    pub db_compliant: u64,
    /// When each share of `MARKS` of the targeted machines was truly compliant.
    pub compliant_marks: Marks,
    /// When each share was compliant in the site databases.
    pub db_compliant_marks: Marks,
}

/// One sample of the machines compliant with a deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MachineSample {
    /// When.
    pub t: SimTime,
    /// The deployment's index.
    pub deployment: u32,
    /// Machines truly compliant.
    pub compliant: u64,
    /// Machines compliant in the site databases.
    pub db_compliant: u64,
}

/// Downloads from one DP.
#[derive(Clone, Debug, Default)]
pub struct DpLoad {
    /// Downloads started.
    pub downloads: u64,
    /// Bytes served.
    pub bytes: u64,
    /// Downloads running now.
    running: u64,
    /// Most downloads running at once, and when.
    pub peak: u64,
    /// When the peak was first reached.
    pub peak_at: SimTime,
    /// Per minute with a download starting or ending: the most running at once in it and
    /// how many ran at its end (minute → [peak, end]), for the chart. A minute left out ran
    /// as many as the end of the last one recorded: downloads go on between events.
    pub per_minute: Minutes<[u64; 2]>,
    /// Bytes started per minute.
    pub bytes_per_minute: Minutes<u64>,
}

/// Records that `running` downloads run after an event in `minute`: the minute's peak and
/// its level at the end (the last event's).
fn level(map: &mut Minutes<[u64; 2]>, minute: u64, running: u64) {
    let entry = map.at(minute, [0, 0]);
    entry[0] = entry[0].max(running);
    entry[1] = running;
}

/// Where clients' files came from beyond their own boundary group (issue 12, item 5).
#[derive(Clone, Debug, Default)]
pub struct ContentSources {
    /// Per fallback relationship (client's boundary group, group fallen back to): downloads
    /// and bytes across it.
    pub fallback: BTreeMap<(u16, FallbackTo), (u64, u64)>,
    /// Fallback bytes started per minute.
    pub fallback_per_minute: Minutes<u64>,
    /// Downloads from peers.
    pub peer_downloads: u64,
    /// Bytes downloaded from peers.
    pub peer_bytes: u64,
    /// Peer bytes started per minute.
    pub peer_per_minute: Minutes<u64>,
}

/// Deployment figures of a run.
#[derive(Clone, Debug)]
pub struct DeploymentMetrics {
    /// Per deployment.
    pub deployments: Vec<DeploymentProgress>,
    /// Per DP, indexed like `World::dps`.
    pub dps: Vec<DpLoad>,
    /// Per update, the deployments containing it.
    containing: Vec<Vec<usize>>,
    /// Per site: its database is at the top of a reporting path. Database figures are the
    /// view from the top, where each machine counts once (a primary's states reach the
    /// central site's database again by replication).
    top: Vec<bool>,
    /// Clients that gave up: location, DP connection, manual (R19–R21).
    pub gave_up: [u64; 3],
    /// Location Services failures and DP connection failures seen.
    pub failures: [u64; 2],
    /// Notifications per client (R22).
    pub notifications: Vec<u32>,
    /// User installs through Express and Available dialogs (R24).
    pub user_installs: [u64; 2],
    /// Restarts (R25).
    pub restarts: u64,
    /// Fallback and peer downloads.
    pub sources: ContentSources,
    /// Bytes over each site's link to its parent.
    pub wan: super::wan::WanLinks,
    /// Machines compliant per deployment over time, every `sample_every`.
    pub machines: Vec<MachineSample>,
    sample_every: u64,
    next_sample: u64,
}

/// Whether deployment `d` targets group `g`.
fn reach(marks: &mut Marks, done: u64, total: u64, t: SimTime) {
    for (k, &p) in MARKS.iter().enumerate() {
        if marks[k].is_none() && total > 0 && done * 100 >= u64::from(p) * total {
            marks[k] = Some(t);
        }
    }
}

impl DeploymentMetrics {
    /// Empty figures for `world`, sampling machine compliance every `sample_every`.
    pub fn new(world: &World, sample_every: SimDuration) -> Self {
        let mut containing = vec![Vec::new(); world.updates.len()];
        for (d, dep) in world.deployments.iter().enumerate() {
            for u in &dep.updates {
                containing[u.index()].push(d);
            }
        }
        DeploymentMetrics {
            deployments: world
                .deployments
                .iter()
                .map(|d| DeploymentProgress {
                    on_dp: vec![None; d.dps.len()],
                    ..Default::default()
                })
                .collect(),
            dps: vec![DpLoad::default(); world.dps.len()],
            containing,
            top: (0..world.sites.len())
                .map(|s| world.is_top_database(crate::world::SiteId(s as u16)))
                .collect(),
            gave_up: [0; 3],
            failures: [0; 2],
            notifications: vec![0; world.clients() as usize],
            user_installs: [0; 2],
            restarts: 0,
            sources: ContentSources::default(),
            wan: super::wan::WanLinks::new(world),
            machines: Vec::new(),
            sample_every: sample_every.ms().max(1),
            next_sample: 0,
        }
    }

    /// Records the machine samples up to and including `t`.
    pub fn sample_until(&mut self, t: SimTime) {
        while self.next_sample <= t.ms() {
            for (d, p) in self.deployments.iter().enumerate() {
                self.machines.push(MachineSample {
                    t: SimTime(self.next_sample),
                    deployment: d as u32,
                    compliant: p.compliant,
                    db_compliant: p.db_compliant,
                });
            }
            self.next_sample += self.sample_every;
        }
    }

    /// Takes in a fact; `dps` maps (deployment, DP) to the DP's index in the package.
    pub fn observe(&mut self, world: &World, t: SimTime, fact: &Fact) {
        self.sample_until(SimTime(t.ms().saturating_sub(1)));
        self.wan.observe(world, fact);
        match *fact {
            Fact::TargetedMachines {
                deployment,
                targeted,
                compliant,
            } => {
                let p = &mut self.deployments[deployment.index()];
                p.targeted = u64::from(targeted);
                p.compliant = u64::from(compliant);
                reach(&mut p.compliant_marks, p.compliant, p.targeted, t);
            }
            Fact::MachineCompliant { deployments, .. } => {
                for (d, p) in self.deployments.iter_mut().enumerate() {
                    if deployments & 1 << d != 0 {
                        p.compliant += 1;
                        reach(&mut p.compliant_marks, p.compliant, p.targeted, t);
                    }
                }
            }
            Fact::DbMachinesCompliant {
                site,
                deployment,
                count,
            } if self.top[site.index()] => {
                let p = &mut self.deployments[deployment.index()];
                p.db_compliant += u64::from(count);
                reach(&mut p.db_compliant_marks, p.db_compliant, p.targeted, t);
            }
            Fact::DeploymentCreated {
                deployment,
                required,
                deadline,
                ..
            } => {
                let d = &mut self.deployments[deployment.index()];
                d.created = Some(t);
                d.required = required;
                d.deadline = deadline;
            }
            Fact::AdrDeploymentCreated {
                deployment,
                updates,
                ..
            } => self.deployments[deployment.index()].adr_run = Some((t, updates)),
            Fact::AdrUpdate { deployment, update } => {
                self.containing[update.index()].push(deployment.index())
            }
            Fact::PhaseStarted { deployment, .. } => {
                self.deployments[deployment.index()].phase_started = Some(t)
            }
            Fact::DeadlineChanged {
                deployment,
                deadline,
            } => self.deployments[deployment.index()].deadline = Some(deadline),
            Fact::DeploymentRejected { deployment, .. } => {
                let d = &mut self.deployments[deployment.index()];
                d.created = Some(t);
                d.rejected = true;
            }
            Fact::ContentOnDp { deployment, dp } => {
                let k = world.deployments[deployment.index()]
                    .dps
                    .iter()
                    .position(|&x| x == dp);
                if let Some(k) = k {
                    self.deployments[deployment.index()].on_dp[k] = Some(t);
                }
            }
            Fact::DownloadStart { dp, bytes, .. } => {
                let load = &mut self.dps[dp.index()];
                load.downloads += 1;
                load.bytes += bytes;
                load.running += 1;
                let minute = t.ms() / 60_000;
                level(&mut load.per_minute, minute, load.running);
                *load.bytes_per_minute.at(minute, 0) += bytes;
                if load.running > load.peak {
                    load.peak = load.running;
                    load.peak_at = t;
                }
            }
            Fact::DownloadDone { dp, .. } => {
                let load = &mut self.dps[dp.index()];
                load.running -= 1;
                level(&mut load.per_minute, t.ms() / 60_000, load.running);
            }
            Fact::LocationFailed { .. } => self.failures[0] += 1,
            Fact::DpConnectFailed { .. } => self.failures[1] += 1,
            Fact::DownloadGaveUp { reason, .. } => self.gave_up[reason as usize] += 1,
            Fact::Notification { client, .. } => self.notifications[client.index()] += 1,
            Fact::UserInstall { dialog, .. } => {
                self.user_installs[(dialog == Dialog::Available) as usize] += 1
            }
            Fact::Restart { .. } => self.restarts += 1,
            Fact::ContentFallback {
                from_group,
                to,
                bytes,
                ..
            } => {
                let f = self.sources.fallback.entry((from_group, to)).or_default();
                f.0 += 1;
                f.1 += bytes;
                *self.sources.fallback_per_minute.at(t.ms() / 60_000, 0) += bytes;
            }
            Fact::PeerDownloadStart { bytes, .. } => {
                self.sources.peer_downloads += 1;
                self.sources.peer_bytes += bytes;
                *self.sources.peer_per_minute.at(t.ms() / 60_000, 0) += bytes;
            }
            // An install counts for the deployments the model names: created before it,
            // holding the update, with the client in their collection (the phases of a
            // phased deployment share their updates, each with its own collection).
            Fact::InstallDone { deployments, .. } => {
                let mut among = deployments;
                while among != 0 {
                    let d = among.trailing_zeros() as usize;
                    among &= among - 1;
                    let p = &mut self.deployments[d];
                    p.installed += 1;
                    reach(&mut p.installed_marks, p.installed, p.required, t);
                }
            }
            Fact::DbStateChanged {
                update,
                from,
                to,
                count,
                group,
                site,
            } if to == State::Installed && from != to && self.top[site.index()] => {
                for &d in &self.containing[update.index()] {
                    // Only reports after its creation: a pair reported before was installed
                    // before, and is not among those it found required.
                    if !world.groups[group.index()].targeted_by(d)
                        || self.deployments[d].created.is_none()
                    {
                        continue;
                    }
                    let p = &mut self.deployments[d];
                    p.db_installed += u64::from(count);
                    reach(&mut p.db_marks, p.db_installed, p.required, t);
                }
            }
            _ => {}
        }
    }

    /// How many clients gave up for `reason`.
    pub fn gave_up(&self, reason: GiveUp) -> u64 {
        self.gave_up[reason as usize]
    }
}
