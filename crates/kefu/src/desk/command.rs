//! What the desk is told: ERP facts about customers, and commands on the instances of any machine.

use serde::{Deserialize, Serialize};

use super::board::BoardCommand;
use super::campaign::CampaignCommand;
use super::notice::NoticeCommand;
use super::profile::{Details, ProfileCommand};
use crate::approval::ApprovalCommand;
use crate::callback::CallbackCommand;
use crate::case::{Class, InquiryChannel};
use crate::lifecycle::LifecycleCommand;
use crate::script::RunCommand;

/// A fact the ERP reports about a customer. [`Desk::submit`](super::Desk::submit) turns each into a command on
/// the right instance; the rest follows by reactions.
///
/// As JSON (the HTTP service's body), a fact is tagged by `fact`:
///
/// ```
/// use kefu::desk::Fact;
///
/// let fact: Fact = serde_json::from_str(r#"{ "fact": "order_placed", "order": "SO-7781" }"#)?;
/// assert_eq!(fact, Fact::OrderPlaced { order: "SO-7781".into() });
/// let details: Fact = serde_json::from_str(r#"{ "fact": "customer_details", "region": "east" }"#)?;
/// assert!(matches!(details, Fact::CustomerDetails(d) if d.region.as_deref() == Some("east")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fact {
    /// The customer's details: name, contact, segment, region, contact calendar (rule B9).
    CustomerDetails(Details),
    /// The sales contract was signed and accepted (rule C5): the customer is new to customer service (C3).
    ContractAccepted {
        /// The ERP's contract reference.
        contract: String,
    },
    /// A document of the C5 checklist arrived.
    DocumentReceived {
        /// The checklist id.
        document: String,
    },
    /// The customer's file was created with its sequential number (rule C5).
    FileCreated {
        /// The file number.
        file_number: u64,
    },
    /// An order was placed; refused while the file is incomplete, which opens a C6 approval.
    OrderPlaced {
        /// The ERP's order reference.
        order: String,
    },
    /// A payment became overdue (blocks the F3 take-over).
    PaymentOverdue {
        /// The invoice.
        invoice: String,
    },
    /// An overdue payment was settled.
    PaymentSettled {
        /// The invoice.
        invoice: String,
    },
    /// Sales followed the customer up (rule F3).
    SalesContact,
    /// The customer was handed to sales (rule F4).
    HandedToSales,
    /// Sales handed the customer back.
    HandedBack,
    /// A sale was completed: the after-sale callback is due within a week (rule B3).
    SaleCompleted {
        /// The sale (order) reference.
        sale: String,
    },
    /// A credit-limit or payment-term change was requested (rule C7): the approval chain starts.
    CreditChangeRequested {
        /// The ERP's request reference.
        request: String,
        /// What is asked, for the approvers.
        subject: String,
    },
    /// An inbound inquiry (rules Q1, Q2): a case opens, classified.
    Inquiry {
        /// The ERP's reference.
        reference: String,
        /// How it arrived.
        channel: InquiryChannel,
        /// What the customer asked (personal data).
        text: String,
        /// Its class (nature and urgency, rule Q2).
        class: Class,
    },
    /// The customer is closed.
    Closed {
        /// Why.
        reason: String,
    },
}

impl Fact {
    /// The fact's name as JSON spells it (`order_placed`).
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::CustomerDetails(_) => "customer_details",
            Self::ContractAccepted { .. } => "contract_accepted",
            Self::DocumentReceived { .. } => "document_received",
            Self::FileCreated { .. } => "file_created",
            Self::OrderPlaced { .. } => "order_placed",
            Self::PaymentOverdue { .. } => "payment_overdue",
            Self::PaymentSettled { .. } => "payment_settled",
            Self::SalesContact => "sales_contact",
            Self::HandedToSales => "handed_to_sales",
            Self::HandedBack => "handed_back",
            Self::SaleCompleted { .. } => "sale_completed",
            Self::CreditChangeRequested { .. } => "credit_change_requested",
            Self::Inquiry { .. } => "inquiry",
            Self::Closed { .. } => "closed",
        }
    }
}

/// A command on one instance of any of the desk's machines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeskCommand {
    /// On a customer's lifecycle (`customer/…`).
    Lifecycle(LifecycleCommand),
    /// On a customer's details (`profile/…`).
    Profile(ProfileCommand),
    /// On a callback (`callback/…`).
    Callback(CallbackCommand),
    /// On a case (`case/…`).
    Case(crate::case::CaseCommand),
    /// On an approval (`approval/…`).
    Approval(ApprovalCommand),
    /// On a script run (`run/…`): the run's script is the one its callback calls for.
    Run(RunCommand),
    /// On an assignment board (`board/…`).
    Board(BoardCommand),
    /// On a notice (`notice/…`).
    Notice(NoticeCommand),
    /// On a campaign's run (`campaign/…`).
    Campaign(CampaignCommand),
}

impl DeskCommand {
    /// The name of the machine the command is for.
    #[must_use]
    pub fn machine(&self) -> &'static str {
        use crate::machine::Machine as _;
        match self {
            Self::Lifecycle(_) => crate::lifecycle::Lifecycle::NAME,
            Self::Profile(_) => super::Profile::NAME,
            Self::Callback(_) => crate::callback::Callback::NAME,
            Self::Case(_) => crate::case::Case::NAME,
            Self::Approval(_) => crate::approval::Approval::NAME,
            Self::Run(_) => crate::script::ScriptRun::NAME,
            Self::Board(_) => super::Board::NAME,
            Self::Notice(_) => super::Notice::NAME,
            Self::Campaign(_) => super::CampaignRun::NAME,
        }
    }

    /// The name of the command's kind, as the machine's transition table spells it (`open`, `assign`, …).
    #[must_use]
    pub fn kind_name(&self) -> &'static str {
        use crate::machine::{Kind as _, Machine};
        fn name<M: Machine>(c: &M::Command) -> &'static str {
            M::command_kind(c).name()
        }
        match self {
            Self::Lifecycle(c) => name::<crate::lifecycle::Lifecycle>(c),
            Self::Profile(c) => name::<super::Profile>(c),
            Self::Callback(c) => name::<crate::callback::Callback>(c),
            Self::Case(c) => name::<crate::case::Case>(c),
            Self::Approval(c) => name::<crate::approval::Approval>(c),
            Self::Run(c) => name::<crate::script::ScriptRun>(c),
            Self::Board(c) => name::<super::Board>(c),
            Self::Notice(c) => name::<super::Notice>(c),
            Self::Campaign(c) => name::<super::CampaignRun>(c),
        }
    }
}
