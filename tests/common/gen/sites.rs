//! The site hierarchy: what is generated, its strategy, and the sites as rendered.

use super::Gen;
use proptest::collection::vec;
use proptest::prelude::*;
use std::fmt::Write;

/// One site's roles.
#[derive(Clone, Debug)]
pub struct GenSite {
    /// An active SUP (forced at the top; dropped when the parent site has none).
    pub sup: bool,
    /// An Internet-based SUP (kept only beside an active SUP, never at the central site).
    pub internet_sup: bool,
    /// Management points (a primary always gets at least one; the central site none).
    pub mps: u8,
    /// Distribution points (the central site none).
    pub dps: u8,
    /// Upgraded from SMS 2003.
    pub upgraded: bool,
    /// Additional SUPs beside an active SUP.
    pub additional: u8,
}

/// A primary site below the central site, with its secondaries.
#[derive(Clone, Debug)]
pub struct GenPrimary {
    pub site: GenSite,
    pub secondaries: Vec<GenSite>,
}

/// The site hierarchy.
#[derive(Clone, Debug)]
pub enum GenTree {
    /// A standalone primary site at the top.
    Standalone {
        top: GenSite,
        secondaries: Vec<GenSite>,
    },
    /// A central administration site at the top.
    Central {
        top: GenSite,
        primaries: Vec<GenPrimary>,
    },
}

fn site(top: bool) -> impl Strategy<Value = GenSite> {
    (
        prop::bool::weighted(if top { 1.0 } else { 0.7 }),
        prop::bool::weighted(0.25),
        0..=2u8,
        0..=2u8,
        prop::bool::weighted(0.2),
        prop_oneof![3 => Just(0u8), 1 => 1..=2u8],
    )
        .prop_map(
            |(sup, internet_sup, mps, dps, upgraded, additional)| GenSite {
                sup,
                internet_sup,
                mps,
                dps,
                upgraded,
                additional,
            },
        )
}

pub(super) fn tree() -> impl Strategy<Value = GenTree> {
    prop_oneof![
        (site(true), vec(site(false), 0..=3))
            .prop_map(|(top, secondaries)| GenTree::Standalone { top, secondaries }),
        (
            site(true),
            vec(
                (site(false), vec(site(false), 0..=2))
                    .prop_map(|(site, secondaries)| GenPrimary { site, secondaries }),
                0..=3
            )
        )
            .prop_map(|(top, primaries)| GenTree::Central { top, primaries }),
    ]
}

/// A site as rendered, with what cross references need.
pub(super) struct Site {
    pub(super) code: String,
    pub(super) kind: &'static str,
    pub(super) parent: Option<usize>,
    pub(super) sup: Option<String>,
    pub(super) internet_sup: Option<String>,
    pub(super) additional_sups: Vec<String>,
    pub(super) mps: Vec<String>,
    pub(super) dps: Vec<String>,
    pub(super) upgraded: bool,
}

/// The first site from `site` up the tree that `want` picks.
pub(super) fn above(
    sites: &[Site],
    mut site: usize,
    want: impl Fn(&Site) -> bool,
) -> Option<usize> {
    loop {
        if want(&sites[site]) {
            return Some(site);
        }
        site = sites[site].parent?;
    }
}

/// Every DP of every site.
pub(super) fn all_dps(sites: &[Site]) -> Vec<&String> {
    sites.iter().flat_map(|x| &x.dps).collect()
}

impl Gen {
    /// The sites with their servers' names, parents before children.
    pub(super) fn sites(&self) -> Vec<Site> {
        let mut out: Vec<Site> = Vec::new();
        let mut add = |g: &GenSite, code: String, kind: &'static str, parent: Option<usize>| {
            let parent_sup = parent.is_none_or(|p: usize| out[p].sup.is_some());
            let sup = (parent.is_none() || (g.sup && parent_sup)).then(|| format!("{code}-SUP"));
            let central = kind == "Central";
            let internet_sup =
                (g.internet_sup && sup.is_some() && !central).then(|| format!("{code}-IBSUP"));
            let mps = match kind {
                "Central" => 0,
                "Primary" => g.mps.max(1),
                _ => g.mps.min(1),
            };
            let dps = if central { 0 } else { g.dps };
            let additional_sups = match &sup {
                Some(_) => (2..2 + g.additional)
                    .map(|i| format!("{code}-SUP{i}"))
                    .collect(),
                None => Vec::new(),
            };
            out.push(Site {
                mps: (1..=mps).map(|i| format!("{code}-MP{i:02}")).collect(),
                dps: (1..=dps).map(|i| format!("{code}-DP{i:02}")).collect(),
                code,
                kind,
                parent,
                sup,
                internet_sup,
                additional_sups,
                upgraded: g.upgraded,
            });
            out.len() - 1
        };
        match &self.tree {
            GenTree::Standalone { top, secondaries } => {
                let t = add(top, "PR1".into(), "Primary", None);
                for (j, s) in secondaries.iter().enumerate() {
                    add(s, format!("S0{}", j + 1), "Secondary", Some(t));
                }
            }
            GenTree::Central { top, primaries } => {
                let t = add(top, "CAS".into(), "Central", None);
                for (i, p) in primaries.iter().enumerate() {
                    let pi = add(&p.site, format!("P0{}", i + 1), "Primary", Some(t));
                    for (j, s) in p.secondaries.iter().enumerate() {
                        add(s, format!("S{}{}", i + 1, j + 1), "Secondary", Some(pi));
                    }
                }
            }
        }
        out
    }
}

/// Writes the `sites` field.
pub(super) fn write_sites(o: &mut String, sites: &[Site]) {
    writeln!(o, "    sites: [").unwrap();
    for site in sites {
        let mut f = vec![
            format!("code: \"{}\"", site.code),
            format!("kind: {}", site.kind),
        ];
        if let Some(p) = site.parent {
            f.push(format!("parent: \"{}\"", sites[p].code));
        }
        if let Some(x) = &site.sup {
            f.push(format!("sup: \"{x}\""));
        }
        if let Some(x) = &site.internet_sup {
            f.push(format!("internet_sup: \"{x}\""));
        }
        if !site.additional_sups.is_empty() {
            f.push(format!("additional_sups: {:?}", site.additional_sups));
        }
        if !site.mps.is_empty() {
            f.push(format!("management_points: {:?}", site.mps));
        }
        if !site.dps.is_empty() {
            f.push(format!("distribution_points: {:?}", site.dps));
        }
        if site.upgraded {
            f.push("upgraded_from_sms2003: true".into());
        }
        writeln!(o, "        ({}),", f.join(", ")).unwrap();
    }
    writeln!(o, "    ],").unwrap();
}
