//! Approval chains (rules C6, C7): scenarios with explicit instants, the step SLA clock, and the machine laws.
#![cfg_attr(not(feature = "testing"), allow(unused))]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::approval::{Approval, ApprovalChain, ApprovalCommand, ApprovalError, ApprovalEvent, ApprovalKind};
use kefu::calendar::{Calendar, CalendarSet};
use kefu::machine::{Context, Instance, Principal, Rejection, TransitionGraph, replay};
use kefu::sla::{ClockEvent, SlaPolicy};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

fn sh(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, 11, d, h, m, 0).single().expect("unambiguous").to_utc()
}

fn office() -> CalendarSet {
    let text = "time_zone = \"Asia/Shanghai\"\nweek = { mon = [\"09:00-18:00\"], tue = [\"09:00-18:00\"], wed = [\"09:00-18:00\"], thu = [\"09:00-18:00\"], fri = [\"09:00-18:00\"] }\n";
    [("office", Calendar::from_toml_str(text).expect("valid"))].into_iter().collect()
}

struct People {
    specialist: Principal,
    director: Principal,
    finance: Principal,
    manager: Principal,
}

fn people() -> People {
    People {
        specialist: Principal::new("zhang.san").with_role("specialist"),
        director: Principal::new("li.wei").with_role("marketing_director"),
        finance: Principal::new("zhao.min").with_role("finance_supervisor"),
        manager: Principal::new("wang.fang").with_role("general_manager"),
    }
}

fn request(chain: ApprovalChain) -> ApprovalCommand {
    ApprovalCommand::Request { chain, subject: "customer 0042".into() }
}

fn approve() -> ApprovalCommand {
    ApprovalCommand::Approve { note: None }
}

fn run(
    instance: &mut Instance<Approval>,
    command: &ApprovalCommand,
    at: DateTime<Utc>,
    who: &Principal,
    cals: &CalendarSet,
) -> std::result::Result<Vec<ApprovalEvent>, Rejection<ApprovalError>> {
    instance.execute(command, &Context::new(at, who, cals))
}

#[test]
fn rule_c7_review_check_sign_in_that_order_all_three() -> Result {
    let (p, cals) = (people(), office());
    let mut credit = Instance::<Approval>::new();
    let mut log = run(&mut credit, &request(ApprovalChain::c7_credit_change()), sh(23, 9, 0), &p.specialist, &cals)?;
    // Out of order: the finance supervisor and the general manager must wait for the review.
    for early in [&p.finance, &p.manager] {
        let err = run(&mut credit, &approve(), sh(23, 9, 30), early, &cals).unwrap_err();
        assert!(
            matches!(err, Rejection::Refused { reason: ApprovalError::NotAnApprover { ref step, .. }, .. } if step == "review"),
            "{err}"
        );
    }
    log.extend(run(&mut credit, &approve(), sh(23, 10, 0), &p.director, &cals)?);
    assert_eq!(credit.state().current_step(), Some(1));
    log.extend(run(&mut credit, &approve(), sh(23, 14, 0), &p.finance, &cals)?);
    log.extend(run(&mut credit, &approve(), sh(24, 9, 0), &p.manager, &cals)?);
    assert_eq!(credit.kind(), ApprovalKind::Approved);
    let record: Vec<(usize, &str, &str, DateTime<Utc>)> =
        credit.state().decisions().iter().map(|d| (d.step, d.by.as_str(), d.role.as_str(), d.at)).collect();
    assert_eq!(
        record,
        [
            (0, "li.wei", "marketing_director", sh(23, 10, 0)),
            (1, "zhao.min", "finance_supervisor", sh(23, 14, 0)),
            (2, "wang.fang", "general_manager", sh(24, 9, 0)),
        ]
    );
    assert_eq!(replay::<Approval>(&log), credit);
    Ok(())
}

#[test]
fn rule_c6_the_marketing_director_or_the_general_manager_suffices() -> Result {
    let (p, cals) = (people(), office());
    for approver in [&p.director, &p.manager] {
        let mut exception = Instance::<Approval>::new();
        run(&mut exception, &request(ApprovalChain::c6_incomplete_file()), sh(23, 9, 0), &p.specialist, &cals)?;
        run(&mut exception, &approve(), sh(23, 9, 5), approver, &cals)?;
        assert_eq!(exception.kind(), ApprovalKind::Approved);
    }
    let mut exception = Instance::<Approval>::new();
    run(&mut exception, &request(ApprovalChain::c6_incomplete_file()), sh(23, 9, 0), &p.specialist, &cals)?;
    let err = run(&mut exception, &approve(), sh(23, 9, 5), &p.finance, &cals).unwrap_err();
    assert_eq!(
        err.to_string(),
        "approval: command `approve` refused in state `pending`: `zhao.min` may not decide step `approve`: it needs one of `marketing_director`, `general_manager`"
    );
    Ok(())
}

#[test]
fn nobody_decides_their_own_request_or_two_steps() -> Result {
    let (p, cals) = (people(), office());
    let mut own = Instance::<Approval>::new();
    run(&mut own, &request(ApprovalChain::c6_incomplete_file()), sh(23, 9, 0), &p.director, &cals)?;
    let err = run(&mut own, &approve(), sh(23, 9, 5), &p.director, &cals).unwrap_err();
    assert!(matches!(err, Rejection::Refused { reason: ApprovalError::OwnRequest { .. }, .. }), "{err}");
    assert_eq!(own.kind(), ApprovalKind::Pending, "a refusal leaves no trace");

    // One person holding two of C7's roles still signs only once.
    let both = Principal::new("chen.jie").with_role("marketing_director").with_role("general_manager");
    let mut credit = Instance::<Approval>::new();
    run(&mut credit, &request(ApprovalChain::c7_credit_change()), sh(23, 9, 0), &p.specialist, &cals)?;
    run(&mut credit, &approve(), sh(23, 10, 0), &both, &cals)?;
    run(&mut credit, &approve(), sh(23, 11, 0), &p.finance, &cals)?;
    let err = run(&mut credit, &approve(), sh(23, 12, 0), &both, &cals).unwrap_err();
    assert!(matches!(err, Rejection::Refused { reason: ApprovalError::AlreadyDecided { step: 0, .. }, .. }), "{err}");
    Ok(())
}

#[test]
fn a_rejection_ends_the_chain_with_its_reason() -> Result {
    let (p, cals) = (people(), office());
    let mut credit = Instance::<Approval>::new();
    run(&mut credit, &request(ApprovalChain::c7_credit_change()), sh(23, 9, 0), &p.specialist, &cals)?;
    run(&mut credit, &approve(), sh(23, 10, 0), &p.director, &cals)?;
    let reason = "overdue invoices since September".to_string();
    run(&mut credit, &ApprovalCommand::Reject { reason: reason.clone() }, sh(23, 11, 0), &p.finance, &cals)?;
    assert_eq!(credit.kind(), ApprovalKind::Rejected);
    assert_eq!(credit.state().decisions()[1].rejected.as_ref(), Some(&reason));
    assert!(matches!(
        run(&mut credit, &approve(), sh(23, 12, 0), &p.manager, &cals),
        Err(Rejection::NotAllowed { .. })
    ));
    Ok(())
}

#[test]
fn only_the_requester_withdraws() -> Result {
    let (p, cals) = (people(), office());
    let mut credit = Instance::<Approval>::new();
    run(&mut credit, &request(ApprovalChain::c7_credit_change()), sh(23, 9, 0), &p.specialist, &cals)?;
    let withdraw = ApprovalCommand::Withdraw { reason: "customer paid".into() };
    assert!(run(&mut credit, &withdraw, sh(23, 9, 30), &p.director, &cals).is_err());
    run(&mut credit, &withdraw, sh(23, 9, 30), &p.specialist, &cals)?;
    assert_eq!(credit.kind(), ApprovalKind::Withdrawn);
    Ok(())
}

#[test]
fn each_step_runs_under_its_sla_clock_which_reminds_escalates_and_stops() -> Result {
    let (p, cals) = (people(), office());
    let policy = SlaPolicy::business("decide within 4 business hours", TimeDelta::hours(4), "office")
        .with_warning(0.5)?
        .with_escalation("general_manager", TimeDelta::zero())?;
    let mut credit = Instance::<Approval>::new();
    // Requested Monday 16:00: the review is due Tuesday 11:00 (2 hours on Monday, 2 on Tuesday).
    run(
        &mut credit,
        &request(ApprovalChain::c7_credit_change().with_step_sla(policy)),
        sh(23, 16, 0),
        &p.specialist,
        &cals,
    )?;
    assert_eq!(credit.state().step_clock().and_then(|c| c.due_at()), Some(sh(24, 11, 0)));
    assert_eq!(credit.next_deadline().map(|d| (d.at, d.label)), Some((sh(23, 18, 0), "sla_warning")));
    // The scheduler ticks late on Tuesday: the reminder, the breach and the escalation, at their own instants.
    let events = run(&mut credit, &ApprovalCommand::Tick, sh(24, 11, 30), &Principal::system(), &cals)?;
    let clock: Vec<&ClockEvent> = events
        .iter()
        .filter_map(|e| match e {
            ApprovalEvent::StepClock { step: 0, event } => Some(event),
            _ => None,
        })
        .collect();
    assert!(
        matches!(clock[..], [ClockEvent::Warned { .. }, ClockEvent::Breached { at }, ClockEvent::Escalated { .. }] if *at == sh(24, 11, 0)),
        "{clock:?}"
    );
    // The review is decided late: its clock stops (met late), and the check's clock starts.
    let events = run(&mut credit, &approve(), sh(24, 12, 0), &p.director, &cals)?;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, ApprovalEvent::StepClock { step: 0, event: ClockEvent::Met { late: true, .. } }))
    );
    assert!(
        events.iter().any(|e| matches!(e, ApprovalEvent::StepClock { step: 1, event: ClockEvent::Started { .. } }))
    );
    assert_eq!(credit.state().step_clock().and_then(|c| c.due_at()), Some(sh(24, 16, 0)));
    Ok(())
}

#[test]
fn chains_load_from_toml_and_bad_chains_are_refused() -> Result {
    let chain: ApprovalChain = toml::from_str(
        r#"
        name = "C7 credit limit or payment-term change"
        [[steps]]
        name = "review"
        any_of = ["marketing_director"]
        [[steps]]
        name = "check"
        any_of = ["finance_supervisor"]
        [[steps]]
        name = "sign"
        any_of = ["general_manager"]
        "#,
    )?;
    assert_eq!(chain, ApprovalChain::c7_credit_change());
    let (p, cals) = (people(), office());
    let empty = ApprovalChain { name: "nothing".into(), steps: vec![], same_person_may_decide_twice: false };
    let err = run(&mut Instance::<Approval>::new(), &request(empty), sh(23, 9, 0), &p.specialist, &cals).unwrap_err();
    assert!(err.to_string().contains("chain `nothing` has no steps"), "{err}");
    Ok(())
}

#[test]
fn every_approval_state_is_reachable_and_can_end() {
    let graph = TransitionGraph::of::<Approval>();
    assert!(graph.unreachable().is_empty());
    assert!(graph.cannot_finish().is_empty());
}

#[cfg(feature = "testing")]
#[test]
fn random_approval_histories_obey_the_machine_laws() {
    use kefu::testing::machine::Laws;
    use proptest::prelude::*;

    let cals = office();
    let p = people();
    let policy = SlaPolicy::business("4 business hours", TimeDelta::hours(4), "office")
        .with_escalation("general_manager", TimeDelta::hours(1))
        .expect("a valid rung");
    let commands = prop_oneof![
        1 => Just(request(ApprovalChain::c7_credit_change().with_step_sla(policy))),
        1 => Just(request(ApprovalChain::c6_incomplete_file())),
        4 => Just(approve()),
        1 => Just(ApprovalCommand::Reject { reason: "no".into() }),
        1 => Just(ApprovalCommand::Withdraw { reason: "moot".into() }),
        2 => Just(ApprovalCommand::Tick),
    ];
    let laws = Laws::<Approval>::new(&cals)
        .principals(vec![p.specialist.clone(), p.director.clone(), p.finance.clone(), p.manager.clone()])
        .tick(|| ApprovalCommand::Tick)
        .start(sh(23, 8, 0))
        .max_step(TimeDelta::hours(6))
        .invariant(|state| {
            // Decisions come in step order, each by a holder of that step's role, never by the requester, at most one per person.
            let (Some(chain), Some((requester, _))) = (state.chain(), state.requested()) else { return Ok(()) };
            for (i, d) in state.decisions().iter().enumerate() {
                if d.step != i || !chain.steps[i].any_of.contains(&d.role) || d.by == requester {
                    return Err(format!("bad decision {d:?}"));
                }
                if state.decisions()[..i].iter().any(|e| e.by == d.by) {
                    return Err(format!("{} decided twice", d.by));
                }
            }
            if state.kind() == ApprovalKind::Approved && state.decisions().len() != chain.steps.len() {
                return Err("approved without every step".into());
            }
            Ok(())
        });
    if let Err(failure) = laws.run(commands) {
        panic!("{failure}");
    }
}
