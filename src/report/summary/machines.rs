//! The machines part of the summary (issue 11): the headline — when 50, 90, 95 and 99 % of
//! the targeted machines were compliant with every deployment targeting them — and per
//! client group where its targeted machines stand at the end, with the updates its
//! maintenance windows never fit.

use crate::observe::machines::MachineStates;
use crate::world::{GroupId, UpdateId, World};
use serde::Serialize;

/// Targeted machines, over the fleet and per group.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct MachinesSummary {
    /// Machines targeted by at least one deployment.
    pub targeted: u64,
    /// Of which compliant with every deployment targeting them at the end.
    pub compliant: u64,
    /// When 50, 90, 95 and 99 % of them were first compliant (null: not in the run).
    pub compliant_ms: [Option<u64>; 4],
    /// Per level of the hierarchy with targeted machines (by the kind of the groups'
    /// sites), top down.
    pub levels: Vec<LevelMachines>,
    /// Per group with targeted machines.
    pub groups: Vec<GroupMachines>,
}

/// The targeted machines of one level of the hierarchy.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct LevelMachines {
    /// `central`, `primary` or `secondary`: the kind of the sites the groups belong to.
    pub level: &'static str,
    /// Machines targeted by at least one deployment.
    pub targeted: u64,
    /// Of which compliant with every deployment targeting them at the end.
    pub compliant: u64,
    /// When 50, 90, 95 and 99 % of them were first compliant (null: not in the run).
    pub compliant_ms: [Option<u64>; 4],
}

/// Where one group's targeted machines stand at the end.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct GroupMachines {
    /// Group name.
    pub name: String,
    /// Its site's code.
    pub site: String,
    /// Targeted machines.
    pub targeted: u32,
    /// Compliant with every deployment targeting them.
    pub compliant: u32,
    /// Installed, waiting for a restart (Required in the database, R15).
    pub pending_restart: u32,
    /// Not switched on once in the run.
    pub never_online: u32,
    /// An install due, waiting for a maintenance window that fits.
    pub waiting_for_window: u32,
    /// Updates still to install.
    pub required: u32,
    /// Its maintenance windows (for software updates) by name; empty: none.
    pub windows: Vec<String>,
    /// Deployed updates whose maximum run time, after the pre-install scan that opens the
    /// install job, is longer than every window opening in the run: they never install on
    /// this group.
    pub never_fits: Vec<String>,
}

impl GroupMachines {
    /// Its machines per state: compliant, pending restart, never online, waiting for a
    /// window, required.
    pub fn states(&self) -> [u32; 5] {
        [
            self.compliant,
            self.pending_restart,
            self.never_online,
            self.waiting_for_window,
            self.required,
        ]
    }
}

/// The machines summary of a run.
pub(super) fn machines(world: &World, m: &MachineStates) -> MachinesSummary {
    let groups = m
        .counts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.iter().any(|&n| n > 0))
        .map(|(g, c)| GroupMachines {
            name: world.groups[g].name.clone(),
            site: world.sites[world.groups[g].site.index()].code.clone(),
            targeted: c.iter().sum(),
            compliant: c[0],
            pending_restart: c[1],
            never_online: c[2],
            waiting_for_window: c[3],
            required: c[4],
            windows: world
                .windows
                .defs
                .iter()
                .filter(|w| w.group.index() == g && w.for_updates)
                .map(|w| w.name.clone())
                .collect(),
            never_fits: never_fits(world, GroupId(g as u32)),
        })
        .collect();
    let ms = |marks: crate::observe::compliance::Marks| marks.map(|t| t.map(|t| t.ms()));
    MachinesSummary {
        targeted: m.fleet.targeted,
        compliant: m.fleet.compliant,
        compliant_ms: ms(m.fleet.marks),
        levels: crate::scenario::SiteKind::LEVELS
            .map(crate::scenario::SiteKind::name)
            .into_iter()
            .zip(m.levels)
            .filter(|(_, l)| l.targeted > 0)
            .map(|(level, l)| LevelMachines {
                level,
                targeted: l.targeted,
                compliant: l.compliant,
                compliant_ms: ms(l.marks),
            })
            .collect(),
        groups,
    }
}

/// The updates deployed to group `g` that no window of it ever fits: their maximum run time
/// and the pre-install scan that opens the install job exceed the longest window (a window
/// the update alone fits is used up by the scan at every opening). A rule's deployment
/// counts with every update the rule may take (`Adr::candidates`): before the run nobody
/// knows which it will, and one it may take that can never install is the risk to report.
pub(crate) fn never_fits(world: &World, g: GroupId) -> Vec<String> {
    if !world.windows.windowed(g) {
        return Vec::new();
    }
    let longest = world.windows.longest(g);
    let mut out: Vec<String> = world
        .deployments
        .iter()
        .enumerate()
        .filter(|&(d, _)| world.groups[g.index()].targeted_by(d))
        .map(|(_, d)| d)
        .flat_map(|d| match d.adr {
            Some(run) => world.adrs[usize::from(run.rule)].candidates.iter(),
            None => d.updates.iter(),
        })
        .copied()
        .filter(|&u: &UpdateId| {
            world
                .max_run_time(u)
                .saturating_add(world.shortest_pre_install_scan())
                > longest
        })
        .map(|u| world.updates[u.index()].id.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}
