//! The reporting path in the terminal report (R13): how long states took to reach the
//! databases, where they queued, and the replication toward the top of the hierarchy.

use super::{Detail, at, when};
use crate::report::doc::Doc;
use crate::report::summary::Summary;
use crate::report::table::Table;

/// The section, or nothing when no message ever waited and nothing replicates.
pub(super) fn section(s: &Summary, detail: Detail) -> Doc {
    let c = &s.compliance;
    let mut out = Doc::new();
    let queued = c.management_points.iter().any(|m| m.backlog_peak > 0)
        || c.databases.iter().any(|d| d.backlog_peak > 0);
    if !queued && c.replications.is_empty() {
        return out;
    }
    out.heading(format!(
        "Reporting path (R13): scan → own site database median {}, p95 {}; \
         → top database median {}, p95 {}",
        when(c.scan_to_db_ms.median),
        when(c.scan_to_db_ms.p95),
        when(c.scan_to_top_db_ms.median),
        when(c.scan_to_top_db_ms.p95),
    ));
    let mut t = Table::new(&["server", "site", "writes to", "most waiting", "at"]);
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for m in c.management_points.iter().filter(|m| m.backlog_peak > 0) {
        let row = vec![
            format!("MP {}", m.name),
            m.site.clone(),
            m.database.clone(),
            m.backlog_peak.to_string(),
            at(s, m.backlog_peak_at_ms),
        ];
        rows.push((u64::from(m.backlog_peak), row));
    }
    for d in &c.databases {
        let row = vec![
            format!("database {}", d.site),
            d.site.clone(),
            d.replicates_to.clone().unwrap_or_else(|| "— (top)".into()),
            d.backlog_peak.to_string(),
            at(s, d.backlog_peak_at_ms),
        ];
        rows.push((u64::from(d.backlog_peak), row));
    }
    for i in detail.pick(rows.len(), |i| rows[i].0) {
        t.row(rows[i].1.clone());
    }
    out.table(t);
    out.text(detail.more(rows.len(), "servers, shorter queues", "summary.json"));
    let reps = &c.replications;
    for i in detail.pick(reps.len(), |i| reps[i].messages) {
        let r = &reps[i];
        out.text(format!(
            "  {} → {}: {} replications, {} state changes\n",
            r.from, r.to, r.replications, r.messages
        ));
    }
    out.text(detail.more(
        reps.len(),
        "replication links, fewer changes",
        "summary.json",
    ));
    out
}
