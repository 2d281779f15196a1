//! Each deployment's updates, both as the list the operator (or a rule's run) gave — its
//! order breaks ties in the install order (`install.rs`) — and as bits, one word per 64
//! updates, so "the updates of the due deployments" is one OR per deployment and word.

use super::BitSet;
use crate::world::{UpdateId, World};

/// Per deployment, its updates: a rule's run's are set when it runs (`adr.rs`).
pub(super) struct Deployed {
    lists: Vec<Vec<UpdateId>>,
    /// Words per deployment.
    words: usize,
    /// `words` words per deployment, indexed like `World::deployments`.
    bits: Vec<u64>,
    /// Per update, the deployments holding it (a bit each).
    holding: Vec<u32>,
    /// Per set of deployments asked about (a bit each): their updates in install order.
    orders: Vec<(u32, Vec<u32>)>,
}

/// Install orders kept at once; past this many sets of deployments, the oldest are dropped
/// (a scenario has at most 32 deployments, and clients share a few sets).
const ORDERS: usize = 256;

impl Deployed {
    pub(super) fn new(world: &World) -> Self {
        let words = world.updates.len().div_ceil(64);
        let mut d = Deployed {
            lists: vec![Vec::new(); world.deployments.len()],
            words,
            bits: vec![0; words * world.deployments.len()],
            holding: vec![0; world.updates.len()],
            orders: Vec::new(),
        };
        for (i, dep) in world.deployments.iter().enumerate() {
            d.set(i, dep.updates.clone());
        }
        d
    }

    /// Deployment `d` holds `updates` from now on.
    pub(super) fn set(&mut self, d: usize, updates: Vec<UpdateId>) {
        let bits = &mut self.bits[d * self.words..(d + 1) * self.words];
        bits.fill(0);
        for u in &self.lists[d] {
            self.holding[u.index()] &= !(1 << d);
        }
        for u in &updates {
            bits[u.index() / 64] |= 1 << (u.index() % 64);
            self.holding[u.index()] |= 1 << d;
        }
        self.lists[d] = updates;
        self.orders.clear();
    }

    /// Words of 64 updates each.
    pub(super) fn words(&self) -> usize {
        self.words
    }

    /// Word `k` of the updates of the deployments in `mask` (a bit per deployment).
    pub(super) fn word(&self, mask: u32, k: usize) -> u64 {
        let mut w = 0;
        let mut m = mask;
        while m != 0 {
            let d = m.trailing_zeros() as usize;
            m &= m - 1;
            w |= self.bits[d * self.words + k];
        }
        w
    }

    /// Of the deployments in `mask` (a bit each), those holding an update of `updates(k)`,
    /// a word of updates `64k..64k + 64` — asked only while a deployment is left to decide,
    /// so each word of a client's states is read once for all the deployments.
    pub(super) fn touching(&self, mask: u32, mut updates: impl FnMut(usize) -> u64) -> u32 {
        let mut found = 0;
        for k in 0..self.words {
            let mut m = mask & !found;
            if m == 0 {
                break;
            }
            let word = updates(k);
            while m != 0 {
                let d = m.trailing_zeros() as usize;
                m &= m - 1;
                if self.bits[d * self.words + k] & word != 0 {
                    found |= 1 << d;
                }
            }
        }
        found
    }

    /// The deployments holding update `u`, a bit each.
    pub(super) fn holding(&self, u: usize) -> u32 {
        self.holding[u]
    }

    /// The place in the kept orders of the install order of the deployments in `mask`
    /// (R25): their updates, each once, the shortest maximum run time first and, among
    /// equals, as the deployments list them one after the other in deployment order. The
    /// first of these an install may take is the one the client installs next, so a step of
    /// an install job reads a prefix of it instead of weighing every due update.
    pub(super) fn install_order(&mut self, mask: u32, world: &World) -> usize {
        if let Some(i) = self.orders.iter().position(|(m, _)| *m == mask) {
            return i;
        }
        let mut seen = BitSet::new(self.holding.len());
        let mut order = Vec::new();
        for d in (0..self.lists.len()).filter(|d| mask >> d & 1 == 1) {
            for u in &self.lists[d] {
                if seen.insert(u.index()) {
                    order.push(u.0);
                }
            }
        }
        // Stable: equal run times keep the lists' order.
        order.sort_by_key(|&u| world.max_run_time(UpdateId(u)));
        if self.orders.len() == ORDERS {
            self.orders.remove(0);
        }
        self.orders.push((mask, order));
        self.orders.len() - 1
    }

    /// The install order at place `i` (from [`Self::install_order`]).
    pub(super) fn order(&self, i: usize) -> &[u32] {
        &self.orders[i].1
    }
}

impl std::ops::Index<usize> for Deployed {
    type Output = [UpdateId];
    fn index(&self, d: usize) -> &[UpdateId] {
        &self.lists[d]
    }
}
