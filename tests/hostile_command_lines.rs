//! Hostile inputs, class "command lines": unknown commands and flags, missing or repeated
//! arguments, paths that are directories or devices, outputs that would replace an input.
//! Each gets exit code 2 and a message naming what to fix (with a suggestion for a misspelt
//! flag); nothing is written.

mod common;

use common::hostile::{assert_has, cmsim, temp};

const LAB: &str = "scenarios/lab.ron";

#[test]
fn malformed_command_lines_are_refused_with_a_hint() {
    for (args, expected) in [
        (&["bogus"][..], "unrecognized subcommand 'bogus'"),
        (&[][..], "Usage: cmsim [OPTIONS] <COMMAND>"),
        (&["run"][..], "<SCENARIO>"),
        (
            &["run", LAB, "--untill", "3d"][..],
            "a similar argument exists: '--until'",
        ),
        (
            &["run", LAB, "--format", "yaml"][..],
            "[possible values: text, json]",
        ),
        (
            &["run", LAB, "--until", "3d", "--until", "4d"][..],
            "cannot be used multiple times",
        ),
        (&["check", LAB, "extra"][..], "unexpected argument 'extra'"),
        (&["sweep", LAB, "--shard", "3/2"][..], "0 ≤ I < N"),
        (&["merge"][..], "<TABLES>"),
        (&["compare", LAB][..], "<B>"),
        (&["verify"][..], "<TRACE>"),
    ] {
        let (code, _, err) = cmsim(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_has(&err, &[expected]);
    }
}

#[test]
fn paths_that_cannot_be_read_or_written_are_named() {
    let dir = temp("paths");
    let file = dir.join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let nested = file.join("out");
    for (args, code_expected, expected) in [
        (
            vec!["run", "/nonexistent.ron"],
            2,
            "/nonexistent.ron: cannot read: No such file",
        ),
        (vec!["run", "/tmp"], 2, "/tmp: cannot read"),
        (vec!["check", "/dev/null"], 2, "/dev/null:1:1"),
        (
            vec!["run", LAB, "-q", "--out", "/dev/null"],
            2,
            "--out /dev/null: exists and is not a directory",
        ),
        (
            vec!["run", LAB, "-q", "--trace", "/nonexistent/dir/t.jsonl"],
            2,
            "the directory /nonexistent/dir does not exist",
        ),
        (
            vec!["run", LAB, "-q", "--out", nested.to_str().unwrap()],
            2,
            "plain-file is not a directory, so nothing can be created under it",
        ),
        (
            vec!["rules", "--scenario", "/nonexistent.ron"],
            2,
            "cannot read",
        ),
    ] {
        let (code, _, err) = cmsim(&args);
        assert_eq!(code, code_expected, "{args:?}: {err}");
        assert_has(&err, &[expected]);
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x", "untouched");
}

#[test]
fn outputs_never_overwrite_the_scenario_being_run() {
    let dir = temp("overwrite");
    let path = dir.join("summary.json");
    let original = std::fs::read_to_string(LAB).unwrap();
    std::fs::write(&path, &original).unwrap();
    let p = path.to_str().unwrap();
    let (code, _, err) = cmsim(&["run", p, "-q", "--trace", p]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["would overwrite the scenario being run"]);
    let (code, _, err) = cmsim(&["run", p, "-q", "--out", dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        original,
        "untouched"
    );
    assert!(!dir.join("compliance.csv").exists(), "nothing written");
}

#[test]
fn ids_with_commas_and_quotes_are_quoted_in_the_csv_files() {
    let src = r#"Scenario(name: "commas", end: "3d",
      sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"], distribution_points: ["DP"])],
      clients: [(name: "pcs", site: "PR1", count: 10)],
      catalog: [(id: "KB1, \"x\"", size: "10MB")],
      deployments: [(id: "D,1", updates: ["KB1, \"x\""], target: [(group: "pcs")], created: "1d", deadline: "2d")])"#;
    let loaded = cmsim::load_str("commas.ron", src).unwrap();
    let tmp = temp("commas");
    let dir = tmp.join("out");
    let opts = cmsim::RunOptions {
        quiet: true,
        out: Some(dir.clone()),
        detail: true,
        ..cmsim::RunOptions::default()
    };
    cmsim::run(&loaded.world, &opts).unwrap();
    for (file, column, id, width) in [
        ("compliance-by-update.csv.gz", 4, "KB1, \"x\"", 13),
        ("machines.csv", 3, "D,1", 9),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let text = match file.ends_with(".gz") {
            true => {
                let mut s = String::new();
                std::io::Read::read_to_string(
                    &mut flate2::read::GzDecoder::new(&bytes[..]),
                    &mut s,
                )
                .unwrap();
                s
            }
            false => String::from_utf8(bytes).unwrap(),
        };
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert!(!rows.is_empty(), "{file}");
        for row in rows {
            assert_eq!(row.len(), width, "{file}: {row:?}");
            assert_eq!(&row[column], id, "{file}");
        }
    }
}
