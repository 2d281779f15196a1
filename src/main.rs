//! The `cmsim` command line: parses arguments and calls the library; the commands' bodies
//! are in `cli/`.

mod cli;

use clap::{CommandFactory, Parser, Subcommand};
use cli::inspect::{check, rules, schema, verify};
use cli::plan::{Plan, RulesFormat, SchemaFormat};
use cli::runs::{compare, run};
use cli::sweeps::{merge, precheck, sweep};
use cmsim::RunOptions;
use cmsim::output::Target;
use std::path::PathBuf;
use std::process::ExitCode;

/// A deterministic simulator of a ConfigMgr (SCCM/MECM) software-update hierarchy.
#[derive(Parser)]
#[command(name = "cmsim", version, about)]
struct Cli {
    /// No progress bar.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Says on stderr what a run does: the scenario's size and estimated cost, the wall time
    /// and events per second, and every file written.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs a scenario and prints its summary.
    Run {
        /// Scenario file (RON); `-` reads it from standard input.
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
        /// Writes comparison.json, a chart overlaying both plans and report.html into DIR.
        #[arg(long, short = 'o', value_name = "DIR")]
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
        /// Writes sweep.csv, its charts and report.html (a shard: sweep-shard-I-of-N.csv only)
        /// into DIR instead of printing the table (so not with --format json).
        #[arg(long, short = 'o', value_name = "DIR")]
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
        /// Writes sweep.csv, its charts and report.html into DIR instead of printing the table.
        #[arg(long, short = 'o', value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replaces the outputs of an earlier run in --out.
        #[arg(long, requires = "out")]
        force: bool,
    },
    /// Checks a scenario file and describes the hierarchy; runs nothing.
    Check {
        /// Scenario file (RON); `-` reads it from standard input.
        scenario: PathBuf,
        /// The description for people (`text`) or programs (`json`).
        #[arg(long, value_enum, default_value = "text")]
        format: cli::plan::Format,
    },
    /// Prints the schema of summary.json, replications.json or comparison.json: JSON
    /// Schema, or every field's type and meaning (docs/summary-fields.md).
    Schema {
        /// Which file's schema (default: summary); `--format markdown` shows all three and
        /// takes none.
        #[arg(value_enum)]
        document: Option<cmsim::report::summary::schema::Document>,
        /// JSON Schema (`json`) or the field reference (`markdown`).
        #[arg(long, value_enum, default_value = "json")]
        format: SchemaFormat,
    },
    /// Prints the rule table: id, rule, parameters, defaults (and values in a scenario).
    Rules {
        /// Shows the values in force in this scenario.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// CurrentBranch: shows that profile's defaults beside ConfigMgr 2007's.
        #[arg(long, value_parser = cmsim::scenario::Profile::parse, default_value = "ConfigMgr2007")]
        profile: cmsim::scenario::Profile,
        /// The table for people (`text`), for programs (`json`: both profiles' defaults,
        /// their sources, and the values of --scenario), or as docs/rules.md (`markdown`).
        #[arg(long, value_enum, default_value = "text")]
        format: RulesFormat,
    },
    /// Checks a trace against the rules it exercises; exit code 1 on a violation.
    Verify {
        /// Trace file (JSON Lines) written by `cmsim run --trace`; `-` reads it from
        /// standard input.
        trace: PathBuf,
        /// The scenario that produced it, for its parameter values (default: the defaults).
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Refuses a trace that would need more memory than SIZE to check (default 8GiB).
        #[arg(long, value_name = "SIZE", value_parser = cmsim::estimate::parse_memory)]
        max_memory: Option<u64>,
        /// The outcomes for people (`text`) or programs (`json`); the exit code is the same.
        #[arg(long, value_enum, default_value = "text")]
        format: cli::plan::Format,
    },
    /// Prints a completion script for SHELL (e.g. `cmsim completions bash >
    /// ~/.local/share/bash-completion/completions/cmsim`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Prints cmsim's manual page (roff), e.g. `cmsim man > ~/.local/share/man/man1/cmsim.1`.
    Man,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return cli::args::refused(e),
    };
    cli::console::set_verbose(cli.verbose);
    if let Some(code) = stdin_twice(&cli.command) {
        return code;
    }
    match cli.command {
        Command::Run {
            scenario,
            mut opts,
            plan,
        } => {
            opts.quiet = cli.quiet;
            run(&scenario, &opts, &plan)
        }
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
            if out.is_some() && plan.format == cli::plan::Format::Json {
                cli::console::report_error(
                    &"--format json prints the table; --out writes it as files (sweep.csv) \
                      instead of printing it: drop one of them",
                );
                return ExitCode::from(cli::console::BAD_INPUT);
            }
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
        Command::Check { scenario, format } => check(&scenario, format),
        Command::Schema { document, format } => schema(document, format),
        Command::Rules {
            scenario,
            profile,
            format,
        } => rules(profile, scenario.as_deref(), format),
        Command::Verify {
            trace,
            scenario,
            max_memory,
            format,
        } => verify(
            &trace,
            scenario.as_deref(),
            max_memory.unwrap_or(cmsim::estimate::DEFAULT_MAX_MEMORY),
            format,
        ),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "cmsim", &mut script);
            cli::console::print_out(&String::from_utf8_lossy(&script))
        }
        Command::Man => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => cli::console::print_out(&String::from_utf8_lossy(&page)),
                Err(e) => {
                    cli::console::report_error(&e);
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Standard input can be read once: two inputs named `-` (`compare - -`, or `verify -
/// --scenario -`) are refused with exit code 2.
fn stdin_twice(command: &Command) -> Option<ExitCode> {
    let inputs: Vec<&std::path::Path> = match command {
        Command::Compare { a, b, .. } => vec![a, b],
        Command::Verify {
            trace, scenario, ..
        } => [Some(trace.as_path()), scenario.as_deref()]
            .into_iter()
            .flatten()
            .collect(),
        _ => return None,
    };
    let n = inputs.iter().filter(|p| cmsim::load::is_stdin(p)).count();
    (n > 1).then(|| {
        cli::console::report_error(
            &"standard input (`-`) can be read only once: give the other input as a file",
        );
        ExitCode::from(cli::console::BAD_INPUT)
    })
}
