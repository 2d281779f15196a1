//! Trace lines of the reporting path: management points forwarding to site databases, their
//! backlogs, the databases' inserts and replication up the hierarchy (R13).

use super::TraceWriter;
use crate::engine::SimTime;
use crate::model::Fact;
use std::io::Write;

impl<W: Write> TraceWriter<W> {
    /// Formats a fact of the reporting path into the line buffer; `write_fact` sends only
    /// those here and ends the line.
    pub(super) fn format_reporting(&mut self, t: SimTime, fact: &Fact) {
        match *fact {
            Fact::StateMessagesForwarded {
                site,
                mp,
                database,
                count,
            } => {
                self.head(t, "state_messages_forwarded");
                self.site(site);
                let _ = write!(self.buf, r#","mp":{}"#, self.mp[mp.index()]);
                let _ = write!(self.buf, r#","database":{}"#, self.site[database.index()]);
                self.num("count", u64::from(count));
            }
            Fact::MpBacklog { site, mp, queued } => {
                self.head(t, "mp_backlog");
                self.site(site);
                let _ = write!(self.buf, r#","mp":{}"#, self.mp[mp.index()]);
                self.num("queued", u64::from(queued));
            }
            Fact::DbBacklog { site, queued } => {
                self.head(t, "db_backlog");
                self.site(site);
                self.num("queued", u64::from(queued));
            }
            Fact::StatesInserted { site, count } => {
                self.head(t, "state_messages_inserted");
                self.site(site);
                self.num("count", u64::from(count));
            }
            Fact::StatesReplicated {
                site,
                to_site,
                count,
            } => {
                self.head(t, "state_messages_replicated");
                self.site(site);
                let _ = write!(self.buf, r#","to_site":{}"#, self.site[to_site.index()]);
                self.num("count", u64::from(count));
            }
            _ => unreachable!("write_fact sends only reporting facts here"),
        }
    }
}
