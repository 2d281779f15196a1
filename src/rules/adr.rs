//! `ADR`: automatic deployment rules on a trace (issue 12, item 7). Read from the scenario's
//! rules and catalog and the trace's sync lines, never from the model: after each
//! `site_db_updated` line of a site (the sync's last step; its 6702 follows at the same
//! instant), the sync brought the catalog's updates `updates − new .. updates` in release
//! order. Each rule of that site takes those matching its criteria — classification, title
//! containing its text (ignoring case; an update without a title is called by its id), not
//! superseded by an update the database holds unless it takes superseded ones, not expired
//! in the catalog at the run, and not superseded by a held update other than a service pack
//! after a full sync (that sync marks them expired, R03) — and makes its next deployment
//! `<rule>/<n>` at that instant if it took between 1 and 1,000 and has runs left. Its
//! `deployment_created` line carries the deadline `run + available_after + deadline_after`.
//! An update migrated from SMS 2003 may still be expired in the database (R07): the
//! deployment may leave it out.
//!
//! A rule on a schedule (`schedule: Recurring(...)` or `Every(...)`) runs instead at its
//! schedule's instants, placed on the scenario's calendar by the same recurrence code the
//! model and the maintenance windows use (`AdrSchedule::runs`): each run takes, with the
//! same criteria, the updates its site's database received since the rule's previous run
//! (the first: all it holds), as the `site_db_updated` lines before the run tell. Its
//! deployment must be made at such an instant and nowhere else ("off the schedule").
//!
//! The other checks see each run as the deployment it is: [`expand`] adds it to the scenario,
//! placed at its run, with the updates read here.

use super::trace::Line;
use super::{Ctx, Outcome};
use crate::scenario::{
    AdrSchedule, AdrSpec, DeploymentSpec, Dur, MAX_ADR_UPDATES, Scenario, UpdateSpec, When,
};
use std::collections::BTreeMap;

/// One rule's run, after one sync or at an instant of its schedule, as the trace should
/// show it.
struct Run<'a> {
    /// The rule, by index in the scenario.
    rule: usize,
    /// The sync's `site_db_updated` line, or for a scheduled run the first line at or after
    /// its instant (where a missing deployment is reported).
    at: &'a Line,
    /// Where the updates it looked at came from, for messages ("the sync brought" 3).
    source: &'static str,
    /// Updates the rule must take, and those it may leave out (migrated ones).
    must: Vec<&'a str>,
    may: Vec<&'a str>,
    /// Its `adr_deployment_created` line, if any.
    made: Option<&'a Line>,
}

/// The scenario's catalog in release order (the order site databases take it in) and what
/// a rule takes of it.
struct Catalog<'a> {
    updates: Vec<&'a UpdateSpec>,
    /// Milliseconds of the scenario's points in time.
    ms: Box<dyn Fn(&When) -> u64 + 'a>,
}

impl<'a> Catalog<'a> {
    fn of(s: &'a Scenario) -> Catalog<'a> {
        let cal = crate::scenario::calendar(s).ok().flatten();
        let ms = move |w: &When| w.resolve(cal.as_ref()).map_or(0, |t| t.ms());
        let mut updates: Vec<&UpdateSpec> = s.catalog.iter().collect();
        updates.sort_by_key(|u| ms(&u.released)); // stable, like the world's catalog
        Catalog {
            updates,
            ms: Box::new(ms),
        }
    }

    /// What rule `r` takes at `t` of the updates `from..to` of a database holding `..to`,
    /// whose full syncs (which mark superseded updates expired, R03) held at most `..full`:
    /// those it must take and, at a site upgraded from SMS 2003, migrated ones it may leave
    /// out (they may still be expired, R07).
    fn takes(
        &self,
        r: &AdrSpec,
        (from, to, full): (usize, usize, usize),
        t: u64,
        upgraded: bool,
    ) -> (Vec<&'a str>, Vec<&'a str>) {
        let held = &self.updates[..to.min(self.updates.len())];
        let (mut must, mut may) = (Vec::new(), Vec::new());
        for (k, u) in held.iter().enumerate().skip(from) {
            let title = if u.title.is_empty() { &u.id } else { &u.title };
            let expired = u.expired || u.expires_at.as_ref().is_some_and(|e| (self.ms)(e) <= t);
            let by: Vec<usize> = held
                .iter()
                .enumerate()
                .filter(|(_, v)| v.supersedes.contains(&u.id))
                .map(|(v, _)| v)
                .collect();
            let marked = by.iter().any(|&v| !held[v].service_pack && k.max(v) < full);
            if !r.matches(title, u.classification)
                || expired
                || (!r.superseded && !by.is_empty())
                || marked
            {
                continue;
            }
            if u.migrated && upgraded {
                may.push(u.id.as_str());
            } else {
                must.push(u.id.as_str());
            }
        }
        (must, may)
    }
}

/// A site database as the sync lines show it: the updates it holds, and the most it held at
/// a full sync.
#[derive(Clone, Copy, Default)]
struct Db {
    held: usize,
    full: usize,
}

/// The rules' runs of the trace, and the `adr_deployment_created` lines no run explains.
/// A scheduled run is judged where its `adr_deployment_created` line is, or, when it made
/// none, before every line at its instant (a sync finishing at that very instant is the
/// next run's).
fn read<'a>(s: &'a Scenario, lines: &'a [Line]) -> (Vec<Run<'a>>, Vec<&'a Line>) {
    let catalog = Catalog::of(s);
    let cal = crate::scenario::calendar(s).ok().flatten();
    let end = s.end.resolve(cal.as_ref()).unwrap_or_default();
    let top = s.sites.iter().find(|x| x.parent.is_none()).map(|x| &x.code);
    let site_of = |r: &AdrSpec| r.site.as_ref().or(top).map(|c| c.to_ascii_uppercase());
    let upgraded = |site: &str| {
        s.sites
            .iter()
            .any(|x| x.code.eq_ignore_ascii_case(site) && x.upgraded_from_sms2003)
    };
    let rules = &s.automatic_deployment_rules;
    let mut made: BTreeMap<(&str, u64), (usize, &Line)> = BTreeMap::new();
    for (k, l) in lines.iter().enumerate() {
        if l.kind == "adr_deployment_created" {
            made.insert((l.rule.as_deref().unwrap_or(""), l.t), (k, l));
        }
    }
    // Each scheduled run: (where in the lines it is judged, rule, instant).
    let mut scheduled = Vec::new();
    for (k, r) in rules.iter().enumerate() {
        for at in r.schedule.runs(cal.as_ref(), end).unwrap_or_default() {
            let at = at.ms();
            let place = match made.get(&(r.name.as_str(), at)) {
                Some(&(i, _)) => i,
                // The lines are in time order (`check` sorts them; a trace out of order is
                // TRACE's violation), and a rule may run 3,000 times.
                None => lines.partition_point(|l| l.t < at),
            };
            scheduled.push((place, k, at));
        }
    }
    scheduled.sort();
    let mut next = scheduled.iter().peekable();
    let mut dbs: BTreeMap<String, Db> = BTreeMap::new();
    let mut seen = vec![0usize; rules.len()];
    let mut full: BTreeMap<&str, bool> = BTreeMap::new();
    let mut runs = Vec::new();
    let last = lines.last();
    for i in 0..=lines.len() {
        while let Some(&&(_, k, at)) = next.peek().filter(|x| x.0 == i) {
            next.next();
            let (r, site) = (&rules[k], site_of(&rules[k]).unwrap_or_default());
            let db = dbs.get(&site).copied().unwrap_or_default();
            let window = (seen[k], db.held, db.full);
            seen[k] = db.held;
            let (must, may) = catalog.takes(r, window, at, upgraded(&site));
            let Some(anchor) = lines.get(i).or(last) else {
                continue;
            };
            runs.push(Run {
                rule: k,
                at: anchor,
                source: "since its previous run the site database received",
                must,
                may,
                made: made.remove(&(r.name.as_str(), at)).map(|(_, l)| l),
            });
        }
        let Some(l) = lines.get(i) else {
            break;
        };
        if l.kind == "sync_start" {
            full.insert(l.sup(), l.mode.as_deref() == Some("full"));
        }
        if l.kind != "site_db_updated" {
            continue;
        }
        let site = l.site.as_deref().unwrap_or("").to_ascii_uppercase();
        let to = l.updates.unwrap_or(0) as usize;
        let from = to.saturating_sub(l.new.unwrap_or(0) as usize);
        let was_full = full.get(l.sup()).copied().unwrap_or(false);
        let db = dbs.entry(site.clone()).or_default();
        db.held = to;
        if was_full {
            db.full = to;
        }
        let after_sync = rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.schedule == AdrSchedule::AfterSync);
        for (k, r) in after_sync {
            if site_of(r).as_deref() != Some(site.as_str()) {
                continue;
            }
            let window = (from, to, if was_full { to } else { 0 });
            let (must, may) = catalog.takes(r, window, l.t, upgraded(&site));
            runs.push(Run {
                rule: k,
                at: l,
                source: "the sync brought",
                must,
                may,
                made: made.remove(&(r.name.as_str(), l.t)).map(|(_, l)| l),
            });
        }
    }
    (runs, made.into_values().map(|(_, l)| l).collect())
}

/// `ADR`.
pub(super) fn check(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("ADR");
    let Some(s) = cx.scenario else {
        return o;
    };
    let (runs, strays) = read(s, lines);
    for l in strays {
        o.checked += 1;
        let rule = l.rule.as_deref().unwrap_or("");
        let scheduled = s
            .automatic_deployment_rules
            .iter()
            .find(|r| r.name == rule)
            .is_some_and(|r| r.schedule != AdrSchedule::AfterSync);
        if scheduled {
            o.fail(
                l,
                &format!("an ADR deployment off the schedule of rule {rule}: it runs at its schedule's instants only"),
            );
        } else {
            o.fail(
                l,
                "an ADR deployment without a successful sync of the rule's site at this instant",
            );
        }
    }
    let created: BTreeMap<&str, &Line> = lines
        .iter()
        .filter(|l| l.kind == "deployment_created")
        .map(|l| (l.deployment(), l))
        .collect();
    let mut made = vec![0u32; s.automatic_deployment_rules.len()];
    for run in &runs {
        let r = &s.automatic_deployment_rules[run.rule];
        let (lo, hi) = (run.must.len(), run.must.len() + run.may.len());
        let due = lo >= 1 && hi <= MAX_ADR_UPDATES && made[run.rule] < r.max_runs;
        o.checked += 1;
        let Some(l) = run.made else {
            if due {
                o.fail(
                    run.at,
                    &format!(
                        "{} {lo} updates rule {} takes, but it made no deployment",
                        run.source, r.name
                    ),
                );
            }
            continue;
        };
        made[run.rule] += 1;
        let n = l.updates.unwrap_or(0) as usize;
        let id = r.run_id(made[run.rule]);
        if made[run.rule] > r.max_runs {
            o.fail(
                l,
                &format!("rule {} has no runs left (max_runs {})", r.name, r.max_runs),
            );
        } else if l.deployment() != id {
            o.fail(l, &format!("expected the rule's next deployment, {id}"));
        }
        if n == 0 || n > MAX_ADR_UPDATES || n < lo || n > hi {
            o.fail(
                l,
                &format!(
                    "{n} updates, but {} {lo} that the rule takes ({} more it may leave out), \
                     and a deployment holds 1 to {MAX_ADR_UPDATES}",
                    run.source,
                    hi - lo
                ),
            );
        }
        let Some(c) = created.get(l.deployment()) else {
            continue;
        };
        let available = l.t.saturating_add(r.available_after.0.ms());
        let deadline = r.deadline_after.map(|x| available.saturating_add(x.0.ms()));
        if c.deadline != deadline {
            o.fail(
                c,
                &format!(
                    "deadline {:?}, but the rule ran at {} ms with available_after {} and \
                     deadline_after {:?}: expected {deadline:?}",
                    c.deadline, l.t, r.available_after, r.deadline_after
                ),
            );
        }
    }
    o
}

/// `s` with a deployment for each rule's run in the trace, placed at its run, holding the
/// updates read from the sync (the migrated ones it may leave out only if its count says so).
pub(super) fn expand(s: &Scenario, lines: &[Line]) -> Scenario {
    let mut out = s.clone();
    if s.automatic_deployment_rules.is_empty() {
        return out;
    }
    let at = |ms: u64| When::Offset(Dur(crate::engine::SimDuration(ms)));
    let (runs, _) = read(s, lines);
    for run in &runs {
        let Some(l) = run.made else {
            continue;
        };
        let r = &s.automatic_deployment_rules[run.rule];
        let mut updates: Vec<String> = run.must.iter().map(|u| u.to_string()).collect();
        if l.updates == Some((run.must.len() + run.may.len()) as u64) {
            updates.extend(run.may.iter().map(|u| u.to_string()));
        }
        let available = l.t.saturating_add(r.available_after.0.ms());
        out.deployments.push(DeploymentSpec {
            id: l.deployment().to_string(),
            updates,
            target: r.target.clone(),
            phases: Vec::new(),
            site: r.site.clone(),
            created: at(l.t),
            available: Some(at(available)),
            deadline: r
                .deadline_after
                .map(|x| at(available.saturating_add(x.0.ms()))),
            time_based_on: crate::scenario::TimeBase::Utc,
            install_outside_windows: r.install_outside_windows,
            restart_outside_windows: r.restart_outside_windows,
            distribution_points: r.distribution_points.clone(),
            deadline_randomization: Some(r.deadline_randomization),
        });
    }
    out
}
