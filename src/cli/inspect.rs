//! `check`, `rules` and `verify`: the commands that read and judge without simulating.

use super::console::*;
use super::plan::{Format, RulesFormat, SchemaFormat};
use cmsim::report::summary::schema;
use cmsim::scenario::Profile;
use std::io::{BufRead, Read};
use std::process::ExitCode;

/// `check SCENARIO`: the file, and its sweep as `cmsim sweep` would check it, so that a
/// file `check` accepts never fails at the start of a sweep.
pub(crate) fn check(path: &std::path::Path, format: Format) -> ExitCode {
    let l = match load(path) {
        Ok(l) => l,
        Err(code) => return code,
    };
    if !l.scenario.sweep.is_empty()
        && let Err(e) = cmsim::sweep::prepare(&l, None, &[l.world.seed])
    {
        report_error(&e);
        return ExitCode::from(BAD_INPUT);
    }
    print_out(&match format {
        Format::Text => cmsim::report::describe(&l),
        Format::Json => json(&cmsim::report::inventory::inventory(&l)),
    })
}

/// `rules [--profile P] [--scenario FILE]`: the rule table; the CurrentBranch column shows
/// when asked for or when the scenario uses that profile.
pub(crate) fn rules(
    profile: Profile,
    scenario: Option<&std::path::Path>,
    format: RulesFormat,
) -> ExitCode {
    let scenario = match scenario.map(load).transpose() {
        Ok(l) => l.map(|l| l.scenario),
        Err(code) => return code,
    };
    let profile = match scenario.as_ref().map(|s| s.profile) {
        Some(Profile::CurrentBranch) => Profile::CurrentBranch,
        _ => profile,
    };
    let settings = scenario.map(|s| s.settings);
    print_out(&match format {
        RulesFormat::Text => cmsim::rules::table::render(profile, settings.as_ref()),
        RulesFormat::Json => cmsim::rules::markdown::json(settings.as_ref()),
        RulesFormat::Markdown => cmsim::rules::markdown::markdown(),
    })
}

/// `schema [DOCUMENT]`: the JSON Schema of one output file, or the field reference of all
/// three, which names none (a document given with it would be ignored, so it is refused).
pub(crate) fn schema(document: Option<schema::Document>, format: SchemaFormat) -> ExitCode {
    match (format, document) {
        (SchemaFormat::Json, doc) => print_out(&json(&schema::json_schema(
            doc.unwrap_or(schema::Document::Summary),
        ))),
        (SchemaFormat::Markdown, None) => print_out(&schema::markdown()),
        (SchemaFormat::Markdown, Some(_)) => {
            report_error(
                &"--format markdown prints the field reference of all three documents: drop \
                  the document, or use --format json for one document's JSON Schema",
            );
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// `verify TRACE`: the trace against the rules, holding at most about `max_memory` of it.
/// A trace of another scenario than `--scenario` is refused after its first line (exit code
/// 2): checking every rule with the values of a scenario that did not run gave thousands of
/// meaningless violations.
pub(crate) fn verify(
    trace: &std::path::Path,
    scenario_path: Option<&std::path::Path>,
    max_memory: u64,
    format: Format,
) -> ExitCode {
    let scenario = match scenario_path.map(load).transpose() {
        Ok(l) => l.map(|l| l.scenario),
        Err(code) => return code,
    };
    let file = cmsim::load::shown(trace);
    let read = match closed_stdin(trace) {
        Some(e) => Err(e),
        None => cmsim::load::open(trace),
    };
    let mut input = match read {
        Ok(input) => input,
        Err(e) => {
            report_error(&format!("{file}: cannot read: {e}"));
            return ExitCode::from(BAD_INPUT);
        }
    };
    let mut first = Vec::new();
    if let Err(e) = (&mut input).take(1 << 20).read_until(b'\n', &mut first) {
        report_error(&format!("{file}: cannot read: {e}"));
        return ExitCode::from(BAD_INPUT);
    }
    if let (Some(s), Some(path)) = (&scenario, scenario_path)
        && let Some((trace_is, scenario_is)) = other_scenario(&first, s)
    {
        report_error(&format!(
            "{file}: {trace_is}, --scenario {} {scenario_is}: its values would judge another \
             scenario's run. Pass the scenario that produced the trace, or no --scenario to \
             check against the defaults",
            cmsim::load::shown(path)
        ));
        return ExitCode::from(BAD_INPUT);
    }
    let input = std::io::Cursor::new(first).chain(input);
    let report = cmsim::rules::trace::read(&file, input, max_memory)
        .map(|lines| cmsim::rules::verify(&lines, scenario.as_ref()));
    match report {
        Ok(report) => {
            let code = print_out(&match format {
                Format::Text => report.render(),
                Format::Json => json(&report.to_json()),
            });
            if code != ExitCode::SUCCESS || !report.violated() {
                // A closed pipe (0) or a failed write (1) decides; so does a clean report.
                code
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            report_error(&e);
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Why the trace whose first line is `first` is not of scenario `s`: what the trace says
/// and what the scenario says of its name, or of its number of clients (the file was changed
/// since). `None` when it may be, or when the line is no trace header (the checks of the
/// trace's frame report that).
fn other_scenario(first: &[u8], s: &cmsim::scenario::Scenario) -> Option<(String, String)> {
    let head: serde_json::Value = serde_json::from_slice(first).ok()?;
    if head["kind"] != "trace_start" {
        return None;
    }
    let total: u64 = s.clients.iter().map(|g| u64::from(g.count)).sum();
    match (head["scenario"].as_str(), head["clients"].as_u64()) {
        (Some(name), _) if name != s.name => Some((
            format!("the trace is of scenario {name:?}"),
            format!("is {:?}", s.name),
        )),
        (_, Some(n)) if n != total => Some((
            format!("the trace has {n} clients"),
            format!("has {total} (changed since the run?)"),
        )),
        _ => None,
    }
}
