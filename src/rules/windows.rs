//! Maintenance windows, read from the scenario (its windows placed on its calendar) and the
//! trace's client groups (`trace_start`). `WINDOWS` checks that the trace's `window_open` and
//! `window_close` lines are exactly the scenario's openings; that on a machine with windows
//! every install starts inside a window with at least the update's maximum run time left,
//! unless a deployment of the update past the deadline the client holds allows installs
//! outside windows; and that every restart is where its `outside_window` says, and outside a
//! window only at a start-up or when a deployment past its deadline allows it. R25 uses
//! [`Windows::due`] for when a windowed client installs at its deadline.

use super::held::Held;
use super::power::Power;
use super::trace::Line;
use super::{Ctx, Outcome};
use crate::world::GroupId;
use std::collections::{BTreeMap, BTreeSet};

/// The scenario's windows and what the checks need to apply them.
#[derive(Default)]
pub(super) struct Windows {
    resolved: crate::world::Windows,
    /// Where each scenario group's clients are numbered.
    groups: super::groups::Groups,
    /// Per update id, its maximum run time in ms.
    max_run_time: BTreeMap<String, u64>,
    /// Per deployment id: (installs, restarts) allowed outside windows past the deadline.
    outside: BTreeMap<String, (bool, bool)>,
    /// Per deployment id, the scenario groups it targets (wholly or a share).
    targets: BTreeMap<String, Vec<usize>>,
    /// Per deployment id, its updates.
    updates: BTreeMap<String, Vec<String>>,
}

impl Windows {
    /// The windows of the scenario behind `lines`; none without a scenario or a calendar.
    pub(super) fn of(lines: &[Line], cx: &Ctx) -> Windows {
        let Some(s) = cx.scenario else {
            return Windows::default();
        };
        let groups = super::groups::Groups::of(s, lines);
        let zones: Vec<jiff::tz::TimeZone> = s
            .clients
            .iter()
            .map(|g| {
                g.time_zone
                    .as_deref()
                    .and_then(|z| crate::engine::calendar::zone(z).ok())
                    .or_else(|| cx.calendar.as_ref().map(|c| c.zone().clone()))
                    .unwrap_or(jiff::tz::TimeZone::UTC)
            })
            .collect();
        let specs: Vec<_> = s
            .clients
            .iter()
            .zip(&zones)
            .map(|(g, z)| (&g.maintenance_windows[..], z))
            .collect();
        let end = crate::engine::SimTime(cx.ms(&s.end));
        Windows {
            resolved: crate::world::Windows::resolve(&specs, cx.calendar.as_ref(), end),
            groups,
            max_run_time: s
                .catalog
                .iter()
                .map(|u| {
                    let m = u.max_run_time.unwrap_or(cx.settings.max_run_time);
                    (u.id.clone(), m.0.ms())
                })
                .collect(),
            outside: s
                .deployments
                .iter()
                .map(|d| {
                    let flags = (d.install_outside_windows, d.restart_outside_windows);
                    (d.id.clone(), flags)
                })
                .collect(),
            updates: s
                .deployments
                .iter()
                .map(|d| (d.id.clone(), d.updates.clone()))
                .collect(),
            targets: s
                .deployments
                .iter()
                .map(|d| {
                    let groups = d
                        .target
                        .iter()
                        .filter_map(|t| s.clients.iter().position(|g| g.name == t.group));
                    (d.id.clone(), groups.collect())
                })
                .collect(),
        }
    }

    /// The scenario group of client `c`.
    fn group(&self, c: u64) -> Option<usize> {
        self.groups.of_client(c)
    }

    /// The group of client `c` if windows restrict its updates.
    fn windowed(&self, c: u64) -> Option<GroupId> {
        let g = GroupId(self.group(c)? as u32);
        self.resolved.windowed(g).then_some(g)
    }

    fn mrt(&self, update: &str) -> u64 {
        self.max_run_time.get(update).copied().unwrap_or(0)
    }

    /// The first moment at or after `t` at which an install needing `need` ms may start in
    /// group `g`.
    fn next_fit(&self, g: GroupId, t: u64, need: u64) -> Option<u64> {
        let at = |ms: u64| crate::engine::SimTime(ms);
        if self.resolved.fits(g, at(t), need) {
            return Some(t);
        }
        self.resolved
            .openings
            .iter()
            .filter(|o| o.open.ms() > t && self.resolved.defs[o.window as usize].group == g)
            .map(|o| o.open.ms())
            .find(|&open| self.resolved.fits(g, at(open), need))
    }

    /// When client `c`, owing deployment `d`'s install since `t`, may start it: at once
    /// without windows (or with installs allowed outside them), else the first moment the
    /// machine is on inside a window that fits one of the deployment's updates it has not
    /// `installed`, or at which another deployment of that update lets it install outside
    /// windows (`outside`, [`Windows::outside_from`]). The trace does not say which of
    /// those the client needs, so this is a range: from the moment that fits the shortest
    /// to the one that fits the longest that ever fits; `None` when no window in the run
    /// fits any.
    pub(super) fn due(
        &self,
        power: &Power,
        (c, d, t): (u64, &str, u64),
        installed: impl Fn(&str) -> bool,
        outside: impl Fn(&str) -> Option<u64>,
    ) -> Option<(u64, u64)> {
        let at = power.resumed(c, t);
        let Some(g) = self.windowed(c) else {
            return Some((at, at));
        };
        if self.outside.get(d).is_some_and(|o| o.0) {
            return Some((at, at));
        }
        let fits = self.updates.get(d)?.iter().filter(|u| !installed(u));
        let fits: Vec<u64> = fits
            .filter_map(|u| {
                let fit = self.due_within(power, c, g, at, self.mrt(u));
                let free = outside(u).map(|from| power.resumed(c, from.max(at)));
                fit.into_iter().chain(free).min()
            })
            .collect();
        Some((*fits.iter().min()?, *fits.iter().max()?))
    }

    /// From when a deployment of `update` that targets client `c`'s group and allows
    /// installs outside windows lets it install anywhere: when the client acts on the
    /// deadline of it that it holds (`acts`, its activation with deadline randomization).
    pub(super) fn outside_from(
        &self,
        held: &Held,
        c: u64,
        update: &str,
        acts: impl Fn(&str, u64) -> u64,
    ) -> Option<u64> {
        let group = self.group(c)?;
        self.updates
            .iter()
            .filter(|(d, us)| {
                us.iter().any(|x| x == update)
                    && self.outside.get(*d).is_some_and(|o| o.0)
                    && self.targets.get(*d).is_some_and(|gs| gs.contains(&group))
            })
            .filter_map(|(d, _)| Some(acts(d, held.get(c, d).flatten()?)))
            .min()
    }

    /// The first moment from `at` that client `c` of group `g` is on inside a window with
    /// `need` ms left.
    fn due_within(&self, power: &Power, c: u64, g: GroupId, mut at: u64, need: u64) -> Option<u64> {
        loop {
            let fit = self.next_fit(g, at, need)?;
            let on = power.resumed(c, fit);
            if on == fit || on == u64::MAX {
                return Some(on);
            }
            at = on;
        }
    }

    /// Whether maintenance windows restrict client `c`'s updates.
    pub(super) fn restricts(&self, c: u64) -> bool {
        self.windowed(c).is_some()
    }

    /// Whether a deployment of `update` that targets client `c`'s group, and whose deadline
    /// the client holds as passed at `t`, allows restarts (`restart`) or installs outside
    /// windows.
    pub(super) fn allows(&self, held: &Held, c: u64, update: &str, t: u64, restart: bool) -> bool {
        let group = self.group(c);
        self.updates.iter().any(|(d, us)| {
            us.iter().any(|x| x == update)
                && self
                    .targets
                    .get(d)
                    .is_some_and(|gs| group.is_some_and(|g| gs.contains(&g)))
                && self
                    .outside
                    .get(d)
                    .is_some_and(|&(i, r)| if restart { r } else { i })
                && held.get(c, d).flatten().is_some_and(|at| at <= t)
        })
    }

    /// For a client `c` with windows, whose restart waiting for `waiting` was armed at `t`:
    /// `None` if it restarts as a machine without windows does (no windows, or a deployment
    /// allows it outside them and none is open); else when the window restarts it (at `t`
    /// inside a window, else the next opening; `u64::MAX` if none comes).
    pub(super) fn restart_due<'a>(
        &self,
        held: &Held,
        c: u64,
        waiting: impl IntoIterator<Item = &'a str>,
        t: u64,
    ) -> Option<u64> {
        let g = self.windowed(c)?;
        let inside = self
            .resolved
            .span_at(g, crate::engine::SimTime(t))
            .is_some();
        if !inside && self.restart_allowed(held, c, waiting, t) {
            return None;
        }
        Some(self.next_fit(g, t, 0).unwrap_or(u64::MAX))
    }

    /// Whether one of the updates `waiting` for client `c`'s restart is in a deployment
    /// whose deadline, passed at `t`, allows restarts outside windows.
    pub(super) fn restart_allowed<'a>(
        &self,
        held: &Held,
        c: u64,
        waiting: impl IntoIterator<Item = &'a str>,
        t: u64,
    ) -> bool {
        waiting
            .into_iter()
            .any(|u| self.allows(held, c, u, t, true))
    }

    /// Whether one of client `c`'s update windows opens at `t`.
    pub(super) fn opens_at(&self, c: u64, t: u64) -> bool {
        self.windowed(c).is_some_and(|g| {
            self.resolved.openings.iter().any(|o| {
                o.open.ms() == t && {
                    let def = &self.resolved.defs[o.window as usize];
                    def.group == g && def.for_updates
                }
            })
        })
    }
}

/// `WINDOWS` (without the scenario, no machine has windows).
pub(super) fn check(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("WINDOWS");
    let w = &cx.windows;
    openings(lines, cx, &mut o);
    let mut held = Held::default();
    // client → updates waiting for a restart
    let mut pending: BTreeMap<u64, BTreeSet<&str>> = BTreeMap::new();
    for l in lines {
        held.observe(l);
        let c = l.client();
        match l.kind.as_str() {
            "restart_pending" => {
                pending.entry(c).or_default().insert(l.update());
            }
            "install_start" => {
                let Some(g) = w.windowed(c) else { continue };
                o.checked += 1;
                let need = w.mrt(l.update());
                let t = crate::engine::SimTime(l.t);
                if !w.resolved.fits(g, t, need) && !w.allows(&held, c, l.update(), l.t, false) {
                    o.fail(
                        l,
                        &format!(
                            "an install outside the machine's maintenance windows, or with less \
                             than its maximum run time ({need} ms) left in the window"
                        ),
                    );
                }
            }
            "restart" => {
                let waiting = pending.remove(&c).unwrap_or_default();
                let inside = w
                    .windowed(c)
                    .is_none_or(|g| w.resolved.span_at(g, crate::engine::SimTime(l.t)).is_some());
                // Absent reads as false: a trace that says nothing claims no window was missed.
                if l.outside_window.unwrap_or(false) == inside {
                    o.fail(
                        l,
                        &format!(
                            "outside_window is {:?}; the restart is {}",
                            l.outside_window,
                            if inside {
                                "inside a window (or the machine has none)"
                            } else {
                                "outside every window"
                            }
                        ),
                    );
                }
                if inside {
                    continue;
                }
                o.checked += 1;
                let allowed = waiting.iter().any(|u| w.allows(&held, c, u, l.t, true));
                if !allowed && !cx.power.started_at(c, l.t) {
                    o.fail(
                        l,
                        "a restart outside the machine's windows, not at a start-up and not \
                         allowed by a deployment past its deadline",
                    );
                }
            }
            _ => {}
        }
    }
    o
}

/// The trace's window lines are exactly the scenario's openings and closings in the run.
fn openings(lines: &[Line], cx: &Ctx, o: &mut Outcome) {
    let w = &cx.windows;
    let mut expected: BTreeSet<(u64, &str, &str, &str, &str)> = BTreeSet::new();
    for op in &w.resolved.openings {
        let def = &w.resolved.defs[op.window as usize];
        let group = cx
            .scenario
            .map_or("", |s| s.clients[def.group.index()].name.as_str());
        let applies = def.applies_to.name();
        for (t, kind) in [
            (op.open.ms(), "window_open"),
            (op.close.ms(), "window_close"),
        ] {
            if t <= cx.end {
                expected.insert((t, kind, group, def.name.as_str(), applies));
            }
        }
    }
    for l in lines.iter().filter(|l| l.kind.starts_with("window_")) {
        o.checked += 1;
        let key = (
            l.t,
            l.kind.as_str(),
            l.group.as_deref().unwrap_or(""),
            l.window.as_deref().unwrap_or(""),
            l.applies_to.as_deref().unwrap_or(""),
        );
        if !expected.remove(&key) {
            o.fail(
                l,
                "not an opening or closing of the scenario's maintenance windows",
            );
        }
    }
    if let Some((t, kind, group, window, _)) = expected.into_iter().next() {
        o.violations.push(format!(
            "no {kind} line at {t} ms for window `{window}` of group `{group}`"
        ));
    }
}
