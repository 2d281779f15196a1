//! The rule table (README: The rule table): what each rule says, which parameters
//! carry its numbers, whether the simulator models it yet and whether `cmsim verify` checks it.

use crate::report::table::Table;
use crate::scenario::Settings;

/// One rule.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Rule id, `R01`–`R25`.
    pub id: &'static str,
    /// The rule in one sentence.
    pub text: &'static str,
    /// Whether the simulator models it yet.
    pub modelled: bool,
    /// Whether `cmsim verify` checks it on traces.
    pub verified: bool,
}

const fn rule(id: &'static str, text: &'static str, modelled: bool, verified: bool) -> Rule {
    Rule {
        id,
        text,
        modelled,
        verified,
    }
}

/// All rules, in id order.
pub const RULES: [Rule; 25] = [
    rule(
        "R01",
        "The top site's active SUP syncs from Microsoft Update on a schedule or by a manual Run Synchronization.",
        true,
        true,
    ),
    rule(
        "R02",
        "A sync runs the WSUS sync cycle, then WSUS → site database, and only then emits 6702.",
        true,
        true,
    ),
    rule(
        "R03",
        "Scheduled syncs are full, manual ones delta (faster); only scheduled syncs mark superseded/expired updates expired.",
        true,
        true,
    ),
    rule(
        "R04",
        "A finished site sends a sync request to each child with a SUP; a child never syncs before its parent finished.",
        true,
        true,
    ),
    rule(
        "R05",
        "An IBSUP syncs right after its site's active SUP, from it; the site database is not updated for it.",
        true,
        true,
    ),
    rule(
        "R06",
        "A failed sync emits 6703 and is retried from the start 60 minutes later.",
        true,
        true,
    ),
    rule(
        "R07",
        "After an SMS 2003 upgrade, migrated updates are expired until a sync cycle has run.",
        true,
        true,
    ),
    rule(
        "R08",
        "SMS 2003 clients scan with ITMU, whose catalog refreshes every 7 days.",
        true,
        true,
    ),
    rule(
        "R09",
        "A finished sync creates a site-wide scan policy; clients get it at their next machine policy poll.",
        true,
        true,
    ),
    rule(
        "R10",
        "A client schedules its compliance scan uniformly within 2 hours of receiving the policy.",
        true,
        true,
    ),
    rule(
        "R11",
        "A scan clears history, locates WSUS, updates local policy, then WUA downloads the update list and scans.",
        true,
        true,
    ),
    rule(
        "R12",
        "After a scan, a state message only for each update whose state changed.",
        true,
        true,
    ),
    rule(
        "R13",
        "State messages go to the MP in bulk every 5 minutes; the MP forwards them to the site database.",
        true,
        true,
    ),
    rule(
        "R14",
        "A superseding update reports, the superseded does not, except a service pack containing a required update.",
        true,
        true,
    ),
    rule(
        "R15",
        "States: Required, Not required, Installed, Unknown (synced, not yet scanned).",
        true,
        true,
    ),
    rule(
        "R16",
        "A deployment downloads files to the package source, adds deployment policy, copies content to its DPs.",
        true,
        true,
    ),
    rule(
        "R17",
        "On deployment policy, an evaluation scan; mandatory updates download at once, optional ones when the user starts them.",
        true,
        true,
    ),
    rule(
        "R18",
        "Updates always download to the client cache before they run.",
        true,
        true,
    ),
    rule(
        "R19",
        "A client that cannot find a DP retries Location Services for up to 5 days.",
        true,
        true,
    ),
    rule(
        "R20",
        "A client that cannot connect to a DP retries for up to 10 days.",
        true,
        true,
    ),
    rule(
        "R21",
        "A user-started install tries every hour per DP for up to 4 hours.",
        true,
        true,
    ),
    rule(
        "R22",
        "Deadline notifications every 3 h (> 24 h away), every hour (< 24 h), every 15 min (< 1 h).",
        true,
        true,
    ),
    rule(
        "R23",
        "A site-wide setting hides deployments from users; only mandatory deployments can then be sent.",
        true,
        true,
    ),
    rule(
        "R24",
        "Unless hidden, users may install mandatory updates early or pick available ones.",
        true,
        true,
    ),
    rule(
        "R25",
        "At the deadline: scan, cache check, install, scan again, 'installed' state message.",
        true,
        true,
    ),
];

/// The table as text; with `settings`, a column of the values in force.
pub fn render(settings: Option<&Settings>) -> String {
    let defaults = Settings::default();
    let params = settings.unwrap_or(&defaults).params();
    let mut head = vec!["rule", "modelled", "verify", "parameter", "default"];
    if settings.is_some() {
        head.push("value");
    }
    head.push("what it says");
    let mut t = Table::new(&head);
    for r in &RULES {
        let mine: Vec<_> = params.iter().filter(|p| p.rule == r.id).collect();
        let rows = mine.len().max(1);
        for k in 0..rows {
            let first = k == 0;
            let text = |s: &str| if first { s.to_string() } else { String::new() };
            let mut row = vec![
                text(r.id),
                text(if r.modelled { "yes" } else { "not yet" }),
                text(if r.verified { "checked" } else { "—" }),
            ];
            match mine.get(k) {
                Some(p) => {
                    row.push(p.name.to_string());
                    row.push(p.default.to_string());
                    if settings.is_some() {
                        row.push(p.value.clone());
                    }
                }
                None => {
                    row.extend(["—".to_string(), String::new()]);
                    if settings.is_some() {
                        row.push(String::new());
                    }
                }
            }
            row.push(text(r.text));
            t.row(row);
        }
    }
    format!(
        "The rules of the software update process (README: The rule table).\n\
         Parameters go in the scenario's `settings: (...)`; values left out keep the default.\n\n{}",
        t.render()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_belongs_to_a_listed_rule() {
        for p in Settings::default().params() {
            assert!(
                RULES.iter().any(|r| r.id == p.rule),
                "{} has rule {}",
                p.name,
                p.rule
            );
        }
        assert!(
            RULES
                .iter()
                .enumerate()
                .all(|(i, r)| r.id == format!("R{:02}", i + 1))
        );
    }

    #[test]
    fn shows_scenario_values_when_given() {
        let s = Settings {
            sync_retry_interval: crate::scenario::Dur::ms(30 * 60_000),
            ..Settings::default()
        };
        let text = render(Some(&s));
        let line = text
            .lines()
            .find(|l| l.contains("sync_retry_interval"))
            .unwrap();
        assert!(line.contains("60m") && line.contains("30m"), "{line}");
    }
}
