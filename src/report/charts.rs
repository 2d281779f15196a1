//! Charts of a run, written as SVG and PNG by `cmsim run --out DIR` into `DIR/charts/`:
//! compliance over time (the site databases' view stacked, against the truth), the
//! synchronization cascade, the scans each WSUS served, state messages at the MPs, downloads
//! at the DPs, and notifications per user. The font is embedded (DejaVu Sans, `assets/fonts`), so charts
//! render on a machine with no font or graphics packages. Colours differ in lightness too,
//! so the charts read in grey.

use super::summary::Summary;
use crate::engine::SimTime;
use crate::engine::calendar::Calendar;
use crate::observe::Metrics;
use crate::world::World;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;
use std::sync::Once;

const FONT: &str = "sans-serif";
const SIZE: (u32, u32) = (1000, 560);
/// Dark to light, distinguishable in grey.
const DARK: RGBColor = RGBColor(31, 60, 120);
const MID: RGBColor = RGBColor(214, 110, 30);
const LIGHT: RGBColor = RGBColor(150, 190, 220);
const PALE: RGBColor = RGBColor(225, 225, 225);
const ALERT: RGBColor = RGBColor(190, 30, 45);
/// Line colours, one per series: twelve before any repeats (a sweep's legend holds twelve
/// lines), alternating dark and light so neighbours differ in grey too.
const SERIES: [RGBColor; 12] = [
    DARK,
    MID,
    RGBColor(60, 140, 60),
    RGBColor(120, 70, 150),
    RGBColor(90, 90, 90),
    RGBColor(170, 140, 20),
    RGBColor(120, 170, 225),
    RGBColor(140, 60, 40),
    RGBColor(150, 210, 140),
    RGBColor(200, 90, 160),
    RGBColor(20, 130, 140),
    RGBColor(190, 170, 120),
];

/// Servers (SUPs, MPs, DPs, queues) a per-server chart draws: the busiest, in the colours of
/// [`SERIES`].
const BUSIEST: usize = 6;

/// The compiled-in font: plotters measures text with it, resvg draws the PNGs with it.
const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is compiled in and known to parse; a failure would only leave text unset.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES);
    });
}

/// Writes the PNG of chart `svg` to `path`, drawn from the SVG itself by resvg with the
/// compiled-in font as `sans-serif`: the picture is the SVG's, and text is laid out with
/// each glyph's own bearings (plotters' bitmap text dropped them: "dient" for "client").
pub(crate) fn write_png(svg: &str, path: &Path) -> Result<(), String> {
    use resvg::{tiny_skia, usvg};
    static OPTIONS: std::sync::OnceLock<usvg::Options<'static>> = std::sync::OnceLock::new();
    let options = OPTIONS.get_or_init(|| {
        let mut o = usvg::Options::default();
        let fonts = o.fontdb_mut();
        fonts.load_font_data(FONT_BYTES.to_vec());
        fonts.set_sans_serif_family("DejaVu Sans");
        o.font_family = "DejaVu Sans".into();
        o
    });
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let tree = usvg::Tree::from_str(svg, options).map_err(|e| fail(&e))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| fail(&"a chart of no size"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    // Opaque on white: RGB, filtered per row and compressed hard (a third of tiny-skia's
    // RGBA at its default level; the gallery commits these files).
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, size.width(), size.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder.write_header().map_err(|e| fail(&e))?;
    writer.write_image_data(&rgb).map_err(|e| fail(&e))?;
    writer.finish().map_err(|e| fail(&e))?;
    std::fs::write(path, bytes).map_err(|e| fail(&e))
}

/// The time axis' title.
fn time_axis(start: Option<&Calendar>) -> String {
    match start {
        Some(c) => format!("date ({})", c.zone_name()),
        None => "time since the start".into(),
    }
}

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("chart: {e:?}")
}

fn days(ms: u64) -> f64 {
    ms as f64 / 86_400_000.0
}

/// Points of a sparse per-bucket series (bucket → value, `width_ms` per bucket), with zeros
/// where buckets are missing, so quiet stretches drop to zero instead of being bridged.
fn with_zeros(series: &std::collections::BTreeMap<u64, f64>, width_ms: u64) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut last: Option<u64> = None;
    for (&b, &v) in series {
        if let Some(l) = last
            && b > l + 1
        {
            out.push((days((l + 1) * width_ms), 0.0));
            out.push((days((b - 1) * width_ms), 0.0));
        }
        out.push((days(b * width_ms), v));
        last = Some(b);
    }
    if let Some(l) = last {
        out.push((days((l + 1) * width_ms), 0.0));
    }
    out
}

/// Points of a level (how many at once) recorded per bucket as [peak, level at its end]:
/// each bucket at its peak, then held at its end level until the next recorded bucket. A
/// level does not drop to zero between events, unlike a count ([`with_zeros`]).
fn levels(series: &std::collections::BTreeMap<u64, [u64; 2]>, width_ms: u64) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut held: Option<(u64, u64)> = None;
    for (&b, &[peak, end]) in series {
        if let Some((last, level)) = held
            && b > last + 1
        {
            out.push((days(b * width_ms), level as f64));
        }
        out.push((days(b * width_ms), peak as f64));
        out.push((days((b + 1) * width_ms), end as f64));
        held = Some((b, end));
    }
    out
}

fn as_f64(series: &std::collections::BTreeMap<u64, u64>) -> std::collections::BTreeMap<u64, f64> {
    series.iter().map(|(&k, &v)| (k, v as f64)).collect()
}

/// Labels for a time axis in days: calendar dates when the run has a start date, else hours on
/// short runs and days otherwise.
fn time_label(end: f64, start: Option<&Calendar>) -> impl Fn(&f64) -> String + '_ {
    move |d: &f64| {
        if let Some(s) = start {
            s.label(crate::engine::SimTime(
                (d * 86_400_000.0).round().max(0.0) as u64
            ))
        } else if end <= 2.0 {
            format!("{}h", (d * 240.0).round() / 10.0)
        } else {
            format!("{}d", (d * 10.0).round() / 10.0)
        }
    }
}

/// Labels for counts: whole numbers with thousands grouped.
fn count_label(v: &f64) -> String {
    let n = v.round() as i64;
    let digits = crate::estimate::grouped(n.unsigned_abs());
    if n < 0 { format!("-{digits}") } else { digits }
}

/// A chart as drawn: its file name (without extension) and its SVG text, which
/// `report.html` shows inline.
pub struct Chart {
    /// File name in `charts/`, without `.svg` or `.png`.
    pub name: String,
    /// The SVG document.
    pub svg: String,
}

/// Draws each chart as SVG (kept as text for `report.html` and written to `NAME.svg`) and
/// writes its PNG, drawn from that SVG.
macro_rules! render {
    ($out:expr, $dir:expr, $name:expr, |$root:ident| $draw:expr) => {
        render!($out, $dir, $name, SIZE, |$root| $draw)
    };
    ($out:expr, $dir:expr, $name:expr, $size:expr, |$root:ident| $draw:expr) => {{
        let mut text = String::new();
        {
            let $root = SVGBackend::with_string(&mut text, $size).into_drawing_area();
            $root.fill(&WHITE).map_err(err)?;
            $draw?;
            $root.present().map_err(err)?;
        }
        let svg = $dir.join(format!("{}.svg", $name));
        std::fs::write(&svg, &text).map_err(|e| format!("{}: {e}", svg.display()))?;
        $crate::report::charts::write_png(&text, &$dir.join(format!("{}.png", $name)))?;
        $out.push($crate::report::charts::Chart {
            name: $name.to_string(),
            svg: text,
        });
    }};
}

mod backlog;
mod bands;
mod compliance;
mod policy_load;
mod scan_load;
mod servers;
mod sweep_table;
pub use bands::bands;
use compliance::{compliance, machines};
use servers::{downloads, state_messages};
pub use sweep_table::{MAX_CHART_POINTS, sweep};

/// Writes every chart into `dir`; returns them, for `report.html`.
pub fn write(dir: &Path, world: &World, m: &Metrics, s: &Summary) -> Result<Vec<Chart>, String> {
    register_font();
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::new();
    let end = days(s.end_ms);
    if world.deployments.is_empty() {
        render!(out, dir, "compliance", |root| compliance(
            &root, world, m, s, end
        ));
    } else {
        // Below the pairs, a panel of the machines fully compliant with each deployment.
        let size = (SIZE.0, SIZE.1 + SIZE.1 / 2);
        render!(out, dir, "compliance", size, |root| {
            let (upper, lower) = root.split_vertically(SIZE.1);
            compliance(&upper, world, m, s, end).and_then(|()| machines(&lower, world, m, end))
        });
    }
    render!(out, dir, "sync_cascade", |root| cascade(
        &root, world, m, end
    ));
    if m.sups.iter().any(|x| x.scan_load.served > 0) {
        render!(out, dir, "scan_load", |root| scan_load::scan_load(
            &root, world, m, end
        ));
    }
    if m.policy.mps.iter().any(|x| x.requests > 0) {
        render!(out, dir, "policy_load", |root| policy_load::policy_load(
            &root, world, m, end
        ));
    }
    render!(out, dir, "state_messages", |root| state_messages(
        &root, world, m, end
    ));
    if backlog::any(m) {
        render!(out, dir, "backlog", |root| backlog::backlog(
            &root, world, m, end
        ));
    }
    if !world.deployments.is_empty() {
        render!(out, dir, "downloads", |root| downloads(
            &root, world, m, end
        ));
    }
    // Hidden deployments (R23) notify nobody: no chart rather than an empty one.
    if m.deployment.notifications.iter().any(|&n| n > 0) {
        render!(out, dir, "notifications", |root| notifications(&root, m));
    }
    Ok(out)
}

/// A chart over the run's time axis (dates or time since the start) from 0 to `top`, with
/// its mesh drawn: the frame every time-series chart shares.
fn time_chart<'a, DB: DrawingBackend + 'a>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    end: f64,
    top: f64,
    start: Option<&Calendar>,
    y_desc: &str,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, String> {
    let mut builder = ChartBuilder::on(area);
    // The right margin holds half of the last date label, which is centred on the axis' end.
    builder
        .margin(12)
        .margin_right(36)
        .x_label_area_size(40)
        .y_label_area_size(80);
    if !title.is_empty() {
        builder.caption(title, (FONT, 22));
    }
    let mut chart = builder
        .build_cartesian_2d(0f64..end, 0f64..top)
        .map_err(err)?;
    let x_label = time_label(end, start);
    chart
        .configure_mesh()
        .x_desc(time_axis(start))
        .x_label_formatter(&x_label)
        .y_label_formatter(&count_label)
        .y_desc(y_desc)
        .label_style((FONT, 14))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// The scenario's fault windows (servers down, Microsoft Update unreachable) in days on
/// the time axis, `[from, to)` cut to the run.
pub(crate) fn fault_spans(w: &World) -> Vec<(f64, f64)> {
    let end = w.end.ms();
    w.outages
        .iter()
        .filter(|o| o.from.ms() < end)
        .map(|o| (days(o.from.ms()), days(o.to.ms().min(end))))
        .collect()
}

/// The top of a chart's y axis for data reaching `max` under a legend of `entries` lines in
/// the upper left (and one more for the fault windows, if any): high enough that the legend
/// box sits above the data instead of hiding a peak under it.
fn under_legend(max: f64, entries: usize, w: &World) -> f64 {
    let entries = entries + usize::from(!w.outages.is_empty());
    // Of a 560-pixel chart about 450 are plot; a legend line takes 18, its frame 16.
    let legend = (18.0 * entries as f64 + 16.0) / 450.0;
    max.max(1e-9) * 1.05 / (1.0 - legend.min(0.6))
}

/// Empty rows above a cascade of `n` rows for its legend (at most three lines), so that it
/// covers no bar: the legend's share of the plot's height, as rows.
fn legend_rows(n: f64) -> f64 {
    let share = (18.0 * 3.0 + 16.0) / 450.0;
    (n * share / (1.0 - share)).ceil()
}

/// Shades the scenario's fault windows across a time chart, under what it draws next, with
/// one legend entry for them all.
fn mark_faults<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    w: &World,
) -> Result<(), String> {
    let spans = fault_spans(w);
    if spans.is_empty() {
        return Ok(());
    }
    let (bottom, top) = (chart.y_range().start, chart.y_range().end);
    let strip_low = top - (top - bottom) * 0.025;
    let (shade, strip) = (ALERT.mix(0.12).filled(), ALERT.mix(0.6).filled());
    // A light shade over the whole height, and a strip along the top, above the headroom
    // every chart leaves, that stacked areas drawn later cannot cover.
    chart
        .draw_series(
            spans
                .iter()
                .map(|&(a, b)| Rectangle::new([(a, bottom), (b, top)], shade)),
        )
        .map_err(err)?;
    chart
        .draw_series(
            spans
                .iter()
                .map(|&(a, b)| Rectangle::new([(a, strip_low), (b, top)], strip)),
        )
        .map_err(err)?
        .label("fault window (a server down)")
        .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 14, y + 4)], strip));
    Ok(())
}

fn legend<'a, DB: DrawingBackend + 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(err)
}

/// (b) The synchronization cascade: one row per SUP, a bar per attempt (failures marked).
fn cascade<DB: DrawingBackend>(
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
        .build_cartesian_2d(0f64..end, -0.5f64..n - 0.5 + legend_rows(n))
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

/// (e) How many deadline notifications each notified user saw (R22).
fn notifications<DB: DrawingBackend>(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_sits_above_the_data() {
        let l = crate::load_file("scenarios/lab.ron".as_ref()).unwrap();
        // Seven lines of legend: the data's peak stays below the box's lower edge.
        let top = under_legend(100.0, 7, &l.world);
        let box_bottom = top * (1.0 - (18.0 * 7.0 + 16.0) / 450.0);
        assert!(box_bottom >= 100.0, "{top} {box_bottom}");
        assert!(under_legend(100.0, 0, &l.world) < 110.0);
    }

    #[test]
    fn fault_windows_are_the_scenarios_outages_cut_to_the_run() {
        let l = crate::load_file("scenarios/dp-outage.ron".as_ref()).unwrap();
        let spans = fault_spans(&l.world);
        assert_eq!(spans.len(), l.world.outages.len());
        assert!(!spans.is_empty());
        for ((a, b), o) in spans.iter().zip(&l.world.outages) {
            assert_eq!(*a, days(o.from.ms()));
            assert_eq!(*b, days(o.to.ms().min(l.world.end.ms())));
            assert!(a < b && *b <= days(l.world.end.ms()));
        }
    }

    #[test]
    fn a_level_holds_between_events_where_a_count_drops_to_zero() {
        // Two downloads start in minute 0, one ends in minute 30, the other in minute 90.
        let series: std::collections::BTreeMap<u64, [u64; 2]> =
            [(0, [2, 2]), (30, [2, 1]), (90, [1, 0])].into();
        let points = levels(&series, 60_000);
        let at = |minute: f64| {
            let x = days((minute * 60_000.0) as u64);
            // The value in force at x: the last point at or before it.
            points.iter().rev().find(|p| p.0 <= x).unwrap().1
        };
        assert_eq!(
            (at(15.0), at(45.0), at(89.0), at(91.5)),
            (2.0, 1.0, 1.0, 0.0)
        );
        let counts = with_zeros(&[(0, 2.0), (30, 1.0)].into(), 60_000);
        assert_eq!(
            counts[1],
            (days(60_000), 0.0),
            "a count is zero between buckets"
        );
    }

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
