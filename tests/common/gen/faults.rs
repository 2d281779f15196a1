//! Outages: what is generated, its strategy, and its rendering.

use super::sites::{Site, all_dps};
use super::{DAY, Gen, HOUR, d, dur, time};
use proptest::prelude::*;
use proptest::sample::Index;
use std::fmt::Write;

/// What a fault takes down.
#[derive(Clone, Debug)]
pub enum GenFaultTarget {
    Upstream,
    /// Among all SUPs (Internet-based ones included).
    Wsus(Index),
    /// Among all DPs.
    Dp(Index),
    /// A DP of a deployment's package, this many minutes after the deployment becomes
    /// available (`from` is not used): while clients want to download from it.
    PackageDp {
        deployment: Index,
        dp: Index,
        after: u32,
    },
}

/// An outage.
#[derive(Clone, Debug)]
pub struct GenFault {
    pub target: GenFaultTarget,
    /// In thousandths of the run.
    pub from: u16,
    /// Minutes, at least 1.
    pub length: u32,
}

pub(super) fn fault() -> impl Strategy<Value = GenFault> {
    (
        prop_oneof![
            Just(GenFaultTarget::Upstream),
            any::<Index>().prop_map(GenFaultTarget::Wsus),
            any::<Index>().prop_map(GenFaultTarget::Dp),
            (any::<Index>(), any::<Index>(), dur(5, DAY)).prop_map(|(deployment, dp, after)| {
                GenFaultTarget::PackageDp {
                    deployment,
                    dp,
                    after,
                }
            }),
        ],
        time(),
        prop_oneof![dur(1, 6 * HOUR), dur(6 * HOUR, 5 * DAY)],
    )
        .prop_map(|(target, from, length)| GenFault {
            target,
            from,
            length,
        })
}

impl Gen {
    /// Writes the `faults` field; `packages` are each deployment's available time and
    /// package DPs.
    pub(super) fn write_faults(
        &self,
        o: &mut String,
        sites: &[Site],
        packages: &[(u32, Vec<String>)],
    ) {
        let end = self.length();
        let all_dps = all_dps(sites);
        let sups: Vec<&String> = sites
            .iter()
            .flat_map(|x| {
                x.sup
                    .iter()
                    .chain(x.internet_sup.iter())
                    .chain(x.additional_sups.iter())
            })
            .collect();
        writeln!(o, "    faults: [").unwrap();
        for fault in &self.faults {
            let from = self.at(fault.from);
            if let GenFaultTarget::PackageDp {
                deployment,
                dp,
                after,
            } = &fault.target
            {
                if packages.is_empty() {
                    continue;
                }
                let (available, dps) = &packages[deployment.index(packages.len())];
                let from = (available + after).min(end);
                let k = dp.index(dps.len());
                let to = d(from + fault.length.max(1));
                writeln!(
                    o,
                    "        DpUnavailable(server: \"{}\", from: \"{}\", to: \"{to}\"),",
                    dps[k],
                    d(from)
                )
                .unwrap();
                continue;
            }
            let to = d(from + fault.length.max(1));
            let from = d(from);
            match &fault.target {
                GenFaultTarget::Upstream => {
                    writeln!(
                        o,
                        "        UpstreamUnavailable(from: \"{from}\", to: \"{to}\"),"
                    )
                }
                GenFaultTarget::Wsus(k) => writeln!(
                    o,
                    "        WsusUnavailable(server: \"{}\", from: \"{from}\", to: \"{to}\"),",
                    sups[k.index(sups.len())]
                ),
                GenFaultTarget::Dp(k) if !all_dps.is_empty() => writeln!(
                    o,
                    "        DpUnavailable(server: \"{}\", from: \"{from}\", to: \"{to}\"),",
                    all_dps[k.index(all_dps.len())]
                ),
                GenFaultTarget::Dp(_) | GenFaultTarget::PackageDp { .. } => Ok(()),
            }
            .unwrap();
        }
        writeln!(o, "    ],").unwrap();
    }
}
