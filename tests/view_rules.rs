//! `cmsim run --view SITE`: the compliance curve and chart as one site's database sees them.
//! A primary below the central site sees only its clients (and its secondary sites'), a
//! replication earlier than the top; a secondary site has no database, so its view is its
//! parent primary's; the default is the central site's view. A code the scenario does not
//! have is refused before anything runs or is written.

mod common;

use cmsim::RunOptions;
use cmsim::engine::SimDuration;
use cmsim::report::Summary;
use cmsim::report::summary::CurvePoint;
use common::tempdir::TestDir;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A central site, two primaries (one with a secondary site below it), every client
/// deployed one update; replication to the top takes an hour, samples every 15 minutes.
const HIERARCHY: &str = r#"Scenario(
    name: "view",
    seed: 7,
    end: "3d",
    sites: [
        (code: "CAS", kind: Central, sup: "CAS-SUP"),
        (code: "P01", kind: Primary, parent: "CAS", sup: "P01-SUP",
         management_points: ["P01-MP"], distribution_points: ["P01-DP"]),
        (code: "P02", kind: Primary, parent: "CAS", sup: "P02-SUP",
         management_points: ["P02-MP"], distribution_points: ["P02-DP"]),
        (code: "S01", kind: Secondary, parent: "P01", distribution_points: ["S01-DP"]),
    ],
    clients: [
        (name: "hq", site: "P01", count: 300),
        (name: "branch", site: "S01", count: 100),
        (name: "east", site: "P02", count: 200),
    ],
    catalog: [(id: "KB1", size: "10MB", released: "0d")],
    deployments: [(id: "D1", updates: ["KB1"], target: [(group: "hq"), (group: "branch"),
        (group: "east")], created: "6h", deadline: "1d")],
    actions: [RunSync(at: "1h")],
    settings: (replication_lag: "1h"),
)"#;

const LAG_MS: u64 = 3_600_000;

fn run(view: Option<&str>) -> Summary {
    let loaded = cmsim::load_str("view.ron", HIERARCHY).expect("the scenario loads");
    let opts = RunOptions {
        view: view.map(str::to_string),
        quiet: true,
        sample: Some(SimDuration::from_mins(15)),
        ..RunOptions::default()
    };
    cmsim::run(&loaded.world, &opts).expect("the run succeeds")
}

/// When the database first had an install, on the curve's sample times.
fn first_installed(curve: &[CurvePoint]) -> u64 {
    curve
        .iter()
        .find(|p| p.db > 0.0)
        .expect("installs reported")
        .t_ms
}

/// Installed client × update pairs at each sample: the curve's share of its applicable pairs.
fn installed(curve: &[CurvePoint], applicable: f64) -> Vec<f64> {
    curve.iter().map(|p| p.db * applicable / 100.0).collect()
}

/// Clients KB1 applies to among those whose states site `db`'s database holds.
fn applicable(s: &Summary, db: &str) -> f64 {
    let d = s
        .compliance
        .databases
        .iter()
        .find(|d| d.site == db)
        .unwrap();
    let u = &d.updates[0];
    (u.true_required + u.true_pending_restart + u.true_installed) as f64
}

#[test]
fn the_default_view_is_the_central_sites() {
    let (default, cas) = (run(None), run(Some("CAS")));
    assert_eq!(
        default.view, None,
        "no `view` in summary.json without --view"
    );
    let v = cas.view.as_ref().expect("--view CAS is named");
    assert_eq!((v.site.as_str(), v.database.as_str()), ("CAS", "CAS"));
    assert_eq!(
        v.clients, 600,
        "the central site holds every client's states"
    );
    assert_eq!(default.curve, cas.curve);
    assert!(cas.curve.last().unwrap().db > 90.0, "the deadline installs");
}

#[test]
fn a_primary_sees_its_clients_a_replication_before_the_top() {
    let (cas, p01, p02) = (run(Some("CAS")), run(Some("P01")), run(Some("P02")));
    assert_eq!(
        p01.view.as_ref().unwrap().clients,
        400,
        "hq and branch (S01)"
    );
    assert_eq!(p02.view.as_ref().unwrap().clients, 200, "east only");
    assert_eq!(p01.curve.len(), cas.curve.len());
    // The top holds what the primaries held an hour before, each client once.
    let (n1, n2) = (applicable(&cas, "P01"), applicable(&cas, "P02"));
    let (top, below) = (installed(&cas.curve, n1 + n2), {
        let (a, b) = (installed(&p01.curve, n1), installed(&p02.curve, n2));
        a.iter().zip(&b).map(|(a, b)| a + b).collect::<Vec<_>>()
    });
    let steps = (LAG_MS / (15 * 60_000)) as usize;
    for (i, (t, b)) in top.iter().zip(&below).enumerate() {
        assert!(*t <= b + 0.5, "sample {i}: the top knows no more");
        if let Some(later) = top.get(i + steps) {
            assert!(later + 0.5 >= *b, "sample {i}: replicated within the lag");
        }
    }
    // The primaries' curves lead the top's by the replication lag.
    let first_below = first_installed(&p01.curve).min(first_installed(&p02.curve));
    assert_eq!(first_installed(&cas.curve) - first_below, LAG_MS);
    assert!(p01.curve.iter().zip(&cas.curve).any(|(p, c)| p.db > c.db));
}

#[test]
fn a_secondary_site_gets_its_primarys_view_whatever_the_case() {
    let (p01, s01) = (run(Some("P01")), run(Some("s01")));
    let v = s01.view.as_ref().unwrap();
    assert_eq!((v.site.as_str(), v.database.as_str()), ("S01", "P01"));
    assert_eq!(v.clients, 400);
    assert_eq!(s01.curve, p01.curve);
    let text = cmsim::report::text::render(&s01, Default::default());
    assert!(
        text.contains("View: as the site database of P01 sees it (for S01), 400 clients"),
        "{text}"
    );
    assert!(
        text.contains("S01 has no site database: the view of P01's"),
        "{text}"
    );
}

fn cmsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cmsim"))
        .args(args)
        .output()
        .expect("cmsim runs")
}

fn scenario_file(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("view.ron");
    std::fs::write(&path, HIERARCHY).unwrap();
    path
}

/// A fresh directory (`cmsim-view-NAME-…`), removed when dropped.
fn temp(name: &str) -> TestDir {
    TestDir::new(&format!("cmsim-view-{name}-"))
}

#[test]
fn the_outputs_name_the_view_and_hold_its_figures() {
    let dir = temp("outputs");
    let file = scenario_file(&dir);
    let out = dir.join("out");
    let args = ["run", file.to_str().unwrap(), "--quiet", "--view", "S01"];
    let o = cmsim(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["view"]["site"], "S01");
    assert_eq!(summary["view"]["database"], "P01");
    assert_eq!(summary["view"]["clients"], 400);
    // The report's end figure is P01's last row in compliance.csv: installed of applicable.
    let csv = std::fs::read_to_string(out.join("compliance.csv")).unwrap();
    let last: Vec<&str> = csv
        .lines()
        .rfind(|l| l.contains(",P01,"))
        .unwrap()
        .split(',')
        .collect();
    let n = |k: usize| last[k].parse::<f64>().unwrap();
    let share = 100.0 * n(7) / (n(9) + n(10) + n(12));
    assert!(
        stdout.contains(&format!("at the end {share:.1}% (on its clients")),
        "{share:.1} in {stdout}"
    );
    let svg = std::fs::read_to_string(out.join("charts/compliance.svg")).unwrap();
    assert!(svg.contains("as the site database of P01 sees it (for S01)"));
}

#[test]
fn an_unknown_site_is_refused_with_the_known_ones_and_nothing_is_written() {
    let dir = temp("unknown");
    let file = scenario_file(&dir);
    let out = dir.join("out");
    let o = cmsim(&[
        "run",
        file.to_str().unwrap(),
        "--quiet",
        "--view",
        "PO1",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    for part in [
        "--view PO1",
        "no site `PO1`",
        "did you mean `P01`?",
        "CAS, P01, P02, S01",
    ] {
        assert!(stderr.contains(part), "{part:?} in {stderr}");
    }
    assert!(!out.exists(), "nothing written");
    let o = cmsim(&[
        "run",
        file.to_str().unwrap(),
        "--view",
        "P01",
        "--replications",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("without --replications"));
}

/// The truth beside each database is that of the clients whose states it holds: the
/// central site's holds every client (replicated), a primary's its own and its secondary
/// sites'. The central database's truth was once counted over its own clients only — none —
/// so its "true req." read 0 % beside a database full of Required.
#[test]
fn each_databases_truth_counts_the_clients_it_holds() {
    let s = run(None);
    let truth = |site: &str| {
        let db = s
            .compliance
            .databases
            .iter()
            .find(|d| d.site == site)
            .unwrap_or_else(|| panic!("no database {site}"));
        let u = &db.updates[0];
        let all = u.true_required + u.true_pending_restart + u.true_not_required + u.true_installed;
        assert_eq!(
            all, db.clients,
            "{site}: every client it holds has a true state"
        );
        (db.clients, u.true_installed + u.true_pending_restart)
    };
    let (cas, p01, p02) = (truth("CAS"), truth("P01"), truth("P02"));
    assert_eq!((cas.0, p01.0, p02.0), (600, 400, 200));
    assert_eq!(
        cas.1,
        p01.1 + p02.1,
        "the top's installed are the primaries' together"
    );
    assert!(cas.1 > 0, "installs happened: {cas:?}");
}

/// Why the databases say Required (R15) is told for the central site's database too, which
/// holds the primaries' clients: its reasons are theirs together (it had none before).
#[test]
fn the_top_database_says_why_its_clients_are_required() {
    let text = HIERARCHY.replace("end: \"3d\"", "end: \"1d\"");
    let loaded = cmsim::load_str("view.ron", &text).expect("the scenario loads");
    let opts = RunOptions {
        quiet: true,
        ..RunOptions::default()
    };
    let s = cmsim::run(&loaded.world, &opts).expect("the run succeeds");
    let reasons = |site: &str| {
        let db = s.compliance.databases.iter().find(|d| d.site == site);
        let r = &db.unwrap_or_else(|| panic!("no database {site}")).updates[0].required_because;
        [
            r.not_deployed,
            r.deployed_not_installed,
            r.pending_restart,
            r.installed_not_reported,
        ]
    };
    let (cas, p01, p02) = (reasons("CAS"), reasons("P01"), reasons("P02"));
    let sum: Vec<u32> = p01.iter().zip(p02).map(|(a, b)| a + b).collect();
    assert_eq!(cas.to_vec(), sum, "CAS {cas:?}, P01 {p01:?}, P02 {p02:?}");
    assert!(
        cas.iter().sum::<u32>() > 0,
        "clients still required at the end: {cas:?}"
    );
}
