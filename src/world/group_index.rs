//! Which group a client is in, in constant time. Clients are numbered group after group, so
//! a client's group is the last whose first client is at or before it: a binary search over
//! the groups' starts. At a million clients that search ran on most events (the model's and
//! the observers'), each of its ten steps waiting on the load before it. Here a table maps
//! each block of `2^shift` clients to the group holding the block's first client; a client
//! is then at most a step or two past it, since blocks are sized so that few groups start
//! inside one.

use super::{ClientId, GroupId};

/// Blocks per group the table aims at: more blocks, fewer steps past a block's group.
const BLOCKS_PER_GROUP: u64 = 4;

/// Finds a client's group.
#[derive(Clone, Debug, Default)]
pub struct GroupIndex {
    /// Per group, its first client.
    firsts: Vec<u32>,
    /// Per block of `2^shift` clients, the group of its first client.
    blocks: Vec<u32>,
    shift: u32,
}

impl GroupIndex {
    /// The index of groups starting at `firsts` (ascending, from client 0), of `clients`
    /// clients in all.
    pub fn new(firsts: Vec<u32>, clients: u32) -> Self {
        let clients = u64::from(clients);
        let target = (firsts.len() as u64 * BLOCKS_PER_GROUP).max(1);
        // The widest blocks that still give at least `target` of them.
        let shift = (clients / target).max(1).ilog2();
        let blocks = (0..=clients >> shift)
            .map(|b| {
                let first = (b << shift).min(u64::from(u32::MAX)) as u32;
                firsts.partition_point(|&f| f <= first).saturating_sub(1) as u32
            })
            .collect();
        GroupIndex {
            firsts,
            blocks,
            shift,
        }
    }

    /// The group of client `c` (a client of the scenario).
    #[inline]
    pub fn group_of(&self, c: ClientId) -> GroupId {
        let mut g = self.blocks[(c.0 >> self.shift) as usize] as usize;
        while self.firsts.get(g + 1).is_some_and(|&f| f <= c.0) {
            g += 1;
        }
        GroupId(g as u32)
    }

    /// The first client of group `g`.
    #[inline]
    pub fn first(&self, g: GroupId) -> u32 {
        self.firsts[g.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index of groups of these sizes (empty groups included), and the groups' starts.
    fn index(sizes: &[u32]) -> (GroupIndex, Vec<u32>) {
        let firsts: Vec<u32> = sizes
            .iter()
            .scan(0, |first, &n| {
                *first += n;
                Some(*first - n)
            })
            .collect();
        (GroupIndex::new(firsts.clone(), sizes.iter().sum()), firsts)
    }

    #[test]
    fn every_client_is_in_the_group_a_binary_search_finds() {
        for sizes in [
            vec![1],
            vec![5, 0, 0, 3, 1000, 1, 1, 2, 700],
            vec![100_000, 3, 0, 64, 65, 1, 250_000],
            (1..300).map(|k| k * 7 % 97).collect(),
        ] {
            let (index, firsts) = index(&sizes);
            let clients: u32 = sizes.iter().sum();
            for c in 0..clients {
                let expected = firsts.partition_point(|&f| f <= c) - 1;
                assert_eq!(
                    index.group_of(ClientId(c)),
                    GroupId(expected as u32),
                    "client {c}"
                );
            }
        }
    }
}
