//! How long a download takes (R18's rates): a client downloads at `client_download_mbps`,
//! and a DP's `dp_bandwidth_mbps` is shared equally by the downloads running on it, so each
//! gets `min(client rate, bandwidth / running)` (processor sharing, as BITS on a busy DP).
//! Replaying every DP's downloads at those rates gives each download's bytes left at any
//! moment: it must be done when its `download_done` comes, and not long before.

use super::trace::Line;
use super::{Ctx, Outcome};
use std::collections::BTreeMap;

/// One running download.
struct Running<'a> {
    client: u64,
    left: f64,
    start: &'a Line,
}

/// One DP's running downloads and when they were last brought up to date.
#[derive(Default)]
struct Dp<'a> {
    running: Vec<Running<'a>>,
    updated: u64,
}

/// Checks every download's duration against the rates; adds to `o` (R18).
pub(super) fn check(lines: &[Line], cx: &Ctx, o: &mut Outcome) {
    let s = cx.settings;
    let per_ms = |mbps: f64| mbps * 1e6 / 8.0 / 1_000.0;
    let (client, dp_bw) = (per_ms(s.client_download_mbps), per_ms(s.dp_bandwidth_mbps));
    let rate = |n: usize| client.min(dp_bw / n.max(1) as f64);
    // Event times are whole milliseconds, rounded up: a download may end up to a millisecond
    // after its last byte.
    let slack = |r: f64| 2.0 * r + 2.0;
    let mut dps: BTreeMap<&str, Dp> = BTreeMap::new();
    for l in lines {
        if !matches!(l.kind.as_str(), "download_start" | "download_done") {
            continue;
        }
        let dp = dps.entry(l.dp.as_deref().unwrap_or("")).or_default();
        let r = rate(dp.running.len());
        let dt = l.t.saturating_sub(dp.updated) as f64;
        for d in &mut dp.running {
            d.left -= dt * r;
        }
        dp.updated = l.t;
        let c = l.client();
        if l.kind == "download_start" {
            let Some(bytes) = l.bytes else {
                o.fail(l, "download_start lacks its bytes");
                continue;
            };
            dp.running.push(Running {
                client: c,
                left: bytes as f64,
                start: l,
            });
            continue;
        }
        let Some(k) = dp.running.iter().position(|d| d.client == c) else {
            continue; // no download of this client runs on this DP: AGENT and R16 say so
        };
        let done = dp.running.swap_remove(k);
        o.checked += 1;
        if done.left > slack(r) {
            o.fail(
                l,
                &format!(
                    "{:.0} bytes of the download of line {} were still to come at these rates",
                    done.left, done.start.line
                ),
            );
        }
        if done.left < -slack(r) {
            o.fail(
                l,
                &format!(
                    "the download of line {} was done {:.0} ms earlier at these rates",
                    done.start.line,
                    -done.left / r
                ),
            );
        }
    }
}
