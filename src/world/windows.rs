//! Maintenance windows resolved for a run: every opening of every group's windows within the
//! run, in milliseconds from the start, and per group the spans in which software updates
//! may install and machines restart. A group with a "software updates" window follows only
//! those; otherwise its "all deployments" windows. Overlapping openings count as one span
//! (the client is in a window while any of them is open).

use super::clients::GroupId;
use crate::engine::SimTime;
use crate::engine::calendar::Calendar;
use crate::scenario::AppliesTo;

/// One window of one group.
#[derive(Clone, Debug)]
pub struct WindowDef {
    /// The group (collection) it belongs to.
    pub group: GroupId,
    /// Its name in the scenario.
    pub name: String,
    /// What it applies to.
    pub applies_to: AppliesTo,
    /// It counts for software updates on its group.
    pub for_updates: bool,
}

/// One opening of a window within the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opening {
    /// When it opens (the start of the run for one already open then).
    pub open: SimTime,
    /// When it closes (possibly after the end of the run).
    pub close: SimTime,
    /// Index into `Windows::defs`.
    pub window: u32,
}

/// Every group's maintenance windows in a run.
#[derive(Clone, Debug, Default)]
pub struct Windows {
    /// The windows, group after group in scenario order.
    pub defs: Vec<WindowDef>,
    /// Every opening within the run, by opening time.
    pub openings: Vec<Opening>,
    /// Per group: whether maintenance windows restrict its software updates.
    windowed: Vec<bool>,
    /// Per group: the spans in which its software updates may install, sorted, disjoint.
    spans: Vec<Vec<(SimTime, SimTime)>>,
}

impl Windows {
    /// The windows of `groups` (scenario windows per group) over a run of `end` from the
    /// calendar's start; none without a calendar (validation requires one).
    pub fn resolve(
        groups: &[(&[crate::scenario::MaintenanceWindow], &jiff::tz::TimeZone)],
        calendar: Option<&Calendar>,
        end: SimTime,
    ) -> Windows {
        let mut w = Windows {
            windowed: vec![false; groups.len()],
            spans: vec![Vec::new(); groups.len()],
            ..Windows::default()
        };
        let Some(cal) = calendar else {
            return w;
        };
        let (from, to) = (cal.instant(SimTime::ZERO), cal.instant(end));
        let start = from.as_millisecond();
        for (g, (specs, zone)) in groups.iter().enumerate() {
            let only_updates = specs
                .iter()
                .any(|s| s.applies_to == AppliesTo::SoftwareUpdates);
            w.windowed[g] = !specs.is_empty();
            for spec in specs.iter() {
                let for_updates = !only_updates || spec.applies_to == AppliesTo::SoftwareUpdates;
                let window = w.defs.len() as u32;
                w.defs.push(WindowDef {
                    group: GroupId(g as u32),
                    name: spec.name.clone(),
                    applies_to: spec.applies_to,
                    for_updates,
                });
                for (open, close) in spec.occurrences(zone, from, to) {
                    let ms =
                        |t: jiff::Timestamp| SimTime((t.as_millisecond() - start).max(0) as u64);
                    let opening = Opening {
                        open: ms(open),
                        close: ms(close),
                        window,
                    };
                    w.openings.push(opening);
                    if for_updates {
                        w.spans[g].push((opening.open, opening.close));
                    }
                }
            }
        }
        w.openings.sort_by_key(|o| (o.open, o.window));
        for spans in &mut w.spans {
            spans.sort();
            let mut merged: Vec<(SimTime, SimTime)> = Vec::with_capacity(spans.len());
            for &(open, close) in spans.iter() {
                match merged.last_mut() {
                    Some(last) if open <= last.1 => last.1 = last.1.max(close),
                    _ => merged.push((open, close)),
                }
            }
            *spans = merged;
        }
        w
    }

    /// Whether maintenance windows restrict group `g`'s software updates.
    pub fn windowed(&self, g: GroupId) -> bool {
        self.windowed.get(g.index()).copied().unwrap_or(false)
    }

    /// The update span of group `g` open at `t`, if any.
    pub fn span_at(&self, g: GroupId, t: SimTime) -> Option<(SimTime, SimTime)> {
        let spans = self.spans.get(g.index())?;
        let i = spans.partition_point(|&(open, _)| open <= t);
        spans[..i].last().copied().filter(|&(_, close)| t < close)
    }

    /// Whether an install needing `need` ms may start in group `g` at `t`: an update span is
    /// open and at least that much of it is left.
    pub fn fits(&self, g: GroupId, t: SimTime, need: u64) -> bool {
        self.span_at(g, t)
            .is_some_and(|(_, close)| close.ms() - t.ms() >= need)
    }

    /// The longest update span of group `g` opening within the run, in ms (0 when none
    /// does): an update whose maximum run time is longer never installs there.
    pub fn longest(&self, g: GroupId) -> u64 {
        self.spans.get(g.index()).map_or(0, |s| {
            s.iter()
                .map(|&(open, close)| close.ms() - open.ms())
                .max()
                .unwrap_or(0)
        })
    }
}
