//! Where a case comes from and how it is classified: channel (rule Q1), nature (Q6), urgency (Q2), and the
//! customer's standing, which decides what the department owes (B5).

use serde::{Deserialize, Serialize};

use crate::script::ProblemRecord;

/// How an inbound inquiry arrived (rule Q1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InquiryChannel {
    /// A phone call to the service desk.
    Phone,
    /// An e-mail.
    Email,
    /// Online chat.
    Chat,
    /// Social media.
    Social,
}

/// The nature of a case (rule Q6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    /// How to use a product.
    ProductUse,
    /// Prices and discounts.
    Price,
    /// After-sales: warranty, repairs.
    AfterSales,
    /// A complaint: accepted, investigated, handled, answered, closed on confirmation (rule Q7).
    Complaint,
    /// A suggestion.
    Suggestion,
}

/// How urgent a case is (rule Q2). Together with the [`Nature`] it selects the SLA policies (rule Q4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Can wait.
    Low,
    /// The usual.
    #[default]
    Normal,
    /// Production stopped, safety, an angry key customer: shorter limits.
    Urgent,
}

/// A case's class: nature and urgency (rule Q2).
///
/// ```
/// use kefu::case::{Class, Nature, Urgency};
///
/// let class = Class::new(Nature::Complaint, Urgency::Urgent);
/// assert!(class.is_complaint());
/// assert_eq!(Class::from(Nature::Price).urgency, Urgency::Normal);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Class {
    /// What the case is about.
    pub nature: Nature,
    /// How urgent it is.
    #[serde(default)]
    pub urgency: Urgency,
}

impl Class {
    /// A class of `nature` and `urgency`.
    #[must_use]
    pub const fn new(nature: Nature, urgency: Urgency) -> Self {
        Self { nature, urgency }
    }

    /// Whether the case follows the complaint procedure (rule Q7).
    #[must_use]
    pub fn is_complaint(&self) -> bool {
        self.nature == Nature::Complaint
    }
}

impl From<Nature> for Class {
    /// A class of normal urgency.
    fn from(nature: Nature) -> Self {
        Self::new(nature, Urgency::Normal)
    }
}

/// The customer's standing, which decides what the responsible department owes within 24 hours (rule B5): first
/// contact for a regular customer (§2.2), a solution plan for a lapsed one (§2.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// An active customer (script S1, regular callbacks).
    #[default]
    Regular,
    /// A customer quiet for over a week (script S2).
    Lapsed,
}

/// Where a case comes from: a problem raised in a callback (rule B5), or an inbound inquiry (rules Q1, Q2).
///
/// ```
/// use kefu::case::{InquiryChannel, Origin};
///
/// let inquiry = Origin::inquiry(InquiryChannel::Email, "How do I store the resin in winter?");
/// assert_eq!(inquiry.department(), None);
/// let problem = Origin::callback("cb-2026-0042", "Delivery was two days late", Some("logistics"));
/// assert_eq!(problem.department(), Some("logistics"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Origin {
    /// A problem the customer raised during a callback.
    Callback {
        /// The callback (or its record's) id in the ERP.
        callback: String,
        /// The customer's words.
        problem: String,
        /// The department the script or the specialist named as responsible, if any. A case with a department goes
        /// straight to it: the feedback form must reach it within 1 hour (rule B5).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        department: Option<String>,
    },
    /// An inquiry the customer sent (rule Q1).
    Inquiry {
        /// How it arrived.
        channel: InquiryChannel,
        /// What the customer asked.
        text: String,
    },
}

impl Origin {
    /// A problem raised in callback `callback`, optionally naming the responsible department.
    #[must_use]
    pub fn callback(callback: impl Into<String>, problem: impl Into<String>, department: Option<&str>) -> Self {
        Self::Callback { callback: callback.into(), problem: problem.into(), department: department.map(str::to_owned) }
    }

    /// A problem from a script run's [callback record](crate::script::CallbackRecord), with the department the
    /// script named.
    #[must_use]
    pub fn from_problem(callback: impl Into<String>, problem: &ProblemRecord) -> Self {
        Self::Callback {
            callback: callback.into(),
            problem: problem.text.clone(),
            department: problem.department.clone(),
        }
    }

    /// An inbound inquiry.
    #[must_use]
    pub fn inquiry(channel: InquiryChannel, text: impl Into<String>) -> Self {
        Self::Inquiry { channel, text: text.into() }
    }

    /// The responsible department named at the origin, if any.
    #[must_use]
    pub fn department(&self) -> Option<&str> {
        match self {
            Self::Callback { department, .. } => department.as_deref(),
            Self::Inquiry { .. } => None,
        }
    }

    /// Whether the customer is waiting for a first response (an inquiry; in a callback the customer was just
    /// talked to).
    #[must_use]
    pub fn awaits_response(&self) -> bool {
        matches!(self, Self::Inquiry { .. })
    }
}
