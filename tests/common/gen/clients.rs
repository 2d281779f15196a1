//! Client groups: what is generated, its strategy, and its rendering.

use super::sites::Site;
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
    /// Index into `ZONES`.
    pub zone: u8,
}

/// Time zones the generator picks from: both sides of UTC, a half-hour one, daylight-saving
/// time in both hemispheres, and none.
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
        0..ZONES.len() as u8,
    )
        .prop_map(|(site, count, internet, legacy, updates, zone)| GenGroup {
            site,
            count,
            internet,
            legacy,
            updates,
            zone,
        })
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
                writeln!(o, "        ({}),", f.join(", ")).unwrap();
                groups.push((name, site));
            }
        }
        writeln!(o, "    ],").unwrap();
        groups
    }
}
