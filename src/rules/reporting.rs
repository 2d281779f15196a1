//! REPORTING (R13, R15): the reporting path's servers, recomputed from the trace. A
//! management point takes in each bulk send at `mp_state_rate` per second, first come first
//! served, and forwards what it has processed `mp_forward_delay` after the first message it
//! holds and again every delay (or when its next work is done) while messages wait; a site
//! database inserts each forwarded batch at `db_state_rate` in arrival order; a database
//! below another replicates the changes it recorded `replication_lag` after the first one it
//! holds, and the database above records exactly those. A secondary site has no database:
//! its MPs forward to the primary's above it. Every state change in a database comes from an
//! insert or a replication; nothing is inserted, replicated or reported early or late.

use super::trace::Line;
use super::{Ctx, Outcome};
use crate::scenario::{Scenario, SiteKind};
use std::collections::{BTreeMap, VecDeque};

/// Time to process `n` messages at `rate` per second, in ms (0: no limit).
fn service(n: u64, rate: u32) -> u64 {
    if rate == 0 {
        0
    } else {
        n.saturating_mul(1_000).div_ceil(u64::from(rate))
    }
}

/// The site whose database the MPs of `site` write to, per the scenario.
pub(super) fn database_of<'a>(s: &'a Scenario, site: &'a str) -> &'a str {
    super::nearest(s, site, |x| x.kind != SiteKind::Secondary).map_or(site, |x| x.code.as_str())
}

/// Where database `db`'s states replicate to, per the scenario.
pub(super) fn replicates_to<'a>(s: &'a Scenario, db: &str) -> Option<&'a str> {
    let parent = s.sites.iter().find(|x| x.code == db)?.parent.as_deref()?;
    Some(database_of(s, parent))
}

/// A FIFO server as the rule recomputes it.
#[derive(Default)]
struct Server {
    /// Work taken in: (done, messages).
    work: VecDeque<(u64, u64)>,
    free_at: u64,
    /// Its next event, if armed.
    next: Option<u64>,
    /// The minute of its last backlog report, plus one.
    reported: u64,
    /// A backlog report is due at this instant with this many queued.
    due: Option<(u64, u64)>,
}

impl Server {
    fn take(&mut self, t: u64, n: u64, rate: u32) -> u64 {
        let done = self.free_at.max(t).saturating_add(service(n, rate));
        self.free_at = done;
        self.work.push_back((done, n));
        done
    }
    fn done_by(&mut self, t: u64) -> u64 {
        let mut n = 0u64;
        while let Some(&(done, k)) = self.work.front() {
            if done > t {
                break;
            }
            n = n.saturating_add(k);
            self.work.pop_front();
        }
        n
    }
    fn queued(&self) -> u64 {
        self.work.iter().fold(0u64, |a, w| a.saturating_add(w.1))
    }
    /// The MP's forward at `at`: serves what is done by then and re-arms `delay` later (or
    /// when its next work is done) while work waits. Returns the messages served.
    fn forward(&mut self, at: u64, delay: u64) -> u64 {
        let n = self.done_by(at);
        self.next = self
            .work
            .front()
            .map(|&(d, _)| at.saturating_add(delay).max(d));
        self.after(at);
        n
    }
    /// A backlog report due before `t` that never came.
    fn missed(&mut self, who: &str, t: u64, o: &mut Outcome) {
        if let Some((d, _)) = self.due.filter(|&(d, _)| d < t) {
            o.violations
                .push(format!("{who}: no backlog report at {d} ms"));
            self.due = None;
        }
    }
    /// After serving at `t`: a report is due when work waits and none was made this minute.
    fn after(&mut self, t: u64) {
        if !self.work.is_empty() && self.reported < t / 60_000 + 1 {
            self.reported = t / 60_000 + 1;
            self.due = Some((t, self.queued()));
        }
    }
    fn report(&mut self, o: &mut Outcome, l: &Line, what: &str) {
        let queued = l.queued.unwrap_or(0);
        match self.due.take() {
            Some((t, q)) if t == l.t && q == queued => {}
            Some((t, q)) if t == l.t => {
                o.fail(l, &format!("{queued} messages waiting at the {what}; {q} were"))
            }
            _ => o.fail(
                l,
                &format!("a backlog report of the {what} that is not due (at most one a minute, after serving, while messages wait)"),
            ),
        }
    }
}

/// A state change: (group, update, from, to).
type Change = (String, String, String, String);

/// What a database recorded and has not replicated: change → clients.
#[derive(Default)]
struct Outbox {
    changes: BTreeMap<Change, u64>,
    due: Option<u64>,
}

/// The change lines an insert or a replication announced, still to come: its database, its
/// time, the messages left and, for a replication, the changes left.
struct Owed<'a> {
    site: &'a str,
    at: u64,
    left: u64,
    changes: Option<BTreeMap<Change, u64>>,
}

impl Owed<'_> {
    /// Takes change line `l`, if it is one of these.
    fn take(&mut self, o: &mut Outcome, l: &Line) -> bool {
        let change = matches!(
            l.kind.as_str(),
            "db_state_changed" | "state_messages_discarded"
        );
        if !change || l.t != self.at || l.site() != self.site || self.left == 0 {
            return false;
        }
        let n = l.count.unwrap_or(0);
        if n > self.left {
            o.fail(
                l,
                &format!("{n} state messages; only {} were announced", self.left),
            );
        }
        self.left = self.left.saturating_sub(n);
        let Some(changes) = &mut self.changes else {
            return true;
        };
        // A replication records what the database below recorded, change by change; what
        // the database above does not hold is discarded, update by update.
        let mut want = n;
        for (k, v) in changes.iter_mut() {
            let fits = match l.kind.as_str() {
                "db_state_changed" => {
                    (k.0.as_str(), k.2.as_str(), k.3.as_str())
                        == (
                            l.group.as_deref().unwrap_or(""),
                            l.from.as_deref().unwrap_or(""),
                            l.to.as_deref().unwrap_or(""),
                        )
                        && k.1 == l.update()
                }
                _ => k.1 == l.update(),
            };
            if fits {
                let k = want.min(*v);
                *v -= k;
                want -= k;
            }
        }
        if want > 0 {
            o.fail(
                l,
                "a replicated state change that the database below did not record",
            );
        }
        true
    }
}

/// REPORTING.
pub(super) fn check(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("REPORTING");
    let st = cx.settings;
    let (delay, lag) = (st.mp_forward_delay.0.ms(), st.replication_lag.0.ms());
    let mut mps: BTreeMap<&str, Server> = BTreeMap::new();
    let mut dbs: BTreeMap<&str, Server> = BTreeMap::new();
    let mut outboxes: BTreeMap<&str, Outbox> = BTreeMap::new();
    // Databases that replicate: per the scenario, else those the trace shows replicating.
    let seen: std::collections::BTreeSet<&str> = lines
        .iter()
        .filter(|x| x.kind == "state_messages_replicated")
        .map(|x| x.site())
        .collect();
    let replicating = |site: &str| match cx.scenario {
        Some(sc) => replicates_to(sc, site).is_some(),
        None => seen.contains(site),
    };
    let mut owed: Option<Owed> = None;
    let mut i = 0;
    while i <= lines.len() {
        let t = lines.get(i).map_or(cx.end.saturating_add(1), |l| l.t);
        // Events due before this line that left no line must have had nothing to show.
        for (mp, s) in mps.iter_mut() {
            while let Some(at) = s.next.filter(|&at| at < t) {
                s.missed(mp, t, &mut o);
                let n = s.forward(at, delay);
                if n > 0 && at <= cx.end {
                    o.violations.push(format!(
                        "{mp}: {n} processed state messages were due to be forwarded at {at} ms"
                    ));
                }
            }
            if t <= cx.end {
                s.missed(mp, t, &mut o);
            }
        }
        for (db, s) in dbs.iter_mut() {
            if let Some(&(done, n)) = s.work.front()
                && done < t
                && done <= cx.end
            {
                o.violations.push(format!(
                    "{db}: a batch of {n} state messages due in the database at {done} ms was not inserted"
                ));
                s.work.pop_front();
            }
            if t <= cx.end {
                s.missed(db, t, &mut o);
            }
        }
        for (db, out) in outboxes.iter_mut() {
            if let Some(due) = out.due.filter(|&d| d < t && d <= cx.end) {
                o.violations.push(format!(
                    "{db}: the state changes it held since {} ms were not replicated at {due} ms",
                    due - lag
                ));
                out.due = None;
                out.changes.clear();
            }
        }
        let Some(l) = lines.get(i) else { break };
        i += 1;
        // The state changes an insert or a replication announced follow it at once.
        let mut announced = false;
        if let Some(w) = &mut owed {
            announced = w.take(&mut o, l);
            if !announced {
                if w.left > 0 {
                    o.fail(
                        l,
                        &format!(
                            "{} announced state messages of {} missing before this line",
                            w.left, w.site
                        ),
                    );
                }
                owed = None;
            }
        }
        match l.kind.as_str() {
            "state_messages_sent" => {
                let mp = l.mp.as_deref().unwrap_or("");
                let s = mps.entry(mp).or_default();
                // A forward due now that left no line came before this send (it would
                // have forwarded what was processed).
                if s.next == Some(l.t) && !forwards_at(&lines[i..], mp, l.t) {
                    s.forward(l.t, delay);
                }
                s.take(l.t, l.count.unwrap_or(0), st.mp_state_rate);
                if s.next.is_none() {
                    s.next = Some(l.t.saturating_add(delay));
                }
            }
            "state_messages_forwarded" => {
                o.checked += 1;
                let mp = l.mp.as_deref().unwrap_or("");
                let database = l.database.as_deref().unwrap_or("");
                if let Some(sc) = cx.scenario {
                    let want = database_of(sc, l.site());
                    if database != want {
                        o.fail(l, &format!("forwarded to the database of {database}; the MPs of {} write to {want}'s", l.site()));
                    }
                }
                let s = mps.entry(mp).or_default();
                if s.next != Some(l.t) {
                    o.fail(
                        l,
                        &format!(
                            "a forward at {} ms; the MP's next was due at {:?} ms",
                            l.t, s.next
                        ),
                    );
                }
                let n = s.forward(l.t, delay);
                let count = l.count.unwrap_or(0);
                if n != count {
                    o.fail(
                        l,
                        &format!("forwarded {count} state messages; {n} were processed and held"),
                    );
                }
                dbs.entry(database)
                    .or_default()
                    .take(l.t, count, st.db_state_rate);
            }
            "mp_backlog" => {
                o.checked += 1;
                let s = mps.entry(l.mp.as_deref().unwrap_or("")).or_default();
                if s.due.is_none() && s.next == Some(l.t) {
                    // A forward that had nothing processed yet: the MP served nothing.
                    s.forward(l.t, delay);
                }
                s.report(&mut o, l, "MP");
            }
            "state_messages_inserted" => {
                o.checked += 1;
                let s = dbs.entry(l.site()).or_default();
                let count = l.count.unwrap_or(0);
                match s.work.pop_front() {
                    Some((done, n)) if done == l.t && n == count => {}
                    Some((done, n)) => {
                        o.fail(l, &format!("inserted {count} state messages; the next batch ({n}) was due at {done} ms"));
                    }
                    None => o.fail(
                        l,
                        &format!("inserted {count} state messages that were never forwarded"),
                    ),
                }
                if s.work.front().is_none_or(|&(d, _)| d != l.t) {
                    s.after(l.t);
                }
                owed = Some(Owed {
                    site: l.site(),
                    at: l.t,
                    left: count,
                    changes: None,
                });
            }
            "db_backlog" => {
                o.checked += 1;
                dbs.entry(l.site())
                    .or_default()
                    .report(&mut o, l, "database");
            }
            "state_messages_replicated" => {
                o.checked += 1;
                let from = l.site();
                let to = l.to_site.as_deref().unwrap_or("");
                if let Some(sc) = cx.scenario
                    && replicates_to(sc, from) != Some(to)
                {
                    o.fail(
                        l,
                        &format!(
                            "replicated to {to}; {from}'s database replicates to {:?}",
                            replicates_to(sc, from)
                        ),
                    );
                }
                let out = outboxes.entry(from).or_default();
                if out.due != Some(l.t) {
                    o.fail(
                        l,
                        &format!(
                            "a replication at {} ms; it was due at {:?} ms",
                            l.t, out.due
                        ),
                    );
                }
                let held = out.changes.values().fold(0u64, |a, &n| a.saturating_add(n));
                let count = l.count.unwrap_or(0);
                if held != count {
                    o.fail(l, &format!("replicated {count} state changes; it recorded {held} since its last replication"));
                }
                out.due = None;
                owed = Some(Owed {
                    site: to,
                    at: l.t,
                    left: count,
                    changes: Some(std::mem::take(&mut out.changes)),
                });
            }
            "db_state_changed" => {
                if let Some(sc) = cx.scenario
                    && sc
                        .sites
                        .iter()
                        .any(|x| x.code == l.site() && x.kind == SiteKind::Secondary)
                {
                    o.fail(
                        l,
                        "a state change in the database of a secondary site, which has none",
                    );
                }
                if replicating(l.site()) {
                    let out = outboxes.entry(l.site()).or_default();
                    let key = (
                        l.group.clone().unwrap_or_default(),
                        l.update().to_string(),
                        l.from.clone().unwrap_or_default(),
                        l.to.clone().unwrap_or_default(),
                    );
                    let n = out.changes.entry(key).or_default();
                    *n = n.saturating_add(l.count.unwrap_or(0));
                    if out.due.is_none() {
                        out.due = Some(l.t.saturating_add(lag));
                    }
                }
                if !announced {
                    o.fail(l, "a state change that no insert or replication announced");
                }
            }
            // Machines newly compliant replicate too, even with no state change beside them.
            "db_machines_compliant" if replicating(l.site()) => {
                let out = outboxes.entry(l.site()).or_default();
                if out.due.is_none() {
                    out.due = Some(l.t.saturating_add(lag));
                }
            }
            "state_messages_discarded" if !announced => {
                o.fail(
                    l,
                    "discarded state messages that no insert or replication announced",
                );
            }
            _ => {}
        }
    }
    o
}

/// Whether MP `mp` forwards or reports its backlog at `t` in `rest` (lines from here on).
fn forwards_at(rest: &[Line], mp: &str, t: u64) -> bool {
    rest.iter().take_while(|x| x.t == t).any(|x| {
        matches!(x.kind.as_str(), "state_messages_forwarded" | "mp_backlog")
            && x.mp.as_deref() == Some(mp)
    })
}
