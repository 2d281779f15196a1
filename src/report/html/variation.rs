//! The pages of runs over several seeds (`run --replications`), of two plans (`compare`)
//! and of a sweep: the headline figures with their 5–95 % bands first, then the band or
//! sweep charts, the whole table of figures, and the scenarios as run.

use super::super::charts::Chart;
use super::super::doc::escape;
use super::super::figures::{MACHINE_MARKS, machines_compliant as headline_name};
use super::super::summary::Summary;
use super::super::table::Table;
use super::super::variation::{comparison_table, range, replications_table, show};
use super::{Source, figures, page, repeat, source_block, time};
use crate::replicate::{Comparison, FigureStats, Replications};

/// A figure in hours since the start as a point in time of `run`'s calendar, or as an
/// offset when the run has none.
fn at_hours(run: Option<&Summary>, hours: Option<f64>) -> String {
    match (run, hours) {
        (Some(r), Some(h)) if r.calendar.is_some() => {
            time(r, Some((h * 3_600_000.0).round().max(0.0) as u64))
        }
        (_, Some(_)) => escape(&show(hours, "h")),
        (_, None) => "never".into(),
    }
}

/// "p5 – p95" of a time figure.
fn band(run: Option<&Summary>, f: &FigureStats) -> String {
    format!("{} – {}", at_hours(run, f.p5), at_hours(run, f.p95))
}

/// "median (5–95 %: p5 – p95)" of a time figure.
fn banded(run: Option<&Summary>, f: &FigureStats) -> String {
    format!("{} (5–95 %: {})", at_hours(run, f.median), band(run, f))
}

/// What times on the page are: dates, or offsets from the start.
fn times(run: Option<&Summary>) -> &'static str {
    match run.is_some_and(|r| r.calendar.is_some()) {
        true => "",
        false => " Times are since the start of the run.",
    }
}

/// The page of one plan over several seeds; `first` is one of its runs (for the calendar).
pub fn replications(
    r: &Replications,
    first: Option<&Summary>,
    charts: &[Chart],
    source: Option<&Source>,
) -> String {
    let mut body = format!(
        "<h1>cmsim report: {}, {} replications</h1>\n<p class=\"meta\">cmsim {}, seeds {}–{}.{}</p>\n",
        escape(&r.scenario),
        r.seeds.len(),
        env!("CARGO_PKG_VERSION"),
        r.seeds.first().copied().unwrap_or(0),
        r.seeds.last().copied().unwrap_or(0),
        times(first),
    );
    body.push_str("<section class=\"answer\">\n");
    let find = |p: u32| r.figures.iter().find(|f| f.name == headline_name(p));
    match find(95) {
        Some(f) => body.push_str(&format!(
            "<p class=\"big\">95 % of the targeted machines compliant by {}.</p>\n\
             <p>5–95 % band over {} seeds: {}.</p>\n",
            at_hours(first, f.median),
            r.seeds.len(),
            band(first, f)
        )),
        None => body.push_str(
            "<p class=\"big\">Nothing is deployed in this scenario: the figures are the \
             synchronization and the scans'.</p>\n",
        ),
    }
    let others: Vec<String> = MACHINE_MARKS
        .iter()
        .filter(|&&(_, p)| p != 95)
        .filter_map(|&(_, p)| find(p).map(|f| format!("{p} %: {}", banded(first, f))))
        .collect();
    if !others.is_empty() {
        body.push_str(&format!("<p>{}.</p>\n", others.join("; ")));
    }
    body.push_str("</section>\n");
    body.push_str(&charts_section(charts, first));
    body.push_str("<h2>Every figure over the seeds</h2>\n");
    body.push_str(&replications_table(r).to_html());
    body.push_str("<h2>The runs</h2>\n");
    body.push_str(&repeat(
        source,
        &format!(
            "--replications {} --seed {}",
            r.seeds.len(),
            r.seeds.first().copied().unwrap_or(0)
        ),
    ));
    body.push_str(&source_block(source));
    page(&format!("cmsim: {} replications", r.scenario), &body)
}

/// The page of two plans on the same seeds; `first` is one run of plan A (for the calendar).
pub fn comparison(
    c: &Comparison,
    first: Option<&Summary>,
    charts: &[Chart],
    sources: [Option<&Source>; 2],
) -> String {
    let mut body = format!(
        "<h1>cmsim comparison: A {} against B {}</h1>\n<p class=\"meta\">cmsim {}, {} seeds \
         ({}–{}), the same for both plans (common random numbers).{}</p>\n",
        escape(&c.a),
        escape(&c.b),
        env!("CARGO_PKG_VERSION"),
        c.seeds.len(),
        c.seeds.first().copied().unwrap_or(0),
        c.seeds.last().copied().unwrap_or(0),
        times(first),
    );
    body.push_str("<section class=\"answer\">\n");
    match c.figures.iter().find(|f| f.name == headline_name(95)) {
        Some(f) => {
            let noise = match (c.seeds.len() < 3, f.beyond_noise) {
                (true, _) => "too few seeds to tell noise from a difference",
                (false, true) => "beyond noise",
                (false, false) => "within noise",
            };
            body.push_str(&format!(
                "<p class=\"big\">95 % of the targeted machines compliant: A by {}, B by {}.</p>\n\
                 <p>B − A: median {}, 5–95 % range of the paired differences {} ({noise}). \
                 5–95 % bands: A {}, B {}.</p>\n",
                at_hours(first, f.a.median),
                at_hours(first, f.b.median),
                escape(&show(f.difference.median, f.unit)),
                escape(&range(&f.difference)),
                band(first, &f.a),
                band(first, &f.b),
            ));
        }
        None => body.push_str(
            "<p class=\"big\">Neither plan deploys anything: the figures are the \
             synchronization and the scans'.</p>\n",
        ),
    }
    let beyond: Vec<String> = c
        .figures
        .iter()
        .filter(|f| f.beyond_noise && c.seeds.len() >= 3)
        .map(|f| f.name.clone())
        .collect();
    body.push_str(&match beyond.is_empty() {
        true => "<p>No figure differs beyond noise.</p>\n".to_string(),
        false => format!(
            "<p>Figures that differ beyond noise: {}.</p>\n",
            escape(&beyond.join("; "))
        ),
    });
    body.push_str("</section>\n");
    body.push_str(&charts_section(charts, first));
    body.push_str("<h2>Every figure, both plans</h2>\n");
    body.push_str(&comparison_table(c).to_html());
    body.push_str("<h2>The plans</h2>\n");
    for (name, src) in ["A", "B"].iter().zip(sources) {
        if let Some(src) = src {
            body.push_str(&format!("<h3>Plan {name}</h3>\n"));
            body.push_str(&source_block(Some(src)));
        }
    }
    page(&format!("cmsim: {} against {}", c.a, c.b), &body)
}

/// The page of a sweep: its table (`sweep.csv`, read and checked by `crate::sweep::read`)
/// and charts.
pub fn sweep(t: &crate::sweep::Table, charts: &[Chart], source: Option<&Source>) -> String {
    let head: Vec<&str> = t.header.iter().collect();
    let mut rows = Table::new(&head);
    for (_, _, r) in &t.rows {
        rows.row(r.iter().map(str::to_string).collect());
    }
    let mut body = format!(
        "<h1>cmsim sweep: {} points over {} parameters</h1>\n<p class=\"meta\">cmsim {}; {}.</p>\n",
        t.meta.points,
        t.meta.params,
        env!("CARGO_PKG_VERSION"),
        escape(t.meta.line().trim_start_matches(['#', ' ']))
    );
    body.push_str(&sweep_answer(t));
    body.push_str("<h2>The table (sweep.csv)</h2>\n");
    body.push_str(&rows.to_html());
    body.push_str(&charts_section(charts, None));
    body.push_str(&source_block(source));
    page("cmsim: sweep", &body)
}

/// The sweep's answer: the points where 95 % of the machines were compliant soonest and
/// latest, with their parameters (nothing when the sweep deploys nothing).
fn sweep_answer(t: &crate::sweep::Table) -> String {
    let name = format!("{} (h)", headline_name(95));
    let Some(col) = t.header.iter().position(|h| h == name) else {
        return String::new();
    };
    let params = 1..1 + t.meta.params;
    let point = |r: &csv::StringRecord| {
        params
            .clone()
            .map(|i| format!("{} = {}", &t.header[i], &r[i]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let hours = |r: &csv::StringRecord| r.get(col).and_then(|v| v.parse::<f64>().ok());
    let timed: Vec<(f64, &csv::StringRecord)> = t
        .rows
        .iter()
        .filter_map(|(_, _, r)| hours(r).map(|h| (h, r)))
        .collect();
    let soonest = timed.iter().min_by(|a, b| a.0.total_cmp(&b.0));
    let latest = timed.iter().max_by(|a, b| a.0.total_cmp(&b.0));
    let (Some(&(lo, lo_row)), Some(&(hi, hi_row))) = (soonest, latest) else {
        return "<section class=\"answer\"><p class=\"big\">95 % of the targeted machines \
                were compliant at no point of the sweep.</p></section>\n"
            .into();
    };
    let never = t.rows.len() - timed.len();
    format!(
        "<section class=\"answer\">\n<p class=\"big\">95 % of the targeted machines compliant \
         soonest after {} ({}), latest after {} ({}).</p>\n{}</section>\n",
        escape(&show(Some(lo), "h")),
        escape(&point(lo_row)),
        escape(&show(Some(hi), "h")),
        escape(&point(hi_row)),
        match never {
            0 => String::new(),
            n => format!("<p>{n} points never reached 95 % within the run.</p>\n"),
        }
    )
}

/// The charts under a heading, or nothing; `run` gives the calendar of their values.
fn charts_section(charts: &[Chart], run: Option<&Summary>) -> String {
    match charts.is_empty() {
        true => String::new(),
        false => format!("<h2>Charts</h2>\n{}", figures(charts, run)),
    }
}
