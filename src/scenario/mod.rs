//! The scenario file format (RON): the types operators write, their defaults, and the checks
//! on single values. Cross-references (parents, server names, update ids) are resolved when
//! the world is built (`world::build`), which reports its problems the same way.

pub mod adr;
pub mod availability;
pub mod content;
pub mod error;
pub mod locate;
pub mod phases;
pub mod profile;
pub mod settings;
pub mod suggest;
pub mod units;
mod validate;
pub mod when;
pub mod windows;

pub use adr::{AdrSchedule, AdrSpec, MAX_ADR_UPDATES};
pub use availability::{Availability, Away, Weekday};
pub use content::{BoundaryGroupSpec, LinkSpec, NeighborSpec, PullDpSpec, PulseSpec};
pub use phases::{PhaseSpec, PhaseStart};
pub use profile::{Profile, Source};
use serde::Deserialize;
pub use settings::{Overrides, Param, Settings};
pub use units::{Bytes, Dur};
pub use validate::{LATEST_END, LIMITS, Problem, calendar, past_the_calendar, sizes, validate};
pub use when::When;
pub use windows::{AppliesTo, MaintenanceWindow, Recurrence};

/// A whole scenario file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A short name shown in reports.
    pub name: String,
    /// What the scenario is about.
    #[serde(default)]
    pub description: String,
    /// Seed of all random streams (overridden by `cmsim run --seed`).
    #[serde(default)]
    pub seed: u64,
    /// When the run starts on the calendar, with its offset or time zone:
    /// `"2026-12-08T17:00:00+01:00"`, `"2026-12-08T17:00[Europe/Berlin]"`, `"2026-12-08"`
    /// (UTC without either). Reports then show dates in that zone, and points in time may be
    /// written as date-times.
    #[serde(default)]
    pub start: Option<String>,
    /// When the run ends: its length (`"14d"`) or a date-time (overridden by
    /// `cmsim run --until`).
    pub end: When,
    /// The site hierarchy, in any order.
    pub sites: Vec<SiteSpec>,
    /// Client groups attached to sites.
    #[serde(default)]
    pub clients: Vec<ClientGroupSpec>,
    /// The upstream catalog (Microsoft Update).
    #[serde(default)]
    pub catalog: Vec<UpdateSpec>,
    /// Software update deployments (R16–R25).
    #[serde(default)]
    pub deployments: Vec<DeploymentSpec>,
    /// Automatic deployment rules: each deploys what a sync at its site brings in
    /// (see [`AdrSpec`]).
    #[serde(default)]
    pub automatic_deployment_rules: Vec<AdrSpec>,
    /// Operator actions on a timeline.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Injected faults.
    #[serde(default)]
    pub faults: Vec<Fault>,
    /// Boundary groups: which DPs serve which clients, and where clients fall back to
    /// (`content.rs`; none: each client uses its site's DPs).
    #[serde(default)]
    pub boundary_groups: Vec<BoundaryGroupSpec>,
    /// Which product's defaults the settings start from (default ConfigMgr 2007).
    #[serde(default)]
    pub profile: Profile,
    /// Timers and numbers of the rule table that the file sets, over the profile's.
    #[serde(default, rename = "settings")]
    pub overrides: Overrides,
    /// The values in force: the profile's defaults with the overrides ([`Scenario::resolve`]).
    #[serde(skip)]
    pub settings: Settings,
    /// Parameters `cmsim sweep` varies (ignored by `cmsim run`).
    #[serde(default)]
    pub sweep: Vec<SweepAxis>,
}

impl Scenario {
    /// Puts the profile's defaults with the file's overrides in force: after parsing, and
    /// after a sweep changed either.
    pub fn resolve(&mut self) {
        self.settings = self.overrides.over(self.profile);
    }
}

/// One parameter of a sweep and the values it takes.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepAxis {
    /// `settings.NAME` (any rule parameter), `profile`, or `deployment.ID.deadline` /
    /// `.available` / `.created`.
    pub param: String,
    /// The values, written as in the scenario (`"3d"`, `0.5`, `true` as text).
    pub values: Vec<String>,
}

/// The role of a site in the hierarchy.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
pub enum SiteKind {
    /// Central administration site: the top of a multi-site hierarchy.
    Central,
    /// Primary site: below the central site, or standalone at the top.
    Primary,
    /// Secondary site: below a primary site.
    Secondary,
}

impl SiteKind {
    /// The levels of a hierarchy, top down: what reports and figures per level follow.
    pub const LEVELS: [SiteKind; 3] = [SiteKind::Central, SiteKind::Primary, SiteKind::Secondary];

    /// Its level's place in [`SiteKind::LEVELS`].
    pub fn level(self) -> usize {
        self as usize
    }

    /// Its name in reports: `central`, `primary`, `secondary`.
    pub fn name(self) -> &'static str {
        match self {
            SiteKind::Central => "central",
            SiteKind::Primary => "primary",
            SiteKind::Secondary => "secondary",
        }
    }
}

/// One site.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSpec {
    /// Three-character site code, e.g. `"CAS"`, `"P01"`.
    pub code: String,
    /// Central, primary or secondary.
    pub kind: SiteKind,
    /// Code of the parent site; none for the top site.
    #[serde(default)]
    pub parent: Option<String>,
    /// Server name of the active software update point (with its WSUS), if any.
    #[serde(default)]
    pub sup: Option<String>,
    /// Server name of the active Internet-based software update point, if any (R05).
    #[serde(default)]
    pub internet_sup: Option<String>,
    /// More software update points at the site, beside `sup`: WSUS servers sharing the
    /// active SUP's WSUS database (they list what it has synced), each with its own
    /// capacity and outages. The site's clients are spread over all of them, and switch to
    /// the next one when their scans keep failing.
    #[serde(default)]
    pub additional_sups: Vec<String>,
    /// Management points (server names).
    #[serde(default)]
    pub management_points: Vec<String>,
    /// Distribution points (server names).
    #[serde(default)]
    pub distribution_points: Vec<String>,
    /// Pull distribution points: each copies the content from its source DP.
    #[serde(default)]
    pub pull_distribution_points: Vec<PullDpSpec>,
    /// The WAN link to the parent site (default: unlimited).
    #[serde(default)]
    pub link: Option<LinkSpec>,
    /// The site was upgraded from SMS 2003: migrated updates start expired (R07).
    #[serde(default)]
    pub upgraded_from_sms2003: bool,
}

/// A group of identical clients attached to one site.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientGroupSpec {
    /// Unique name; also names the group's random streams.
    pub name: String,
    /// Code of the site the clients are assigned to.
    pub site: String,
    /// Number of clients.
    pub count: u32,
    /// The clients' time zone (IANA name, e.g. `"America/New_York"`); default: the start's.
    /// Client-local deadlines are read in it.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Internet-based clients (scan against the site's Internet-based SUP).
    #[serde(default)]
    pub internet: bool,
    /// SMS 2003 clients, scanning with ITMU (R08).
    #[serde(default)]
    pub legacy: bool,
    /// When the machines are on (default `AlwaysOn`): `Office(...)` hours in the group's
    /// time zone, or `Intermittent(online: "4h", offline: "20h")` spells.
    #[serde(default)]
    pub availability: Availability,
    /// A share of the machines away for whole days, e.g. `(share: 0.05, days: 5)`.
    #[serde(default)]
    pub away: Option<Away>,
    /// Maintenance windows of the group's collection: deadline installs and restarts happen
    /// only inside them (see `windows.rs`).
    #[serde(default)]
    pub maintenance_windows: Vec<MaintenanceWindow>,
    /// Which updates apply and how many clients already have them. Empty: every update in
    /// the catalog applies to every client and none is installed. Otherwise each listed
    /// update follows its shares (drawn per client) and unlisted updates do not apply.
    #[serde(default)]
    pub updates: Vec<Applicability>,
}

/// How one update applies to a client group.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicability {
    /// Update id from the catalog.
    pub update: String,
    /// Share of the group's clients the update applies to, 0 to 1.
    #[serde(default = "one")]
    pub applies: f64,
    /// Share of the group's clients that already have it installed, 0 to `applies`.
    #[serde(default)]
    pub installed: f64,
}

pub(crate) fn one() -> f64 {
    1.0
}

/// Classification of an update, as in the Microsoft Update catalog.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[allow(missing_docs)]
pub enum Classification {
    Critical,
    #[default]
    Security,
    Definition,
    UpdateRollup,
    ServicePack,
    FeaturePack,
    Tool,
    Driver,
    Update,
}

/// One update in the upstream catalog.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateSpec {
    /// Unique id, e.g. `"KB5031356"`.
    pub id: String,
    /// Title shown in reports (defaults to the id).
    #[serde(default)]
    pub title: String,
    /// Size of the update files.
    #[serde(default)]
    pub size: Bytes,
    /// Catalog classification.
    #[serde(default)]
    pub classification: Classification,
    /// Ids of the updates this one supersedes (R03, R14).
    #[serde(default)]
    pub supersedes: Vec<String>,
    /// A service pack: it and a required update it contains both report (R14).
    #[serde(default)]
    pub service_pack: bool,
    /// When Microsoft releases it to the catalog (default: already there at the start).
    #[serde(default)]
    pub released: When,
    /// Expired in the catalog from its release.
    #[serde(default)]
    pub expired: bool,
    /// Expired in the catalog from this time on.
    #[serde(default)]
    pub expires_at: Option<When>,
    /// Migrated from SMS 2003 into upgraded sites' databases (R07).
    #[serde(default)]
    pub migrated: bool,
    /// Installing it needs a restart before it counts as installed (R25; default true).
    #[serde(default = "yes")]
    pub restart: bool,
    /// How long its install may take: it starts inside a maintenance window only if this
    /// much of the window is left (default: the `max_run_time` setting).
    #[serde(default)]
    pub max_run_time: Option<Dur>,
}

fn yes() -> bool {
    true
}

/// An operator action at a point in time.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Action {
    /// "Run Synchronization" in the console at the top site: a delta sync (R01, R03).
    RunSync {
        /// When the operator clicks it.
        at: When,
    },
    /// The operator gives a deployment a (new) deadline: an optional deployment becomes
    /// mandatory (R17).
    SetDeadline {
        /// When the operator changes it.
        at: When,
        /// The deployment's id.
        deployment: String,
        /// The new deadline (read as the deployment's `time_based_on` says).
        deadline: When,
    },
}

/// A software update deployment, as made with the Deploy Software Updates wizard.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentSpec {
    /// Unique id, e.g. `"SUG-2023-10-Workstations"`.
    pub id: String,
    /// Update ids from the catalog.
    pub updates: Vec<String>,
    /// Target collection: client groups, each wholly or a share of it (none for a phased
    /// deployment: its phases have theirs).
    #[serde(default)]
    pub target: Vec<TargetSpec>,
    /// A phased deployment's phases (rings), in order (see [`PhaseSpec`]); empty for a
    /// deployment to one collection at once.
    #[serde(default)]
    pub phases: Vec<PhaseSpec>,
    /// Site where the deployment is created (default: the top site).
    #[serde(default)]
    pub site: Option<String>,
    /// When the wizard runs (R16).
    pub created: When,
    /// When the updates become available to clients: the policy reaches them from then on
    /// (default: as soon as the wizard has finished).
    #[serde(default)]
    pub available: Option<When>,
    /// The deadline: a deployment with one is mandatory, without one optional (R17).
    #[serde(default)]
    pub deadline: Option<When>,
    /// How the deadline is read, as the wizard's "Time based on" says: `Utc` (the default:
    /// one instant for every client) or `ClientLocal` (the wall-clock time on each client,
    /// in its group's `time_zone`, so eastern clients reach it first).
    #[serde(default)]
    pub time_based_on: TimeBase,
    /// Deadline behaviour: once the deadline has passed, the updates may install outside
    /// the clients' maintenance windows (the wizard's "Software updates installation").
    #[serde(default)]
    pub install_outside_windows: bool,
    /// Deadline behaviour: once the deadline has passed, the machines may restart outside
    /// their maintenance windows (the wizard's "System restart (if necessary)").
    #[serde(default)]
    pub restart_outside_windows: bool,
    /// Distribution points of its package (default: every DP of the targeted clients'
    /// sites, or of the nearest site above with DPs).
    #[serde(default)]
    pub distribution_points: Option<Vec<String>>,
    /// How far clients spread their deadline installs for this deployment: each acts up to
    /// this long after the deadline (default: the `deadline_randomization` setting; an ADR
    /// deployment uses its rule's).
    #[serde(default)]
    pub deadline_randomization: Option<Dur>,
}

/// How a deployment's deadline is read (the wizard's "Time based on").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum TimeBase {
    /// One instant for every client; a date-time without offset is in the start's zone.
    #[default]
    Utc,
    /// The same wall-clock time on every client, in its group's time zone.
    ClientLocal,
}

/// Part of a target collection.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    /// A client group's name.
    pub group: String,
    /// Share of the group's clients in the collection (drawn per client, stable across plans).
    #[serde(default = "one")]
    pub share: f64,
}

/// An injected fault.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Fault {
    /// Microsoft Update cannot be reached from `from` until `to`.
    UpstreamUnavailable {
        /// Start of the outage.
        from: When,
        /// End of the outage.
        to: When,
    },
    /// The WSUS on the named software update point is down from `from` until `to`; its own
    /// syncs fail, and so do the syncs of servers that sync from it.
    WsusUnavailable {
        /// Server name of the software update point.
        server: String,
        /// Start of the outage.
        from: When,
        /// End of the outage.
        to: When,
    },
    /// A distribution point cannot be reached from `from` until `to`: content cannot be
    /// copied to it and clients cannot connect to it (R20).
    DpUnavailable {
        /// Server name of the distribution point.
        server: String,
        /// Start of the outage.
        from: When,
        /// End of the outage.
        to: When,
    },
}
