//! Per-client state, compact and laid out for the random order in which events reach
//! clients: one 24-byte record per client (random phases, draw counter, last scan, flags)
//! and one contiguous run of bits per client (2 bits of true state and 4 bits of reported
//! state per update), so an event touches two cache lines, not one per field. A million
//! clients with 32 updates take about 50 MB.

use super::compliance::State;
use crate::engine::{DrawCounter, RandomStreams, StreamFamily, StreamId};
use crate::world::{ClientId, World};

/// A policy delivery is waiting for the client's next poll.
pub(super) const POLICY_PENDING: u8 = 1;
/// A compliance scan is scheduled or running.
pub(super) const SCAN_BUSY: u8 = 2;
/// The state-message send timer is armed.
pub(super) const SEND_ARMED: u8 = 4;

/// The fixed-size part of one client.
#[derive(Clone, Copy, Debug, Default)]
struct Head {
    /// Random phases: (machine policy poll, state message send), fixed per client.
    phases: [u32; 2],
    draws: DrawCounter,
    /// End of the last scan, in seconds.
    last_scan: u32,
    flags: u8,
}

/// All clients of a run.
pub(super) struct Clients {
    updates: usize,
    /// Bytes of bits per client: true states first, then reported states.
    stride: usize,
    /// Per group: the family of its clients' streams.
    families: Vec<StreamFamily>,
    heads: Vec<Head>,
    /// Per client, `stride` bytes: per update 2 bits of true state, then per update 4 bits
    /// of reported state (last scanned in the low 2 bits, last sent in the high 2).
    bits: Vec<u8>,
}

impl Clients {
    /// The clients of `world` with their random phases and true states drawn.
    pub(super) fn new(world: &World, rng: &RandomStreams) -> Self {
        let n = world.clients() as usize;
        let updates = world.updates.len();
        let stride = updates.div_ceil(4) + updates.div_ceil(2);
        let families = world
            .groups
            .iter()
            .map(|g| StreamId::family("client", &g.name));
        let mut c = Clients {
            updates,
            stride,
            families: families.collect(),
            heads: vec![Head::default(); n],
            bits: vec![0; n * stride],
        };
        for (g, group) in world.groups.iter().enumerate() {
            let applicability = StreamId::family("applicability", &group.name);
            for k in 0..group.count {
                let id = group.first.0 as usize + k as usize;
                let stream = c.families[g].member(u64::from(k));
                let head = &mut c.heads[id];
                let x = rng.next_u64(stream, &mut head.draws);
                head.phases = [x as u32, (x >> 32) as u32];
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
        &mut self.heads[c.index()].draws
    }

    /// The client's random phase within a cycle of `interval_ms` (0 = poll, 1 = send).
    pub(super) fn phase(&self, c: ClientId, which: usize, interval_ms: u64) -> u64 {
        u64::from(self.heads[c.index()].phases[which]) % interval_ms.max(1)
    }

    pub(super) fn has(&self, c: ClientId, flag: u8) -> bool {
        self.heads[c.index()].flags & flag != 0
    }

    pub(super) fn set(&mut self, c: ClientId, flag: u8, on: bool) {
        let flags = &mut self.heads[c.index()].flags;
        if on {
            *flags |= flag;
        } else {
            *flags &= !flag;
        }
    }

    pub(super) fn last_scan(&self, c: ClientId) -> u32 {
        self.heads[c.index()].last_scan
    }

    pub(super) fn set_last_scan(&mut self, c: ClientId, secs: u32) {
        self.heads[c.index()].last_scan = secs;
    }

    /// The byte holding 2-bit field `u` of the true states, and the shift within it.
    fn truth_at(&self, c: usize, u: usize) -> (usize, usize) {
        (c * self.stride + u / 4, 2 * (u % 4))
    }

    /// The byte holding update `u`'s reported state, and the shift within it.
    fn reported_at(&self, c: usize, u: usize) -> (usize, usize) {
        (
            c * self.stride + self.updates.div_ceil(4) + u / 2,
            4 * (u % 2),
        )
    }

    pub(super) fn truth(&self, c: usize, u: usize) -> State {
        let (i, shift) = self.truth_at(c, u);
        State::from_bits(self.bits[i] >> shift)
    }

    fn set_truth(&mut self, c: usize, u: usize, s: State) {
        let (i, shift) = self.truth_at(c, u);
        self.bits[i] = self.bits[i] & !(3 << shift) | (s as u8) << shift;
    }

    /// Last scanned state of update `u` on client `c` (R12 compares against it).
    pub(super) fn scanned(&self, c: usize, u: usize) -> State {
        let (i, shift) = self.reported_at(c, u);
        State::from_bits(self.bits[i] >> shift)
    }

    pub(super) fn set_scanned(&mut self, c: usize, u: usize, s: State) {
        let (i, shift) = self.reported_at(c, u);
        self.bits[i] = self.bits[i] & !(3 << shift) | (s as u8) << shift;
    }

    /// Last state sent to the management point for update `u` on client `c`.
    pub(super) fn sent(&self, c: usize, u: usize) -> State {
        let (i, shift) = self.reported_at(c, u);
        State::from_bits(self.bits[i] >> (shift + 2))
    }

    pub(super) fn set_sent(&mut self, c: usize, u: usize, s: State) {
        let (i, shift) = self.reported_at(c, u);
        self.bits[i] = self.bits[i] & !(12 << shift) | (s as u8) << (shift + 2);
    }
}
