//! Content distribution with limits and boundary groups (issue 12, items 4 and 5): the
//! distribution manager's 3 packages × 5 DPs at once, limited WAN links carrying one copy at
//! a time, pull DPs after their source, fallback to a neighbour group never before its time,
//! and peers that finished the content. Every run here must also pass `cmsim verify`
//! (`DISTRIBUTION`, `BOUNDARY`).

mod common;
use common::*;
use std::collections::BTreeMap;

/// Four packages of 100 MB created at once, each for seven DPs of one site.
const LIMITS: &str = r#"Scenario(name: "limits", end: "1d",
    sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
             distribution_points: ["D1", "D2", "D3", "D4", "D5", "D6", "D7"])],
    clients: [(name: "desk", site: "PR1", count: 10)],
    catalog: [(id: "U1", size: "100MB"), (id: "U2", size: "100MB"), (id: "U3", size: "100MB"),
              (id: "U4", size: "100MB")],
    deployments: [
        (id: "A", updates: ["U1"], target: [(group: "desk")], created: "1h"),
        (id: "B", updates: ["U2"], target: [(group: "desk")], created: "1h"),
        (id: "C", updates: ["U3"], target: [(group: "desk")], created: "1h"),
        (id: "D", updates: ["U4"], target: [(group: "desk")], created: "1h"),
    ])"#;

#[test]
fn r16_three_packages_at_once_each_to_five_dps_at_once() {
    let t = verified_lines(LIMITS);
    let starts = kind(&t, "content_transfer_start");
    assert_eq!(starts.len(), 28, "every package reaches every DP");
    assert_eq!(kind(&t, "content_on_dp").len(), 28);
    // Replay: copies and packages running at once.
    let mut running: BTreeMap<String, u32> = BTreeMap::new();
    let (mut peak_copies, mut peak_packages) = (0, 0);
    for l in &t {
        let d = l["deployment"].as_str().unwrap_or("").to_string();
        match l["kind"].as_str() {
            Some("content_transfer_start") => {
                assert_eq!(l["from"], "PR1");
                *running.entry(d).or_default() += 1;
            }
            Some("content_transfer_done") => *running.get_mut(&d).unwrap() -= 1,
            _ => continue,
        }
        running.retain(|_, n| *n > 0);
        peak_packages = peak_packages.max(running.len());
        peak_copies = peak_copies.max(*running.values().max().unwrap_or(&0));
    }
    assert_eq!((peak_packages, peak_copies), (3, 5));
    // 100 MB at 200 Mbit/s: 4 s per copy; the fourth package waits for a slot.
    let first = u(starts[0], "t");
    let d_start = starts.iter().find(|l| l["deployment"] == "D").unwrap();
    assert!(u(d_start, "t") >= first + 4_000, "{d_start}");
}

/// A secondary site behind a 10 Mbit/s link of which content may use half, with a DP and a
/// pull DP that pulls from it; one at the primary.
const LINK: &str = r#"Scenario(name: "link", end: "1d",
    sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
             distribution_points: ["HQ"]),
            (code: "BR1", kind: Secondary, parent: "PR1", distribution_points: ["B1", "B2"],
             pull_distribution_points: [(name: "P1", source: "B1")],
             link: (mbps: 10, share: 0.5))],
    clients: [(name: "desk", site: "PR1", count: 10), (name: "branch", site: "BR1", count: 10)],
    catalog: [(id: "U1", size: "50MB")],
    deployments: [(id: "A", updates: ["U1"], target: [(group: "desk"), (group: "branch")],
                   created: "1h")])"#;

#[test]
fn r16_a_limited_link_carries_one_copy_at_a_time_and_a_pull_dp_follows_its_source() {
    let t = verified_lines(LINK);
    let at = |k: &str, dp: &str| {
        u(
            kind(&t, k)
                .into_iter()
                .find(|l| l["dp"] == dp)
                .unwrap_or_else(|| panic!("{k} {dp}")),
            "t",
        )
    };
    // 50 MB over 5 Mbit/s: 80 s; over the LAN at 200 Mbit/s: 2 s.
    assert_eq!(
        at("content_transfer_done", "HQ") - at("content_transfer_start", "HQ"),
        2_000
    );
    for dp in ["B1", "B2"] {
        assert_eq!(
            at("content_transfer_done", dp) - at("content_transfer_start", dp),
            80_000
        );
    }
    let (b1, b2) = (
        at("content_transfer_start", "B1"),
        at("content_transfer_start", "B2"),
    );
    assert_eq!(
        b1.max(b2) - b1.min(b2),
        80_000,
        "one copy at a time over the link"
    );
    // The pull DP copies from B1 on the branch LAN once B1 holds the package.
    let pull = kind(&t, "content_transfer_start")
        .into_iter()
        .find(|l| l["dp"] == "P1")
        .unwrap();
    assert_eq!(pull["from"], "B1");
    assert_eq!(u(pull, "t"), at("content_transfer_done", "B1"));
    assert_eq!(at("content_transfer_done", "P1") - u(pull, "t"), 2_000);
}

/// A branch group whose DP lacks the package, with HQ as its neighbour; `rest` adds settings.
fn branch(rest: &str) -> String {
    format!(
        r#"Scenario(name: "fallback", end: "2d",
    sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
             distribution_points: ["HQ"]),
            (code: "BR1", kind: Secondary, parent: "PR1", distribution_points: ["B1"])],
    boundary_groups: [(name: "Main", clients: ["desk"], distribution_points: ["HQ"]),
                      (name: "Branch", clients: ["branch"], distribution_points: ["B1"],
                       neighbors: [(group: "Main")], never_site_default: true)],
    clients: [(name: "desk", site: "PR1", count: 20), (name: "branch", site: "BR1", count: 40)],
    catalog: [(id: "U1", size: "50MB")],
    deployments: [(id: "A", updates: ["U1"], target: [(group: "desk"), (group: "branch")],
                   created: "1h", deadline: "1d", distribution_points: ["HQ"])]{rest})"#
    )
}

#[test]
fn r19_a_client_falls_back_to_its_neighbour_group_after_120_minutes_never_before() {
    let t = verified_lines(&branch(""));
    let fallbacks = kind(&t, "content_fallback");
    assert_eq!(fallbacks.len(), 40, "every branch client falls back once");
    for f in fallbacks {
        let c = u(f, "client");
        assert_eq!(
            (f["from_group"].as_str(), f["to_group"].as_str()),
            (Some("Branch"), Some("Main"))
        );
        assert_eq!(f["dp"], "HQ");
        let first = u(of_client(&t, "location_failed", c)[0], "t");
        assert!(u(f, "t") >= first + 120 * MIN, "client {c}: {f}");
        // On the client's retry timer: the first attempt at or after the fallback time.
        assert!(u(f, "t") < first + 180 * MIN, "client {c}: {f}");
        let start = of_client(&t, "download_start", c);
        assert_eq!(u(start[0], "t"), u(f, "t"));
    }
    // Headquarters clients never fall back.
    assert!(
        kind(&t, "content_fallback")
            .iter()
            .all(|f| u(f, "client") >= 20)
    );
}

#[test]
fn r18_peers_serve_only_content_they_finished_downloading() {
    let t = verified_lines(&branch(", settings: (peer_cache_share: 1.0)"));
    let peers = kind(&t, "peer_download_start");
    assert!(!peers.is_empty());
    for p in &peers {
        let (c, peer) = (u(p, "client"), u(p, "peer"));
        assert_ne!(c, peer);
        // Same boundary group: clients 0..20 are Main, 20..60 Branch.
        assert_eq!(c < 20, peer < 20, "{p}");
        let done = of_client(&t, "download_done", peer);
        assert!(done.iter().any(|d| u(d, "t") <= u(p, "t")), "{p}");
    }
    // With everyone using peers, fewer branch clients cross the WAN than without.
    assert!(kind(&t, "content_fallback").len() < 40);
}

#[test]
fn boundary_group_errors_point_at_the_field() {
    let src = branch("").replace(
        r#"distribution_points: ["B1"],"#,
        r#"distribution_points: ["B2"],"#,
    );
    let refused = |src: &str| match cmsim::load_str("bad.ron", src) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    };
    let e = refused(&src);
    assert!(e.contains("no distribution point is called `B2`"), "{e}");
    assert!(e.contains("bad.ron:"), "{e}");
    let src = branch("").replace(r#"(group: "Main")"#, r#"(group: "Mian")"#);
    let e = refused(&src);
    assert!(e.contains("did you mean `Main`"), "{e}");
}

/// [`branch`] with a second deployment, B (a 30 MB update for the branch), on DPs `dps`.
fn with_b(dps: &str) -> String {
    branch("")
        .replace(
            r#"catalog: [(id: "U1", size: "50MB")]"#,
            r#"catalog: [(id: "U1", size: "50MB"), (id: "U2", size: "30MB")]"#,
        )
        .replace(
            r#"distribution_points: ["HQ"])]"#,
            &format!(
                r#"distribution_points: ["HQ"]),
                  (id: "B", updates: ["U2"], target: [(group: "branch")], created: "1h",
                   deadline: "1d", distribution_points: {dps})]"#
            ),
        )
}

#[test]
fn wan_bytes_are_counted_on_every_site_link_they_cross() {
    // Deployment B's package goes to the branch DP across the branch link (and to HQ);
    // deployment A's is only at HQ, so branch clients fall back across the same link.
    let src = with_b(r#"["HQ", "B1"]"#);
    let t = verified_lines(&src);
    let sum = |lines: &[&serde_json::Value]| {
        (
            lines.len() as u64,
            lines.iter().map(|l| u(l, "bytes")).sum::<u64>(),
        )
    };
    let copies: Vec<_> = kind(&t, "content_transfer_start")
        .into_iter()
        .filter(|l| l["dp"] == "B1")
        .collect();
    // Clients 20..60 are the branch's; HQ is at the primary.
    let crossing: Vec<_> = kind(&t, "download_start")
        .into_iter()
        .filter(|l| u(l, "client") >= 20 && l["dp"] == "HQ")
        .collect();
    let fallbacks = kind(&t, "content_fallback");
    assert!(
        !copies.is_empty() && !crossing.is_empty() && !fallbacks.is_empty(),
        "{} {} {}",
        copies.len(),
        crossing.len(),
        fallbacks.len()
    );

    let loaded = cmsim::load_str("wan.ron", &src).unwrap();
    let opts = cmsim::RunOptions {
        quiet: true,
        ..cmsim::RunOptions::default()
    };
    let summary = serde_json::to_value(cmsim::run(&loaded.world, &opts).unwrap()).unwrap();
    let links = summary["deployment"]["wan_links"].as_array().unwrap();
    assert_eq!(
        links.len(),
        1,
        "only the branch link carried anything: {links:?}"
    );
    let l = &links[0];
    assert_eq!(l["link"], "BR1 → PR1");
    assert_eq!((u(l, "copies"), u(l, "copy_bytes")), sum(&copies));
    assert_eq!((u(l, "downloads"), u(l, "download_bytes")), sum(&crossing));
    assert_eq!(
        (u(l, "fallback_downloads"), u(l, "fallback_bytes")),
        sum(&fallbacks)
    );
    assert_eq!(u(l, "bytes"), u(l, "copy_bytes") + u(l, "download_bytes"));
}

#[test]
fn r19_deployments_whose_packages_sit_on_different_dps_both_download() {
    // B's package is only on the branch DP, A's only at HQ: a branch client's job for both
    // finds no DP holding both. It takes B from its own DP at once and A from HQ after the
    // fallback time (the old model looked for one DP with both and never downloaded).
    let src = with_b(r#"["B1"]"#);
    let t = verified_lines(&src);
    for c in 20..60 {
        let starts = of_client(&t, "download_start", c);
        let from: Vec<_> = starts
            .iter()
            .map(|l| (l["dp"].as_str().unwrap(), l["deployments"].to_string()))
            .collect();
        assert_eq!(
            from,
            [
                ("B1", r#"["B"]"#.to_string()),
                ("HQ", r#"["A"]"#.to_string())
            ],
            "client {c}"
        );
        // A's own job began when B's download was done; it falls back no earlier than the
        // fallback time after its own first failure.
        let b_done = u(of_client(&t, "download_done", c)[0], "t");
        let failed = of_client(&t, "location_failed", c);
        let first_a = failed
            .iter()
            .map(|l| u(l, "t"))
            .find(|&x| x >= b_done)
            .unwrap();
        assert!(u(starts[1], "t") >= first_a + 120 * MIN, "client {c}");
    }
    let end = kind(&t, "machine_state");
    assert!(end.iter().filter(|l| l["to"] == "compliant").count() >= 60);
}

/// A branch behind an 8 Mbit/s link (a megabyte a second) whose sender is closed to content
/// `closed`; a 3,600 MB package made at 07:30 on Monday 7 December 2026 (UTC).
fn scheduled(closed: &str) -> String {
    format!(
        r#"Scenario(name: "link schedule", start: "2026-12-07T00:00:00Z", end: "2d",
    sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
             distribution_points: ["HQ"]),
            (code: "BR1", kind: Secondary, parent: "PR1", distribution_points: ["B1"],
             link: (mbps: 8, schedule: [{closed}]))],
    clients: [(name: "branch", site: "BR1", count: 1)],
    catalog: [(id: "U1", size: "3600MB")],
    deployments: [(id: "A", updates: ["U1"], target: [(group: "branch")], created: "7h 30m")])"#
    )
}

#[test]
fn r16_a_copy_over_a_link_pauses_while_its_schedule_closes_it() {
    let hour = 3_600_000;
    let t = verified_lines(&scheduled(
        r#"(recurrence: Weekly([Mon, Tue, Wed, Thu, Fri]), start: "08:00", duration: "10h", share: 0)"#,
    ));
    let copy = |k: &str| {
        u(
            kind(&t, k).into_iter().find(|l| l["dp"] == "B1").unwrap(),
            "t",
        )
    };
    let start = copy("content_transfer_start");
    assert!((7 * hour + hour / 2..8 * hour).contains(&start), "{start}");
    // A megabyte a second until 08:00 (a thousand bytes a millisecond), nothing until 18:00,
    // then the rest.
    let sent = (8 * hour - start) * 1_000;
    let rest = (3_600_000_000 - sent).div_ceil(1_000);
    assert_eq!(copy("content_transfer_done"), 18 * hour + rest);
}

#[test]
fn r16_a_link_closed_for_good_never_delivers_and_a_bad_schedule_is_refused() {
    // Closed every day around the clock: the copy starts and never ends.
    let t = verified_lines(&scheduled(
        r#"(recurrence: Daily, start: "00:00", duration: "24h", share: 0)"#,
    ));
    let starts = kind(&t, "content_transfer_start");
    assert_eq!(starts.len(), 1);
    assert_eq!(starts[0]["dp"], "B1");
    assert!(kind(&t, "content_transfer_done").is_empty());
    assert!(kind(&t, "content_on_dp").is_empty());
    let bad = scheduled(r#"(recurrence: Daily, start: "08:00", duration: "10h", share: 1.5)"#);
    let e = match cmsim::load_str("bad.ron", &bad) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    };
    assert!(e.contains("sites[1].link.schedule[0].share"), "{e}");
    assert!(e.contains("from 0 (closed) to 1"), "{e}");
}
