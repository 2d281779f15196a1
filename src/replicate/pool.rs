//! The pool of threads behind replications, sweeps and comparisons.
//!
//! [`run_points`] runs several worlds (a sweep's points, the two plans of a comparison)
//! under the same seeds on one pool of threads: each thread builds a point's world when it
//! starts that point, works through its seeds, and helps with another point's seeds when no
//! point is left to start, so both cores stay busy when points differ in cost and at most
//! `jobs` worlds exist at once.

use crate::estimate::Budget;
use crate::report::Summary;
use crate::run::{RunError, RunOptions, run};
use crate::world::World;
use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// Runs each of `points` worlds once per seed on at most `jobs` threads, each run within
/// `budget`'s event limit. `world(i)` builds point i's world when a thread starts the point
/// (a thread holds one world at a time, so at most `jobs` exist at once); `reduce(i, runs)`
/// makes point i's result from its summaries, in seed order, once its last run finished;
/// `emit(i, result)` takes the results in point order, as soon as every earlier point's is
/// in, so they need not all be kept. The output is the same for any `jobs`: on a failure,
/// every run before it in (point, seed) order still runs, none after it starts, and the
/// first failure in that order is returned — the one a single thread would have stopped at.
#[allow(clippy::too_many_arguments)]
pub fn run_points<W, R, E>(
    points: usize,
    seeds: &[u64],
    jobs: usize,
    budget: Budget,
    label: &str,
    world: impl Fn(usize) -> Result<W, E> + Sync,
    reduce: impl Fn(usize, Vec<Summary>) -> R + Sync,
    emit: impl FnMut(usize, R) -> Result<(), E> + Send,
) -> Result<(), E>
where
    W: Borrow<World> + Send + Sync,
    R: Send,
    E: From<RunError> + Send,
{
    let runs = points.saturating_mul(seeds.len());
    // Finished runs on stderr; indicatif hides the bar when stderr is not a terminal.
    let bar = indicatif::ProgressBar::new(runs as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg} ({elapsed})")
            .expect("valid template"),
    );
    bar.set_message(label.to_string());
    let pool = Pool {
        points,
        seeds,
        state: Mutex::new(State {
            next_point: 0,
            building: 0,
            open: Vec::new(),
            slots: BTreeMap::new(),
            ready: BTreeMap::new(),
            next_emit: 0,
            emit,
            failure: None,
        }),
        wake: Condvar::new(),
    };
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, runs.max(1)) {
            scope.spawn(|| pool.work(&world, &reduce, budget, &bar));
        }
    });
    let state = pool.state.into_inner().expect("no run panicked");
    match state.failure {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

/// The threads' shared state, behind one lock: a run takes far longer than a turn of it.
struct Pool<'s, W, R, E, F> {
    points: usize,
    seeds: &'s [u64],
    state: Mutex<State<W, R, E, F>>,
    /// Woken when a world is built (or failed to build): its seeds may be shared.
    wake: Condvar,
}

struct State<W, R, E, F> {
    /// The next point no thread has started.
    next_point: usize,
    /// Worlds being built now.
    building: usize,
    /// Points started with seeds not yet taken, in point order, with their worlds.
    open: Vec<Open<W>>,
    /// The summaries of points started and not finished, by seed, and how many are to come.
    slots: BTreeMap<usize, (Vec<Option<Summary>>, usize)>,
    /// Results of finished points waiting for an earlier one.
    ready: BTreeMap<usize, R>,
    /// The point `emit` takes next.
    next_emit: usize,
    emit: F,
    /// The first failure in (point, seed) order so far, with its run's index.
    failure: Option<(usize, E)>,
}

struct Open<W> {
    point: usize,
    world: Arc<W>,
    next_seed: usize,
}

/// What a thread does next.
enum Job<W> {
    Run(usize, usize, Arc<W>),
    Build(usize),
    Wait,
    Stop,
}

impl<W, R, E, F> State<W, R, E, F>
where
    F: FnMut(usize, R) -> Result<(), E>,
{
    fn fail(&mut self, index: usize, e: E) {
        if self.failure.as_ref().is_none_or(|&(i, _)| index < i) {
            self.failure = Some((index, e));
        }
    }

    /// The next job for a thread that last worked on point `mine`: another seed of it, else
    /// a point nobody started, else another seed of the earliest point with seeds left.
    fn next(&mut self, mine: Option<usize>, seeds: usize, points: usize) -> Job<W> {
        let stop = self.failure.as_ref().map_or(usize::MAX, |&(i, _)| i);
        self.open.retain(|o| o.point * seeds + o.next_seed < stop);
        let take = |o: &mut Open<W>| {
            let job = Job::Run(o.point, o.next_seed, Arc::clone(&o.world));
            o.next_seed += 1;
            job
        };
        let job = if let Some(o) = self.open.iter_mut().find(|o| Some(o.point) == mine) {
            take(o)
        } else if self.next_point < points && self.next_point * seeds < stop {
            self.next_point += 1;
            self.building += 1;
            return Job::Build(self.next_point - 1);
        } else if let Some(o) = self.open.first_mut() {
            take(o)
        } else if self.building > 0 {
            return Job::Wait;
        } else {
            return Job::Stop;
        };
        self.open.retain(|o| o.next_seed < seeds);
        job
    }

    /// Keeps the summary of run `seed` of `point`; returns the point's runs when it was the
    /// last.
    fn finished(&mut self, point: usize, seed: usize, s: Summary) -> Option<Vec<Summary>> {
        let (runs, left) = self.slots.get_mut(&point).expect("a started point");
        runs[seed] = Some(s);
        *left -= 1;
        if *left > 0 {
            return None;
        }
        let (runs, _) = self.slots.remove(&point).expect("a started point");
        Some(
            runs.into_iter()
                .map(|r| r.expect("every seed ran"))
                .collect(),
        )
    }

    /// Emits the results that are next in point order.
    fn emit(&mut self, point: usize, result: R, seeds: usize) {
        self.ready.insert(point, result);
        while self
            .failure
            .as_ref()
            .is_none_or(|&(i, _)| self.next_emit * seeds < i)
            && let Some(result) = self.ready.remove(&self.next_emit)
        {
            let at = self.next_emit;
            self.next_emit += 1;
            if let Err(e) = (self.emit)(at, result) {
                self.fail(at * seeds, e);
            }
        }
    }
}

impl<W, R, E, F> Pool<'_, W, R, E, F>
where
    W: Borrow<World>,
    E: From<RunError>,
    F: FnMut(usize, R) -> Result<(), E>,
{
    fn lock(&self) -> MutexGuard<'_, State<W, R, E, F>> {
        self.state.lock().expect("no run panicked")
    }

    /// One thread's work: jobs until none is left.
    fn work(
        &self,
        world: &impl Fn(usize) -> Result<W, E>,
        reduce: &impl Fn(usize, Vec<Summary>) -> R,
        budget: Budget,
        bar: &indicatif::ProgressBar,
    ) {
        let seeds = self.seeds.len();
        let mut mine = None;
        let mut state = self.lock();
        loop {
            let (point, seed, w) = match state.next(mine, seeds, self.points) {
                Job::Stop => return,
                Job::Wait => {
                    state = self.wake.wait(state).expect("no run panicked");
                    continue;
                }
                Job::Run(point, seed, w) => (point, seed, w),
                Job::Build(point) => {
                    drop(state);
                    let built = world(point);
                    state = self.lock();
                    state.building -= 1;
                    self.wake.notify_all();
                    match built {
                        Ok(w) if seeds > 0 => {
                            let w = Arc::new(w);
                            state
                                .slots
                                .insert(point, ((0..seeds).map(|_| None).collect(), seeds));
                            state.open.push(Open {
                                point,
                                world: Arc::clone(&w),
                                next_seed: 1,
                            });
                            state.open.sort_by_key(|o| o.point);
                            state.open.retain(|o| o.next_seed < seeds);
                            (point, 0, w)
                        }
                        Ok(_) => {
                            let r = reduce(point, Vec::new());
                            state.emit(point, r, seeds);
                            continue;
                        }
                        Err(e) => {
                            state.fail(point * seeds, e);
                            continue;
                        }
                    }
                }
            };
            mine = Some(point);
            drop(state);
            let mut one = World::clone((*w).borrow());
            drop(w);
            one.seed = self.seeds[seed];
            let result = run(
                &one,
                &RunOptions {
                    quiet: true,
                    budget,
                    // Runs go in parallel with each other instead (`observe/relay.rs`).
                    one_thread: true,
                    ..RunOptions::default()
                },
            );
            drop(one);
            bar.inc(1);
            state = self.lock();
            match result {
                Ok(s) => {
                    if let Some(runs) = state.finished(point, seed, s) {
                        drop(state);
                        let r = reduce(point, runs);
                        state = self.lock();
                        state.emit(point, r, seeds);
                    }
                }
                Err(e) => state.fail(point * seeds + seed, e.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Failed {
        World(usize),
        Run,
    }

    impl From<RunError> for Failed {
        fn from(_: RunError) -> Failed {
            Failed::Run
        }
    }

    fn world() -> World {
        let src = r#"Scenario(name: "x", end: "1d", sites: [(code: "P01", kind: Primary,
            sup: "S", management_points: ["MP"], distribution_points: ["DP"])],
            clients: [(name: "g", site: "P01", count: 5)])"#;
        crate::world::build(&crate::load::parse("x.ron", src).unwrap()).unwrap()
    }

    /// Runs `points` points of which `bad` cannot be built; what `emit` got, and the failure.
    fn points(
        points: usize,
        bad: &[usize],
        jobs: usize,
    ) -> (Vec<(usize, Vec<u64>)>, Option<Failed>) {
        let (base, seeds) = (world(), [3, 1, 2]);
        let mut emitted = Vec::new();
        let r = run_points(
            points,
            &seeds,
            jobs,
            Budget::default(),
            "test",
            |i| {
                if bad.contains(&i) {
                    return Err(Failed::World(i));
                }
                let mut w = base.clone();
                w.name = format!("point {i}");
                Ok(w)
            },
            |i, runs| {
                assert!(runs.iter().all(|s| s.scenario == format!("point {i}")));
                runs.iter().map(|s| s.seed).collect::<Vec<u64>>()
            },
            |i, seeds| {
                emitted.push((i, seeds));
                Ok(())
            },
        );
        (emitted, r.err())
    }

    #[test]
    fn points_come_out_in_order_with_their_seeds_in_order_for_any_thread_count() {
        let want: Vec<(usize, Vec<u64>)> = (0..5).map(|i| (i, vec![3, 1, 2])).collect();
        for jobs in [1, 2, 3, 16] {
            assert_eq!(points(5, &[], jobs), (want.clone(), None), "{jobs} jobs");
        }
    }

    #[test]
    fn the_first_failure_in_point_order_is_the_one_returned_for_any_thread_count() {
        for jobs in [1, 2, 3, 16] {
            let (emitted, failed) = points(6, &[4, 2], jobs);
            let at: Vec<usize> = emitted.iter().map(|e| e.0).collect();
            assert_eq!(at, [0, 1], "{jobs} jobs: nothing after the failure");
            assert_eq!(failed, Some(Failed::World(2)), "{jobs} jobs");
        }
    }
}
