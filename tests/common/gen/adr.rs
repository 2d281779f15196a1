//! An automatic deployment rule, sometimes: after each sync at the top site it deploys the
//! new updates of some classifications to one group (ADR, issue 12).

use super::sites::{Site, above};
use super::{DAY, Gen, HOUR, d, dur};
use proptest::prelude::*;
use proptest::sample::Index;
use std::fmt::Write;

/// An automatic deployment rule.
#[derive(Clone, Debug)]
pub struct GenAdr {
    /// Classifications it takes (none: any).
    pub classifications: Vec<bool>,
    /// Its target group.
    pub group: Index,
    /// `superseded: true`.
    pub superseded: bool,
    /// `available_after` and `deadline_after` in minutes (none: optional).
    pub available: u32,
    pub deadline: Option<u32>,
    /// `max_runs`.
    pub runs: u32,
}

pub(super) fn adr() -> impl Strategy<Value = GenAdr> {
    (
        proptest::collection::vec(any::<bool>(), 2),
        any::<Index>(),
        any::<bool>(),
        dur(0, 6 * HOUR),
        prop::option::weighted(0.8, dur(0, 2 * DAY)),
        1..=3u32,
    )
        .prop_map(
            |(classifications, group, superseded, available, deadline, runs)| GenAdr {
                classifications,
                group,
                superseded,
                available,
                deadline,
                runs,
            },
        )
}

impl Gen {
    /// Writes the `automatic_deployment_rules` field, if there is a rule and a group with a
    /// DP at or above its site (the package's default DPs).
    pub(super) fn write_adr(&self, o: &mut String, sites: &[Site], groups: &[(String, usize)]) {
        let served: Vec<&String> = groups
            .iter()
            .filter(|(_, site)| above(sites, *site, |x| !x.dps.is_empty()).is_some())
            .map(|(name, _)| name)
            .collect();
        let (Some(r), false) = (&self.adr, served.is_empty()) else {
            return;
        };
        let classes: Vec<&str> = ["Security", "Critical"]
            .iter()
            .zip(&r.classifications)
            .filter(|(_, on)| **on)
            .map(|(c, _)| *c)
            .collect();
        let hide = self.settings.hide_deployments == Some(true);
        let deadline = match r.deadline {
            Some(x) => format!("\"{}\"", d(x)),
            None if hide => "\"1d\"".into(),
            None => "None".into(),
        };
        writeln!(
            o,
            "    automatic_deployment_rules: [(name: \"ADR\", classifications: [{}], \
             superseded: {}, target: [(group: \"{}\")], available_after: \"{}\", \
             deadline_after: {deadline}, max_runs: {})],",
            classes.join(", "),
            r.superseded,
            served[r.group.index(served.len())],
            d(r.available),
            r.runs
        )
        .unwrap();
    }
}
