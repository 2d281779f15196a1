//! The first lines of the terminal report: when the targeted machines were compliant with
//! every deployment targeting them, and per client group where they stand at the end —
//! compliant, waiting for a restart, never switched on, waiting for a maintenance window,
//! still required — with the updates a group's windows never fit.

use super::doc::Doc;
use super::summary::Summary;
use super::summary::machines::GroupMachines;
use super::table::Table;
use super::text::Detail;

/// The headline, per level of the hierarchy when there is more than one, and the
/// per-group table (the worst groups, then the worst sites, when there are many); empty when
/// nothing is deployed.
pub(super) fn headline(s: &Summary, at: impl Fn(Option<u64>) -> String, detail: Detail) -> Doc {
    let m = &s.machines;
    let mut out = Doc::new();
    if m.targeted == 0 {
        return out;
    }
    let marks: Vec<String> = [50, 90, 95, 99]
        .iter()
        .zip(m.compliant_ms)
        .map(|(p, t)| format!("{p}% {}", at(t)))
        .collect();
    out.heading(format!(
        "Targeted machines compliant with every deployment targeting them: {} of {} ({}) at the end",
        m.compliant,
        m.targeted,
        share(m.compliant, m.targeted),
    ));
    out.text(format!("  {}\n", marks.join(", ")));
    if m.levels.len() > 1 {
        let mut t = Table::new(&["level", "targeted", "compliant", "50%", "90%", "95%", "99%"]);
        for l in &m.levels {
            let mut row = vec![
                format!("{} sites", l.level),
                l.targeted.to_string(),
                share(l.compliant, l.targeted),
            ];
            row.extend(l.compliant_ms.iter().map(|&t| at(t)));
            t.row(row);
        }
        out.table(t);
    }
    let groups = &m.groups;
    let mut t = Table::new(&[&["group"], &STATES[..], &["windows"]].concat());
    for i in detail.pick(groups.len(), |i| behind(&groups[i].states())) {
        let g = &groups[i];
        let mut row = states_row(g.name.clone(), &g.states());
        row.push(match g.windows.is_empty() {
            true => "—".into(),
            false => g.windows.join(", "),
        });
        t.row(row);
    }
    out.table(t);
    out.text(detail.more(groups.len(), "groups", "groups.csv, summary.json"));
    if detail.cuts(groups.len()) {
        worst_sites(&mut out, groups, detail);
    }
    let unfit: Vec<&GroupMachines> = groups.iter().filter(|g| !g.never_fits.is_empty()).collect();
    for i in detail.pick(unfit.len(), |i| unfit[i].targeted) {
        out.text(format!(
            "  {}: no maintenance window fits the pre-install scan and the maximum run time of {}; they never install there\n",
            unfit[i].name,
            unfit[i].never_fits.join(", ")
        ));
    }
    out.text(detail.more(
        unfit.len(),
        "groups whose windows never fit an update",
        "summary.json",
    ));
    out
}

/// The columns of a row of [`states_row`] after its name.
const STATES: [&str; 6] = [
    "targeted",
    "compliant",
    "pending restart",
    "never online",
    "waiting for window",
    "required",
];

/// How far behind a tally of machines per state is: its share not compliant (in
/// millionths), then how many machines that is.
fn behind(states: &[u32; 5]) -> (u64, u64) {
    let all: u64 = states.iter().map(|&n| u64::from(n)).sum();
    let not = all - u64::from(states[0]);
    (not * 1_000_000 / all.max(1), not)
}

/// A table row: `name`, the machines, and each state's share.
fn states_row(name: String, states: &[u32; 5]) -> Vec<String> {
    let all: u32 = states.iter().sum();
    let mut row = vec![name, all.to_string()];
    row.extend(states.iter().map(|&n| share(n.into(), all.into())));
    row
}

/// The groups' machines summed per site, the worst sites first: where the cut group table
/// leaves off, the sites say which branches lag.
fn worst_sites(out: &mut Doc, groups: &[GroupMachines], detail: Detail) {
    let mut sites: Vec<(&str, [u32; 5])> = Vec::new();
    for g in groups {
        let states = g.states();
        match sites.iter_mut().find(|(code, ..)| *code == g.site) {
            Some((_, sum)) => sum.iter_mut().zip(states).for_each(|(a, b)| *a += b),
            None => sites.push((g.site.as_str(), states)),
        }
    }
    let mut t = Table::new(&[&["site"], &STATES[..]].concat());
    for i in detail.pick(sites.len(), |i| behind(&sites[i].1)) {
        let (code, states) = sites[i];
        t.row(states_row(code.to_string(), &states));
    }
    out.subheading("Sites, the furthest behind first");
    out.table(t);
    out.text(detail.more(sites.len(), "sites", "groups.csv, summary.json"));
}

/// `part` of `whole` in percent, one decimal.
fn share(part: u64, whole: u64) -> String {
    super::text::pct(part as i64, whole)
}
