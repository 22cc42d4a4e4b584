//! SLA policies as data: a target, warnings and an escalation ladder.

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use crate::duration::{self, DurationError};
use crate::machine::Role;

/// How much time an obligation gets, and how that time is measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Wall-clock time: "first contact within 24 hours" (rule B5).
    Elapsed(TimeDelta),
    /// Business time on a named calendar: "handled within 1 business hour" (rule B6).
    Business {
        /// How much open time.
        duration: TimeDelta,
        /// The calendar's name in the [`CalendarSet`](crate::calendar::CalendarSet).
        calendar: String,
    },
    /// Working dates on a named calendar: "file within 3 days" (rule C5) read as working days. At start it becomes
    /// the business time up to the same local time on the n-th working date.
    WorkingDays {
        /// How many working dates.
        days: u32,
        /// The calendar's name.
        calendar: String,
    },
}

impl Target {
    /// The calendar the target is measured on, if it is not wall-clock time.
    pub fn calendar(&self) -> Option<&str> {
        match self {
            Target::Elapsed(_) => None,
            Target::Business { calendar, .. } | Target::WorkingDays { calendar, .. } => Some(calendar),
        }
    }
}

/// One rung of an escalation ladder: who is told, and how long after the previous rung (the first rung: after the
/// breach). Delays are measured like the target (business time on its calendar, or wall-clock time).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    /// The role that is escalated to, e.g. `supervisor`, `department_head`, `leadership` (rule B6).
    pub to: Role,
    /// Delay after the breach (first rung) or after the previous rung.
    #[serde(with = "duration::human")]
    pub after: TimeDelta,
}

/// An SLA policy: a named target, warnings at fractions of it, and an escalation ladder after the breach.
///
/// As data (TOML shown; JSON has the same shape):
///
/// ```toml
/// name = "B6 handle on the spot"
/// within = "1h"                 # or within_working_days = 3
/// calendar = "service-desk"     # business time on this calendar; leave out for wall-clock time
/// warn_at = [0.75]              # fractions of the target, each strictly between 0 and 1
/// escalate = [
///   { to = "supervisor", after = "0s" },
///   { to = "department_head", after = "30m" },
///   { to = "leadership", after = "1h" },
/// ]
/// ```
///
/// ```
/// use chrono::TimeDelta;
/// use kefu::sla::{SlaPolicy, Target};
///
/// let policy = SlaPolicy::business("B6 handle", TimeDelta::hours(1), "service-desk")
///     .with_warning(0.75)?
///     .with_escalation("supervisor", TimeDelta::zero())?
///     .with_escalation("leadership", TimeDelta::hours(1))?;
/// assert_eq!(policy.target(), &Target::Business { duration: TimeDelta::hours(1), calendar: "service-desk".into() });
///
/// let same: SlaPolicy = toml::from_str(r#"
///     name = "B6 handle"
///     within = "1h"
///     calendar = "service-desk"
///     warn_at = [0.75]
///     escalate = [{ to = "supervisor", after = "0s" }, { to = "leadership", after = "1h" }]
/// "#)?;
/// assert_eq!(same, policy);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PolicySpec", into = "PolicySpec")]
pub struct SlaPolicy {
    name: String,
    target: Target,
    /// Warning fractions in thousandths, ascending, each in 1..=999.
    warn_at: Vec<u16>,
    escalation: Vec<Escalation>,
}

/// A policy definition that cannot be used; each variant names the policy and the field.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Neither `within` nor `within_working_days` is given.
    #[error("policy `{policy}`: give a target, `within` (e.g. \"1h\") or `within_working_days`")]
    NoTarget {
        /// The policy's name.
        policy: String,
    },
    /// Both `within` and `within_working_days` are given.
    #[error("policy `{policy}`: give `within` or `within_working_days`, not both")]
    TwoTargets {
        /// The policy's name.
        policy: String,
    },
    /// `within_working_days` without a `calendar` to count working days on.
    #[error("policy `{policy}`: `within_working_days` needs a `calendar`")]
    WorkingDaysWithoutCalendar {
        /// The policy's name.
        policy: String,
    },
    /// A target of zero time or zero days.
    #[error("policy `{policy}`: the target must be more than zero")]
    ZeroTarget {
        /// The policy's name.
        policy: String,
    },
    /// A duration field that does not parse.
    #[error("policy `{policy}`: {field}: {source}")]
    Duration {
        /// The policy's name.
        policy: String,
        /// The field, e.g. `within` or `escalate[1].after`.
        field: String,
        /// What is wrong with the text.
        source: DurationError,
    },
    /// An escalation rung without a role to escalate to.
    #[error("policy `{policy}`: escalate[{index}].to is empty: name the role the breach is escalated to")]
    EscalationWithoutRole {
        /// The policy's name.
        policy: String,
        /// Position in the ladder (`escalate`).
        index: usize,
    },
    /// An escalation rung with a negative delay: a rung comes at or after the breach (first rung) or the previous
    /// rung.
    #[error("policy `{policy}`: escalate[{index}].after is negative ({seconds} s): give zero or more")]
    NegativeEscalationDelay {
        /// The policy's name.
        policy: String,
        /// Position in the ladder (`escalate`).
        index: usize,
        /// The delay given, in whole seconds.
        seconds: i64,
    },
    /// A warning fraction outside (0, 1), or given twice.
    #[error("policy `{policy}`: warn_at[{index}] = {value}: warnings are distinct fractions strictly between 0 and 1")]
    Warning {
        /// The policy's name.
        policy: String,
        /// Position in `warn_at`.
        index: usize,
        /// The value given.
        value: f64,
    },
}

impl SlaPolicy {
    fn with_target(name: impl Into<String>, target: Target) -> Self {
        Self { name: name.into(), target, warn_at: Vec::new(), escalation: Vec::new() }
    }

    /// A wall-clock target, e.g. 24 hours for a department's first contact (rule B5).
    pub fn elapsed(name: impl Into<String>, within: TimeDelta) -> Self {
        Self::with_target(name, Target::Elapsed(within))
    }

    /// A business-time target on a named calendar, e.g. 1 business hour (rule B6).
    pub fn business(name: impl Into<String>, within: TimeDelta, calendar: impl Into<String>) -> Self {
        Self::with_target(name, Target::Business { duration: within, calendar: calendar.into() })
    }

    /// A target in working dates on a named calendar, e.g. 3 working days to create a file (rule C5).
    pub fn working_days(name: impl Into<String>, days: u32, calendar: impl Into<String>) -> Self {
        Self::with_target(name, Target::WorkingDays { days, calendar: calendar.into() })
    }

    /// Adds a warning when `fraction` of the target is used (e.g. `0.75`); rounded to thousandths.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Warning`] unless `0 < fraction < 1` and the fraction is new.
    pub fn with_warning(mut self, fraction: f64) -> Result<Self, PolicyError> {
        let permille = to_permille(fraction).filter(|p| !self.warn_at.contains(p)).ok_or(PolicyError::Warning {
            policy: self.name.clone(),
            index: self.warn_at.len(),
            value: fraction,
        })?;
        self.warn_at.push(permille);
        self.warn_at.sort_unstable();
        Ok(self)
    }

    /// Adds a rung to the escalation ladder: `to` is told `after` the breach (first rung) or the previous rung.
    ///
    /// # Errors
    ///
    /// [`PolicyError::EscalationWithoutRole`] for an empty (or blank) role, [`PolicyError::NegativeEscalationDelay`]
    /// for a delay below zero.
    ///
    /// ```
    /// use chrono::TimeDelta;
    /// use kefu::sla::{PolicyError, SlaPolicy};
    ///
    /// let b6 = SlaPolicy::elapsed("B6 handle", TimeDelta::hours(1))
    ///     .with_escalation("supervisor", TimeDelta::zero())?
    ///     .with_escalation("leadership", TimeDelta::hours(1))?;
    /// assert_eq!(b6.escalation().len(), 2);
    ///
    /// let err = b6.with_escalation("general_manager", TimeDelta::minutes(-5)).unwrap_err();
    /// assert!(matches!(err, PolicyError::NegativeEscalationDelay { index: 2, seconds: -300, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_escalation(mut self, to: impl Into<Role>, after: TimeDelta) -> Result<Self, PolicyError> {
        let rung = Escalation { to: to.into(), after };
        check_rung(&self.name, self.escalation.len(), &rung)?;
        self.escalation.push(rung);
        Ok(self)
    }

    /// [`with_escalation`](Self::with_escalation) for the crate's own default policies, whose rungs are constants
    /// that name a role and a delay of zero or more.
    pub(crate) fn with_builtin_rung(self, to: &'static str, after: TimeDelta) -> Self {
        self.with_escalation(to, after).unwrap_or_else(|e| unreachable!("a built-in rung is valid: {e}"))
    }

    /// The policy's name (for the audit trail and reports).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The warning fractions, ascending, in thousandths of the target (750 = 75%).
    pub fn warnings_permille(&self) -> &[u16] {
        &self.warn_at
    }

    /// The escalation ladder, in order.
    pub fn escalation(&self) -> &[Escalation] {
        &self.escalation
    }

    /// Checks a policy built in code: a target above zero, and a ladder whose rungs name a role and come zero or
    /// more after the previous one. Policies read with serde are checked on reading.
    ///
    /// # Errors
    ///
    /// [`PolicyError::ZeroTarget`] for an empty target; the escalation errors of
    /// [`with_escalation`](Self::with_escalation).
    pub fn validate(&self) -> Result<(), PolicyError> {
        let zero = match &self.target {
            Target::Elapsed(d) | Target::Business { duration: d, .. } => *d <= TimeDelta::zero(),
            Target::WorkingDays { days, .. } => *days == 0,
        };
        if zero {
            return Err(PolicyError::ZeroTarget { policy: self.name.clone() });
        }
        for (index, rung) in self.escalation.iter().enumerate() {
            check_rung(&self.name, index, rung)?;
        }
        Ok(())
    }
}

/// Rung `index` of policy `policy`'s ladder names a role and a delay of zero or more.
fn check_rung(policy: &str, index: usize, rung: &Escalation) -> Result<(), PolicyError> {
    if rung.to.as_str().trim().is_empty() {
        return Err(PolicyError::EscalationWithoutRole { policy: policy.to_owned(), index });
    }
    if rung.after < TimeDelta::zero() {
        return Err(PolicyError::NegativeEscalationDelay {
            policy: policy.to_owned(),
            index,
            seconds: rung.after.num_seconds(),
        });
    }
    Ok(())
}

fn to_permille(fraction: f64) -> Option<u16> {
    let p = (fraction * 1000.0).round();
    (fraction > 0.0 && fraction < 1.0 && (1.0..=999.0).contains(&p)).then_some(p as u16)
}

/// The serialised shape of a policy (see [`SlaPolicy`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicySpec {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    within: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    within_working_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    calendar: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    warn_at: Vec<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    escalate: Vec<EscalationSpec>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EscalationSpec {
    to: String,
    after: String,
}

impl TryFrom<PolicySpec> for SlaPolicy {
    type Error = PolicyError;

    fn try_from(spec: PolicySpec) -> Result<Self, PolicyError> {
        let name = spec.name;
        let parse = |field: String, text: &str| {
            duration::parse(text).map_err(|source| PolicyError::Duration { policy: name.clone(), field, source })
        };
        let target = match (spec.within, spec.within_working_days, spec.calendar) {
            (None, None, _) => return Err(PolicyError::NoTarget { policy: name }),
            (Some(_), Some(_), _) => return Err(PolicyError::TwoTargets { policy: name }),
            (Some(w), None, None) => Target::Elapsed(parse("within".into(), &w)?),
            (Some(w), None, Some(calendar)) => Target::Business { duration: parse("within".into(), &w)?, calendar },
            (None, Some(_), None) => return Err(PolicyError::WorkingDaysWithoutCalendar { policy: name }),
            (None, Some(days), Some(calendar)) => Target::WorkingDays { days, calendar },
        };
        let mut escalation = Vec::with_capacity(spec.escalate.len());
        for (i, e) in spec.escalate.iter().enumerate() {
            escalation.push(Escalation {
                to: Role::new(e.to.clone()),
                after: parse(format!("escalate[{i}].after"), &e.after)?,
            });
        }
        let mut policy = Self { name, target, warn_at: Vec::new(), escalation };
        for (index, &value) in spec.warn_at.iter().enumerate() {
            let name = policy.name.clone();
            policy = policy.with_warning(value).map_err(|_| PolicyError::Warning { policy: name, index, value })?;
        }
        policy.validate()?;
        Ok(policy)
    }
}

impl From<SlaPolicy> for PolicySpec {
    fn from(p: SlaPolicy) -> Self {
        let (within, within_working_days, calendar) = match p.target {
            Target::Elapsed(d) => (Some(duration::format(d)), None, None),
            Target::Business { duration: d, calendar } => (Some(duration::format(d)), None, Some(calendar)),
            Target::WorkingDays { days, calendar } => (None, Some(days), Some(calendar)),
        };
        PolicySpec {
            name: p.name,
            within,
            within_working_days,
            calendar,
            warn_at: p.warn_at.iter().map(|&w| f64::from(w) / 1000.0).collect(),
            escalate: p
                .escalation
                .into_iter()
                .map(|e| EscalationSpec { to: e.to.as_str().to_owned(), after: duration::format(e.after) })
                .collect(),
        }
    }
}
