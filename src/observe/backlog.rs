//! The reporting path's queues over time (R13), from the facts: state messages waiting at
//! each management point and at each site database, and how long each message took from
//! the end of its scan to its own database and to the database at the top. Messages are
//! followed in bulk, first in first out, as the servers serve them: memory grows with the
//! sends waiting, never with the messages.

use crate::engine::SimTime;
use crate::model::Fact;
use crate::world::{SiteId, World};
use std::collections::{BTreeMap, VecDeque};

/// Messages at one server: at an MP those received and not yet forwarded, at a site
/// database those forwarded and not yet inserted.
#[derive(Clone, Debug, Default)]
pub struct Queue {
    /// Most waiting to be processed at once, from the server's backlog reports (at most
    /// one a minute while messages wait).
    pub peak: u32,
    /// When the peak was first reported.
    pub peak_at: Option<SimTime>,
    /// The most messages held in each minute in which the number changed (minute →
    /// messages), for the chart: between entries it stays as it was.
    pub per_minute: super::minutes::Minutes<u64>,
    /// Bulk of messages in arrival order: (end of the scans, messages).
    waiting: VecDeque<(SimTime, u32)>,
    /// Messages in `waiting`.
    held: u64,
}

impl Queue {
    fn report(&mut self, t: SimTime, queued: u32) {
        if queued > self.peak {
            self.peak = queued;
            self.peak_at = Some(t);
        }
    }

    /// `n` messages arrive at `t`, from scans that ended at `scanned_at`.
    fn arrive(&mut self, t: SimTime, scanned_at: SimTime, n: u32) {
        self.waiting.push_back((scanned_at, n));
        self.held += u64::from(n);
        self.note(t);
    }

    fn note(&mut self, t: SimTime) {
        let minute = t.ms() / 60_000;
        let held = self.held;
        let top = self.per_minute.at(minute, held);
        *top = (*top).max(held);
        // A minute that ends empty shows as empty from the next one.
        if held == 0 {
            self.per_minute.insert(minute + 1, 0);
        }
    }

    /// At `t`, takes `n` messages from the front, calling `f(scanned_at, count)` for each
    /// part.
    fn take(&mut self, t: SimTime, n: u32, mut f: impl FnMut(SimTime, u32)) {
        self.held = self.held.saturating_sub(u64::from(n));
        self.note(t);
        let mut n = n;
        while n > 0 {
            let Some(front) = self.waiting.front_mut() else {
                return;
            };
            let k = front.1.min(n);
            f(front.0, k);
            front.1 -= k;
            n -= k;
            if front.1 == 0 {
                self.waiting.pop_front();
            }
        }
    }
}

/// Delays in seconds: messages per delay. Bounded by the distinct delays.
pub type Delays = BTreeMap<u64, u64>;

/// The queues of the reporting path.
#[derive(Clone, Debug)]
pub struct Backlog {
    /// Per management point, indexed like `World::mps`.
    pub mps: Vec<Queue>,
    /// Per site (databases only ever hold anything), indexed like `World::sites`.
    pub dbs: Vec<Queue>,
    /// Scan → own site database, to the second.
    pub to_db: Delays,
    /// Scan → the database at the top of the client's reporting path.
    pub to_top: Delays,
    /// Per site: changes recorded and not yet replicated (end of the scans, messages).
    outbox: Vec<VecDeque<(SimTime, u32)>>,
    /// Per site: whether its database is at the top of a reporting path.
    top: Vec<bool>,
    /// Replications per (from, to) site: (replications, messages).
    pub replications: BTreeMap<(u16, u16), (u64, u64)>,
}

impl Backlog {
    /// Empty queues for `world`.
    pub fn new(world: &World) -> Self {
        let sites = world.sites.len();
        Backlog {
            mps: vec![Queue::default(); world.mps.len()],
            dbs: vec![Queue::default(); sites],
            to_db: Delays::new(),
            to_top: Delays::new(),
            outbox: vec![VecDeque::new(); sites],
            top: (0..sites)
                .map(|s| world.is_top_database(SiteId(s as u16)))
                .collect(),
            replications: BTreeMap::new(),
        }
    }

    /// Takes in a fact of the reporting path.
    pub fn observe(&mut self, t: SimTime, fact: &Fact) {
        match *fact {
            Fact::StateMessagesSent {
                mp,
                count,
                scanned_at,
                ..
            } => self.mps[mp.index()].arrive(t, scanned_at, count),
            Fact::StateMessagesForwarded {
                mp,
                database,
                count,
                ..
            } => {
                let db = &mut self.dbs[database.index()];
                self.mps[mp.index()].take(t, count, |s, n| db.arrive(t, s, n));
            }
            Fact::MpBacklog { mp, queued, .. } => self.mps[mp.index()].report(t, queued),
            Fact::DbBacklog { site, queued } => self.dbs[site.index()].report(t, queued),
            Fact::StatesInserted { site, count } => {
                let s = site.index();
                let (top, outbox) = (self.top[s], &mut self.outbox[s]);
                let (to_db, to_top) = (&mut self.to_db, &mut self.to_top);
                self.dbs[s].take(t, count, |scanned, n| {
                    let secs = (t - scanned).ms() / 1_000;
                    *to_db.entry(secs).or_default() += u64::from(n);
                    if top {
                        *to_top.entry(secs).or_default() += u64::from(n);
                    } else {
                        outbox.push_back((scanned, n));
                    }
                });
            }
            Fact::StatesReplicated {
                site,
                to_site,
                count,
            } => {
                let r = self.replications.entry((site.0, to_site.0)).or_default();
                r.0 += 1;
                r.1 += u64::from(count);
                // What the sender recorded goes up whole.
                let mut sent = std::mem::take(&mut self.outbox[site.index()]);
                let to = to_site.index();
                for &(scanned, n) in &sent {
                    if self.top[to] {
                        *self.to_top.entry((t - scanned).ms() / 1_000).or_default() += u64::from(n);
                    } else {
                        self.outbox[to].push_back((scanned, n));
                    }
                }
                sent.clear();
                self.outbox[site.index()] = sent;
            }
            // Discarded messages of the batch just inserted are not replicated: they leave
            // the outbox (from its back: the batch is the last thing in it).
            Fact::StatesDiscarded { site, count, .. } if !self.top[site.index()] => {
                let outbox = &mut self.outbox[site.index()];
                let mut n = count;
                while n > 0 {
                    let Some(back) = outbox.back_mut() else { break };
                    let k = back.1.min(n);
                    back.1 -= k;
                    n -= k;
                    if back.1 == 0 {
                        outbox.pop_back();
                    }
                }
            }
            _ => {}
        }
    }
}

/// The delay (to the second) within which `p` percent of the messages arrived.
pub fn percentile(delays: &Delays, p: u32) -> Option<u64> {
    let total: u64 = delays.values().sum();
    let want = (total * u64::from(p)).div_ceil(100).max(1);
    let mut seen = 0;
    delays.iter().find_map(|(&secs, &n)| {
        seen += n;
        (seen >= want).then_some(secs * 1_000)
    })
}
