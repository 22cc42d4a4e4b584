//! The customer lifecycle machine: ERP facts in, follow-up obligations and clock events out.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Months, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::obligation::{FollowUp, Obligation, Owner, Withdrawal};
use super::policy::{ContactChannel, LifecycleConfig, LifecyclePolicyError};
use crate::calendar::{CalendarError, UnknownCalendar};
use crate::machine::{Context, Deadline, Kind, Machine, Rejection, Transition, allows, decide};
use crate::sla::{Clock, ClockCommand, ClockError, ClockEvent, ClockState};

/// The customer lifecycle machine (rules C4–C6, F1–F4, B9). Its configuration is a [`LifecycleConfig`].
#[derive(Clone, Copy, Debug)]
pub struct Lifecycle;

/// The kinds of state a customer is in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleKind {
    /// Known, no contract yet.
    #[default]
    Prospect,
    /// Contract accepted: the file is due (C5), documents are collected, no order yet (C6).
    Onboarding,
    /// Ordering: the last order is less than a week old (F1).
    Active,
    /// No order for more than a week (F1).
    Quiet,
    /// No business for more than a month (F2).
    Lapsed,
    /// No longer a customer. Final.
    Closed,
}

impl Kind for LifecycleKind {
    const ALL: &'static [Self] =
        &[Self::Prospect, Self::Onboarding, Self::Active, Self::Quiet, Self::Lapsed, Self::Closed];

    fn name(self) -> &'static str {
        match self {
            Self::Prospect => "prospect",
            Self::Onboarding => "onboarding",
            Self::Active => "active",
            Self::Quiet => "quiet",
            Self::Lapsed => "lapsed",
            Self::Closed => "closed",
        }
    }
}

/// An ERP fact about the customer, or a tick. The instant is the context's `now`, the actor its principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LifecycleCommand {
    /// The sales contract was signed and accepted: onboarding begins and the file clock starts (C5).
    ContractAccepted {
        /// The ERP's contract reference.
        contract: String,
    },
    /// A document of the checklist arrived (C5).
    DocumentReceived {
        /// The checklist id, e.g. `business_licence`.
        document: String,
    },
    /// The customer's file was created, with its sequential file number (C5). Stops the file clock.
    FileCreated {
        /// The sequential file number the ERP assigned (from 1).
        file_number: u64,
    },
    /// Trading with an incomplete file was approved (C6), e.g. by an
    /// [`ApprovalChain::c6_incomplete_file`](crate::approval::ApprovalChain::c6_incomplete_file) run by the ERP.
    ExceptionApproved {
        /// The approval's reference (the approval instance's id in the ERP).
        approval_id: String,
        /// Who approved (the marketing director or the general manager).
        approver: String,
    },
    /// An order was placed.
    OrderPlaced {
        /// The ERP's order reference.
        order: String,
    },
    /// A payment became overdue: the customer owes money (blocks the F3 take-over).
    PaymentOverdue {
        /// The ERP's invoice reference.
        invoice: String,
    },
    /// An overdue payment was settled.
    PaymentSettled {
        /// The ERP's invoice reference.
        invoice: String,
    },
    /// Sales followed the customer up (resets the F3 silence).
    SalesContactLogged,
    /// The customer was handed to the sales department for follow-up (F4).
    HandedToSales,
    /// Sales handed the customer back to customer service.
    HandedBack,
    /// The customer was assigned to a specialist (C3, decided elsewhere): the C4 briefing clock starts.
    SpecialistAssigned {
        /// The specialist's id.
        specialist: String,
    },
    /// The specialist recorded the hand-over briefing with the sales representative (C4). Stops the clock.
    BriefingRecorded {
        /// What was learnt.
        notes: String,
    },
    /// Customer service contacted the customer; fulfils the earliest open obligation the channel satisfies.
    ContactMade {
        /// How.
        channel: ContactChannel,
    },
    /// Sets (or clears) the customer's contact calendar: when contacting is allowed (B9, quiet hours).
    SetContactCalendar {
        /// A calendar name in the configuration's [`CalendarSet`](crate::calendar::CalendarSet), or `None` for "any time".
        calendar: Option<String>,
    },
    /// The customer is closed: obligations withdrawn, clocks cancelled.
    Close {
        /// Why.
        reason: String,
    },
    /// Time has passed: record what fell due (clocks, F1 quiet, F2 lapsed and months, overdue obligations, F3).
    Tick,
}

/// The kinds of [`LifecycleCommand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // one per command
pub enum LifecycleCommandKind {
    ContractAccepted,
    DocumentReceived,
    FileCreated,
    ExceptionApproved,
    OrderPlaced,
    PaymentOverdue,
    PaymentSettled,
    SalesContactLogged,
    HandedToSales,
    HandedBack,
    SpecialistAssigned,
    BriefingRecorded,
    ContactMade,
    SetContactCalendar,
    Close,
    Tick,
}

impl Kind for LifecycleCommandKind {
    const ALL: &'static [Self] = &[
        Self::ContractAccepted,
        Self::DocumentReceived,
        Self::FileCreated,
        Self::ExceptionApproved,
        Self::OrderPlaced,
        Self::PaymentOverdue,
        Self::PaymentSettled,
        Self::SalesContactLogged,
        Self::HandedToSales,
        Self::HandedBack,
        Self::SpecialistAssigned,
        Self::BriefingRecorded,
        Self::ContactMade,
        Self::SetContactCalendar,
        Self::Close,
        Self::Tick,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::ContractAccepted => "contract_accepted",
            Self::DocumentReceived => "document_received",
            Self::FileCreated => "file_created",
            Self::ExceptionApproved => "exception_approved",
            Self::OrderPlaced => "order_placed",
            Self::PaymentOverdue => "payment_overdue",
            Self::PaymentSettled => "payment_settled",
            Self::SalesContactLogged => "sales_contact_logged",
            Self::HandedToSales => "handed_to_sales",
            Self::HandedBack => "handed_back",
            Self::SpecialistAssigned => "specialist_assigned",
            Self::BriefingRecorded => "briefing_recorded",
            Self::ContactMade => "contact_made",
            Self::SetContactCalendar => "set_contact_calendar",
            Self::Close => "close",
            Self::Tick => "tick",
        }
    }
}

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

/// The C6 exception on record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionRecord {
    /// The approval's reference.
    pub approval_id: String,
    /// Who approved.
    pub approver: String,
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// The documents missing then.
    pub missing: Vec<String>,
}

/// A customer's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleState {
    kind: LifecycleKind,
    owner: Owner,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contract: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    documents: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    received: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    file_number: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exception: Option<ExceptionRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    file_clock: Option<ClockState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    specialist: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    briefed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    briefing_clock: Option<ClockState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_order: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quiet_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lapse_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    f2_next_month: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    overdue_invoices: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    settled_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sales_silent_until: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contact_calendar: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    obligations: Vec<Obligation>,
    #[serde(default)]
    obligations_opened: u32,
    #[serde(default)]
    contacts_made: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_at: Option<DateTime<Utc>>,
}

impl LifecycleState {
    /// The kind of state.
    pub fn kind(&self) -> LifecycleKind {
        self.kind
    }

    /// Who follows the customer up (F3, F4).
    pub fn owner(&self) -> Owner {
        self.owner
    }

    /// The contract reference, once accepted.
    pub fn contract(&self) -> Option<&str> {
        self.contract.as_deref()
    }

    /// The customer's document checklist (copied from the policy at the contract).
    pub fn documents(&self) -> &[String] {
        &self.documents
    }

    /// The checklist documents not yet received, in checklist order.
    pub fn missing_documents(&self) -> Vec<String> {
        self.documents.iter().filter(|d| !self.received.contains(*d)).cloned().collect()
    }

    /// The file number, once the file is created (C5).
    pub fn file_number(&self) -> Option<u64> {
        self.file_number
    }

    /// The C6 exception, if one was approved.
    pub fn exception(&self) -> Option<&ExceptionRecord> {
        self.exception.as_ref()
    }

    /// The C5 file clock, once the contract is accepted.
    pub fn file_clock(&self) -> Option<&ClockState> {
        self.file_clock.as_ref()
    }

    /// The assigned specialist.
    pub fn specialist(&self) -> Option<&str> {
        self.specialist.as_deref()
    }

    /// When the current specialist recorded the briefing (C4).
    pub fn briefed_at(&self) -> Option<DateTime<Utc>> {
        self.briefed_at
    }

    /// The C4 briefing clock of the current assignment.
    pub fn briefing_clock(&self) -> Option<&ClockState> {
        self.briefing_clock.as_ref()
    }

    /// The last order's instant.
    pub fn last_order(&self) -> Option<DateTime<Utc>> {
        self.last_order
    }

    /// When the customer goes quiet (while active) and when it lapses (while active or quiet) without an order.
    pub fn quiet_and_lapse_at(&self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        (self.quiet_at, self.lapse_at)
    }

    /// The overdue invoices: the customer owes money while this is not empty.
    pub fn overdue_invoices(&self) -> impl Iterator<Item = &str> {
        self.overdue_invoices.iter().map(String::as_str)
    }

    /// Whether the customer owes money (an overdue payment not settled).
    pub fn owes_money(&self) -> bool {
        !self.overdue_invoices.is_empty()
    }

    /// While sales own the follow-up and the customer owes nothing: when customer service takes over (F3).
    pub fn take_over_at(&self) -> Option<DateTime<Utc>> {
        if self.owner != Owner::Sales || self.owes_money() {
            return None;
        }
        let silent = self.sales_silent_until?;
        Some(self.settled_at.map_or(silent, |s| silent.max(s)))
    }

    /// The contact calendar's name (B9).
    pub fn contact_calendar(&self) -> Option<&str> {
        self.contact_calendar.as_deref()
    }

    /// The open follow-up obligations, in the order they were opened.
    pub fn obligations(&self) -> &[Obligation] {
        &self.obligations
    }

    /// How many obligations were ever opened (the next one gets this number plus one).
    pub fn obligations_opened(&self) -> u32 {
        self.obligations_opened
    }

    /// How many contacts customer service made.
    pub fn contacts_made(&self) -> u32 {
        self.contacts_made
    }

    /// The instant of the latest event.
    pub fn last_at(&self) -> Option<DateTime<Utc>> {
        self.last_at
    }
}

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

const TABLE: &[Transition<LifecycleKind, LifecycleCommandKind>] = {
    use LifecycleCommandKind as C;
    use LifecycleKind as S;
    &[
        Transition::new(S::Prospect, C::ContractAccepted, &[S::Onboarding]),
        Transition::new(S::Prospect, C::SalesContactLogged, &[S::Prospect]),
        Transition::new(S::Prospect, C::HandedToSales, &[S::Prospect]),
        Transition::new(S::Prospect, C::HandedBack, &[S::Prospect]),
        Transition::new(S::Prospect, C::SpecialistAssigned, &[S::Prospect]),
        Transition::new(S::Prospect, C::BriefingRecorded, &[S::Prospect]),
        Transition::new(S::Prospect, C::ContactMade, &[S::Prospect]),
        Transition::new(S::Prospect, C::SetContactCalendar, &[S::Prospect]),
        Transition::new(S::Prospect, C::Close, &[S::Closed]),
        Transition::new(S::Prospect, C::Tick, &[S::Prospect]),
        //
        Transition::new(S::Onboarding, C::DocumentReceived, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::FileCreated, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::ExceptionApproved, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::OrderPlaced, &[S::Active]),
        Transition::new(S::Onboarding, C::SalesContactLogged, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::HandedToSales, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::HandedBack, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::SpecialistAssigned, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::BriefingRecorded, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::ContactMade, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::SetContactCalendar, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::Close, &[S::Closed]),
        Transition::new(S::Onboarding, C::Tick, &[S::Onboarding]),
        //
        Transition::new(S::Active, C::OrderPlaced, &[S::Active]),
        Transition::new(S::Active, C::DocumentReceived, &[S::Active]),
        Transition::new(S::Active, C::PaymentOverdue, &[S::Active]),
        Transition::new(S::Active, C::PaymentSettled, &[S::Active]),
        Transition::new(S::Active, C::SalesContactLogged, &[S::Active]),
        Transition::new(S::Active, C::HandedToSales, &[S::Active]),
        Transition::new(S::Active, C::HandedBack, &[S::Active]),
        Transition::new(S::Active, C::SpecialistAssigned, &[S::Active]),
        Transition::new(S::Active, C::BriefingRecorded, &[S::Active]),
        Transition::new(S::Active, C::ContactMade, &[S::Active]),
        Transition::new(S::Active, C::SetContactCalendar, &[S::Active]),
        Transition::new(S::Active, C::Close, &[S::Closed]),
        Transition::new(S::Active, C::Tick, &[S::Active, S::Quiet, S::Lapsed]),
        //
        Transition::new(S::Quiet, C::OrderPlaced, &[S::Active]),
        Transition::new(S::Quiet, C::DocumentReceived, &[S::Quiet]),
        Transition::new(S::Quiet, C::PaymentOverdue, &[S::Quiet]),
        Transition::new(S::Quiet, C::PaymentSettled, &[S::Quiet]),
        Transition::new(S::Quiet, C::SalesContactLogged, &[S::Quiet]),
        Transition::new(S::Quiet, C::HandedToSales, &[S::Quiet]),
        Transition::new(S::Quiet, C::HandedBack, &[S::Quiet]),
        Transition::new(S::Quiet, C::SpecialistAssigned, &[S::Quiet]),
        Transition::new(S::Quiet, C::BriefingRecorded, &[S::Quiet]),
        Transition::new(S::Quiet, C::ContactMade, &[S::Quiet]),
        Transition::new(S::Quiet, C::SetContactCalendar, &[S::Quiet]),
        Transition::new(S::Quiet, C::Close, &[S::Closed]),
        Transition::new(S::Quiet, C::Tick, &[S::Quiet, S::Lapsed]),
        //
        Transition::new(S::Lapsed, C::OrderPlaced, &[S::Active]),
        Transition::new(S::Lapsed, C::DocumentReceived, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::PaymentOverdue, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::PaymentSettled, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::SalesContactLogged, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::HandedToSales, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::HandedBack, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::SpecialistAssigned, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::BriefingRecorded, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::ContactMade, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::SetContactCalendar, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::Close, &[S::Closed]),
        Transition::new(S::Lapsed, C::Tick, &[S::Lapsed]),
    ]
};

/// What falls due at a deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    FileClock,
    BriefingClock,
    Quiet,
    Lapse,
    Month,
    TakeOver,
    Obligation(u32),
}

impl Due {
    fn label(self, state: &LifecycleState) -> &'static str {
        match self {
            Due::FileClock => "c5_file",
            Due::BriefingClock => "c4_briefing",
            Due::Quiet => "f1_quiet",
            Due::Lapse => "f2_lapsed",
            Due::Month => "f2_month",
            Due::TakeOver => "f3_take_over",
            Due::Obligation(id) => match state.obligations.iter().find(|o| o.id == id).map(|o| &o.follow_up) {
                Some(FollowUp::F1Call) => "f1_call",
                _ => "f2_contact",
            },
        }
    }
}

/// Everything the customer waits for, with its instant (unordered).
fn dues(state: &LifecycleState) -> impl Iterator<Item = (DateTime<Utc>, Due)> + '_ {
    let clock = |c: &Option<ClockState>, due| c.as_ref().and_then(ClockState::next_threshold).map(|(_, at)| (at, due));
    let kind = state.kind;
    let service = state.owner == Owner::CustomerService;
    [
        clock(&state.file_clock, Due::FileClock),
        clock(&state.briefing_clock, Due::BriefingClock),
        state.quiet_at.filter(|_| kind == LifecycleKind::Active).map(|at| (at, Due::Quiet)),
        state.lapse_at.filter(|_| kind == LifecycleKind::Quiet).map(|at| (at, Due::Lapse)),
        state.f2_next_month.filter(|_| kind == LifecycleKind::Lapsed && service).map(|at| (at, Due::Month)),
        state.take_over_at().filter(|_| kind != LifecycleKind::Closed).map(|at| (at, Due::TakeOver)),
    ]
    .into_iter()
    .flatten()
    .chain(state.obligations.iter().filter(|o| !o.overdue).map(|o| (o.due, Due::Obligation(o.id))))
}

type Ctx<'a, 'c> = &'a Context<'c, LifecycleConfig>;

/// Runs a command on an embedded clock when the clock's table accepts it in its state; wraps its events.
fn on_clock(
    clock: Option<&ClockState>,
    command: ClockCommand,
    which: &'static str,
    ctx: Ctx<'_, '_>,
) -> Result<Vec<ClockEvent>, LifecycleError> {
    let fresh = ClockState::default();
    let state = match (clock, &command) {
        (None, ClockCommand::Start(_)) => &fresh,
        (Some(c), _) => c,
        (None, _) => return Ok(Vec::new()),
    };
    if !allows::<Clock>(state.kind(), Clock::command_kind(&command)) {
        return Ok(Vec::new());
    }
    decide::<Clock>(state, &command, &ctx.with_config(&ctx.config().calendars))
        .map_err(|source| LifecycleError::Clock { clock: which, source: Box::new(source) })
}

fn file_clock(events: Vec<ClockEvent>) -> impl Iterator<Item = LifecycleEvent> {
    events.into_iter().map(|event| LifecycleEvent::FileClock { event })
}

fn briefing_clock(events: Vec<ClockEvent>) -> impl Iterator<Item = LifecycleEvent> {
    events.into_iter().map(|event| LifecycleEvent::BriefingClock { event })
}

fn months_zone(ctx: Ctx<'_, '_>) -> Result<Tz, LifecycleError> {
    Ok(ctx.config().calendars.get(&ctx.config().policy.months_calendar)?.time_zone())
}

/// `t` plus `n` calendar months on the wall clock of `tz` (the last day of a shorter month when the day is missing).
fn add_months(tz: Tz, t: DateTime<Utc>, n: u32) -> Result<DateTime<Utc>, LifecycleError> {
    let local = t.with_timezone(&tz).naive_local();
    let moved = local.checked_add_months(Months::new(n)).ok_or(LifecycleError::TooFar { at: t })?;
    tz.from_local_datetime(&moved)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(moved + TimeDelta::hours(1))).earliest())
        .map(|d| d.to_utc())
        .ok_or(LifecycleError::TooFar { at: t })
}

/// The month of `t` in `tz` (`YYYY-MM`) and the instant the next month begins.
fn month_of(tz: Tz, t: DateTime<Utc>) -> Result<(String, DateTime<Utc>), LifecycleError> {
    let local = t.with_timezone(&tz);
    let (y, m) = (local.year(), local.month());
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let next = (0..3)
        .find_map(|h| tz.with_ymd_and_hms(ny, nm, 1, h, 0, 0).earliest())
        .map(|d| d.to_utc())
        .ok_or(LifecycleError::TooFar { at: t })?;
    Ok((format!("{y:04}-{m:02}"), next))
}

/// Collects events while applying them to a working copy, so that later decisions see earlier ones.
struct Log {
    work: LifecycleState,
    events: Vec<LifecycleEvent>,
}

impl Log {
    fn new(state: &LifecycleState) -> Self {
        Self { work: state.clone(), events: Vec::new() }
    }

    fn push(&mut self, event: LifecycleEvent) {
        Lifecycle::evolve(&mut self.work, &event);
        self.events.push(event);
    }

    fn extend(&mut self, events: impl IntoIterator<Item = LifecycleEvent>) {
        for event in events {
            self.push(event);
        }
    }

    /// The contact instant `t` moved out of the customer's quiet hours (B9).
    fn contact_due(&self, t: DateTime<Utc>, ctx: Ctx<'_, '_>) -> Result<DateTime<Utc>, LifecycleError> {
        match &self.work.contact_calendar {
            Some(name) => Ok(ctx.config().calendars.get(name)?.next_open(t)?),
            None => Ok(t),
        }
    }

    fn open(
        &mut self,
        follow_up: FollowUp,
        at: DateTime<Utc>,
        due: DateTime<Utc>,
        ctx: Ctx<'_, '_>,
    ) -> Result<(), LifecycleError> {
        let due = self.contact_due(due, ctx)?;
        let id = self.work.obligations_opened + 1;
        self.push(LifecycleEvent::ObligationOpened(Obligation { id, follow_up, opened_at: at, due, overdue: false }));
        Ok(())
    }

    /// F1: the calls due within `f1_call_within` after `at`.
    fn open_f1(&mut self, at: DateTime<Utc>, ctx: Ctx<'_, '_>) -> Result<(), LifecycleError> {
        let policy = &ctx.config().policy;
        let due = at.checked_add_signed(policy.f1_call_within).ok_or(LifecycleError::TooFar { at })?;
        for _ in 0..policy.f1_calls {
            self.open(FollowUp::F1Call, at, due, ctx)?;
        }
        Ok(())
    }

    /// F2: the contacts of the rest of `at`'s month, at regular times up to its end.
    fn open_f2_month(&mut self, at: DateTime<Utc>, ctx: Ctx<'_, '_>) -> Result<(), LifecycleError> {
        let (month, next_month) = month_of(months_zone(ctx)?, at)?;
        self.push(LifecycleEvent::F2Month { at, month: month.clone(), next_month });
        let of = ctx.config().policy.f2_contacts_per_month;
        let span = next_month - at;
        let n = i32::try_from(of).unwrap_or(i32::MAX);
        for number in 1..=of {
            let k = i32::try_from(number).unwrap_or(i32::MAX);
            let due = at + span / n * k;
            self.open(FollowUp::F2Contact { month: month.clone(), number, of }, at, due, ctx)?;
        }
        Ok(())
    }

    /// The obligations customer service registers when it (again) owns a customer at `at`.
    fn register(&mut self, at: DateTime<Utc>, ctx: Ctx<'_, '_>) -> Result<(), LifecycleError> {
        match self.work.kind {
            LifecycleKind::Quiet => self.open_f1(at, ctx),
            LifecycleKind::Lapsed => self.open_f2_month(at, ctx),
            _ => Ok(()),
        }
    }

    fn withdraw_all(&mut self, at: DateTime<Utc>, reason: Withdrawal) {
        let ids: Vec<u32> = self.work.obligations.iter().map(|o| o.id).collect();
        for id in ids {
            self.push(LifecycleEvent::ObligationWithdrawn { id, at, reason });
        }
    }

    /// Records everything that fell due at or before `ctx.now()`, earliest first.
    fn catch_up(&mut self, ctx: Ctx<'_, '_>) -> Result<(), LifecycleError> {
        let now = ctx.now();
        while let Some((at, due)) = dues(&self.work).filter(|(at, _)| *at <= now).min() {
            match due {
                Due::FileClock => {
                    let events = on_clock(self.work.file_clock.as_ref(), ClockCommand::Tick, "file", ctx)?;
                    self.extend(file_clock(events));
                }
                Due::BriefingClock => {
                    let events = on_clock(self.work.briefing_clock.as_ref(), ClockCommand::Tick, "briefing", ctx)?;
                    self.extend(briefing_clock(events));
                }
                Due::Quiet => {
                    self.push(LifecycleEvent::WentQuiet { at });
                    if self.work.owner == Owner::CustomerService {
                        self.open_f1(at, ctx)?;
                    }
                }
                Due::Lapse => {
                    self.push(LifecycleEvent::Lapsed { at });
                    if self.work.owner == Owner::CustomerService {
                        self.open_f2_month(at, ctx)?;
                    }
                }
                Due::Month => self.open_f2_month(at, ctx)?,
                Due::TakeOver => {
                    self.push(LifecycleEvent::FollowUpTakenOver { at });
                    self.register(at, ctx)?;
                }
                Due::Obligation(id) => self.push(LifecycleEvent::ObligationOverdue { id, at }),
            }
        }
        Ok(())
    }
}

fn non_empty(field: &'static str, value: &str) -> Result<(), LifecycleError> {
    if value.trim().is_empty() { Err(LifecycleError::Empty { field }) } else { Ok(()) }
}

impl Machine for Lifecycle {
    const NAME: &'static str = "customer_lifecycle";
    type State = LifecycleState;
    type Command = LifecycleCommand;
    type Event = LifecycleEvent;
    type Config = LifecycleConfig;
    type Error = LifecycleError;
    type StateKind = LifecycleKind;
    type CommandKind = LifecycleCommandKind;

    fn initial() -> LifecycleState {
        LifecycleState::default()
    }

    fn transitions() -> &'static [Transition<LifecycleKind, LifecycleCommandKind>] {
        TABLE
    }

    fn finals() -> &'static [LifecycleKind] {
        &[LifecycleKind::Closed]
    }

    fn state_kind(state: &LifecycleState) -> LifecycleKind {
        state.kind
    }

    fn command_kind(command: &LifecycleCommand) -> LifecycleCommandKind {
        use LifecycleCommand as C;
        use LifecycleCommandKind as K;
        match command {
            C::ContractAccepted { .. } => K::ContractAccepted,
            C::DocumentReceived { .. } => K::DocumentReceived,
            C::FileCreated { .. } => K::FileCreated,
            C::ExceptionApproved { .. } => K::ExceptionApproved,
            C::OrderPlaced { .. } => K::OrderPlaced,
            C::PaymentOverdue { .. } => K::PaymentOverdue,
            C::PaymentSettled { .. } => K::PaymentSettled,
            C::SalesContactLogged => K::SalesContactLogged,
            C::HandedToSales => K::HandedToSales,
            C::HandedBack => K::HandedBack,
            C::SpecialistAssigned { .. } => K::SpecialistAssigned,
            C::BriefingRecorded { .. } => K::BriefingRecorded,
            C::ContactMade { .. } => K::ContactMade,
            C::SetContactCalendar { .. } => K::SetContactCalendar,
            C::Close { .. } => K::Close,
            C::Tick => K::Tick,
        }
    }

    fn handle(
        state: &LifecycleState,
        command: &LifecycleCommand,
        ctx: &Context<'_, LifecycleConfig>,
    ) -> Result<Vec<LifecycleEvent>, LifecycleError> {
        use LifecycleCommand as C;
        use LifecycleEvent as E;
        let now = ctx.now();
        if let Some(last) = state.last_at.filter(|&last| now < last) {
            return Err(LifecycleError::TimeWentBackwards { last, now });
        }
        let policy = &ctx.config().policy;
        match command {
            C::Tick => {
                if !dues(state).any(|(at, _)| at <= now) {
                    return Ok(Vec::new()); // nothing due: no clone
                }
                let mut log = Log::new(state);
                log.catch_up(ctx)?;
                Ok(log.events)
            }
            C::ContractAccepted { contract } => {
                non_empty("contract", contract)?;
                policy.validate()?;
                months_zone(ctx)?;
                let mut events = vec![E::ContractAccepted {
                    at: now,
                    contract: contract.clone(),
                    documents: policy.documents.clone(),
                }];
                events.extend(file_clock(on_clock(
                    None,
                    ClockCommand::Start(policy.file_within.clone()),
                    "file",
                    ctx,
                )?));
                Ok(events)
            }
            C::DocumentReceived { document } => {
                if !state.documents.contains(document) {
                    return Err(LifecycleError::UnknownDocument {
                        document: document.clone(),
                        checklist: state.documents.clone(),
                    });
                }
                if state.received.contains(document) {
                    return Ok(Vec::new());
                }
                Ok(vec![E::DocumentReceived { at: now, document: document.clone() }])
            }
            C::FileCreated { file_number } => {
                if let Some(file_number) = state.file_number {
                    return Err(LifecycleError::FileExists { file_number });
                }
                if *file_number == 0 {
                    return Err(LifecycleError::FileNumberZero);
                }
                let mut events: Vec<E> =
                    file_clock(on_clock(state.file_clock.as_ref(), ClockCommand::Stop, "file", ctx)?).collect();
                events.push(E::FileCreated { at: now, file_number: *file_number, missing: state.missing_documents() });
                Ok(events)
            }
            C::ExceptionApproved { approval_id, approver } => {
                non_empty("approval_id", approval_id)?;
                non_empty("approver", approver)?;
                let missing = state.missing_documents();
                if missing.is_empty() {
                    return Err(LifecycleError::NothingMissing);
                }
                Ok(vec![E::ExceptionApproved {
                    at: now,
                    approval_id: approval_id.clone(),
                    approver: approver.clone(),
                    missing,
                }])
            }
            C::OrderPlaced { order } => {
                non_empty("order", order)?;
                if state.kind == LifecycleKind::Onboarding {
                    // Rules C5 and C6: trading needs the file, and a complete one or an approved exception.
                    if state.file_number.is_none() {
                        return Err(LifecycleError::NoFile);
                    }
                    let missing = state.missing_documents();
                    if !missing.is_empty() && state.exception.is_none() {
                        return Err(LifecycleError::IncompleteFile { missing });
                    }
                }
                let quiet_at = now.checked_add_signed(policy.quiet_after).ok_or(LifecycleError::TooFar { at: now })?;
                let lapse_at = add_months(months_zone(ctx)?, now, policy.lapsed_after_months)?;
                let reactivated = matches!(state.kind, LifecycleKind::Quiet | LifecycleKind::Lapsed);
                Ok(vec![E::OrderPlaced { at: now, order: order.clone(), quiet_at, lapse_at, reactivated }])
            }
            C::PaymentOverdue { invoice } => {
                non_empty("invoice", invoice)?;
                if state.overdue_invoices.contains(invoice) {
                    return Ok(Vec::new());
                }
                Ok(vec![E::PaymentOverdue { at: now, invoice: invoice.clone() }])
            }
            C::PaymentSettled { invoice } => {
                if !state.overdue_invoices.contains(invoice) {
                    return Ok(Vec::new()); // a payment that was never overdue changes nothing here
                }
                Ok(vec![E::PaymentSettled { at: now, invoice: invoice.clone() }])
            }
            C::SalesContactLogged => {
                let silent_until = add_months(months_zone(ctx)?, now, policy.sales_silent_months)?;
                Ok(vec![E::SalesContactLogged { at: now, silent_until }])
            }
            C::HandedToSales => {
                if state.owner == Owner::Sales {
                    return Err(LifecycleError::AlreadyWithSales);
                }
                let silent_until = add_months(months_zone(ctx)?, now, policy.sales_silent_months)?;
                let mut log = Log::new(state);
                log.withdraw_all(now, Withdrawal::HandedToSales);
                log.push(E::HandedToSales { at: now, silent_until });
                Ok(log.events)
            }
            C::HandedBack => {
                if state.owner != Owner::Sales {
                    return Err(LifecycleError::NotWithSales);
                }
                let mut log = Log::new(state);
                log.push(E::HandedBack { at: now });
                log.register(now, ctx)?;
                Ok(log.events)
            }
            C::SpecialistAssigned { specialist } => {
                non_empty("specialist", specialist)?;
                if state.specialist.as_ref() == Some(specialist) {
                    return Ok(Vec::new());
                }
                let cancel = ClockCommand::Cancel { reason: format!("customer reassigned to {specialist}") };
                let mut events: Vec<E> =
                    briefing_clock(on_clock(state.briefing_clock.as_ref(), cancel, "briefing", ctx)?).collect();
                events.push(E::SpecialistAssigned { at: now, specialist: specialist.clone() });
                let start = ClockCommand::Start(policy.briefing_within.clone());
                events.extend(briefing_clock(on_clock(None, start, "briefing", ctx)?));
                Ok(events)
            }
            C::BriefingRecorded { notes } => {
                let Some(specialist) = state.specialist.as_deref() else {
                    return Err(LifecycleError::NoSpecialist);
                };
                // Rule C4: the assigned specialist talks with the sales representative and records it (or the ERP
                // imports the record as the system principal).
                let by = ctx.principal();
                if by.id() != specialist && !by.is_system() {
                    return Err(LifecycleError::NotTheSpecialist {
                        principal: by.id().to_owned(),
                        specialist: specialist.to_owned(),
                    });
                }
                if let Some(at) = state.briefed_at {
                    return Err(LifecycleError::AlreadyBriefed { at });
                }
                let mut events: Vec<E> =
                    briefing_clock(on_clock(state.briefing_clock.as_ref(), ClockCommand::Stop, "briefing", ctx)?)
                        .collect();
                events.push(E::BriefingRecorded { at: now, by: ctx.principal().id().to_owned(), notes: notes.clone() });
                Ok(events)
            }
            C::ContactMade { channel } => {
                let in_quiet_hours = match &state.contact_calendar {
                    Some(name) => !ctx.config().calendars.get(name)?.is_open(now)?,
                    None => false,
                };
                let mut events = vec![E::ContactMade { at: now, channel: *channel, in_quiet_hours }];
                let fulfils = state
                    .obligations
                    .iter()
                    .filter(|o| o.accepts(*channel, &policy.f1_channels))
                    .min_by_key(|o| (o.due, o.id));
                if let Some(o) = fulfils {
                    events.push(E::ObligationFulfilled { id: o.id, at: now, channel: *channel });
                }
                Ok(events)
            }
            C::SetContactCalendar { calendar } => {
                if let Some(name) = calendar {
                    ctx.config().calendars.get(name)?;
                }
                if state.contact_calendar == *calendar {
                    return Ok(Vec::new());
                }
                Ok(vec![E::ContactCalendarSet { at: now, calendar: calendar.clone() }])
            }
            C::Close { reason } => {
                let mut log = Log::new(state);
                log.withdraw_all(now, Withdrawal::Closed);
                let cancel = || ClockCommand::Cancel { reason: "customer closed".to_owned() };
                log.extend(file_clock(on_clock(state.file_clock.as_ref(), cancel(), "file", ctx)?));
                log.extend(briefing_clock(on_clock(state.briefing_clock.as_ref(), cancel(), "briefing", ctx)?));
                log.push(E::Closed { at: now, reason: reason.clone() });
                Ok(log.events)
            }
        }
    }

    fn evolve(state: &mut LifecycleState, event: &LifecycleEvent) {
        use LifecycleEvent as E;
        let at = match event {
            E::FileClock { event } | E::BriefingClock { event } => event.at(),
            E::ObligationOpened(o) => o.opened_at,
            E::ContractAccepted { at, .. }
            | E::DocumentReceived { at, .. }
            | E::FileCreated { at, .. }
            | E::ExceptionApproved { at, .. }
            | E::OrderPlaced { at, .. }
            | E::WentQuiet { at }
            | E::Lapsed { at }
            | E::F2Month { at, .. }
            | E::ObligationOverdue { at, .. }
            | E::ObligationFulfilled { at, .. }
            | E::ObligationWithdrawn { at, .. }
            | E::PaymentOverdue { at, .. }
            | E::PaymentSettled { at, .. }
            | E::SalesContactLogged { at, .. }
            | E::HandedToSales { at, .. }
            | E::HandedBack { at }
            | E::FollowUpTakenOver { at }
            | E::SpecialistAssigned { at, .. }
            | E::BriefingRecorded { at, .. }
            | E::ContactCalendarSet { at, .. }
            | E::ContactMade { at, .. }
            | E::Closed { at, .. } => *at,
        };
        state.last_at = Some(state.last_at.map_or(at, |last| last.max(at)));
        match event {
            E::ContractAccepted { contract, documents, .. } => {
                state.kind = LifecycleKind::Onboarding;
                state.contract = Some(contract.clone());
                state.documents.clone_from(documents);
            }
            E::FileClock { event } => {
                if matches!(event, ClockEvent::Started { .. }) {
                    state.file_clock = Some(ClockState::default());
                }
                if let Some(clock) = state.file_clock.as_mut() {
                    Clock::evolve(clock, event);
                }
            }
            E::DocumentReceived { document, .. } => {
                state.received.insert(document.clone());
            }
            E::FileCreated { file_number, .. } => state.file_number = Some(*file_number),
            E::ExceptionApproved { at, approval_id, approver, missing } => {
                state.exception = Some(ExceptionRecord {
                    approval_id: approval_id.clone(),
                    approver: approver.clone(),
                    at: *at,
                    missing: missing.clone(),
                });
            }
            E::OrderPlaced { at, quiet_at, lapse_at, .. } => {
                state.kind = LifecycleKind::Active;
                state.last_order = Some(*at);
                state.quiet_at = Some(*quiet_at);
                state.lapse_at = Some(*lapse_at);
                state.f2_next_month = None;
            }
            E::WentQuiet { .. } => state.kind = LifecycleKind::Quiet,
            E::Lapsed { .. } => state.kind = LifecycleKind::Lapsed,
            E::F2Month { next_month, .. } => state.f2_next_month = Some(*next_month),
            E::ObligationOpened(o) => {
                state.obligations_opened = state.obligations_opened.max(o.id);
                state.obligations.push(o.clone());
            }
            E::ObligationOverdue { id, .. } => {
                if let Some(o) = state.obligations.iter_mut().find(|o| o.id == *id) {
                    o.overdue = true;
                }
            }
            E::ObligationFulfilled { id, .. } | E::ObligationWithdrawn { id, .. } => {
                state.obligations.retain(|o| o.id != *id);
            }
            E::PaymentOverdue { invoice, .. } => {
                state.overdue_invoices.insert(invoice.clone());
            }
            E::PaymentSettled { at, invoice } => {
                state.overdue_invoices.remove(invoice);
                if state.overdue_invoices.is_empty() {
                    state.settled_at = Some(*at);
                }
            }
            E::SalesContactLogged { silent_until, .. } => state.sales_silent_until = Some(*silent_until),
            E::HandedToSales { silent_until, .. } => {
                state.owner = Owner::Sales;
                state.sales_silent_until = Some(*silent_until);
                state.f2_next_month = None;
            }
            E::HandedBack { .. } | E::FollowUpTakenOver { .. } => {
                state.owner = Owner::CustomerService;
                state.f2_next_month = None;
            }
            E::SpecialistAssigned { specialist, .. } => {
                state.specialist = Some(specialist.clone());
                state.briefed_at = None;
                state.briefing_clock = None;
            }
            E::BriefingClock { event } => {
                let clock = state.briefing_clock.get_or_insert_with(ClockState::default);
                Clock::evolve(clock, event);
            }
            E::BriefingRecorded { at, .. } => state.briefed_at = Some(*at),
            E::ContactCalendarSet { calendar, .. } => state.contact_calendar.clone_from(calendar),
            E::ContactMade { .. } => state.contacts_made += 1,
            E::Closed { .. } => state.kind = LifecycleKind::Closed,
        }
    }

    /// The kind changes only on a handful of events; no clone of the state is needed.
    fn kind_after(state: &LifecycleState, events: &[LifecycleEvent]) -> LifecycleKind {
        events.iter().fold(state.kind, |kind, event| match event {
            LifecycleEvent::ContractAccepted { .. } => LifecycleKind::Onboarding,
            LifecycleEvent::OrderPlaced { .. } => LifecycleKind::Active,
            LifecycleEvent::WentQuiet { .. } => LifecycleKind::Quiet,
            LifecycleEvent::Lapsed { .. } => LifecycleKind::Lapsed,
            LifecycleEvent::Closed { .. } => LifecycleKind::Closed,
            _ => kind,
        })
    }

    fn deadlines(state: &LifecycleState) -> Vec<Deadline> {
        dues(state).map(|(at, due)| Deadline::new(at, due.label(state))).collect()
    }
}
