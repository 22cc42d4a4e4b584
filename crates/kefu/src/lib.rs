//! kefu (客服, "customer service"): a customer-service department's rules as typed, durable state machines, for
//! developers who embed them in an ERP or CRM.
//!
//! The rules come from a customer-service centre's own procedures — file a new customer within 3 days (rule C5),
//! handle a problem within 1 business hour or escalate (B6), make first contact within 24 hours (B5), never call
//! during the customer's rest time (B9) — and are numbered; the code and the tests cite those numbers. The guide
//! states every rule in its own words on its
//! [rules page](https://github.com/kefu-rs/kefu/blob/main/docs/src/rules.md).
//!
//! This crate is the pure core: no I/O, no async, no clock. Every function that needs time takes it as an argument,
//! so that tests, simulations and replays drive time explicitly and get the same answer every time.
//!
//! # Contents
//!
//! - [`calendar`] — business calendars: time zone, weekly opening hours, holidays and make-up working days (调休);
//!   business-time arithmetic that is exact across DST, in time that does not grow with the span.
//! - [`sla`] — SLA clocks: targets in wall-clock time, business time or working days; pause and resume; warnings,
//!   breach and an escalation ladder, each an event in the audit trail.
//! - [`machine`] — the decider core every workflow is written in: `decide(state, command, ctx) -> events`,
//!   `evolve(state, event)`, deadlines, a transition table that drives both the decisions and the pictures
//!   (Mermaid, DOT), replay.
//! - [`approval`] — approval chains as data, decided step by step by the right roles, never by the requester
//!   (C6, C7), each step optionally under an SLA clock.
//! - [`case`] — problem cases (rules B5, B6, Q2, Q4, Q7): opened from a callback problem or an inquiry, classified,
//!   handled on the spot or referred to a department, answered and confirmed, each time limit an SLA clock.
//! - [`lifecycle`] — the customer lifecycle (C4–C6, F1–F4, B9): onboarding with the file clock and the document
//!   checklist, the hand-over briefing clock, quiet and lapsed customers' follow-up obligations, who follows up
//!   (customer service or sales), quiet hours.
//! - [`script`] — callback scripts as data (rules S1, S2): dialogue graphs loaded from TOML/JSON, validated with
//!   every finding at once, rendered as Mermaid/DOT, and run as a decider that yields the callback record (B4).
//! - [`assign`] — balanced assignment (rules C3, B2, O1): customers and callbacks go to the eligible specialist
//!   (skills, availability per their calendar) with the lowest load relative to their ability weight; batches,
//!   releases, and rebalancing when a specialist leaves.
//! - [`staffing`] — head-count from contact volume (rule O3): Erlang C and Erlang A (callers who hang up), agents
//!   for a service level such as 80% within 20 s, shrinkage and an occupancy cap; a day's plan per interval from a
//!   forecast or the contact history, against the team's shifts.
//! - [`callback`] — callbacks (rules B1–B5, B8–B10): due after a sale, a follow-up obligation or a special
//!   occasion; assigned, attempted on a channel, rescheduled out of quiet hours or done; the record form under a
//!   24-hour / 1-hour SLA clock; coverage of a period with every missed callback reported.
//! - [`quality`] — service quality (rules Q8, O4): improvement actions tracked to completion under an SLA clock and
//!   verified by someone other than their owner; satisfaction surveys as scripts with scores and findings; quality
//!   scorecards, reproducible sampling of contacts, reviews and calibration between inspectors.
//! - [`store`] (feature `json`) — durable stores: the contract every backend fulfils (atomic appends with optimistic
//!   concurrency, next deadlines, the outbox with subscriber cursors, idempotency keys, versioned event schemas), an
//!   in-memory reference store, and a runner that executes commands and fires due deadlines exactly once.
//! - [`report`] (features `toml` and `json`, on by default) — monthly and quarterly reports and KPIs from the event
//!   log alone (rules B7, B10, O5): callback coverage naming every missed customer, survey answers, SLA compliance
//!   per policy, escalations, obligations, approvals; JSON, Markdown, CSV and HTML with SVG charts.
//! - [`duration`] — durations as people write them (`"90m"`, `"1h 30m"`, `"PT1H"`).
//! - `testing` (feature `testing`) — proptest strategies and the machine laws, to property-test your own calendars,
//!   policies and machines.
//!
//! # Cookbook
//!
//! - [When is this due, in business time?](#when-is-this-due-in-business-time)
//! - [Three working days, across a holiday](#three-working-days-across-a-holiday)
//! - [An SLA clock that warns, breaches and escalates](#an-sla-clock-that-warns-breaches-and-escalates)
//! - [Policies as data](#policies-as-data)
//! - [Errors name what is wrong and where](#errors-name-what-is-wrong-and-where)
//!
//! ## When is this due, in business time?
//!
//! ```
//! use chrono::{TimeDelta, TimeZone};
//! use chrono_tz::Asia::Shanghai;
//! use kefu::calendar::Calendar;
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
//! let found = Shanghai.with_ymd_and_hms(2026, 11, 20, 17, 30, 0).unwrap().to_utc(); // Friday evening
//! let due = desk.add(found, TimeDelta::hours(1))?;
//! assert_eq!(desk.local(due).to_rfc3339(), "2026-11-23T09:30:00+08:00"); // Monday morning
//! assert_eq!(desk.between(found, due)?, TimeDelta::hours(1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Three working days, across a holiday
//!
//! ```
//! use chrono::TimeZone;
//! use chrono_tz::Asia::Shanghai;
//! use kefu::calendar::Calendar;
//!
//! let desk = Calendar::from_toml_str(r#"
//!     time_zone = "Asia/Shanghai"
//!     week = { mon = ["09:00-18:00"], tue = ["09:00-18:00"], wed = ["09:00-18:00"], thu = ["09:00-18:00"], fri = ["09:00-18:00"] }
//!     holidays = [{ from = "2026-10-01", to = "2026-10-07", name = "National Day" }]
//!     workdays = [{ date = "2026-10-10", hours = ["09:00-18:00"] }]
//! "#)?;
//! // Rule C5: the file is due three working days after the contract is accepted.
//! let accepted = Shanghai.with_ymd_and_hms(2026, 9, 30, 15, 0, 0).unwrap().to_utc();
//! let due = desk.add_working_days(accepted, 3)?;
//! assert_eq!(desk.local(due).to_rfc3339(), "2026-10-10T15:00:00+08:00"); // 8, 9, then the make-up Saturday
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## An SLA clock that warns, breaches and escalates
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use kefu::calendar::{Calendar, CalendarSet};
//! use kefu::machine::{Context, Instance, Principal};
//! use kefu::sla::{Clock, ClockCommand, ClockEvent, ClockStatus, SlaPolicy};
//!
//! let calendars: CalendarSet = [("utc", Calendar::always_open(chrono_tz::UTC))].into_iter().collect();
//! let policy = SlaPolicy::elapsed("B5 first contact", TimeDelta::hours(24))
//!     .with_warning(0.75)?
//!     .with_escalation("leadership", TimeDelta::hours(2))?;
//! let (system, t0) = (Principal::system(), Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap());
//! let at = |hours| Context::new(t0 + TimeDelta::hours(hours), &system, &calendars);
//!
//! let mut clock = Instance::<Clock>::new();
//! clock.execute(&ClockCommand::Start(policy), &at(0))?;
//! assert_eq!(clock.next_deadline().map(|d| d.at), Some(t0 + TimeDelta::hours(18))); // the 75% warning
//!
//! // The ERP's scheduler ticks whenever `next_deadline` comes; a late tick still records the true instants.
//! let events = clock.execute(&ClockCommand::Tick, &at(27))?;
//! assert_eq!(events.len(), 3); // warned at 18 h, breached at 24 h, escalated to leadership at 26 h
//! assert!(matches!(events[2], ClockEvent::Escalated { level: 1, .. }));
//! assert_eq!(clock.state().status(t0 + TimeDelta::hours(27)), ClockStatus::Breached { escalations: 1 });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Policies as data
//!
//! ```
//! use kefu::sla::{SlaPolicy, Target};
//!
//! let policy: SlaPolicy = serde_json::from_str(r#"{
//!     "name": "B6 handle on the spot",
//!     "within": "1h",
//!     "calendar": "service-desk",
//!     "warn_at": [0.75],
//!     "escalate": [{ "to": "department_head", "after": "0s" }, { "to": "leadership", "after": "1h" }]
//! }"#)?;
//! assert!(matches!(policy.target(), Target::Business { calendar, .. } if calendar == "service-desk"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Errors name what is wrong and where
//!
//! ```
//! use kefu::calendar::Calendar;
//!
//! let err = Calendar::from_toml_str("time_zone = \"Asia/Shanghai\"\n[week]\nmon = [\"09:00-12:00\", \"11:30-13:00\"]\n")
//!     .unwrap_err();
//! assert_eq!(err.to_string(), "week.mon: opening intervals `09:00-12:00` and `11:30-13:00` overlap");
//! ```
//!
//! # Features
//!
//! - `toml` (default), `json` (default): load calendars and policies from text.
//! - `testing`: public proptest strategies and the machine laws (`kefu::testing`).
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod approval;
pub mod assign;
pub mod calendar;
pub mod callback;
pub mod case;
#[cfg(all(feature = "toml", feature = "json"))]
pub mod desk;
mod dot;
pub mod duration;
pub mod error;
pub mod lifecycle;
mod load;
pub mod machine;
pub mod quality;
#[cfg(all(feature = "toml", feature = "json"))]
pub mod report;
pub mod script;
#[cfg(feature = "simulation")]
pub mod simulation;
pub mod sla;
pub mod staffing;
#[cfg(feature = "json")]
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;

pub use load::LoadError;
