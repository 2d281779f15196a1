//! `check`, `rules` and `verify`: the commands that read and judge without simulating.

use super::console::*;
use super::plan::{Format, RulesFormat, SchemaFormat};
use cmsim::report::summary::schema;
use cmsim::scenario::Profile;
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

/// `schema [DOCUMENT]`: the JSON Schema of one output file, or the field reference of all.
pub(crate) fn schema(document: schema::Document, format: SchemaFormat) -> ExitCode {
    print_out(&match format {
        SchemaFormat::Json => json(&schema::json_schema(document)),
        SchemaFormat::Markdown => schema::markdown(),
    })
}

/// `verify TRACE`: the trace against the rules, holding at most about `max_memory` of it.
pub(crate) fn verify(
    trace: &std::path::Path,
    scenario: Option<&std::path::Path>,
    max_memory: u64,
    format: Format,
) -> ExitCode {
    let scenario = match scenario.map(load).transpose() {
        Ok(l) => l.map(|l| l.scenario),
        Err(code) => return code,
    };
    match cmsim::rules::verify_file(trace, scenario.as_ref(), max_memory) {
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
