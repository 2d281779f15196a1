//! The deployment phase in the terminal report (R16–R25): installs on the clients and in the
//! site databases, machines fully compliant, phases, automatic deployment rules, the DPs and
//! their content, users' notifications and early installs.

use super::{Detail, at, pct};
use crate::report::doc::Doc;
use crate::report::summary::Summary;
use crate::report::table::Table;

/// A table whose columns `first` are followed by when 50/90/95/99 % were reached on the
/// clients and in the site databases.
fn marks_table(first: &[&str]) -> Table {
    let marks = ["50%", "90%", "95%", "99%"];
    let db = ["db 50%", "db 90%", "db 95%", "db 99%"];
    let headers: Vec<&str> = first.iter().chain(&marks).chain(&db).copied().collect();
    Table::new(&headers)
}

/// `row` followed by the times of `truth` and `db` marks, for a [`marks_table`].
fn with_marks(
    s: &Summary,
    mut row: Vec<String>,
    truth: &[Option<u64>; 4],
    db: &[Option<u64>; 4],
) -> Vec<String> {
    row.extend(truth.iter().chain(db).map(|&m| at(s, m)));
    row
}

/// Phased deployments: when each phase began, or that it never did and how far the phase
/// before it got toward the criterion.
fn phases(out: &mut Doc, s: &Summary) {
    out.subheading(
        "Phases: each begins at creation, when the phase before reaches its success \
         percentage in the site databases (then a deferral), or a delay after it began",
    );
    let mut t = Table::new(&["phase", "#", "begins", "started", "in db"]);
    let list = &s.deployment.phases;
    for (k, p) in list.iter().enumerate() {
        let prev = k.checked_sub(1).map(|j| &list[j]).filter(|_| p.phase > 1);
        let after = p.after_ms.map(|x| super::when(Some(x)));
        let begins = match (p.begins, prev, p.success_percent) {
            ("criterion", Some(q), Some(pc)) => format!(
                "{} at {pc} %, then {}",
                q.deployment,
                after.unwrap_or_default()
            ),
            ("delay", Some(q), _) => {
                format!("{} after {} began", after.unwrap_or_default(), q.deployment)
            }
            _ => "at creation".into(),
        };
        let started = match (p.started_ms, prev) {
            (Some(t), _) => at(s, Some(t)),
            (None, Some(q)) if q.started_ms.is_none() => {
                "never: the phase before never began".into()
            }
            (None, Some(q)) if p.begins == "criterion" => format!(
                "never: {} reached {:.1} %",
                q.deployment, q.db_compliant_percent
            ),
            (None, _) => "never in this run".into(),
        };
        t.row(vec![
            p.deployment.clone(),
            p.phase.to_string(),
            begins,
            started,
            format!("{:.1}%", p.db_compliant_percent),
        ]);
    }
    out.table(t);
}

/// The deployment phase: content, installs on clients and in the databases, DPs, users.
pub(super) fn deployment(out: &mut Doc, s: &Summary, detail: Detail) {
    let d = &s.deployment;
    out.heading("Deployments (R16–R25): installed on the clients / in the site databases");
    let mut t = marks_table(&["deployment", "created", "required", "installed"]);
    for r in &d.deployments {
        let created = if r.rejected {
            "rejected".into()
        } else {
            at(s, r.created_ms)
        };
        let row = vec![
            r.id.clone(),
            created,
            r.required.to_string(),
            r.installed.to_string(),
        ];
        t.row(with_marks(s, row, &r.installed_ms, &r.db_installed_ms));
    }
    out.table(t);
    for r in d.deployments.iter().filter(|r| !r.rejected) {
        if let Some(deadline) = r.deadline_ms.filter(|&t| t > s.end_ms) {
            out.text(format!(
                "  {}: the deadline {} is after the end of the run ({}): no deadline installs \
                 in this run\n",
                r.id,
                at(s, Some(deadline)),
                at(s, Some(s.end_ms))
            ));
        }
    }
    out.subheading(
        "Machines fully compliant (every update of the deployment that applies installed, \
         restarted where needed): truly / in the site databases",
    );
    let mut t = marks_table(&["deployment", "targeted", "compliant", "in db"]);
    for r in d.deployments.iter().filter(|r| !r.rejected) {
        let m = &r.machines;
        let row = vec![
            r.id.clone(),
            m.targeted.to_string(),
            pct(m.compliant as i64, m.targeted),
            pct(m.db_compliant as i64, m.targeted),
        ];
        t.row(with_marks(s, row, &m.compliant_ms, &m.db_compliant_ms));
    }
    out.table(t);
    if !d.phases.is_empty() {
        phases(out, s);
    }
    if !d.adr_runs.is_empty() {
        out.subheading("Automatic deployment rules: each run that found updates");
        for r in &d.adr_runs {
            let line = match r.run_ms {
                Some(t) => format!(
                    "created by ADR {} at {}, {} update{}",
                    r.rule,
                    at(s, Some(t)),
                    r.updates,
                    if r.updates == 1 { "" } else { "s" }
                ),
                None => format!("not made in this run (ADR {})", r.rule),
            };
            out.text(format!("  {}: {line}\n", r.deployment));
        }
    }
    out.heading("Distribution points (R16, R18)");
    let mut t = Table::new(&[
        "dp",
        "site",
        "content at",
        "downloads",
        "GB served",
        "peak at once",
        "peak at",
    ]);
    let dps = &d.distribution_points;
    let busiest = |i: usize| (dps[i].peak_concurrent, dps[i].bytes);
    for i in detail.pick(dps.len(), busiest) {
        let dp = &dps[i];
        let content = d
            .deployments
            .iter()
            .filter_map(|r| r.content_on_dp_ms.get(&dp.name))
            .map(|&t| at(s, t))
            .collect::<Vec<_>>()
            .join(", ");
        t.row(vec![
            dp.name.clone(),
            dp.site.clone(),
            if content.is_empty() {
                "—".into()
            } else {
                content
            },
            dp.downloads.to_string(),
            format!("{:.2}", dp.bytes as f64 / 1e9),
            dp.peak_concurrent.to_string(),
            at(s, dp.peak_at_ms),
        ]);
    }
    out.table(t);
    out.text(detail.more(dps.len(), "distribution points, less busy", "summary.json"));
    content(out, s, detail);
    let n = &d.notifications;
    out.text(format!(
        "\n  Gave up downloading: {} no DP found (R19), {} no DP reachable (R20), {} user-started (R21); \
         {} Location Services failures, {} DP connection failures\n  \
         Notifications (R22): {} to {} clients, {:.1} each on average, p95 {}, max {}\n  \
         Early installs (R24): {} Express/Advanced, {} Available Software Updates; {} restarts (R25)\n",
        d.gave_up.location,
        d.gave_up.dp_connect,
        d.gave_up.manual,
        d.location_failures,
        d.dp_connect_failures,
        n.total,
        n.clients,
        n.mean,
        n.p95,
        n.max,
        d.user_installs_express,
        d.user_installs_available,
        d.restarts
    ));
}

/// Content: when each package was on all its DPs, and where clients' bytes came from (issue
/// 12, items 4 and 5).
fn content(out: &mut Doc, s: &Summary, detail: Detail) {
    let d = &s.deployment;
    for r in d
        .deployments
        .iter()
        .filter(|r| !r.rejected && r.created_ms.is_some())
    {
        let took = match (r.content_complete_ms, r.created_ms) {
            (Some(done), Some(created)) => format!(
                "{} ({} after creation)",
                at(s, Some(done)),
                super::when(Some(done.saturating_sub(created)))
            ),
            _ => "never in this run".into(),
        };
        out.text(format!(
            "  {}: content on all {} DPs {took}\n",
            r.id,
            r.content_on_dp_ms.len()
        ));
    }
    let b = &d.download_bytes;
    out.text(format!(
        "  Downloaded: {:.2} GB from DPs (of which {:.2} GB by boundary-group fallback), {:.2} GB from peers\n",
        b.from_dps as f64 / 1e9,
        b.fallback as f64 / 1e9,
        b.from_peers as f64 / 1e9
    ));
    let links: Vec<_> = d.fallback.iter().collect();
    for i in detail.pick(links.len(), |i| links[i].1.bytes) {
        let (rel, f) = links[i];
        out.text(format!(
            "    fallback {rel}: {} download{}, {:.2} GB\n",
            f.downloads,
            if f.downloads == 1 { "" } else { "s" },
            f.bytes as f64 / 1e9
        ));
    }
    out.text(detail.more(links.len(), "fallback links, fewer bytes", "summary.json"));
    wan_links(out, d, detail);
}

/// The bytes over each site link that carried any, the busiest first when cut.
fn wan_links(out: &mut Doc, d: &crate::report::summary::DeploymentSummary, detail: Detail) {
    let links = &d.wan_links;
    if links.is_empty() {
        return;
    }
    let gb = |b: u64| format!("{:.2}", b as f64 / 1e9);
    let mut t = Table::new(&[
        "link",
        "copy Mbit/s",
        "copies",
        "copy GB",
        "downloads",
        "download GB",
        "of which fallback GB",
        "total GB",
    ]);
    for i in detail.pick(links.len(), |i| links[i].bytes) {
        let l = &links[i];
        t.row(vec![
            l.link.clone(),
            l.copy_mbps.map_or("—".into(), |m| format!("{m:.1}")),
            l.load.copies.to_string(),
            gb(l.load.copy_bytes),
            l.load.downloads.to_string(),
            gb(l.load.download_bytes),
            gb(l.load.fallback_bytes),
            gb(l.bytes),
        ]);
    }
    out.subheading("WAN links (site → parent): what crossed each");
    out.table(t);
    out.text(detail.more(links.len(), "WAN links, fewer bytes", "summary.json"));
}
