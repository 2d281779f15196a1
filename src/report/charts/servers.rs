//! Charts of one line per server — state messages at the management points, downloads at
//! the distribution points — drawn for the busiest servers only: a hierarchy has hundreds
//! (the enterprise scenario's 275 MPs, at a point per minute for 14 days, made a 200 MB
//! picture nobody could read); the summary and the CSV files have every server.

use super::{
    BUSIEST, SERIES, SIZE, Series, as_f64, days, err, legend, line, mark_faults, time_chart,
    under_legend, with_zeros,
};
use crate::observe::Metrics;
use crate::world::World;
use plotters::coord::Shift;
use plotters::prelude::*;

/// (c) State messages per minute received at the busiest MPs, and forwarded to the database.
pub(super) fn state_messages<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    w: &World,
    m: &Metrics,
    end: f64,
) -> Result<Vec<Series>, String> {
    let start = w.calendar.as_ref();
    let mps = &m.compliance.mps;
    let mut drawn = Vec::new();
    let busiest = busiest(mps.iter().map(|x| x.per_minute.values().sum::<u64>()));
    let top = busiest
        .iter()
        .map(|&i| &mps[i])
        .flat_map(|x| x.per_minute.values().chain(x.forwarded_per_minute.values()))
        .copied()
        .max()
        .unwrap_or(1);
    let title = "State messages per minute at the busiest management points (R13)";
    let top = under_legend(top as f64, 2 * busiest.len(), w);
    let mut chart = time_chart(root, title, end, top, start, "messages per minute")?;
    mark_faults(&mut chart, w)?;
    for (k, &i) in busiest.iter().enumerate() {
        let (mp, load) = (&w.mps[i], &mps[i]);
        let color = SERIES[k % SERIES.len()];
        let received = with_zeros(&as_f64(&load.per_minute), 60_000);
        let label = format!("{} received", mp.name);
        line(
            &mut chart,
            received,
            color.stroke_width(2),
            label,
            &mut drawn,
        )?;
        // A thin, lighter line, not a dashed one: a series that moves every minute breaks
        // into one SVG element per dash (12,000 in a week, a 1.2 MB chart).
        let forwarded = with_zeros(&as_f64(&load.forwarded_per_minute), 60_000);
        let label = format!("{} forwarded to the database", mp.name);
        let light = color.mix(0.55).stroke_width(1);
        line(&mut chart, forwarded, light, label, &mut drawn)?;
    }
    legend(&mut chart)?;
    Ok(drawn)
}

/// The indices of the [`BUSIEST`] largest of `totals` that are above zero, largest first
/// (ties in index order): the servers a per-server chart draws.
fn busiest(totals: impl Iterator<Item = u64>) -> Vec<usize> {
    let mut order: Vec<(u64, usize)> = totals
        .enumerate()
        .filter(|&(_, n)| n > 0)
        .map(|(i, n)| (n, i))
        .collect();
    order.sort_by_key(|&(n, i)| (std::cmp::Reverse(n), i));
    order.into_iter().take(BUSIEST).map(|(_, i)| i).collect()
}

/// (d) Concurrent downloads at the busiest DPs (peak per minute), and GB started per hour.
pub(super) fn downloads<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    w: &World,
    m: &Metrics,
    end: f64,
) -> Result<Vec<Series>, String> {
    let start = w.calendar.as_ref();
    let dps = &m.deployment.dps;
    let mut drawn = Vec::new();
    let (upper, lower) = root.split_vertically(SIZE.1 / 2);
    let busiest = busiest(dps.iter().map(|d| d.downloads));
    let top = busiest
        .iter()
        .flat_map(|&i| dps[i].per_minute.values())
        .map(|&[peak, _]| peak)
        .max()
        .unwrap_or(1);
    let title = "Downloads at the busiest distribution points (R18–R20)";
    // Half a chart's height: the legend takes twice the share of it.
    let entries = busiest.len() + w.deployments.len();
    let top = under_legend(top as f64, 2 * entries + 1, w);
    let mut chart = time_chart(&upper, title, end, top, start, "downloads at once")?;
    mark_faults(&mut chart, w)?;
    for (k, &i) in busiest.iter().enumerate() {
        let (dp, load) = (&w.dps[i], &dps[i]);
        let color = SERIES[k % SERIES.len()];
        let at_once = super::levels(&load.per_minute, 60_000);
        line(
            &mut chart,
            at_once,
            color.stroke_width(2),
            dp.name.clone(),
            &mut drawn,
        )?;
    }
    // When each package was on every DP of it (R16, issue 12 item 4).
    for (d, p) in w.deployments.iter().zip(&m.deployment.deployments) {
        let done = p.on_dp.iter().try_fold(None, |last: Option<u64>, t| {
            t.map(|t| last.max(Some(t.ms())))
        });
        if let Some(Some(done)) = done {
            let x = days(done);
            chart
                .draw_series(LineSeries::new(
                    [(x, 0.0), (x, top)],
                    BLACK.mix(0.6).stroke_width(1),
                ))
                .map_err(err)?
                .label(format!("{}: content on all DPs", d.id))
                .legend(|(x, y)| PathElement::new([(x, y), (x + 14, y)], BLACK.mix(0.6)));
        }
    }
    legend(&mut chart)?;
    let per_hour = |per_minute: &crate::observe::minutes::Minutes<u64>| {
        let mut h = std::collections::BTreeMap::<u64, f64>::new();
        for (&min, &b) in per_minute {
            *h.entry(min / 60).or_default() += b as f64 / 1e9;
        }
        h
    };
    // Fallback (across the WAN, also in its DP's line) and peer bytes, when there are any.
    let sources = &m.deployment.sources;
    let extra: Vec<(&str, std::collections::BTreeMap<u64, f64>)> = [
        ("fallback (WAN)", &sources.fallback_per_minute),
        ("peers", &sources.peer_per_minute),
    ]
    .into_iter()
    .filter(|(_, m)| !m.is_empty())
    .map(|(name, m)| (name, per_hour(m)))
    .collect();
    let top = busiest
        .iter()
        .flat_map(|&i| per_hour(&dps[i].bytes_per_minute).into_values())
        .chain(extra.iter().flat_map(|(_, h)| h.values().copied()))
        .fold(0.001, f64::max);
    let mut chart = time_chart(&lower, "", end, top * 1.1, start, "GB started per hour")?;
    mark_faults(&mut chart, w)?;
    // The same DPs as above, in the same colours.
    for (k, &i) in busiest.iter().enumerate() {
        let color = SERIES[k % SERIES.len()];
        let points = with_zeros(&per_hour(&dps[i].bytes_per_minute), 3_600_000);
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))
            .map_err(err)?;
        // Unlabelled here (the panel above names the DPs), named in the values.
        drawn.push(Series {
            name: format!("{} GB started per hour", w.dps[i].name),
            points,
        });
    }
    for (i, (name, h)) in extra.into_iter().enumerate() {
        let color = if i == 0 { BLACK } else { MAGENTA };
        let points = with_zeros(&h, 3_600_000);
        line(
            &mut chart,
            points,
            color.stroke_width(2),
            name.into(),
            &mut drawn,
        )?;
    }
    if !sources.fallback.is_empty() || sources.peer_downloads > 0 {
        legend(&mut chart)?;
    }
    Ok(drawn)
}

#[cfg(test)]
mod tests {
    use super::busiest;

    #[test]
    fn the_busiest_servers_largest_first_ties_by_index_idle_ones_left_out() {
        let totals = [5, 0, 9, 5, 1, 7, 3, 2, 8];
        assert_eq!(busiest(totals.into_iter()), vec![2, 8, 5, 0, 3, 6]);
        assert_eq!(busiest([0, 4, 0].into_iter()), vec![1]);
        assert!(busiest(std::iter::empty()).is_empty());
    }
}
