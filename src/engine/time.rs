//! Simulated time: integer milliseconds, never floating point, so that every run on every
//! machine orders events identically.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// Milliseconds in one second, minute, hour and day.
pub const SECOND: u64 = 1_000;
/// One minute in milliseconds.
pub const MINUTE: u64 = 60 * SECOND;
/// One hour in milliseconds.
pub const HOUR: u64 = 60 * MINUTE;
/// One day in milliseconds.
pub const DAY: u64 = 24 * HOUR;

/// An instant of simulated time: milliseconds since the scenario start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A span of simulated time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The scenario start.
    pub const ZERO: SimTime = SimTime(0);
    /// Milliseconds since the start.
    pub fn ms(self) -> u64 {
        self.0
    }
    /// Time elapsed since `earlier` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);
    /// A duration of `n` milliseconds.
    pub const fn from_ms(n: u64) -> Self {
        SimDuration(n)
    }
    /// A duration of `n` seconds.
    pub const fn from_secs(n: u64) -> Self {
        SimDuration(n * SECOND)
    }
    /// A duration of `n` minutes.
    pub const fn from_mins(n: u64) -> Self {
        SimDuration(n * MINUTE)
    }
    /// A duration of `n` hours.
    pub const fn from_hours(n: u64) -> Self {
        SimDuration(n * HOUR)
    }
    /// A duration of `n` days.
    pub const fn from_days(n: u64) -> Self {
        SimDuration(n * DAY)
    }
    /// Milliseconds in this duration.
    pub fn ms(self) -> u64 {
        self.0
    }
    /// This duration times `n`, saturating instead of overflowing.
    pub fn times(self, n: u64) -> SimDuration {
        SimDuration(self.0.saturating_mul(n))
    }

    /// Parses a duration as people write it: `"90m"`, `"2h"`, `"5d"`, `"1d 12h"`, `"1h30m"`,
    /// `"45s"`, `"250ms"`, `"0"`. Units: `ms`, `s`, `m`, `h`, `d`, `w`.
    pub fn parse(text: &str) -> Result<SimDuration, String> {
        let s = text.trim();
        if s == "0" {
            return Ok(SimDuration::ZERO);
        }
        if s.is_empty() {
            return Err("empty duration".into());
        }
        let mut total: u64 = 0;
        let mut rest = s;
        while !rest.is_empty() {
            rest = rest.trim_start();
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if digits == 0 {
                return Err(format!("`{text}`: expected a number at `{rest}`"));
            }
            let n: u64 = rest[..digits]
                .parse()
                .map_err(|_| format!("`{text}`: number too large"))?;
            rest = &rest[digits..];
            let unit_len = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let unit = match &rest[..unit_len] {
                "ms" => 1,
                "s" => SECOND,
                "m" | "min" => MINUTE,
                "h" => HOUR,
                "d" => DAY,
                "w" => 7 * DAY,
                "" => {
                    return Err(format!(
                        "`{text}`: missing unit after {n} (use ms, s, m, h, d or w)"
                    ));
                }
                u => {
                    return Err(format!(
                        "`{text}`: unknown unit `{u}` (use ms, s, m, h, d or w)"
                    ));
                }
            };
            rest = &rest[unit_len..];
            total = n
                .checked_mul(unit)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(|| format!("`{text}`: duration too large"))?;
        }
        Ok(SimDuration(total))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        *self = *self + d;
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(d.0))
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    fn sub(self, earlier: SimTime) -> SimDuration {
        self.since(earlier)
    }
}

/// Writes `ms` as `2d 03:15:00` (days only when non-zero, milliseconds only when non-zero).
fn fmt_ms(ms: u64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let days = ms / DAY;
    let h = ms % DAY / HOUR;
    let m = ms % HOUR / MINUTE;
    let s = ms % MINUTE / SECOND;
    let frac = ms % SECOND;
    if days > 0 {
        write!(f, "{days}d ")?;
    }
    write!(f, "{h:02}:{m:02}:{s:02}")?;
    if frac > 0 {
        write!(f, ".{frac:03}")?;
    }
    Ok(())
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_ms(self.0, f)
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_ms(self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_write() {
        assert_eq!(SimDuration::parse("90m"), Ok(SimDuration::from_mins(90)));
        assert_eq!(SimDuration::parse("2h"), Ok(SimDuration::from_hours(2)));
        assert_eq!(SimDuration::parse("5d"), Ok(SimDuration::from_days(5)));
        assert_eq!(
            SimDuration::parse("1d 12h"),
            Ok(SimDuration::from_hours(36))
        );
        assert_eq!(SimDuration::parse("1h30m"), Ok(SimDuration::from_mins(90)));
        assert_eq!(SimDuration::parse("250ms"), Ok(SimDuration::from_ms(250)));
        assert_eq!(SimDuration::parse("0"), Ok(SimDuration::ZERO));
    }

    #[test]
    fn rejects_nonsense() {
        assert!(SimDuration::parse("").is_err());
        assert!(SimDuration::parse("5").is_err());
        assert!(SimDuration::parse("5x").is_err());
        assert!(SimDuration::parse("h").is_err());
        assert!(SimDuration::parse("-5m").is_err());
        assert!(SimDuration::parse("99999999999999999999d").is_err());
    }

    #[test]
    fn displays_days_and_clock() {
        let t = SimTime(2 * DAY + 3 * HOUR + 15 * MINUTE);
        assert_eq!(t.to_string(), "2d 03:15:00");
        assert_eq!(SimDuration::from_mins(90).to_string(), "01:30:00");
        assert_eq!(SimDuration::from_ms(1_500).to_string(), "00:00:01.500");
    }
}
