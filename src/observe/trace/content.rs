//! Trace lines of content (issue 12, items 4 and 5): the distribution manager's copies to
//! DPs, clients falling back to another boundary group, and downloads from peers.

use super::TraceWriter;
use crate::engine::SimTime;
use crate::model::{ContentFrom, Fact, FallbackTo};
use std::io::Write;

impl<W: Write> TraceWriter<W> {
    /// Formats a fact of content into the line buffer; `write_fact` sends only those here.
    pub(super) fn format_content(&mut self, t: SimTime, fact: &Fact) {
        match *fact {
            Fact::ContentTransferStart {
                deployment,
                dp,
                from,
                bytes,
            } => {
                self.head(t, "content_transfer_start");
                self.deployment(deployment);
                self.dp(dp);
                self.from(from);
                self.num("bytes", bytes);
            }
            Fact::ContentTransferDone {
                deployment,
                dp,
                from,
            } => {
                self.head(t, "content_transfer_done");
                self.deployment(deployment);
                self.dp(dp);
                self.from(from);
            }
            Fact::ContentFallback {
                client,
                from_group,
                to,
                dp,
                bytes,
            } => {
                self.head(t, "content_fallback");
                self.num("client", u64::from(client.0));
                let _ = write!(
                    self.buf,
                    r#","from_group":{},"to_group":{}"#,
                    self.boundary[usize::from(from_group)],
                    match to {
                        FallbackTo::Group(g) => &self.boundary[usize::from(g)],
                        FallbackTo::SiteDefault(s) => &self.site_default[s.index()],
                    }
                );
                self.dp(dp);
                self.num("bytes", bytes);
            }
            Fact::PeerDownloadStart {
                client,
                peer,
                deployment,
                deployments,
                bytes,
            } => {
                self.head(t, "peer_download_start");
                self.num("client", u64::from(client.0));
                self.num("peer", u64::from(peer.0));
                self.deployment(deployment);
                self.deployments(deployments);
                self.num("bytes", bytes);
            }
            Fact::PeerDownloadDone {
                client,
                deployment,
                deployments,
            } => {
                self.head(t, "download_done");
                self.num("client", u64::from(client.0));
                self.deployment(deployment);
                self.deployments(deployments);
                self.raw("from_peer", "true");
            }
            _ => unreachable!("write_fact routes only content facts here"),
        }
    }

    fn from(&mut self, from: ContentFrom) {
        let name = match from {
            ContentFrom::Site(s) => &self.site[s.index()],
            ContentFrom::Dp(dp) => &self.dp[dp.index()],
        };
        let _ = write!(self.buf, r#","from":{name}"#);
    }
}
