//! Trace lines of deployments: made or refused by the wizard, their content reaching DPs,
//! deadline changes, their target collections at the start, and the maintenance windows
//! that gate their installs (R07, R16, R17).

use super::TraceWriter;
use crate::engine::SimTime;
use crate::model::{Fact, Rejection};
use std::io::Write;

impl<W: Write> TraceWriter<W> {
    /// Formats a fact of a deployment, its content or a maintenance window into the line buffer;
    /// `write_fact` sends only those here and ends the line.
    pub(super) fn format_deployment(&mut self, t: SimTime, fact: &Fact) {
        match *fact {
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
            Fact::PhaseStarted {
                deployment,
                phase,
                reason,
            } => {
                self.head(t, "phase_started");
                self.deployment(deployment);
                self.num("phase", u64::from(phase));
                let _ = write!(self.buf, r#","reason":"{}""#, reason.name());
            }
            Fact::AdrDeploymentCreated {
                rule,
                deployment,
                updates,
            } => {
                self.head(t, "adr_deployment_created");
                let _ = write!(self.buf, r#","rule":{}"#, self.rule[usize::from(rule)]);
                self.deployment(deployment);
                self.num("updates", u64::from(updates));
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
            Fact::WindowOpen { window } | Fact::WindowClose { window } => {
                let kind = match fact {
                    Fact::WindowOpen { .. } => "window_open",
                    _ => "window_close",
                };
                self.head(t, kind);
                self.buf
                    .extend_from_slice(self.window[window as usize].as_bytes());
            }
            _ => unreachable!("write_fact routed {fact:?} here, not a deployment fact"),
        }
    }
}
