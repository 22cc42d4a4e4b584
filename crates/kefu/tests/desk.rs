//! The desk: the department as one running system on the in-memory store. One story per rule chain, driven through
//! time with explicit instants on the Shanghai sample calendar.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::approval::ApprovalCommand;
use kefu::calendar::Calendar;
use kefu::callback::{CallbackCommand, CallbackKind, Occasion, Reason};
use kefu::case::CaseKind;
use kefu::desk::{
    Campaign, Compiled, Desk, DeskCommand, DeskConfig, DeskError, Details, Fact, Person, Selector, Topic, ids,
};
use kefu::lifecycle::{C5_DOCUMENTS, ContactChannel as Channel, LifecycleKind};
use kefu::machine::Principal;
use kefu::script::{Answer, RunCommand};
use kefu::store::{MemoryStore, Store};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

const SHANGHAI: &str = include_str!("fixtures/shanghai-2026-sample.toml");

/// An instant on the Shanghai wall clock, 2026.
fn sh(month: u32, day: u32, hour: u32, min: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, month, day, hour, min, 0).single().expect("unambiguous").to_utc()
}

/// A distributor's desk: two specialists, a supervisor, a logistics head, leadership.
fn setup() -> Compiled {
    setup_with(|_| {})
}

/// The same desk, with `change` applied to its configuration before it is compiled.
fn setup_with(change: impl FnOnce(&mut DeskConfig)) -> Compiled {
    let mut config = DeskConfig::new("鸿枫化工", Shanghai).expect("the shipped scripts load");
    let office = Calendar::from_toml_str(SHANGHAI).expect("the sample calendar loads");
    config.calendars = [("office", office.clone()), ("service-desk", office)].into_iter().collect();
    let people: [(&str, &[&str]); 7] = [
        ("zhang.wei", &["service_supervisor", "supervisor"]),
        ("li.na", &["specialist"]),
        ("wang.fang", &["specialist"]),
        ("zhou.ming", &["department_head"]),
        ("sun.li", &["marketing_director", "leadership"]),
        ("qian.hua", &["finance_supervisor"]),
        ("zhao.gang", &["general_manager", "leadership"]),
    ];
    for (id, roles) in people {
        let person = roles.iter().fold(Person::new(id, id), |p, r| p.with_role(*r));
        config.people.push(if person.is_specialist() { person.with_calendar("office") } else { person });
    }
    config.departments.push(kefu::desk::Department::new("logistics", "物流部").with_head("zhou.ming"));
    change(&mut config);
    config.compile().expect("the configuration is whole")
}

fn desk() -> Desk<MemoryStore> {
    Desk::new(MemoryStore::new(), setup())
}

fn erp() -> Principal {
    Principal::new("erp")
}

/// Submits a fact with a key derived from its text, then ticks.
fn fact(
    desk: &Desk<MemoryStore>,
    customer: &str,
    fact: Fact,
    at: DateTime<Utc>,
) -> std::result::Result<kefu::desk::Submitted, DeskError> {
    let key = format!("{customer}/{fact:?}/{at}");
    let submitted = desk.submit(customer, &fact, &erp(), at, &key)?;
    desk.tick(at)?;
    Ok(submitted)
}

/// A customer with a contract, a complete file and a first order, as of Monday 2 November 2026.
fn onboarded(desk: &Desk<MemoryStore>, customer: &str) -> Result {
    let t = sh(11, 2, 9, 0);
    fact(desk, customer, Fact::ContractAccepted { contract: format!("HT-{customer}") }, t)?;
    for document in C5_DOCUMENTS {
        fact(desk, customer, Fact::DocumentReceived { document: document.into() }, t)?;
    }
    fact(desk, customer, Fact::FileCreated { file_number: 1 }, t)?;
    fact(desk, customer, Fact::OrderPlaced { order: format!("SO-{customer}-1") }, t)?;
    Ok(())
}

#[test]
fn rule_c3_a_new_customer_goes_to_a_specialist_and_c4_the_briefing_clock_starts() -> Result {
    let desk = desk();
    fact(&desk, "0042", Fact::ContractAccepted { contract: "HT-1".into() }, sh(11, 2, 9, 0))?;
    fact(&desk, "0043", Fact::ContractAccepted { contract: "HT-2".into() }, sh(11, 2, 9, 5))?;
    let a = desk.customer("0042")?.lifecycle.ok_or("a lifecycle")?;
    let b = desk.customer("0043")?.lifecycle.ok_or("a lifecycle")?;
    // Balanced (C3): one each, ties to the smallest id first.
    assert_eq!(a.specialist(), Some("li.na"));
    assert_eq!(b.specialist(), Some("wang.fang"));
    // C4: the briefing clock runs a week from the assignment.
    assert!(a.briefing_clock().is_some_and(|c| c.due_at() == Some(sh(11, 9, 9, 0))));
    Ok(())
}

#[test]
fn rule_c6_an_order_on_an_incomplete_file_waits_for_the_approval_then_is_placed() -> Result {
    let desk = desk();
    let t = sh(11, 2, 9, 0);
    fact(&desk, "0042", Fact::ContractAccepted { contract: "HT-1".into() }, t)?;
    fact(&desk, "0042", Fact::DocumentReceived { document: "business_licence".into() }, t)?;
    fact(&desk, "0042", Fact::FileCreated { file_number: 7 }, t)?;
    let submitted = fact(&desk, "0042", Fact::OrderPlaced { order: "SO-1".into() }, sh(11, 2, 10, 0))?;
    let missing = submitted.awaiting_approval.ok_or("the order waits for approval")?;
    assert_eq!(missing.len(), C5_DOCUMENTS.len() - 1);
    assert_eq!(submitted.done.instance, ids::c6_approval("0042", "SO-1"));

    // The retried submission (same key) says the same and appends nothing.
    let before = desk.store().read(kefu::store::Position::START, 10_000)?.len();
    let again = desk.submit(
        "0042",
        &Fact::OrderPlaced { order: "SO-1".into() },
        &erp(),
        sh(11, 2, 10, 0),
        &format!("0042/{:?}/{}", Fact::OrderPlaced { order: "SO-1".into() }, sh(11, 2, 10, 0)),
    )?;
    assert!(again.done.duplicate && again.awaiting_approval.is_some());
    assert_eq!(desk.store().read(kefu::store::Position::START, 10_000)?.len(), before);

    // Either the marketing director or the general manager may approve (C6).
    let pending = desk.pending_approvals("general_manager")?;
    assert_eq!(pending.len(), 1);
    let gm = setup().principal("zhao.gang").cloned().ok_or("the general manager")?;
    let approve = DeskCommand::Approval(ApprovalCommand::Approve { note: Some("known customer".into()) });
    desk.execute(&pending[0].0, &approve, &gm, sh(11, 2, 11, 0), None)?;
    desk.tick(sh(11, 2, 11, 0))?;

    let customer = desk.customer("0042")?.lifecycle.ok_or("a lifecycle")?;
    assert_eq!(customer.kind(), LifecycleKind::Active);
    assert!(customer.exception().is_some());
    assert!(desk.pending_approvals("general_manager")?.is_empty());
    // The ERP user who placed the order hears the decision.
    let notices = desk.notices(&erp())?;
    assert!(
        notices.iter().any(|(_, n)| matches!(n.sent().map(|s| &s.topic), Some(Topic::Decision { approved: true, .. })))
    );
    Ok(())
}

#[test]
fn rule_b3_a_completed_sale_gets_its_callback_within_a_week_assigned_by_b2() -> Result {
    let desk = desk();
    onboarded(&desk, "0042")?;
    fact(&desk, "0042", Fact::SaleCompleted { sale: "SO-0042-1".into() }, sh(11, 3, 15, 0))?;
    let callback = ids::after_sale("0042", "SO-0042-1");
    let view = desk.customer("0042")?;
    let (_, state) = view.callbacks.iter().find(|(id, _)| *id == callback).ok_or("the callback")?;
    assert_eq!(state.window().map(|w| w.by), Some(sh(11, 10, 15, 0)));
    assert_eq!(state.kind(), CallbackKind::Assigned);
    let holder = state.specialist().ok_or("assigned")?.to_owned();
    let worklist = desk.worklist(&holder, sh(11, 4, 0, 0))?;
    assert_eq!(worklist.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), [callback.as_str()]);
    Ok(())
}

#[test]
fn rule_b5_a_script_run_finishes_the_callback_and_each_problem_becomes_a_case_that_escalates_by_b6() -> Result {
    let desk = desk();
    onboarded(&desk, "0042")?;
    fact(&desk, "0042", Fact::SaleCompleted { sale: "SO-0042-1".into() }, sh(11, 3, 15, 0))?;
    let callback = ids::after_sale("0042", "SO-0042-1");
    let holder = desk.customer("0042")?.callbacks[0].1.specialist().ok_or("assigned")?.to_owned();
    let agent = setup().principal(&holder).cloned().ok_or("the specialist")?;
    let at = sh(11, 4, 10, 0);
    let call = DeskCommand::Callback(CallbackCommand::Attempt { channel: Channel::Phone, reached: true });
    desk.execute(&callback, &call, &agent, at, None)?;

    // S1, not satisfied: the complaint is recorded as a problem (B5).
    let run = ids::run(&callback, 1);
    let step = |command: RunCommand, minute: i64| {
        desk.execute(&run, &DeskCommand::Run(command), &agent, at + TimeDelta::minutes(minute), None)
    };
    step(RunCommand::Start, 1)?;
    step(RunCommand::answer("greeting", Answer::YesNo(true)), 1)?;
    step(RunCommand::answer("ask_satisfaction", Answer::choice("unsatisfied")), 2)?;
    step(RunCommand::answer("ask_improve", Answer::text("Deliveries arrive two days late")), 3)?;
    step(RunCommand::answer("ask_channel", Answer::text("A trade fair")), 4)?;
    step(RunCommand::skip("ask_suggestion"), 4)?;
    step(RunCommand::answer("ask_referral", Answer::YesNo(false)), 5)?;
    desk.tick(at + TimeDelta::minutes(5))?;

    let view = desk.customer("0042")?;
    let state = &view.callbacks.iter().find(|(id, _)| *id == callback).ok_or("the callback")?.1;
    assert_eq!(state.kind(), CallbackKind::Done);
    assert_eq!(view.cases.len(), 1);
    assert_eq!(view.cases[0].0, ids::problem_case(&callback, 1));
    // The contact fulfils nothing yet (no obligation), but it is on record.
    assert_eq!(view.lifecycle.as_ref().map(|l| l.contacts_made()), Some(1));

    // Nobody handles it: the B6 hour breaches and the ladder notifies (supervisor, then leadership).
    desk.tick(sh(11, 4, 15, 0))?;
    let case = &desk.customer("0042")?.cases[0].1;
    assert_eq!(case.kind(), CaseKind::Handling);
    let supervisor = setup().principal("zhang.wei").cloned().ok_or("the supervisor")?;
    let escalations: Vec<_> = desk
        .notices(&supervisor)?
        .into_iter()
        .filter(|(_, n)| matches!(n.sent().map(|s| &s.topic), Some(Topic::Escalation { .. })))
        .collect();
    assert!(!escalations.is_empty(), "the supervisor hears of the breach");
    Ok(())
}

#[test]
fn rule_f1_a_quiet_customer_gets_one_follow_up_callback_and_the_call_fulfils_it() -> Result {
    let desk = desk();
    onboarded(&desk, "0042")?;
    // A week without an order: quiet (F1) on 9 November 09:00; the obligation's callback opens and is assigned.
    desk.tick(sh(11, 9, 9, 30))?;
    let view = desk.customer("0042")?;
    assert_eq!(view.lifecycle.as_ref().map(|l| l.kind()), Some(LifecycleKind::Quiet));
    let callback = ids::follow_up("0042", 1);
    let state = &view.callbacks.iter().find(|(id, _)| *id == callback).ok_or("the follow-up callback")?.1;
    assert_eq!(state.kind(), CallbackKind::Assigned);
    let agent = setup().principal(state.specialist().ok_or("assigned")?).cloned().ok_or("the specialist")?;

    // The call is made and summarised: the obligation is fulfilled on the customer.
    let at = sh(11, 10, 10, 0);
    desk.execute(
        &callback,
        &DeskCommand::Callback(CallbackCommand::Attempt { channel: Channel::Phone, reached: true }),
        &agent,
        at,
        None,
    )?;
    let finish = CallbackCommand::Finish { result: kefu::callback::CallResult::summary("ordering again next month") };
    desk.execute(&callback, &DeskCommand::Callback(finish), &agent, at + TimeDelta::minutes(5), None)?;
    desk.tick(at + TimeDelta::minutes(5))?;
    let lifecycle = desk.customer("0042")?.lifecycle.ok_or("a lifecycle")?;
    assert!(lifecycle.obligations().iter().all(|o| o.id != 1), "the F1 obligation is fulfilled");
    Ok(())
}

#[test]
fn rule_b2_only_the_assigned_specialist_may_finish_a_callback_and_others_are_forbidden() -> Result {
    let desk = desk();
    onboarded(&desk, "0042")?;
    fact(&desk, "0042", Fact::SaleCompleted { sale: "S-1".into() }, sh(11, 3, 15, 0))?;
    let callback = ids::after_sale("0042", "S-1");
    let holder = desk.customer("0042")?.callbacks[0].1.specialist().ok_or("assigned")?.to_owned();
    let other = if holder == "li.na" { "wang.fang" } else { "li.na" };
    let intruder = setup().principal(other).cloned().ok_or("a specialist")?;
    let call = DeskCommand::Callback(CallbackCommand::Attempt { channel: Channel::Phone, reached: true });
    let err = desk.execute(&callback, &call, &intruder, sh(11, 4, 10, 0), None).err().ok_or("refused")?;
    assert!(err.is_forbidden(), "{err}");
    Ok(())
}

#[test]
fn a_reaction_applied_twice_appends_nothing_the_second_time() -> Result {
    let desk = desk();
    onboarded(&desk, "0042")?;
    desk.tick(sh(11, 9, 9, 30))?;
    let before = desk.store().read(kefu::store::Position::START, 100_000)?.len();
    // A crash between the appends and the cursor save: the cursor goes back to the start.
    desk.store().save_cursor(kefu::desk::REACTIONS_CURSOR, kefu::store::Position::START)?;
    let report = desk.tick(sh(11, 9, 9, 30))?;
    assert_eq!(report.steps, 0);
    assert_eq!(desk.store().read(kefu::store::Position::START, 100_000)?.len(), before);
    Ok(())
}

#[test]
fn rule_b8_a_campaign_calls_every_customer_its_rule_selects_and_no_other() -> Result {
    let starts = sh(11, 10, 9, 0);
    let desk = Desk::new(
        MemoryStore::new(),
        setup_with(|config| {
            config.campaigns.push(Campaign {
                id: "new-year".into(),
                occasion: Occasion::Holiday { name: "元旦".into() },
                starts,
                within: Some(TimeDelta::days(5)),
                select: Selector { regions: vec!["east".into()], ..Selector::default() },
            });
        }),
    );
    for (customer, region) in [("0001", "east"), ("0002", "west"), ("0003", "east")] {
        onboarded(&desk, customer)?;
        let details = Details { region: Some(region.into()), ..Details::default() };
        fact(&desk, customer, Fact::CustomerDetails(details), sh(11, 2, 10, 0))?;
    }
    // Nothing before the campaign starts; at its start, one callback per selected customer, and a second tick adds
    // none.
    assert!(desk.customer("0001")?.callbacks.iter().all(|(id, _)| !id.contains("campaign")));
    desk.tick(starts)?;
    desk.tick(starts + TimeDelta::hours(1))?;
    for (customer, selected) in [("0001", true), ("0002", false), ("0003", true)] {
        let view = desk.customer(customer)?;
        let campaign: Vec<_> = view.callbacks.iter().filter(|(id, _)| id.contains("campaign")).collect();
        if !selected {
            assert!(campaign.is_empty(), "{customer} is in the west and is not called");
            continue;
        }
        let [(id, state)] = campaign.as_slice() else { panic!("{customer}: one campaign callback, got {campaign:?}") };
        assert_eq!(*id, ids::campaign_callback(customer, "new-year"));
        assert!(matches!(state.due().map(|d| &d.reason), Some(Reason::Occasion { .. })), "{state:?}");
        assert_eq!(state.window().map(|w| w.by), Some(starts + TimeDelta::days(5)));
        assert_eq!(state.kind(), CallbackKind::Assigned, "B2: the campaign's callbacks are distributed at once");
    }
    Ok(())
}

#[test]
fn rule_b8_a_configured_campaign_is_scheduled_and_launched_through_the_store() -> Result {
    // Regression: the campaign's `scheduled` event did not decode from the store (its flattened occasion clashed
    // with `deny_unknown_fields`), so any desk with a campaign failed on its first tick.
    let mut config = setup().config().clone();
    config.campaigns.push(kefu::desk::Campaign {
        id: "mid-autumn".into(),
        occasion: kefu::callback::Occasion::Holiday { name: "Mid-Autumn Festival".into() },
        starts: sh(11, 4, 9, 0),
        within: None,
        select: kefu::desk::Selector::default(),
    });
    let desk = Desk::new(MemoryStore::new(), config.compile()?);
    onboarded(&desk, "0042")?;
    desk.tick(sh(11, 4, 9, 30))?;
    let callback = ids::campaign_callback("0042", "mid-autumn");
    let view = desk.customer("0042")?;
    let (_, state) = view.callbacks.iter().find(|(id, _)| *id == callback).ok_or("the campaign's callback")?;
    assert!(state.specialist().is_some(), "the campaign's callback is assigned (B2)");
    Ok(())
}

/// A board's loads, by specialist.
fn board_loads(
    desk: &Desk<MemoryStore>,
    board: &str,
) -> std::result::Result<Vec<(String, u32)>, Box<dyn std::error::Error>> {
    let state = kefu::store::load::<kefu::desk::Board, _>(desk.store(), board)?;
    Ok(state.state().loads().iter().map(|(s, n)| (s.clone(), *n)).collect())
}

#[test]
fn rule_c3_a_callback_cancelled_before_it_reached_its_specialist_releases_their_load() -> Result {
    // Regression: the board gave the follow-up callback out, but the callback was cancelled (the customer handed to
    // sales, F4) before the assignment reached it; the release looked for the callback's specialist, found none,
    // and the load stayed forever, skewing every later assignment (C3, O1).
    let desk = desk();
    onboarded(&desk, "0042")?;
    // Quiet since 9 November 09:00 (F1), but nobody ticked: the hand-over catches the obligation up and withdraws
    // it in one command, so the callback opens and is cancelled in the same reaction pass.
    let at = sh(11, 9, 9, 30);
    desk.submit("0042", &Fact::HandedToSales, &erp(), at, "handed-0042")?;
    desk.tick(at)?;
    let callback = ids::follow_up("0042", 1);
    let state = desk.customer("0042")?.callbacks.into_iter().find(|(id, _)| *id == callback).ok_or("the callback")?.1;
    assert_eq!(state.kind(), CallbackKind::Cancelled);
    assert_eq!(board_loads(&desk, ids::CALLBACK_BOARD)?, []);
    Ok(())
}

#[test]
fn rule_c3_a_customer_who_leaves_while_waiting_for_a_specialist_is_never_given_out() -> Result {
    let desk = desk();
    // Saturday: nobody works, the new customer waits on the board for Monday; it leaves on Sunday.
    fact(&desk, "0042", Fact::ContractAccepted { contract: "HT-1".into() }, sh(11, 7, 10, 0))?;
    let board = kefu::store::load::<kefu::desk::Board, _>(desk.store(), ids::CUSTOMER_BOARD)?;
    assert_eq!(board.state().waiting().len(), 1);
    fact(&desk, "0042", Fact::Closed { reason: "signed elsewhere".into() }, sh(11, 8, 10, 0))?;
    desk.tick(sh(11, 9, 10, 0))?;
    let board = kefu::store::load::<kefu::desk::Board, _>(desk.store(), ids::CUSTOMER_BOARD)?;
    assert!(board.state().waiting().is_empty());
    assert_eq!(board_loads(&desk, ids::CUSTOMER_BOARD)?, []);
    Ok(())
}
