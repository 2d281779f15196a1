//! Each deployment's updates, both as the list the operator (or a rule's run) gave — its
//! order breaks ties in the install order (`install.rs`) — and as bits, one word per 64
//! updates, so "the updates of the due deployments" is one OR per deployment and word.

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
    /// Per (deployment, update): the update's place in the deployment's list.
    place: Vec<u32>,
}

impl Deployed {
    pub(super) fn new(world: &World) -> Self {
        let words = world.updates.len().div_ceil(64);
        let mut d = Deployed {
            lists: vec![Vec::new(); world.deployments.len()],
            words,
            bits: vec![0; words * world.deployments.len()],
            holding: vec![0; world.updates.len()],
            place: vec![u32::MAX; world.updates.len() * world.deployments.len()],
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
        let n = self.holding.len();
        for (i, u) in updates.iter().enumerate().rev() {
            bits[u.index() / 64] |= 1 << (u.index() % 64);
            self.holding[u.index()] |= 1 << d;
            self.place[d * n + u.index()] = i as u32;
        }
        self.lists[d] = updates;
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

    /// The deployments holding update `u`, a bit each.
    pub(super) fn holding(&self, u: usize) -> u32 {
        self.holding[u]
    }

    /// Where update `u` first comes when the lists of the deployments in `mask` are read one
    /// after the other in deployment order: (deployment, place in its list).
    pub(super) fn first_place(&self, mask: u32, u: usize) -> (u32, u32) {
        let d = (mask & self.holding[u]).trailing_zeros();
        let place = self.place.get(d as usize * self.holding.len() + u);
        (d, place.copied().unwrap_or(u32::MAX))
    }
}

impl std::ops::Index<usize> for Deployed {
    type Output = [UpdateId];
    fn index(&self, d: usize) -> &[UpdateId] {
        &self.lists[d]
    }
}
