//! Points in time as a scenario writes them: an offset from the start (`"2d 9h"`) or a
//! calendar date-time (`"2026-12-15T18:00:00+01:00"`, `"2026-12-15T18:00[Europe/Berlin]"`).
//! A date-time needs the scenario's `start`; one without an offset or zone is wall-clock
//! time in the start's zone, or in each client's zone for client-local deadlines.

use super::units::Dur;
use crate::engine::calendar::{Calendar, DATE_TIME_EXAMPLE, DateTimeText};
use crate::engine::{SimDuration, SimTime};
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A point in time of the scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum When {
    /// This long after the start.
    Offset(Dur),
    /// A date-time on the calendar.
    Date(DateTimeText),
}

impl Default for When {
    fn default() -> Self {
        When::Offset(Dur::default())
    }
}

impl From<Dur> for When {
    fn from(d: Dur) -> When {
        When::Offset(d)
    }
}

impl When {
    /// Parses an offset (`"90m"`, `"2d 9h"`) or a date-time.
    pub fn parse(text: &str) -> Result<When, String> {
        let not_offset = match SimDuration::parse(text) {
            Ok(d) => return Ok(When::Offset(Dur(d))),
            Err(m) => m,
        };
        let t = text.trim().as_bytes();
        let like_a_date = t.len() >= 8 && t[..4].iter().all(u8::is_ascii_digit) && t[4] == b'-';
        if like_a_date {
            return DateTimeText::parse(text).map(When::Date);
        }
        Err(format!(
            "invalid duration {not_offset}; expected an offset from the start such as \"90m\" \
             or \"2d 9h\", or a date-time such as {DATE_TIME_EXAMPLE}"
        ))
    }

    /// The instant this point means, on `calendar`, with wall-clock times read in the
    /// start's zone. (A client-local deadline is this instant moved to each group's wall
    /// clock: `Calendar::same_wall_time`.)
    pub fn resolve(&self, calendar: Option<&Calendar>) -> Result<SimTime, String> {
        match (self, calendar) {
            (When::Offset(d), _) => Ok(d.at()),
            (When::Date(d), Some(c)) => c.offset_of(d.instant_in(c.zone())?),
            (When::Date(_), None) => Err(format!(
                "`{self}` is a date-time, but the scenario has no `start`; give one, e.g. \
                     start: \"2026-12-08T00:00:00Z\", or write an offset such as \"2d 9h\""
            )),
        }
    }

    /// Whether the text fixes the instant by itself (an offset, or a date-time with an
    /// offset or zone), so it cannot be read as client-local wall time.
    pub fn is_wall_clock(&self) -> bool {
        match self {
            When::Offset(_) => true,
            When::Date(d) => d.instant.is_none(),
        }
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            When::Offset(d) => d.fmt(f),
            When::Date(d) => match (&d.instant, &d.zone) {
                (Some(t), Some(z)) => write!(f, "{}", t.to_zoned_datetime(z.clone())),
                _ => write!(f, "{}", d.civil),
            },
        }
    }
}

impl<'de> de::Deserialize<'de> for When {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = When;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an offset such as \"2d 9h\" or a date-time such as \"2026-12-15T18:00:00+01:00\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<When, E> {
                When::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{DAY, HOUR};

    fn cal(s: &str) -> Calendar {
        Calendar::parse(s).unwrap()
    }

    #[test]
    fn offsets_and_date_times_name_the_same_instants() {
        let c = cal("2026-12-08T17:00:00+01:00[Europe/Berlin]");
        let at = |s: &str| When::parse(s).unwrap().resolve(Some(&c)).unwrap();
        assert_eq!(at("2d 9h"), SimTime(2 * DAY + 9 * HOUR));
        assert_eq!(at("2026-12-10T17:00:00+01:00"), SimTime(2 * DAY));
        assert_eq!(at("2026-12-10T16:00:00Z"), SimTime(2 * DAY));
        // Wall-clock time in the start's zone.
        assert_eq!(at("2026-12-10T17:00"), SimTime(2 * DAY));
        assert_eq!(at("2026-12-09"), SimTime(7 * HOUR));
    }

    #[test]
    fn client_local_times_move_with_the_zone() {
        let c = cal("2026-12-08T00:00:00Z");
        let ny = crate::engine::calendar::zone("America/New_York").unwrap();
        // What the model and verify do: the deadline's instant in the start's zone, moved to
        // the group's wall clock. 18:00 in New York is 23:00 UTC.
        let local = |w: &str| {
            let at = When::parse(w).unwrap().resolve(Some(&c)).unwrap();
            c.same_wall_time(at, &ny)
        };
        assert_eq!(local("2026-12-11T18:00"), SimTime(3 * DAY + 23 * HOUR));
        // An offset is the start's wall time plus the offset, in each zone.
        assert_eq!(local("3d 18h"), SimTime(3 * DAY + 23 * HOUR));
        assert!(!When::parse("2026-12-11T18:00Z").unwrap().is_wall_clock());
    }

    #[test]
    fn date_times_need_a_start_and_must_not_precede_it() {
        let w = When::parse("2026-12-10T17:00Z").unwrap();
        assert!(w.resolve(None).unwrap_err().contains("no `start`"));
        let e = w.resolve(Some(&cal("2026-12-11"))).unwrap_err();
        assert!(e.contains("before the scenario's start"), "{e}");
        let e = When::parse("soon").unwrap_err();
        assert!(e.contains("invalid duration `soon`"), "{e}");
        assert!(When::parse("2026-13-10").is_err());
    }
}
