//! Durations and sizes as people write them in scenario files (`"90m"`, `"300MB"`).

use crate::engine::{SimDuration, SimTime};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A duration written as text, e.g. `"90m"`, `"2h"`, `"5d"`, `"1d 12h"`. Also used for points
/// in time, as an offset from the scenario start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dur(pub SimDuration);

impl Dur {
    /// A duration of `ms` milliseconds.
    pub const fn ms(ms: u64) -> Dur {
        Dur(SimDuration::from_ms(ms))
    }
    /// This offset as an instant after the scenario start.
    pub fn at(self) -> SimTime {
        SimTime::ZERO + self.0
    }
}

/// Written back the way people write it: `"1d 12h"`, `"90m"` → `"1h30m"`, `"0"`.
impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::engine::time::{DAY, HOUR, MINUTE, SECOND};
        let mut rest = self.0.ms();
        if rest == 0 {
            return f.write_str("0");
        }
        for (unit, name) in [
            (DAY, "d"),
            (HOUR, "h"),
            (MINUTE, "m"),
            (SECOND, "s"),
            (1, "ms"),
        ] {
            if rest >= unit {
                write!(f, "{}{name}", rest / unit)?;
                rest %= unit;
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Dur;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as \"90m\", \"2h\", \"5d\" or \"1d 12h\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Dur, E> {
                SimDuration::parse(v).map(Dur).map_err(|m| {
                    E::custom(format!(
                        "invalid duration {m}; expected e.g. \"90m\", \"2h\", \"5d\""
                    ))
                })
            }
        }
        d.deserialize_str(V)
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// A size in bytes written as text: `"300MB"`, `"1.5GB"`, `"512KB"`, `"1 PB"`, `"0"`
/// (1 KB = 1000 B), or in powers of 1024: `"8GiB"`, `"512MiB"`. At most [`Bytes::MAX`]: far
/// beyond any update or cache, and small enough that a byte count times a few thousand
/// updates saturates instead of wrapping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bytes(pub u64);

impl Bytes {
    /// The largest size a scenario may give: 1 EB.
    pub const MAX: u64 = 1_000_000_000_000_000_000;

    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Bytes, String> {
        let s = text.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let n: f64 = num
            .parse()
            .map_err(|_| format!("`{text}`: expected a number followed by B, KB, MB or GB"))?;
        const KIB: f64 = 1024.0;
        let mult = match unit.trim() {
            "" | "B" => 1.0,
            "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            "TB" => 1e12,
            "PB" => 1e15,
            "EB" => 1e18,
            "KiB" => KIB,
            "MiB" => KIB * KIB,
            "GiB" => KIB * KIB * KIB,
            "TiB" => KIB * KIB * KIB * KIB,
            "PiB" => KIB * KIB * KIB * KIB * KIB,
            u => {
                return Err(format!(
                    "`{text}`: unknown unit `{u}` (use B, KB, MB, GB, TB, PB, EB or KiB, MiB, GiB, TiB, PiB)"
                ));
            }
        };
        let bytes = n * mult;
        if !(0.0..=Bytes::MAX as f64).contains(&bytes) {
            return Err(format!("`{text}`: size out of range (at most 1 EB)"));
        }
        Ok(Bytes(bytes.round() as u64))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Bytes::parse(&s).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_display_compactly() {
        let d = |s| Dur(SimDuration::parse(s).unwrap()).to_string();
        assert_eq!(d("90m"), "1h30m");
        assert_eq!(d("7d"), "7d");
        assert_eq!(d("0"), "0");
        assert_eq!(d("1500ms"), "1s500ms");
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(Bytes::parse("300MB"), Ok(Bytes(300_000_000)));
        assert_eq!(Bytes::parse("1.5GB"), Ok(Bytes(1_500_000_000)));
        assert_eq!(Bytes::parse("12"), Ok(Bytes(12)));
        assert!(Bytes::parse("12 parsecs").is_err());
        assert!(Bytes::parse("MB").is_err());
        assert_eq!(Bytes::parse("1 PB"), Ok(Bytes(1_000_000_000_000_000)));
        assert_eq!(Bytes::parse("2PiB"), Ok(Bytes(2 << 50)));
        assert_eq!(Bytes::parse("1EB"), Ok(Bytes(Bytes::MAX)));
        assert!(Bytes::parse("1.01EB").unwrap_err().contains("at most 1 EB"));
    }
}
