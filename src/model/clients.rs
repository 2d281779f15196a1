//! Per-client state as a struct of arrays: a million clients with dozens of updates each
//! fit in a few dozen megabytes. Per client: two random phases, a draw counter, flags and the
//! time of the last scan; per client and update, four bits (last scanned and last sent
//! state) plus two bits of true state.

use super::compliance::State;
use crate::engine::{DrawCounter, RandomStreams, StreamFamily, StreamId};
use crate::world::{ClientId, World};

/// A policy delivery is waiting for the client's next poll.
pub(super) const POLICY_PENDING: u8 = 1;
/// A compliance scan is scheduled or running.
pub(super) const SCAN_BUSY: u8 = 2;
/// The state-message send timer is armed.
pub(super) const SEND_ARMED: u8 = 4;

/// All clients of a run.
pub(super) struct Clients {
    updates: usize,
    /// Per group: the family of its clients' streams.
    families: Vec<StreamFamily>,
    /// Random phases: (machine policy poll, state message send), fixed per client.
    phases: Vec<[u32; 2]>,
    draws: Vec<DrawCounter>,
    flags: Vec<u8>,
    /// End of the last scan, in seconds.
    last_scan: Vec<u32>,
    /// True state per update, 2 bits each.
    truth: Vec<u8>,
    /// Per update: last scanned state (low 2 bits) and last sent state (high 2 bits).
    reported: Vec<u8>,
}

impl Clients {
    /// The clients of `world` with their random phases and true states drawn.
    pub(super) fn new(world: &World, rng: &RandomStreams) -> Self {
        let n = world.clients() as usize;
        let updates = world.updates.len();
        let mut c = Clients {
            updates,
            families: world
                .groups
                .iter()
                .map(|g| StreamId::family("client", &g.name))
                .collect(),
            phases: Vec::with_capacity(n),
            draws: vec![DrawCounter::default(); n],
            flags: vec![0; n],
            last_scan: vec![0; n],
            truth: vec![0; n * updates.div_ceil(4)],
            reported: vec![0; n * updates],
        };
        for (g, group) in world.groups.iter().enumerate() {
            let applicability = StreamId::family("applicability", &group.name);
            for k in 0..group.count {
                let id = group.first.0 as usize + k as usize;
                let stream = c.families[g].member(u64::from(k));
                let x = rng.next_u64(stream, &mut c.draws[id]);
                c.phases.push([x as u32, (x >> 32) as u32]);
                c.draw_truth(world, g, id, rng, applicability.member(u64::from(k)));
            }
        }
        c
    }

    /// Draws which updates apply to client `id` and which it has installed. With no explicit
    /// applicability, every update is required; otherwise listed updates follow their shares
    /// and unlisted ones do not apply.
    fn draw_truth(&mut self, w: &World, g: usize, id: usize, rng: &RandomStreams, s: StreamId) {
        let table = &w.groups[g].applicability;
        if table.is_empty() {
            for u in 0..self.updates {
                self.set_truth(id, u, State::Required);
            }
            return;
        }
        for u in 0..self.updates {
            self.set_truth(id, u, State::NotRequired);
        }
        let mut k = 0;
        rng.units(s, &mut DrawCounter::default(), table.len(), |x| {
            let (u, applies, installed) = table[k];
            let state = if x < installed {
                State::Installed
            } else if x < applies {
                State::Required
            } else {
                State::NotRequired
            };
            self.set_truth(id, u.index(), state);
            k += 1;
        });
    }

    pub(super) fn stream(&self, w: &World, c: ClientId) -> StreamId {
        let g = w.group_of(c);
        let first = w.groups[g.index()].first.0;
        self.families[g.index()].member(u64::from(c.0 - first))
    }

    pub(super) fn draws(&mut self, c: ClientId) -> &mut DrawCounter {
        &mut self.draws[c.index()]
    }

    /// The client's random phase within a cycle of `interval_ms` (0 = poll, 1 = send).
    pub(super) fn phase(&self, c: ClientId, which: usize, interval_ms: u64) -> u64 {
        u64::from(self.phases[c.index()][which]) % interval_ms.max(1)
    }

    pub(super) fn has(&self, c: ClientId, flag: u8) -> bool {
        self.flags[c.index()] & flag != 0
    }

    pub(super) fn set(&mut self, c: ClientId, flag: u8, on: bool) {
        if on {
            self.flags[c.index()] |= flag;
        } else {
            self.flags[c.index()] &= !flag;
        }
    }

    pub(super) fn last_scan(&self, c: ClientId) -> u32 {
        self.last_scan[c.index()]
    }

    pub(super) fn set_last_scan(&mut self, c: ClientId, secs: u32) {
        self.last_scan[c.index()] = secs;
    }

    pub(super) fn truth(&self, c: usize, u: usize) -> State {
        let i = c * self.updates.div_ceil(4) + u / 4;
        State::from_bits(self.truth[i] >> (2 * (u % 4)))
    }

    fn set_truth(&mut self, c: usize, u: usize, s: State) {
        let i = c * self.updates.div_ceil(4) + u / 4;
        let shift = 2 * (u % 4);
        self.truth[i] = self.truth[i] & !(3 << shift) | (s as u8) << shift;
    }

    /// Last scanned state of update `u` on client `c` (R12 compares against it).
    pub(super) fn scanned(&self, c: usize, u: usize) -> State {
        State::from_bits(self.reported[c * self.updates + u])
    }

    pub(super) fn set_scanned(&mut self, c: usize, u: usize, s: State) {
        let b = &mut self.reported[c * self.updates + u];
        *b = *b & !3 | s as u8;
    }

    /// Last state sent to the management point for update `u` on client `c`.
    pub(super) fn sent(&self, c: usize, u: usize) -> State {
        State::from_bits(self.reported[c * self.updates + u] >> 2)
    }

    pub(super) fn set_sent(&mut self, c: usize, u: usize, s: State) {
        let b = &mut self.reported[c * self.updates + u];
        *b = *b & 3 | (s as u8) << 2;
    }
}
