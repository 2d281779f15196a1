//! Hostile traces found by the robustness review (moves to the "traces" class file).

mod common;

use common::hostile::{assert_has, cmsim};

#[test]
fn an_endless_trace_line_is_refused_not_read_into_memory() {
    let (code, _, err) = cmsim(&["verify", "/dev/zero"]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["/dev/zero:1:", "a line longer than 16777216 bytes"]);
}

#[test]
fn a_trace_too_large_to_check_in_memory_is_refused() {
    let dir = common::hostile::temp("bigtrace");
    let trace = dir.join("t.jsonl");
    let (code, _, err) = cmsim(&[
        "run",
        "scenarios/lab.ron",
        "-q",
        "--trace",
        trace.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cmsim(&["verify", trace.to_str().unwrap(), "--max-memory", "200KB"]);
    assert_eq!(code, 2, "{err}");
    assert_has(
        &err,
        &[
            "t.jsonl: more than",
            "events; checking them would need more than",
            "--trace-clients",
            "--max-memory",
        ],
    );
    let (code, out, err) = cmsim(&[
        "verify",
        trace.to_str().unwrap(),
        "--scenario",
        "scenarios/lab.ron",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("VIOLATED"), "{out}");
}
