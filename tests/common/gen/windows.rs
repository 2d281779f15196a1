//! Maintenance windows of a client group: what is generated, its strategy, and its rendering.
//!
//! Most groups have none (3 in 5), the others one or two. Every recurrence comes up (daily,
//! weekly on some days, monthly on the nth weekday with an offset), starting on the hour or
//! at any minute, in the group's zone or in UTC, for all deployments or software updates
//! only. Durations run from 5 minutes to 24 hours, mostly short ones, so that an update's
//! maximum run time (default 20 minutes) sometimes never fits. Rendering keeps the
//! loader's rules: names `w0`, `w1` are distinct, the duration is clamped to 5m..=24h, the
//! weekdays are a non-empty set, the offset at most 7 days.

use super::{DAY, HOUR, dur};
use proptest::collection::vec;
use proptest::prelude::*;

/// When a window recurs.
#[derive(Clone, Debug)]
pub enum GenRecurrence {
    Daily,
    /// Days of the week as a bit mask (bit 0 Monday); none becomes Monday.
    Weekly(u8),
    /// The `week`th (0–3; 4: last) `day` (0 Monday) of the month, `offset` days later (0–7).
    Monthly {
        week: u8,
        day: u8,
        offset: u8,
    },
}

/// A maintenance window.
#[derive(Clone, Debug)]
pub struct GenWindow {
    pub recurrence: GenRecurrence,
    /// Minutes after midnight (modulo a day).
    pub start: u16,
    /// Minutes, clamped to 5..=1440.
    pub duration: u32,
    /// `applies_to: SoftwareUpdates` instead of the default `All`.
    pub software_updates: bool,
    /// The start is in UTC rather than the group's zone.
    pub utc: bool,
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKS: [&str; 5] = ["First", "Second", "Third", "Fourth", "Last"];

fn recurrence() -> impl Strategy<Value = GenRecurrence> {
    prop_oneof![
        2 => Just(GenRecurrence::Daily),
        2 => (1..=127u8).prop_map(GenRecurrence::Weekly),
        1 => (0..5u8, 0..7u8, 0..=7u8)
            .prop_map(|(week, day, offset)| GenRecurrence::Monthly { week, day, offset }),
    ]
}

/// A window's length in minutes: mostly short (shorter than the default maximum run time
/// now and then), sometimes a whole day.
fn length() -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => dur(5, HOUR),
        2 => dur(HOUR, 6 * HOUR),
        1 => dur(6 * HOUR, DAY),
        1 => Just(DAY),
    ]
}

fn window() -> impl Strategy<Value = GenWindow> {
    (
        recurrence(),
        prop_oneof![(0..24u16).prop_map(|h| h * 60), 0..24 * 60u16],
        length(),
        prop::bool::weighted(0.5),
        prop::bool::weighted(0.25),
    )
        .prop_map(
            |(recurrence, start, duration, software_updates, utc)| GenWindow {
                recurrence,
                start,
                duration,
                software_updates,
                utc,
            },
        )
}

/// A group's windows: none (3 in 5), one or two.
pub(super) fn windows() -> impl Strategy<Value = Vec<GenWindow>> {
    prop_oneof![
        3 => Just(Vec::new()),
        1 => vec(window(), 1..=1),
        1 => vec(window(), 2..=2),
    ]
}

/// The `maintenance_windows` field of a group, or `None` when it has none.
pub(super) fn render(windows: &[GenWindow]) -> Option<String> {
    if windows.is_empty() {
        return None;
    }
    let list: Vec<String> = windows
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let recurrence = match w.recurrence {
                GenRecurrence::Daily => "Daily".to_string(),
                GenRecurrence::Weekly(mask) => {
                    let mask = if mask & 0x7f == 0 { 1 } else { mask & 0x7f };
                    let days: Vec<&str> = (0..7)
                        .filter(|d| mask & 1 << d != 0)
                        .map(|d| WEEKDAYS[d])
                        .collect();
                    format!("Weekly([{}])", days.join(", "))
                }
                GenRecurrence::Monthly { week, day, offset } => format!(
                    "Monthly(week: {}, day: {}, offset_days: {})",
                    WEEKS[usize::from(week) % WEEKS.len()],
                    WEEKDAYS[usize::from(day) % 7],
                    offset.min(7)
                ),
            };
            let start = u32::from(w.start) % DAY;
            let mut f = vec![
                format!("name: \"w{i}\""),
                format!("recurrence: {recurrence}"),
                format!("start: \"{:02}:{:02}\"", start / HOUR, start % HOUR),
                format!("duration: \"{}\"", super::d(w.duration.clamp(5, DAY))),
            ];
            if w.software_updates {
                f.push("applies_to: SoftwareUpdates".into());
            }
            if w.utc {
                f.push("utc: true".into());
            }
            format!("({})", f.join(", "))
        })
        .collect();
    Some(format!("maintenance_windows: [{}]", list.join(", ")))
}
