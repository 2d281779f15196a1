//! `run` and `compare`: one scenario once or over several seeds, and two plans side by
//! side.

use super::{console::*, plan::*, sweeps::*};
use cmsim::RunOptions;
use cmsim::output::{OutDir, Target};
use cmsim::report::charts::Chart;
use std::process::ExitCode;

/// Refuses outputs that would overwrite the scenario being run: `--trace` naming it, or
/// `--out` holding it under one of the names a run writes (or replaces with `--force`).
pub(crate) fn overwrites_input(
    path: &std::path::Path,
    opts: &RunOptions,
) -> Option<std::path::PathBuf> {
    let input = std::fs::canonicalize(path).ok()?;
    let same = |p: &std::path::Path| std::fs::canonicalize(p).is_ok_and(|p| p == input);
    opts.trace
        .iter()
        .find(|&t| !cmsim::load::is_stdin(t) && same(t))
        .cloned()
        .or_else(|| cmsim::output::overwrites(opts.out.as_ref()?, &[path]))
}

pub(crate) fn run(path: &std::path::Path, opts: &RunOptions, plan: &Plan) -> ExitCode {
    // `--trace -` takes standard output: the summary is not printed (`--out` keeps it).
    let trace_out = opts.trace.as_deref().is_some_and(cmsim::load::is_stdin);
    if trace_out && plan.format == Format::Json {
        report_error(
            &"--trace - and --format json both write to standard output: drop --format json \
              (with --out the summary is in summary.json) or give --trace a file",
        );
        return ExitCode::from(BAD_INPUT);
    }
    if let Some(output) = overwrites_input(path, opts) {
        report_error(&format!(
            "{}: this output would overwrite the scenario being run; choose another path",
            output.display()
        ));
        return ExitCode::from(BAD_INPUT);
    }
    let mut loaded = match load(path) {
        Ok(l) => l,
        Err(code) => return code,
    };
    // The scenario as written (with its own `end`), before --seed and --until apply.
    let written = std::sync::Arc::new(source(&loaded));
    cmsim::run::apply(&mut loaded.world, opts);
    let opts = &RunOptions {
        budget: plan.budget,
        source: Some(written),
        ..opts.clone()
    };
    if plan.replications.unwrap_or(1) > 1 {
        return replications(&loaded.world, opts, plan);
    }
    verbose(|| {
        let w = &loaded.world;
        let cost = cost(w);
        let n = |count: usize, one: &str| match count {
            1 => format!("1 {one}"),
            _ => format!("{} {one}s", cmsim::estimate::grouped(count as u64)),
        };
        format!(
            "{}: {} in {}, {}, {}, {}; about {} events and {} of memory",
            loaded.file,
            n(w.clients() as usize, "client"),
            n(w.groups.len(), "group"),
            n(w.sites.len(), "site"),
            n(w.updates.len(), "update"),
            n(w.deployments.len(), "deployment"),
            cmsim::estimate::grouped(cost.events),
            cmsim::estimate::size(cost.memory)
        )
    });
    let clock = std::time::Instant::now();
    let ran = cmsim::run(&loaded.world, opts);
    if let Ok(s) = &ran {
        let secs = clock.elapsed().as_secs_f64();
        verbose(|| {
            format!(
                "ran {} events in {secs:.2} s ({} events/s)",
                cmsim::estimate::grouped(s.events),
                cmsim::estimate::grouped((s.events as f64 / secs.max(1e-9)) as u64)
            )
        });
    }
    if let (Ok(_), Some(dir)) = (&ran, &opts.out) {
        note(&format!("wrote {}", dir.join("report.html").display()));
        verbose_files(dir);
    }
    match ran {
        Ok(_) if trace_out => ExitCode::SUCCESS,
        // Said as every command says a failed write to standard output.
        Err(cmsim::run::RunError::Output { path, source }) if trace_out && path == "-" => {
            note(&format!("cmsim: cannot write to standard output: {source}"));
            ExitCode::FAILURE
        }
        Ok(summary) if plan.format == Format::Json => print_out(&summary.to_json()),
        Ok(summary) => print_out(&cmsim::report::text::render_within(
            &summary,
            cmsim::report::text::Detail::from_flag(opts.detail),
            terminal_width(),
        )),
        Err(e) => run_failed(&e),
    }
}

/// `run --replications N`: the figures over N seeds; `--out` gets replications.json.
pub(crate) fn replications(
    world: &cmsim::world::World,
    opts: &RunOptions,
    plan: &Plan,
) -> ExitCode {
    // Each of these shapes one run's outputs (its trace, chart, time series or lists); the
    // figures over several seeds have none of them, so they are refused, not ignored.
    let one_run = [
        (opts.trace.is_some(), "--trace writes one run's trace"),
        (
            opts.view.is_some(),
            "--view draws one run's chart and curve as a site sees them",
        ),
        (
            opts.sample.is_some(),
            "--sample sets one run's compliance time series (compliance.csv)",
        ),
        (
            opts.detail,
            "--detail lists every site, group and update of one run",
        ),
    ];
    if let Some((_, what)) = one_run.iter().find(|(given, _)| *given) {
        report_error(&format!(
            "{what}: use it without --replications (or with --replications 1)"
        ));
        return ExitCode::from(BAD_INPUT);
    }
    let seeds = plan.seeds(world.seed, 1);
    let what = format!("{} replications of `{}`", seeds.len(), world.name);
    if let Err(code) = plan.afford(cost(world), seeds.len(), &what) {
        return code;
    }
    let out = match opts.out.as_ref().map(|dir| {
        OutDir::claim(&Target {
            about: format!("scenario {:?}, seeds {:?}", world.name, seeds),
            ..Target::new(dir.clone(), opts.force, "run --replications", &[])
        })
    }) {
        Some(Err(e)) => return output_failed(&e),
        claimed => claimed.and_then(Result::ok),
    };
    let runs = match cmsim::replicate::replicate(world, &seeds, plan.jobs(), plan.budget) {
        Ok(r) => r,
        Err(e) => return run_failed(&e),
    };
    let r = cmsim::replicate::summarize(&runs, &seeds);
    if let Some(out) = out {
        let bands = |dir: &std::path::Path| {
            cmsim::report::charts::bands(dir, &[(&world.name, runs.as_slice())])
        };
        let source = opts.source.as_deref();
        let page = |charts: &[Chart]| {
            Ok(cmsim::report::html::replications(
                &r,
                runs.first(),
                charts,
                source,
            ))
        };
        if let Err(e) = staged(out, "replications.json", &json(&r), bands, page) {
            return output_failed(&e);
        }
    }
    match plan.format {
        Format::Json => print_out(&json(&r)),
        Format::Text => print_out(&cmsim::report::variation::replications(&r)),
    }
}

/// `compare A B`: both plans on the same seeds.
pub(crate) fn compare(
    a: &std::path::Path,
    b: &std::path::Path,
    seed: Option<u64>,
    out: Option<&Target>,
    plan: &Plan,
) -> ExitCode {
    let (a, b) = match (load(a), load(b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let seeds = plan.seeds(seed.unwrap_or(a.world.seed), 10);
    let (ca, cb) = (cost(&a.world), cost(&b.world));
    let both_plans = cmsim::estimate::Estimate {
        events: ca.events.div_ceil(2).saturating_add(cb.events.div_ceil(2)),
        memory: ca.memory.max(cb.memory),
    };
    let what = format!("comparing two plans over {} seeds", seeds.len());
    if let Err(code) = plan.afford(both_plans, 2 * seeds.len(), &what) {
        return code;
    }
    let out = match out.map(OutDir::claim) {
        Some(Err(e)) => return output_failed(&e),
        claimed => claimed.and_then(Result::ok),
    };
    // Both plans' runs on one pool of threads: B's start while A's last ones finish.
    let plans = [&a.world, &b.world];
    let mut both: Vec<Vec<cmsim::report::Summary>> = Vec::new();
    let ran = cmsim::replicate::run_points(
        2,
        &seeds,
        plan.jobs(),
        plan.budget,
        "runs of both plans",
        |i| Ok::<_, cmsim::run::RunError>(plans[i]),
        |_, runs| runs,
        |_, runs| {
            both.push(runs);
            Ok(())
        },
    );
    if let Err(e) = ran {
        return run_failed(&e);
    }
    let rb = both.pop().expect("plan B ran");
    let ra = both.pop().expect("plan A ran");
    let c = cmsim::replicate::compare(
        &cmsim::replicate::summarize(&ra, &seeds),
        &cmsim::replicate::summarize(&rb, &seeds),
    );
    if let Some(out) = out {
        let (na, nb) = (format!("A {}", a.world.name), format!("B {}", b.world.name));
        let plans = [(na.as_str(), ra.as_slice()), (nb.as_str(), rb.as_slice())];
        let bands = |dir: &std::path::Path| cmsim::report::charts::bands(dir, &plans);
        let sources = [source(&a), source(&b)];
        let page = |charts: &[Chart]| {
            Ok(cmsim::report::html::comparison(
                &c,
                ra.first(),
                charts,
                [Some(&sources[0]), Some(&sources[1])],
            ))
        };
        if let Err(e) = staged(out, "comparison.json", &json(&c), bands, page) {
            return output_failed(&e);
        }
    }
    match plan.format {
        Format::Json => print_out(&json(&c)),
        Format::Text => print_out(&cmsim::report::variation::comparison(&c)),
    }
}
