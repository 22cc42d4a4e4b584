//! Callbacks (rules B1–B5, B8–B10, F1, F2): a customer due a callback is called, the record form filed on time,
//! and every due callback of a period accounted for.
//!
//! ```text
//! due ──assign──▶ assigned ──attempt (reached)──▶ attempted ──finish──▶ done ──file──▶ filed
//!                    ▲  └─attempt (not reached)─┘     │
//!                    └──── rescheduled ◀──reschedule──┘
//! ```
//!
//! - **Due** ([`CallbackCommand::Open`] with a [`Due`]): the [`Reason`] — an after-sale callback within a week of
//!   the sale (B3), a lifecycle follow-up obligation (F1, F2: [`Due::follow_up`]), a regular callback (B3) or a
//!   special occasion such as a holiday, the company's anniversary or a promotion (B8: [`Occasion`]) — and the due
//!   window, whose end comes from the [`CallbackPolicy`] unless given.
//! - **Assigned** to a specialist (B2, C3): choose with [`Team`], e.g. through [`assign`].
//! - **Attempted** on a channel — phone, visit, service visit, SMS (B1: [`ContactChannel`], the lifecycle's channels re-exported here) —
//!   reached or not. An attempt during the customer's quiet hours is refused (B9).
//! - **Rescheduled** to the customer's chosen time, moved out of their quiet hours with the contact calendar's
//!   [`next_open`](crate::calendar::Calendar::next_open) (B9); or **done**, carrying the script run's
//!   [`CallbackRecord`](crate::script::CallbackRecord) or a summary ([`CallResult`]).
//! - **Done** starts the B4 record clock — 24 hours for a regular customer, 1 hour for a lapsed one — an embedded SLA
//!   [`Clock`](crate::sla::Clock) whose events the callback wraps; the problems found are announced in
//!   [`CallbackEvent::ProblemsRaised`] so the ERP opens a case for each (B5: [`Problem::origin`]). **Filed** meets
//!   the clock.
//! - A callback whose window closes before it is done is marked missed ([`CallbackEvent::Missed`]) and stays open.
//!   [`coverage`] accounts for every callback due in a period — done, scheduled, cancelled or missed — and lists
//!   the missed ones (B10), with the coverage as an exact [`Fraction`].
//!
//! The machine's deadlines are the window's end (while open and not yet missed) and the record clock's thresholds.
//!
//! # Example: distribution with the balanced rule, then a lapsed customer's callback (rules B2, C3, B4, B5)
//!
//! ```
//! use chrono::{TimeDelta, TimeZone};
//! use chrono_tz::Asia::Shanghai;
//! use kefu::assign::{Item, Specialist, Team};
//! use kefu::calendar::CalendarSet;
//! use kefu::callback::{self, CallResult, Callback, CallbackCommand, CallbackConfig, CallbackEvent, CallbackPolicy, Due, Problem};
//! use kefu::case::Standing;
//! use kefu::callback::ContactChannel;
//! use kefu::machine::{Context, Instance, Principal};
//!
//! let config = CallbackConfig::new(CalendarSet::new(), CallbackPolicy::default())?;
//! let local = |h, m| Shanghai.with_ymd_and_hms(2026, 11, 20, h, m, 0).unwrap().to_utc();
//! let supervisor = Principal::new("chen.jing");
//!
//! let mut team = Team::new(CalendarSet::new());
//! team.add(Specialist::new("li.wei").with_weight(2))?;
//! team.add(Specialist::new("wang.fang"))?;
//!
//! let due = Due::regular("0042", local(9, 0), local(18, 0)).with_standing(Standing::Lapsed);
//! let mut cb = Instance::<Callback>::new();
//! cb.execute(&CallbackCommand::Open(due), &Context::new(local(8, 0), &supervisor, &config))?;
//! // B2, C3: the team's balanced rule picks the specialist.
//! let assign = callback::assign(&mut team, Item::new("cb-42"), local(8, 30))?;
//! cb.execute(&assign, &Context::new(local(8, 30), &supervisor, &config))?;
//! assert_eq!(cb.state().specialist(), Some("li.wei"));
//!
//! let agent = Principal::new("li.wei");
//! let at = |h, m| Context::new(local(h, m), &agent, &config);
//! cb.execute(&CallbackCommand::Attempt { channel: ContactChannel::Phone, reached: true }, &at(17, 20))?;
//! let result = CallResult::Summary {
//!     notes: "stopped ordering after two late deliveries".into(),
//!     problems: vec![Problem::new("Deliveries arrive late", Some("logistics"))],
//! };
//! let events = cb.execute(&CallbackCommand::Finish { result }, &at(17, 30))?;
//! // B5: the problem is announced for the ERP to open a case.
//! assert!(events.iter().any(|e| matches!(e, CallbackEvent::ProblemsRaised { problems, .. } if problems.len() == 1)));
//! // B4 §2.4: the record of a lapsed customer's callback within 1 hour.
//! assert_eq!(cb.state().record_clock().and_then(|c| c.due_at()), Some(local(18, 30)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod coverage;
mod due;
mod machine;
mod policy;

pub use coverage::{CoverageReport, Entry, Fraction, Period, Status, coverage};
pub use due::{CallResult, Due, Occasion, Problem, Reason, Window};
pub use machine::{
    Attempt, Callback, CallbackCommand, CallbackCommandKind, CallbackError, CallbackEvent, CallbackKind, CallbackState,
};
pub use policy::{CallbackConfig, CallbackPolicy, CallbackPolicyError};

/// The channels of rule B1 a callback is attempted on; the same type the lifecycle's contacts use
/// ([`lifecycle::ContactChannel`](crate::lifecycle::ContactChannel)).
pub use crate::lifecycle::ContactChannel;

use chrono::{DateTime, Utc};

use crate::assign::{AssignError, Item, Team};

/// Rules B2, C3: distributes a due callback with the team's balanced rule and returns the command that records it
/// on the callback ([`CallbackCommand::Assign`]). The team counts the callback in the specialist's load.
///
/// # Errors
///
/// The team's refusal, e.g. no eligible specialist (see [`Team::assign`]).
pub fn assign(team: &mut Team, callback: Item, now: DateTime<Utc>) -> Result<CallbackCommand, AssignError> {
    let specialist = team.assign(callback, now)?;
    Ok(CallbackCommand::Assign { specialist: specialist.as_str().to_owned() })
}
