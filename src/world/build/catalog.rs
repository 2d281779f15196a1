//! The catalog: updates with their supersedence, which must not form a cycle.

use super::*;

/// The catalog in release order, with supersedence resolved and checked for cycles.
pub(super) fn catalog(s: &Scenario, cal: Option<&Calendar>, p: &mut Vec<Problem>) -> Vec<Update> {
    let ids = unique_names(p, s.catalog.iter().map(|u| u.id.as_str()), "catalog", "id");
    let specs: Vec<Update> = s.catalog.iter().map(|u| spec_update(u, cal)).collect();
    let mut order: Vec<usize> = (0..s.catalog.len()).collect();
    order.sort_by_key(|&i| specs[i].released); // stable: scenario order breaks ties
    let mut rank = vec![0u32; order.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r as u32;
    }
    let mut graph = DiGraph::<usize, ()>::new();
    let nodes: Vec<_> = (0..s.catalog.len()).map(|i| graph.add_node(i)).collect();
    let mut updates: Vec<Update> = order.iter().map(|&i| specs[i].clone()).collect();
    for (i, u) in s.catalog.iter().enumerate() {
        for (j, old) in u.supersedes.iter().enumerate() {
            let path = format!("catalog[{i}].supersedes[{j}]");
            match ids.get(&old.to_ascii_uppercase()) {
                None => p.push(Problem::new(path, format!("no update has the id `{old}`"))),
                Some(&k) if k == i => {
                    p.push(Problem::new(path, "an update cannot supersede itself"))
                }
                Some(&k) => {
                    graph.add_edge(nodes[i], nodes[k], ());
                    updates[rank[i] as usize].supersedes.push(UpdateId(rank[k]));
                    updates[rank[k] as usize]
                        .superseded_by
                        .push(UpdateId(rank[i]));
                }
            }
        }
    }
    for u in &mut updates {
        u.superseded_by.sort();
    }
    if let Err(cycle) = toposort(&graph, None) {
        p.push(Problem::new(
            format!("catalog[{}].supersedes", cycle.node_id().index()),
            "supersedence forms a cycle",
        ));
    }
    updates
}

fn spec_update(u: &crate::scenario::UpdateSpec, cal: Option<&Calendar>) -> Update {
    let released = at_time(cal, &u.released);
    Update {
        id: u.id.clone(),
        title: if u.title.is_empty() {
            u.id.clone()
        } else {
            u.title.clone()
        },
        size: u.size.0,
        classification: u.classification,
        supersedes: Vec::new(),
        superseded_by: Vec::new(),
        service_pack: u.service_pack,
        released,
        expired_from: if u.expired {
            Some(released)
        } else {
            u.expires_at.as_ref().map(|d| at_time(cal, d))
        },
        migrated: u.migrated,
        restart: u.restart,
        max_run_time: u.max_run_time.map(|d| d.0.ms()),
    }
}
