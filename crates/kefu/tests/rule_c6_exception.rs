//! Rule C6 on the example approval machine: trading with an incomplete file needs the written approval of the
//! marketing director or the general manager (either suffices), and never of the person who asked.

use chrono::{DateTime, TimeZone, Utc};
use kefu::machine::example::{Exception, ExceptionCommand, ExceptionError, ExceptionKind, ExceptionPolicy};
use kefu::machine::{Context, Instance, Principal, Rejection};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

fn requested(by: &Principal, policy: &ExceptionPolicy) -> Instance<Exception> {
    let mut exception = Instance::<Exception>::new();
    exception.execute(&ExceptionCommand::Request, &Context::new(t0(), by, policy)).expect("a request is accepted");
    exception
}

#[test]
fn rule_c6_either_the_marketing_director_or_the_general_manager_may_approve() {
    let policy = ExceptionPolicy::default();
    let specialist = Principal::new("specialist-7");
    for approver in [
        Principal::new("li.wei").with_role("marketing_director"),
        Principal::new("wang.fang").with_role("general_manager"),
    ] {
        let mut exception = requested(&specialist, &policy);
        exception.execute(&ExceptionCommand::Approve, &Context::new(t0(), &approver, &policy)).expect("approved");
        assert_eq!(exception.kind(), ExceptionKind::Approved);
    }
}

#[test]
fn rule_c6_nobody_else_approves_and_nobody_approves_their_own_request() {
    let policy = ExceptionPolicy::default();
    let specialist = Principal::new("specialist-7");
    let mut exception = requested(&specialist, &policy);
    let finance = Principal::new("zhao.min").with_role("finance_supervisor");
    let err = exception.execute(&ExceptionCommand::Approve, &Context::new(t0(), &finance, &policy)).unwrap_err();
    assert!(matches!(err, Rejection::Refused { reason: ExceptionError::NotAnApprover { .. }, .. }), "{err}");

    let director = Principal::new("li.wei").with_role("marketing_director");
    let mut own = requested(&director, &policy);
    let err = own.execute(&ExceptionCommand::Approve, &Context::new(t0(), &director, &policy)).unwrap_err();
    assert!(matches!(err, Rejection::Refused { reason: ExceptionError::SelfDecision { .. }, .. }), "{err}");
    assert_eq!(own.kind(), ExceptionKind::Requested, "a refusal leaves no trace");
}
