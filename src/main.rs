//! The `cmsim` command line: parses arguments and calls the library.

use clap::{Parser, Subcommand};
use cmsim::output::{OutDir, OutputError, Target};
use cmsim::{RunOptions, load_file};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// A deterministic simulator of a ConfigMgr (SCCM/MECM) software-update hierarchy.
#[derive(Parser)]
#[command(name = "cmsim", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs a scenario and prints its summary.
    Run {
        /// Scenario file (RON).
        scenario: PathBuf,
        #[command(flatten)]
        opts: RunOptions,
        #[command(flatten)]
        plan: Plan,
    },
    /// Runs two plans on the same seeds and shows their figures side by side.
    Compare {
        /// Plan A (RON).
        a: PathBuf,
        /// Plan B (RON).
        b: PathBuf,
        /// First seed (default: plan A's); replication i uses seed + i.
        #[arg(long)]
        seed: Option<u64>,
        /// Writes comparison.json and a chart overlaying both plans into DIR.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replaces the outputs of an earlier run in --out.
        #[arg(long, requires = "out")]
        force: bool,
        #[command(flatten)]
        plan: Plan,
    },
    /// Runs every point of the scenario's `sweep` grid; one table row per point.
    Sweep {
        /// Scenario file (RON) with a `sweep: [...]`.
        scenario: PathBuf,
        /// Runs only the points whose index is I modulo N (e.g. `--shard 3/8`).
        #[arg(long, value_name = "I/N", value_parser = cmsim::sweep::Shard::parse)]
        shard: Option<cmsim::sweep::Shard>,
        /// Writes sweep.csv (or sweep-shard-I-of-N.csv) into DIR instead of printing it.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replaces the outputs of an earlier run in --out (a shard: its own table only).
        #[arg(long, requires = "out")]
        force: bool,
        #[command(flatten)]
        plan: Plan,
    },
    /// Joins the tables of sweep shards into one.
    Merge {
        /// Shard tables written by `cmsim sweep --shard`.
        #[arg(required = true)]
        tables: Vec<PathBuf>,
        /// Writes sweep.csv into DIR instead of printing it.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replaces the outputs of an earlier run in --out.
        #[arg(long, requires = "out")]
        force: bool,
    },
    /// Checks a scenario file and describes the hierarchy; runs nothing.
    Check {
        /// Scenario file (RON).
        scenario: PathBuf,
    },
    /// Prints the rule table: id, rule, parameters, defaults (and values in a scenario).
    Rules {
        /// Shows the values in force in this scenario.
        #[arg(long)]
        scenario: Option<PathBuf>,
    },
    /// Checks a trace against the rules it exercises; exit code 1 on a violation.
    Verify {
        /// Trace file (JSON Lines) written by `cmsim run --trace`.
        trace: PathBuf,
        /// The scenario that produced it, for its parameter values (default: the defaults).
        #[arg(long)]
        scenario: Option<PathBuf>,
    },
}

/// Exit code for a scenario or argument the user must fix.
const BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Run {
            scenario,
            opts,
            plan,
        } => run(&scenario, &opts, &plan),
        Command::Compare {
            a,
            b,
            seed,
            out,
            force,
            plan,
        } => {
            let out = out.map(|dir| Target::new(dir, force, "compare", &[&a, &b]));
            compare(&a, &b, seed, out.as_ref(), &plan)
        }
        Command::Sweep {
            scenario,
            shard,
            out,
            force,
            plan,
        } => {
            let out = out.map(|dir| Target::new(dir, force, "sweep", &[&scenario]));
            let own = shard.map(|s| (s.index, s.count));
            if let Err(code) = precheck(out.as_ref(), own) {
                return code;
            }
            sweep(&scenario, shard, out.as_ref(), &plan)
        }
        Command::Merge { tables, out, force } => {
            let inputs: Vec<&std::path::Path> = tables.iter().map(PathBuf::as_path).collect();
            let out = out.map(|dir| Target::new(dir, force, "merge", &inputs));
            if let Err(code) = precheck(out.as_ref(), None) {
                return code;
            }
            merge(&tables, out.as_ref())
        }
        Command::Check { scenario } => check(&scenario),
        Command::Rules { scenario } => rules(scenario.as_deref()),
        Command::Verify { trace, scenario } => verify(&trace, scenario.as_deref()),
    }
}

/// Refuses an output directory before a long run rather than at its end.
fn precheck(out: Option<&Target>, shard: Option<(usize, usize)>) -> Result<(), ExitCode> {
    match out.map(|t| t.precheck(shard)) {
        Some(Err(e)) => Err(output_failed(&e)),
        _ => Ok(()),
    }
}

/// Writes `name` and the charts `draw` makes in the staging directory's `charts/`, then
/// moves them into place with the `complete` marker; returns the number of charts.
fn staged(
    out: OutDir,
    name: &str,
    text: &str,
    draw: impl FnOnce(&std::path::Path) -> Result<Vec<PathBuf>, String>,
) -> Result<usize, OutputError> {
    out.write(name, text)?;
    let charts = draw(&out.staging().join("charts")).map_err(OutputError::Chart)?;
    out.commit()?;
    Ok(charts.len())
}

/// Reports an output that cannot be written: a refused directory is bad input (exit 2), a
/// failed write is not (exit 1).
fn output_failed(e: &OutputError) -> ExitCode {
    report_error(e);
    match e {
        OutputError::Refused(_) => ExitCode::from(BAD_INPUT),
        OutputError::Io { .. } | OutputError::Chart(_) => ExitCode::FAILURE,
    }
}

fn load(path: &std::path::Path) -> Result<cmsim::Loaded, ExitCode> {
    load_file(path).map_err(|e| {
        report_error(&e);
        ExitCode::from(BAD_INPUT)
    })
}

/// How many runs, on how many threads, printed how.
#[derive(clap::Args)]
struct Plan {
    /// Runs this many seeds (seed, seed + 1, …) and reports each figure's median and 5–95 %
    /// (default: 1 for run, 10 for compare).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    replications: Option<u32>,
    /// Runs at most this many replications at once (default: the number of cores).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Output for people (`text`) or machines (`json`).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    budget: cmsim::estimate::Budget,
}

impl Plan {
    fn jobs(&self) -> usize {
        self.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            usize::from,
        )
    }
    fn seeds(&self, first: u64, default: u32) -> Vec<u64> {
        let n = self.replications.unwrap_or(default);
        (0..u64::from(n)).map(|i| first.wrapping_add(i)).collect()
    }
    /// Refuses `runs` runs costing `each` (at most `--jobs` at once) over the budget.
    fn afford(
        &self,
        each: cmsim::estimate::Estimate,
        runs: usize,
        what: &str,
    ) -> Result<(), ExitCode> {
        self.budget
            .check(each, runs as u64, self.jobs() as u64, what)
            .map_err(|e| {
                report_error(&e);
                ExitCode::from(BAD_INPUT)
            })
    }
}

/// One run's estimated cost with the default compliance sample.
fn cost(world: &cmsim::world::World) -> cmsim::estimate::Estimate {
    cmsim::estimate::estimate(world, cmsim::run::DEFAULT_SAMPLE)
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("reports serialize") + "\n"
}

/// Refuses outputs that would overwrite the scenario being run: `--trace` naming it, or
/// `--out` holding it under one of the names a run writes (or replaces with `--force`).
fn overwrites_input(path: &std::path::Path, opts: &RunOptions) -> Option<std::path::PathBuf> {
    let input = std::fs::canonicalize(path).ok()?;
    let same = |p: &std::path::Path| std::fs::canonicalize(p).is_ok_and(|p| p == input);
    opts.trace
        .iter()
        .find(|&t| same(t))
        .cloned()
        .or_else(|| cmsim::output::overwrites(opts.out.as_ref()?, &[path]))
}

fn run(path: &std::path::Path, opts: &RunOptions, plan: &Plan) -> ExitCode {
    if let Some(output) = overwrites_input(path, opts) {
        report_error(&format!(
            "{}: this output would overwrite the scenario being run; choose another path",
            output.display()
        ));
        return ExitCode::from(BAD_INPUT);
    }
    let mut loaded = match load(path) {
        Ok(l) => l,
        Err(code) => return code,
    };
    cmsim::run::apply(&mut loaded.world, opts);
    let opts = &RunOptions {
        budget: plan.budget,
        ..opts.clone()
    };
    if plan.replications.unwrap_or(1) > 1 {
        return replications(&loaded.world, opts, plan);
    }
    match cmsim::run(&loaded.world, opts) {
        Ok(summary) if plan.format == Format::Json => print_out(&summary.to_json()),
        Ok(summary) => print_out(&cmsim::report::text::render(&summary)),
        Err(e) => run_failed(&e),
    }
}

/// Reports a failed run: options that cannot run are bad input (exit 2); anything else is
/// an output or internal failure (exit 1).
fn run_failed(e: &cmsim::run::RunError) -> ExitCode {
    report_error(e);
    match e {
        cmsim::run::RunError::Argument(_) => ExitCode::from(BAD_INPUT),
        _ => ExitCode::FAILURE,
    }
}

/// `run --replications N`: the figures over N seeds; `--out` gets replications.json.
fn replications(world: &cmsim::world::World, opts: &RunOptions, plan: &Plan) -> ExitCode {
    if opts.trace.is_some() {
        report_error(&"--trace writes one run's trace: use it without --replications");
        return ExitCode::from(BAD_INPUT);
    }
    let seeds = plan.seeds(world.seed, 1);
    let what = format!("{} replications of `{}`", seeds.len(), world.name);
    if let Err(code) = plan.afford(cost(world), seeds.len(), &what) {
        return code;
    }
    let out = match opts.out.as_ref().map(|dir| {
        OutDir::claim(&Target {
            about: format!("scenario {:?}, seeds {:?}", world.name, seeds),
            ..Target::new(dir.clone(), opts.force, "run --replications", &[])
        })
    }) {
        Some(Err(e)) => return output_failed(&e),
        claimed => claimed.and_then(Result::ok),
    };
    let runs = match cmsim::replicate::replicate(world, &seeds, plan.jobs(), plan.budget) {
        Ok(r) => r,
        Err(e) => return run_failed(&e),
    };
    let r = cmsim::replicate::summarize(&runs, &seeds);
    if let Some(out) = out {
        let bands = |dir: &std::path::Path| {
            cmsim::report::charts::bands(dir, &[(&world.name, runs.as_slice())])
        };
        if let Err(e) = staged(out, "replications.json", &json(&r), bands) {
            return output_failed(&e);
        }
    }
    match plan.format {
        Format::Json => print_out(&json(&r)),
        Format::Text => print_out(&cmsim::report::variation::replications(&r)),
    }
}

/// Writes `text` to `DIR/name` (staged, then renamed into place), or prints it without a
/// directory. A shard's table (`sweep-shard-I-of-N.csv`) claims the directory as that shard,
/// beside the same sweep's other shards.
fn emit(out: Option<&Target>, name: &str, text: &str) -> ExitCode {
    let Some(target) = out else {
        return print_out(text);
    };
    let claimed = match cmsim::output::shard_of(name) {
        Some((i, n)) => OutDir::claim_shard(target, i, n),
        None => OutDir::claim(target),
    };
    let out = match claimed {
        Ok(out) => out,
        Err(e) => return output_failed(&e),
    };
    match out.write(name, text).and_then(|()| out.commit()) {
        Ok(_) => {
            note(&format!("wrote {}", target.dir.join(name).display()));
            ExitCode::SUCCESS
        }
        Err(e) => output_failed(&e),
    }
}

/// `sweep SCENARIO`: every grid point (or one shard's), checked before anything runs.
fn sweep(
    path: &std::path::Path,
    shard: Option<cmsim::sweep::Shard>,
    out: Option<&Target>,
    plan: &Plan,
) -> ExitCode {
    let loaded = match load(path) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let seeds = plan.seeds(loaded.world.seed, 1);
    let sweep = match cmsim::sweep::prepare(&loaded, shard, &seeds) {
        Ok(s) => s,
        Err(e) => return sweep_failed(&e),
    };
    // The budget: the mean events and the largest memory over the points this shard runs,
    // each world built for its estimate and dropped (memory does not grow with the points).
    let (mut ran, mut events, mut memory) = (0usize, 0u128, 0u64);
    let costs = sweep.each_world(|w| {
        let c = cost(w);
        ran += 1;
        events += u128::from(c.events);
        memory = memory.max(c.memory);
    });
    if let Err(e) = costs {
        return sweep_failed(&e);
    }
    let every_point = cmsim::estimate::Estimate {
        events: (events / ran.max(1) as u128).try_into().unwrap_or(u64::MAX),
        memory,
    };
    let what = format!("a sweep of {ran} points × {} seeds", seeds.len());
    if let Err(code) = plan.afford(every_point, ran.saturating_mul(seeds.len()), &what) {
        return code;
    }
    let table = match sweep.run(plan.jobs(), plan.budget) {
        Ok(t) => t,
        Err(e) => return sweep_failed(&e),
    };
    let name = sweep.file_name();
    match (shard, out) {
        (None, Some(dir)) => with_charts(dir, &name, &table),
        _ => emit(out, &name, &table),
    }
}

/// Reports a sweep that stopped: a failed run as `run_failed` does, a table that could not
/// be made as an output failure (exit 1), anything else as bad input (exit 2).
fn sweep_failed(e: &cmsim::sweep::SweepError) -> ExitCode {
    match e {
        cmsim::sweep::SweepError::Run(e) => run_failed(e),
        cmsim::sweep::SweepError::Output(_) => {
            report_error(e);
            ExitCode::FAILURE
        }
        _ => {
            report_error(e);
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// `merge TABLES…`: the shards' rows in point order under one header, after checking that
/// they are all the shards of one sweep; nothing is written otherwise.
fn merge(tables: &[PathBuf], out: Option<&Target>) -> ExitCode {
    let merged = cmsim::sweep::read_files(tables)
        .map_err(|e| vec![e])
        .and_then(|read| cmsim::sweep::merge(&read));
    match (merged, out) {
        (Ok(text), Some(dir)) => with_charts(dir, "sweep.csv", &text),
        (Ok(text), None) => emit(None, "sweep.csv", &text),
        (Err(problems), _) => {
            report_error(&problems.join("\n"));
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Writes a whole sweep's table and one chart per figure into `DIR/charts`, then `complete`.
fn with_charts(target: &Target, name: &str, table: &str) -> ExitCode {
    let out = match OutDir::claim(target) {
        Ok(out) => out,
        Err(e) => return output_failed(&e),
    };
    match staged(out, name, table, |dir| {
        cmsim::report::charts::sweep(dir, table)
    }) {
        Ok(n) => {
            note(&format!("wrote {}", target.dir.join(name).display()));
            note(&format!(
                "wrote {n} charts into {}",
                target.dir.join("charts").display()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => output_failed(&e),
    }
}

/// `compare A B`: both plans on the same seeds.
fn compare(
    a: &std::path::Path,
    b: &std::path::Path,
    seed: Option<u64>,
    out: Option<&Target>,
    plan: &Plan,
) -> ExitCode {
    let (a, b) = match (load(a), load(b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let seeds = plan.seeds(seed.unwrap_or(a.world.seed), 10);
    let (ca, cb) = (cost(&a.world), cost(&b.world));
    let both_plans = cmsim::estimate::Estimate {
        events: ca.events.div_ceil(2).saturating_add(cb.events.div_ceil(2)),
        memory: ca.memory.max(cb.memory),
    };
    let what = format!("comparing two plans over {} seeds", seeds.len());
    if let Err(code) = plan.afford(both_plans, 2 * seeds.len(), &what) {
        return code;
    }
    let out = match out.map(OutDir::claim) {
        Some(Err(e)) => return output_failed(&e),
        claimed => claimed.and_then(Result::ok),
    };
    let both =
        cmsim::replicate::replicate(&a.world, &seeds, plan.jobs(), plan.budget).and_then(|ra| {
            Ok((
                ra,
                cmsim::replicate::replicate(&b.world, &seeds, plan.jobs(), plan.budget)?,
            ))
        });
    let (ra, rb) = match both {
        Ok(x) => x,
        Err(e) => return run_failed(&e),
    };
    let c = cmsim::replicate::compare(
        &cmsim::replicate::summarize(&ra, &seeds),
        &cmsim::replicate::summarize(&rb, &seeds),
    );
    if let Some(out) = out {
        let (na, nb) = (format!("A {}", a.world.name), format!("B {}", b.world.name));
        let plans = [(na.as_str(), ra.as_slice()), (nb.as_str(), rb.as_slice())];
        let bands = |dir: &std::path::Path| cmsim::report::charts::bands(dir, &plans);
        if let Err(e) = staged(out, "comparison.json", &json(&c), bands) {
            return output_failed(&e);
        }
    }
    match plan.format {
        Format::Json => print_out(&json(&c)),
        Format::Text => print_out(&cmsim::report::variation::comparison(&c)),
    }
}

fn check(path: &std::path::Path) -> ExitCode {
    match load(path) {
        Ok(l) => print_out(&cmsim::report::describe(&l)),
        Err(code) => code,
    }
}

fn rules(scenario: Option<&std::path::Path>) -> ExitCode {
    let settings = match scenario.map(load).transpose() {
        Ok(l) => l.map(|l| l.scenario.settings),
        Err(code) => return code,
    };
    print_out(&cmsim::rules::table::render(settings.as_ref()))
}

fn verify(trace: &std::path::Path, scenario: Option<&std::path::Path>) -> ExitCode {
    let scenario = match scenario.map(load).transpose() {
        Ok(l) => l.map(|l| l.scenario),
        Err(code) => return code,
    };
    match cmsim::rules::verify_file(trace, scenario.as_ref()) {
        Ok(report) => {
            let code = print_out(&report.render());
            if code != ExitCode::SUCCESS || !report.violated() {
                // A closed pipe (0) or a failed write (1) decides; so does a clean report.
                code
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            report_error(&e);
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Prints an error on stderr, each of its messages marked as an error.
fn report_error(e: &dyn std::fmt::Display) {
    for line in e.to_string().lines() {
        // Indented lines show the source under the message before them (`  12 | …`).
        if line.starts_with(' ') {
            note(line);
        } else {
            note(&format!("error: {line}"));
        }
    }
}

/// Writes all of `text` to standard output, the one way the commands print.
///
/// Rust ignores SIGPIPE, so a reader that went away (`cmsim rules | head -1`) shows up as a
/// `BrokenPipe` error: that ends the command quietly with exit code 0, as `head` users expect.
/// Any other failure (a full disk: `cmsim rules > /dev/full`) is reported on one line of
/// stderr with exit code 1. Never panics, unlike `print!`.
fn print_out(text: &str) -> ExitCode {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            note(&format!("cmsim: cannot write to standard output: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// Writes one line to stderr; if even stderr is gone there is no one left to tell.
fn note(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}
