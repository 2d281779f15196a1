//! `sweep` and `merge`, and writing a command's outputs: staged into the output
//! directory and moved into place with its `complete` marker.

use super::{console::*, plan::*};
use cmsim::output::{OutDir, OutputError, Target};
use cmsim::report::charts::Chart;
use cmsim::report::html::Source;
use std::path::PathBuf;
use std::process::ExitCode;

/// Refuses an output directory before a long run rather than at its end.
pub(crate) fn precheck(
    out: Option<&Target>,
    shard: Option<(usize, usize)>,
) -> Result<(), ExitCode> {
    match out.map(|t| t.precheck(shard)) {
        Some(Err(e)) => Err(output_failed(&e)),
        _ => Ok(()),
    }
}

/// Writes `name`, the charts `draw` makes in the staging directory's `charts/` and the
/// `report.html` that `page` makes of them, then moves them into place with the `complete`
/// marker; returns the number of charts.
pub(crate) fn staged(
    out: OutDir,
    name: &str,
    text: &str,
    draw: impl FnOnce(&std::path::Path) -> Result<Vec<Chart>, String>,
    page: impl FnOnce(&[Chart]) -> Result<String, String>,
) -> Result<usize, OutputError> {
    out.write(name, text)?;
    let charts = draw(&out.staging().join("charts")).map_err(OutputError::Chart)?;
    out.write("report.html", &page(&charts).map_err(OutputError::Chart)?)?;
    let dir = out.dir().to_path_buf();
    out.commit()?;
    note(&format!("wrote {}", dir.join("report.html").display()));
    verbose_files(&dir);
    Ok(charts.len())
}

/// Writes `text` to `DIR/name` (staged, then renamed into place), or prints it without a
/// directory. A shard's table (`sweep-shard-I-of-N.csv`) claims the directory as that shard,
/// beside the same sweep's other shards.
pub(crate) fn emit(out: Option<&Target>, name: &str, text: &str) -> ExitCode {
    let Some(target) = out else {
        return print_out(text);
    };
    let claimed = match cmsim::output::shard_of(name) {
        Some((i, n)) => OutDir::claim_shard(target, i, n),
        None => OutDir::claim(target),
    };
    let out = match claimed {
        Ok(out) => out,
        Err(e) => return output_failed(&e),
    };
    match out.write(name, text).and_then(|()| out.commit()) {
        Ok(_) => {
            note(&format!("wrote {}", target.dir.join(name).display()));
            ExitCode::SUCCESS
        }
        Err(e) => output_failed(&e),
    }
}

/// `sweep SCENARIO`: every grid point (or one shard's), checked before anything runs.
pub(crate) fn sweep(
    path: &std::path::Path,
    shard: Option<cmsim::sweep::Shard>,
    out: Option<&Target>,
    plan: &Plan,
) -> ExitCode {
    let loaded = match load(path) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let seeds = plan.seeds(loaded.world.seed, 1);
    let sweep = match cmsim::sweep::prepare(&loaded, shard, &seeds) {
        Ok(s) => s,
        Err(e) => return sweep_failed(&e),
    };
    // The budget: the mean events and the largest memory over the points this shard runs,
    // each world built for its estimate and dropped (memory does not grow with the points).
    let (mut ran, mut events, mut memory) = (0usize, 0u128, 0u64);
    let costs = sweep.each_world(|w| {
        let c = cost(w);
        ran += 1;
        events += u128::from(c.events);
        memory = memory.max(c.memory);
    });
    if let Err(e) = costs {
        return sweep_failed(&e);
    }
    let every_point = cmsim::estimate::Estimate {
        events: (events / ran.max(1) as u128).try_into().unwrap_or(u64::MAX),
        memory,
    };
    let what = format!("a sweep of {ran} points × {} seeds", seeds.len());
    if let Err(code) = plan.afford(every_point, ran.saturating_mul(seeds.len()), &what) {
        return code;
    }
    let table = match sweep.run(plan.jobs(), plan.budget) {
        Ok(t) => t,
        Err(e) => return sweep_failed(&e),
    };
    let name = sweep.file_name();
    match (shard, out) {
        (None, Some(dir)) => with_charts(dir, &name, &table, Some(&source(&loaded))),
        (_, None) if plan.format == Format::Json => as_json(&name, &table),
        _ => emit(out, &name, &table),
    }
}

/// Prints the table `text` as JSON ([`cmsim::sweep::Table::to_json`]); the files `--out`
/// writes stay CSV.
fn as_json(name: &str, text: &str) -> ExitCode {
    match cmsim::sweep::read(name, text.as_bytes()) {
        Ok(table) => print_out(&json(&table.to_json())),
        Err(problems) => {
            for p in problems {
                report_error(&p);
            }
            ExitCode::FAILURE
        }
    }
}

/// Reports a sweep that stopped: a failed run as `run_failed` does, a table that could not
/// be made as an output failure (exit 1), anything else as bad input (exit 2).
pub(crate) fn sweep_failed(e: &cmsim::sweep::SweepError) -> ExitCode {
    match e {
        cmsim::sweep::SweepError::Run(e) => run_failed(e),
        cmsim::sweep::SweepError::Output(_) => {
            report_error(e);
            ExitCode::FAILURE
        }
        _ => {
            report_error(e);
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// `merge TABLES…`: the shards' rows in point order under one header, after checking that
/// they are all the shards of one sweep; nothing is written otherwise.
pub(crate) fn merge(tables: &[PathBuf], out: Option<&Target>) -> ExitCode {
    let merged = cmsim::sweep::read_files(tables)
        .map_err(|e| vec![e])
        .and_then(|read| cmsim::sweep::merge(&read));
    match (merged, out) {
        (Ok(text), Some(dir)) => with_charts(dir, "sweep.csv", &text, None),
        (Ok(text), None) => emit(None, "sweep.csv", &text),
        (Err(problems), _) => {
            report_error(&problems.join("\n"));
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Writes a whole sweep's table, one chart per figure into `DIR/charts` and `report.html`
/// (quoting the sweep's scenario when there is one), then `complete`.
pub(crate) fn with_charts(
    target: &Target,
    name: &str,
    table: &str,
    source: Option<&Source>,
) -> ExitCode {
    // Read back and checked once, for the charts and the page.
    let read = match cmsim::sweep::read("sweep table", table.as_bytes()) {
        Ok(read) => read,
        Err(problems) => return output_failed(&OutputError::Chart(problems.join("\n"))),
    };
    let out = match OutDir::claim(target) {
        Ok(out) => out,
        Err(e) => return output_failed(&e),
    };
    let draw = |dir: &std::path::Path| cmsim::report::charts::sweep(dir, &read);
    let page = |charts: &[Chart]| Ok(cmsim::report::html::sweep(&read, charts, source));
    match staged(out, name, table, draw, page) {
        Ok(n) => {
            note(&format!("wrote {}", target.dir.join(name).display()));
            note(&format!(
                "wrote {n} charts into {}",
                target.dir.join("charts").display()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => output_failed(&e),
    }
}
