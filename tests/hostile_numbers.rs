//! Hostile inputs, class "numbers": counts, seeds, sizes, shares, rates and ids out of range,
//! negative, fractional, NaN or infinite, in the file and on the command line. Each is
//! refused with exit code 2 and the field or flag; no arithmetic on them overflows.

mod common;

use common::hostile::{assert_has, cmsim, lab, refused, run_lab};

const ONE: &str = r#"(id: "K", size: "1MB")"#;

fn deployment(extra: &str) -> String {
    format!(
        " deployments: [(id: \"D\", updates: [\"K\"], target: [(group: \"c\"{extra})], created: \"1d\")],\n"
    )
}

#[test]
fn counts_and_seeds_out_of_range_are_refused() {
    let cases: [(&str, String, &[&str]); 6] = [
        (
            "negcount",
            lab(1, ONE, "").replace("count: 1", "count: -1"),
            &["field `clients[0].count`", "out of bounds"],
        ),
        (
            "hugecount",
            lab(1, ONE, "").replace("count: 1", "count: 1000000000000000000000000000000"),
            &["field `clients[0].count`"],
        ),
        (
            "fraccount",
            lab(1, ONE, "").replace("count: 1", "count: 1.5"),
            &["field `clients[0].count`"],
        ),
        (
            "zerocount",
            lab(1, ONE, "").replace("count: 1", "count: 0"),
            &["field `clients[0].count`", "at least 1"],
        ),
        (
            "negseed",
            lab(1, ONE, "").replace("seed: 1", "seed: -1"),
            &["field `seed`", "out of bounds"],
        ),
        (
            "hugeseed",
            lab(1, ONE, "").replace("seed: 1", "seed: 18446744073709551616"),
            &["field `seed`", "out of bounds"],
        ),
    ];
    for (name, src, expected) in cases {
        refused(name, &src, expected);
    }
}

#[test]
fn sizes_out_of_range_are_refused() {
    for (name, size, expected) in [
        ("hugesize", "1e999GB", "unknown unit"),
        (
            "negsize",
            "-1MB",
            "expected a number followed by B, KB, MB or GB",
        ),
        ("nansize", "NaNMB", "expected a number"),
        ("zettabytes", "1 ZB", "unknown unit `ZB`"),
        ("exabytes", "2EB", "size out of range (at most 1 EB)"),
        ("overflow", "99999999999TB", "size out of range"),
    ] {
        let src = lab(1, &format!("(id: \"K\", size: \"{size}\")"), "");
        refused(name, &src, &["field `catalog[0].size`", expected]);
    }
}

#[test]
fn shares_and_rates_out_of_range_are_refused() {
    let cases: [(&str, String, &[&str]); 8] = [
        (
            "shareover",
            lab(1, ONE, &deployment(", share: 1.5")),
            &["target[0].share`", "from 0 to 1, got 1.5"],
        ),
        (
            "sharenan",
            lab(1, ONE, &deployment(", share: NaN")),
            &["target[0].share`", "got NaN"],
        ),
        (
            "shareinf",
            lab(1, ONE, &deployment(", share: inf")),
            &["target[0].share`", "got inf"],
        ),
        (
            "probtwo",
            lab(1, ONE, " settings: (sync_failure_probability: 2.0),\n"),
            &["settings.sync_failure_probability`", "got 2"],
        ),
        (
            "usershare",
            lab(1, ONE, " settings: (user_early_install_share: -7),\n"),
            &["settings.user_early_install_share`"],
        ),
        (
            "zerorate",
            lab(1, ONE, " settings: (client_download_mbps: 0),\n"),
            &["settings.client_download_mbps`", "above 0"],
        ),
        (
            "negrate",
            lab(1, ONE, " settings: (dp_bandwidth_mbps: -5),\n"),
            &["settings.dp_bandwidth_mbps`", "above 0, got -5"],
        ),
        (
            "applies",
            lab(1, ONE, "").replace(
                "count: 1)",
                "count: 1, updates: [(update: \"K\", applies: -0.5)])",
            ),
            &["clients[0].updates[0].applies`"],
        ),
    ];
    for (name, src, expected) in cases {
        refused(name, &src, expected);
    }
}

#[test]
fn a_huge_but_valid_rate_runs() {
    // 1e308 Mbps: transfers take no time; nothing overflows.
    let src = lab(
        5,
        ONE,
        &format!(
            "{} settings: (client_download_mbps: 1e308, dp_copy_mbps: 1e308),\n",
            deployment("")
        ),
    );
    let loaded = cmsim::load_str("fast.ron", &src).unwrap();
    let opts = cmsim::RunOptions {
        quiet: true,
        ..Default::default()
    };
    cmsim::run(&loaded.world, &opts).unwrap();
}

#[test]
fn trace_clients_at_the_top_of_u64_do_not_overflow() {
    for (arg, expected) in [
        ("18446744073709551615", "client ids go up to"),
        ("99999999999999999999", "is not a client id"),
        ("7..7", "A < B"),
        ("9..3", "A < B"),
        ("-1", "unexpected argument"),
    ] {
        let (code, err) = run_lab("clients", &["--trace-clients", arg]);
        assert_eq!(code, 2, "{arg}: {err}");
        assert_has(&err, &[expected]);
    }
    assert_eq!(
        cmsim::run::parse_client_range("0..18446744073709551615"),
        Ok(0..u64::MAX)
    );
    assert_eq!(
        cmsim::run::parse_client_range("18446744073709551614"),
        Ok(u64::MAX - 1..u64::MAX)
    );
}

#[test]
fn numbers_on_the_command_line_out_of_range_are_refused() {
    for (args, expected) in [
        (&["--seed", "18446744073709551616"][..], "number too large"),
        (&["--seed", "-1"][..], "unexpected argument '-1'"),
        (&["--replications", "0"][..], "0 is not in 1..=10000"),
        (
            &["--replications", "10001"][..],
            "10001 is not in 1..=10000",
        ),
        (
            &["--replications", "2", "--jobs", "0"][..],
            "0 is not in 1..=65535",
        ),
        (&["--jobs", "99999999999999999999"][..], "invalid value"),
    ] {
        let (code, err) = run_lab("numbers", args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_has(&err, &[expected]);
    }
    // The largest seed is a seed like any other.
    let (code, _, err) = cmsim(&[
        "run",
        "scenarios/lab.ron",
        "-q",
        "--seed",
        "18446744073709551615",
        "--until",
        "1d",
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_deployment_of_many_petabyte_updates_does_not_overflow() {
    // One update of 1 PB (a unit a scenario may write) is a valid scenario.
    let src = lab(
        2,
        "(id: \"K\", size: \"1 PB\")",
        " deployments: [(id: \"D\", updates: [\"K\"], target: [(group: \"c\")], created: \"1d\")],\n",
    );
    let path = common::hostile::scenario("one-petabyte", &src);
    let (code, out, err) = cmsim(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_has(&out, &["Deployment D: 1 updates (1.0 PB)"]);
    let (code, _, err) = cmsim(&["run", path.to_str().unwrap(), "-q"]);
    assert_eq!(code, 0, "{err}");

    // 19,000 updates of 1 EB (the largest size): their sum passes u64::MAX bytes.
    let catalog: Vec<String> = (0..19_000)
        .map(|i| format!("(id: \"K{i}\", size: \"1EB\")"))
        .collect();
    let ids: Vec<String> = (0..19_000).map(|i| format!("\"K{i}\"")).collect();
    let src = lab(
        2,
        &catalog.join(","),
        &format!(
            " deployments: [(id: \"D\", updates: [{}], target: [(group: \"c\")], created: \"1d\")],\n",
            ids.join(",")
        ),
    );
    let path = common::hostile::scenario("petabytes", &src);
    let (code, out, err) = cmsim(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_has(&out, &["Deployment D: 19000 updates (more than 18 EB)"]);
    let (code, _, err) = cmsim(&[
        "run",
        path.to_str().unwrap(),
        "-q",
        "--until",
        "2d",
        "--sample",
        "1d",
    ]);
    assert_eq!(code, 0, "{err}");
}
