//! Parameter sweeps: a scenario declares parameters to vary (`sweep: [...]`), `cmsim sweep`
//! runs every point of the grid and writes one table, one row per point and one column per
//! figure. `--shard I/N` runs only the points whose index is I modulo N, so a large sweep can
//! be spread over machines (a Slurm array, a Kubernetes indexed Job, GNU parallel), and
//! `cmsim merge` joins the shards' tables into the whole.

use crate::load::Loaded;
use crate::replicate::{replicate, summarize};
use crate::scenario::error::InputError;
use crate::scenario::{Dur, Problem, Scenario, SweepAxis};
use crate::world::{World, build};
use std::fmt::Write;

/// One point of the grid: its index and one value per axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Point {
    /// Position in the grid (the last axis varies fastest).
    pub index: usize,
    /// One value per axis, as written.
    pub values: Vec<String>,
}

/// Every point of the grid of `axes`.
pub fn grid(axes: &[SweepAxis]) -> Vec<Point> {
    let total: usize = axes.iter().map(|a| a.values.len()).product();
    (0..total)
        .map(|index| {
            let mut rest = index;
            let mut values = vec![String::new(); axes.len()];
            for (k, axis) in axes.iter().enumerate().rev() {
                values[k] = axis.values[rest % axis.values.len()].clone();
                rest /= axis.values.len();
            }
            Point { index, values }
        })
        .collect()
}

/// A shard `I/N`: this machine runs the points whose index is I modulo N.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, from 0.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

impl Shard {
    /// Parses `"I/N"` with I < N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}`: expected I/N, e.g. 0/4"))?;
        let num = |x: &str| {
            x.trim()
                .parse::<usize>()
                .map_err(|_| format!("`{text}`: expected I/N, e.g. 0/4"))
        };
        let (index, count) = (num(i)?, num(n)?);
        if count == 0 || index >= count {
            return Err(format!("`{text}`: expected I/N with 0 ≤ I < N"));
        }
        Ok(Shard { index, count })
    }

    /// Whether this shard runs `point`.
    pub fn runs(self, point: &Point) -> bool {
        point.index % self.count == self.index
    }
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
        return s.settings.set(name, value);
    }
    let mut parts = param.splitn(3, '.');
    let (Some("deployment"), Some(id), Some(field)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(format!(
            "`{param}`: expected settings.NAME or deployment.ID.deadline|available|created"
        ));
    };
    let d = s
        .deployments
        .iter_mut()
        .find(|d| d.id == id)
        .ok_or_else(|| format!("`{param}`: no deployment has the id `{id}`"))?;
    let t = crate::engine::SimDuration::parse(value).map(Dur)?;
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

/// The world at every point, checked before anything runs: a bad value anywhere stops the
/// sweep with the file's line and column.
pub fn worlds(loaded: &Loaded, points: &[Point]) -> Result<Vec<World>, InputError> {
    if loaded.scenario.sweep.is_empty() {
        let p = Problem::new(
            "sweep",
            "nothing to sweep: add `sweep: [(param: \"settings.NAME\", values: [...])]`",
        );
        return Err(InputError::invalid(&loaded.file, &loaded.source, vec![p]));
    }
    points
        .iter()
        .map(|p| {
            apply(&loaded.scenario, p)
                .and_then(|s| build(&s))
                .map_err(|problems| InputError::invalid(&loaded.file, &loaded.source, problems))
        })
        .collect()
}

/// The table of a sweep (or of one shard): a header and one line per point run.
pub fn table(axes: &[SweepAxis], rows: &[(Point, Vec<crate::report::figures::Figure>)]) -> String {
    let mut out = String::from("point");
    for a in axes {
        let _ = write!(out, ",{}", csv_field(&a.param));
    }
    let names = rows.first().map(|(_, f)| f.as_slice()).unwrap_or(&[]);
    for f in names {
        let unit = if f.unit == "h" { " (h)" } else { "" };
        let _ = write!(out, ",{}", csv_field(&format!("{}{unit}", f.name)));
    }
    out.push('\n');
    for (p, figures) in rows {
        let _ = write!(out, "{}", p.index);
        for v in &p.values {
            let _ = write!(out, ",{}", csv_field(v));
        }
        for f in figures {
            match f.value {
                Some(v) => {
                    let _ = write!(out, ",{v:.4}");
                }
                None => out.push_str(",never"),
            }
        }
        out.push('\n');
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Runs the points of `shard` (all without one) with `seeds`; each figure is its median.
pub fn run(
    worlds: &[World],
    points: &[Point],
    shard: Option<Shard>,
    seeds: &[u64],
    jobs: usize,
    budget: crate::estimate::Budget,
) -> Result<Vec<(Point, Vec<crate::report::figures::Figure>)>, crate::run::RunError> {
    let mut rows = Vec::new();
    for (world, point) in worlds
        .iter()
        .zip(points)
        .filter(|(_, p)| shard.is_none_or(|s| s.runs(p)))
    {
        let runs = replicate(world, seeds, jobs, budget)?;
        let stats = summarize(&runs, seeds);
        let figures = stats
            .figures
            .into_iter()
            .map(|f| crate::report::figures::Figure {
                name: f.name,
                unit: f.unit,
                value: f.median,
            })
            .collect();
        rows.push((point.clone(), figures));
    }
    Ok(rows)
}

/// Joins shard tables: the same header everywhere, each point once, in point order.
pub fn merge(tables: &[(String, String)]) -> Result<String, String> {
    let mut header: Option<&str> = None;
    let mut rows: Vec<(usize, &str)> = Vec::new();
    for (name, text) in tables {
        let mut lines = text.lines();
        let h = lines.next().ok_or_else(|| format!("{name}: empty"))?;
        match header {
            None => header = Some(h),
            Some(first) if first != h => {
                return Err(format!("{name}: its header differs from the first table's"));
            }
            Some(_) => {}
        }
        for (k, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let point = line
                .split(',')
                .next()
                .and_then(|p| p.parse::<usize>().ok())
                .ok_or_else(|| format!("{name}:{}: expected a point number first", k + 2))?;
            rows.push((point, line));
        }
    }
    rows.sort_by_key(|&(p, _)| p);
    if let Some(w) = rows.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(format!("point {} appears in more than one table", w[0].0));
    }
    let mut out = format!("{}\n", header.ok_or("no tables to merge")?);
    for (_, line) in rows {
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axes() -> Vec<SweepAxis> {
        vec![
            SweepAxis {
                param: "a".into(),
                values: vec!["1".into(), "2".into()],
            },
            SweepAxis {
                param: "b".into(),
                values: vec!["x".into(), "y".into(), "z".into()],
            },
        ]
    }

    #[test]
    fn the_grid_varies_the_last_axis_fastest() {
        let g = grid(&axes());
        assert_eq!(g.len(), 6);
        assert_eq!(g[1].values, vec!["1", "y"]);
        assert_eq!(g[3].values, vec!["2", "x"]);
    }

    #[test]
    fn shards_split_the_grid_without_overlap() {
        let g = grid(&axes());
        let shards: Vec<Shard> = (0..4)
            .map(|i| Shard::parse(&format!("{i}/4")).unwrap())
            .collect();
        for p in &g {
            assert_eq!(shards.iter().filter(|s| s.runs(p)).count(), 1);
        }
        assert!(
            Shard::parse("4/4").is_err()
                && Shard::parse("x").is_err()
                && Shard::parse("0/0").is_err()
        );
    }

    #[test]
    fn merge_checks_headers_and_duplicates() {
        let a = ("a".to_string(), "point,x\n0,1\n2,3\n".to_string());
        let b = ("b".to_string(), "point,x\n1,2\n".to_string());
        assert_eq!(
            merge(&[a.clone(), b.clone()]).unwrap(),
            "point,x\n0,1\n1,2\n2,3\n"
        );
        assert!(
            merge(&[a.clone(), a.clone()])
                .unwrap_err()
                .contains("more than one")
        );
        let c = ("c".to_string(), "point,y\n1,2\n".to_string());
        assert!(merge(&[a, c]).unwrap_err().contains("header"));
    }
}
