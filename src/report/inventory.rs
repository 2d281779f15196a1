//! What `cmsim check --format json` prints: the hierarchy of a valid scenario as data — sites
//! with their servers and clients, the catalog, deployments, the run's span and the
//! estimated cost — for scripts that check a scenario before they run it. The text form is
//! `describe.rs`; both read the same world.

use crate::Loaded;
use crate::world::{Upstream, World};
use serde_json::{Value, json};

/// The scenario `l` as JSON (keys in snake_case, units in their names).
pub fn inventory(l: &Loaded) -> Value {
    let w = &l.world;
    let cost = crate::estimate::estimate(w, crate::run::DEFAULT_SAMPLE);
    let sweep_points = crate::sweep::count(&l.scenario.sweep).ok();
    json!({
        "file": l.file,
        "scenario": w.name,
        "seed": w.seed,
        "start": w.calendar.as_ref().map(|c| c.start_text()),
        "end_ms": w.end.ms(),
        "sites": w.sites.iter().map(|s| site(w, s)).collect::<Vec<_>>(),
        "clients": w.clients(),
        "groups": w.groups.iter().map(|g| json!({
            "name": g.name,
            "site": w.sites[g.site.index()].code,
            "clients": g.count,
        })).collect::<Vec<_>>(),
        "updates": w.updates.len(),
        "updates_released_during_run": w.updates.iter().filter(|u| u.released.ms() > 0).count(),
        "updates_superseding": w.updates.iter().filter(|u| !u.supersedes.is_empty()).count(),
        "deployments": w.deployments.iter().map(|d| json!({
            "id": d.id,
            "updates": d.updates.len(),
            "size_bytes": d.size,
            "created_ms": d.created.ms(),
            "available_ms": d.available.ms(),
            "deadline_ms": d.deadline.map(|t| t.ms()),
            "distribution_points": d.dps.len(),
        })).collect::<Vec<_>>(),
        "automatic_deployment_rules": w.adrs.len(),
        "operator_actions": w.actions.len(),
        "outages": w.outages.len(),
        "sweep_points": if l.scenario.sweep.is_empty() { None } else { sweep_points },
        "estimate": {
            "events": cost.events,
            "memory_bytes": cost.memory,
        },
    })
}

/// One site: its place in the tree and its servers.
fn site(w: &World, s: &crate::world::Site) -> Value {
    let sup = |id: crate::world::SupId| {
        let x = &w.sups[id.index()];
        json!({
            "name": x.name,
            "upstream": match x.upstream {
                Upstream::MicrosoftUpdate => "microsoft_update".to_string(),
                Upstream::Sup(u) => w.sups[u.index()].name.clone(),
            },
        })
    };
    json!({
        "code": s.code,
        "kind": s.kind.name(),
        "parent": s.parent.map(|p| w.sites[p.index()].code.clone()),
        "sup": s.sup.map(sup),
        "internet_sup": s.internet_sup.map(sup),
        "management_points": s.mps.iter().map(|m| w.mps[m.index()].name.clone()).collect::<Vec<_>>(),
        "distribution_points": s.dps.iter().map(|d| w.dps[d.index()].name.clone()).collect::<Vec<_>>(),
    })
}
