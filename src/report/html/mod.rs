//! `report.html`: one self-contained page per run, replication set, comparison or sweep,
//! written by `--out DIR` beside the other outputs, for a change request. The answer comes
//! first (when 50/90/95 % of machines were compliant, with bands when replicated; what
//! failed and where), then the charts (inline SVG), the report's tables, and the scenario
//! as run with the cmsim version and seed, so the page alone reproduces the run. Nothing is
//! fetched: no scripts, fonts or images from anywhere else; the style is inline.

mod findings;
mod variation;

pub use variation::{comparison, replications, sweep};

use super::charts::series::{Daily, daily_last, daily_peaks};
use super::charts::{Chart, Series};
use super::doc::escape;
use super::summary::Summary;
use super::text::{Detail, at, document, when};
use crate::engine::SimTime;
use crate::world::World;

/// A scenario as the user wrote it: the page quotes it so that the run can be repeated.
#[derive(Clone, Debug)]
pub struct Source {
    /// The file name as given (`<stdin>` for standard input).
    pub file: String,
    /// Its text.
    pub text: String,
    /// The run length it gives (`end`), to tell when `--until` changed it.
    pub end_ms: u64,
}

/// The page's style: readable in grey and in print, tables that scroll rather than
/// overflow, charts that shrink to the page.
const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111;\
max-width:1100px;margin:0 auto;padding:1em 1.5em;line-height:1.45}\
h1{font-size:1.5em;margin-bottom:.2em}\
h2{font-size:1.15em;border-bottom:1px solid #888;margin-top:1.8em;padding-bottom:.15em}\
h3{font-size:1em;margin-top:1.2em}\
p{margin:.3em 0}\
.meta{color:#444;font-size:.9em}\
.answer{border:2px solid #1f3c78;background:#f3f5f9;padding:.6em 1.2em;margin:1em 0}\
.answer .big{font-size:1.35em;font-weight:bold;margin:.3em 0}\
.answer ul{margin:.3em 0 .5em;padding-left:1.3em}\
.note{color:#555;font-size:.9em}\
.table{overflow-x:auto;margin:.4em 0 .8em}\
table{border-collapse:collapse;font-size:.85em}\
th,td{padding:.15em .7em .15em 0;text-align:left;white-space:nowrap;border-bottom:1px solid #ddd}\
th{border-bottom:1px solid #555}\
.num{text-align:right;font-variant-numeric:tabular-nums}\
figure{margin:1em 0 1.5em}\
figure svg{display:block;max-width:100%;height:auto;border:1px solid #ccc}\
figcaption{font-size:.9em;color:#333;margin-top:.3em}\
details{margin:.4em 0}\
summary{cursor:pointer;color:#1f3c78}\
pre{overflow-x:auto;background:#f5f5f5;padding:.6em;font-size:.8em;line-height:1.3}\
@media print{body{max-width:none}.answer{background:none}details{display:block}}";

/// A whole page: `title`, then `body` (HTML).
fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"cmsim {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n{body}</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape(title),
    )
}

/// A point in time for the page: the short date of the terminal report, with its ISO 8601
/// form in `datetime` when the run has a calendar; an offset from the start otherwise.
fn time(s: &Summary, ms: Option<u64>) -> String {
    match (&s.calendar, ms) {
        (Some(c), Some(t)) => format!(
            "<time datetime=\"{}\">{}</time>",
            c.iso(SimTime(t)),
            escape(&c.long(SimTime(t)))
        ),
        (None, Some(_)) => format!("{} after the start", escape(&at(s, ms))),
        (_, None) => "not in this run".into(),
    }
}

/// The charts, each in a figure with its file name.
fn figures(charts: &[Chart], run: Option<&Summary>) -> String {
    let mut out = String::new();
    for c in charts {
        let svg = svg_body(&c.svg);
        // The chart's own title (its first text, already escaped by the SVG writer) names
        // it for screen readers and as a tooltip, and captions it with its file.
        let title = svg
            .split_once("<text")
            .and_then(|(_, rest)| rest.split_once('>'))
            .and_then(|(_, rest)| rest.split_once("</text>"))
            .map(|(text, _)| text.trim().to_string())
            .unwrap_or_default();
        let svg = match svg.split_once('>') {
            Some((open, rest)) => format!("{open} role=\"img\"><title>{title}</title>{rest}"),
            None => svg.to_string(),
        };
        out.push_str(&format!(
            "<figure id=\"chart-{0}\">\n{svg}\n<figcaption>{title} (charts/{0}.svg)</figcaption>\n</figure>\n",
            escape(&c.name),
        ));
        out.push_str(&values(&c.series, c.daily, run));
    }
    out
}

/// A chart's lines as a table that unfolds under it, a row per day: each line's highest
/// value that day, or where it stands as the day ends (`daily`).
fn values(series: &[Series], daily: Daily, run: Option<&Summary>) -> String {
    if series.is_empty() {
        return String::new();
    }
    let end = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .fold(0.0, f64::max);
    let (by_day, first, summary) = match daily {
        Daily::Peak => (
            daily_peaks(series, end),
            "day from",
            "Values by day (each line's highest that day)",
        ),
        Daily::Last => (daily_last(series, end), "time", "Values as each day ends"),
    };
    // A column of counts shows whole numbers; one with any fraction shows one decimal in
    // every row, so its figures line up.
    let whole: Vec<bool> = by_day
        .iter()
        .map(|p| p.iter().flatten().all(|v| v.fract() == 0.0))
        .collect();
    let mut head = vec![first.to_string()];
    head.extend(series.iter().map(|s| s.name.clone()));
    let mut t = super::table::Table::new(&head.iter().map(String::as_str).collect::<Vec<_>>());
    for day in 0..by_day.first().map_or(0, Vec::len) {
        let ms = match daily {
            Daily::Peak => day as u64 * 86_400_000,
            Daily::Last => ((day as u64 + 1) * 86_400_000).min((end * 86_400_000.0).round() as u64),
        };
        let mut row = vec![run.map_or_else(|| when(Some(ms)), |s| at(s, Some(ms)))];
        row.extend(by_day.iter().zip(&whole).map(|(p, &whole)| match p[day] {
            Some(v) if whole => format!("{v:.0}"),
            Some(v) => format!("{v:.1}"),
            None => "—".into(),
        }));
        t.row(row);
    }
    format!(
        "<details><summary>{summary}</summary>\n{}</details>\n",
        t.to_html()
    )
}

/// An SVG document as an element to put inline: without an XML declaration, if any.
fn svg_body(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => svg[i..].trim_end(),
        None => svg.trim_end(),
    }
}

/// The scenario as run, folded away.
fn source_block(source: Option<&Source>) -> String {
    match source {
        Some(src) => format!(
            "<details><summary>The scenario file as run: {}</summary>\n<pre>{}</pre>\n</details>\n",
            escape(&src.file),
            escape(&src.text)
        ),
        None => String::new(),
    }
}

/// How to repeat the run(s) from the page alone: the command, with the scenario quoted
/// below it saved under its own name.
fn repeat(source: Option<&Source>, args: &str) -> String {
    let file = source
        .map(|s| s.file.as_str())
        .filter(|f| !matches!(*f, "<stdin>" | "-"))
        .unwrap_or("scenario.ron");
    format!(
        "<p class=\"meta\">To repeat: save the scenario below as <code>{0}</code> and run \
         <code>cmsim run {0} {1}</code> with cmsim {2}: the same scenario, seed and version \
         give the same figures on any machine.</p>\n",
        escape(file),
        escape(args),
        env!("CARGO_PKG_VERSION")
    )
}

/// The page of one run.
pub fn run(
    s: &Summary,
    w: &World,
    charts: &[Chart],
    source: Option<&Source>,
    detail: Detail,
) -> String {
    let mut body = format!("<h1>cmsim report: {}</h1>\n", escape(&s.scenario));
    body.push_str(&format!(
        "<p class=\"meta\">cmsim {}, seed {}, {} simulated{}, {} events, {} clients.</p>\n",
        env!("CARGO_PKG_VERSION"),
        s.seed,
        escape(&when(Some(s.end_ms))),
        match &s.calendar {
            Some(c) => format!(" from {} ({})", time(s, Some(0)), escape(&c.zone_name())),
            None => String::new(),
        },
        s.events,
        s.clients
    ));
    body.push_str(&answer(s, w));
    if !charts.is_empty() {
        body.push_str("<h2>Charts</h2>\n");
        body.push_str(&figures(charts, Some(s)));
    }
    body.push_str(&document(s, detail).to_html());
    body.push_str("<h2>The run</h2>\n");
    body.push_str(&repeat(
        source,
        &format!("--seed {}{}", s.seed, until(s, source)),
    ));
    body.push_str(&source_block(source));
    page(&format!("cmsim: {}", s.scenario), &body)
}

/// `--until` when the run's length is not the scenario's own, in the largest whole unit.
fn until(s: &Summary, source: Option<&Source>) -> String {
    if source.is_none_or(|src| src.end_ms == s.end_ms) {
        return String::new();
    }
    let units = [
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1_000, "s"),
    ];
    let (n, unit) = units
        .iter()
        .find(|(ms, _)| s.end_ms.is_multiple_of(*ms))
        .map_or((s.end_ms, "ms"), |&(ms, u)| (s.end_ms / ms, u));
    format!(" --until {n}{unit}")
}

/// The answer: when the targeted machines were compliant, and what failed and where.
fn answer(s: &Summary, w: &World) -> String {
    let m = &s.machines;
    let mut out = String::from("<section class=\"answer\">\n");
    if m.targeted > 0 {
        let [p50, p90, p95, p99] = m.compliant_ms;
        out.push_str(&match p95 {
            Some(_) => format!(
                "<p class=\"big\">95 % of the {} targeted machines were compliant by {}.</p>\n",
                m.targeted,
                time(s, p95)
            ),
            None => format!(
                "<p class=\"big\">The run ended before 95 % of the {} targeted machines were \
                 compliant: {} of them ({:.1} %) were at the end.</p>\n",
                m.targeted,
                m.compliant,
                m.compliant as f64 * 100.0 / m.targeted as f64
            ),
        });
        out.push_str(&format!(
            "<p>50 %: {}; 90 %: {}; 99 %: {}. Compliant at the end: {} of {} ({:.1} %).</p>\n",
            time(s, p50),
            time(s, p90),
            time(s, p99),
            m.compliant,
            m.targeted,
            m.compliant as f64 * 100.0 / m.targeted as f64
        ));
    } else {
        out.push_str(
            "<p class=\"big\">Nothing is deployed in this scenario: the page shows the \
             synchronization of the hierarchy and the clients' compliance scans.</p>\n",
        );
    }
    let faults = findings::faults(s, w);
    if !faults.is_empty() {
        out.push_str("<p>Faults in the scenario:</p>\n");
        out.push_str(&list(&faults));
    }
    let failures = findings::failures(s);
    match failures.is_empty() {
        true => out.push_str("<p>Nothing failed.</p>\n"),
        false => {
            out.push_str("<p>What failed and where:</p>\n");
            out.push_str(&list(&failures));
        }
    }
    out.push_str("</section>\n");
    out
}

/// `items` as a list.
fn list(items: &[String]) -> String {
    let mut out = String::from("<ul>\n");
    for i in items {
        out.push_str(&format!("<li>{}</li>\n", escape(i)));
    }
    out.push_str("</ul>\n");
    out
}
