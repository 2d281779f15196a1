//! Hostile-input suite, class "traces": what `cmsim verify` is given instead of a trace it
//! wrote. Unreadable input is an error (exit code 2, `file:line` and what is wrong); a
//! readable trace that breaks the format is a TRACE violation (exit code 1). Never a panic or
//! a hang (every run is killed after 20 s), and nothing is written. A line of 17 MiB is in
//! `hostile_inputs.rs`.

mod common;

use common::hostile::{assert_has, cmsim, files_in, temp};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A small scenario with a sync, a deployment, downloads and installs.
const TINY: &str = r#"Scenario(name: "tiny", seed: 1, end: "2d",
  sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"], distribution_points: ["DP"])],
  clients: [(name: "pcs", site: "PR1", count: 2)],
  catalog: [(id: "KB1", size: "10MB"), (id: "KB2", size: "1MB", supersedes: ["KB1"], released: "1d")],
  actions: [RunSync(at: "1d 2h")],
  deployments: [(id: "D1", updates: ["KB1"], target: [(group: "pcs")], created: "3h", deadline: "1d")])
"#;

/// The trace `cmsim run` writes for TINY, made once.
fn base() -> &'static str {
    static TRACE: OnceLock<String> = OnceLock::new();
    TRACE.get_or_init(|| {
        let dir = temp("base");
        let scenario = dir.join("tiny.ron");
        std::fs::write(&scenario, TINY).unwrap();
        let trace = dir.join("tiny.jsonl");
        let (code, _, err) = cmsim(&[
            "run",
            scenario.to_str().unwrap(),
            "--quiet",
            "--trace",
            trace.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        std::fs::read_to_string(trace).unwrap()
    })
}

fn lines() -> Vec<&'static str> {
    base().lines().collect()
}

/// Lines joined as a trace file is.
fn join<S: AsRef<str>>(lines: &[S]) -> String {
    lines.iter().map(|l| format!("{}\n", l.as_ref())).collect()
}

/// The base trace with `run_end`'s line count fixed up for `lines` (its last line).
fn recount(mut lines: Vec<String>) -> String {
    let last = lines.len() - 1;
    let mut end: Value = serde_json::from_str(&lines[last]).unwrap();
    end["lines"] = Value::from(last as u64);
    lines[last] = end.to_string();
    join(&lines)
}

fn owned(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

/// `cmsim verify` on `bytes` saved as NAME.jsonl: exit code, stdout, stderr. Checks that
/// nothing else was written next to it.
fn verify(name: &str, bytes: &[u8]) -> (i32, String, String) {
    let dir = temp(name);
    let path = dir.join(format!("{name}.jsonl"));
    std::fs::write(&path, bytes).unwrap();
    verify_path(&dir, &path)
}

fn verify_path(dir: &Path, path: &Path) -> (i32, String, String) {
    let before = files_in(dir);
    let result = cmsim(&["verify", path.to_str().unwrap()]);
    assert_eq!(files_in(dir), before, "verify wrote a file");
    result
}

/// Unreadable: exit code 2, nothing on stdout, every part of `expected` on stderr.
fn error(name: &str, bytes: &[u8], expected: &[&str]) {
    let (code, out, err) = verify(name, bytes);
    assert_eq!(code, 2, "{name}: {out}{err}");
    assert!(out.is_empty(), "{name}: {out}");
    assert_has(&err, expected);
}

/// Readable but broken: exit code 1, every part of `expected` in the report.
fn violation(name: &str, bytes: &[u8], expected: &[&str]) -> String {
    let (code, out, err) = verify(name, bytes);
    assert_eq!(code, 1, "{name}: {out}{err}");
    assert_has(&out, expected);
    out
}

#[test]
fn the_base_trace_holds() {
    let (code, out, err) = verify("base", base().as_bytes());
    assert_eq!(code, 0, "{out}{err}");
    assert_has(&out, &["TRACE  held"]);
}

#[test]
fn an_empty_trace_or_dev_null_is_a_framing_violation() {
    for (name, bytes) in [("empty", &b""[..]), ("blank", &b"\n\n  \n\r\n"[..])] {
        violation(
            name,
            bytes,
            &[
                "TRACE  VIOLATED",
                "empty trace: no trace_start header and no run_end record",
            ],
        );
    }
    let (code, out, _) = cmsim(&["verify", "/dev/null"]);
    assert_eq!(code, 1);
    assert_has(&out, &["empty trace"]);
}

#[test]
fn a_trace_without_its_header_is_a_framing_violation() {
    let l = lines();
    violation(
        "headerless",
        recount(owned(&l[1..])).as_bytes(),
        &["line 1 (00:00:00, applicability ): the trace does not start with a trace_start header"],
    );
}

#[test]
fn a_trace_cut_short_is_an_error_mid_line_and_a_violation_at_a_line_end() {
    let text = base();
    // Mid-line: the last line read is not JSON.
    let cut = &text[..text.len() / 2];
    let last = cut.lines().count();
    error(
        "cut-mid-line",
        cut.as_bytes(),
        &[&format!(
            "cut-mid-line.jsonl:{last}: not a trace event: EOF while parsing"
        )],
    );
    // At a line end: the run_end record is missing.
    let l = lines();
    violation(
        "cut-at-line-end",
        join(&l[..l.len() / 2]).as_bytes(),
        &["no run_end record: the trace was cut short"],
    );
    // Only the header.
    violation(
        "header-only",
        join(&l[..1]).as_bytes(),
        &["no run_end record"],
    );
}

#[test]
fn binary_garbage_is_an_error_on_its_first_line() {
    // Deterministic bytes of every value.
    let mut x: u32 = 12345;
    let garbage: Vec<u8> = (0..4096)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        })
        .collect();
    error("garbage", &garbage, &["garbage.jsonl:1: not a trace event"]);
    // Printable garbage.
    error(
        "text",
        b"hello, world\n",
        &["text.jsonl:1: not a trace event: expected value at column 1"],
    );
    // An ELF header, as if the binary were given.
    error(
        "elf",
        b"\x7fELF\x02\x01\x01\0\0\0",
        &["elf.jsonl:1: not a trace event"],
    );
}

#[test]
fn invalid_utf8_is_an_error_at_its_line_and_column() {
    let mut l = owned(&lines());
    let at = l[3].find("\"kind\"").unwrap();
    let mut bytes = join(&l[..3]).into_bytes();
    let line = l.remove(3);
    bytes.extend_from_slice(&line.as_bytes()[..at]);
    bytes.extend_from_slice(b"\xC3\x28");
    bytes.extend_from_slice(&line.as_bytes()[at..]);
    bytes.push(b'\n');
    error(
        "utf8",
        &bytes,
        &[&format!(
            "utf8.jsonl:4: not a trace event: not UTF-8 text at column {}",
            at + 1
        )],
    );
    // UTF-16, as a Windows tool might re-save it.
    let utf16: Vec<u8> = base()
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    error("utf16", &utf16, &["utf16.jsonl:1: not a trace event"]);
}

#[test]
fn crlf_line_ends_read_the_same_as_lf() {
    let (code, lf, _) = verify("lf", base().as_bytes());
    assert_eq!(code, 0);
    let (code, crlf, err) = verify("crlf", base().replace('\n', "\r\n").as_bytes());
    assert_eq!(code, 0, "{err}");
    assert_eq!(crlf, lf, "the same verdict, case for case");
}

#[test]
fn a_duplicated_header_is_a_framing_violation() {
    let l = lines();
    let mut twice = vec![l[0]];
    twice.extend(&l);
    violation(
        "two-headers",
        recount(owned(&twice)).as_bytes(),
        &["line 2 (00:00:00, trace_start ): a second trace_start header: traces were joined"],
    );
    // Two whole traces one after the other.
    let after = format!(
        "line {} (00:00:00, trace_start ): a line after run_end",
        l.len() + 1
    );
    violation(
        "two-traces",
        format!("{}{}", base(), base()).as_bytes(),
        &[after.as_str()],
    );
}

#[test]
fn a_run_end_that_lies_about_its_counts_is_a_violation() {
    let l = lines();
    let n = l.len();
    let end: Value = serde_json::from_str(l[n - 1]).unwrap();
    let with_end = |e: &Value, key: &str, v: Value| {
        let mut e = e.clone();
        e[key] = v;
        let mut out = owned(&l[..n - 1]);
        out.push(e.to_string());
        join(&out)
    };
    let with = |key: &str, v: Value| with_end(&end, key, v);
    let lines_counted = end["lines"].as_u64().unwrap();
    violation(
        "lines-more",
        with("lines", (lines_counted + 5).into()).as_bytes(),
        &["run_end counts", "lines were lost or added"],
    );
    violation(
        "lines-max",
        with("lines", u64::MAX.into()).as_bytes(),
        &["lines were lost or added"],
    );
    violation(
        "end-early",
        with("end", 5.into()).as_bytes(),
        &[
            "but the run ended at 5 ms",
            "after the end of the run (5 ms)",
        ],
    );
    // A count of the wrong type is unreadable.
    let mut wrong = end.clone();
    wrong["events"] = Value::from("many");
    error(
        "events-text",
        with_end(&wrong, "lines", lines_counted.into()).as_bytes(),
        &[
            "events-text.jsonl:",
            "invalid type: string \"many\", expected u64",
        ],
    );
}

#[test]
fn times_going_back_are_a_violation() {
    let l = lines();
    let mut out = owned(&l);
    let mid = out.len() / 2;
    let mut v: Value = serde_json::from_str(&out[mid]).unwrap();
    v["t"] = 0.into();
    out[mid] = v.to_string();
    violation(
        "back",
        join(&out).as_bytes(),
        &[
            "TRACE  VIOLATED",
            &format!("line {} (00:00:00", mid + 1),
            "time goes back",
        ],
    );
    // The whole trace reversed (header last).
    let mut rev = owned(&l);
    rev.reverse();
    violation("reversed", join(&rev).as_bytes(), &["TRACE  VIOLATED"]);
}

#[test]
fn unknown_kinds_and_fields_are_read_and_counted() {
    // A later cmsim may add kinds and fields: they read, and count as lines.
    let l = lines();
    let mut out = owned(&l);
    out.insert(
        5,
        r#"{"t":0,"kind":"alien_landing","ufo":{"x":[1,2,{"y":null}]}}"#.into(),
    );
    let (code, report, err) = verify("unknown-counted", recount(out.clone()).as_bytes());
    assert_eq!(code, 0, "{report}{err}");
    violation(
        "unknown-uncounted",
        join(&out).as_bytes(),
        &["lines were lost or added"],
    );
    // A line without a kind or a time is not a trace event.
    error(
        "no-kind",
        join(&[l[0], r#"{"t":1}"#]).as_bytes(),
        &["no-kind.jsonl:2:", "missing field `kind`"],
    );
    error(
        "no-t",
        join(&[l[0], r#"{"kind":"x"}"#]).as_bytes(),
        &["no-t.jsonl:2:", "missing field `t`"],
    );
    // JSON that is not an object.
    for (name, line) in [
        ("number", "5"),
        ("string", "\"x\""),
        ("null", "null"),
        ("array", "[]"),
    ] {
        error(
            name,
            join(&[l[0], line]).as_bytes(),
            &[&format!("{name}.jsonl:2: not a trace event")],
        );
    }
    // A key given twice.
    error(
        "dup-key",
        join(&[l[0], r#"{"t":1,"t":2,"kind":"x"}"#]).as_bytes(),
        &["dup-key.jsonl:2:", "duplicate field `t`"],
    );
}

#[test]
fn numbers_out_of_range_are_errors_and_extremes_in_range_do_not_overflow() {
    let l = lines();
    let bad = |name: &str, line: &str, expected: &str| {
        error(
            name,
            join(&[l[0], line]).as_bytes(),
            &[&format!("{name}.jsonl:2:"), expected],
        );
    };
    bad(
        "t-2-64",
        r#"{"t":18446744073709551616,"kind":"x"}"#,
        "expected u64",
    );
    bad(
        "t-huge",
        &format!(r#"{{"t":1{},"kind":"x"}}"#, "0".repeat(400)),
        "not a trace event",
    );
    bad(
        "t-negative",
        r#"{"t":-1,"kind":"x"}"#,
        "invalid value: integer `-1`, expected u64",
    );
    bad("t-float", r#"{"t":1.5,"kind":"x"}"#, "expected u64");
    bad("t-exp", r#"{"t":1e400,"kind":"x"}"#, "not a trace event");
    bad(
        "t-beyond",
        r#"{"t":9007199254740993,"kind":"x"}"#,
        "a time beyond 9007199254740992 ms",
    );
    bad(
        "client-2-64",
        r#"{"t":1,"kind":"scan_start","client":18446744073709551616}"#,
        "expected u64",
    );
    bad(
        "deadline-beyond",
        r#"{"t":1,"kind":"x","deadline":18446744073709551615}"#,
        "a time beyond",
    );
    // Every count, id and size at u64::MAX, every time at the latest allowed: judged, no
    // overflow (a panic fails `cmsim`).
    let mut out = Vec::new();
    for line in &l {
        let mut v: Value = serde_json::from_str(line).unwrap();
        for (key, value) in v.as_object_mut().unwrap() {
            if value.is_u64() {
                let time = matches!(
                    key.as_str(),
                    "t" | "at" | "deadline" | "deadline_in" | "end"
                );
                *value = if time {
                    (1u64 << 53).into()
                } else {
                    u64::MAX.into()
                };
            }
        }
        out.push(v.to_string());
    }
    let (code, _, err) = verify("extremes", join(&out).as_bytes());
    assert!(code == 0 || code == 1, "{err}");
    // Times at the latest allowed, everything else as written.
    let mut out = Vec::new();
    for line in &l {
        let mut v: Value = serde_json::from_str(line).unwrap();
        v["t"] = (1u64 << 53).into();
        out.push(v.to_string());
    }
    let (code, _, err) = verify("late", join(&out).as_bytes());
    assert!(code == 0 || code == 1, "{err}");
}

#[test]
fn deeply_nested_json_is_refused_or_skipped_without_overflowing_the_stack() {
    let l = lines();
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    // In a known field: not the type it must be.
    error(
        "deep-known",
        join(&[
            l[0].to_string(),
            format!(r#"{{"t":1,"kind":"x","site":{}}}"#, deep(100_000)),
        ])
        .as_bytes(),
        &["deep-known.jsonl:2:", "expected a string"],
    );
    // The whole line.
    error(
        "deep-line",
        join(&[deep(1_000_000)]).as_bytes(),
        &["deep-line.jsonl:1:"],
    );
    error(
        "deep-objects",
        join(&["{\"a\":".repeat(100_000)]).as_bytes(),
        &["deep-objects.jsonl:1:"],
    );
    // In an unknown field: skipped like any unknown field, or refused; never a crash.
    let text = join(&[
        l[0].to_string(),
        format!(r#"{{"t":1,"kind":"x","ufo":{}}}"#, deep(100_000)),
    ]);
    let (code, out, err) = verify("deep-unknown", text.as_bytes());
    assert!(code == 1 || code == 2, "{out}{err}");
}

#[test]
fn nul_bytes_are_errors_raw_and_text_escaped() {
    let l = lines();
    error(
        "nul-line",
        join(&[l[0], "\0\0\0\0"]).as_bytes(),
        &["nul-line.jsonl:2: not a trace event"],
    );
    let mut bytes = join(&l[..4]).into_bytes();
    bytes.insert(l[0].len() + 10, 0);
    error(
        "nul-inside",
        &bytes,
        &["nul-inside.jsonl:2: not a trace event"],
    );
    // Escaped in a string, it is just a character of an unknown kind.
    let mut out = owned(&l);
    out.insert(3, r#"{"t":0,"kind":"scan\u0000start","client":0}"#.into());
    let (code, report, err) = verify("nul-escaped", recount(out).as_bytes());
    assert!(code == 0 || code == 1, "{report}{err}");
}

#[test]
fn a_directory_or_a_missing_file_is_an_error() {
    let dir = temp("dir");
    let sub = dir.join("trace.jsonl");
    std::fs::create_dir(&sub).unwrap();
    let (code, out, err) = verify_path(&dir, &sub);
    assert_eq!(code, 2, "{out}{err}");
    assert_has(&err, &["trace.jsonl: cannot read"]);
    let missing: PathBuf = dir.join("nothing.jsonl");
    let (code, _, err) = cmsim(&["verify", missing.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_has(&err, &["nothing.jsonl: cannot read"]);
}

#[test]
fn a_scenario_file_given_as_the_trace_is_an_error() {
    error(
        "scenario",
        TINY.as_bytes(),
        &["scenario.jsonl:1: not a trace event"],
    );
}

#[test]
fn an_endless_trace_line_is_refused_not_read_into_memory() {
    let (code, _, err) = cmsim(&["verify", "/dev/zero"]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["/dev/zero:1:", "a line longer than 16777216 bytes"]);
}

#[test]
fn a_trace_too_large_to_check_in_memory_is_refused() {
    let dir = temp("bigtrace");
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

/// A trace checked against another scenario than the one that ran is refused at its header
/// (exit code 2), not judged rule by rule with values that never applied to it.
#[test]
fn a_trace_of_another_scenario_is_refused_at_its_header() {
    let dir = temp("other");
    let trace = dir.join("tiny.jsonl");
    std::fs::write(&trace, base()).unwrap();
    let renamed = dir.join("renamed.ron");
    std::fs::write(&renamed, TINY.replace("\"tiny\"", "\"other\"")).unwrap();
    let resized = dir.join("resized.ron");
    std::fs::write(&resized, TINY.replace("count: 2", "count: 3")).unwrap();
    let t = trace.to_str().unwrap();
    for (scenario, expected) in [
        (&renamed, r#"the trace is of scenario "tiny", --scenario"#),
        (&resized, "the trace has 2 clients"),
    ] {
        let (code, out, err) = cmsim(&["verify", t, "--scenario", scenario.to_str().unwrap()]);
        assert_eq!((code, out.as_str()), (2, ""), "{err}");
        assert_has(
            &err,
            &[expected, "Pass the scenario that produced the trace"],
        );
    }
    let tiny = dir.join("tiny.ron");
    std::fs::write(&tiny, TINY).unwrap();
    let (code, out, err) = cmsim(&["verify", t, "--scenario", tiny.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
}
