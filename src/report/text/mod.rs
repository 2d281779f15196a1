//! The terminal report of a run.

mod deployment;
mod levels;
mod reporting;
mod top;
mod view;

pub use top::Detail;
use top::{fold_runs, update_rows};

use super::doc::Doc;
use super::summary::Summary;
use super::table::Table;
use crate::engine::SimTime;

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

/// Renders `s` for people, each long list cut to its worst entries unless `detail` is
/// [`Detail::All`].
pub fn render(s: &Summary, detail: Detail) -> String {
    render_within(s, detail, None)
}

/// [`render`] with its prose (not its tables) wrapped to `width` columns: for a terminal.
pub fn render_within(s: &Summary, detail: Detail, width: Option<usize>) -> String {
    let mut report = Doc::new();
    report.text(title(s));
    report.append(document(s, detail));
    report.to_text_within(width)
}

/// The report's first line: the scenario, its seed, the simulated span, events and clients.
pub fn title(s: &Summary) -> String {
    format!(
        "cmsim — {} (seed {}, {} simulated{}, {} events, {} clients)\n",
        s.scenario,
        s.seed,
        when(Some(s.end_ms)),
        s.calendar
            .as_ref()
            .map(|c| format!(" from {} ({})", c.short(SimTime::ZERO), c.zone_name()))
            .unwrap_or_default(),
        s.events,
        s.clients
    )
}

/// The report below its title, each long list cut to its worst entries unless `detail` is
/// [`Detail::All`]: what the terminal prints and `report.html` shows.
pub fn document(s: &Summary, detail: Detail) -> Doc {
    let mut out = view::section(s);
    out.append(super::headline::headline(s, |t| at(s, t), detail));
    out.heading("Software update points: synchronization (R01–R06) and clients' scans");
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
    let sups: Vec<(&str, &super::summary::SupSummary)> = s
        .sites
        .iter()
        .flat_map(|site| site.sups.iter().map(|sup| (site.code.as_str(), sup)))
        .collect();
    let badness = |i: usize| {
        let sup = sups[i].1;
        (sup.scans_failed, sup.retries, sup.scan_peak)
    };
    for i in detail.pick(sups.len(), badness) {
        let (code, sup) = sups[i];
        t.row(vec![
            code.to_string(),
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
    out.table(t);
    out.text(detail.more(
        sups.len(),
        "SUPs, fewer failed scans and retries",
        "summary.json",
    ));
    site_databases(&mut out, s, detail);
    updates_table(&mut out, s, detail);
    compliance(&mut out, s, detail);
    if !s.deployment.deployments.is_empty() {
        deployment::deployment(&mut out, s, detail);
    }
    out
}

/// The sites' own databases (R03, R07): every site, or per level when there are many.
fn site_databases(out: &mut Doc, s: &Summary, detail: Detail) {
    out.heading("Site databases (R03, R07)");
    if detail.cuts(s.sites.len()) {
        return levels::site_databases(out, s);
    }
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
            site.kind.name().to_string(),
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
    out.table(t);
}

/// Why the databases say Required at the end, where anything but "not deployed" explains it.
fn required_because(out: &mut Doc, s: &Summary, detail: Detail) {
    let mut t = Table::new(&[
        "site",
        "update",
        "required",
        "not deployed",
        "deployed",
        "pending restart",
        "installed, not reported",
    ]);
    let rows: Vec<Vec<String>> = s
        .compliance
        .databases
        .iter()
        .flat_map(|db| db.updates.iter().map(move |u| (db, u)))
        .filter(|(_, u)| {
            let r = &u.required_because;
            r.deployed_not_installed + r.pending_restart + r.installed_not_reported > 0
        })
        .map(|(db, u)| {
            let r = &u.required_because;
            vec![
                db.site.clone(),
                u.id.clone(),
                u.required.to_string(),
                r.not_deployed.to_string(),
                r.deployed_not_installed.to_string(),
                r.pending_restart.to_string(),
                r.installed_not_reported.to_string(),
            ]
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    // A long list: a database's consecutive updates with the same reasons are one row.
    let rows: Vec<Vec<String>> = match detail.cuts(rows.len()) {
        true => fold_runs(rows, 1).into_iter().map(|(r, _)| r).collect(),
        false => rows,
    };
    let required = |i: usize| rows[i][2].parse::<u64>().unwrap_or(0);
    for i in detail.pick(rows.len(), required) {
        t.row(rows[i].clone());
    }
    out.subheading("Why the databases say Required at the end (R15)");
    out.table(t);
    out.text(detail.more(rows.len(), "rows", "summary.json"));
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
fn compliance(out: &mut Doc, s: &Summary, detail: Detail) {
    let c = &s.compliance;
    out.heading(format!(
        "Compliance (R09–R15): {} policies received, {} scans ({} with changes); \
         scan → site database: median {}, p95 {}, max {}",
        c.policies_received,
        c.scans,
        c.scans_with_changes,
        when(c.scan_to_db_ms.median),
        when(c.scan_to_db_ms.p95),
        when(c.scan_to_db_ms.max),
    ));
    if c.states_discarded > 0 {
        out.text(format!(
            "  {} state messages discarded: their site databases had not synced the update (R15); \
             a database without a SUP of its own never gets states\n",
            c.states_discarded
        ));
    }
    let many = detail.cuts(c.databases.len());
    for db in c.databases.iter().filter(|db| !many || db.top) {
        out.subheading(format!(
            "Site database {} ({} clients) at the end — database view against the truth",
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
        let rows = db.updates.iter().map(|u| {
            let mut row = vec![
                u.id.clone(),
                pct(u.required, db.clients),
                pct(u.not_required, db.clients),
                pct(u.installed, db.clients),
                pct(u.unknown, db.clients),
                pct(u.true_required as i64, db.clients),
            ];
            row.extend(u.known_ms.iter().map(|&m| at(s, m)));
            row
        });
        let (rows, skip) = update_rows(detail, rows.collect());
        rows.into_iter().for_each(|r| t.row(r));
        if skip > 0 {
            out.text(format!("  ({skip} earlier updates in summary.json)\n"));
        }
        out.table(t);
    }
    if many {
        databases_at_end(out, s, detail);
    }
    required_because(out, s, detail);
    out.heading("State messages per management point (R13)");
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
    let mps = &c.management_points;
    let busiest = |i: usize| {
        let m = &mps[i];
        let over = m.policy.policy_minutes_over_capacity;
        (over, m.peak_per_minute, m.backlog_peak)
    };
    for i in detail.pick(mps.len(), busiest) {
        let m = &mps[i];
        t.row(vec![
            m.name.clone(),
            m.site.clone(),
            m.clients.to_string(),
            m.policy.policy_peak_per_minute.to_string(),
            super::policy::capacity(&m.policy),
            m.sends.to_string(),
            m.state_messages.to_string(),
            m.peak_per_minute.to_string(),
            at(s, m.peak_at_ms),
        ]);
    }
    out.table(t);
    out.text(detail.more(mps.len(), "management points, less busy", "summary.json"));
    out.text(super::policy::over_capacity(&c.management_points));
    out.append(reporting::section(s, detail));
}

/// Every site database in one row each, the furthest from the truth first: the share of its
/// client × update pairs it holds as required, installed and unknown, against the truly
/// required share, and its longest queue.
fn databases_at_end(out: &mut Doc, s: &Summary, detail: Detail) {
    let dbs = &s.compliance.databases;
    let pairs = |db: &super::summary::DatabaseSummary| db.clients * db.updates.len() as u64;
    let sum = |db: &super::summary::DatabaseSummary,
               f: fn(&super::summary::UpdateStates) -> i64| {
        db.updates.iter().map(f).sum::<i64>()
    };
    let mut t = Table::new(&[
        "database",
        "clients",
        "required",
        "installed",
        "unknown",
        "true req.",
        "most waiting",
    ]);
    let gap = |i: usize| {
        let db = &dbs[i];
        let wrong = sum(db, |u| {
            (u.required - u.true_required as i64).abs() + u.unknown
        });
        (wrong.max(0) as u64 * 1_000_000) / pairs(db).max(1)
    };
    for i in detail.pick(dbs.len(), gap) {
        let db = &dbs[i];
        t.row(vec![
            db.site.clone(),
            db.clients.to_string(),
            pct(sum(db, |u| u.required), pairs(db)),
            pct(sum(db, |u| u.installed), pairs(db)),
            pct(sum(db, |u| u.unknown), pairs(db)),
            pct(sum(db, |u| u.true_required as i64), pairs(db)),
            db.backlog_peak.to_string(),
        ]);
    }
    out.subheading(
        "Site databases at the end, furthest from the truth first (shares of client × update pairs)",
    );
    out.table(t);
    out.text(detail.more(dbs.len(), "site databases", "summary.json, compliance.csv"));
}

/// When each site's database (and the ITMU catalog) first had each update; the most recent
/// releases when there are many, and per level when there are more sites than fit.
fn updates_table(out: &mut Doc, s: &Summary, detail: Detail) {
    let itmu = !s.itmu_refreshes_ms.is_empty();
    let per_level = detail
        .cuts(s.sites.len())
        .then(|| levels::UpdateColumns::new(s));
    let mut head: Vec<String> = vec!["update".into(), "released".into()];
    match &per_level {
        Some(l) => head.extend(l.headings()),
        None => head.extend(s.sites.iter().map(|x| x.code.clone())),
    }
    if itmu {
        head.push("ITMU".into());
    }
    let mut t = Table::new(&head.iter().map(String::as_str).collect::<Vec<_>>());
    let mut rows = Vec::with_capacity(s.updates.len());
    for u in &s.updates {
        let mut row = vec![u.id.clone(), at(s, Some(u.released_ms))];
        match &per_level {
            Some(l) => row.extend(l.cells(s, u)),
            None => row.extend(
                s.sites
                    .iter()
                    .map(|x| at(s, u.in_site_db_ms.get(&x.code).copied())),
            ),
        }
        if itmu {
            row.push(at(s, u.in_itmu_catalog_ms));
        }
        rows.push(row);
    }
    let (rows, skip) = update_rows(detail, rows);
    rows.into_iter().for_each(|r| t.row(r));
    out.heading(match itmu {
        true => "When each site database first had each update (R04, R08 for ITMU)",
        false => "When each site database first had each update (R04)",
    });
    if per_level.is_some() {
        out.text("  (per level: when its first and its last own database had it; every site in summary.json)\n");
    }
    if skip > 0 {
        out.text(format!("  ({skip} earlier updates in summary.json)\n"));
    }
    out.table(t);
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
