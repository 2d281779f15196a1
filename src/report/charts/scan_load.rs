//! (f) The scans each software update point's WSUS served at once over time (issue 12), with
//! its capacity (`wsus_max_scans`): a storm after an outage, a deadline or a move of clients
//! to another SUP shows as a plateau at the capacity. The busiest SUPs only, so the chart
//! stays readable in a large hierarchy; the summary has every SUP's peak.

use super::{
    BUSIEST, SERIES, Series, err, legend, line, mark_faults, time_chart, under_legend, with_zeros,
};
use crate::observe::Metrics;
use crate::world::World;
use plotters::coord::Shift;
use plotters::prelude::*;

pub(super) fn scan_load<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    w: &World,
    m: &Metrics,
    end: f64,
) -> Result<Vec<Series>, String> {
    let mut busiest: Vec<usize> = (0..w.sups.len())
        .filter(|&i| m.sups[i].scan_load.served > 0)
        .collect();
    busiest.sort_by_key(|&i| (std::cmp::Reverse(m.sups[i].scan_load.peak), i));
    let serving = busiest.len();
    busiest.truncate(BUSIEST);
    let cap = w.settings.wsus_max_scans;
    let peak = busiest
        .first()
        .map_or(1, |&i| m.sups[i].scan_load.peak.max(1));
    let top = f64::from(if cap > 0 { peak.max(cap) } else { peak });
    let top = under_legend(top, busiest.len() + usize::from(cap > 0), w);
    let title = if busiest.len() < serving {
        format!(
            "Scans served at once, the {} busiest SUPs (R11)",
            busiest.len()
        )
    } else {
        "Scans served at once at each software update point (R11)".to_string()
    };
    let mut chart = time_chart(root, &title, end, top, w.calendar.as_ref(), "scans at once")?;
    mark_faults(&mut chart, w)?;
    let period = m.scan_steps.period();
    let mut drawn = Vec::new();
    for (k, &i) in busiest.iter().enumerate() {
        let color = SERIES[k % SERIES.len()];
        let series = m.sups[i]
            .scan_load
            .per_period
            .iter()
            .map(|(&p, &n)| (p, f64::from(n)))
            .collect();
        let points = with_zeros(&series, period);
        let name = w.sups[i].name.clone();
        line(&mut chart, points, color.stroke_width(2), name, &mut drawn)?;
    }
    if cap > 0 {
        let style = super::ALERT.stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, f64::from(cap)), (end, f64::from(cap))],
                6,
                4,
                style,
            ))
            .map_err(err)?
            .label(format!("capacity: wsus_max_scans {cap}"))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 14, y)], style));
    }
    legend(&mut chart)?;
    Ok(drawn)
}
