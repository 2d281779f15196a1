//! (g) State messages waiting on the reporting path over time (R13): at the management
//! points and at the site databases' state systems. A queue that builds after a deadline
//! is the lag before the console shows the truth. The busiest queues only, so the chart
//! stays readable in a large hierarchy; the summary has every peak.

use super::{BUSIEST, SERIES, Series, days, legend, line, mark_faults, time_chart, under_legend};
use crate::observe::Metrics;
use crate::observe::backlog::Queue;
use crate::world::World;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Whether any state messages waited anywhere: the chart is drawn only then.
pub(super) fn any(m: &Metrics) -> bool {
    let b = &m.compliance.backlog;
    b.mps.iter().chain(&b.dbs).any(|q| q.peak > 0)
}

/// The queue's points: between two minutes with changes it stays as it was.
fn steps(q: &Queue) -> Vec<(f64, f64)> {
    let hours = |minute: u64| days(minute * 60_000);
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut last: Option<(u64, u64)> = None;
    for (&minute, &n) in &q.per_minute {
        if let Some((m, v)) = last
            && minute > m + 1
        {
            out.push((hours(minute - 1), v as f64));
        }
        out.push((hours(minute), n as f64));
        last = Some((minute, n));
    }
    out
}

pub(super) fn backlog<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    w: &World,
    m: &Metrics,
    end: f64,
) -> Result<Vec<Series>, String> {
    let b = &m.compliance.backlog;
    let mut queues: Vec<(String, &Queue)> = w
        .mps
        .iter()
        .zip(&b.mps)
        .map(|(mp, q)| (format!("MP {}", mp.name), q))
        .chain(
            w.sites
                .iter()
                .zip(&b.dbs)
                .map(|(s, q)| (format!("database {}", s.code), q)),
        )
        .filter(|(_, q)| q.peak > 0)
        .collect();
    queues.sort_by_key(|(name, q)| (std::cmp::Reverse(q.peak), name.clone()));
    let waiting = queues.len();
    queues.truncate(BUSIEST);
    let top = queues
        .iter()
        .flat_map(|(_, q)| q.per_minute.values())
        .copied()
        .max()
        .unwrap_or(1)
        .max(1);
    let title = if queues.len() < waiting {
        format!(
            "State messages waiting, the {} longest queues (R13)",
            queues.len()
        )
    } else {
        "State messages waiting at MPs and site databases (R13)".to_string()
    };
    let mut chart = time_chart(
        root,
        &title,
        end,
        under_legend(top as f64, queues.len(), w),
        w.calendar.as_ref(),
        "messages waiting",
    )?;
    mark_faults(&mut chart, w)?;
    let mut drawn = Vec::new();
    for (k, (name, q)) in queues.into_iter().enumerate() {
        let color = SERIES[k % SERIES.len()];
        line(
            &mut chart,
            steps(q),
            color.stroke_width(2),
            name,
            &mut drawn,
        )?;
    }
    legend(&mut chart)?;
    Ok(drawn)
}
