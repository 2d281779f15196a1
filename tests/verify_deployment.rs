//! `cmsim verify` on the deployment rules up to the download (R16–R21): content on the DPs,
//! the evaluation scan, downloads and their retries. For each check a hand-made trace that
//! breaks exactly it and a variant that passes (`common/traces.rs` builds them).

mod common;
use common::traces::*;
use common::verified_trace;

const DEPLOYMENT: &str = r#"catalog: [(id: "KB1", size: "25MB"), (id: "KB2", size: "1MB")],
    deployments: [(id: "D", updates: ["KB1"], target: [(group: "g")], created: "1h", deadline: "10h"),
                  (id: "D2", updates: ["KB2"], target: [(group: "g")], created: "1h", deadline: "10h")],
    settings: (scheduled_sync: false)"#;

#[test]
fn r16_r17_r18_violations_download_before_content_evaluation_or_user_and_install_before_download() {
    let t = whole(&[
        deployment(0, "S", None),
        download_start(5, 1, 1),
        install_start(9, 2, "KB1"),
    ]);
    let r = check(&t);
    assert_eq!(status(&r, "R16"), "VIOLATED", "no content on DP");
    assert_eq!(
        count(&r, "R17"),
        3,
        "no evaluation scan, optional without the user, nothing called for the download"
    );
    assert_eq!(status(&r, "R18"), "VIOLATED", "nothing in the cache");
}

#[test]
fn r16_the_package_source_and_the_dps_take_their_transfer_time() {
    let s = scenario(DEPLOYMENT);
    // 25 MB at 100 Mbit/s: 2 s into the package source; at 200 Mbit/s: 1 s to the DP.
    let at = |done: u64, on_dp: u64| {
        whole(&[
            line(
                H + 2_000,
                "deployment_created",
                r#""deployment":"D","site":"CAS","mandatory":true,"deadline":36000000,"downloaded":25000000"#,
            ),
            copy_start(H + 2_000, 25_000_000),
            copy_done(done),
            content_on_dp(on_dp),
        ])
    };
    let r = with(&at(H + 3_000, H + 3_000), &s);
    assert_eq!(
        (status(&r, "R16"), status(&r, "DISTRIBUTION")),
        ("held", "held")
    );
    // The copy ends too early for dp_copy_mbps: DISTRIBUTION; the content is not on the DP
    // when the copy ends: R16.
    let r = with(&at(H + 2_500, H + 2_500), &s);
    assert_eq!(
        (status(&r, "R16"), status(&r, "DISTRIBUTION")),
        ("held", "VIOLATED")
    );
    let r = with(&at(H + 3_000, H + 2_500), &s);
    assert_eq!(status(&r, "R16"), "VIOLATED");
}

#[test]
fn r17_the_evaluation_scan_runs_when_the_deployment_policy_arrives() {
    let at = |t: u64| {
        let mut body = published(None);
        body.push(received(0, 1, "deployment"));
        body.extend(scan(1, "evaluation", t, 0));
        whole(&body)
    };
    assert!(failing(&check(&at(0))).is_empty());
    assert_eq!(failing(&check(&at(1_000))), ["R17"]);
}

#[test]
fn r17_a_deadline_change_publishes_the_deployment_policy_again() {
    let change = |republish: bool| {
        let mut body = published(None);
        body.push(deadline_changed(5 * H, 360_000_000));
        if republish {
            body.push(deployment_policy(5 * H));
        }
        check(&whole(&body))
    };
    assert!(failing(&change(true)).is_empty());
    assert_eq!(failing(&change(false)), ["R17"]);
}

#[test]
fn r18_an_install_needs_a_download_serving_a_deployment_with_the_update() {
    let s = scenario(DEPLOYMENT);
    let install = |u: &str| whole(&[download_done(0, 1), install_start(5, 1, u)]);
    assert!(count(&with(&install("KB1"), &s), "R18") == 0);
    assert_eq!(count(&with(&install("KB2"), &s), "R18"), 1);
}

#[test]
fn r18_downloads_take_the_time_their_rates_give() {
    // 2.5 MB at 20 Mbit/s takes a second; two at once still do (the DP has 1 Gbit/s).
    let at = |done: u64| {
        check(&whole(&[
            download_start(0, 1, 2_500_000),
            download_start(0, 2, 2_500_000),
            download_done(1_000, 1),
            download_done(done, 2),
        ]))
    };
    assert_eq!(count(&at(1_000), "R18"), 0);
    assert_eq!(count(&at(500), "R18"), 1);
    assert_eq!(count(&at(2_000), "R18"), 1);
}

/// A location request of client `c` fails (a job the user did not start).
fn location_failed(t: u64, c: u64) -> String {
    line(
        t,
        "location_failed",
        &format!(r#""client":{c},"manual":false"#),
    )
}

/// Client `c` cannot connect to `dp`; `manual`: in a job the user started.
fn dp_failed(t: u64, c: u64, dp: &str, manual: bool) -> String {
    line(
        t,
        "dp_connect_failed",
        &format!(r#""client":{c},"dp":"{dp}","manual":{manual}"#),
    )
}

fn gave_up(t: u64, c: u64, reason: &str) -> String {
    line(
        t,
        "download_gave_up",
        &format!(r#""client":{c},"reason":"{reason}""#),
    )
}

/// A job's failures, made by `fail`, hourly from 0 to `last`.
fn hourly(last: u64, fail: impl Fn(u64) -> String) -> Vec<String> {
    (0..=last / H).map(|k| fail(k * H)).collect()
}

/// Client `c`'s job fails hourly from 0 to `last` and then gives up for `reason`.
fn gives_up(c: u64, last: u64, reason: &str, fail: impl Fn(u64) -> String) -> VerifyReport {
    let mut body = hourly(last, fail);
    body.push(gave_up(last, c, reason));
    check(&whole(&body))
}

#[test]
fn r19_location_services_retries_hourly_until_its_budget_is_spent() {
    let run = |give_up: u64| gives_up(1, give_up, "location", |t| location_failed(t, 1));
    assert_eq!(
        status(&run(120 * H), "R19"),
        "held",
        "5 days of hourly tries"
    );
    let r = run(96 * H);
    assert_eq!(status(&r, "R19"), "VIOLATED");
    assert!(r.render().contains("the budget is 432000000 ms"));
}

#[test]
fn r20_several_dps_at_one_moment_are_one_attempt_and_retries_come_hourly() {
    let run = |second: u64| {
        check(&whole(&[
            dp_failed(0, 2, "DP", false),
            dp_failed(0, 2, "DP2", false),
            dp_failed(second, 2, "DP", false),
            dp_failed(second, 2, "DP2", false),
            download_start(second + H, 2, 0),
        ]))
    };
    assert_eq!(status(&run(H), "R20"), "held");
    assert_eq!(
        count(&run(90 * 60_000), "R20"),
        1,
        "the retry off its interval"
    );
}

#[test]
fn r21_a_user_started_job_tries_hourly_for_four_hours() {
    let run = |give_up: u64| gives_up(3, give_up, "manual", |t| dp_failed(t, 3, "DP", true));
    assert_eq!(status(&run(4 * H), "R21"), "held");
    assert_eq!(
        status(&run(3 * H), "R21"),
        "VIOLATED",
        "gave up an hour early"
    );
    // Giving up without a failure at that moment, or not giving up when spent.
    let r = check(&whole(&[
        dp_failed(0, 3, "DP", true),
        gave_up(4 * H, 3, "manual"),
    ]));
    assert!(
        r.render()
            .contains("gave up without a failed attempt at that moment")
    );
    let spent = hourly(5 * H, |t| dp_failed(t, 3, "DP", true));
    assert!(
        check(&whole(&spent))
            .render()
            .contains("the budget is spent but the job did not give up")
    );
}

#[test]
fn r16_a_dp_down_in_overlapping_windows_gets_its_copy_when_the_last_ends() {
    // Found by the property survey (seed 4242): two outage windows of one DP overlap; the
    // package copy waits for the end of both, and verify must not expect it when the first
    // ends.
    let src = r#"Scenario(
    name: "generated",
    seed: 0,
    end: "5d 2h 53m",
    sites: [
        (code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["PR1-MP01"]),
        (code: "S01", kind: Secondary, parent: "PR1", distribution_points: ["S01-DP01"]),
    ],
    catalog: [
        (id: "KB100", size: "100MB", classification: Critical, restart: false),
    ],
    clients: [
        (name: "g1", site: "PR1", count: 1),
    ],
    deployments: [
        (id: "D1", updates: ["KB100"], target: [(group: "g1")], created: "12h 2m", distribution_points: ["S01-DP01"]),
    ],
    actions: [
        RunSync(at: "8h 2m"),
    ],
    faults: [
        DpUnavailable(server: "S01-DP01", from: "13h 31m", to: "3d 9h 30m"),
        DpUnavailable(server: "S01-DP01", from: "0", to: "1d 3h 47m"),
    ],
    settings: (),
)"#;
    let trace = verified_trace(src);
    assert!(
        trace.contains(r#""t":293404000,"kind":"content_on_dp""#),
        "the copy ends 4 s after the second window (3d 09:30): {trace}"
    );
}

/// Client 1 evaluates deployment D's policy at once (registered at the end of the scan); its
/// re-evaluation (every day from then, R17) runs evaluation scans at `scans`.
fn reevaluated(scans: &[u64], end: u64) -> VerifyReport {
    let s = scenario(r#"settings: (deployment_reevaluation_interval: "1d")"#);
    let mut body = published(None);
    body.push(received(0, 1, "deployment"));
    body.extend(scan(1, "evaluation", 0, 0));
    for &t in scans {
        body.extend(scan(1, "evaluation", t, 0));
    }
    with(&until(end, &body), &s)
}

#[test]
fn r17_deployments_are_reevaluated_at_each_tick_from_the_registration() {
    const DAY: u64 = 24 * H;
    let end = SCAN + 2 * DAY + H;
    let r = reevaluated(&[SCAN + DAY, SCAN + 2 * DAY], end);
    assert_eq!(status(&r, "R17"), "held", "{}", r.render());
    let r = reevaluated(&[SCAN + DAY], end);
    assert!(
        outcome(&r, "R17").violations[0]
            .contains("the re-evaluation due at 172958000 ms was never evaluated"),
        "{}",
        r.render()
    );
    let r = reevaluated(&[SCAN + DAY + 1_000, SCAN + 2 * DAY], end);
    assert!(
        outcome(&r, "R17").violations[0].contains("for the re-evaluation due at 86558000 ms"),
        "{}",
        r.render()
    );
}
