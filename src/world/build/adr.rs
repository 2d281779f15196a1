//! Automatic deployment rules: the rule (its site, the catalog updates its fixed criteria
//! take, the instants of its schedule) and one deployment per run it may make, appended
//! after the scenario's deployments. A run's deployment has no updates and no times until
//! the run finds updates (the model decides them, `model/adr.rs`).

use super::deployments::{package_dps, site_of, targets};
use super::*;
use crate::world::{Adr, AdrRun, NOT_STARTED};

/// The rules of `s` and their deployments, numbered from `first` on.
#[allow(clippy::too_many_arguments)]
pub(super) fn rules(
    s: &Scenario,
    codes: &BTreeMap<String, usize>,
    sites: &[Site],
    updates: &[Update],
    groups: &[ClientGroup],
    dps: &[Server],
    named: &Named,
    top: Option<SiteId>,
    first: usize,
    cal: Option<&Calendar>,
    p: &mut Vec<Problem>,
) -> (Vec<Adr>, Vec<Deployment>) {
    let end = at_time(cal, &s.end);
    let mut rules = Vec::new();
    let mut out = Vec::new();
    for (i, r) in s.automatic_deployment_rules.iter().enumerate() {
        let path = format!("automatic_deployment_rules[{i}]");
        let site = site_of(&r.site, &path, top, codes, s, p);
        let targets = targets(&r.target, &path, groups, named, p);
        let package = package_dps(
            &r.distribution_points,
            &path,
            sites,
            groups,
            &targets,
            dps,
            named,
            p,
        );
        let (Some(site), Some(dps)) = (site, package) else {
            continue;
        };
        let candidates = updates
            .iter()
            .enumerate()
            .filter(|(_, u)| r.matches(&u.title, u.classification))
            .map(|(k, _)| UpdateId(k as u32))
            .collect();
        let at = DeploymentId((first + out.len()) as u32);
        rules.push(Adr {
            name: r.name.clone(),
            site,
            schedule: r.schedule.runs(cal, end),
            candidates,
            superseded: r.superseded,
            available_after: r.available_after.0,
            deadline_after: r.deadline_after.map(|x| x.0),
            first: at,
            runs: r.max_runs,
        });
        for n in 1..=r.max_runs {
            out.push(Deployment {
                id: r.run_id(n),
                updates: Vec::new(),
                targets: targets.clone(),
                site,
                created: NOT_STARTED,
                available: NOT_STARTED,
                deadline: None,
                client_local: false,
                install_outside_windows: r.install_outside_windows,
                restart_outside_windows: r.restart_outside_windows,
                dps: dps.clone(),
                size: 0,
                phase: None,
                adr: Some(AdrRun {
                    rule: (rules.len() - 1) as u16,
                    number: n,
                }),
                randomization: Some(r.deadline_randomization.0),
            });
        }
    }
    (rules, out)
}
