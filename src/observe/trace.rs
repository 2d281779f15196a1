//! The public event trace: one JSON object per line (README: The event trace).
//!
//! Names are escaped once when the writer is made; each line is formatted into one reused
//! buffer, so writing the trace allocates nothing per event.

use crate::engine::{Observer, RunStats, SimTime};
use crate::model::{
    Dialog, ExpiryReason, Fact, FailCause, GiveUp, PolicyKind, Rejection, ScanReason, SyncMode,
    Trigger,
};
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
    dp: Vec<String>,
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
            dp: world.dps.iter().map(|s| json_str(&s.name)).collect(),
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

    fn write_fact(&mut self, t: SimTime, fact: &Fact) -> io::Result<()> {
        match *fact {
            Fact::SyncStart {
                sup,
                mode,
                trigger,
                attempt,
                updates,
            } => {
                self.head(t, "sync_start");
                self.sup(sup);
                self.raw("mode", mode_json(mode));
                let _ = write!(
                    self.buf,
                    r#","upstream":{},"internet":{}"#,
                    self.upstream[sup.index()],
                    self.internet[sup.index()]
                );
                self.raw("trigger", trigger_json(trigger));
                self.num("attempt", u64::from(attempt));
                self.num("updates", u64::from(updates));
            }
            Fact::WsusSyncDone { sup, updates } => {
                self.head(t, "wsus_sync_done");
                self.sup(sup);
                self.num("updates", u64::from(updates));
            }
            Fact::SiteDbUpdated { sup, updates, new } => {
                self.head(t, "site_db_updated");
                self.sup(sup);
                self.num("updates", u64::from(updates));
                self.num("new", u64::from(new));
            }
            Fact::StatusMessage { sup, id, cause } => {
                self.head(t, "status_message");
                self.sup(sup);
                self.num("id", u64::from(id));
                if let Some(c) = cause {
                    self.raw("reason", cause_json(c));
                }
            }
            Fact::SyncRetryScheduled { sup, at } => {
                self.head(t, "sync_retry_scheduled");
                self.sup(sup);
                self.num("at", at.ms());
            }
            Fact::SyncRequest { from, to } => {
                self.head(t, "sync_request");
                self.site(from);
                let _ = write!(
                    self.buf,
                    r#","to_site":{},"to_sup":{}"#,
                    self.site[self.sup_site[to.index()].index()],
                    self.sup[to.index()]
                );
            }
            Fact::UpdatesExpired {
                site,
                count,
                reason,
            } => {
                self.head(t, "updates_expired");
                self.site(site);
                self.num("count", u64::from(count));
                self.raw(
                    "reason",
                    match reason {
                        ExpiryReason::Catalog => r#""superseded_or_expired""#,
                        ExpiryReason::Migration => r#""sms2003_migration""#,
                    },
                );
            }
            Fact::UpdatesReactivated { site, count } => {
                self.head(t, "updates_reactivated");
                self.site(site);
                self.num("count", u64::from(count));
            }
            Fact::ItmuCatalogRefreshed { site, updates, new } => {
                self.head(t, "itmu_catalog_refreshed");
                self.site(site);
                self.num("updates", u64::from(updates));
                self.num("new", u64::from(new));
            }
            Fact::PolicyCreated {
                site,
                policy,
                deployment,
            } => {
                self.head(t, "policy_created");
                self.site(site);
                self.raw("policy", policy_json(policy));
                if let Some(d) = deployment {
                    self.deployment(d);
                }
            }
            Fact::PolicyReceived {
                client,
                policy,
                deployments,
            } => {
                self.head(t, "policy_received");
                self.num("client", u64::from(client.0));
                self.raw("policy", policy_json(policy));
                if policy == PolicyKind::Deployment {
                    self.deployments(deployments);
                }
            }
            Fact::ScanScheduled { client, at } => {
                self.head(t, "scan_scheduled");
                self.num("client", u64::from(client.0));
                self.num("at", at.ms());
            }
            Fact::ScanStart { client, reason } => {
                self.head(t, "scan_start");
                self.num("client", u64::from(client.0));
                self.raw("reason", reason_json(reason));
            }
            Fact::ScanDone {
                client,
                changed,
                listed,
                reason,
            } => {
                self.head(t, "scan_done");
                self.num("client", u64::from(client.0));
                self.num("changed", u64::from(changed));
                self.num("listed", u64::from(listed));
                self.raw("reason", reason_json(reason));
            }
            Fact::StateMessagesSent {
                client,
                mp,
                count,
                scanned_at,
            } => {
                self.head(t, "state_messages_sent");
                self.num("client", u64::from(client.0));
                let _ = write!(self.buf, r#","mp":{}"#, self.mp[mp.index()]);
                self.num("count", u64::from(count));
                self.num("scanned_at", scanned_at.ms());
            }
            Fact::StateMessagesForwarded { site, mp, count } => {
                self.head(t, "state_messages_forwarded");
                self.site(site);
                let _ = write!(self.buf, r#","mp":{}"#, self.mp[mp.index()]);
                self.num("count", u64::from(count));
            }
            Fact::DbStateChanged {
                site,
                group,
                update,
                from,
                to,
                count,
            } => {
                self.head(t, "db_state_changed");
                self.site(site);
                let _ = write!(
                    self.buf,
                    r#","group":{},"update":{},"from":"{}","to":"{}""#,
                    self.group[group.index()],
                    self.update[update.index()],
                    from.name(),
                    to.name()
                );
                self.num("count", u64::from(count));
            }
            Fact::Applicability {
                group,
                update,
                required,
                not_required,
                installed,
            } => {
                self.head(t, "applicability");
                let _ = write!(
                    self.buf,
                    r#","group":{},"update":{}"#,
                    self.group[group.index()],
                    self.update[update.index()]
                );
                self.num("required", u64::from(required));
                self.num("not_required", u64::from(not_required));
                self.num("installed", u64::from(installed));
            }
            Fact::DeploymentRejected { deployment, reason } => {
                self.head(t, "deployment_rejected");
                self.deployment(deployment);
                self.raw(
                    "reason",
                    match reason {
                        Rejection::NotSynced => r#""not_synced""#,
                        Rejection::Expired => r#""expired""#,
                    },
                );
            }
            Fact::DeploymentCreated {
                deployment,
                deadline,
                downloaded,
                targeted,
                required,
            } => {
                self.head(t, "deployment_created");
                self.deployment(deployment);
                let site = self.deployment_site[deployment.index()];
                self.site(site);
                let _ = write!(self.buf, r#","mandatory":{}"#, deadline.is_some());
                match deadline {
                    Some(d) => self.num("deadline", d.ms()),
                    None => self.raw("deadline", "null"),
                }
                let base = if self.deployment_local[deployment.index()] {
                    "client_local"
                } else {
                    "utc"
                };
                let _ = write!(self.buf, r#","time_based_on":"{base}""#);
                self.num("downloaded", downloaded);
                self.num("targeted", u64::from(targeted));
                self.num("required", required);
            }
            Fact::ContentOnDp { deployment, dp } => {
                self.head(t, "content_on_dp");
                self.deployment(deployment);
                self.dp(dp);
            }
            Fact::DeadlineChanged {
                deployment,
                deadline,
            } => {
                self.head(t, "deadline_changed");
                self.deployment(deployment);
                self.num("deadline", deadline.ms());
            }
            Fact::DownloadStart {
                client,
                dp,
                deployment,
                deployments,
                bytes,
            } => {
                self.head(t, "download_start");
                self.num("client", u64::from(client.0));
                self.dp(dp);
                self.deployment(deployment);
                self.deployments(deployments);
                self.num("bytes", bytes);
            }
            Fact::DownloadDone {
                client,
                dp,
                deployment,
                deployments,
            } => {
                self.head(t, "download_done");
                self.num("client", u64::from(client.0));
                self.dp(dp);
                self.deployment(deployment);
                self.deployments(deployments);
            }
            Fact::LocationFailed {
                client,
                deployments,
                manual,
            } => {
                self.head(t, "location_failed");
                self.num("client", u64::from(client.0));
                self.deployments(deployments);
                let _ = write!(self.buf, r#","manual":{manual}"#);
            }
            Fact::DpConnectFailed {
                client,
                dp,
                deployments,
                manual,
            } => {
                self.head(t, "dp_connect_failed");
                self.num("client", u64::from(client.0));
                self.dp(dp);
                self.deployments(deployments);
                let _ = write!(self.buf, r#","manual":{manual}"#);
            }
            Fact::DownloadGaveUp {
                client,
                deployments,
                reason,
            } => {
                self.head(t, "download_gave_up");
                self.num("client", u64::from(client.0));
                self.deployments(deployments);
                self.raw(
                    "reason",
                    match reason {
                        GiveUp::Location => r#""location""#,
                        GiveUp::DpConnect => r#""dp_connect""#,
                        GiveUp::Manual => r#""manual""#,
                    },
                );
            }
            Fact::Notification {
                client,
                deployment,
                deadline_in,
            } => {
                self.head(t, "notification");
                self.num("client", u64::from(client.0));
                self.deployment(deployment);
                self.num("deadline_in", deadline_in.ms());
            }
            Fact::UserInstall { client, dialog } => {
                self.head(t, "user_install");
                self.num("client", u64::from(client.0));
                self.raw(
                    "dialog",
                    match dialog {
                        Dialog::Express => r#""express""#,
                        Dialog::Available => r#""available""#,
                    },
                );
            }
            Fact::InstallStart { client, update } => {
                self.head(t, "install_start");
                self.num("client", u64::from(client.0));
                let _ = write!(self.buf, r#","update":{}"#, self.update[update.index()]);
            }
            Fact::InstallDone {
                client,
                update,
                restart,
            } => {
                self.head(t, "install_done");
                self.num("client", u64::from(client.0));
                let _ = write!(
                    self.buf,
                    r#","update":{},"restart":{restart}"#,
                    self.update[update.index()]
                );
            }
            Fact::RequiredReasons {
                site,
                update,
                not_deployed,
                deployed,
                pending_restart,
                installed_not_reported,
            } => {
                self.head(t, "required_reasons");
                self.site(site);
                let _ = write!(self.buf, r#","update":{}"#, self.update[update.index()]);
                self.num("not_deployed", u64::from(not_deployed));
                self.num("deployed", u64::from(deployed));
                self.num("pending_restart", u64::from(pending_restart));
                self.num("installed_not_reported", u64::from(installed_not_reported));
            }
            Fact::TrueStates {
                site,
                update,
                required,
                pending_restart,
                not_required,
                installed,
            } => {
                self.head(t, "true_states");
                self.site(site);
                let _ = write!(self.buf, r#","update":{}"#, self.update[update.index()]);
                self.num("required", u64::from(required));
                self.num("pending_restart", u64::from(pending_restart));
                self.num("not_required", u64::from(not_required));
                self.num("installed", u64::from(installed));
            }
            Fact::StatesDiscarded {
                site,
                update,
                count,
            } => {
                self.head(t, "state_messages_discarded");
                self.site(site);
                let _ = write!(self.buf, r#","update":{}"#, self.update[update.index()]);
                self.num("count", u64::from(count));
            }
            Fact::TargetedMachines {
                deployment,
                targeted,
                compliant,
            } => {
                self.head(t, "targeted_machines");
                self.deployment(deployment);
                self.num("targeted", u64::from(targeted));
                self.num("compliant", u64::from(compliant));
            }
            Fact::MachineCompliant {
                client,
                deployments,
            } => {
                self.head(t, "machine_compliant");
                self.num("client", u64::from(client.0));
                self.deployments(deployments);
            }
            Fact::DbMachinesCompliant {
                site,
                deployment,
                count,
            } => {
                self.head(t, "db_machines_compliant");
                self.site(site);
                self.deployment(deployment);
                self.num("count", u64::from(count));
            }
            // A restart's completed installs are implied by its `restart` line.
            Fact::RestartCompleted { .. } => return Ok(()),
            Fact::RestartPending { client, update } => {
                self.head(t, "restart_pending");
                self.num("client", u64::from(client.0));
                let _ = write!(self.buf, r#","update":{}"#, self.update[update.index()]);
            }
            Fact::RestartWarning { client, restart_at } => {
                self.head(t, "restart_warning");
                self.num("client", u64::from(client.0));
                self.num("restart_at", restart_at.ms());
            }
            Fact::Restart {
                client,
                forced,
                outside_window,
            } => {
                self.head(t, "restart");
                self.num("client", u64::from(client.0));
                let _ = write!(
                    self.buf,
                    r#","forced":{forced},"outside_window":{outside_window}"#
                );
            }
            Fact::MachineState { client, from, to } => {
                self.head(t, "machine_state");
                self.num("client", u64::from(client.0));
                let _ = write!(
                    self.buf,
                    r#","from":"{}","to":"{}""#,
                    from.name(),
                    to.name()
                );
            }
            Fact::MachinesAtStart { group, counts } => {
                self.head(t, "machines_at_start");
                let _ = write!(self.buf, r#","group":{}"#, self.group[group.index()]);
                for (state, n) in crate::model::MachineState::TARGETED.iter().zip(counts) {
                    self.num(state.name(), u64::from(n));
                }
            }
            Fact::WindowOpen { window } | Fact::WindowClose { window } => {
                let kind = match fact {
                    Fact::WindowOpen { .. } => "window_open",
                    _ => "window_close",
                };
                self.head(t, kind);
                self.buf
                    .extend_from_slice(self.window[window as usize].as_bytes());
            }
            Fact::ClientOffline { client } => {
                self.head(t, "client_offline");
                self.num("client", u64::from(client.0));
            }
            Fact::ClientOnline { client } => {
                self.head(t, "client_online");
                self.num("client", u64::from(client.0));
            }
            Fact::UserAway { client } => {
                self.head(t, "user_away");
                self.num("client", u64::from(client.0));
            }
            Fact::UserBack { client } => {
                self.head(t, "user_back");
                self.num("client", u64::from(client.0));
            }
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

fn reason_json(r: ScanReason) -> &'static str {
    match r {
        ScanReason::Compliance => r#""compliance""#,
        ScanReason::Evaluation => r#""evaluation""#,
        ScanReason::PreInstall => r#""pre_install""#,
        ScanReason::PostInstall => r#""post_install""#,
    }
}

fn policy_json(p: PolicyKind) -> &'static str {
    match p {
        PolicyKind::Scan => r#""scan""#,
        PolicyKind::ItmuScan => r#""itmu_scan""#,
        PolicyKind::Deployment => r#""deployment""#,
    }
}

fn mode_json(m: SyncMode) -> &'static str {
    match m {
        SyncMode::Full => r#""full""#,
        SyncMode::Delta => r#""delta""#,
    }
}

fn trigger_json(t: Trigger) -> &'static str {
    match t {
        Trigger::Schedule => r#""schedule""#,
        Trigger::Manual => r#""manual""#,
        Trigger::Parent => r#""parent""#,
        Trigger::ActiveSup => r#""active_sup""#,
        Trigger::Retry => r#""retry""#,
    }
}

fn cause_json(c: FailCause) -> &'static str {
    match c {
        FailCause::UpstreamUnavailable => r#""upstream_unavailable""#,
        FailCause::WsusUnavailable => r#""wsus_unavailable""#,
        FailCause::Random => r#""random""#,
    }
}

/// `s` as a JSON string literal, quotes included.
pub fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}
