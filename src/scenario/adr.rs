//! Automatic deployment rules (ADRs), as the current-branch "Create Automatic Deployment
//! Rule" wizard makes them with "Run the rule after any software update point
//! synchronization": after each successful sync at its site, the rule deploys the updates
//! that sync brought into the site database and that match its criteria (classification,
//! a title filter, superseded or not), with its available time and deadline counted from
//! the run. Each run that finds updates is a deployment of its own, called `<rule>/<run>`,
//! that flows through everything deployments have (content, policy, deadlines).
//!
//! Current-branch facts (`current-branch-facts.md`, automatically-deploy-software-updates.md):
//! a rule's deployment holds at most 1,000 updates (a run that matches more fails, as the
//! rule does in ConfigMgr, and deploys nothing); ADR deployments randomize their deadline by
//! up to 2 hours whatever the client setting says; a rule runs at most 3 times a day on a
//! schedule, while "after sync" simply follows the syncs.

use super::{Classification, TargetSpec, units::Dur};
use crate::engine::SimDuration;
use serde::Deserialize;

/// Most updates one ADR deployment may hold (the software update group limit).
pub const MAX_ADR_UPDATES: usize = 1_000;

/// One automatic deployment rule.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdrSpec {
    /// Its name; its deployments are called `<name>/<run>`, runs counted from 1.
    pub name: String,
    /// The site where it runs, after that site's syncs, and creates its deployments
    /// (default: the top site).
    #[serde(default)]
    pub site: Option<String>,
    /// Classifications it deploys (none listed: any).
    #[serde(default)]
    pub classifications: Vec<Classification>,
    /// The wizard's "Title" (or product) filter: only updates whose title contains this text,
    /// ignoring case (none: any title).
    #[serde(default)]
    pub title: Option<String>,
    /// The wizard's "Superseded" criterion: `false` (the default, "Superseded: No") leaves out
    /// updates superseded by an update the site database holds; `true` takes them too.
    #[serde(default)]
    pub superseded: bool,
    /// The collection its deployments target: client groups, each wholly or a share of it.
    pub target: Vec<TargetSpec>,
    /// When a run's updates become available, counted from the run (default 0: "As soon as
    /// possible").
    #[serde(default)]
    pub available_after: Dur,
    /// A run's deadline, counted from its available time (default 7 days, *assumed*; `None`:
    /// optional deployments).
    #[serde(default = "seven_days")]
    pub deadline_after: Option<Dur>,
    /// How far clients spread their deadline installs: each acts up to this long after the
    /// deadline (default 2h, as ConfigMgr does for every ADR deployment).
    #[serde(default = "two_hours")]
    pub deadline_randomization: Dur,
    /// How many deployments the rule can make in a run of the simulator: runs after the
    /// last find nothing to do (default 3). Each counts against the 32 deployments a
    /// scenario may have.
    #[serde(default = "three")]
    pub max_runs: u32,
    /// Past the deadline, updates may install outside maintenance windows.
    #[serde(default)]
    pub install_outside_windows: bool,
    /// Past the deadline, machines may restart outside maintenance windows.
    #[serde(default)]
    pub restart_outside_windows: bool,
    /// Distribution points of its package (default: those serving the targeted groups).
    #[serde(default)]
    pub distribution_points: Option<Vec<String>>,
}

fn seven_days() -> Option<Dur> {
    Some(Dur(SimDuration::from_days(7)))
}

fn two_hours() -> Dur {
    Dur(SimDuration::from_hours(2))
}

fn three() -> u32 {
    3
}

impl AdrSpec {
    /// The id of the deployment of run `n` (from 1).
    pub fn run_id(&self, n: u32) -> String {
        format!("{}/{n}", self.name)
    }

    /// Whether an update with `title` and `classification` passes the rule's fixed criteria
    /// (the superseded criterion depends on the site database at the run).
    pub fn matches(&self, title: &str, classification: Classification) -> bool {
        (self.classifications.is_empty() || self.classifications.contains(&classification))
            && self
                .title
                .as_ref()
                .is_none_or(|t| title.to_ascii_lowercase().contains(&t.to_ascii_lowercase()))
    }
}
