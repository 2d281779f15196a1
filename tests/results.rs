//! The committed gallery results are what the code produces now: a behaviour change shows up
//! here. Regenerate with `cargo run --release --example gallery` and review the diff.

mod common;

use cmsim::{RunOptions, load_file};

/// Scenarios too large for a debug build are checked by `.ci/run` in release
/// (`common::DEBUG_GALLERY_EVENTS`).
#[test]
fn committed_gallery_summaries_match_the_code() {
    let mut checked = 0;
    for path in common::gallery().0 {
        let name = path.file_stem().unwrap().to_str().unwrap();
        let committed = std::fs::read_to_string(format!("results/{name}/summary.json"))
            .unwrap_or_else(|_| {
                panic!("results/{name}/summary.json is missing: run the gallery example")
            });
        let loaded = load_file(&path).unwrap();
        let summary = cmsim::run(
            &loaded.world,
            &RunOptions {
                quiet: true,
                ..RunOptions::default()
            },
        )
        .unwrap();
        assert!(
            summary.to_json() == committed,
            "results/{name}/summary.json differs from the code's output: \
             regenerate with `cargo run --release --example gallery` and review the diff"
        );
        checked += 1;
    }
    assert!(checked >= 4);
}

/// The files under `dir`, as `a/b` paths, sorted.
fn files_under(dir: &std::path::Path, prefix: &str, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        let rel = format!("{prefix}{name}");
        if entry.path().is_dir() {
            files_under(&entry.path(), &format!("{rel}/"), out);
        } else {
            out.push(rel);
        }
    }
}

#[test]
fn committed_gallery_results_are_finished_runs_with_nothing_stale() {
    for path in cmsim::scenario_files("scenarios".as_ref()).unwrap() {
        let name = path.file_stem().unwrap().to_str().unwrap();
        let dir = std::path::Path::new("results").join(name);
        let marker: serde_json::Value = std::fs::read_to_string(dir.join("complete"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_else(|| panic!("results/{name}/complete is missing: run the gallery"));
        assert_eq!(marker["command"], "run", "results/{name}/complete");
        let mut listed: Vec<String> = marker["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        listed.sort();
        // What the run wrote, and only that: the gallery adds summary.txt; the lock is ignored.
        let mut present = Vec::new();
        files_under(&dir, "", &mut present);
        present.retain(|f| !matches!(f.as_str(), "complete" | "summary.txt" | ".cmsim.lock"));
        present.sort();
        assert_eq!(
            present, listed,
            "results/{name}: files differ from those its `complete` marker lists"
        );
    }
}
