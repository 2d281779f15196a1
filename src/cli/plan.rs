//! How many runs, on how many threads, within which budget, printed how: the options
//! `run`, `compare` and `sweep` share.

use super::console::*;
use std::process::ExitCode;

/// How many runs, on how many threads, printed how.
#[derive(clap::Args)]
pub(crate) struct Plan {
    /// Runs this many seeds (seed, seed + 1, …) and reports each figure's median and 5–95 %
    /// (default: 1 for run, 10 for compare).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub(crate) replications: Option<u32>,
    /// Runs at most this many runs at once: replications, both plans of compare, a sweep's
    /// points and their seeds (default: the number of cores).
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) jobs: Option<u16>,
    /// Output for people (`text`) or machines (`json`).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    #[command(flatten)]
    pub(crate) budget: cmsim::estimate::Budget,
}

impl Plan {
    pub(crate) fn jobs(&self) -> usize {
        self.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            usize::from,
        )
    }
    pub(crate) fn seeds(&self, first: u64, default: u32) -> Vec<u64> {
        let n = self.replications.unwrap_or(default);
        (0..u64::from(n)).map(|i| first.wrapping_add(i)).collect()
    }
    /// Refuses `runs` runs costing `each` (at most `--jobs` at once) over the budget.
    pub(crate) fn afford(
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
pub(crate) fn cost(world: &cmsim::world::World) -> cmsim::estimate::Estimate {
    cmsim::estimate::estimate(world, cmsim::run::DEFAULT_SAMPLE)
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// How `cmsim schema` prints the schema.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SchemaFormat {
    Json,
    Markdown,
}

/// How `cmsim rules` prints the table.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum RulesFormat {
    Text,
    Json,
    Markdown,
}
