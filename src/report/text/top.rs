//! How much of each list the terminal report shows. A hierarchy of hundreds of sites and
//! thousands of servers would print thousands of lines that nobody reads (issue 13): by
//! default a list longer than [`TOP`] shows its worst half as many entries, worst first, and
//! says how many it left out and where they are, so that a large hierarchy's report fits two
//! screens; `--detail` shows every entry in its own order. A list that fits is shown whole
//! and in order either way, so small runs read as before.

/// The longest list shown whole by default; a longer one shows its worst `TOP / 2`.
pub(super) const TOP: usize = 10;

/// Rows of an update table shown by default (`update_rows`); `summary.json` has them all.
const MAX_UPDATE_ROWS: usize = 10;

/// How much of each list to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Lists of at most this many entries whole; longer ones cut to the worst half as many.
    Top(usize),
    /// Every entry (`--detail`).
    All,
}

impl Default for Detail {
    fn default() -> Self {
        Detail::Top(TOP)
    }
}

/// Entries a cut list of a `Top(k)` report shows.
fn shown(k: usize) -> usize {
    (k / 2).max(1)
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
            all.truncate(shown(k));
        }
        all
    }

    /// The line saying what a cut list left out: `(265 more groups: groups.csv, summary.json;
    /// --detail lists them all)`; empty when nothing was cut.
    pub fn more(self, n: usize, what: &str, where_: &str) -> String {
        match self {
            Detail::Top(k) if n > k => {
                format!(
                    "  ({} more {what}: {where_}; --detail lists them all)\n",
                    n - shown(k)
                )
            }
            _ => String::new(),
        }
    }
}

/// A table's rows of updates (the id first) as the terminal shows them: when they do not fit
/// in [`MAX_UPDATE_ROWS`], by default a run of consecutive updates with the same figures is
/// one row ([`fold_runs`]), and only the last [`MAX_UPDATE_ROWS`] rows show. Returns the rows
/// and how many updates were left out; `--detail` shows every update.
pub(super) fn update_rows(detail: Detail, rows: Vec<Vec<String>>) -> (Vec<Vec<String>>, usize) {
    if detail == Detail::All || rows.len() <= MAX_UPDATE_ROWS {
        return (rows, 0);
    }
    let folded = fold_runs(rows, 0);
    let skip = folded.len().saturating_sub(MAX_UPDATE_ROWS);
    let left_out = folded[..skip].iter().map(|f| f.1).sum();
    let shown = folded.into_iter().skip(skip).map(|(row, _)| row).collect();
    (shown, left_out)
}

/// Each run of consecutive rows that differ only in column `id` (an update's id) as one
/// row, whose `id` reads `KB5071220 … KB5071239 (20)` (a Patch Tuesday's updates travel
/// together), with the number of rows it stands for.
pub(super) fn fold_runs(rows: Vec<Vec<String>>, id: usize) -> Vec<(Vec<String>, usize)> {
    let same = |a: &[String], b: &[String]| a[..id] == b[..id] && a[id + 1..] == b[id + 1..];
    let mut folded: Vec<(Vec<String>, usize, String)> = Vec::new();
    for row in rows {
        match folded.last_mut() {
            Some((first, n, last)) if same(first, &row) => {
                *n += 1;
                *last = row[id].clone();
            }
            _ => {
                let first = row[id].clone();
                folded.push((row, 1, first));
            }
        }
    }
    folded
        .into_iter()
        .map(|(mut row, n, last)| {
            if n > 1 {
                row[id] = format!("{} … {last} ({n})", row[id]);
            }
            (row, n)
        })
        .collect()
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
        // Longer than 4: the worst half of 4 show.
        let bad = [1, 5, 3, 5, 0];
        assert_eq!(Detail::Top(4).pick(5, |i| bad[i]), vec![1, 3]);
        assert_eq!(
            Detail::Top(4).more(5, "sites", "summary.json"),
            "  (3 more sites: summary.json; --detail lists them all)\n"
        );
        let bad = [1, 5, 3, 5, 0, 4];
        assert_eq!(Detail::Top(5).pick(6, |i| bad[i]), vec![1, 3]);
        assert_eq!(Detail::All.pick(5, |i| bad[i]), vec![0, 1, 2, 3, 4]);
        assert_eq!(Detail::All.more(5, "sites", "summary.json"), "");
    }

    #[test]
    fn updates_with_the_same_figures_are_one_row_and_the_last_rows_show() {
        let row = |id: &str, v: &str| vec![id.to_string(), v.to_string()];
        let few: Vec<Vec<String>> = (0..10).map(|i| row(&format!("A{i}"), "x")).collect();
        assert_eq!(
            update_rows(Detail::default(), few.clone()),
            (few, 0),
            "ten fit"
        );
        let mut rows: Vec<Vec<String>> = (0..30).map(|i| row(&format!("A{i}"), "x")).collect();
        rows.push(row("B", "y"));
        rows.extend((0..3).map(|i| row(&format!("C{i}"), "x")));
        let (shown, left_out) = update_rows(Detail::default(), rows.clone());
        assert_eq!(
            shown,
            [
                row("A0 … A29 (30)", "x"),
                row("B", "y"),
                row("C0 … C2 (3)", "x")
            ]
        );
        assert_eq!(left_out, 0);
        let (all, none) = update_rows(Detail::All, rows);
        assert_eq!((all.len(), none), (34, 0));
        // Folded on another column: only rows equal in every other column join.
        let r = |site: &str, id: &str, n: &str| vec![site.into(), id.into(), n.into()];
        let reasons = vec![r("CAS", "A", "9"), r("CAS", "B", "9"), r("P01", "C", "9")];
        assert_eq!(
            fold_runs(reasons, 1),
            [(r("CAS", "A … B (2)", "9"), 2), (r("P01", "C", "9"), 1)]
        );
        // Twelve different rows: the last ten show, two updates left out.
        let distinct: Vec<_> = (0..12)
            .map(|i| row(&format!("U{i}"), &i.to_string()))
            .collect();
        let (shown, left_out) = update_rows(Detail::default(), distinct);
        assert_eq!((shown.len(), left_out, shown[0][0].as_str()), (10, 2, "U2"));
    }
}
