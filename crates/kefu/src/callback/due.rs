//! Why a callback is due and when (rules B3, B8, F1, F2), and what a finished callback produced (B4, B5).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::policy::CallbackPolicy;
use crate::case::{Origin, Standing};
use crate::lifecycle::{FollowUp, Obligation};
use crate::script::{CallbackRecord, Outcome, ProblemRecord};

/// A special occasion for a callback (rule B8).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "occasion", rename_all = "snake_case")]
pub enum Occasion {
    /// A holiday (Spring Festival, Mid-Autumn, …).
    Holiday {
        /// Its name.
        name: String,
    },
    /// The company's anniversary.
    Anniversary,
    /// A promotion or a new product to introduce.
    Promotion {
        /// Its name.
        name: String,
    },
}

/// Why a callback is due.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// Rule B3: the callback within one week after a sale is completed.
    AfterSale {
        /// The sale (order) id in the ERP.
        sale: String,
    },
    /// Rule B3: a later callback, monthly, regular or irregular, as the marketing department needs.
    Regular,
    /// Rules F1, F2: a follow-up obligation of the customer's lifecycle.
    FollowUp {
        /// The rule and, for F2, the month.
        follow_up: FollowUp,
        /// The obligation's number within the customer ([`Obligation::id`]).
        obligation: u32,
    },
    /// Rule B8: a special occasion.
    Occasion {
        /// Which.
        occasion: Occasion,
    },
}

impl Reason {
    /// The rule the reason comes from, by its number (`B3`, `F2`, …).
    ///
    /// ```
    /// use kefu::callback::Reason;
    /// assert_eq!(Reason::AfterSale { sale: "SO-1".into() }.rule(), "B3");
    /// ```
    #[must_use]
    pub fn rule(&self) -> &'static str {
        match self {
            Self::AfterSale { .. } | Self::Regular => "B3",
            Self::FollowUp { follow_up, .. } => follow_up.rule(),
            Self::Occasion { .. } => "B8",
        }
    }

    /// The length of the due window the policy gives this reason, if it gives one (after-sale and occasions).
    #[must_use]
    pub fn default_window(&self, policy: &CallbackPolicy) -> Option<chrono::TimeDelta> {
        match self {
            Self::AfterSale { .. } => Some(policy.after_sale_within),
            Self::Occasion { .. } => Some(policy.occasion_within),
            Self::Regular | Self::FollowUp { .. } => None,
        }
    }
}

/// The due window of a callback: from `from` (inclusive) to `by` (exclusive). A callback not done before `by` is
/// missed (rule B10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// When the callback becomes due.
    pub from: DateTime<Utc>,
    /// When the window closes.
    pub by: DateTime<Utc>,
}

/// A callback that has fallen due: whom to call, why, and when. The argument of
/// [`CallbackCommand::Open`](super::CallbackCommand::Open).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::callback::{Due, Reason};
/// use kefu::case::Standing;
///
/// let sold = Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap();
/// let due = Due::after_sale("0042", "SO-7781", sold).with_contact_calendar("quiet-0042");
/// assert_eq!(due.reason.rule(), "B3");
/// assert_eq!(due.standing, Standing::Regular);
/// assert_eq!(due.by, None); // the policy's week (B3) applies
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// The customer's id in the ERP.
    pub customer: String,
    /// Regular or lapsed: selects the B4 record time limit.
    pub standing: Standing,
    /// Why.
    pub reason: Reason,
    /// When the callback becomes due.
    pub from: DateTime<Utc>,
    /// When the window closes; `None`: `from` plus the policy's window for the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<DateTime<Utc>>,
    /// The customer's contact calendar (rule B9); `None`: the policy's `quiet_hours`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_calendar: Option<String>,
}

impl Due {
    /// Rule B3: the after-sale callback of sale `sale`, completed at `completed_at`.
    #[must_use]
    pub fn after_sale(customer: impl Into<String>, sale: impl Into<String>, completed_at: DateTime<Utc>) -> Self {
        Self::new(customer, Reason::AfterSale { sale: sale.into() }, completed_at, None)
    }

    /// Rules F1, F2: the callback that fulfils a lifecycle follow-up obligation, due by the obligation's due instant.
    /// The customer is quiet or lapsed, so the record is owed within the lapsed limit (B4 §2.4).
    #[must_use]
    pub fn follow_up(customer: impl Into<String>, obligation: &Obligation) -> Self {
        let reason = Reason::FollowUp { follow_up: obligation.follow_up.clone(), obligation: obligation.id };
        Self::new(customer, reason, obligation.opened_at, Some(obligation.due)).with_standing(Standing::Lapsed)
    }

    /// Rule B8: a special-occasion callback from `from`.
    #[must_use]
    pub fn occasion(customer: impl Into<String>, occasion: Occasion, from: DateTime<Utc>) -> Self {
        Self::new(customer, Reason::Occasion { occasion }, from, None)
    }

    /// Rule B3: a regular callback in the window `from..by`.
    #[must_use]
    pub fn regular(customer: impl Into<String>, from: DateTime<Utc>, by: DateTime<Utc>) -> Self {
        Self::new(customer, Reason::Regular, from, Some(by))
    }

    fn new(customer: impl Into<String>, reason: Reason, from: DateTime<Utc>, by: Option<DateTime<Utc>>) -> Self {
        Self { customer: customer.into(), standing: Standing::Regular, reason, from, by, contact_calendar: None }
    }

    /// The same, for a customer of `standing`.
    #[must_use]
    pub fn with_standing(mut self, standing: Standing) -> Self {
        self.standing = standing;
        self
    }

    /// The same, with the customer's own contact calendar (rule B9).
    #[must_use]
    pub fn with_contact_calendar(mut self, calendar: impl Into<String>) -> Self {
        self.contact_calendar = Some(calendar.into());
        self
    }

    /// The same, with an explicit window end.
    #[must_use]
    pub fn with_by(mut self, by: DateTime<Utc>) -> Self {
        self.by = Some(by);
        self
    }
}

/// A problem the callback found (rule B5): the ERP opens a case for each ([`Problem::origin`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The customer's words.
    pub text: String,
    /// The responsible department, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

impl Problem {
    /// A problem, optionally naming its department.
    #[must_use]
    pub fn new(text: impl Into<String>, department: Option<&str>) -> Self {
        Self { text: text.into(), department: department.map(str::to_owned) }
    }

    /// The origin of the case that follows the problem up (rule B5), for callback `callback`.
    ///
    /// ```
    /// use kefu::callback::Problem;
    /// use kefu::case::Origin;
    ///
    /// let p = Problem::new("Deliveries arrive late", Some("logistics"));
    /// assert_eq!(p.origin("cb-7"), Origin::callback("cb-7", "Deliveries arrive late", Some("logistics")));
    /// ```
    #[must_use]
    pub fn origin(&self, callback: impl Into<String>) -> Origin {
        Origin::callback(callback, self.text.clone(), self.department.as_deref())
    }
}

impl From<&ProblemRecord> for Problem {
    fn from(p: &ProblemRecord) -> Self {
        Self { text: p.text.clone(), department: p.department.clone() }
    }
}

/// What a finished callback produced: a script run's record (rules S1, S2) or a summary (an SMS, a visit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CallResult {
    /// The script run's callback record.
    Script {
        /// The record.
        record: Box<CallbackRecord>,
    },
    /// A summary written by the specialist.
    Summary {
        /// What was said.
        notes: String,
        /// The problems raised.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        problems: Vec<Problem>,
    },
}

impl CallResult {
    /// A summary without problems.
    #[must_use]
    pub fn summary(notes: impl Into<String>) -> Self {
        Self::Summary { notes: notes.into(), problems: Vec::new() }
    }

    /// The problems raised (rule B5).
    #[must_use]
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            Self::Script { record } => record.problems.iter().map(Problem::from).collect(),
            Self::Summary { problems, .. } => problems.clone(),
        }
    }
}

impl From<CallbackRecord> for CallResult {
    fn from(record: CallbackRecord) -> Self {
        Self::Script { record: Box::new(record) }
    }
}

/// Whether a script outcome means the callback is still to be made: the customer asked to be called again, or the
/// run was interrupted.
pub(super) fn is_reschedule(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Rescheduled | Outcome::Aborted)
}
