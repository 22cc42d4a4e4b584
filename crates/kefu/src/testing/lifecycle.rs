//! Strategies and checks for the customer lifecycle ([`Lifecycle`](crate::lifecycle::Lifecycle)): random ERP
//! fact streams, the state invariant, and the obligation ledger (no open obligation is ever lost).
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use kefu::lifecycle::{Lifecycle, LifecycleCommand};
//! use kefu::testing::lifecycle::{any_erp_fact, invariant, shanghai_config};
//! use kefu::testing::machine::Laws;
//!
//! let config = shanghai_config();
//! Laws::<Lifecycle>::new(&config)
//!     .tick(|| LifecycleCommand::Tick)
//!     .invariant(invariant)
//!     .start(Utc.with_ymd_and_hms(2026, 9, 1, 1, 0, 0).unwrap())
//!     .max_step(Duration::days(4))
//!     .cases(8)
//!     .run(any_erp_fact())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;

use proptest::prelude::*;

use crate::calendar::{Calendar, CalendarSet, CalendarSpec, HolidaySpec, WeekSpec, WorkdaySpec};
use crate::lifecycle::{
    C5_DOCUMENTS, ContactChannel, LifecycleCommand, LifecycleConfig, LifecycleEvent, LifecycleKind, LifecyclePolicy,
    LifecycleState,
};

/// The name of the contact calendar [`shanghai_config`] holds: contacts allowed 08:00–12:00 and 13:30–20:00 every
/// day (rule B9's example quiet hours).
pub const NO_CALLS_AT_REST: &str = "no-calls-at-rest";

fn hours(list: &[&str]) -> Vec<crate::calendar::OpeningInterval> {
    list.iter().map(|h| h.parse().unwrap_or_else(|e| unreachable!("valid interval {h}: {e}"))).collect()
}

/// The lifecycle's default policy on the Shanghai sample calendar (`office`: Monday to Friday 09:00–12:00 and
/// 13:30–18:00, National Day 1–7 October 2026 off, Saturday 10 October worked) plus the [`NO_CALLS_AT_REST`]
/// contact calendar.
pub fn shanghai_config() -> LifecycleConfig {
    let date = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default();
    let office = CalendarSpec {
        name: Some("office".into()),
        time_zone: "Asia/Shanghai".into(),
        week: WeekSpec::weekdays(&hours(&["09:00-12:00", "13:30-18:00"])),
        holidays: vec![HolidaySpec { from: date(10, 1), to: Some(date(10, 7)), name: Some("National Day".into()) }],
        workdays: vec![WorkdaySpec { date: date(10, 10), hours: hours(&["09:00-12:00", "13:30-18:00"]), name: None }],
        covers: None,
    };
    let rest = CalendarSpec {
        name: Some(NO_CALLS_AT_REST.into()),
        time_zone: "Asia/Shanghai".into(),
        week: WeekSpec::every_day(&hours(&["08:00-12:00", "13:30-20:00"])),
        holidays: Vec::new(),
        workdays: Vec::new(),
        covers: None,
    };
    let calendars: CalendarSet = [
        ("office", Calendar::new(office).unwrap_or_else(|e| unreachable!("valid: {e}"))),
        (NO_CALLS_AT_REST, Calendar::new(rest).unwrap_or_else(|e| unreachable!("valid: {e}"))),
    ]
    .into_iter()
    .collect();
    LifecycleConfig::new(calendars, LifecyclePolicy::default())
}

/// Random ERP facts (no ticks: [`Laws`](crate::testing::machine::Laws) adds those at deadlines), weighted towards
/// what makes a customer's life move: contracts, documents, files, orders, payments, contacts, hand-overs.
/// Documents come from the C5 checklist plus one unknown id; invoices from a small set, so settlements match.
pub fn any_erp_fact() -> impl Strategy<Value = LifecycleCommand> {
    use LifecycleCommand as C;
    let document = proptest::sample::select(
        C5_DOCUMENTS.iter().map(|&d| d.to_owned()).chain(["unknown_form".to_owned()]).collect::<Vec<_>>(),
    );
    let invoice = (1u8..4).prop_map(|n| format!("INV-{n}"));
    let channel = proptest::sample::select(ContactChannel::ALL.to_vec());
    prop_oneof![
        2 => Just(C::ContractAccepted { contract: "HT-1".into() }),
        4 => document.prop_map(|document| C::DocumentReceived { document }),
        2 => (0u64..3).prop_map(|file_number| C::FileCreated { file_number }),
        1 => Just(C::ExceptionApproved { approval_id: "APR-1".into(), approver: "li.wei".into() }),
        5 => Just(C::OrderPlaced { order: "SO".into() }),
        2 => invoice.clone().prop_map(|invoice| C::PaymentOverdue { invoice }),
        2 => invoice.prop_map(|invoice| C::PaymentSettled { invoice }),
        1 => Just(C::SalesContactLogged),
        1 => Just(C::HandedToSales),
        1 => Just(C::HandedBack),
        1 => proptest::sample::select(vec!["zhang.san", "li.si"]).prop_map(|s| C::SpecialistAssigned { specialist: s.into() }),
        1 => Just(C::BriefingRecorded { notes: "briefed".into() }),
        4 => channel.prop_map(|channel| C::ContactMade { channel }),
        1 => proptest::option::of(Just(NO_CALLS_AT_REST.to_owned())).prop_map(|calendar| C::SetContactCalendar { calendar }),
        1 => Just(C::Close { reason: "closed".into() }),
        2 => Just(C::Tick),
    ]
}

/// The lifecycle's state invariant: what must hold in every reachable state. `Err` says what does not.
///
/// - Everything a snapshot is checked for when it is read (see
///   [`InvalidState`](crate::machine::InvalidState)): a prospect has no contract; onboarding means a contract and
///   no order yet; an active, quiet or lapsed customer has a contract, a file and an order; the received documents
///   are on the checklist; open obligations have distinct ids no greater than the number opened and are due no
///   earlier than opened; a customer with sales (F4) and a closed customer have no open obligation.
/// - A trading customer's file is complete, or a C6 exception covers what is missing.
/// - A closed customer has no deadline; its clocks are over.
pub fn invariant(state: &LifecycleState) -> Result<(), String> {
    state.check().map_err(|e| e.to_string())?;
    let kind = state.kind();
    let trading = matches!(kind, LifecycleKind::Active | LifecycleKind::Quiet | LifecycleKind::Lapsed);
    if trading && !state.missing_documents().is_empty() && state.exception().is_none() {
        return Err(format!("trading without {:?} and without a C6 exception", state.missing_documents()));
    }
    if let Some(exception) = state.exception() {
        let missing: BTreeSet<String> = state.missing_documents().into_iter().collect();
        if !missing.iter().all(|d| exception.missing.contains(d)) {
            return Err("documents missing that the exception did not cover".into());
        }
    }
    if kind == LifecycleKind::Closed
        && !<crate::lifecycle::Lifecycle as crate::machine::Machine>::deadlines(state).is_empty()
    {
        return Err("a closed customer still has deadlines".into());
    }
    Ok(())
}

/// Checks the obligation ledger of an event log: folding the events one by one, the open obligations are exactly
/// those opened and not yet fulfilled or withdrawn — an obligation leaves only through an
/// [`ObligationFulfilled`](LifecycleEvent::ObligationFulfilled) or
/// [`ObligationWithdrawn`](LifecycleEvent::ObligationWithdrawn) event — and an overdue mark never removes one.
/// Every F2 contact is due inside its month (before the `next_month` of its [`F2Month`](LifecycleEvent::F2Month)
/// event), so a month's coverage report counts it (rule B10).
///
/// # Errors
///
/// The position of the first event after which the state's open obligations differ from the ledger, or of an F2
/// contact due outside its month.
pub fn check_obligation_ledger(events: &[LifecycleEvent]) -> Result<(), String> {
    use std::collections::BTreeMap;

    use crate::lifecycle::{FollowUp, Lifecycle};
    use crate::machine::Machine;
    let mut state = Lifecycle::initial();
    let mut ledger: BTreeSet<u32> = BTreeSet::new();
    let mut month_ends = BTreeMap::new();
    for (i, event) in events.iter().enumerate() {
        match event {
            LifecycleEvent::F2Month { month, next_month, .. } => {
                month_ends.insert(month.clone(), *next_month);
            }
            LifecycleEvent::ObligationOpened(o) => {
                if let FollowUp::F2Contact { month, .. } = &o.follow_up {
                    match month_ends.get(month) {
                        Some(end) if o.due < *end => {}
                        end => {
                            return Err(format!(
                                "event {i}: F2 contact {o:?} is not due inside {month} (ends {end:?})"
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
        match event {
            LifecycleEvent::ObligationOpened(o) if !ledger.insert(o.id) => {
                return Err(format!("event {i}: obligation {} opened twice", o.id));
            }
            LifecycleEvent::ObligationFulfilled { id, .. } | LifecycleEvent::ObligationWithdrawn { id, .. }
                if !ledger.remove(id) =>
            {
                return Err(format!("event {i}: obligation {id} closed but it was not open"));
            }
            _ => {}
        }
        Lifecycle::evolve(&mut state, event);
        let open: BTreeSet<u32> = state.obligations().iter().map(|o| o.id).collect();
        if open != ledger {
            return Err(format!("after event {i} ({event:?}) the state holds {open:?}, the ledger {ledger:?}"));
        }
    }
    Ok(())
}
