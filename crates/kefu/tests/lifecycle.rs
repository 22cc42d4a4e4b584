//! The customer lifecycle (rules C4, C5, C6, F1, F2, F3, F4, B9): one scenario per rule, driven through time with
//! explicit instants on the Shanghai sample calendar (National Day 1–7 October 2026 off, Saturday 10 October worked).

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::approval::{Approval, ApprovalChain, ApprovalCommand};
use kefu::calendar::{Calendar, CalendarSet};
use kefu::lifecycle::{
    C5_DOCUMENTS, ContactChannel, FollowUp, Lifecycle, LifecycleCommand as C, LifecycleConfig, LifecycleError,
    LifecycleEvent as E, LifecycleKind, LifecyclePolicy, Obligation, Owner, Withdrawal,
};
use kefu::machine::{Context, Instance, Principal, Rejection, TransitionGraph, replay};
use kefu::sla::{ClockEvent, ClockStatus};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

/// `examples/calendars/shanghai-2026-sample.toml`, inlined from the copy in `tests/fixtures/` (kept identical by a test
/// of the guide crate, so that the packaged crate tests on its own).
const SHANGHAI: &str = include_str!("fixtures/shanghai-2026-sample.toml");

/// A customer's contact calendar (rule B9): no calls 12:00–13:30 and after 20:00 (nor before 08:00).
const QUIET_HOURS: &str = r#"
time_zone = "Asia/Shanghai"
[week]
mon = ["08:00-12:00", "13:30-20:00"]
tue = ["08:00-12:00", "13:30-20:00"]
wed = ["08:00-12:00", "13:30-20:00"]
thu = ["08:00-12:00", "13:30-20:00"]
fri = ["08:00-12:00", "13:30-20:00"]
sat = ["08:00-12:00", "13:30-20:00"]
sun = ["08:00-12:00", "13:30-20:00"]
"#;

fn config() -> LifecycleConfig {
    let calendars: CalendarSet = [
        ("office", Calendar::from_toml_str(SHANGHAI).expect("valid")),
        ("no-calls-at-rest", Calendar::from_toml_str(QUIET_HOURS).expect("valid")),
    ]
    .into_iter()
    .collect();
    LifecycleConfig::new(calendars, LifecyclePolicy::default())
}

/// An instant on the Shanghai wall clock, 2026.
fn sh(month: u32, day: u32, hour: u32, min: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, month, day, hour, min, 0).single().expect("unambiguous").to_utc()
}

/// 23:59:59 on the Shanghai wall clock, 2026: the last second of a month ending that day.
fn last_second(month: u32, day: u32) -> DateTime<Utc> {
    sh(month, day, 23, 59) + chrono::TimeDelta::seconds(59)
}

/// A customer driven by the ERP, with its event log.
struct Customer {
    config: LifecycleConfig,
    instance: Instance<Lifecycle>,
    log: Vec<E>,
    erp: Principal,
}

impl Customer {
    fn new() -> Self {
        Self { config: config(), instance: Instance::new(), log: Vec::new(), erp: Principal::new("erp") }
    }

    /// Sends an ERP fact at `at` after ticking whatever fell due before it, as a store does; or a tick.
    fn send(&mut self, command: C, at: DateTime<Utc>) -> std::result::Result<Vec<E>, Rejection<LifecycleError>> {
        if command != C::Tick {
            self.run_until(at);
        }
        let who = if command == C::Tick { Principal::system() } else { self.erp.clone() };
        let events = self.instance.execute(&command, &Context::new(at, &who, &self.config))?;
        self.log.extend(events.clone());
        Ok(events)
    }

    /// Ticks at every deadline up to `until`, as a store would; returns the events.
    fn run_until(&mut self, until: DateTime<Utc>) -> Vec<E> {
        let system = Principal::system();
        let events = self
            .instance
            .catch_up(&C::Tick, &Context::new(until, &system, &self.config))
            .expect("a due tick is accepted");
        self.log.extend(events.iter().cloned());
        events
    }

    /// A customer with a complete file and its first order at `order_at` (contract two hours before).
    fn active(order_at: DateTime<Utc>) -> Self {
        let mut c = Self::new();
        let before = order_at - chrono::TimeDelta::hours(2);
        c.send(C::ContractAccepted { contract: "HT-0042".into() }, before).expect("contract");
        for d in C5_DOCUMENTS {
            c.send(C::DocumentReceived { document: d.into() }, before).expect("document");
        }
        c.send(C::FileCreated { file_number: 42 }, before).expect("file");
        c.send(C::OrderPlaced { order: "SO-1".into() }, order_at).expect("order");
        c
    }

    fn obligations(&self) -> Vec<(String, DateTime<Utc>, bool)> {
        self.instance.state().obligations().iter().map(|o| (label(o), o.due, o.overdue)).collect()
    }

    fn assert_replays(&self) {
        assert_eq!(replay::<Lifecycle>(&self.log), self.instance, "replaying the log gives the same customer");
    }
}

fn label(o: &Obligation) -> String {
    match &o.follow_up {
        FollowUp::F1Call => "F1".to_owned(),
        FollowUp::F2Contact { month, number, of } => format!("F2 {month} {number}/{of}"),
    }
}

fn reason(err: Rejection<LifecycleError>) -> LifecycleError {
    match err {
        Rejection::Refused { reason, .. } => reason,
        other => panic!("expected a refusal, got {other}"),
    }
}

#[test]
fn rule_c5_the_file_is_due_three_working_days_after_the_contract_across_national_day() -> Result {
    let mut c = Customer::new();
    c.send(C::ContractAccepted { contract: "HT-0042".into() }, sh(9, 30, 15, 0))?;
    assert_eq!(c.instance.kind(), LifecycleKind::Onboarding);
    // 8 and 9 October, then the make-up Saturday: due Saturday 10 October at 15:00.
    let clock = c.instance.state().file_clock().ok_or("a file clock")?;
    assert_eq!(clock.due_at(), Some(sh(10, 10, 15, 0)));
    assert_eq!(c.instance.next_deadline().map(|d| (d.at, d.label)), Some((sh(10, 10, 15, 0), "c5_file")));

    // Nobody created the file: the tick at the due instant records the breach and the escalation.
    let events = c.run_until(sh(10, 12, 9, 0));
    assert_eq!(
        events,
        [
            E::FileClock { event: ClockEvent::Breached { at: sh(10, 10, 15, 0) } },
            E::FileClock {
                event: ClockEvent::Escalated { at: sh(10, 10, 15, 0), level: 1, to: "service_supervisor".into() }
            },
        ]
    );
    assert!(matches!(
        reason(c.send(C::FileCreated { file_number: 0 }, sh(10, 12, 9, 0)).unwrap_err()),
        LifecycleError::FileNumberZero
    ));
    c.send(C::FileCreated { file_number: 1042 }, sh(10, 12, 9, 30))?;
    assert_eq!(c.instance.state().file_number(), Some(1042));
    assert_eq!(
        c.instance.state().file_clock().map(|k| k.status(sh(10, 12, 10, 0))),
        Some(ClockStatus::Met { late: true })
    );
    let again = reason(c.send(C::FileCreated { file_number: 1043 }, sh(10, 12, 10, 0)).unwrap_err());
    assert!(matches!(again, LifecycleError::FileExists { file_number: 1042 }));
    c.assert_replays();
    Ok(())
}

#[test]
fn rule_c5_the_checklist_is_the_eight_documents_and_configurable() -> Result {
    let mut c = Customer::new();
    c.send(C::ContractAccepted { contract: "HT-0042".into() }, sh(11, 2, 10, 0))?;
    assert_eq!(c.instance.state().documents(), C5_DOCUMENTS);
    let err = reason(c.send(C::DocumentReceived { document: "tax_receipt".into() }, sh(11, 2, 11, 0)).unwrap_err());
    assert!(
        err.to_string().starts_with("`tax_receipt` is not on the document checklist (registration_form, "),
        "{err}"
    );
    c.send(C::DocumentReceived { document: "business_licence".into() }, sh(11, 2, 11, 0))?;
    c.send(C::FileCreated { file_number: 7 }, sh(11, 3, 10, 0))?;
    // On time: met, and the file records what was still missing.
    assert_eq!(
        c.instance.state().file_clock().map(|k| k.status(sh(11, 3, 10, 0))),
        Some(ClockStatus::Met { late: false })
    );
    assert!(matches!(c.log.last(), Some(E::FileCreated { missing, .. }) if missing.len() == 7));

    let mut short = Customer::new();
    short.config.policy.documents = vec!["registration_form".into(), "business_licence".into()];
    short.send(C::ContractAccepted { contract: "HT-0043".into() }, sh(11, 2, 10, 0))?;
    assert_eq!(short.instance.state().missing_documents(), ["registration_form", "business_licence"]);
    Ok(())
}

#[test]
fn rule_c6_an_order_on_an_incomplete_file_is_refused_naming_the_missing_documents() -> Result {
    let mut c = Customer::new();
    c.send(C::ContractAccepted { contract: "HT-0042".into() }, sh(11, 2, 10, 0))?;
    let no_file = reason(c.send(C::OrderPlaced { order: "SO-1".into() }, sh(11, 2, 11, 0)).unwrap_err());
    assert!(matches!(no_file, LifecycleError::NoFile));
    for d in &C5_DOCUMENTS[..6] {
        c.send(C::DocumentReceived { document: (*d).into() }, sh(11, 2, 11, 0))?;
    }
    c.send(C::FileCreated { file_number: 1042 }, sh(11, 2, 14, 0))?;
    let before = c.instance.clone();
    let err = reason(c.send(C::OrderPlaced { order: "SO-1".into() }, sh(11, 2, 15, 0)).unwrap_err());
    assert!(
        matches!(&err, LifecycleError::IncompleteFile { missing } if missing == &["land_use_certificate", "invoicing_details"])
    );
    assert_eq!(
        err.to_string(),
        "the customer's file lacks land_use_certificate, invoicing_details: trading needs the approval of the \
         marketing director or the general manager (rule C6)"
    );
    assert_eq!(c.instance, before, "a refusal leaves no trace");

    // The ERP runs the C6 approval chain; the general manager approves; the fact unblocks trading.
    let calendars = c.config.calendars.clone();
    let specialist = Principal::new("zhang.san");
    let manager = Principal::new("wang.fang").with_role("general_manager");
    let mut approval = Instance::<Approval>::new();
    let request = ApprovalCommand::Request { chain: ApprovalChain::c6_incomplete_file(), subject: "HT-0042".into() };
    approval.execute(&request, &Context::new(sh(11, 2, 15, 0), &specialist, &calendars))?;
    approval
        .execute(&ApprovalCommand::Approve { note: None }, &Context::new(sh(11, 2, 16, 0), &manager, &calendars))?;
    let approver = approval.state().decisions()[0].by.clone();
    c.send(C::ExceptionApproved { approval_id: "APR-7".into(), approver }, sh(11, 2, 16, 0))?;
    c.send(C::OrderPlaced { order: "SO-1".into() }, sh(11, 2, 16, 30))?;
    assert_eq!(c.instance.kind(), LifecycleKind::Active);
    let exception = c.instance.state().exception().ok_or("an exception on record")?;
    assert_eq!((exception.approver.as_str(), exception.missing.len()), ("wang.fang", 2));
    c.assert_replays();
    Ok(())
}

#[test]
fn rule_c6_a_complete_file_trades_without_an_exception_and_needs_none() -> Result {
    let mut c = Customer::new();
    c.send(C::ContractAccepted { contract: "HT-0042".into() }, sh(11, 2, 10, 0))?;
    for d in C5_DOCUMENTS {
        c.send(C::DocumentReceived { document: d.into() }, sh(11, 2, 11, 0))?;
    }
    c.send(C::FileCreated { file_number: 1 }, sh(11, 2, 12, 0))?;
    let err = c.send(C::ExceptionApproved { approval_id: "APR-1".into(), approver: "li.wei".into() }, sh(11, 2, 13, 0));
    assert!(matches!(reason(err.unwrap_err()), LifecycleError::NothingMissing));
    c.send(C::OrderPlaced { order: "SO-1".into() }, sh(11, 2, 14, 0))?;
    assert_eq!(c.instance.kind(), LifecycleKind::Active);
    Ok(())
}

#[test]
fn rule_c4_the_briefing_is_due_a_week_after_the_assignment_and_escalates_when_late() -> Result {
    let mut c = Customer::active(sh(11, 2, 9, 0));
    let no_one = reason(c.send(C::BriefingRecorded { notes: "x".into() }, sh(11, 2, 9, 30)).unwrap_err());
    assert!(matches!(no_one, LifecycleError::NoSpecialist));
    c.send(C::SpecialistAssigned { specialist: "zhang.san".into() }, sh(11, 2, 10, 0))?;
    assert_eq!(c.instance.state().briefing_clock().and_then(|k| k.due_at()), Some(sh(11, 9, 10, 0)));

    // Reassigned on Wednesday: the first clock is cancelled, the new one runs a week from then.
    c.send(C::SpecialistAssigned { specialist: "li.si".into() }, sh(11, 4, 10, 0))?;
    assert!(c.log.iter().any(|e| matches!(e, E::BriefingClock { event: ClockEvent::Cancelled { .. } })));
    assert_eq!(c.instance.state().briefing_clock().and_then(|k| k.due_at()), Some(sh(11, 11, 10, 0)));

    let events = c.run_until(sh(11, 11, 12, 0));
    let briefing: Vec<&ClockEvent> =
        events.iter().filter_map(|e| if let E::BriefingClock { event } = e { Some(event) } else { None }).collect();
    assert_eq!(
        briefing,
        [
            &ClockEvent::Breached { at: sh(11, 11, 10, 0) },
            &ClockEvent::Escalated { at: sh(11, 11, 10, 0), level: 1, to: "service_supervisor".into() },
        ]
    );
    // The previously assigned specialist cannot record it for the new one.
    let zhang_san = Principal::new("zhang.san").with_role("specialist");
    let err = c
        .instance
        .execute(&C::BriefingRecorded { notes: "x".into() }, &Context::new(sh(11, 11, 14, 0), &zhang_san, &c.config))
        .unwrap_err();
    assert!(matches!(reason(err), LifecycleError::NotTheSpecialist { .. }));
    let li_si = Principal::new("li.si").with_role("specialist");
    let events = c.instance.execute(
        &C::BriefingRecorded { notes: "orders monthly; prefers calls after 14:00".into() },
        &Context::new(sh(11, 11, 15, 0), &li_si, &c.config),
    )?;
    c.log.extend(events);
    assert_eq!(c.instance.state().briefed_at(), Some(sh(11, 11, 15, 0)));
    assert!(matches!(c.log.last(), Some(E::BriefingRecorded { by, .. }) if by == "li.si"));
    assert_eq!(
        c.instance.state().briefing_clock().map(|k| k.status(sh(11, 12, 0, 0))),
        Some(ClockStatus::Met { late: true })
    );
    c.assert_replays();
    Ok(())
}

#[test]
fn rule_f1_a_week_without_an_order_schedules_one_call_within_the_next_week() -> Result {
    let mut c = Customer::active(sh(11, 2, 10, 0));
    // An order on Thursday moves the week.
    c.send(C::OrderPlaced { order: "SO-2".into() }, sh(11, 5, 10, 0))?;
    assert_eq!(c.instance.next_deadline().map(|d| (d.at, d.label)), Some((sh(11, 12, 10, 0), "f1_quiet")));
    let events = c.run_until(sh(11, 12, 10, 0));
    assert_eq!(events[0], E::WentQuiet { at: sh(11, 12, 10, 0) });
    assert_eq!(c.instance.kind(), LifecycleKind::Quiet);
    assert_eq!(c.obligations(), [("F1".to_owned(), sh(11, 19, 10, 0), false)]);

    // An SMS is not the call F1 asks for; a phone call is.
    let sms = c.send(C::ContactMade { channel: ContactChannel::Sms }, sh(11, 13, 10, 0))?;
    assert_eq!(sms.len(), 1);
    assert_eq!(c.instance.state().obligations().len(), 1);
    let call = c.send(C::ContactMade { channel: ContactChannel::Phone }, sh(11, 16, 10, 0))?;
    assert!(matches!(call[1], E::ObligationFulfilled { id: 1, channel: ContactChannel::Phone, .. }));
    assert!(c.instance.state().obligations().is_empty());
    assert_eq!(c.instance.state().contacts_made(), 2);
    c.assert_replays();
    Ok(())
}

#[test]
fn rule_f1_a_missed_call_becomes_overdue_and_stays_open() -> Result {
    let mut c = Customer::active(sh(11, 2, 10, 0));
    c.run_until(sh(11, 20, 0, 0));
    assert_eq!(c.obligations(), [("F1".to_owned(), sh(11, 16, 10, 0), true)]);
    assert!(c.log.contains(&E::ObligationOverdue { id: 1, at: sh(11, 16, 10, 0) }));
    c.send(C::ContactMade { channel: ContactChannel::Phone }, sh(11, 20, 9, 0))?;
    assert!(c.instance.state().obligations().is_empty());
    Ok(())
}

#[test]
fn rule_f2_a_month_without_business_asks_two_contacts_each_calendar_month_and_keeps_missed_ones() -> Result {
    let mut c = Customer::active(sh(10, 12, 10, 0));
    c.run_until(sh(10, 19, 10, 0)); // quiet: F1 call due 26 October
    c.send(C::ContactMade { channel: ContactChannel::Phone }, sh(10, 20, 10, 0))?;

    // One month after the last order: lapsed; the rest of November gets two contacts at regular times, the last
    // at November's last second, inside the month (B10).
    let events = c.run_until(sh(11, 12, 10, 0));
    assert_eq!(events[0], E::Lapsed { at: sh(11, 12, 10, 0) });
    assert_eq!(c.instance.kind(), LifecycleKind::Lapsed);
    assert_eq!(
        c.obligations(),
        [
            ("F2 2026-11 1/2".to_owned(), sh(11, 21, 17, 0), false),
            ("F2 2026-11 2/2".to_owned(), last_second(11, 30), false)
        ]
    );

    // One contact in November; the second is missed — in November — stays open and overdue, and December asks its
    // own two.
    c.send(C::ContactMade { channel: ContactChannel::Sms }, sh(11, 20, 10, 0))?;
    c.run_until(sh(12, 1, 0, 0));
    assert!(c.log.contains(&E::ObligationOverdue { id: 3, at: last_second(11, 30) }));
    assert_eq!(
        c.obligations(),
        [
            ("F2 2026-11 2/2".to_owned(), last_second(11, 30), true),
            ("F2 2026-12 1/2".to_owned(), sh(12, 16, 12, 0), false),
            ("F2 2026-12 2/2".to_owned(), last_second(12, 31), false),
        ]
    );
    // The next contact goes to the missed one first: nothing is silently dropped.
    let visit = c.send(C::ContactMade { channel: ContactChannel::Visit }, sh(12, 3, 10, 0))?;
    assert!(matches!(visit[1], E::ObligationFulfilled { id: 3, .. }));

    // An order brings the customer back: no further months, the open contacts stay until made.
    let order = c.send(C::OrderPlaced { order: "SO-9".into() }, sh(12, 5, 10, 0))?;
    assert!(matches!(order[0], E::OrderPlaced { reactivated: true, .. }));
    assert_eq!(c.instance.kind(), LifecycleKind::Active);
    assert_eq!(c.instance.state().obligations().len(), 2);
    assert!(c.instance.deadlines().iter().all(|d| d.label != "f2_month"));
    c.assert_replays();
    Ok(())
}

#[test]
fn rule_f2_quiet_hours_never_push_a_contact_into_the_next_month() -> Result {
    // Rule B9 with F2: the customer may be contacted 08:00–12:00 and 13:30–20:00. Lapsed on 1 June at 10:00, the
    // second June contact would fall due at 23:59:59 on 30 June, after the evening cut-off; the next allowed instant
    // is in July, so it is due at 20:00 on 30 June, the end of June's last allowed stretch.
    let mut c = Customer::active(sh(5, 1, 10, 0));
    c.send(C::SetContactCalendar { calendar: Some("no-calls-at-rest".into()) }, sh(5, 1, 10, 0))?;
    c.send(C::ContactMade { channel: ContactChannel::Phone }, sh(5, 9, 10, 0))?;
    c.run_until(sh(6, 1, 10, 0));
    assert_eq!(c.instance.kind(), LifecycleKind::Lapsed);
    assert_eq!(
        c.obligations(),
        [
            // 05:00 on 16 June, before the customer's day begins: moved to 08:00.
            ("F2 2026-06 1/2".to_owned(), sh(6, 16, 8, 0), false),
            ("F2 2026-06 2/2".to_owned(), sh(6, 30, 20, 0), false)
        ]
    );

    // Lapsing in the evening of the month's last day leaves nothing allowed in the month: the contacts stay at
    // their regular instants, inside the month, and are missed there.
    let mut late = Customer::active(sh(5, 31, 21, 0));
    late.send(C::SetContactCalendar { calendar: Some("no-calls-at-rest".into()) }, sh(5, 31, 21, 0))?;
    late.send(C::ContactMade { channel: ContactChannel::Phone }, sh(6, 8, 10, 0))?;
    late.run_until(sh(6, 30, 21, 0));
    let june: Vec<_> = late.obligations().into_iter().filter(|o| o.0.starts_with("F2 2026-06")).collect();
    assert_eq!(
        june,
        [
            ("F2 2026-06 1/2".to_owned(), sh(6, 30, 22, 30), false),
            ("F2 2026-06 2/2".to_owned(), last_second(6, 30), false)
        ]
    );
    c.assert_replays();
    late.assert_replays();
    Ok(())
}

#[test]
fn rule_f3_customer_service_takes_over_after_two_silent_months_but_not_while_money_is_owed() -> Result {
    let mut c = Customer::active(sh(8, 3, 10, 0));
    c.send(C::HandedToSales, sh(8, 4, 10, 0))?;
    c.send(C::SalesContactLogged, sh(8, 20, 10, 0))?; // silence would end 20 October
    c.send(C::PaymentOverdue { invoice: "INV-77".into() }, sh(8, 25, 10, 0))?;
    c.run_until(sh(10, 25, 10, 0));
    assert_eq!(c.instance.kind(), LifecycleKind::Lapsed);
    assert_eq!(c.instance.state().owner(), Owner::Sales, "owing money keeps the customer with sales");
    assert!(c.instance.state().obligations().is_empty());
    assert_eq!(c.instance.next_deadline(), None, "nothing to wait for while the debt lasts");

    c.send(C::PaymentSettled { invoice: "INV-77".into() }, sh(10, 25, 10, 0))?;
    let events = c.run_until(sh(10, 25, 10, 0));
    assert_eq!(events[0], E::FollowUpTakenOver { at: sh(10, 25, 10, 0) });
    assert_eq!(c.instance.state().owner(), Owner::CustomerService);
    assert_eq!(c.obligations().len(), 2, "a lapsed customer gets the F2 contacts of the rest of October");
    c.assert_replays();
    Ok(())
}

#[test]
fn rule_f3_without_debt_the_take_over_happens_when_the_silence_exceeds_two_months() -> Result {
    let mut c = Customer::active(sh(8, 3, 10, 0));
    c.send(C::HandedToSales, sh(8, 4, 10, 0))?;
    assert_eq!(c.instance.state().take_over_at(), Some(sh(10, 4, 10, 0)));
    c.send(C::SalesContactLogged, sh(9, 1, 10, 0))?;
    assert_eq!(c.instance.state().take_over_at(), Some(sh(11, 1, 10, 0)));
    let events = c.run_until(sh(11, 1, 10, 0));
    assert!(events.contains(&E::FollowUpTakenOver { at: sh(11, 1, 10, 0) }));
    assert_eq!(c.instance.state().owner(), Owner::CustomerService);
    Ok(())
}

#[test]
fn rule_f4_a_customer_handed_to_sales_is_followed_by_sales_not_customer_service() -> Result {
    let mut c = Customer::active(sh(11, 2, 10, 0));
    c.run_until(sh(11, 9, 10, 0));
    assert_eq!(c.obligations().len(), 1);
    let events = c.send(C::HandedToSales, sh(11, 10, 10, 0))?;
    assert_eq!(events[0], E::ObligationWithdrawn { id: 1, at: sh(11, 10, 10, 0), reason: Withdrawal::HandedToSales });
    assert_eq!(c.instance.state().owner(), Owner::Sales);
    assert!(matches!(
        reason(c.send(C::HandedToSales, sh(11, 10, 11, 0)).unwrap_err()),
        LifecycleError::AlreadyWithSales
    ));

    // Lapsing while with sales opens nothing for customer service.
    c.run_until(sh(12, 5, 0, 0));
    assert_eq!(c.instance.kind(), LifecycleKind::Lapsed);
    assert!(c.instance.state().obligations().is_empty());

    // Handed back: customer service registers the lapsed customer's contacts for the rest of December.
    c.send(C::HandedBack, sh(12, 5, 10, 0))?;
    assert_eq!(c.obligations().iter().map(|o| o.0.as_str()).collect::<Vec<_>>(), ["F2 2026-12 1/2", "F2 2026-12 2/2"]);
    assert!(matches!(reason(c.send(C::HandedBack, sh(12, 5, 11, 0)).unwrap_err()), LifecycleError::NotWithSales));
    c.assert_replays();
    Ok(())
}

#[test]
fn rule_b9_a_contact_due_in_quiet_hours_moves_to_the_next_allowed_instant() -> Result {
    let mut c = Customer::new();
    let err = c.send(C::SetContactCalendar { calendar: Some("nap".into()) }, sh(11, 2, 8, 0)).unwrap_err();
    assert_eq!(reason(err).to_string(), "unknown calendar `nap` (known: no-calls-at-rest, office)");
    c.send(C::SetContactCalendar { calendar: Some("no-calls-at-rest".into()) }, sh(11, 2, 8, 0))?;
    c.send(C::ContractAccepted { contract: "HT-0042".into() }, sh(11, 2, 9, 0))?;
    for d in C5_DOCUMENTS {
        c.send(C::DocumentReceived { document: d.into() }, sh(11, 2, 9, 0))?;
    }
    c.send(C::FileCreated { file_number: 5 }, sh(11, 2, 9, 30))?;
    // Ordered on Monday at 21:00: the F1 call would fall due at 21:00 a fortnight later, after the customer's
    // evening cut-off; it moves to 08:00 the next morning.
    c.send(C::OrderPlaced { order: "SO-1".into() }, sh(11, 2, 21, 0))?;
    c.run_until(sh(11, 9, 21, 0));
    assert_eq!(c.obligations(), [("F1".to_owned(), sh(11, 17, 8, 0), false)]);

    // At lunch time (12:00–13:30) too.
    let mut noon = Customer::active(sh(11, 2, 12, 30));
    noon.send(C::SetContactCalendar { calendar: Some("no-calls-at-rest".into()) }, sh(11, 2, 13, 0))?;
    noon.run_until(sh(11, 9, 12, 30));
    assert_eq!(noon.obligations(), [("F1".to_owned(), sh(11, 16, 13, 30), false)]);

    // A contact the ERP reports inside quiet hours is recorded, and flagged.
    let late = c.send(C::ContactMade { channel: ContactChannel::Phone }, sh(11, 10, 22, 0))?;
    assert!(matches!(late[0], E::ContactMade { in_quiet_hours: true, .. }));
    c.assert_replays();
    Ok(())
}

#[test]
fn closing_withdraws_every_open_obligation_and_cancels_the_clocks() -> Result {
    let mut c = Customer::active(sh(11, 2, 10, 0));
    c.send(C::SpecialistAssigned { specialist: "zhang.san".into() }, sh(11, 2, 11, 0))?;
    c.run_until(sh(11, 9, 10, 0));
    let events = c.send(C::Close { reason: "merged into another customer".into() }, sh(11, 9, 10, 30))?;
    assert_eq!(events[0], E::ObligationWithdrawn { id: 1, at: sh(11, 9, 10, 30), reason: Withdrawal::Closed });
    assert!(matches!(events[1], E::BriefingClock { event: ClockEvent::Cancelled { .. } }));
    assert_eq!(c.instance.kind(), LifecycleKind::Closed);
    assert!(c.instance.deadlines().is_empty());
    assert!(matches!(c.send(C::Tick, sh(11, 10, 0, 0)).unwrap_err(), Rejection::NotAllowed { .. }));
    Ok(())
}

#[test]
fn a_late_tick_records_everything_at_its_true_instant() -> Result {
    let mut c = Customer::active(sh(10, 12, 10, 0));
    let events = c.send(C::Tick, sh(12, 2, 0, 0))?;
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| match e {
            E::WentQuiet { .. } => "quiet",
            E::Lapsed { .. } => "lapsed",
            E::F2Month { .. } => "month",
            E::ObligationOpened(_) => "opened",
            E::ObligationOverdue { .. } => "overdue",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "quiet", "opened", "overdue", "lapsed", "month", "opened", "opened", "overdue", "overdue", "month",
            "opened", "opened"
        ]
    );
    assert!(c.instance.deadlines().iter().all(|d| d.at > sh(12, 2, 0, 0)));
    c.assert_replays();
    Ok(())
}

#[test]
fn the_policy_reads_from_toml_with_the_domain_defaults() -> Result {
    let policy: LifecyclePolicy = toml::from_str("quiet_after = \"10d\"\nf1_channels = [\"phone\", \"visit\"]\n")?;
    assert_eq!(policy.quiet_after, chrono::TimeDelta::days(10));
    assert_eq!(policy.f1_channels, [ContactChannel::Phone, ContactChannel::Visit]);
    assert_eq!(policy.documents.len(), 8);
    let back: LifecyclePolicy = serde_json::from_str(&serde_json::to_string(&policy)?)?;
    assert_eq!(back, policy);
    let bad: std::result::Result<LifecyclePolicy, _> = toml::from_str("quiet_afterr = \"10d\"\n");
    assert!(bad.unwrap_err().to_string().contains("unknown field `quiet_afterr`"));
    let zero = LifecyclePolicy { f2_contacts_per_month: 0, ..LifecyclePolicy::default() };
    assert_eq!(
        zero.validate().unwrap_err().to_string(),
        "lifecycle policy: `f2_contacts_per_month` must be at least 1"
    );
    Ok(())
}

#[test]
fn the_lifecycle_graph_reaches_every_state_and_every_state_can_close() {
    let graph = TransitionGraph::of::<Lifecycle>();
    assert!(graph.unreachable().is_empty());
    assert!(graph.cannot_finish().is_empty());
}
