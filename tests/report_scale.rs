//! The report of a large hierarchy (issue 13): every long list cut to its worst entries with a
//! line saying what was left out and where, `--detail` for all of it; the headline per level
//! of the hierarchy; and the outputs a large run writes — `compliance.csv` per site database
//! (its rows the sums of `--detail`'s per-update file), the per group × update lists of
//! `summary.json` only with `--detail`.

mod common;

use cmsim::RunOptions;
use cmsim::report::Summary;
use cmsim::report::text::{Detail, render};
use common::tempdir::TestDir;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A central site, two primaries and twelve secondary sites, a group at each (every other
/// branch group of laptops away for days, so the groups end at different shares), two
/// updates deployed to every group.
fn hierarchy() -> String {
    let mut sites = String::new();
    let mut groups = String::from(
        "(name: \"hq1\", site: \"P01\", count: 40), (name: \"hq2\", site: \"P02\", count: 40),\n",
    );
    let mut targets = String::from("(group: \"hq1\"), (group: \"hq2\")");
    for i in 1..=12 {
        let parent = if i <= 6 { "P01" } else { "P02" };
        sites += &format!(
            "(code: \"S{i:02}\", kind: Secondary, parent: \"{parent}\", \
             distribution_points: [\"S{i:02}-DP\"]),\n"
        );
        let away = match i % 2 {
            0 => ", availability: Intermittent(online: \"3h\", offline: \"2d\")",
            _ => "",
        };
        groups += &format!(
            "(name: \"b{i:02}\", site: \"S{i:02}\", count: {}{away}),\n",
            5 + i
        );
        targets += &format!(", (group: \"b{i:02}\")");
    }
    format!(
        r#"Scenario(
    name: "scale",
    seed: 11,
    start: "2026-12-07T00:00:00Z",
    end: "4d",
    sites: [
        (code: "CAS", kind: Central, sup: "CAS-SUP"),
        (code: "P01", kind: Primary, parent: "CAS", sup: "P01-SUP",
         management_points: ["P01-MP"], distribution_points: ["P01-DP"]),
        (code: "P02", kind: Primary, parent: "CAS", sup: "P02-SUP",
         management_points: ["P02-MP"], distribution_points: ["P02-DP"]),
        {sites}
    ],
    clients: [{groups}],
    catalog: [(id: "KB1", size: "10MB"), (id: "KB2", size: "20MB")],
    deployments: [(id: "D1", updates: ["KB1", "KB2"], target: [{targets}],
        created: "6h", deadline: "1d 12h")],
    actions: [RunSync(at: "1h")],
)"#
    )
}

/// A fresh directory (`cmsim-report-scale-NAME-…`), removed when dropped.
fn temp(name: &str) -> TestDir {
    TestDir::new(&format!("cmsim-report-scale-{name}-"))
}

fn run(out: Option<PathBuf>, detail: bool) -> Summary {
    let loaded = cmsim::load_str("scale.ron", &hierarchy()).unwrap();
    let opts = RunOptions {
        quiet: true,
        out,
        detail,
        ..RunOptions::default()
    };
    cmsim::run(&loaded.world, &opts).unwrap()
}

/// The share compliant in a group row of the report (`b04  9  44.4%  …`).
fn compliant_share(line: &str) -> f64 {
    let cells: Vec<&str> = line.split_whitespace().collect();
    cells[2].trim_end_matches('%').parse().unwrap()
}

#[test]
fn a_long_list_shows_its_worst_entries_and_detail_shows_them_all() {
    let s = run(None, false);
    let groups = &s.machines.groups;
    assert_eq!(groups.len(), 14);
    let short = render(&s, Detail::default());
    assert!(
        short.contains("(9 more groups: groups.csv, summary.json; --detail lists them all)"),
        "{short}"
    );
    // The five shown are the furthest behind, worst first; none left out is further behind.
    let shown: Vec<&str> = short
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("group "))
        .skip(1)
        .take(5)
        .collect();
    let shares: Vec<f64> = shown.iter().map(|l| compliant_share(l)).collect();
    assert!(
        shares.windows(2).all(|w| w[0] <= w[1]),
        "worst first: {shares:?}"
    );
    assert!(
        shares[0] < 100.0,
        "the laptops away for days are behind: {shares:?}"
    );
    let names: Vec<&str> = shown
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    for g in groups.iter().filter(|g| !names.contains(&g.name.as_str())) {
        let share = 100.0 * f64::from(g.compliant) / f64::from(g.targeted);
        assert!(share >= shares[4] - 0.05, "{} at {share} left out", g.name);
    }
    // Then per site, and the per-site tables become per level.
    assert!(
        short.contains("Sites, the furthest behind first"),
        "{short}"
    );
    assert!(
        short.contains("(9 more sites: groups.csv, summary.json; --detail lists them all)"),
        "{short}"
    );
    assert!(
        short.contains("secondary first") || short.contains("primary first"),
        "{short}"
    );
    // --detail: every group, no cut, every site as a column.
    let all = render(&s, Detail::All);
    for g in groups {
        assert!(
            all.contains(&format!("\n  {} ", g.name)),
            "{} in --detail",
            g.name
        );
    }
    assert!(!all.contains("--detail lists them all"));
    assert!(all.lines().count() > short.lines().count());
}

#[test]
fn the_headline_per_level_adds_up_to_the_fleet_and_brackets_its_marks() {
    let s = run(None, false);
    let m = &s.machines;
    let levels: Vec<&str> = m.levels.iter().map(|l| l.level).collect();
    assert_eq!(levels, ["primary", "secondary"]);
    assert_eq!(m.levels.iter().map(|l| l.targeted).sum::<u64>(), m.targeted);
    assert_eq!(
        m.levels.iter().map(|l| l.compliant).sum::<u64>(),
        m.compliant
    );
    assert_eq!(m.levels[0].targeted, 80);
    for k in 0..4 {
        let marks: Vec<Option<u64>> = m.levels.iter().map(|l| l.compliant_ms[k]).collect();
        if let (Some(fleet), true) = (m.compliant_ms[k], marks.iter().all(Option::is_some)) {
            let (lo, hi) = (marks.iter().flatten().min(), marks.iter().flatten().max());
            assert!(
                Some(&fleet) >= lo && Some(&fleet) <= hi,
                "mark {k}: fleet {fleet} outside the levels' {marks:?}"
            );
        }
    }
    let text = render(&s, Detail::default());
    assert!(text.contains("primary sites") && text.contains("secondary sites"));
}

fn rows(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn compliance_csv_sums_the_per_update_detail_and_summary_json_keeps_group_updates_for_detail() {
    let dir = temp("outputs");
    let (short, long) = (dir.join("short"), dir.join("long"));
    run(Some(short.clone()), false);
    run(Some(long.clone()), true);
    assert!(!short.join("compliance-by-update.csv.gz").exists());
    let gz = std::fs::read(long.join("compliance-by-update.csv.gz")).unwrap();
    let mut detail = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut detail).unwrap();
    assert!(detail.starts_with("t_ms,time,datetime,site,update,required,"));
    let mut sums: BTreeMap<(u64, String), (u64, [i64; 8])> = BTreeMap::new();
    for r in rows(&detail) {
        let e = sums
            .entry((r[0].parse().unwrap(), r[3].clone()))
            .or_default();
        e.0 += 1;
        for k in 0..8 {
            e.1[k] += r[5 + k].parse::<i64>().unwrap();
        }
    }
    for out in [&short, &long] {
        let text = std::fs::read_to_string(out.join("compliance.csv")).unwrap();
        assert!(text.starts_with("t_ms,time,datetime,site,updates,required,"));
        let agg = rows(&text);
        assert_eq!(agg.len(), sums.len(), "one row per sample and database");
        for r in agg {
            let (n, want) = sums[&(r[0].parse().unwrap(), r[3].clone())];
            assert_eq!(r[4], n.to_string());
            let got: Vec<i64> = r[5..13].iter().map(|c| c.parse().unwrap()).collect();
            assert_eq!(got, want, "{r:?}");
        }
    }
    let json = |out: &PathBuf| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap()
    };
    let (short, long) = (json(&short), json(&long));
    let group = |v: &serde_json::Value| v["compliance"]["groups"][0].clone();
    assert!(group(&short).get("updates").is_none(), "{}", group(&short));
    assert_eq!(group(&long)["updates"].as_array().unwrap().len(), 2);
    assert_eq!(group(&short)["clients"], group(&long)["clients"]);
}
