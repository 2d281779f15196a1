//! The rule table (docs/rules.md): what each rule says, which parameters
//! carry its numbers, whether the simulator models it yet and whether `cmsim verify` checks it.

use crate::report::doc::wrap;
use crate::report::table::Table;
use crate::scenario::profile::Page;
use crate::scenario::{Profile, Settings};

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

/// Widest line of the table, rule texts wrapped to it.
const WIDTH: usize = 100;

/// The table as text: per rule its text, then its parameters with the default of the
/// ConfigMgr 2007 profile and where it comes from; with `profile` CurrentBranch, that
/// profile's beside it; with `settings`, a column of the values in force.
pub fn render(profile: Profile, settings: Option<&Settings>) -> String {
    let both = profile == Profile::CurrentBranch;
    let params = settings.cloned().unwrap_or_default().params();
    let mut head = vec!["rule", "parameter", "2007", "source"];
    if both {
        head.extend(["CB", "source"]);
    }
    if settings.is_some() {
        head.push("value");
    }
    let mut t = Table::new(&head);
    // Per rule, the line its text goes before: its first row (the heading is line 0).
    let mut first = Vec::new();
    for r in &RULES {
        first.push(t.rows() + 1);
        for p in params.iter().filter(|p| p.rule == r.id) {
            let mut row = vec![String::new(), p.name.to_string()];
            for i in 0..if both { 2 } else { 1 } {
                row.push(p.defaults[i].to_string());
                row.push(p.sources[i].label().to_string());
            }
            row.extend(settings.map(|_| p.value.clone()));
            t.row(row);
        }
    }
    let rendered = t.render();
    let mut lines: Vec<String> = rendered.lines().map(str::to_string).collect();
    for (r, &row) in RULES.iter().zip(&first).rev() {
        let state = match (r.modelled, r.verified) {
            (true, true) => "modelled, checked by verify",
            (true, false) => "modelled, not checked by verify",
            _ => "not modelled yet",
        };
        let text = wrap(&format!("{} ({state})", r.text), WIDTH - 8);
        let id = std::iter::once(r.id).chain(std::iter::repeat(""));
        let text = text
            .into_iter()
            .zip(id)
            .map(|(l, id)| format!("  {id:<4}  {l}"));
        lines.splice(row..row, text);
    }
    let cb = if both {
        "CB: the CurrentBranch profile's defaults. "
    } else {
        ""
    };
    let sources = wrap(
        &format!(
            "{cb}Sources: \"source document\" is the 2007 text the rule ids come from; \
             \"assumed\" values are stated nowhere; current-branch values cite Microsoft's pages:"
        ),
        WIDTH,
    );
    let legend = Page::ALL
        .iter()
        .map(|p| format!("  {:<18} {}", p.label(), p.path()));
    format!(
        "The rules of the software update process (docs/rules.md).\n\
         Parameters go in the scenario's `settings: (...)`; values left out keep the default of\n\
         its `profile` (ConfigMgr2007, or CurrentBranch: `cmsim rules --profile CurrentBranch`).\n\n\
         {}\n\n{}\n",
        lines.join("\n"),
        sources
            .into_iter()
            .chain(legend)
            .collect::<Vec<_>>()
            .join("\n")
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
        let text = render(Profile::ConfigMgr2007, Some(&s));
        let line = text
            .lines()
            .find(|l| l.contains("sync_retry_interval"))
            .unwrap();
        assert!(line.contains("60m") && line.contains("30m"), "{line}");
    }

    #[test]
    fn current_branch_sits_beside_2007_with_sources_within_100_columns() {
        let text = render(Profile::CurrentBranch, Some(&Settings::default()));
        let line = text
            .lines()
            .find(|l| l.contains("state_message_interval"))
            .unwrap();
        let cells: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(
            cells,
            [
                "state_message_interval",
                "5m",
                "source document",
                "15m",
                "client settings",
                "5m"
            ]
        );
        assert!(
            text.contains("about-client-settings.md"),
            "the legend names the page"
        );
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= 100, "{widest} columns");
        let only_2007 = render(Profile::ConfigMgr2007, None);
        let line = only_2007
            .lines()
            .find(|l| l.contains("state_message_interval"))
            .unwrap();
        assert!(!line.contains("15m") && line.contains("5m"), "{line}");
    }
}
