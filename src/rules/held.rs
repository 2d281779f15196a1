//! The deadline each client holds for each deployment (R17, R22, R24, R25), derived from the
//! trace instead of read from the client's own lines: a notification's `deadline_in` is the
//! model's claim, and a check that trusted it would pass a shifted deadline.
//!
//! A deployment's deadline in force is its `deployment_created.deadline`, replaced by each
//! later `deadline_changed`. Its policy is out from its `policy_created` (a deadline change
//! re-publishes it). A client learns of deployments at its machine policy poll: at each
//! `policy_received` of a deployment policy it takes, for every deployment whose policy is out
//! by then, the deadline in force at that moment, and keeps it until its next such poll.
//!
//! A client-local deployment (`deployment_created.time_based_on: "client_local"`) has its
//! deadline at the same wall-clock time on every client: the client holds the instant its
//! group's zone (`trace_start.groups`) shows the time the start's zone shows at the deadline.

use super::trace::Line;
use crate::engine::SimTime;
use crate::engine::calendar::{Calendar, zone};
use jiff::tz::TimeZone;
use std::collections::{BTreeMap, BTreeSet};

/// The calendar and the groups' zones from `trace_start`, for client-local deadlines.
#[derive(Default)]
struct Zones {
    calendar: Option<Calendar>,
    /// (first client, count, zone), in client order.
    groups: Vec<(u64, u64, TimeZone)>,
}

impl Zones {
    fn from_header(l: &Line) -> Zones {
        let calendar = l.start.as_deref().and_then(|s| {
            let named = l.time_zone.as_deref().filter(|z| zone(z).is_ok());
            Calendar::parse(&match named {
                Some(z) => format!("{s}[{z}]"),
                None => s.to_string(),
            })
            .ok()
        });
        let groups = l.groups.iter().flatten().map(|g| {
            let z = g.time_zone.as_deref().and_then(|z| zone(z).ok());
            (g.first, g.count, z.unwrap_or(TimeZone::UTC))
        });
        Zones {
            calendar,
            groups: groups.collect(),
        }
    }

    /// Index of the group of `client`.
    fn group(&self, client: u64) -> Option<usize> {
        let k = self
            .groups
            .partition_point(|g| g.0 <= client)
            .checked_sub(1)?;
        (client < self.groups[k].0 + self.groups[k].1).then_some(k)
    }
}

/// Deployment → its deadline (`None`: optional).
type Deadlines<'a> = BTreeMap<&'a str, Option<u64>>;

/// Fed every line in time order; answers what a client holds at the current line.
#[derive(Default)]
pub(super) struct Held<'a> {
    in_force: Deadlines<'a>,
    out: BTreeSet<&'a str>,
    clients: BTreeMap<u64, Deadlines<'a>>,
    zones: Zones,
    /// Client-local deployments.
    local: BTreeSet<&'a str>,
    /// (deadline, group) → where it falls for the group, computed once.
    shifted: BTreeMap<(u64, usize), u64>,
}

impl<'a> Held<'a> {
    /// Takes in one line; a deployment policy line without its deployment is returned, for
    /// the caller to report.
    pub(super) fn observe(&mut self, l: &'a Line) -> Option<&'a Line> {
        match (l.kind.as_str(), l.policy.as_deref()) {
            ("trace_start", _) => self.zones = Zones::from_header(l),
            ("deployment_created", _) => {
                self.in_force.insert(l.deployment(), l.deadline);
                if l.time_based_on.as_deref() == Some("client_local") {
                    self.local.insert(l.deployment());
                }
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
                let c = l.client();
                // The policy names the deployments targeting the client; one it names that
                // is not out is a forged line. (Hand-made traces may leave the list out: then
                // the client holds every deployment out, the strictest reading.)
                let out: Vec<&'a str> = match &l.deployments {
                    Some(named) => {
                        if named.iter().any(|d| !self.out.contains(d.as_str())) {
                            return Some(l);
                        }
                        named.iter().map(String::as_str).collect()
                    }
                    None => self.out.iter().copied().collect(),
                };
                for d in out {
                    let deadline = self.in_force.get(d).copied().flatten();
                    let deadline = match deadline {
                        Some(t) if self.local.contains(d) => Some(self.local_time(t, c)),
                        other => other,
                    };
                    self.clients.entry(c).or_default().insert(d, deadline);
                }
            }
            _ => {}
        }
        None
    }

    /// Where client-local deadline `t` falls for `client`.
    fn local_time(&mut self, t: u64, client: u64) -> u64 {
        let (Some(cal), Some(g)) = (&self.zones.calendar, self.zones.group(client)) else {
            return t;
        };
        *self
            .shifted
            .entry((t, g))
            .or_insert_with(|| cal.same_wall_time(SimTime(t), &self.zones.groups[g].2).ms())
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
