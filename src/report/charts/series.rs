//! What a chart drew, as data: each labelled line's points, kept beside the picture so that
//! `report.html` can show the values under the chart and tests can check a chart's data
//! rather than its pixels.

use super::*;

/// One labelled line of a chart: x in days since the start, y in the chart's unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Its legend entry.
    pub name: String,
    /// Its points, in time order.
    pub points: Vec<(f64, f64)>,
}

/// How the page reads a chart's lines day by day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Daily {
    /// Each line's highest value that day: loads and counts, whose peaks matter.
    Peak,
    /// Each line's value as each day ends: shares of a whole, which add up at an instant
    /// (the highest of each share on one day would not).
    Last,
}

/// What a drawing function returns: its lines, or nothing for a chart that is not a set of
/// lines over time (the cascade's bars, the notifications histogram).
pub(super) trait Drawn {
    fn into_series(self) -> Vec<Series>;
}

impl Drawn for () {
    fn into_series(self) -> Vec<Series> {
        Vec::new()
    }
}

impl Drawn for Vec<Series> {
    fn into_series(self) -> Vec<Series> {
        self
    }
}

/// Draws `points` as a labelled line in `style` (its legend a short stroke of it) and
/// records it in `drawn`.
pub(super) fn line<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    points: Vec<(f64, f64)>,
    style: ShapeStyle,
    label: String,
    drawn: &mut Vec<Series>,
) -> Result<(), String> {
    chart
        .draw_series(LineSeries::new(points.iter().copied(), style))
        .map_err(err)?
        .label(label.clone())
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 14, y)], style));
    drawn.push(Series {
        name: label,
        points,
    });
    Ok(())
}

/// Each series' highest value in each day `[d, d + 1)` of a run of `end` days (`None` for a
/// day it has no point in): the values table under a chart.
pub fn daily_peaks(series: &[Series], end: f64) -> Vec<Vec<Option<f64>>> {
    let days_n = end.ceil().max(1.0) as usize;
    series
        .iter()
        .map(|s| {
            let mut peaks: Vec<Option<f64>> = vec![None; days_n];
            for &(x, y) in &s.points {
                let d = (x.max(0.0) as usize).min(days_n - 1);
                peaks[d] = Some(peaks[d].map_or(y, |p: f64| p.max(y)));
            }
            peaks
        })
        .collect()
}

/// Per series, its value as each day ends (the last point at or before the day's end), for
/// `ceil(end)` days; `None` before its first point.
pub fn daily_last(series: &[Series], end: f64) -> Vec<Vec<Option<f64>>> {
    let days_n = end.ceil().max(1.0) as usize;
    series
        .iter()
        .map(|s| {
            let mut at = 0;
            (1..=days_n)
                .map(|d| {
                    let edge = (d as f64).min(end);
                    while at < s.points.len() && s.points[at].0 <= edge {
                        at += 1;
                    }
                    at.checked_sub(1).map(|i| s.points[i].1)
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_days_last_value_is_where_the_line_stands_as_it_ends() {
        let s = Series {
            name: "a".into(),
            points: vec![(0.1, 3.0), (0.9, 5.0), (1.0, 6.0), (2.5, 1.0), (2.75, 7.0)],
        };
        assert_eq!(
            daily_last(&[s], 2.75),
            vec![vec![Some(6.0), Some(6.0), Some(7.0)]],
            "the last day ends with the run"
        );
        let late = Series {
            name: "b".into(),
            points: vec![(1.5, 2.0)],
        };
        assert_eq!(daily_last(&[late], 2.0), vec![vec![None, Some(2.0)]]);
    }

    #[test]
    fn a_days_value_is_its_highest_point() {
        let s = Series {
            name: "a".into(),
            points: vec![(0.1, 3.0), (0.9, 5.0), (2.5, 1.0), (3.0, 7.0)],
        };
        assert_eq!(
            daily_peaks(&[s], 3.0),
            vec![vec![Some(5.0), None, Some(7.0)]],
            "day 3 is the run's end, counted in its last day"
        );
    }
}
