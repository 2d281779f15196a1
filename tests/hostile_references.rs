//! Hostile inputs, class "references": files with tens of thousands of names and references
//! to them, right or misspelt. Each is checked in time linear in its size: names are looked
//! up in a map built once, and "did you mean" suggestions are bounded work, so a file that
//! took minutes (each reference compared with every name) is answered in seconds.

mod common;

use common::hostile::{assert_has, cmsim, scenario};
use std::time::{Duration, Instant};

/// Loose enough for a debug build on a busy machine; the quadratic checks took minutes.
const QUICK: Duration = Duration::from_secs(10);

/// A one-site scenario with `groups` (name, count 1) and one deployment targeting `targets`.
fn many(groups: &[String], targets: &[String]) -> String {
    let clients: String = groups
        .iter()
        .map(|g| format!("(name:\"{g}\",site:\"LAB\",count:1),"))
        .collect();
    let target: String = targets
        .iter()
        .map(|t| format!("(group:\"{t}\"),"))
        .collect();
    format!(
        "Scenario(name:\"refs\",seed:1,end:\"14d\",\n\
         sites:[(code:\"LAB\",kind:Primary,sup:\"LAB-SUP\",management_points:[\"LAB-MP\"],\
         distribution_points:[\"LAB-DP\"])],\n\
         clients:[{clients}],\n\
         catalog:[(id:\"K\",size:\"1MB\")],\n\
         deployments:[(id:\"D\",updates:[\"K\"],created:\"1d\",target:[{target}])],\n)\n"
    )
}

/// `cmsim check` on `src`: exit code, stderr and how long it took.
fn timed_check(name: &str, src: &str) -> (i32, String, Duration) {
    let path = scenario(name, src);
    let began = Instant::now();
    let (code, _, err) = cmsim(&["check", path.to_str().unwrap()]);
    (code, err, began.elapsed())
}

#[test]
fn twenty_thousand_misspelt_targets_are_refused_quickly_with_suggestions_for_the_first() {
    // Each misspelt target was compared with every group for its suggestion: 400 million
    // comparisons, minutes. Now the first problems get suggestions and the rest are counted.
    let groups: Vec<String> = (0..20_000).map(|i| format!("g{i}")).collect();
    let targets: Vec<String> = (0..20_000).map(|i| format!("x{i}")).collect();
    let (code, err, took) = timed_check("misspelt", &many(&groups, &targets));
    assert_eq!(code, 2, "{err}");
    assert_has(
        &err,
        &[
            "field `deployments[0].target[0].group`: no client group is called `x0` (did you \
             mean `g0`?)",
            "… and 19975 more",
        ],
    );
    assert!(took < QUICK, "took {took:?}");
}

#[test]
fn misspelt_names_of_twenty_thousand_characters_are_refused_quickly() {
    // Comparing two names costs the product of their lengths: 100 × 100 pairs of 20,000
    // characters took over five minutes. Names that long get no suggestion.
    let groups: Vec<String> = (0..100)
        .map(|i| format!("{}{i}", "a".repeat(20_000)))
        .collect();
    let targets: Vec<String> = (0..100)
        .map(|i| format!("{}{i}", "b".repeat(20_000)))
        .collect();
    let (code, err, took) = timed_check("long", &many(&groups, &targets));
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["no client group is called `bbbb", "… and 75 more"]);
    assert!(!err.contains("did you mean"), "{err}");
    assert!(took < QUICK, "took {took:?}");
}

#[test]
fn a_hundred_thousand_groups_each_targeted_are_checked_quickly() {
    // A valid file: each target was found by scanning the groups: 5 billion
    // comparisons, 17 s in a release build.
    let groups: Vec<String> = (0..100_000).map(|i| format!("group-{i}")).collect();
    let (code, err, took) = timed_check("targets", &many(&groups, &groups));
    assert_eq!(code, 0, "{err}");
    assert!(took < QUICK, "took {took:?}");
}
