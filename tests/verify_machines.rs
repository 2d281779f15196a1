//! `cmsim verify`'s `MACHINES` check on the counts the figures rest on: a trace of a real run
//! passes, and each forgery a reviewer made of it, which verify used to accept, is caught —
//! a restart that leaves its machine pending restart (its `machine_state` lines dropped), a
//! database that learns of more compliant machines than were targeted, a deployment that
//! says it found nothing required or targeted a machine its groups do not hold, and a group
//! that needed an update on fewer machines than installed it.

use serde_json::Value;

/// 20 machines, one deployment of an update that needs a restart, every one installing.
const SRC: &str = r#"Scenario(name: "counts", seed: 3, end: "3d",
    sites: [(code: "P01", kind: Primary, sup: "SUP", management_points: ["MP"],
             distribution_points: ["DP"])],
    clients: [(name: "g", site: "P01", count: 20)],
    catalog: [(id: "KB1", size: "10MB", released: "0")],
    deployments: [(id: "A", updates: ["KB1"], target: [(group: "g")], created: "2h",
                   deadline: "3h")],
    settings: (user_early_install_share: 0.0))"#;

/// The violations `MACHINES` finds in `trace`.
fn machines(loaded: &cmsim::Loaded, trace: &str) -> String {
    let r = cmsim::rules::verify_str(trace, Some(&loaded.scenario)).unwrap();
    let o = r.outcomes.iter().find(|o| o.id == "MACHINES").unwrap();
    assert!(o.checked > 0);
    o.violations.join("\n")
}

/// `trace` with each line of `kind` passed through `edit` (None drops it).
fn forge(trace: &str, kind: &str, edit: impl Fn(Value) -> Option<Value>) -> String {
    let mut out = String::new();
    let mut changed = false;
    for line in trace.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let forged = if v["kind"] == kind {
            edit(v.clone())
        } else {
            Some(v.clone())
        };
        changed |= forged.as_ref() != Some(&v);
        if let Some(f) = forged {
            out.push_str(&serde_json::to_string(&f).unwrap());
            out.push('\n');
        }
    }
    assert!(changed, "no {kind} line forged");
    out
}

#[test]
fn machine_counts_hold_together_and_forgeries_of_them_are_caught() {
    let loaded = cmsim::load_str("counts.ron", SRC).unwrap();
    let trace = cmsim::try_trace_to_string(&loaded.world).unwrap();
    assert_eq!(machines(&loaded, &trace), "");
    let caught = |forged: String, says: &str| {
        let v = machines(&loaded, &forged);
        assert!(v.contains(says), "`{says}` not in:\n{v}");
    };
    // The moves out of pending restart, dropped: the restarts leave machines pending.
    caught(
        forge(&trace, "machine_state", |v| {
            (v["from"] != "pending_restart").then_some(v)
        }),
        "a restart that left the machine pending restart",
    );
    // (line kind, field, forged value, what verify says)
    let forgeries = [
        (
            "db_machines_compliant",
            "count",
            21,
            "learned of 21 compliant machines of 20 targeted",
        ),
        (
            "deployment_created",
            "required",
            0,
            "which found 0 required at its creation",
        ),
        (
            "deployment_created",
            "targeted",
            5,
            "5 machines targeted: its groups, taken whole, hold 20",
        ),
        (
            "targeted_machines",
            "compliant",
            30,
            "more machines compliant than targeted",
        ),
        (
            "applicability",
            "required",
            19,
            "20 machines of g installed KB1, which 19 of them needed at the start",
        ),
    ];
    for (kind, field, n, says) in forgeries {
        let set = |mut v: Value| {
            v[field] = n.into();
            Some(v)
        };
        caught(forge(&trace, kind, set), says);
    }
}
