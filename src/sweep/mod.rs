//! Parameter sweeps: a scenario declares parameters to vary (`sweep: [...]`), `cmsim sweep`
//! runs every point of the grid and writes one table, one row per point and one column per
//! figure. `--shard I/N` runs only the points whose index is I modulo N, so a large sweep can
//! be spread over machines (a Slurm array, a Kubernetes indexed Job, GNU parallel), and
//! `cmsim merge` joins the shards' tables into the whole.
//!
//! A sweep holds one world per thread at a time: every point's values are checked before
//! anything runs, but each world is built when a thread starts its point and dropped after,
//! so memory does not grow with the number of points (at most [`MAX_POINTS`]). With `--jobs
//! J`, J threads share the points and their seeds ([`run_points`]); the table is the same
//! byte for byte for any J.

mod grid;
mod merge;
mod table;

pub use grid::{MAX_POINTS, Point, Shard, count, point};
pub use merge::{MAX_TABLE_BYTES, merge, read_files};
pub use table::{MAX_FIGURE, Meta, Table, figure as read_figure, read};

use crate::estimate::Budget;
use crate::load::Loaded;
use crate::replicate::{run_points, summarize};
use crate::report::figures::Figure;
use crate::run::RunError;
use crate::scenario::error::InputError;
use crate::scenario::{Problem, Scenario, validate};
use crate::world::{World, build};

/// Why a sweep stopped.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The scenario or its sweep is wrong (exit 2).
    #[error("{0}")]
    Input(InputError),
    /// An argument does not fit the sweep (exit 2).
    #[error("{0}")]
    Argument(String),
    /// A run failed.
    #[error("{0}")]
    Run(#[from] RunError),
    /// The table could not be made (exit 1).
    #[error("{0}")]
    Output(String),
}

/// A checked sweep of a loaded scenario, ready to run.
pub struct Sweep<'a> {
    loaded: &'a Loaded,
    points: usize,
    shard: Option<Shard>,
    seeds: Vec<u64>,
}

/// Checks the sweep of `loaded` before anything runs: a grid of 1 to [`MAX_POINTS`] points,
/// a shard count of at most one per point, and every point's values. A bad value anywhere
/// stops the sweep with the file's line and column; no world is kept.
pub fn prepare<'a>(
    loaded: &'a Loaded,
    shard: Option<Shard>,
    seeds: &[u64],
) -> Result<Sweep<'a>, SweepError> {
    let invalid =
        |p: Vec<Problem>| SweepError::Input(InputError::invalid(&loaded.file, &loaded.source, p));
    let axes = &loaded.scenario.sweep;
    if axes.is_empty() {
        let p = Problem::new(
            "sweep",
            "nothing to sweep: add `sweep: [(param: \"settings.NAME\", values: [...])]`",
        );
        return Err(invalid(vec![p]));
    }
    let points = count(axes).map_err(|p| invalid(vec![p]))?;
    if let Some(s) = shard {
        s.fits(points).map_err(SweepError::Argument)?;
    }
    let problems = check(&loaded.scenario, points);
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    Ok(Sweep {
        loaded,
        points,
        shard,
        seeds: seeds.to_vec(),
    })
}

/// Problems shown at most; checking stops there.
const MAX_PROBLEMS: usize = 25;

/// Every value parsed, every point's combination of values against the scenario's value
/// checks (on one scenario reused for all points: no world is built, so this stays cheap
/// for [`MAX_POINTS`] points), and the first point built into a world and dropped, for the
/// checks only a built hierarchy makes. A later point whose world still cannot be built
/// stops the sweep the same way, before anything is written.
fn check(base: &Scenario, points: usize) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut s = base.clone();
    for (k, axis) in base.sweep.iter().enumerate() {
        for value in &axis.values {
            if let Err(m) = set(&mut s, &axis.param, value) {
                problems.push(Problem::new(format!("sweep[{k}].param"), m));
            }
            if problems.len() >= MAX_PROBLEMS {
                return problems;
            }
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    for index in 0..points {
        let p = point(&base.sweep, index);
        for (axis, value) in base.sweep.iter().zip(&p.values) {
            // Every value was set above; the same call cannot fail now.
            let _ = set(&mut s, &axis.param, value);
        }
        let found = validate(&s);
        if !found.is_empty() {
            let at = format!("at sweep point {index} ({}): ", describe(base, &p));
            problems.extend(found.into_iter().map(|p| context(p, &at)));
            if problems.len() >= MAX_PROBLEMS {
                return problems;
            }
        }
    }
    if problems.is_empty()
        && let Err(found) = apply(base, &point(&base.sweep, 0)).and_then(|s| build(&s).map(drop))
    {
        problems.extend(found.into_iter().map(|p| context(p, "at sweep point 0: ")));
    }
    problems
}

fn context(p: Problem, at: &str) -> Problem {
    Problem::new(p.path, format!("{at}{}", p.message))
}

/// `param = value, …` of a point.
fn describe(base: &Scenario, p: &Point) -> String {
    let pairs: Vec<String> = base
        .sweep
        .iter()
        .zip(&p.values)
        .map(|(a, v)| format!("{} = {v}", a.param))
        .collect();
    pairs.join(", ")
}

impl Sweep<'_> {
    /// The file `--out` gets: `sweep.csv`, or `sweep-shard-I-of-N.csv`.
    pub fn file_name(&self) -> String {
        match self.shard {
            Some(s) => format!("sweep-shard-{}-of-{}.csv", s.index, s.count),
            None => "sweep.csv".into(),
        }
    }

    /// What the table's first line says.
    pub fn meta(&self) -> Meta {
        Meta {
            shard: self.shard,
            points: self.points,
            params: self.loaded.scenario.sweep.len(),
            sweep: fingerprint(&self.loaded.source, &self.seeds),
        }
    }

    /// The world of `p`, built now.
    fn world(&self, p: &Point) -> Result<World, SweepError> {
        apply(&self.loaded.scenario, p)
            .and_then(|s| build(&s))
            .map_err(|problems| {
                SweepError::Input(InputError::invalid(
                    &self.loaded.file,
                    &self.loaded.source,
                    problems,
                ))
            })
    }

    /// Calls `f` with the world of each point the shard runs (all without one), in order,
    /// each built just before and dropped after: for estimates before anything runs.
    pub fn each_world(&self, mut f: impl FnMut(&World)) -> Result<(), SweepError> {
        let base = &self.loaded.scenario;
        for index in self.shard.unwrap_or(Shard::WHOLE).indexes(self.points) {
            f(&self.world(&point(&base.sweep, index))?);
        }
        Ok(())
    }

    /// Runs the points of the shard (all without one) with the seeds on `jobs` threads, each
    /// run within `budget`; each figure is its median over the seeds. A thread builds a
    /// point's world when it starts the point, so at most `jobs` exist at once; the table is
    /// the same for any `jobs`, its rows in point order. Returns the table.
    pub fn run(&self, jobs: usize, budget: Budget) -> Result<String, SweepError> {
        let base = &self.loaded.scenario;
        let params = base.sweep.iter().map(|a| a.param.clone()).collect();
        let mut table = table::Writer::new(&self.meta(), params);
        let indexes: Vec<usize> = self
            .shard
            .unwrap_or(Shard::WHOLE)
            .indexes(self.points)
            .collect();
        let at = |i: usize| point(&base.sweep, indexes[i]);
        run_points(
            indexes.len(),
            &self.seeds,
            jobs,
            budget,
            &format!("runs of the sweep of {}", self.loaded.world.name),
            |i| self.world(&at(i)),
            |_, runs| -> Vec<Figure> {
                summarize(&runs, &self.seeds)
                    .figures
                    .into_iter()
                    .map(|f| Figure {
                        name: f.name,
                        unit: f.unit,
                        value: f.median,
                    })
                    .collect()
            },
            |i, figures| table.row(&at(i), &figures).map_err(SweepError::Output),
        )?;
        table.finish().map_err(SweepError::Output)
    }
}

/// FNV-1a 64 of the program version, the scenario text and the seeds: the same for every
/// shard of one sweep on any machine, different when the scenario, the seeds or the
/// program differ. Computed by hand so it never depends on a hasher's random keys.
pub fn fingerprint(source: &str, seeds: &[u64]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(concat!("cmsim ", env!("CARGO_PKG_VERSION"), "\0").as_bytes());
    eat(&(source.len() as u64).to_le_bytes());
    eat(source.as_bytes());
    eat(&(seeds.len() as u64).to_le_bytes());
    for s in seeds {
        eat(&s.to_le_bytes());
    }
    h
}

/// The scenario at `point`: each axis's parameter set to the point's value.
fn apply(base: &Scenario, point: &Point) -> Result<Scenario, Vec<Problem>> {
    let mut s = base.clone();
    let mut problems = Vec::new();
    for (k, (axis, value)) in base.sweep.iter().zip(&point.values).enumerate() {
        if let Err(m) = set(&mut s, &axis.param, value) {
            problems.push(Problem::new(format!("sweep[{k}].param"), m));
        }
    }
    if problems.is_empty() {
        Ok(s)
    } else {
        Err(problems)
    }
}

fn set(s: &mut Scenario, param: &str, value: &str) -> Result<(), String> {
    if let Some(name) = param.strip_prefix("settings.") {
        s.overrides.set(name, value)?;
        s.resolve();
        return Ok(());
    }
    if param == "profile" {
        s.profile = crate::scenario::Profile::parse(value)?;
        s.resolve();
        return Ok(());
    }
    if let Some(rule) = param.strip_prefix("adr.") {
        return set_rule(s, param, rule, value);
    }
    let mut parts = param.splitn(3, '.');
    let (Some("deployment"), Some(id), Some(field)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(format!(
            "`{param}`: expected settings.NAME, profile, \
             deployment.ID.deadline|available|created or adr.NAME.{}",
            RULE_FIELDS.join("|")
        ));
    };
    let d = s
        .deployments
        .iter_mut()
        .find(|d| d.id == id)
        .ok_or_else(|| format!("`{param}`: no deployment has the id `{id}`"))?;
    let t = crate::scenario::When::parse(value)?;
    match field {
        "deadline" => d.deadline = Some(t),
        "available" => d.available = Some(t),
        "created" => d.created = t,
        _ => {
            return Err(format!(
                "`{param}`: a deployment's deadline, available or created"
            ));
        }
    }
    Ok(())
}

/// The fields of an automatic deployment rule a sweep may set.
const RULE_FIELDS: [&str; 4] = [
    "available_after",
    "deadline_after",
    "deadline_randomization",
    "at",
];

/// Sets field `rest` = `NAME.FIELD` of the rule called NAME (a name may hold dots: the
/// field is after the last): its offsets and randomization (durations; `deadline_after`
/// also `None`, optional deployments), or the time of day of its recurring schedule.
fn set_rule(s: &mut Scenario, param: &str, rest: &str, value: &str) -> Result<(), String> {
    use crate::scenario::suggest::did_you_mean;
    use crate::scenario::{AdrSchedule, Dur};
    let (name, field) = rest.rsplit_once('.').unwrap_or((rest, ""));
    let names: Vec<&str> = s
        .automatic_deployment_rules
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    let hint = did_you_mean(name, names.iter().copied());
    let Some(r) = s
        .automatic_deployment_rules
        .iter_mut()
        .find(|r| r.name == name)
    else {
        return Err(format!(
            "`{param}`: no automatic deployment rule is called `{name}`{hint}"
        ));
    };
    let duration = |text: &str| {
        crate::engine::SimDuration::parse(text)
            .map(Dur)
            .map_err(|m| format!("`{param}`: {m}"))
    };
    match (field, &mut r.schedule) {
        ("available_after", _) => r.available_after = duration(value)?,
        ("deadline_after", _) if value.trim() == "None" => r.deadline_after = None,
        ("deadline_after", _) => r.deadline_after = Some(duration(value)?),
        ("deadline_randomization", _) => r.deadline_randomization = duration(value)?,
        ("at", AdrSchedule::Recurring { at, .. }) => *at = value.to_string(),
        ("at", _) => {
            return Err(format!(
                "`{param}`: rule `{name}` has no time of day to set: only a \
                 `schedule: Recurring(recurrence: ..., at: \"HH:MM\")` has one"
            ));
        }
        _ => {
            return Err(format!(
                "`{param}`: a rule's {}{}",
                RULE_FIELDS.join(", "),
                did_you_mean(field, RULE_FIELDS)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_sets_the_profile_and_settings_over_it_in_either_order() {
        let src = r#"Scenario(name: "x", end: "1d", sites: [(code: "P01", kind: Primary, sup: "S")],
            settings: (state_message_interval: "10m"))"#;
        let base = crate::load::parse("x.ron", src).unwrap();
        for order in [
            ["profile", "settings.notify_far_interval"],
            ["settings.notify_far_interval", "profile"],
        ] {
            let mut s = base.clone();
            for param in order {
                let value = if param == "profile" {
                    "CurrentBranch"
                } else {
                    "5h"
                };
                set(&mut s, param, value).unwrap();
            }
            assert_eq!(s.settings.notify_far_interval.to_string(), "5h");
            assert_eq!(
                s.settings.notify_near_interval.to_string(),
                "4h",
                "CurrentBranch's"
            );
            assert_eq!(
                s.settings.state_message_interval.to_string(),
                "10m",
                "the file's"
            );
        }
        let e = set(&mut base.clone(), "profile", "Current").unwrap_err();
        assert!(e.contains("did you mean `CurrentBranch`"), "{e}");
    }

    #[test]
    fn a_sweep_sets_a_rules_offsets_and_the_time_of_its_schedule() {
        let src = r#"Scenario(name: "x", end: "1d", start: "2026-12-07T00:00Z",
            sites: [(code: "P01", kind: Primary, sup: "S")],
            clients: [(name: "g", site: "P01", count: 1)],
            automatic_deployment_rules: [
                (name: "Sched.uled", target: [(group: "g")],
                 schedule: Recurring(recurrence: Daily, at: "09:00")),
                (name: "Sync", target: [(group: "g")])])"#;
        let mut s = crate::load::parse("x.ron", src).unwrap();
        set(&mut s, "adr.Sched.uled.at", "10:30").unwrap();
        set(&mut s, "adr.Sched.uled.deadline_after", "None").unwrap();
        set(&mut s, "adr.Sync.available_after", "2h").unwrap();
        let r = &s.automatic_deployment_rules;
        assert!(
            matches!(&r[0].schedule, crate::scenario::AdrSchedule::Recurring { at, .. } if at == "10:30")
        );
        assert_eq!(r[0].deadline_after, None);
        assert_eq!(r[1].available_after.to_string(), "2h");
        let e = set(&mut s, "adr.Sync.at", "10:30").unwrap_err();
        assert!(e.contains("no time of day"), "{e}");
        let e = set(&mut s, "adr.Sync.deadline", "1d").unwrap_err();
        assert!(e.contains("did you mean `deadline_after`"), "{e}");
        let e = set(&mut s, "adr.Snyc.deadline_after", "1d").unwrap_err();
        assert!(e.contains("did you mean `Sync`"), "{e}");
        let e = set(&mut s, "adr.Sync.deadline_after", "soon").unwrap_err();
        assert!(e.starts_with("`adr.Sync.deadline_after`: "), "{e}");
    }

    #[test]
    fn the_fingerprint_is_fnv1a_and_depends_on_text_and_seeds() {
        let a = fingerprint("x", &[1]);
        assert_eq!(a, fingerprint("x", &[1]));
        assert_ne!(a, fingerprint("y", &[1]));
        assert_ne!(a, fingerprint("x", &[1, 2]));
        assert_ne!(a, fingerprint("x", &[2]));
    }
}
