//! Wall-clock dates for reports, when a scenario says when its run starts. The engine itself
//! only knows milliseconds since the start; this turns them into civil dates (proleptic
//! Gregorian, UTC, no time zones) without a date library.

use super::time::{DAY, SimTime};

/// A run's start as a calendar instant: days since 1970-01-01 plus milliseconds into the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StartDate {
    days: i64,
    ms: u64,
}

impl StartDate {
    /// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    pub fn parse(text: &str) -> Result<StartDate, String> {
        let bad =
            || format!("`{text}`: expected a date like \"2023-10-10\" or \"2023-10-10T08:00\"");
        let (date, time) = match text.trim().split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (text.trim(), None),
        };
        let mut parts = date.split('-').map(|p| p.parse::<i64>().map_err(|_| bad()));
        let (y, m, d) = (
            parts.next().ok_or_else(bad)??,
            parts.next().ok_or_else(bad)??,
            parts.next().ok_or_else(bad)??,
        );
        if parts.next().is_some()
            || !(1..=12).contains(&m)
            || !(1..=days_in_month(y, m)).contains(&d)
        {
            return Err(bad());
        }
        let ms = match time {
            None => 0,
            Some(t) => {
                let (h, mi) = t.split_once(':').ok_or_else(bad)?;
                let (h, mi) = (
                    h.parse::<u64>().map_err(|_| bad())?,
                    mi.parse::<u64>().map_err(|_| bad())?,
                );
                if h > 23 || mi > 59 {
                    return Err(bad());
                }
                (h * 60 + mi) * 60_000
            }
        };
        Ok(StartDate {
            days: days_from_civil(y, m, d),
            ms,
        })
    }

    /// The calendar date and time `t` after the start, as `(year, month, day, hour, minute)`.
    pub fn at(self, t: SimTime) -> (i64, i64, i64, u64, u64) {
        let total = self.ms + t.ms();
        let (y, m, d) = civil_from_days(self.days + (total / DAY) as i64);
        let in_day = total % DAY;
        (y, m, d, in_day / 3_600_000, in_day % 3_600_000 / 60_000)
    }

    /// `t` as `2023-10-12 14:30`.
    pub fn format(self, t: SimTime) -> String {
        let (y, m, d, h, mi) = self.at(t);
        format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}")
    }

    /// `t` as a short axis label: `10-12` at midnight, `10-12 14:00` otherwise.
    pub fn label(self, t: SimTime) -> String {
        let (_, m, d, h, mi) = self.at(t);
        if h == 0 && mi == 0 {
            format!("{m:02}-{d:02}")
        } else {
            format!("{m:02}-{d:02} {h:02}:{mi:02}")
        }
    }
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::HOUR;

    #[test]
    fn dates_count_days_across_months_and_leap_years() {
        let s = StartDate::parse("2024-02-28T22:30").unwrap();
        assert_eq!(s.format(SimTime(0)), "2024-02-28 22:30");
        assert_eq!(s.format(SimTime(2 * HOUR)), "2024-02-29 00:30");
        assert_eq!(s.format(SimTime(DAY * 2)), "2024-03-01 22:30");
        assert_eq!(StartDate::parse("1970-01-01").unwrap().days, 0);
        assert_eq!(
            StartDate::parse("2023-10-10").unwrap().label(SimTime(DAY)),
            "10-11"
        );
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
            assert!(StartDate::parse(bad).is_err(), "{bad}");
        }
    }
}
