//! The figures a patch manager compares across seeds and plans: a run's summary reduced to
//! named numbers (times in hours since the start, counts, loads). A time that never came is
//! `None` ("never") and sorts after every number, so a percentile over seeds that includes
//! runs where it never happened says so.

use super::summary::Summary;
use crate::observe::compliance::MARKS;

/// One named figure of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// Stable name, e.g. `deployment SUG-2023-10 installed 95%`.
    pub name: String,
    /// Unit shown with it.
    pub unit: &'static str,
    /// Its value; `None` for a time that never came.
    pub value: Option<f64>,
}

impl Figure {
    /// How a table's header names it: `95 % of machines compliant (h)`.
    pub fn label(&self) -> String {
        label(&self.name, self.unit)
    }
}

/// A figure's name with its unit where the name does not say it: times get ` (h)`.
pub fn label(name: &str, unit: &str) -> String {
    match unit {
        "h" => format!("{name} (h)"),
        _ => name.to_string(),
    }
}

/// The snake_case key of a figure's label, carrying its unit, for JSON and scripts:
/// `95 % of machines compliant (h)` is `95pct_of_machines_compliant_hours`, `P01 database
/// knows 95% (slowest update) (h)` is `p01_database_knows_95pct_slowest_update_hours`. ASCII
/// letters and digits are kept (lower-cased), `%` is `pct`, anything else separates words.
pub fn key(label: &str) -> String {
    let label = label.replace(" %", "%").replace("(h)", "hours");
    let mut out = String::with_capacity(label.len() + 8);
    for c in label.chars() {
        match c {
            '%' => out.push_str("pct"),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            _ if out.ends_with('_') || out.is_empty() => {}
            _ => out.push('_'),
        }
    }
    out.truncate(out.trim_end_matches('_').len());
    out
}

/// Makes `keys` unique in their order: a key met before gets `_2`, `_3`, … (two
/// deployments `SUG-1` and `SUG_1` would otherwise share `sug_1_installed_95pct_hours`).
pub fn make_unique(keys: &mut [String]) {
    let mut seen = std::collections::BTreeSet::new();
    for k in keys.iter_mut() {
        let mut n = 1;
        let base = k.clone();
        while !seen.insert(k.clone()) {
            n += 1;
            *k = format!("{base}_{n}");
        }
    }
}

fn hours(ms: Option<u64>) -> Option<f64> {
    ms.map(|t| t as f64 / 3_600_000.0)
}

fn push(out: &mut Vec<Figure>, name: String, unit: &'static str, value: Option<f64>) {
    out.push(Figure { name, unit, value });
}

/// The headline figures across runs: when this share (%) of the targeted machines was
/// compliant, with its index in `MachinesSummary::compliant_ms` (50, 90, 95, 99).
pub const MACHINE_MARKS: [(usize, u32); 2] = [(1, 90), (2, 95)];

/// The name of the headline figure for `p` % (in replications.json, comparison.json and
/// sweep tables, and looked up by `report.html`).
pub fn machines_compliant(p: u32) -> String {
    format!("{p} % of machines compliant")
}

/// The figures of one run, in a fixed order.
pub fn figures(s: &Summary) -> Vec<Figure> {
    let mut out = Vec::new();
    // The headline: when the targeted machines were compliant (issue 11).
    if s.machines.targeted > 0 {
        for (k, p) in MACHINE_MARKS {
            push(
                &mut out,
                machines_compliant(p),
                "h",
                hours(s.machines.compliant_ms[k]),
            );
        }
    }
    let last_db = s
        .updates
        .iter()
        .flat_map(|u| u.in_site_db_ms.values())
        .max()
        .copied();
    push(
        &mut out,
        "all site databases up to date".into(),
        "h",
        hours(last_db),
    );
    let failures: u32 = s
        .sites
        .iter()
        .flat_map(|x| &x.sups)
        .map(|x| x.status_6703)
        .sum();
    push(
        &mut out,
        "failed syncs (6703)".into(),
        "",
        Some(f64::from(failures)),
    );
    let c = &s.compliance;
    push(
        &mut out,
        "scan to database p95".into(),
        "h",
        hours(c.scan_to_db_ms.p95),
    );
    for db in &c.databases {
        let slowest = |k: usize| {
            let times: Vec<Option<u64>> = db.updates.iter().map(|u| u.known_ms[k]).collect();
            // An update nobody reports (superseded) never gets known: leave it out.
            times.into_iter().flatten().max()
        };
        push(
            &mut out,
            format!("{} database knows 95% (slowest update)", db.site),
            "h",
            hours(slowest(2)),
        );
    }
    let peak_mp = c
        .management_points
        .iter()
        .map(|m| m.peak_per_minute)
        .max()
        .unwrap_or(0);
    push(
        &mut out,
        "peak state messages per minute at an MP".into(),
        "/min",
        Some(peak_mp as f64),
    );
    let peak_policy = c
        .management_points
        .iter()
        .map(|m| m.policy.policy_peak_per_minute)
        .max()
        .unwrap_or(0);
    push(
        &mut out,
        "peak machine policy requests per minute at an MP".into(),
        "/min",
        Some(peak_policy as f64),
    );
    let d = &s.deployment;
    for r in &d.deployments {
        for (k, p) in MARKS.iter().enumerate() {
            push(
                &mut out,
                format!("{} installed {p}%", r.id),
                "h",
                hours(r.installed_ms[k]),
            );
        }
        for (k, p) in MARKS.iter().enumerate() {
            push(
                &mut out,
                format!("{} installed {p}% in the databases", r.id),
                "h",
                hours(r.db_installed_ms[k]),
            );
        }
    }
    if !d.deployments.is_empty() {
        let gave_up = d.gave_up.location + d.gave_up.dp_connect + d.gave_up.manual;
        push(
            &mut out,
            "clients that gave up downloading".into(),
            "",
            Some(gave_up as f64),
        );
        push(
            &mut out,
            "notifications per user (mean)".into(),
            "",
            Some(d.notifications.mean),
        );
        push(
            &mut out,
            "notifications per user (p95)".into(),
            "",
            Some(f64::from(d.notifications.p95)),
        );
        let peak_dp = d
            .distribution_points
            .iter()
            .map(|x| x.peak_concurrent)
            .max()
            .unwrap_or(0);
        push(
            &mut out,
            "peak concurrent downloads at a DP".into(),
            "",
            Some(peak_dp as f64),
        );
    }
    out
}

/// The `p`-th percentile (0–100) of values, `None` sorting last; nearest rank.
pub fn percentile(values: &[Option<f64>], p: u32) -> Option<f64> {
    let mut v: Vec<Option<f64>> = values.to_vec();
    v.sort_by(|a, b| match (a, b) {
        (Some(x), Some(y)) => x.total_cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    if v.is_empty() {
        return None;
    }
    let rank = (v.len() * p as usize).div_ceil(100).clamp(1, v.len());
    v[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn keys_are_snake_case_with_their_unit() {
        use super::{key, label};
        assert_eq!(
            key(&label("95 % of machines compliant", "h")),
            "95pct_of_machines_compliant_hours"
        );
        assert_eq!(
            key(&label("P01 database knows 95% (slowest update)", "h")),
            "p01_database_knows_95pct_slowest_update_hours"
        );
        assert_eq!(
            key(&label("SUG-2026-12 installed 50% in the databases", "h")),
            "sug_2026_12_installed_50pct_in_the_databases_hours"
        );
        assert_eq!(key("failed syncs (6703)"), "failed_syncs_6703");
        assert_eq!(key("  Wörter — à part "), "w_rter_part");
        let mut keys: Vec<String> = ["a", "b", "a", "a_2", "a"].map(String::from).to_vec();
        super::make_unique(&mut keys);
        assert_eq!(keys, ["a", "b", "a_2", "a_2_2", "a_3"]);
    }

    #[test]
    fn percentiles_put_never_last() {
        let v = [Some(3.0), None, Some(1.0), Some(2.0)];
        assert_eq!(percentile(&v, 50), Some(2.0));
        assert_eq!(percentile(&v, 5), Some(1.0));
        assert_eq!(percentile(&v, 95), None);
        assert_eq!(percentile(&[], 50), None);
    }
}
