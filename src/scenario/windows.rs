//! Maintenance windows, as a scenario writes them on a client group (a collection in
//! ConfigMgr): a name, a recurrence (daily, weekly on given days, monthly on the nth weekday
//! with an offset in days — "the Saturday after Patch Tuesday" is the second Tuesday plus 4),
//! a start time of day in the group's time zone (or UTC), a duration of 5 minutes to 24 hours,
//! and what it applies to. The occurrences of a window are a pure function of the window, the
//! zone and the calendar: the model and `cmsim verify` both place them with
//! [`MaintenanceWindow::occurrences`]. The same recurrences place the runs of an automatic
//! deployment rule on a schedule ([`Recurrence::instants`], `adr.rs`).

use super::availability::{Weekday, parse_clock};
use super::units::Dur;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Deserialize;

/// The shortest and longest window ConfigMgr accepts.
pub const DURATION_LIMITS: (u64, u64) = (5 * 60_000, 24 * 3_600_000);

/// The largest offset in days after a monthly weekday (ConfigMgr offers 1–7).
pub const MAX_OFFSET_DAYS: u32 = 7;

/// What a window opens the machines to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum AppliesTo {
    /// Every deployment ("All deployments").
    #[default]
    All,
    /// Software updates only. A group with such a window installs updates only in its
    /// software-update windows; its "All deployments" windows no longer count for updates.
    SoftwareUpdates,
}

impl AppliesTo {
    /// As the trace writes it.
    pub fn name(self) -> &'static str {
        match self {
            AppliesTo::All => "all",
            AppliesTo::SoftwareUpdates => "software_updates",
        }
    }
}

/// Which week of the month a monthly window follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[allow(missing_docs)]
pub enum WeekOfMonth {
    First,
    Second,
    Third,
    Fourth,
    Last,
}

/// When a window recurs.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub enum Recurrence {
    /// Every day.
    Daily,
    /// On each of the given days of the week, e.g. `Weekly([Sat, Sun])`.
    Weekly(Vec<Weekday>),
    /// On the `week`th `day` of each month, moved `offset_days` later:
    /// `Monthly(week: Second, day: Tue, offset_days: 4)` is the Saturday after Patch Tuesday.
    Monthly {
        /// First to fourth, or the last such weekday of the month.
        week: WeekOfMonth,
        /// The weekday.
        day: Weekday,
        /// Days after that weekday, 0 to 7.
        #[serde(default)]
        offset_days: u32,
    },
}

impl Recurrence {
    /// Whether the window opens on local date `date`.
    pub fn matches(&self, date: Date) -> bool {
        let weekday = |d: Date| d.weekday().to_monday_zero_offset() as u8;
        match self {
            Recurrence::Daily => true,
            Recurrence::Weekly(days) => days.iter().any(|d| d.index() == weekday(date)),
            Recurrence::Monthly {
                week,
                day,
                offset_days,
            } => {
                let Ok(base) = date.checked_sub(i64::from(*offset_days).days()) else {
                    return false;
                };
                if weekday(base) != day.index() {
                    return false;
                }
                let nth = (base.day() as u8 - 1) / 7;
                match week {
                    WeekOfMonth::Last => base
                        .checked_add(7.days())
                        .is_ok_and(|next| next.month() != base.month()),
                    w => nth == *w as u8,
                }
            }
        }
    }

    /// The instants at `clock` (minutes after midnight, below 24 h) on `zone`'s wall clock of
    /// each local date from `first` on that this recurrence matches, before `to`. A time that
    /// does not exist on a day (a daylight-saving gap) comes as much later as the gap is long
    /// (02:30 becomes 03:30); one that exists twice comes at the first. Maintenance windows
    /// open at these instants; an automatic deployment rule on a schedule runs at them.
    pub fn instants(
        &self,
        clock: u32,
        zone: &TimeZone,
        first: Date,
        to: Timestamp,
    ) -> Vec<Timestamp> {
        let time = jiff::civil::time((clock / 60 % 24) as i8, (clock % 60) as i8, 0, 0);
        let mut date = first;
        let mut out = Vec::new();
        loop {
            let Ok(at) = zone
                .to_ambiguous_timestamp(date.to_datetime(time))
                .compatible()
            else {
                break;
            };
            if at >= to {
                break;
            }
            if self.matches(date) {
                out.push(at);
            }
            match date.checked_add(1.day()) {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        out
    }
}

/// One maintenance window of a client group.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceWindow {
    /// Its name, unique within the group.
    pub name: String,
    /// When it recurs.
    pub recurrence: Recurrence,
    /// When it opens, `"HH:MM"` on the group's local clock (or UTC with `utc: true`).
    pub start: String,
    /// How long it stays open, 5 minutes to 24 hours.
    pub duration: Dur,
    /// Every deployment (default) or software updates only.
    #[serde(default)]
    pub applies_to: AppliesTo,
    /// The start is in UTC instead of the group's time zone (ConfigMgr's "Coordinated
    /// Universal Time" box).
    #[serde(default)]
    pub utc: bool,
}

impl MaintenanceWindow {
    /// The windows that open before `to` and close after `from`, as [open, close) instants.
    /// A start time that does not exist on a day (a daylight-saving gap) opens as much later
    /// as the gap is long (02:30 becomes 03:30); one that exists twice opens at the first. A start that does not parse yields none (validation reports it).
    pub fn occurrences(
        &self,
        zone: &TimeZone,
        from: Timestamp,
        to: Timestamp,
    ) -> Vec<(Timestamp, Timestamp)> {
        let zone = if self.utc { &TimeZone::UTC } else { zone };
        occurrences(&self.recurrence, &self.start, self.duration, zone, from, to)
    }
}

/// The periods of `duration` that open at `start` (`"HH:MM"` on `zone`'s clock) on the days
/// `recurrence` names, opening before `to` and closing after `from`, as [open, close)
/// instants: a maintenance window's openings, a link schedule's periods. A start that does
/// not parse yields none (validation reports it).
pub fn occurrences(
    recurrence: &Recurrence,
    start: &str,
    duration: Dur,
    zone: &TimeZone,
    from: Timestamp,
    to: Timestamp,
) -> Vec<(Timestamp, Timestamp)> {
    let Ok(clock) = parse_clock(start) else {
        return Vec::new();
    };
    let length = SignedDuration::from_millis(duration.0.ms() as i64);
    // A period opening the day before `from` may still be open at `from`.
    let first = from
        .to_zoned_datetime(zone.clone())
        .date()
        .checked_sub(2.days());
    let Ok(first) = first else {
        return Vec::new();
    };
    recurrence
        .instants(clock, zone, first, to)
        .into_iter()
        .filter_map(|open| open.checked_add(length).ok().map(|close| (open, close)))
        .filter(|&(_, close)| close > from)
        .collect()
}

/// The problems of client group `i`'s windows in `s`: names, start times, durations,
/// recurrences; windows follow the calendar, so they need the scenario's `start`.
pub(super) fn check(s: &super::Scenario, i: usize, out: &mut Vec<super::Problem>) {
    use super::Problem;
    let windows = &s.clients[i].maintenance_windows;
    if !windows.is_empty() && s.start.is_none() {
        out.push(Problem::new(
            format!("clients[{i}].maintenance_windows"),
            "maintenance windows follow the calendar: give the scenario a `start`, e.g. \
             start: \"2026-12-07T00:00:00Z\" (a Monday), and the group a `time_zone`",
        ));
    }
    for (k, w) in windows.iter().enumerate() {
        let path = format!("clients[{i}].maintenance_windows[{k}]");
        if w.name.trim().is_empty() {
            out.push(Problem::new(format!("{path}.name"), "expected a name"));
        } else if windows[..k].iter().any(|v| v.name == w.name) {
            out.push(Problem::new(
                format!("{path}.name"),
                format!("the group already has a window named `{}`", w.name),
            ));
        }
        let period = (&w.recurrence, w.start.as_str(), w.duration);
        check_period(&path, period, "a maintenance window", out);
    }
}

/// The problems of a recurring period at `path` (`recurrence`, `start`, `duration` fields):
/// a maintenance window, a period of a link's schedule (`what` names it).
pub(crate) fn check_period(
    path: &str,
    (recurrence, start, duration): (&Recurrence, &str, Dur),
    what: &str,
    out: &mut Vec<super::Problem>,
) {
    check_clock(&format!("{path}.start"), start, out);
    let (min, max) = DURATION_LIMITS;
    if !(min..=max).contains(&duration.0.ms()) {
        out.push(super::Problem::new(
            format!("{path}.duration"),
            format!("{what} lasts 5m to 24h (as in ConfigMgr), got {duration}"),
        ));
    }
    check_recurrence(&format!("{path}.recurrence"), recurrence, out);
}

/// A problem at `path` unless `text` is a time of day, `"00:00"` to `"23:59"` (a window's
/// start, a rule's scheduled time).
pub(super) fn check_clock(path: &str, text: &str, out: &mut Vec<super::Problem>) {
    match parse_clock(text) {
        Ok(m) if m < 24 * 60 => {}
        _ => out.push(super::Problem::new(
            path,
            format!("`{text}`: expected a time of day from \"00:00\" to \"23:59\""),
        )),
    }
}

/// The problems of recurrence `r` at `path`: weekly days each once, a monthly offset of at
/// most [`MAX_OFFSET_DAYS`] (a window's recurrence, a rule's schedule).
pub(super) fn check_recurrence(path: &str, r: &Recurrence, out: &mut Vec<super::Problem>) {
    use super::Problem;
    match r {
        Recurrence::Weekly(days) if !super::validate::distinct_days(days) => {
            out.push(Problem::new(
                path,
                "expected the days of the week, each once, e.g. Weekly([Sat, Sun])",
            ));
        }
        Recurrence::Monthly { offset_days, .. } if *offset_days > MAX_OFFSET_DAYS => {
            out.push(Problem::new(
                format!("{path}.offset_days"),
                format!(
                    "expected 0 to {MAX_OFFSET_DAYS} days after the weekday, got {offset_days}"
                ),
            ))
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(recurrence: Recurrence, start: &str, duration: &str) -> MaintenanceWindow {
        MaintenanceWindow {
            name: "w".into(),
            recurrence,
            start: start.into(),
            duration: Dur(crate::engine::SimDuration::parse(duration).unwrap()),
            applies_to: AppliesTo::All,
            utc: false,
        }
    }

    #[test]
    fn the_saturday_after_patch_tuesday() {
        let r = Recurrence::Monthly {
            week: WeekOfMonth::Second,
            day: Weekday::Tue,
            offset_days: 4,
        };
        // Patch Tuesdays: 2026-12-08, 2027-01-12, 2027-02-09, 2027-03-09.
        let hits: Vec<Date> = (0..120)
            .map(|d| {
                jiff::civil::date(2026, 12, 1)
                    .checked_add(d.days())
                    .unwrap()
            })
            .filter(|&d| r.matches(d))
            .collect();
        assert_eq!(
            hits,
            [
                jiff::civil::date(2026, 12, 12),
                jiff::civil::date(2027, 1, 16),
                jiff::civil::date(2027, 2, 13),
                jiff::civil::date(2027, 3, 13),
            ]
        );
        let last_friday = Recurrence::Monthly {
            week: WeekOfMonth::Last,
            day: Weekday::Fri,
            offset_days: 0,
        };
        assert!(last_friday.matches(jiff::civil::date(2026, 12, 25)));
        assert!(!last_friday.matches(jiff::civil::date(2026, 12, 18)));
    }

    #[test]
    fn occurrences_follow_the_local_clock_across_daylight_saving() {
        let berlin = crate::engine::calendar::zone("Europe/Berlin").unwrap();
        let w = window(Recurrence::Weekly(vec![Weekday::Sun]), "02:30", "3h");
        let from: Timestamp = "2027-03-20T00:00Z".parse().unwrap();
        let to: Timestamp = "2027-04-05T00:00Z".parse().unwrap();
        let got: Vec<String> = w
            .occurrences(&berlin, from, to)
            .iter()
            .map(|(o, c)| format!("{o} {c}"))
            .collect();
        // 28 March 2027: 02:30 does not exist in Berlin; the window opens at 03:30 CEST.
        assert_eq!(
            got,
            [
                "2027-03-21T01:30:00Z 2027-03-21T04:30:00Z",
                "2027-03-28T01:30:00Z 2027-03-28T04:30:00Z",
                "2027-04-04T00:30:00Z 2027-04-04T03:30:00Z",
            ]
        );
        // A window open at `from` is included.
        let daily = window(Recurrence::Daily, "23:00", "4h");
        let mid: Timestamp = "2027-01-05T00:30Z".parse().unwrap();
        let first = daily.occurrences(&TimeZone::UTC, mid, to)[0];
        assert_eq!(first.0.to_string(), "2027-01-04T23:00:00Z");
    }
}
