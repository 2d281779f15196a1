//! Per group, where its targeted machines stand against every deployment that targets them
//! (issue 11): compliant, pending restart, never switched on, waiting for a maintenance
//! window, still required — at the end and over time — and the headline of a run: when 50,
//! 90, 95 and 99 % of all targeted machines were compliant. Fed by `machines_at_start` and
//! `machine_state` facts only.

use super::compliance::{MARKS, Marks};
use crate::engine::{SimDuration, SimTime};
use crate::model::{Fact, MachineState};
use crate::world::World;

/// One sample of a group's machines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupSample {
    /// When.
    pub t: SimTime,
    /// The group's index.
    pub group: u32,
    /// Machines per state, in `MachineState::TARGETED` order.
    pub counts: [u32; 5],
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
#[derive(Clone, Debug)]
pub struct MachineStates {
    /// Per group, machines per state now (at the end, once the run is over).
    pub counts: Vec<[u32; 5]>,
    /// Every group every `sample_every`, groups with targeted machines only.
    pub samples: Vec<GroupSample>,
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

impl MachineStates {
    /// Empty figures for `world`'s groups.
    pub fn new(world: &World, sample_every: SimDuration) -> Self {
        MachineStates {
            counts: vec![[0; 5]; world.groups.len()],
            samples: Vec::new(),
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

    /// At the end of the run: the last instant's marks and the samples up to `end`.
    pub fn finish(&mut self, end: SimTime) {
        self.settle(SimTime(end.ms().saturating_add(1)));
        self.sample_until(end);
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

    /// Records the samples up to and including `t`.
    fn sample_until(&mut self, t: SimTime) {
        while self.next_sample <= t.ms() {
            for (g, counts) in self.counts.iter().enumerate() {
                if counts.iter().any(|&n| n > 0) {
                    self.samples.push(GroupSample {
                        t: SimTime(self.next_sample),
                        group: g as u32,
                        counts: *counts,
                    });
                }
            }
            self.next_sample += self.sample_every;
        }
    }

    /// Takes in a fact.
    pub fn observe(&mut self, world: &World, t: SimTime, fact: &Fact) {
        self.settle(t);
        match *fact {
            Fact::MachinesAtStart { group, counts } => {
                self.sample_until(SimTime(t.ms().saturating_sub(1)));
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
                self.sample_until(SimTime(t.ms().saturating_sub(1)));
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
