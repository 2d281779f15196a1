//! The scans each WSUS serves over time (issue 12), from the facts: a served online scan
//! occupies its WSUS from the moment it connects for its download step (R11: full or delta),
//! as `model/sup_load.rs` counts it. Kept per sample period (the most served at once in
//! each), so memory grows with SUPs × periods, never with scans.

use crate::engine::{SimDuration, SimTime};
use crate::scenario::Settings;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// The scan load of one WSUS.
#[derive(Clone, Debug, Default)]
pub struct ScanLoad {
    /// Download ends of the scans being served.
    ends: BinaryHeap<Reverse<u64>>,
    /// The last period whose start has been counted.
    counted_to: Option<u64>,
    /// Online scans served.
    pub served: u64,
    /// Of which full scans (the first against this WSUS).
    pub full: u64,
    /// Scans that failed because it was serving `wsus_max_scans` already.
    pub overloaded: u64,
    /// Most scans served at once, and when first.
    pub peak: u32,
    /// When the peak was first reached.
    pub peak_at: Option<SimTime>,
    /// Most scans served at once in each sample period with any (period number → scans,
    /// the period starting at number × [`ScanSteps::period`]), for the chart.
    pub per_period: BTreeMap<u64, u32>,
}

/// The steps that place a served scan on its WSUS.
#[derive(Clone, Copy, Debug)]
pub struct ScanSteps {
    connect: u64,
    delta: u64,
    full: u64,
    period: u64,
}

impl ScanSteps {
    /// The sample period, in ms.
    pub fn period(&self) -> u64 {
        self.period
    }

    /// From the settings in force, sampling every `period`.
    pub fn new(s: &Settings, period: SimDuration) -> Self {
        ScanSteps {
            connect: (s.scan_clear_history.0 + s.scan_locate_wsus.0 + s.scan_update_policy.0).ms(),
            delta: s.scan_wua_download.0.ms(),
            full: s.scan_wua_download_full.0.ms(),
            period: period.ms().max(1),
        }
    }
}

impl ScanLoad {
    /// A scan starting at `t` that the WSUS serves when it connects.
    pub fn served(&mut self, steps: &ScanSteps, t: SimTime, full: bool) {
        let at = t.ms() + steps.connect;
        // The periods begun since the last count start with the scans still served then.
        let now = at / steps.period;
        let from = self.counted_to.map_or(now, |p| p + 1);
        for p in from..=now {
            let start = p * steps.period;
            self.drop_ended(start);
            if !self.ends.is_empty() {
                let n = self.ends.len() as u32;
                let slot = self.per_period.entry(p).or_default();
                *slot = (*slot).max(n);
            }
        }
        self.counted_to = Some(now);
        self.drop_ended(at);
        self.ends
            .push(Reverse(at + if full { steps.full } else { steps.delta }));
        self.served += 1;
        self.full += u64::from(full);
        let n = self.ends.len() as u32;
        let slot = self.per_period.entry(now).or_default();
        *slot = (*slot).max(n);
        if n > self.peak {
            self.peak = n;
            self.peak_at = Some(SimTime(at));
        }
    }

    fn drop_ended(&mut self, t: u64) {
        while self.ends.peek().is_some_and(|&Reverse(end)| end <= t) {
            self.ends.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_counts_overlapping_downloads_and_carries_into_later_periods() {
        let steps = ScanSteps {
            connect: 0,
            delta: 30_000,
            full: 300_000,
            period: 60_000,
        };
        let mut l = ScanLoad::default();
        l.served(&steps, SimTime(0), true); // 0 .. 5 min
        l.served(&steps, SimTime(10_000), false); // 10 s .. 40 s
        l.served(&steps, SimTime(40_000), false); // the second has ended
        assert_eq!((l.peak, l.peak_at), (2, Some(SimTime(10_000))));
        l.served(&steps, SimTime(250_000), false); // minute 4: the full scan still runs
        assert_eq!(l.per_period[&0], 2);
        assert_eq!(l.per_period[&1], 2, "carried: the full scan and the third");
        assert_eq!(l.per_period[&2], 1, "carried: the full scan");
        assert_eq!(l.per_period[&4], 2);
        assert_eq!((l.served, l.full), (4, 1));
    }
}
