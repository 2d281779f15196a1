//! Automatic deployment rules (ADRs), as the current-branch "Create Automatic Deployment
//! Rule" wizard makes them with "Run the rule after any software update point
//! synchronization": after each successful sync at its site, the rule deploys the updates
//! that sync brought into the site database and that match its criteria (classification,
//! a title filter, superseded or not), with its available time and deadline counted from
//! the run. Each run that finds updates is a deployment of its own, called `<rule>/<run>`,
//! that flows through everything deployments have (content, policy, deadlines).
//!
//! A rule may instead run on the wizard's custom evaluation schedule ([`AdrSchedule`]): on the
//! days of a recurrence at a time of day ("the Wednesday after Patch Tuesday at 09:00", the
//! same recurrences maintenance windows use), or every so long. A scheduled run takes the
//! updates that arrived in its site's database since the rule's previous run.
//!
//! Current-branch facts (`current-branch-facts.md`, automatically-deploy-software-updates.md):
//! a rule's deployment holds at most 1,000 updates (a run that matches more fails, as the
//! rule does in ConfigMgr, and deploys nothing); ADR deployments randomize their deadline by
//! up to 2 hours whatever the client setting says; a rule runs at most 3 times a day on a
//! schedule (a shorter `Every` interval is refused), while "after sync" simply follows the
//! syncs.

use super::availability::parse_clock;
use super::windows::Recurrence;
use super::{Classification, TargetSpec, When, units::Dur};
use crate::engine::calendar::Calendar;
use crate::engine::{SimDuration, SimTime};
use serde::Deserialize;

/// Most updates one ADR deployment may hold (the software update group limit).
pub const MAX_ADR_UPDATES: usize = 1_000;

/// Most runs a day ConfigMgr accepts for a rule on a schedule.
pub const MAX_RUNS_PER_DAY: u64 = 3;

/// When a rule runs: the wizard's "Evaluation Schedule" page.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum AdrSchedule {
    /// "Run the rule after any software update point synchronization": at the instant of
    /// each successful sync of its site, taking what that sync brought (the default).
    #[default]
    AfterSync,
    /// "Run the rule on a schedule", recurring on days: at `at` on each day `recurrence`
    /// matches, e.g. `Recurring(recurrence: Monthly(week: Second, day: Tue, offset_days: 1),
    /// at: "09:00")`, the Wednesday after Patch Tuesday. The time is read on the scenario's
    /// clock, the zone of its `start` (UTC without a zone): the site server's clock, which
    /// the model does not place anywhere else, and the clock the scenario's other wall-clock
    /// times are read on. Needs a `start`, as days of the week and month do.
    Recurring {
        /// The days it runs on (daily, weekly on given days, monthly on the nth weekday
        /// plus an offset in days).
        recurrence: Recurrence,
        /// The time of day, `"HH:MM"`.
        at: String,
    },
    /// "Run the rule on a schedule" with a custom interval: every `interval` of elapsed time
    /// from `first`, e.g. `Every(interval: "8h", first: "6h")` or `Every(interval: "2d",
    /// first: "2026-12-09T09:00")`. At least 8 hours, so at most 3 runs a day.
    Every {
        /// The time between runs.
        interval: Dur,
        /// The first run (default: the start of the run).
        #[serde(default)]
        first: When,
    },
}

impl AdrSchedule {
    /// The instants in the run (from the start to `end`, `end` excluded) at which a rule on
    /// this schedule runs, in order; `None` for a rule that runs after each sync. What does
    /// not place (a wrong time of day, no calendar for days; validation reports them) runs
    /// never. The model runs the rule at these instants and `cmsim verify` expects its
    /// deployments there.
    pub fn runs(&self, calendar: Option<&Calendar>, end: SimTime) -> Option<Vec<SimTime>> {
        match self {
            AdrSchedule::AfterSync => None,
            AdrSchedule::Recurring { recurrence, at } => {
                let (Some(cal), Ok(clock)) = (calendar, parse_clock(at)) else {
                    return Some(Vec::new());
                };
                let (from, to) = (cal.instant(SimTime::ZERO), cal.instant(end));
                let first = from.to_zoned_datetime(cal.zone().clone()).date();
                let instants = recurrence.instants(clock, cal.zone(), first, to);
                Some(
                    instants
                        .into_iter()
                        .filter_map(|t| cal.offset_of(t).ok())
                        .collect(),
                )
            }
            AdrSchedule::Every { interval, first } => {
                let (Ok(first), step) = (first.resolve(calendar), interval.0.ms()) else {
                    return Some(Vec::new());
                };
                if step == 0 {
                    return Some(Vec::new());
                }
                let times = std::iter::successors(Some(first.ms()), |t| t.checked_add(step));
                Some(times.take_while(|&t| t < end.ms()).map(SimTime).collect())
            }
        }
    }

    /// The most runs it makes within 24 hours: 1 on recurring days, `24h / interval` rounded
    /// up for an interval (the 24 hours from any of its runs hold that many), 0 after syncs
    /// (not on a schedule).
    pub fn per_day(&self) -> u64 {
        match self {
            AdrSchedule::AfterSync => 0,
            AdrSchedule::Recurring { .. } => 1,
            AdrSchedule::Every { interval, .. } => SimDuration::from_days(1)
                .ms()
                .div_ceil(interval.0.ms().max(1)),
        }
    }
}

/// One automatic deployment rule.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdrSpec {
    /// Its name; its deployments are called `<name>/<run>`, runs counted from 1.
    pub name: String,
    /// The site where it runs, after that site's syncs, and creates its deployments
    /// (default: the top site).
    #[serde(default)]
    pub site: Option<String>,
    /// When it runs: after each successful sync of its site (the default), or on a
    /// schedule of its own.
    #[serde(default)]
    pub schedule: AdrSchedule,
    /// Classifications it deploys (none listed: any).
    #[serde(default)]
    pub classifications: Vec<Classification>,
    /// The wizard's "Title" (or product) filter: only updates whose title contains this text,
    /// ignoring case (none: any title).
    #[serde(default)]
    pub title: Option<String>,
    /// The wizard's "Superseded" criterion: `false` (the default, "Superseded: No") leaves out
    /// updates superseded by an update the site database holds; `true` takes them too.
    #[serde(default)]
    pub superseded: bool,
    /// The collection its deployments target: client groups, each wholly or a share of it.
    pub target: Vec<TargetSpec>,
    /// When a run's updates become available, counted from the run (default 0: "As soon as
    /// possible").
    #[serde(default)]
    pub available_after: Dur,
    /// A run's deadline, counted from its available time (default 7 days, *assumed*; `None`:
    /// optional deployments).
    #[serde(default = "seven_days")]
    pub deadline_after: Option<Dur>,
    /// How far clients spread their deadline installs: each acts up to this long after the
    /// deadline (default 2h, as ConfigMgr does for every ADR deployment).
    #[serde(default = "two_hours")]
    pub deadline_randomization: Dur,
    /// How many deployments the rule can make in a run of the simulator: runs after the
    /// last find nothing to do (default 3). Each counts against the 32 deployments a
    /// scenario may have.
    #[serde(default = "three")]
    pub max_runs: u32,
    /// Past the deadline, updates may install outside maintenance windows.
    #[serde(default)]
    pub install_outside_windows: bool,
    /// Past the deadline, machines may restart outside maintenance windows.
    #[serde(default)]
    pub restart_outside_windows: bool,
    /// Distribution points of its package (default: those serving the targeted groups).
    #[serde(default)]
    pub distribution_points: Option<Vec<String>>,
}

fn seven_days() -> Option<Dur> {
    Some(Dur(SimDuration::from_days(7)))
}

fn two_hours() -> Dur {
    Dur(SimDuration::from_hours(2))
}

fn three() -> u32 {
    3
}

impl AdrSpec {
    /// The id of the deployment of run `n` (from 1).
    pub fn run_id(&self, n: u32) -> String {
        format!("{}/{n}", self.name)
    }

    /// Whether an update with `title` and `classification` passes the rule's fixed criteria
    /// (the superseded criterion depends on the site database at the run).
    pub fn matches(&self, title: &str, classification: Classification) -> bool {
        (self.classifications.is_empty() || self.classifications.contains(&classification))
            && self
                .title
                .as_ref()
                .is_none_or(|t| title.to_ascii_lowercase().contains(&t.to_ascii_lowercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::availability::Weekday;
    use crate::scenario::windows::WeekOfMonth;

    fn every(interval: &str) -> AdrSchedule {
        AdrSchedule::Every {
            interval: Dur(SimDuration::parse(interval).unwrap()),
            first: When::default(),
        }
    }

    #[test]
    fn an_interval_under_8_hours_runs_more_than_3_times_a_day() {
        assert_eq!(every("8h").per_day(), 3);
        assert_eq!(every("7h59m").per_day(), 4);
        assert_eq!(every("1d").per_day(), 1);
        let runs = every("8h").runs(None, SimTime(SimDuration::from_days(1).ms() + 1));
        let hours: Vec<u64> = runs.unwrap().iter().map(|t| t.ms() / 3_600_000).collect();
        assert_eq!(hours, [0, 8, 16, 24]);
        assert_eq!(AdrSchedule::AfterSync.runs(None, SimTime(1)), None);
    }

    #[test]
    fn recurring_runs_on_the_starts_clock_across_daylight_saving() {
        // Sunday 21 March 2027, midnight in Berlin; on the 28th 02:30 does not exist there.
        let cal = Calendar::parse("2027-03-21T00:00:00[Europe/Berlin]").unwrap();
        let sundays = AdrSchedule::Recurring {
            recurrence: Recurrence::Weekly(vec![Weekday::Sun]),
            at: "02:30".into(),
        };
        let end = SimTime(SimDuration::from_days(15).ms());
        let runs: Vec<String> = sundays
            .runs(Some(&cal), end)
            .unwrap()
            .iter()
            .map(|&t| cal.instant(t).to_string())
            .collect();
        assert_eq!(
            runs,
            [
                "2027-03-21T01:30:00Z",
                "2027-03-28T01:30:00Z",
                "2027-04-04T00:30:00Z"
            ]
        );
        // The Wednesday after Patch Tuesday (13 April 2027) is outside this run.
        let patch = AdrSchedule::Recurring {
            recurrence: Recurrence::Monthly {
                week: WeekOfMonth::Second,
                day: Weekday::Tue,
                offset_days: 1,
            },
            at: "09:00".into(),
        };
        assert_eq!(patch.runs(Some(&cal), end), Some(Vec::new()));
        assert_eq!(patch.per_day(), 1);
    }
}
