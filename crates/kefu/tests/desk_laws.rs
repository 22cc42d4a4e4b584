//! The desk's laws over random ERP fact streams across a simulated quarter (rules F1, F2, B5, B6, B10):
//!
//! - every follow-up obligation gets exactly one callback;
//! - every problem a callback raises gets exactly one case;
//! - every escalation of any clock gets exactly one notice;
//! - replaying the log rebuilds the state of every instance;
//! - applying the reactions a second time (a crash between the appends and the cursor save) changes nothing.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::approval::ApprovalCommand;
use kefu::approval::{Approval, ApprovalEvent};
use kefu::calendar::Calendar;
use kefu::callback::{CallResult, Callback, CallbackCommand, CallbackEvent, Problem};
use kefu::case::{Case, CaseCommand, CaseEvent, Nature};
use kefu::desk::{
    Board, CampaignRun, Compiled, Department, Desk, DeskCommand, DeskConfig, DeskError, Fact, Notice, NoticeEvent,
    Person, Profile, REACTIONS_CURSOR, Topic, ids,
};
use kefu::lifecycle::{C5_DOCUMENTS, ContactChannel as Channel, Lifecycle, LifecycleEvent};
use kefu::machine::{Machine, Principal, replay};
use kefu::script::ScriptRun;
use kefu::sla::ClockEvent;
use kefu::store::{MemoryStore, Position, RecordedEvent, Store, Versioned, decode_event, load};
use proptest::prelude::*;

const SHANGHAI: &str = include_str!("fixtures/shanghai-2026-sample.toml");

fn setup() -> Compiled {
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
    config.departments.push(Department::new("logistics", "物流部").with_head("zhou.ming"));
    config.compile().expect("the configuration is whole")
}

/// Something that happens in the quarter, at `hour` hours after the start.
#[derive(Clone, Debug)]
enum Action {
    Contract(usize),
    Documents {
        customer: usize,
        all: bool,
    },
    File(usize),
    Order(usize),
    Sale(usize),
    Overdue(usize),
    Settled(usize),
    ToSales(usize),
    Back(usize),
    Inquiry(usize),
    /// The specialists make the callbacks due now; each raises `problems` problems.
    Work {
        problems: usize,
        department: bool,
    },
    /// The supervisor resolves the open cases handled on the desk.
    Resolve,
    /// Leadership decides every pending approval.
    Decide {
        approve: bool,
    },
}

fn action(customers: usize) -> impl Strategy<Value = Action> {
    let c = 0..customers;
    prop_oneof![
        3 => c.clone().prop_map(Action::Contract),
        3 => (c.clone(), any::<bool>()).prop_map(|(customer, all)| Action::Documents { customer, all }),
        3 => c.clone().prop_map(Action::File),
        6 => c.clone().prop_map(Action::Order),
        4 => c.clone().prop_map(Action::Sale),
        1 => c.clone().prop_map(Action::Overdue),
        1 => c.clone().prop_map(Action::Settled),
        1 => c.clone().prop_map(Action::ToSales),
        1 => c.clone().prop_map(Action::Back),
        1 => c.prop_map(Action::Inquiry),
        6 => (0usize..3, any::<bool>()).prop_map(|(problems, department)| Action::Work { problems, department }),
        2 => Just(Action::Resolve),
        2 => any::<bool>().prop_map(|approve| Action::Decide { approve }),
    ]
}

fn start() -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).single().expect("unambiguous").to_utc()
}

/// Runs the quarter: each action at its hour, the desk ticked at every action and twice a day in between.
fn run_quarter(desk: &Desk<MemoryStore>, plan: &[(u32, Action)]) -> Result<(), DeskError> {
    let setup = desk.config();
    let erp = Principal::new("erp");
    let mut plan: Vec<(DateTime<Utc>, &Action)> =
        plan.iter().map(|(hour, a)| (start() + TimeDelta::hours(i64::from(*hour)), a)).collect();
    plan.sort_by_key(|(at, _)| *at);
    let end = start() + TimeDelta::days(91);
    let mut beat = start();
    let mut n = 0;
    let mut plan = plan.into_iter().peekable();
    while beat < end || plan.peek().is_some() {
        let (at, action) = match plan.peek() {
            Some((at, _)) if *at <= beat => plan.next().map(|(at, a)| (at, Some(a))).unwrap_or((beat, None)),
            _ => {
                let at = beat;
                beat += TimeDelta::hours(12);
                (at, None)
            }
        };
        desk.tick(at)?;
        let Some(action) = action else { continue };
        n += 1;
        let submit = |customer: usize, fact: Fact| -> Result<(), DeskError> {
            let customer = format!("c{customer}");
            match desk.submit(&customer, &fact, &erp, at, &format!("erp-{n}")) {
                Ok(_) | Err(DeskError::Rejected { .. }) => Ok(()),
                Err(e) => Err(e),
            }
        };
        match action {
            Action::Contract(c) => submit(*c, Fact::ContractAccepted { contract: format!("HT-{c}") })?,
            Action::Documents { customer, all } => {
                let documents = if *all { &C5_DOCUMENTS[..] } else { &C5_DOCUMENTS[..3] };
                for (i, d) in documents.iter().enumerate() {
                    let key = format!("erp-{n}-{i}");
                    let fact = Fact::DocumentReceived { document: (*d).into() };
                    match desk.submit(&format!("c{customer}"), &fact, &erp, at, &key) {
                        Ok(_) | Err(DeskError::Rejected { .. }) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            Action::File(c) => submit(*c, Fact::FileCreated { file_number: u64::try_from(*c).unwrap_or(0) + 1 })?,
            Action::Order(c) => submit(*c, Fact::OrderPlaced { order: format!("SO-{n}") })?,
            Action::Sale(c) => submit(*c, Fact::SaleCompleted { sale: format!("S-{n}") })?,
            Action::Overdue(c) => submit(*c, Fact::PaymentOverdue { invoice: format!("INV-{c}") })?,
            Action::Settled(c) => submit(*c, Fact::PaymentSettled { invoice: format!("INV-{c}") })?,
            Action::ToSales(c) => submit(*c, Fact::HandedToSales)?,
            Action::Back(c) => submit(*c, Fact::HandedBack)?,
            Action::Inquiry(c) => submit(
                *c,
                Fact::Inquiry {
                    reference: format!("Q-{n}"),
                    channel: kefu::case::InquiryChannel::Phone,
                    text: "When does the next batch ship?".into(),
                    class: Nature::Price.into(),
                },
            )?,
            Action::Work { problems, department } => {
                for specialist in setup.specialists() {
                    let agent = setup.principal(&specialist.id).cloned().unwrap_or_else(Principal::system);
                    for (callback, _) in desk.worklist(&specialist.id, at + TimeDelta::seconds(1))? {
                        let attempt = CallbackCommand::Attempt { channel: Channel::Phone, reached: true };
                        let problems = (0..*problems)
                            .map(|i| Problem::new(format!("problem {i}"), department.then_some("logistics")))
                            .collect();
                        let finish = CallbackCommand::Finish {
                            result: CallResult::Summary { notes: "called".into(), problems },
                        };
                        for command in [attempt, finish] {
                            match desk.execute(&callback, &DeskCommand::Callback(command), &agent, at, None) {
                                Ok(_) | Err(DeskError::Rejected { .. }) => {}
                                Err(e) => return Err(e),
                            }
                        }
                    }
                }
            }
            Action::Resolve => {
                let supervisor = setup.principal("zhang.wei").cloned().unwrap_or_else(Principal::system);
                for (case, _) in desk.open_cases(None)? {
                    let resolve = CaseCommand::Resolve { resolution: "done".into() };
                    match desk.execute(&case, &DeskCommand::Case(resolve), &supervisor, at, None) {
                        Ok(_) | Err(DeskError::Rejected { .. }) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            Action::Decide { approve } => {
                for role in ["general_manager", "marketing_director", "finance_supervisor"] {
                    let person = setup.holders(role).next().map(|p| p.principal()).unwrap_or_else(Principal::system);
                    for (approval, _) in desk.pending_approvals(role)? {
                        let command = if *approve {
                            ApprovalCommand::Approve { note: None }
                        } else {
                            ApprovalCommand::Reject { reason: "not now".into() }
                        };
                        match desk.execute(&approval, &DeskCommand::Approval(command), &person, at, None) {
                            Ok(_) | Err(DeskError::Rejected { .. }) => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
            }
        }
        desk.tick(at)?;
    }
    desk.tick(end)?;
    Ok(())
}

fn events_of<M: Versioned>(log: &[RecordedEvent]) -> Vec<(&RecordedEvent, M::Event)> {
    log.iter()
        .filter(|e| e.machine == M::NAME)
        .map(|e| (e, decode_event::<M>(e).expect("every logged event decodes")))
        .collect()
}

fn escalated(event: &ClockEvent) -> bool {
    matches!(event, ClockEvent::Escalated { .. })
}

/// Replaying an instance's events gives the state the store loads (from its snapshot).
fn replays<M: Versioned>(store: &MemoryStore, id: &str, events: &[&RecordedEvent]) -> bool {
    let decoded: Vec<M::Event> = events.iter().map(|e| decode_event::<M>(e).expect("decodes")).collect();
    let replayed = replay::<M>(&decoded);
    load::<M, _>(store, id).is_ok_and(|loaded| loaded == replayed)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn desk_laws_hold_over_a_random_quarter(
        onboarding in prop::collection::vec((0u32..(30 * 24), any::<bool>()), 4),
        random in prop::collection::vec((0u32..(91 * 24), action(4)), 10..40),
    ) {
        // Each customer signs, sends its documents (all, or a few: its first order then waits for C6), gets its
        // file and orders; then anything may happen.
        let mut plan = random;
        for (c, (hour, all)) in onboarding.into_iter().enumerate() {
            plan.push((hour, Action::Contract(c)));
            plan.push((hour + 1, Action::Documents { customer: c, all }));
            plan.push((hour + 2, Action::File(c)));
            plan.push((hour + 3, Action::Order(c)));
        }
        let desk = Desk::new(MemoryStore::new(), setup());
        run_quarter(&desk, &plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let log = desk.store().read(Position::START, usize::MAX).map_err(|e| TestCaseError::fail(e.to_string()))?;

        // F1, F2: each obligation, one callback, opened once.
        let obligations: BTreeSet<String> = events_of::<Lifecycle>(&log)
            .into_iter()
            .filter_map(|(e, event)| match event {
                LifecycleEvent::ObligationOpened(o) => {
                    Some(ids::follow_up(e.instance.trim_start_matches("customer/"), o.id))
                }
                _ => None,
            })
            .collect();
        let mut opened: BTreeMap<String, usize> = BTreeMap::new();
        for (e, event) in events_of::<Callback>(&log) {
            if matches!(event, CallbackEvent::Opened { .. }) {
                *opened.entry(e.instance.clone()).or_default() += 1;
            }
        }
        prop_assert!(opened.values().all(|n| *n == 1), "a callback opened twice: {opened:?}");
        let follow_ups: BTreeSet<String> = opened.keys().filter(|id| id.contains("/follow-up/")).cloned().collect();
        prop_assert_eq!(&follow_ups, &obligations);

        // B5: each problem, one case, opened once.
        let mut problems = BTreeSet::new();
        for (e, event) in events_of::<Callback>(&log) {
            if let CallbackEvent::ProblemsRaised { problems: raised, .. } = event {
                for n in 1..=raised.len() {
                    problems.insert(ids::problem_case(&e.instance, n));
                }
            }
        }
        let mut cases: BTreeMap<String, usize> = BTreeMap::new();
        for (e, event) in events_of::<Case>(&log) {
            if matches!(event, CaseEvent::Opened { .. }) && e.instance.contains("/problem-") {
                *cases.entry(e.instance.clone()).or_default() += 1;
            }
        }
        prop_assert!(cases.values().all(|n| *n == 1), "a case opened twice: {cases:?}");
        prop_assert_eq!(&cases.keys().cloned().collect::<BTreeSet<_>>(), &problems);

        // B6: each escalation, one notice about its instance.
        let mut escalations: BTreeMap<String, usize> = BTreeMap::new();
        let mut count = |instance: &str| *escalations.entry(instance.to_owned()).or_default() += 1;
        for (e, event) in events_of::<Lifecycle>(&log) {
            if matches!(&event, LifecycleEvent::FileClock { event } | LifecycleEvent::BriefingClock { event } if escalated(event)) {
                count(&e.instance);
            }
        }
        for (e, event) in events_of::<Callback>(&log) {
            if matches!(&event, CallbackEvent::Clock { event } if escalated(event)) {
                count(&e.instance);
            }
        }
        for (e, event) in events_of::<Case>(&log) {
            if matches!(&event, CaseEvent::Clock { event, .. } if escalated(event)) {
                count(&e.instance);
            }
        }
        for (e, event) in events_of::<Approval>(&log) {
            if matches!(&event, ApprovalEvent::StepClock { event, .. } if escalated(event)) {
                count(&e.instance);
            }
        }
        let mut notices: BTreeMap<String, usize> = BTreeMap::new();
        for (_, event) in events_of::<Notice>(&log) {
            if let NoticeEvent::Sent { about, topic: Topic::Escalation { .. }, .. } = event {
                *notices.entry(about).or_default() += 1;
            }
        }
        prop_assert_eq!(&notices, &escalations);

        // Replay: every instance's events fold into the state the store keeps.
        let mut by_instance: BTreeMap<&str, Vec<&RecordedEvent>> = BTreeMap::new();
        for e in &log {
            by_instance.entry(e.instance.as_str()).or_default().push(e);
        }
        for (id, events) in &by_instance {
            let ok = match events[0].machine.as_str() {
                Lifecycle::NAME => replays::<Lifecycle>(desk.store(), id, events),
                Callback::NAME => replays::<Callback>(desk.store(), id, events),
                Case::NAME => replays::<Case>(desk.store(), id, events),
                Approval::NAME => replays::<Approval>(desk.store(), id, events),
                ScriptRun::NAME => replays::<ScriptRun>(desk.store(), id, events),
                Board::NAME => replays::<Board>(desk.store(), id, events),
                Notice::NAME => replays::<Notice>(desk.store(), id, events),
                Profile::NAME => replays::<Profile>(desk.store(), id, events),
                CampaignRun::NAME => replays::<CampaignRun>(desk.store(), id, events),
                other => return Err(TestCaseError::fail(format!("unknown machine {other}"))),
            };
            prop_assert!(ok, "replaying {} does not give its stored state", id);
        }

        // Applying every reaction again (the cursor lost) appends nothing.
        desk.store().save_cursor(REACTIONS_CURSOR, Position::START).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let end = start() + TimeDelta::days(91);
        let again = desk.tick(end).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(again.steps, 0);
        let after = desk.store().read(Position::START, usize::MAX).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(after.len(), log.len());
    }
}
