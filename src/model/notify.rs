//! Deadline notifications (R22, R23). Until all its mandatory updates are installed, a client
//! shows a notification every `notify_far_interval` while the nearest deadline is more than
//! `notify_near_threshold` (24 hours) away, every `notify_near_interval` when it is less, and
//! every `notify_imminent_interval` under `notify_imminent_threshold` (the last hour). None
//! at all when deployments are hidden.
//!
//! Each evaluation of newly received deployment policy, and each periodic re-evaluation
//! (R17, `periodic.rs`), starts the reminders afresh: the client shows one at once and counts down to the deadlines it now holds. A deadline moved
//! earlier is thus announced when the client learns of it, not on the old, slower cadence,
//! which could fall after the new deadline (found by the property survey).

use super::event::Event;
use super::fact::Fact;
use super::{Cx, Model};
use crate::engine::{SimDuration, SimTime};
use crate::world::{ClientId, DeploymentId};

impl Model<'_> {
    /// Marks the client's registered deployments among `mask` that have no update left to
    /// install — none its scans found required that is not installed — as settled: they no
    /// longer call for notifications.
    pub(super) fn settle(&mut self, c: ClientId, mask: u32) {
        // Pending: required as the client's scans know it, and not installed yet.
        let unsettled = self
            .deployed
            .touching(mask, |k| self.clients.pending_word(c.index(), k));
        self.clients.head_mut(c).settled |= mask & !unsettled;
    }

    /// After an evaluation scan (of new policy, or a re-evaluation): (re)starts the client's reminders when it has a
    /// mandatory update still to install; the pending reminder of the old chain goes stale.
    pub(super) fn restart_notifications(&mut self, c: ClientId, cx: &mut Cx) {
        if self.world.settings.hide_deployments || self.next_deadline(c, cx.now()).is_none() {
            return;
        }
        let head = self.clients.head_mut(c);
        head.notify_epoch = head.notify_epoch.wrapping_add(1);
        let epoch = head.notify_epoch;
        cx.schedule_in(SimDuration::ZERO, Event::Notify { client: c, epoch });
    }

    /// The nearest future deadline, as the client holds it, of a registered deployment with
    /// an update the client still has to install (R22).
    fn next_deadline(&self, c: ClientId, now: SimTime) -> Option<(SimTime, DeploymentId)> {
        let head = self.clients.head(c);
        (0..self.deployments.len())
            .filter(|&d| head.registered & !head.settled & 1 << d != 0)
            .filter_map(|d| {
                let t = self.held_deadline(c, d).filter(|&t| t > now)?;
                Some((t, DeploymentId(d as u32)))
            })
            .min()
    }

    /// Shows a notification and schedules the next one by the distance to the deadline.
    pub(super) fn notify(&mut self, c: ClientId, epoch: u8, cx: &mut Cx) {
        if epoch != self.clients.head(c).notify_epoch {
            return;
        }
        let now = cx.now();
        let Some((deadline, deployment)) = self.next_deadline(c, now) else {
            return;
        };
        let left = deadline - now;
        cx.emit(Fact::Notification {
            client: c,
            deployment,
            deadline_in: left,
        });
        cx.schedule_in(
            self.notification_interval(left),
            Event::Notify { client: c, epoch },
        );
    }

    /// R22: 3 h while the deadline is more than 24 h away, 1 h under 24 h, 15 min under 1 h
    /// (the 2007 values of the intervals and thresholds).
    fn notification_interval(&self, left: SimDuration) -> SimDuration {
        let s = &self.world.settings;
        if left > s.notify_near_threshold.0 {
            s.notify_far_interval.0
        } else if left > s.notify_imminent_threshold.0 {
            s.notify_near_interval.0
        } else {
            s.notify_imminent_interval.0
        }
    }
}
