//! The scenario's client groups as the trace numbers their clients: `trace_start` lists each
//! group's first client and count, and the checks that read the scenario per group (windows,
//! where clients scan) find a client's group here.

use super::trace::Line;
use crate::scenario::Scenario;

/// Per scenario group, in scenario order: (first client, count) from `trace_start`; a group
/// the header does not list has no clients.
#[derive(Clone, Debug, Default)]
pub(super) struct Groups(Vec<(u64, u64)>);

impl Groups {
    pub(super) fn of(s: &Scenario, lines: &[Line]) -> Groups {
        let header = lines.iter().find(|l| l.kind == "trace_start");
        let listed = header.and_then(|h| h.groups.as_ref());
        Groups(
            s.clients
                .iter()
                .map(|g| {
                    listed
                        .and_then(|l| l.iter().find(|t| t.name == g.name))
                        .map_or((0, 0), |t| (t.first, t.count))
                })
                .collect(),
        )
    }

    /// The first client of scenario group `g`.
    pub(super) fn first(&self, g: usize) -> u64 {
        self.0[g].0
    }

    /// The scenario group of client `c`.
    pub(super) fn of_client(&self, c: u64) -> Option<usize> {
        self.0
            .iter()
            .position(|&(first, count)| (first..first + count).contains(&c))
    }
}
