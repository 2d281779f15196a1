//! Hostile sweeps and shard tables (the "shards" class of the hostile-input suite): each is
//! refused with a clear message and exit code 2, without hanging (every run of the binary is
//! killed after 20 s), running out of memory or writing anything to `--out`. Shard tables
//! are written by hand where the case needs it: `merge` reads only their text.

mod common;

use common::hostile::{assert_has, cmsim, temp};
use std::path::Path;
use std::time::{Duration, Instant};

/// A few clients, one update, a deployment whose id has a comma (so its figures' names are
/// quoted in the table), and `sweep`.
fn tiny(sweep: &str) -> String {
    format!(
        r#"Scenario(
    name: "tiny",
    seed: 7,
    end: "3d",
    sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP01",
             management_points: ["PR1-MP01"], distribution_points: ["PR1-DP01"])],
    clients: [(name: "c", site: "PR1", count: 5)],
    catalog: [(id: "KB1", title: "t", size: "1MB", released: "1h")],
    deployments: [(id: "SUG,1", updates: ["KB1"], target: [(group: "c")],
                   created: "6h", deadline: "1d")],
    sweep: [{sweep}],
)
"#
    )
}

/// The tiny scenario's grid: 3 deadlines × 2 notification intervals.
const GRID: &str = r#"(param: "deployment.SUG,1.deadline", values: ["12h", "1d", "2d"]),
        (param: "settings.notify_far_interval", values: ["3h", "6h"])"#;

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// `merge` of the files `tables` (name, contents) into `--out`: refused with exit code 2,
/// every part of `expected` in the message, and nothing written.
fn merge_refused(case: &str, tables: &[(&str, &[u8])], expected: &[&str]) {
    let dir = temp(case);
    let out = dir.join("out");
    let mut args = vec!["merge".to_string()];
    for (name, text) in tables {
        args.push(write(&dir, name, text));
    }
    args.extend(["--out".to_string(), out.to_str().unwrap().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, err) = cmsim(&args);
    assert_eq!(code, 2, "{case}: {err}");
    assert_has(&err, expected);
    assert_has(&err, &["nothing was written"]);
    assert!(stdout.is_empty(), "{case}: printed {stdout}");
    assert!(!out.exists(), "{case}: wrote into --out");
}

/// A hand-written shard table I/N of a 4-point sweep with one parameter `settings.x` and
/// figures `a (h)` and `"b, c"`, holding `rows`.
fn shard(i: usize, n: usize, rows: &str) -> Vec<u8> {
    shard_of("00000000000000ab", i, n, rows)
}

fn shard_of(sweep: &str, i: usize, n: usize, rows: &str) -> Vec<u8> {
    format!(
        "# cmsim sweep: shard {i}/{n}, points 4, parameters 1, sweep {sweep}\n\
         point,settings.x,a (h),\"b, c\"\n{rows}"
    )
    .into_bytes()
}

/// Both shards of the 4-point sweep, complete and valid.
fn halves() -> (Vec<u8>, Vec<u8>) {
    (
        shard(0, 2, "0,1h,1.0000,2.0000\n2,3h,3.0000,never\n"),
        shard(1, 2, "1,2h,1.5000,2.5000\n3,4h,3.5000,4.5000\n"),
    )
}

#[test]
fn whole_and_sharded_sweeps_write_identical_tables() {
    let dir = temp("equal");
    let s = write(&dir, "tiny.ron", tiny(GRID));
    let (code, whole, err) = cmsim(&["sweep", &s, "--jobs", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(whole.starts_with("# cmsim sweep: points 6, parameters 2, sweep "));
    assert!(
        whole.contains("\"deployment.SUG,1.deadline\""),
        "a field with a comma is quoted: {whole}"
    );
    let mut args = vec!["merge".to_string()];
    for i in 0..3 {
        let shard = format!("{i}/3");
        let d = dir.to_str().unwrap();
        let (code, _, err) = cmsim(&["sweep", &s, "--shard", &shard, "--out", d, "--jobs", "1"]);
        assert_eq!(code, 0, "{err}");
        let file = dir.join(format!("sweep-shard-{i}-of-3.csv"));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with(&format!("# cmsim sweep: shard {i}/3, points 6,")));
        args.push(file.to_str().unwrap().to_string());
    }
    args.reverse(); // any order
    args.rotate_right(1);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, merged, err) = cmsim(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        merged, whole,
        "merged shards are the whole sweep, byte for byte"
    );
    let out = dir.join("merged");
    let mut with_out = args.clone();
    with_out.extend(["--out", out.to_str().unwrap()]);
    let (code, _, err) = cmsim(&with_out);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("sweep.csv")).unwrap(),
        whole
    );
    assert!(out.join("charts").read_dir().unwrap().count() > 0);
}

#[test]
fn a_quoted_field_with_a_comma_is_accepted_and_kept() {
    let dir = temp("quoted");
    let a = shard(0, 2, "0,\"1h, really\",1.0000,2.0000\n2,3h,3.0000,never\n");
    let b = shard(1, 2, "1,2h,1.5000,2.5000\n3,4h,3.5000,4.5000\n");
    let (a, b) = (write(&dir, "a.csv", a), write(&dir, "b.csv", b));
    let (code, merged, err) = cmsim(&["merge", &b, &a]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        merged,
        "# cmsim sweep: points 4, parameters 1, sweep 00000000000000ab\n\
         point,settings.x,a (h),\"b, c\"\n0,\"1h, really\",1.0000,2.0000\n\
         1,2h,1.5000,2.5000\n2,3h,3.0000,never\n3,4h,3.5000,4.5000\n"
    );
}

#[test]
fn a_ragged_row_is_named_by_file_and_line() {
    let (_, b) = halves();
    let a = shard(0, 2, "0,1h,1.0000,2.0000\n2,3h,3.0000\n");
    merge_refused(
        "ragged",
        &[("a.csv", &a), ("b.csv", &b)],
        &["a.csv:4: 3 fields where the header has 4 (a ragged row)"],
    );
}

#[test]
fn shards_of_two_sweeps_are_refused() {
    let (a, _) = halves();
    let b = shard_of(
        "00000000000000cd",
        1,
        2,
        "1,2h,1.5000,2.5000\n3,4h,3.5000,4.5000\n",
    );
    merge_refused(
        "two-sweeps",
        &[("a.csv", &a), ("b.csv", &b)],
        &[
            "b.csv is shard 1/2 of sweep 00000000000000cd",
            "a.csv is shard 0/2 of sweep 00000000000000ab",
            "only the shards of one sweep",
        ],
    );
    // The same sweep split two ways does not mix either.
    let c = shard(1, 3, "1,2h,1.5000,2.5000\n");
    merge_refused(
        "two-splits",
        &[("a.csv", &a), ("c.csv", &c)],
        &["c.csv is shard 1/3", "a.csv is shard 0/2"],
    );
}

#[test]
fn missing_shards_are_listed() {
    let a = shard(0, 4, "0,1h,1.0000,2.0000\n");
    let c = shard(2, 4, "2,3h,3.0000,never\n");
    merge_refused(
        "missing",
        &[("a.csv", &a), ("c.csv", &c)],
        &["missing shards 1/4 and 3/4"],
    );
    let (a, _) = halves();
    merge_refused("missing-one", &[("a.csv", &a)], &["missing shard 1/2"]);
}

#[test]
fn a_shard_missing_a_point_is_named() {
    let (a, _) = halves();
    let b = shard(1, 2, "1,2h,1.5000,2.5000\n");
    merge_refused(
        "lacks",
        &[("a.csv", &a), ("b.csv", &b)],
        &["b.csv (shard 1/2) lacks point 3"],
    );
}

#[test]
fn a_duplicate_point_is_named_twice() {
    let (a, _) = halves();
    let b = shard(
        1,
        2,
        "1,2h,1.5000,2.5000\n3,4h,3.5000,4.5000\n1,2h,1.5000,2.5000\n",
    );
    merge_refused(
        "duplicate",
        &[("a.csv", &a), ("b.csv", &b)],
        &["b.csv:5: point 1 again (first at ", "b.csv:3)"],
    );
    // The same shard given twice.
    merge_refused(
        "same-shard",
        &[("a.csv", &a), ("a2.csv", &a)],
        &["shard 0/2 given twice", "a.csv and", "a2.csv"],
    );
}

#[test]
fn a_point_of_another_shard_or_outside_the_grid_is_refused() {
    let (a, _) = halves();
    let b = shard(
        1,
        2,
        "1,2h,1.5000,2.5000\n3,4h,3.5000,4.5000\n2,3h,3.0000,never\n",
    );
    merge_refused(
        "extra",
        &[("a.csv", &a), ("b.csv", &b)],
        &["b.csv:5: point 2 belongs to shard 0/2, not to this table's 1/2"],
    );
    let c = shard(
        1,
        2,
        "1,2h,1.5000,2.5000\n3,4h,3.5000,4.5000\n5,6h,1.0000,1.0000\n",
    );
    merge_refused(
        "outside",
        &[("a.csv", &a), ("c.csv", &c)],
        &["c.csv:5: expected a point number below 4 first, found `5`"],
    );
}

#[test]
fn different_headers_are_refused() {
    let (a, _) = halves();
    let b = String::from_utf8(shard(1, 2, "1,2h,1.5000,2.5000\n3,4h,3.5000,4.5000\n"))
        .unwrap()
        .replace("a (h)", "z (h)");
    merge_refused(
        "headers",
        &[("a.csv", &a), ("b.csv", b.as_bytes())],
        &[
            "b.csv: its columns differ from",
            "a.csv's (column 3: `z (h)` against `a (h)`)",
        ],
    );
}

#[test]
fn figures_that_are_not_finite_numbers_are_refused() {
    let (a, _) = halves();
    for (case, bad, expected) in [
        ("text", "fast", "`fast`: expected a number or `never`"),
        ("inf", "inf", "`inf` is not a figure a sweep writes"),
        ("nan", "NaN", "`NaN` is not a figure a sweep writes"),
        (
            "overflow",
            "1e999",
            "`1e999` is not a figure a sweep writes",
        ),
        ("huge", "1e308", "`1e308` is not a figure a sweep writes"),
        ("empty", "", "``: expected a number or `never`"),
    ] {
        let b = shard(1, 2, &format!("1,2h,1.5000,2.5000\n3,4h,{bad},4.5000\n"));
        merge_refused(
            &format!("figure-{case}"),
            &[("a.csv", &a), ("b.csv", &b)],
            &["b.csv:4: column `a (h)`", expected],
        );
    }
}

#[test]
fn empty_binary_header_only_and_unheaded_files_are_refused() {
    let (a, _) = halves();
    merge_refused(
        "empty",
        &[("a.csv", &a), ("b.csv", b"")],
        &["b.csv: empty; expected"],
    );
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    merge_refused(
        "binary",
        &[("a.csv", &a), ("b.csv", &garbage)],
        &["b.csv:1: expected the first line `# cmsim sweep: shard I/N"],
    );
    let only = shard(1, 2, "");
    merge_refused(
        "header-only",
        &[("a.csv", &a), ("b.csv", &only)],
        &["b.csv (shard 1/2) lacks points 1 and 3"],
    );
    // A first line claiming a grid too large to track is refused before any allocation.
    let huge = b"# cmsim sweep: shard 0/1, points 18446744073709551615, parameters 1, sweep \
                 00000000000000ab\npoint,settings.x,a\n0,1h,1.0\n";
    merge_refused(
        "huge-grid",
        &[("h.csv", huge)],
        &["h.csv:1: a sweep of 18446744073709551615 points; `cmsim sweep` writes 1 to 100000"],
    );
    // A table from before the first line existed: say what is expected.
    merge_refused(
        "unheaded",
        &[("old.csv", b"point,settings.x,a (h)\n0,1h,1.0\n")],
        &["old.csv:1: expected the first line", "run the shard again"],
    );
    // Valid first line, then binary.
    let mut tail = shard(1, 2, "");
    tail.extend_from_slice(&[b'1', b',', 0xff, b',', 0xfe, b',', 0x80, b'\n']);
    merge_refused(
        "binary-tail",
        &[("a.csv", &a), ("b.csv", &tail)],
        &["b.csv:3: not UTF-8 text"],
    );
}

/// `sweep` of the tiny scenario with `grid`, into `--out`: refused quickly with exit code 2,
/// every part of `expected` in the message, and nothing written.
fn sweep_refused(case: &str, grid: &str, extra: &[&str], expected: &[&str]) {
    let dir = temp(case);
    let s = write(&dir, "tiny.ron", tiny(grid));
    let out = dir.join("out");
    let mut args = vec!["sweep", &s, "--out", out.to_str().unwrap()];
    args.extend(extra);
    let started = Instant::now();
    let (code, stdout, err) = cmsim(&args);
    assert_eq!(code, 2, "{case}: {err}");
    assert_has(&err, expected);
    assert!(stdout.is_empty() && !out.exists(), "{case}: wrote output");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{case}: took {:?}",
        started.elapsed()
    );
}

fn axes(count: usize, values: usize) -> String {
    let values: Vec<String> = (0..values).map(|v| format!("\"{}h\"", v + 1)).collect();
    let axis = format!(
        "(param: \"settings.notify_far_interval\", values: [{}])",
        values.join(", ")
    );
    vec![axis; count].join(",\n        ")
}

#[test]
fn a_64_axis_sweep_is_refused_not_wrapped_to_zero_points() {
    sweep_refused(
        "axes64",
        &axes(64, 2),
        &[],
        &[
            "tiny.ron:",
            "64 parameters make 18446744073709551616 points, more than the limit of 100000",
        ],
    );
    // `check` refuses it the same way.
    let dir = temp("axes64-check");
    let s = write(&dir, "tiny.ron", tiny(&axes(64, 2)));
    let (code, _, err) = cmsim(&["check", &s]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["64 parameters make 18446744073709551616 points"]);
}

#[test]
fn a_sweep_over_the_point_limit_is_refused_quickly() {
    // 317 × 317 = 100,489 points, just over the limit.
    sweep_refused(
        "over-limit",
        &axes(2, 317),
        &[],
        &["2 parameters make 100489 points, more than the limit of 100000"],
    );
}

#[test]
fn a_million_point_sweep_is_refused_without_building_anything() {
    // 20 axes of two values: 1,048,576 points.
    sweep_refused(
        "million",
        &axes(20, 2),
        &[],
        &["20 parameters make 1048576 points"],
    );
}

#[test]
fn an_axis_without_values_and_shards_that_would_run_nothing_are_refused() {
    sweep_refused(
        "no-values",
        r#"(param: "settings.notify_far_interval", values: [])"#,
        &[],
        &["field `sweep[0].values`: expected at least one value"],
    );
    sweep_refused(
        "too-many-shards",
        GRID,
        &["--shard", "6/7"],
        &[
            "--shard 6/7: the sweep has 6 points",
            "use at most 6 shards",
        ],
    );
}

#[test]
fn a_bad_combination_of_values_is_refused_before_anything_runs() {
    // Each value is fine alone (available 5h, deadline 12h…), but 20h after a 12h deadline
    // is not: refused up front, naming the point.
    sweep_refused(
        "combination",
        r#"(param: "deployment.SUG,1.deadline", values: ["1d", "12h"]),
        (param: "deployment.SUG,1.available", values: ["7h", "20h"])"#,
        &[],
        &[
            "at sweep point 3 (deployment.SUG,1.deadline = 12h, deployment.SUG,1.available = 20h)",
            "expected a deadline at or after `available`",
        ],
    );
}

#[test]
fn extreme_but_valid_figures_chart_without_hanging() {
    // The largest figures a table may hold, negative ones, all-equal and all-`never` columns:
    // the charts' axes stay finite and non-empty.
    let dir = temp("extreme");
    let a = shard(0, 2, "0,1h,1000000000000000,never\n2,3h,-1e15,never\n");
    let b = shard(1, 2, "1,2h,0,never\n3,4h,0.0000,never\n");
    let (a, b) = (write(&dir, "a.csv", a), write(&dir, "b.csv", b));
    let out = dir.join("out");
    let (code, _, err) = cmsim(&["merge", &a, &b, "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    // Two figures, a chart each (as SVG and PNG).
    assert_has(&err, &["wrote 2 charts"]);
    assert!(out.join("charts/a_h.svg").exists() && out.join("charts/b_c.png").exists());
}

#[test]
fn a_sweep_at_the_point_limit_is_checked_without_building_every_world() {
    // 100,000 points, each checked up front; shard 0/100000 then builds and runs one world.
    let dir = temp("at-limit");
    let values: Vec<String> = (1..=100_000).map(|m| format!("\"{m}m\"")).collect();
    let grid = format!(
        "(param: \"settings.notify_far_interval\", values: [{}])",
        values.join(",")
    );
    let s = write(&dir, "tiny.ron", tiny(&grid));
    let (code, table, err) = cmsim(&["sweep", &s, "--shard", "0/100000", "--jobs", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(table.starts_with("# cmsim sweep: shard 0/100000, points 100000, parameters 1,"));
    assert_eq!(
        table.lines().count(),
        3,
        "the first line, the header and point 0"
    );
}

#[test]
fn a_sweep_over_the_event_budget_is_refused_with_its_estimate() {
    // Each point's world is built for its estimate and dropped before anything runs.
    sweep_refused(
        "budget",
        GRID,
        &["--max-events", "10"],
        &[
            "a sweep of 6 points × 1 seeds would handle about",
            "over the limit of 10",
        ],
    );
}
