//! Trace lines of catalog synchronization: sync attempts and their status messages, the WSUS
//! and site databases they fill, retries, sync requests down the hierarchy, expiry and
//! reactivation of updates, and the ITMU catalog of SMS 2003 clients (R01–R08). Server-side
//! lines, kept whatever `--trace-clients` says.

use super::TraceWriter;
use crate::engine::SimTime;
use crate::model::{ExpiryReason, Fact, FailCause, SyncMode, Trigger};
use std::io::Write;

impl<W: Write> TraceWriter<W> {
    /// Formats a synchronization fact into the line buffer; `write_fact` sends only those here
    /// and ends the line.
    pub(super) fn format_sync(&mut self, t: SimTime, fact: &Fact) {
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
            _ => unreachable!("write_fact routed {fact:?} here, not a sync fact"),
        }
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
