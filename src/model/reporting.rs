//! The reporting path's servers (R13, R15). A management point takes in state messages at
//! `mp_state_rate` per second and, `mp_forward_delay` after the first it holds (and again
//! every delay while some wait), forwards what it has processed to its site database; a
//! secondary site has none, so its MPs forward to the primary's above it. A site database
//! inserts the forwarded batches in arrival order at `db_state_rate`; a database below
//! another (a primary below the central site) replicates what it learned `replication_lag`
//! after the first change it holds, so the top of the hierarchy sees every client, later.
//!
//! Each server is a clock (when it is free) with a queue and one pending event, not an event
//! per message: arrival computes when the work is done.

use super::event::Event;
use super::fact::Fact;
use super::state_messages::Message;
use super::{Cx, Model};
use crate::engine::{SimDuration, SimTime};
use crate::world::{DeploymentId, ServerId, SiteId};
use std::collections::VecDeque;

/// Time to process `n` messages at `rate` per second, in ms; 0: no limit.
fn service(n: u32, rate: u32) -> u64 {
    if rate == 0 {
        0
    } else {
        (u64::from(n) * 1_000).div_ceil(u64::from(rate))
    }
}

/// One piece of work a server took in: its messages (and the masks of the machines they
/// make compliant) are done at `done` ms.
#[derive(Clone, Copy, Debug)]
struct Work {
    done: u64,
    messages: u32,
    completing: u32,
}

/// A first-in first-out server: messages in arrival order, with the work they came in.
#[derive(Clone, Debug, Default)]
pub(super) struct Fifo {
    messages: VecDeque<Message>,
    /// Deployments (a bit each) each sending machine becomes compliant with once its states
    /// are in the database.
    completing: VecDeque<u32>,
    work: VecDeque<Work>,
    /// When the work taken in so far is done.
    free_at: u64,
    /// Its event is pending.
    armed: bool,
    /// One past the minute of its last backlog report (0: none yet).
    reported: u64,
}

impl Fifo {
    /// Takes in `messages` at `now`; returns when they are done.
    fn take(&mut self, now: u64, rate: u32, messages: &[Message], completing: &[u32]) -> u64 {
        self.messages.extend(messages);
        self.completing.extend(completing);
        let done = self.free_at.max(now) + service(messages.len() as u32, rate);
        self.free_at = done;
        self.work.push_back(Work {
            done,
            messages: messages.len() as u32,
            completing: completing.len() as u32,
        });
        done
    }

    /// Moves the next piece of work done by `now` into `out` and `masks`; false if none.
    fn next_done(&mut self, now: u64, out: &mut Vec<Message>, masks: &mut Vec<u32>) -> bool {
        match self.work.front() {
            Some(w) if w.done <= now => {
                let w = self.work.pop_front().expect("front exists");
                move_front(&mut self.messages, w.messages as usize, out);
                move_front(&mut self.completing, w.completing as usize, masks);
                true
            }
            _ => false,
        }
    }

    /// When the next piece of work is done.
    fn next_at(&self) -> Option<u64> {
        self.work.front().map(|w| w.done)
    }

    /// Messages taken in and not done.
    fn queued(&self) -> u32 {
        self.messages.len() as u32
    }

    /// Whether a backlog report is due at `now`: at most one a minute.
    fn report_due(&mut self, now: u64) -> bool {
        let minute = now / 60_000 + 1;
        let due = self.reported < minute;
        if due {
            self.reported = minute;
        }
        due
    }
}

/// Moves the first `n` entries of `from` to the end of `to`, a slice at a time (a drain
/// element by element was a percent of a large run).
fn move_front<T: Copy>(from: &mut VecDeque<T>, n: usize, to: &mut Vec<T>) {
    let (a, b) = from.as_slices();
    let k = n.min(a.len());
    to.extend_from_slice(&a[..k]);
    to.extend_from_slice(&b[..n - k]);
    from.drain(..n);
}

/// What a site database learned and has not replicated yet: changes with their counts, and
/// machines newly compliant per deployment.
#[derive(Clone, Debug, Default)]
pub(super) struct Outbox {
    changes: Vec<(Message, u32)>,
    compliant: Vec<u32>,
    armed: bool,
}

/// The reporting path's state: one FIFO per MP and per site database, one outbox per site.
#[derive(Clone, Debug)]
pub(super) struct Reporting {
    mps: Vec<Fifo>,
    dbs: Vec<Fifo>,
    outboxes: Vec<Outbox>,
    /// Scratch buffers, reused (no allocation per event).
    messages: Vec<Message>,
    masks: Vec<u32>,
}

impl Reporting {
    pub(super) fn new(world: &crate::world::World) -> Self {
        Reporting {
            mps: vec![Fifo::default(); world.mps.len()],
            dbs: vec![Fifo::default(); world.sites.len()],
            outboxes: (0..world.sites.len())
                .map(|_| Outbox {
                    compliant: vec![0; world.deployments.len()],
                    ..Outbox::default()
                })
                .collect(),
            messages: Vec::new(),
            masks: Vec::new(),
        }
    }
}

impl Model<'_> {
    /// A client's bulk send reaches its MP; `completing` is the deployments the machine
    /// becomes compliant with once these states are in the database (0: none).
    pub(super) fn mp_receive(
        &mut self,
        mp: ServerId,
        batch: &[Message],
        completing: u32,
        cx: &mut Cx,
    ) {
        let rate = self.world.settings.mp_state_rate;
        let masks: &[u32] = if completing != 0 { &[completing] } else { &[] };
        let q = &mut self.reporting.mps[mp.index()];
        q.take(cx.now().ms(), rate, batch, masks);
        if !q.armed {
            q.armed = true;
            cx.schedule_in(self.world.settings.mp_forward_delay.0, Event::MpForward(mp));
        }
    }

    /// The MP forwards what it has processed to its database; while messages wait it
    /// reports its backlog and forwards again a delay later.
    pub(super) fn mp_forward(&mut self, mp: ServerId, cx: &mut Cx) {
        let w = self.world;
        let now = cx.now().ms();
        let site = w.mps[mp.index()].site;
        let database = w.database_of(site);
        let r = &mut self.reporting;
        let q = &mut r.mps[mp.index()];
        while q.next_done(now, &mut r.messages, &mut r.masks) {}
        let count = r.messages.len() as u32;
        if count > 0 {
            cx.emit(Fact::StateMessagesForwarded {
                site,
                mp,
                database,
                count,
            });
            let db = &mut r.dbs[database.index()];
            let done = db.take(now, w.settings.db_state_rate, &r.messages, &r.masks);
            if !db.armed {
                db.armed = true;
                cx.schedule_at(SimTime(done), Event::DbInsert(database));
            }
            r.messages.clear();
            r.masks.clear();
        }
        let q = &mut r.mps[mp.index()];
        match q.next_at() {
            Some(next) => {
                let queued = q.queued();
                if q.report_due(now) {
                    cx.emit(Fact::MpBacklog { site, mp, queued });
                }
                let at = (now + w.settings.mp_forward_delay.0.ms()).max(next);
                cx.schedule_at(SimTime(at), Event::MpForward(mp));
            }
            None => q.armed = false,
        }
    }

    /// The site database inserts the batches done by now, one at a time, in arrival order.
    pub(super) fn db_insert(&mut self, db: SiteId, cx: &mut Cx) {
        let now = cx.now().ms();
        loop {
            let r = &mut self.reporting;
            if !r.dbs[db.index()].next_done(now, &mut r.messages, &mut r.masks) {
                break;
            }
            self.insert_batch(db, cx);
        }
        let q = &mut self.reporting.dbs[db.index()];
        match q.next_at() {
            Some(next) => {
                let queued = q.queued();
                if q.report_due(now) {
                    cx.emit(Fact::DbBacklog { site: db, queued });
                }
                cx.schedule_at(SimTime(next), Event::DbInsert(db));
            }
            None => q.armed = false,
        }
    }

    /// Inserts the batch in the scratch buffers into database `db`. Equal changes are
    /// reported together, one fact per (group, update, from, to).
    fn insert_batch(&mut self, db: SiteId, cx: &mut Cx) {
        let mut held = std::mem::take(&mut self.reporting.messages);
        let mut masks = std::mem::take(&mut self.reporting.masks);
        cx.emit(Fact::StatesInserted {
            site: db,
            count: held.len() as u32,
        });
        // A batch is the sends of a few machines, each in update order: a sort that merges
        // the runs it finds (the standard stable sort) does less than one that does not.
        held.sort();
        for run in held.chunk_by(|a, b| a == b) {
            let m = run[0];
            // The site server cannot record a state for an update its database has not
            // synced: those messages are discarded (R15).
            let group = &self.world.groups[m.group().index()];
            if m.update().0 >= self.catalog_known(group) {
                cx.emit(Fact::StatesDiscarded {
                    site: db,
                    update: m.update(),
                    count: run.len() as u32,
                });
                continue;
            }
            // The database written must hold what it records.
            if m.update().0 >= self.sites[db.index()].known {
                let detail = format!(
                    "{} states of update {} reached site {}, whose database holds {} updates",
                    run.len(),
                    self.world.updates[m.update().index()].id,
                    self.world.sites[db.index()].code,
                    self.sites[db.index()].known
                );
                self.broke(super::Invariant::StatesOnlyForSyncedUpdates, detail);
            }
            self.record(db, m, run.len() as u32, cx);
        }
        for d in 0..self.world.deployments.len() {
            let count = masks.iter().filter(|&&m| m & 1 << d != 0).count() as u32;
            self.record_compliant(db, d, count, cx);
        }
        held.clear();
        masks.clear();
        self.reporting.messages = held;
        self.reporting.masks = masks;
    }

    /// Database `db` records `count` clients' change `m`, to replicate above it.
    fn record(&mut self, db: SiteId, m: Message, count: u32, cx: &mut Cx) {
        cx.emit(Fact::DbStateChanged {
            site: db,
            group: m.group(),
            update: m.update(),
            from: m.from(),
            to: m.to(),
            count,
        });
        if self.world.replicates_to(db).is_some() {
            self.reporting.outboxes[db.index()].changes.push((m, count));
            self.arm_replication(db, cx);
        }
    }

    /// Database `db` learned that `count` more machines are compliant with deployment `d`.
    /// Phases judge their success criterion at the top of the reporting path, where each
    /// machine counts once.
    fn record_compliant(&mut self, db: SiteId, d: usize, count: u32, cx: &mut Cx) {
        if count == 0 {
            return;
        }
        cx.emit(Fact::DbMachinesCompliant {
            site: db,
            deployment: DeploymentId(d as u32),
            count,
        });
        if self.world.is_top_database(db) {
            self.db_compliant(d, count, cx);
        } else {
            self.reporting.outboxes[db.index()].compliant[d] += count;
            self.arm_replication(db, cx);
        }
    }

    fn arm_replication(&mut self, db: SiteId, cx: &mut Cx) {
        let out = &mut self.reporting.outboxes[db.index()];
        if !out.armed {
            out.armed = true;
            let lag: SimDuration = self.world.settings.replication_lag.0;
            cx.schedule_in(lag, Event::Replicate(db));
        }
    }

    /// Database `db` replicates what it learned to the database above it, which applies it
    /// at once (in bulk, no state-system processing).
    pub(super) fn replicate(&mut self, db: SiteId, cx: &mut Cx) {
        let Some(to) = self.world.replicates_to(db) else {
            return;
        };
        let out = &mut self.reporting.outboxes[db.index()];
        out.armed = false;
        let mut changes = std::mem::take(&mut out.changes);
        let count = changes.iter().map(|&(_, n)| u64::from(n)).sum::<u64>();
        cx.emit(Fact::StatesReplicated {
            site: db,
            to_site: to,
            count: count.min(u64::from(u32::MAX)) as u32,
        });
        // Batches' changes, each batch in order: runs to merge (as in `insert_batch`).
        changes.sort_by_key(|&(m, _)| m);
        for run in changes.chunk_by(|a, b| a.0 == b.0) {
            let m = run[0].0;
            let n = run.iter().map(|&(_, n)| n).sum::<u32>();
            if m.update().0 >= self.sites[to.index()].known {
                cx.emit(Fact::StatesDiscarded {
                    site: to,
                    update: m.update(),
                    count: n,
                });
            } else {
                self.record(to, m, n, cx);
            }
        }
        changes.clear();
        self.reporting.outboxes[db.index()].changes = changes;
        for d in 0..self.world.deployments.len() {
            let n = std::mem::take(&mut self.reporting.outboxes[db.index()].compliant[d]);
            self.record_compliant(to, d, n, cx);
        }
    }
}
