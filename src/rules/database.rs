//! R15 (with R08): the compliance states of a site database. A database holds the four
//! states of R15 (Unknown until a client reports, then Required, Not required or Installed),
//! and only for the updates in its own catalog: the first `updates` of the catalog in release
//! order, as its last sync left it (`site_db_updated`), and, at a site upgraded from SMS 2003,
//! the updates migrated into it (R07: there, expired until a sync). A state message about an update the
//! site has not synced (an SMS 2003 client's ITMU catalog may be ahead of it, R08) has
//! nothing to land on: the site server discards it (`state_messages_discarded`), and may
//! discard nothing else.

use super::trace::Line;
use super::{Ctx, Outcome};
use std::collections::BTreeMap;

const STATES: [&str; 4] = ["unknown", "required", "not_required", "installed"];

/// R15: state changes name known states and, given the scenario's catalog, updates the
/// site's database holds.
pub(super) fn r15(lines: &[Line], cx: &Ctx) -> Outcome {
    let mut o = Outcome::new("R15");
    // Update id → position in release order (ties in scenario order).
    let position: Option<BTreeMap<&str, usize>> = cx.scenario.map(|s| {
        let mut order: Vec<usize> = (0..s.catalog.len()).collect();
        order.sort_by_key(|&i| cx.ms(&s.catalog[i].released));
        order
            .iter()
            .enumerate()
            .map(|(p, &i)| (s.catalog[i].id.as_str(), p))
            .collect()
    });
    let migrated = |site: &str, update: &str| {
        cx.scenario.is_some_and(|s| {
            s.sites
                .iter()
                .any(|x| x.code == site && x.upgraded_from_sms2003)
                && s.catalog.iter().any(|u| u.id == update && u.migrated)
        })
    };
    let mut holds: BTreeMap<&str, u64> = BTreeMap::new();
    for l in lines {
        match l.kind.as_str() {
            "site_db_updated" => {
                let n = holds.entry(l.site()).or_default();
                *n = (*n).max(l.updates.unwrap_or(0));
            }
            "db_state_changed" => {
                o.checked += 1;
                let (from, to) = (l.from.as_deref(), l.to.as_deref());
                if !from.is_some_and(|f| STATES.contains(&f))
                    || !to.is_some_and(|t| STATES[1..].contains(&t))
                    || from == to
                {
                    o.fail(
                        l,
                        &format!("a change from {from:?} to {to:?}: states are unknown, required, not_required, installed"),
                    );
                }
                let Some(position) = &position else { continue };
                let held = holds.get(l.site()).copied().unwrap_or(0);
                match position.get(l.update()) {
                    None => o.fail(l, &format!("{} is not in the catalog", l.update())),
                    Some(&p) if p as u64 >= held && !migrated(l.site(), l.update()) => o.fail(
                        l,
                        &format!(
                            "a state for {}, which the site database does not hold (it holds the first {held} updates)",
                            l.update()
                        ),
                    ),
                    Some(_) => {}
                }
            }
            // The site server may only discard what it cannot hold.
            "state_messages_discarded" => {
                o.checked += 1;
                let Some(position) = &position else { continue };
                let held = holds.get(l.site()).copied().unwrap_or(0);
                if position.get(l.update()).is_some_and(|&p| (p as u64) < held) {
                    o.fail(
                        l,
                        &format!(
                            "states for {} discarded, but the site database holds it",
                            l.update()
                        ),
                    );
                }
            }
            _ => {}
        }
    }
    o
}
