//! A distribution point's bandwidth, shared by the downloads running on it (R18): processor
//! sharing. Every running download gets the same rate, `min(client rate, bandwidth / n)`, so
//! one "virtual clock" per DP — bytes each download has received — says when each finishes:
//! at the moment the clock reaches its start value plus its size. Only the earliest finish is
//! an event; when a download starts or ends, the rate changes and that event is rescheduled
//! (older ones are recognised by an epoch and ignored).

use crate::engine::{SimDuration, SimTime};
use crate::world::ClientId;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One DP's running downloads.
#[derive(Clone, Debug, Default)]
pub(super) struct DpLink {
    /// Bytes every running download has received since the clock started.
    clock: f64,
    /// When `clock` was last brought up to date.
    updated: SimTime,
    /// Running downloads by finishing clock value (in bytes; ties by client id).
    running: BinaryHeap<Reverse<(u64, u32)>>,
    /// Bumped at every reschedule; a finish event of another epoch is stale.
    pub(super) epoch: u32,
}

impl DpLink {
    /// Bytes per millisecond each running download receives.
    fn rate(&self, client_mbps: f64, dp_mbps: f64) -> f64 {
        let n = self.running.len().max(1) as f64;
        client_mbps.min(dp_mbps / n) * 1e6 / 8.0 / 1_000.0
    }

    /// Brings the clock up to `now` at the rate in force since the last change.
    fn advance(&mut self, now: SimTime, client_mbps: f64, dp_mbps: f64) {
        if !self.running.is_empty() {
            self.clock += (now - self.updated).ms() as f64 * self.rate(client_mbps, dp_mbps);
        }
        self.updated = now;
    }

    /// A download of `bytes` for client `c` starts now.
    pub(super) fn start(
        &mut self,
        c: ClientId,
        bytes: u64,
        now: SimTime,
        client_mbps: f64,
        dp_mbps: f64,
    ) {
        self.advance(now, client_mbps, dp_mbps);
        let finish = self.clock.ceil() as u64 + bytes;
        self.running.push(Reverse((finish, c.0)));
    }

    /// Removes the downloads finished by `now`, handing each client to `done`.
    pub(super) fn finish(
        &mut self,
        now: SimTime,
        client_mbps: f64,
        dp_mbps: f64,
        mut done: impl FnMut(ClientId),
    ) {
        self.advance(now, client_mbps, dp_mbps);
        while let Some(&Reverse((finish, c))) = self.running.peek() {
            // Half a byte of slack absorbs the rounding of event times to milliseconds.
            if finish as f64 > self.clock + 0.5 {
                break;
            }
            self.running.pop();
            done(ClientId(c));
        }
    }

    /// When the next download finishes at the current rate, for a new event of a new epoch.
    pub(super) fn next(
        &mut self,
        now: SimTime,
        client_mbps: f64,
        dp_mbps: f64,
    ) -> Option<(SimTime, u32)> {
        self.epoch = self.epoch.wrapping_add(1);
        let &Reverse((finish, _)) = self.running.peek()?;
        let left = (finish as f64 - self.clock).max(0.0);
        let wait = (left / self.rate(client_mbps, dp_mbps)).ceil() as u64;
        Some((now + SimDuration::from_ms(wait), self.epoch))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_share_the_bandwidth_and_speed_up_when_others_finish() {
        // 8 Mbit/s DP = 1,000 bytes/ms; clients could do 8 Mbit/s each.
        let mut link = DpLink::default();
        let t0 = SimTime(0);
        link.start(ClientId(1), 1_000_000, t0, 8.0, 8.0);
        link.start(ClientId(2), 3_000_000, t0, 8.0, 8.0);
        // Two share: 500 bytes/ms each; the first finishes at 2,000 ms.
        let (t, _) = link.next(t0, 8.0, 8.0).unwrap();
        assert_eq!(t, SimTime(2_000));
        let mut done = Vec::new();
        link.finish(t, 8.0, 8.0, |c| done.push(c.0));
        assert_eq!(done, vec![1]);
        // Alone it gets 1,000 bytes/ms: 2,000,000 bytes left, done at 4,000 ms.
        let (t, _) = link.next(t, 8.0, 8.0).unwrap();
        assert_eq!(t, SimTime(4_000));
    }

    #[test]
    fn a_client_never_exceeds_its_own_rate() {
        let mut link = DpLink::default();
        link.start(ClientId(1), 1_000_000, SimTime(0), 8.0, 800.0);
        assert_eq!(link.next(SimTime(0), 8.0, 800.0).unwrap().0, SimTime(1_000));
    }
}
