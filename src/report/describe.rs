//! What `cmsim check` prints for a valid scenario: the hierarchy as a tree, and counts.

use crate::Loaded;
use crate::engine::SimTime;
use crate::world::{SiteId, Upstream, World};

/// Describes the hierarchy of a loaded scenario.
pub fn describe(l: &Loaded) -> String {
    let w = &l.world;
    let mut out = format!("{}: OK — {}\n\n", l.file, w.name);
    site_lines(w, w.top, "", "", &mut out);
    let released_later = w.updates.iter().filter(|u| u.released.ms() > 0).count();
    let superseding = w
        .updates
        .iter()
        .filter(|u| !u.supersedes.is_empty())
        .count();
    out.push_str(&format!(
        "\nCatalog: {} updates ({released_later} released during the run, {superseding} superseding others)\n",
        w.updates.len()
    ));
    out.push_str(&format!(
        "Clients: {} in {} groups\nTimeline: {} operator actions, {} outages\nRun: {}{}, seed {}\n",
        w.clients(),
        w.groups.len(),
        w.actions.len(),
        w.outages.len(),
        w.end,
        w.calendar
            .as_ref()
            .map(|c| format!(
                " from {} to {} ({})",
                c.short(SimTime::ZERO),
                c.short(w.end),
                c.zone_name()
            ))
            .unwrap_or_default(),
        w.seed
    ));
    // Points in time: dates on the run's calendar, else offsets from the start.
    let at = |t: SimTime| match &w.calendar {
        Some(c) => c.short(t),
        None => t.to_string(),
    };
    for (k, d) in w.deployments.iter().enumerate() {
        // A rule's deployments are described with the rule, below.
        if d.adr.is_some() {
            continue;
        }
        if let Some(p) = d.phase.filter(|p| p.number > 1) {
            out.push_str(&phase_line(d, p));
            continue;
        }
        let kind = match d.deadline {
            Some(t) if d.client_local => {
                let id = crate::world::DeploymentId(k as u32);
                let mut local: Vec<String> = d
                    .targets
                    .iter()
                    .map(|&(g, _)| {
                        format!(
                            "{} {}",
                            w.groups[g.index()].name,
                            at(w.deadline_for(id, g, t))
                        )
                    })
                    .collect();
                local.dedup();
                format!(
                    "mandatory, deadline {} on each client's clock ({})",
                    at(t),
                    local.join(", ")
                )
            }
            Some(t) => format!("mandatory, deadline {}", at(t)),
            None => "optional".to_string(),
        };
        out.push_str(&format!(
            "Deployment {}: {} updates ({}), {kind}, created {}, available {}, {} DPs\n",
            d.id,
            d.updates.len(),
            content_size(d.size),
            at(d.created),
            at(d.available),
            d.dps.len()
        ));
    }
    for rule in &w.adrs {
        out.push_str(&adr_line(w, rule, &at));
    }
    for (i, b) in w.boundary_groups.iter().enumerate() {
        let mut fallback: Vec<String> = b
            .neighbors
            .iter()
            .map(|&(n, after)| {
                let after = after.unwrap_or(w.settings.fallback_time.0);
                format!("{} after {after}", w.boundary_groups[usize::from(n)].name)
            })
            .collect();
        if b.site_default {
            let after = b.site_default_after.unwrap_or(w.settings.fallback_time.0);
            fallback.push(format!("site default after {after}"));
        }
        let clients: u64 = (0..w.groups.len())
            .filter(|&g| w.group_boundary[g] == Some(i as u16))
            .map(|g| u64::from(w.groups[g].count))
            .sum();
        out.push_str(&format!(
            "Boundary group {}: {clients} clients, {} DPs; falls back to {}\n",
            b.name,
            b.dps.len(),
            if fallback.is_empty() {
                "nothing".to_string()
            } else {
                fallback.join(", ")
            }
        ));
    }
    windows(w, &at, &mut out);
    let cost = crate::estimate::estimate(w, crate::run::DEFAULT_SAMPLE);
    out.push_str(&format!(
        "Estimated cost of one run: about {} events, {} of memory\n",
        crate::estimate::grouped(cost.events),
        crate::estimate::size(cost.memory)
    ));
    if !l.scenario.sweep.is_empty() {
        // Counted with checked arithmetic: 64 axes must not wrap to 0 points.
        match crate::sweep::count(&l.scenario.sweep) {
            Ok(points) => out.push_str(&format!(
                "Sweep: {points} points over {} parameters\n",
                l.scenario.sweep.len()
            )),
            Err(p) => out.push_str(&format!("Sweep: `cmsim sweep` refuses it: {}\n", p.message)),
        }
    }
    out
}

/// Per group with maintenance windows: each window, how often it opens in the run and
/// when first, and the deployed updates none of them fits.
fn windows(w: &World, at: &impl Fn(SimTime) -> String, out: &mut String) {
    for (g, group) in w.groups.iter().enumerate() {
        let defs: Vec<String> = (0..w.windows.defs.len())
            .filter(|&i| w.windows.defs[i].group.index() == g)
            .map(|i| {
                let def = &w.windows.defs[i];
                let mut openings = w.windows.openings.iter().filter(|o| o.window as usize == i);
                let first = openings.next();
                let n = first.map_or(0, |_| 1 + openings.count());
                let applies = match def.applies_to {
                    crate::scenario::AppliesTo::All => "all deployments",
                    crate::scenario::AppliesTo::SoftwareUpdates => "software updates",
                };
                let unused = if def.for_updates {
                    ""
                } else {
                    ", not for updates"
                };
                match first {
                    Some(o) => format!(
                        "{} ({applies}{unused}): opens {n}× in the run, first {} for {}",
                        def.name,
                        at(o.open),
                        crate::scenario::Dur(o.close - o.open)
                    ),
                    None => format!("{} ({applies}{unused}): never opens in the run", def.name),
                }
            })
            .collect();
        if defs.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "Windows of {}: {}
",
            group.name,
            defs.join("; ")
        ));
        let never = super::summary::machines::never_fits(w, crate::world::GroupId(g as u32));
        if !never.is_empty() {
            out.push_str(&format!(
                "  no window of {} fits the pre-install scan and the maximum run time of {}: they will not install there\n",
                group.name,
                never.join(", ")
            ));
        }
    }
}

/// One line per site, children indented below their parent.
fn site_lines(w: &World, id: SiteId, lead: &str, child_lead: &str, out: &mut String) {
    let s = &w.sites[id.index()];
    let mut parts = vec![s.kind.name().to_string()];
    if let Some(sup) = s.sup {
        let from = match w.sups[sup.index()].upstream {
            Upstream::MicrosoftUpdate => "Microsoft Update".to_string(),
            Upstream::Sup(u) => w.sups[u.index()].name.clone(),
        };
        parts.push(format!("SUP {} (from {from})", w.sups[sup.index()].name));
    }
    if let Some(ib) = s.internet_sup {
        parts.push(format!("Internet SUP {}", w.sups[ib.index()].name));
    }
    parts.push(format!("{} MP, {} DP", s.mps.len(), s.dps.len()));
    let pulls = s
        .dps
        .iter()
        .filter(|dp| w.pull_source[dp.index()].is_some())
        .count();
    if pulls > 0 {
        parts.push(format!("{pulls} of them pull DPs (copy from a source DP)"));
    }
    if let Some(link) = &w.links[id.index()] {
        let scheduled = if link.rates.len() > 1 {
            format!(", {} changes by its schedule", link.rates.len() - 1)
        } else {
            String::new()
        };
        parts.push(format!(
            "link to parent {:.3} Mbit/s for content{scheduled}",
            link.mbps
        ));
    }
    let clients: u64 = w
        .groups
        .iter()
        .filter(|g| g.site == id)
        .map(|g| u64::from(g.count))
        .sum();
    if clients > 0 {
        parts.push(format!("{clients} clients"));
    }
    if s.upgraded_from_sms2003 {
        parts.push("upgraded from SMS 2003".into());
    }
    out.push_str(&format!("  {lead}{}  {}\n", s.code, parts.join("; ")));
    for (k, &child) in s.children.iter().enumerate() {
        let last = k + 1 == s.children.len();
        let (branch, next) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        site_lines(
            w,
            child,
            &format!("{child_lead}{branch}"),
            &format!("{child_lead}{next}"),
            out,
        );
    }
}

/// A deployment's content in decimal units, as scenarios write sizes. A sum that saturated
/// (many updates near the 1 EB limit) is said to be beyond what it can count, not printed as
/// a wrong exact number.
fn content_size(bytes: u64) -> String {
    if bytes == u64::MAX {
        return "more than 18 EB".to_string();
    }
    let units = [(1e18, "EB"), (1e15, "PB"), (1e12, "TB"), (1e9, "GB")];
    let b = bytes as f64;
    match units.iter().find(|(scale, _)| b >= *scale) {
        Some((scale, unit)) => format!("{:.1} {unit}", b / scale),
        None => format!("{:.0} MB", b / 1e6),
    }
}

/// An automatic deployment rule: it has no times of its own, only offsets from its runs.
fn adr_line(w: &World, r: &crate::world::Adr, at: &dyn Fn(SimTime) -> String) -> String {
    use crate::scenario::Dur;
    let when = match r.schedule.as_deref() {
        None => "after each successful sync, the new ones".to_string(),
        Some([]) => "on a schedule with no run before the end".to_string(),
        Some(runs) => format!(
            "on its schedule ({} run{}, the first {}), the new ones since its previous run",
            runs.len(),
            if runs.len() == 1 { "" } else { "s" },
            at(runs[0])
        ),
    };
    let deadline = match r.deadline_after {
        Some(x) => format!(
            "mandatory, deadline {} after available, installs spread over {}",
            Dur(x),
            Dur(w.randomization(r.first))
        ),
        None => "optional".into(),
    };
    let superseded = if r.superseded {
        "superseded ones too"
    } else {
        "not superseded"
    };
    format!(
        "Automatic deployment rule {} at {}: {when} of the {} updates its criteria take \
         ({superseded}), at most {} per run; {deadline}, available {} after the run; up to {} deployments ({}/1…), {} DPs\n",
        r.name,
        w.sites[r.site.index()].code,
        r.candidates.len(),
        crate::scenario::MAX_ADR_UPDATES,
        Dur(r.available_after),
        r.runs,
        r.name,
        w.deployments[r.first.index()].dps.len()
    )
}

/// A later phase of a phased deployment: its times count from when it begins.
fn phase_line(d: &crate::world::Deployment, p: crate::world::Phase) -> String {
    let begins = match p.begins {
        crate::world::Begins::Success { percent, deferral } => format!(
            "begins {deferral} after phase {} reaches {percent} % compliant in the databases",
            p.number - 1
        ),
        crate::world::Begins::Delay(x) => format!("begins {x} after phase {} began", p.number - 1),
        crate::world::Begins::Created => "begins at creation".into(),
    };
    let deadline = match p.deadline_after {
        Some(x) => format!("mandatory, deadline {x} after available"),
        None => "optional".into(),
    };
    format!(
        "Deployment {} (phase {}): {} updates ({}), {deadline}, {begins}, available {} after, {} DPs\n",
        d.id,
        p.number,
        d.updates.len(),
        content_size(d.size),
        p.available_after,
        d.dps.len()
    )
}

#[cfg(test)]
mod tests {
    use super::content_size;

    #[test]
    fn content_sizes_read_in_decimal_units_and_saturation_is_named() {
        assert_eq!(content_size(300_000_000), "300 MB");
        assert_eq!(content_size(1_500_000_000), "1.5 GB");
        assert_eq!(content_size(1_000_000_000_000_000), "1.0 PB");
        assert_eq!(content_size(u64::MAX), "more than 18 EB");
    }
}
