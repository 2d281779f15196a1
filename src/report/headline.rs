//! The first lines of the terminal report: when the targeted machines were compliant with
//! every deployment targeting them, and per client group where they stand at the end —
//! compliant, waiting for a restart, never switched on, waiting for a maintenance window,
//! still required — with the updates a group's windows never fit.

use super::summary::Summary;
use super::table::Table;

/// The headline and the per-group table; empty when nothing is deployed.
pub(super) fn headline(s: &Summary, at: impl Fn(Option<u64>) -> String) -> String {
    let m = &s.machines;
    if m.targeted == 0 {
        return String::new();
    }
    let marks: Vec<String> = [50, 90, 95, 99]
        .iter()
        .zip(m.compliant_ms)
        .map(|(p, t)| format!("{p}% {}", at(t)))
        .collect();
    let mut out = format!(
        "\nTargeted machines compliant with every deployment targeting them: {} of {} ({}) at the end\n  {}\n",
        m.compliant,
        m.targeted,
        share(m.compliant, m.targeted),
        marks.join(", ")
    );
    let mut t = Table::new(&[
        "group",
        "targeted",
        "compliant",
        "pending restart",
        "never online",
        "waiting for window",
        "required",
        "windows",
    ]);
    for g in &m.groups {
        t.row(vec![
            g.name.clone(),
            g.targeted.to_string(),
            share(g.compliant.into(), g.targeted.into()),
            share(g.pending_restart.into(), g.targeted.into()),
            share(g.never_online.into(), g.targeted.into()),
            share(g.waiting_for_window.into(), g.targeted.into()),
            share(g.required.into(), g.targeted.into()),
            if g.windows.is_empty() {
                "—".into()
            } else {
                g.windows.join(", ")
            },
        ]);
    }
    out.push_str(&t.render());
    for g in m.groups.iter().filter(|g| !g.never_fits.is_empty()) {
        out.push_str(&format!(
            "  {}: no maintenance window fits the maximum run time of {}; they never install there\n",
            g.name,
            g.never_fits.join(", ")
        ));
    }
    out
}

/// `part` of `whole` in percent, one decimal.
fn share(part: u64, whole: u64) -> String {
    super::text::pct(part as i64, whole)
}
