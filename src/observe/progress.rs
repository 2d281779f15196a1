//! A progress bar on stderr for long runs: simulated time against the end, and events per
//! second. Hidden when stderr is not a terminal or when asked to be quiet.

use crate::engine::{Observer, SimTime};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shows progress of a run.
pub struct Progress {
    bar: ProgressBar,
}

/// Columns of the bar itself; with the percentage and [`status`] the line stays within 80.
const BAR: usize = 20;

impl Progress {
    /// A bar for a run ending at `end`; hidden when `quiet` (and, by indicatif, when stderr
    /// is not a terminal).
    pub fn new(end: SimTime, quiet: bool) -> Self {
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(Some(end.ms()), target);
        bar.set_style(
            ProgressStyle::with_template(&format!("{{bar:{BAR}}} {{percent:>3}}% {{msg}}"))
                .expect("valid template"),
        );
        Progress { bar }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The bar's text: simulated time of the whole, events per second, and the time left at the
/// pace so far (`13d 02:11/14d 00:00 · 1.2M ev/s · 00:40 left`), at most 54 columns.
fn status(now: SimTime, end: SimTime, events: u64, secs: f64) -> String {
    let clock = |t: SimTime| crate::report::variation::show(Some(t.ms() as f64 / 3.6e6), "h");
    let rate = events as f64 / secs.max(1e-9);
    let rate = match rate {
        r if r >= 1e9 => format!("{:.1}G", r / 1e9),
        r if r >= 1e6 => format!("{:.1}M", r / 1e6),
        r if r >= 1e3 => format!("{:.0}k", r / 1e3),
        r => format!("{r:.0}"),
    };
    let left = match now.ms() {
        0 => "—".to_string(),
        done => {
            let rest = end.ms().saturating_sub(done) as f64 * secs / done as f64;
            let rest = (rest.round() as u64).min(359_999);
            format!("{:02}:{:02}:{:02}", rest / 3_600, rest / 60 % 60, rest % 60)
        }
    };
    format!(
        "{}/{} · {rate} ev/s · {left} left",
        clock(SimTime(now.ms() / 60_000 * 60_000)),
        clock(end)
    )
}

impl<F> Observer<F> for Progress {
    fn observe(&mut self, _: SimTime, _: &F) {}

    fn wants_detail(&self) -> bool {
        false
    }

    fn tick(&mut self, now: SimTime, events: u64) {
        let secs = self.bar.elapsed().as_secs_f64();
        let end = SimTime(self.bar.length().unwrap_or(0));
        self.bar.set_position(now.ms());
        self.bar.set_message(status(now, end, events, secs));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_fits_80_columns_and_says_what_is_left() {
        let end = SimTime(3 * 365 * 86_400_000);
        let line = status(SimTime(end.ms() - 61_000), end, 999_000_000_000, 1.0);
        let width = BAR + " 100% ".len() + line.chars().count();
        assert!(width <= 80, "{width}: {line}");
        let half = status(
            SimTime(7 * 86_400_000),
            SimTime(14 * 86_400_000),
            2_000_000,
            10.0,
        );
        assert_eq!(half, "7d 00:00/14d 00:00 · 200k ev/s · 00:00:10 left");
        assert!(status(SimTime(0), end, 0, 0.0).ends_with("— left"));
    }
}
