//! The cost of a run, known before it starts: about how many events it will handle and how
//! much memory it will hold at its peak, from the scenario and the flags. A command over its
//! limits (`--max-events`, `--max-memory`) is refused with the estimate in the message, so a
//! 1-second timer over three years or 10 million clients × 100,000 updates gets an answer in
//! milliseconds, not hours or an out-of-memory kill on a shared machine.
//!
//! The estimate follows the model's event sources: syncs (R01–R06) and the scan round each
//! gives every client (R09–R13), the clients' scan schedules (R10) and deployment
//! re-evaluations (R17), ITMU refreshes (R08), each deployment's policy, evaluation,
//! download, install and restart (R16–R18, R25), deadline notifications (R22) and DP
//! connection retries during outages (R20). It is an estimate: a run that passes
//! `--max-events` anyway is stopped there (see [`Budget::max_events`]), so the limit holds.

use crate::engine::{SimDuration, SimTime};
use crate::scenario::Dur;
use crate::world::{OutageTarget, TimedAction, World};

/// Events a run is refused above without `--max-events`: about ten minutes of simulation on
/// one core of a small server (the million-client gallery scenario handles 55 million).
pub const DEFAULT_MAX_EVENTS: u64 = 1_000_000_000;

/// Memory a command is refused above without `--max-memory`: 8 GiB.
pub const DEFAULT_MAX_MEMORY: u64 = 8 << 30;

/// What `--out` may write without `--max-output`: 4 GiB. The million-client gallery run
/// writes 65 MB; a small scenario run for years with many groups would write gigabytes of
/// `groups.csv` (every group every sample) before anyone saw a figure.
pub const DEFAULT_MAX_OUTPUT: u64 = 4 << 30;

/// Bytes of one `groups.csv` row beside its group's name: the times (ms, hh:mm, ISO date)
/// and five counts (measured: 47 bytes a row with 2-letter names).
const GROUP_ROW_BYTES: u64 = 48;

/// What one run will cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Events handled.
    pub events: u64,
    /// Peak memory in bytes.
    pub memory: u64,
}

/// The limits of one command, `--max-events` and `--max-memory`.
#[derive(Clone, Copy, Debug, Default, clap::Args)]
pub struct Budget {
    /// Refuses a command estimated to handle more events than N over all its runs, and stops
    /// a run that reaches N anyway (default 1000000000, about ten minutes).
    #[arg(long, value_name = "N")]
    pub max_events: Option<u64>,
    /// Refuses a command estimated to need more memory than SIZE at once, e.g. "16GiB"
    /// (default 8GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_memory)]
    pub max_memory: Option<u64>,
    /// Refuses a run whose --out files are estimated at more than SIZE, e.g. "20GiB"
    /// (default 4GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_memory)]
    pub max_output: Option<u64>,
}

impl Budget {
    /// The event limit in force.
    pub fn max_events(&self) -> u64 {
        self.max_events.unwrap_or(DEFAULT_MAX_EVENTS)
    }

    /// The memory limit in force, in bytes.
    pub fn max_memory(&self) -> u64 {
        self.max_memory.unwrap_or(DEFAULT_MAX_MEMORY)
    }

    /// The `--out` size limit in force, in bytes.
    pub fn max_output(&self) -> u64 {
        self.max_output.unwrap_or(DEFAULT_MAX_OUTPUT)
    }

    /// Refuses an `--out` directory estimated at `bytes` when over the limit; the message
    /// says what grows it and how to make it smaller.
    pub fn check_output(&self, bytes: u64, sample: SimDuration) -> Result<(), String> {
        if bytes <= self.max_output() {
            return Ok(());
        }
        let coarser = Dur(SimDuration(sample.ms().saturating_mul(4)));
        Err(format!(
            "--out would write about {} (groups.csv: every targeted group at every sample, \
             each {}), over the limit of {}; sample less often (--sample {coarser}), shorten \
             the run (--until), or raise the limit with --max-output {}",
            size(bytes),
            Dur(sample),
            size(self.max_output()),
            size(bytes.next_power_of_two())
        ))
    }

    /// Refuses `runs` runs of cost `each`, `parallel` of them at once, when over a limit.
    /// `what` names the work in the message ("2 replications of `Lab`").
    pub fn check(
        &self,
        each: Estimate,
        runs: u64,
        parallel: u64,
        what: &str,
    ) -> Result<(), String> {
        let events = each.events.saturating_mul(runs);
        let memory = each.memory.saturating_mul(parallel.clamp(1, runs.max(1)));
        if events > self.max_events() {
            let per_run = if runs > 1 {
                format!(" ({} per run × {runs} runs)", grouped(each.events))
            } else {
                String::new()
            };
            return Err(format!(
                "{what} would handle about {} events{per_run}, over the limit of {}; shorten \
                 the run (--until), reduce the scenario, or raise the limit with --max-events {}",
                grouped(events),
                grouped(self.max_events()),
                round_up(events)
            ));
        }
        if memory > self.max_memory() {
            let at_once = parallel.clamp(1, runs.max(1));
            let per_run = if at_once > 1 {
                format!(
                    " ({} per run × {at_once} at once; fewer with --jobs)",
                    size(each.memory)
                )
            } else {
                String::new()
            };
            return Err(format!(
                "{what} would need about {} of memory{per_run}, over the limit of {}; reduce \
                 clients × updates or sites × updates, or raise the limit with --max-memory {}",
                size(memory),
                size(self.max_memory()),
                size(memory.next_power_of_two())
            ));
        }
        Ok(())
    }
}

/// Parses `--max-memory`: a size as a scenario writes one (`16GiB`, `500MB`), above 0.
pub fn parse_memory(text: &str) -> Result<u64, String> {
    match crate::scenario::units::Bytes::parse(text)? {
        crate::scenario::units::Bytes(0) => Err(format!("`{text}`: expected a size above 0")),
        crate::scenario::units::Bytes(n) => Ok(n),
    }
}

/// What running `world` with a compliance sample every `sample` will cost.
pub fn estimate(world: &World, sample: SimDuration) -> Estimate {
    Estimate {
        events: events(world).min(u64::MAX as f64) as u64,
        memory: memory(world, sample),
    }
}

/// About how many bytes `--out` writes for `world` sampled every `sample`: `groups.csv`, the
/// one output that grows with groups × samples (the others keep a row per change, or per
/// level, and stay in megabytes).
pub fn output_bytes(world: &World, sample: SimDuration) -> u64 {
    let samples = samples(world, sample);
    world
        .groups
        .iter()
        .filter(|g| g.deployments != 0)
        .map(|g| GROUP_ROW_BYTES + g.name.len() as u64)
        .fold(0u64, u64::saturating_add)
        .saturating_mul(samples)
}

/// Occurrences of a cycle of `interval` within `span` (f64: no overflow on any input).
fn times(span: SimDuration, interval: Dur) -> f64 {
    span.ms() as f64 / interval.0.ms().max(1) as f64
}

/// Ticks of a periodic schedule of `interval` (0: off) within `span` after its start.
fn ticks(span: SimDuration, interval: Dur) -> f64 {
    if interval.0.ms() == 0 {
        0.0
    } else {
        times(span, interval).floor()
    }
}

fn events(w: &World) -> f64 {
    let s = &w.settings;
    let run = w.end - SimTime::ZERO;
    let clients: f64 = w.groups.iter().map(|g| f64::from(g.count)).sum();
    // R01/R03: scheduled and manual syncs; R06: a failed attempt is retried every interval.
    let scheduled = if s.scheduled_sync && s.sync_schedule_first.0 <= run {
        times(
            SimDuration::from_ms(run.ms() - s.sync_schedule_first.0.ms()),
            s.sync_schedule_interval,
        )
        .floor()
            + 1.0
    } else {
        0.0
    };
    let manual = w
        .actions
        .iter()
        .filter(|a| matches!(a, TimedAction::RunSync(_)))
        .count() as f64;
    let syncs = scheduled + manual;
    let p = s.sync_failure_probability.clamp(0.0, 1.0);
    let retries_at_most = times(run, s.sync_retry_interval);
    let outage_retries: f64 = w
        .outages
        .iter()
        .filter(|o| !matches!(o.target, OutageTarget::Dp(_)))
        .map(|o| times(o.to - o.from, s.sync_retry_interval) + 1.0)
        .sum();
    let attempts = (syncs / (1.0 - p).max(1e-9)).min(syncs + retries_at_most) + outage_retries;
    // Each attempt: request, WSUS cycle, database update or failure, retry (R02–R06), at
    // every SUP; each sync gives each client a scan policy, a scan and a state send with its
    // forward (R09–R13).
    let mut n = 4.0 * attempts * w.sups.len() as f64 + 5.0 * syncs * clients;
    // R08: SMS 2003 clients scan after each ITMU catalog refresh.
    let legacy: f64 = w
        .groups
        .iter()
        .filter(|g| g.legacy)
        .map(|g| f64::from(g.count))
        .sum();
    n += (times(run, s.itmu_catalog_interval) + 1.0) * (1.0 + 5.0 * legacy);
    // R10: the scan schedule of every other client, from its first scan: each tick, its
    // scan start and end (`scan_schedule_interval`, 0: none); a state send only when a state
    // changed, which the scan policy's round counts.
    n += 3.0 * (clients - legacy) * ticks(run, s.scan_schedule_interval);
    // Machines that are off: each change of an office desktop (two per day, weekends
    // counted too; for one left on, its user's coming and going) or of a laptop's spells,
    // its line, and what it catches up at start-up.
    n += w
        .groups
        .iter()
        .map(|g| {
            let changes = match g.power {
                crate::world::Power::AlwaysOn => 2.0 * f64::from(u8::from(g.away.is_some())),
                crate::world::Power::Office { .. } => {
                    2.0 * run.ms() as f64 / crate::engine::time::DAY as f64 + 2.0
                }
                crate::world::Power::Intermittent { online, offline } => {
                    2.0 * run.ms() as f64 / (online + offline).max(1) as f64 + 2.0
                }
            };
            3.0 * changes * f64::from(g.count)
        })
        .sum::<f64>();
    // Maintenance windows: one event per opening and closing, per group, not per machine.
    n += 2.0 * w.windows.openings.len() as f64;
    for (d, dep) in w.deployments.iter().enumerate() {
        let targeted = targeted(w, dep);
        // Policy, evaluation scan, state sends, location, download, user dialog; per update
        // an install; scans before and after; a restart, and with a restart countdown its
        // final warning (R16–R18, R24, R25).
        let warning = s.restart_countdown.0.ms() > 0 && s.restart_final_warning.0.ms() > 0;
        // A rule's run has its updates and deadline only when it runs: its share of what
        // the rule's criteria take, and its rule's deadline.
        let rule = dep.adr.map(|a| &w.adrs[usize::from(a.rule)]);
        let mandatory = dep.deadline.is_some() || rule.is_some_and(|r| r.deadline_after.is_some());
        let updates = rule.map_or(dep.updates.len(), |r| {
            r.candidates.len().div_ceil(r.runs.max(1) as usize)
        });
        // With deadline randomization, each client's activation is an event of its own.
        let activation =
            w.randomization(crate::world::DeploymentId(d as u32)).ms() > 0 && mandatory;
        let per_client = 14.0
            + 2.0 * updates as f64
            + f64::from(u8::from(warning))
            + f64::from(u8::from(activation));
        let changes = w
            .actions
            .iter()
            .filter(|a| matches!(a, TimedAction::SetDeadline { deployment, .. } if deployment.index() == d))
            .count() as f64;
        let deadlines = dep
            .deadline
            .into_iter()
            .chain(w.actions.iter().filter_map(|a| match a {
                TimedAction::SetDeadline {
                    deployment,
                    deadline,
                    ..
                } if deployment.index() == d => Some(*deadline),
                _ => None,
            }));
        // R22: a notification every far interval until the near threshold (a day before),
        // every near interval until the imminent threshold (an hour before), then every
        // imminent interval; counted to the latest deadline.
        let notes = deadlines
            .map(|deadline| {
                let left = deadline.min(w.end) - dep.available.min(w.end);
                let (day, hour) = (s.notify_near_threshold.0, s.notify_imminent_threshold.0);
                let far = left.ms().saturating_sub(day.ms());
                let near = left.ms().min(day.ms()).saturating_sub(hour.ms());
                let imminent = left.ms().min(hour.ms());
                times(SimDuration::from_ms(far), s.notify_far_interval)
                    + times(SimDuration::from_ms(near), s.notify_near_interval)
                    + times(SimDuration::from_ms(imminent), s.notify_imminent_interval)
                    + 1.0
            })
            .fold(0.0, f64::max);
        // R20: during an outage of the only DP of its site with the content, that site's
        // clients (and those of sites with no such DP, which may be sent there) retry the
        // connection every interval, for at most the budget.
        let site_dps = |site| {
            dep.dps
                .iter()
                .filter(|x| w.dps[x.index()].site == site)
                .count()
        };
        let dp_down: f64 = w
            .outages
            .iter()
            .filter_map(|o| match o.target {
                OutageTarget::Dp(x) if dep.dps.contains(&x) => Some((o, w.dps[x.index()].site)),
                _ => None,
            })
            .filter(|&(_, site)| site_dps(site) == 1)
            .map(|(o, site)| {
                let span = (o.to - o.from).min(s.dp_connect_retry_budget.0);
                let clients: f64 = dep
                    .targets
                    .iter()
                    .map(|&(g, share)| (&w.groups[g.index()], share.clamp(0.0, 1.0)))
                    .filter(|(g, _)| g.site == site || site_dps(g.site) == 0)
                    .map(|(g, share)| f64::from(g.count) * share)
                    .sum();
                clients * (times(span, s.dp_connect_retry_interval) + 1.0)
            })
            .sum();
        // R17: re-evaluation from registration: each tick, its scan and a fresh reminder.
        let reevaluations = ticks(
            w.end - dep.available.min(w.end),
            s.deployment_reevaluation_interval,
        );
        n += targeted * (per_client + 3.0 * changes + notes + 3.0 * reevaluations) + dp_down;
        // Content: source, copies to each DP, availability, deadline (R16).
        n += 4.0 + 2.0 * dep.dps.len() as f64;
    }
    n + w.actions.len() as f64 + 2.0 * w.outages.len() as f64 + 2.0
}

/// Clients a deployment targets: each target group's count times its share.
fn targeted(w: &World, dep: &crate::world::Deployment) -> f64 {
    dep.targets
        .iter()
        .map(|&(g, share)| f64::from(w.groups[g.index()].count) * share.clamp(0.0, 1.0))
        .sum()
}

/// Peak memory: the world, the clients' records, the pending events, the site databases'
/// tallies and the kept time series, plus the program itself.
fn memory(w: &World, sample: SimDuration) -> u64 {
    let clients = w.clients();
    let updates = w.updates.len() as u64;
    let sites = w.sites.len() as u64;
    // A machine that follows the calendar keeps 2 bytes of power draws and, in office hours,
    // 4 of its next period's length (`model/power.rs`); the policy load keeps each client's
    // poll phase and MP.
    let per_client = crate::model::bytes_per_client(w.updates.len()) as u64
        + crate::model::PENDING_BYTES_PER_CLIENT
        + 6
        + crate::observe::policy_load::BYTES_PER_CLIENT;
    let targeted = (w.deployments.iter().map(|d| targeted(w, d)).sum::<f64>() as u64).min(clients);
    let series_rows = series_rows(w, sample);
    let db_sites = w.database_sites() as u64;
    let world = updates.saturating_mul(200)
        + w.groups
            .iter()
            .map(|g| 32 * g.applicability.len() as u64 + 200)
            .sum::<u64>();
    let tallies = crate::observe::bytes_per_site_update()
        .saturating_mul(sites)
        .saturating_add(
            crate::observe::bytes_per_group_update().saturating_mul(w.groups.len() as u64),
        )
        .saturating_mul(updates);
    let series = crate::observe::bytes_per_sample_row().saturating_mul(
        series_rows.rows.saturating_add(
            series_rows
                .samples
                .saturating_mul(w.deployments.len() as u64),
        ),
    );
    // The summary and report: figures per (site database, update), measured.
    const REPORT_PER_DB_UPDATE: u64 = 640;
    let report = REPORT_PER_DB_UPDATE.saturating_mul(db_sites.saturating_mul(updates));
    const PROGRAM: u64 = 24 << 20;
    clients
        .saturating_mul(per_client)
        .saturating_add(targeted.saturating_mul(crate::model::DEPLOYED_BYTES_PER_CLIENT))
        .saturating_add(world)
        .saturating_add(report)
        .saturating_add(tallies)
        .saturating_add(series)
        .saturating_add(PROGRAM)
}

/// The compliance time series a run keeps: a sample at 0, every `sample` and at the end, for
/// each site database with clients, for each update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeriesRows {
    /// Samples over the run.
    pub samples: u64,
    /// Rows in all: samples × site databases × updates.
    pub rows: u64,
}

/// Samples of a run of `w` every `sample`: one at each multiple up to the end, and the
/// end's own.
fn samples(w: &World, sample: SimDuration) -> u64 {
    (w.end - SimTime::ZERO).ms() / sample.ms().max(1) + 2
}

/// The rows of the compliance series of `w` sampled every `sample`.
pub fn series_rows(w: &World, sample: SimDuration) -> SeriesRows {
    let samples = samples(w, sample);
    SeriesRows {
        samples,
        rows: samples
            .saturating_mul(w.database_sites() as u64)
            .saturating_mul(w.updates.len() as u64),
    }
}

/// `n` with thin spaces between thousands: 1 234 567.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The next round number at or above `n` with one significant digit: 3,400,000 → 4000000.
fn round_up(n: u64) -> u64 {
    let mut unit = 1u64;
    while n / unit >= 10 {
        unit = unit.saturating_mul(10);
    }
    (n / unit + 1).saturating_mul(unit)
}

/// Bytes for people: 8.0 GiB, 512 MiB, 25.3 MiB, 4 KiB, 1 B. Estimates above a mebibyte
/// keep a decimal rather than round, and a limit below one reads as given (`--max-memory 1B`
/// was told "over the limit of 1MiB").
pub fn size(bytes: u64) -> String {
    const GIB: f64 = (1u64 << 30) as f64;
    const MIB: u64 = 1 << 20;
    let b = bytes as f64;
    if b >= GIB {
        format!("{:.1}GiB", b / GIB)
    } else if bytes.is_multiple_of(MIB) && bytes > 0 {
        format!("{}MiB", bytes / MIB)
    } else if bytes >= MIB {
        format!("{:.1}MiB", b / MIB as f64)
    } else if bytes.is_multiple_of(1024) && bytes > 0 {
        format!("{}KiB", bytes / 1024)
    } else {
        format!("{bytes}B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sizes_parse_in_both_bases() {
        assert_eq!(parse_memory("8GiB"), Ok(8 << 30));
        assert_eq!(parse_memory("500MB"), Ok(500_000_000));
        assert_eq!(parse_memory(" 1.5 GiB "), Ok(1_610_612_736));
        assert!(parse_memory("0").unwrap_err().contains("above 0"));
        assert!(parse_memory("1e30").is_err());
        assert!(
            parse_memory("99999999999TiB")
                .unwrap_err()
                .contains("out of range")
        );
        assert!(parse_memory("12 bananas").unwrap_err().contains("bananas"));
    }

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(999), "999");
        assert_eq!(round_up(3_400_000), 4_000_000);
        assert_eq!(round_up(u64::MAX), u64::MAX);
        assert_eq!(size(8 << 30), "8.0GiB");
        assert_eq!(size(3 << 20), "3MiB");
        assert_eq!(size((3 << 20) + (1 << 19)), "3.5MiB");
        assert_eq!(size(4096), "4KiB");
        assert_eq!(size(1), "1B");
    }

    #[test]
    fn a_budget_refuses_what_is_over_and_names_the_flag() {
        let b = Budget::default();
        let small = Estimate {
            events: 1000,
            memory: 1 << 20,
        };
        assert!(b.check(small, 10, 2, "x").is_ok());
        let many = Estimate {
            events: 2_000_000_000,
            ..small
        };
        assert!(
            b.check(many, 1, 1, "x")
                .unwrap_err()
                .contains("--max-events")
        );
        let big = Estimate {
            memory: 5 << 30,
            ..small
        };
        assert!(b.check(big, 1, 1, "x").is_ok());
        assert!(
            b.check(big, 4, 2, "x")
                .unwrap_err()
                .contains("--max-memory")
        );
        assert!(b.check(big, u64::MAX, u64::MAX, "x").is_err());
    }
}
