//! One simulation run as the CLI and library users start it: options applied to the world,
//! observers attached, summary built, outputs written only once the run has succeeded.

use crate::engine::{SimDuration, SimTime};
use crate::estimate::{Budget, estimate};
use crate::model::{simulate, simulate_within};
use crate::observe::{Metrics, Progress, TraceWriter};
use crate::output::{OutDir, OutputError, Partial, Target};
use crate::report::Summary;
use crate::report::summary::view::View;
use crate::world::World;
use std::io::{self, BufWriter};
use std::ops::Range;
use std::path::PathBuf;

/// How to run a scenario; also the options of `cmsim run`.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct RunOptions {
    /// Seed of the random streams (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Run length, e.g. "14d" (default: the scenario's `end`); over 0, at most three years.
    #[arg(long, value_name = "DUR", value_parser = parse_until)]
    pub until: Option<SimDuration>,
    /// Writes the event trace (JSON Lines) to FILE; `-` writes it to standard output, in
    /// place of the summary (e.g. `cmsim run S.ron --trace - | cmsim verify - --scenario
    /// S.ron`). Not a name --out writes.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Keeps only these clients' events in the trace: "N" or "A..B" (B excluded), ids of the
    /// scenario's clients (0 to its count - 1).
    #[arg(long, value_name = "RANGE", value_parser = parse_client_range, requires = "trace")]
    pub trace_clients: Option<Range<u64>>,
    /// Interval of the compliance time series in compliance.csv (default 15m, at least 1m).
    #[arg(long, value_name = "DUR", value_parser = parse_sample)]
    pub sample: Option<SimDuration>,
    /// Writes report.html, summary.json, compliance.csv, machines.csv, charts/ and, last, `complete`
    /// into DIR (refused while another run writes there, or when DIR holds another run's
    /// outputs, unless --force).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replaces the outputs of an earlier run in --out (other files are left alone).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Draws the compliance chart and curve as site SITE's database sees them: a primary's
    /// holds only its clients, before they replicate to the central site; a secondary site
    /// has none, so its parent primary's (default: the view from the top, the central
    /// site's database or each stand-alone primary's). One run only, not --replications.
    #[arg(long, value_name = "SITE")]
    pub view: Option<String>,
    /// Shows every site, server, group, database and update in the report (default: a list
    /// of more than 10 shows its worst 5, per level where there are many sites) and writes the per-site ×
    /// update detail into --out (compliance-by-update.csv.gz, per group and update in
    /// summary.json).
    #[arg(long)]
    pub detail: bool,
    /// No progress bar (the command line's global `-q`).
    #[arg(skip)]
    pub quiet: bool,
    /// The scenario as written, quoted by `report.html` so that the page alone repeats the
    /// run (set by the command line from the file it loaded).
    #[arg(skip)]
    pub source: Option<std::sync::Arc<crate::report::html::Source>>,
    /// `--max-events` and `--max-memory` (given on the command line with the other limits of
    /// a command's runs; see `estimate`).
    #[arg(skip)]
    pub budget: Budget,
    /// Runs the observers on the simulation's own thread, not beside it: for runs that go
    /// several at once (replications, sweeps), whose threads already keep the cores busy.
    #[arg(skip)]
    pub one_thread: bool,
}

/// The shortest `--sample` interval accepted.
pub const MIN_SAMPLE: SimDuration = SimDuration::from_mins(1);

/// The most rows of the compliance time series (samples × site databases × updates) a run
/// may keep in memory: about 48 bytes each, so about 1 GB.
pub const MAX_SERIES_ROWS: u64 = 20_000_000;

/// Parses `--until`: a duration over 0 and within the limit on a scenario's `end`.
pub fn parse_until(s: &str) -> Result<SimDuration, String> {
    let d = SimDuration::parse(s)?;
    let max = crate::scenario::LIMITS.run;
    if d == SimDuration::ZERO {
        Err("the run must last longer than 0".into())
    } else if d > max {
        Err(format!(
            "`{s}`: runs longer than {} are refused (the limit on a scenario's `end`)",
            crate::scenario::Dur(max)
        ))
    } else {
        Ok(d)
    }
}

/// Parses `--sample`: a duration of at least [`MIN_SAMPLE`].
pub fn parse_sample(s: &str) -> Result<SimDuration, String> {
    let d = SimDuration::parse(s)?;
    if d < MIN_SAMPLE {
        Err(format!(
            "`{s}`: expected a sample interval of at least {}",
            crate::scenario::Dur(MIN_SAMPLE)
        ))
    } else {
        Ok(d)
    }
}

/// Parses a client id range: `"N"` or `"A..B"` (B excluded, A < B), without overflowing.
pub fn parse_client_range(s: &str) -> Result<Range<u64>, String> {
    let num = |x: &str| {
        x.trim().parse::<u64>().map_err(|_| {
            format!(
                "`{x}` is not a client id (expected a number up to {})",
                u64::MAX
            )
        })
    };
    match s.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (num(a)?, num(b)?);
            if a < b {
                Ok(a..b)
            } else {
                Err(format!("`{s}`: expected A..B with A < B (B excluded)"))
            }
        }
        None => {
            let n = num(s)?;
            let end = n.checked_add(1).ok_or_else(|| {
                format!(
                    "`{s}`: client ids go up to {}; expected a smaller id",
                    u64::MAX - 1
                )
            })?;
            Ok(n..end)
        }
    }
}

/// Refuses options that cannot run on `world` (with `opts` applied): a `--view` of a site
/// it does not have, `--trace-clients` naming none of its clients, a trace path that cannot
/// be written or that the outputs would replace, an `--out` that is refused, a run over its
/// event or memory budget, a compliance time series too large to keep in memory. Nothing
/// has been written when this fails.
pub fn check(world: &World, opts: &RunOptions) -> Result<(), RunError> {
    view(world, opts)?;
    // The scenario's own end was checked against the calendar's last day; --until moves it.
    if let (Some(until), Some(calendar)) = (opts.until, &world.calendar)
        && let Some((_, why)) = crate::scenario::past_the_calendar(
            calendar,
            world.end,
            &crate::scenario::When::Offset(crate::scenario::Dur(until)),
        )
    {
        return Err(RunError::Argument(format!("--until: {why}")));
    }
    if let Some(range) = &opts.trace_clients
        && range.start >= world.clients()
    {
        return Err(RunError::Argument(format!(
            "--trace-clients {}..{}: the scenario has {} clients, ids 0..{}; choose ids \
             below {}",
            range.start,
            range.end,
            world.clients(),
            world.clients(),
            world.clients()
        )));
    }
    if let Some(trace) = &opts.trace {
        crate::output::check_trace(trace, opts.out.as_deref())?;
    }
    if let Some(dir) = &opts.out {
        Target::new(dir.clone(), opts.force, "run", &[]).precheck(None)?;
    }
    let sample = opts.sample.unwrap_or(DEFAULT_SAMPLE);
    opts.budget
        .check(estimate(world, sample), 1, 1, "this run")
        .map_err(RunError::Argument)?;
    if opts.out.is_some() {
        opts.budget
            .check_output(crate::estimate::output_bytes(world, sample), sample)
            .map_err(RunError::Argument)?;
    }
    series(world, opts)
}

/// The site database `--view` asks for, if any.
fn view(world: &World, opts: &RunOptions) -> Result<Option<View>, RunError> {
    let of = |code: &String| View::of(world, code).map_err(RunError::Argument);
    opts.view.as_ref().map(of).transpose()
}

/// Refuses a compliance time series too large to keep in memory.
fn series(world: &World, opts: &RunOptions) -> Result<(), RunError> {
    let sample = opts.sample.unwrap_or(DEFAULT_SAMPLE);
    if sample < MIN_SAMPLE {
        return Err(RunError::Argument(format!(
            "--sample: expected a sample interval of at least {}",
            crate::scenario::Dur(MIN_SAMPLE)
        )));
    }
    let db_sites = world.database_sites();
    let crate::estimate::SeriesRows { samples, rows } = crate::estimate::series_rows(world, sample);
    if rows > MAX_SERIES_ROWS {
        // The smallest whole number of minutes that brings the series within the limit.
        let per_sample = (db_sites as u64 * world.updates.len() as u64).max(1);
        let fits = (MAX_SERIES_ROWS / per_sample).saturating_sub(2).max(1);
        let mins = (world.end - SimTime::ZERO)
            .ms()
            .div_ceil(fits * 60_000)
            .max(1);
        return Err(RunError::Argument(format!(
            "--sample {}: the compliance time series would have about {rows} rows ({samples} \
             samples × {} site databases × {} updates), over the limit of {MAX_SERIES_ROWS}; \
             use a larger --sample (e.g. --sample {}) or a shorter --until",
            crate::scenario::Dur(sample),
            db_sites,
            world.updates.len(),
            crate::scenario::Dur(SimDuration::from_mins(mins)),
        )));
    }
    Ok(())
}

/// The compliance time series interval without `--sample`.
pub const DEFAULT_SAMPLE: SimDuration = SimDuration::from_mins(15);

/// Why a run failed after its scenario was accepted.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// An option cannot be used with this scenario (e.g. `--sample` too small for its size).
    #[error("{0}")]
    Argument(String),
    /// Drawing a chart failed.
    #[error("{0}")]
    Chart(String),
    /// The model broke one of its invariants: a defect of cmsim, not of the scenario.
    #[error("{0}")]
    Internal(#[from] crate::model::Broken),
    /// Writing an output failed.
    #[error("{path}: {source}")]
    Output {
        /// The file.
        path: String,
        /// The cause.
        source: io::Error,
    },
}

fn output(path: &std::path::Path) -> impl FnOnce(io::Error) -> RunError + '_ {
    move |source| RunError::Output {
        path: path.display().to_string(),
        source,
    }
}

/// A refused output directory is the user's to fix (like a bad option); a failed write is not.
impl From<OutputError> for RunError {
    fn from(e: OutputError) -> RunError {
        match e {
            OutputError::Refused(m) => RunError::Argument(m),
            OutputError::Chart(m) => RunError::Chart(m),
            OutputError::Io { path, source } => RunError::Output { path, source },
        }
    }
}

/// Applies `--seed` and `--until` to a world.
pub fn apply(world: &mut World, opts: &RunOptions) {
    if let Some(seed) = opts.seed {
        world.seed = seed;
    }
    if let Some(until) = opts.until {
        world.end = SimTime::ZERO + until;
    }
}

/// Runs `world` with `opts` (already applied) and returns its summary.
///
/// With `opts.out`, the directory is claimed (locked and checked, see [`crate::output`])
/// before anything runs; the files are staged and moved into place only once all are written,
/// the `complete` marker last. The trace is written under a temporary name and renamed into
/// place when the run ends, before the marker.
pub fn run(world: &World, opts: &RunOptions) -> Result<Summary, RunError> {
    check(world, opts)?;
    let view = view(world, opts)?;
    let out = match &opts.out {
        Some(dir) => {
            let target = Target {
                about: format!("scenario {:?}, seed {}", world.name, world.seed),
                ..Target::new(dir.clone(), opts.force, "run", &[])
            };
            Some(OutDir::claim(&target)?)
        }
        None => None,
    };
    let (trace_file, trace) = match &opts.trace {
        Some(path) if crate::load::is_stdin(path) => {
            let out: Box<dyn io::Write + Send> = Box::new(io::stdout());
            let writer = TraceWriter::new(world, BufWriter::new(out), opts.trace_clients.clone());
            (None, Some(writer))
        }
        Some(path) => {
            let (partial, f) = Partial::create(path)?;
            let f: Box<dyn io::Write + Send> = Box::new(f);
            let writer = TraceWriter::new(world, BufWriter::new(f), opts.trace_clients.clone());
            (Some(partial), Some(writer))
        }
        None => (None, None),
    };
    let sample = opts.sample.unwrap_or(DEFAULT_SAMPLE);
    let mut metrics = Metrics::new(world, sample);
    if let Some(out) = &out {
        // Written while the run goes (issue 13): the samples are not held to the end.
        let table = crate::report::csv::GroupsCsv::new(out.create("groups.csv")?);
        metrics.machines.stream_to(Box::new(table));
    }
    let mut progress = Progress::new(world.end, opts.quiet);
    let mut observers = ((&mut metrics, &mut progress), trace);
    let max_events = opts.budget.max_events();
    // The observers run beside the simulation, on the second core (`observe/relay.rs`).
    let stats = match opts.one_thread {
        true => simulate_within(world, max_events, &mut observers),
        false => crate::observe::relay::relayed(&mut observers, |relay| {
            simulate_within(world, max_events, relay)
        }),
    };
    let trace = observers.1;
    progress.finish();
    let stats = match stats {
        Ok(stats) => stats,
        Err(broken) => {
            // A broken run keeps its trace, without `run_end`, under its final name for
            // diagnosis (flushed when dropped); `--out` gets nothing.
            drop(trace);
            if let Some(partial) = trace_file {
                partial.persist()?;
            }
            return Err(broken.into());
        }
    };
    if stats.cut {
        // Stopped at the limit: no figures, and the partial trace is removed when dropped.
        return Err(RunError::Argument(format!(
            "the run reached --max-events {} at {} of {} and was stopped without figures. \
             Shorten the run (--until) or raise the limit (e.g. --max-events {})",
            crate::estimate::grouped(max_events),
            stats.end,
            world.end,
            max_events.saturating_mul(4)
        )));
    }
    let summary = close(world, &mut metrics, &stats, view.as_ref());
    if let (Some(groups), Some(out)) = (metrics.machines.take_rows(), &out) {
        groups
            .finish()
            .map_err(output(&out.staging().join("groups.csv")))?;
    }
    let summary = if opts.detail {
        summary
    } else {
        summary.without_detail()
    };
    if let Some(out) = &out {
        use crate::report::csv;
        out.write("summary.json", &summary.to_json())?;
        // The tables and the charts are written at once, on both cores: neither reads the
        // other, and at a million clients each takes about a second.
        let metrics = &metrics;
        let (tables, charts) = std::thread::scope(|s| {
            let tables = s.spawn(|| -> Result<(), RunError> {
                out.stream("compliance.csv", |w| {
                    csv::write_compliance(w, world, metrics)
                })?;
                if opts.detail {
                    out.stream("compliance-by-update.csv.gz", |w| {
                        csv::write_compliance_by_update(w, world, metrics)
                    })?;
                }
                out.stream("machines.csv", |w| csv::write_machines(w, world, metrics))?;
                Ok(())
            });
            let charts = crate::report::charts::write(
                &out.staging().join("charts"),
                world,
                metrics,
                &summary,
            );
            // As `thread::scope` does with a thread that panicked.
            let tables = tables
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (tables, charts)
        });
        tables?;
        let charts = charts.map_err(RunError::Chart)?;
        let detail = crate::report::text::Detail::from_flag(opts.detail);
        let source = opts.source.as_deref();
        let page = crate::report::html::run(&summary, world, &charts, source, detail);
        out.write("report.html", &page)?;
    }
    if let (Some(t), Some(path)) = (trace, &opts.trace) {
        match t.finish(&stats) {
            Ok(_) => {}
            // A reader of `--trace -` that went away (`| head`) is no failure of the run, as
            // for every command's standard output.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe && trace_file.is_none() => {}
            Err(e) => return Err(output(path)(e)),
        }
        if let Some(partial) = trace_file {
            partial.persist()?;
        }
    }
    if let Some(out) = out {
        out.commit()?;
    }
    Ok(summary)
}

/// Closes the figures' time series at the run's end and builds its summary.
pub(crate) fn close(
    world: &World,
    metrics: &mut Metrics,
    stats: &crate::engine::RunStats,
    view: Option<&View>,
) -> Summary {
    metrics.compliance.sample_until(stats.end);
    metrics.deployment.sample_until(stats.end);
    metrics.machines.finish(world, stats.end);
    metrics.policy.finish(stats.end);
    Summary::new(world, metrics, stats, view)
}

/// Runs `world` and returns its trace as text (for tests and examples).
///
/// # Panics
/// When the model breaks an invariant: tests must see that as a failure.
pub fn trace_to_string(world: &World) -> String {
    try_trace_to_string(world).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `world` and returns its trace as text, or the invariant it broke.
pub fn try_trace_to_string(world: &World) -> Result<String, crate::model::Broken> {
    let mut writer = TraceWriter::new(world, Vec::new(), None);
    let stats = simulate(world, &mut writer)?;
    let bytes = writer
        .finish(&stats)
        .expect("writing to memory cannot fail");
    Ok(String::from_utf8(bytes).expect("the trace is UTF-8"))
}
