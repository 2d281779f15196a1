//! Machine policy (R09). A sync that completes at a site creates the site-wide scan policy;
//! clients pick it up at their next machine policy poll. Polls that find nothing new are not
//! events: a client's polls are the multiples of `machine_policy_interval` from its random
//! phase, so the next poll after a policy appears is arithmetic (DESIGN.md).

use super::clients::POLICY_PENDING;
use super::event::Event;
use super::fact::{Fact, PolicyKind};
use super::{Cx, Model};
use crate::engine::SimTime;
use crate::world::{ClientId, SiteId};

impl Model<'_> {
    /// A sync completed at `site`: the scan policy reaches the clients that follow it (R09).
    pub(super) fn create_scan_policy(&mut self, site: SiteId, cx: &mut Cx) {
        cx.emit(Fact::PolicyCreated {
            site,
            policy: PolicyKind::Scan,
        });
        for g in 0..self.world.groups.len() {
            let group = &self.world.groups[g];
            if group.policy_site == site && !group.legacy {
                self.deliver(g, cx);
            }
        }
    }

    /// The ITMU catalog was refreshed: SMS 2003 clients scan against it next (R08).
    pub(super) fn create_itmu_policy(&mut self, cx: &mut Cx) {
        cx.emit(Fact::PolicyCreated {
            site: self.world.top,
            policy: PolicyKind::ItmuScan,
        });
        for g in 0..self.world.groups.len() {
            if self.world.groups[g].legacy {
                self.deliver(g, cx);
            }
        }
    }

    /// Schedules the next poll of every client of group `g` that has none pending.
    fn deliver(&mut self, g: usize, cx: &mut Cx) {
        let group = &self.world.groups[g];
        for c in group.first.0..group.first.0 + group.count {
            let c = ClientId(c);
            if !self.clients.has(c, POLICY_PENDING) {
                self.clients.set(c, POLICY_PENDING, true);
                cx.schedule_at(
                    self.next_tick(c, 0, self.interval_poll(), cx.now()),
                    Event::PolicyReceived(c),
                );
            }
        }
    }

    fn interval_poll(&self) -> u64 {
        self.world.settings.machine_policy_interval.0.ms()
    }

    /// The first tick at or after `now` of a cycle of `interval` ms at client `c`'s phase
    /// `which` (0 = machine policy poll, 1 = state message send).
    pub(super) fn next_tick(
        &self,
        c: ClientId,
        which: usize,
        interval: u64,
        now: SimTime,
    ) -> SimTime {
        let phase = self.clients.phase(c, which, interval);
        let wait = (phase + interval - now.ms() % interval) % interval;
        SimTime(now.ms() + wait)
    }

    /// The poll brought the policy: the client schedules its scan (R09, R10).
    pub(super) fn policy_received(&mut self, c: ClientId, cx: &mut Cx) {
        self.clients.set(c, POLICY_PENDING, false);
        let g = &self.world.groups[self.world.group_of(c).index()];
        let policy = if g.legacy {
            PolicyKind::ItmuScan
        } else {
            PolicyKind::Scan
        };
        cx.emit(Fact::PolicyReceived { client: c, policy });
        self.schedule_scan(c, cx);
    }
}
