//! Automatic deployment rules (current branch; issue 12, item 7): after each successful sync
//! at its site, a rule takes the updates that sync brought into the site database and that
//! match its criteria — its classifications and title filter (`World::adrs`), not superseded
//! by an update the database holds unless the rule takes superseded ones, and never one
//! expired in the catalog or in the database (an ADR never deploys expired updates) — and
//! makes them its next deployment, available and due relative to the run. A run that finds
//! nothing makes nothing; one that finds more than 1,000 fails, as the rule does in
//! ConfigMgr (a software update group holds at most 1,000 updates). Updates a rule took are
//! never new again (the database only grows), so no update is deployed twice by a rule.
//!
//! A rule on a schedule runs instead at its schedule's instants (one `ScheduledRule` event per
//! run, the next armed by the one before, none once the rule has made its last deployment):
//! it takes the updates that arrived in its site's database since its previous run (the
//! first run: all the database holds), with the same criteria.
//!
//! The run's deployment exists only from then on: its target collection is drawn then, and
//! until then it targets nobody, so the rest of the model sees a deployment like any other.

use super::deployment::target_collection;
use super::event::Event;
use super::fact::Fact;
use super::{Cx, Model};
use crate::scenario::MAX_ADR_UPDATES;
use crate::world::{DeploymentId, SiteId, UpdateId, World};

/// Where the rules stand during a run.
#[derive(Clone, Debug)]
pub(super) struct Rules {
    /// Deployments each rule has made, indexed like `World::adrs`.
    made: Vec<u32>,
    /// Per rule on a schedule: the updates its site's database held at its previous run (0
    /// before the first), so a run takes those that arrived since.
    seen: Vec<u32>,
    /// Per rule on a schedule: the index of its next run in its schedule.
    next: Vec<u32>,
}

impl Rules {
    pub(super) fn new(world: &World) -> Self {
        Rules {
            made: vec![0; world.adrs.len()],
            seen: vec![0; world.adrs.len()],
            next: vec![0; world.adrs.len()],
        }
    }
}

impl Model<'_> {
    /// A sync at `site` succeeded, having taken updates `from..` into its database: each
    /// rule of the site that runs after syncs runs.
    pub(super) fn run_rules(&mut self, site: SiteId, from: u32, cx: &mut Cx) {
        let w = self.world;
        for (k, rule) in w.adrs.iter().enumerate() {
            if rule.site == site && rule.schedule.is_none() {
                self.run_rule(k, from, cx);
            }
        }
    }

    /// Arms the first run of each rule on a schedule.
    pub(super) fn rules_start(&mut self, cx: &mut Cx) {
        for (k, rule) in self.world.adrs.iter().enumerate() {
            if let Some(&at) = rule.schedule.as_ref().and_then(|s| s.first()) {
                cx.schedule_at(at, Event::ScheduledRule(k as u16));
            }
        }
    }

    /// Rule `k`'s scheduled run is due: it takes what arrived in its site's database since
    /// its previous run, and arms its next run while it has deployments left to make.
    pub(super) fn scheduled_rule(&mut self, k: u16, cx: &mut Cx) {
        let k = usize::from(k);
        let rule = &self.world.adrs[k];
        let from = self.rules.seen[k];
        self.rules.seen[k] = self.sites[rule.site.index()].known;
        self.run_rule(k, from, cx);
        self.rules.next[k] += 1;
        let next = rule
            .schedule
            .as_ref()
            .and_then(|s| s.get(self.rules.next[k] as usize));
        if let Some(&at) = next
            && self.rules.made[k] < rule.runs
        {
            cx.schedule_at(at, Event::ScheduledRule(k as u16));
        }
    }

    /// Rule `k` runs now, looking at its site's database from update `from` on: it makes
    /// its next deployment of what it takes, unless that is nothing, more than 1,000 updates,
    /// or it has made all its deployments.
    fn run_rule(&mut self, k: usize, from: u32, cx: &mut Cx) {
        let rule = &self.world.adrs[k];
        let picked = self.new_matches(k, from, cx);
        if picked.is_empty() || picked.len() > MAX_ADR_UPDATES {
            return;
        }
        let made = self.rules.made[k];
        if made >= rule.runs {
            return;
        }
        self.rules.made[k] += 1;
        let d = DeploymentId(rule.first.0 + made);
        self.adr_deploy(k, d, picked, cx);
    }

    /// The updates from `from` on in the site database that rule `k` takes at its run now.
    fn new_matches(&self, k: usize, from: u32, cx: &Cx) -> Vec<UpdateId> {
        let (w, rule) = (self.world, &self.world.adrs[k]);
        let db = &self.sites[rule.site.index()];
        rule.candidates
            .iter()
            .copied()
            .filter(|u| u.0 >= from && u.0 < db.known)
            .filter(|u| {
                let update = &w.updates[u.index()];
                !db.is_expired(u.index())
                    && !update.expired_at(cx.now())
                    && (rule.superseded || !update.superseded_by.iter().any(|v| v.0 < db.known))
            })
            .collect()
    }

    /// Rule `k` makes deployment `d` of `updates`: its collection, times and deadline are
    /// set now, and the wizard runs as for any deployment.
    fn adr_deploy(&mut self, k: usize, d: DeploymentId, updates: Vec<UpdateId>, cx: &mut Cx) {
        let (w, i) = (self.world, d.index());
        let rule = &w.adrs[k];
        for u in &updates {
            cx.emit(Fact::AdrUpdate {
                deployment: d,
                update: *u,
            });
        }
        cx.emit(Fact::AdrDeploymentCreated {
            rule: k as u16,
            deployment: d,
            updates: updates.len() as u32,
        });
        self.deployed.set(i, updates);
        self.deployments[i].targeted = target_collection(w, i, &self.rng);
        let available = cx.now() + rule.available_after;
        self.phases.begin(d, available);
        if let Some(after) = rule.deadline_after {
            self.deployments[i].deadline = Some(available + after);
        }
        self.report_new_collection(d, cx);
        self.retarget(d, cx);
        self.deployment_created(d, cx);
    }

    /// The collection of a deployment made during the run: how many of its machines need
    /// none of its updates, truly and as the site databases already know.
    fn report_new_collection(&self, d: DeploymentId, cx: &mut Cx) {
        let bit = 1u32 << d.0;
        let (mut targeted, mut compliant) = (0u32, 0u32);
        let mut known = vec![0u32; self.world.sites.len()];
        for c in (0..self.world.clients() as u32).map(crate::world::ClientId) {
            if !self.deployments[d.index()].targeted.contains(c.index()) {
                continue;
            }
            targeted += 1;
            compliant += u32::from(self.truly_compliant(c) & bit != 0);
            if self.reported_compliant(c) & bit != 0 {
                let g = self.group(c);
                known[self.world.groups[g.index()].db_site.index()] += 1;
            }
        }
        cx.emit(Fact::TargetedMachines {
            deployment: d,
            targeted,
            compliant,
        });
        for (site, &count) in known.iter().enumerate().filter(|(_, n)| **n > 0) {
            cx.emit(Fact::DbMachinesCompliant {
                site: SiteId(site as u16),
                deployment: d,
                count,
            });
        }
    }
}
