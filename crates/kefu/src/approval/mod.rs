//! Approval chains: a request walks an ordered chain of steps, each decided by a holder of one of its roles
//! (rules C6, C7).
//!
//! - The chain is data ([`ApprovalChain`]): the credit-limit / payment-term change of rule C7 (marketing director
//!   reviews → finance supervisor checks → general manager signs) and the incomplete-file exception of rule C6
//!   (marketing director **or** general manager) ship as constructors; any other chain loads from TOML or JSON.
//! - Enforced: only a principal holding one of the current step's roles may decide it; steps in order; nobody
//!   decides their own request; one person decides at most one step (unless the chain allows it); a rejection ends
//!   the chain with its reason; only the requester withdraws.
//! - Every decision is an event with who, in which role and when. A step may carry an [`SlaPolicy`](crate::sla::SlaPolicy):
//!   its SLA clock starts when the step is reached, reminds and escalates like any clock, and stops when the step is
//!   decided; its events are part of the approval's trail.
//!
//! # Example: rule C7, three signatures in order
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use kefu::approval::{Approval, ApprovalChain, ApprovalCommand, ApprovalError, ApprovalKind};
//! use kefu::calendar::CalendarSet;
//! use kefu::machine::{Context, Instance, Principal, Rejection};
//!
//! let calendars = CalendarSet::new();
//! let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
//! let specialist = Principal::new("zhang.san");
//! let director = Principal::new("li.wei").with_role("marketing_director");
//! let finance = Principal::new("zhao.min").with_role("finance_supervisor");
//! let manager = Principal::new("wang.fang").with_role("general_manager");
//! let approve = ApprovalCommand::Approve { note: None };
//!
//! let mut credit = Instance::<Approval>::new();
//! let request = ApprovalCommand::Request {
//!     chain: ApprovalChain::c7_credit_change(),
//!     subject: "credit limit of customer 0042: 500 000 -> 800 000".into(),
//! };
//! credit.execute(&request, &Context::new(t0, &specialist, &calendars))?;
//!
//! // The general manager cannot sign before the review and the check.
//! let early = credit.execute(&approve, &Context::new(t0, &manager, &calendars)).unwrap_err();
//! assert!(matches!(early, Rejection::Refused { reason: ApprovalError::NotAnApprover { .. }, .. }));
//!
//! for (hours, who) in [(1, &director), (3, &finance), (5, &manager)] {
//!     credit.execute(&approve, &Context::new(t0 + TimeDelta::hours(hours), who, &calendars))?;
//! }
//! assert_eq!(credit.kind(), ApprovalKind::Approved);
//! let signers: Vec<&str> = credit.state().decisions().iter().map(|d| d.by.as_str()).collect();
//! assert_eq!(signers, ["li.wei", "zhao.min", "wang.fang"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod chain;
mod machine;

pub use chain::{ApprovalChain, ApprovalStep};
pub use machine::{
    Approval, ApprovalCommand, ApprovalCommandKind, ApprovalError, ApprovalEvent, ApprovalKind, ApprovalState, Decision,
};
