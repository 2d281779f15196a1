//! The terminal report of a run.

mod deployment;
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
        out.push_str(&deployment::deployment(s));
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
