//! Mutation test of `cmsim verify`: change one timing parameter in the model only (the
//! world's copy of the settings), run, and verify the trace against the unchanged scenario.
//! Every timer and number of the rule table must show as a violation of its rule; the
//! unchanged run holds that rule. Small scenarios, so that the whole test stays well under a
//! minute in a debug build.

use cmsim::rules::verify_str;
use std::collections::BTreeSet;

/// Syncs: a schedule, two Run Synchronizations, a child site, an Internet-based SUP, an
/// upstream outage at the first scheduled sync (R01–R06).
const SYNC: &str = r#"Scenario(name: "mutation-sync", seed: 5, end: "8d",
    sites: [
        (code: "CAS", kind: Central, sup: "CAS-SUP"),
        (code: "P01", kind: Primary, parent: "CAS", sup: "P01-SUP", internet_sup: "P01-IB",
         management_points: ["P01-MP"]),
        (code: "S11", kind: Secondary, parent: "P01", sup: "S11-SUP"),
    ],
    clients: [(name: "c", site: "P01", count: 10)],
    catalog: [(id: "U1"), (id: "U2"), (id: "U3", released: "1d"), (id: "U4", released: "2d")],
    actions: [RunSync(at: "1d 2h"), RunSync(at: "2d 2h")],
    faults: [UpstreamUnavailable(from: "0", to: "30m")],
    settings: (sync_schedule_first: "10m"))"#;

/// Three scan policies reach 200 clients, whose scans find changes each time (R09–R13).
const COMPLIANCE: &str = r#"Scenario(name: "mutation-compliance", seed: 9, end: "3d",
    sites: [(code: "LAB", kind: Primary, sup: "LAB-SUP", management_points: ["LAB-MP"])],
    clients: [(name: "desk", site: "LAB", count: 200)],
    catalog: [(id: "U1"), (id: "U2", released: "1d"), (id: "U3", released: "2d")],
    actions: [RunSync(at: "1d 1h"), RunSync(at: "2d 1h")])"#;

/// SMS 2003 clients and their ITMU catalog (R08).
const ITMU: &str = r#"Scenario(name: "mutation-itmu", seed: 3, end: "15d",
    sites: [(code: "HQ1", kind: Primary, sup: "HQ-SUP", management_points: ["HQ-MP"])],
    clients: [(name: "old", site: "HQ1", count: 20, legacy: true)],
    catalog: [(id: "U1"), (id: "U2", released: "3d")],
    settings: (itmu_first_refresh: "1h"))"#;

/// A mandatory deployment due three days after it is made: content, downloads sharing a
/// narrow DP bandwidth, users, notifications, installs and restarts (R16, R18, R22, R24,
/// R25).
const DEPLOY: &str = r#"Scenario(name: "mutation-deploy", seed: 11, end: "5d",
    sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["PR1-MP"],
             distribution_points: ["PR1-DP1", "PR1-DP2"])],
    clients: [(name: "desk", site: "PR1", count: 200)],
    catalog: [(id: "U1", size: "200MB"), (id: "U2", size: "20MB", restart: false)],
    deployments: [(id: "D", updates: ["U1", "U2"], target: [(group: "desk")],
                   created: "2h", deadline: "3d 2h")],
    settings: (user_early_install_share: 0.5, user_act_window: "1d", dp_bandwidth_mbps: 100))"#;

/// Machines with a 17:00–19:00 window every day and a deadline at 18:30, when 30 minutes of
/// the window are left: the 60-minute maximum run time sends the installs to the next day's
/// window (R25, WINDOWS).
const WINDOWED: &str = r#"Scenario(name: "mutation-windows", seed: 23, end: "5d",
    start: "2026-12-07T00:00:00Z",
    sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["PR1-MP"],
             distribution_points: ["PR1-DP1"])],
    clients: [(name: "srv", site: "PR1", count: 50, maintenance_windows: [
        (name: "evening", recurrence: Daily, start: "17:00", duration: "2h")])],
    catalog: [(id: "U1", size: "20MB")],
    deployments: [(id: "D", updates: ["U1"], target: [(group: "srv")],
                   created: "2h", deadline: "2d 18h 30m")],
    settings: (max_run_time: "60m", user_early_install_share: 0))"#;

/// The site's WSUS is down for three hours as a deployment arrives: evaluation scans fail
/// and are retried (SCANS, issue 12).
const WSUS_DOWN: &str = r#"Scenario(name: "mutation-wsus-down", seed: 29, end: "2d",
    sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["PR1-MP"],
             distribution_points: ["PR1-DP1"])],
    clients: [(name: "desk", site: "PR1", count: 50)],
    catalog: [(id: "U1", size: "20MB")],
    deployments: [(id: "D", updates: ["U1"], target: [(group: "desk")],
                   created: "1d", deadline: "1d 2h")],
    faults: [WsusUnavailable(server: "PR1-SUP", from: "1d", to: "1d 3h")])"#;

/// Deadline randomization of 2 hours: each client installs at its own activation (R25).
const RANDOMIZED: &str = r#"Scenario(name: "mutation-randomized", seed: 37, end: "3d",
    sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["PR1-MP"],
             distribution_points: ["PR1-DP1"])],
    clients: [(name: "desk", site: "PR1", count: 100)],
    catalog: [(id: "U1", size: "20MB", restart: false)],
    deployments: [(id: "D", updates: ["U1"], target: [(group: "desk")],
                   created: "2h", deadline: "1d 2h")],
    settings: (deadline_randomization: "2h", user_early_install_share: 0))"#;

/// Current branch: every client installs at the deadline, and its restart countdown runs
/// (90 minutes, a final warning 15 minutes before the forced restart) (R25).
const SUP_STORM: &str = r#"Scenario(name: "mutation-sup-storm", seed: 31, end: "2d",
    sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", additional_sups: ["PR1-SUP2"],
             management_points: ["PR1-MP"], distribution_points: ["PR1-DP1"])],
    clients: [(name: "desk", site: "PR1", count: 200)],
    catalog: [(id: "U1", size: "20MB")],
    deployments: [(id: "D", updates: ["U1"], target: [(group: "desk")],
                   created: "1d", deadline: "1d 4h")],
    faults: [WsusUnavailable(server: "PR1-SUP", from: "1d", to: "1d 6h")],
    settings: (wsus_max_scans: 20))"#;

/// The reporting path: a secondary site's MP writing to its primary's database, the
/// primary replicating to the central site, slow servers so that queues build.
const REPORTING: &str = r#"Scenario(name: "mutation-reporting", seed: 23, end: "2d",
    sites: [(code: "CAS", kind: Central, sup: "CAS-SUP"),
            (code: "P01", kind: Primary, parent: "CAS", sup: "P01-SUP", management_points: ["P01-MP"]),
            (code: "S01", kind: Secondary, parent: "P01", management_points: ["S01-MP"])],
    clients: [(name: "hq", site: "P01", count: 150), (name: "branch", site: "S01", count: 150)],
    catalog: [(id: "U1"), (id: "U2"), (id: "U3", released: "1d")],
    actions: [RunSync(at: "1d 1h")],
    settings: (mp_state_rate: 2, db_state_rate: 1))"#;

const COUNTDOWN: &str = r#"Scenario(name: "mutation-countdown", seed: 19, end: "3d",
    profile: CurrentBranch,
    sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["PR1-MP"],
             distribution_points: ["PR1-DP1"])],
    clients: [(name: "desk", site: "PR1", count: 100)],
    catalog: [(id: "U1", size: "20MB")],
    deployments: [(id: "D", updates: ["U1"], target: [(group: "desk")],
                   created: "2h", deadline: "1d 2h")],
    settings: (user_early_install_share: 0.0))"#;

/// The only DP is down while its content should be copied: Location Services finds no DP
/// with the content for two days, longer than the (shortened) budget (R19).
const LOCATE: &str = r#"Scenario(name: "mutation-locate", seed: 13, end: "3d",
    sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["PR1-MP"],
             distribution_points: ["PR1-DP1"])],
    clients: [(name: "desk", site: "PR1", count: 30)],
    catalog: [(id: "U1", size: "50MB")],
    deployments: [(id: "D", updates: ["U1"], target: [(group: "desk")],
                   created: "1h", deadline: "10d")],
    faults: [DpUnavailable(server: "PR1-DP1", from: "0", to: "2d")],
    settings: (user_early_install_share: 0.0, location_retry_budget: "1d"))"#;

/// The DP goes down after its content arrived: a mandatory deployment's clients cannot
/// connect (R20, budget shortened to a day) and users who start an optional one retry on
/// the manual timers (R21); both run out of budget.
const CONNECT: &str = r#"Scenario(name: "mutation-connect", seed: 17, end: "3d",
    sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["PR1-MP"],
             distribution_points: ["PR1-DP1"])],
    clients: [(name: "fleet", site: "PR1", count: 30), (name: "lab", site: "PR1", count: 30)],
    catalog: [(id: "U1", size: "50MB"), (id: "U2", size: "50MB")],
    deployments: [
        (id: "M", updates: ["U1"], target: [(group: "fleet")], created: "1h", deadline: "10d"),
        (id: "O", updates: ["U2"], target: [(group: "lab")], created: "1h"),
    ],
    faults: [DpUnavailable(server: "PR1-DP1", from: "1h 10m", to: "2d 12h")],
    settings: (user_early_install_share: 0.0, user_optional_share: 1.0, user_act_window: "2h",
               dp_connect_retry_budget: "1d"))"#;

/// Clients' scan schedules and re-evaluations of an optional deployment, both every day
/// (R10, R17).
const PERIODIC: &str = r#"Scenario(name: "mutation-periodic", seed: 23, end: "4d",
    sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["PR1-MP"],
             distribution_points: ["PR1-DP1"])],
    clients: [(name: "desk", site: "PR1", count: 50)],
    catalog: [(id: "U1", size: "20MB")],
    deployments: [(id: "D", updates: ["U1"], target: [(group: "desk")], created: "2h")],
    settings: (scan_schedule_interval: "1d", deployment_reevaluation_interval: "1d"))"#;

/// Four packages for seven DPs at once, and a branch group whose DP lacks the content with a
/// neighbour that has it (issue 12, items 4 and 5).
const CONTENT: &str = r#"Scenario(name: "mutation-content", seed: 3, end: "1d",
    sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"],
             distribution_points: ["D1", "D2", "D3", "D4", "D5", "D6", "D7"]),
            (code: "BR1", kind: Secondary, parent: "PR1", distribution_points: ["B1"])],
    boundary_groups: [(name: "Main", clients: ["hq"], distribution_points: ["D1", "D2"]),
                      (name: "Branch", clients: ["br"], distribution_points: ["B1"],
                       neighbors: [(group: "Main")])],
    clients: [(name: "hq", site: "PR1", count: 10), (name: "br", site: "BR1", count: 10)],
    catalog: [(id: "U1", size: "50MB"), (id: "U2", size: "50MB"), (id: "U3", size: "50MB"),
              (id: "U4", size: "50MB")],
    deployments: [
        (id: "A", updates: ["U1"], target: [(group: "hq"), (group: "br")], created: "1h",
         deadline: "3h", distribution_points: ["D1", "D2", "D3", "D4", "D5", "D6", "D7"]),
        (id: "B", updates: ["U2"], target: [(group: "hq")], created: "1h"),
        (id: "C", updates: ["U3"], target: [(group: "hq")], created: "1h"),
        (id: "D", updates: ["U4"], target: [(group: "hq")], created: "1h"),
    ])"#;

/// One mutation: parameter `param` set to `value` in the model; rule `rule` must catch it.
struct Mutation {
    scenario: &'static str,
    param: &'static str,
    value: &'static str,
    rule: &'static str,
}

const fn m(
    scenario: &'static str,
    param: &'static str,
    value: &'static str,
    rule: &'static str,
) -> Mutation {
    Mutation {
        scenario,
        param,
        value,
        rule,
    }
}

/// Each parameter changed up and down where both change the trace (a budget that is never
/// reached, or a DP bandwidth never shared, leaves the trace as it was).
const MUTATIONS: &[Mutation] = &[
    m(SYNC, "scheduled_sync", "false", "R01"),
    m(SYNC, "sync_schedule_first", "5m", "R01"),
    m(SYNC, "sync_schedule_first", "20m", "R01"),
    m(SYNC, "sync_schedule_interval", "6d", "R01"),
    m(SYNC, "sync_schedule_interval", "8d", "R01"),
    m(SYNC, "wsus_sync_full_base", "25m", "R02"),
    m(SYNC, "wsus_sync_delta_base", "4m", "R02"),
    m(SYNC, "wsus_sync_per_update", "3s", "R02"),
    m(SYNC, "site_db_sync_base", "3m", "R02"),
    m(SYNC, "site_db_sync_per_update", "1s", "R02"),
    m(SYNC, "sync_request_delay", "30s", "R04"),
    m(SYNC, "sync_request_delay", "2m", "R04"),
    m(SYNC, "sync_retry_interval", "30m", "R06"),
    m(SYNC, "sync_retry_interval", "90m", "R06"),
    m(SYNC, "sync_failure_timeout", "1m", "R06"),
    m(SYNC, "sync_failure_timeout", "5m", "R06"),
    m(SYNC, "sync_failure_probability", "0.5", "R06"),
    m(ITMU, "itmu_catalog_interval", "6d", "R08"),
    m(ITMU, "itmu_catalog_interval", "8d", "R08"),
    m(ITMU, "itmu_first_refresh", "2h", "R08"),
    m(COMPLIANCE, "machine_policy_interval", "30m", "R09"),
    m(COMPLIANCE, "machine_policy_interval", "90m", "R09"),
    m(COMPLIANCE, "scan_window", "1h", "R10"),
    m(COMPLIANCE, "scan_window", "4h", "R10"),
    m(PERIODIC, "scan_schedule_interval", "20h", "R10"),
    m(PERIODIC, "scan_schedule_interval", "30h", "R10"),
    m(PERIODIC, "scan_schedule_interval", "0", "R10"),
    m(COMPLIANCE, "scan_clear_history", "2s", "R11"),
    m(COMPLIANCE, "scan_locate_wsus", "10s", "R11"),
    m(COMPLIANCE, "scan_update_policy", "1s", "R11"),
    m(COMPLIANCE, "scan_wua_download", "1m", "R11"),
    m(COMPLIANCE, "scan_wua_evaluate", "1m", "R11"),
    m(COMPLIANCE, "state_message_interval", "2m30s", "R13"),
    m(COMPLIANCE, "state_message_interval", "10m", "R13"),
    m(REPORTING, "mp_forward_delay", "30s", "REPORTING"),
    m(REPORTING, "mp_forward_delay", "2m", "REPORTING"),
    m(REPORTING, "mp_state_rate", "4", "REPORTING"),
    m(REPORTING, "mp_state_rate", "1", "REPORTING"),
    m(REPORTING, "db_state_rate", "2", "REPORTING"),
    m(REPORTING, "db_state_rate", "0", "REPORTING"),
    m(REPORTING, "replication_lag", "2m", "REPORTING"),
    m(REPORTING, "replication_lag", "10m", "REPORTING"),
    m(DEPLOY, "source_download_mbps", "50", "R16"),
    m(DEPLOY, "source_download_mbps", "200", "R16"),
    m(DEPLOY, "dp_copy_mbps", "100", "DISTRIBUTION"),
    m(DEPLOY, "dp_copy_mbps", "400", "DISTRIBUTION"),
    // Only more at once breaks a limit: fewer is slower, not wrong.
    m(CONTENT, "max_packages", "4", "DISTRIBUTION"),
    m(CONTENT, "max_threads_per_package", "7", "DISTRIBUTION"),
    // Only an earlier fallback breaks its rule: a later one waits longer than it must.
    m(CONTENT, "fallback_time", "1h", "BOUNDARY"),
    m(PERIODIC, "deployment_reevaluation_interval", "20h", "R17"),
    m(PERIODIC, "deployment_reevaluation_interval", "30h", "R17"),
    m(PERIODIC, "deployment_reevaluation_interval", "0", "R17"),
    m(DEPLOY, "client_download_mbps", "10", "R18"),
    m(DEPLOY, "client_download_mbps", "40", "R18"),
    m(DEPLOY, "dp_bandwidth_mbps", "40", "R18"),
    m(DEPLOY, "dp_bandwidth_mbps", "4000", "R18"),
    m(LOCATE, "location_retry_interval", "30m", "R19"),
    m(LOCATE, "location_retry_interval", "2h", "R19"),
    m(LOCATE, "location_retry_budget", "12h", "R19"),
    m(LOCATE, "location_retry_budget", "2d", "R19"),
    m(CONNECT, "dp_connect_retry_interval", "30m", "R20"),
    m(CONNECT, "dp_connect_retry_interval", "2h", "R20"),
    m(CONNECT, "dp_connect_retry_budget", "12h", "R20"),
    m(CONNECT, "dp_connect_retry_budget", "2d", "R20"),
    m(CONNECT, "manual_retry_interval", "30m", "R21"),
    m(CONNECT, "manual_retry_interval", "2h", "R21"),
    m(CONNECT, "manual_retry_budget", "2h", "R21"),
    m(CONNECT, "manual_retry_budget", "8h", "R21"),
    m(DEPLOY, "notify_far_interval", "2h", "R22"),
    m(DEPLOY, "notify_far_interval", "4h", "R22"),
    m(DEPLOY, "notify_near_interval", "30m", "R22"),
    m(DEPLOY, "notify_near_interval", "2h", "R22"),
    m(DEPLOY, "notify_imminent_interval", "10m", "R22"),
    m(DEPLOY, "notify_imminent_interval", "20m", "R22"),
    m(DEPLOY, "notify_near_threshold", "12h", "R22"),
    m(DEPLOY, "notify_near_threshold", "36h", "R22"),
    m(DEPLOY, "notify_imminent_threshold", "30m", "R22"),
    m(DEPLOY, "notify_imminent_threshold", "2h", "R22"),
    m(DEPLOY, "user_act_window", "12h", "R24"),
    m(DEPLOY, "user_act_window", "2d", "R24"),
    m(WINDOWED, "max_run_time", "20m", "WINDOWS"),
    m(WINDOWED, "max_run_time", "3h", "R25"),
    m(WSUS_DOWN, "scan_retry_interval", "20m", "SCANS"),
    m(WSUS_DOWN, "scan_retries", "2", "SCANS"),
    m(SUP_STORM, "scan_wua_download_full", "10m", "R11"),
    m(SUP_STORM, "sup_switch_delay", "5m", "SCANS"),
    m(SUP_STORM, "wsus_max_scans", "10", "SCANS"),
    m(SUP_STORM, "wsus_max_scans", "40", "SCANS"),
    m(COUNTDOWN, "scan_metadata_ttl", "1h", "SCANS"),
    m(DEPLOY, "install_duration", "4m", "R25"),
    m(DEPLOY, "install_duration", "10m", "R25"),
    m(DEPLOY, "restart_window", "4h", "R25"),
    m(DEPLOY, "restart_window", "16h", "R25"),
    m(RANDOMIZED, "deadline_randomization", "3h", "R25"),
    m(RANDOMIZED, "deadline_randomization", "0", "R25"),
    m(COUNTDOWN, "restart_countdown", "1h", "R25"),
    m(COUNTDOWN, "restart_countdown", "2h", "R25"),
    m(COUNTDOWN, "restart_final_warning", "10m", "R25"),
    m(COUNTDOWN, "restart_final_warning", "30m", "R25"),
];

/// Parameters left out, and why: not timers or numbers a trace can show.
const NOT_MUTATED: &[(&str, &str)] = &[
    (
        "hide_deployments",
        "a switch, not a number (R23 is checked when it is on)",
    ),
    (
        "user_early_install_share",
        "a share of users, drawn per client: a rate, not a time",
    ),
    ("user_express_share", "a share of users: a rate, not a time"),
    (
        "peer_cache_share",
        "a share of clients, drawn per client: which clients use peers is not in the trace (BOUNDARY checks every peer download)",
    ),
    (
        "user_optional_share",
        "a share of users: a rate, not a time",
    ),
    (
        "mp_max_clients",
        "a capacity the summary reports policy requests against: the model does not act on it",
    ),
];

fn load(src: &str) -> cmsim::Loaded {
    cmsim::load_str("mutation.ron", src).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_parameter_is_mutated_or_says_why_not() {
    let mutated: BTreeSet<&str> = MUTATIONS.iter().map(|m| m.param).collect();
    for p in cmsim::scenario::Settings::default().params() {
        assert!(
            mutated.contains(p.name) || NOT_MUTATED.iter().any(|n| n.0 == p.name),
            "{} ({}) is neither mutated nor excused",
            p.name,
            p.rule
        );
    }
    for m in MUTATIONS {
        let rule = cmsim::scenario::Settings::default()
            .params()
            .into_iter()
            .find(|p| p.name == m.param)
            .map(|p| p.rule);
        assert!(rule.is_some(), "{} is no parameter", m.param);
    }
}

#[test]
fn a_timing_parameter_changed_in_the_model_only_is_caught_by_its_rule() {
    let mut missed = Vec::new();
    // The unchanged runs hold every rule their mutations are judged by.
    let mut baselines: Vec<(&str, BTreeSet<&str>)> = Vec::new();
    for m in MUTATIONS {
        match baselines.iter_mut().find(|b| b.0 == m.scenario) {
            Some(b) => {
                b.1.insert(m.rule);
            }
            None => baselines.push((m.scenario, BTreeSet::from([m.rule]))),
        }
    }
    for (src, rules) in &baselines {
        let loaded = load(src);
        let trace = cmsim::trace_to_string(&loaded.world);
        let report = verify_str(&trace, Some(&loaded.scenario)).unwrap();
        for rule in rules {
            let o = report.outcomes.iter().find(|o| o.id == *rule).unwrap();
            if o.status() != "held" {
                missed.push(format!(
                    "{}: unchanged, {rule} is {}: {:?}",
                    loaded.scenario.name,
                    o.status(),
                    o.violations.iter().take(3).collect::<Vec<_>>()
                ));
            }
        }
    }
    for m in MUTATIONS {
        let mut loaded = load(m.scenario);
        loaded.world.settings.set(m.param, m.value).unwrap();
        let trace = cmsim::trace_to_string(&loaded.world);
        let report = verify_str(&trace, Some(&loaded.scenario)).unwrap();
        let o = report.outcomes.iter().find(|o| o.id == m.rule).unwrap();
        if o.violations.is_empty() {
            missed.push(format!(
                "{} = {} in the model ({}): {} is {}",
                m.param,
                m.value,
                loaded.scenario.name,
                m.rule,
                o.status()
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

/// Three rings: the second begins a day after the first reaches 90 % in the database, the
/// third six hours after the second began (PHASES, issue 12).
const PHASED: &str = r#"Scenario(name: "mutation-phases", seed: 31, end: "5d",
    sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["PR1-MP"],
             distribution_points: ["PR1-DP1"])],
    clients: [(name: "a", site: "PR1", count: 30), (name: "b", site: "PR1", count: 60),
              (name: "c", site: "PR1", count: 60)],
    catalog: [(id: "U1", size: "20MB")],
    deployments: [(id: "D", updates: ["U1"], created: "1d", phases: [
        (target: [(group: "a")], deadline_after: "2h"),
        (target: [(group: "b")], begins: Success(percent: 90, deferral: "1d"),
         deadline_after: "2h"),
        (target: [(group: "c")], begins: Delay("6h"))])])"#;

#[test]
fn a_phase_start_changed_in_the_model_only_is_caught_by_phases() {
    use cmsim::engine::SimDuration;
    use cmsim::world::Begins;
    let changes: [(usize, Begins); 5] = [
        (
            1,
            Begins::Success {
                percent: 90.0,
                deferral: SimDuration::from_hours(20),
            },
        ),
        (
            1,
            Begins::Success {
                percent: 50.0,
                deferral: SimDuration::from_days(1),
            },
        ),
        (1, Begins::Delay(SimDuration::from_days(1))),
        (2, Begins::Delay(SimDuration::from_hours(5))),
        (2, Begins::Delay(SimDuration::from_days(10))),
    ];
    let loaded = load(PHASED);
    let trace = cmsim::trace_to_string(&loaded.world);
    let report = verify_str(&trace, Some(&loaded.scenario)).unwrap();
    let o = report.outcomes.iter().find(|o| o.id == "PHASES").unwrap();
    assert_eq!(o.status(), "held", "{}", report.render());
    assert_eq!(o.checked, 3);
    for (k, begins) in changes {
        let mut loaded = load(PHASED);
        loaded.world.deployments[k]
            .phase
            .as_mut()
            .expect("a phase")
            .begins = begins;
        let trace = cmsim::trace_to_string(&loaded.world);
        let report = verify_str(&trace, Some(&loaded.scenario)).unwrap();
        let o = report.outcomes.iter().find(|o| o.id == "PHASES").unwrap();
        assert!(
            !o.violations.is_empty(),
            "phase {k} begins {begins:?}: PHASES {}",
            o.status()
        );
    }
}

/// A rule taking security updates after a daily sync: September's at the start, October's on
/// day 1 (ADR, issue 12).
const RULED: &str = r#"Scenario(name: "mutation-adr", seed: 3, end: "3d",
    sites: [(code: "PR1", kind: Primary, sup: "PR1-SUP", management_points: ["MP"],
             distribution_points: ["DP1"])],
    clients: [(name: "desktops", site: "PR1", count: 30)],
    catalog: [(id: "KB1", size: "30MB"), (id: "KB2", size: "30MB", released: "1d"),
              (id: "KB3", size: "5MB", released: "1d", classification: Definition)],
    automatic_deployment_rules: [(name: "R", classifications: [Security],
        target: [(group: "desktops")], available_after: "1h", deadline_after: "6h")],
    settings: (sync_schedule_first: "1h", sync_schedule_interval: "1d"))"#;

#[test]
fn a_rule_changed_in_the_model_only_is_caught_by_adr() {
    use cmsim::engine::SimDuration;
    let outcome = |loaded: &cmsim::Loaded| {
        let trace = cmsim::trace_to_string(&loaded.world);
        let report = verify_str(&trace, Some(&loaded.scenario)).unwrap();
        report.outcomes.into_iter().find(|o| o.id == "ADR").unwrap()
    };
    let o = outcome(&load(RULED));
    assert_eq!((o.status(), o.checked), ("held", 3));
    type Change = fn(&mut cmsim::world::Adr);
    let changes: [(&str, Change); 4] = [
        ("deadline_after", |r| {
            r.deadline_after = Some(SimDuration::from_hours(5))
        }),
        ("available_after", |r| {
            r.available_after = SimDuration::from_hours(2)
        }),
        ("criteria", |r| r.candidates.retain(|u| u.0 != 1)),
        ("runs", |r| r.runs = 1),
    ];
    for (what, change) in changes {
        let mut loaded = load(RULED);
        change(&mut loaded.world.adrs[0]);
        let o = outcome(&loaded);
        assert!(!o.violations.is_empty(), "{what}: ADR {}", o.status());
    }
}
