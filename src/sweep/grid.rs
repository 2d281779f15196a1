//! The grid of a sweep and its shards, computed point by point: a point is a function of
//! its index, so a sweep never holds its whole grid (or its worlds) in memory.

use crate::scenario::{Problem, SweepAxis};

/// The most points a sweep may have. Every point is a full simulation, so a grid this large
/// is already weeks of computing; a larger one is a typo (one axis too many), refused before
/// anything is built. `merge` also holds one flag per point, so this bounds its memory.
pub const MAX_POINTS: usize = 100_000;

/// One point of the grid: its index and one value per axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Point {
    /// Position in the grid (the last axis varies fastest).
    pub index: usize,
    /// One value per axis, as written.
    pub values: Vec<String>,
}

/// How many points `axes` make, or why they cannot be swept: an axis without values, more
/// than [`MAX_POINTS`] (counted with checked arithmetic, so 64 axes of two values are "too
/// many", never a product that wrapped to zero), or a parameter swept twice (the second
/// axis silently won and the table had two identical columns).
pub fn count(axes: &[SweepAxis]) -> Result<usize, Problem> {
    if let Some(k) = axes.iter().position(|a| a.values.is_empty()) {
        return Err(Problem::new(
            format!("sweep[{k}].values"),
            "expected at least one value",
        ));
    }
    let mut total: usize = 1;
    for a in axes {
        match total.checked_mul(a.values.len()) {
            Some(t) if t <= MAX_POINTS => total = t,
            _ => {
                let message = format!(
                    "{} parameters make {} points, more than the limit of {MAX_POINTS}; \
                     sweep fewer values or split the sweep into several scenarios",
                    axes.len(),
                    product_text(axes)
                );
                return Err(Problem::new("sweep", message));
            }
        }
    }
    let mut first = std::collections::HashMap::new();
    for (k, a) in axes.iter().enumerate() {
        if let Some(j) = first.insert(a.param.trim(), k) {
            return Err(Problem::new(
                format!("sweep[{k}].param"),
                format!(
                    "`{}` is swept twice: first at sweep[{j}]; expected each parameter once: \
                     put all its values in one axis",
                    a.param
                ),
            ));
        }
    }
    Ok(total)
}

/// The product of the axes' lengths in words, exact when it fits in 128 bits.
fn product_text(axes: &[SweepAxis]) -> String {
    axes.iter()
        .try_fold(1u128, |t, a| t.checked_mul(a.values.len() as u128))
        .map_or_else(|| "more than 2^128".to_string(), |n| n.to_string())
}

/// The point at `index` (< the grid's count) of the grid of `axes`.
pub fn point(axes: &[SweepAxis], index: usize) -> Point {
    let mut rest = index;
    let mut values = vec![String::new(); axes.len()];
    for (k, axis) in axes.iter().enumerate().rev() {
        values[k] = axis.values[rest % axis.values.len()].clone();
        rest /= axis.values.len();
    }
    Point { index, values }
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
    /// The whole grid as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

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

    /// Whether this shard runs point `index`.
    pub fn runs(self, index: usize) -> bool {
        index % self.count == self.index
    }

    /// The indexes of this shard's points in a grid of `total`, in order.
    pub fn indexes(self, total: usize) -> impl Iterator<Item = usize> {
        (self.index..total).step_by(self.count)
    }

    /// Refuses a split with shards that would run nothing: at most one shard per point, so
    /// every shard's table has its figure columns and `merge` knows which shards to expect.
    pub fn fits(self, total: usize) -> Result<(), String> {
        if self.count > total {
            return Err(format!(
                "--shard {}/{}: the sweep has {total} points, so some of {} shards would run \
                 none; use at most {total} shards",
                self.index, self.count, self.count
            ));
        }
        Ok(())
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An axis of `n` values over a parameter of its own (numbered from a global counter).
    fn axis(n: usize) -> SweepAxis {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        SweepAxis {
            param: format!("settings.p{}", NEXT.fetch_add(1, Ordering::Relaxed)),
            values: (0..n).map(|i| format!("{i}h")).collect(),
        }
    }

    #[test]
    fn a_parameter_swept_twice_is_refused_at_its_second_axis() {
        let mut axes = vec![axis(2), axis(3), axis(2)];
        axes[2].param = axes[0].param.clone();
        let e = count(&axes).unwrap_err();
        assert_eq!(e.path, "sweep[2].param");
        assert!(
            e.message.contains(&format!(
                "`{}` is swept twice: first at sweep[0]",
                axes[0].param
            )),
            "{}",
            e.message
        );
    }

    #[test]
    fn the_grid_varies_the_last_axis_fastest() {
        let axes = vec![axis(2), axis(3)];
        assert_eq!(count(&axes), Ok(6));
        assert_eq!(point(&axes, 1).values, vec!["0h", "1h"]);
        assert_eq!(point(&axes, 3).values, vec!["1h", "0h"]);
    }

    #[test]
    fn shards_split_the_grid_without_overlap() {
        let shards: Vec<Shard> = (0..4)
            .map(|i| Shard::parse(&format!("{i}/4")).unwrap())
            .collect();
        for p in 0..10 {
            assert_eq!(shards.iter().filter(|s| s.runs(p)).count(), 1);
        }
        let all: usize = shards.iter().map(|s| s.indexes(10).count()).sum();
        assert_eq!(all, 10);
        assert_eq!(shards[1].indexes(10).collect::<Vec<_>>(), vec![1, 5, 9]);
        assert!(
            Shard::parse("4/4").is_err()
                && Shard::parse("x").is_err()
                && Shard::parse("0/0").is_err()
        );
        assert!(shards[0].fits(4).is_ok() && shards[0].fits(3).is_err());
    }

    #[test]
    fn huge_grids_are_refused_not_wrapped() {
        let axes: Vec<SweepAxis> = (0..64).map(|_| axis(2)).collect();
        let e = count(&axes).unwrap_err().message;
        assert!(e.contains("18446744073709551616 points"), "{e}");
        assert!(count(&[axis(MAX_POINTS + 1)]).is_err());
        assert_eq!(count(&[axis(MAX_POINTS)]), Ok(MAX_POINTS));
        assert_eq!(
            count(&[axis(2), axis(0)]).unwrap_err().path,
            "sweep[1].values"
        );
    }
}
