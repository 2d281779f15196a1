//! State messages (R13). After a scan with changes, the client's 5-minute send cycle (armed
//! only when something is queued) sends them in bulk to its management point; what the MP
//! and the site databases do with them is `reporting.rs`. The model keeps no database counts
//! itself: the facts carry each change, so reports show the databases' views.

use super::clients::SEND_ARMED;
use super::compliance::State;
use super::event::Event;
use super::fact::Fact;
use super::{Cx, Model};
use crate::engine::SimTime;
use crate::world::{ClientId, GroupId, UpdateId};

/// One state message held by a management point, packed into one integer so that a batch
/// sorts fast: group, update, previous and new state, in that order of significance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Message(pub(super) u64);

impl Message {
    pub(super) fn new(group: GroupId, update: UpdateId, from: State, to: State) -> Message {
        Message(
            u64::from(group.0) << 32 | u64::from(update.0) << 4 | (from as u64) << 2 | to as u64,
        )
    }
    pub(super) fn group(self) -> GroupId {
        GroupId((self.0 >> 32) as u32)
    }
    pub(super) fn update(self) -> UpdateId {
        UpdateId((self.0 as u32) >> 4)
    }
    pub(super) fn from(self) -> State {
        State::from_bits((self.0 >> 2) as u8)
    }
    pub(super) fn to(self) -> State {
        State::from_bits(self.0 as u8)
    }
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
        let g = self.group(c);
        let mp = self.world.groups[g.index()].mp_of(c);
        let before = self.reported_compliant(c);
        let mut batch = std::mem::take(&mut self.batch);
        for k in 0..self.clients.words() {
            for u in super::lanes::ones(k, self.clients.unsent_word(c.index(), k)) {
                let (from, to) = (
                    self.clients.sent(c.index(), u),
                    self.clients.scanned(c.index(), u),
                );
                self.clients.set_sent(c.index(), u, to);
                batch.push(Message::new(g, UpdateId(u as u32), from, to));
            }
        }
        let count = batch.len() as u32;
        if count > 0 {
            let completing = self.reported_compliant(c) & !before;
            let scanned_at = SimTime(u64::from(self.clients.head(c).last_scan) * 1_000);
            cx.emit(Fact::StateMessagesSent {
                client: c,
                mp,
                count,
                scanned_at,
            });
            self.mp_receive(mp, &batch, completing, cx);
        }
        batch.clear();
        self.batch = batch; // keep the allocation for the next send
    }
}
