//! `MACHINES`: the per-group machine figures follow the other lines. Each group starts with
//! its `machines_at_start` tally; every `machine_state` line moves one machine out of a state
//! the group has one in (its `from` is the client's last `to`) and is caused by what the
//! trace shows at that moment: compliant only with a `machine_compliant` line of the client,
//! pending restart only with an `install_done`, out of "never online" only at its
//! `client_online`, waiting for a window only on a machine with windows. Compliance and
//! installs never go back, so a machine never leaves "compliant" or enters "never online",
//! and leaves "pending restart" only by a restart. Both mean nothing is left to install: a
//! machine in either has no `install_done`.
//!
//! Conversely, a `restart` of a machine pending restart takes it out of that state at the
//! same instant (the restart completes every install waiting for it), and a deployment's
//! machine counts hold together: its `targeted` is its groups' sizes when it takes them whole
//! (given the scenario), at most the machines of the run, and neither its `compliant` at the
//! start nor what a database learned (`db_machines_compliant`, summed per database) exceeds
//! it.
//!
//! A deployment an automatic deployment rule makes during the run targets its machines from
//! that instant on: at its `adr_deployment_created` line, machines no deployment targeted
//! join a group's figures (from `not_targeted`, into "never online" only if they have not been
//! on since the start) and machines already counted may move anywhere but into "compliant"
//! (the new deployment can only ask for more).

use super::trace::Line;
use super::{Ctx, Outcome};
use std::collections::BTreeMap;

/// States in the order of `machines_at_start`'s fields.
const STATES: [&str; 5] = [
    "compliant",
    "pending_restart",
    "never_online",
    "waiting_for_window",
    "required",
];

/// `MACHINES`.
pub(super) fn check(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("MACHINES");
    let header = lines.iter().find(|l| l.kind == "trace_start");
    let groups: Vec<(String, u64, u64)> = header
        .and_then(|h| h.groups.as_ref())
        .map(|gs| {
            gs.iter()
                .map(|g| (g.name.clone(), g.first, g.count))
                .collect()
        })
        .unwrap_or_default();
    let group_of = |c: u64| {
        groups
            .iter()
            .position(|g| (g.1..g.1.saturating_add(g.2)).contains(&c))
    };
    // group → machines per state; client → its last state
    let mut counts: BTreeMap<usize, [i64; 5]> = BTreeMap::new();
    let mut last: BTreeMap<u64, &str> = BTreeMap::new();
    // The instants of the rules' runs (a run targets up to every client at once: asking the
    // lines around each of its machine_state lines would be quadratic).
    let runs: std::collections::BTreeSet<u64> = lines
        .iter()
        .filter(|l| l.kind == "adr_deployment_created")
        .map(|l| l.t)
        .collect();
    // The lines that may cause a change, by (time, client, kind).
    let causes: std::collections::BTreeSet<(u64, u64, &str)> = lines
        .iter()
        .filter(|m| {
            matches!(
                m.kind.as_str(),
                "machine_compliant" | "install_done" | "restart" | "client_online"
            )
        })
        .filter_map(|m| Some((m.t, m.client?, m.kind.as_str())))
        .collect();
    // Each client's moves out of a state, by (time, client, state left).
    let moves: std::collections::BTreeSet<(u64, u64, &str)> = lines
        .iter()
        .filter(|m| m.kind == "machine_state")
        .filter_map(|m| Some((m.t, m.client?, m.from.as_deref()?)))
        .collect();
    let mut counted = Counted::default();
    // Machines off since the start: `client_offline` at 0, no `client_online` since.
    let mut never_on: std::collections::BTreeSet<u64> = Default::default();
    for l in lines {
        match l.kind.as_str() {
            "client_offline" if l.t == 0 => {
                never_on.insert(l.client());
            }
            "client_online" => {
                never_on.remove(&l.client());
            }
            // Compliant and pending restart mean nothing is left to install: a machine in
            // either installs nothing more unless a rule's deployment moved it out first.
            "install_done" => {
                counted.install(l, &groups, &mut o);
                let c = l.client();
                if let Some(&was @ ("compliant" | "pending_restart")) = last.get(&c) {
                    o.fail(
                        l,
                        &format!("an install on a machine {was}, with nothing left to install"),
                    );
                }
            }
            "restart"
                if last.get(&l.client()) == Some(&"pending_restart")
                    && !moves.contains(&(l.t, l.client(), "pending_restart")) =>
            {
                o.fail(l, "a restart that left the machine pending restart");
            }
            "targeted_machines"
            | "deployment_created"
            | "db_machines_compliant"
            | "applicability" => {
                counted.line(l, cx, &groups, &mut o);
            }
            "machines_at_start" => {
                let g = groups.iter().position(|g| Some(&g.0) == l.group.as_ref());
                match (g, l.t) {
                    (Some(g), 0) => {
                        let tally = [
                            l.compliant,
                            l.pending_restart,
                            l.never_online,
                            l.waiting_for_window,
                            l.required,
                        ];
                        counts.insert(g, tally.map(|n| n.unwrap_or(0) as i64));
                    }
                    _ => o.fail(l, "a start tally not at the start, or of no group"),
                }
            }
            "machine_state" => {
                o.checked += 1;
                let c = l.client();
                let (from, to) = (
                    l.from.as_deref().unwrap_or(""),
                    l.to.as_deref().unwrap_or(""),
                );
                let joins = from == "not_targeted";
                let (Some(t), f) = (slot(to), slot(from)) else {
                    o.fail(l, "an unknown machine state");
                    continue;
                };
                if f.is_none() && !joins {
                    o.fail(l, "an unknown machine state");
                    continue;
                }
                if last.get(&c).is_some_and(|&was| was != from) {
                    o.fail(l, "`from` is not the machine's last state");
                }
                last.insert(c, to);
                if let Some((g, n)) = group_of(c).and_then(|g| Some(g).zip(counts.get_mut(&g))) {
                    n[t] += 1;
                    if joins && n.iter().sum::<i64>() > groups[g].2 as i64 {
                        o.fail(l, "the group has more targeted machines than machines");
                    }
                    if let Some(f) = f {
                        n[f] -= 1;
                        if n[f] < 0 {
                            o.fail(l, &format!("the group has no machine left {from}"));
                        }
                    }
                } else {
                    o.fail(l, "a machine of no group with a start tally");
                }
                // What caused it: a line of the same client at the same time.
                let at_once = |kind: &str| causes.contains(&(l.t, c, kind));
                if runs.contains(&l.t) {
                    let wrong = match (from, to) {
                        ("not_targeted", "never_online") if !never_on.contains(&c) => {
                            Some("never online, but the machine has been on")
                        }
                        ("not_targeted", "never_online") => None,
                        (_, "never_online") => Some("a machine became never online"),
                        ("not_targeted", _) => None,
                        (_, "compliant") => Some("compliant when a rule's deployment came"),
                        _ => None,
                    };
                    if let Some(w) = wrong {
                        o.fail(l, w);
                    }
                    continue;
                }
                let wrong = match (from, to) {
                    ("not_targeted", _) => {
                        Some("a machine targeted, but no rule made a deployment")
                    }
                    ("compliant", _) => Some("a machine left compliant"),
                    (_, "never_online") => Some("a machine became never online"),
                    (_, "compliant") if !at_once("machine_compliant") => {
                        Some("compliant without its machine_compliant line")
                    }
                    (_, "pending_restart") if !at_once("install_done") => {
                        Some("pending restart without an install")
                    }
                    ("pending_restart", _) if !at_once("restart") => {
                        Some("out of pending restart without a restart")
                    }
                    ("never_online", _) if !at_once("client_online") => {
                        Some("out of never online without a start-up")
                    }
                    (_, "waiting_for_window") if !cx.windows.restricts(c) => {
                        Some("waiting for a window on a machine without windows")
                    }
                    _ => None,
                };
                if let Some(w) = wrong {
                    o.fail(l, w);
                }
            }
            _ => {}
        }
    }
    o
}

/// A deployment that takes whole groups: their client ranges (first, count), its updates,
/// the pairs it found required at its creation and the installs of them since.
struct Whole {
    ranges: Vec<(u64, u64)>,
    updates: Vec<String>,
    required: u64,
    installs: u64,
}

/// The machine counts of each deployment: targeted, and compliant per database; the pairs
/// found required, by each deployment at its creation and by each group at the start.
#[derive(Default)]
struct Counted<'a> {
    targeted: BTreeMap<&'a str, u64>,
    learned: BTreeMap<(&'a str, &'a str), u64>,
    /// Deployments taking whole groups: their groups' client ranges, updates, the pairs
    /// they found required and the installs of those since.
    whole: BTreeMap<&'a str, Whole>,
    /// (group, update) → clients that will report it required (`applicability`).
    applicable: BTreeMap<(&'a str, &'a str), u64>,
    /// (group, update) → clients that installed it.
    installers: BTreeMap<(&'a str, &'a str), std::collections::BTreeSet<u64>>,
}

impl<'a> Counted<'a> {
    fn line(&mut self, l: &'a Line, cx: &Ctx, groups: &[(String, u64, u64)], o: &mut Outcome) {
        let d = l.deployment();
        match l.kind.as_str() {
            "applicability" => {
                let key = (
                    l.group.as_deref().unwrap_or(""),
                    l.update.as_deref().unwrap_or(""),
                );
                self.applicable.insert(key, l.required.unwrap_or(0));
            }
            "targeted_machines" | "deployment_created" => {
                o.checked += 1;
                let targeted = l.targeted.unwrap_or(0);
                let clients = groups.iter().fold(0u64, |n, g| n.saturating_add(g.2));
                self.targeted.insert(d, targeted);
                if l.kind == "targeted_machines" && l.compliant.unwrap_or(0) > targeted {
                    o.fail(l, "more machines compliant than targeted");
                }
                if !groups.is_empty() && targeted > clients {
                    o.fail(
                        l,
                        &format!("{targeted} machines targeted of {clients} in the run"),
                    );
                }
                // At the start a rule's deployment targets nobody yet (its run does).
                if l.kind == "deployment_created"
                    && let Some(whole) = whole_groups(cx, d, groups)
                {
                    let held = whole.ranges.iter().fold(0u64, |n, r| n.saturating_add(r.1));
                    if held != targeted {
                        o.fail(
                            l,
                            &format!(
                                "{targeted} machines targeted: its groups, taken whole, hold {held}"
                            ),
                        );
                    }
                    let required = l.required.unwrap_or(0);
                    self.whole.insert(d, Whole { required, ..whole });
                }
            }
            _ => {
                o.checked += 1;
                let n = self.learned.entry((l.site(), d)).or_default();
                *n = n.saturating_add(l.count.unwrap_or(0));
                let targeted = self.targeted.get(d).copied().unwrap_or(0);
                if *n > targeted {
                    o.fail(
                        l,
                        &format!(
                            "database {} learned of {n} compliant machines of {targeted} targeted",
                            l.site()
                        ),
                    );
                }
            }
        }
    }
}

impl<'a> Counted<'a> {
    /// An install settles at most one pair each deployment found required at its creation,
    /// and its client's group counted the update required at the start.
    fn install(&mut self, l: &'a Line, groups: &'a [(String, u64, u64)], o: &mut Outcome) {
        let (c, u) = (l.client(), l.update.as_deref().unwrap_or(""));
        for (d, w) in &mut self.whole {
            let Whole {
                ranges,
                updates,
                required,
                installs,
            } = w;
            if updates.iter().any(|x| x == u)
                && ranges
                    .iter()
                    .any(|&(first, n)| (first..first.saturating_add(n)).contains(&c))
            {
                o.checked += 1;
                *installs += 1;
                if *installs > *required {
                    o.fail(
                        l,
                        &format!("install {installs} of a pair of {d}, which found {required} required at its creation"),
                    );
                }
            }
        }
        let Some(g) = groups
            .iter()
            .find(|g| (g.1..g.1.saturating_add(g.2)).contains(&c))
        else {
            return;
        };
        let Some(&required) = self.applicable.get(&(g.0.as_str(), u)) else {
            return;
        };
        let installers = self.installers.entry((g.0.as_str(), u)).or_default();
        installers.insert(c);
        if installers.len() as u64 > required {
            o.fail(
                l,
                &format!(
                    "{} machines of {} installed {u}, which {required} of them needed at the start",
                    installers.len(),
                    g.0
                ),
            );
        }
    }
}

/// Deployment `d`'s groups and updates, when the scenario has it take each group whole (no
/// share below 1, no phases: a phase takes its own collection); nothing counted yet.
fn whole_groups(cx: &Ctx, d: &str, groups: &[(String, u64, u64)]) -> Option<Whole> {
    let spec = cx.scenario?.deployments.iter().find(|x| x.id == d)?;
    if !spec.phases.is_empty() || spec.target.iter().any(|t| t.share < 1.0) {
        return None;
    }
    let ranges = spec
        .target
        .iter()
        .map(|t| {
            let g = groups.iter().find(|g| g.0.eq_ignore_ascii_case(&t.group))?;
            Some((g.1, g.2))
        })
        .collect::<Option<_>>()?;
    Some(Whole {
        ranges,
        updates: spec.updates.clone(),
        required: 0,
        installs: 0,
    })
}

/// The index of state `name` in [`STATES`].
fn slot(name: &str) -> Option<usize> {
    STATES.iter().position(|&s| s == name)
}
