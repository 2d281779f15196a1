//! The committed gallery results are what the code produces now: a behaviour change shows up
//! here. Regenerate with `cargo run --release --example gallery` and review the diff.

use cmsim::{RunOptions, load_file};

#[test]
fn committed_gallery_summaries_match_the_code() {
    let mut checked = 0;
    for path in cmsim::scenario_files("scenarios".as_ref()).unwrap() {
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
