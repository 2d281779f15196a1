//! Hand-made traces for the `cmsim verify` tests (`tests/verify_*.rs`): a trace's framing,
//! builders for the lines that recur, and readers of the report. Times use the default
//! parameters unless a scenario says otherwise.
#![allow(dead_code)]

pub use cmsim::rules::{VerifyReport, verify_str};
pub use cmsim::scenario::Scenario;

pub const HEAD: &str = r#"{"t":0,"kind":"trace_start","format":1,"version":"0.1.0","scenario":"hand-made","seed":1,"clients":10,"trace_clients":null}"#;
pub const H: u64 = 3_600_000;
pub const SCAN: u64 = 158_000; // the default scan steps: 1 s + 5 s + 2 s + 30 s + 2 min
pub const INSTALL: u64 = 300_000;

pub fn t_of(line: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
    v["t"].as_u64().expect("a time")
}

// ---- Whole traces ----

/// A whole trace: the header, `body`, and run_end at `end`.
pub fn until<S: AsRef<str>>(end: u64, body: &[S]) -> String {
    let mut out = vec![HEAD.to_string()];
    out.extend(body.iter().map(|l| l.as_ref().to_string()));
    let n = out.len();
    out.push(format!(
        r#"{{"t":{end},"kind":"run_end","end":{end},"events":{n},"lines":{n}}}"#
    ));
    out.join("\n")
}

/// A whole trace ending at its last line.
pub fn whole<S: AsRef<str>>(body: &[S]) -> String {
    until(
        body.iter().map(|l| t_of(l.as_ref())).max().unwrap_or(0),
        body,
    )
}

/// Lines of several actors in time order (ties keep the order given).
pub fn merge(parts: Vec<Vec<String>>) -> Vec<String> {
    let mut all: Vec<String> = parts.into_iter().flatten().collect();
    all.sort_by_key(|l| t_of(l));
    all
}

/// A scenario named like the header, with 10 clients in group `g` at site CAS (SUP `A`,
/// management point MP, DPs DP and DP2), plus `more` fields.
pub fn scenario(more: &str) -> Scenario {
    let src = format!(
        r#"Scenario(name: "hand-made", end: "30d",
            sites: [(code: "CAS", kind: Primary, sup: "A", management_points: ["MP"],
                     distribution_points: ["DP", "DP2"])],
            clients: [(name: "g", site: "CAS", count: 10)], {more})"#
    );
    cmsim::load_str("hand-made.ron", &src)
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario
}

// ---- The report ----

pub fn check(trace: &str) -> VerifyReport {
    verify_str(trace, None).expect("trace parses")
}

pub fn with(trace: &str, s: &Scenario) -> VerifyReport {
    verify_str(trace, Some(s)).expect("trace parses")
}

pub fn outcome<'r>(r: &'r VerifyReport, id: &str) -> &'r cmsim::rules::Outcome {
    r.outcomes
        .iter()
        .find(|o| o.id == id)
        .expect("rule checked")
}

pub fn status(r: &VerifyReport, id: &str) -> &'static str {
    outcome(r, id).status()
}

pub fn count(r: &VerifyReport, id: &str) -> usize {
    outcome(r, id).violations.len()
}

/// The ids of the violated outcomes.
pub fn failing(r: &VerifyReport) -> Vec<&'static str> {
    r.outcomes
        .iter()
        .filter(|o| !o.violations.is_empty())
        .map(|o| o.id)
        .collect()
}

// ---- Lines ----

/// A trace line: its time, kind and the rest of its fields as JSON text.
pub fn line(t: u64, kind: &str, rest: &str) -> String {
    format!(r#"{{"t":{t},"kind":"{kind}",{rest}}}"#)
}

/// A SUP of the hand-made traces: its site, its name, where it syncs from, and whether it is
/// Internet-based (then its syncs have no site database step).
#[derive(Clone, Copy)]
pub struct Sup {
    pub site: &'static str,
    pub name: &'static str,
    pub upstream: &'static str,
    pub internet: bool,
}

/// The top SUP: `A` at site CAS, syncing from Microsoft Update.
pub const A: Sup = Sup {
    site: "CAS",
    name: "A",
    upstream: "microsoft_update",
    internet: false,
};

/// SUP `B` of the child site P01, syncing from `A`.
pub const B: Sup = Sup {
    site: "P01",
    name: "B",
    upstream: "A",
    internet: false,
};

/// The Internet-based SUP `IB` of site CAS, syncing from `A`.
pub const IB: Sup = Sup {
    site: "CAS",
    name: "IB",
    upstream: "A",
    internet: true,
};

impl Sup {
    /// `"site":…,"sup":…`, the fields that open each of its lines.
    fn at(self) -> String {
        format!(r#""site":"{}","sup":"{}""#, self.site, self.name)
    }

    /// A sync attempt starts, to move `updates` updates.
    pub fn start(self, t: u64, trigger: &str, mode: &str, attempt: u32, updates: u64) -> String {
        let (at, up, internet) = (self.at(), self.upstream, self.internet);
        line(
            t,
            "sync_start",
            &format!(
                r#"{at},"mode":"{mode}","upstream":"{up}","internet":{internet},"trigger":"{trigger}","attempt":{attempt},"updates":{updates}"#
            ),
        )
    }

    /// Its WSUS sync cycle ends holding `updates`.
    pub fn wsus_done(self, t: u64, updates: u64) -> String {
        line(
            t,
            "wsus_sync_done",
            &format!(r#"{},"updates":{updates}"#, self.at()),
        )
    }

    /// Its site database holds `updates`, `new` of them new.
    pub fn db_updated(self, t: u64, updates: u64, new: u64) -> String {
        line(
            t,
            "site_db_updated",
            &format!(r#"{},"updates":{updates},"new":{new}"#, self.at()),
        )
    }

    /// A status message without a reason (6702: the sync succeeded).
    pub fn message(self, t: u64, id: u64) -> String {
        line(t, "status_message", &format!(r#"{},"id":{id}"#, self.at()))
    }

    /// The 6703 of a failed sync, Microsoft Update being down.
    pub fn upstream_down(self, t: u64) -> String {
        line(
            t,
            "status_message",
            &format!(r#"{},"id":6703,"reason":"upstream_unavailable""#, self.at()),
        )
    }

    /// The retry of a failed sync is due `at`.
    pub fn retry_at(self, t: u64, at: u64) -> String {
        line(
            t,
            "sync_retry_scheduled",
            &format!(r#"{},"at":{at}"#, self.at()),
        )
    }

    /// Its site asks `child` to sync.
    pub fn request(self, t: u64, child: Sup) -> String {
        line(
            t,
            "sync_request",
            &format!(
                r#""site":"{}","to_site":"{}","to_sup":"{}""#,
                self.site, child.site, child.name
            ),
        )
    }

    /// A successful sync starting at `t`: the WSUS cycle moves `moved` updates and then holds
    /// `holds`, and so does the site database (none for an Internet-based SUP). Returns its
    /// lines and the time of its 6702.
    pub fn sync(
        self,
        t: u64,
        trigger: &str,
        mode: &str,
        moved: u64,
        holds: u64,
    ) -> (Vec<String>, u64) {
        let base = if mode == "full" { 1_200_000 } else { 180_000 };
        let w = t + base + 2_000 * moved;
        let mut out = vec![
            self.start(t, trigger, mode, 1, moved),
            self.wsus_done(w, holds),
        ];
        let mut end = w;
        if !self.internet {
            end = w + 120_000 + 500 * moved;
            out.push(self.db_updated(end, holds, moved));
        }
        out.push(self.message(end, 6702));
        (out, end)
    }
}

/// The top SUP `A`'s scheduled full sync at time 0 of one update.
pub fn top_sync() -> (Vec<String>, u64) {
    A.sync(0, "schedule", "full", 1, 1)
}

/// The top SUP's sync, its request to child SUP B (when `request`), and B's sync of `moved`
/// updates starting `delay` after the top SUP's 6702: the lines and the time of that 6702.
pub fn cascade_lines(request: bool, delay: u64, moved: u64) -> (Vec<String>, u64) {
    let (mut parent, done) = top_sync();
    if request {
        parent.push(A.request(done, B));
    }
    let (child, _) = B.sync(done + delay, "parent", "full", moved, moved);
    (merge(vec![parent, child]), done)
}

/// `updates_expired` at `site`.
pub fn expired(t: u64, site: &str, count: u64, reason: &str) -> String {
    line(
        t,
        "updates_expired",
        &format!(r#""site":"{site}","count":{count},"reason":"{reason}""#),
    )
}

/// Client `c` scans for `reason` from `t`, taking the default scan steps.
pub fn scan(c: u64, reason: &str, t: u64, changed: u64) -> Vec<String> {
    vec![
        scan_start(t, c, reason),
        scan_done(t + SCAN, c, changed, 1, reason),
    ]
}

pub fn scan_start(t: u64, c: u64, reason: &str) -> String {
    line(
        t,
        "scan_start",
        &format!(r#""client":{c},"reason":"{reason}""#),
    )
}

/// A scan for `reason` ends.
pub fn scan_done(t: u64, c: u64, changed: u64, listed: u64, reason: &str) -> String {
    line(
        t,
        "scan_done",
        &format!(r#""client":{c},"changed":{changed},"listed":{listed},"reason":"{reason}""#),
    )
}

/// A scan ends, its line naming no reason.
pub fn scanned(t: u64, c: u64, changed: u64, listed: u64) -> String {
    line(
        t,
        "scan_done",
        &format!(r#""client":{c},"changed":{changed},"listed":{listed}"#),
    )
}

/// The scan policy is published at `site`.
pub fn scan_policy(t: u64, site: &str) -> String {
    line(
        t,
        "policy_created",
        &format!(r#""site":"{site}","policy":"scan""#),
    )
}

/// The policy of deployment D is published at CAS.
pub fn deployment_policy(t: u64) -> String {
    line(
        t,
        "policy_created",
        r#""site":"CAS","policy":"deployment","deployment":"D""#,
    )
}

/// Client `c` receives a policy (`scan` or `deployment`).
pub fn received(t: u64, c: u64, policy: &str) -> String {
    line(
        t,
        "policy_received",
        &format!(r#""client":{c},"policy":"{policy}""#),
    )
}

/// Client `c`'s compliance scan is due `at`.
pub fn scan_scheduled(t: u64, c: u64, at: u64) -> String {
    line(t, "scan_scheduled", &format!(r#""client":{c},"at":{at}"#))
}

/// Client `c`'s compliance scan scheduled at `t` (by a policy received then or a tick of its
/// scan schedule), due 10 minutes later, and run then.
pub fn scheduled_scan(t: u64, c: u64) -> Vec<String> {
    let at = t + 600_000;
    let mut lines = vec![scan_scheduled(t, c, at)];
    lines.extend(scan(c, "compliance", at, 0));
    lines
}

/// Client `c` sends `count` state messages to MP.
pub fn sent(t: u64, c: u64, count: u64, scanned_at: u64) -> String {
    line(
        t,
        "state_messages_sent",
        &format!(r#""client":{c},"mp":"MP","count":{count},"scanned_at":{scanned_at}"#),
    )
}

/// MP of site LAB forwards `count` state messages to LAB's database.
pub fn forwarded(t: u64, count: u64) -> String {
    line(
        t,
        "state_messages_forwarded",
        &format!(r#""site":"LAB","mp":"MP","database":"LAB","count":{count}"#),
    )
}

/// LAB's database inserts a batch of `count` state messages: forwarded at `t`, done after
/// the default `db_state_rate` (200 a second). Returns the insert's time and its line.
pub fn inserted(t: u64, count: u64) -> (u64, String) {
    let at = t + (count * 1_000).div_ceil(200);
    (
        at,
        line(
            at,
            "state_messages_inserted",
            &format!(r#""site":"LAB","count":{count}"#),
        ),
    )
}

/// `count` clients of group `g` go from unknown to `to` for `update` in `site`'s database.
pub fn db_state(t: u64, site: &str, update: &str, to: &str, count: u64) -> String {
    line(
        t,
        "db_state_changed",
        &format!(
            r#""site":"{site}","group":"g","update":"{update}","from":"unknown","to":"{to}","count":{count}"#
        ),
    )
}

/// Deployment D is created at `site`: mandatory with a deadline, optional without.
pub fn deployment(t: u64, site: &str, deadline: Option<u64>) -> String {
    let (mandatory, deadline) = match deadline {
        Some(d) => (true, d.to_string()),
        None => (false, "null".to_string()),
    };
    line(
        t,
        "deployment_created",
        &format!(
            r#""deployment":"D","site":"{site}","mandatory":{mandatory},"deadline":{deadline}"#
        ),
    )
}

/// Deployment D is created at CAS at 0 and its policy published there.
pub fn published(deadline: Option<u64>) -> Vec<String> {
    vec![deployment(0, "CAS", deadline), deployment_policy(0)]
}

/// Deployment D's deadline moves to `deadline`.
pub fn deadline_changed(t: u64, deadline: u64) -> String {
    line(
        t,
        "deadline_changed",
        &format!(r#""deployment":"D","deadline":{deadline}"#),
    )
}

/// Deployment D's content reaches DP.
/// The copy of D to DP from site CAS starts (`bytes`, D's 25 MB in `DEPLOYMENT` scenarios).
pub fn copy_start(t: u64, bytes: u64) -> String {
    line(
        t,
        "content_transfer_start",
        &format!(r#""deployment":"D","dp":"DP","from":"CAS","bytes":{bytes}"#),
    )
}

/// The copy of D to DP ends; `content_on_dp` follows at the same moment.
pub fn copy_done(t: u64) -> String {
    line(
        t,
        "content_transfer_done",
        r#""deployment":"D","dp":"DP","from":"CAS""#,
    )
}

pub fn content_on_dp(t: u64) -> String {
    line(t, "content_on_dp", r#""deployment":"D","dp":"DP""#)
}

/// Client `c` starts downloading D's `bytes` from DP.
pub fn download_start(t: u64, c: u64, bytes: u64) -> String {
    line(
        t,
        "download_start",
        &format!(r#""client":{c},"dp":"DP","deployment":"D","deployments":["D"],"bytes":{bytes}"#),
    )
}

/// Client `c` has D's content from DP.
pub fn download_done(t: u64, c: u64) -> String {
    line(
        t,
        "download_done",
        &format!(r#""client":{c},"dp":"DP","deployment":"D","deployments":["D"]"#),
    )
}

pub fn install_start(t: u64, c: u64, update: &str) -> String {
    line(
        t,
        "install_start",
        &format!(r#""client":{c},"update":"{update}""#),
    )
}

pub fn install_done(t: u64, c: u64, update: &str, restart: bool) -> String {
    line(
        t,
        "install_done",
        &format!(r#""client":{c},"update":"{update}","restart":{restart}"#),
    )
}

/// Update `update` installed on client `c` waits for a restart.
pub fn restart_pending(t: u64, c: u64, update: &str) -> String {
    line(
        t,
        "restart_pending",
        &format!(r#""client":{c},"update":"{update}""#),
    )
}

pub fn restart(t: u64, c: u64) -> String {
    line(t, "restart", &format!(r#""client":{c}"#))
}

/// Client `c` is told deployment D is due in `left` ms.
pub fn notification(t: u64, c: u64, left: u64) -> String {
    line(
        t,
        "notification",
        &format!(r#""client":{c},"deployment":"D","deadline_in":{left}"#),
    )
}

/// Client `c`'s user installs from a dialog (`available` or `express`).
pub fn user_install(t: u64, c: u64, dialog: &str) -> String {
    line(
        t,
        "user_install",
        &format!(r#""client":{c},"dialog":"{dialog}""#),
    )
}
