//! `compliance.csv`: the site databases' compliance counts over time, beside the clients'
//! true states — the gap between the two is what an operator watches (R12–R15, R25). The
//! true columns are the clients' live states: an install waiting for its restart is
//! `true_pending_restart`, not yet `true_installed`.

use crate::engine::SimTime;
use crate::observe::Metrics;
use crate::world::World;
use std::fmt::Write;

/// The header line of `compliance.csv`.
pub const HEADER: &str = "t_ms,time,site,update,required,not_required,installed,unknown,\
true_required,true_pending_restart,true_not_required,true_installed\n";

/// The whole file.
pub fn compliance_csv(world: &World, metrics: &Metrics) -> String {
    let c = &metrics.compliance;
    let mut out = String::from(HEADER);
    for s in &c.series {
        let site = s.site as usize;
        let unknown = c.db_clients[site] as i64 - s.db[1] - s.db[2] - s.db[3];
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            s.t.ms(),
            SimTime(s.t.ms()),
            world.sites[site].code,
            world.updates[s.update as usize].id,
            s.db[1],
            s.db[2],
            s.db[3],
            unknown,
            s.truth[1],
            s.truth[0],
            s.truth[2],
            s.truth[3]
        );
    }
    out
}

/// The header line of `machines.csv`.
pub const MACHINES_HEADER: &str =
    "t_ms,time,deployment,targeted,compliant,db_compliant,compliant_pct,db_compliant_pct\n";

/// `machines.csv`: per deployment over time, its targeted machines that are fully compliant
/// (every update of it that applies installed, restarted where needed), truly and as the site
/// databases see them.
pub fn machines_csv(world: &World, metrics: &Metrics) -> String {
    let d = &metrics.deployment;
    let mut out = String::from(MACHINES_HEADER);
    let pct = |n: u64, of: u64| {
        if of == 0 {
            0.0
        } else {
            100.0 * n as f64 / of as f64
        }
    };
    for s in &d.machines {
        let targeted = d.deployments[s.deployment as usize].targeted;
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{:.2},{:.2}",
            s.t.ms(),
            s.t,
            world.deployments[s.deployment as usize].id,
            targeted,
            s.compliant,
            s.db_compliant,
            pct(s.compliant, targeted),
            pct(s.db_compliant, targeted)
        );
    }
    out
}
