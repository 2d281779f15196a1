//! The update catalog: what is generated, its strategy, and its rendering with the times
//! deployments need (release, expiry, supersedence).

use super::{DAY, Gen, HOUR, d, dur, time};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use std::fmt::Write;

/// How an update expires.
#[derive(Clone, Debug)]
pub enum GenExpiry {
    Never,
    /// `expired: true`.
    Expired,
    /// `expires_at`: this many minutes after its release.
    At(u32),
}

/// An update of the catalog.
#[derive(Clone, Debug)]
pub struct GenUpdate {
    pub size_mb: u16,
    pub classification: u8,
    /// Earlier updates of the catalog it supersedes (so supersedence has no cycle).
    pub supersedes: Vec<Index>,
    /// A service pack (classification ServicePack).
    pub service_pack: bool,
    /// Release time in thousandths of the run (0: in the catalog from the start).
    pub released: u16,
    pub expiry: GenExpiry,
    /// Migrated from SMS 2003 (then released at 0).
    pub migrated: bool,
    pub restart: bool,
    /// `max_run_time` in minutes (clamped to 1m..=24h); none: the setting's.
    pub max_run_time: Option<u32>,
}

pub(super) fn update() -> impl Strategy<Value = GenUpdate> {
    (
        1..=600u16,
        0..9u8,
        prop_oneof![1 => Just(Vec::new()), 1 => vec(any::<Index>(), 1..=2)],
        prop::bool::weighted(0.2),
        prop_oneof![1 => Just(0u16), 1 => time()],
        prop_oneof![
            4 => Just(GenExpiry::Never),
            1 => Just(GenExpiry::Expired),
            1 => (0..14 * DAY).prop_map(GenExpiry::At),
        ],
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.8),
        prop::option::weighted(0.4, prop_oneof![3 => dur(1, HOUR), 1 => dur(HOUR, DAY)]),
    )
        .prop_map(
            |(
                size_mb,
                classification,
                supersedes,
                service_pack,
                released,
                expiry,
                migrated,
                restart,
                max_run_time,
            )| {
                GenUpdate {
                    size_mb,
                    classification,
                    supersedes,
                    service_pack,
                    released,
                    expiry,
                    migrated,
                    restart,
                    max_run_time,
                }
            },
        )
}

const CLASSIFICATIONS: [&str; 9] = [
    "Critical",
    "Security",
    "Definition",
    "UpdateRollup",
    "ServicePack",
    "FeaturePack",
    "Tool",
    "Driver",
    "Update",
];

/// The catalog as rendered: each update's id, and (in minutes) its release and the times
/// from which it is expired and superseded.
pub(super) struct Catalog {
    pub(super) ids: Vec<String>,
    pub(super) released: Vec<u32>,
    pub(super) expired_from: Vec<Option<u32>>,
    pub(super) superseded_from: Vec<Option<u32>>,
}

impl Catalog {
    /// Whether an operator who syncs first can deploy update `u` at `created`: released 6
    /// hours before, neither expired nor superseded yet.
    pub(super) fn deployable(&self, u: usize, created: u32) -> bool {
        self.released[u] + 6 * HOUR <= created
            && self.expired_from[u].is_none_or(|x| x > created)
            && self.superseded_from[u].is_none_or(|x| x > created)
    }
}

impl Gen {
    /// Writes the `catalog` field.
    pub(super) fn write_catalog(&self, o: &mut String) -> Catalog {
        let ids: Vec<String> = (0..self.catalog.len())
            .map(|i| format!("KB{}", 100 + i))
            .collect();
        // A superseding update is released no earlier than those it supersedes; a migrated
        // one is in the database from the start, so it stays migrated only when released at 0.
        let mut released: Vec<u32> = Vec::new();
        let mut supersedes: Vec<Vec<usize>> = Vec::new();
        for (i, u) in self.catalog.iter().enumerate() {
            let mut old: Vec<usize> = if i == 0 {
                Vec::new()
            } else {
                u.supersedes.iter().map(|x| x.index(i)).collect()
            };
            old.sort();
            old.dedup();
            let own = if u.migrated { 0 } else { self.at(u.released) };
            released.push(old.iter().map(|&k| released[k]).fold(own, u32::max));
            supersedes.push(old);
        }
        let expired_from: Vec<Option<u32>> = self
            .catalog
            .iter()
            .zip(&released)
            .map(|(u, &r)| match u.expiry {
                GenExpiry::Never => None,
                GenExpiry::Expired => Some(r),
                GenExpiry::At(after) => Some(r + after),
            })
            .collect();
        // When a later update supersedes it (a full sync then expires it, R03).
        let mut superseded_from: Vec<Option<u32>> = vec![None; self.catalog.len()];
        for (i, old) in supersedes.iter().enumerate() {
            for &k in old {
                superseded_from[k] =
                    Some(superseded_from[k].map_or(released[i], |x| x.min(released[i])));
            }
        }
        writeln!(o, "    catalog: [").unwrap();
        for (i, u) in self.catalog.iter().enumerate() {
            let mut f = vec![
                format!("id: \"{}\"", ids[i]),
                format!("size: \"{}MB\"", u.size_mb.max(1)),
            ];
            let class = if u.service_pack {
                "ServicePack"
            } else {
                CLASSIFICATIONS[usize::from(u.classification) % CLASSIFICATIONS.len()]
            };
            f.push(format!("classification: {class}"));
            if !supersedes[i].is_empty() {
                let names: Vec<&str> = supersedes[i].iter().map(|&k| ids[k].as_str()).collect();
                f.push(format!("supersedes: {names:?}"));
            }
            if u.service_pack {
                f.push("service_pack: true".into());
            }
            let released = released[i];
            if released > 0 {
                f.push(format!("released: \"{}\"", d(released)));
            }
            match u.expiry {
                GenExpiry::Never => {}
                GenExpiry::Expired => f.push("expired: true".into()),
                GenExpiry::At(after) => f.push(format!("expires_at: \"{}\"", d(released + after))),
            }
            if u.migrated && released == 0 {
                f.push("migrated: true".into());
            }
            if !u.restart {
                f.push("restart: false".into());
            }
            if let Some(m) = u.max_run_time {
                f.push(format!("max_run_time: \"{}\"", d(m.clamp(1, DAY))));
            }
            writeln!(o, "        ({}),", f.join(", ")).unwrap();
        }
        writeln!(o, "    ],").unwrap();
        Catalog {
            ids,
            released,
            expired_from,
            superseded_from,
        }
    }
}
