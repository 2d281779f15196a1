//! Client groups: what is generated, its strategy, and its rendering (their maintenance
//! windows are in `windows.rs`).

use super::sites::Site;
use super::windows::{GenWindow, render, windows};
use super::{Gen, s, share};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use std::fmt::Write;

/// How one update applies to a group.
#[derive(Clone, Debug)]
pub struct GenApplicability {
    pub update: Index,
    /// Share it applies to, in thousandths.
    pub applies: u16,
    /// Share of those that have it installed, in thousandths.
    pub installed: u16,
}

/// When a group's machines are on (issue 11): rendered as `availability`, `away` and a
/// `time_zone`.
#[derive(Clone, Debug)]
pub enum GenPower {
    AlwaysOn,
    /// Office hours from `start` to `start + length` hours, `spread` minutes, `left_on` in
    /// thousandths, working days as a bit mask (bit 0 Monday).
    Office {
        start: u8,
        length: u8,
        spread: u8,
        left_on: u16,
        days: u8,
    },
    /// Mean spells in minutes.
    Intermittent {
        online: u16,
        offline: u16,
    },
}

fn power() -> impl Strategy<Value = GenPower> {
    prop_oneof![
        3 => Just(GenPower::AlwaysOn),
        1 => (0..=14u8, 1..=10u8, 0..=120u8, share(), 1..=127u8).prop_map(
            |(start, length, spread, left_on, days)| GenPower::Office {
                start,
                length,
                spread,
                left_on,
                days,
            }
        ),
        1 => (1..=720u16, 1..=2880u16)
            .prop_map(|(online, offline)| GenPower::Intermittent { online, offline }),
    ]
}

/// A client group.
#[derive(Clone, Debug)]
pub struct GenGroup {
    /// Among the sites that can have clients (not the central site).
    pub site: Index,
    pub count: u16,
    /// Kept only at a site with an Internet-based SUP.
    pub internet: bool,
    /// SMS 2003 / ITMU clients (dropped for Internet-based groups).
    pub legacy: bool,
    pub updates: Vec<GenApplicability>,
    pub power: GenPower,
    /// Share away (thousandths) and for how many days; none when the share is 0.
    pub away: (u16, u8),
    /// Index into `ZONES`.
    pub zone: u8,
    /// Maintenance windows (`windows.rs`).
    pub windows: Vec<GenWindow>,
}

/// Time zones the generator picks from: both sides of UTC, a half-hour one, DST and none.
const ZONES: [&str; 5] = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Pacific/Auckland",
];

pub(super) fn group() -> impl Strategy<Value = GenGroup> {
    (
        any::<Index>(),
        1..=80u16,
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.25),
        prop_oneof![
            2 => Just(Vec::new()),
            1 => vec(
                (any::<Index>(), share(), share()).prop_map(|(update, applies, installed)| {
                    GenApplicability {
                        update,
                        applies,
                        installed,
                    }
                }),
                1..=4
            ),
        ],
        power(),
        prop_oneof![3 => Just((0u16, 0u8)), 1 => (1..=1000u16, 1..=10u8)],
        0..ZONES.len() as u8,
        windows(),
    )
        .prop_map(
            |(site, count, internet, legacy, updates, power, away, zone, windows)| GenGroup {
                site,
                count,
                internet,
                legacy,
                updates,
                power,
                away,
                zone,
                windows,
            },
        )
}

impl Gen {
    /// Writes the `clients` field: groups at sites other than the central site. Returns each
    /// group's name and site.
    pub(super) fn write_clients(
        &self,
        o: &mut String,
        sites: &[Site],
        ids: &[String],
    ) -> Vec<(String, usize)> {
        let client_sites: Vec<usize> = (0..sites.len())
            .filter(|&i| sites[i].kind != "Central")
            .collect();
        let mut groups: Vec<(String, usize)> = Vec::new(); // name, site
        writeln!(o, "    clients: [").unwrap();
        if !client_sites.is_empty() {
            for (i, g) in self.groups.iter().enumerate() {
                let site = client_sites[g.site.index(client_sites.len())];
                let name = format!("g{}", i + 1);
                let mut f = vec![
                    format!("name: \"{name}\""),
                    format!("site: \"{}\"", sites[site].code),
                    format!("count: {}", g.count.max(1)),
                ];
                let internet = g.internet && sites[site].internet_sup.is_some();
                if internet {
                    f.push("internet: true".into());
                } else if g.legacy {
                    f.push("legacy: true".into());
                }
                let mut seen = Vec::new();
                let mut apps = Vec::new();
                for a in &g.updates {
                    let u = a.update.index(ids.len());
                    if seen.contains(&u) {
                        continue;
                    }
                    seen.push(u);
                    let applies = a.applies.min(1000);
                    let installed =
                        (u32::from(applies) * u32::from(a.installed.min(1000)) / 1000) as u16;
                    apps.push(format!(
                        "(update: \"{}\", applies: {}, installed: {})",
                        ids[u],
                        s(applies),
                        s(installed)
                    ));
                }
                if !apps.is_empty() {
                    f.push(format!("updates: [{}]", apps.join(", ")));
                }
                f.push(format!(
                    "time_zone: \"{}\"",
                    ZONES[g.zone as usize % ZONES.len()]
                ));
                match g.power {
                    GenPower::AlwaysOn => {}
                    GenPower::Office {
                        start,
                        length,
                        spread,
                        left_on,
                        days,
                    } => {
                        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
                        let days: Vec<&str> = (0..7)
                            .filter(|d| days & 1 << d != 0)
                            .map(|d| names[d])
                            .collect();
                        let end = (start + length).min(24);
                        // The spread stays below the hours' length.
                        let spread = u32::from(spread).min(u32::from(end - start) * 60 - 1);
                        f.push(format!(
                            "availability: Office(hours: \"{start:02}:00-{end:02}:00\", days: [{}], spread: \"{spread}m\", left_on: {})",
                            days.join(", "),
                            s(left_on.min(1000))
                        ));
                    }
                    GenPower::Intermittent { online, offline } => f.push(format!(
                        "availability: Intermittent(online: \"{online}m\", offline: \"{offline}m\")"
                    )),
                }
                let (share, days) = g.away;
                if share > 0 && days > 0 && !matches!(g.power, GenPower::Intermittent { .. }) {
                    f.push(format!(
                        "away: (share: {}, days: {days})",
                        s(share.min(1000))
                    ));
                }
                f.extend(render(&g.windows));
                writeln!(o, "        ({}),", f.join(", ")).unwrap();
                groups.push((name, site));
            }
        }
        writeln!(o, "    ],").unwrap();
        groups
    }
}
