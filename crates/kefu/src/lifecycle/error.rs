//! Why the lifecycle refuses a command.

use chrono::{DateTime, Utc};

use super::policy::LifecyclePolicyError;
use crate::calendar::{CalendarError, UnknownCalendar};
use crate::machine::Rejection;
use crate::sla::ClockError;

/// Why the lifecycle refused a command (beyond the transition table's refusals).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LifecycleError {
    /// Someone other than the assigned specialist tried to record the hand-over briefing (rule C4).
    #[error("only the assigned specialist `{specialist}` records the hand-over briefing, not `{principal}`")]
    NotTheSpecialist {
        /// Who tried.
        principal: String,
        /// The assigned specialist.
        specialist: String,
    },
    /// The configuration's policy is invalid. Fix the [`LifecyclePolicy`](super::LifecyclePolicy).
    #[error(transparent)]
    Policy(Box<LifecyclePolicyError>),
    /// A calendar named by the policy or the customer is not in the configuration. Add it to the
    /// [`CalendarSet`](crate::calendar::CalendarSet).
    #[error(transparent)]
    UnknownCalendar(Box<UnknownCalendar>),
    /// A calendar could not compute (never open, or beyond the supported years).
    #[error(transparent)]
    Calendar(Box<CalendarError>),
    /// A command's instant is before the customer's latest event: time only moves forward.
    #[error("time went backwards: the customer's latest event is at {last}, the command at {now}")]
    TimeWentBackwards {
        /// The latest event's instant.
        last: DateTime<Utc>,
        /// The command's instant.
        now: DateTime<Utc>,
    },
    /// A reference (contract, order, invoice, specialist, approval, approver) is empty.
    #[error("`{field}` must not be empty")]
    Empty {
        /// The field.
        field: &'static str,
    },
    /// Rule C5: a document that is not on the customer's checklist.
    #[error("`{document}` is not on the document checklist ({})", checklist.join(", "))]
    UnknownDocument {
        /// The document id sent.
        document: String,
        /// The customer's checklist.
        checklist: Vec<String>,
    },
    /// Rule C5: file numbers start at 1.
    #[error("file number 0: sequential file numbers start at 1")]
    FileNumberZero,
    /// Rule C5: the file exists already.
    #[error("the customer's file exists already, with number {file_number}")]
    FileExists {
        /// Its number.
        file_number: u64,
    },
    /// Rule C5: an order before the customer's file was created.
    #[error("no order before the customer's file is created (rule C5)")]
    NoFile,
    /// Rule C6: trading with an incomplete file needs an approved exception.
    #[error(
        "the customer's file lacks {}: trading needs the approval of the marketing director or the general manager (rule C6)",
        missing.join(", ")
    )]
    IncompleteFile {
        /// The missing documents, in checklist order.
        missing: Vec<String>,
    },
    /// Rule C6: an exception for a complete file.
    #[error("no document is missing: the file needs no exception (rule C6)")]
    NothingMissing,
    /// Rule C4: a briefing without an assigned specialist.
    #[error("no specialist is assigned: assign one before recording the briefing (rule C4)")]
    NoSpecialist,
    /// Rule C4: the briefing of this assignment was recorded already.
    #[error("the briefing was recorded already, at {at}")]
    AlreadyBriefed {
        /// When.
        at: DateTime<Utc>,
    },
    /// Rule F4: the customer is with sales already.
    #[error("the customer is with sales already (rule F4)")]
    AlreadyWithSales,
    /// Only a customer with sales can be handed back.
    #[error("the customer is not with sales")]
    NotWithSales,
    /// An embedded SLA clock refused (e.g. its policy names an unknown calendar).
    #[error("{clock} clock: {source}")]
    Clock {
        /// `file` (C5) or `briefing` (C4).
        clock: &'static str,
        /// The clock's refusal.
        source: Box<Rejection<ClockError>>,
    },
    /// A computed instant lies beyond the representable ones.
    #[error("an instant computed from {at} lies beyond the representable instants")]
    TooFar {
        /// The instant the computation started from.
        at: DateTime<Utc>,
    },
}

impl From<LifecyclePolicyError> for LifecycleError {
    fn from(e: LifecyclePolicyError) -> Self {
        LifecycleError::Policy(Box::new(e))
    }
}

impl From<CalendarError> for LifecycleError {
    fn from(e: CalendarError) -> Self {
        LifecycleError::Calendar(Box::new(e))
    }
}

impl From<UnknownCalendar> for LifecycleError {
    fn from(e: UnknownCalendar) -> Self {
        LifecycleError::UnknownCalendar(Box::new(e))
    }
}
