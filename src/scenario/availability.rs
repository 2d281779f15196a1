//! When a group's machines are switched on, as a scenario writes it: always (servers), office
//! hours on working days in the group's time zone (desktops), or intermittent spells
//! (laptops); and a share of machines away for whole days (holidays, broken).

use super::units::Dur;
use serde::Deserialize;

/// A day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[allow(missing_docs)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// Monday 0 … Sunday 6.
    pub fn index(self) -> u8 {
        self as u8
    }
}

fn working_week() -> Vec<Weekday> {
    use Weekday::*;
    vec![Mon, Tue, Wed, Thu, Fri]
}

fn office_hours() -> String {
    "08:00-18:00".into()
}

fn an_hour() -> Dur {
    Dur::ms(crate::engine::time::HOUR)
}

/// When a group's machines are on.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub enum Availability {
    /// On all the time (servers; the default).
    #[default]
    AlwaysOn,
    /// Office desktops: switched on at the start of `hours` on each of `days` and off at its
    /// end, in the group's time zone; each machine each day a uniformly random time within
    /// `spread` after either edge. A share `left_on` of the machines is never switched off.
    Office {
        /// Working hours, `"08:00-18:00"`.
        #[serde(default = "office_hours")]
        hours: String,
        /// Working days (default Monday to Friday).
        #[serde(default = "working_week")]
        days: Vec<Weekday>,
        /// How late after the edges of the hours machines switch on and off (default 1 h).
        #[serde(default = "an_hour")]
        spread: Dur,
        /// Share of machines left on overnight and over weekends, 0 to 1.
        #[serde(default)]
        left_on: f64,
    },
    /// Laptops: online and offline spells of exponentially distributed lengths with the
    /// given means, each machine on its own.
    Intermittent {
        /// Mean length of an online spell.
        online: Dur,
        /// Mean length of an offline spell.
        offline: Dur,
    },
}

/// A share of a group's machines away (off) for whole days: holidays, repairs.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Away {
    /// Share of the machines, 0 to 1.
    pub share: f64,
    /// How many consecutive days each is away, starting on a day drawn per machine within
    /// the run.
    pub days: u32,
}

/// Parses a time of day, `"22:00"`, into minutes after midnight (`"24:00"` is 1440).
pub fn parse_clock(text: &str) -> Result<u32, String> {
    let bad = || format!("`{text}`: expected a time of day such as \"22:00\"");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (
        h.trim().parse().map_err(|_| bad())?,
        m.trim().parse().map_err(|_| bad())?,
    );
    if h > 24 || m > 59 || h * 60 + m > 24 * 60 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Parses `"08:00-18:00"` into minutes after midnight, start before end.
pub fn parse_hours(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`{text}`: expected working hours such as \"08:00-18:00\"");
    let (a, b) = text.trim().split_once('-').ok_or_else(bad)?;
    let (start, end) = (
        parse_clock(a).map_err(|_| bad())?,
        parse_clock(b).map_err(|_| bad())?,
    );
    if start >= end {
        return Err(format!(
            "`{text}`: the hours must end after they start (night shifts are not modelled)"
        ));
    }
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_parse_and_must_be_a_day_span() {
        assert_eq!(parse_hours("08:00-18:00"), Ok((480, 1080)));
        assert_eq!(parse_hours(" 7:30 - 16:45 "), Ok((450, 1005)));
        assert_eq!(parse_hours("00:00-24:00"), Ok((0, 1440)));
        for bad in ["18:00-08:00", "8-18", "08:00", "25:00-26:00", "08:60-09:00"] {
            assert!(parse_hours(bad).is_err(), "{bad}");
        }
    }
}
