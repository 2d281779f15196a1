//! When each machine was switched off, read from the trace (`client_offline`,
//! `client_online`): the rules that time a client's actions use it, because an off machine
//! does nothing and catches up at start-up — a poll, a send, a reminder that came due while
//! it was off happens when it is back (`AGENT` checks that nothing happens in between).

use super::trace::Line;
use std::collections::BTreeMap;

/// Every client's spans switched off, in time order: (off, back on; `u64::MAX` if never).
#[derive(Default)]
pub(super) struct Power {
    spans: BTreeMap<u64, Vec<(u64, u64)>>,
}

impl Power {
    /// The spans of every client in `lines` (in time order).
    pub(super) fn of(lines: &[Line]) -> Power {
        Power::spans(lines, false)
    }

    /// When each machine's user was away from it: the machine switched off, or left on
    /// with its user gone home (`user_away` … `user_back`). The rules about what users see
    /// and do read this view (R22, R24, the users' restarts of R25): a user catches up on
    /// their return as a machine does at its start-up.
    pub(super) fn users(lines: &[Line]) -> Power {
        Power::spans(lines, true)
    }

    /// The spans in which each client was off, or (`away`) off or without its user.
    fn spans(lines: &[Line], away: bool) -> Power {
        let mut state: BTreeMap<u64, [bool; 2]> = BTreeMap::new(); // [off, user away]
        let mut spans: BTreeMap<u64, Vec<(u64, u64)>> = BTreeMap::new();
        for l in lines {
            let (which, to) = match l.kind.as_str() {
                "client_offline" => (0, true),
                "client_online" => (0, false),
                "user_away" if away => (1, true),
                "user_back" if away => (1, false),
                _ => continue,
            };
            let s = state.entry(l.client()).or_default();
            let was = s[0] || s[1];
            s[which] = to;
            let now = s[0] || s[1];
            let spans = spans.entry(l.client()).or_default();
            if now && !was {
                spans.push((l.t, u64::MAX));
            } else if was
                && !now
                && let Some(last) = spans.last_mut()
            {
                last.1 = l.t;
            }
        }
        Power { spans }
    }

    fn of_client(&self, c: u64) -> &[(u64, u64)] {
        self.spans.get(&c).map_or(&[][..], Vec::as_slice)
    }

    /// Whether `c` came back on at `t` (its start-up).
    pub(super) fn started_at(&self, c: u64, t: u64) -> bool {
        self.of_client(c).iter().any(|&(_, on)| on == t)
    }

    /// Whether `c` was off at some moment of `[from, to)`.
    pub(super) fn off_during(&self, c: u64, from: u64, to: u64) -> bool {
        self.of_client(c)
            .iter()
            .any(|&(off, on)| off < to && from < on)
    }

    /// When `c` last came back on, at or before `t`.
    pub(super) fn started_before(&self, c: u64, t: u64) -> Option<u64> {
        self.of_client(c)
            .iter()
            .rev()
            .map(|&(_, on)| on)
            .find(|&on| on <= t)
    }

    /// From when client `c` could act, by `t`, on what came up at `from`: its last start-up
    /// if it was off in between (a client catches up at start-up), else `from`.
    pub(super) fn awake_since(&self, c: u64, from: u64, t: u64) -> u64 {
        match self.off_during(c, from, t) {
            true => self.started_before(c, t).unwrap_or(from),
            false => from,
        }
    }

    /// Whether `c` is off at the end of the run (what came due waits for a start-up that
    /// the trace does not show).
    pub(super) fn off_at_end(&self, c: u64, end: u64) -> bool {
        self.resumed(c, end) > end
    }

    /// `t`, or when `c` came back on if it was off at `t` (`u64::MAX`: never).
    pub(super) fn resumed(&self, c: u64, t: u64) -> u64 {
        self.of_client(c)
            .iter()
            .find(|&&(off, on)| off <= t && t < on)
            .map_or(t, |&(_, on)| on)
    }
}
