//! Software update points as finite servers (issue 12). A site may have several SUPs: the
//! active one and additional ones sharing its WSUS database, so they list the same updates.
//! Client number k of a group starts on the k-th of its site's SUPs, round the list, so the
//! clients spread evenly. An online scan is served by its WSUS during the download of the
//! update list (R11): a full scan, the first against that WSUS, downloads all the metadata
//! (`scan_wua_download_full`), later ones only the changes (`scan_wua_download`). A WSUS
//! serves at most `wsus_max_scans` scans at once; a scan connecting while it serves that many
//! fails as overloaded, like one connecting while the WSUS is down, and is retried the same
//! way (`scan_retry.rs`). After its last retry failed, a client of a site with more SUPs moves
//! to the next one `sup_switch_delay` later, as current-branch clients do, and scans there:
//! a full scan, which is what makes a storm move from one SUP to the next.
//!
//! The load is one heap of end times per WSUS, as long as the scans it serves: no event per
//! scan served. A machine switches off only with its agent idle (`power.rs`), so a scan that
//! connects is never cut short and the end time it reserved holds.

use super::clients::{NEVER_ONLINE, SUP_FULL};
use super::fact::{Fact, ScanAccess, ScanFailure, ScanReason};
use super::{Cx, Model};
use crate::engine::{SimDuration, SimTime};
use crate::world::{ClientId, OutageTarget, SupId};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The scans one WSUS is serving: when each one's download of the update list ends.
#[derive(Clone, Debug, Default)]
pub(super) struct WsusLoad {
    ends: BinaryHeap<Reverse<u64>>,
}

impl WsusLoad {
    /// Scans still being served at `t` (one whose download ends at `t` is done).
    fn serving(&mut self, t: SimTime) -> usize {
        while self.ends.peek().is_some_and(|&Reverse(end)| end <= t.ms()) {
            self.ends.pop();
        }
        self.ends.len()
    }
}

/// What a scan that contacts WSUS meets when it connects.
pub(super) struct Connect {
    /// The SUP.
    pub(super) sup: SupId,
    /// Full or delta.
    pub(super) access: ScanAccess,
    /// Why it fails there, if it does.
    pub(super) failure: Option<ScanFailure>,
}

impl Model<'_> {
    /// The SUP client `c` scans against now.
    pub(super) fn client_sup(&self, c: ClientId) -> SupId {
        let group = &self.world.groups[self.group(c).index()];
        group.sups[usize::from(self.clients.head(c).sup & !SUP_FULL)]
    }

    /// Whether client `c`'s scan for `reason`, starting at `now`, contacts its WSUS.
    /// Post-install scans read the metadata the pre-install scan left (current branch:
    /// "post-install offline"), and so do pre-install scans while the metadata of the last
    /// online scan is younger than `scan_metadata_ttl` (current branch: 24 hours); SMS 2003
    /// clients scan the ITMU catalog.
    pub(super) fn scans_online(&self, c: ClientId, reason: ScanReason, now: SimTime) -> bool {
        let ttl = self.world.settings.scan_metadata_ttl.0.ms();
        let online_at = self.clients.head(c).online_at;
        let cached = reason == ScanReason::PreInstall
            && ttl > 0
            && online_at != NEVER_ONLINE
            && now.ms() < u64::from(online_at) * 1_000 + ttl;
        !cached
            && reason != ScanReason::PostInstall
            && !self.world.groups[self.group(c).index()].legacy
    }

    /// The download step of a scan (R11): the whole metadata for a full scan, the changes
    /// for a delta scan; an offline scan reads its cache in the delta's time (assumed).
    pub(super) fn download_step(&self, access: ScanAccess) -> SimDuration {
        let s = &self.world.settings;
        match access {
            ScanAccess::Full => s.scan_wua_download_full.0,
            ScanAccess::Delta | ScanAccess::Offline => s.scan_wua_download.0,
        }
    }

    /// Client `c`'s online scan connects to its WSUS at `at`: served, or failed because the
    /// WSUS is down or already serving `wsus_max_scans` scans. A served scan holds its place
    /// until its download ends. Scans connect a fixed time after they start, so deciding as
    /// they start, in event order, is deciding in the order they connect.
    pub(super) fn connect(&mut self, c: ClientId, at: SimTime) -> Connect {
        let sup = self.client_sup(c);
        let access = match self.clients.head(c).sup & SUP_FULL {
            0 => ScanAccess::Delta,
            _ => ScanAccess::Full,
        };
        let down = self.down_until(OutageTarget::Wsus(sup), at).is_some();
        let cap = self.world.settings.wsus_max_scans as usize;
        let end = (at + self.download_step(access)).ms();
        let load = &mut self.wsus[sup.index()];
        let failure = if down {
            Some(ScanFailure::WsusUnavailable)
        } else if cap > 0 && load.serving(at) >= cap {
            Some(ScanFailure::Overloaded)
        } else {
            load.ends.push(Reverse(end));
            None
        };
        Connect {
            sup,
            access,
            failure,
        }
    }

    /// A served online scan, connected at `at`, leaves the client holding its SUP's
    /// metadata: later scans there are delta scans, and offline ones read this list; its
    /// failures in a row are over.
    pub(super) fn metadata_current(&mut self, c: ClientId, at: SimTime) {
        let head = self.clients.head_mut(c);
        head.sup &= !SUP_FULL;
        head.online_at = (at.ms() / 1_000) as u32;
        head.scan_failures = 0;
    }

    /// Whether client `c`, whose last retry failed, may move to another SUP of its site.
    pub(super) fn may_switch_sup(&self, c: ClientId) -> bool {
        self.world.groups[self.group(c).index()].sups.len() > 1
    }

    /// As an online scan starts: a client whose last retry failed moves to the next SUP of
    /// its site, where its failures start from none and its first scan is a full one.
    pub(super) fn switch_sup_if_due(&mut self, c: ClientId, cx: &mut Cx) {
        let retries = self.world.settings.scan_retries;
        if u32::from(self.clients.head(c).scan_failures) <= retries || !self.may_switch_sup(c) {
            return;
        }
        let from = self.client_sup(c);
        let pool = self.world.groups[self.group(c).index()].sups.len() as u8;
        let head = self.clients.head_mut(c);
        head.sup = (((head.sup & !SUP_FULL) + 1) % pool) | SUP_FULL;
        head.scan_failures = 0;
        let to = self.client_sup(c);
        cx.emit(Fact::SupSwitched {
            client: c,
            from,
            to,
        });
    }
}
