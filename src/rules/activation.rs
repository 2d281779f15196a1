//! Deadline randomization on a trace (R25): with a deployment's randomization above 0 (its
//! own `deadline_randomization`, its rule's for an ADR's, else the setting) each
//! client acts on a deadline after an activation delay, and the trace names it in a
//! `deadline_activation` line written at the deadline. Checked here: such lines appear only
//! with randomization on, at the deadline they name, at most once per client, deployment and
//! deadline, with the delay `at − deadline` within `[0, deadline_randomization)`. R25 then
//! holds the client's deadline install to `at` instead of the deadline (`install.rs`).

use super::trace::Line;
use super::{Ctx, Outcome};
use std::collections::BTreeMap;

/// Each client's activation moments: (client, deployment, deadline) → when it acts.
#[derive(Default)]
pub(super) struct Activations(BTreeMap<(u64, String, u64), u64>);

impl Activations {
    /// The activations the trace names.
    pub(super) fn of(lines: &[Line]) -> Activations {
        let mut out = BTreeMap::new();
        for l in lines.iter().filter(|l| l.kind == "deadline_activation") {
            if let (Some(d), Some(at)) = (l.deadline, l.at) {
                out.entry((l.client(), l.deployment().to_string(), d))
                    .or_insert(at);
            }
        }
        Activations(out)
    }

    /// Whether the trace names client `c`'s activation of deployment `d`'s `deadline`.
    pub(super) fn has(&self, c: u64, d: &str, deadline: u64) -> bool {
        self.0.contains_key(&(c, d.to_string(), deadline))
    }

    /// When client `c` acts on deployment `d`'s deadline `deadline`: its activation, or the
    /// deadline itself.
    pub(super) fn at(&self, c: u64, d: &str, deadline: u64) -> u64 {
        self.0
            .get(&(c, d.to_string(), deadline))
            .copied()
            .unwrap_or(deadline)
    }
}

/// The `deadline_activation` lines themselves, into R25's outcome.
pub(super) fn check(lines: &[Line], cx: &Ctx, o: &mut Outcome) {
    let mut seen: BTreeMap<(u64, &str, u64), usize> = BTreeMap::new();
    for l in lines.iter().filter(|l| l.kind == "deadline_activation") {
        o.checked += 1;
        let spread = cx.spread(l.deployment());
        let (Some(d), Some(at)) = (l.deadline, l.at) else {
            o.fail(l, "a deadline activation without its deadline or moment");
            continue;
        };
        if spread == 0 {
            // The trace does not carry the settings: without the scenario these are the
            // defaults, where randomization is off.
            let hint = match cx.scenario {
                Some(_) => "",
                None => " (the default: pass the scenario that ran it with --scenario)",
            };
            o.fail(
                l,
                &format!("a deadline activation, but deadline_randomization is 0{hint}"),
            );
        } else if l.t != d || at < d || at - d >= spread {
            o.fail(
                l,
                &format!(
                    "activation at {at} ms for the deadline at {d} ms, written at {} ms: \
                     expected at the deadline, with a delay below deadline_randomization \
                     ({spread} ms)",
                    l.t
                ),
            );
        }
        if let Some(first) = seen.insert((l.client(), l.deployment(), d), l.line) {
            o.fail(
                l,
                &format!("a second activation of this deadline (first at line {first})"),
            );
        }
    }
}
