//! The Software Updates client agent's two periodic schedules (issue 11; current branch:
//! About client settings, both every 7 days; the 2007 agent had them too, though the source
//! document names neither).
//!
//! - **Scan schedule** (R10, `scan_schedule_interval`): from the client's first compliance
//!   scan (it holds scan policy then), every interval a compliance scan is scheduled
//!   through the same path as a scan policy's, within `scan_window` of the tick. A scan
//!   already scheduled, waiting for the agent or running absorbs the tick: no double scan.
//!   SMS 2003 clients have no such agent: their scans follow the ITMU catalog (R08).
//! - **Deployment re-evaluation** (R17, `deployment_reevaluation_interval`): from the
//!   client's first registration of a deployment, every interval an evaluation scan, a job
//!   of the agent's queue like the one after new policy: it registers again what the client
//!   holds, and a mandatory update past its deadline and still required installs (R25).
//!
//! Each is one pending event per client that re-arms itself, only for clients that have
//! started it; 0 turns a schedule off.

use super::agent::{Agent, Job};
use super::clients::SCAN_CYCLE_ARMED;
use super::event::Event;
use super::{Cx, Model};
use crate::world::ClientId;

impl Model<'_> {
    /// The client's first compliance scan starts its scan schedule (R10).
    pub(super) fn arm_scan_cycle(&mut self, c: ClientId, cx: &mut Cx) {
        let every = self.world.settings.scan_schedule_interval.0;
        let legacy = self.world.groups[self.group(c).index()].legacy;
        if every.ms() == 0 || legacy || self.clients.has(c, SCAN_CYCLE_ARMED) {
            return;
        }
        self.clients.set(c, SCAN_CYCLE_ARMED, true);
        cx.schedule_in(every, Event::ScanCycle(c));
    }

    /// A tick of the scan schedule: a compliance scan within the scan window, unless one is
    /// scheduled, waiting or running (R10); then the next tick.
    pub(super) fn scan_cycle(&mut self, c: ClientId, cx: &mut Cx) {
        self.scan_cycle_at_start_up(c, cx);
        cx.schedule_in(
            self.world.settings.scan_schedule_interval.0,
            Event::ScanCycle(c),
        );
    }

    /// The scan of a tick missed while off, at start-up: scheduled unless one is scheduled,
    /// waiting or running (the next tick is armed already).
    pub(super) fn scan_cycle_at_start_up(&mut self, c: ClientId, cx: &mut Cx) {
        let head = self.clients.head(c);
        if head.agent != Agent::ComplianceScan && head.waiting & Job::Compliance as u8 == 0 {
            self.schedule_scan(c, cx);
        }
    }

    /// The client's first registration of a deployment starts its re-evaluation (R17).
    pub(super) fn arm_reevaluation(&mut self, c: ClientId, cx: &mut Cx) {
        let every = self.world.settings.deployment_reevaluation_interval.0;
        if every.ms() > 0 {
            cx.schedule_in(every, Event::Reevaluation(c));
        }
    }

    /// Re-evaluation is due: an evaluation scan, now or when the running job ends (R17);
    /// then the next one.
    pub(super) fn reevaluation(&mut self, c: ClientId, cx: &mut Cx) {
        self.want(c, Job::Evaluation, cx);
        cx.schedule_in(
            self.world.settings.deployment_reevaluation_interval.0,
            Event::Reevaluation(c),
        );
    }
}
