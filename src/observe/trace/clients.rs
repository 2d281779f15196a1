//! Trace lines of what clients do: machine policy (made at the site, received at the client's
//! poll), scans, downloads and their retries, deadline notifications, installs started by
//! users or deadlines, restarts, and machines and users coming and going (R09–R12, R16–R25).

use super::TraceWriter;
use crate::engine::SimTime;
use crate::model::{Dialog, Fact, GiveUp, PolicyKind, ScanFailure, ScanReason};
use std::io::Write;

impl<W: Write> TraceWriter<W> {
    /// Formats a fact of policy, scans, downloads, installs, restarts or presence into the line
    /// buffer; `write_fact` sends only those here and ends the line.
    pub(super) fn format_client(&mut self, t: SimTime, fact: &Fact) {
        match *fact {
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
            Fact::ScanStart {
                client,
                reason,
                sup,
                full,
                ..
            } => {
                self.head(t, "scan_start");
                self.num("client", u64::from(client.0));
                self.raw("reason", reason_json(reason));
                match sup {
                    Some(sup) => self.sup(sup),
                    None => self.raw("sup", "null"),
                }
                self.raw("full", if full { "true" } else { "false" });
            }
            Fact::SupSwitched { client, from, to } => {
                self.head(t, "sup_switched");
                self.num("client", u64::from(client.0));
                self.site(self.sup_site[from.index()]);
                let (from, to) = (&self.sup[from.index()], &self.sup[to.index()]);
                let _ = write!(self.buf, r#","from":{from},"to":{to}"#);
            }
            Fact::ScanFailed {
                client,
                sup,
                cause,
                scan,
                retry_at,
            } => {
                self.head(t, "scan_failed");
                self.num("client", u64::from(client.0));
                self.sup(sup);
                let why = match cause {
                    ScanFailure::WsusUnavailable => "\"wsus_unavailable\"",
                    ScanFailure::Overloaded => "\"overloaded\"",
                };
                self.raw("reason", why);
                self.raw("scan", reason_json(scan));
                match retry_at {
                    Some(at) => self.num("retry_at", at.ms()),
                    None => self.raw("retry_at", "null"),
                }
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
            Fact::DeadlineActivation {
                client,
                deployment,
                deadline,
                at,
            } => {
                self.head(t, "deadline_activation");
                self.num("client", u64::from(client.0));
                self.deployment(deployment);
                self.num("deadline", deadline.ms());
                self.num("at", at.ms());
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
                ..
            } => {
                self.head(t, "install_done");
                self.num("client", u64::from(client.0));
                let _ = write!(
                    self.buf,
                    r#","update":{},"restart":{restart}"#,
                    self.update[update.index()]
                );
            }
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
            _ => unreachable!("write_fact routed {fact:?} here, not a client fact"),
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
