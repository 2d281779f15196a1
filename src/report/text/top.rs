//! How much of each list the terminal report shows. A hierarchy of hundreds of sites and
//! thousands of servers would print thousands of lines that nobody reads (issue 13): by
//! default a list longer than [`TOP`] shows its worst [`TOP`] entries, worst first, and says
//! how many it left out and where they are; `--detail` shows every entry in its own order.
//! A list that fits is shown whole and in order either way, so small runs read as before.

/// Entries of one list shown by default.
pub(super) const TOP: usize = 10;

/// How much of each list to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// At most this many entries per list, the worst first.
    Top(usize),
    /// Every entry (`--detail`).
    All,
}

impl Default for Detail {
    fn default() -> Self {
        Detail::Top(TOP)
    }
}

impl Detail {
    /// `--detail` on or off.
    pub fn from_flag(all: bool) -> Self {
        if all { Detail::All } else { Detail::default() }
    }

    /// Whether a list of `n` entries is cut.
    pub fn cuts(self, n: usize) -> bool {
        matches!(self, Detail::Top(k) if n > k)
    }

    /// The indices of the entries of a list of `n` to show: all in order when they fit,
    /// else the worst by `badness` (highest first; ties keep the list's order).
    pub fn pick<K: Ord>(self, n: usize, badness: impl Fn(usize) -> K) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        if let Detail::Top(k) = self
            && n > k
        {
            all.sort_by_key(|&i| std::cmp::Reverse(badness(i)));
            all.truncate(k);
        }
        all
    }

    /// Of a list of `n` in time order, how many earlier entries to leave out so that the last
    /// `keep` show (none with `--detail`).
    pub fn skip_earlier(self, n: usize, keep: usize) -> usize {
        match self {
            Detail::All => 0,
            Detail::Top(_) => n.saturating_sub(keep),
        }
    }

    /// The line saying what a cut list left out: `(265 more groups: groups.csv, summary.json;
    /// --detail lists them all)`; empty when nothing was cut.
    pub fn more(self, n: usize, what: &str, where_: &str) -> String {
        match self {
            Detail::Top(k) if n > k => {
                format!(
                    "  ({} more {what}: {where_}; --detail lists them all)\n",
                    n - k
                )
            }
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_that_fits_is_whole_and_in_order() {
        assert_eq!(Detail::Top(3).pick(3, |i| i), vec![0, 1, 2]);
        assert_eq!(Detail::Top(3).more(3, "sites", "summary.json"), "");
    }

    #[test]
    fn a_long_list_shows_the_worst_first_ties_in_order() {
        let bad = [1, 5, 3, 5, 0];
        assert_eq!(Detail::Top(3).pick(5, |i| bad[i]), vec![1, 3, 2]);
        assert_eq!(
            Detail::Top(3).more(5, "sites", "summary.json"),
            "  (2 more sites: summary.json; --detail lists them all)\n"
        );
        assert_eq!(Detail::All.pick(5, |i| bad[i]), vec![0, 1, 2, 3, 4]);
        assert_eq!(Detail::All.more(5, "sites", "summary.json"), "");
    }

    #[test]
    fn a_long_time_ordered_list_keeps_its_last_entries_unless_detail() {
        assert_eq!(Detail::default().skip_earlier(100, 20), 80);
        assert_eq!(Detail::default().skip_earlier(5, 20), 0);
        assert_eq!(Detail::All.skip_earlier(100, 20), 0);
    }
}
