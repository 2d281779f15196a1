//! The hostile-input suite's way of running the binary: every run is killed (and the test
//! failed) after 20 s, so a hang is a failure, never a stuck CI; both pipes are drained on
//! threads so a chatty child cannot block.

use super::tempdir::TestDir;
use std::io::Read;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_cmsim");

/// Exit code (-1 for a signal), stdout and stderr of `cmd`.
pub fn finish(mut cmd: Command) -> (i32, String, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cmsim runs");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut b = Vec::new();
            r.read_to_end(&mut b).ok();
            String::from_utf8_lossy(&b).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("cmsim can be waited for") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().ok();
            child.wait().ok();
            panic!("{cmd:?} still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    // A panic is never an answer to bad input.
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{cmd:?} panicked:\n{err}"
    );
    (status.code().unwrap_or(-1), out, err)
}

/// Exit code, stdout and stderr of `cmsim ARGS`.
pub fn cmsim(args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    finish(cmd)
}

/// A fresh directory for one test (`cmsim-hostile-NAME-…`), removed when dropped.
pub fn temp(name: &str) -> TestDir {
    TestDir::new(&format!("cmsim-hostile-{name}-"))
}

/// A scenario file [`scenario`] wrote, alone in a fresh directory that lives (and is removed)
/// with it. It derefs to the file's [`Path`].
#[derive(Debug)]
pub struct ScenarioFile {
    path: PathBuf,
    _dir: TestDir,
}

impl Deref for ScenarioFile {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.path
    }
}

/// Writes `src` as `name.ron` in a fresh directory and returns the file.
pub fn scenario(name: &str, src: &str) -> ScenarioFile {
    let dir = temp(name);
    let path = dir.join(format!("{name}.ron"));
    std::fs::write(&path, src).unwrap();
    ScenarioFile { path, _dir: dir }
}

/// Fails unless `msg` contains every part.
pub fn assert_has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "`{p}` missing from:\n{msg}");
    }
}

/// `check` and `run` both refuse the scenario text quickly: exit code 2, every part of
/// `expected` in the message, no panic, and nothing written to `--out`.
pub fn refused(name: &str, src: &str, expected: &[&str]) {
    let path = scenario(name, src);
    let out = path.parent().unwrap().join("out");
    let (p, o) = (path.to_str().unwrap(), out.to_str().unwrap());
    for cmd in [vec!["check", p], vec!["run", p, "--quiet", "--out", o]] {
        let (code, _, err) = cmsim(&cmd);
        assert_eq!(code, 2, "`cmsim {}`: {err}", cmd.join(" "));
        assert_has(&err, expected);
        assert!(!err.contains("panicked"), "{err}");
        assert!(!out.exists(), "`cmsim {}` wrote {o}", cmd.join(" "));
    }
}

/// A one-site scenario: `clients` clients, `catalog` entries as written, `rest` appended
/// inside `Scenario(...)` (deployments, settings, actions…).
pub fn lab(clients: u64, catalog: &str, rest: &str) -> String {
    format!(
        "Scenario(name: \"hostile\", seed: 1, end: \"14d\",\n sites: [(code: \"LAB\", kind: \
         Primary, sup: \"LAB-SUP\", management_points: [\"LAB-MP\"], distribution_points: \
         [\"LAB-DP\"])],\n clients: [(name: \"c\", site: \"LAB\", count: {clients})],\n \
         catalog: [{catalog}],\n{rest})\n"
    )
}

/// `n` catalog entries `K0`…: what `lab` takes.
pub fn updates(n: usize) -> String {
    (0..n)
        .map(|i| format!("(id: \"K{i}\", size: \"1MB\")"))
        .collect::<Vec<_>>()
        .join(",\n")
}

/// `cmsim run scenarios/lab.ron ARGS --out DIR`: exit code and stderr; fails if DIR was
/// written (these are refusals).
pub fn run_lab(name: &str, args: &[&str]) -> (i32, String) {
    let tmp = temp(name);
    let dir = tmp.join("out");
    let mut all = vec![
        "run",
        "scenarios/lab.ron",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let (code, _, err) = cmsim(&all);
    assert!(
        !dir.exists(),
        "`{}` wrote {}",
        args.join(" "),
        dir.display()
    );
    (code, err)
}

/// Every file under `dir`, to show that a refused command wrote nothing.
pub fn files_in(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.sort();
    out
}
