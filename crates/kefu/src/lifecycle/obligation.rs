//! Follow-up obligations (rules F1, F2): contacts the machine asks the ERP to make, each with its due instant.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::policy::ContactChannel;

/// Which rule an obligation comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum FollowUp {
    /// Rule F1: a call within the week after the customer went quiet.
    F1Call,
    /// Rule F2: one of the contacts due in a calendar month while the customer is lapsed.
    F2Contact {
        /// The month, `YYYY-MM` in the months calendar's time zone.
        month: String,
        /// Which contact of the month (from 1).
        number: u32,
        /// How many the month asks for.
        of: u32,
    },
}

impl FollowUp {
    /// The rule's number as the domain writes it: `"F1"` or `"F2"`.
    pub fn rule(&self) -> &'static str {
        match self {
            FollowUp::F1Call => "F1",
            FollowUp::F2Contact { .. } => "F2",
        }
    }
}

/// An open follow-up obligation: one contact customer service owes the customer.
///
/// It stays open until a contact fulfils it, or until the customer is closed or handed to sales (F4) — each of
/// which is an event. Passing its due instant marks it overdue (an event too); it is never dropped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    /// The obligation's number within the customer, from 1, never reused.
    pub id: u32,
    /// The rule it comes from.
    pub follow_up: FollowUp,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// When the contact is due; already moved out of the customer's quiet hours (rule B9).
    pub due: DateTime<Utc>,
    /// Whether the due instant passed without the contact.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overdue: bool,
}

impl Obligation {
    /// Whether a contact on `channel` fulfils this obligation (F1 asks for a call; F2 takes any channel).
    pub fn accepts(&self, channel: ContactChannel, f1_channels: &[ContactChannel]) -> bool {
        match self.follow_up {
            FollowUp::F1Call => f1_channels.contains(&channel),
            FollowUp::F2Contact { .. } => true,
        }
    }
}

/// Why an open obligation was withdrawn without a contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Withdrawal {
    /// The customer was closed.
    Closed,
    /// The customer was handed to sales, who follow it up from now on (rule F4).
    HandedToSales,
}
