//! The framing of a trace (outcome `TRACE`, shown first): a trace is judged only when it is
//! whole. It opens with a `trace_start` header (what made it: format, cmsim version,
//! scenario, seed, clients, the `--trace-clients` filter) and closes with a `run_end` record
//! (end time, events processed, lines written before it). Without both, or with lines lost,
//! added or moved, a trace cut short by Ctrl-C or edited by hand would "hold" every rule
//! simply because the offending lines are missing (the empty, header-less and
//! truncated traces).
//!
//! Time never goes back: the rules are about *when* things happen (R04 "never before the
//! parent finished", every timer of R01–R25), and the checks read lines in time order, so a
//! line moved earlier in the file without its time, or its time without the line, shows here.

use super::Outcome;
use super::trace::Line;
use crate::scenario::Scenario;

/// The trace format this reader knows (`trace_start.format`).
const FORMAT: u64 = 1;

/// Checks header, footer, line count, time order and, given the scenario, that the trace is
/// the scenario's.
pub(super) fn check(lines: &[Line], scenario: Option<&Scenario>) -> Outcome {
    let mut o = Outcome::new("TRACE");
    o.checked = lines.len();
    let Some(first) = lines.first() else {
        o.violations
            .push("empty trace: no trace_start header and no run_end record".into());
        return o;
    };
    if first.kind == "trace_start" {
        header(first, scenario, &mut o);
    } else {
        o.fail(
            first,
            "the trace does not start with a trace_start header (scenario, seed, cmsim version)",
        );
    }
    let last = lines.last().expect("not empty");
    let end = match lines.iter().position(|l| l.kind == "run_end") {
        None => {
            o.fail(
                last,
                "no run_end record: the trace was cut short (or its end removed)",
            );
            None
        }
        Some(i) => {
            let l = &lines[i];
            for extra in &lines[i + 1..] {
                o.fail(extra, "a line after run_end");
            }
            footer(l, i, &mut o)
        }
    };
    let filter = first.filter().filter(|_| first.kind == "trace_start");
    let clients = first.clients.filter(|_| first.kind == "trace_start");
    let mut prev = 0;
    for (i, l) in lines.iter().enumerate() {
        if i > 0 && l.kind == "trace_start" {
            o.fail(l, "a second trace_start header: traces were joined");
        }
        if l.t < prev {
            o.fail(
                l,
                &format!("time goes back: {} ms after a line at {prev} ms", l.t),
            );
        }
        prev = prev.max(l.t);
        if let Some(end) = end
            && l.t > end
        {
            o.fail(l, &format!("after the end of the run ({end} ms)"));
        }
        if let Some(c) = l.client {
            if let Some(n) = clients
                && c >= n
            {
                o.fail(l, &format!("client {c}, but the run has {n} clients"));
            }
            if let Some([a, b]) = filter
                && !(a..b).contains(&c)
            {
                o.fail(
                    l,
                    &format!("client {c} in a trace that keeps clients {a}..{b} only"),
                );
            }
        }
    }
    o
}

/// The header carries every field; given a scenario, it names that scenario.
fn header(l: &Line, scenario: Option<&Scenario>, o: &mut Outcome) {
    let missing: Vec<&str> = [
        ("format", l.format.is_none()),
        ("version", l.version.is_none()),
        ("scenario", l.scenario.is_none()),
        ("seed", l.seed.is_none()),
        ("clients", l.clients.is_none()),
        ("trace_clients", l.trace_clients.is_none()),
    ]
    .iter()
    .filter(|f| f.1)
    .map(|f| f.0)
    .collect();
    if !missing.is_empty() {
        o.fail(l, &format!("trace_start lacks {}", missing.join(", ")));
    }
    if l.format.is_some_and(|f| f != FORMAT) {
        o.fail(
            l,
            &format!(
                "trace format {}; this verify reads format {FORMAT}",
                l.format.unwrap_or(0)
            ),
        );
    }
    if l.t != 0 {
        o.fail(l, "trace_start not at time 0");
    }
    if let (Some(s), Some(name)) = (scenario, &l.scenario)
        && &s.name != name
    {
        o.fail(
            l,
            &format!(
                "the trace is of scenario {name:?}, checked against {:?}",
                s.name
            ),
        );
    }
    let total: u64 = scenario.map_or(0, |s| s.clients.iter().map(|g| u64::from(g.count)).sum());
    if let (Some(_), Some(n)) = (scenario, l.clients)
        && n != total
    {
        o.fail(
            l,
            &format!("the trace has {n} clients, the scenario {total}"),
        );
    }
}

/// The footer carries its fields, sits at the end time and counts the lines before it;
/// returns the end time.
fn footer(l: &Line, index: usize, o: &mut Outcome) -> Option<u64> {
    let (Some(end), Some(_), Some(lines)) = (l.end, l.events, l.lines) else {
        o.fail(l, "run_end lacks end, events or lines");
        return l.end;
    };
    if lines != index as u64 {
        o.fail(
            l,
            &format!(
                "run_end counts {lines} lines before it, the trace has {index}: lines were lost or added"
            ),
        );
    }
    if l.t != end {
        o.fail(
            l,
            &format!("run_end at {} ms, but the run ended at {end} ms", l.t),
        );
    }
    Some(end)
}
