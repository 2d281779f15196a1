//! The synchronization cascade chart: one row per SUP, a bar per sync attempt (R01–R06).

use super::*;

/// Empty rows above a cascade of `n` rows for its legend (at most three lines), so that it
/// covers no bar: the legend's share of the plot's height, as rows.
fn legend_rows(n: f64) -> f64 {
    let share = (18.0 * 3.0 + 16.0) / 450.0;
    (n * share / (1.0 - share)).ceil()
}

/// (b) The synchronization cascade: one row per SUP, a bar per attempt (failures marked).
pub(super) fn cascade<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    w: &World,
    m: &Metrics,
    end: f64,
) -> Result<(), String> {
    let start = w.calendar.as_ref();
    let attempts: Vec<&[_]> = m.sups.iter().map(|x| x.attempts.as_slice()).collect();
    let rows = cascade_rows(&attempts);
    let n = rows.len().max(1) as f64;
    let names: Vec<String> = rows
        .iter()
        .map(|&i| {
            let (site, name) = (&w.sites[w.sups[i].site.index()].code, &w.sups[i].name);
            match name.starts_with(site.as_str()) {
                true => name.clone(),
                false => format!("{site} {name}"),
            }
        })
        .collect();
    let caption = match rows.len() < w.sups.len() {
        false => "Synchronization cascade (R01–R06): attempts per software update point".into(),
        true => format!(
            "Synchronization cascade (R01–R06): the {} of {} SUPs with the most failed attempts",
            rows.len(),
            w.sups.len()
        ),
    };
    let mut chart = ChartBuilder::on(root)
        .caption(caption, (FONT, 22))
        .margin(12)
        .margin_right(36)
        .x_label_area_size(40)
        .y_label_area_size(190)
        .build_cartesian_2d(TimeAxis::new(end, start), -0.5f64..n - 0.5 + legend_rows(n))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(time_axis(start))
        .x_label_formatter(&time_label(end, start))
        .y_labels(names.len().max(1) + legend_rows(n) as usize)
        .y_label_formatter(&|y| names.get(y.round() as usize).cloned().unwrap_or_default())
        .label_style((FONT, 13))
        .draw()
        .map_err(err)?;
    mark_faults(&mut chart, w)?;
    let mut ok_label = false;
    let mut fail_label = false;
    for (i, sup) in rows.iter().map(|&k| &m.sups[k]).enumerate() {
        for &(start, stop, succeeded) in &sup.attempts {
            let (x0, x1) = (
                days(start.ms()),
                // At least 1/150 of the axis (7 pixels): a 20-minute sync on a three-week
                // axis is otherwise a sliver.
                days(stop.ms()).max(days(start.ms()) + end / 150.0),
            );
            let (y0, y1) = (i as f64 - 0.3, i as f64 + 0.3);
            let color = if succeeded { DARK } else { ALERT };
            let series = chart
                .draw_series([Rectangle::new([(x0, y0), (x1, y1)], color.filled())])
                .map_err(err)?;
            if succeeded && !ok_label {
                ok_label = true;
                series
                    .label("sync (6702)")
                    .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], DARK.filled()));
            } else if !succeeded && !fail_label {
                fail_label = true;
                series
                    .label("failed (6703), retried later")
                    .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], ALERT.filled()));
            }
        }
    }
    legend(&mut chart)
}

/// SUP rows a cascade chart has room for: one per SUP up to this many.
const CASCADE_ROWS: usize = 24;

/// The SUPs the cascade draws, in hierarchy order: every one when they fit, else those with
/// the most failed attempts, then the most attempts (the central site's first on ties).
fn cascade_rows(attempts: &[&[(SimTime, SimTime, bool)]]) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..attempts.len()).collect();
    if rows.len() > CASCADE_ROWS {
        let failed = |k: usize| attempts[k].iter().filter(|a| !a.2).count();
        rows.sort_by_key(|&k| std::cmp::Reverse((failed(k), attempts[k].len())));
        rows.truncate(CASCADE_ROWS);
        rows.sort_unstable();
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cascade_keeps_the_sups_that_failed_most_in_hierarchy_order() {
        let (ok, failed) = (
            (SimTime(0), SimTime(1), true),
            (SimTime(0), SimTime(1), false),
        );
        // 30 SUPs: #29 failed twice, #3 once, #7 has three good attempts, the rest one.
        let mut sups: Vec<Vec<_>> = vec![vec![ok]; 30];
        sups[29] = vec![failed, failed, ok];
        sups[3] = vec![failed, ok];
        sups[7] = vec![ok, ok, ok];
        let views: Vec<&[_]> = sups.iter().map(Vec::as_slice).collect();
        let rows = cascade_rows(&views);
        assert_eq!(rows.len(), CASCADE_ROWS);
        assert!(
            rows.windows(2).all(|w| w[0] < w[1]),
            "hierarchy order: {rows:?}"
        );
        assert!(rows.contains(&29) && rows.contains(&3) && rows.contains(&7));
        // Among the equal rest, the first in the list stay.
        assert!(rows.contains(&0) && !rows.contains(&28), "{rows:?}");
        // A hierarchy that fits is drawn whole.
        assert_eq!(cascade_rows(&views[..5]), vec![0, 1, 2, 3, 4]);
    }
}
