//! SLA clocks: a clock per obligation, with warnings, a breach and an escalation ladder.
//!
//! The time limits of the domain — a record within 24 hours or 1 hour (rule B4), feedback to the department within
//! 1 hour and first contact within 24 hours (B5), handled on the spot within 1 hour (B6), the hand-over briefing
//! within a week (C4), the file within 3 days (C5) — are each an [`SlaPolicy`] run by a [`Clock`].
//!
//! - A policy's [`Target`] is wall-clock time, business time on a named calendar, or working days.
//! - The clock starts, pauses, resumes, stops (met) or is cancelled; a business-time clock started while the desk is
//!   closed starts counting at the next opening.
//! - Warnings fire at fractions of the target (e.g. 75%), the breach at the due instant, and the escalation ladder
//!   (specialist → supervisor → department head → leadership) at given delays after it. Each fires once, in order,
//!   as an event with the instant it really happened — even when the tick that notices it comes later. Any
//!   command records the thresholds that fell due before it, so a person's `Stop` may carry a `Breached` event the
//!   scheduler had not yet ticked: an event's instant says when it happened, not who noticed.
//! - The clock is a [`Machine`](crate::machine::Machine): its events are the audit trail, replaying them reproduces
//!   it, and [`Machine::deadlines`](crate::machine::Machine::deadlines) says when it next wants a tick.
//!
//! Pausing for business time *p* delays the due instant by exactly *p*; the due instant is never before start +
//! target in elapsed time; a counting clock is breached exactly from its due instant on; a clock met before its due
//! instant is never breached (all property-tested).
//!
//! # Example: "handle within 1 business hour" (rule B6)
//!
//! ```
//! use chrono::{TimeDelta, TimeZone};
//! use chrono_tz::Asia::Shanghai;
//! use kefu::calendar::{Calendar, CalendarSet};
//! use kefu::machine::{Context, Instance, Principal};
//! use kefu::sla::{Clock, ClockCommand, ClockEvent, ClockStatus, SlaPolicy};
//!
//! let desk = Calendar::from_toml_str(r#"
//!     time_zone = "Asia/Shanghai"
//!     [week]
//!     mon = ["09:00-12:00", "13:30-18:00"]
//!     tue = ["09:00-12:00", "13:30-18:00"]
//!     wed = ["09:00-12:00", "13:30-18:00"]
//!     thu = ["09:00-12:00", "13:30-18:00"]
//!     fri = ["09:00-12:00", "13:30-18:00"]
//! "#)?;
//! let calendars: CalendarSet = [("service-desk", desk)].into_iter().collect();
//! let policy = SlaPolicy::business("B6 handle on the spot", TimeDelta::hours(1), "service-desk")
//!     .with_warning(0.75)?
//!     .with_escalation("department_head", TimeDelta::zero())?
//!     .with_escalation("leadership", TimeDelta::hours(1))?;
//!
//! let system = Principal::system();
//! let local = |d, h, m| Shanghai.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap().to_utc();
//!
//! // A problem found on Friday 20 November at 17:30: 30 minutes left that day, the rest on Monday.
//! let mut clock = Instance::<Clock>::new();
//! clock.execute(&ClockCommand::Start(policy), &Context::new(local(20, 17, 30), &system, &calendars))?;
//! assert_eq!(clock.state().due_at(), Some(local(23, 9, 30)));
//! assert_eq!(clock.state().status(local(23, 9, 20)), ClockStatus::Warning { permille: 750 });
//!
//! // Nobody handled it: a tick on Monday at 10:15 records the breach and the first escalation, at their instants.
//! let events = clock.execute(&ClockCommand::Tick, &Context::new(local(23, 10, 15), &system, &calendars))?;
//! assert_eq!(events, vec![
//!     ClockEvent::Warned { at: local(23, 9, 15), permille: 750 },
//!     ClockEvent::Breached { at: local(23, 9, 30) },
//!     ClockEvent::Escalated { at: local(23, 9, 30), level: 1, to: "department_head".into() },
//! ]);
//! assert_eq!(clock.next_deadline().map(|d| d.at), Some(local(23, 10, 30)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Example: "first contact within 24 hours" (rule B5)
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use kefu::calendar::CalendarSet;
//! use kefu::machine::{Context, Instance, Principal};
//! use kefu::sla::{Clock, ClockCommand, ClockStatus, SlaPolicy};
//!
//! let policy = SlaPolicy::elapsed("B5 first contact", TimeDelta::hours(24));
//! let calendars = CalendarSet::new(); // wall-clock time needs no calendar
//! let (who, t0) = (Principal::system(), Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap());
//! let mut clock = Instance::<Clock>::new();
//! clock.execute(&ClockCommand::Start(policy), &Context::new(t0, &who, &calendars))?;
//! clock.execute(&ClockCommand::Stop, &Context::new(t0 + TimeDelta::hours(20), &who, &calendars))?;
//! assert_eq!(clock.state().status(t0 + TimeDelta::hours(30)), ClockStatus::Met { late: false });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod clock;
mod measure;
mod policy;

use chrono::{DateTime, Utc};

pub use clock::{Clock, ClockCommand, ClockCommandKind, ClockEvent, ClockKind, ClockState, ClockStatus, Threshold};
pub use policy::{Escalation, PolicyError, SlaPolicy, Target};

use crate::calendar::{CalendarError, UnknownCalendar};

/// Why a clock refused a command (beyond the transition table's own refusals).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ClockError {
    /// The policy names a calendar the configuration does not have. Add it to the [`CalendarSet`](crate::calendar::CalendarSet).
    #[error(transparent)]
    UnknownCalendar(Box<UnknownCalendar>),
    /// The calendar could not compute (never open, or beyond the supported years).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The policy is invalid (e.g. a zero target).
    #[error(transparent)]
    Policy(Box<PolicyError>),
    /// The command's instant is before the clock's latest event: time only moves forward.
    #[error("time went backwards: the clock's latest event is at {last}, the command at {now}")]
    TimeWentBackwards {
        /// The latest event's instant.
        last: DateTime<Utc>,
        /// The command's instant.
        now: DateTime<Utc>,
    },
    /// A wall-clock deadline beyond the representable instants.
    #[error("a deadline computed from {at} lies beyond the representable instants")]
    TooFar {
        /// The instant the computation started from.
        at: DateTime<Utc>,
    },
}

impl From<UnknownCalendar> for ClockError {
    fn from(e: UnknownCalendar) -> Self {
        ClockError::UnknownCalendar(Box::new(e))
    }
}

impl From<PolicyError> for ClockError {
    fn from(e: PolicyError) -> Self {
        ClockError::Policy(Box::new(e))
    }
}
