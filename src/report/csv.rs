//! `compliance.csv`: each site database's compliance counts over time, summed over the
//! updates (client × update pairs), beside the clients' true states — the gap between the
//! two is what an operator watches (R12–R15, R25). The true columns are the clients' live
//! states: an install waiting for its restart is `true_pending_restart`, not yet
//! `true_installed`. `compliance-by-update.csv.gz` (with `--detail`): the same per site
//! database and update — databases × updates × samples rows, hundreds of megabytes in a
//! large hierarchy, hence compressed. `machines.csv`: per deployment, the
//! targeted machines fully compliant over time. `groups.csv`: per client group, where its
//! targeted machines stand over time (compliant with every deployment targeting them,
//! pending restart, never online, waiting for a maintenance window, still required).
//!
//! Times are `t_ms` (milliseconds since the start), `time` (`2d 03:15:00`) and `datetime`
//! (the calendar date-time in the start's zone, when the scenario has a start).
//!
//! Written with the `csv` crate, so names holding commas or quotes (update and deployment
//! ids come from people) are quoted as RFC 4180 says, and every row has the header's width;
//! each table goes to its writer a row at a time, never whole in memory.

use crate::engine::SimTime;
use crate::observe::Metrics;
use crate::observe::compliance::Sample;
use crate::observe::machines::GroupRows;
use crate::world::World;
use std::io::{self, Write};

/// The columns of `compliance.csv` after `t_ms,time,datetime,site,updates` (per site
/// database, counts of client × update pairs over its `updates`) and of
/// `compliance-by-update.csv.gz` after `t_ms,time,datetime,site,update`.
pub const COUNTS: [&str; 8] = [
    "required",
    "not_required",
    "installed",
    "unknown",
    "true_required",
    "true_pending_restart",
    "true_not_required",
    "true_installed",
];

/// A compliance table's header: the time, the site, `what` (`updates` or `update`), the
/// counts.
fn compliance_header(what: &'static str) -> Vec<&'static str> {
    [&["t_ms", "time", "datetime", "site", what][..], &COUNTS[..]].concat()
}

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

/// Writes `rows` as CSV under `header` into `w`, a row at a time.
fn table(
    w: &mut dyn Write,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(header)?;
    for row in rows {
        w.write_record(&row)?;
    }
    w.flush()
}

/// The cells after `update` of a row: the database's states (unknown: its clients without
/// a state) and the true states.
fn counts(db: [i64; 4], unknown: i64, truth: [i64; 4]) -> [String; 8] {
    [
        db[1], db[2], db[3], unknown, truth[1], truth[0], truth[2], truth[3],
    ]
    .map(|n| n.to_string())
}

/// `compliance.csv`: each sample's rows of one database summed over the updates.
pub fn write_compliance(w: &mut dyn Write, world: &World, metrics: &Metrics) -> io::Result<()> {
    let c = &metrics.compliance;
    let n = world.updates.len();
    let mut rows = c.rows();
    // `rows` gives each sample's databases in turn, each with its `n` updates in a run.
    let sums = std::iter::from_fn(move || {
        let first: Sample = rows.next()?;
        let mut sum = Sample {
            db: [0; 4],
            truth: [0; 4],
            ..first
        };
        let mut unknown = 0;
        for s in std::iter::once(first).chain(rows.by_ref().take(n.saturating_sub(1))) {
            unknown += c.unknown_of(s.site as usize, &s.db);
            (0..4).for_each(|k| {
                sum.db[k] += s.db[k];
                sum.truth[k] += s.truth[k];
            });
        }
        Some((sum, unknown))
    });
    let rows = sums.map(|(s, unknown)| {
        let mut row = vec![
            s.t.ms().to_string(),
            s.t.to_string(),
            datetime(world, s.t),
            world.sites[s.site as usize].code.clone(),
            n.to_string(),
        ];
        row.extend(counts(s.db, unknown, s.truth));
        row
    });
    table(w, &compliance_header("updates"), rows)
}

/// `compliance-by-update.csv.gz` (`--detail`): every site database × update × sample.
pub fn write_compliance_by_update(
    w: &mut dyn Write,
    world: &World,
    metrics: &Metrics,
) -> io::Result<()> {
    let c = &metrics.compliance;
    let rows = c.rows().map(|s| {
        let unknown = c.unknown_of(s.site as usize, &s.db);
        let mut row = vec![
            s.t.ms().to_string(),
            s.t.to_string(),
            datetime(world, s.t),
            world.sites[s.site as usize].code.clone(),
            world.updates[s.update as usize].id.clone(),
        ];
        row.extend(counts(s.db, unknown, s.truth));
        row
    });
    table(w, &compliance_header("update"), rows)
}

/// `machines.csv`: per deployment over time, its targeted machines that are fully compliant
/// (every update of it that applies installed, restarted where needed), truly and as the
/// site databases see them.
pub fn write_machines(w: &mut dyn Write, world: &World, metrics: &Metrics) -> io::Result<()> {
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
    table(w, &MACHINES_HEADER, rows)
}

/// `groups.csv`: per client group with targeted machines, over time, how many are in each
/// state. Written a sample at a time while the run goes (the observers' thread takes each
/// sample as the run passes it), never held whole.
pub struct GroupsCsv {
    w: csv::Writer<Box<dyn Write + Send + Sync>>,
    /// The first write that failed: later rows are dropped, and `finish` reports it.
    failed: Option<io::Error>,
}

impl GroupsCsv {
    /// The table on `w`, its header written.
    pub fn new(w: Box<dyn Write + Send + Sync>) -> Self {
        let mut w = csv::Writer::from_writer(w);
        let failed = w.write_record(GROUPS_HEADER).err().map(io_error);
        GroupsCsv { w, failed }
    }

    /// The rows of the sample at `t`: one per group with targeted machines, the time's
    /// three cells formatted once for all of them.
    fn write(&mut self, world: &World, t: SimTime, counts: &[[u32; 5]]) -> csv::Result<()> {
        let (ms, time, datetime) = (t.ms().to_string(), t.to_string(), datetime(world, t));
        for (g, counts) in counts.iter().enumerate() {
            let targeted: u32 = counts.iter().sum();
            if targeted == 0 {
                continue;
            }
            self.w.write_field(&ms)?;
            self.w.write_field(&time)?;
            self.w.write_field(&datetime)?;
            self.w.write_field(&world.groups[g].name)?;
            self.w.write_field(targeted.to_string())?;
            for n in counts {
                self.w.write_field(n.to_string())?;
            }
            self.w.write_field(format!(
                "{:.2}",
                100.0 * f64::from(counts[0]) / f64::from(targeted)
            ))?;
            self.w.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }
}

/// The I/O error under a CSV writer's error, with its kind (a full disk stays a full disk).
fn io_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

impl GroupRows for GroupsCsv {
    fn sample(&mut self, world: &World, t: SimTime, counts: &[[u32; 5]]) {
        if self.failed.is_none()
            && let Err(e) = self.write(world, t, counts)
        {
            self.failed = Some(io_error(e));
        }
    }

    /// Flushes the table; the first write that failed, if any did.
    fn finish(mut self: Box<Self>) -> io::Result<()> {
        match self.failed.take() {
            Some(e) => Err(e),
            None => self.w.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes `room` bytes, then fails every write.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A table written while the run goes keeps its first failed write for the end: the run
    /// reports it rather than leaving a cut `groups.csv` behind a run that seems finished.
    #[test]
    fn a_groups_table_that_could_not_be_written_says_so_at_the_finish() {
        let world = crate::load::load_file(
            concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/lab.ron").as_ref(),
        )
        .unwrap()
        .world;
        let (t, counts) = (SimTime(3_600_000), [[1, 2, 3, 4, 5]]);
        // 10,000 rows are about 600 kB: the header alone does not fit 10 bytes.
        for (room, fits) in [
            (0, false),
            (10, false),
            (100_000, false),
            (usize::MAX, true),
        ] {
            let mut table: Box<dyn GroupRows> = Box::new(GroupsCsv::new(Box::new(Full { room })));
            for _ in 0..10_000 {
                table.sample(&world, t, &counts);
            }
            match table.finish() {
                Ok(()) => assert!(fits, "room {room}: no error"),
                Err(e) => assert!(
                    !fits && e.kind() == io::ErrorKind::StorageFull,
                    "{room}: {e}"
                ),
            }
        }
    }
}
