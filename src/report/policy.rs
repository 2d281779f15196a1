//! The terminal report's view of machine policy requests at the management points (issue
//! 12): each MP's busiest minute beside its capacity, and the MPs that went over it.

use super::summary::{MpSummary, PolicySummary};

/// An MP's capacity in requests per minute, as the table shows it ("—": none set).
pub(super) fn capacity(p: &PolicySummary) -> String {
    p.policy_capacity_per_minute
        .map_or_else(|| "—".into(), |c| format!("{c:.1}"))
}

/// A line per MP that received more policy requests than its capacity in some minute.
pub(super) fn over_capacity(mps: &[MpSummary]) -> String {
    mps.iter()
        .filter(|m| m.policy.policy_minutes_over_capacity > 0)
        .map(|m| {
            format!(
                "{} received more machine policy requests than its capacity in {} minutes \
                 (mp_max_clients polling once per machine_policy_interval)\n",
                m.name, m.policy.policy_minutes_over_capacity
            )
        })
        .collect()
}
