//! The deployments of automatic deployment rules in the summary: when each rule's run made
//! it and with how many updates, or that no run made it (issue 12, item 7).

use super::*;

/// One deployment an automatic deployment rule may make.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct AdrRunReport {
    /// The rule's name.
    pub rule: String,
    /// The deployment (`<rule>/<n>`).
    pub deployment: String,
    /// When the rule's run made it, right after a sync (null: no run made it).
    pub run_ms: Option<u64>,
    /// Updates it holds.
    pub updates: u32,
}

/// Every deployment of the run's rules, in order.
pub(super) fn runs(world: &World, m: &DeploymentMetrics) -> Vec<AdrRunReport> {
    world
        .deployments
        .iter()
        .zip(&m.deployments)
        .filter_map(|(d, p)| {
            let run = d.adr?;
            Some(AdrRunReport {
                rule: world.adrs[usize::from(run.rule)].name.clone(),
                deployment: d.id.clone(),
                run_ms: p.adr_run.map(|(t, _)| t.ms()),
                updates: p.adr_run.map_or(0, |(_, n)| n),
            })
        })
        .collect()
}
