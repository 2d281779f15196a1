//! Calendar time: a scenario's start with its zone, points in time written as date-times,
//! client-local deadlines in each group's zone (R25), and dates beside the millisecond
//! offsets in the trace, `summary.json` and the CSV files.

mod common;
use common::tempdir::TestDir;
use common::*;

/// Two groups, one in Berlin and one in New York, a 100 MB update deployed on the first
/// day with `deadline` read as `base`, starting Tuesday 2026-12-08 00:00 UTC.
fn two_zones(deadline: &str, base: &str) -> String {
    format!(
        r#"Scenario(name: "zones", start: "2026-12-08T00:00:00Z", end: "6d",
        sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
                 distribution_points: ["DP1"])],
        clients: [(name: "berlin", site: "PR1", count: 40, time_zone: "Europe/Berlin"),
                  (name: "newyork", site: "PR1", count: 40, time_zone: "America/New_York")],
        catalog: [(id: "KB1", size: "100MB", restart: false)],
        deployments: [(id: "D1", updates: ["KB1"], target: [(group: "berlin"), (group: "newyork")],
                       created: "2026-12-08T06:00:00Z", deadline: "{deadline}",
                       time_based_on: {base})],
        settings: (user_early_install_share: 0))"#
    )
}

/// The earliest install (its pre-install scan, R25) of each group: (berlin, new york).
fn first_installs(trace: &str) -> (u64, u64) {
    let lines: Vec<serde_json::Value> = trace
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let first = |range: std::ops::Range<u64>| {
        kind(&lines, "scan_start")
            .iter()
            .filter(|l| l["reason"] == "pre_install" && range.contains(&u(l, "client")))
            .map(|l| t(l))
            .min()
            .expect("installs")
    };
    (first(0..40), first(40..80))
}

#[test]
fn r25_client_local_deadlines_fall_at_each_groups_wall_clock_time() {
    // Friday 18:00 on each client's clock: 17:00 UTC in Berlin, 23:00 UTC in New York.
    let trace = verified_trace(&two_zones("2026-12-11T18:00", "ClientLocal"));
    let (berlin, new_york) = first_installs(&trace);
    assert_eq!(berlin, 3 * DAY + 17 * HOUR);
    assert_eq!(new_york, 3 * DAY + 23 * HOUR);
}

#[test]
fn r25_utc_deadlines_fall_at_one_instant_for_everyone() {
    // Without an offset, a UTC-based deadline is wall-clock time in the start's zone (UTC).
    let trace = verified_trace(&two_zones("2026-12-11T18:00", "Utc"));
    assert_eq!(
        first_installs(&trace),
        (3 * DAY + 18 * HOUR, 3 * DAY + 18 * HOUR)
    );
    let same = verified_trace(&two_zones("3d 18h", "Utc"));
    assert_eq!(first_installs(&same), first_installs(&trace));
}

#[test]
fn verify_places_client_local_deadlines_itself() {
    // The same run with the deployment claimed UTC-based: New York installed six hours
    // after the deadline every client would then hold.
    let src = two_zones("2026-12-11T18:00", "ClientLocal");
    let loaded = cmsim::load_str("zones.ron", &src).unwrap();
    let trace = cmsim::try_trace_to_string(&loaded.world).unwrap();
    let forged = trace.replace(
        r#""time_based_on":"client_local""#,
        r#""time_based_on":"utc""#,
    );
    assert_ne!(forged, trace);
    let report = cmsim::rules::verify_str(&forged, None).unwrap();
    assert!(report.violated(), "{}", report.render());
}

#[test]
fn date_times_and_offsets_name_the_same_instants() {
    let offsets = trace(&two_zones("3d 18h", "Utc"));
    let dates = trace(
        &two_zones("2026-12-11T19:00:00+01:00", "Utc")
            .replace(r#"end: "6d""#, r#"end: "2026-12-14T00:00:00Z""#),
    );
    assert_eq!(offsets, dates);
    let header = &offsets[0];
    assert_eq!(header["start"], "2026-12-08T00:00:00+00:00");
    assert_eq!(header["groups"][1]["name"], "newyork");
    assert_eq!(header["groups"][1]["first"], 40);
    assert_eq!(header["groups"][1]["time_zone"], "America/New_York");
}

#[test]
fn summaries_and_csv_files_carry_dates() {
    let src = two_zones("2026-12-11T18:00", "ClientLocal").replace(
        "2026-12-08T00:00:00Z",
        "2026-12-08T01:00:00+01:00[Europe/Berlin]",
    );
    let loaded = cmsim::load_str("zones.ron", &src).unwrap();
    let opts = cmsim::RunOptions {
        quiet: true,
        ..Default::default()
    };
    let summary = cmsim::run(&loaded.world, &opts).unwrap();
    let json: serde_json::Value = serde_json::from_str(&summary.to_json()).unwrap();
    assert_eq!(json["start"], "2026-12-08T01:00:00+01:00[Europe/Berlin]");
    assert_eq!(json["end_at"], "2026-12-14T01:00:00+01:00");
    let d = &json["deployment"]["deployments"][0];
    // The wizard ran at 07:00 Berlin time (06:00 UTC) and took seconds.
    assert!(
        d["created_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-12-08T07:00:")
    );
    assert_eq!(d["deadline_at"], "2026-12-11T18:00:00+01:00");
    assert_eq!(d["deadline_ms"], 3 * DAY + 17 * HOUR);
    // The run creates its `--out` directory, beside the scenario, inside one removed when the
    // test ends.
    let tmp = TestDir::new("cmsim-calendar-");
    let dir = tmp.join("out");
    let file = dir.with_extension("ron");
    std::fs::write(&file, &src).unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_cmsim"))
        .args(["run", file.to_str().unwrap(), "--quiet", "--out"])
        .arg(&dir)
        .output()
        .unwrap()
        .status;
    assert!(status.success());
    let csv = std::fs::read_to_string(dir.join("machines.csv")).unwrap();
    let mut rows = csv.lines();
    assert!(rows.next().unwrap().starts_with("t_ms,time,datetime,"));
    assert!(
        rows.next()
            .unwrap()
            .starts_with("0,00:00:00,2026-12-08 01:00:00,"),
        "{csv}"
    );
}

#[test]
fn misplaced_date_times_are_refused_at_their_field() {
    let cases = [
        (
            two_zones("2026-12-11T18:00", "Utc").replace(r#"start: "2026-12-08T00:00:00Z", "#, ""),
            "no `start`",
        ),
        (
            two_zones("2026-12-11T18:00Z", "ClientLocal"),
            "names one instant, but `time_based_on: ClientLocal`",
        ),
        (
            two_zones("2026-12-01T18:00", "Utc"),
            "is before the scenario's start",
        ),
        (
            two_zones("2026-12-11T18:00", "Utc").replace("America/New_York", "America/Gotham"),
            "`America/Gotham` is not a time zone",
        ),
        (
            two_zones("2026-12-11T18:00", "Utc").replace("America/New_York", "America/NewYork"),
            "did you mean `America/New_York`?",
        ),
        (
            two_zones("2026-12-11T18:00", "Utc").replace(
                "2026-12-08T00:00:00Z",
                "2026-12-08T00:00:00+05:00[Europe/Berlin]",
            ),
            "is not the offset of Europe/Berlin",
        ),
    ];
    for (src, expected) in cases {
        let Err(e) = cmsim::load_str("zones.ron", &src) else {
            panic!("accepted: {src}");
        };
        let e = e.to_string();
        assert!(e.contains(expected), "{e}");
        assert!(e.contains("zones.ron:"), "located: {e}");
    }
}
