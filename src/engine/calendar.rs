//! Calendar time. The engine counts milliseconds since the run's start; a scenario that says
//! when it starts (`start: "2026-12-08T17:00:00+01:00[Europe/Berlin]"`) maps them to instants
//! and civil dates in time zones. All of it is `jiff` with the IANA time-zone database bundled
//! into the binary (no system zoneinfo is read), so a date means the same on every machine.

use super::time::SimTime;
use jiff::civil::DateTime;
use jiff::fmt::temporal::{Pieces, TimeZoneAnnotationKind};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, ZonedDateTime};

/// A date-time as written in a scenario: a civil date and time, with the offset and the time
/// zone when the text gives them.
#[derive(Clone, Debug, PartialEq)]
pub struct DateTimeText {
    /// The wall-clock date and time (midnight when only a date is written).
    pub civil: DateTime,
    /// The instant, when the text fixes one (an offset, `Z`, or a time-zone name).
    pub instant: Option<Timestamp>,
    /// The time zone named in brackets, or the fixed zone of the offset.
    pub zone: Option<TimeZone>,
}

/// What a date-time looks like, for messages.
pub const DATE_TIME_EXAMPLE: &str =
    "\"2026-12-15T18:00:00+01:00\", \"2026-12-15T18:00Z\" or \"2026-12-15T18:00[Europe/Berlin]\"";

impl DateTimeText {
    /// Parses ISO 8601 / RFC 9557 text: `2026-12-15`, `2026-12-15T18:00`,
    /// `2026-12-15T18:00:00+01:00`, `…Z`, `…[Europe/Berlin]`.
    pub fn parse(text: &str) -> Result<DateTimeText, String> {
        let t = text.trim();
        let pieces = Pieces::parse(t).map_err(|e| {
            format!("`{text}` is not a date-time ({e}); expected e.g. {DATE_TIME_EXAMPLE}")
        })?;
        let civil = pieces.date().to_datetime(pieces.time().unwrap_or_default());
        let named = match pieces.time_zone_annotation() {
            None => None,
            Some(a) => Some(match a.kind() {
                TimeZoneAnnotationKind::Named(name) => zone(name.as_str())?,
                _ => a.to_time_zone().map_err(|e| format!("`{text}`: {e}"))?,
            }),
        };
        // `Z` is UTC; a numeric offset is itself.
        let offset = pieces.to_numeric_offset();
        // The only way a valid date and offset fail to become an instant: past the range.
        let outside = |_| {
            format!(
                "`{text}` is outside the dates that can be placed (years 1 to 9999 in UTC, once \
                 its offset or zone applies); expected e.g. {DATE_TIME_EXAMPLE}"
            )
        };
        let instant = match (offset, &named) {
            (Some(o), _) => Some(o.to_timestamp(civil).map_err(outside)?),
            (None, Some(z)) => Some(
                z.to_ambiguous_timestamp(civil)
                    .compatible()
                    .map_err(outside)?,
            ),
            (None, None) => None,
        };
        if let (Some(o), Some(z), Some(at)) = (offset, &named, instant)
            && z.to_offset(at) != o
        {
            return Err(format!(
                "`{text}`: the offset {o} is not the offset of {} at that time ({})",
                z.iana_name().unwrap_or("that zone"),
                z.to_offset(at)
            ));
        }
        let zone = named.or(offset.map(TimeZone::fixed));
        Ok(DateTimeText {
            civil,
            instant,
            zone,
        })
    }

    /// The instant this text means where civil times are read in `zone`.
    pub fn instant_in(&self, zone: &TimeZone) -> Result<Timestamp, String> {
        match self.instant {
            Some(t) => Ok(t),
            None => zone
                .to_ambiguous_timestamp(self.civil)
                .compatible()
                .map_err(|e| e.to_string()),
        }
    }
}

/// The time zone named `name` (an IANA name such as `Europe/Berlin`, or `UTC`).
pub fn zone(name: &str) -> Result<TimeZone, String> {
    jiff::tz::db().get(name).map_err(|_| {
        format!("`{name}` is not a time zone; use an IANA name such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\"")
    })
}

/// A run's start on the calendar, and the zone its reports speak in.
#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    start: Timestamp,
    zone: TimeZone,
}

impl Calendar {
    /// Parses a scenario's `start`: a date-time with an offset or zone name; without either
    /// the time is UTC (`"2023-10-09"` is midnight UTC).
    pub fn parse(text: &str) -> Result<Calendar, String> {
        let d = DateTimeText::parse(text)?;
        let zone = d.zone.clone().unwrap_or(TimeZone::UTC);
        let start = d.instant_in(&zone)?;
        Ok(Calendar { start, zone })
    }

    /// The zone's name for people: `Europe/Berlin`, `UTC`, `UTC+01:00`.
    pub fn zone_name(&self) -> String {
        match self.zone.iana_name() {
            Some(name) => name.to_string(),
            None => {
                let o = self.zone.to_offset(self.start);
                if o == jiff::tz::Offset::UTC {
                    "UTC".into()
                } else {
                    format!("UTC{o}")
                }
            }
        }
    }

    /// The start instant.
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// The zone reports speak in: the start's zone.
    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The instant `t` after the start.
    pub fn instant(&self, t: SimTime) -> Timestamp {
        // Runs are at most 1098 days (refused beyond), far inside jiff's range.
        let ms = i64::try_from(t.ms()).unwrap_or(i64::MAX);
        self.start
            .checked_add(ms.milliseconds())
            .unwrap_or(Timestamp::MAX)
    }

    /// `t` in the reports' zone.
    pub fn zoned(&self, t: SimTime) -> ZonedDateTime {
        self.instant(t).to_zoned_datetime(self.zone.clone())
    }

    /// Milliseconds from the start to `at`: an error when `at` is before the start.
    pub fn offset_of(&self, at: Timestamp) -> Result<SimTime, String> {
        let ms = at.as_millisecond() - self.start.as_millisecond();
        u64::try_from(ms).map(SimTime).map_err(|_| {
            format!(
                "{} is before the scenario's start ({})",
                at.to_zoned_datetime(self.zone.clone())
                    .strftime("%Y-%m-%dT%H:%M:%S%:z"),
                self.iso(SimTime::ZERO)
            )
        })
    }

    /// When clocks in `zone` show what clocks in the start's zone show at `t` (a client-local
    /// deadline); never before the start.
    pub fn same_wall_time(&self, t: SimTime, zone: &TimeZone) -> SimTime {
        let wall = DateTimeText {
            civil: self.zoned(t).datetime(),
            instant: None,
            zone: None,
        };
        wall.instant_in(zone)
            .ok()
            .and_then(|at| self.offset_of(at).ok())
            .unwrap_or(SimTime::ZERO)
    }

    /// Local days in `zone` from the day before the start's date there: for each, when its
    /// midnight falls (ms from the start, negative before it) and its weekday (0 = Monday),
    /// `days` of them. Daylight-saving days are 23 or 25 hours long; a midnight that does not
    /// exist on the wall clock is the first instant after it.
    pub fn local_days(&self, zone: &TimeZone, days: usize) -> Vec<(i64, u8)> {
        let first = self.start.to_zoned_datetime(zone.clone()).date();
        let start = self.start.as_millisecond();
        (0..days as i64)
            .map_while(|d| {
                let date = first.checked_add((d - 1).days()).ok()?;
                let at = zone
                    .to_ambiguous_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
                    .compatible()
                    .ok()?;
                let weekday = date.weekday().to_monday_zero_offset() as u8;
                Some((at.as_millisecond() - start, weekday))
            })
            .collect()
    }

    /// `t` as `Thu 10-12 14:30` in the reports' zone: short, with the weekday that rollouts
    /// turn on (terminal tables).
    pub fn short(&self, t: SimTime) -> String {
        self.zoned(t).strftime("%a %m-%d %H:%M").to_string()
    }

    /// `t` as `Thu 2023-10-12 14:30` in the reports' zone: the page's dates, with the weekday
    /// a change board asks about ("compliant by Monday?").
    pub fn long(&self, t: SimTime) -> String {
        self.zoned(t).strftime("%a %Y-%m-%d %H:%M").to_string()
    }

    /// `t` as `2023-10-12 14:30` in the reports' zone.
    pub fn format(&self, t: SimTime) -> String {
        self.zoned(t).strftime("%Y-%m-%d %H:%M").to_string()
    }

    /// `t` as ISO 8601 with the offset: `2023-10-12T14:30:00+02:00` (JSON, trace).
    pub fn iso(&self, t: SimTime) -> String {
        let z = self.zoned(t);
        if z.subsec_nanosecond() == 0 {
            z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
        } else {
            z.strftime("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
        }
    }

    /// `t` as `2023-10-12 14:30:00`, the reports' local time without an offset: the form
    /// Excel, pandas and PowerShell's `[datetime]` all read as a date (CSV columns).
    pub fn spreadsheet(&self, t: SimTime) -> String {
        self.zoned(t).strftime("%Y-%m-%d %H:%M:%S").to_string()
    }

    /// The start with its zone, as a scenario would write it
    /// (`2023-10-09T00:00:00+00:00[UTC]`); [`Calendar::parse`] reads it back.
    pub fn start_text(&self) -> String {
        let z = self.zoned(SimTime::ZERO);
        match self.zone.iana_name() {
            Some(name) => format!("{}[{name}]", self.iso(SimTime::ZERO)),
            None => z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        }
    }

    /// `t` as a short axis label: `10-12` at midnight, `10-12 14:00` otherwise.
    pub fn label(&self, t: SimTime) -> String {
        let z = self.zoned(t);
        if z.hour() == 0 && z.minute() == 0 {
            z.strftime("%m-%d").to_string()
        } else {
            z.strftime("%m-%d %H:%M").to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{DAY, HOUR};

    #[test]
    fn dates_count_days_across_months_and_leap_years() {
        let s = Calendar::parse("2024-02-28T22:30").unwrap();
        assert_eq!(s.format(SimTime(0)), "2024-02-28 22:30");
        assert_eq!(s.long(SimTime(0)), "Wed 2024-02-28 22:30");
        assert_eq!(s.format(SimTime(2 * HOUR)), "2024-02-29 00:30");
        assert_eq!(s.format(SimTime(DAY * 2)), "2024-03-01 22:30");
        assert_eq!(
            Calendar::parse("2023-10-10").unwrap().label(SimTime(DAY)),
            "10-11"
        );
    }

    #[test]
    fn zones_follow_daylight_saving_time() {
        // Berlin leaves summer time on 2023-10-29 at 03:00 local.
        let s = Calendar::parse("2023-10-28T12:00[Europe/Berlin]").unwrap();
        assert_eq!(s.iso(SimTime(0)), "2023-10-28T12:00:00+02:00");
        assert_eq!(s.iso(SimTime(DAY)), "2023-10-29T11:00:00+01:00");
        assert_eq!(s.spreadsheet(SimTime(DAY)), "2023-10-29 11:00:00");
        assert_eq!(s.start_text(), "2023-10-28T12:00:00+02:00[Europe/Berlin]");
        assert_eq!(Calendar::parse(&s.start_text()).unwrap(), s);
    }

    #[test]
    fn offsets_and_names_agree_or_are_refused() {
        let a = Calendar::parse("2026-12-08T17:00:00Z").unwrap();
        let b = Calendar::parse("2026-12-08T18:00:00+01:00").unwrap();
        assert_eq!(a.start(), b.start());
        assert_eq!(b.iso(SimTime(HOUR)), "2026-12-08T19:00:00+01:00");
        assert!(Calendar::parse("2026-12-08T18:00:00+01:00[Europe/Berlin]").is_ok());
        let e = Calendar::parse("2026-12-08T18:00:00+05:00[Europe/Berlin]").unwrap_err();
        assert!(e.contains("not the offset"), "{e}");
        let e = Calendar::parse("2026-12-08T18:00[Mars/Olympus]").unwrap_err();
        assert!(e.contains("not a time zone"), "{e}");
    }

    #[test]
    fn instants_before_the_start_are_refused() {
        let s = Calendar::parse("2026-12-08T17:00Z").unwrap();
        let later = DateTimeText::parse("2026-12-09T17:00Z").unwrap();
        assert_eq!(
            s.offset_of(later.instant.unwrap()),
            Ok(SimTime(DAY)),
            "a day later"
        );
        let earlier = DateTimeText::parse("2026-12-07").unwrap();
        let e = s
            .offset_of(earlier.instant_in(&TimeZone::UTC).unwrap())
            .unwrap_err();
        assert!(e.contains("before the scenario's start"), "{e}");
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2023-02-29",
            "2023-13-01",
            "2023-10",
            "10/10/2023",
            "2023-10-10T25:00",
            "x",
        ] {
            assert!(Calendar::parse(bad).is_err(), "{bad}");
        }
    }
}
