//! The public event trace: one JSON object per line (docs/trace.md).
//!
//! Names are escaped once when the writer is made; each line is formatted into one reused
//! buffer, so writing the trace allocates nothing per event.
//!
//! This file holds the writer, its first and last lines and the pieces every line is built
//! from; the lines of each family of facts are formatted in a file of their own (`sync`,
//! `clients`, `deployments`, `states`), routed there by `write_fact`.

mod clients;
mod content;
mod deployments;
mod reporting;
mod states;
mod sync;

use crate::engine::{Observer, RunStats, SimTime};
use crate::model::Fact;
use crate::world::{DeploymentId, ServerId, SiteId, SupId, Upstream, World};
use std::io::{self, Write};
use std::ops::Range;

/// Writes facts as JSON Lines.
pub struct TraceWriter<W: Write> {
    out: W,
    buf: Vec<u8>,
    site: Vec<String>,
    sup: Vec<String>,
    upstream: Vec<String>,
    internet: Vec<bool>,
    sup_site: Vec<SiteId>,
    mp: Vec<String>,
    group: Vec<String>,
    update: Vec<String>,
    deployment: Vec<String>,
    deployment_site: Vec<SiteId>,
    /// Per deployment: its deadline is each client's wall-clock time.
    deployment_local: Vec<bool>,
    /// Automatic deployment rule names (JSON strings).
    rule: Vec<String>,
    dp: Vec<String>,
    /// Boundary group names, and each site's default group name (JSON strings).
    boundary: Vec<String>,
    site_default: Vec<String>,
    /// Per maintenance window, its fields as the trace writes them.
    window: Vec<String>,
    /// Only events of these clients are written (all when `None`).
    clients: Option<Range<u64>>,
    /// Lines written so far, `trace_start` included; `run_end` states it so that a reader can
    /// tell a complete trace from a cut one.
    lines: u64,
    error: Option<io::Error>,
}

impl<W: Write> TraceWriter<W> {
    /// A writer for `world`'s facts into `out`, keeping client events of `clients` only.
    pub fn new(world: &World, out: W, clients: Option<Range<u64>>) -> Self {
        let upstream = world
            .sups
            .iter()
            .map(|s| match s.upstream {
                Upstream::MicrosoftUpdate => json_str("microsoft_update"),
                Upstream::Sup(u) => json_str(&world.sups[u.index()].name),
            })
            .collect();
        let mut w = TraceWriter {
            out,
            buf: Vec::with_capacity(256),
            site: world.sites.iter().map(|s| json_str(&s.code)).collect(),
            sup: world.sups.iter().map(|s| json_str(&s.name)).collect(),
            upstream,
            internet: world.sups.iter().map(|s| s.internet).collect(),
            sup_site: world.sups.iter().map(|s| s.site).collect(),
            mp: world.mps.iter().map(|s| json_str(&s.name)).collect(),
            group: world.groups.iter().map(|g| json_str(&g.name)).collect(),
            update: world.updates.iter().map(|u| json_str(&u.id)).collect(),
            deployment: world.deployments.iter().map(|d| json_str(&d.id)).collect(),
            deployment_site: world.deployments.iter().map(|d| d.site).collect(),
            deployment_local: world.deployments.iter().map(|d| d.client_local).collect(),
            rule: world.adrs.iter().map(|r| json_str(&r.name)).collect(),
            dp: world.dps.iter().map(|s| json_str(&s.name)).collect(),
            boundary: world
                .boundary_groups
                .iter()
                .map(|b| json_str(&b.name))
                .collect(),
            site_default: world
                .sites
                .iter()
                .map(|s| json_str(&crate::world::site_default_name(&s.code)))
                .collect(),
            window: world
                .windows
                .defs
                .iter()
                .map(|w| {
                    format!(
                        r#","group":{},"window":{},"applies_to":"{}""#,
                        json_str(&world.groups[w.group.index()].name),
                        json_str(&w.name),
                        w.applies_to.name()
                    )
                })
                .collect(),
            clients,
            lines: 0,
            error: None,
        };
        w.start(world);
        w
    }

    /// The first line: what produced the trace, and whether client events were filtered, so
    /// that a reader (and `cmsim verify`) knows what is missing.
    fn start(&mut self, world: &World) {
        self.head(SimTime::ZERO, "trace_start");
        let _ = write!(
            self.buf,
            r#","format":1,"version":"{}","scenario":{},"seed":{}"#,
            env!("CARGO_PKG_VERSION"),
            json_str(&world.name),
            world.seed
        );
        self.num("clients", world.clients());
        match &self.clients {
            Some(r) => {
                let _ = write!(self.buf, r#","trace_clients":[{},{}]"#, r.start, r.end);
            }
            None => self.raw("trace_clients", "null"),
        }
        if let Some(c) = &world.calendar {
            let _ = write!(
                self.buf,
                r#","start":"{}","time_zone":{}"#,
                c.iso(SimTime::ZERO),
                json_str(&c.zone_name())
            );
        }
        self.buf.extend_from_slice(br#","groups":["#);
        for (i, g) in world.groups.iter().enumerate() {
            let _ = write!(
                self.buf,
                r#"{}{{"name":{},"first":{},"count":{},"time_zone":{}}}"#,
                if i == 0 { "" } else { "," },
                json_str(&g.name),
                g.first.0,
                g.count,
                json_str(g.zone.iana_name().unwrap_or("UTC"))
            );
        }
        self.buf.extend_from_slice(b"]}\n");
        self.lines += 1;
        if let Err(e) = self.out.write_all(&self.buf) {
            self.error = Some(e);
        }
    }

    /// Writes the closing `run_end` line, flushes, and reports the first write error.
    pub fn finish(mut self, stats: &RunStats) -> io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        writeln!(
            self.out,
            r#"{{"t":{},"kind":"run_end","end":{},"events":{},"lines":{}}}"#,
            stats.end.ms(),
            stats.end.ms(),
            stats.events,
            self.lines
        )?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// Whether `fact` passes the `--trace-clients` filter: facts about no client always do.
    fn keeps(&self, fact: &Fact) -> bool {
        match (fact.client(), &self.clients) {
            (Some(c), Some(range)) => range.contains(&u64::from(c.0)),
            _ => true,
        }
    }

    fn head(&mut self, t: SimTime, kind: &str) {
        self.buf.clear();
        let _ = write!(self.buf, r#"{{"t":{},"kind":"{kind}""#, t.ms());
    }

    fn raw(&mut self, key: &str, json: &str) {
        let _ = write!(self.buf, r#","{key}":{json}"#);
    }

    fn num(&mut self, key: &str, v: u64) {
        let _ = write!(self.buf, r#","{key}":{v}"#);
    }

    fn deployment(&mut self, d: DeploymentId) {
        let _ = write!(self.buf, r#","deployment":{}"#, self.deployment[d.index()]);
    }

    /// A set of deployments (a bit each) as a list of ids.
    fn deployments(&mut self, mask: u32) {
        self.buf.extend_from_slice(br#","deployments":["#);
        for (k, d) in (0..self.deployment.len())
            .filter(|d| mask & 1 << d != 0)
            .enumerate()
        {
            if k > 0 {
                self.buf.push(b',');
            }
            self.buf.extend_from_slice(self.deployment[d].as_bytes());
        }
        self.buf.push(b']');
    }

    fn dp(&mut self, dp: ServerId) {
        let _ = write!(self.buf, r#","dp":{}"#, self.dp[dp.index()]);
    }

    fn site(&mut self, site: SiteId) {
        let _ = write!(self.buf, r#","site":{}"#, self.site[site.index()]);
    }

    fn sup(&mut self, sup: SupId) {
        let _ = write!(
            self.buf,
            r#","site":{},"sup":{}"#,
            self.site[self.sup_site[sup.index()].index()],
            self.sup[sup.index()]
        );
    }

    /// Formats `fact` into the buffer — each family of facts in a file of its own — and writes
    /// the line.
    fn write_fact(&mut self, t: SimTime, fact: &Fact) -> io::Result<()> {
        match fact {
            Fact::SyncStart { .. }
            | Fact::WsusSyncDone { .. }
            | Fact::SiteDbUpdated { .. }
            | Fact::StatusMessage { .. }
            | Fact::SyncRetryScheduled { .. }
            | Fact::SyncRequest { .. }
            | Fact::UpdatesExpired { .. }
            | Fact::UpdatesReactivated { .. }
            | Fact::ItmuCatalogRefreshed { .. } => self.format_sync(t, fact),
            Fact::PolicyCreated { .. }
            | Fact::PolicyReceived { .. }
            | Fact::ScanScheduled { .. }
            | Fact::ScanStart { .. }
            | Fact::ScanFailed { .. }
            | Fact::SupSwitched { .. }
            | Fact::ScanDone { .. }
            | Fact::DownloadStart { .. }
            | Fact::DownloadDone { .. }
            | Fact::LocationFailed { .. }
            | Fact::DpConnectFailed { .. }
            | Fact::DownloadGaveUp { .. }
            | Fact::Notification { .. }
            | Fact::DeadlineActivation { .. }
            | Fact::UserInstall { .. }
            | Fact::InstallStart { .. }
            | Fact::InstallDone { .. }
            | Fact::RestartPending { .. }
            | Fact::RestartWarning { .. }
            | Fact::Restart { .. }
            | Fact::ClientOffline { .. }
            | Fact::ClientOnline { .. }
            | Fact::UserAway { .. }
            | Fact::UserBack { .. } => self.format_client(t, fact),
            Fact::ContentTransferStart { .. }
            | Fact::ContentTransferDone { .. }
            | Fact::ContentFallback { .. }
            | Fact::PeerDownloadStart { .. }
            | Fact::PeerDownloadDone { .. } => self.format_content(t, fact),
            Fact::DeploymentRejected { .. }
            | Fact::DeploymentCreated { .. }
            | Fact::PhaseStarted { .. }
            | Fact::AdrDeploymentCreated { .. }
            | Fact::ContentOnDp { .. }
            | Fact::DeadlineChanged { .. }
            | Fact::TargetedMachines { .. }
            | Fact::WindowOpen { .. }
            | Fact::WindowClose { .. } => self.format_deployment(t, fact),
            Fact::StateMessagesForwarded { .. }
            | Fact::MpBacklog { .. }
            | Fact::DbBacklog { .. }
            | Fact::StatesInserted { .. }
            | Fact::StatesReplicated { .. } => self.format_reporting(t, fact),
            Fact::StateMessagesSent { .. }
            | Fact::DbStateChanged { .. }
            | Fact::Applicability { .. }
            | Fact::RequiredReasons { .. }
            | Fact::TrueStates { .. }
            | Fact::StatesDiscarded { .. }
            | Fact::MachineCompliant { .. }
            | Fact::DbMachinesCompliant { .. }
            | Fact::MachineState { .. }
            | Fact::MachinesAtStart { .. } => self.format_state(t, fact),
            // A restart's completed installs are implied by its `restart` line.
            Fact::RestartCompleted { .. } => return Ok(()),
            // A rule's updates follow from the sync and its criteria (`cmsim verify`).
            Fact::AdrUpdate { .. } => return Ok(()),
        }
        self.buf.extend_from_slice(b"}\n");
        self.lines += 1;
        self.out.write_all(&self.buf)
    }
}

impl<W: Write> Observer<Fact> for TraceWriter<W> {
    fn observe(&mut self, t: SimTime, fact: &Fact) {
        if self.error.is_none()
            && self.keeps(fact)
            && let Err(e) = self.write_fact(t, fact)
        {
            self.error = Some(e);
        }
    }
}

/// `s` as a JSON string literal, quotes included.
pub fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}
