//! Problem cases (rules B5, B6, Q1, Q2, Q4, Q6, Q7): scenarios with explicit instants on the Shanghai calendar.
//!
//! 2026-11-20 is a Friday; the desk is open 09:00–12:00 and 13:30–18:00 on weekdays.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::calendar::{Calendar, CalendarSet};
use kefu::case::{
    Case, CaseCommand, CaseConfig, CaseError, CaseEvent, CaseKind, CasePolicies, Class, InquiryChannel, Nature, Origin,
    Standing, TimeLimit, Urgency,
};
use kefu::machine::{Context, Instance, Principal, Rejection, TransitionGraph, replay};
use kefu::sla::{ClockEvent, ClockKind, ClockStatus, SlaPolicy, Target};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

/// `examples/calendars/shanghai-2026-sample.toml`, inlined from the copy in `tests/fixtures/` (kept identical by a test
/// of the guide crate, so that the packaged crate tests on its own).
const SHANGHAI: &str = include_str!("fixtures/shanghai-2026-sample.toml");

fn sh(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, 11, d, h, m, 0).single().expect("unambiguous").to_utc()
}

fn calendars() -> CalendarSet {
    [("service-desk", Calendar::from_toml_str(SHANGHAI).expect("valid calendar"))].into_iter().collect()
}

fn config() -> CaseConfig {
    CaseConfig::new(calendars(), CasePolicies::default()).expect("the defaults name only `service-desk`")
}

fn agent() -> Principal {
    Principal::new("zhang.san").with_role("specialist")
}

fn supervisor() -> Principal {
    Principal::new("li.na").with_role("supervisor")
}

fn logistics() -> Principal {
    Principal::new("wu.lei").with_role("logistics")
}

fn open(origin: Origin, class: Class, standing: Standing) -> CaseCommand {
    CaseCommand::Open { origin, class, customer: "0042".into(), standing }
}

fn run(
    case: &mut Instance<Case>,
    command: &CaseCommand,
    at: DateTime<Utc>,
    who: &Principal,
    config: &CaseConfig,
) -> std::result::Result<Vec<CaseEvent>, Rejection<CaseError>> {
    case.execute(command, &Context::new(at, who, config))
}

fn due(case: &Instance<Case>, limit: TimeLimit) -> Option<DateTime<Utc>> {
    case.state().clock(limit).and_then(|c| c.due_at())
}

fn clock_events(events: &[CaseEvent], of: TimeLimit) -> Vec<&ClockEvent> {
    events
        .iter()
        .filter_map(|e| match e {
            CaseEvent::Clock { limit, event } if *limit == of => Some(event),
            _ => None,
        })
        .collect()
}

#[test]
fn rule_b6_a_problem_found_friday_1730_is_resolved_that_evening_not_monday() -> Result {
    let config = config();
    let mut case = Instance::<Case>::new();
    let problem = Origin::callback("cb-1120-07", "The resin's safety data sheet is missing", None);
    let mut log = run(
        &mut case,
        &open(problem, Nature::AfterSales.into(), Standing::Regular),
        sh(20, 17, 30),
        &agent(),
        &config,
    )?;
    assert_eq!(case.kind(), CaseKind::Handling);
    // B6, default elapsed hour: due Friday 18:30, never left to the next day. No response clock: the customer was
    // just on the phone.
    assert_eq!(due(&case, TimeLimit::Handle), Some(sh(20, 18, 30)));
    assert!(case.state().clock(TimeLimit::Respond).is_none());
    assert_eq!(case.next_deadline().map(|d| (d.at, d.label)), Some((sh(20, 18, 15), "sla_warning")));

    // The supervisor decides it at 18:10: the clock is met on time.
    let resolve = CaseCommand::Resolve { resolution: "Sheet e-mailed; added to every delivery".into() };
    log.extend(run(&mut case, &resolve, sh(20, 18, 10), &supervisor(), &config)?);
    assert_eq!(case.kind(), CaseKind::Resolved);
    assert_eq!(
        case.state().clock(TimeLimit::Handle).map(|c| c.status(sh(23, 9, 0))),
        Some(ClockStatus::Met { late: false })
    );
    assert_eq!(replay::<Case>(&log), case);
    Ok(())
}

#[test]
fn rule_b6_unhandled_the_hour_breaches_and_escalates_to_the_supervisor_then_leadership() -> Result {
    let config = config();
    let mut case = Instance::<Case>::new();
    let inquiry = Origin::inquiry(InquiryChannel::Phone, "The pump seal leaks again");
    run(&mut case, &open(inquiry, Nature::AfterSales.into(), Standing::Regular), sh(20, 17, 30), &agent(), &config)?;
    // The scheduler ticks late, at 19:45: every threshold is recorded at its own instant.
    let events = run(&mut case, &CaseCommand::Tick, sh(20, 19, 45), &Principal::system(), &config)?;
    let handle = clock_events(&events, TimeLimit::Handle);
    assert_eq!(
        handle,
        [
            &ClockEvent::Warned { at: sh(20, 18, 15), permille: 750 },
            &ClockEvent::Breached { at: sh(20, 18, 30) },
            &ClockEvent::Escalated { at: sh(20, 18, 30), level: 1, to: "supervisor".into() },
            &ClockEvent::Escalated { at: sh(20, 19, 30), level: 2, to: "leadership".into() },
        ]
    );
    // The response clock counts business time: 30 minutes on Friday, 90 on Monday.
    assert_eq!(due(&case, TimeLimit::Respond), Some(sh(23, 10, 30)));
    assert_eq!(case.next_deadline().map(|d| d.at), Some(sh(23, 10, 0)));
    Ok(())
}

#[test]
fn rule_b6_business_time_is_a_configuration_choice() -> Result {
    let mut policies = CasePolicies::default();
    policies.default.handle = SlaPolicy::business("B6 handle (business hour)", TimeDelta::hours(1), "service-desk");
    let config = CaseConfig::new(calendars(), policies)?;
    let mut case = Instance::<Case>::new();
    let problem = Origin::callback("cb-1120-07", "Invoice has the wrong tax number", None);
    run(&mut case, &open(problem, Nature::Price.into(), Standing::Regular), sh(20, 17, 30), &agent(), &config)?;
    // 30 minutes on Friday, 30 on Monday: what B6's "never left to the next day" forbids, hence not the default.
    assert_eq!(due(&case, TimeLimit::Handle), Some(sh(23, 9, 30)));
    Ok(())
}

#[test]
fn rule_b5_feedback_within_an_hour_first_contact_within_24_hours_and_chased() -> Result {
    let config = config();
    let mut case = Instance::<Case>::new();
    let problem = Origin::callback("cb-1120-07", "Deliveries arrive late", None);
    let mut log = run(
        &mut case,
        &open(problem, Nature::AfterSales.into(), Standing::Regular),
        sh(20, 17, 30),
        &agent(),
        &config,
    )?;

    // The supervisor cannot decide it: referring it to logistics meets B6's hour and starts B5's.
    let events =
        run(&mut case, &CaseCommand::Refer { department: "logistics".into() }, sh(20, 17, 45), &supervisor(), &config)?;
    assert!(matches!(clock_events(&events, TimeLimit::Handle)[..], [ClockEvent::Met { late: false, .. }]));
    assert_eq!(case.kind(), CaseKind::Referred);
    assert_eq!(due(&case, TimeLimit::Forward), Some(sh(20, 18, 45)));
    log.extend(events);

    // Customer service chases; logistics acknowledges the feedback form at 18:00: 24 hours for first contact.
    log.extend(run(
        &mut case,
        &CaseCommand::Chase { note: "form sent again".into() },
        sh(20, 17, 55),
        &agent(),
        &config,
    )?);
    log.extend(run(&mut case, &CaseCommand::Acknowledge, sh(20, 18, 0), &logistics(), &config)?);
    assert_eq!(case.kind(), CaseKind::WithDepartment);
    assert_eq!(case.state().clock(TimeLimit::Forward).map(|c| c.kind()), Some(ClockKind::Met));
    assert_eq!(due(&case, TimeLimit::Department), Some(sh(21, 18, 0)));
    assert_eq!(
        case.state().clock(TimeLimit::Department).and_then(|c| c.policy()).map(|p| p.name()),
        Some("B5 first contact (regular customer)")
    );

    // Saturday morning: chased again, then the first contact at 12:00 (in time).
    log.extend(run(
        &mut case,
        &CaseCommand::Chase { note: "customer called again".into() },
        sh(21, 10, 0),
        &agent(),
        &config,
    )?);
    log.extend(run(&mut case, &CaseCommand::Tick, sh(21, 12, 0), &Principal::system(), &config)?);
    log.extend(run(&mut case, &CaseCommand::Contact { plan: None }, sh(21, 12, 0), &logistics(), &config)?);
    assert_eq!(case.state().contacted(), Some(sh(21, 12, 0)));
    let chases: Vec<(&str, DateTime<Utc>)> = case.state().chases().iter().map(|c| (c.by.as_str(), c.at)).collect();
    assert_eq!(chases, [("zhang.san", sh(20, 17, 55)), ("zhang.san", sh(21, 10, 0))]);
    assert!(case.state().chases().iter().all(|c| c.department == "logistics"));

    for (command, at, who) in [
        (CaseCommand::Resolve { resolution: "New carrier from December".into() }, sh(23, 10, 0), logistics()),
        (CaseCommand::Answer { text: "From December a new carrier delivers".into() }, sh(23, 11, 0), agent()),
        (CaseCommand::Confirm, sh(23, 15, 0), agent()),
    ] {
        log.extend(run(&mut case, &command, at, &who, &config)?);
    }
    assert_eq!(case.kind(), CaseKind::Closed);
    assert_eq!(case.state().running().count(), 0);
    assert_eq!(replay::<Case>(&log), case);
    Ok(())
}

#[test]
fn rule_b5_a_lapsed_customer_is_owed_a_solution_plan_and_a_named_department_gets_the_form_directly() -> Result {
    let config = config();
    let mut case = Instance::<Case>::new();
    let problem = Origin::callback("cb-1120-09", "Price higher than the competitor's", Some("sales"));
    run(&mut case, &open(problem, Nature::Price.into(), Standing::Lapsed), sh(20, 17, 30), &agent(), &config)?;
    assert_eq!(case.kind(), CaseKind::Referred);
    assert!(case.state().clock(TimeLimit::Handle).is_none());
    assert_eq!(due(&case, TimeLimit::Forward), Some(sh(20, 18, 30)));
    run(&mut case, &CaseCommand::Acknowledge, sh(20, 17, 40), &Principal::new("sales.head"), &config)?;
    assert_eq!(
        case.state().clock(TimeLimit::Department).and_then(|c| c.policy()).map(|p| p.name()),
        Some("B5 solution plan (lapsed customer)")
    );
    let err =
        run(&mut case, &CaseCommand::Contact { plan: None }, sh(21, 9, 0), &Principal::new("sales.head"), &config)
            .unwrap_err();
    assert!(matches!(err, Rejection::Refused { reason: CaseError::PlanRequired { .. }, .. }), "{err}");
    let plan = CaseCommand::Contact { plan: Some("Volume discount of 3% from the next order".into()) };
    run(&mut case, &plan, sh(21, 9, 0), &Principal::new("sales.head"), &config)?;
    assert_eq!(
        case.state().clock(TimeLimit::Department).map(|c| c.status(sh(22, 0, 0))),
        Some(ClockStatus::Met { late: false })
    );
    let again = run(&mut case, &plan, sh(21, 9, 5), &Principal::new("sales.head"), &config).unwrap_err();
    assert!(matches!(again, Rejection::Refused { reason: CaseError::AlreadyContacted { .. }, .. }), "{again}");
    Ok(())
}

#[test]
fn rule_b5_a_department_that_does_not_help_is_escalated_to_leadership() -> Result {
    let config = config();
    let mut case = Instance::<Case>::new();
    let problem = Origin::callback("cb-1120-09", "Wrong grade delivered", Some("quality"));
    run(&mut case, &open(problem, Nature::AfterSales.into(), Standing::Regular), sh(20, 17, 30), &agent(), &config)?;
    run(&mut case, &CaseCommand::Acknowledge, sh(20, 18, 0), &Principal::new("qa.clerk"), &config)?;
    let events = run(&mut case, &CaseCommand::Tick, sh(22, 0, 0), &Principal::system(), &config)?;
    assert_eq!(
        clock_events(&events, TimeLimit::Department),
        [
            &ClockEvent::Warned { at: sh(21, 12, 0), permille: 750 },
            &ClockEvent::Breached { at: sh(21, 18, 0) },
            &ClockEvent::Escalated { at: sh(21, 18, 0), level: 1, to: "department_head".into() },
            &ClockEvent::Escalated { at: sh(21, 22, 0), level: 2, to: "leadership".into() },
        ]
    );
    // The contact comes late: met, late, on the record.
    run(&mut case, &CaseCommand::Contact { plan: None }, sh(22, 9, 0), &Principal::new("qa.head"), &config)?;
    assert_eq!(
        case.state().clock(TimeLimit::Department).map(|c| c.status(sh(22, 9, 0))),
        Some(ClockStatus::Met { late: true })
    );
    Ok(())
}

#[test]
fn rule_q2_inquiries_from_every_channel_are_classified_answered_and_followed_up() -> Result {
    let config = config();
    for channel in [InquiryChannel::Phone, InquiryChannel::Email, InquiryChannel::Chat, InquiryChannel::Social] {
        let mut case = Instance::<Case>::new();
        let inquiry = Origin::inquiry(channel, "How is the resin stored in winter?");
        let mut log = run(
            &mut case,
            &open(inquiry, Class::new(Nature::ProductUse, Urgency::Normal), Standing::Regular),
            sh(23, 9, 0),
            &agent(),
            &config,
        )?;
        assert_eq!(case.state().class(), Some(Class::new(Nature::ProductUse, Urgency::Normal)));
        assert_eq!(due(&case, TimeLimit::Respond), Some(sh(23, 11, 0)), "{channel:?}");
        log.extend(run(
            &mut case,
            &CaseCommand::Respond { note: "Looking into it".into() },
            sh(23, 9, 20),
            &agent(),
            &config,
        )?);
        log.extend(run(
            &mut case,
            &CaseCommand::Resolve { resolution: "Above 5 °C".into() },
            sh(23, 9, 40),
            &agent(),
            &config,
        )?);
        log.extend(run(
            &mut case,
            &CaseCommand::Answer { text: "Store above 5 °C".into() },
            sh(23, 9, 45),
            &agent(),
            &config,
        )?);
        // Follow-up: the customer is not satisfied, the case goes back to the desk under a new B6 clock.
        log.extend(run(
            &mut case,
            &CaseCommand::Reopen { reason: "What about humidity?".into() },
            sh(23, 14, 0),
            &agent(),
            &config,
        )?);
        assert_eq!(case.kind(), CaseKind::Handling);
        assert_eq!(due(&case, TimeLimit::Handle), Some(sh(23, 15, 0)));
        log.extend(run(
            &mut case,
            &CaseCommand::Resolve { resolution: "Below 60% RH".into() },
            sh(23, 14, 30),
            &agent(),
            &config,
        )?);
        log.extend(run(
            &mut case,
            &CaseCommand::Answer { text: "Keep it dry".into() },
            sh(23, 14, 35),
            &agent(),
            &config,
        )?);
        log.extend(run(&mut case, &CaseCommand::Confirm, sh(23, 16, 0), &agent(), &config)?);
        assert_eq!(case.kind(), CaseKind::Closed);
        assert_eq!(replay::<Case>(&log), case);
    }
    Ok(())
}

#[test]
fn rule_q4_the_class_selects_the_sla_policies() -> Result {
    let config = config();
    let opened = |class: Class| -> std::result::Result<Instance<Case>, Box<dyn std::error::Error>> {
        let mut case = Instance::<Case>::new();
        run(
            &mut case,
            &open(Origin::inquiry(InquiryChannel::Email, "?"), class, Standing::Regular),
            sh(23, 9, 0),
            &agent(),
            &config,
        )?;
        Ok(case)
    };
    let urgent = opened(Class::new(Nature::AfterSales, Urgency::Urgent))?;
    assert_eq!(
        (due(&urgent, TimeLimit::Respond), due(&urgent, TimeLimit::Handle)),
        (Some(sh(23, 9, 30)), Some(sh(23, 9, 30)))
    );
    let normal = opened(Class::new(Nature::AfterSales, Urgency::Normal))?;
    assert_eq!(
        (due(&normal, TimeLimit::Respond), due(&normal, TimeLimit::Handle)),
        (Some(sh(23, 11, 0)), Some(sh(23, 10, 0)))
    );
    // Low urgency: 8 business hours to respond — 7.5 on Monday, the rest on Tuesday.
    let low = opened(Class::new(Nature::Suggestion, Urgency::Low))?;
    assert_eq!(due(&low, TimeLimit::Respond), Some(sh(24, 9, 30)));
    // A complaint: a day to investigate and handle; an urgent complaint: the urgent rule comes later and wins.
    let complaint = opened(Class::new(Nature::Complaint, Urgency::Normal))?;
    assert_eq!(due(&complaint, TimeLimit::Handle), Some(sh(24, 9, 0)));
    let urgent_complaint = opened(Class::new(Nature::Complaint, Urgency::Urgent))?;
    assert_eq!(due(&urgent_complaint, TimeLimit::Handle), Some(sh(23, 9, 30)));
    Ok(())
}

#[test]
fn rule_q4_the_shipped_policy_file_is_the_default() -> Result {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/cases.toml"))?;
    let policies = CasePolicies::from_toml_str(&text)?;
    assert_eq!(policies, CasePolicies::default());
    let json = serde_json::to_string(&policies)?;
    assert_eq!(CasePolicies::from_json_str(&json)?, policies);
    assert!(matches!(policies.default.handle.target(), Target::Elapsed(d) if *d == TimeDelta::hours(1)));
    Ok(())
}

#[test]
fn bad_policies_are_refused_with_the_field_at_fault() {
    let err = CasePolicies::from_toml_str("[default]\nhandle = { name = \"x\", within = \"soon\" }\n").unwrap_err();
    assert!(err.to_string().contains("default"), "{err}");
    let err = CasePolicies::from_toml_str("[default]\nhandel = {}\n").unwrap_err();
    assert!(err.to_string().contains("handel"), "{err}");
    let err = CaseConfig::new(CalendarSet::new(), CasePolicies::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "policy `Q4 first response` counts on calendar `service-desk`, which the calendar set does not have"
    );
}

#[test]
fn rule_q7_a_complaint_is_accepted_investigated_handled_answered_and_closed_on_confirmation() -> Result {
    let config = config();
    let mut case = Instance::<Case>::new();
    let complaint = Origin::inquiry(InquiryChannel::Phone, "The driver was rude and left the drums in the rain");
    let mut log =
        run(&mut case, &open(complaint, Nature::Complaint.into(), Standing::Regular), sh(23, 9, 0), &agent(), &config)?;
    assert_eq!(case.kind(), CaseKind::Investigating);
    // No handling before the investigation.
    let early =
        run(&mut case, &CaseCommand::Resolve { resolution: "sorry".into() }, sh(23, 9, 5), &supervisor(), &config)
            .unwrap_err();
    assert!(matches!(early, Rejection::NotAllowed { .. }), "{early}");
    log.extend(run(
        &mut case,
        &CaseCommand::Verify { findings: "Confirmed by the warehouse camera".into() },
        sh(23, 11, 0),
        &supervisor(),
        &config,
    )?);
    assert_eq!(case.kind(), CaseKind::Handling);
    log.extend(run(
        &mut case,
        &CaseCommand::Resolve { resolution: "Drums replaced; driver retrained".into() },
        sh(23, 16, 0),
        &supervisor(),
        &config,
    )?);
    log.extend(run(
        &mut case,
        &CaseCommand::Answer { text: "We replaced the drums".into() },
        sh(23, 16, 30),
        &agent(),
        &config,
    )?);
    assert_eq!(case.kind(), CaseKind::Answered);
    // Closed only on the customer's confirmation, or after a week of silence.
    assert_eq!(case.state().close_after(), Some(sh(30, 16, 30)));
    assert_eq!(case.next_deadline().map(|d| (d.at, d.label)), Some((sh(30, 16, 30), "confirm_silence")));
    assert!(run(&mut case, &CaseCommand::Tick, sh(30, 16, 0), &Principal::system(), &config)?.is_empty());
    log.extend(run(&mut case, &CaseCommand::Confirm, sh(24, 10, 0), &agent(), &config)?);
    assert_eq!(case.kind(), CaseKind::Closed);
    let steps: Vec<(&str, DateTime<Utc>)> = log
        .iter()
        .filter_map(|e| match e {
            CaseEvent::Opened { by, at, .. }
            | CaseEvent::Verified { by, at, .. }
            | CaseEvent::Resolved { by, at, .. }
            | CaseEvent::Answered { by, at, .. }
            | CaseEvent::Confirmed { by, at } => Some((by.as_str(), *at)),
            _ => None,
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("zhang.san", sh(23, 9, 0)),
            ("li.na", sh(23, 11, 0)),
            ("li.na", sh(23, 16, 0)),
            ("zhang.san", sh(23, 16, 30)),
            ("zhang.san", sh(24, 10, 0))
        ]
    );
    assert_eq!(replay::<Case>(&log), case);
    Ok(())
}

#[test]
fn rule_q7_a_silent_customer_closes_the_complaint_after_the_configured_silence_only() -> Result {
    let config = config();
    let mut case = Instance::<Case>::new();
    let complaint = Origin::inquiry(InquiryChannel::Email, "Invoice sent twice");
    run(&mut case, &open(complaint, Nature::Complaint.into(), Standing::Regular), sh(23, 9, 0), &agent(), &config)?;
    for (command, at) in [
        (CaseCommand::Verify { findings: "duplicate".into() }, sh(23, 9, 30)),
        (CaseCommand::Resolve { resolution: "second invoice voided".into() }, sh(23, 9, 40)),
        (CaseCommand::Answer { text: "voided".into() }, sh(23, 9, 45)),
    ] {
        run(&mut case, &command, at, &agent(), &config)?;
    }
    let events = run(&mut case, &CaseCommand::Tick, sh(30, 12, 0), &Principal::system(), &config)?;
    assert_eq!(events, [CaseEvent::ClosedBySilence { at: sh(30, 9, 45) }]);
    assert_eq!(case.kind(), CaseKind::Closed);

    // Without a silence in the policy, only the customer closes it.
    let mut policies = CasePolicies::default();
    policies.default.confirm_silence = None;
    policies.classes.iter_mut().for_each(|r| r.confirm_silence = None);
    let strict = CaseConfig::new(calendars(), policies)?;
    let mut case = Instance::<Case>::new();
    run(
        &mut case,
        &open(Origin::inquiry(InquiryChannel::Chat, "?"), Nature::Complaint.into(), Standing::Regular),
        sh(23, 9, 0),
        &agent(),
        &strict,
    )?;
    for command in [
        CaseCommand::Verify { findings: "-".into() },
        CaseCommand::Resolve { resolution: "-".into() },
        CaseCommand::Answer { text: "-".into() },
    ] {
        run(&mut case, &command, sh(23, 10, 0), &agent(), &strict)?;
    }
    assert_eq!(case.next_deadline(), None);
    run(&mut case, &CaseCommand::Tick, sh(30, 12, 0) + TimeDelta::days(60), &Principal::system(), &strict)?;
    assert_eq!(case.kind(), CaseKind::Answered);
    Ok(())
}

#[test]
fn withdrawing_cancels_every_running_clock_by_an_event() -> Result {
    let config = config();
    let mut case = Instance::<Case>::new();
    run(
        &mut case,
        &open(Origin::inquiry(InquiryChannel::Chat, "?"), Nature::Price.into(), Standing::Regular),
        sh(23, 9, 0),
        &agent(),
        &config,
    )?;
    assert_eq!(case.state().running().collect::<Vec<_>>(), [TimeLimit::Respond, TimeLimit::Handle]);
    let events = run(
        &mut case,
        &CaseCommand::Withdraw { reason: "duplicate of case 17".into() },
        sh(23, 9, 10),
        &agent(),
        &config,
    )?;
    assert_eq!(
        events.iter().filter(|e| matches!(e, CaseEvent::Clock { event: ClockEvent::Cancelled { .. }, .. })).count(),
        2
    );
    assert_eq!(case.kind(), CaseKind::Withdrawn);
    assert_eq!(case.state().running().count(), 0);
    assert_eq!(case.next_deadline(), None);
    Ok(())
}

#[test]
fn a_referral_needs_a_department_and_callback_problems_convert_from_script_records() -> Result {
    let config = config();
    let mut case = Instance::<Case>::new();
    run(
        &mut case,
        &open(Origin::inquiry(InquiryChannel::Phone, "?"), Nature::ProductUse.into(), Standing::Regular),
        sh(23, 9, 0),
        &agent(),
        &config,
    )?;
    let err = run(&mut case, &CaseCommand::Refer { department: " ".into() }, sh(23, 9, 5), &supervisor(), &config)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "case: command `refer` refused in state `handling`: a case is referred to a named department; the name is empty"
    );

    let record = kefu::script::ProblemRecord {
        node: "record_problem".into(),
        question: "why".into(),
        text: "Packaging tears".into(),
        department: Some("production".into()),
        at: sh(23, 9, 0),
    };
    assert_eq!(Origin::from_problem("cb-7", &record), Origin::callback("cb-7", "Packaging tears", Some("production")));
    Ok(())
}

#[test]
fn case_events_and_state_round_trip_through_json() -> Result {
    let config = config();
    let mut case = Instance::<Case>::new();
    let mut log = run(
        &mut case,
        &open(Origin::callback("cb-1", "late", Some("logistics")), Nature::AfterSales.into(), Standing::Lapsed),
        sh(20, 17, 30),
        &agent(),
        &config,
    )?;
    log.extend(run(&mut case, &CaseCommand::Acknowledge, sh(20, 17, 40), &logistics(), &config)?);
    let text = serde_json::to_string(&log)?;
    let back: Vec<CaseEvent> = serde_json::from_str(&text)?;
    assert_eq!(back, log);
    let snapshot: Instance<Case> = serde_json::from_str(&serde_json::to_string(&case)?)?;
    assert_eq!(snapshot, case);
    Ok(())
}

#[test]
fn renamed_types_keep_their_stored_json_names() -> Result {
    // `TimeLimit` was called `Obligation` and `InquiryChannel` `Channel`: stored events must still read.
    let stored =
        r#"{"type":"clock","obligation":"department","event":{"type":"breached","at":"2026-11-21T09:50:00Z"}}"#;
    let event: CaseEvent = serde_json::from_str(stored)?;
    assert!(matches!(event, CaseEvent::Clock { limit: TimeLimit::Department, .. }));
    assert_eq!(serde_json::to_string(&event)?, stored);
    let origin = Origin::inquiry(InquiryChannel::Social, "?");
    assert_eq!(serde_json::to_string(&origin)?, r#"{"from":"inquiry","channel":"social","text":"?"}"#);
    Ok(())
}

#[test]
fn every_case_state_is_reachable_and_can_end() {
    let graph = TransitionGraph::of::<Case>();
    assert!(graph.unreachable().is_empty(), "{:?}", graph.unreachable());
    assert!(graph.cannot_finish().is_empty(), "{:?}", graph.cannot_finish());
}
