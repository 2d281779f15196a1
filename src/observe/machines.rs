//! Per group, where its targeted machines stand against every deployment that targets them
//! (issue 11): compliant, pending restart, never switched on, waiting for a maintenance
//! window, still required — at the end and over time — and the headline of a run: when 50,
//! 90, 95 and 99 % of all targeted machines were compliant. Fed by `machines_at_start` and
//! `machine_state` facts only.
//!
//! The samples over time (groups × samples: 675,000 rows at a million clients) are not held:
//! each goes to its [`GroupRows`] as it is taken (`groups.csv` with `--out`), while the run
//! goes, and nowhere without one (issue 13).

use super::compliance::{MARKS, Marks};
use crate::engine::{SimDuration, SimTime};
use crate::model::{Fact, MachineState};
use crate::world::World;

/// Where the samples go as they are taken.
pub trait GroupRows: Send + Sync {
    /// Takes in the sample at `t`: per group, its machines per state, in
    /// `MachineState::TARGETED` order (all zero for a group without targeted machines).
    fn sample(&mut self, world: &World, t: SimTime, counts: &[[u32; 5]]);

    /// After the last sample: the rows are all out, or why not.
    fn finish(self: Box<Self>) -> std::io::Result<()>;
}

/// Targeted and compliant machines at one level of the hierarchy, with their marks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Level {
    /// Targeted machines of the level's groups.
    pub targeted: u64,
    /// Of which compliant now.
    pub compliant: u64,
    /// When each share of `MARKS` of them was first compliant.
    pub marks: Marks,
}

impl Level {
    /// Takes in the marks reached by an instant `at` that is over.
    fn settle(&mut self, at: SimTime) {
        for (k, &p) in MARKS.iter().enumerate() {
            if self.marks[k].is_none()
                && self.targeted > 0
                && self.compliant * 100 >= u64::from(p) * self.targeted
            {
                self.marks[k] = Some(at);
            }
        }
    }

    /// A machine of the level changed from `from` to `to`; one no deployment targeted
    /// joins (a rule's deployment made during the run targets it from now on).
    fn change(&mut self, from: MachineState, to: MachineState) {
        if from == MachineState::NotTargeted {
            self.targeted += 1;
        }
        match (from, to) {
            (_, MachineState::Compliant) => self.compliant += 1,
            (MachineState::Compliant, _) => self.compliant -= 1,
            _ => {}
        }
    }
}

/// The machine states of a run.
pub struct MachineStates {
    /// Per group, machines per state now (at the end, once the run is over).
    pub counts: Vec<[u32; 5]>,
    /// Takes every group with targeted machines every `sample_every`, if anything does.
    rows: Option<Box<dyn GroupRows>>,
    /// Targeted machines over all groups, compliant now, and when each share of `MARKS` of
    /// them was first compliant.
    pub fleet: Level,
    /// The same per level of the hierarchy (`SiteKind::LEVELS`), by the kind of the groups'
    /// sites (a change board asks whether the branches lag the head offices).
    pub levels: [Level; 3],
    /// Each group's level (an index into `levels`).
    group_level: Vec<u8>,
    /// Groups whose start tally came: the marks count once every group's has.
    started: usize,
    /// The instant whose changes the marks have not yet taken in: they are judged once it is
    /// over, so that a rule's deployment, which adds its machines one by one at one instant,
    /// is judged whole (its first machine alone is not "100 % compliant").
    unsettled: Option<SimTime>,
    sample_every: u64,
    next_sample: u64,
}

impl std::fmt::Debug for MachineStates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MachineStates")
            .field("counts", &self.counts)
            .field("fleet", &self.fleet)
            .field("levels", &self.levels)
            .field("streamed", &self.rows.is_some())
            .finish_non_exhaustive()
    }
}

impl MachineStates {
    /// Empty figures for `world`'s groups.
    pub fn new(world: &World, sample_every: SimDuration) -> Self {
        MachineStates {
            counts: vec![[0; 5]; world.groups.len()],
            rows: None,
            fleet: Level::default(),
            levels: [Level::default(); 3],
            group_level: world
                .groups
                .iter()
                .map(|g| world.sites[g.site.index()].kind.level() as u8)
                .collect(),
            started: 0,
            unsettled: None,
            sample_every: sample_every.ms().max(1),
            next_sample: 0,
        }
    }

    /// Sends every sample from now on to `rows`.
    pub fn stream_to(&mut self, rows: Box<dyn GroupRows>) {
        self.rows = Some(rows);
    }

    /// At the end of the run: the last instant's marks and the samples up to `end`.
    pub fn finish(&mut self, world: &World, end: SimTime) {
        self.settle(SimTime(end.ms().saturating_add(1)));
        self.sample_until(world, end);
    }

    /// Where the samples went, once the run is finished, to be finished in turn.
    pub fn take_rows(&mut self) -> Option<Box<dyn GroupRows>> {
        self.rows.take()
    }

    /// Takes in the marks of an instant before `t` whose changes are all in.
    fn settle(&mut self, t: SimTime) {
        if let Some(at) = self.unsettled.filter(|&at| at < t) {
            self.unsettled = None;
            self.fleet.settle(at);
            for level in &mut self.levels {
                level.settle(at);
            }
        }
    }

    /// Takes the samples up to and including `t`.
    fn sample_until(&mut self, world: &World, t: SimTime) {
        let Some(rows) = self.rows.as_mut() else {
            return;
        };
        while self.next_sample <= t.ms() {
            rows.sample(world, SimTime(self.next_sample), &self.counts);
            self.next_sample += self.sample_every;
        }
    }

    /// Takes in a fact.
    pub fn observe(&mut self, world: &World, t: SimTime, fact: &Fact) {
        self.settle(t);
        // Every fact moves the clock: the samples it passed go out now, not at the end.
        self.sample_until(world, SimTime(t.ms().saturating_sub(1)));
        match *fact {
            Fact::MachinesAtStart { group, counts } => {
                self.counts[group.index()] = counts;
                let targeted = counts.iter().map(|&n| u64::from(n)).sum::<u64>();
                let level = usize::from(self.group_level[group.index()]);
                for l in [&mut self.fleet, &mut self.levels[level]] {
                    l.targeted += targeted;
                    l.compliant += u64::from(counts[0]);
                }
                self.started += 1;
                if self.started < world.groups.len() {
                    return;
                }
            }
            Fact::MachineState { client, from, to } => {
                let group = world.group_of(client).index();
                let counts = &mut self.counts[group];
                self.fleet.change(from, to);
                self.levels[usize::from(self.group_level[group])].change(from, to);
                if let Some(k) = slot(from) {
                    counts[k] = counts[k].saturating_sub(1);
                }
                if let Some(k) = slot(to) {
                    counts[k] += 1;
                }
            }
            _ => return,
        }
        self.unsettled = Some(t);
    }
}

/// The index of `state` in `MachineState::TARGETED`.
fn slot(state: MachineState) -> Option<usize> {
    MachineState::TARGETED.iter().position(|&s| s == state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Observer;
    use std::sync::{Arc, Mutex};

    /// Each row as it came: (its sample's time, its group, the time of the fact being
    /// observed then, or `None` when it came at the finish).
    type Arrivals = Arc<Mutex<Vec<(u64, u32, Option<u64>)>>>;

    struct Sink {
        arrivals: Arrivals,
        now: Arc<Mutex<Option<u64>>>,
    }

    impl GroupRows for Sink {
        fn sample(&mut self, _: &World, t: SimTime, counts: &[[u32; 5]]) {
            let now = *self.now.lock().unwrap();
            for (g, c) in counts.iter().enumerate() {
                if c.iter().any(|&n| n > 0) {
                    self.arrivals.lock().unwrap().push((t.ms(), g as u32, now));
                }
            }
        }
        fn finish(self: Box<Self>) -> std::io::Result<()> {
            Ok(())
        }
    }

    struct Recorder<'w> {
        world: &'w World,
        states: MachineStates,
        now: Arc<Mutex<Option<u64>>>,
    }

    impl Observer<Fact> for Recorder<'_> {
        fn observe(&mut self, t: SimTime, fact: &Fact) {
            *self.now.lock().unwrap() = Some(t.ms());
            self.states.observe(self.world, t, fact);
        }
    }

    /// The samples leave as the run passes them, not at its end: each when the first fact
    /// after its time comes, in time order, every group with targeted machines once.
    #[test]
    fn samples_are_handed_over_as_the_run_passes_them() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/office-week.ron");
        let world = crate::load::load_file(path.as_ref()).unwrap().world;
        let every = SimDuration::from_hours(1);
        let (arrivals, now) = (Arrivals::default(), Arc::new(Mutex::new(None)));
        let mut states = MachineStates::new(&world, every);
        states.stream_to(Box::new(Sink {
            arrivals: arrivals.clone(),
            now: now.clone(),
        }));
        let mut r = Recorder {
            world: &world,
            states,
            now: now.clone(),
        };
        let stats = crate::model::simulate(&world, &mut r).unwrap();
        let last = now.lock().unwrap().take().unwrap();
        r.states.finish(&world, stats.end);
        r.states.take_rows().unwrap().finish().unwrap();
        let arrivals = arrivals.lock().unwrap();
        for w in arrivals.windows(2) {
            assert!((w[0].0, w[0].1) < (w[1].0, w[1].1), "{w:?}");
        }
        // Each sample left with the first fact after its time; only those the last fact
        // had not passed were left for the finish.
        for &(t, g, came) in arrivals.iter() {
            match came {
                Some(came) => assert!(came > t, "group {g}'s sample of {t} ms came at {came} ms"),
                None => assert!(t >= last, "group {g}'s sample of {t} ms waited for the end"),
            }
        }
        let during = arrivals.iter().filter(|a| a.2.is_some()).count();
        assert!(
            during * 10 > arrivals.len() * 9,
            "{during} of {}",
            arrivals.len()
        );
    }
}
