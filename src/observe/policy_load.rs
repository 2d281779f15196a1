//! Machine policy requests each management point receives per minute (issue 12), counted
//! without an event per poll. A client that is on polls at every tick of
//! `machine_policy_interval` from its fixed random phase (R09, `model/policy.rs`), and once
//! more when it is switched on (start-up); a client that is off polls nothing. So per MP it
//! is enough to know how many clients that are on have their phase in each minute of the
//! cycle: the requests of a minute are that count, corrected within the minute for the
//! clients switched on or off during it (`client_online` / `client_offline` facts), plus the
//! start-up polls. Exact when the interval is a whole number of minutes, as the client
//! setting is (validation refuses any other); polls the model makes as events (a pending
//! policy at the next tick or at start-up) are those same ticks and start-ups, so they are
//! not counted again. A tick at the very millisecond a machine is switched on counts besides
//! its start-up poll (one chance in the interval's milliseconds).
//!
//! Cost: each client's phase is drawn once at the start (the model's own draw; 12 bytes per
//! client: its phase, MP and slot), each power fact is O(1), and each MP steps once per
//! minute of the run. Memory per MP: one counter per minute of the cycle that holds a phase
//! of its clients (at most its clients, however long the interval), and the busiest minute of
//! each sample period for the chart; never one value per minute of the run.

use crate::engine::{SimDuration, SimTime};
use crate::model::Fact;
use crate::world::{ClientId, World};

const MINUTE: u64 = 60_000;

/// Bytes kept per client: its poll phase, its MP and its slot (for the memory estimate).
pub const BYTES_PER_CLIENT: u64 = 12;

/// The policy requests one management point received.
#[derive(Clone, Debug, Default)]
pub struct MpPolicyLoad {
    /// The minutes of the polling cycle holding the phase of some of its clients, ascending.
    slots: Vec<u32>,
    /// Per slot, the clients that are on.
    on: Vec<u32>,
    /// The first slot at or after the cycle minute of `minute`.
    cursor: usize,
    /// The minute being counted (minutes since the start).
    minute: u64,
    /// Requests in that minute so far and still to come from the clients on now.
    current: u64,
    /// Requests in all, over the whole minutes of the run.
    pub requests: u64,
    /// Most requests in one minute.
    pub peak: u64,
    /// When the first minute with that many began (None: no request at all).
    pub peak_at: Option<SimTime>,
    /// Minutes with more requests than the MP's capacity.
    pub minutes_over: u64,
    /// Most requests in one minute within each sample period (period number → requests,
    /// the period starting at number × [`PolicyLoad::period`]), for the chart.
    pub per_period: Vec<u64>,
}

impl MpPolicyLoad {
    /// Whether slot `s` is the cycle minute of the minute being counted.
    fn is_now(&self, s: usize, interval: u64) -> bool {
        self.slots.get(s).map(|&x| x as usize) == Some(cycle_minute(self.minute, interval))
    }

    /// Moves on to the next minute: its requests start as the clients on in its slot.
    fn next_minute(&mut self, interval: u64) {
        self.minute += 1;
        let x = cycle_minute(self.minute, interval);
        if x == 0 {
            self.cursor = 0;
        }
        while self
            .slots
            .get(self.cursor)
            .is_some_and(|&s| (s as usize) < x)
        {
            self.cursor += 1;
        }
        self.current = match self.slots.get(self.cursor) {
            Some(&s) if s as usize == x => u64::from(self.on[self.cursor]),
            _ => 0,
        };
    }
}

/// Policy requests per management point, over the run.
#[derive(Clone, Debug)]
pub struct PolicyLoad {
    /// Per MP, indexed like `World::mps`.
    pub mps: Vec<MpPolicyLoad>,
    /// Each client's poll phase in ms within the cycle.
    phase: Vec<u32>,
    /// Each client's MP (index into `mps`; `u32::MAX`: none).
    mp: Vec<u32>,
    /// Each client's slot in its MP.
    slot: Vec<u32>,
    /// `machine_policy_interval` in ms.
    interval: u64,
    /// `mp_max_clients`: the capacity is that many clients polling once per `interval`
    /// (kept whole, so that a minute is over capacity without rounding); 0: none.
    max_clients: u64,
    /// The sample period of the chart series, in ms.
    period: u64,
}

impl PolicyLoad {
    /// Every client of `world` on, as at the start (machines off at the start say so with a
    /// `client_offline` fact at 0); the chart series sampled every `sample_every`.
    pub fn new(world: &World, sample_every: SimDuration) -> Self {
        let interval = world.settings.machine_policy_interval.0.ms().max(1);
        let n = world.clients() as usize;
        // The phase is below 2^32 ms: the model draws it from 32 bits.
        let phase: Vec<u32> = crate::model::poll_phases(world, interval)
            .map(|p| p as u32)
            .collect();
        let mut mp = Vec::with_capacity(n);
        for g in &world.groups {
            for k in 0..g.count {
                let c = ClientId(g.first.0 + k);
                mp.push(if g.mps.is_empty() {
                    u32::MAX
                } else {
                    g.mp_of(c).0
                });
            }
        }
        let minute_of = |c: usize| phase.get(c).map_or(0, |&p| p / MINUTE as u32);
        let mut mps = vec![MpPolicyLoad::default(); world.mps.len()];
        for (c, &m) in mp.iter().enumerate() {
            if let Some(load) = mps.get_mut(m as usize) {
                load.slots.push(minute_of(c));
            }
        }
        for load in &mut mps {
            load.slots.sort_unstable();
            load.slots.dedup();
            load.on = vec![0; load.slots.len()];
        }
        let slot = (0..n)
            .map(|c| {
                let slots = mp.get(c).and_then(|&m| mps.get(m as usize));
                slots.map_or(0, |l| l.slots.partition_point(|&x| x < minute_of(c)) as u32)
            })
            .collect();
        let mut load = PolicyLoad {
            mps,
            phase,
            mp,
            slot,
            interval,
            max_clients: u64::from(world.settings.mp_max_clients),
            period: sample_every.ms().max(1),
        };
        for c in 0..n {
            load.switch(ClientId(c as u32), SimTime::ZERO, 1);
        }
        load
    }

    /// The sample period of [`MpPolicyLoad::per_period`], in ms.
    pub fn period(&self) -> u64 {
        self.period
    }

    /// The capacity of an MP in requests per minute (None: `mp_max_clients` is 0).
    pub fn capacity_per_minute(&self) -> Option<f64> {
        (self.max_clients > 0)
            .then(|| self.max_clients as f64 * MINUTE as f64 / self.interval as f64)
    }

    /// Takes in a fact: machines switched on and off.
    pub fn observe(&mut self, t: SimTime, fact: &Fact) {
        match *fact {
            Fact::ClientOnline { client } => {
                let Some(m) = self.advance(client, t) else {
                    return;
                };
                // The start-up poll (R09).
                self.mps[m].current += 1;
                self.switch(client, t, 1);
            }
            Fact::ClientOffline { client } if self.advance(client, t).is_some() => {
                self.switch(client, t, -1);
            }
            _ => {}
        }
    }

    /// Counts every whole minute up to `end`, the end of the run; a last, partial minute is
    /// not counted (its polls are not all known).
    pub fn finish(&mut self, end: SimTime) {
        let last = end.ms() / MINUTE;
        for m in 0..self.mps.len() {
            self.advance_mp(m, last);
        }
    }

    /// Counts the whole minutes of client `c`'s MP before `t`; the MP's index.
    fn advance(&mut self, c: ClientId, t: SimTime) -> Option<usize> {
        let m = *self.mp.get(c.index())? as usize;
        (m < self.mps.len()).then(|| {
            self.advance_mp(m, t.ms() / MINUTE);
            m
        })
    }

    /// Closes MP `m`'s minutes before minute `to`.
    fn advance_mp(&mut self, m: usize, to: u64) {
        let (interval, max_clients, period) = (self.interval, self.max_clients, self.period);
        let load = &mut self.mps[m];
        while load.minute < to {
            let n = load.current;
            load.requests += n;
            if n > load.peak {
                load.peak = n;
                load.peak_at = Some(SimTime(load.minute * MINUTE));
            }
            // Over capacity: n > max_clients / (interval in minutes).
            if max_clients > 0
                && u128::from(n) * u128::from(interval) > u128::from(max_clients) * 60_000
            {
                load.minutes_over += 1;
            }
            let p = (load.minute * MINUTE / period) as usize;
            if n > 0 {
                if load.per_period.len() <= p {
                    load.per_period.resize(p + 1, 0);
                }
                load.per_period[p] = load.per_period[p].max(n);
            }
            load.next_minute(interval);
        }
    }

    /// Client `c` switched on (`delta` 1) or off (-1) at `t`, within its MP's current
    /// minute: its slot's count moves, and a tick of its still to come in this minute is
    /// gained or lost.
    fn switch(&mut self, c: ClientId, t: SimTime, delta: i32) {
        let i = c.index();
        let (Some(&phase), Some(&m), Some(&s)) =
            (self.phase.get(i), self.mp.get(i), self.slot.get(i))
        else {
            return;
        };
        let interval = self.interval;
        let Some(load) = self.mps.get_mut(m as usize) else {
            return;
        };
        let s = s as usize;
        if let Some(n) = load.on.get_mut(s) {
            *n = n.saturating_add_signed(delta);
        }
        let start = load.minute * MINUTE;
        let tick = start - start % interval + u64::from(phase);
        if load.is_now(s, interval) && tick >= t.ms() {
            load.current = load.current.saturating_add_signed(i64::from(delta));
        }
    }
}

/// The minute of the polling cycle that minute `minute` of the run is.
fn cycle_minute(minute: u64, interval: u64) -> usize {
    ((minute * MINUTE % interval) / MINUTE) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Observer;

    /// The policy load of a run, and the power facts it was counted from.
    struct Recorder {
        load: PolicyLoad,
        /// (when, client, switched on).
        power: Vec<(u64, u32, bool)>,
    }

    impl Observer<Fact> for Recorder {
        fn observe(&mut self, t: SimTime, fact: &Fact) {
            match *fact {
                Fact::ClientOnline { client } => self.power.push((t.ms(), client.0, true)),
                Fact::ClientOffline { client } => self.power.push((t.ms(), client.0, false)),
                _ => {}
            }
            self.load.observe(t, fact);
        }
    }

    fn run(src: &str) -> (World, Recorder) {
        let world = crate::load::load_str("policy.ron", src).unwrap().world;
        let mut r = Recorder {
            load: PolicyLoad::new(&world, SimDuration(15 * MINUTE)),
            power: Vec::new(),
        };
        let stats = crate::model::simulate(&world, &mut r).unwrap();
        r.load.finish(stats.end);
        (world, r)
    }

    /// Requests per whole minute of the run at MP 0, worked out client by client from the
    /// power facts: every tick of its phase while on, and one poll at each start-up.
    fn by_minute(world: &World, power: &[(u64, u32, bool)]) -> Vec<u64> {
        let interval = world.settings.machine_policy_interval.0.ms();
        let end = world.end.ms() / MINUTE * MINUTE;
        let mut minutes = vec![0; (end / MINUTE) as usize];
        let phases: Vec<u64> = crate::model::poll_phases(world, interval).collect();
        for (c, &phase) in phases.iter().enumerate() {
            let mut on_since = Some(0);
            let mut spells = Vec::new();
            for &(t, _, on) in power.iter().filter(|p| p.1 as usize == c) {
                match (on, on_since) {
                    (true, None) => {
                        on_since = Some(t);
                        if t < end {
                            minutes[(t / MINUTE) as usize] += 1;
                        }
                    }
                    (false, Some(from)) => {
                        spells.push((from, t));
                        on_since = None;
                    }
                    _ => panic!("client {c} switched twice the same way at {t}"),
                }
            }
            spells.extend(on_since.map(|from| (from, end)));
            for (from, to) in spells {
                let mut tick = phase;
                while tick < to.min(end) {
                    if tick >= from {
                        minutes[(tick / MINUTE) as usize] += 1;
                    }
                    tick += interval;
                }
            }
        }
        minutes
    }

    #[test]
    fn an_always_on_fleet_asks_its_clients_per_interval_each_minute() {
        let (world, r) = run(r#"Scenario(name: "steady", end: "1d",
            sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP1", "MP2"])],
            clients: [(name: "desktops", site: "PR1", count: 300)],
            catalog: [(id: "KB1")])"#);
        // 150 clients per MP, each polling 24 times in the day: 150 / 60 a minute on average.
        for m in &r.load.mps {
            assert_eq!(m.requests, 150 * 24);
            assert_eq!(m.requests as f64 / (24.0 * 60.0), 150.0 / 60.0);
        }
        assert_eq!(r.load.capacity_per_minute(), Some(25_000.0 / 60.0));
        // Minute by minute, MP 1's share: the ticks of the clients with an even number.
        let interval = world.settings.machine_policy_interval.0.ms();
        let mut cycle = [0u64; 60];
        let phases = crate::model::poll_phases(&world, interval);
        for (_, p) in phases.enumerate().filter(|(c, _)| c % 2 == 0) {
            cycle[(p / MINUTE) as usize] += 1;
        }
        let peak = *cycle.iter().max().unwrap();
        assert_eq!(r.load.mps[0].peak, peak);
        let first = cycle.iter().position(|&n| n == peak).unwrap() as u64;
        assert_eq!(r.load.mps[0].peak_at, Some(SimTime(first * MINUTE)));
    }

    #[test]
    fn office_machines_ask_by_day_and_once_at_start_up_not_at_night() {
        let (world, r) = run(
            r#"Scenario(name: "office", start: "2026-12-07T00:00:00Z", end: "2d 30s",
            sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"])],
            clients: [(name: "office", site: "PR1", count: 600,
                       availability: Office(hours: "08:00-17:00", spread: "45m")),
                      (name: "laptops", site: "PR1", count: 40,
                       availability: Intermittent(online: "2h", offline: "5h"))],
            catalog: [(id: "KB1")],
            settings: (mp_max_clients: 1200))"#,
        );
        let minutes = by_minute(&world, &r.power);
        let load = &r.load.mps[0];
        assert_eq!(load.requests, minutes.iter().sum::<u64>());
        let peak = *minutes.iter().max().unwrap();
        let first = minutes.iter().position(|&n| n == peak).unwrap() as u64;
        assert_eq!(
            (load.peak, load.peak_at),
            (peak, Some(SimTime(first * MINUTE)))
        );
        // Capacity 1,200 clients an hour: 20 a minute.
        let over = minutes.iter().filter(|&&n| n > 20).count() as u64;
        assert!(over > 0);
        assert_eq!(load.minutes_over, over);
        let periods: Vec<u64> = minutes
            .chunks(15)
            .map(|c| c.iter().copied().max().unwrap_or(0))
            .collect();
        assert_eq!(load.per_period[..], periods[..load.per_period.len()]);
        // Tuesday: 02:00–05:00 against 10:00–13:00.
        let hours = |from: usize, to: usize| {
            minutes[(24 + from) * 60..(24 + to) * 60]
                .iter()
                .sum::<u64>()
        };
        assert!(
            hours(2, 5) * 10 < hours(10, 13),
            "{} {}",
            hours(2, 5),
            hours(10, 13)
        );
    }

    #[test]
    fn a_cycle_longer_than_the_run_polls_once_at_most_and_keeps_a_slot_per_client_at_most() {
        let (world, r) = run(r#"Scenario(name: "long", end: "3d",
            sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"])],
            clients: [(name: "desktops", site: "PR1", count: 50)],
            catalog: [(id: "KB1")], settings: (machine_policy_interval: "40d"))"#);
        let interval = world.settings.machine_policy_interval.0.ms();
        let end = world.end.ms();
        let polls = crate::model::poll_phases(&world, interval)
            .filter(|&p| p < end)
            .count() as u64;
        assert_eq!(r.load.mps[0].requests, polls);
        assert!(r.load.mps[0].slots.len() <= 50);
    }

    #[test]
    fn an_interval_in_seconds_is_refused() {
        let e = crate::load::load_str(
            "s.ron",
            r#"Scenario(name: "s", end: "1d",
            sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"])],
            clients: [(name: "desktops", site: "PR1", count: 1)],
            catalog: [(id: "KB1")], settings: (machine_policy_interval: "90s"))"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("expected whole minutes"), "{e}");
    }
}
