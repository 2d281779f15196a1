//! The rule checker: an independent second reading of the rule table, applied to traces.
//! It imports the trace format and the parameter values, never the model (DESIGN.md), so a
//! bug in the model shows up here as a violation instead of being repeated. What each
//! outcome checks, and which file does it: `docs/verify.md`.

mod activation;
mod adr;
mod agent;
mod bandwidth;
mod boundary;
mod cascade;
mod compliance;
mod content;
mod database;
mod deployment;
mod failure;
mod frame;
mod groups;
mod held;
mod install;
mod machines;
pub mod markdown;
mod notify;
mod periodic;
mod phases;
mod policy;
mod power;
mod reporting;
mod restart;
mod retries;
mod scans;
mod stats;
mod sup_load;
mod sync;
pub mod table;
pub mod trace;
mod windows;

use crate::engine::SimTime;
use crate::scenario::{Scenario, Settings};
use std::borrow::Cow;
use std::path::Path;
use trace::{Line, TraceError};

/// The result of checking one rule.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Rule id.
    pub id: &'static str,
    /// How many situations the rule applied to.
    pub checked: usize,
    /// Each offending line, described.
    pub violations: Vec<String>,
    /// Why the rule could not be judged on this trace.
    pub skipped: Option<String>,
}

impl Outcome {
    fn new(id: &'static str) -> Self {
        Outcome {
            id,
            checked: 0,
            violations: Vec::new(),
            skipped: None,
        }
    }

    fn fail(&mut self, l: &Line, what: &str) {
        self.violations.push(format!("{}: {what}", cite(l)));
    }

    /// The rule cannot be judged on this trace, for `why`.
    fn skipped(id: &'static str, why: String) -> Self {
        Outcome {
            skipped: Some(why),
            ..Outcome::new(id)
        }
    }

    /// `held`, `VIOLATED`, `not exercised` or `not checked`.
    pub fn status(&self) -> &'static str {
        if self.skipped.is_some() {
            "not checked"
        } else if !self.violations.is_empty() {
            "VIOLATED"
        } else if self.checked == 0 {
            "not exercised"
        } else {
            "held"
        }
    }
}

/// The scenario's site `code`, or its nearest ancestor, for which `has` holds: the model's
/// `World::nearest` read from the scenario (bounded by the number of sites).
fn nearest<'a>(
    s: &'a Scenario,
    code: &str,
    has: impl Fn(&crate::scenario::SiteSpec) -> bool,
) -> Option<&'a crate::scenario::SiteSpec> {
    let site = |c: &str| s.sites.iter().find(|x| x.code == c);
    let mut at = site(code);
    for _ in 0..=s.sites.len() {
        let x = at?;
        if has(x) {
            return Some(x);
        }
        at = x.parent.as_deref().and_then(site);
    }
    None
}

/// Names a trace line for people: its number, time, kind and server.
fn cite(l: &Line) -> String {
    let who = l.sup.as_deref().or(l.site.as_deref()).unwrap_or("");
    format!("line {} ({}, {} {who})", l.line, SimTime(l.t), l.kind)
}

/// The outcome of every rule `cmsim verify` checks.
#[derive(Clone, Debug)]
pub struct VerifyReport {
    /// One per checked rule, in id order.
    pub outcomes: Vec<Outcome>,
    /// Lines read.
    pub lines: usize,
    /// The scenario whose parameter values were used, or `None` for the defaults.
    pub scenario: Option<String>,
}

/// Violations shown per rule; the rest are counted.
const MAX_SHOWN: usize = 10;

/// Violations listed per rule in JSON; `violations` counts them all.
const MAX_JSON: usize = 1_000;

impl VerifyReport {
    /// Whether any rule was violated.
    pub fn violated(&self) -> bool {
        self.outcomes.iter().any(|o| !o.violations.is_empty())
    }

    /// The report for programs (`cmsim verify --format json`): per rule its status
    /// (`held`, `violated`, `not_exercised`, `not_checked`), cases, the first offending lines
    /// and how many there were.
    pub fn to_json(&self) -> serde_json::Value {
        let outcomes: Vec<serde_json::Value> = self
            .outcomes
            .iter()
            .map(|o| {
                serde_json::json!({
                    "id": o.id,
                    "status": o.status().to_lowercase().replace(' ', "_"),
                    "cases": o.checked,
                    "violations": o.violations.len(),
                    "first_violations": &o.violations[..o.violations.len().min(MAX_JSON)],
                    "not_checked_because": o.skipped,
                })
            })
            .collect();
        serde_json::json!({
            "lines": self.lines,
            "scenario": self.scenario,
            "violated": self.violated(),
            "outcomes": outcomes,
            "rules_not_checked": table::RULES
                .iter()
                .filter(|r| !r.verified)
                .map(|r| r.id)
                .collect::<Vec<_>>(),
        })
    }

    /// The report for people.
    pub fn render(&self) -> String {
        let values = match &self.scenario {
            Some(name) => format!("the parameter values of scenario {name:?}"),
            None => "the default parameter values (no --scenario)".into(),
        };
        let mut out = format!("Checked {} trace lines with {values}.\n", self.lines);
        for o in &self.outcomes {
            let detail = match &o.skipped {
                Some(why) => why.clone(),
                None => format!("{} cases", o.checked),
            };
            out.push_str(&format!("  {}  {:<14} {detail}\n", o.id, o.status()));
            for v in o.violations.iter().take(MAX_SHOWN) {
                out.push_str(&format!("       {v}\n"));
            }
            if o.violations.len() > MAX_SHOWN {
                out.push_str(&format!(
                    "       … and {} more\n",
                    o.violations.len() - MAX_SHOWN
                ));
            }
        }
        let unchecked: Vec<&str> = table::RULES
            .iter()
            .filter(|r| !r.verified)
            .map(|r| r.id)
            .collect();
        if !unchecked.is_empty() {
            out.push_str(&format!(
                "  Not checked on traces yet: {}\n",
                unchecked.join(" ")
            ));
        }
        out
    }
}

/// What every check needs besides the lines.
pub(crate) struct Ctx<'a> {
    /// The parameter values: the scenario's, or the defaults.
    settings: &'a Settings,
    /// The scenario, when given: catalog, deployments, actions, faults.
    scenario: Option<&'a Scenario>,
    /// When the run ended: `run_end.end`, else the last line's time.
    end: u64,
    /// The clients the trace keeps (`--trace-clients`), if it is filtered.
    filter: Option<[u64; 2]>,
    /// The scenario's calendar, which places its date-times.
    calendar: Option<crate::engine::calendar::Calendar>,
    /// When each machine was switched off.
    power: power::Power,
    /// When each machine's user was away: switched off, or gone home from a machine left on.
    user: power::Power,
    /// The scenario's maintenance windows.
    windows: windows::Windows,
    /// The retries of failed scans.
    retries: scans::Retries,
    /// Each client's deadline activations (deadline randomization).
    activations: activation::Activations,
}

impl Ctx<'_> {
    /// Deployment `d`'s deadline randomization in ms: its own (an ADR's run: its rule's), or
    /// the `deadline_randomization` setting.
    fn spread(&self, d: &str) -> u64 {
        self.scenario
            .and_then(|s| s.deployments.iter().find(|x| x.id == d))
            .and_then(|x| x.deadline_randomization)
            .unwrap_or(self.settings.deadline_randomization)
            .0
            .ms()
    }

    /// The scenario's end, where its link schedules are laid out to (as the model's are).
    fn scenario_end(&self) -> crate::engine::SimTime {
        self.scenario
            .and_then(|s| s.end.resolve(self.calendar.as_ref()).ok())
            .unwrap_or(crate::engine::SimTime(self.end))
    }

    /// The scenario's point in time `w` in milliseconds since the start. Scenarios reach
    /// `verify` loaded, so every point resolves.
    fn ms(&self, w: &crate::scenario::When) -> u64 {
        w.resolve(self.calendar.as_ref()).map_or(0, |t| t.ms())
    }
}

/// Checks trace lines against the rules, with the parameter values of `scenario` (the
/// defaults without one). Outcomes: `TRACE` (the framing) first, then R01–R25, `WINDOWS`, `SCANS`, `MACHINES`,
/// `DISTRIBUTION`, `BOUNDARY`, `PHASES`, `ADR`, `REPORTING`, then `AGENT`
/// (one job at a time per client).
///
/// The rule checks read the lines in time order (ties in file order, which is the order the
/// engine processed them): the rules are about times, and a trace whose lines are out of
/// order is rejected by `TRACE` but still judged on its times, so an event moved earlier
/// (a child's sync before its parent's) breaks its rule too.
pub fn verify(lines: &[Line], scenario: Option<&Scenario>) -> VerifyReport {
    let original = scenario;
    let end = lines
        .iter()
        .find(|l| l.kind == "run_end")
        .and_then(|l| l.end)
        .unwrap_or_else(|| lines.iter().map(|l| l.t).max().unwrap_or(0));
    // Each phase of a phased deployment, and each run of an automatic deployment rule, is a
    // deployment of its own for every check.
    let expanded = scenario.map(|s| adr::expand(&phases::expand(s, lines, end), lines));
    let scenario = expanded.as_ref();
    let defaults = Settings::default();
    let settings = scenario.map_or(&defaults, |s| &s.settings);
    let framing = frame::check(lines, scenario);
    let timed: Cow<[Line]> = if lines.is_sorted_by_key(|l| l.t) {
        Cow::Borrowed(lines)
    } else {
        let mut sorted = lines.to_vec();
        sorted.sort_by_key(|l| l.t);
        Cow::Owned(sorted)
    };
    let lines = &timed[..];
    let header = lines.iter().find(|l| l.kind == "trace_start");
    let filter = header.and_then(Line::filter);
    let mut cx = Ctx {
        settings,
        scenario,
        end,
        filter,
        calendar: scenario.and_then(|s| crate::scenario::calendar(s).ok().flatten()),
        power: power::Power::of(lines),
        user: power::Power::users(lines),
        windows: windows::Windows::default(),
        retries: scans::Retries::default(),
        activations: activation::Activations::of(lines),
    };
    cx.windows = windows::Windows::of(lines, &cx);
    cx.retries = scans::Retries::of(lines, &cx);
    let mut outcomes = vec![
        framing,
        cascade::r01(lines, &cx),
        sync::r02(lines, &cx),
        sync::r03(lines),
        sync::r04(lines, &cx),
        sync::r05(lines, &cx),
        failure::r06(lines, &cx),
        sync::r07(lines),
        sync::r08(lines, &cx),
        policy::r09(lines, &cx),
        policy::r10(lines, &cx),
        compliance::r11(lines, &cx),
        compliance::r12(lines),
        compliance::r13(lines, &cx),
        compliance::r14(lines, &cx),
        database::r15(lines, &cx),
        deployment::r16(lines, &cx),
        deployment::r17(lines, &cx),
        deployment::r18(lines, &cx),
    ];
    outcomes.extend(retries::retries(lines, &cx));
    outcomes.push(notify::r22(lines, &cx));
    outcomes.push(notify::r23(lines, &cx));
    outcomes.push(notify::r24(lines, &cx));
    outcomes.push(install::r25(lines, &cx));
    outcomes.push(windows::check(lines, &cx));
    outcomes.push(scans::check(lines, &cx));
    outcomes.push(machines::check(lines, &cx));
    outcomes.push(content::check(lines, &cx));
    outcomes.push(boundary::check(lines, &cx));
    outcomes.push(phases::check(lines, &cx, original));
    outcomes.push(adr::check(lines, &cx));
    outcomes.push(reporting::check(lines, &cx));
    outcomes.push(agent::check(lines, &cx));
    // A trace filtered to some clients lacks the others' sends and scans: the checks that
    // add them up against the site databases cannot be judged.
    if let Some([a, b]) = filter {
        for o in outcomes
            .iter_mut()
            .filter(|o| matches!(o.id, "R13" | "R14" | "REPORTING"))
        {
            *o = Outcome::skipped(
                o.id,
                format!("the trace keeps clients {a}..{b} only (--trace-clients)"),
            );
        }
    }
    VerifyReport {
        outcomes,
        lines: lines.len(),
        scenario: scenario.map(|s| s.name.clone()),
    }
}

/// Reads the trace file at `path` and checks it, holding at most about `max_memory` bytes
/// of it.
pub fn verify_file(
    path: &Path,
    scenario: Option<&Scenario>,
    max_memory: u64,
) -> Result<VerifyReport, TraceError> {
    let file = crate::load::shown(path);
    let input = crate::load::open(path).map_err(|source| TraceError::Io {
        file: file.clone(),
        source,
    })?;
    let lines = trace::read(&file, input, max_memory)?;
    Ok(verify(&lines, scenario))
}

/// Reads trace text and checks it (for tests and examples).
pub fn verify_str(text: &str, scenario: Option<&Scenario>) -> Result<VerifyReport, TraceError> {
    Ok(verify(
        &trace::read("<trace>", text.as_bytes(), u64::MAX)?,
        scenario,
    ))
}
