//! Hostile conditions for outputs, class "interrupted runs": a run killed mid-way, two runs
//! into one directory, an earlier run's files, a write that fails, outputs that would replace
//! an input. Each leaves nothing that looks complete and damages nothing; every run of the
//! binary is killed after 20 s.

mod common;

use common::hostile::{self, BIN, assert_has, temp};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The files a finished `cmsim run --out` has under their final names.
const FINAL: [&str; 6] = [
    "complete",
    "summary.json",
    "compliance.csv",
    "machines.csv",
    "groups.csv",
    "charts",
];

/// Exit code and stderr of `cmd` (killed after 20 s).
fn finish(cmd: Command) -> (i32, String) {
    let (code, _, err) = hostile::finish(cmd);
    (code, err)
}

fn cmsim(args: &[&str]) -> (i32, String) {
    let (code, _, err) = hostile::cmsim(args);
    (code, err)
}

/// Starts `cmsim ARGS` without waiting for it.
fn start(args: &[&str]) -> Child {
    Command::new(BIN)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cmsim runs")
}

/// Waits until `ready` holds; kills `child` and fails the test after 20 s.
fn wait_until(child: &mut Child, what: &str, ready: impl Fn() -> bool) {
    let started = Instant::now();
    while !ready() {
        let ended = child.try_wait().ok().flatten();
        if ended.is_some() || started.elapsed() > Duration::from_secs(20) {
            child.kill().ok();
            child.wait().ok();
            panic!("never saw {what} (the run ended: {ended:?})");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A scenario that runs a few seconds: long enough to be caught mid-way.
fn slow(dir: &Path) -> PathBuf {
    let path = dir.join("slow.ron");
    std::fs::write(
        &path,
        r#"Scenario(name: "slow", seed: 1, end: "30d",
  sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"], distribution_points: ["DP"])],
  clients: [(name: "pcs", site: "PR1", count: 40000)],
  catalog: [(id: "KB1", size: "10MB"), (id: "KB2", size: "10MB")],
  deployments: [(id: "D1", updates: ["KB1", "KB2"], target: [(group: "pcs")], created: "1d", deadline: "20d")])"#,
    )
    .unwrap();
    path
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn assert_nothing_final(dir: &Path) {
    for name in FINAL {
        assert!(!dir.join(name).exists(), "{name} left in {}", dir.display());
    }
}

/// Hidden names in `dir` starting with `prefix`.
fn hidden(dir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.starts_with(prefix))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_killed_run_leaves_nothing_under_a_final_name_and_the_next_run_works() {
    let dir = temp("killed");
    let (scenario, out, trace) = (slow(&dir), dir.join("out"), dir.join("t.jsonl"));
    let mut child = start(&[
        "run",
        s(&scenario),
        "-q",
        "--out",
        s(&out),
        "--trace",
        s(&trace),
    ]);
    // Mid-way: the outputs are staged and the trace is being written.
    wait_until(&mut child, "the run writing", || {
        out.join(".cmsim-staging").is_dir() && !hidden(&dir, ".t.jsonl.cmsim-partial").is_empty()
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_nothing_final(&out);
    assert!(
        !trace.exists(),
        "a killed run's trace is not under its final name"
    );
    // The lock died with the run; its staging is removed by the next run, without --force.
    let (code, err) = cmsim(&["run", "scenarios/lab.ron", "-q", "--out", s(&out)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("complete").is_file() && out.join("summary.json").is_file());
    assert!(
        hidden(&out, ".cmsim-staging").is_empty(),
        "staging cleaned up"
    );
}

#[test]
fn two_runs_into_one_directory_one_is_refused() {
    let dir = temp("two");
    let (scenario, out) = (slow(&dir), dir.join("out"));
    let mut first = start(&["run", s(&scenario), "-q", "--out", s(&out)]);
    wait_until(&mut first, "the first run writing", || {
        out.join(".cmsim-staging").is_dir()
    });
    let (code, err) = cmsim(&["run", "scenarios/lab.ron", "-q", "--out", s(&out)]);
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(code, 2, "{err}");
    assert_has(
        &err,
        &[
            "error: another cmsim run is writing into",
            "wait for it to finish or choose another --out",
        ],
    );
    assert_nothing_final(&out);
    // Any process holding the lock keeps a run out, for every command writing a directory.
    let lock = std::fs::File::open(out.join(".cmsim.lock")).unwrap();
    lock.try_lock().expect("the killed run released its lock");
    let compare = [
        "compare",
        "scenarios/lab.ron",
        "scenarios/lab.ron",
        "--replications",
        "1",
        "--out",
        s(&out),
    ];
    for args in [
        &["run", "scenarios/lab.ron", "-q", "--out", s(&out)][..],
        &compare,
    ] {
        let (code, err) = cmsim(args);
        assert_eq!(code, 2, "{err}");
        assert_has(&err, &["another cmsim run is writing into"]);
    }
    drop(lock);
    let (code, err) = cmsim(&["run", "scenarios/lab.ron", "-q", "--out", s(&out)]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn shards_of_one_sweep_share_a_directory_but_a_shard_runs_once() {
    let dir = temp("shards");
    let out = dir.join("shards");
    std::fs::create_dir_all(&out).unwrap();
    // Another shard of the same sweep is writing: the directory lock shared, its own exclusive.
    let shared = std::fs::File::create(out.join(".cmsim.lock")).unwrap();
    shared.try_lock_shared().unwrap();
    let own = std::fs::File::create(out.join(".cmsim-shard-0-of-3.lock")).unwrap();
    own.try_lock().unwrap();
    std::fs::write(out.join("sweep-shard-2-of-3.csv"), "point,x\n2,1\n").unwrap();
    let sweep = |i: &str| {
        cmsim(&[
            "sweep",
            "scenarios/mandatory-deadline.ron",
            "--shard",
            i,
            "--out",
            s(&out),
        ])
    };
    let (code, err) = sweep("0/3");
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["another cmsim run is writing shard 0/3 into"]);
    let (code, err) = sweep("1/3");
    assert_eq!(code, 0, "{err}");
    assert!(out.join("sweep-shard-1-of-3.csv").is_file());
    // A whole run does not write into a directory shards are writing.
    let table = dir.join("t.csv");
    std::fs::write(&table, "point,x\n0,1\n").unwrap();
    let (code, err) = cmsim(&["merge", s(&table), "--out", s(&out)]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["another cmsim run is writing into"]);
    // A shard that ran already is not run again without --force.
    drop((shared, own));
    let (code, err) = sweep("1/3");
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["sweep-shard-1-of-3.csv", "--force replaces them"]);
}

#[test]
fn an_earlier_runs_outputs_are_refused_without_force_and_all_replaced_with_it() {
    let dir = temp("earlier");
    let out = dir.join("out");
    let run = |scenario: &str, force: bool| {
        let mut args = vec!["run", scenario, "-q", "--out", s(&out)];
        if force {
            args.push("--force");
        }
        cmsim(&args)
    };
    let (code, err) = run("scenarios/dp-failover.ron", false);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("charts/downloads.svg").is_file());
    std::fs::write(out.join("replications.json"), "{}").unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let before = std::fs::read(out.join("summary.json")).unwrap();
    let (code, err) = run("scenarios/lab.ron", false);
    assert_eq!(code, 2, "{err}");
    assert_has(
        &err,
        &[
            "holds the outputs of another run (charts, complete, compliance.csv, groups.csv, \
             machines.csv, replications.json, report.html, summary.json)",
            "--force replaces them",
        ],
    );
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
    let (code, err) = run("scenarios/lab.ron", true);
    assert_eq!(code, 0, "{err}");
    // Nothing of the earlier run survives: not a chart the lab has no data for, not a stray
    // file of another command; the user's own file does.
    assert!(!out.join("charts/downloads.svg").exists());
    assert!(!out.join("replications.json").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("Single primary site lab"), "{summary}");
    let marker: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("complete")).unwrap()).unwrap();
    assert_eq!(marker["command"], "run");
    assert!(
        marker["files"]
            .as_array()
            .unwrap()
            .contains(&"summary.json".into())
    );
}

/// `cmsim ARGS` from a shell that first runs `setup` (limits, ignored signals).
fn in_shell(setup: &str, args: &str) -> (i32, String) {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("{setup}; exec {BIN} {args}"));
    finish(cmd)
}

#[test]
fn a_write_that_fails_or_is_cut_leaves_nothing_that_looks_complete() {
    let dir = temp("failed");
    let out = dir.join("out");
    // A file size limit under compliance.csv (about 1 MB sampled every minute) but over
    // summary.json (8 kB), first as an error (EFBIG, the signal ignored), then as the signal
    // that kills the run.
    let args = format!("run scenarios/lab.ron -q --sample 1m --out {}", s(&out));
    let (code, err) = in_shell("trap '' XFSZ; ulimit -f 100", &args);
    assert_eq!(code, 1, "{err}");
    assert_has(&err, &["error: ", "compliance.csv: File too large"]);
    assert_nothing_final(&out);
    assert!(hidden(&out, ".cmsim-staging").is_empty(), "cleaned up");
    let (code, err) = in_shell("ulimit -f 100", &args);
    assert_ne!(code, 0, "{err}");
    assert_nothing_final(&out);
    // An --out that cannot be a directory is the user's to fix: exit 2, with the path given
    // and what is wrong with it.
    let file = dir.join("file");
    std::fs::write(&file, "").unwrap();
    let (code, err) = cmsim(&[
        "run",
        "scenarios/lab.ron",
        "-q",
        "--out",
        s(&file.join("sub")),
    ]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["--out ", "file/sub: ", "file is not a directory"]);
}

#[test]
fn outputs_refuse_to_replace_or_remove_an_input() {
    let dir = temp("inputs");
    let lab = std::fs::read_to_string("scenarios/lab.ron").unwrap();
    let table = "point,x\n0,1\n";
    let untouched = |path: &Path, text: &str| {
        assert_eq!(
            std::fs::read_to_string(path).unwrap(),
            text,
            "{}",
            path.display()
        );
    };
    // merge of a table into the directory holding it, under the name it writes or replaces.
    for name in ["sweep.csv", "sweep-shard-0-of-1.csv"] {
        let input = dir.join(name);
        std::fs::write(&input, table).unwrap();
        let (code, err) = cmsim(&["merge", s(&input), "--out", s(&dir), "--force"]);
        assert_eq!(code, 2, "{err}");
        assert_has(&err, &[name, "would replace or remove this input"]);
        untouched(&input, table);
        std::fs::remove_file(&input).unwrap();
    }
    // compare with a plan kept under a name it writes.
    let plan = dir.join("comparison.json");
    std::fs::write(&plan, &lab).unwrap();
    let (code, err) = cmsim(&["compare", s(&plan), "scenarios/lab.ron", "--out", s(&dir)]);
    assert_eq!(code, 2, "{err}");
    untouched(&plan, &lab);
    std::fs::remove_file(&plan).unwrap();
    // run with its scenario under charts/, which --force would remove; --trace naming it.
    std::fs::create_dir_all(dir.join("charts")).unwrap();
    let scenario = dir.join("charts/lab.ron");
    std::fs::write(&scenario, &lab).unwrap();
    for extra in [
        &["--out", s(&dir), "--force"][..],
        &["--trace", s(&scenario)],
    ] {
        let mut args = vec!["run", s(&scenario), "-q"];
        args.extend_from_slice(extra);
        let (code, err) = cmsim(&args);
        assert_eq!(code, 2, "{err}");
        assert_has(&err, &["would overwrite the scenario being run"]);
        untouched(&scenario, &lab);
    }
    assert!(!dir.join("complete").exists());
    // A trace the outputs would replace, in a directory that does not exist yet.
    let out = dir.join("new");
    let trace = out.join("summary.json");
    let (code, err) = cmsim(&[
        "run",
        "scenarios/lab.ron",
        "-q",
        "--out",
        s(&out),
        "--trace",
        s(&trace),
    ]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["writes (or replaces) a file of this name"]);
    assert!(!out.exists(), "nothing written");
}
