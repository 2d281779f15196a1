//! R06: failed syncs. A failed attempt emits 6703 and is retried from the start
//! `sync_retry_interval` later. It fails because a server it needs is down (the scenario's
//! faults: Microsoft Update or the upstream SUP's WSUS for the WSUS cycle, or its own WSUS),
//! found `sync_failure_timeout` after the outage began or the attempt started, whichever is
//! later; or at random (`sync_failure_probability`) somewhere in its WSUS cycle. An attempt
//! whose WSUS cycle overlaps an outage of what it needs cannot succeed.

use super::cascade::attempts;
use super::trace::Line;
use super::{Ctx, Outcome};
use crate::scenario::{Fault, Scenario};

/// The outages an attempt of `sup` (syncing from `upstream`) depends on, as (from, to, cause).
fn outages<'a>(
    cx: &'a Ctx,
    s: &'a Scenario,
    sup: &'a str,
    upstream: &'a str,
) -> impl Iterator<Item = (u64, u64, &'static str)> + 'a {
    s.faults.iter().filter_map(move |f| match f {
        Fault::UpstreamUnavailable { from, to } if upstream == "microsoft_update" => {
            Some((cx.ms(from), cx.ms(to), "upstream_unavailable"))
        }
        Fault::WsusUnavailable { server, from, to } if server == upstream => {
            Some((cx.ms(from), cx.ms(to), "upstream_unavailable"))
        }
        Fault::WsusUnavailable { server, from, to } if server == sup => {
            Some((cx.ms(from), cx.ms(to), "wsus_unavailable"))
        }
        _ => None,
    })
}

/// R06: retries at `sync_retry_interval`, failures at their outage plus
/// `sync_failure_timeout`, none through an outage.
pub(super) fn r06(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R06");
    let set = cx.settings;
    let interval = set.sync_retry_interval.0.ms();
    let timeout = set.sync_failure_timeout.0.ms();
    for (i, l) in lines.iter().enumerate() {
        if !(l.kind == "status_message" && l.id == Some(6703)) {
            continue;
        }
        o.checked += 1;
        let rest = &lines[i + 1..];
        let retry = rest
            .iter()
            .take_while(|m| m.t == l.t)
            .find(|m| m.kind == "sync_retry_scheduled" && m.sup() == l.sup());
        let Some(at) = retry.and_then(|m| m.at) else {
            o.fail(l, "6703 without a sync_retry_scheduled");
            continue;
        };
        if at != l.t + interval {
            o.fail(
                l,
                &format!(
                    "retry scheduled {} ms after the failure, expected {interval}",
                    at as i128 - l.t as i128
                ),
            );
        }
        match rest
            .iter()
            .find(|m| m.kind == "sync_start" && m.sup() == l.sup())
        {
            Some(next) if next.t != at || next.trigger.as_deref() != Some("retry") => o.fail(
                next,
                &format!(
                    "the next sync after the 6703 at line {} must be the retry at {at} ms",
                    l.line
                ),
            ),
            None if at <= cx.end => o.fail(l, "the retry never started"),
            _ => {}
        }
    }
    for (sup, list) in &attempts(lines) {
        for a in list {
            let start = a.start.t;
            let up = a.start.upstream.as_deref().unwrap_or("");
            let base = if a.start.mode.as_deref() == Some("full") {
                set.wsus_sync_full_base
            } else {
                set.wsus_sync_delta_base
            };
            let cycle = (base.0
                + set
                    .wsus_sync_per_update
                    .0
                    .times(a.start.updates.unwrap_or(0)))
            .ms();
            // Each outage that makes this attempt fail: when it is found, and why.
            let found: Vec<(u64, &str)> = cx.scenario.map_or_else(Vec::new, |s| {
                outages(cx, s, sup, up)
                    .filter(|&(from, to, _)| to > start && (from <= start || from < start + cycle))
                    .map(|(from, _, cause)| (from.max(start) + timeout, cause))
                    .collect()
            });
            let first = found.iter().map(|f| f.0).min();
            let Some(end) = a.end else { continue };
            match (end.id, end.reason.as_deref()) {
                (Some(6702), _) => {
                    if let Some(at) = first {
                        o.fail(
                            end,
                            &format!("the sync succeeded though a server it needs was down (it fails at {at} ms)"),
                        );
                    }
                }
                (Some(6703), Some("random")) => {
                    o.checked += 1;
                    if set.sync_failure_probability <= 0.0 {
                        o.fail(
                            end,
                            "a random sync failure, but sync_failure_probability is 0",
                        );
                    }
                    if end.t >= start + cycle || first.is_some_and(|at| end.t >= at) {
                        o.fail(end, "a random failure must come within the WSUS cycle, before any outage is found");
                    }
                }
                (Some(6703), cause) => {
                    o.checked += 1;
                    let explained = found
                        .iter()
                        .any(|&(at, why)| Some(at) == first && at == end.t && cause == Some(why));
                    match (first, cx.scenario) {
                        (Some(at), _) if !explained => o.fail(
                            end,
                            &format!("the sync fails at {at} ms, sync_failure_timeout after the outage began or the attempt started, with that outage's cause"),
                        ),
                        (None, Some(_)) => o.fail(end, "a sync failed while every server it needs was up"),
                        (None, None) if end.t < start + timeout => o.fail(
                            end,
                            &format!("a server outage is found only after sync_failure_timeout ({timeout} ms)"),
                        ),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
    o
}
