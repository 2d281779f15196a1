//! Checks on single values: limits, intervals, shares, times within the run. Cross-references
//! are checked by `world::build`.
//!
//! This file holds the problem type and `validate`, which runs the checks one part of the
//! scenario after another (that order is the order problems are reported in). Each part's
//! checks are in a file of their own: the size limits checked before anything else
//! (`limits`), the client groups (`clients`), points in time and the catalog, actions and
//! faults placed by them (`timeline`), deployments (`deployments`) and the settings
//! (`settings`).

mod adr;
mod clients;
mod deployments;
mod limits;
mod phases;
mod settings;
mod timeline;

use super::Scenario;
use crate::engine::SimTime;
use crate::engine::calendar::Calendar;
pub(super) use clients::distinct_days;
pub use limits::{LATEST_END, LIMITS, past_the_calendar, sizes};
use timeline::Times;

/// A problem with one field, before it is located in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Field path, e.g. `sites[2].parent`.
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Problem {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// The scenario's calendar: `None` without a `start`, an error message when `start` is wrong.
pub fn calendar(s: &Scenario) -> Result<Option<Calendar>, String> {
    s.start.as_deref().map(Calendar::parse).transpose()
}

/// Every value-level problem of `s`, once its sizes are within [`LIMITS`] ([`sizes`]).
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut out = Vec::new();
    let calendar = calendar(s).unwrap_or_else(|m| {
        let hint = s
            .start
            .as_deref()
            .map_or(String::new(), clients::bracketed_zone_hint);
        out.push(Problem::new("start", format!("{m}{hint}")));
        None
    });
    let bad_start = s.start.is_some() && calendar.is_none();
    clients::check_time_zones(s, &mut out);
    let mut t = Times {
        calendar,
        bad_start,
        out: &mut out,
    };
    let end = t.at("end", &s.end);
    if end == Some(SimTime::ZERO) {
        t.out
            .push(Problem::new("end", "the run must last longer than 0"));
    }
    clients::check_groups(s, t.out);
    timeline::check_catalog(s, &mut t, end);
    timeline::check_actions(s, &mut t, end);
    deployments::check_deployments(s, &mut t, end);
    adr::check_rules(s, &mut t, end);
    timeline::check_faults(s, &mut t, end);
    settings::check_settings(s, &mut out);
    out
}

fn share(out: &mut Vec<Problem>, path: &str, v: f64) {
    if !(0.0..=1.0).contains(&v) {
        out.push(Problem::new(
            path,
            format!("expected a share from 0 to 1, got {v}"),
        ));
    }
}
