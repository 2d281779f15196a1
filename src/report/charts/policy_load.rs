//! (g) Machine policy requests per minute at each management point over time (issue 12), the
//! busiest minute of each sample period, with the MP's capacity (`mp_max_clients` polling
//! once per `machine_policy_interval`): office machines switched on in the morning show as a
//! start-up wave above the day's steady polls, and nights and weekends as troughs. The
//! busiest MPs only, so the chart stays readable in a large hierarchy; the summary has every
//! MP's peak.

use super::{
    BUSIEST, SERIES, Series, err, legend, line, mark_faults, time_chart, under_legend, with_zeros,
};
use crate::observe::Metrics;
use crate::world::World;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;

pub(super) fn policy_load<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    w: &World,
    m: &Metrics,
    end: f64,
) -> Result<Vec<Series>, String> {
    let load = &m.policy;
    let mut busiest: Vec<usize> = (0..w.mps.len().min(load.mps.len()))
        .filter(|&i| load.mps[i].requests > 0)
        .collect();
    busiest.sort_by_key(|&i| (std::cmp::Reverse(load.mps[i].peak), i));
    let polled = busiest.len();
    busiest.truncate(BUSIEST);
    let cap = load.capacity_per_minute();
    let peak = busiest
        .first()
        .map_or(1.0, |&i| load.mps[i].peak.max(1) as f64);
    let top = under_legend(
        cap.map_or(peak, |c| peak.max(c)),
        busiest.len() + usize::from(cap.is_some()),
        w,
    );
    let title = if busiest.len() < polled {
        format!(
            "Machine policy requests per minute, the {} busiest MPs (R09)",
            busiest.len()
        )
    } else {
        "Machine policy requests per minute at each management point (R09)".to_string()
    };
    let mut chart = time_chart(
        root,
        &title,
        end,
        top,
        w.calendar.as_ref(),
        "requests per minute",
    )?;
    mark_faults(&mut chart, w)?;
    let mut drawn = Vec::new();
    for (k, &i) in busiest.iter().enumerate() {
        let color = SERIES[k % SERIES.len()];
        let series: BTreeMap<u64, f64> = load.mps[i]
            .per_period
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(p, &n)| (p as u64, n as f64))
            .collect();
        let points = with_zeros(&series, load.period());
        let name = w.mps[i].name.clone();
        line(&mut chart, points, color.stroke_width(2), name, &mut drawn)?;
    }
    if let Some(cap) = cap {
        let style = super::ALERT.stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new([(0.0, cap), (end, cap)], 6, 4, style))
            .map_err(err)?
            .label(format!(
                "capacity: {} clients (mp_max_clients) per {}",
                w.settings.mp_max_clients, w.settings.machine_policy_interval
            ))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 14, y)], style));
    }
    legend(&mut chart)?;
    Ok(drawn)
}
