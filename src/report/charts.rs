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
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
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
fn levels(series: &crate::observe::minutes::Minutes<[u64; 2]>, width_ms: u64) -> Vec<(f64, f64)> {
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

fn as_f64(series: &crate::observe::minutes::Minutes<u64>) -> std::collections::BTreeMap<u64, f64> {
    series.iter().map(|(&k, &v)| (k, v as f64)).collect()
}

/// A time axis in days with its ticks at round hours ([`time_ticks`]). (plotters'
/// `WithKeyPoints` would do, but it cannot take the label formatter the axis needs.)
struct TimeAxis {
    days: RangedCoordf64,
    ticks: Vec<f64>,
}

impl TimeAxis {
    fn new(end: f64, start: Option<&Calendar>) -> TimeAxis {
        TimeAxis {
            days: (0f64..end).into(),
            ticks: time_ticks(end, start),
        }
    }
}

impl Ranged for TimeAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.days.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Light grid lines would be every tick again.
        match hint.weight().allow_light_points() {
            true => Vec::new(),
            false => self.ticks.clone(),
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.days.range()
    }
}

/// A chart over time: days across, a value up.
type TimeChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<TimeAxis, RangedCoordf64>>;

/// Tick steps a time axis may take, in hours: each divides a day or is whole days or weeks,
/// so ticks fall on round hours and, with a calendar, on local midnights.
const TICK_HOURS: [u64; 11] = [1, 2, 3, 4, 6, 12, 24, 48, 168, 336, 672];

/// At most this many ticks on a time axis: a calendar label (`12-14 06:00`) is ~80 pixels wide.
const MAX_TICKS: u64 = 10;

/// The ticks of a time axis from 0 to `end` days: the smallest round step that gives at most
/// [`MAX_TICKS`], counted from midnight on the run's calendar (its zone's wall clock at the
/// start) or from the start without one. plotters' own ticks split days into tenths, which
/// read as 4.8-hour steps.
fn time_ticks(end: f64, start: Option<&Calendar>) -> Vec<f64> {
    const HOUR: u64 = 3_600_000;
    let end_ms = (end.max(0.0) * 86_400_000.0).round() as u64;
    let step_h = TICK_HOURS
        .into_iter()
        .find(|h| end_ms / (h * HOUR) <= MAX_TICKS)
        .unwrap_or_else(|| (end_ms / (MAX_TICKS * 168 * HOUR) + 1) * 168);
    // Steps of a day or more start at a midnight; shorter ones at a multiple of themselves.
    let step = step_h * HOUR;
    let align = step.min(24 * HOUR);
    let since_midnight = start.map_or(0, |c| {
        let z = c.zoned(SimTime::ZERO);
        (u64::from(z.hour() as u8) * 60 + u64::from(z.minute() as u8)) * 60_000
            + u64::from(z.second() as u8) * 1000
    });
    let first = (align - since_midnight % align) % align;
    (0..)
        .map(|k| first + k * step)
        .take_while(|&t| t <= end_ms)
        .map(days)
        .collect()
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
    /// Its lines over time, as data (none for bars and histograms).
    pub series: Vec<Series>,
    /// How the page reads them by day.
    pub daily: series::Daily,
}

/// Draws each chart as SVG (kept as text for `report.html` and written to `NAME.svg`) and
/// writes its PNG, drawn from that SVG.
macro_rules! render {
    ($out:expr, $dir:expr, $name:expr, |$root:ident| $draw:expr) => {
        render!($out, $dir, $name, SIZE, |$root| $draw)
    };
    ($out:expr, $dir:expr, $name:expr, $size:expr, |$root:ident| $draw:expr) => {{
        let mut text = String::new();
        let series = {
            let $root = SVGBackend::with_string(&mut text, $size).into_drawing_area();
            $root.fill(&WHITE).map_err(err)?;
            let drawn = $draw?;
            $root.present().map_err(err)?;
            $crate::report::charts::series::Drawn::into_series(drawn)
        };
        let svg = $dir.join(format!("{}.svg", $name));
        std::fs::write(&svg, &text).map_err(|e| format!("{}: {e}", svg.display()))?;
        $crate::report::charts::write_png(&text, &$dir.join(format!("{}.png", $name)))?;
        $out.push($crate::report::charts::Chart {
            name: $name.to_string(),
            svg: text,
            series,
            daily: $crate::report::charts::series::Daily::Peak,
        });
    }};
}

mod backlog;
mod bands;
mod cascade;
mod compliance;
mod faults;
mod notifications;
mod png;
mod policy_load;
mod scan_load;
pub mod series;
mod servers;
mod sweep_table;
pub use bands::bands;
use cascade::cascade;
use compliance::{compliance, machines};
use faults::mark_faults;
use notifications::notifications;
pub(crate) use png::write_png;
pub use series::Series;
use series::line;
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
            let mut series = compliance(&upper, world, m, s, end)?;
            series.extend(machines(&lower, world, m, end)?);
            Ok::<_, String>(series)
        });
    }
    // The compliance chart's lines are shares of all pairs (and of machines).
    if let Some(c) = out.last_mut() {
        c.daily = series::Daily::Last;
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
) -> Result<TimeChart<'a, DB>, String> {
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
        .build_cartesian_2d(TimeAxis::new(end, start), 0f64..top)
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

/// The top of a chart's y axis for data reaching `max` under a legend of `entries` lines in
/// the upper left (and one more for the fault windows, if any): high enough that the legend
/// box sits above the data instead of hiding a peak under it.
fn under_legend(max: f64, entries: usize, w: &World) -> f64 {
    let entries = entries + usize::from(!w.outages.is_empty());
    // Of a 560-pixel chart about 450 are plot; a legend line takes 18, its frame 16.
    let legend = (18.0 * entries as f64 + 16.0) / 450.0;
    max.max(1e-9) * 1.05 / (1.0 - legend.min(0.6))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_axes_tick_at_round_hours_and_local_midnights() {
        let hours = |ticks: Vec<f64>| -> Vec<f64> {
            ticks
                .iter()
                .map(|d| (d * 24.0 * 1e6).round() / 1e6)
                .collect()
        };
        // A day without a calendar: every 3 hours from the start, not every 4.8.
        assert_eq!(
            hours(time_ticks(1.0, None)),
            [0.0, 3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 21.0, 24.0]
        );
        // A two-week run starting at 17:00 local: ticks every two days at local midnight.
        let c = Calendar::parse("2026-12-08T17:00:00+01:00").unwrap();
        let t = hours(time_ticks(14.0, Some(&c)));
        assert_eq!(t.first(), Some(&7.0), "{t:?}");
        assert!(t.windows(2).all(|p| p[1] - p[0] == 48.0), "{t:?}");
        for d in time_ticks(14.0, Some(&c)) {
            assert_eq!(c.label(SimTime((d * 86_400_000.0).round() as u64)).len(), 5);
        }
        // Never more than ten, however long the run.
        for end in [0.01, 0.5, 2.0, 3.0, 21.0, 90.0, 1098.0] {
            let n = time_ticks(end, None).len();
            assert!((1..=11).contains(&n), "{end} days: {n} ticks");
        }
    }

    #[test]
    fn the_legend_sits_above_the_data() {
        let l = crate::load_file("scenarios/lab.ron".as_ref()).unwrap();
        // Seven lines of legend: the data's peak stays below the box's lower edge.
        let top = under_legend(100.0, 7, &l.world);
        let box_bottom = top * (1.0 - (18.0 * 7.0 + 16.0) / 450.0);
        assert!(box_bottom >= 100.0, "{top} {box_bottom}");
        assert!(under_legend(100.0, 0, &l.world) < 110.0);
    }

    /// The charts of `scenario`'s run, drawn into a scratch directory.
    fn drawn(scenario: &str) -> Vec<Chart> {
        let l = crate::load_file(scenario.as_ref()).unwrap();
        let w = &l.world;
        let mut metrics = Metrics::new(w, crate::run::DEFAULT_SAMPLE);
        let stats = crate::model::simulate(w, &mut metrics).unwrap();
        let summary = crate::run::close(w, &mut metrics, &stats, None);
        let dir = std::env::temp_dir().join(format!("cmsim-charts-{}", std::process::id()));
        let charts = write(&dir, w, &metrics, &summary).unwrap();
        std::fs::remove_dir_all(dir).ok();
        charts
    }

    #[test]
    fn the_charts_data_says_what_their_axes_claim() {
        let charts = drawn("scenarios/office-week.ron");
        let of = |name: &str| &charts.iter().find(|c| c.name == name).unwrap().series;
        // Compliance: every state's share of the pairs is a percentage, the four add to 100.
        let c = of("compliance");
        let shares: Vec<&Series> = c
            .iter()
            .filter(|s| s.name.ends_with("(% of pairs)"))
            .collect();
        assert_eq!(shares.len(), 4);
        for i in 0..shares[0].points.len() {
            let sum: f64 = shares.iter().map(|s| s.points[i].1).sum();
            assert!((sum - 100.0).abs() < 1e-6, "{sum}");
        }
        assert!(
            c.iter()
                .flat_map(|s| &s.points)
                .all(|p| (0.0..=100.0).contains(&p.1))
        );
        // Downloads at once: laptops download over hours, so the level holds between
        // events — some stretch longer than a minute stays above zero.
        let d = &of("downloads")[0];
        let held = d
            .points
            .windows(2)
            .any(|w| w[1].0 - w[0].0 > 2.0 / 1440.0 && w[0].1 > 0.0 && w[1].1 == w[0].1);
        assert!(held, "{}", d.name);
        // Bars and histograms carry no lines.
        assert!(of("sync_cascade").is_empty() && of("notifications").is_empty());
    }

    #[test]
    fn a_level_holds_between_events_where_a_count_drops_to_zero() {
        // Two downloads start in minute 0, one ends in minute 30, the other in minute 90.
        let series: crate::observe::minutes::Minutes<[u64; 2]> =
            [(0, [2, 2]), (30, [2, 1]), (90, [1, 0])]
                .into_iter()
                .collect();
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
}
