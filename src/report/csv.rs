//! `compliance.csv`: the site databases' compliance counts over time, beside the clients'
//! true states — the gap between the two is what an operator watches (R12–R15).

use crate::engine::SimTime;
use crate::observe::Metrics;
use crate::world::World;
use std::fmt::Write;

/// The header line of `compliance.csv`.
pub const HEADER: &str = "t_ms,time,site,update,required,not_required,installed,unknown,\
true_required,true_not_required,true_installed\n";

/// The whole file.
pub fn compliance_csv(world: &World, metrics: &Metrics) -> String {
    let c = &metrics.compliance;
    let updates = world.updates.len();
    // True counts per (site database, update): the sum over the groups reporting there.
    let mut truth = vec![[0u64; 4]; world.sites.len() * updates];
    for (g, group) in world.groups.iter().enumerate() {
        for u in 0..updates {
            let t = c.truth[g * updates + u];
            let sum = &mut truth[group.db_site.index() * updates + u];
            for k in 0..4 {
                sum[k] += u64::from(t[k]);
            }
        }
    }
    let mut out = String::from(HEADER);
    for s in &c.series {
        let (site, u) = (s.site as usize, s.update as usize);
        let unknown = c.db_clients[site] as i64 - s.db[1] - s.db[2] - s.db[3];
        let t = truth[site * updates + u];
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{}",
            s.t.ms(),
            SimTime(s.t.ms()),
            world.sites[site].code,
            world.updates[u].id,
            s.db[1],
            s.db[2],
            s.db[3],
            unknown,
            t[1],
            t[2],
            t[3]
        );
    }
    out
}
