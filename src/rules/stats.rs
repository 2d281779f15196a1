//! Timers drawn at random ("uniformly within the next 2 hours", R10; restarts within the
//! restart window, R25; the send cycle's phase, R13) leave no single wrong line when their
//! bound shrinks: every draw still lies inside the rule's bound. Many draws together do
//! show it — half the window leaves the upper half empty — so these checks test the sample
//! against the uniform distribution on the rule's window (Kolmogorov–Smirnov).

/// Below this many draws the test is not run: too few to say anything.
pub(super) const MIN_SAMPLES: usize = 30;

/// The test's false-alarm rate: a trace the model made correctly fails once in 10⁹.
const ALPHA: f64 = 1e-9;

/// Tests draws scaled to `[0, 1)` against the uniform distribution: the Kolmogorov–Smirnov
/// distance and the critical distance, when the draws cannot be uniform.
pub(super) fn not_uniform(mut u: Vec<f64>) -> Option<(f64, f64)> {
    let n = u.len();
    if n < MIN_SAMPLES {
        return None;
    }
    u.sort_by(f64::total_cmp);
    let nf = n as f64;
    let d = u
        .iter()
        .enumerate()
        .map(|(i, &x)| ((i + 1) as f64 / nf - x).max(x - i as f64 / nf))
        .fold(0.0, f64::max);
    let critical = (-0.5 * (ALPHA / 2.0).ln()).sqrt() / nf.sqrt();
    (d > critical).then_some((d, critical))
}

/// When the run ended (its `run_end` line): a timer drawn past it leaves no line, so a draw
/// armed at `a` is seen only below `end - a` and must be judged on that shorter window
/// (censoring), not on the rule's.
pub(super) fn run_end(lines: &[super::trace::Line]) -> u64 {
    lines
        .iter()
        .rev()
        .find(|l| l.kind == "run_end")
        .and_then(|l| l.end)
        .unwrap_or(u64::MAX)
}

/// The message for draws of `what` that are not uniform on `window` ms.
pub(super) fn message(what: &str, n: usize, window: u64, (d, c): (f64, f64)) -> String {
    format!(
        "{n} {what} are not uniform within {window} ms (Kolmogorov–Smirnov distance {d:.3} > {c:.3}): the window in force is not this one"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_draws_pass_and_half_a_window_fails() {
        let even: Vec<f64> = (0..200).map(|i| (i as f64 + 0.5) / 200.0).collect();
        assert!(not_uniform(even.clone()).is_none());
        let half: Vec<f64> = even.iter().map(|x| x / 2.0).collect();
        assert!(not_uniform(half).is_some());
        assert!(not_uniform(vec![0.0; 10]).is_none(), "too few to judge");
    }
}
