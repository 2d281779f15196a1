//! State messages (R13). After a scan with changes, the client's 5-minute send cycle (armed
//! only when something is queued) sends them in bulk to its management point; the MP holds
//! what it receives for `mp_forward_delay` and forwards it to its site server, which inserts
//! it into the site database. The model keeps no database counts itself: the facts carry each
//! change, so reports show the database's view.

use super::clients::SEND_ARMED;
use super::compliance::State;
use super::event::Event;
use super::fact::Fact;
use super::{Cx, Model};
use crate::engine::SimTime;
use crate::world::{ClientId, GroupId, ServerId, UpdateId};

/// One state message held by a management point, packed into one integer so that a batch
/// sorts fast: group, update, previous and new state, in that order of significance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Message(u64);

impl Message {
    fn new(group: GroupId, update: UpdateId, from: State, to: State) -> Message {
        Message(
            u64::from(group.0) << 32 | u64::from(update.0) << 4 | (from as u64) << 2 | to as u64,
        )
    }
    fn group(self) -> GroupId {
        GroupId((self.0 >> 32) as u32)
    }
    fn update(self) -> UpdateId {
        UpdateId((self.0 as u32) >> 4)
    }
    fn from(self) -> State {
        State::from_bits((self.0 >> 2) as u8)
    }
    fn to(self) -> State {
        State::from_bits(self.0 as u8)
    }
}

/// What one management point holds.
#[derive(Clone, Debug, Default)]
pub(super) struct MpQueue {
    held: Vec<Message>,
    /// Deployments (a bit each) each sending machine becomes compliant with once these
    /// states are in the database.
    completing: Vec<u32>,
    armed: bool,
}

impl Model<'_> {
    /// Arms the client's send cycle at its next tick (R13).
    pub(super) fn arm_send(&mut self, c: ClientId, cx: &mut Cx) {
        if self.clients.has(c, SEND_ARMED) {
            return;
        }
        self.clients.set(c, SEND_ARMED, true);
        let interval = self.world.settings.state_message_interval.0.ms();
        cx.schedule_at(
            self.next_tick(c, 1, interval, cx.now()),
            Event::SendStateMessages(c),
        );
    }

    /// The send cycle: every state that differs from the last one sent goes to the MP.
    pub(super) fn send_state_messages(&mut self, c: ClientId, cx: &mut Cx) {
        self.clients.set(c, SEND_ARMED, false);
        let g = self.world.group_of(c);
        let mp = self.world.groups[g.index()].mp_of(c);
        let before = self.reported_compliant(c);
        let queue = &mut self.mps[mp.index()];
        let mut count = 0;
        for u in 0..self.world.updates.len() {
            let (from, to) = (
                self.clients.sent(c.index(), u),
                self.clients.scanned(c.index(), u),
            );
            if from != to {
                self.clients.set_sent(c.index(), u, to);
                queue
                    .held
                    .push(Message::new(g, UpdateId(u as u32), from, to));
                count += 1;
            }
        }
        if count == 0 {
            return;
        }
        let completing = self.reported_compliant(c) & !before;
        let queue = &mut self.mps[mp.index()];
        if completing != 0 {
            queue.completing.push(completing);
        }
        let scanned_at = SimTime(u64::from(self.clients.head(c).last_scan) * 1_000);
        cx.emit(Fact::StateMessagesSent {
            client: c,
            mp,
            count,
            scanned_at,
        });
        if !queue.armed {
            queue.armed = true;
            cx.schedule_in(self.world.settings.mp_forward_delay.0, Event::MpForward(mp));
        }
    }

    /// The MP forwards what it holds; the site server inserts it into the database. Equal
    /// changes are reported together, one fact per (group, update, from, to).
    pub(super) fn mp_forward(&mut self, mp: ServerId, cx: &mut Cx) {
        let site = self.world.mps[mp.index()].site;
        let queue = &mut self.mps[mp.index()];
        queue.armed = false;
        let mut held = std::mem::take(&mut queue.held);
        cx.emit(Fact::StateMessagesForwarded {
            site,
            mp,
            count: held.len() as u32,
        });
        held.sort_unstable();
        for run in held.chunk_by(|a, b| a == b) {
            let m = run[0];
            // The site server cannot record a state for an update its database has not
            // synced: those messages are discarded (R15).
            let group = &self.world.groups[m.group().index()];
            if m.update().0 >= self.catalog_known(group) {
                cx.emit(Fact::StatesDiscarded {
                    site,
                    update: m.update(),
                    count: run.len() as u32,
                });
                continue;
            }
            // The database written is the MP's site's: it must hold what it records.
            if m.update().0 >= self.sites[site.index()].known {
                let detail = format!(
                    "{} states of update {} reached site {}, whose database holds {} updates",
                    run.len(),
                    self.world.updates[m.update().index()].id,
                    self.world.sites[site.index()].code,
                    self.sites[site.index()].known
                );
                self.broke(super::Invariant::StatesOnlyForSyncedUpdates, detail);
            }
            cx.emit(Fact::DbStateChanged {
                site,
                group: m.group(),
                update: m.update(),
                from: m.from(),
                to: m.to(),
                count: run.len() as u32,
            });
        }
        held.clear();
        self.mps[mp.index()].held = held; // keep the allocation for the next batch
        let mut completing = std::mem::take(&mut self.mps[mp.index()].completing);
        for d in 0..self.world.deployments.len() {
            let count = completing.iter().filter(|&&m| m & 1 << d != 0).count() as u32;
            if count > 0 {
                cx.emit(Fact::DbMachinesCompliant {
                    site,
                    deployment: crate::world::DeploymentId(d as u32),
                    count,
                });
                self.db_compliant(d, count, cx);
            }
        }
        completing.clear();
        self.mps[mp.index()].completing = completing;
    }
}
