//! `check`, `rules` and `verify`: the commands that read and judge without simulating.

use super::console::*;
use std::process::ExitCode;

pub(crate) fn check(path: &std::path::Path) -> ExitCode {
    match load(path) {
        Ok(l) => print_out(&cmsim::report::describe(&l)),
        Err(code) => code,
    }
}

pub(crate) fn rules(scenario: Option<&std::path::Path>) -> ExitCode {
    let settings = match scenario.map(load).transpose() {
        Ok(l) => l.map(|l| l.scenario.settings),
        Err(code) => return code,
    };
    print_out(&cmsim::rules::table::render(settings.as_ref()))
}

pub(crate) fn verify(trace: &std::path::Path, scenario: Option<&std::path::Path>) -> ExitCode {
    let scenario = match scenario.map(load).transpose() {
        Ok(l) => l.map(|l| l.scenario),
        Err(code) => return code,
    };
    match cmsim::rules::verify_file(trace, scenario.as_ref()) {
        Ok(report) => {
            let code = print_out(&report.render());
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
