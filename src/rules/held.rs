//! The deadline each client holds for each deployment (R17, R22, R24, R25), derived from the
//! trace instead of read from the client's own lines: a notification's `deadline_in` is the
//! model's claim, and a check that trusted it would pass a shifted deadline.
//!
//! A deployment's deadline in force is its `deployment_created.deadline`, replaced by each
//! later `deadline_changed`. Its policy is out from its `policy_created` (a deadline change
//! re-publishes it). A client learns of deployments at its machine policy poll: at each
//! `policy_received` of a deployment policy it takes, for every deployment whose policy is out
//! by then, the deadline in force at that moment, and keeps it until its next such poll.

use super::trace::Line;
use std::collections::{BTreeMap, BTreeSet};

/// Deployment → its deadline (`None`: optional).
type Deadlines<'a> = BTreeMap<&'a str, Option<u64>>;

/// Fed every line in time order; answers what a client holds at the current line.
#[derive(Default)]
pub(super) struct Held<'a> {
    in_force: Deadlines<'a>,
    out: BTreeSet<&'a str>,
    clients: BTreeMap<u64, Deadlines<'a>>,
}

impl<'a> Held<'a> {
    /// Takes in one line; a deployment policy line without its deployment is returned, for
    /// the caller to report.
    pub(super) fn observe(&mut self, l: &'a Line) -> Option<&'a Line> {
        match (l.kind.as_str(), l.policy.as_deref()) {
            ("deployment_created", _) => {
                self.in_force.insert(l.deployment(), l.deadline);
            }
            ("deadline_changed", _) => {
                self.in_force.insert(l.deployment(), l.deadline);
            }
            ("policy_created", Some("deployment")) => {
                if l.deployment.is_none() {
                    return Some(l);
                }
                self.out.insert(l.deployment());
            }
            ("policy_received", Some("deployment")) => {
                let held = self.clients.entry(l.client()).or_default();
                for &d in &self.out {
                    held.insert(d, self.in_force.get(d).copied().flatten());
                }
            }
            _ => {}
        }
        None
    }

    /// What `client` holds of deployment `d`: `None` if it has not received its policy,
    /// `Some(None)` if it holds it without a deadline.
    pub(super) fn get(&self, client: u64, d: &str) -> Option<Option<u64>> {
        self.clients.get(&client)?.get(d).copied()
    }

    /// Every deployment `client` holds, with its deadline.
    pub(super) fn of(&self, client: u64) -> impl Iterator<Item = (&'a str, Option<u64>)> + '_ {
        self.clients
            .get(&client)
            .into_iter()
            .flat_map(|m| m.iter().map(|(&d, &t)| (d, t)))
    }
}
