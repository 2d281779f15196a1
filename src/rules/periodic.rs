//! The clients' periodic schedules as `verify` reads them: the scan schedule (R10,
//! `scan_schedule_interval`) from each client's first compliance scan, and deployment
//! re-evaluation (R17, `deployment_reevaluation_interval`) from its first registration of a
//! deployment. A schedule ticks every interval from its start; 0 is off. Ticks are counted
//! arithmetically, never one by one, so a tiny interval over a long trace costs nothing.

use std::collections::BTreeMap;

/// One periodic schedule per client.
pub(super) struct Ticks {
    /// The interval in ms; 0: off.
    every: u64,
    /// Client → its next tick.
    next: BTreeMap<u64, u64>,
}

impl Ticks {
    pub(super) fn new(every: u64) -> Self {
        Ticks {
            every,
            next: BTreeMap::new(),
        }
    }

    /// Starts client `c`'s schedule at `t`, unless it runs already or is off.
    pub(super) fn start(&mut self, c: u64, t: u64) {
        if self.every > 0 {
            self.next.entry(c).or_insert(t.saturating_add(self.every));
        }
    }

    /// Whether `t` is client `c`'s next tick; if so, the schedule moves past it.
    pub(super) fn hit(&mut self, c: u64, t: u64) -> bool {
        match self.next.get_mut(&c) {
            Some(next) if *next == t => {
                *next = t.saturating_add(self.every);
                true
            }
            _ => false,
        }
    }

    /// Client `c`'s ticks at or before `until`: the first and how many. The schedule moves
    /// past them.
    pub(super) fn pass(&mut self, c: u64, until: u64) -> Option<(u64, u64)> {
        let next = self.next.get_mut(&c)?;
        if *next > until {
            return None;
        }
        let (first, n) = (*next, (until - *next) / self.every + 1);
        *next = first.saturating_add(n.saturating_mul(self.every));
        Some((first, n))
    }

    /// Every client's ticks at or before `until`: (client, first, how many).
    pub(super) fn pass_all(&mut self, until: u64) -> Vec<(u64, u64, u64)> {
        let clients: Vec<u64> = self.next.keys().copied().collect();
        clients
            .into_iter()
            .filter_map(|c| self.pass(c, until).map(|(t, n)| (c, t, n)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Ticks;

    #[test]
    fn ticks_are_counted_not_walked() {
        let mut t = Ticks::new(10);
        t.start(1, 5);
        t.start(1, 7); // runs already
        assert_eq!(t.pass(1, 14), None);
        assert!(t.hit(1, 15));
        assert_eq!(t.pass(1, 1_000_000_000_000), Some((25, 99_999_999_998)));
        let mut off = Ticks::new(0);
        off.start(1, 5);
        assert!(off.pass_all(u64::MAX).is_empty());
    }
}
