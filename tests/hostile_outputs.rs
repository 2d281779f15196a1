//! Hostile inputs, class "outputs": `--out` and `--trace` paths a run cannot use, or that
//! would lose what it writes, and flags a run would otherwise ignore. Each is refused before
//! anything is created: exit code 2, a message naming the path or flag the user gave and
//! what to do, and no `--out` directory left behind.

mod common;

use common::hostile::{assert_has, cmsim, run_lab, temp};
use std::path::Path;

const LAB: &str = "scenarios/lab.ron";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_refused_trace_leaves_no_out_directory() {
    let tmp = temp("trace-refused");
    let dir = tmp.join("a-directory");
    std::fs::create_dir(&dir).unwrap();
    for (args, expected) in [
        (
            vec!["--trace", "/nonexistent/t.jsonl"],
            "the directory /nonexistent does not exist",
        ),
        (vec!["--trace", s(&dir)], "is a directory; name a file"),
        (
            vec!["--trace", "x.jsonl", "--trace-clients", "1000000..2000000"],
            "the scenario has 200 clients",
        ),
    ] {
        let (code, err) = run_lab("trace-refused", &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_has(&err, &[expected]);
    }
    assert!(!Path::new("x.jsonl").exists());
}

#[test]
fn a_trace_the_outputs_would_replace_is_refused() {
    let tmp = temp("trace-inside");
    let out = tmp.join("out");
    let (code, _, err) = cmsim(&["run", LAB, "-q", "--out", s(&out)]);
    assert_eq!(code, 0, "{err}");
    let lock = std::fs::read(out.join(".cmsim.lock")).unwrap();
    for (trace, expected) in [
        ("charts/t.jsonl", "replaces charts/ and everything in it"),
        (".cmsim.lock", ".cmsim.lock is the lock of --out"),
        ("summary.json", "writes (or replaces) a file of this name"),
        ("", "is a directory; name a file"),
    ] {
        let path = out.join(trace);
        let (code, _, err) = cmsim(
            &["run", LAB, "-q", "--out", s(&out), "--force", "--trace"]
                .into_iter()
                .chain([s(&path)])
                .collect::<Vec<_>>(),
        );
        assert_eq!(code, 2, "{trace}: {err}");
        assert_has(&err, &[expected, "e.g. --trace"]);
    }
    assert_eq!(std::fs::read(out.join(".cmsim.lock")).unwrap(), lock);
    assert!(!out.join("charts/t.jsonl").exists());
    // A name of the user's own inside --out stays, and is there after the run.
    let mine = out.join("t.jsonl");
    let (code, _, err) = cmsim(&[
        "run",
        LAB,
        "-q",
        "--out",
        s(&out),
        "--force",
        "--trace",
        s(&mine),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(mine.is_file() && out.join("complete").is_file());
    // And into an --out the run creates.
    let fresh = tmp.join("fresh");
    let trace = fresh.join("t.jsonl");
    let (code, _, err) = cmsim(&["run", LAB, "-q", "--out", s(&fresh), "--trace", s(&trace)]);
    assert_eq!(code, 0, "{err}");
    assert!(trace.is_file());
}

#[test]
fn out_paths_the_user_must_fix_are_refused_by_the_name_given() {
    let tmp = temp("out-paths");
    let dangling = tmp.join("dangling");
    std::os::unix::fs::symlink(tmp.join("nothing"), &dangling).unwrap();
    let file = tmp.join("file");
    std::fs::write(&file, "x").unwrap();
    let under_file = file.join("sub");
    for (out, expected) in [
        (&dangling, "is a symbolic link to"),
        (
            &under_file,
            "is not a directory, so nothing can be created under it",
        ),
    ] {
        let (code, _, err) = cmsim(&["run", LAB, "-q", "--out", s(out)]);
        assert_eq!(code, 2, "{err}");
        assert_has(&err, &[&format!("--out {}", out.display()), expected]);
    }
    assert!(!tmp.join("nothing").exists());
    // Permissions do not bind root, which CI containers often are.
    if unsafe { libc::geteuid() } == 0 {
        return;
    }
    let ro = tmp.join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::os::unix::fs::PermissionsExt::from_mode(0o555)).unwrap();
    for out in [ro.clone(), ro.join("sub")] {
        let (code, _, err) = cmsim(&["run", LAB, "-q", "--out", s(&out)]);
        assert_eq!(code, 2, "{err}");
        assert_has(
            &err,
            &[
                &format!("--out {}", out.display()),
                "choose a directory you can write to",
            ],
        );
        assert!(!err.contains(".cmsim.lock"), "{err}");
    }
    let trace = ro.join("t.jsonl");
    let (code, _, err) = cmsim(&["run", LAB, "-q", "--trace", s(&trace)]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["choose a path you can write to"]);
}

#[test]
fn a_claim_that_does_not_commit_removes_the_directory_it_created() {
    use cmsim::output::{OutDir, Target};
    let tmp = temp("uncommitted");
    let new = tmp.join("a/b/out");
    let claimed = OutDir::claim(&Target::new(new.clone(), false, "run", &[])).unwrap();
    claimed.write("summary.json", "{}").unwrap();
    drop(claimed);
    assert!(
        !tmp.join("a").exists(),
        "the directories it created are gone"
    );
    // A directory that was there stays, with whatever the user had in it.
    std::fs::create_dir(tmp.join("mine")).unwrap();
    std::fs::write(tmp.join("mine/notes.txt"), "x").unwrap();
    drop(OutDir::claim(&Target::new(tmp.join("mine"), false, "run", &[])).unwrap());
    assert!(tmp.join("mine/notes.txt").is_file());
}

#[test]
fn flags_a_run_would_ignore_are_refused() {
    for (args, expected) in [
        (&["--trace-clients", "5..10"][..], "--trace <FILE>"),
        (
            &["--replications", "2", "--sample", "1m"],
            "--sample sets one run's",
        ),
        (&["--replications", "2", "--detail"], "--detail lists"),
        (
            &[
                "--replications",
                "2",
                "--trace-clients",
                "1",
                "--trace",
                "x.jsonl",
            ],
            "--trace writes one run's trace",
        ),
        (
            &["--trace", "-", "--format", "json"],
            "both write to standard output",
        ),
    ] {
        let (code, err) = run_lab("ignored", args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_has(&err, &[expected]);
    }
    let tmp = temp("sweep-json");
    let out = tmp.join("out");
    let (code, _, err) = cmsim(&[
        "sweep",
        "scenarios/mandatory-deadline.ron",
        "-q",
        "--format",
        "json",
        "--out",
        s(&out),
    ]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["--format json prints the table"]);
    assert!(!out.exists());
    let (code, out, err) = cmsim(&["schema", "replications", "--format", "markdown"]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert_has(&err, &["drop the document"]);
}

#[test]
fn a_value_that_is_not_utf8_is_named_by_its_flag() {
    use std::os::unix::ffi::OsStrExt;
    for flag in ["--view", "--until", "--seed"] {
        let mut cmd = std::process::Command::new(common::hostile::BIN);
        cmd.args(["run", LAB, "-q", flag])
            .arg(std::ffi::OsStr::from_bytes(b"\xff"));
        let (code, _, err) = common::hostile::finish(cmd);
        assert_eq!(code, 2, "{err}");
        assert_has(&err, &[&format!("the value of {flag} is not valid UTF-8")]);
    }
}
