//! Hostile inputs, class "structure": scenario files whose hierarchy or references are
//! impossible, and files too broken to parse. Each is refused by `check` and `run` with exit
//! code 2, the file's line and column, the field, a caret under it and (for a misspelling) a
//! suggestion; nothing is written, nothing hangs (every run of the binary is killed after
//! 20 s), and the checker stays linear in the file's size.

mod common;

use common::hostile::{assert_has, cmsim, lab, refused, scenario};
use std::time::Instant;

/// A scenario with `sites` (one per line), a client group at `client_site` and one update.
fn with_sites(sites: &str, client_site: &str) -> String {
    format!(
        "Scenario(\n    name: \"hostile\",\n    seed: 1,\n    end: \"1d\",\n    sites: [\n{sites}    ],\n    \
         clients: [(name: \"c\", site: \"{client_site}\", count: 5)],\n    \
         catalog: [(id: \"KB1\", title: \"t\", size: \"1MB\")],\n)\n"
    )
}

#[test]
fn parent_cycles_are_errors_not_hangs() {
    let site = |code: &str, kind: &str, parent: &str| {
        let parent = if parent.is_empty() {
            String::new()
        } else {
            format!(" parent: \"{parent}\",")
        };
        format!("        (code: \"{code}\", kind: {kind},{parent} sup: \"{code}-SUP\"),\n")
    };
    let cas = site("CAS", "Central", "");
    let cases = [
        (
            "cycle2",
            [
                cas.clone(),
                site("P01", "Primary", "P02"),
                site("P02", "Primary", "P01"),
            ]
            .concat(),
            "P01",
            [
                "cycle2.ron:7:38: field `sites[1].parent`",
                "cycle (P01 → P02 → P01)",
            ],
        ),
        (
            "selfparent",
            [cas.clone(), site("P01", "Primary", "P01")].concat(),
            "P01",
            [
                "selfparent.ron:7:38: field `sites[1].parent`",
                "its own parent",
            ],
        ),
        (
            "cycle3",
            [
                cas.clone(),
                site("P01", "Primary", "CAS"),
                site("S01", "Secondary", "S03"),
                site("S02", "Secondary", "S01"),
                site("S03", "Secondary", "S02"),
            ]
            .concat(),
            "S02",
            [
                "cycle3.ron:8:40: field `sites[2].parent`",
                "cycle (S01 → S03 → S02 → S01)",
            ],
        ),
    ];
    for (name, sites, client_site, expected) in cases {
        refused(name, &with_sites(&sites, client_site), &expected);
    }
}

#[test]
fn impossible_hierarchies_are_refused_with_their_field() {
    let one = r#"(id: "K", size: "1MB")"#;
    let cases: [(&str, String, &[&str]); 6] = [
        (
            "twotops",
            with_sites(
                "        (code: \"P01\", kind: Primary, sup: \"S1\"),\n        (code: \"P02\", kind: Primary, sup: \"S2\"),\n",
                "P01",
            ),
            &["field `sites[1].parent`", "only one top site"],
        ),
        (
            "orphan",
            with_sites(
                "        (code: \"P01\", kind: Primary, sup: \"S1\"),\n        (code: \"S01\", kind: Secondary),\n",
                "P01",
            ),
            &["field `sites[1]", "needs a parent primary"],
        ),
        (
            "nosite",
            "Scenario(name: \"x\", end: \"1d\", sites: [], clients: [], catalog: [])".into(),
            &["field `sites`", "at least one site"],
        ),
        (
            "dupsite",
            with_sites(
                "        (code: \"LAB\", kind: Primary, sup: \"S1\"),\n        (code: \"lab\", kind: Secondary, parent: \"LAB\"),\n",
                "LAB",
            ),
            &["field `sites[1].code`", "twice"],
        ),
        (
            "supcycle",
            lab(
                1,
                r#"(id: "A", size: "1MB", supersedes: ["B"]), (id: "B", size: "1MB", supersedes: ["A"])"#,
                "",
            ),
            &["supersedence forms a cycle"],
        ),
        (
            "dupgroup",
            lab(1, one, "").replace(
                "count: 1)]",
                "count: 1), (name: \"c\", site: \"LAB\", count: 2)]",
            ),
            &["field `clients[1].name`", "`c` is used twice"],
        ),
    ];
    for (name, src, expected) in cases {
        refused(name, &src, expected);
    }
}

#[test]
fn misspelt_references_get_a_caret_and_a_suggestion() {
    let one = r#"(id: "KB5031356", size: "1MB")"#;
    let deploy = |updates: &str, group: &str| {
        format!(
            " deployments: [(id: \"D1\", updates: [\"{updates}\"], target: [(group: \"{group}\")], created: \"1d\")],\n"
        )
    };
    let cases: [(&str, String, &[&str]); 5] = [
        (
            "groupsite",
            lab(1, one, "").replace("site: \"LAB\", count", "site: \"LBA\", count"),
            &[
                "groupsite.ron:3:24: field `clients[0].site`",
                "no site has the code `LBA` (did you mean `LAB`?)",
                "  3 |  clients: [(name: \"c\", site: \"LBA\", count: 1)],",
                "    |                        ^",
            ],
        ),
        (
            "depupdate",
            lab(1, one, &deploy("KB5031365", "c")),
            &[
                "field `deployments[0].updates[0]`",
                "(did you mean `KB5031356`?)",
            ],
        ),
        (
            "depgroup",
            lab(1, one, &deploy("KB5031356", "cc")),
            &["field `deployments[0].target[0].group`", "called `cc`"],
        ),
        (
            "fieldname",
            lab(1, r#"(id: "A", sizee: "1MB")"#, ""),
            &[
                "field `catalog[0].sizee`",
                "`sizee` is not a field of a catalog entry (did you mean `size`?)",
            ],
        ),
        (
            "kind",
            lab(1, one, "").replace("kind: Primary", "kind: Primray"),
            &[
                "field `sites[0].kind`",
                "`Primray` is not one of the site kinds (did you mean `Primary`?)",
            ],
        ),
    ];
    for (name, src, expected) in cases {
        refused(name, &src, expected);
    }
}

#[test]
fn files_too_broken_to_parse_name_their_place() {
    let ok = lab(1, r#"(id: "A", size: "1MB")"#, "");
    let cases: [(&str, String, &[&str]); 7] = [
        ("empty", String::new(), &["empty.ron:1:1", "Scenario"]),
        (
            "bare",
            "Scenario()".into(),
            &["bare.ron:1:10: field `name`", "required in the scenario"],
        ),
        (
            "unterminated",
            "Scenario(name: \"x".into(),
            &["unterminated.ron:1:", "string"],
        ),
        (
            "trailing",
            format!("{ok} garbage"),
            &["field `(top level)`", "trailing characters"],
        ),
        (
            "wrongtype",
            ok.replace("count: 1", "count: \"ten\""),
            &["field `clients[0].count`", "Expected integer"],
        ),
        (
            "unbalanced",
            ok.replace("catalog: [", "catalog: [[["),
            &["unbalanced.ron:"],
        ),
        (
            "notron",
            "{\"name\": \"json is not RON\"}".into(),
            &["notron.ron:1:1"],
        ),
    ];
    for (name, src, expected) in cases {
        refused(name, &src, expected);
    }
}

#[test]
fn a_hundred_thousand_bad_entries_are_located_in_linear_time() {
    // Locating each problem used to scan every field: 100,000 bad groups took minutes.
    let groups: String = (0..100_000)
        .map(|i| format!("  (name: \"g{i}\", site: \"NOPE\", count: 1),\n"))
        .collect();
    let src = lab(1, r#"(id: "A", size: "1MB")"#, "").replace(
        " clients: [(name: \"c\", site: \"LAB\", count: 1)],",
        &format!(" clients: [\n{groups}],"),
    );
    let path = scenario("manybad", &src);
    let started = Instant::now();
    let (code, _, err) = cmsim(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert_has(
        &err,
        &[
            "manybad.ron:4:16: field `clients[0].site`",
            "no site has the code `NOPE`",
            "… and 99975 more",
        ],
    );
    assert!(started.elapsed().as_secs() < 15, "{:?}", started.elapsed());
}

#[test]
fn a_hierarchy_over_the_site_limit_is_refused_before_it_is_walked() {
    // A 60,000-site parent chain: the old checker recursed once per site (stack overflow)
    // and site ids are 16 bits; the count is refused first.
    let mut sites = String::from("(code: \"CAS\", kind: Central),\n");
    for i in 0..60_000 {
        let parent = if i == 0 {
            "CAS".into()
        } else {
            format!("P{}", i - 1)
        };
        sites.push_str(&format!(
            "(code: \"P{i}\", kind: Primary, parent: \"{parent}\"),\n"
        ));
    }
    let src = format!(
        "Scenario(name: \"chain\", end: \"1d\", sites: [{sites}], clients: [], catalog: [])"
    );
    refused(
        "chain",
        &src,
        &["field `sites`", "60001 sites is over the limit of 4096"],
    );
}

#[test]
fn check_refuses_a_sweep_that_sweep_would_refuse() {
    // `run` ignores the sweep; `check` and `sweep` judge it alike.
    let src = lab(
        1,
        r#"(id: "K", size: "1MB")"#,
        " sweep: [(param: \"settings.notify_far_intervall\", values: [\"3h\"])],\n",
    );
    let path = scenario("sweepparam", &src);
    for command in ["check", "sweep"] {
        let (code, _, err) = cmsim(&[command, path.to_str().unwrap()]);
        assert_eq!(code, 2, "{command}: {err}");
        assert_has(
            &err,
            &[
                "field `sweep[0].param`",
                "no setting is called `notify_far_intervall` (did you mean `notify_far_interval`?)",
            ],
        );
    }
}

#[test]
fn a_parameter_swept_twice_is_refused_at_its_second_axis() {
    // The second axis silently won and the table had two identical column headers.
    let src = lab(
        1,
        r#"(id: "K", size: "1MB")"#,
        " sweep: [(param: \"settings.sync_schedule_first\", values: [\"1m\", \"2h\"]),\n  \
         (param: \"settings.sync_schedule_first\", values: [\"3h\"])],\n",
    );
    let path = scenario("sweeptwice", &src);
    for command in ["check", "sweep"] {
        let (code, _, err) = cmsim(&[command, path.to_str().unwrap()]);
        assert_eq!(code, 2, "{command}: {err}");
        assert_has(
            &err,
            &[
                ":6:4: field `sweep[1].param`",
                "`settings.sync_schedule_first` is swept twice: first at sweep[0]",
                "put all its values in one axis",
                "  6 |   (param: \"settings.sync_schedule_first\"",
                "    |    ^",
            ],
        );
    }
}
