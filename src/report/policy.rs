//! The terminal report's view of machine policy requests at the management points (issue
//! 12): each MP's busiest minute beside its capacity, and the MPs that went over it.

use super::summary::{MpSummary, PolicySummary};

/// An MP's capacity in requests per minute, as the table shows it ("—": none set).
pub(super) fn capacity(p: &PolicySummary) -> String {
    p.policy_capacity_per_minute
        .map_or_else(|| "—".into(), |c| format!("{c:.1}"))
}

/// MPs named in the line about going over capacity; the summary has every one.
const NAMED: usize = 6;

/// One line naming the MPs that received more policy requests than their capacity in some
/// minute, and in how many minutes ("" when none did).
pub(super) fn over_capacity(mps: &[MpSummary]) -> String {
    let over: Vec<&MpSummary> = mps
        .iter()
        .filter(|m| m.policy.policy_minutes_over_capacity > 0)
        .collect();
    let Some(cap) = over
        .first()
        .and_then(|m| m.policy.policy_capacity_per_minute)
    else {
        return String::new();
    };
    let mut named: Vec<String> = over
        .iter()
        .take(NAMED)
        .map(|m| format!("{} {} min", m.name, m.policy.policy_minutes_over_capacity))
        .collect();
    if over.len() > NAMED {
        named.push(format!("and {} more", over.len() - NAMED));
    }
    format!(
        "Over their machine policy capacity ({cap:.1} requests/min: mp_max_clients polling \
         once per machine_policy_interval): {}\n",
        named.join(", ")
    )
}
