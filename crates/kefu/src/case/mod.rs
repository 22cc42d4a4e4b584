//! Problem cases (rules B5, B6, Q1, Q2, Q4, Q6, Q7): a problem raised in a callback, or an inbound inquiry, followed
//! until the customer confirms the answer — every step an event with who and when, every time limit an SLA clock.
//!
//! - A case opens from a callback problem ([`Origin::Callback`]: the callback's id, the customer's words and the
//!   department the script named, if any) or an inbound inquiry by phone, e-mail, chat or social media
//!   ([`Origin::Inquiry`], rule Q1). It is classified at intake by [`Nature`] (Q6) and [`Urgency`] (Q2); the
//!   [`Class`] selects the SLA policies ([`CasePolicies::for_class`], rule Q4). Policies are data (TOML or JSON).
//! - Rule B6: at the desk ([`CaseKind::Handling`]), what the supervisor can decide is resolved within the hour
//!   ([`TimeLimit::Handle`]); what belongs to another department is referred to it.
//! - Rule B5: the feedback form reaches the department within 1 hour ([`TimeLimit::Forward`], met when the
//!   department acknowledges it); the department makes first contact with a regular customer, or answers a lapsed
//!   one with a solution plan, within 24 hours ([`TimeLimit::Department`]); customer service chases
//!   ([`CaseCommand::Chase`]). A department that does not help is escalated to leadership by the clock's escalation
//!   ladder. A callback problem that names its department goes straight there.
//! - Rule Q7: a complaint is accepted ([`CaseKind::Investigating`]), investigated and verified, handled, answered,
//!   and closed only when the customer confirms — or, if the class's policy says so, after a silence.
//! - An inquiry's customer gets a first response within the class's limit ([`TimeLimit::Respond`], rule Q4).
//!
//! A case may run several clocks at once (a first response and the department's 24 hours, say); they live in a
//! map keyed by [`TimeLimit`], each an embedded [`Clock`](crate::sla::Clock) whose events the case wraps in
//! [`CaseEvent::Clock`]. A clock ends only through an event: met when its time limit is fulfilled, cancelled when the
//! case is withdrawn. The case's deadlines are those of its running clocks, plus the confirmation silence.
//!
//! # Example: a problem found on Friday at 17:30 (rules B5, B6)
//!
//! ```
//! use chrono::{TimeDelta, TimeZone};
//! use chrono_tz::Asia::Shanghai;
//! use kefu::calendar::{Calendar, CalendarSet};
//! use kefu::case::{Case, CaseCommand, CaseConfig, CaseKind, CasePolicies, Class, Nature, TimeLimit, Origin, Standing};
//! use kefu::machine::{Context, Instance, Principal};
//!
//! let desk = Calendar::from_toml_str(r#"
//!     time_zone = "Asia/Shanghai"
//!     week = { mon = ["09:00-18:00"], tue = ["09:00-18:00"], wed = ["09:00-18:00"], thu = ["09:00-18:00"], fri = ["09:00-18:00"] }
//! "#)?;
//! let config = CaseConfig::new([("service-desk", desk)].into_iter().collect(), CasePolicies::default())?;
//! let local = |d, h, m| Shanghai.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap().to_utc();
//! let (agent, logistics) = (Principal::new("zhang.san"), Principal::new("wu.lei").with_role("logistics"));
//!
//! // An S2 callback to a lapsed customer finds a delivery problem and names the logistics department.
//! let mut case = Instance::<Case>::new();
//! case.execute(&CaseCommand::Open {
//!     origin: Origin::callback("cb-0042", "Deliveries keep arriving late", Some("logistics")),
//!     class: Class::from(Nature::AfterSales),
//!     customer: "0042".into(),
//!     standing: Standing::Lapsed,
//! }, &Context::new(local(20, 17, 30), &agent, &config))?;
//! assert_eq!(case.kind(), CaseKind::Referred);
//! // B5: the feedback form reaches logistics within the hour — Friday 18:30, not Monday.
//! assert_eq!(case.state().clock(TimeLimit::Forward).and_then(|c| c.due_at()), Some(local(20, 18, 30)));
//!
//! case.execute(&CaseCommand::Acknowledge, &Context::new(local(20, 17, 50), &logistics, &config))?;
//! // B5 §2.4: a solution plan within 24 hours.
//! assert_eq!(case.state().clock(TimeLimit::Department).and_then(|c| c.due_at()), Some(local(21, 17, 50)));
//! assert_eq!(case.next_deadline().map(|d| d.at), Some(local(21, 11, 50))); // the 75% warning
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod class;
mod inbound;
mod machine;
mod policy;

pub use class::{Class, InquiryChannel, Nature, Origin, Standing, Urgency};
pub use inbound::{Caller, Inbound, InboundError, InboundScript, Q3_TOML};
pub use machine::{Case, CaseCommand, CaseCommandKind, CaseError, CaseEvent, CaseKind, CaseState, Chase};
pub use policy::{CaseConfig, CasePolicies, ClassPolicy, ClassRule, LoadError, PoliciesError, SERVICE_DESK, TimeLimit};
