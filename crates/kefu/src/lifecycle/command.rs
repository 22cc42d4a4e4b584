//! What the ERP tells the lifecycle: its facts about the customer, and the scheduler's tick.

use super::policy::ContactChannel;
use crate::machine::Kind;

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
