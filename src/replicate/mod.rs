//! Replications and plan comparison. A plan's figures vary with the seed; running it under
//! several seeds shows the median and the 5–95 % range. Two plans compared on the same seeds
//! meet the same luck (common random numbers, DESIGN.md), so their paired differences show
//! what the plan changed rather than what chance did. Runs go in parallel over `jobs`
//! threads; each run is deterministic for its seed, and results are kept in seed order.
//!
//! [`run_points`] (`pool.rs`) runs several worlds under the same seeds on one pool of threads.

mod pool;
pub use pool::run_points;

use crate::estimate::Budget;
use crate::report::Summary;
use crate::report::figures::{Figure, figures, key, make_unique, percentile};
use crate::run::RunError;
use crate::world::World;
use serde::Serialize;

/// Runs `world` once per seed, at most `jobs` at a time, each within `budget`'s event limit;
/// summaries in seed order.
pub fn replicate(
    world: &World,
    seeds: &[u64],
    jobs: usize,
    budget: Budget,
) -> Result<Vec<Summary>, RunError> {
    let mut out = Vec::new();
    run_points(
        1,
        seeds,
        jobs,
        budget,
        &format!("replications of {}", world.name),
        |_| Ok::<_, RunError>(world),
        |_, runs| runs,
        |_, runs| {
            out = runs;
            Ok(())
        },
    )?;
    Ok(out)
}

/// The version of `replications.json` and `comparison.json`: 2 added `format` and each
/// figure's `key` (files without `format` are version 1).
pub const FORMAT: u32 = 2;

/// One figure over replications.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct FigureStats {
    /// Stable snake_case key with the unit, e.g. `95pct_of_machines_compliant_hours`
    /// (`report::figures::key`).
    pub key: String,
    /// Figure name for people.
    pub name: String,
    /// Its unit (`h` for times since the start).
    pub unit: &'static str,
    /// Median over seeds (null: never, in at least half of them).
    pub median: Option<f64>,
    /// 5th percentile.
    pub p5: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// Every seed's value, in seed order.
    pub values: Vec<Option<f64>>,
}

fn stats(key: String, name: String, unit: &'static str, values: Vec<Option<f64>>) -> FigureStats {
    FigureStats {
        key,
        name,
        unit,
        median: percentile(&values, 50),
        p5: percentile(&values, 5),
        p95: percentile(&values, 95),
        values,
    }
}

/// The figures of one plan over its replications.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Replications {
    /// [`FORMAT`].
    pub format: u32,
    /// Scenario name.
    pub scenario: String,
    /// Seeds run.
    pub seeds: Vec<u64>,
    /// Per figure.
    pub figures: Vec<FigureStats>,
}

/// Gathers each figure across the runs (figures are matched by name).
pub fn summarize(runs: &[Summary], seeds: &[u64]) -> Replications {
    let per_run: Vec<Vec<Figure>> = runs.iter().map(figures).collect();
    let first = per_run.first().map(Vec::as_slice).unwrap_or_default();
    let mut keys: Vec<String> = first.iter().map(|x| key(&x.label())).collect();
    make_unique(&mut keys);
    let figures = first
        .iter()
        .zip(keys)
        .map(|(fig, key)| {
            let values = per_run
                .iter()
                .map(|f| f.iter().find(|x| x.name == fig.name).and_then(|x| x.value))
                .collect();
            stats(key, fig.name.clone(), fig.unit, values)
        })
        .collect();
    Replications {
        format: FORMAT,
        scenario: runs.first().map(|r| r.scenario.clone()).unwrap_or_default(),
        seeds: seeds.to_vec(),
        figures,
    }
}

/// One figure of two plans, compared on the same seeds.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Compared {
    /// Stable snake_case key with the unit.
    pub key: String,
    /// Figure name for people.
    pub name: String,
    /// Its unit.
    pub unit: &'static str,
    /// Plan A over the seeds.
    pub a: FigureStats,
    /// Plan B over the seeds.
    pub b: FigureStats,
    /// B − A per seed (null where either never happened).
    pub difference: FigureStats,
    /// Whether the 5–95 % range of the paired differences excludes zero: the plans differ
    /// by more than the replication noise. Needs three seeds or more.
    pub beyond_noise: bool,
}

/// Two plans compared.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Comparison {
    /// [`FORMAT`].
    pub format: u32,
    /// Plan A's scenario name.
    pub a: String,
    /// Plan B's scenario name.
    pub b: String,
    /// Seeds run, the same for both plans.
    pub seeds: Vec<u64>,
    /// Figures both plans have.
    pub figures: Vec<Compared>,
}

/// Compares the replications of two plans run on the same seeds.
pub fn compare(a: &Replications, b: &Replications) -> Comparison {
    let figures = a
        .figures
        .iter()
        .filter_map(|fa| {
            let fb = b.figures.iter().find(|x| x.name == fa.name)?;
            let diffs: Vec<Option<f64>> = fa
                .values
                .iter()
                .zip(&fb.values)
                .map(|(x, y)| Some((*y)? - (*x)?))
                .collect();
            let difference = stats(fa.key.clone(), fa.name.clone(), fa.unit, diffs);
            let beyond_noise = a.seeds.len() >= 3
                && match (difference.p5, difference.p95) {
                    (Some(lo), Some(hi)) => lo > 0.0 || hi < 0.0,
                    _ => false,
                };
            Some(Compared {
                key: fa.key.clone(),
                name: fa.name.clone(),
                unit: fa.unit,
                a: fa.clone(),
                b: fb.clone(),
                difference,
                beyond_noise,
            })
        })
        .collect();
    Comparison {
        format: FORMAT,
        a: a.scenario.clone(),
        b: b.scenario.clone(),
        seeds: a.seeds.clone(),
        figures,
    }
}
