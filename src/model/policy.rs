//! Machine policy (R09, R17). A sync that completes at a site creates the site-wide scan
//! policy; a deployment adds its deployment policy; clients pick policies up at their next
//! machine policy poll. Polls that find nothing new are not events: a client's polls are the
//! multiples of `machine_policy_interval` from its random phase, so the next poll after a
//! policy appears is arithmetic (DESIGN.md).

use super::agent::Job;
use super::clients::{DEPLOYMENT_POLICY_PENDING, SCAN_POLICY_PENDING};
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
            deployment: None,
        });
        for g in 0..self.world.groups.len() {
            let group = &self.world.groups[g];
            if group.policy_site == site && !group.legacy {
                self.deliver_group(g, cx);
            }
        }
    }

    /// The ITMU catalog was refreshed: SMS 2003 clients scan against it next (R08).
    pub(super) fn create_itmu_policy(&mut self, cx: &mut Cx) {
        cx.emit(Fact::PolicyCreated {
            site: self.world.top,
            policy: PolicyKind::ItmuScan,
            deployment: None,
        });
        for g in 0..self.world.groups.len() {
            if self.world.groups[g].legacy {
                self.deliver_group(g, cx);
            }
        }
    }

    fn deliver_group(&mut self, g: usize, cx: &mut Cx) {
        let group = &self.world.groups[g];
        for c in group.first.0..group.first.0 + group.count {
            self.deliver(ClientId(c), SCAN_POLICY_PENDING, cx);
        }
    }

    /// Marks a policy of kind `flag` as waiting for client `c`, and schedules its next poll
    /// unless one is already coming for another policy.
    pub(super) fn deliver(&mut self, c: ClientId, flag: u16, cx: &mut Cx) {
        let any = SCAN_POLICY_PENDING | DEPLOYMENT_POLICY_PENDING;
        let polling = self.clients.head(c).flags & any != 0;
        self.clients.set(c, flag, true);
        if !polling {
            let at = self.next_tick(
                c,
                0,
                self.world.settings.machine_policy_interval.0.ms(),
                cx.now(),
            );
            cx.schedule_at(at, Event::PolicyReceived(c));
        }
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
        let phase = self.clients.phase(c, which, interval, &self.rng);
        let wait = (phase + interval - now.ms() % interval) % interval;
        SimTime(now.ms() + wait)
    }

    /// The poll brought new policy: a scan policy schedules the compliance scan (R09, R10);
    /// a deployment policy starts the evaluation scan (R17).
    pub(super) fn policy_received(&mut self, c: ClientId, cx: &mut Cx) {
        let flags = self.clients.head(c).flags;
        self.clients
            .set(c, SCAN_POLICY_PENDING | DEPLOYMENT_POLICY_PENDING, false);
        if flags & SCAN_POLICY_PENDING != 0 {
            let legacy = self.world.groups[self.group(c).index()].legacy;
            let policy = if legacy {
                PolicyKind::ItmuScan
            } else {
                PolicyKind::Scan
            };
            cx.emit(Fact::PolicyReceived {
                client: c,
                policy,
                deployments: 0,
            });
            self.schedule_scan(c, cx);
        }
        if flags & DEPLOYMENT_POLICY_PENDING != 0 {
            // The poll brings every deployment policy published so far.
            self.clients.head_mut(c).policy_epoch = self.policy_epoch;
            let deployments = (0..self.deployments.len())
                .filter(|&d| {
                    self.deployments[d].targeted.contains(c.index()) && self.held(c, d).is_some()
                })
                .fold(0, |m, d| m | 1 << d);
            cx.emit(Fact::PolicyReceived {
                client: c,
                policy: PolicyKind::Deployment,
                deployments,
            });
            self.want(c, Job::Evaluation, cx);
        }
    }
}
