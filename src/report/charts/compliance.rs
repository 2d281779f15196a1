//! The compliance chart: database and true states of each update over time, with the
//! machines fully compliant below.

use super::*;
use crate::report::summary::view;

/// (a) Client × update pairs per state in the site databases over time (the view from the
/// top, or `--view`'s database), stacked, with the true installed count, the deadlines and,
/// from the top, the deployments' 50/90/95 % installed marks.
pub(super) fn compliance<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    w: &World,
    m: &Metrics,
    s: &Summary,
    end: f64,
) -> Result<Vec<Series>, String> {
    let start = w.calendar.as_ref();
    let c = &m.compliance;
    let followed = w.followed_updates();
    // Per sample time: [installed, required, not required, unknown, true installed].
    let mut rows: Vec<(f64, [f64; 5])> = Vec::new();
    for x in view::rows(s.view.as_ref(), c, &followed) {
        let t = days(x.t.ms());
        if rows.last().is_none_or(|r| r.0 != t) {
            rows.push((t, [0.0; 5]));
        }
        let r = &mut rows.last_mut().expect("pushed").1;
        let unknown = c.db_clients[x.site as usize] as i64 - x.db[1] - x.db[2] - x.db[3];
        for (k, v) in [x.db[3], x.db[1], x.db[2], unknown, x.truth[3]]
            .into_iter()
            .enumerate()
        {
            r[k] += v as f64;
        }
    }
    // As shares of the pairs followed (every client × update the databases count), so the
    // chart reads the same for 300 clients or a million.
    let pairs = rows
        .iter()
        .map(|r| r.1[0] + r.1[1] + r.1[2] + r.1[3])
        .fold(1.0, f64::max);
    for r in &mut rows {
        r.1.iter_mut().for_each(|v| *v *= 100.0 / pairs);
    }
    let top = 100.0;
    let what = if w.deployments.is_empty() {
        "all updates"
    } else {
        "deployed updates"
    };
    let title = match &s.view {
        None => format!("Compliance in the site databases against the truth ({what})"),
        Some(v) => format!("Compliance {} against the truth ({what})", v.seen()),
    };
    let mut chart = time_chart(
        root,
        &title,
        end,
        top * 1.05,
        start,
        "% of client × update pairs",
    )?;
    mark_faults(&mut chart, w)?;
    let layers: [(&str, RGBColor, usize); 4] = [
        ("Unknown", PALE, 4),
        ("Not required", LIGHT, 3),
        ("Required", MID, 2),
        ("Installed", DARK, 1),
    ];
    let mut drawn = Vec::new();
    for (name, color, depth) in layers {
        let points = rows.iter().map(|r| (r.0, r.1[..depth].iter().sum::<f64>()));
        chart
            .draw_series(AreaSeries::new(points, 0.0, color.filled()))
            .map_err(err)?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
        // The layer's own share, not the stack's height.
        let own = rows.iter().map(|r| (r.0, r.1[depth - 1])).collect();
        drawn.push(Series {
            name: format!("{name} (% of pairs)"),
            points: own,
        });
    }
    drawn.reverse();
    let truth = rows.iter().map(|r| (r.0, r.1[4])).collect();
    line(
        &mut chart,
        truth,
        BLACK.stroke_width(3),
        "Installed (truth)".into(),
        &mut drawn,
    )?;
    let mut marks = Vec::new();
    // The deployments' database figures are the view from the top: marked only there.
    let from_top = view::databases(s.view.as_ref(), c) == c.top_sites;
    for d in s.deployment.deployments.iter().filter(|_| from_top) {
        for (k, t) in d.db_installed_ms.iter().take(3).enumerate() {
            if let Some(t) = t {
                marks.push((days(*t), ["50 %", "90 %", "95 %"][k]));
            }
        }
    }
    for (k, (t, label)) in marks.iter().enumerate() {
        chart
            .draw_series(DashedLineSeries::new(
                [(*t, 0.0), (*t, top)],
                4,
                4,
                BLACK.mix(0.6).stroke_width(1),
            ))
            .map_err(err)?;
        // Staggered, so marks close in time stay readable; anchored right of the line.
        let y = top * (0.96 - 0.05 * (k % 3) as f64);
        let side = if *t > end * 0.75 {
            HPos::Right
        } else {
            HPos::Left
        };
        let style = (FONT, 12)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(side, VPos::Center));
        // On a white box, so a deadline or another mark behind it does not cross the words.
        let text = format!(" {label} installed (db) ");
        let width = (text.chars().count() as f64 * 5.4) as i32;
        let (x0, x1) = match side {
            HPos::Right => (-width, 0),
            _ => (0, width),
        };
        let label = EmptyElement::at((*t, y))
            + Rectangle::new([(x0, -8), (x1, 8)], WHITE.mix(0.85).filled())
            + Text::new(text, (0, 0), style);
        chart.draw_series([label]).map_err(err)?;
    }
    for d in w.deployments.iter().filter_map(|d| d.deadline) {
        let t = days(d.ms());
        chart
            .draw_series(LineSeries::new([(t, 0.0), (t, top)], ALERT.stroke_width(2)))
            .map_err(err)?
            .label("deadline")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 14, y)], ALERT.stroke_width(2)));
    }
    legend(&mut chart)?;
    Ok(drawn)
}

/// Targeted machines fully compliant with each deployment (every update of it that applies
/// installed, restarted where needed), in percent: truly (solid) and in the site databases
/// (dashed).
pub(super) fn machines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    w: &World,
    m: &Metrics,
    end: f64,
) -> Result<Vec<Series>, String> {
    let d = &m.deployment;
    let mut drawn = Vec::new();
    let mut chart = time_chart(
        root,
        "Machines fully compliant, per deployment",
        end,
        100.0,
        w.calendar.as_ref(),
        "% of targeted machines",
    )?;
    mark_faults(&mut chart, w)?;
    for (k, dep) in w.deployments.iter().enumerate() {
        let targeted = d.deployments[k].targeted.max(1) as f64;
        let color = SERIES[k % SERIES.len()];
        let samples = || {
            d.machines
                .iter()
                .filter(move |s| s.deployment as usize == k)
        };
        let truth = samples()
            .map(|s| (days(s.t.ms()), 100.0 * s.compliant as f64 / targeted))
            .collect();
        let label = format!("{} (truth)", dep.id);
        line(&mut chart, truth, color.stroke_width(3), label, &mut drawn)?;
        let db: Vec<(f64, f64)> = samples()
            .map(|s| (days(s.t.ms()), 100.0 * s.db_compliant as f64 / targeted))
            .collect();
        chart
            .draw_series(DashedLineSeries::new(
                db.iter().copied(),
                6,
                4,
                color.stroke_width(2),
            ))
            .map_err(err)?
            .label(format!("{} (site databases)", dep.id))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 14, y)], color.stroke_width(1)));
        drawn.push(Series {
            name: format!("{} (site databases)", dep.id),
            points: db,
        });
    }
    legend(&mut chart)?;
    Ok(drawn)
}
