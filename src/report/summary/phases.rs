//! The phases of phased deployments in the summary: when each began and why, or that it never
//! began and how far the phase before it got toward its success criterion (issue 12).

use super::*;
use crate::world::Begins;

/// One phase of a phased deployment.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PhaseReport {
    /// The phase's deployment (`<deployment id>/<phase name>`).
    pub deployment: String,
    /// Its number, from 1.
    pub phase: u32,
    /// What starts it: `created` (the first phase), `criterion` or `delay`.
    pub begins: &'static str,
    /// For `criterion`: the previous phase's success percentage it waits for.
    pub success_percent: Option<f64>,
    /// For `criterion`: the deferral after the criterion is met; for `delay`: the delay
    /// after the previous phase began (ms).
    pub after_ms: Option<u64>,
    /// When it began (null: never in this run).
    pub started_ms: Option<u64>,
    /// Machines in its collection.
    pub targeted: u64,
    /// Of which compliant in the site databases at the end, in percent (its own success).
    pub db_compliant_percent: f64,
}

/// Every phase of the run's phased deployments, in order.
pub(super) fn phases(world: &World, m: &DeploymentMetrics) -> Vec<PhaseReport> {
    world
        .deployments
        .iter()
        .zip(&m.deployments)
        .filter_map(|(d, p)| {
            let phase = d.phase?;
            let (begins, success_percent, after) = match phase.begins {
                Begins::Created => ("created", None, None),
                Begins::Success { percent, deferral } => {
                    ("criterion", Some(percent), Some(deferral.ms()))
                }
                Begins::Delay(x) => ("delay", None, Some(x.ms())),
            };
            Some(PhaseReport {
                deployment: d.id.clone(),
                phase: phase.number,
                begins,
                success_percent,
                after_ms: after,
                started_ms: p.phase_started.map(|t| t.ms()),
                targeted: p.targeted,
                db_compliant_percent: if p.targeted == 0 {
                    100.0
                } else {
                    p.db_compliant as f64 * 100.0 / p.targeted as f64
                },
            })
        })
        .collect()
}
