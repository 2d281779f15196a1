//! Checks of automatic deployment rules: names their deployments can be called by, a
//! collection, runs within the deployment limit, and the current-branch limits on deadline
//! randomization. Sites, groups and DPs they name are resolved by `world::build`.

use super::{Problem, share};
use crate::engine::SimDuration;
use crate::scenario::Scenario;

/// Each rule of `s`.
pub(super) fn check_rules(s: &Scenario, out: &mut Vec<Problem>) {
    let mut names = std::collections::BTreeSet::new();
    for (i, r) in s.automatic_deployment_rules.iter().enumerate() {
        let path = format!("automatic_deployment_rules[{i}]");
        if r.name.trim().is_empty() || r.name.contains('/') {
            out.push(Problem::new(
                format!("{path}.name"),
                format!(
                    "expected a name without `/` (the rule's deployments are called \
                     `<name>/<run>`), got {:?}",
                    r.name
                ),
            ));
        } else if !names.insert(r.name.to_ascii_uppercase()) {
            out.push(Problem::new(
                format!("{path}.name"),
                format!("`{}` names two rules; expected a unique name", r.name),
            ));
        }
        if let Some(d) = s.deployments.iter().find(|d| {
            d.id.to_ascii_uppercase()
                .starts_with(&format!("{}/", r.name.to_ascii_uppercase()))
        }) {
            out.push(Problem::new(
                format!("{path}.name"),
                format!(
                    "deployment `{}` would take the name of one of this rule's deployments \
                     (`{}/<run>`); rename one of them",
                    d.id, r.name
                ),
            ));
        }
        if r.target.is_empty() {
            out.push(Problem::new(
                format!("{path}.target"),
                "expected at least one client group",
            ));
        }
        for (k, g) in r.target.iter().enumerate() {
            share(out, &format!("{path}.target[{k}].share"), g.share);
        }
        if r.max_runs == 0 {
            out.push(Problem::new(
                format!("{path}.max_runs"),
                "expected at least 1 run (each run that finds updates makes a deployment)",
            ));
        }
        if r.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            out.push(Problem::new(
                format!("{path}.title"),
                "expected some text to look for in the titles, or no `title` (any title)",
            ));
        }
        if r.deadline_randomization.0 > SimDuration::from_days(1) {
            out.push(Problem::new(
                format!("{path}.deadline_randomization"),
                format!(
                    "expected at most 1d (ConfigMgr randomizes ADR deadlines by 2h), got {}",
                    r.deadline_randomization
                ),
            ));
        }
        if r.deadline_after.is_none() && s.settings.hide_deployments {
            out.push(Problem::new(
                format!("{path}.deadline_after"),
                "deployments are hidden from users (settings.hide_deployments): only \
                 mandatory deployments can be sent; give a deadline (R23)",
            ));
        }
    }
}
