//! Who starts a sync, and when: the schedule and "Run Synchronization" (R01), a parent's sync
//! request (R04), the active SUP's 6702 for an Internet-based SUP (R05) and the retry after a
//! 6703 (R06). Each request must be answered, and each sync start must answer a request.
//!
//! A request reaching an idle SUP starts a sync at once. One reaching a busy SUP waits: the
//! SUP runs it when its running attempt finishes (at that attempt's 6702), or, if that
//! attempt fails or the SUP already waits for a retry, the request joins the retry. This is
//! how ConfigMgr's WSUS Synchronization Manager queues requests; the model does the same,
//! and an earlier reading of R05 here ("the IBSUP starts at the 6702, or it was busy")
//! rejected the model's correct trace of a busy IBSUP whose queued sync started at its own
//! 6702.

use super::trace::Line;
use super::{Ctx, Outcome};
use std::collections::BTreeMap;

/// One sync attempt of a SUP: its start, its status message (6702/6703) and retry time.
pub(super) struct Attempt<'a> {
    pub(super) start: &'a Line,
    pub(super) end: Option<&'a Line>,
    pub(super) retry_at: Option<u64>,
}

impl Attempt<'_> {
    fn trigger(&self) -> &str {
        self.start.trigger.as_deref().unwrap_or("")
    }
}

/// Each SUP's attempts in time order.
pub(super) fn attempts(lines: &[Line]) -> BTreeMap<&str, Vec<Attempt<'_>>> {
    let mut all: BTreeMap<&str, Vec<Attempt>> = BTreeMap::new();
    for l in lines {
        match l.kind.as_str() {
            "sync_start" => all.entry(l.sup()).or_default().push(Attempt {
                start: l,
                end: None,
                retry_at: None,
            }),
            "status_message" => {
                if let Some(a) = all.get_mut(l.sup()).and_then(|v| v.last_mut())
                    && a.end.is_none()
                {
                    a.end = Some(l);
                }
            }
            "sync_retry_scheduled" => {
                if let Some(a) = all.get_mut(l.sup()).and_then(|v| v.last_mut()) {
                    a.retry_at = l.at;
                }
            }
            _ => {}
        }
    }
    all
}

/// Where a SUP stands when a request reaches it at `r`.
enum At {
    /// An attempt starts at `r`: the request started it, or waits for its end.
    Starts,
    /// An attempt runs at `r` and ends with this status message (none: the trace ended).
    Running(Option<(u64, u64)>),
    /// The SUP waits for a retry: the request joins it.
    WaitingRetry,
    Idle,
}

fn state(list: &[Attempt], r: u64) -> At {
    if list.iter().any(|a| a.start.t == r) {
        return At::Starts;
    }
    let Some(a) = list.iter().rev().find(|a| a.start.t < r) else {
        return At::Idle;
    };
    match a.end {
        None => At::Running(None),
        Some(e) if e.t >= r => At::Running(Some((e.t, e.id.unwrap_or(0)))),
        Some(e) if e.id == Some(6703) && a.retry_at.is_some_and(|at| at >= r) => At::WaitingRetry,
        Some(_) => At::Idle,
    }
}

/// A request of kind `trigger` reaching `sup` at `r`.
struct Request<'a> {
    sup: &'a str,
    r: u64,
    trigger: &'static str,
    /// What sent it, for the message.
    why: String,
}

/// Checks that every request was answered and every start of kind `triggers` answers one.
fn answer(
    o: &mut Outcome,
    all: &BTreeMap<&str, Vec<Attempt>>,
    requests: &[Request],
    triggers: &[&str],
    end: u64,
) {
    let none = Vec::new();
    for q in requests.iter().filter(|q| q.r <= end) {
        o.checked += 1;
        let list = all.get(q.sup).unwrap_or(&none);
        let ok = match state(list, q.r) {
            At::Starts | At::WaitingRetry | At::Running(None) => true,
            At::Running(Some((_, 6703))) => true,
            At::Running(Some((e, _))) => list
                .iter()
                .any(|a| a.start.t == e && a.trigger() != "retry"),
            At::Idle => false,
        };
        if !ok {
            o.violations.push(format!(
                "{} at {} ms: {} did not sync (idle: at once; busy: when its attempt finished)",
                q.why, q.r, q.sup
            ));
        }
    }
    for (sup, list) in all {
        for (k, a) in list.iter().enumerate() {
            if !triggers.contains(&a.trigger()) {
                continue;
            }
            o.checked += 1;
            let t = a.start.t;
            // The attempt before it: a request that came while it ran waited for its 6702.
            let queued = k
                .checked_sub(1)
                .map(|p| &list[p])
                .filter(|p| p.end.is_some_and(|e| e.t == t && e.id == Some(6702)));
            let answers = |q: &&Request| {
                q.sup == *sup
                    && q.trigger == a.trigger()
                    && (q.r == t || queued.is_some_and(|p| (p.start.t..=t).contains(&q.r)))
            };
            if !requests.iter().any(|q| answers(&q)) {
                a.start_fail(o);
            }
        }
    }
}

impl Attempt<'_> {
    fn start_fail(&self, o: &mut Outcome) {
        let why = match self.trigger() {
            "schedule" => "a scheduled sync off the sync schedule",
            "manual" => "a manual sync without a Run Synchronization at that time",
            "parent" => {
                "a child sync not at its parent's sync request plus the request delay, nor queued behind its own running sync"
            }
            "active_sup" => {
                "an IBSUP sync neither at its active SUP's 6702 nor queued behind its own running sync"
            }
            _ => "a sync without a request",
        };
        o.fail(self.start, why);
    }
}

/// Schedule ticks checked at most (a weekly schedule for 1,900 years).
const MAX_TICKS: usize = 100_000;

/// The top site's SUP: from the scenario, else the one syncing from Microsoft Update.
fn top_sup<'a>(lines: &'a [Line], cx: &'a Ctx) -> Option<&'a str> {
    if let Some(s) = cx.scenario {
        return s
            .sites
            .iter()
            .find(|x| x.parent.is_none())
            .and_then(|x| x.sup.as_deref());
    }
    lines
        .iter()
        .find(|l| l.kind == "sync_start" && l.upstream.as_deref() == Some("microsoft_update"))
        .map(Line::sup)
}

/// R01: the schedule (`sync_schedule_first`, every `sync_schedule_interval`) and each Run
/// Synchronization of the scenario start a sync of the top SUP, at once or queued.
pub(super) fn r01(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R01");
    for l in lines.iter().filter(|l| l.kind == "sync_start") {
        if matches!(l.trigger.as_deref(), Some("schedule" | "manual"))
            && l.upstream.as_deref() != Some("microsoft_update")
        {
            o.fail(
                l,
                "scheduled and manual syncs run at the top site, from Microsoft Update",
            );
        }
    }
    let Some(top) = top_sup(lines, cx) else {
        return o;
    };
    let s = cx.settings;
    let mut requests = Vec::new();
    if s.scheduled_sync {
        let (first, every) = (
            s.sync_schedule_first.0.ms(),
            s.sync_schedule_interval.0.ms(),
        );
        let mut r = first;
        // At most MAX_TICKS ticks: a trace claiming a far end makes no endless schedule.
        while r <= cx.end && requests.len() < MAX_TICKS {
            requests.push(Request {
                sup: top,
                r,
                trigger: "schedule",
                why: "the sync schedule".into(),
            });
            if every == 0 {
                break;
            }
            r = r.saturating_add(every);
        }
    }
    let mut triggers = vec!["schedule"];
    if let Some(sc) = cx.scenario {
        triggers.push("manual");
        for a in &sc.actions {
            if let crate::scenario::Action::RunSync { at } = a {
                requests.push(Request {
                    sup: top,
                    r: cx.ms(at),
                    trigger: "manual",
                    why: "Run Synchronization".into(),
                });
            }
        }
    }
    answer(&mut o, &attempts(lines), &requests, &triggers, cx.end);
    o
}

/// R04 (timing): a sync request reaches the child `sync_request_delay` after its parent's
/// 6702 and starts it then, or when the child's running attempt ends.
pub(super) fn r04_requests(lines: &[Line], cx: &Ctx, o: &mut Outcome) {
    let delay = cx.settings.sync_request_delay.0.ms();
    let requests: Vec<Request> = lines
        .iter()
        .filter(|l| l.kind == "sync_request")
        .map(|l| Request {
            sup: l.to_sup.as_deref().unwrap_or(""),
            r: l.t + delay,
            trigger: "parent",
            why: format!("the sync request of line {}", l.line),
        })
        .collect();
    answer(o, &attempts(lines), &requests, &["parent"], cx.end);
}

/// R05 (timing): each 6702 of an active SUP asks its site's Internet-based SUPs to sync at
/// that moment; a busy IBSUP runs the request when its attempt ends, or joins its retry.
pub(super) fn r05_requests(lines: &[Line], cx: &Ctx, o: &mut Outcome) {
    // IBSUP → its upstream (its site's active SUP), from the trace and the scenario.
    let mut ibsups: BTreeMap<&str, &str> = BTreeMap::new();
    for l in lines.iter().filter(|l| l.kind == "sync_start") {
        if l.internet == Some(true) {
            ibsups.insert(l.sup(), l.upstream.as_deref().unwrap_or(""));
        }
    }
    for site in cx.scenario.map_or(&[][..], |s| &s.sites) {
        if let (Some(ib), Some(up)) = (&site.internet_sup, &site.sup) {
            ibsups.insert(ib.as_str(), up.as_str());
        }
    }
    let mut requests = Vec::new();
    for l in lines
        .iter()
        .filter(|l| l.kind == "status_message" && l.id == Some(6702))
    {
        for (&ib, _) in ibsups.iter().filter(|(_, up)| **up == l.sup()) {
            requests.push(Request {
                sup: ib,
                r: l.t,
                trigger: "active_sup",
                why: format!("the 6702 of line {}", l.line),
            });
        }
    }
    answer(o, &attempts(lines), &requests, &["active_sup"], cx.end);
}
