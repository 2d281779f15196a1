//! Whose view the compliance curve and the compliance chart show (`cmsim run --view SITE`).
//! By default the view from the top: the databases at the top of the reporting paths (the
//! central site's, or each stand-alone primary's), in which each client counts once. An
//! administrator at a primary below a central site sees only that site's clients, a
//! replication earlier than the top does; a secondary site has no database, so its view is
//! its parent primary's. Every view sums the same per-database time series
//! (`ComplianceMetrics::rows`), so no view is computed twice.

use super::CurvePoint;
use crate::observe::compliance::{ComplianceMetrics, Sample};
use crate::scenario::suggest::did_you_mean;
use crate::world::{SiteId, World};
use serde::Serialize;

/// The site database a user asked to see; in summary.json as `view` (absent: the view from
/// the top), so the file says whose figures its curve and chart are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct View {
    /// The site asked for, its code as the scenario writes it.
    pub site: String,
    /// The site whose database that is: the site itself, or a secondary site's parent
    /// primary (the database its management points write to).
    pub database: String,
    /// Clients whose states that database holds.
    pub clients: u64,
    /// The database's site index.
    #[serde(skip)]
    pub db: usize,
}

impl View {
    /// The view of site `code`, compared without case as Windows compares site codes; an
    /// unknown code is refused with the known ones and the closest of them.
    pub fn of(world: &World, code: &str) -> Result<View, String> {
        let Some(i) = world
            .sites
            .iter()
            .position(|s| s.code.eq_ignore_ascii_case(code))
        else {
            let codes = world.sites.iter().map(|s| s.code.as_str());
            return Err(format!(
                "--view {code}: no site `{code}` in this scenario{}; its sites are {}",
                did_you_mean(code, codes.clone()),
                codes.collect::<Vec<_>>().join(", ")
            ));
        };
        let db = world.database_of(SiteId(i as u16)).index();
        Ok(View {
            site: world.sites[i].code.clone(),
            database: world.sites[db].code.clone(),
            clients: 0,
            db,
        })
    }

    /// How the chart and the report name the view (and the site asked for, when it has no
    /// database of its own).
    pub fn seen(&self) -> String {
        let asked = if self.site == self.database {
            String::new()
        } else {
            format!(" (for {})", self.site)
        };
        format!("as the site database of {} sees it{asked}", self.database)
    }

    /// For a site without a database, whose view it gets instead.
    pub fn stand_in(&self) -> Option<String> {
        (self.site != self.database).then(|| {
            format!(
                "{} has no site database: the view of {}'s",
                self.site, self.database
            )
        })
    }
}

/// The databases a view sums: the one asked for, or the databases at the top.
pub fn databases(view: Option<&View>, c: &ComplianceMetrics) -> Vec<usize> {
    view.map_or_else(|| c.top_sites.clone(), |v| vec![v.db])
}

/// The rows of the time series the view sums, for the updates `followed` (the deployed
/// ones, or all when nothing is deployed), in time order.
pub fn rows<'a>(
    view: Option<&View>,
    c: &'a ComplianceMetrics,
    followed: &'a [bool],
) -> impl Iterator<Item = Sample> + 'a {
    let dbs = databases(view, c);
    c.rows()
        .filter(move |x| followed[x.update as usize] && dbs.contains(&usize::from(x.site)))
}

/// The installed share over time in the view's databases, against the truth of their clients.
pub(super) fn curve(world: &World, c: &ComplianceMetrics, view: Option<&View>) -> Vec<CurvePoint> {
    let followed = world.followed_updates();
    let mut out: Vec<(u64, [f64; 3])> = Vec::new();
    for x in rows(view, c, &followed) {
        if out.last().is_none_or(|p| p.0 != x.t.ms()) {
            out.push((x.t.ms(), [0.0; 3]));
        }
        let p = &mut out.last_mut().expect("pushed").1;
        p[0] += x.db[3] as f64;
        // Applicable: required, pending restart or installed; the truth counts installs
        // that are complete (restarted where needed).
        p[1] += x.truth[3] as f64;
        p[2] += (x.truth[0] + x.truth[1] + x.truth[3]) as f64;
    }
    let pct = |v: f64, of: f64| if of > 0.0 { 100.0 * v / of } else { 0.0 };
    out.into_iter()
        .map(|(t_ms, [db, truth, applicable])| CurvePoint {
            t_ms,
            db: pct(db, applicable),
            truth: pct(truth, applicable),
        })
        .collect()
}
