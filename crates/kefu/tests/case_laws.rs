//! Property tests for problem cases: random case histories obey the machine laws, never skip an SLA clock (every
//! time limit that applies has a clock started when it began, and a clock ends — met or cancelled — only by a case
//! step), and replay to the same state.
#![cfg(feature = "testing")]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::calendar::{Calendar, CalendarSet};
use kefu::case::{
    Case, CaseCommand, CaseConfig, CaseEvent, CaseKind, CasePolicies, CaseState, Class, InquiryChannel, Nature, Origin,
    Standing, TimeLimit, Urgency,
};
use kefu::machine::Principal;
use kefu::sla::{ClockEvent, ClockKind};
use kefu::testing::machine::{Laws, Step};
use proptest::prelude::*;

const DESK: &str = r#"
time_zone = "Asia/Shanghai"
[week]
mon = ["09:00-12:00", "13:30-18:00"]
tue = ["09:00-12:00", "13:30-18:00"]
wed = ["09:00-12:00", "13:30-18:00"]
thu = ["09:00-12:00", "13:30-18:00"]
fri = ["09:00-12:00", "13:30-18:00"]
"#;

fn config() -> CaseConfig {
    let calendars: CalendarSet =
        [("service-desk", Calendar::from_toml_str(DESK).expect("valid calendar"))].into_iter().collect();
    CaseConfig::new(calendars, CasePolicies::default()).expect("valid config")
}

fn friday_1730() -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, 11, 20, 17, 30, 0).single().expect("unambiguous").to_utc()
}

fn any_origin() -> impl Strategy<Value = Origin> {
    prop_oneof![
        prop_oneof![
            Just(InquiryChannel::Phone),
            Just(InquiryChannel::Email),
            Just(InquiryChannel::Chat),
            Just(InquiryChannel::Social)
        ]
        .prop_map(|c| Origin::inquiry(c, "question")),
        prop_oneof![Just(None), Just(Some("logistics"))].prop_map(|d| Origin::callback("cb-1", "problem", d)),
    ]
}

fn any_class() -> impl Strategy<Value = Class> {
    let nature = prop_oneof![
        Just(Nature::ProductUse),
        Just(Nature::Price),
        Just(Nature::AfterSales),
        Just(Nature::Complaint),
        Just(Nature::Suggestion),
    ];
    let urgency = prop_oneof![Just(Urgency::Low), Just(Urgency::Normal), Just(Urgency::Urgent)];
    (nature, urgency).prop_map(|(n, u)| Class::new(n, u))
}

fn any_open() -> impl Strategy<Value = CaseCommand> {
    (any_origin(), any_class(), prop_oneof![Just(Standing::Regular), Just(Standing::Lapsed)])
        .prop_map(|(origin, class, standing)| CaseCommand::Open { origin, class, customer: "0042".into(), standing })
}

fn any_command() -> impl Strategy<Value = CaseCommand> {
    prop_oneof![
        1 => any_open(),
        1 => Just(CaseCommand::Respond { note: "on it".into() }),
        2 => Just(CaseCommand::Verify { findings: "confirmed".into() }),
        2 => Just(CaseCommand::Refer { department: "logistics".into() }),
        1 => Just(CaseCommand::Refer { department: String::new() }),
        2 => Just(CaseCommand::Acknowledge),
        1 => Just(CaseCommand::Contact { plan: None }),
        1 => Just(CaseCommand::Contact { plan: Some("a plan".into()) }),
        1 => Just(CaseCommand::Chase { note: "again".into() }),
        2 => Just(CaseCommand::Resolve { resolution: "done".into() }),
        2 => Just(CaseCommand::Answer { text: "here".into() }),
        1 => Just(CaseCommand::Confirm),
        1 => Just(CaseCommand::Reopen { reason: "not yet".into() }),
        1 => Just(CaseCommand::Withdraw { reason: "duplicate".into() }),
        3 => Just(CaseCommand::Tick),
    ]
}

fn is_live(kind: ClockKind) -> bool {
    matches!(kind, ClockKind::Running | ClockKind::Overdue | ClockKind::Paused)
}

/// Which time limits must have a live clock in this state, and which must not.
fn clocks_fit_the_state(state: &CaseState) -> Result<(), String> {
    let live = |o| state.clock(o).is_some_and(|c| is_live(c.kind()));
    let must = |o: TimeLimit, yes: bool| {
        if live(o) == yes { Ok(()) } else { Err(format!("{} clock live = {}, expected {yes}", o.name(), !yes)) }
    };
    for (limit, clock) in state.clocks() {
        if clock.kind() == ClockKind::Idle {
            return Err(format!("{} clock is in the map but never started", limit.name()));
        }
    }
    match state.kind() {
        CaseKind::New => {
            if state.clocks().next().is_some() {
                return Err("a new case has clocks".into());
            }
        }
        CaseKind::Investigating | CaseKind::Handling => {
            must(TimeLimit::Handle, true)?;
            must(TimeLimit::Forward, false)?;
            must(TimeLimit::Department, false)?;
        }
        CaseKind::Referred => {
            must(TimeLimit::Handle, false)?;
            must(TimeLimit::Forward, true)?;
            must(TimeLimit::Department, false)?;
        }
        CaseKind::WithDepartment => {
            must(TimeLimit::Forward, false)?;
            must(TimeLimit::Department, state.contacted().is_none())?;
        }
        CaseKind::Resolved | CaseKind::Answered => {
            for o in [TimeLimit::Handle, TimeLimit::Forward, TimeLimit::Department] {
                must(o, false)?;
            }
            if state.kind() == CaseKind::Answered {
                must(TimeLimit::Respond, false)?;
            }
        }
        CaseKind::Closed | CaseKind::Withdrawn => {
            if let Some(o) = state.running().next() {
                return Err(format!("{} clock still live in a final state", o.name()));
            }
        }
    }
    // Rule Q4: an inquiry's response clock started when the case was opened.
    if let (Some(Origin::Inquiry { .. }), Some((_, opened))) = (state.origin(), state.opened()) {
        match state.clock(TimeLimit::Respond).and_then(|c| c.started()) {
            Some((at, _)) if at == opened => {}
            other => return Err(format!("respond clock started {other:?}, the case was opened at {opened}")),
        }
    }
    Ok(())
}

/// Over the whole log: every step that begins a time limit is followed, in its own batch, by that time limit's
/// clock starting at the same instant; every clock that ends (met or cancelled) does so in the batch of a case step.
fn no_clock_skipped(events: &[CaseEvent]) -> Result<(), String> {
    let batch_after = |i: usize| events[i + 1..].iter().take_while(|e| matches!(e, CaseEvent::Clock { .. }));
    for (i, event) in events.iter().enumerate() {
        let begins = match event {
            CaseEvent::Opened { origin, class, .. } => {
                Some(if origin.department().is_some() && !class.is_complaint() {
                    TimeLimit::Forward
                } else {
                    TimeLimit::Handle
                })
            }
            CaseEvent::Referred { .. } => Some(TimeLimit::Forward),
            CaseEvent::Acknowledged { .. } => Some(TimeLimit::Department),
            CaseEvent::Reopened { .. } => Some(TimeLimit::Handle),
            _ => None,
        };
        if let Some(limit) = begins {
            let started = batch_after(i).any(|e| {
                matches!(e, CaseEvent::Clock { limit: o, event: ClockEvent::Started { at, .. } }
                    if *o == limit && *at == event.at())
            });
            if !started {
                return Err(format!("{event:?} at index {i} began `{}` without starting its clock", limit.name()));
            }
        }
        if let CaseEvent::Clock { limit, event: ClockEvent::Met { .. } | ClockEvent::Cancelled { .. } } = event {
            let step = events[i + 1..].iter().find(|e| !matches!(e, CaseEvent::Clock { .. }));
            if !matches!(step, Some(e) if !matches!(e, CaseEvent::ClosedBySilence { .. })) {
                return Err(format!("the `{}` clock ended at index {i} without a case step", limit.name()));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_case_histories_obey_the_laws_and_never_skip_a_clock(steps in {
        // Most histories start with an opening, so that they reach the later states; the rest try commands on a
        // new case (and a second opening is always in the mix).
        let config = config();
        (any_open(), Laws::<Case>::new(&config).steps(any_command()), 0..8).prop_map(|(open, mut steps, n)| {
            if n > 0 {
                steps.insert(0, Step::Command { after: TimeDelta::zero(), principal: 0, command: open });
            }
            steps
        })
    }) {
        let config = config();
        let laws = Laws::<Case>::new(&config)
            .principals(vec![
                Principal::new("zhang.san").with_role("specialist"),
                Principal::new("li.na").with_role("supervisor"),
                Principal::new("wu.lei").with_role("logistics"),
            ])
            .tick(|| CaseCommand::Tick)
            .start(friday_1730())
            .max_step(TimeDelta::hours(7))
            .invariant(clocks_fit_the_state);
        let outcome = laws.check(&steps).map_err(|v| TestCaseError::fail(v.to_string()))?;
        no_clock_skipped(&outcome.events).map_err(TestCaseError::fail)?;
    }
}

#[test]
fn the_clock_checker_catches_a_step_without_its_clock() {
    let at = friday_1730();
    let events = vec![CaseEvent::Referred { at, by: "li.na".into(), department: "logistics".into() }];
    assert!(no_clock_skipped(&events).unwrap_err().contains("without starting its clock"));
}
