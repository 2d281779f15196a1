//! The terminal report of a run.

mod reporting;
mod view;

use super::summary::Summary;
use super::table::Table;
use crate::engine::SimTime;

/// Update rows shown in the terminal; `summary.json` has them all.
const MAX_UPDATE_ROWS: usize = 20;

/// A time for people, as `3d 04:00` (to the second under an hour), or a dash when it never
/// happened.
pub(super) fn when(ms: Option<u64>) -> String {
    match ms {
        None => "—".to_string(),
        Some(t) => super::variation::show(Some(t as f64 / 3_600_000.0), "h"),
    }
}

/// A point in time for people: `Fri 12-11 18:08` on the run's calendar, else as [`when`].
pub(super) fn at(s: &Summary, ms: Option<u64>) -> String {
    match (&s.calendar, ms) {
        (Some(c), Some(t)) => c.short(SimTime(t)),
        _ => when(ms),
    }
}

/// Renders `s` for people.
pub fn render(s: &Summary) -> String {
    let mut out = format!(
        "cmsim — {} (seed {}, {} simulated{}, {} events, {} clients)\n",
        s.scenario,
        s.seed,
        SimTime(s.end_ms),
        s.calendar
            .as_ref()
            .map(|c| format!(" from {} ({})", c.short(SimTime::ZERO), c.zone_name()))
            .unwrap_or_default(),
        s.events,
        s.clients
    );
    out.push_str(&view::section(s));
    out.push_str(&super::headline::headline(s, |t| at(s, t)));
    out.push_str("\nSoftware update points: synchronization (R01–R06) and clients' scans\n");
    let mut t = Table::new(&[
        "site",
        "sup",
        "upstream",
        "full",
        "delta",
        "retries",
        "6702",
        "6703",
        "first 6702",
        "last 6702",
        "longest",
        "scans (peak)",
        "failed scans",
    ]);
    for site in &s.sites {
        for sup in &site.sups {
            t.row(vec![
                site.code.clone(),
                sup.name.clone() + if sup.internet { " (internet)" } else { "" },
                match &sup.shares_database_of {
                    Some(of) => format!("shares {of}"),
                    None => sup.upstream.clone(),
                },
                sup.full_syncs.to_string(),
                sup.delta_syncs.to_string(),
                sup.retries.to_string(),
                sup.status_6702.to_string(),
                sup.status_6703.to_string(),
                at(s, sup.first_6702_ms),
                at(s, sup.last_6702_ms),
                when(sup.longest_sync_ms),
                format!("{} ({})", sup.scans_served, sup.scan_peak),
                failed_scans(sup),
            ]);
        }
    }
    out.push_str(&t.render());
    out.push_str("\nSite databases (R03, R07)\n");
    let mut t = Table::new(&[
        "site",
        "kind",
        "parent",
        "updates",
        "expired by sync",
        "migrated",
        "reactivated",
    ]);
    for site in &s.sites {
        t.row(vec![
            site.code.clone(),
            format!("{:?}", site.kind).to_lowercase(),
            site.parent.clone().unwrap_or_else(|| "—".into()),
            match &site.served_by {
                Some(by) => format!("no SUP: served by {by}"),
                None => site.updates_in_db.to_string(),
            },
            site.expired_by_sync.to_string(),
            site.migrated_expired.to_string(),
            at(s, site.migrated_reactivated_ms),
        ]);
    }
    out.push_str(&t.render());
    out.push_str(&updates_table(s));
    out.push_str(&compliance(s));
    if !s.deployment.deployments.is_empty() {
        out.push_str(&deployment(s));
    }
    out
}

/// Why the databases say Required at the end, where anything but "not deployed" explains it.
fn required_because(s: &Summary) -> String {
    let mut t = Table::new(&[
        "site",
        "update",
        "required",
        "not deployed",
        "deployed",
        "pending restart",
        "installed, not reported",
    ]);
    let mut any = false;
    for db in &s.compliance.databases {
        for u in &db.updates {
            let r = &u.required_because;
            if r.deployed_not_installed + r.pending_restart + r.installed_not_reported == 0 {
                continue;
            }
            any = true;
            t.row(vec![
                db.site.clone(),
                u.id.clone(),
                u.required.to_string(),
                r.not_deployed.to_string(),
                r.deployed_not_installed.to_string(),
                r.pending_restart.to_string(),
                r.installed_not_reported.to_string(),
            ]);
        }
    }
    if any {
        format!(
            "\n  Why the databases say Required at the end (R15)\n{}",
            t.render()
        )
    } else {
        String::new()
    }
}

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
fn phases(s: &Summary) -> String {
    let mut out = String::from(
        "\n  Phases: each begins at creation, when the phase before reaches its success \
         percentage in the site databases (then a deferral), or a delay after it began\n",
    );
    let mut t = Table::new(&["phase", "#", "begins", "started", "in db"]);
    let list = &s.deployment.phases;
    for (k, p) in list.iter().enumerate() {
        let prev = k.checked_sub(1).map(|j| &list[j]).filter(|_| p.phase > 1);
        let after = p
            .after_ms
            .map(|x| crate::engine::SimDuration(x).to_string());
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
    out.push_str(&t.render());
    out
}

/// The deployment phase: content, installs on clients and in the databases, DPs, users.
fn deployment(s: &Summary) -> String {
    let d = &s.deployment;
    let mut out =
        String::from("\nDeployments (R16–R25): installed on the clients / in the site databases\n");
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
    out.push_str(&t.render());
    for r in d.deployments.iter().filter(|r| !r.rejected) {
        if let Some(deadline) = r.deadline_ms.filter(|&t| t > s.end_ms) {
            out.push_str(&format!(
                "  {}: the deadline {} is after the end of the run ({}): no deadline installs \
                 in this run\n",
                r.id,
                at(s, Some(deadline)),
                at(s, Some(s.end_ms))
            ));
        }
    }
    out.push_str(
        "\n  Machines fully compliant (every update of the deployment that applies installed, \
         restarted where needed): truly / in the site databases\n",
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
    out.push_str(&t.render());
    if !d.phases.is_empty() {
        out.push_str(&phases(s));
    }
    if !d.adr_runs.is_empty() {
        out.push_str("\n  Automatic deployment rules: each run after a sync that found updates\n");
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
            out.push_str(&format!("  {}: {line}\n", r.deployment));
        }
    }
    out.push_str("\nDistribution points (R16, R18)\n");
    let mut t = Table::new(&[
        "dp",
        "site",
        "content at",
        "downloads",
        "GB served",
        "peak at once",
        "peak at",
    ]);
    for dp in &d.distribution_points {
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
            if dp.downloads > 0 {
                at(s, Some(dp.peak_at_ms))
            } else {
                "—".into()
            },
        ]);
    }
    out.push_str(&t.render());
    out.push_str(&content(s));
    let n = &d.notifications;
    out.push_str(&format!(
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
    out
}

/// `part` of `whole` in percent, one decimal; a dash of nothing.
pub(super) fn pct(part: i64, whole: u64) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// The compliance phase: scans, the databases' view against the truth, MP load.
fn compliance(s: &Summary) -> String {
    let c = &s.compliance;
    let mut out = format!(
        "\nCompliance (R09–R15): {} policies received, {} scans ({} with changes); \
         scan → site database: median {}, p95 {}, max {}\n",
        c.policies_received,
        c.scans,
        c.scans_with_changes,
        when(c.scan_to_db_ms.median),
        when(c.scan_to_db_ms.p95),
        when(c.scan_to_db_ms.max),
    );
    if c.states_discarded > 0 {
        out.push_str(&format!(
            "  {} state messages discarded: their site databases had not synced the update (R15); \
             a database without a SUP of its own never gets states\n",
            c.states_discarded
        ));
    }
    for db in &c.databases {
        out.push_str(&format!(
            "\n  Site database {} ({} clients) at the end — database view against the truth\n",
            db.site, db.clients
        ));
        let mut t = Table::new(&[
            "update",
            "required",
            "not req.",
            "installed",
            "unknown",
            "true req.",
            "known 50%",
            "90%",
            "95%",
            "99%",
        ]);
        let skip = db.updates.len().saturating_sub(MAX_UPDATE_ROWS);
        for u in &db.updates[skip..] {
            let mut row = vec![
                u.id.clone(),
                pct(u.required, db.clients),
                pct(u.not_required, db.clients),
                pct(u.installed, db.clients),
                pct(u.unknown, db.clients),
                pct(u.true_required as i64, db.clients),
            ];
            row.extend(u.known_ms.iter().map(|&m| at(s, m)));
            t.row(row);
        }
        out.push_str(&t.render());
    }
    out.push_str(&required_because(s));
    out.push_str("\nState messages per management point (R13)\n");
    let mut t = Table::new(&[
        "mp",
        "site",
        "clients",
        "policy peak/min",
        "capacity/min",
        "sends",
        "messages",
        "peak/min",
        "peak at",
    ]);
    for m in &c.management_points {
        t.row(vec![
            m.name.clone(),
            m.site.clone(),
            m.clients.to_string(),
            m.policy.policy_peak_per_minute.to_string(),
            super::policy::capacity(&m.policy),
            m.sends.to_string(),
            m.state_messages.to_string(),
            m.peak_per_minute.to_string(),
            if m.peak_per_minute > 0 {
                at(s, Some(m.peak_at_ms))
            } else {
                "—".into()
            },
        ]);
    }
    out + &t.render() + &super::policy::over_capacity(&c.management_points) + &reporting::section(s)
}

/// When each site's database (and the ITMU catalog) first had each update; the most recent
/// releases when there are many.
fn updates_table(s: &Summary) -> String {
    let itmu = !s.itmu_refreshes_ms.is_empty();
    let mut head = vec!["update", "released"];
    head.extend(s.sites.iter().map(|x| x.code.as_str()));
    if itmu {
        head.push("ITMU");
    }
    let mut t = Table::new(&head);
    let skip = s.updates.len().saturating_sub(MAX_UPDATE_ROWS);
    for u in &s.updates[skip..] {
        let mut row = vec![u.id.clone(), at(s, Some(u.released_ms))];
        row.extend(
            s.sites
                .iter()
                .map(|x| at(s, u.in_site_db_ms.get(&x.code).copied())),
        );
        if itmu {
            row.push(at(s, u.in_itmu_catalog_ms));
        }
        t.row(row);
    }
    let mut out = String::from("\nWhen each site database first had each update (R04");
    out.push_str(if itmu { ", R08 for ITMU)\n" } else { ")\n" });
    if skip > 0 {
        out.push_str(&format!("  ({skip} earlier updates in summary.json)\n"));
    }
    out + &t.render()
}

/// A SUP's failed scans: how many, of which over capacity, and how many clients gave up or
/// moved to another SUP.
fn failed_scans(sup: &super::summary::SupSummary) -> String {
    let mut why = Vec::new();
    if sup.scans_overloaded > 0 {
        why.push(format!("{} overloaded", sup.scans_overloaded));
    }
    if sup.scans_given_up > 0 {
        why.push(format!("{} gave up", sup.scans_given_up));
    }
    if sup.clients_left > 0 {
        why.push(format!("{} clients left", sup.clients_left));
    }
    match why.is_empty() {
        true => sup.scans_failed.to_string(),
        false => format!("{} ({})", sup.scans_failed, why.join(", ")),
    }
}

/// Content: when each package was on all its DPs, and where clients' bytes came from (issue
/// 12, items 4 and 5).
fn content(s: &Summary) -> String {
    let d = &s.deployment;
    let mut out = String::new();
    for r in d
        .deployments
        .iter()
        .filter(|r| !r.rejected && r.created_ms.is_some())
    {
        let took = match (r.content_complete_ms, r.created_ms) {
            (Some(done), Some(created)) => format!(
                "{} ({} after creation)",
                at(s, Some(done)),
                crate::engine::SimDuration::from_ms(done.saturating_sub(created))
            ),
            _ => "never in this run".into(),
        };
        out.push_str(&format!(
            "  {}: content on all {} DPs {took}\n",
            r.id,
            r.content_on_dp_ms.len()
        ));
    }
    let b = &d.download_bytes;
    out.push_str(&format!(
        "  Downloaded: {:.2} GB from DPs (of which {:.2} GB by boundary-group fallback), {:.2} GB from peers\n",
        b.from_dps as f64 / 1e9,
        b.fallback as f64 / 1e9,
        b.from_peers as f64 / 1e9
    ));
    for (rel, f) in &d.fallback {
        out.push_str(&format!(
            "    fallback {rel}: {} downloads, {:.2} GB\n",
            f.downloads,
            f.bytes as f64 / 1e9
        ));
    }
    out
}
