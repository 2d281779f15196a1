//! R14 a word of 64 updates at a time: which updates a scan reports nothing for because an
//! update in its list supersedes them. A scan lists a prefix of the catalog (what its WSUS
//! held), so whether an update is superseded within the list depends only on the lowest
//! index among its superseders; and whether every listed superseder is a service pack, on
//! the lowest index among those that are not. Both are kept per update, and the words for
//! each list length asked about are kept too: a run sees a few list lengths, a scan per
//! client and day.

use crate::world::World;

/// Per update, its first superseders; per list length asked about, the words they give.
pub(super) struct Supersedence {
    /// Per update: the lowest index of an update superseding it (`u32::MAX`: none).
    first_by: Vec<u32>,
    /// Per update: the lowest index of a superseding update that is not a service pack.
    first_not_sp: Vec<u32>,
    /// Per list length asked about: its [`Words`].
    memo: Vec<(u32, Words)>,
}

/// For one list length, a bit per update, a word per 64.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Words {
    /// Superseded by a listed update.
    pub(super) superseded: Vec<u64>,
    /// Superseded by a listed update that is not a service pack.
    pub(super) by_not_sp: Vec<u64>,
}

/// List lengths kept at once; beyond, the memo starts afresh (a run has a few).
const KEPT: usize = 64;

impl Supersedence {
    pub(super) fn new(world: &World) -> Self {
        let lowest = |u: &crate::world::Update, keep: &dyn Fn(usize) -> bool| {
            u.superseded_by
                .iter()
                .map(|v| v.0)
                .filter(|&v| keep(v as usize))
                .min()
                .unwrap_or(u32::MAX)
        };
        let updates = &world.updates;
        Supersedence {
            first_by: updates.iter().map(|u| lowest(u, &|_| true)).collect(),
            first_not_sp: updates
                .iter()
                .map(|u| lowest(u, &|v| !updates[v].service_pack))
                .collect(),
            memo: Vec::new(),
        }
    }

    /// The words for a list of the first `listed` updates of the catalog.
    pub(super) fn words(&mut self, listed: u32) -> &Words {
        let at = match self.memo.iter().position(|(l, _)| *l == listed) {
            Some(at) => at,
            None => {
                if self.memo.len() == KEPT {
                    self.memo.clear();
                }
                let word = |first: &[u32]| {
                    let mut words = vec![0u64; first.len().div_ceil(64)];
                    for (u, &f) in first.iter().enumerate() {
                        words[u / 64] |= u64::from(f < listed) << (u % 64);
                    }
                    words
                };
                let words = Words {
                    superseded: word(&self.first_by),
                    by_not_sp: word(&self.first_not_sp),
                };
                self.memo.push((listed, words));
                self.memo.len() - 1
            }
        };
        &self.memo[at].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words against the rule read update by update: A is superseded by B (a service
    /// pack) and C; B by C; D by nothing.
    #[test]
    fn words_follow_the_lowest_listed_superseders() {
        let src = r#"Scenario(name: "r14", end: "1d",
            sites: [(code: "P01", kind: Primary, sup: "P01-SUP")],
            catalog: [
                (id: "A", title: "A", size: "1MB"),
                (id: "B", title: "B", size: "1MB", supersedes: ["A"], service_pack: true),
                (id: "C", title: "C", size: "1MB", supersedes: ["A", "B"]),
                (id: "D", title: "D", size: "1MB"),
            ])"#;
        let world = crate::load::load_str("r14.ron", src).unwrap().world;
        let mut s = Supersedence::new(&world);
        let of = |w: &Words| (w.superseded[0], w.by_not_sp[0]);
        // Listing A only: nothing supersedes; A and B: A by a service pack only; all: A and
        // B by C, which is not one.
        assert_eq!(of(s.words(1)), (0, 0));
        assert_eq!(of(s.words(2)), (0b0001, 0));
        assert_eq!(of(s.words(4)), (0b0011, 0b0011));
        assert_eq!(of(s.words(2)), (0b0001, 0), "kept");
    }
}
