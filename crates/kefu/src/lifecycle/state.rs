//! A customer's state: what the lifecycle remembers, folded from its events.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::event::LifecycleEvent;
use super::machine::{Lifecycle, LifecycleKind};
use super::obligation::Obligation;
use super::ownership::Owner;
use crate::machine::{InvalidState, Kind, Machine, checked_state};
use crate::sla::{Clock, ClockEvent, ClockState};

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

checked_state! {
    /// A customer's state.
    ///
    /// Reading one from a snapshot checks that it is a state a customer can be in (see [`InvalidState`]): obligation
    /// ids, the checklist, and the facts each kind of state implies.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
    pub struct LifecycleState {
        pub(super) kind: LifecycleKind,
        pub(super) owner: Owner,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) contract: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub(super) documents: Vec<String>,
        #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
        pub(super) received: BTreeSet<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) file_number: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) exception: Option<ExceptionRecord>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) file_clock: Option<ClockState>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) specialist: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) briefed_at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) briefing_clock: Option<ClockState>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) last_order: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) quiet_at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) lapse_at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) f2_next_month: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
        pub(super) overdue_invoices: BTreeSet<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) settled_at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) sales_silent_until: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) contact_calendar: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub(super) obligations: Vec<Obligation>,
        #[serde(default)]
        pub(super) obligations_opened: u32,
        #[serde(default)]
        pub(super) contacts_made: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) last_at: Option<DateTime<Utc>>,
    }
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

impl LifecycleState {
    /// Checks what every reachable customer state satisfies: obligation ids from 1 to `obligations_opened` without
    /// repeats, each due no earlier than opened; received documents on the checklist; a contract from onboarding
    /// on, and a file and an order while trading; no open obligation for a customer with sales or closed.
    pub(crate) fn check(&self) -> Result<(), InvalidState> {
        let bad = |field: &str, problem: String| Err(InvalidState::new(Lifecycle::NAME, field, problem));
        let mut ids = BTreeSet::new();
        for (i, o) in self.obligations.iter().enumerate() {
            if o.id == 0 || o.id > self.obligations_opened || !ids.insert(o.id) {
                let opened = self.obligations_opened;
                return bad(
                    &format!("obligations[{i}].id"),
                    format!("is {}: ids run from 1 to {opened}, once each", o.id),
                );
            }
            if o.due < o.opened_at {
                return bad(&format!("obligations[{i}].due"), "is before the obligation was opened".into());
            }
        }
        if let Some(d) = self.received.iter().find(|d| !self.documents.contains(d)) {
            return bad("received", format!("holds `{d}`, which is not on the checklist"));
        }
        if self.file_number == Some(0) {
            return bad("file_number", "is 0: file numbers start at 1".into());
        }
        let kind = self.kind;
        let trading = matches!(kind, LifecycleKind::Active | LifecycleKind::Quiet | LifecycleKind::Lapsed);
        let facts = match kind {
            LifecycleKind::Prospect => self.contract.is_none() && self.last_order.is_none(),
            LifecycleKind::Onboarding => self.contract.is_some() && self.last_order.is_none(),
            _ if trading => {
                self.contract.is_some()
                    && self.file_number.is_some()
                    && self.last_order.is_some()
                    && self.quiet_at.is_some()
                    && self.lapse_at.is_some()
            }
            _ => true,
        };
        if !facts {
            return bad("kind", format!("is `{}`, which its contract, file and orders contradict", kind.name()));
        }
        if (self.owner == Owner::Sales || kind == LifecycleKind::Closed) && !self.obligations.is_empty() {
            return bad("obligations", "are open for a customer customer service does not follow up".into());
        }
        Ok(())
    }

    /// Folds one event into the state (the machine's `evolve`).
    pub(super) fn apply(&mut self, event: &LifecycleEvent) {
        use LifecycleEvent as E;
        let at = event.at();
        self.last_at = Some(self.last_at.map_or(at, |last| last.max(at)));
        match event {
            E::ContractAccepted { contract, documents, .. } => {
                self.kind = LifecycleKind::Onboarding;
                self.contract = Some(contract.clone());
                self.documents.clone_from(documents);
            }
            E::FileClock { event } => {
                if matches!(event, ClockEvent::Started { .. }) {
                    self.file_clock = Some(ClockState::default());
                }
                if let Some(clock) = self.file_clock.as_mut() {
                    Clock::evolve(clock, event);
                }
            }
            E::DocumentReceived { document, .. } => {
                self.received.insert(document.clone());
            }
            E::FileCreated { file_number, .. } => self.file_number = Some(*file_number),
            E::ExceptionApproved { at, approval_id, approver, missing } => {
                self.exception = Some(ExceptionRecord {
                    approval_id: approval_id.clone(),
                    approver: approver.clone(),
                    at: *at,
                    missing: missing.clone(),
                });
            }
            E::OrderPlaced { at, quiet_at, lapse_at, .. } => {
                self.kind = LifecycleKind::Active;
                self.last_order = Some(*at);
                self.quiet_at = Some(*quiet_at);
                self.lapse_at = Some(*lapse_at);
                self.f2_next_month = None;
            }
            E::WentQuiet { .. } => self.kind = LifecycleKind::Quiet,
            E::Lapsed { .. } => self.kind = LifecycleKind::Lapsed,
            E::F2Month { next_month, .. } => self.f2_next_month = Some(*next_month),
            E::ObligationOpened(o) => {
                self.obligations_opened = self.obligations_opened.max(o.id);
                self.obligations.push(o.clone());
            }
            E::ObligationOverdue { id, .. } => {
                if let Some(o) = self.obligations.iter_mut().find(|o| o.id == *id) {
                    o.overdue = true;
                }
            }
            E::ObligationFulfilled { id, .. } | E::ObligationWithdrawn { id, .. } => {
                self.obligations.retain(|o| o.id != *id);
            }
            E::PaymentOverdue { invoice, .. } => {
                self.overdue_invoices.insert(invoice.clone());
            }
            E::PaymentSettled { at, invoice } => {
                self.overdue_invoices.remove(invoice);
                if self.overdue_invoices.is_empty() {
                    self.settled_at = Some(*at);
                }
            }
            E::SalesContactLogged { silent_until, .. } => self.sales_silent_until = Some(*silent_until),
            E::HandedToSales { silent_until, .. } => {
                self.owner = Owner::Sales;
                self.sales_silent_until = Some(*silent_until);
                self.f2_next_month = None;
            }
            E::HandedBack { .. } | E::FollowUpTakenOver { .. } => {
                self.owner = Owner::CustomerService;
                self.f2_next_month = None;
            }
            E::SpecialistAssigned { specialist, .. } => {
                self.specialist = Some(specialist.clone());
                self.briefed_at = None;
                self.briefing_clock = None;
            }
            E::BriefingClock { event } => {
                let clock = self.briefing_clock.get_or_insert_with(ClockState::default);
                Clock::evolve(clock, event);
            }
            E::BriefingRecorded { at, .. } => self.briefed_at = Some(*at),
            E::ContactCalendarSet { calendar, .. } => self.contact_calendar.clone_from(calendar),
            E::ContactMade { .. } => self.contacts_made += 1,
            E::Closed { .. } => self.kind = LifecycleKind::Closed,
        }
    }
}
