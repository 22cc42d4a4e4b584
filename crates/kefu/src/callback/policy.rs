//! The callback policy as data (rules B3, B4, B8, B9) and the callback machine's configuration.

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use crate::calendar::CalendarSet;
use crate::case::Standing;
use crate::duration;
use crate::sla::{PolicyError, SlaPolicy};

/// How callbacks are scheduled and recorded. Serde (TOML or JSON); every field has the domain's default.
///
/// | field | default | rule |
/// |---|---|---|
/// | `after_sale_within` | `7d` | B3: the after-sale callback within one week of the sale |
/// | `occasion_within` | `1d` | B8: a special-occasion callback (holiday, anniversary, promotion) on the day |
/// | `record_regular` | 24 h wall-clock | B4: the record form of a regular callback |
/// | `record_lapsed` | 1 h wall-clock | B4: the record form of a callback to a lapsed customer |
/// | `quiet_hours` | none | B9: the calendar whose open hours are when customers may be contacted |
///
/// ```
/// use chrono::TimeDelta;
/// use kefu::callback::CallbackPolicy;
///
/// let policy: CallbackPolicy = serde_json::from_str(r#"{
///     "after_sale_within": "5d",
///     "quiet_hours": "contact-hours",
///     "record_lapsed": { "name": "B4 record (lapsed)", "within": "1h", "calendar": "service-desk" }
/// }"#)?;
/// assert_eq!(policy.after_sale_within, TimeDelta::days(5));
/// assert_eq!(policy.record_regular.name(), "B4 record within 24 hours"); // the default
/// assert_eq!(policy.quiet_hours.as_deref(), Some("contact-hours"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CallbackPolicy {
    /// Rule B3: an after-sale callback is due within this time after the sale is completed.
    #[serde(with = "duration::human")]
    pub after_sale_within: TimeDelta,
    /// Rule B8: a special-occasion callback is due within this time from the occasion's start.
    #[serde(with = "duration::human")]
    pub occasion_within: TimeDelta,
    /// Rule B4 (§2.2): the record form is filed within this after a regular callback.
    pub record_regular: SlaPolicy,
    /// Rule B4 (§2.4): the record form is filed within this after a callback to a lapsed customer.
    pub record_lapsed: SlaPolicy,
    /// Rule B9: the calendar (in the [`CalendarSet`]) whose open hours are when customers may be contacted, for
    /// customers without a contact calendar of their own; `None`: any time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<String>,
}

impl Default for CallbackPolicy {
    fn default() -> Self {
        Self {
            after_sale_within: TimeDelta::days(7),
            occasion_within: TimeDelta::days(1),
            record_regular: SlaPolicy::elapsed("B4 record within 24 hours", TimeDelta::hours(24))
                .with_builtin_rung("service_supervisor", TimeDelta::zero()),
            record_lapsed: SlaPolicy::elapsed("B4 record within 1 hour (lapsed customer)", TimeDelta::hours(1))
                .with_builtin_rung("service_supervisor", TimeDelta::zero()),
            quiet_hours: None,
        }
    }
}

impl CallbackPolicy {
    /// The B4 record policy for a customer of `standing`.
    #[must_use]
    pub fn record(&self, standing: Standing) -> &SlaPolicy {
        match standing {
            Standing::Regular => &self.record_regular,
            Standing::Lapsed => &self.record_lapsed,
        }
    }
}

/// Why a callback configuration cannot be used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackPolicyError {
    /// A window that must be more than zero is not. How to fix: give a positive duration.
    #[error("callback policy: `{field}` must be more than zero")]
    NotPositive {
        /// The field.
        field: &'static str,
    },
    /// A record policy is unusable.
    #[error("callback policy: {0}")]
    Policy(#[from] PolicyError),
    /// A calendar the policy names is not in the calendar set. How to fix: add it, or correct the name.
    #[error("callback policy: `{field}` names calendar `{calendar}`, which is not configured")]
    UnknownCalendar {
        /// The field.
        field: &'static str,
        /// The calendar's name.
        calendar: String,
    },
}

/// The callback machine's configuration: the calendars (quiet hours, business-time record clocks) and the policy.
///
/// ```
/// use kefu::calendar::{Calendar, CalendarSet};
/// use kefu::callback::{CallbackConfig, CallbackPolicy, CallbackPolicyError};
///
/// let policy = CallbackPolicy { quiet_hours: Some("contact-hours".into()), ..CallbackPolicy::default() };
/// let err = CallbackConfig::new(CalendarSet::new(), policy.clone()).unwrap_err();
/// assert!(matches!(err, CallbackPolicyError::UnknownCalendar { field: "quiet_hours", .. }));
///
/// let calendars: CalendarSet =
///     [("contact-hours", Calendar::always_open(chrono_tz::Asia::Shanghai))].into_iter().collect();
/// assert!(CallbackConfig::new(calendars, policy).is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct CallbackConfig {
    /// The calendars, by name.
    pub calendars: CalendarSet,
    /// The policy.
    pub policy: CallbackPolicy,
}

impl CallbackConfig {
    /// A configuration, checked: positive windows, valid record policies, every named calendar present.
    ///
    /// # Errors
    ///
    /// The first [`CallbackPolicyError`] found.
    pub fn new(calendars: CalendarSet, policy: CallbackPolicy) -> Result<Self, CallbackPolicyError> {
        for (field, d) in [("after_sale_within", policy.after_sale_within), ("occasion_within", policy.occasion_within)]
        {
            if d <= TimeDelta::zero() {
                return Err(CallbackPolicyError::NotPositive { field });
            }
        }
        let known = |field: &'static str, name: Option<&str>| match name {
            Some(calendar) if calendars.get(calendar).is_err() => {
                Err(CallbackPolicyError::UnknownCalendar { field, calendar: calendar.to_owned() })
            }
            _ => Ok(()),
        };
        for (field, record) in [("record_regular", &policy.record_regular), ("record_lapsed", &policy.record_lapsed)] {
            record.validate()?;
            known(field, record.target().calendar())?;
        }
        known("quiet_hours", policy.quiet_hours.as_deref())?;
        Ok(Self { calendars, policy })
    }
}
