//! The run summary: what `cmsim run` prints and what `--out DIR` writes as `summary.json`.
//! Its JSON field names are a public format (docs/summary.md): add fields, never
//! rename or drop them. Times are milliseconds since the start (`*_ms`).

use crate::engine::RunStats;
use crate::observe::Metrics;
use crate::observe::compliance::Marks;
use crate::observe::deployment::DeploymentMetrics;
use crate::world::World;
use serde::Serialize;
use std::collections::BTreeMap;

mod adr;
mod compliance;
mod dates;
mod deployment;
pub mod machines;
mod phases;
mod policy;
pub mod schema;
mod sites;
pub mod view;
pub use adr::AdrRunReport;
use compliance::compliance;
pub use compliance::{
    ComplianceSummary, DatabaseSummary, Delay, GroupSummary, GroupUpdate, MpSummary,
    ReplicationSummary, RequiredBecause, UpdateStates,
};
use deployment::deployment;
pub use deployment::{
    DeploymentReport, DeploymentSummary, DpSummary, GaveUp, MachineCompliance, Notifications,
};
pub use phases::PhaseReport;
pub use policy::PolicySummary;
pub use sites::{SiteSummary, SupSummary, UpdateSummary};
use sites::{site, update};

/// Version of the summary format. 2: a DP's and an MP's `peak_at_ms` are null when nothing
/// peaked (no download, no state message); they were 0, a time that never happened.
pub const FORMAT: u32 = 2;

/// A whole run's summary.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// Summary format version.
    pub format: u32,
    /// Scenario name.
    pub scenario: String,
    /// Seed used.
    pub seed: u64,
    /// The site database the curve and the compliance chart show (`--view SITE`); absent,
    /// the view from the top.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view: Option<view::View>,
    /// The run's calendar, for dates in reports (not serialized: `start` says it).
    #[serde(skip)]
    pub calendar: Option<crate::engine::calendar::Calendar>,
    /// Calendar start of the run with its zone (RFC 9557,
    /// `2026-12-08T17:00:00+01:00[Europe/Berlin]`), when the scenario gives one.
    pub start: Option<String>,
    /// End of the run.
    pub end_ms: u64,
    /// Events processed.
    pub events: u64,
    /// Clients in the scenario.
    pub clients: u64,
    /// The headline: when the targeted machines were compliant, and per group where they
    /// stand at the end.
    pub machines: machines::MachinesSummary,
    /// Per site, in scenario order.
    pub sites: Vec<SiteSummary>,
    /// Per update, in release order.
    pub updates: Vec<UpdateSummary>,
    /// ITMU catalog refreshes for SMS 2003 clients (R08).
    pub itmu_refreshes_ms: Vec<u64>,
    /// Scans, state messages and the site databases' view (R09–R15).
    pub compliance: ComplianceSummary,
    /// Deployments, downloads, notifications and installs (R16–R25).
    pub deployment: DeploymentSummary,
    /// Installed share over time in the view's databases, for charts across replications
    /// (not in summary.json: compliance.csv has the series).
    #[serde(skip)]
    pub curve: Vec<CurvePoint>,
}

/// The installed share of applicable client × update pairs at one sample time: the deployed
/// updates (every update when nothing is deployed), in the view's databases.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurvePoint {
    /// Sample time.
    pub t_ms: u64,
    /// Installed as the site databases see it, in percent.
    pub db: f64,
    /// Installed on the clients, in percent.
    pub truth: f64,
}

impl Summary {
    /// The summary without the per group × update lists, as `summary.json` has it unless
    /// `--detail` asks for them.
    pub fn without_detail(mut self) -> Summary {
        for g in &mut self.compliance.groups {
            g.updates = Vec::new();
        }
        self
    }

    /// Builds the summary of a finished run, its curve as `view` sees it (none: from the top).
    pub fn new(
        world: &World,
        metrics: &Metrics,
        stats: &RunStats,
        view: Option<&view::View>,
    ) -> Summary {
        Summary {
            format: FORMAT,
            scenario: world.name.clone(),
            seed: world.seed,
            start: world.calendar.as_ref().map(|c| c.start_text()),
            calendar: world.calendar.clone(),
            end_ms: stats.end.ms(),
            events: stats.events,
            clients: world.clients(),
            machines: machines::machines(world, &metrics.machines),
            sites: (0..world.sites.len())
                .map(|i| site(world, metrics, i))
                .collect(),
            updates: (0..world.updates.len())
                .map(|i| update(world, metrics, i))
                .collect(),
            itmu_refreshes_ms: metrics.itmu.iter().map(|(t, _)| t.ms()).collect(),
            compliance: compliance(world, &metrics.compliance, &metrics.policy),
            deployment: deployment(world, &metrics.deployment),
            curve: view::curve(world, &metrics.compliance, view),
            view: view.map(|v| view::View {
                clients: metrics.compliance.db_clients[v.db],
                ..v.clone()
            }),
        }
    }

    /// Pretty JSON, newline-terminated.
    /// The summary as pretty JSON; with a start date, each point in time also as a date
    /// (`dates`).
    pub fn to_json(&self) -> String {
        let mut s = match &self.calendar {
            None => serde_json::to_string_pretty(self),
            Some(c) => {
                let mut v = serde_json::to_value(self).expect("summary serializes");
                dates::add_dates(&mut v, c);
                serde_json::to_string_pretty(&v)
            }
        }
        .expect("summary serializes");
        s.push('\n');
        s
    }
}

fn ms(marks: &Marks) -> [Option<u64>; 4] {
    marks.map(|t| t.map(|t| t.ms()))
}
