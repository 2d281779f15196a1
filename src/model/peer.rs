//! Peer cache and Delivery Optimization (issue 12, item 5). A share of clients
//! (`peer_cache_share`, drawn per client) look first for a peer in their boundary group —
//! the site's default group for clients in none — that has finished downloading the
//! content; the content source order puts a peer in the group before a DP of the group. The
//! model remembers, per group and deployment, the last client that finished downloading it:
//! a client takes that peer when it is on, finished every deployment of the job, and holds
//! every file the job needs. The copy runs at `client_download_mbps` on the LAN and loads no
//! DP and no WAN link.

use super::bitset::BitSet;
use super::clients::DownloadJob;
use super::event::Event;
use super::fact::Fact;
use super::{Cx, Model};
use crate::engine::{RandomStreams, StreamId};
use crate::world::{ClientId, DeploymentId, World};

/// No client yet.
const NONE: u32 = u32::MAX;

/// Who may serve content to whom.
#[derive(Clone, Debug)]
pub(super) struct Peers {
    /// Clients that use peers (empty when `peer_cache_share` is 0).
    users: BitSet,
    /// Per (peer scope, deployment): the last client that finished downloading it.
    last: Vec<u32>,
}

impl Peers {
    pub(super) fn new(world: &World, rng: &RandomStreams) -> Self {
        let share = world.settings.peer_cache_share;
        let mut users = BitSet::new(if share > 0.0 {
            world.clients() as usize
        } else {
            0
        });
        if share > 0.0 {
            for g in &world.groups {
                let family = StreamId::family("peer", &g.name);
                for k in 0..g.count {
                    let mut draws = crate::engine::DrawCounter::default();
                    if share >= 1.0 || rng.unit(family.member(u64::from(k)), &mut draws) < share {
                        users.insert((g.first.0 + k) as usize);
                    }
                }
            }
        }
        let scopes = world.boundary_groups.len() + world.sites.len();
        let last = if share > 0.0 {
            vec![NONE; scopes * world.deployments.len()]
        } else {
            Vec::new()
        };
        Peers { users, last }
    }
}

impl Model<'_> {
    /// The peer group of client `c`: its boundary group, else its site's default group.
    fn peer_scope(&self, c: ClientId) -> usize {
        let w = self.world;
        let g = self.group(c);
        w.boundary_of(g)
            .unwrap_or_else(|| w.boundary_groups.len() + w.groups[g.index()].site.index())
    }

    /// Starts the job of `c` from a peer, if it uses peers and one has the content.
    pub(super) fn peer_download(&mut self, c: ClientId, cx: &mut Cx) -> bool {
        if self.peers.last.is_empty() || !self.peers.users.contains(c.index()) {
            return false;
        }
        let n = self.world.deployments.len();
        let base = self.peer_scope(c) * n;
        let mask = self.clients.head(c).job_deployments;
        let first = mask.trailing_zeros() as usize;
        let p = self.peers.last[base + first];
        let ok = p != NONE
            && p != c.0
            && !self.is_off(ClientId(p))
            && (0..n)
                .filter(|d| mask & 1 << d != 0)
                .all(|d| self.peers.last[base + d] == p)
            && self
                .job_updates(c)
                .all(|u| self.clients.cached(p as usize, u));
        if !ok {
            return false;
        }
        let bytes = self.job_bytes(c);
        self.clients.head_mut(c).job = DownloadJob::FromPeer;
        cx.emit(Fact::PeerDownloadStart {
            client: c,
            peer: ClientId(p),
            deployment: DeploymentId(first as u32),
            deployments: mask,
            bytes,
        });
        cx.schedule_in(
            super::content::transfer(bytes, self.world.settings.client_download_mbps),
            Event::PeerDone(c),
        );
        true
    }

    /// Client `c` finished downloading its job: it can serve those deployments to peers.
    pub(super) fn peer_has(&mut self, c: ClientId) {
        if self.peers.last.is_empty() {
            return;
        }
        let n = self.world.deployments.len();
        let base = self.peer_scope(c) * n;
        let mask = self.clients.head(c).job_deployments;
        for d in (0..n).filter(|d| mask & 1 << d != 0) {
            self.peers.last[base + d] = c.0;
        }
    }
}
