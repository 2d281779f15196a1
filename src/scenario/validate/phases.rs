//! Checks of phased deployments: a phase's collection and start condition, and the fields a
//! phased deployment leaves to its phases.

use super::{Problem, share};
use crate::scenario::{DeploymentSpec, PhaseStart, Scenario};

/// The phases of deployment `d` at `path`.
pub(super) fn check_phases(s: &Scenario, d: &DeploymentSpec, path: &str, out: &mut Vec<Problem>) {
    if d.phases.is_empty() {
        if d.target.is_empty() {
            out.push(Problem::new(
                format!("{path}.target"),
                "expected at least one client group (or `phases`, each with its collection)",
            ));
        }
        return;
    }
    let given = [
        ("target", !d.target.is_empty()),
        ("available", d.available.is_some()),
        ("deadline", d.deadline.is_some()),
    ];
    for (field, set) in given {
        if set {
            out.push(Problem::new(
                format!("{path}.{field}"),
                format!(
                    "a phased deployment leaves `{field}` to its phases (`target`, \
                     `available_after`, `deadline_after` in each); remove it"
                ),
            ));
        }
    }
    if s.settings.hide_deployments {
        for (j, ph) in d.phases.iter().enumerate() {
            if ph.deadline_after.is_none() {
                out.push(Problem::new(
                    format!("{path}.phases[{j}].deadline_after"),
                    "deployments are hidden from users (settings.hide_deployments): only \
                     mandatory phases can be sent; give a deadline (R23)",
                ));
            }
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for (j, ph) in d.phases.iter().enumerate() {
        let p = format!("{path}.phases[{j}]");
        if ph.target.is_empty() {
            out.push(Problem::new(
                format!("{p}.target"),
                "expected at least one client group",
            ));
        }
        for (k, g) in ph.target.iter().enumerate() {
            share(out, &format!("{p}.target[{k}].share"), g.share);
        }
        let name = ph.name(j);
        if name.trim().is_empty() || name.contains('/') {
            out.push(Problem::new(
                format!("{p}.name"),
                format!("expected a name without `/`, got {name:?}"),
            ));
        } else if !names.insert(name.to_ascii_uppercase()) {
            out.push(Problem::new(
                format!("{p}.name"),
                format!("`{name}` is used twice in this deployment; expected a unique name"),
            ));
        }
        match (j, ph.begins) {
            (0, Some(_)) => out.push(Problem::new(
                format!("{p}.begins"),
                "the first phase begins when the deployment is created; remove `begins`",
            )),
            (_, Some(PhaseStart::Success { percent, .. }))
                if !(percent > 0.0 && percent <= 100.0) =>
            {
                out.push(Problem::new(
                    format!("{p}.begins.percent"),
                    format!("expected a success percentage above 0 and at most 100, got {percent}"),
                ))
            }
            _ => {}
        }
    }
}
