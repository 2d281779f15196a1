//! The reporting path in the terminal report (R13): how long states took to reach the
//! databases, where they queued, and the replication toward the top of the hierarchy.

use super::{at, when};
use crate::report::summary::Summary;
use crate::report::table::Table;

/// The section, or nothing when no message ever waited and nothing replicates.
pub(super) fn section(s: &Summary) -> String {
    let c = &s.compliance;
    let queued = c.management_points.iter().any(|m| m.backlog_peak > 0)
        || c.databases.iter().any(|d| d.backlog_peak > 0);
    if !queued && c.replications.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\nReporting path (R13): scan → own site database median {}, p95 {}; \
         → top database median {}, p95 {}\n",
        when(c.scan_to_db_ms.median),
        when(c.scan_to_db_ms.p95),
        when(c.scan_to_top_db_ms.median),
        when(c.scan_to_top_db_ms.p95),
    );
    let mut t = Table::new(&["server", "site", "writes to", "most waiting", "at"]);
    for m in c.management_points.iter().filter(|m| m.backlog_peak > 0) {
        t.row(vec![
            format!("MP {}", m.name),
            m.site.clone(),
            m.database.clone(),
            m.backlog_peak.to_string(),
            at(s, m.backlog_peak_at_ms),
        ]);
    }
    for d in &c.databases {
        t.row(vec![
            format!("database {}", d.site),
            d.site.clone(),
            d.replicates_to.clone().unwrap_or_else(|| "— (top)".into()),
            d.backlog_peak.to_string(),
            at(s, d.backlog_peak_at_ms),
        ]);
    }
    out.push_str(&t.render());
    for r in &c.replications {
        out.push_str(&format!(
            "  {} → {}: {} replications, {} state changes\n",
            r.from, r.to, r.replications, r.messages
        ));
    }
    out
}
