//! Charts of a sweep table (`sweep.csv`): one per figure, the figure against the first swept
//! parameter, one line per combination of the others. The table is read and checked by the
//! sweep module's reader, and every range is guarded, so no table content can make a chart
//! panic or hang: values are finite and bounded, an axis never has equal ends, and lines,
//! labels and legend entries are capped.

use super::{FONT, SERIES, SIZE, err, legend, register_font};
use crate::sweep::{MAX_FIGURE, Table};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Sweeps of more points get the table but no charts: one line and one marker per point
/// stop being readable long before, and the files would grow with the sweep.
pub const MAX_CHART_POINTS: usize = 2_000;

/// Legend entries shown; further lines are drawn unlabelled.
const MAX_LEGEND: usize = 12;

/// Labels on the x axis at most.
const MAX_X_LABELS: usize = 20;

/// One chart per figure of the sweep table `t` (read and checked by `crate::sweep::read`),
/// into `dir`. Returns the charts (none for a sweep over [`MAX_CHART_POINTS`]).
pub fn sweep(dir: &Path, t: &Table) -> Result<Vec<super::Chart>, String> {
    if t.rows.len() > MAX_CHART_POINTS {
        return Ok(Vec::new());
    }
    register_font();
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let data = Data::of(t);
    let mut out = Vec::new();
    let mut files: Vec<String> = Vec::new();
    for col in 1 + data.axes..data.header.len() {
        let mut file = slug(data.header[col]);
        if file.is_empty() || files.contains(&file) {
            file = format!("{file}_{col}");
        }
        files.push(file.clone());
        render!(out, dir, file, |root| chart(&root, &data, col));
    }
    Ok(out)
}

/// The table arranged for drawing.
struct Data<'a> {
    header: Vec<&'a str>,
    /// Swept parameters.
    axes: usize,
    /// The first parameter's values, in order of appearance: the x axis.
    firsts: Vec<&'a str>,
    /// Combinations of the other parameters, in order of appearance: one line each.
    combos: Vec<Vec<&'a str>>,
    /// Per row: its x position, its line and its fields.
    rows: Vec<(usize, usize, Vec<&'a str>)>,
}

impl<'a> Data<'a> {
    fn of(t: &'a Table) -> Data<'a> {
        let header: Vec<&str> = t.header.iter().collect();
        let axes = t.meta.params;
        let (mut firsts, mut combos) = (Vec::new(), Vec::new());
        let (mut first_at, mut combo_at) = (BTreeMap::new(), BTreeMap::new());
        let mut rows = Vec::new();
        for (_, _, r) in &t.rows {
            let fields: Vec<&str> = r.iter().collect();
            let first = fields.get(1).copied().unwrap_or_default();
            let x = *first_at.entry(first).or_insert_with(|| {
                firsts.push(first);
                firsts.len() - 1
            });
            let key: Vec<&str> = fields
                .iter()
                .skip(2)
                .take(axes.saturating_sub(1))
                .copied()
                .collect();
            let line = *combo_at.entry(key.clone()).or_insert_with(|| {
                combos.push(key);
                combos.len() - 1
            });
            rows.push((x, line, fields));
        }
        Data {
            header,
            axes,
            firsts,
            combos,
            rows,
        }
    }
}

fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    s.split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// The value of a figure field, if it is one a chart can place.
fn value(field: Option<&&str>) -> Option<f64> {
    let v = crate::sweep::read_figure(field?).ok()??;
    (v.is_finite() && v.abs() <= MAX_FIGURE).then_some(v)
}

/// A y range holding every value and 0, never empty, with a margin above (and below when
/// negative).
fn y_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, mut hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.1;
    (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad)
}

fn chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &Data<'_>,
    col: usize,
) -> Result<(), String> {
    let name = data.header.get(col).copied().unwrap_or_default();
    let (lo, hi) = y_range(data.rows.iter().filter_map(|(_, _, r)| value(r.get(col))));
    let n = data.firsts.len().max(1);
    let caption = if data.combos.len() > MAX_LEGEND {
        format!(
            "{name} (legend: the first {MAX_LEGEND} of {} lines)",
            data.combos.len()
        )
    } else {
        name.to_string()
    };
    let mut chart = ChartBuilder::on(root)
        .caption(caption, (FONT, 22))
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(-0.5f64..n as f64 - 0.5, lo..hi)
        .map_err(err)?;
    let firsts = &data.firsts;
    chart
        .configure_mesh()
        .x_desc(data.header.get(1).copied().unwrap_or_default())
        .x_labels(n.min(MAX_X_LABELS))
        .x_label_formatter(&|x| {
            let k = x.round();
            if (x - k).abs() > 0.01 || k < 0.0 {
                return String::new();
            }
            firsts
                .get(k as usize)
                .map(|s| s.to_string())
                .unwrap_or_default()
        })
        .y_desc(if name.ends_with("(h)") {
            "hours since the start"
        } else {
            ""
        })
        .label_style((FONT, 14))
        .draw()
        .map_err(err)?;
    let mut lines: Vec<Vec<(f64, f64)>> = vec![Vec::new(); data.combos.len()];
    for (x, line, r) in &data.rows {
        if let Some(v) = value(r.get(col)) {
            lines[*line].push((*x as f64, v));
        }
    }
    for (k, (combo, points)) in data.combos.iter().zip(&lines).enumerate() {
        let color = SERIES[k % SERIES.len()];
        let series = chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
            .map_err(err)?;
        if k < MAX_LEGEND {
            let label: Vec<String> = combo
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let param = data.header.get(2 + i).copied().unwrap_or_default();
                    format!("{param}={v}")
                })
                .collect();
            series
                .label(if label.is_empty() {
                    "all".to_string()
                } else {
                    label.join(", ")
                })
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 14, y)], color.stroke_width(2))
                });
        }
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 4, color.filled())))
            .map_err(err)?;
    }
    legend(&mut chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_ranges_are_never_empty_and_hold_zero() {
        assert_eq!(y_range([].into_iter()), (0.0, 1.1));
        let (lo, hi) = y_range([5.0, 5.0].into_iter());
        assert!(lo == 0.0 && hi > 5.0);
        let (lo, hi) = y_range([-2.0, MAX_FIGURE].into_iter());
        assert!(lo < -2.0 && hi.is_finite() && hi > MAX_FIGURE);
    }

    #[test]
    fn no_table_content_makes_a_chart_panic_or_hang() {
        let dir = std::env::temp_dir().join(format!("cmsim-sweep-charts-{}", std::process::id()));
        let first = "# cmsim sweep: points 3, parameters 1, sweep 00000000000000ab\n";
        let refused = [
            "",
            "point,settings.x,a\n0,1,2\n",
            &format!("{first}point,settings.x,a\n0,1\n"),
            &format!("{first}point,settings.x,a\n0,1,inf\n"),
            &format!("{first}point,settings.x,a\n0,1,1e308\n"),
            &format!("{first}point,settings.x\n0,1\n"),
            &format!("{first}point\n0\n"),
            &format!("{first}point,settings.x,a\n9,1,2\n"),
        ];
        // As the command line does: the table read and checked, then drawn.
        let draw = |table: &str| {
            let t =
                crate::sweep::read("sweep table", table.as_bytes()).map_err(|p| p.join("\n"))?;
            sweep(&dir, &t)
        };
        for table in refused {
            assert!(draw(table).is_err(), "{table}");
        }
        let drawn = [
            format!("{first}point,settings.x,a,b\n0,1,1e15,5\n1,2,-1e15,5\n2,3,never,5\n"),
            format!("{first}point,settings.x,a\n"),
            format!("{first}point,settings.x,\"\"\n0,\"1,5\",never\n"),
        ];
        for table in &drawn {
            assert!(draw(table).is_ok(), "{table}");
        }
        std::fs::remove_dir_all(dir).ok();
    }
}
