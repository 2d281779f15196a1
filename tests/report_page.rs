//! `report.html` in a real browser (issue 14): the pages of a run, of replications, of a
//! comparison and of a sweep are opened in headless Chromium, which takes a screenshot
//! (`target/report-pages/NAME.png`, to look at) and runs a probe in the page that lists
//! console errors, elements that overflow the page, charts without data and anything the
//! page would fetch. The probe is proven on controls injected into each page — a console
//! error, an overflowing element, an empty chart, an external image — which it must find,
//! and nothing else.
//!
//! Chromium is Debian's `chromium` (`.ci/run` installs it). Without it the test says so and
//! passes, unless `CMSIM_REQUIRE_BROWSER` is set, as `.ci/run` sets it.

mod common;

use common::tempdir::TestDir;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The probe, put first in the page's `<head>`: it records errors from the start and, once
/// the page has loaded, writes what it found as JSON into `<pre id="probe">`.
const PROBE: &str = r##"<script>
window.__errors = [];
window.addEventListener('error', e => __errors.push('error: ' + e.message));
console.error = (...a) => __errors.push('console.error: ' + a.join(' '));
window.addEventListener('load', () => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.table, pre, svg')) continue;
    const r = el.getBoundingClientRect();
    if (r.right > width + 1) problems.push('overflow: ' + el.tagName + '#' + (el.id || el.className));
  }
  for (const f of document.querySelectorAll('figure')) {
    const svg = f.querySelector('svg');
    if (!svg) { problems.push('no chart: ' + f.id); continue; }
    const box = svg.getBoundingClientRect();
    if (box.width < 200 || box.height < 100) problems.push('chart too small: ' + f.id);
    const lines = [...svg.querySelectorAll('polyline')]
      .filter(p => (p.getAttribute('points') || '').trim().split(/\s+/).length >= 3);
    const areas = svg.querySelectorAll('polygon, path, circle');
    const bars = [...svg.querySelectorAll('rect')].filter(r => {
      const fill = (r.getAttribute('fill') || '').toUpperCase();
      return fill !== '#FFFFFF' && fill !== 'NONE' && fill !== '';
    });
    if (lines.length + areas.length === 0 && bars.length < 2) problems.push('chart without data: ' + f.id);
  }
  for (const el of document.querySelectorAll('[src], link[href], [href^="http"]')) {
    problems.push('external: ' + el.tagName);
  }
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify({ errors: __errors, problems,
    figures: document.querySelectorAll('figure').length,
    tables: document.querySelectorAll('table').length });
  document.body.appendChild(pre);
});
</script>"##;

/// Controls the probe must find: one of each kind of problem.
const CONTROLS: &str = r##"<div id="control-wide" style="width:5000px">wide</div>
<figure id="chart-control"><svg width="600" height="300" viewBox="0 0 600 300" xmlns="http://www.w3.org/2000/svg"><rect x="0" y="0" width="600" height="300" fill="#FFFFFF"/><line x1="10" y1="290" x2="590" y2="290" stroke="#000000"/><polyline points="10,10 24,10" stroke="#000000" fill="none"/></svg></figure>
<img src="http://example.invalid/x.png" alt="">
<script>console.error('control');</script>"##;

/// The problems the controls cause, which the probe must report (and nothing else).
const CONTROL_PROBLEMS: [&str; 4] = [
    "overflow: DIV#control-wide",
    "chart without data: chart-control",
    "external: IMG",
    "console.error: control",
];

fn chromium() -> Option<PathBuf> {
    let named = std::env::var_os("CMSIM_CHROMIUM").map(PathBuf::from);
    let candidates = [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ];
    named
        .into_iter()
        .chain(candidates.iter().map(PathBuf::from))
        .find(|p| p.exists())
}

/// A fresh directory (`cmsim-page-NAME-…`), removed when dropped.
fn temp(name: &str) -> TestDir {
    TestDir::new(&format!("cmsim-page-{name}-"))
}

/// Runs cmsim quietly; returns what it said on stderr.
fn cmsim(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cmsim"))
        .args(args)
        .arg("-q")
        .output()
        .expect("cmsim runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "cmsim {args:?}: {stderr}");
    stderr
}

/// Runs Chromium headless on `page` with `args` and returns what it printed.
fn browse(browser: &Path, profile: &Path, args: &[String], page: &Path) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium starts");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What the probe found in `report` (with or without the controls), and a screenshot of
/// the page as it is into `shot`.
fn probe(browser: &Path, report: &Path, controls: bool, shot: Option<&Path>) -> serde_json::Value {
    let html = std::fs::read_to_string(report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", report.display());
    let mut probed = html.replacen("<head>", &format!("<head>\n{PROBE}"), 1);
    if controls {
        probed = probed.replacen("</body>", &format!("{CONTROLS}\n</body>"), 1);
    }
    let dir = report.parent().unwrap();
    let copy = dir.join(if controls {
        "controls.html"
    } else {
        "probed.html"
    });
    std::fs::write(&copy, probed).unwrap();
    let profile = dir.join("chromium-profile");
    let dom = browse(browser, &profile, &["--dump-dom".into()], &copy);
    let start = dom.find("<pre id=\"probe\">").expect("the probe ran") + "<pre id=\"probe\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    if let Some(shot) = shot {
        let args = [
            "--window-size=1280,2400".to_string(),
            format!("--screenshot={}", shot.display()),
        ];
        browse(browser, &profile, &args, report);
        assert!(shot.exists(), "no screenshot {}", shot.display());
    }
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// Checks the page `report`: the controls found, nothing else, at least `figures` charts.
fn check(browser: &Path, name: &str, report: &Path, figures: u64) {
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-pages");
    std::fs::create_dir_all(&shots).unwrap();
    let clean = probe(
        browser,
        report,
        false,
        Some(&shots.join(format!("{name}.png"))),
    );
    let found: Vec<String> = [strings(&clean["errors"]), strings(&clean["problems"])].concat();
    assert!(found.is_empty(), "{name}: {found:?}");
    assert!(
        clean["figures"].as_u64().unwrap() >= figures,
        "{name}: {clean}"
    );
    assert!(clean["tables"].as_u64().unwrap() >= 1, "{name}: {clean}");
    let controlled = probe(browser, report, true, None);
    let found: Vec<String> = [
        strings(&controlled["errors"]),
        strings(&controlled["problems"]),
    ]
    .concat();
    for c in CONTROL_PROBLEMS {
        assert!(
            found.iter().any(|f| f == c),
            "{name}: the probe missed {c}: {found:?}"
        );
    }
    assert_eq!(found.len(), CONTROL_PROBLEMS.len(), "{name}: {found:?}");
}

#[test]
fn report_pages_open_in_a_browser_without_errors_overflow_or_empty_charts() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CMSIM_REQUIRE_BROWSER").is_none(),
            "CMSIM_REQUIRE_BROWSER is set but no Chromium was found (install Debian's chromium)"
        );
        eprintln!("report_page: no Chromium (/usr/bin/chromium): the browser test did not run");
        return;
    };
    let run = temp("run");
    cmsim(&[
        "run",
        "scenarios/dp-outage.ron",
        "-o",
        run.to_str().unwrap(),
    ]);
    check(&browser, "run", &run.join("report.html"), 5);
    let reps = temp("replications");
    cmsim(&[
        "run",
        "scenarios/mandatory-deadline.ron",
        "--replications",
        "3",
        "-o",
        reps.to_str().unwrap(),
    ]);
    check(&browser, "replications", &reps.join("report.html"), 1);
    let cmp = temp("compare");
    cmsim(&[
        "compare",
        "scenarios/hidden-deployments.ron",
        "scenarios/mandatory-deadline.ron",
        "--replications",
        "3",
        "-o",
        cmp.to_str().unwrap(),
    ]);
    check(&browser, "compare", &cmp.join("report.html"), 1);
    let sweep = temp("sweep");
    cmsim(&[
        "sweep",
        "scenarios/mandatory-deadline.ron",
        "-o",
        sweep.to_str().unwrap(),
    ]);
    check(&browser, "sweep", &sweep.join("report.html"), 1);
}

/// Without a browser: the page alone repeats the run — the scenario quoted whole, the seed
/// and a changed run length on the command — and references nothing outside itself.
#[test]
fn the_page_quotes_the_scenario_and_the_command_that_repeats_the_run() {
    let dir = temp("repeat");
    let said = cmsim(&[
        "run",
        "scenarios/lab.ron",
        "--until",
        "36h",
        "--seed",
        "5",
        "-o",
        dir.to_str().unwrap(),
    ]);
    let report = dir.join("report.html");
    assert!(
        said.contains(&format!("wrote {}", report.display())),
        "{said}"
    );
    let page = std::fs::read_to_string(report).unwrap();
    assert!(
        page.contains("cmsim run scenarios/lab.ron --seed 5 --until 36h"),
        "the command that repeats the run"
    );
    let scenario = std::fs::read_to_string("scenarios/lab.ron").unwrap();
    let quoted = scenario
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    assert!(page.contains(&quoted), "the scenario quoted whole");
    assert!(page.contains(env!("CARGO_PKG_VERSION")));
    for outside in ["<script", "<link", "src=", "url(", "@import"] {
        assert!(!page.contains(outside), "the page holds {outside}");
    }
}

/// The charts a run draws are the ones with data: hidden deployments notify nobody, so no
/// notifications chart (it was drawn empty); a scenario with faults marks them.
#[test]
fn charts_are_drawn_only_with_data_and_mark_the_faults() {
    let charts = |scenario: &str, name: &str| {
        let dir = temp(name);
        cmsim(&["run", scenario, "-o", dir.to_str().unwrap()]);
        let mut names: Vec<String> = std::fs::read_dir(dir.join("charts"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter_map(|n| n.strip_suffix(".svg").map(str::to_string))
            .collect();
        names.sort();
        (dir, names)
    };
    let (_, hidden) = charts("scenarios/hidden-deployments.ron", "hidden");
    assert!(!hidden.contains(&"notifications".to_string()), "{hidden:?}");
    assert!(hidden.contains(&"downloads".to_string()), "{hidden:?}");
    let (_, shown) = charts("scenarios/mandatory-deadline.ron", "shown");
    assert!(shown.contains(&"notifications".to_string()), "{shown:?}");
    let (dir, _) = charts("scenarios/dp-outage.ron", "faults");
    let svg = std::fs::read_to_string(dir.join("charts/compliance.svg")).unwrap();
    assert!(
        svg.contains("fault window"),
        "the legend names the fault windows"
    );
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        page.contains("distribution point BR1-DP01 down from"),
        "the page lists them"
    );
}
