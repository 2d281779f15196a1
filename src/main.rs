//! The `cmsim` command line: parses arguments and calls the library.

use clap::{Parser, Subcommand};
use cmsim::{RunOptions, load_file};
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
        Command::Run { scenario, opts } => run(&scenario, &opts),
        Command::Check { scenario } => check(&scenario),
        Command::Rules { scenario } => rules(scenario.as_deref()),
        Command::Verify { trace, scenario } => verify(&trace, scenario.as_deref()),
    }
}

fn load(path: &std::path::Path) -> Result<cmsim::Loaded, ExitCode> {
    load_file(path).map_err(|e| {
        report_error(&e);
        ExitCode::from(BAD_INPUT)
    })
}

fn run(path: &std::path::Path, opts: &RunOptions) -> ExitCode {
    let mut loaded = match load(path) {
        Ok(l) => l,
        Err(code) => return code,
    };
    cmsim::run::apply(&mut loaded.world, opts);
    match cmsim::run(&loaded.world, opts) {
        Ok(summary) => {
            print!("{}", cmsim::report::text::render(&summary));
            ExitCode::SUCCESS
        }
        Err(e) => {
            report_error(&e);
            ExitCode::FAILURE
        }
    }
}

fn check(path: &std::path::Path) -> ExitCode {
    match load(path) {
        Ok(l) => {
            print!("{}", cmsim::report::describe(&l));
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

fn rules(scenario: Option<&std::path::Path>) -> ExitCode {
    let settings = match scenario.map(load).transpose() {
        Ok(l) => l.map(|l| l.scenario.settings),
        Err(code) => return code,
    };
    print!("{}", cmsim::rules::table::render(settings.as_ref()));
    ExitCode::SUCCESS
}

fn verify(trace: &std::path::Path, scenario: Option<&std::path::Path>) -> ExitCode {
    let scenario = match scenario.map(load).transpose() {
        Ok(l) => l.map(|l| l.scenario),
        Err(code) => return code,
    };
    match cmsim::rules::verify_file(trace, scenario.as_ref()) {
        Ok(report) => {
            print!("{}", report.render());
            if report.violated() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            report_error(&e);
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Prints an error on stderr, each of its lines marked as an error.
fn report_error(e: &dyn std::fmt::Display) {
    for line in e.to_string().lines() {
        eprintln!("error: {line}");
    }
}
