//! A progress bar on stderr for long runs: simulated time against the end, and events per
//! second. Hidden when stderr is not a terminal or when asked to be quiet.

use crate::engine::{Observer, SimTime};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shows progress of a run.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar for a run ending at `end`; hidden when `quiet`.
    pub fn new(end: SimTime, quiet: bool) -> Self {
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(Some(end.ms()), target);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {percent:>3}% simulated {msg} ({elapsed})")
                .expect("valid template"),
        );
        Progress { bar }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl<F> Observer<F> for Progress {
    fn observe(&mut self, _: SimTime, _: &F) {}

    fn tick(&mut self, now: SimTime, events: u64) {
        let secs = self.bar.elapsed().as_secs_f64().max(1e-9);
        self.bar.set_position(now.ms());
        self.bar.set_message(format!(
            "{}, {events} events, {:.0} events/s",
            SimTime(now.ms() / 1_000 * 1_000),
            events as f64 / secs
        ));
    }
}
