//! The department's configuration as one value: calendars, people and their roles, the departments cases go to,
//! every machine's policy, the scripts and the campaigns. [`DeskConfig::compile`] checks it whole and builds what
//! each machine needs, so that no configuration fails later than its load.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::approval::ApprovalChain;
use crate::assign::{Availability, Specialist, Team};
use crate::calendar::CalendarSet;
use crate::callback::{CallbackConfig, CallbackPolicy, CallbackPolicyError, Occasion};
use crate::case::{CaseConfig, CasePolicies};
use crate::lifecycle::{LifecycleConfig, LifecycleKind, LifecyclePolicy, LifecyclePolicyError};
use crate::machine::{Principal, Role};
use crate::script::{Node, ValidScript};
use crate::sla::SlaPolicy;

/// The role of a service specialist (rule O6): people holding it take customers (C3) and callbacks (B2).
pub const SPECIALIST: &str = "specialist";
/// The role of the service supervisor (rules C2, B6): the first rung of most escalation ladders.
pub const SUPERVISOR: &str = "service_supervisor";

/// Someone the desk knows: a specialist, the supervisor, a department's staff, leadership (rule O6).
///
/// A person holding the [`SPECIALIST`] role takes customers and callbacks, balanced by `weight` (their ability,
/// rule C3), filtered by `skills` (O1) and by their `calendar` (availability).
///
/// ```
/// use kefu::desk::Person;
///
/// let li = Person::new("li.wei", "李伟").with_role("specialist").with_weight(2).with_skill("chemicals");
/// assert!(li.is_specialist());
/// assert_eq!(li.principal().id(), "li.wei");
/// assert!(li.principal().has_role("specialist"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// A stable id (the principal id in commands and events).
    pub id: String,
    /// The person's name, for people to read.
    #[serde(default)]
    pub name: String,
    /// The roles held: `specialist`, `service_supervisor`, `department_head`, `marketing_director`, …
    #[serde(default)]
    pub roles: Vec<Role>,
    /// A specialist's ability weight (rule C3), at least 1.
    #[serde(default = "one")]
    pub weight: u32,
    /// A specialist's skills (rule O1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    /// The calendar (a name in [`DeskConfig::calendars`]) saying when the person works; `None`: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// How many callbacks a specialist can make in a working day (for simulations and staffing); `None`: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_capacity: Option<u32>,
}

fn one() -> u32 {
    1
}

impl Person {
    /// A person with no role, weight 1, no skills, always working.
    #[must_use]
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            roles: Vec::new(),
            weight: 1,
            skills: Vec::new(),
            calendar: None,
            daily_capacity: None,
        }
    }

    /// The same person, also holding `role`.
    #[must_use]
    pub fn with_role(mut self, role: impl Into<Role>) -> Self {
        self.roles.push(role.into());
        self
    }

    /// The same person, with ability weight `weight` (rule C3).
    #[must_use]
    pub fn with_weight(mut self, weight: u32) -> Self {
        self.weight = weight;
        self
    }

    /// The same person, with one more skill (rule O1).
    #[must_use]
    pub fn with_skill(mut self, skill: impl Into<String>) -> Self {
        self.skills.push(skill.into());
        self
    }

    /// The same person, working per `calendar`.
    #[must_use]
    pub fn with_calendar(mut self, calendar: impl Into<String>) -> Self {
        self.calendar = Some(calendar.into());
        self
    }

    /// The same person, able to make `callbacks` callbacks a working day.
    #[must_use]
    pub fn with_daily_capacity(mut self, callbacks: u32) -> Self {
        self.daily_capacity = Some(callbacks);
        self
    }

    /// Whether the person takes customers and callbacks.
    #[must_use]
    pub fn is_specialist(&self) -> bool {
        self.roles.iter().any(|r| r.as_str() == SPECIALIST)
    }

    /// The principal that acts as this person in commands.
    #[must_use]
    pub fn principal(&self) -> Principal {
        self.roles.iter().fold(Principal::new(self.id.clone()), |p, r| p.with_role(r.clone()))
    }

    fn specialist(&self) -> Specialist {
        let s = Specialist::new(self.id.as_str()).with_weight(self.weight);
        let s = self.skills.iter().fold(s, |s, skill| s.with_skill(skill.clone()));
        match &self.calendar {
            Some(calendar) => s.with_calendar(calendar.clone()),
            None => s,
        }
    }
}

/// A department problems are forwarded to (rule B5): sales, logistics, quality, finance, …
///
/// ```
/// use kefu::desk::Department;
///
/// let logistics = Department::new("logistics", "物流部").with_head("zhou.ming");
/// assert_eq!(logistics.head.as_deref(), Some("zhou.ming"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// The id cases and scripts name (`logistics`).
    pub id: String,
    /// The department's name, for people to read.
    #[serde(default)]
    pub name: String,
    /// The person who heads it: the second rung of the B6 ladder for its cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    /// The calendar it works on, if it matters to a report or a simulation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
}

impl Department {
    /// A department without a head or calendar.
    #[must_use]
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self { id: id.into(), name: name.into(), head: None, calendar: None }
    }

    /// The same department, headed by person `head`.
    #[must_use]
    pub fn with_head(mut self, head: impl Into<String>) -> Self {
        self.head = Some(head.into());
        self
    }
}

/// The scripts callbacks are walked with (rules S1, S2), and which one each kind of callback uses.
///
/// ```
/// use kefu::desk::ScriptBook;
///
/// let book = ScriptBook::domain()?;
/// assert_eq!(book.regular, "s1-regular-callback");
/// assert_eq!(book.quiet, "s2-quiet-customer");
/// assert!(book.get("s2-quiet-customer").is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct ScriptBook {
    /// The scripts by id.
    pub scripts: BTreeMap<String, ValidScript>,
    /// The script of after-sale, regular and special-occasion callbacks (S1).
    pub regular: String,
    /// The script of follow-up callbacks to quiet and lapsed customers (S2).
    pub quiet: String,
}

impl ScriptBook {
    /// The domain's two scripts: S1 for regular callbacks, S2 for quiet customers.
    ///
    /// # Errors
    ///
    /// Never for the shipped scripts; the type is that of loading any script.
    pub fn domain() -> Result<Self, crate::script::LoadError> {
        let s1 = ValidScript::from_toml_str(crate::script::S1_TOML)?;
        let s2 = ValidScript::from_toml_str(crate::script::S2_TOML)?;
        let (regular, quiet) = (s1.id().to_owned(), s2.id().to_owned());
        let scripts = [(regular.clone(), s1), (quiet.clone(), s2)].into_iter().collect();
        Ok(Self { scripts, regular, quiet })
    }

    /// The script of that id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&ValidScript> {
        self.scripts.get(id)
    }
}

/// Which customers a campaign reaches (rules B8, O2): every condition given must hold.
///
/// ```
/// use kefu::desk::Selector;
/// use kefu::lifecycle::LifecycleKind;
///
/// let selector = Selector { kinds: vec![LifecycleKind::Active], regions: vec!["east".into()], ..Selector::default() };
/// assert!(selector.selects(LifecycleKind::Active, None, Some("east")));
/// assert!(!selector.selects(LifecycleKind::Quiet, None, Some("east")));
/// assert!(!selector.selects(LifecycleKind::Active, None, None));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Selector {
    /// The customer's standing; empty: active, quiet and lapsed customers (never prospects or closed ones).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<LifecycleKind>,
    /// The customer's segment (from the ERP's customer details); empty: any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<String>,
    /// The customer's region; empty: any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
}

impl Selector {
    /// Whether a customer in state `kind`, of `segment` and `region`, is selected.
    #[must_use]
    pub fn selects(&self, kind: LifecycleKind, segment: Option<&str>, region: Option<&str>) -> bool {
        let kind_ok = if self.kinds.is_empty() {
            matches!(kind, LifecycleKind::Active | LifecycleKind::Quiet | LifecycleKind::Lapsed)
        } else {
            self.kinds.contains(&kind)
        };
        let among = |wanted: &[String], have: Option<&str>| {
            wanted.is_empty() || have.is_some_and(|h| wanted.iter().any(|w| w == h))
        };
        kind_ok && among(&self.segments, segment) && among(&self.regions, region)
    }
}

/// A campaign of special-occasion callbacks (rule B8): at `starts`, every customer the selector picks gets a
/// callback due within `within` (the callback policy's `occasion_within` when `None`).
///
/// It is stored in the campaign's events, so it must read back what it wrote: serde's `deny_unknown_fields` cannot
/// be combined with the flattened occasion (every flattened key would count as unknown), and `kefu.toml` is read
/// through its own strict shape anyway.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::callback::Occasion;
/// use kefu::desk::{Campaign, Selector};
///
/// let campaign = Campaign {
///     id: "spring".into(),
///     occasion: Occasion::Holiday { name: "春节".into() },
///     starts: Utc.with_ymd_and_hms(2027, 2, 1, 1, 0, 0).unwrap(),
///     within: None,
///     select: Selector::default(),
/// };
/// let json = serde_json::to_string(&campaign)?;
/// assert_eq!(serde_json::from_str::<Campaign>(&json)?, campaign);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// A stable id (part of every callback's instance id and idempotency key).
    pub id: String,
    /// The occasion: a holiday, the anniversary, a promotion.
    #[serde(flatten)]
    pub occasion: Occasion,
    /// When the callbacks fall due.
    pub starts: DateTime<Utc>,
    /// How long the callbacks' window is; `None`: the callback policy's `occasion_within`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_human")]
    pub within: Option<TimeDelta>,
    /// Who is called.
    #[serde(default)]
    pub select: Selector,
}

/// One thing wrong in a configuration: where (a key path such as `people[2].calendar`) and what.
///
/// ```
/// use kefu::desk::ConfigIssue;
///
/// let issue = ConfigIssue::new("people[2].calendar", "names calendar `leave`, which is not configured");
/// assert_eq!(issue.to_string(), "people[2].calendar: names calendar `leave`, which is not configured");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigIssue {
    /// The key path of the value at fault.
    pub path: String,
    /// What is wrong, and how to fix it.
    pub message: String,
}

impl ConfigIssue {
    /// An issue at `path`.
    #[must_use]
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into() }
    }
}

/// Every issue of a configuration, found at once.
///
/// ```
/// use kefu::desk::{ConfigIssue, ConfigIssues};
///
/// let issues = ConfigIssues(vec![ConfigIssue::new("a", "bad"), ConfigIssue::new("b", "worse")]);
/// assert_eq!(issues.to_string(), "2 problems in the configuration:\n  a: bad\n  b: worse");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ConfigIssues(pub Vec<ConfigIssue>);

impl core::fmt::Display for ConfigIssues {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "a problem in the configuration: {one}"),
            all => {
                write!(f, "{} problems in the configuration:", all.len())?;
                all.iter().try_for_each(|issue| write!(f, "\n  {issue}"))
            }
        }
    }
}

/// A department's whole configuration, as data: what `kefu.toml` describes.
///
/// Build one in code (below) or load one from `kefu.toml` with [`load_toml`](super::load_toml) (or JSON with
/// [`load_json`](super::load_json)), which reports every problem with its file, line and key path;
/// [`DeskConfig::compile`] checks it whole — every calendar, person, role and department a policy names must exist —
/// and returns every issue at once.
///
/// ```
/// use kefu::calendar::{Calendar, CalendarSet};
/// use kefu::desk::{Department, DeskConfig, Person};
///
/// let mut config = DeskConfig::new("鸿枫化工", chrono_tz::Asia::Shanghai)?;
/// let office = Calendar::always_open(chrono_tz::Asia::Shanghai);
/// config.calendars = ["office", "service-desk"].into_iter().map(|n| (n, office.clone())).collect();
/// // Everyone an approval chain or an escalation ladder addresses must be someone.
/// for (id, roles) in [
///     ("zhang.wei", &["service_supervisor", "supervisor"][..]),
///     ("zhou.ming", &["department_head"]),
///     ("sun.li", &["marketing_director", "leadership"]),
///     ("qian.hua", &["finance_supervisor"]),
///     ("zhao.gang", &["general_manager", "leadership"]),
///     ("li.na", &["specialist"]),
/// ] {
///     config.people.push(roles.iter().fold(Person::new(id, id), |p, r| p.with_role(*r)));
/// }
/// config.departments.push(Department::new("logistics", "物流部").with_head("zhou.ming"));
/// let compiled = config.compile()?;
/// assert_eq!(compiled.specialists().count(), 1);
///
/// // A specialist on a calendar nobody configured: refused at once, with where.
/// let mut broken = compiled.config().clone();
/// broken.people.push(Person::new("wang.fang", "王芳").with_role("specialist").with_calendar("leave"));
/// let issues = broken.compile().unwrap_err();
/// assert_eq!(issues.0.len(), 1);
/// assert_eq!(issues.0[0].path, "people[6].calendar");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct DeskConfig {
    /// The company's name (the `{company}` of the scripts).
    pub company: String,
    /// The time zone in which days, months and quarters of reports begin.
    pub time_zone: Tz,
    /// Every calendar by name: opening hours, people's working time, customers' contact hours.
    pub calendars: CalendarSet,
    /// Everyone the desk knows, with their roles.
    pub people: Vec<Person>,
    /// The departments problems go to (rule B5).
    pub departments: Vec<Department>,
    /// The lifecycle's thresholds (rules C4, C5, F1–F3).
    pub lifecycle: LifecyclePolicy,
    /// The callbacks' windows and record clocks (rules B3, B4, B8, B9).
    pub callback: CallbackPolicy,
    /// The cases' time limits per class (rules B5, B6, Q4).
    pub cases: CasePolicies,
    /// The chain that approves trading with an incomplete file (rule C6).
    pub c6: ApprovalChain,
    /// The chain that approves a credit-limit or payment-term change (rule C7).
    pub c7: ApprovalChain,
    /// The scripts (rules S1, S2).
    pub scripts: ScriptBook,
    /// Special-occasion campaigns (rule B8).
    pub campaigns: Vec<Campaign>,
    /// How a specialist's calendar decides whether they can be given work (rules C3, O1).
    pub availability: Availability,
    /// The reports' configuration: rule B7's special feedback agreements.
    pub reports: crate::report::ReportConfig,
    /// Who may call the HTTP service (`kefu serve`), by token hash (`[[tokens]]`).
    pub tokens: Vec<super::ServiceToken>,
}

impl DeskConfig {
    /// A configuration with the domain's policies, chains and scripts, and no calendar, person or department yet.
    ///
    /// # Errors
    ///
    /// Never for the shipped scripts; the type is that of loading a script.
    pub fn new(company: impl Into<String>, time_zone: Tz) -> Result<Self, crate::script::LoadError> {
        Ok(Self {
            company: company.into(),
            time_zone,
            calendars: CalendarSet::new(),
            people: Vec::new(),
            departments: Vec::new(),
            lifecycle: LifecyclePolicy::default(),
            callback: CallbackPolicy::default(),
            cases: CasePolicies::default(),
            c6: ApprovalChain::c6_incomplete_file(),
            c7: ApprovalChain::c7_credit_change(),
            scripts: ScriptBook::domain()?,
            campaigns: Vec::new(),
            availability: Availability::default(),
            reports: crate::report::ReportConfig::default(),
            tokens: Vec::new(),
        })
    }

    /// Checks the whole configuration and builds each machine's own configuration.
    ///
    /// Checked: every policy is valid; every calendar a policy (its clocks, the months calendar, the quiet hours),
    /// person or department names exists; ids are unique and non-empty (a person listed twice is refused); department
    /// heads are people; every role a chain or an escalation ladder addresses is held by someone; the script book's
    /// two scripts exist and every department a script's problem node forwards to is configured; campaigns' selectors
    /// name no empty or repeated segment or region; at least one specialist. Each issue's path is the key path of the
    /// configuration file (`people[2].calendar`, `policies.cases.class[1].respond.calendar`,
    /// `scripts.<id>.nodes[4].department`).
    ///
    /// # Errors
    ///
    /// Every [`ConfigIssue`] found, each with the key path of the value at fault.
    pub fn compile(&self) -> Result<Compiled, ConfigIssues> {
        let mut issues = Vec::new();
        let mut push = |path: String, message: String| issues.push(ConfigIssue { path, message });
        let calendar_known = |name: &str| self.calendars.get(name).is_ok();

        // People: unique ids, known calendars, positive weights.
        let mut seen = BTreeSet::new();
        for (i, person) in self.people.iter().enumerate() {
            if person.id.trim().is_empty() {
                push(format!("people[{i}].id"), "is empty; give every person a stable id".into());
            } else if !seen.insert(person.id.as_str()) {
                push(format!("people[{i}].id"), format!("`{}` is given to two people", person.id));
            }
            if let Some(calendar) = &person.calendar {
                if !calendar_known(calendar) {
                    push(format!("people[{i}].calendar"), unknown_calendar(calendar, &self.calendars));
                }
            }
            if person.is_specialist() && person.weight == 0 {
                push(format!("people[{i}].weight"), "is 0; ability weights are at least 1".into());
            }
        }
        if !self.people.iter().any(Person::is_specialist) {
            push("people".into(), format!("nobody holds the `{SPECIALIST}` role; callbacks could not be assigned"));
        }

        // Reports: rule B7's agreements are whole.
        for (path, message) in self.reports.issues() {
            push(path, message);
        }

        // Departments: unique ids, heads who exist, known calendars.
        let mut departments = BTreeSet::new();
        for (i, dept) in self.departments.iter().enumerate() {
            if dept.id.trim().is_empty() {
                push(format!("departments[{i}].id"), "is empty".into());
            } else if !departments.insert(dept.id.as_str()) {
                push(format!("departments[{i}].id"), format!("`{}` is listed twice", dept.id));
            }
            if let Some(head) = &dept.head {
                if !seen.contains(head.as_str()) {
                    push(format!("departments[{i}].head"), format!("`{head}` is not among the people"));
                }
            }
            if let Some(calendar) = &dept.calendar {
                if !calendar_known(calendar) {
                    push(format!("departments[{i}].calendar"), unknown_calendar(calendar, &self.calendars));
                }
            }
        }

        // Roles addressed by chains and ladders must be held by someone.
        let held: BTreeSet<&str> = self.people.iter().flat_map(|p| p.roles.iter().map(Role::as_str)).collect();
        let mut role_held = |path: String, role: &str| {
            if !held.contains(role) && role != Role::SYSTEM {
                issues.push(ConfigIssue::new(path, format!("addresses role `{role}`, which nobody holds")));
            }
        };
        for (name, chain) in [("c6", &self.c6), ("c7", &self.c7)] {
            for (s, step) in chain.steps.iter().enumerate() {
                for (r, role) in step.any_of.iter().enumerate() {
                    role_held(format!("approvals.{name}.steps[{s}].any_of[{r}]"), role.as_str());
                }
            }
        }
        for (path, policy) in self.sla_policies() {
            for (e, rung) in policy.escalation().iter().enumerate() {
                role_held(format!("{path}.escalate[{e}].to"), rung.to.as_str());
            }
        }

        // Scripts: the book's choices exist (rules S1, S2), and every department a problem node forwards to (rule B5)
        // is configured.
        for (field, id) in [("regular", &self.scripts.regular), ("quiet", &self.scripts.quiet)] {
            if self.scripts.get(id).is_none() {
                let known: Vec<&str> = self.scripts.scripts.keys().map(String::as_str).collect();
                issues.push(ConfigIssue::new(
                    format!("scripts.{field}"),
                    format!("names script `{id}`, which is not configured (known: {})", known.join(", ")),
                ));
            }
        }
        for (id, script) in &self.scripts.scripts {
            for (n, node) in script.script().nodes.iter().enumerate() {
                if let Node::Problem { department: Some(dept), .. } = node {
                    if !departments.contains(dept.as_str()) {
                        issues.push(ConfigIssue::new(
                            format!("scripts.{id}.nodes[{n}].department"),
                            format!(
                                "problem node `{}` forwards to department `{dept}`, which is not configured (rule B5)",
                                node.id()
                            ),
                        ));
                    }
                }
            }
        }
        // Campaigns: unique ids, positive windows, selectors that can select someone.
        let mut campaigns = BTreeSet::new();
        for (i, c) in self.campaigns.iter().enumerate() {
            if c.id.trim().is_empty() || !campaigns.insert(c.id.as_str()) {
                issues.push(ConfigIssue::new(format!("campaigns[{i}].id"), format!("`{}` is empty or repeated", c.id)));
            }
            if c.within.is_some_and(|w| w <= TimeDelta::zero()) {
                issues.push(ConfigIssue::new(format!("campaigns[{i}].within"), "must be more than zero"));
            }
            for (field, values) in [("segments", &c.select.segments), ("regions", &c.select.regions)] {
                for (j, value) in values.iter().enumerate() {
                    if value.trim().is_empty() {
                        issues.push(ConfigIssue::new(
                            format!("campaigns[{i}].select.{field}[{j}]"),
                            "is empty: it would match no customer; delete it or name one",
                        ));
                    } else if values[..j].contains(value) {
                        issues.push(ConfigIssue::new(
                            format!("campaigns[{i}].select.{field}[{j}]"),
                            format!("`{value}` is listed twice"),
                        ));
                    }
                }
            }
        }

        // Each machine's own checks.
        if let Err(e) = self.lifecycle.validate() {
            issues.push(ConfigIssue::new(lifecycle_path(&e), e.to_string()));
        }
        if let Some(calendar) = &self.callback.quiet_hours {
            if !calendar_known(calendar) {
                issues.push(ConfigIssue::new(
                    "policies.callback.quiet_hours",
                    unknown_calendar(calendar, &self.calendars),
                ));
            }
        }
        for (path, policy) in self.sla_policies() {
            if let Some(calendar) = policy.target().calendar() {
                if !calendar_known(calendar) {
                    issues.push(ConfigIssue::new(
                        format!("{path}.calendar"),
                        unknown_calendar(calendar, &self.calendars),
                    ));
                }
            }
        }
        if !calendar_known(&self.lifecycle.months_calendar) {
            issues.push(ConfigIssue::new(
                "policies.lifecycle.months_calendar",
                unknown_calendar(&self.lifecycle.months_calendar, &self.calendars),
            ));
        }
        // The machines' own constructors check again; what they find that is not reported above (with its exact
        // path) is reported under the policy's path.
        let reported = |issues: &[ConfigIssue], prefix: &str| issues.iter().any(|x| x.path.starts_with(prefix));
        let callback = match CallbackConfig::new(self.calendars.clone(), self.callback.clone()) {
            Ok(callback) => Some(callback),
            Err(e) => {
                let path = match &e {
                    CallbackPolicyError::NotPositive { field } | CallbackPolicyError::UnknownCalendar { field, .. } => {
                        format!("policies.callback.{field}")
                    }
                    _ => "policies.callback".to_owned(),
                };
                if !reported(&issues, &path) {
                    issues.push(ConfigIssue::new(path, e.to_string()));
                }
                None
            }
        };
        let cases = match CaseConfig::new(self.calendars.clone(), self.cases.clone()) {
            Ok(cases) => Some(cases),
            Err(e) => {
                if !reported(&issues, "policies.cases") {
                    issues.push(ConfigIssue::new("policies.cases", e.to_string()));
                }
                None
            }
        };
        let mut team = Team::new(self.calendars.clone()).with_availability(self.availability);
        for (i, person) in self.people.iter().enumerate().filter(|(_, p)| p.is_specialist()) {
            if let Err(e) = team.add(person.specialist()) {
                // Calendars and weights are reported above; anything else the roster refuses is reported here.
                if !issues.iter().any(|x| x.path.starts_with(&format!("people[{i}]"))) {
                    issues.push(ConfigIssue::new(format!("people[{i}]"), e.to_string()));
                }
            }
        }
        match (callback, cases, issues.is_empty()) {
            (Some(callback), Some(cases), true) => Ok(Compiled {
                lifecycle: LifecycleConfig::new(self.calendars.clone(), self.lifecycle.clone()),
                callback,
                cases,
                team,
                principals: self.people.iter().map(|p| (p.id.clone(), p.principal())).collect(),
                config: self.clone(),
            }),
            _ => Err(ConfigIssues(issues)),
        }
    }

    /// Every SLA policy of the configuration, with its key path.
    fn sla_policies<'a>(&'a self) -> Vec<(String, &'a SlaPolicy)> {
        let mut all = vec![
            ("policies.lifecycle.file_within".to_owned(), &self.lifecycle.file_within),
            ("policies.lifecycle.briefing_within".to_owned(), &self.lifecycle.briefing_within),
            ("policies.callback.record_regular".to_owned(), &self.callback.record_regular),
            ("policies.callback.record_lapsed".to_owned(), &self.callback.record_lapsed),
        ];
        // The key paths of the configuration file: `policies.cases.default.handle`, `policies.cases.class[1].respond`.
        let class_policies = |prefix: String, slots: [(&'static str, Option<&'a SlaPolicy>); 5]| {
            slots.into_iter().filter_map(move |(field, p)| p.map(|p| (format!("{prefix}.{field}"), p)))
        };
        let default = &self.cases.default;
        all.extend(class_policies(
            "policies.cases.default".to_owned(),
            [
                ("respond", default.respond.as_ref()),
                ("handle", Some(&default.handle)),
                ("forward", Some(&default.forward)),
                ("first_contact", Some(&default.first_contact)),
                ("solution_plan", Some(&default.solution_plan)),
            ],
        ));
        for (i, rule) in self.cases.classes.iter().enumerate() {
            all.extend(class_policies(
                format!("policies.cases.class[{i}]"),
                [
                    ("respond", rule.respond.as_ref()),
                    ("handle", rule.handle.as_ref()),
                    ("forward", rule.forward.as_ref()),
                    ("first_contact", rule.first_contact.as_ref()),
                    ("solution_plan", rule.solution_plan.as_ref()),
                ],
            ));
        }
        for (name, chain) in [("c6", &self.c6), ("c7", &self.c7)] {
            for (s, step) in chain.steps.iter().enumerate() {
                if let Some(sla) = &step.sla {
                    all.push((format!("approvals.{name}.steps[{s}].sla"), sla));
                }
            }
        }
        all
    }
}

/// The key path of the lifecycle policy's field at fault.
fn lifecycle_path(e: &LifecyclePolicyError) -> String {
    match e {
        LifecyclePolicyError::NotPositive { field }
        | LifecyclePolicyError::Zero { field }
        | LifecyclePolicyError::Sla { field, .. } => format!("policies.lifecycle.{field}"),
        LifecyclePolicyError::Document { index, .. } => format!("policies.lifecycle.documents[{index}]"),
    }
}

fn unknown_calendar(name: &str, calendars: &CalendarSet) -> String {
    let known: Vec<&str> = calendars.iter().map(|(name, _)| name).collect();
    format!("names calendar `{name}`, which is not configured (known: {})", known.join(", "))
}

/// A checked configuration and what each machine is configured with. Made by [`DeskConfig::compile`].
#[derive(Clone, Debug)]
pub struct Compiled {
    config: DeskConfig,
    lifecycle: LifecycleConfig,
    callback: CallbackConfig,
    cases: CaseConfig,
    team: Team,
    principals: BTreeMap<String, Principal>,
}

impl Compiled {
    /// The configuration as given.
    #[must_use]
    pub fn config(&self) -> &DeskConfig {
        &self.config
    }

    /// The lifecycle machine's configuration.
    #[must_use]
    pub fn lifecycle(&self) -> &LifecycleConfig {
        &self.lifecycle
    }

    /// The callback machine's configuration.
    #[must_use]
    pub fn callback(&self) -> &CallbackConfig {
        &self.callback
    }

    /// The case machine's configuration.
    #[must_use]
    pub fn cases(&self) -> &CaseConfig {
        &self.cases
    }

    /// The calendars (the approval machine's configuration).
    #[must_use]
    pub fn calendars(&self) -> &CalendarSet {
        &self.config.calendars
    }

    /// The specialists as an assignment roster holding nothing (rules C3, B2, O1).
    #[must_use]
    pub fn team(&self) -> &Team {
        &self.team
    }

    /// The specialists, in configuration order.
    pub fn specialists(&self) -> impl Iterator<Item = &Person> {
        self.config.people.iter().filter(|p| p.is_specialist())
    }

    /// The principal acting as person `id`, with the roles the configuration gives them.
    #[must_use]
    pub fn principal(&self, id: &str) -> Option<&Principal> {
        self.principals.get(id)
    }

    /// The people holding `role`, in configuration order.
    pub fn holders<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a Person> + 'a {
        self.config.people.iter().filter(move |p| p.roles.iter().any(|r| r.as_str() == role))
    }

    /// The department of that id.
    #[must_use]
    pub fn department(&self, id: &str) -> Option<&Department> {
        self.config.departments.iter().find(|d| d.id == id)
    }
}

/// Serde for an optional human-readable duration (`"1d"`, `"PT4H"`); the configuration file reads it too.
pub(super) mod opt_human {
    use chrono::TimeDelta;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    struct Human(#[serde(with = "crate::duration::human")] TimeDelta);

    pub(in crate::desk) fn serialize<S: Serializer>(d: &Option<TimeDelta>, serializer: S) -> Result<S::Ok, S::Error> {
        d.map(Human).serialize(serializer)
    }

    pub(in crate::desk) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<TimeDelta>, D::Error> {
        Ok(Option::<Human>::deserialize(deserializer)?.map(|h| h.0))
    }
}
