//! The customer lifecycle (rules C4–C6, F1–F4, B9): ERP facts in, follow-up obligations and clock events out.
//!
//! [`Lifecycle`] is a [`Machine`](crate::machine::Machine) an ERP drives with its own facts — contract accepted,
//! documents received, file created, order placed, payment overdue or settled, sales contact logged, handed to sales
//! and back, specialist assigned, briefing recorded, contact made, customer closed — and with ticks at the
//! instants [`Machine::deadlines`](crate::machine::Machine::deadlines) names.
//!
//! ```text
//! prospect ──contract──▶ onboarding ──first order──▶ active ──1 week without an order──▶ quiet ──1 month──▶ lapsed
//!                        (C5 file clock,               ▲                                  │                 │
//!                         documents, C6)               └──────────── next order ──────────┴─────────────────┘
//! ```
//!
//! - **Onboarding (C5, C6).** The contract starts an SLA clock for the file (3 working days on the `office`
//!   calendar by default). Documents are ticked off a configurable checklist (the eight of C5 by default). The file
//!   gets the ERP's sequential file number and stops the clock. The first order is refused with
//!   [`LifecycleError::NoFile`] before the file exists, and with [`LifecycleError::IncompleteFile`] (naming the
//!   missing documents) unless the checklist is complete or an exception was approved — the fact
//!   [`LifecycleCommand::ExceptionApproved`], typically the outcome of an
//!   [`ApprovalChain::c6_incomplete_file`](crate::approval::ApprovalChain::c6_incomplete_file) the ERP ran.
//! - **Hand-over (C4).** Assigning a specialist starts a briefing clock (a week, escalating to the service
//!   supervisor on breach); recording the briefing stops it. A reassignment cancels the old clock and starts anew.
//! - **Follow-up (F1, F2).** When a customer goes quiet, the machine opens an F1 obligation: a call due within the
//!   next week. When it lapses, it opens the F2 contacts of each calendar month (two by default), spread at regular
//!   times through the month and each due inside it: the k-th of n at the end of the k-th of n equal parts of the
//!   rest of the month, the last at the month's last second — so a missed contact is reported in its own month's
//!   coverage (B10). Each [`Obligation`] is an event with its due instant; a contact fulfils the earliest
//!   one its channel satisfies; a due instant that passes marks the obligation overdue but never removes it. Only
//!   a contact, closing the customer, or handing it to sales removes an obligation — each an event.
//! - **Who follows up (F3, F4).** [`Owner`] is customer service or sales. Handed to sales, the customer stays with
//!   sales (F4): its open obligations are withdrawn and no new ones open. When sales have been silent for more than
//!   two calendar months and the customer owes nothing, customer service takes over (F3) and registers the
//!   obligations of the customer's state; an overdue payment blocks the take-over for as long as it is unsettled.
//! - **Quiet hours (B9).** A customer may have a contact calendar (a name in the [`CalendarSet`](crate::calendar::CalendarSet)
//!   whose open hours are when contacting is allowed); an obligation due inside quiet hours is moved to the next
//!   allowed instant with [`Calendar::next_open`](crate::calendar::Calendar::next_open) — an F2 contact never into
//!   the next month: it is then due at the end of the month's last allowed stretch.
//!
//! Time-driven changes (going quiet, lapsing, a new F2 month, an overdue obligation, the F3 take-over, the clocks'
//! warnings and breaches) are recorded by [`LifecycleCommand::Tick`], each at the instant it really happened even
//! when the tick comes late. Other commands act on the state as it is, so tick an instance whose
//! [`next_deadline`](crate::machine::next_deadline) has passed before sending it a new fact —
//! [`Instance::catch_up`](crate::machine::Instance::catch_up) does it, as a store that processes due instances first
//! does. A tick before anything is due changes nothing.
//!
//! Thresholds and counts are a [`LifecyclePolicy`] (serde, the domain's values by default); the configuration is
//! a [`LifecycleConfig`]: the calendars and the policy.
//!
//! # Example: from contract to the first follow-up call
//!
//! ```
//! use chrono::{TimeDelta, TimeZone};
//! use chrono_tz::Asia::Shanghai;
//! use kefu::approval::{Approval, ApprovalChain, ApprovalCommand};
//! use kefu::calendar::{Calendar, CalendarSet};
//! use kefu::lifecycle::{
//!     ContactChannel, FollowUp, Lifecycle, LifecycleCommand as C, LifecycleConfig, LifecycleError, LifecycleKind,
//!     LifecyclePolicy,
//! };
//! use kefu::machine::{Context, Instance, Principal, Rejection};
//!
//! let office = Calendar::from_toml_str(r#"
//!     time_zone = "Asia/Shanghai"
//!     week = { mon = ["09:00-18:00"], tue = ["09:00-18:00"], wed = ["09:00-18:00"], thu = ["09:00-18:00"], fri = ["09:00-18:00"] }
//! "#)?;
//! let calendars: CalendarSet = [("office", office)].into_iter().collect();
//! let config = LifecycleConfig::new(calendars.clone(), LifecyclePolicy::default());
//! let at = |d, h| Shanghai.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap().to_utc();
//! let (erp, specialist) = (Principal::new("erp"), Principal::new("zhang.san").with_role("specialist"));
//!
//! let mut customer = Instance::<Lifecycle>::new();
//! customer.execute(&C::ContractAccepted { contract: "HT-2026-0042".into() }, &Context::new(at(2, 10), &erp, &config))?;
//! assert_eq!(customer.kind(), LifecycleKind::Onboarding);
//! // Rule C5: the file is due three working days later, Thursday 5 November at 10:00.
//! assert_eq!(customer.state().file_clock().and_then(|c| c.due_at()), Some(at(5, 10)));
//! customer.execute(&C::FileCreated { file_number: 1042 }, &Context::new(at(3, 15), &erp, &config))?;
//!
//! // Rule C6: no trading on an incomplete file...
//! let refused = customer.execute(&C::OrderPlaced { order: "SO-1".into() }, &Context::new(at(4, 9), &erp, &config));
//! assert!(matches!(refused, Err(Rejection::Refused { reason: LifecycleError::IncompleteFile { ref missing }, .. }) if missing.len() == 8));
//!
//! // ...unless the marketing director or the general manager approves (the ERP runs the C6 approval chain).
//! let director = Principal::new("li.wei").with_role("marketing_director");
//! let mut approval = Instance::<Approval>::new();
//! let request = ApprovalCommand::Request { chain: ApprovalChain::c6_incomplete_file(), subject: "HT-2026-0042".into() };
//! approval.execute(&request, &Context::new(at(4, 9), &specialist, &calendars))?;
//! approval.execute(&ApprovalCommand::Approve { note: None }, &Context::new(at(4, 11), &director, &calendars))?;
//! let approved = C::ExceptionApproved { approval_id: "APR-7".into(), approver: approval.state().decisions()[0].by.clone() };
//! customer.execute(&approved, &Context::new(at(4, 11), &erp, &config))?;
//! customer.execute(&C::OrderPlaced { order: "SO-1".into() }, &Context::new(at(4, 12), &erp, &config))?;
//! assert_eq!(customer.kind(), LifecycleKind::Active);
//!
//! // Rule F1: a week without an order; the tick at the deadline registers one call due within the next week.
//! let due = customer.next_deadline().ok_or("a deadline")?;
//! assert_eq!((due.at, due.label), (at(11, 12), "f1_quiet"));
//! customer.execute(&C::Tick, &Context::new(due.at, &Principal::system(), &config))?;
//! assert_eq!(customer.kind(), LifecycleKind::Quiet);
//! let call = &customer.state().obligations()[0];
//! assert_eq!((&call.follow_up, call.due), (&FollowUp::F1Call, at(18, 12)));
//!
//! customer.execute(&C::ContactMade { channel: ContactChannel::Phone }, &Context::new(at(12, 10), &specialist, &config))?;
//! assert!(customer.state().obligations().is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod briefing;
mod command;
mod error;
mod event;
mod follow_up;
mod machine;
mod obligation;
mod onboarding;
mod ownership;
mod policy;
mod state;

pub use command::{LifecycleCommand, LifecycleCommandKind};
pub use error::LifecycleError;
pub use event::LifecycleEvent;
pub use machine::{Lifecycle, LifecycleKind};
pub use obligation::{FollowUp, Obligation, Withdrawal};
pub use ownership::Owner;
pub use policy::{C5_DOCUMENTS, ContactChannel, LifecycleConfig, LifecyclePolicy, LifecyclePolicyError};
pub use state::{ExceptionRecord, LifecycleState};
