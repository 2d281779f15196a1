//! `compliance.csv`: the site databases' compliance counts over time, beside the clients'
//! true states — the gap between the two is what an operator watches (R12–R15, R25). The
//! true columns are the clients' live states: an install waiting for its restart is
//! `true_pending_restart`, not yet `true_installed`. `machines.csv`: per deployment, the
//! targeted machines fully compliant over time. `groups.csv`: per client group, where its
//! targeted machines stand over time (compliant with every deployment targeting them,
//! pending restart, never online, waiting for a maintenance window, still required).
//!
//! Times are `t_ms` (milliseconds since the start), `time` (`2d 03:15:00`) and `datetime`
//! (the calendar date-time in the start's zone, when the scenario has a start).
//!
//! Written with the `csv` crate, so names holding commas or quotes (update and deployment
//! ids come from people) are quoted as RFC 4180 says, and every row has the header's width.

use crate::observe::Metrics;
use crate::world::World;

/// The columns of `compliance.csv`.
pub const HEADER: [&str; 13] = [
    "t_ms",
    "time",
    "datetime",
    "site",
    "update",
    "required",
    "not_required",
    "installed",
    "unknown",
    "true_required",
    "true_pending_restart",
    "true_not_required",
    "true_installed",
];

/// The columns of `machines.csv`.
pub const MACHINES_HEADER: [&str; 9] = [
    "t_ms",
    "time",
    "datetime",
    "deployment",
    "targeted",
    "compliant",
    "db_compliant",
    "compliant_pct",
    "db_compliant_pct",
];

/// The columns of `groups.csv`.
pub const GROUPS_HEADER: [&str; 11] = [
    "t_ms",
    "time",
    "datetime",
    "group",
    "targeted",
    "compliant",
    "pending_restart",
    "never_online",
    "waiting_for_window",
    "required",
    "compliant_pct",
];

/// The `datetime` column: `t` as `2023-10-12 14:30:00` in the start's zone, the form
/// Excel, pandas (`parse_dates`) and PowerShell (`[datetime]`) read as a date; empty when
/// the scenario has no start.
fn datetime(world: &World, t: crate::engine::SimTime) -> String {
    world
        .calendar
        .as_ref()
        .map_or_else(String::new, |c| c.spreadsheet(t))
}

/// Rows of strings as CSV text under `header`.
fn table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing into memory cannot fail, and every row has the header's width.
    let write = |w: &mut csv::Writer<Vec<u8>>, row: &[String]| {
        w.write_record(row)
            .expect("in-memory CSV rows of equal width");
    };
    write(
        &mut w,
        &header.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
    );
    for row in rows {
        write(&mut w, &row);
    }
    let bytes = w.into_inner().expect("in-memory CSV");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}

/// The whole `compliance.csv`.
pub fn compliance_csv(world: &World, metrics: &Metrics) -> String {
    let c = &metrics.compliance;
    let rows = c.rows().map(|s| {
        let site = s.site as usize;
        let unknown = c.db_clients[site] as i64 - s.db[1] - s.db[2] - s.db[3];
        vec![
            s.t.ms().to_string(),
            s.t.to_string(),
            datetime(world, s.t),
            world.sites[site].code.clone(),
            world.updates[s.update as usize].id.clone(),
            s.db[1].to_string(),
            s.db[2].to_string(),
            s.db[3].to_string(),
            unknown.to_string(),
            s.truth[1].to_string(),
            s.truth[0].to_string(),
            s.truth[2].to_string(),
            s.truth[3].to_string(),
        ]
    });
    table(&HEADER, rows)
}

/// The whole `machines.csv`: per deployment over time, its targeted machines that are fully
/// compliant (every update of it that applies installed, restarted where needed), truly and
/// as the site databases see them.
pub fn machines_csv(world: &World, metrics: &Metrics) -> String {
    let d = &metrics.deployment;
    let pct = |n: u64, of: u64| {
        if of == 0 {
            0.0
        } else {
            100.0 * n as f64 / of as f64
        }
    };
    let rows = d.machines.iter().map(|s| {
        let targeted = d.deployments[s.deployment as usize].targeted;
        vec![
            s.t.ms().to_string(),
            s.t.to_string(),
            datetime(world, s.t),
            world.deployments[s.deployment as usize].id.clone(),
            targeted.to_string(),
            s.compliant.to_string(),
            s.db_compliant.to_string(),
            format!("{:.2}", pct(s.compliant, targeted)),
            format!("{:.2}", pct(s.db_compliant, targeted)),
        ]
    });
    table(&MACHINES_HEADER, rows)
}

/// The whole `groups.csv`: per client group with targeted machines, over time, how many are
/// in each state.
pub fn groups_csv(world: &World, metrics: &Metrics) -> String {
    let rows = metrics.machines.samples.iter().map(|s| {
        let targeted: u32 = s.counts.iter().sum();
        let mut row = vec![
            s.t.ms().to_string(),
            s.t.to_string(),
            datetime(world, s.t),
            world.groups[s.group as usize].name.clone(),
            targeted.to_string(),
        ];
        row.extend(s.counts.iter().map(u32::to_string));
        row.push(format!(
            "{:.2}",
            100.0 * f64::from(s.counts[0]) / f64::from(targeted.max(1))
        ));
        row
    });
    table(&GROUPS_HEADER, rows)
}
