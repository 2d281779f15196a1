//! The ConfigMgr software-update process as event handlers, one file per process of the
//! source document. The model reacts to events, changes its state, schedules further events
//! and reports facts; it never writes output itself.

mod bitset;
mod clients;
pub mod compliance;
pub mod event;
pub mod fact;
mod itmu;
mod policy;
mod scan;
mod site_db;
mod state_messages;
mod sync;

pub use bitset::BitSet;
pub use compliance::State;
pub use event::{Event, FailCause, SyncMode, Trigger};
pub use fact::{ExpiryReason, Fact, PolicyKind, STATUS_SYNC_DONE, STATUS_SYNC_FAILED, ScanReason};

use crate::engine::{Context, Handler, Observer, RandomStreams, RunStats, SimTime, Simulation};
use crate::world::{GroupId, UpdateId, World};
use clients::Clients;
use site_db::SiteDb;
use state_messages::MpQueue;
use sync::SupState;

type Cx<'a> = Context<'a, Event, Fact>;

/// Width of an event-queue bucket: one second suits timers of seconds to days.
const BUCKET_MS: u64 = 1_000;

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
    /// What each management point holds, indexed like `World::mps`.
    mps: Vec<MpQueue>,
}

impl<'w> Model<'w> {
    /// The hierarchy before anything has happened.
    pub fn new(world: &'w World) -> Self {
        let rng = RandomStreams::new(world.seed);
        Model {
            world,
            clients: Clients::new(world, &rng),
            mps: vec![MpQueue::default(); world.mps.len()],
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
        if w.groups.iter().any(|g| g.legacy) {
            cx.schedule_at(s.itmu_first_refresh.at(), Event::ItmuRefresh);
        }
        self.report_applicability(cx);
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

    fn handle(&mut self, event: Event, cx: &mut Cx) {
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
            },
            Event::SyncRequest { sup, mode, trigger } => self.request(sup, mode, trigger, cx),
            Event::WsusSyncDone { sup, epoch } => self.wsus_done(sup, epoch, cx),
            Event::SiteDbUpdated { sup, epoch } => self.site_db_updated(sup, epoch, cx),
            Event::SyncFailed { sup, epoch, cause } => self.failed(sup, epoch, cause, cx),
            Event::SyncRetry { sup, epoch } => self.retry(sup, epoch, cx),
            Event::ItmuRefresh => self.itmu_refresh(cx),
            Event::PolicyReceived(c) => self.policy_received(c, cx),
            Event::ScanStart(c) => self.scan_start(c, cx),
            Event::ScanDone(c) => self.scan_done(c, cx),
            Event::SendStateMessages(c) => self.send_state_messages(c, cx),
            Event::MpForward(mp) => self.mp_forward(mp, cx),
        }
    }
}

/// Runs `world` from the start to `world.end`, reporting every fact to `observer`.
pub fn simulate<O: Observer<Fact>>(world: &World, observer: &mut O) -> RunStats {
    let mut model = Model::new(world);
    let mut sim = Simulation::new(BUCKET_MS);
    sim.schedule_at(SimTime::ZERO, Event::Start);
    sim.run(&mut model, world.end, observer)
}
