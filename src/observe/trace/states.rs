//! Trace lines of update states: state messages from clients through MPs into the site
//! databases, what those databases hold, and the true states they are checked against —
//! applicability at the start, machine states and compliance as the run goes, the tallies at
//! the end (R13, R15).

use super::TraceWriter;
use crate::engine::SimTime;
use crate::model::Fact;
use std::io::Write;

impl<W: Write> TraceWriter<W> {
    /// Formats a fact of reported, stored or true states into the line buffer; `write_fact`
    /// sends only those here and ends the line.
    pub(super) fn format_state(&mut self, t: SimTime, fact: &Fact) {
        match *fact {
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
            _ => unreachable!("write_fact routed {fact:?} here, not a state fact"),
        }
    }
}
