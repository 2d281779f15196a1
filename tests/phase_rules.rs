//! Phased deployments (issue 12, item 6): the first phase begins when the deployment is
//! created; a `Success` phase its deferral after the phase before reaches its success
//! percentage in the site databases; a `Delay` phase its delay after the phase before
//! began; a phase whose predecessor stalls never begins. `cmsim verify` (outcome `PHASES`)
//! recomputes the success from the trace's own `db_machines_compliant` lines.

mod common;
use common::*;
use serde_json::Value;

/// Three rings of always-on clients; the second ring's group gets `early` (more fields), the
/// third ring begins by `third`. Users do not install early.
fn rings(early: &str, third: &str) -> String {
    format!(
        r#"Scenario(name: "rings", seed: 4, end: "8d", start: "2026-12-07T00:00:00Z",
        sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["MP"],
                 distribution_points: ["DP1"])],
        clients: [(name: "pilot", site: "PR1", count: 40),
                  (name: "early", site: "PR1", count: 200, time_zone: "UTC"{early}),
                  (name: "broad", site: "PR1", count: 300)],
        catalog: [(id: "KB1", size: "50MB")],
        deployments: [(id: "D", updates: ["KB1"], created: "1d",
            phases: [
                (name: "ring0", target: [(group: "pilot")], deadline_after: "2h"),
                (name: "ring1", target: [(group: "early")], available_after: "1h",
                 deadline_after: "3h", begins: Success(percent: 90, deferral: "12h")),
                (name: "ring2", target: [(group: "broad")], begins: {third}),
            ])],
        settings: (user_early_install_share: 0))"#
    )
}

/// The early ring's maintenance window, 10 minutes a day, is shorter than the 20-minute
/// maximum run time: its deadline installs never find a window that fits (R25, WINDOWS).
const NO_FIT: &str = r#", maintenance_windows: [
    (name: "short", recurrence: Daily, start: "01:00", duration: "10m")]"#;

fn started<'a>(t: &'a [Value], d: &str) -> Option<&'a Value> {
    kind(t, "phase_started")
        .into_iter()
        .find(|l| l["deployment"] == d)
}

/// The first moment at or after `from` that `percent` of deployment `d`'s targeted machines
/// were compliant in the databases, summed from the trace.
fn criterion_met(t: &[Value], d: &str, from: u64, percent: u64) -> Option<u64> {
    let targeted = kind(t, "targeted_machines")
        .into_iter()
        .find(|l| l["deployment"] == d)
        .map(|l| u(l, "targeted"))?;
    let mut total = 0;
    for l in kind(t, "db_machines_compliant")
        .into_iter()
        .filter(|l| l["deployment"] == d)
    {
        total += u(l, "count");
        if total * 100 >= percent * targeted {
            return Some(from.max(t_of(l)));
        }
    }
    None
}

fn t_of(l: &Value) -> u64 {
    u(l, "t")
}

#[test]
fn phases_begin_at_creation_after_the_criterion_and_after_a_delay() {
    let t = verified_lines(&rings("", r#"Delay("1d")"#));
    let first = started(&t, "D/ring0").expect("ring0 began");
    assert_eq!(t_of(first), DAY);
    assert_eq!(first["phase"], 1);
    assert_eq!(first["reason"], "created");
    let second = started(&t, "D/ring1").expect("ring1 began");
    let met = criterion_met(&t, "D/ring0", DAY, 90).expect("ring0 met 90 %");
    assert_eq!(t_of(second), met + 12 * HOUR);
    assert_eq!(second["reason"], "criterion");
    let third = started(&t, "D/ring2").expect("ring2 began");
    assert_eq!(t_of(third), t_of(second) + DAY);
    assert_eq!(third["reason"], "delay");
    // Each phase is a deployment of its own: made at its start, its policy out an hour
    // later (ring1's available_after), its deadline counted from there.
    let made = kind(&t, "deployment_created")
        .into_iter()
        .find(|l| l["deployment"] == "D/ring1")
        .unwrap();
    assert_eq!(u(made, "deadline"), t_of(second) + HOUR + 3 * HOUR);
    // Installs in ring2 only after it began.
    let broad = 240..540;
    for l in kind(&t, "install_start") {
        if broad.contains(&u(l, "client")) {
            assert!(t_of(l) > t_of(third), "{l}");
        }
    }
}

#[test]
fn a_ring_below_its_criterion_keeps_the_next_from_beginning() {
    // No install of ring1 fits its window: it stays far below the 90 % ring2 waits for.
    let t = verified_lines(&rings(NO_FIT, r#"Success(percent: 90, deferral: "0")"#));
    assert!(started(&t, "D/ring1").is_some());
    assert!(criterion_met(&t, "D/ring1", 0, 90).is_none());
    assert!(started(&t, "D/ring2").is_none());
    assert!(
        kind(&t, "deployment_created")
            .iter()
            .all(|l| l["deployment"] != "D/ring2")
    );
    // The summary says so.
    let loaded = cmsim::load_str("rings.ron", &rings(NO_FIT, r#"Success(percent: 90)"#)).unwrap();
    let opts = cmsim::RunOptions {
        quiet: true,
        ..Default::default()
    };
    let summary = cmsim::run(&loaded.world, &opts).unwrap();
    let text = cmsim::report::text::render(&summary, Default::default());
    assert!(text.contains("never: D/ring1 reached"), "{text}");
    let json: Value = serde_json::from_str(&summary.to_json()).unwrap();
    let phases = json["deployment"]["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 3);
    assert!(phases[2]["started_ms"].is_null());
    assert_eq!(phases[2]["begins"], "criterion");
    assert!(phases[1]["db_compliant_percent"].as_f64().unwrap() < 90.0);
}

#[test]
fn verify_rejects_a_phase_moved_before_its_criterion_or_delay() {
    let src = rings("", r#"Delay("1d")"#);
    let loaded = cmsim::load_str("rings.ron", &src).unwrap();
    let trace = cmsim::trace_to_string(&loaded.world);
    let moved: String = trace
        .lines()
        .map(|l| {
            if l.contains(r#""kind":"phase_started""#) && l.contains("D/ring1") {
                let v: Value = serde_json::from_str(l).unwrap();
                l.replacen(
                    &format!(r#""t":{}"#, u(&v, "t")),
                    &format!(r#""t":{}"#, u(&v, "t") - HOUR),
                    1,
                )
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let report = cmsim::rules::verify_str(&moved, Some(&loaded.scenario)).unwrap();
    let o = report.outcomes.iter().find(|o| o.id == "PHASES").unwrap();
    assert!(!o.violations.is_empty(), "{}", report.render());
    // A dropped phase line: ring2 was due and "never began".
    let dropped: String = trace
        .lines()
        .filter(|l| !(l.contains(r#""kind":"phase_started""#) && l.contains("D/ring2")))
        .collect::<Vec<_>>()
        .join("\n");
    let report = cmsim::rules::verify_str(&dropped, Some(&loaded.scenario)).unwrap();
    let o = report.outcomes.iter().find(|o| o.id == "PHASES").unwrap();
    assert!(
        o.violations.iter().any(|v| v.contains("never did")),
        "{}",
        report.render()
    );
}

#[test]
fn bad_phases_are_refused_at_their_field() {
    let bad = |phases: &str, extra: &str| {
        let src = format!(
            r#"Scenario(name: "x", end: "4d",
            sites: [(code: "PR1", kind: Primary, sup: "S", management_points: ["MP"],
                     distribution_points: ["DP"])],
            clients: [(name: "a", site: "PR1", count: 5)],
            catalog: [(id: "KB1")],
            deployments: [(id: "D", updates: ["KB1"], created: "1d"{extra},
                phases: [{phases}])])"#
        );
        match cmsim::load_str("bad.ron", &src) {
            Ok(_) => panic!("accepted: {src}"),
            Err(e) => e.to_string(),
        }
    };
    let m = bad(r#"(target: [(group: "a")], begins: Delay("1h"))"#, "");
    assert!(
        m.contains("bad.ron:7:") && m.contains("first phase begins"),
        "{m}"
    );
    let m = bad(
        r#"(target: [(group: "a")]), (target: [(group: "a")], begins: Success(percent: 150))"#,
        "",
    );
    assert!(
        m.contains("phases[1].begins.percent") && m.contains("150"),
        "{m}"
    );
    let m = bad(r#"(target: [(group: "a")])"#, r#", target: [(group: "a")]"#);
    assert!(
        m.contains("deployments[0].target") && m.contains("phases"),
        "{m}"
    );
    let m = bad(r#"(target: [(group: "b")])"#, "");
    assert!(
        m.contains("phases[0].target[0].group") && m.contains("`b`"),
        "{m}"
    );
    let m = bad(
        r#"(name: "r", target: [(group: "a")]), (name: "r", target: [(group: "a")])"#,
        "",
    );
    assert!(m.contains("phases[1].name") && m.contains("twice"), "{m}");
}
