//! The load on each WSUS, recounted from the trace for `SCANS` (`scans.rs`): a served online
//! scan occupies its WSUS from its connect moment for its download step, `scan_wua_download`
//! or `scan_wua_download_full` (R11); a scan connecting while its WSUS serves
//! `wsus_max_scans` scans is not served. Read from the lines and the settings only.

use crate::scenario::Settings;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// What an online scan meets when it connects.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Meets {
    /// Served.
    Served,
    /// The WSUS was down.
    Down,
    /// At capacity, serving this many.
    Overloaded(usize),
    /// Up, with a load the trace cannot tell (it keeps some clients only): served or
    /// overloaded.
    Uncounted,
}

/// The scans each WSUS serves, by the end of their downloads.
pub(super) struct Load<'a> {
    cap: usize,
    delta: u64,
    full: u64,
    /// False when the trace keeps some clients only: others' scans are missing, so a scan
    /// on a WSUS that was up may have been served or overloaded.
    counted: bool,
    ends: BTreeMap<&'a str, BinaryHeap<Reverse<u64>>>,
}

impl<'a> Load<'a> {
    pub(super) fn new(s: &Settings, counted: bool) -> Self {
        Load {
            cap: s.wsus_max_scans as usize,
            delta: s.scan_wua_download.0.ms(),
            full: s.scan_wua_download_full.0.ms(),
            counted,
            ends: BTreeMap::new(),
        }
    }

    /// A scan connecting to `sup`'s WSUS (up) at `at`: served, and then counted until its
    /// download ends, or over capacity.
    pub(super) fn connect(&mut self, sup: &'a str, at: u64, full: bool) -> Meets {
        if !self.counted {
            return Meets::Uncounted;
        }
        let ends = self.ends.entry(sup).or_default();
        while ends.peek().is_some_and(|&Reverse(end)| end <= at) {
            ends.pop();
        }
        if self.cap > 0 && ends.len() >= self.cap {
            return Meets::Overloaded(ends.len());
        }
        ends.push(Reverse(at + if full { self.full } else { self.delta }));
        Meets::Served
    }
}
