//! Band charts of replications and plan comparisons: each figure's median with its 5–95 %
//! range over seeds, one band per plan.

use super::*;

/// The installed share over time across replications, one colour per plan: the site
/// databases' median with its 5–95 % band, and the clients' true median (dashed). One plan
/// for `run --replications`, two for `compare`.
pub fn bands(dir: &Path, plans: &[(&str, &[Summary])]) -> Result<Vec<Chart>, String> {
    register_font();
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::new();
    render!(out, dir, "compliance_band", |root| band_chart(&root, plans));
    Ok(out)
}

/// Per sample time: (time in days, p5, median, p95) of `value` over the runs.
fn spread(
    runs: &[Summary],
    value: impl Fn(&crate::report::summary::CurvePoint) -> f64,
) -> Vec<(f64, f64, f64, f64)> {
    let n = runs.iter().map(|r| r.curve.len()).min().unwrap_or(0);
    (0..n)
        .map(|i| {
            let values: Vec<Option<f64>> = runs.iter().map(|r| Some(value(&r.curve[i]))).collect();
            let p = |q| crate::report::figures::percentile(&values, q).unwrap_or(0.0);
            (days(runs[0].curve[i].t_ms), p(5), p(50), p(95))
        })
        .collect()
}

fn band_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plans: &[(&str, &[Summary])],
) -> Result<Vec<Series>, String> {
    let mut drawn = Vec::new();
    let start = plans
        .iter()
        .flat_map(|(_, r)| r.first())
        .find_map(|r| r.start.as_deref().and_then(|t| Calendar::parse(t).ok()));
    let start = start.as_ref();
    let end = plans
        .iter()
        .flat_map(|(_, r)| r.first())
        .map(|r| days(r.end_ms))
        .fold(0.0, f64::max)
        .max(1e-6);
    let seeds = plans.first().map_or(0, |(_, r)| r.len());
    let title = format!("Installed share over {seeds} replications: median and 5–95 % band");
    let y = "% of applicable client × update pairs installed";
    let mut chart = time_chart(root, &title, end, 105.0, start, y)?;
    for (k, (name, runs)) in plans.iter().enumerate() {
        let color = [DARK, MID][k % 2];
        let db = spread(runs, |p| p.db);
        let polygon: Vec<(f64, f64)> = db
            .iter()
            .map(|&(t, lo, _, _)| (t, lo))
            .chain(db.iter().rev().map(|&(t, _, _, hi)| (t, hi)))
            .collect();
        // The band: filled, with thin edges so that a narrow one still shows.
        let band = color.mix(0.3);
        chart
            .draw_series([Polygon::new(polygon, band.filled())])
            .map_err(err)?
            .label(format!("{name}: 5–95 % of the seeds (databases)"))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], band.filled()));
        for edge in [
            |p: &(f64, f64, f64, f64)| (p.0, p.1),
            |p: &(f64, f64, f64, f64)| (p.0, p.3),
        ] {
            chart
                .draw_series(LineSeries::new(db.iter().map(edge), band.stroke_width(1)))
                .map_err(err)?;
        }
        for (q, k) in [("5 %", 1), ("95 %", 3)] {
            drawn.push(Series {
                name: format!("{name}: {q} of the seeds (databases)"),
                points: db.iter().map(|p| (p.0, [p.1, p.2, p.3][k - 1])).collect(),
            });
        }
        let median = db.iter().map(|&(t, _, m, _)| (t, m)).collect();
        let label = format!("{name}: median in the site databases");
        line(&mut chart, median, color.stroke_width(2), label, &mut drawn)?;
        // The clients' truth dashed, its legend drawn dashed too.
        let truth = spread(runs, |p| p.truth);
        chart
            .draw_series(DashedLineSeries::new(
                truth.iter().map(|&(t, _, m, _)| (t, m)),
                6,
                4,
                color.stroke_width(2),
            ))
            .map_err(err)?
            .label(format!("{name}: median on the clients"))
            .legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new([(0, 0), (5, 0)], color.stroke_width(2))
                    + PathElement::new([(9, 0), (14, 0)], color.stroke_width(2))
            });
        drawn.push(Series {
            name: format!("{name}: median on the clients"),
            points: truth.iter().map(|&(t, _, m, _)| (t, m)).collect(),
        });
    }
    legend(&mut chart)?;
    Ok(drawn)
}
