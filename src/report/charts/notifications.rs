//! The notifications chart: how many deadline notifications each notified user saw (R22).

use super::*;

/// (e) How many deadline notifications each notified user saw (R22).
pub(super) fn notifications<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    m: &Metrics,
) -> Result<(), String> {
    let counts: Vec<u32> = m
        .deployment
        .notifications
        .iter()
        .copied()
        .filter(|&n| n > 0)
        .collect();
    let max = counts.iter().copied().max().unwrap_or(0);
    let mut bins = vec![0u32; max as usize + 1];
    for &n in &counts {
        bins[n as usize] += 1;
    }
    let top = bins.iter().copied().max().unwrap_or(1).max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!(
                "Deadline notifications per user (R22): {} users notified",
                counts.len()
            ),
            (FONT, 22),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5f64..f64::from(max) + 0.5, 0f64..f64::from(top) * 1.1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("notifications seen by one user")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&count_label)
        .y_desc("users")
        .label_style((FONT, 14))
        .draw()
        .map_err(err)?;
    // Bars drawn one by one from the sorted bins: plotters' Histogram keeps them in a hash
    // map, whose order would make the SVG differ between identical runs.
    let bars = bins
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n > 0)
        .map(|(k, &n)| {
            let x = k as f64;
            Rectangle::new([(x - 0.4, 0.0), (x + 0.4, f64::from(n))], DARK.filled())
        });
    chart.draw_series(bars).map_err(err)?;
    Ok(())
}
