//! Compliance figures gathered from facts (R09–R15): the site databases' view per update
//! (counts per state over time), how fast the databases learn the truth (time until 50, 90,
//! 95 and 99 % of applicable clients are known), and the state-message load on each
//! management point.

use super::backlog::Backlog;
use crate::engine::{SimDuration, SimTime};
use crate::model::{Fact, State, Truth};
use crate::world::{ClientId, GroupId, GroupIndex, SiteId, UpdateId, World};

/// Shares of applicable clients whose arrival in the database is timed, in percent.
pub const MARKS: [u32; 4] = [50, 90, 95, 99];

/// When the database first knew each share of `MARKS` of the applicable clients.
pub type Marks = [Option<SimTime>; 4];

/// How far a database knows one update for some set of clients.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    /// Clients the update applies to (Required or Installed).
    pub applicable: u32,
    /// Of which the database has a state.
    pub known: u32,
    /// When each share was reached.
    pub marks: Marks,
}

impl Coverage {
    fn learn(&mut self, n: u32, t: SimTime) {
        self.known += n;
        for (k, &p) in MARKS.iter().enumerate() {
            if self.marks[k].is_none()
                && u64::from(self.known) * 100 >= u64::from(p) * u64::from(self.applicable)
            {
                self.marks[k] = Some(t);
            }
        }
    }
}

/// Load on one management point.
#[derive(Clone, Debug, Default)]
pub struct MpLoad {
    /// State messages received.
    pub received: u64,
    /// Bulk sends received.
    pub sends: u64,
    /// Most messages received in one minute, and when that minute began.
    pub peak_per_minute: u64,
    /// Start of the peak minute.
    pub peak_at: SimTime,
    minute: u64,
    in_minute: u64,
    /// State messages received per minute (minute → messages), for the load chart.
    pub per_minute: super::minutes::Minutes<u64>,
    /// State messages forwarded to the site database per minute.
    pub forwarded_per_minute: super::minutes::Minutes<u64>,
}

impl MpLoad {
    fn receive(&mut self, t: SimTime, n: u32) {
        self.received += u64::from(n);
        self.sends += 1;
        let minute = t.ms() / 60_000;
        if minute != self.minute {
            self.minute = minute;
            self.in_minute = 0;
        }
        self.in_minute += u64::from(n);
        if self.in_minute > self.peak_per_minute {
            self.peak_per_minute = self.in_minute;
            self.peak_at = SimTime(minute * 60_000);
        }
        *self.per_minute.at(minute, 0) += u64::from(n);
    }
}

/// One row of the compliance time series: a site database's counts for one update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// When.
    pub t: SimTime,
    /// Site index.
    pub site: u16,
    /// Update index.
    pub update: u32,
    /// Clients per state in the database, indexed by `State as usize` (Unknown unused).
    pub db: [i64; 4],
    /// Clients per true state, indexed by `Truth as usize`: pending restart, required, not
    /// required, installed (restarted where needed).
    pub truth: [i64; 4],
}

/// Compliance figures of a run.
#[derive(Clone, Debug)]
pub struct ComplianceMetrics {
    updates: usize,
    /// Per group, the databases holding its states: its own, then those above it that its
    /// states replicate to.
    group_dbs: Vec<Vec<usize>>,
    /// Sites whose databases hold states, in site order.
    pub db_sites: Vec<usize>,
    /// Of those, the databases at the top of a reporting path: the view from the top, in
    /// which each client counts once.
    pub top_sites: Vec<usize>,
    /// Clients whose states each site's database holds (directly or replicated).
    pub db_clients: Vec<u64>,
    /// Database counts per (site, update), indexed by `State as usize`.
    pub db: Vec<[i64; 4]>,
    /// True states per (site database, update), indexed by `Truth as usize`, changing as
    /// clients install and restart.
    pub truth_db: Vec<[i64; 4]>,
    /// Finds a client's group.
    groups: GroupIndex,
    /// At the end, per (site, update): clients the database has as Required because they are
    /// not deployed, deployed, pending restart, installed but not reported (R15).
    pub required_reasons: Vec<[u32; 4]>,
    /// At the end, per (site database, update): the live true states of every client whose
    /// states it holds (its own and, replicated, its children's), indexed by `Truth as usize`
    /// (pending restart, required, not required, installed).
    pub true_end: Vec<[u32; 4]>,
    /// Per site: the database its database's states replicate to, if any.
    replicates_to: Vec<Option<usize>>,
    /// Coverage per (group, update).
    pub group_coverage: Vec<Coverage>,
    /// Coverage per (site, update).
    pub site_coverage: Vec<Coverage>,
    /// Per management point.
    pub mps: Vec<MpLoad>,
    /// The queues of the reporting path and the delays through them.
    pub backlog: Backlog,
    /// Policies received by clients.
    pub policies_received: u64,
    /// Scans completed, and of which with changes.
    pub scans: u64,
    /// Scans that found changed states.
    pub scans_changed: u64,
    /// State messages discarded by site servers (R15).
    pub discarded: u64,
    /// The time series, every `sample_every`, kept sparse: a (site, update) row only at the
    /// samples where it differs from its row before (all at the first), so memory grows with
    /// the changes, not with sites × updates × samples; [`Self::rows`] gives every row.
    changes: Vec<Sample>,
    /// Per (place in `db_sites`, update): its counts at the last sample.
    last: Vec<([i64; 4], [i64; 4])>,
    /// Per site: its place in `db_sites`.
    db_place: Vec<usize>,
    /// Samples taken.
    samples: u64,
    sample_every: u64,
    next_sample: u64,
}

impl ComplianceMetrics {
    /// Empty figures for `world`, sampling the time series every `sample_every`.
    pub fn new(world: &World, sample_every: SimDuration) -> Self {
        let (sites, updates, groups) = (world.sites.len(), world.updates.len(), world.groups.len());
        let group_dbs: Vec<Vec<usize>> = (0..groups)
            .map(|g| {
                world
                    .databases_of(GroupId(g as u32))
                    .map(|s| s.index())
                    .collect()
            })
            .collect();
        let mut db_clients = vec![0u64; sites];
        for (g, dbs) in world.groups.iter().zip(&group_dbs) {
            for &s in dbs {
                db_clients[s] += u64::from(g.count);
            }
        }
        let db_sites: Vec<usize> = world
            .database_site_list()
            .iter()
            .map(|s| s.index())
            .collect();
        // Counts no row can have: the first sample keeps every row.
        let last = vec![([-1; 4], [-1; 4]); db_sites.len() * updates];
        let db_place = (0..sites)
            .map(|s| db_sites.iter().position(|&x| x == s).unwrap_or(usize::MAX))
            .collect();
        ComplianceMetrics {
            updates,
            group_dbs,
            top_sites: db_sites
                .iter()
                .copied()
                .filter(|&s| world.is_top_database(SiteId(s as u16)))
                .collect(),
            db_sites,
            db_clients,
            db: vec![[0; 4]; sites * updates],
            truth_db: vec![[0; 4]; sites * updates],
            required_reasons: vec![[0; 4]; sites * updates],
            true_end: vec![[0; 4]; sites * updates],
            replicates_to: (0..sites)
                .map(|s| world.replicates_to(SiteId(s as u16)).map(|d| d.index()))
                .collect(),
            groups: world.group_index.clone(),
            group_coverage: vec![Coverage::default(); groups * updates],
            site_coverage: vec![Coverage::default(); sites * updates],
            mps: vec![MpLoad::default(); world.mps.len()],
            backlog: Backlog::new(world),
            policies_received: 0,
            scans: 0,
            scans_changed: 0,
            discarded: 0,
            changes: Vec::new(),
            last,
            db_place,
            samples: 0,
            sample_every: sample_every.ms().max(1),
            next_sample: 0,
        }
    }

    /// Records the time series up to and including `t`.
    pub fn sample_until(&mut self, t: SimTime) {
        while self.next_sample <= t.ms() {
            for (place, &site) in self.db_sites.iter().enumerate() {
                for u in 0..self.updates {
                    let now = (
                        self.db[site * self.updates + u],
                        self.truth_db[site * self.updates + u],
                    );
                    let last = &mut self.last[place * self.updates + u];
                    if *last != now {
                        *last = now;
                        self.changes.push(Sample {
                            t: SimTime(self.next_sample),
                            site: site as u16,
                            update: u as u32,
                            db: now.0,
                            truth: now.1,
                        });
                    }
                }
            }
            self.samples += 1;
            self.next_sample += self.sample_every;
        }
    }

    /// Every row of the time series: at each sample, each site database (in `db_sites`
    /// order) and update, its counts then.
    pub fn rows(&self) -> impl Iterator<Item = Sample> + '_ {
        let mut current = vec![
            Sample {
                t: SimTime::ZERO,
                site: 0,
                update: 0,
                db: [0; 4],
                truth: [0; 4],
            };
            self.db_sites.len() * self.updates
        ];
        let mut next = 0;
        (0..self.samples).flat_map(move |i| {
            let t = SimTime(i * self.sample_every);
            while let Some(c) = self.changes.get(next).filter(|c| c.t == t) {
                let place = self.db_place[usize::from(c.site)];
                current[place * self.updates + c.update as usize] = *c;
                next += 1;
            }
            let rows: Vec<Sample> = current.iter().map(|s| Sample { t, ..*s }).collect();
            rows
        })
    }

    /// Takes in a fact.
    pub fn observe(&mut self, t: SimTime, fact: &Fact) {
        self.sample_until(SimTime(t.ms().saturating_sub(1)));
        self.backlog.observe(t, fact);
        match *fact {
            Fact::Applicability {
                group,
                update,
                required,
                not_required,
                installed,
            } => {
                let (g, u) = (group.index(), update.index());
                let applicable = required + installed;
                for &s in &self.group_dbs[g] {
                    let t = &mut self.truth_db[s * self.updates + u];
                    t[Truth::Required as usize] += i64::from(required);
                    t[Truth::NotRequired as usize] += i64::from(not_required);
                    t[Truth::Installed as usize] += i64::from(installed);
                    self.site_coverage[s * self.updates + u].applicable += applicable;
                }
                self.group_coverage[g * self.updates + u].applicable = applicable;
            }
            Fact::PolicyReceived { .. } => self.policies_received += 1,
            Fact::RequiredReasons {
                site,
                update,
                not_deployed,
                deployed,
                pending_restart,
                installed_not_reported,
            } => {
                let counts = [
                    not_deployed,
                    deployed,
                    pending_restart,
                    installed_not_reported,
                ];
                let at = |d: usize| d * self.updates + update.index();
                for d in up_from(&self.replicates_to, site.index()) {
                    add(&mut self.required_reasons[at(d)], counts);
                }
            }
            Fact::StatesDiscarded { count, .. } => self.discarded += u64::from(count),
            Fact::TrueStates {
                site,
                update,
                required,
                pending_restart,
                not_required,
                installed,
            } => {
                let counts = [pending_restart, required, not_required, installed];
                let at = |d: usize| d * self.updates + update.index();
                for d in up_from(&self.replicates_to, site.index()) {
                    add(&mut self.true_end[at(d)], counts);
                }
            }
            Fact::InstallDone {
                client,
                update,
                restart,
                ..
            } => {
                let to = if restart {
                    Truth::PendingRestart
                } else {
                    Truth::Installed
                };
                self.true_change(client, update, Truth::Required, to);
            }
            Fact::RestartCompleted { client, update } => {
                self.true_change(client, update, Truth::PendingRestart, Truth::Installed);
            }
            Fact::ScanDone { changed, .. } => {
                self.scans += 1;
                self.scans_changed += u64::from(changed > 0);
            }
            Fact::StateMessagesSent { mp, count, .. } => self.mps[mp.index()].receive(t, count),
            Fact::StateMessagesForwarded { mp, count, .. } => {
                let forwarded = &mut self.mps[mp.index()].forwarded_per_minute;
                *forwarded.at(t.ms() / 60_000, 0) += u64::from(count);
            }
            Fact::DbStateChanged {
                site,
                group,
                update,
                from,
                to,
                count,
            } => {
                let (s, u) = (site.index(), update.index());
                let counts = &mut self.db[s * self.updates + u];
                counts[from as usize] -= i64::from(count);
                counts[to as usize] += i64::from(count);
                if from == State::Unknown && to.applicable() {
                    // A group's coverage is its own database's.
                    if self.group_dbs[group.index()][0] == s {
                        self.group_coverage[group.index() * self.updates + u].learn(count, t);
                    }
                    self.site_coverage[s * self.updates + u].learn(count, t);
                }
            }
            _ => {}
        }
    }

    /// One client's true state of `update` went from `from` to `to`.
    fn true_change(&mut self, client: ClientId, update: UpdateId, from: Truth, to: Truth) {
        let g = self.groups.group_of(client).index();
        for &s in &self.group_dbs[g] {
            let t = &mut self.truth_db[s * self.updates + update.index()];
            t[from as usize] -= 1;
            t[to as usize] += 1;
        }
    }

    /// Clients of site database `site` with no state for update `u` yet (R15's Unknown).
    pub fn unknown(&self, site: usize, u: usize) -> i64 {
        self.unknown_of(site, &self.db[site * self.updates + u])
    }

    /// Site `site`'s clients without a state in database counts `db` (at the end or at a
    /// sample).
    pub fn unknown_of(&self, site: usize, db: &[i64; 4]) -> i64 {
        self.db_clients[site] as i64 - db[1] - db[2] - db[3]
    }
}

/// Database `site` and every database above it, in order: an end-of-run fact about one own
/// database's clients (its true states, why they are Required) counts in each of them, since
/// a database that others replicate to (a central site's) holds their clients too.
fn up_from(replicates_to: &[Option<usize>], site: usize) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(Some(site), move |&d| replicates_to[d])
}

/// Adds `counts` to `row`, element by element.
fn add(row: &mut [u32; 4], counts: [u32; 4]) {
    row.iter_mut().zip(counts).for_each(|(a, b)| *a += b);
}
