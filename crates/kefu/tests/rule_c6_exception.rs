//! Rule C6 from end to end: trading on an incomplete file needs the written approval of the marketing director or
//! the general manager (either suffices), and never of the person who asked. The approval is an
//! [`Approval`] along [`ApprovalChain::c6_incomplete_file`]; its outcome is the fact that unblocks the customer's
//! first order in the [`Lifecycle`].

use chrono::{DateTime, TimeZone, Utc};
use kefu::approval::{Approval, ApprovalChain, ApprovalCommand, ApprovalError, ApprovalKind};
use kefu::calendar::{Calendar, CalendarSet};
use kefu::lifecycle::{C5_DOCUMENTS, Lifecycle, LifecycleCommand, LifecycleConfig, LifecycleError, LifecyclePolicy};
use kefu::machine::{Context, Instance, Principal, Rejection};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

fn calendars() -> CalendarSet {
    [("office", Calendar::always_open(chrono_tz::Asia::Shanghai))].into_iter().collect()
}

fn requested(by: &Principal, calendars: &CalendarSet) -> Instance<Approval> {
    let mut approval = Instance::<Approval>::new();
    let request = ApprovalCommand::Request { chain: ApprovalChain::c6_incomplete_file(), subject: "HT-0042".into() };
    approval.execute(&request, &Context::new(t0(), by, calendars)).expect("a request is accepted");
    approval
}

fn approve() -> ApprovalCommand {
    ApprovalCommand::Approve { note: None }
}

/// A customer with its file created but two documents missing.
fn incomplete_customer(config: &LifecycleConfig) -> Instance<Lifecycle> {
    let erp = Principal::new("erp");
    let ctx = Context::new(t0(), &erp, config);
    let mut customer = Instance::<Lifecycle>::new();
    customer.execute(&LifecycleCommand::ContractAccepted { contract: "HT-0042".into() }, &ctx).expect("contract");
    for d in &C5_DOCUMENTS[..6] {
        customer.execute(&LifecycleCommand::DocumentReceived { document: (*d).into() }, &ctx).expect("document");
    }
    customer.execute(&LifecycleCommand::FileCreated { file_number: 1042 }, &ctx).expect("file");
    customer
}

#[test]
fn rule_c6_either_the_marketing_director_or_the_general_manager_approves_and_trading_starts() -> Result {
    let (calendars, specialist, erp) = (calendars(), Principal::new("specialist-7"), Principal::new("erp"));
    let config = LifecycleConfig::new(calendars.clone(), LifecyclePolicy::default());
    let order = LifecycleCommand::OrderPlaced { order: "SO-1".into() };
    for approver in [
        Principal::new("li.wei").with_role("marketing_director"),
        Principal::new("wang.fang").with_role("general_manager"),
    ] {
        let mut customer = incomplete_customer(&config);
        let refused = customer.execute(&order, &Context::new(t0(), &erp, &config)).unwrap_err();
        assert!(matches!(refused, Rejection::Refused { reason: LifecycleError::IncompleteFile { .. }, .. }));

        let mut approval = requested(&specialist, &calendars);
        approval.execute(&approve(), &Context::new(t0(), &approver, &calendars))?;
        assert_eq!(approval.kind(), ApprovalKind::Approved);
        let decided_by = approval.state().decisions()[0].by.clone();
        assert_eq!(decided_by, approver.id());

        let fact = LifecycleCommand::ExceptionApproved { approval_id: "APR-1".into(), approver: decided_by };
        customer.execute(&fact, &Context::new(t0(), &erp, &config))?;
        customer.execute(&order, &Context::new(t0(), &erp, &config))?;
        assert_eq!(customer.state().exception().map(|e| e.approver.as_str()), Some(approver.id()));
    }
    Ok(())
}

#[test]
fn rule_c6_nobody_else_approves_and_nobody_approves_their_own_request() {
    let calendars = calendars();
    let specialist = Principal::new("specialist-7");
    let mut approval = requested(&specialist, &calendars);
    let finance = Principal::new("zhao.min").with_role("finance_supervisor");
    let err = approval.execute(&approve(), &Context::new(t0(), &finance, &calendars)).unwrap_err();
    assert!(matches!(err, Rejection::Refused { reason: ApprovalError::NotAnApprover { .. }, .. }), "{err}");

    let director = Principal::new("li.wei").with_role("marketing_director");
    let mut own = requested(&director, &calendars);
    let before = own.clone();
    let err = own.execute(&approve(), &Context::new(t0(), &director, &calendars)).unwrap_err();
    assert!(matches!(err, Rejection::Refused { reason: ApprovalError::OwnRequest { .. }, .. }), "{err}");
    assert_eq!(own, before, "a refusal leaves no trace");
    assert_eq!(own.kind(), ApprovalKind::Pending);
}
