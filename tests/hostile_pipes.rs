//! The `cmsim` binary with a hostile standard output: a full disk (`> /dev/full`) and a reader
//! that went away (`| head -1`). No panic; a closed pipe ends quietly with exit code 0, a
//! failed write with one line on stderr and exit code 1.

mod common;

use common::tempdir::TestDir;
use std::fs::File;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Waits for `child`, killing it (and failing) if it takes longer than a minute.
fn finish(mut child: Child, what: &str) -> (ExitStatus, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("{what}: still running after a minute");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        std::io::Read::read_to_string(&mut e, &mut stderr).expect("stderr");
    }
    (status, stderr)
}

fn cmsim(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cmsim"));
    c.args(args).stdin(Stdio::null()).stderr(Stdio::piped());
    c
}

/// `cmsim ARGS > /dev/full`.
fn to_full_disk(args: &[&str]) -> (ExitStatus, String) {
    let full = File::options()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let child = cmsim(args).stdout(full).spawn().expect("cmsim runs");
    finish(child, &args.join(" "))
}

/// `cmsim ARGS | head -0`: stdout is a pipe whose read end is closed before cmsim starts.
fn to_closed_pipe(args: &[&str]) -> (ExitStatus, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let child = cmsim(args).stdout(writer).spawn().expect("cmsim runs");
    finish(child, &args.join(" "))
}

/// Both hostile outputs for one command line.
fn survives(args: &[&str]) {
    let what = args.join(" ");
    let (status, stderr) = to_full_disk(args);
    assert!(!stderr.contains("panicked"), "{what} > /dev/full: {stderr}");
    assert_eq!(status.code(), Some(1), "{what} > /dev/full: {stderr}");
    assert!(
        stderr.contains("cmsim: cannot write to standard output"),
        "{what} > /dev/full: {stderr}"
    );
    assert_eq!(
        stderr.lines().count(),
        1,
        "{what} > /dev/full: one line: {stderr}"
    );

    let (status, stderr) = to_closed_pipe(args);
    assert!(!stderr.contains("panicked"), "{what} | (closed): {stderr}");
    assert_eq!(status.code(), Some(0), "{what} | (closed): {stderr}");
    assert!(stderr.is_empty(), "{what} | (closed): quietly: {stderr}");
}

/// A fresh directory (`cmsim-pipes-NAME-…`), removed when dropped.
fn temp(name: &str) -> TestDir {
    TestDir::new(&format!("cmsim-pipes-{name}-"))
}

#[test]
fn rules() {
    survives(&["rules"]);
    survives(&["rules", "--scenario", "scenarios/lab.ron"]);
    survives(&["rules", "--format", "json"]);
    survives(&["rules", "--format", "markdown"]);
}

#[test]
fn check() {
    survives(&["check", "scenarios/lab.ron"]);
    survives(&["check", "scenarios/lab.ron", "--format", "json"]);
}

#[test]
fn schema() {
    survives(&["schema"]);
    survives(&["schema", "--format", "markdown"]);
}

/// Help and the version are written like every command's output: clap's own printing
/// ignored a failed write and exited 0.
#[test]
fn help_and_version() {
    survives(&["--help"]);
    survives(&["run", "--help"]);
    survives(&["--version"]);
    survives(&["help", "run"]);
}

/// `--trace -` writes the trace, in place of the summary, to standard output, which `verify
/// -` reads; a reader that went away ends the run quietly.
#[test]
fn trace_to_standard_output() {
    let args = ["run", "scenarios/lab.ron", "-q", "--trace", "-"];
    survives(&args);
    let mut run = cmsim(&args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("cmsim runs");
    let verify = cmsim(&["verify", "-", "--scenario", "scenarios/lab.ron"])
        .stdin(run.stdout.take().expect("stdout"))
        .stdout(Stdio::piped())
        .output()
        .expect("verify runs");
    let (status, stderr) = finish(run, "run --trace -");
    assert!(status.success(), "{stderr}");
    let report = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success(), "{report}");
    assert!(report.contains("AGENT"), "{report}");
    assert!(!std::path::Path::new("-").exists(), "no file named -");
}

/// `-` with standard input closed (`<&-`; Rust opens /dev/null on it) is named as such, not
/// read as an empty scenario or a trace that breaks every rule.
#[test]
fn a_closed_standard_input() {
    for args in [&["check", "-"][..], &["verify", "-"], &["run", "-", "-q"]] {
        let out = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" <&-"#)
            .arg(env!("CARGO_BIN_EXE_cmsim"))
            .args(args)
            .output()
            .expect("sh runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("standard input is closed"), "{args:?}: {err}");
    }
}

#[test]
fn run() {
    survives(&["run", "scenarios/lab.ron", "-q"]);
    survives(&["run", "scenarios/lab.ron", "-q", "--format", "json"]);
    survives(&["run", "scenarios/lab.ron", "-q", "--replications", "2"]);
}

#[test]
fn verify() {
    let dir = temp("verify");
    let trace = dir.join("t.jsonl");
    let made = cmsim(&["run", "scenarios/lab.ron", "-q", "--trace"])
        .arg(&trace)
        .stdout(Stdio::null())
        .spawn()
        .expect("cmsim runs");
    let (status, stderr) = finish(made, "run --trace");
    assert!(status.success(), "{stderr}");
    let trace = trace.to_str().unwrap();
    survives(&["verify", trace, "--scenario", "scenarios/lab.ron"]);

    // Checked against the defaults, lab's trace breaks R01: exit code 1 is the verdict, and
    // a reader that went away does not turn it into a pass.
    let (status, stderr) = to_full_disk(&["verify", trace]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write") && !stderr.contains("panicked"),
        "{stderr}"
    );
    let (status, stderr) = to_closed_pipe(&["verify", trace]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.is_empty(), "quietly: {stderr}");
}

#[test]
fn compare() {
    survives(&[
        "compare",
        "scenarios/lab.ron",
        "scenarios/flaky-upstream.ron",
        "--replications",
        "2",
        "--jobs",
        "1",
    ]);
}

#[test]
fn sweep() {
    // One shard of three keeps it to one grid point.
    survives(&[
        "sweep",
        "scenarios/mandatory-deadline.ron",
        "--replications",
        "1",
        "--jobs",
        "1",
        "--shard",
        "0/3",
    ]);
}
