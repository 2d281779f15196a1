//! Phased deployments, as the current-branch "Create Phased Deployment" wizard makes them:
//! a deployment in phases (rings), each a collection of its own. The first phase begins when
//! the deployment is created; each later one when the phase before it reaches its success
//! criterion (the share of its machines compliant, as the site databases see them), after a
//! deferral, or a fixed delay after the phase before it began. Each phase has its available
//! time and deadline relative to its own start. A phase is a deployment of its own, called
//! `<deployment id>/<phase name>`, that flows through everything deployments have.

use super::{DeploymentSpec, TargetSpec, units::Dur};
use crate::engine::SimDuration;
use serde::Deserialize;

/// One phase (ring) of a phased deployment.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseSpec {
    /// Its name (default `phase N`, counted from 1); the phase's deployment is called
    /// `<deployment id>/<name>`.
    #[serde(default)]
    pub name: Option<String>,
    /// Its collection: client groups, each wholly or a share of it.
    pub target: Vec<TargetSpec>,
    /// When it begins. Not for the first phase, which begins when the deployment is created;
    /// default for the others: `Success()` (95 %, then a deferral of 1 day).
    #[serde(default)]
    pub begins: Option<PhaseStart>,
    /// When its updates become available, counted from the phase's start (default 0).
    #[serde(default)]
    pub available_after: Dur,
    /// Its deadline, counted from its available time (default 7 days, the wizard's
    /// "Installation is required after this period of time"; `None`: an optional phase).
    #[serde(default = "seven_days")]
    pub deadline_after: Option<Dur>,
}

/// What starts a phase after the first.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
pub enum PhaseStart {
    /// The wizard's "Deployment success percentage": when the machines compliant with the
    /// previous phase, as its site databases see them, reach `percent` of its targeted
    /// machines, this phase begins `deferral` later.
    Success {
        /// Success percentage of the previous phase (default 95).
        #[serde(default = "ninety_five")]
        percent: f64,
        /// Deferral after the criterion is met (default 1 day).
        #[serde(default = "one_day")]
        deferral: Dur,
    },
    /// This long after the previous phase began, whatever its success.
    Delay(Dur),
}

impl Default for PhaseStart {
    fn default() -> Self {
        PhaseStart::Success {
            percent: ninety_five(),
            deferral: one_day(),
        }
    }
}

fn seven_days() -> Option<Dur> {
    Some(Dur(SimDuration::from_days(7)))
}

fn ninety_five() -> f64 {
    95.0
}

fn one_day() -> Dur {
    Dur(SimDuration::from_days(1))
}

impl PhaseSpec {
    /// The phase's name: as given, or `phase N` for phase index `j` (from 0).
    pub fn name(&self, j: usize) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("phase {}", j + 1))
    }
}

impl DeploymentSpec {
    /// The id of the deployment of phase index `j` (from 0).
    pub fn phase_id(&self, j: usize) -> String {
        format!("{}/{}", self.id, self.phases[j].name(j))
    }

    /// The ids of the deployments a run has for this spec: its own, or one per phase.
    pub fn deployment_ids(&self) -> Vec<String> {
        if self.phases.is_empty() {
            vec![self.id.clone()]
        } else {
            (0..self.phases.len()).map(|j| self.phase_id(j)).collect()
        }
    }
}
