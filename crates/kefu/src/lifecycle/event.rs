//! What happened to a customer: the lifecycle's events, the durable truth its state is folded from.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::obligation::{Obligation, Withdrawal};
use super::policy::ContactChannel;
use crate::sla::ClockEvent;

/// A fact in a customer's life. Computed instants (when the customer will go quiet, lapse, when sales' silence
/// ends, when an obligation is due) are part of the events, so replay needs no configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LifecycleEvent {
    /// The contract was accepted; `documents` is the checklist this customer must complete (C5).
    ContractAccepted {
        /// When.
        at: DateTime<Utc>,
        /// The contract reference.
        contract: String,
        /// The checklist, copied from the policy.
        documents: Vec<String>,
    },
    /// An event of the C5 file clock.
    FileClock {
        /// The clock's event.
        event: ClockEvent,
    },
    /// A checklist document arrived.
    DocumentReceived {
        /// When.
        at: DateTime<Utc>,
        /// The checklist id.
        document: String,
    },
    /// The file was created (C5), possibly with documents missing.
    FileCreated {
        /// When.
        at: DateTime<Utc>,
        /// The sequential file number.
        file_number: u64,
        /// The checklist documents still missing.
        missing: Vec<String>,
    },
    /// Trading with the missing documents was approved (C6).
    ExceptionApproved {
        /// When the fact was recorded.
        at: DateTime<Utc>,
        /// The approval's reference.
        approval_id: String,
        /// Who approved.
        approver: String,
        /// The documents missing when it was approved.
        missing: Vec<String>,
    },
    /// An order was placed: the customer is active.
    OrderPlaced {
        /// When.
        at: DateTime<Utc>,
        /// The order reference.
        order: String,
        /// When the customer goes quiet without another order (F1).
        quiet_at: DateTime<Utc>,
        /// When the customer lapses without another order (F2).
        lapse_at: DateTime<Utc>,
        /// Whether this order brought a quiet or lapsed customer back.
        reactivated: bool,
    },
    /// No order for more than `quiet_after` (F1).
    WentQuiet {
        /// When (the last order plus `quiet_after`).
        at: DateTime<Utc>,
    },
    /// No business for more than `lapsed_after_months` (F2).
    Lapsed {
        /// When.
        at: DateTime<Utc>,
    },
    /// The contacts of a calendar month were scheduled for a lapsed customer (F2); the obligations follow.
    F2Month {
        /// When (the start of the month, the lapse or the take-over).
        at: DateTime<Utc>,
        /// The month, `YYYY-MM`.
        month: String,
        /// When the next month begins.
        next_month: DateTime<Utc>,
    },
    /// A follow-up obligation was opened.
    ObligationOpened(Obligation),
    /// An obligation's due instant passed without the contact; it stays open.
    ObligationOverdue {
        /// The obligation.
        id: u32,
        /// Its due instant.
        at: DateTime<Utc>,
    },
    /// A contact fulfilled an obligation.
    ObligationFulfilled {
        /// The obligation.
        id: u32,
        /// When.
        at: DateTime<Utc>,
        /// By which channel.
        channel: ContactChannel,
    },
    /// An obligation was withdrawn without a contact.
    ObligationWithdrawn {
        /// The obligation.
        id: u32,
        /// When.
        at: DateTime<Utc>,
        /// Why.
        reason: Withdrawal,
    },
    /// A payment became overdue.
    PaymentOverdue {
        /// When.
        at: DateTime<Utc>,
        /// The invoice.
        invoice: String,
    },
    /// An overdue payment was settled.
    PaymentSettled {
        /// When.
        at: DateTime<Utc>,
        /// The invoice.
        invoice: String,
    },
    /// Sales followed the customer up.
    SalesContactLogged {
        /// When.
        at: DateTime<Utc>,
        /// When sales' silence would exceed `sales_silent_months` (F3).
        silent_until: DateTime<Utc>,
    },
    /// The customer was handed to sales (F4).
    HandedToSales {
        /// When.
        at: DateTime<Utc>,
        /// When sales' silence would exceed `sales_silent_months` (F3).
        silent_until: DateTime<Utc>,
    },
    /// Sales handed the customer back.
    HandedBack {
        /// When.
        at: DateTime<Utc>,
    },
    /// Customer service took follow-up over from silent sales (F3).
    FollowUpTakenOver {
        /// When (the end of sales' silence, or the settlement of the last overdue payment if later).
        at: DateTime<Utc>,
    },
    /// A specialist was assigned.
    SpecialistAssigned {
        /// When.
        at: DateTime<Utc>,
        /// The specialist.
        specialist: String,
    },
    /// An event of the C4 briefing clock.
    BriefingClock {
        /// The clock's event.
        event: ClockEvent,
    },
    /// The briefing was recorded (C4).
    BriefingRecorded {
        /// When.
        at: DateTime<Utc>,
        /// Who recorded it.
        by: String,
        /// What was learnt.
        notes: String,
    },
    /// The customer's contact calendar was set or cleared (B9).
    ContactCalendarSet {
        /// When.
        at: DateTime<Utc>,
        /// The calendar name.
        calendar: Option<String>,
    },
    /// Customer service contacted the customer.
    ContactMade {
        /// When.
        at: DateTime<Utc>,
        /// How.
        channel: ContactChannel,
        /// Whether it happened inside the customer's quiet hours (B9), for the record.
        in_quiet_hours: bool,
    },
    /// The customer was closed.
    Closed {
        /// When.
        at: DateTime<Utc>,
        /// Why.
        reason: String,
    },
}

impl LifecycleEvent {
    /// The instant the fact happened.
    #[must_use]
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::FileClock { event } | Self::BriefingClock { event } => event.at(),
            Self::ObligationOpened(o) => o.opened_at,
            Self::ContractAccepted { at, .. }
            | Self::DocumentReceived { at, .. }
            | Self::FileCreated { at, .. }
            | Self::ExceptionApproved { at, .. }
            | Self::OrderPlaced { at, .. }
            | Self::WentQuiet { at }
            | Self::Lapsed { at }
            | Self::F2Month { at, .. }
            | Self::ObligationOverdue { at, .. }
            | Self::ObligationFulfilled { at, .. }
            | Self::ObligationWithdrawn { at, .. }
            | Self::PaymentOverdue { at, .. }
            | Self::PaymentSettled { at, .. }
            | Self::SalesContactLogged { at, .. }
            | Self::HandedToSales { at, .. }
            | Self::HandedBack { at }
            | Self::FollowUpTakenOver { at }
            | Self::SpecialistAssigned { at, .. }
            | Self::BriefingRecorded { at, .. }
            | Self::ContactCalendarSet { at, .. }
            | Self::ContactMade { at, .. }
            | Self::Closed { at, .. } => *at,
        }
    }
}
