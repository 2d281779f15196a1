//! Per-client state, compact and laid out for the random order in which events reach
//! clients: one 64-byte record per client, a cache line (draw counter, flags, agent state
//! and waiting jobs, deployment bits, download job) and one contiguous run of bit planes per
//! client on whole cache lines (per update: 2 bits of true state, 2 of scanned state, 2 of
//! sent state, 1 bit "in the local cache", each bit of a field in a plane of its own,
//! `lanes.rs`), so an event touches a few neighbouring cache lines, not one per field. Both
//! arrays are on 2 MiB pages where the system allows (`engine::pages`).

use super::agent::Agent;
use super::compliance::{State, Truth};
use super::lanes;
use crate::engine::{DrawCounter, RandomStreams, StreamFamily, StreamId, pages, prefetch_all};
use crate::world::{ClientId, GroupId, GroupIndex, World};

/// A scan-policy delivery is waiting for the client's next poll.
pub(super) const SCAN_POLICY_PENDING: u16 = 1;
/// A compliance scan is scheduled (R10) and has not started yet.
pub(super) const SCAN_SCHEDULED: u16 = 2;
/// The state-message send timer is armed.
pub(super) const SEND_ARMED: u16 = 4;
/// A deployment-policy delivery is waiting for the client's next poll.
pub(super) const DEPLOYMENT_POLICY_PENDING: u16 = 8;
/// The running download job was started by the user for optional updates only (R21).
pub(super) const MANUAL_JOB: u16 = 32;
/// Due updates wait for the download to finish before they install.
pub(super) const INSTALL_WAITING: u16 = 64;
/// A restart is scheduled.
pub(super) const RESTART_SCHEDULED: u16 = 128;
/// The client's scan schedule runs (`periodic.rs`): armed at its first compliance scan.
pub(super) const SCAN_CYCLE_ARMED: u16 = 1 << 15;

/// The machine is switched off (`power.rs`).
pub(super) const OFF: u16 = 256;
/// The machine switches off once its running job and download end.
pub(super) const OFF_PENDING: u16 = 512;
/// A Location Services attempt came due while off: it runs at start-up.
pub(super) const LOCATE_MISSED: u16 = 1024;
/// The state-message send came due while off: it is armed again at start-up.
pub(super) const SEND_MISSED: u16 = 2048;
/// The user's Express dialog came due while off: it opens at start-up.
pub(super) const USER_EXPRESS_MISSED: u16 = 4096;
/// The user's Available dialog came due while off: it opens at start-up.
pub(super) const USER_AVAILABLE_MISSED: u16 = 8192;

/// The user of a machine left on is away from it (`presence.rs`).
pub(super) const AWAY: u16 = 16;

/// A tick of the scan schedule came due while off: the scan is scheduled at start-up.
pub(super) const SCAN_TICK_MISSED: u16 = 16384;

/// Where a client's download job stands (R18–R21).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum DownloadJob {
    /// Nothing to download, or finished.
    #[default]
    Idle,
    /// Looking for a DP or connecting to one, retrying on its timers.
    Trying,
    /// Downloading from `Head::dp`.
    Downloading,
    /// Downloading from a peer of its boundary group (`peer.rs`).
    FromPeer,
    /// Gave up; a new deployment starts a new job.
    GaveUp,
}

/// The fixed-size part of one client: one cache line, so that an event reads its client's
/// record with one miss (a 68-byte record straddled two lines 14 times in 16). Its random
/// phases are not kept here but drawn again when asked for (`Clients::phase`): a ChaCha block
/// on the rarer events that ask costs less than a second line on every event.
#[derive(Clone, Copy, Debug, Default)]
#[repr(align(64))]
pub(super) struct Head {
    pub(super) draws: DrawCounter,
    /// End of the last scan, in seconds.
    pub(super) last_scan: u32,
    /// When the client's last served online scan connected, in whole seconds (floored):
    /// the metadata it holds (`sup_load.rs`); [`NEVER_ONLINE`] before any.
    pub(super) online_at: u32,
    pub(super) flags: u16,
    pub(super) job: DownloadJob,
    /// What the client's Windows Update Agent is doing: one job at a time.
    pub(super) agent: Agent,
    /// Jobs waiting for the agent, a bit each (`agent::WAIT_*`).
    pub(super) waiting: u8,
    /// The current chain of deadline reminders: a new policy restarts it (R22).
    pub(super) notify_epoch: u8,
    /// The update being installed while `agent` is `Installing` (R25).
    pub(super) installing: u32,
    /// The deployment-policy epoch of the client's last policy poll that brought deployment
    /// policy: it holds each deployment's policy as published up to then (R17, R22).
    pub(super) policy_epoch: u32,
    /// Deployments recorded by an evaluation scan (R17).
    pub(super) registered: u32,
    /// Deployments the user chose to install now (R24).
    pub(super) chosen: u32,
    /// Deployments the running download job covers.
    pub(super) job_deployments: u32,
    /// Deployments whose download the client gave up on: it stops trying (R19–R21).
    pub(super) abandoned: u32,
    /// Registered deployments with nothing left to install on the client: kept up to date at
    /// registration and at each install, so a notification need not look at the update bits.
    pub(super) settled: u32,
    /// First Location Services failure of the job, in seconds (R19); `u32::MAX`: none.
    pub(super) locate_since: u32,
    /// First DP connection failure of the job, in seconds (R20); `u32::MAX`: none.
    pub(super) connect_since: u32,
    /// The DP of the job.
    pub(super) dp: u16,
    /// Online scans that failed in a row against the client's WSUS (`scan_retry.rs`).
    pub(super) scan_failures: u8,
    /// The client's SUP: its place in its group's `sups` (low 7 bits), and [`SUP_FULL`]
    /// while it holds no update metadata from that SUP (`sup_load.rs`).
    pub(super) sup: u8,
    /// What waits for a maintenance window (`windows.rs`): an install, a restart.
    pub(super) window_wait: u8,
    /// Where the machine stands as its reports count it (`machines.rs`).
    pub(super) machine: super::machines::MachineState,
    /// The client's group, read with the record the event brought into the cache (a
    /// lookup in the group index was 4 % of the simulation's thread); [`WIDE_GROUP`] in a
    /// world of more groups than fit, which looks it up.
    group: u16,
}

/// In `Head::group`: the group does not fit in 16 bits.
const WIDE_GROUP: u16 = u16::MAX;

/// In `Head::online_at`: no online scan served yet.
pub(super) const NEVER_ONLINE: u32 = u32::MAX;

/// In `Head::sup`: the client's next online scan is a full scan (it switched SUP).
pub(super) const SUP_FULL: u8 = 0x80;

/// Bit planes per client, each of one bit per update: true state (low, high bit), scanned
/// state (low, high), sent state (low, high), cache.
const PLANES: usize = 7;
/// The first of the two planes of the true states.
const TRUTH: usize = 0;
/// The first of the two planes of the states the last scan found.
const SCANNED: usize = 2;
/// The first of the two planes of the states last sent to the management point.
const SENT: usize = 4;
/// The plane of the local cache.
const CACHE: usize = 6;

/// Bytes a client's record takes with `updates` updates (for the run's memory estimate).
pub fn bytes_per_client(updates: usize) -> usize {
    size_of::<Head>() + 8 * stride(updates.div_ceil(64))
}

/// Words from one client's planes to the next: whole cache lines, so that a client's planes
/// (112 bytes with 100 updates) take two lines aligned on a line, not three lines most of
/// the time; an event's prefetch then asks for three lines, not nearly four.
fn stride(words: usize) -> usize {
    (PLANES * words).next_multiple_of(WORDS_PER_LINE)
}

/// Words of 64 bits in a cache line.
const WORDS_PER_LINE: usize = 8;

/// The family of the streams of a group's clients, by the group's name.
fn client_family(group: &str) -> StreamFamily {
    StreamId::family("client", group)
}

/// A client's random phases (machine policy poll, state message send), raw: the first draw
/// of its stream, taken before any other.
fn draw_phases(rng: &RandomStreams, stream: StreamId, draws: &mut DrawCounter) -> [u32; 2] {
    let x = rng.next_u64(stream, draws);
    [x as u32, (x >> 32) as u32]
}

/// Each client's machine policy poll phase in ms within `interval_ms`, in client order: the
/// phase the model polls at (`Model::next_tick`). Polls that find nothing are not events, so
/// an observer that counts them (`observe/policy_load.rs`) places them from this; it costs
/// one draw per client, as the model's own.
pub fn poll_phases(world: &World, interval_ms: u64) -> impl Iterator<Item = u64> + '_ {
    let rng = RandomStreams::new(world.seed);
    world.groups.iter().flat_map(move |g| {
        let family = client_family(&g.name);
        let rng = rng.clone();
        (0..g.count).map(move |k| {
            let raw = draw_phases(
                &rng,
                family.member(u64::from(k)),
                &mut DrawCounter::default(),
            );
            u64::from(raw[0]) % interval_ms.max(1)
        })
    })
}

/// All clients of a run.
pub(super) struct Clients {
    updates: usize,
    /// Words of 64 updates per plane.
    words: usize,
    /// Per group: the family of its clients' streams.
    families: Vec<StreamFamily>,
    /// Finds a client's group (a copy of the world's: a few kilobytes).
    groups: GroupIndex,
    heads: Vec<Head>,
    /// Per client from `base`, [`PLANES`] planes of `words` words each, `stride` words apart.
    bits: Vec<u64>,
    /// The first word of `bits` on a cache line's start (the allocation is 8-byte aligned).
    base: usize,
    /// Words from one client's planes to the next.
    stride: usize,
}

impl Clients {
    /// The clients of `world` with their random phases and true states drawn.
    pub(super) fn new(world: &World, rng: &RandomStreams) -> Self {
        let n = world.clients() as usize;
        let updates = world.updates.len();
        let words = updates.div_ceil(64);
        let families = world.groups.iter().map(|g| client_family(&g.name));
        let mut c = Clients {
            updates,
            words,
            families: families.collect(),
            groups: world.group_index.clone(),
            heads: pages::filled(n, Head::default()),
            bits: pages::filled(n * stride(words) + WORDS_PER_LINE - 1, 0),
            base: 0,
            stride: stride(words),
        };
        // `bits` is never resized, so the line its base starts stays where it is.
        c.base = (c.bits.as_ptr() as usize).wrapping_neg() % (8 * WORDS_PER_LINE) / 8;
        for (g, group) in world.groups.iter().enumerate() {
            let applicability = StreamId::family("applicability", &group.name);
            for k in 0..group.count {
                let id = group.first.0 as usize + k as usize;
                let stream = c.families[g].member(u64::from(k));
                let head = &mut c.heads[id];
                // The first draw is the phases' (`phase`).
                draw_phases(rng, stream, &mut head.draws);
                head.online_at = NEVER_ONLINE;
                head.group = u16::try_from(g).unwrap_or(WIDE_GROUP);
                head.sup = group.first_sup_slot(crate::world::ClientId(id as u32)) as u8;
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
        let default = if table.is_empty() {
            Truth::Required
        } else {
            Truth::NotRequired
        };
        // Every update at once, a word of each plane at a time (a million clients × 100
        // updates one by one took a sixth of a second of the run's start).
        let code = default as u8;
        for k in 0..self.words {
            let valid = lanes::valid(self.updates, k);
            let bit = |b: u8| if code & b != 0 { valid } else { 0 };
            self.set_planes(id, TRUTH, k, (bit(1), bit(2)));
        }
        let mut k = 0;
        rng.units(s, &mut DrawCounter::default(), table.len(), |x| {
            let (u, applies, installed) = table[k];
            let truth = if x < installed {
                Truth::Installed
            } else if x < applies {
                Truth::Required
            } else {
                Truth::NotRequired
            };
            self.set_truth(id, u.index(), truth);
            k += 1;
        });
    }

    /// The group of client `c` (as `World::group_of`).
    #[inline]
    pub(super) fn group(&self, c: ClientId) -> GroupId {
        match self.heads[c.index()].group {
            WIDE_GROUP => self.groups.group_of(c),
            g => GroupId(u32::from(g)),
        }
    }

    pub(super) fn stream(&self, c: ClientId) -> StreamId {
        let g = self.group(c);
        self.families[g.index()].member(u64::from(c.0 - self.groups.first(g)))
    }

    pub(super) fn head(&self, c: ClientId) -> &Head {
        &self.heads[c.index()]
    }

    pub(super) fn head_mut(&mut self, c: ClientId) -> &mut Head {
        &mut self.heads[c.index()]
    }

    pub(super) fn draws(&mut self, c: ClientId) -> &mut DrawCounter {
        &mut self.heads[c.index()].draws
    }

    /// The client's random phase within a cycle of `interval_ms` (0 = poll, 1 = send):
    /// the first draw of its stream.
    pub(super) fn phase(
        &self,
        c: ClientId,
        which: usize,
        interval_ms: u64,
        rng: &RandomStreams,
    ) -> u64 {
        let phases = draw_phases(rng, self.stream(c), &mut DrawCounter::default());
        u64::from(phases[which]) % interval_ms.max(1)
    }

    /// Starts loading client `c`'s record and update bits into the cache (`Handler::prefetch`):
    /// at a million clients they are 190 MB, and each event's first touch of them would
    /// otherwise wait on memory.
    #[inline]
    pub(super) fn prefetch(&self, c: ClientId) {
        let at = self.plane(c.index(), 0);
        if let (Some(head), Some(bits)) = (
            self.heads.get(c.index()..=c.index()),
            self.bits.get(at..at + self.stride),
        ) {
            prefetch_all(head);
            prefetch_all(bits);
        }
    }

    pub(super) fn has(&self, c: ClientId, flag: u16) -> bool {
        self.heads[c.index()].flags & flag != 0
    }

    pub(super) fn set(&mut self, c: ClientId, flag: u16, on: bool) {
        let flags = &mut self.heads[c.index()].flags;
        if on {
            *flags |= flag;
        } else {
            *flags &= !flag;
        }
    }

    /// Where plane `p` of client `c` starts in `bits`.
    #[inline(always)]
    fn plane(&self, c: usize, p: usize) -> usize {
        self.base + c * self.stride + p * self.words
    }

    /// The 2-bit field of update `u` in the planes `p`, `p + 1` of client `c`.
    #[inline(always)]
    fn field(&self, c: usize, p: usize, u: usize) -> u8 {
        let (at, b) = (self.plane(c, p) + u / 64, u % 64);
        (self.bits[at] >> b & 1 | (self.bits[at + self.words] >> b & 1) << 1) as u8
    }

    /// Sets the 2-bit field of update `u` in the planes `p`, `p + 1` of client `c` to `v`.
    #[inline(always)]
    fn set_field(&mut self, c: usize, p: usize, u: usize, v: u8) {
        let (at, b) = (self.plane(c, p) + u / 64, u % 64);
        let words = self.words;
        self.bits[at] = self.bits[at] & !(1 << b) | u64::from(v & 1) << b;
        self.bits[at + words] = self.bits[at + words] & !(1 << b) | u64::from(v >> 1 & 1) << b;
    }

    /// Of updates `64k..64k + 64`, those whose field in the planes `p`, `p + 1` of client `c`
    /// holds a code in `codes` (a bit per code).
    #[inline(always)]
    fn fields_word(&self, c: usize, p: usize, k: usize, codes: u8) -> u64 {
        let at = self.plane(c, p) + k;
        lanes::matching(self.bits[at], self.bits[at + self.words], codes)
            & lanes::valid(self.updates, k)
    }

    pub(super) fn truth(&self, c: usize, u: usize) -> Truth {
        Truth::from_bits(self.field(c, TRUTH, u))
    }

    pub(super) fn set_truth(&mut self, c: usize, u: usize, t: Truth) {
        self.set_field(c, TRUTH, u, t as u8);
    }

    /// Last scanned state of update `u` on client `c` (R12 compares against it).
    pub(super) fn scanned(&self, c: usize, u: usize) -> State {
        State::from_bits(self.field(c, SCANNED, u))
    }

    /// Last state sent to the management point for update `u` on client `c`.
    pub(super) fn sent(&self, c: usize, u: usize) -> State {
        State::from_bits(self.field(c, SENT, u))
    }

    pub(super) fn set_sent(&mut self, c: usize, u: usize, s: State) {
        self.set_field(c, SENT, u, s as u8);
    }

    /// Words of 64 updates in the `*_word` methods.
    pub(super) fn words(&self) -> usize {
        self.words
    }

    /// Of updates `64k..64k + 64`, those whose state client `c`'s last scan found differs
    /// from the one it last sent (R13).
    #[inline(always)]
    pub(super) fn unsent_word(&self, c: usize, k: usize) -> u64 {
        let (scanned, sent) = (self.plane(c, SCANNED) + k, self.plane(c, SENT) + k);
        let w = self.words;
        (self.bits[scanned] ^ self.bits[sent]) | (self.bits[scanned + w] ^ self.bits[sent + w])
    }

    /// Of updates `64k..64k + 64`, those client `c` truly holds in a state of `truths` (a
    /// bit per `Truth` code).
    #[inline(always)]
    pub(super) fn truth_word(&self, c: usize, k: usize, truths: u8) -> u64 {
        self.fields_word(c, TRUTH, k, truths)
    }

    /// Of updates `64k..64k + 64`, those client `c`'s last scan found in a state of
    /// `states` (a bit per `State` code); with `sent`, those it last sent in one.
    #[inline(always)]
    pub(super) fn reported_word(&self, c: usize, k: usize, states: u8, sent: bool) -> u64 {
        self.fields_word(c, if sent { SENT } else { SCANNED }, k, states)
    }

    /// Of updates `64k..64k + 64`, the states client `c`'s last scan found, as their low and
    /// high bits (`State` codes).
    #[inline(always)]
    pub(super) fn scanned_planes(&self, c: usize, k: usize) -> (u64, u64) {
        let at = self.plane(c, SCANNED) + k;
        (self.bits[at], self.bits[at + self.words])
    }

    /// Sets the states of updates `64k..64k + 64` client `c`'s last scan found, as their low
    /// and high bits.
    #[inline(always)]
    pub(super) fn set_scanned_planes(&mut self, c: usize, k: usize, planes: (u64, u64)) {
        self.set_planes(c, SCANNED, k, planes);
    }

    /// Sets the 2-bit fields of updates `64k..64k + 64` in the planes `p`, `p + 1` of client
    /// `c`, as their low and high bits.
    #[inline(always)]
    fn set_planes(&mut self, c: usize, p: usize, k: usize, (lo, hi): (u64, u64)) {
        let at = self.plane(c, p) + k;
        self.bits[at] = lo;
        self.bits[at + self.words] = hi;
    }

    /// Of updates `64k..64k + 64`, those client `c` has still to install: truly Required,
    /// and found Required by its last scan.
    #[inline(always)]
    pub(super) fn pending_word(&self, c: usize, k: usize) -> u64 {
        let required = 1 << Truth::Required as u8;
        self.truth_word(c, k, required)
            & self.reported_word(c, k, 1 << State::Required as u8, false)
    }

    /// Of updates `64k..64k + 64`, those whose files are in client `c`'s local cache (R18).
    #[inline(always)]
    pub(super) fn cached_word(&self, c: usize, k: usize) -> u64 {
        self.bits[self.plane(c, CACHE) + k]
    }

    /// Whether update `u`'s files are in client `c`'s local cache (R18).
    pub(super) fn cached(&self, c: usize, u: usize) -> bool {
        self.bits[self.plane(c, CACHE) + u / 64] >> (u % 64) & 1 == 1
    }

    /// Puts the files of updates `64k..64k + 64` in `updates` (a bit each) in client `c`'s
    /// local cache.
    pub(super) fn add_cached(&mut self, c: usize, k: usize, updates: u64) {
        let at = self.plane(c, CACHE) + k;
        self.bits[at] |= updates;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_record_stays_small() {
        // One cache line: a million clients' records take 64 MB.
        assert_eq!(std::mem::size_of::<super::Head>(), 64);
    }

    /// Every client's group as the world has it, from its record, and from the group index
    /// when the record cannot hold it (a world of more than 65,534 groups).
    #[test]
    fn a_clients_group_is_the_worlds_from_its_record_or_the_index() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/follow-the-sun.ron");
        let world = crate::load::load_file(path.as_ref()).unwrap().world;
        assert!(world.groups.len() > 2);
        let mut clients = Clients::new(&world, &RandomStreams::new(world.seed));
        for wide in [false, true] {
            for c in (0..world.clients() as u32).map(ClientId) {
                if wide {
                    clients.heads[c.index()].group = WIDE_GROUP;
                }
                assert_eq!(
                    clients.group(c),
                    world.group_of(c),
                    "client {} ({wide})",
                    c.0
                );
            }
        }
    }
}
