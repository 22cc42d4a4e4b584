//! The lifecycle's configuration: thresholds and counts of rules C4, C5, F1–F3 as data, and the calendars.

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use crate::calendar::CalendarSet;
use crate::duration;
use crate::sla::SlaPolicy;

/// How customer service contacts a customer (rule B1: phone, on-site visit, service visit, SMS; the meetings of
/// rule F2 are visits). Lifecycle contacts and callback attempts both take it (`kefu::callback` re-exports it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    /// A phone call.
    Phone,
    /// An on-site visit or a meeting.
    Visit,
    /// A service visit.
    ServiceVisit,
    /// A text message.
    Sms,
}

impl ContactChannel {
    /// Every channel, in declaration order.
    pub const ALL: [ContactChannel; 4] =
        [ContactChannel::Phone, ContactChannel::Visit, ContactChannel::ServiceVisit, ContactChannel::Sms];
}

/// The eight documents rule C5 requires for a first deal, as checklist ids: registration form, delivery
/// application form, business licence, guarantee letter, purchase/sales contract, safety-production permit,
/// land-use certificate copy, invoicing details.
pub const C5_DOCUMENTS: [&str; 8] = [
    "registration_form",
    "delivery_application",
    "business_licence",
    "guarantee_letter",
    "sales_contract",
    "safety_production_permit",
    "land_use_certificate",
    "invoicing_details",
];

/// The thresholds and counts of the lifecycle rules, as data (serde; every field optional, defaulting to the
/// domain's value).
///
/// | field | rule | default |
/// | --- | --- | --- |
/// | `documents` | C5 checklist | the eight documents of [`C5_DOCUMENTS`] |
/// | `file_within` | C5 file clock | 3 working days on calendar `office`, escalating to `service_supervisor` |
/// | `briefing_within` | C4 hand-over briefing clock | 7 days (wall clock), escalating to `service_supervisor` |
/// | `quiet_after` | F1: no order for more than… | `"7d"` |
/// | `f1_calls` | F1: calls to schedule | 1 |
/// | `f1_call_within` | F1: …within the following… | `"7d"` |
/// | `f1_channels` | F1: what counts as a call | `["phone"]` |
/// | `lapsed_after_months` | F2: no business for more than… (calendar months) | 1 |
/// | `f2_contacts_per_month` | F2: contacts each calendar month (any channel) | 2 |
/// | `sales_silent_months` | F3: sales silent for more than… (calendar months) | 2 |
/// | `months_calendar` | the calendar whose time zone says where a month begins | `office` |
///
/// ```
/// use chrono::TimeDelta;
/// use kefu::lifecycle::LifecyclePolicy;
///
/// let policy: LifecyclePolicy = serde_json::from_str(r#"{
///     "quiet_after": "10d",
///     "f2_contacts_per_month": 3,
///     "documents": ["registration_form", "business_licence"]
/// }"#)?;
/// assert_eq!(policy.quiet_after, TimeDelta::days(10));
/// assert_eq!(policy.f2_contacts_per_month, 3);
/// assert_eq!(policy.sales_silent_months, 2); // the domain's default
/// policy.validate()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LifecyclePolicy {
    /// Rule C5: the documents a first deal needs (checklist ids). Copied into each customer at the contract, so a
    /// later change of policy does not change the checklist of customers already onboarding.
    pub documents: Vec<String>,
    /// Rule C5: the time to create the customer's file after the contract is accepted.
    pub file_within: SlaPolicy,
    /// Rule C4: the time a newly assigned specialist has to record the briefing with the sales representative.
    pub briefing_within: SlaPolicy,
    /// Rule F1: a customer who has not ordered for longer than this goes quiet.
    #[serde(with = "duration::human")]
    pub quiet_after: TimeDelta,
    /// Rule F1: how many calls are scheduled when a customer goes quiet.
    pub f1_calls: u32,
    /// Rule F1: the calls are due within this time after the customer went quiet.
    #[serde(with = "duration::human")]
    pub f1_call_within: TimeDelta,
    /// Rule F1: the channels that count as the call.
    pub f1_channels: Vec<ContactChannel>,
    /// Rule F2: a customer without business (an order) for this many calendar months lapses.
    pub lapsed_after_months: u32,
    /// Rule F2: contacts due each calendar month while lapsed, spread at regular times through the month and each
    /// due inside it: the k-th of n at the end of the k-th of n equal parts of the rest of the month, the last at the
    /// month's last second (so a month's report counts them all, rule B10).
    pub f2_contacts_per_month: u32,
    /// Rule F3: sales silent for this many calendar months lets customer service take over (unless money is owed).
    pub sales_silent_months: u32,
    /// The calendar (in the [`CalendarSet`]) whose time zone says when a calendar month begins.
    pub months_calendar: String,
}

impl Default for LifecyclePolicy {
    fn default() -> Self {
        Self {
            documents: C5_DOCUMENTS.iter().map(|&d| d.to_owned()).collect(),
            file_within: SlaPolicy::working_days("C5 file within 3 days", 3, "office")
                .with_builtin_rung("service_supervisor", TimeDelta::zero()),
            briefing_within: SlaPolicy::elapsed("C4 hand-over briefing within a week", TimeDelta::days(7))
                .with_builtin_rung("service_supervisor", TimeDelta::zero()),
            quiet_after: TimeDelta::days(7),
            f1_calls: 1,
            f1_call_within: TimeDelta::days(7),
            f1_channels: vec![ContactChannel::Phone],
            lapsed_after_months: 1,
            f2_contacts_per_month: 2,
            sales_silent_months: 2,
            months_calendar: "office".to_owned(),
        }
    }
}

/// A lifecycle policy that cannot be used; each variant names the field.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LifecyclePolicyError {
    /// A duration that must be more than zero is not.
    #[error("lifecycle policy: `{field}` must be more than zero")]
    NotPositive {
        /// The field.
        field: &'static str,
    },
    /// A count or month number that must be at least one is zero.
    #[error("lifecycle policy: `{field}` must be at least 1")]
    Zero {
        /// The field.
        field: &'static str,
    },
    /// A document id appears twice in the checklist, or is empty.
    #[error("lifecycle policy: documents[{index}] = `{document}` is empty or listed twice")]
    Document {
        /// Position in `documents`.
        index: usize,
        /// The id.
        document: String,
    },
    /// One of the embedded SLA policies is invalid.
    #[error("lifecycle policy: `{field}`: {source}")]
    Sla {
        /// `file_within` or `briefing_within`.
        field: &'static str,
        /// What is wrong with it.
        source: crate::sla::PolicyError,
    },
}

impl LifecyclePolicy {
    /// Checks the policy: positive durations, counts of at least one, a checklist without duplicates.
    ///
    /// # Errors
    ///
    /// The first [`LifecyclePolicyError`] found.
    pub fn validate(&self) -> Result<(), LifecyclePolicyError> {
        for (field, d) in [("quiet_after", self.quiet_after), ("f1_call_within", self.f1_call_within)] {
            if d <= TimeDelta::zero() {
                return Err(LifecyclePolicyError::NotPositive { field });
            }
        }
        for (field, n) in [
            ("f1_calls", self.f1_calls),
            ("lapsed_after_months", self.lapsed_after_months),
            ("f2_contacts_per_month", self.f2_contacts_per_month),
            ("sales_silent_months", self.sales_silent_months),
        ] {
            if n == 0 {
                return Err(LifecyclePolicyError::Zero { field });
            }
        }
        if self.f1_channels.is_empty() {
            return Err(LifecyclePolicyError::Zero { field: "f1_channels" });
        }
        for (index, document) in self.documents.iter().enumerate() {
            if document.is_empty() || self.documents[..index].contains(document) {
                return Err(LifecyclePolicyError::Document { index, document: document.clone() });
            }
        }
        self.file_within.validate().map_err(|source| LifecyclePolicyError::Sla { field: "file_within", source })?;
        self.briefing_within
            .validate()
            .map_err(|source| LifecyclePolicyError::Sla { field: "briefing_within", source })?;
        Ok(())
    }
}

/// The lifecycle machine's configuration: the calendars its clocks, months and customers' quiet hours name, and
/// the [`LifecyclePolicy`].
///
/// ```
/// use kefu::calendar::{Calendar, CalendarSet};
/// use kefu::lifecycle::{LifecycleConfig, LifecyclePolicy};
///
/// let office = Calendar::from_toml_str(r#"
///     time_zone = "Asia/Shanghai"
///     week = { mon = ["09:00-18:00"], tue = ["09:00-18:00"], wed = ["09:00-18:00"], thu = ["09:00-18:00"], fri = ["09:00-18:00"] }
/// "#)?;
/// let config = LifecycleConfig::new([("office", office)].into_iter().collect(), LifecyclePolicy::default());
/// assert!(config.calendars.get("office").is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LifecycleConfig {
    /// The calendars: the one the file clock counts working days on (`office` by default), the months calendar,
    /// and customers' contact calendars (quiet hours, rule B9).
    pub calendars: CalendarSet,
    /// The thresholds and counts.
    pub policy: LifecyclePolicy,
}

impl LifecycleConfig {
    /// A configuration from its parts.
    pub fn new(calendars: CalendarSet, policy: LifecyclePolicy) -> Self {
        Self { calendars, policy }
    }
}
