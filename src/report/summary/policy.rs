//! Machine policy requests at one management point against its capacity (issue 12): what
//! `observe/policy_load.rs` counted from the machines that were on, beside what the MP
//! supports (`mp_max_clients` polling once per `machine_policy_interval`).

use crate::observe::policy_load::PolicyLoad;
use serde::Serialize;

/// Policy requests at one management point, in its [`super::MpSummary`].
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PolicySummary {
    /// Machine policy requests received over the whole minutes of the run: the polls of the
    /// machines that were on, and their start-up polls.
    pub policy_requests: u64,
    /// Most requests in one minute.
    pub policy_peak_per_minute: u64,
    /// When the first minute with that many began (null: no request).
    pub policy_peak_at_ms: Option<u64>,
    /// What the MP supports, in requests per minute: `mp_max_clients` clients polling once
    /// per `machine_policy_interval` (null: `mp_max_clients` is 0).
    pub policy_capacity_per_minute: Option<f64>,
    /// Minutes with more requests than that.
    pub policy_minutes_over_capacity: u64,
}

/// The policy requests of management point `m`.
pub(super) fn policy(load: &PolicyLoad, m: usize) -> PolicySummary {
    let mp = load.mps.get(m);
    PolicySummary {
        policy_requests: mp.map_or(0, |x| x.requests),
        policy_peak_per_minute: mp.map_or(0, |x| x.peak),
        policy_peak_at_ms: mp.and_then(|x| x.peak_at).map(|t| t.ms()),
        policy_capacity_per_minute: load.capacity_per_minute(),
        policy_minutes_over_capacity: mp.map_or(0, |x| x.minutes_over),
    }
}
