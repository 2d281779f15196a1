//! Terminal tables for replications and plan comparisons.

use super::table::Table;
use crate::replicate::{Comparison, FigureStats, Replications};

/// A figure's value for people: times as `3d 04:00`, counts as numbers, "never" for a time
/// that never came.
pub fn show(value: Option<f64>, unit: &str) -> String {
    match value {
        None => "never".into(),
        Some(v) if unit == "h" && v != 0.0 && v.abs() < 1.0 => {
            // Under an hour the seconds matter (scan-to-database delays, small differences).
            let secs = (v.abs() * 3_600.0).round() as u64;
            let sign = if v < 0.0 { "−" } else { "" };
            format!("{sign}00:{:02}:{:02}", secs / 60, secs % 60)
        }
        Some(v) if unit == "h" => {
            let minutes = (v.abs() * 60.0).round() as u64;
            let sign = if v < 0.0 { "−" } else { "" };
            let (d, h, m) = (minutes / 1_440, minutes % 1_440 / 60, minutes % 60);
            if d > 0 {
                format!("{sign}{d}d {h:02}:{m:02}")
            } else {
                format!("{sign}{h:02}:{m:02}")
            }
        }
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
    }
}

pub(crate) fn range(f: &FigureStats) -> String {
    format!("{} – {}", show(f.p5, f.unit), show(f.p95, f.unit))
}

/// One plan over its seeds.
pub fn replications(r: &Replications) -> String {
    format!(
        "cmsim — {}: {} replications (seeds {}–{}); times since the start\n\n{}",
        r.scenario,
        r.seeds.len(),
        r.seeds.first().copied().unwrap_or(0),
        r.seeds.last().copied().unwrap_or(0),
        replications_table(r).render()
    )
}

/// Each figure's median and 5–95 % range over the seeds.
pub fn replications_table(r: &Replications) -> Table {
    let mut t = Table::new(&["figure", "median", "p5 – p95"]);
    for f in &r.figures {
        t.row(vec![f.name.clone(), show(f.median, f.unit), range(f)]);
    }
    t
}

/// Two plans side by side.
pub fn comparison(c: &Comparison) -> String {
    format!(
        "cmsim compare — A: {}  B: {}\n{} seeds, the same for both plans (common random numbers); \
         \"beyond noise\": the 5–95 % range of the paired differences excludes zero\n\n{}",
        c.a,
        c.b,
        c.seeds.len(),
        comparison_table(c).render()
    )
}

/// Per figure: both plans' medians, the paired difference and whether it is beyond noise.
pub fn comparison_table(c: &Comparison) -> Table {
    let mut t = Table::new(&[
        "figure",
        "A median",
        "B median",
        "B − A median",
        "B − A p5 – p95",
        "beyond noise",
    ]);
    for f in &c.figures {
        t.row(vec![
            f.name.clone(),
            show(f.a.median, f.unit),
            show(f.b.median, f.unit),
            show(f.difference.median, f.unit),
            range(&f.difference),
            if c.seeds.len() < 3 {
                "n/a".into()
            } else if f.beyond_noise {
                "yes".into()
            } else {
                "no".into()
            },
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::show;

    #[test]
    fn shows_times_counts_and_never() {
        assert_eq!(show(Some(76.25), "h"), "3d 04:15");
        assert_eq!(show(Some(-1.5), "h"), "−01:30");
        assert_eq!(show(Some(0.0883), "h"), "00:05:18");
        assert_eq!(show(Some(0.0), "h"), "00:00");
        assert_eq!(show(Some(12.0), ""), "12");
        assert_eq!(show(Some(2.25), ""), "2.2");
        assert_eq!(show(None, "h"), "never");
    }
}
