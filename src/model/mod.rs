//! The ConfigMgr software-update process as event handlers, one file per process of the
//! source document. The model reacts to events, changes its state, schedules further events
//! and reports facts; it never writes output itself.

mod activation;
mod adr;
mod agent;
mod bitset;
mod clients;
pub mod compliance;
mod content;
mod deployed;
mod deployment;
mod distribution;
mod download;
mod dp_link;
pub mod event;
pub mod fact;
mod install;
pub mod invariant;
mod itmu;
mod lanes;
pub mod machines;
mod notify;
mod peer;
mod periodic;
mod phases;
mod policy;
mod power;
mod presence;
mod reporting;
mod scan;
mod scan_retry;
mod site_db;
mod state_messages;
mod sup_load;
mod supersedence;
mod sync;
mod tiers;
mod users;
mod windows;

pub use bitset::BitSet;
pub use clients::{bytes_per_client, poll_phases};
pub use compliance::State;
pub use compliance::Truth;
pub use event::{Event, FailCause, SyncMode, Trigger};
pub use fact::{
    ContentFrom, Dialog, ExpiryReason, Fact, FallbackTo, GiveUp, PhaseReason, PolicyKind,
    Rejection, STATUS_SYNC_DONE, STATUS_SYNC_FAILED, ScanFailure, ScanReason,
};
pub use invariant::{Broken, Invariant};
pub use machines::MachineState;

use crate::engine::{Context, Handler, Observer, RandomStreams, RunStats, SimTime, Simulation};
use crate::world::{GroupId, UpdateId, World};
use clients::Clients;
use content::DeploymentState;
use site_db::SiteDb;
use sync::SupState;

type Cx<'a> = Context<'a, Event, Fact>;

/// Width of an event-queue bucket: about two seconds (a power of two, as the queue takes), so
/// the ring of 8,192 buckets spans 4.7 hours and the 3-hourly notifications and hourly retries
/// stay out of the overflow heap (measured on scenarios/scale/million.ron: 26.4 s with 1 s
/// buckets, 20.9 s with 2 s, no gain at 4 s).
const BUCKET_MS: u64 = 2_048;

/// The state of a whole hierarchy during a run.
pub struct Model<'w> {
    world: &'w World,
    rng: RandomStreams,
    sups: Vec<SupState>,
    sites: Vec<SiteDb>,
    /// Updates in the ITMU catalog (R08).
    itmu_known: u32,
    /// Each ITMU refresh: (when, updates held).
    itmu_history: Vec<(SimTime, u32)>,
    clients: Clients,
    /// The management points' and site databases' queues and replication (`reporting.rs`).
    reporting: reporting::Reporting,
    /// Scratch list of one client's state messages (reused, no allocation per send).
    batch: Vec<state_messages::Message>,
    /// Scratch words of the updates an install step may take, a word per 64 (`install.rs`).
    ready: Vec<u64>,
    /// Per deployment, indexed like `World::deployments`.
    deployments: Vec<DeploymentState>,
    /// Bytes each deployment downloaded into the package source.
    source_bytes: Vec<u64>,
    /// Deployments created so far (their policy may not be out yet), a bit each: what an
    /// install counts for (`install.rs`).
    created: u32,
    /// Updates whose files are in the package source (R16).
    in_source: BitSet,
    /// The scans each WSUS is serving, indexed like `World::sups` (`sup_load.rs`).
    wsus: Vec<sup_load::WsusLoad>,
    /// Who may take content from which peer (`peer.rs`).
    peers: peer::Peers,
    /// The sites' distribution managers (R16, `distribution.rs`).
    dist: distribution::Distribution,
    /// Downloads running on each DP, indexed like `World::dps` (R18).
    dp_links: Vec<dp_link::DpLink>,
    /// Scratch list of clients whose download just finished (reused, no allocation per event).
    finished: Vec<crate::world::ClientId>,
    /// Deployment policy publications so far: each publication of a deployment's policy
    /// (available, or a changed deadline) is the next epoch (R17, R22).
    policy_epoch: u32,
    /// Per group: local days and power streams (`power.rs`).
    days: Vec<power::GroupDays>,
    /// The first invariant found broken while handling the current event.
    broken: Option<(Invariant, String)>,
    /// Phased deployments: when each phase begins (`phases.rs`).
    phases: phases::Phases,
    /// Per deployment, the streams of the clients' deadline activation delays.
    activation: Vec<crate::engine::StreamFamily>,
    /// Recent activation delays (`activation.rs`).
    activation_memo: Vec<std::cell::Cell<(u32, u32, u64)>>,
    /// Which updates a scan's list supersedes (R14, `supersedence.rs`).
    supersedence: supersedence::Supersedence,
    /// Per deployment, its updates: a rule's run's are set when it runs (`adr.rs`).
    deployed: deployed::Deployed,
    /// The automatic deployment rules (`adr.rs`).
    rules: adr::Rules,
    /// Machines not switched on once since the start (`power.rs`): what a rule's deployment
    /// made during the run counts as "never online" (`machines.rs`).
    never_on: BitSet,
}

impl<'w> Model<'w> {
    /// The hierarchy before anything has happened.
    pub fn new(world: &'w World) -> Self {
        let rng = RandomStreams::new(world.seed);
        // A rule's deployment targets nobody until its run draws its collection (`adr.rs`).
        let collection = |d: usize| match world.deployments[d].adr {
            Some(_) => BitSet::new(world.clients() as usize),
            None => deployment::target_collection(world, d, &rng),
        };
        let deployments: Vec<DeploymentState> = (0..world.deployments.len())
            .map(|d| DeploymentState::new(world, d, collection(d)))
            .collect();
        let targeted = deployments
            .iter()
            .map(|d| d.targeted.len() as u64)
            .collect();
        Model {
            world,
            phases: phases::Phases::new(world, targeted),
            activation: activation::families(world),
            activation_memo: activation::memo(),
            supersedence: supersedence::Supersedence::new(world),
            deployed: deployed::Deployed::new(world),
            rules: adr::Rules::new(world),
            never_on: BitSet::new(world.clients() as usize),
            deployments,
            source_bytes: vec![0; world.deployments.len()],
            created: 0,
            in_source: BitSet::new(world.updates.len()),
            dist: distribution::Distribution::new(world),
            peers: peer::Peers::new(world, &rng),
            dp_links: vec![dp_link::DpLink::default(); world.dps.len()],
            wsus: vec![sup_load::WsusLoad::default(); world.sups.len()],
            finished: Vec::new(),
            policy_epoch: 0,
            days: power::GroupDays::of(world, &rng),
            broken: None,
            clients: Clients::new(world, &rng),
            reporting: reporting::Reporting::new(world),
            batch: Vec::new(),
            ready: vec![0; world.updates.len().div_ceil(64)],
            itmu_history: Vec::new(),
            rng,
            sups: world.sups.iter().map(|s| SupState::new(&s.name)).collect(),
            sites: world
                .sites
                .iter()
                .map(|_| SiteDb::new(world.updates.len()))
                .collect(),
            itmu_known: 0,
        }
    }

    /// Arms the schedules and the timeline, and puts migrated updates of upgraded sites in
    /// their databases as expired (R07).
    fn start(&mut self, cx: &mut Cx) {
        let w = self.world;
        let s = &w.settings;
        if s.scheduled_sync {
            cx.schedule_at(s.sync_schedule_first.at(), Event::ScheduledSync);
        }
        for (i, a) in w.actions.iter().enumerate() {
            cx.schedule_at(a.at(), Event::Action(i as u32));
        }
        for (d, dep) in w.deployments.iter().enumerate() {
            let d = crate::world::DeploymentId(d as u32);
            // A phased deployment's first phase begins at its creation, the others later.
            match dep.phase {
                // A rule's deployment is made by its run (`adr.rs`).
                None if dep.adr.is_some() => {}
                None => cx.schedule_at(dep.created, Event::DeploymentCreated(d)),
                Some(p) if p.number == 1 => cx.schedule_at(dep.created, Event::PhaseStart(d)),
                Some(_) => {}
            }
        }
        if w.groups.iter().any(|g| g.legacy) {
            cx.schedule_at(s.itmu_first_refresh.at(), Event::ItmuRefresh);
        }
        self.rules_start(cx);
        self.report_applicability(cx);
        self.report_targeted_machines(cx);
        self.power_start(cx);
        self.presence_start(cx);
        self.windows_start(cx);
        self.machines_start(cx);
        for (i, site) in w.sites.iter().enumerate() {
            if site.upgraded_from_sms2003 {
                let count = self.sites[i].migrate(w);
                let site = crate::world::SiteId(i as u16);
                cx.emit(Fact::UpdatesExpired {
                    site,
                    count,
                    reason: ExpiryReason::Migration,
                });
            }
        }
    }

    /// The true states of every update in every group, as scans will find them.
    fn report_applicability(&self, cx: &mut Cx) {
        for (g, group) in self.world.groups.iter().enumerate() {
            for u in 0..self.world.updates.len() {
                let mut n = [0u32; 4];
                for c in group.first.index()..group.first.index() + group.count as usize {
                    n[self.clients.truth(c, u) as usize] += 1;
                }
                cx.emit(Fact::Applicability {
                    group: GroupId(g as u32),
                    update: UpdateId(u as u32),
                    required: n[State::Required as usize],
                    not_required: n[State::NotRequired as usize],
                    installed: n[State::Installed as usize],
                });
            }
        }
    }

    /// Per (site database, update), clients counted in four classes: `classes(client, k)`
    /// gives, for updates `64k..64k + 64`, those in each class (a bit each; in one at most).
    /// Read a word at a time: a million clients × 100 updates one field at a time was a
    /// fifth of a second at the end of every run.
    fn per_database(&self, classes: impl Fn(usize, usize) -> [u64; 4]) -> Vec<[u32; 4]> {
        let (w, n) = (self.world, self.world.updates.len());
        let mut tally = vec![[0u32; 4]; w.sites.len() * n];
        for group in &w.groups {
            let db = &mut tally[group.db_site.index() * n..][..n];
            for c in group.first.index()..group.first.index() + group.count as usize {
                for k in 0..self.clients.words() {
                    for (class, mask) in classes(c, k).into_iter().enumerate() {
                        for u in lanes::ones(k, mask) {
                            db[u][class] += 1;
                        }
                    }
                }
            }
        }
        tally
    }

    /// R15: for every site database and update, why the clients it has as Required are so.
    /// The database's state of a client is the last one the client sent.
    fn report_required_reasons(&self, cx: &mut Cx) {
        let n = self.world.updates.len();
        let tally = self.per_database(|c, k| {
            let sent = self
                .clients
                .reported_word(c, k, 1 << State::Required as u8, true);
            let truth = |t: Truth| sent & self.clients.truth_word(c, k, 1 << t as u8);
            let registered = self
                .clients
                .head(crate::world::ClientId(c as u32))
                .registered;
            let deployed = self.deployed.word(registered, k);
            [
                truth(Truth::Required) & !deployed,
                truth(Truth::Required) & deployed | truth(Truth::NotRequired),
                truth(Truth::PendingRestart),
                truth(Truth::Installed),
            ]
        });
        for (i, t) in tally
            .iter()
            .enumerate()
            .filter(|(_, t)| t.iter().any(|&x| x > 0))
        {
            cx.emit(Fact::RequiredReasons {
                site: crate::world::SiteId((i / n) as u16),
                update: UpdateId((i % n) as u32),
                not_deployed: t[0],
                deployed: t[1],
                pending_restart: t[2],
                installed_not_reported: t[3],
            });
        }
    }

    /// The live true state of every update on the clients of every site database.
    fn report_true_states(&self, cx: &mut Cx) {
        let (w, n) = (self.world, self.world.updates.len());
        // Class `t` is the clients with update `u` in true state `t` (its code).
        let tally =
            self.per_database(|c, k| [0u8, 1, 2, 3].map(|t| self.clients.truth_word(c, k, 1 << t)));
        for site in 0..w.sites.len() {
            if !w.groups.iter().any(|g| g.db_site.index() == site) {
                continue;
            }
            for u in 0..n {
                let t = tally[site * n + u];
                cx.emit(Fact::TrueStates {
                    site: crate::world::SiteId(site as u16),
                    update: UpdateId(u as u32),
                    required: t[Truth::Required as usize],
                    pending_restart: t[Truth::PendingRestart as usize],
                    not_required: t[Truth::NotRequired as usize],
                    installed: t[Truth::Installed as usize],
                });
            }
        }
    }

    /// The group of client `c`.
    #[inline]
    fn group(&self, c: crate::world::ClientId) -> crate::world::GroupId {
        self.clients.group(c)
    }

    /// The top site's active SUP (validated to exist).
    fn top_sup(&self) -> crate::world::SupId {
        self.world.sites[self.world.top.index()]
            .sup
            .expect("validated: the top site has a SUP")
    }
}

impl Handler for Model<'_> {
    type Event = Event;
    type Fact = Fact;
    type Broken = (Invariant, Event, String);

    fn handle(&mut self, event: Event, cx: &mut Cx) -> Result<(), Self::Broken> {
        self.dispatch(event, cx);
        match self.broken.take() {
            Some((invariant, detail)) => Err((invariant, event, detail)),
            None => Ok(()),
        }
    }

    fn finish(&mut self, cx: &mut Cx) {
        self.report_required_reasons(cx);
        self.report_true_states(cx);
    }

    fn prefetch(&self, event: &Event) {
        if let Some(c) = event.client() {
            self.clients.prefetch(c);
        }
    }
}

impl Model<'_> {
    fn dispatch(&mut self, event: Event, cx: &mut Cx) {
        match event {
            Event::Start => self.start(cx),
            Event::ScheduledSync => {
                self.request(self.top_sup(), SyncMode::Full, Trigger::Schedule, cx);
                cx.schedule_in(
                    self.world.settings.sync_schedule_interval.0,
                    Event::ScheduledSync,
                );
            }
            Event::Action(i) => match self.world.actions[i as usize] {
                crate::world::TimedAction::RunSync(_) => {
                    self.request(self.top_sup(), SyncMode::Delta, Trigger::Manual, cx)
                }
                crate::world::TimedAction::SetDeadline {
                    deployment,
                    deadline,
                    ..
                } => self.set_deadline(deployment, deadline, cx),
            },
            Event::SyncRequest { sup, mode, trigger } => self.request(sup, mode, trigger, cx),
            Event::WsusSyncDone { sup, epoch } => self.wsus_done(sup, epoch, cx),
            Event::SiteDbUpdated { sup, epoch } => self.site_db_updated(sup, epoch, cx),
            Event::SyncFailed { sup, epoch, cause } => self.failed(sup, epoch, cause, cx),
            Event::SyncRetry { sup, epoch } => self.retry(sup, epoch, cx),
            Event::ItmuRefresh => self.itmu_refresh(cx),
            // An off machine does nothing; what came due waits for its start-up (power.rs).
            Event::PolicyReceived(c) if self.is_off(c) => {}
            Event::PolicyReceived(c) => self.policy_received(c, cx),
            Event::ScanStart(c) => self.scan_due(c, cx),
            Event::ScanDone {
                client,
                reason,
                access,
            } => self.scan_done(client, reason, access, cx),
            Event::ScanFailed {
                client,
                reason,
                cause,
            } => self.scan_failed(client, reason, cause, cx),
            Event::ScanRetry {
                client,
                reason,
                failures,
            } => self.scan_retry(client, reason, failures, cx),
            Event::SendStateMessages(c) if self.is_off(c) => {
                self.clients.set(c, clients::SEND_MISSED, true)
            }
            Event::SendStateMessages(c) => self.send_state_messages(c, cx),
            Event::MpForward(mp) => self.mp_forward(mp, cx),
            Event::DbInsert(site) => self.db_insert(site, cx),
            Event::Replicate(site) => self.replicate(site, cx),
            Event::DeploymentCreated(d) => self.deployment_created(d, cx),
            Event::PhaseStart(d) => self.phase_start(d, cx),
            Event::ScheduledRule(k) => self.scheduled_rule(k, cx),
            Event::ActivateDeadline { client, deployment } => self.activate(client, deployment, cx),
            Event::SourceReady(d) => self.source_ready(d, cx),
            Event::Available(d) => self.available(d, cx),
            Event::DpCopyStart { deployment, dp } => self.dp_back(deployment, dp, cx),
            Event::ContentOnDp { deployment, dp } => self.transfer_done(deployment, dp, cx),
            Event::Deadline(d) => self.deadline(d, cx),
            Event::Locate(c) if self.is_off(c) => self.clients.set(c, clients::LOCATE_MISSED, true),
            Event::Locate(c) => self.locate(c, cx),
            Event::DpNext { dp, epoch } => self.dp_next(dp, epoch, cx),
            Event::PeerDone(c) => self.download_done(c, cx),
            // Nor does a user who is away; their return starts reminders afresh
            // (presence.rs), and the dialog they meant to open opens then.
            Event::Notify { client, .. } if self.is_off(client) || self.user_away(client) => {}
            Event::Notify { client, epoch } => self.notify(client, epoch, cx),
            Event::UserAct { client, dialog } if self.is_off(client) || self.user_away(client) => {
                self.user_act_missed(client, dialog)
            }
            Event::UserAct { client, dialog } => self.user_act(client, dialog, cx),
            Event::InstallDone(c) => self.install_done(c, cx),
            // A restart due while off, or made stale by a start-up (which restarts), is not.
            Event::Restart { client, .. } | Event::RestartWarning(client)
                if self.is_off(client) || !self.clients.has(client, clients::RESTART_SCHEDULED) => {
            }
            Event::Restart { client, forced } => {
                let job = if forced {
                    agent::Job::ForcedRestart
                } else {
                    agent::Job::Restart
                };
                self.want(client, job, cx)
            }
            Event::RestartWarning(c) => self.restart_warning(c, cx),
            Event::Power(c) => self.power_change(c, cx),
            Event::Presence(c) => self.presence_change(c, cx),
            // A scan tick while off is caught up at start-up (power.rs); re-evaluation
            // queues its job, which waits for the start-up like any.
            Event::ScanCycle(c) if self.is_off(c) => self.scan_tick_missed(c, cx),
            Event::ScanCycle(c) => self.scan_cycle(c, cx),
            Event::Reevaluation(c) => self.reevaluation(c, cx),
            Event::WindowOpen(i) => self.window_open(i, cx),
            Event::WindowClose(i) => self.window_close(i, cx),
        }
    }
}

/// Bytes of pending events and per-client tallies a client costs at the peak of a run beyond
/// its record: the event queue stores events at 12 bytes in buckets that grow by doubling,
/// and a client holds a few (policy poll, scan, state send). Measured on the gallery.
pub const PENDING_BYTES_PER_CLIENT: u64 = 96;

/// What a client targeted by a deployment costs on top: its notification, download, install
/// and restart timers pending at the deadline, and its notification and machine tallies
/// (measured on the gallery's million clients, 810,000 of them targeted: 367 MB in all).
pub const DEPLOYED_BYTES_PER_CLIENT: u64 = 192;

/// Runs `world` from the start to `world.end`, reporting every fact to `observer`; stops
/// with the broken invariant if one breaks.
pub fn simulate<O: Observer<Fact>>(world: &World, observer: &mut O) -> Result<RunStats, Broken> {
    simulate_within(world, u64::MAX, observer)
}

/// [`simulate`], stopping after `max_events` events: the returned stats then say the run was
/// cut short (`RunStats::cut`), with the time it reached.
pub fn simulate_within<O: Observer<Fact>>(
    world: &World,
    max_events: u64,
    observer: &mut O,
) -> Result<RunStats, Broken> {
    let mut model = Model::new(world);
    let mut sim = Simulation::new(BUCKET_MS);
    sim.schedule_at(SimTime::ZERO, Event::Start);
    sim.run(&mut model, world.end, max_events, observer)
        .map_err(|(at, halt)| Broken::from_halt(at, halt))
}
