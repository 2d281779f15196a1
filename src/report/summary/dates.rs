//! Calendar dates beside the millisecond offsets of `summary.json`: when the run has a start
//! date, every field holding a point in time (`released_ms`) gets a sibling with the same
//! instant as ISO 8601 with its offset (`released_at: "2023-10-10T00:00:00+00:00"`), so a
//! reader needs no arithmetic. Durations (`longest_sync_ms`) get none: a span has no date.

use crate::engine::SimTime;
use crate::engine::calendar::Calendar;
use serde_json::{Map, Value};

/// Fields holding points in time, in milliseconds since the start (or arrays and maps of
/// them, with nulls for "never").
pub(super) const POINTS: [&str; 22] = [
    "end_ms",
    "backlog_peak_at_ms",
    "policy_peak_at_ms",
    "scan_peak_at_ms",
    "itmu_refreshes_ms",
    "t_ms",
    "known_ms",
    "peak_at_ms",
    "migrated_reactivated_ms",
    "first_6702_ms",
    "last_6702_ms",
    "released_ms",
    "in_site_db_ms",
    "in_itmu_catalog_ms",
    "created_ms",
    "deadline_ms",
    "content_on_dp_ms",
    "content_complete_ms",
    "installed_ms",
    "db_installed_ms",
    "compliant_ms",
    "db_compliant_ms",
];

/// The date field beside point field `key`: `released_ms` → `released_at`, `peak_at_ms` →
/// `peak_at`, `t_ms` → `at`.
pub(super) fn date_key(key: &str) -> String {
    match key.strip_suffix("_ms") {
        Some("t") => "at".into(),
        Some(stem) if stem.ends_with("_at") => stem.into(),
        Some(stem) => format!("{stem}_at"),
        None => format!("{key}_at"),
    }
}

/// `v` (milliseconds, or arrays and maps of them) as dates on `calendar`.
fn dated(v: &Value, calendar: &Calendar) -> Value {
    match v {
        Value::Number(n) => n
            .as_u64()
            .map_or(Value::Null, |ms| Value::String(calendar.iso(SimTime(ms)))),
        Value::Array(items) => Value::Array(items.iter().map(|x| dated(x, calendar)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, x)| (k.clone(), dated(x, calendar)))
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// Adds the date siblings throughout `v`.
pub(super) fn add_dates(v: &mut Value, calendar: &Calendar) {
    match v {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, mut x) in std::mem::take(map) {
                add_dates(&mut x, calendar);
                let date = POINTS
                    .contains(&k.as_str())
                    .then(|| (date_key(&k), dated(&x, calendar)));
                out.insert(k, x);
                if let Some((dk, d)) = date {
                    out.insert(dk, d);
                }
            }
            *map = out;
        }
        Value::Array(items) => items.iter_mut().for_each(|x| add_dates(x, calendar)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields holding durations: no date.
    const SPANS: [&str; 3] = ["scan_to_db_ms", "scan_to_top_db_ms", "longest_sync_ms"];

    #[test]
    fn points_get_dates_and_spans_do_not() {
        let c = Calendar::parse("2023-10-09T00:00:00Z").unwrap();
        let mut v = serde_json::json!({
            "released_ms": 86_400_000u64,
            "longest_sync_ms": 60_000u64,
            "known_ms": [0u64, null],
            "in_site_db_ms": {"PR1": 3_600_000u64},
            "curve": [{"t_ms": 0u64}],
            "peak_at_ms": 0u64,
        });
        add_dates(&mut v, &c);
        assert_eq!(v["released_at"], "2023-10-10T00:00:00+00:00");
        assert!(v.get("longest_sync_at").is_none());
        assert_eq!(
            v["known_at"],
            serde_json::json!(["2023-10-09T00:00:00+00:00", null])
        );
        assert_eq!(v["in_site_db_at"]["PR1"], "2023-10-09T01:00:00+00:00");
        assert_eq!(v["curve"][0]["at"], "2023-10-09T00:00:00+00:00");
        assert_eq!(v["peak_at"], "2023-10-09T00:00:00+00:00");
    }

    /// Every `*_ms` field of a real summary is classified, so a new field cannot miss its
    /// date by being forgotten here.
    #[test]
    fn every_millisecond_field_is_a_point_or_a_span() {
        fn keys(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => m.iter().for_each(|(k, x)| {
                    out.push(k.clone());
                    keys(x, out)
                }),
                Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
                _ => {}
            }
        }
        let loaded = crate::load::load_file("scenarios/mandatory-deadline.ron".as_ref()).unwrap();
        let opts = crate::RunOptions {
            quiet: true,
            ..Default::default()
        };
        let summary = crate::run(&loaded.world, &opts).unwrap();
        let json: Value = serde_json::from_str(&summary.to_json()).unwrap();
        let mut all = Vec::new();
        keys(&json, &mut all);
        for k in all.iter().filter(|k| k.ends_with("_ms")) {
            assert!(
                POINTS.contains(&k.as_str()) || SPANS.contains(&k.as_str()),
                "{k}"
            );
            if POINTS.contains(&k.as_str()) {
                assert!(all.contains(&date_key(k)), "{k} has no date");
            }
        }
    }
}
