//! The case policies as data: which SLA policy each time limit of a case runs under, per class (rule Q4).

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use super::class::{Class, Nature, Standing, Urgency};
use crate::calendar::CalendarSet;
use crate::sla::SlaPolicy;

/// A time limit a case may owe, each run by its own SLA clock (the case keeps them in a map keyed by this enum).
///
/// ```
/// use kefu::case::{CasePolicies, Nature, TimeLimit, Standing};
///
/// let complaint = CasePolicies::default().for_class(Nature::Complaint.into());
/// let owed = |standing| complaint.policy(TimeLimit::Department, standing).map(|p| p.name().to_owned());
/// assert_eq!(owed(Standing::Regular).as_deref(), Some("B5 first contact (regular customer)"));
/// assert_eq!(owed(Standing::Lapsed).as_deref(), Some("B5 solution plan (lapsed customer)"));
/// assert_eq!(TimeLimit::Forward.name(), "forward");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeLimit {
    /// Rule Q4: a first response to a customer who sent an inquiry. Met by a response or by the answer.
    Respond,
    /// Rule B6: what the desk's supervisor can decide is resolved on the spot. Met when the case is resolved, or
    /// when the supervisor refers it to the department it belongs to.
    Handle,
    /// Rule B5: the feedback form reaches the responsible department within 1 hour. Met when the department
    /// acknowledges it.
    Forward,
    /// Rule B5: the department makes first contact (regular customer) or answers with a solution plan (lapsed
    /// customer) within 24 hours. Met by that contact (or a resolution).
    Department,
}

impl TimeLimit {
    /// Every time limit, in the order the case ticks them.
    pub const ALL: [TimeLimit; 4] = [Self::Respond, Self::Handle, Self::Forward, Self::Department];

    /// A stable `snake_case` name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Respond => "respond",
            Self::Handle => "handle",
            Self::Forward => "forward",
            Self::Department => "department",
        }
    }
}

/// The SLA policies of one class of case: one per time limit, plus how long an answered case waits for the
/// customer's confirmation before it closes by itself.
///
/// See [`CasePolicies`] for the TOML shape and the defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassPolicy {
    /// Rule Q4: first response to an inquiry; `None`: no response limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond: Option<SlaPolicy>,
    /// Rule B6: resolved on the spot (or referred) by the desk's supervisor.
    pub handle: SlaPolicy,
    /// Rule B5: the feedback form reaches the responsible department.
    pub forward: SlaPolicy,
    /// Rule B5 (§2.2): the department's first contact with a regular customer.
    pub first_contact: SlaPolicy,
    /// Rule B5 (§2.4): the department's solution plan for a lapsed customer.
    pub solution_plan: SlaPolicy,
    /// Rules Q2, Q7: an answered case closes by itself after this much silence from the customer (wall-clock
    /// time); `None`: only the customer's confirmation closes it.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_human")]
    pub confirm_silence: Option<TimeDelta>,
}

impl ClassPolicy {
    /// The policy of `limit` for a customer of `standing`, if the class has one.
    #[must_use]
    pub fn policy(&self, limit: TimeLimit, standing: Standing) -> Option<&SlaPolicy> {
        match limit {
            TimeLimit::Respond => self.respond.as_ref(),
            TimeLimit::Handle => Some(&self.handle),
            TimeLimit::Forward => Some(&self.forward),
            TimeLimit::Department => Some(match standing {
                Standing::Regular => &self.first_contact,
                Standing::Lapsed => &self.solution_plan,
            }),
        }
    }

    fn policies(&self) -> impl Iterator<Item = &SlaPolicy> {
        self.respond.iter().chain([&self.handle, &self.forward, &self.first_contact, &self.solution_plan])
    }
}

/// Overrides for the cases of one class: a rule matches a case when every criterion it gives (`nature`,
/// `urgency`) matches; the fields it sets replace the default's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassRule {
    /// Matches cases of this nature; any nature if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nature: Option<Nature>,
    /// Matches cases of this urgency; any urgency if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    /// Replaces [`ClassPolicy::respond`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond: Option<SlaPolicy>,
    /// Replaces [`ClassPolicy::handle`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<SlaPolicy>,
    /// Replaces [`ClassPolicy::forward`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward: Option<SlaPolicy>,
    /// Replaces [`ClassPolicy::first_contact`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_contact: Option<SlaPolicy>,
    /// Replaces [`ClassPolicy::solution_plan`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solution_plan: Option<SlaPolicy>,
    /// Replaces [`ClassPolicy::confirm_silence`].
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_human")]
    pub confirm_silence: Option<TimeDelta>,
}

impl ClassRule {
    /// Whether the rule applies to `class`.
    #[must_use]
    pub fn matches(&self, class: Class) -> bool {
        self.nature.is_none_or(|n| n == class.nature) && self.urgency.is_none_or(|u| u == class.urgency)
    }

    fn policies(&self) -> impl Iterator<Item = &SlaPolicy> {
        [&self.respond, &self.handle, &self.forward, &self.first_contact, &self.solution_plan].into_iter().flatten()
    }
}

/// The case policies (rule Q4): a default [`ClassPolicy`] and [`ClassRule`]s that override it per class.
///
/// [`for_class`](Self::for_class) applies every matching rule in order (a later rule wins a field both set). The
/// defaults ([`CasePolicies::default`], shipped as `crates/kefu/policies/cases.toml`) read the rules' durations as
/// the rules do — wall-clock unless a calendar is named:
///
/// | time limit | default | rule |
/// | --- | --- | --- |
/// | `handle` | 1 h elapsed; warn at 75%; supervisor at breach, leadership 1 h later | B6 |
/// | `forward` | 1 h elapsed; warn at 75%; supervisor at breach | B5 |
/// | `first_contact` | 24 h elapsed; warn at 75%; department head at breach, leadership 4 h later | B5 §2.2 |
/// | `solution_plan` | 24 h elapsed; same ladder | B5 §2.4 |
/// | `respond` | 2 business hours on `service-desk`; warn at 75%; supervisor at breach | Q4 |
/// | `confirm_silence` | 72 h | Q2 |
///
/// Complaints: `handle` 24 h (accept, investigate and handle: rule Q7) and `confirm_silence` 168 h. Urgent cases:
/// `respond` 30 business minutes, `handle` 30 minutes. Low urgency: `respond` 8 business hours.
///
/// Why B6's hour is elapsed time by default: B6 says a problem the supervisor can decide is "never left to the next
/// day". One business hour from Friday 17:30 falls due on Monday 09:30 — left over the weekend, which is what B6
/// forbids — while one elapsed hour falls due Friday 18:30. A desk that prefers business time writes
/// `calendar = "service-desk"` into `handle`.
///
/// ```
/// use kefu::case::{CasePolicies, Class, Nature, Urgency};
/// use kefu::sla::Target;
///
/// let policies = CasePolicies::from_toml_str(r#"
///     [default]
///     handle = { name = "B6 handle on the spot", within = "1h" }
///     forward = { name = "B5 feedback to the department", within = "1h" }
///     first_contact = { name = "B5 first contact", within = "24h" }
///     solution_plan = { name = "B5 solution plan", within = "24h" }
///
///     [[class]]
///     urgency = "urgent"
///     handle = { name = "B6 urgent", within = "30m" }
/// "#)?;
/// let urgent = policies.for_class(Class::new(Nature::AfterSales, Urgency::Urgent));
/// assert_eq!(urgent.handle.target(), &Target::Elapsed(chrono::TimeDelta::minutes(30)));
/// let normal = policies.for_class(Nature::AfterSales.into());
/// assert_eq!(normal.handle.target(), &Target::Elapsed(chrono::TimeDelta::hours(1)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CasePolicies {
    /// The policies of a case no rule overrides.
    pub default: ClassPolicy,
    /// Overrides per class, applied in order.
    #[serde(default, rename = "class", skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<ClassRule>,
}

fn elapsed(name: &str, minutes: i64) -> SlaPolicy {
    SlaPolicy::elapsed(name, TimeDelta::minutes(minutes))
}

fn warned(policy: SlaPolicy) -> SlaPolicy {
    policy.with_warning(0.75).unwrap_or_else(|e| unreachable!("0.75 is a valid warning: {e}"))
}

/// The name of the calendar the default `respond` policies count business time on.
pub const SERVICE_DESK: &str = "service-desk";

impl Default for CasePolicies {
    /// The defaults described on [`CasePolicies`]; the same as `crates/kefu/policies/cases.toml`.
    fn default() -> Self {
        let department = |name: &str| {
            warned(elapsed(name, 24 * 60))
                .with_builtin_rung("department_head", TimeDelta::zero())
                .with_builtin_rung("leadership", TimeDelta::hours(4))
        };
        let respond = |name: &str, minutes: i64| {
            warned(SlaPolicy::business(name, TimeDelta::minutes(minutes), SERVICE_DESK))
                .with_builtin_rung("supervisor", TimeDelta::zero())
        };
        let handle = |name: &str, minutes: i64| {
            warned(elapsed(name, minutes))
                .with_builtin_rung("supervisor", TimeDelta::zero())
                .with_builtin_rung("leadership", TimeDelta::hours(1))
        };
        Self {
            default: ClassPolicy {
                respond: Some(respond("Q4 first response", 120)),
                handle: handle("B6 handle on the spot", 60),
                forward: warned(elapsed("B5 feedback to the department", 60))
                    .with_builtin_rung("supervisor", TimeDelta::zero()),
                first_contact: department("B5 first contact (regular customer)"),
                solution_plan: department("B5 solution plan (lapsed customer)"),
                confirm_silence: Some(TimeDelta::hours(72)),
            },
            classes: vec![
                ClassRule {
                    nature: Some(Nature::Complaint),
                    handle: Some(handle("Q7 complaint investigated and handled", 24 * 60)),
                    confirm_silence: Some(TimeDelta::hours(168)),
                    ..ClassRule::default()
                },
                ClassRule {
                    urgency: Some(Urgency::Urgent),
                    respond: Some(respond("Q4 first response (urgent)", 30)),
                    handle: Some(handle("B6 handle on the spot (urgent)", 30)),
                    ..ClassRule::default()
                },
                ClassRule {
                    urgency: Some(Urgency::Low),
                    respond: Some(respond("Q4 first response (low urgency)", 8 * 60)),
                    ..ClassRule::default()
                },
            ],
        }
    }
}

impl CasePolicies {
    /// The policies of a case of `class`: the default with every matching rule applied in order (rule Q4).
    ///
    /// Cost: one pass over the rules and a clone of the policies.
    #[must_use]
    pub fn for_class(&self, class: Class) -> ClassPolicy {
        let mut out = self.default.clone();
        for rule in self.classes.iter().filter(|r| r.matches(class)) {
            let set = |slot: &mut SlaPolicy, with: &Option<SlaPolicy>| {
                if let Some(p) = with {
                    slot.clone_from(p);
                }
            };
            if rule.respond.is_some() {
                out.respond.clone_from(&rule.respond);
            }
            set(&mut out.handle, &rule.handle);
            set(&mut out.forward, &rule.forward);
            set(&mut out.first_contact, &rule.first_contact);
            set(&mut out.solution_plan, &rule.solution_plan);
            if rule.confirm_silence.is_some() {
                out.confirm_silence = rule.confirm_silence;
            }
        }
        out
    }

    /// Every SLA policy mentioned, default first, then the rules' in order.
    pub fn policies(&self) -> impl Iterator<Item = &SlaPolicy> {
        self.default.policies().chain(self.classes.iter().flat_map(ClassRule::policies))
    }

    /// Reads policies from TOML text (see the type's documentation for the shape).
    ///
    /// # Errors
    ///
    /// [`LoadError`] with line, column and key path of the value at fault.
    #[cfg(feature = "toml")]
    pub fn from_toml_str(text: &str) -> Result<Self, LoadError> {
        crate::load::from_toml(text)
    }

    /// Reads policies from JSON text (the same shape as TOML).
    ///
    /// # Errors
    ///
    /// [`LoadError`] with line, column and key path of the value at fault.
    #[cfg(feature = "json")]
    pub fn from_json_str(text: &str) -> Result<Self, LoadError> {
        crate::load::from_json(text)
    }
}

/// Case policies text that cannot be loaded: malformed TOML/JSON, with line, column and key path (e.g.
/// `class[1].handle.within`).
pub type LoadError = crate::LoadError<PoliciesError>;

/// Case policies that cannot be used with a configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PoliciesError {
    /// A policy counts business time on a calendar the configuration does not have. How to fix: add the calendar
    /// to the [`CalendarSet`] under that name, or change the policy's `calendar`.
    #[error("policy `{policy}` counts on calendar `{calendar}`, which the calendar set does not have")]
    UnknownCalendar {
        /// The policy's name.
        policy: String,
        /// The calendar it names.
        calendar: String,
    },
}

/// The case machine's configuration: the calendars business-time policies count on, and the [`CasePolicies`].
///
/// ```
/// use kefu::calendar::{Calendar, CalendarSet};
/// use kefu::case::{CaseConfig, CasePolicies, PoliciesError};
///
/// // The default `respond` policies count business time on the `service-desk` calendar.
/// let err = CaseConfig::new(CalendarSet::new(), CasePolicies::default()).unwrap_err();
/// assert!(matches!(err, PoliciesError::UnknownCalendar { .. }));
///
/// let desk: CalendarSet = [("service-desk", Calendar::always_open(chrono_tz::Asia::Shanghai))].into_iter().collect();
/// let config = CaseConfig::new(desk, CasePolicies::default())?;
/// assert_eq!(config.calendars.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct CaseConfig {
    /// The calendars, by name.
    pub calendars: CalendarSet,
    /// The policies.
    pub policies: CasePolicies,
}

impl CaseConfig {
    /// A configuration, checked: every calendar a policy names is in `calendars`.
    ///
    /// # Errors
    ///
    /// [`PoliciesError::UnknownCalendar`] for the first policy whose calendar is missing.
    pub fn new(calendars: CalendarSet, policies: CasePolicies) -> Result<Self, PoliciesError> {
        for policy in policies.policies() {
            if let Some(calendar) = policy.target().calendar() {
                if calendars.get(calendar).is_err() {
                    return Err(PoliciesError::UnknownCalendar {
                        policy: policy.name().to_owned(),
                        calendar: calendar.to_owned(),
                    });
                }
            }
        }
        Ok(Self { calendars, policies })
    }
}

/// `Option<TimeDelta>` as human text (`"72h"`), absent for `None`.
pub(super) mod opt_human {
    use chrono::TimeDelta;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    struct Human(#[serde(with = "crate::duration::human")] TimeDelta);

    pub(in crate::case) fn serialize<S: Serializer>(d: &Option<TimeDelta>, serializer: S) -> Result<S::Ok, S::Error> {
        d.map(Human).serialize(serializer)
    }

    pub(in crate::case) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<TimeDelta>, D::Error> {
        Ok(Option::<Human>::deserialize(deserializer)?.map(|h| h.0))
    }
}
