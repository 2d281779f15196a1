//! Per level of the hierarchy (central, primary, secondary sites): what the terminal shows
//! instead of one row or column per site when a hierarchy has more sites than fit
//! (issue 13). Every site is still in `summary.json`, and `--detail` prints them.

use super::at;
use crate::report::doc::Doc;
use crate::report::summary::{SiteSummary, Summary};
use crate::report::table::Table;
use crate::scenario::SiteKind;

/// The levels present in `s`, top down, with their sites.
fn levels(s: &Summary) -> Vec<(&'static str, Vec<&SiteSummary>)> {
    SiteKind::LEVELS
        .into_iter()
        .map(|kind| {
            (
                kind.name(),
                s.sites.iter().filter(|x| x.kind == kind).collect(),
            )
        })
        .filter(|(_, sites): &(_, Vec<_>)| !sites.is_empty())
        .collect()
}

/// Those of `sites` with a database of their own (not served by another site's SUP).
fn own_databases<'a>(sites: &[&'a SiteSummary]) -> Vec<&'a SiteSummary> {
    sites
        .iter()
        .copied()
        .filter(|x| x.served_by.is_none())
        .collect()
}

/// The site databases per level: how many sites have one, the updates they hold (fewest –
/// most), and the expiry figures summed.
pub(super) fn site_databases(out: &mut Doc, s: &Summary) {
    let mut t = Table::new(&[
        "level",
        "sites",
        "own database",
        "updates",
        "expired by sync",
        "migrated",
        "reactivated",
    ]);
    for (name, sites) in levels(s) {
        let own = own_databases(&sites);
        let fewest = own.iter().map(|x| x.updates_in_db).min();
        let most = own.iter().map(|x| x.updates_in_db).max();
        t.row(vec![
            name.to_string(),
            sites.len().to_string(),
            own.len().to_string(),
            match (fewest, most) {
                (Some(a), Some(b)) if a == b => a.to_string(),
                (Some(a), Some(b)) => format!("{a}–{b}"),
                _ => "—".into(),
            },
            sites
                .iter()
                .map(|x| x.expired_by_sync)
                .sum::<u32>()
                .to_string(),
            sites
                .iter()
                .map(|x| x.migrated_expired)
                .sum::<u32>()
                .to_string(),
            match sites
                .iter()
                .filter(|x| x.migrated_reactivated_ms.is_some())
                .count()
            {
                0 => "—".into(),
                n => format!("at {n} sites"),
            },
        ]);
    }
    out.table(t);
    out.text("  (every site in summary.json; --detail lists them all)\n");
}

/// Column headings and cells of the "when each database had each update" table per level:
/// when the first and when the last of the level's own databases had the update (a dash
/// while one never did).
pub(super) struct UpdateColumns<'a> {
    levels: Vec<(&'static str, Vec<&'a SiteSummary>)>,
}

impl<'a> UpdateColumns<'a> {
    pub(super) fn new(s: &'a Summary) -> Self {
        let levels = levels(s)
            .into_iter()
            .map(|(name, sites)| (name, own_databases(&sites)))
            .filter(|(_, own)| !own.is_empty())
            .collect();
        UpdateColumns { levels }
    }

    pub(super) fn headings(&self) -> Vec<String> {
        self.levels
            .iter()
            .flat_map(|(name, own)| match own.len() {
                1 => vec![name.to_string()],
                _ => vec![format!("{name} first"), format!("{name} all")],
            })
            .collect()
    }

    pub(super) fn cells(
        &self,
        s: &Summary,
        u: &crate::report::summary::UpdateSummary,
    ) -> Vec<String> {
        let mut row = Vec::new();
        for (_, own) in &self.levels {
            let times: Vec<Option<u64>> = own
                .iter()
                .map(|x| u.in_site_db_ms.get(&x.code).copied())
                .collect();
            let first = times.iter().flatten().min().copied();
            let all = times
                .iter()
                .copied()
                .try_fold(0, |m, t| t.map(|t| t.max(m)));
            row.push(at(s, first));
            if own.len() > 1 {
                row.push(at(s, all));
            }
        }
        row
    }
}
