//! Snapshots of every machine's state are read with the state's invariants checked: a corrupted snapshot (thresholds
//! crossed past the last one, an empty schedule, a step out of range, an obligation id twice, …) is refused with an
//! `InvalidState` naming the field — never a panic later in `status`, `deadlines` or `decide`. And a property: random
//! corruptions of valid snapshots either fail to read or give a state that every accessor and decision handles
//! without panicking.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::approval::{Approval, ApprovalChain, ApprovalCommand};
use kefu::calendar::{Calendar, CalendarSet};
use kefu::callback::{CallResult, Callback, CallbackCommand, CallbackConfig, CallbackPolicy, ContactChannel, Due};
use kefu::case::{Case, CaseCommand, CaseConfig, CasePolicies, Class, InquiryChannel, Nature, Origin, Standing};
use kefu::lifecycle::{C5_DOCUMENTS, Lifecycle, LifecycleCommand, LifecycleConfig, LifecyclePolicy};
use kefu::machine::{Context, Instance, Machine, Principal};
use kefu::sla::{Clock, ClockCommand, ClockState, SlaPolicy};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

fn sh(month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, month, day, hour, 0, 0).single().expect("unambiguous").to_utc()
}

fn calendars() -> CalendarSet {
    let office = Calendar::from_toml_str(include_str!("fixtures/shanghai-2026-sample.toml"))
        .expect("the sample calendar is valid");
    [("office", office.clone()), ("service-desk", office)].into_iter().collect()
}

/// The people who act: the system, a clerk without roles, and one principal holding every role a machine asks for.
fn principals() -> [Principal; 3] {
    [
        Principal::system(),
        Principal::new("zhang.san"),
        Principal::new("wang.fang")
            .with_role("marketing_director")
            .with_role("finance_supervisor")
            .with_role("general_manager")
            .with_role("specialist")
            .with_role("logistics"),
    ]
}

fn policy() -> SlaPolicy {
    SlaPolicy::elapsed("B5 first contact", TimeDelta::hours(24))
        .with_warning(0.5)
        .and_then(|p| p.with_warning(0.75))
        .and_then(|p| p.with_escalation("supervisor", TimeDelta::zero()))
        .and_then(|p| p.with_escalation("leadership", TimeDelta::hours(1)))
        .expect("a valid policy")
}

fn run<M: Ticked>(config: &M::Config, steps: &[(M::Command, DateTime<Utc>)]) -> Instance<M> {
    let [system, _, boss] = principals();
    let clerk = Principal::new("zhang.san").with_role("specialist");
    let mut instance = Instance::<M>::new();
    for (command, at) in steps {
        instance.catch_up_all(config, &system, *at);
        // Requests come from the clerk (nobody decides their own); everything else from the one holding the roles.
        let who = if format!("{command:?}").starts_with("Request") { &clerk } else { &boss };
        instance.execute(command, &Context::new(*at, who, config)).unwrap_or_else(|e| panic!("{command:?}: {e}"));
    }
    instance
}

/// Catching up needs the machine's tick, which the generic helper below gets from this trait.
trait CatchUpAll<M: Machine> {
    fn catch_up_all(&mut self, config: &M::Config, system: &Principal, at: DateTime<Utc>);
}

impl<M: Machine + Ticked> CatchUpAll<M> for Instance<M> {
    fn catch_up_all(&mut self, config: &M::Config, system: &Principal, at: DateTime<Utc>) {
        self.catch_up(&M::tick(), &Context::new(at, system, config)).expect("a due tick is accepted");
    }
}

/// Each machine's tick command, and the commands the property sends to corrupted states.
trait Ticked: Machine {
    fn tick() -> Self::Command;
    fn commands() -> Vec<Self::Command>;
}

impl Ticked for Clock {
    fn tick() -> ClockCommand {
        ClockCommand::Tick
    }
    fn commands() -> Vec<ClockCommand> {
        vec![
            ClockCommand::Start(policy()),
            ClockCommand::Pause { reason: None },
            ClockCommand::Resume,
            ClockCommand::Stop,
            ClockCommand::Cancel { reason: "x".into() },
            ClockCommand::Tick,
        ]
    }
}

impl Ticked for Approval {
    fn tick() -> ApprovalCommand {
        ApprovalCommand::Tick
    }
    fn commands() -> Vec<ApprovalCommand> {
        vec![
            ApprovalCommand::Request { chain: ApprovalChain::c7_credit_change(), subject: "x".into() },
            ApprovalCommand::Approve { note: None },
            ApprovalCommand::Reject { reason: "x".into() },
            ApprovalCommand::Withdraw { reason: "x".into() },
            ApprovalCommand::Tick,
        ]
    }
}

impl Ticked for Lifecycle {
    fn tick() -> LifecycleCommand {
        LifecycleCommand::Tick
    }
    fn commands() -> Vec<LifecycleCommand> {
        use LifecycleCommand as C;
        vec![
            C::ContractAccepted { contract: "HT".into() },
            C::DocumentReceived { document: C5_DOCUMENTS[0].into() },
            C::FileCreated { file_number: 7 },
            C::ExceptionApproved { approval_id: "APR".into(), approver: "wang.fang".into() },
            C::OrderPlaced { order: "SO".into() },
            C::PaymentOverdue { invoice: "INV".into() },
            C::PaymentSettled { invoice: "INV".into() },
            C::SalesContactLogged,
            C::HandedToSales,
            C::HandedBack,
            C::SpecialistAssigned { specialist: "li.si".into() },
            C::BriefingRecorded { notes: "x".into() },
            C::ContactMade { channel: ContactChannel::Phone },
            C::SetContactCalendar { calendar: Some("office".into()) },
            C::Close { reason: "x".into() },
            C::Tick,
        ]
    }
}

impl Ticked for Callback {
    fn tick() -> CallbackCommand {
        CallbackCommand::Tick
    }
    fn commands() -> Vec<CallbackCommand> {
        vec![
            CallbackCommand::Open(Due::after_sale("0042", "SO", sh(11, 2, 10))),
            CallbackCommand::Assign { specialist: "wang.fang".into() },
            CallbackCommand::Attempt { channel: ContactChannel::Sms, reached: true },
            CallbackCommand::Reschedule { to: None },
            CallbackCommand::Finish { result: CallResult::summary("x") },
            CallbackCommand::File,
            CallbackCommand::Cancel { reason: "x".into() },
            CallbackCommand::Tick,
        ]
    }
}

impl Ticked for Case {
    fn tick() -> CaseCommand {
        CaseCommand::Tick
    }
    fn commands() -> Vec<CaseCommand> {
        vec![
            inquiry(),
            CaseCommand::Respond { note: "x".into() },
            CaseCommand::Verify { findings: "x".into() },
            CaseCommand::Refer { department: "logistics".into() },
            CaseCommand::Acknowledge,
            CaseCommand::Contact { plan: Some("x".into()) },
            CaseCommand::Chase { note: "x".into() },
            CaseCommand::Resolve { resolution: "x".into() },
            CaseCommand::Answer { text: "x".into() },
            CaseCommand::Confirm,
            CaseCommand::Reopen { reason: "x".into() },
            CaseCommand::Withdraw { reason: "x".into() },
            CaseCommand::Tick,
        ]
    }
}

fn inquiry() -> CaseCommand {
    CaseCommand::Open {
        origin: Origin::inquiry(InquiryChannel::Email, "late delivery"),
        class: Class::from(Nature::Complaint),
        customer: "0042".into(),
        standing: Standing::Lapsed,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Valid snapshots of each machine, in states that hold the numbers a corruption could break
// ---------------------------------------------------------------------------------------------------------------

/// A clock past its 50% warning, with a ladder still to come.
fn clock() -> Instance<Clock> {
    let t0 = sh(11, 20, 9);
    run::<Clock>(&calendars(), &[(ClockCommand::Start(policy()), t0), (ClockCommand::Tick, t0 + TimeDelta::hours(13))])
}

/// A C7 request at its second step, the step under an SLA clock.
fn approval() -> Instance<Approval> {
    let chain = ApprovalChain::c7_credit_change().with_step_sla(policy());
    let steps = [
        (ApprovalCommand::Request { chain, subject: "credit limit of 0042".into() }, sh(11, 23, 9)),
        (ApprovalCommand::Approve { note: None }, sh(11, 23, 10)),
    ];
    run::<Approval>(&calendars(), &steps)
}

fn lifecycle_config() -> LifecycleConfig {
    LifecycleConfig::new(calendars(), LifecyclePolicy::default())
}

/// A lapsed customer with F2 obligations, one overdue, and a briefing clock.
fn lifecycle() -> Instance<Lifecycle> {
    use LifecycleCommand as C;
    let mut steps = vec![(C::ContractAccepted { contract: "HT-0042".into() }, sh(9, 1, 9))];
    steps.extend(C5_DOCUMENTS.iter().map(|d| (C::DocumentReceived { document: (*d).into() }, sh(9, 1, 9))));
    steps.extend([
        (C::FileCreated { file_number: 42 }, sh(9, 2, 9)),
        (C::OrderPlaced { order: "SO-1".into() }, sh(9, 3, 9)),
        (C::SpecialistAssigned { specialist: "wang.fang".into() }, sh(9, 3, 10)),
        (C::ContactMade { channel: ContactChannel::Sms }, sh(10, 25, 9)),
        (C::PaymentOverdue { invoice: "INV-1".into() }, sh(10, 26, 9)),
    ]);
    run::<Lifecycle>(&lifecycle_config(), &steps)
}

fn callback_config() -> CallbackConfig {
    CallbackConfig::new(calendars(), CallbackPolicy::default()).expect("valid")
}

/// A done callback whose record clock runs.
fn callback() -> Instance<Callback> {
    let steps = [
        (CallbackCommand::Open(Due::after_sale("0042", "SO-1", sh(11, 2, 10))), sh(11, 2, 10)),
        (CallbackCommand::Assign { specialist: "wang.fang".into() }, sh(11, 2, 11)),
        (CallbackCommand::Attempt { channel: ContactChannel::Phone, reached: true }, sh(11, 3, 10)),
        (CallbackCommand::Finish { result: CallResult::summary("fine") }, sh(11, 3, 11)),
    ];
    run::<Callback>(&callback_config(), &steps)
}

fn case_config() -> CaseConfig {
    CaseConfig::new(calendars(), CasePolicies::default()).expect("valid")
}

/// A complaint referred to logistics and acknowledged: several clocks in the map.
fn case() -> Instance<Case> {
    let steps = [
        (inquiry(), sh(11, 23, 9)),
        (CaseCommand::Verify { findings: "two deliveries late".into() }, sh(11, 23, 10)),
        (CaseCommand::Refer { department: "logistics".into() }, sh(11, 23, 11)),
        (CaseCommand::Acknowledge, sh(11, 23, 12)),
    ];
    run::<Case>(&case_config(), &steps)
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile snapshots, one per invariant
// ---------------------------------------------------------------------------------------------------------------

/// `instance`'s snapshot as JSON, changed by `edit` (on the state).
fn edited<M: Machine>(instance: &Instance<M>, edit: impl FnOnce(&mut Value)) -> Value {
    let mut value = serde_json::to_value(instance).expect("a snapshot serializes");
    edit(&mut value["state"]);
    value
}

/// Reading `value` as an instance of `M` fails, naming `what`.
fn refused<M: Machine>(value: Value, what: &str) {
    let text = value.to_string();
    let err = serde_json::from_str::<Instance<M>>(&text).map(drop).expect_err(&format!("refused: {text}"));
    let message = err.to_string();
    assert!(message.starts_with("invalid `"), "{message}");
    assert!(message.contains(what), "expected `{what}` in: {message}");
}

#[test]
fn the_valid_snapshots_read_back() -> Result {
    fn back<M: Machine>(instance: Instance<M>) -> Result {
        let text = serde_json::to_string(&instance)?;
        assert_eq!(serde_json::from_str::<Instance<M>>(&text)?, instance);
        Ok(())
    }
    back(clock())?;
    back(approval())?;
    back(lifecycle())?;
    back(callback())?;
    back(case())
}

#[test]
fn a_clock_snapshot_past_its_thresholds_or_without_a_schedule_is_refused() {
    let clock = clock();
    assert_eq!(clock.state().warnings().len(), 2);
    refused::<Clock>(
        edited(&clock, |s| s["run"]["fired"] = json!(9)),
        "`run.fired` is 9, past the policy's 5 thresholds",
    );
    refused::<Clock>(edited(&clock, |s| s["run"]["at"] = json!([])), "`run.at` holds 0 instants");
    refused::<Clock>(edited(&clock, |s| s["run"]["at"].as_array_mut().expect("at").reverse()), "not in time order");
    refused::<Clock>(edited(&clock, |s| s["kind"] = json!("overdue")), "`kind` is `overdue` before the breach");
    refused::<Clock>(edited(&clock, |s| s["kind"] = json!("paused")), "`run.segment_start`");
    refused::<Clock>(edited(&clock, |s| s["kind"] = json!("idle")), "`run` is present on an idle clock");
    refused::<Clock>(json!({"version": 1, "state": {"kind": "running"}}), "`run` is missing for a `running` clock");
    // The state alone, as an SLA clock embedded in another machine is read.
    let err = serde_json::from_value::<ClockState>(json!({"kind": "met"})).expect_err("refused");
    assert!(err.to_string().contains("`run` is missing for a `met` clock"), "{err}");
}

#[test]
fn an_approval_snapshot_with_a_step_out_of_range_is_refused() {
    let approval = approval();
    assert_eq!(approval.state().current_step(), Some(1));
    refused::<Approval>(edited(&approval, |s| s["decisions"][0]["step"] = json!(7)), "`decisions[0].step` is 7");
    refused::<Approval>(
        edited(&approval, |s| {
            let first = s["decisions"][0].clone();
            let decisions = s["decisions"].as_array_mut().expect("decisions");
            for step in 1..3 {
                let mut d = first.clone();
                d["step"] = json!(step);
                decisions.push(d);
            }
        }),
        "`kind` is `pending` after 3 of 3 steps",
    );
    refused::<Approval>(edited(&approval, |s| s["request"]["chain"]["steps"] = json!([])), "`request.chain.steps`");
    refused::<Approval>(edited(&approval, |s| s["kind"] = json!("approved")), "`kind` is `approved` after 1 of 3");
    refused::<Approval>(edited(&approval, |s| s["kind"] = json!("draft")), "`request` is present on a draft");
    refused::<Approval>(
        edited(&approval, |s| s["request"]["chain"]["steps"][2]["any_of"] = json!([])),
        "names no role",
    );
    refused::<Approval>(edited(&approval, |s| s["clock"]["run"]["at"] = json!([])), "invalid `sla_clock` state");
}

#[test]
fn a_lifecycle_snapshot_with_bad_obligation_ids_or_contradicting_facts_is_refused() {
    let customer = lifecycle();
    assert!(customer.state().obligations().len() >= 2, "{:?}", customer.state().obligations());
    refused::<Lifecycle>(edited(&customer, |s| s["obligations"][0]["id"] = json!(0)), "`obligations[0].id` is 0");
    refused::<Lifecycle>(
        edited(&customer, |s| {
            let first = s["obligations"][0].clone();
            s["obligations"].as_array_mut().expect("obligations").push(first);
        }),
        "once each",
    );
    refused::<Lifecycle>(edited(&customer, |s| s["obligations_opened"] = json!(1)), "ids run from 1 to 1, once each");
    refused::<Lifecycle>(
        edited(&customer, |s| s["obligations"][0]["due"] = json!("2000-01-01T00:00:00Z")),
        "before the obligation was opened",
    );
    refused::<Lifecycle>(
        edited(&customer, |s| s["received"].as_array_mut().expect("received").push(json!("tax_receipt"))),
        "holds `tax_receipt`",
    );
    refused::<Lifecycle>(
        edited(&customer, |s| {
            s.as_object_mut().expect("state").remove("last_order");
        }),
        "`kind` is `lapsed`",
    );
    refused::<Lifecycle>(edited(&customer, |s| s["owner"] = json!("sales")), "`obligations` are open");
    refused::<Lifecycle>(edited(&customer, |s| s["file_number"] = json!(0)), "`file_number` is 0");
    refused::<Lifecycle>(edited(&customer, |s| s["briefing_clock"]["run"]["fired"] = json!(99)), "invalid `sla_clock`");
}

#[test]
fn a_callback_snapshot_whose_facts_contradict_its_kind_is_refused() {
    let callback = callback();
    refused::<Callback>(
        edited(&callback, |s| {
            s.as_object_mut().expect("state").remove("done_at");
        }),
        "`done_at`",
    );
    refused::<Callback>(edited(&callback, |s| s["kind"] = json!("filed")), "`filed_at`");
    refused::<Callback>(
        edited(&callback, |s| {
            s.as_object_mut().expect("state").remove("due");
        }),
        "`due` is missing for a `done` callback",
    );
    refused::<Callback>(edited(&callback, |s| s["due"]["by"] = json!("2026-11-01T00:00:00Z")), "`due.by`");
    refused::<Callback>(edited(&callback, |s| s["kind"] = json!("assigned")), "`done_at`");
    refused::<Callback>(edited(&callback, |s| s["record"]["kind"] = json!("idle")), "invalid `sla_clock`");
}

#[test]
fn a_case_snapshot_without_its_department_or_with_an_unstarted_clock_is_refused() {
    let case = case();
    refused::<Case>(
        edited(&case, |s| {
            s.as_object_mut().expect("state").remove("department");
        }),
        "`department` is missing for a `with_department` case",
    );
    refused::<Case>(edited(&case, |s| s["clocks"]["respond"] = json!({"kind": "idle"})), "`clocks.respond` was never");
    refused::<Case>(
        edited(&case, |s| {
            s.as_object_mut().expect("state").remove("opening");
        }),
        "`opening`",
    );
    refused::<Case>(edited(&case, |s| s["kind"] = json!("resolved")), "`resolution` is missing");
    refused::<Case>(edited(&case, |s| s["clocks"]["department"]["run"]["fired"] = json!(42)), "invalid `sla_clock`");
}

// ---------------------------------------------------------------------------------------------------------------
// The property: corrupted snapshots never panic
// ---------------------------------------------------------------------------------------------------------------

/// One corruption of a JSON document.
#[derive(Clone, Debug)]
enum Mutation {
    /// The node at this index (in document order) becomes this value.
    Replace(Index, Value),
    /// The node at this index becomes another value of the same JSON type (a number, an instant, a name, an array
    /// shortened, lengthened or reversed), which gets past type checks more often than a wild value.
    Nudge(Index, Index),
    /// The node at this index is removed from its object or array.
    Remove(Index),
    /// The node at the first index becomes a copy of the node at the second.
    Graft(Index, Index),
}

const NUMBERS: [i64; 9] = [0, 1, 2, 3, 4, 5, 9, 99, 1 << 40];
const INSTANTS: [&str; 5] = [
    "2000-01-01T00:00:00Z",
    "2026-09-03T01:00:00Z",
    "2026-11-23T03:00:00Z",
    "2026-12-31T15:59:59Z",
    "2999-01-01T00:00:00Z",
];
const WORDS: [&str; 14] = [
    "idle",
    "running",
    "overdue",
    "paused",
    "met",
    "cancelled",
    "pending",
    "approved",
    "rejected",
    "lapsed",
    "active",
    "done",
    "filed",
    "0s",
];

/// Another value of `node`'s JSON type, chosen by `pick`.
fn nudged(node: &Value, pick: &Index) -> Value {
    match node {
        Value::Number(_) => json!(NUMBERS[pick.index(NUMBERS.len())]),
        Value::Bool(b) => json!(!b),
        Value::String(s) if s.parse::<DateTime<Utc>>().is_ok() => json!(INSTANTS[pick.index(INSTANTS.len())]),
        Value::String(_) => json!(WORDS[pick.index(WORDS.len())]),
        Value::Array(items) => {
            let mut items = items.clone();
            match pick.index(4) {
                0 => {
                    items.pop();
                }
                1 => items.clear(),
                2 => items.extend(items.first().cloned()),
                _ => items.reverse(),
            }
            Value::Array(items)
        }
        Value::Object(_) | Value::Null => json!(NUMBERS[pick.index(NUMBERS.len())]),
    }
}

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(null)),
        Just(json!(true)),
        (-3i64..12).prop_map(|n| json!(n)),
        Just(json!(u64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(1e300)),
        Just(json!("")),
        Just(json!("x")),
        Just(json!("2026-11-20T01:00:00Z")),
        Just(json!("262143-12-31T23:59:59Z")),
        Just(json!("1h")),
        Just(json!("-1h")),
        Just(json!("running")),
        Just(json!("overdue")),
        Just(json!("paused")),
        Just(json!("met")),
        Just(json!("pending")),
        Just(json!("lapsed")),
        Just(json!("done")),
        Just(json!([])),
        Just(json!({})),
    ]
}

fn any_mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let one = prop_oneof![
        1 => (any::<Index>(), any_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        4 => (any::<Index>(), any::<Index>()).prop_map(|(i, j)| Mutation::Nudge(i, j)),
        2 => any::<Index>().prop_map(Mutation::Remove),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(i, j)| Mutation::Graft(i, j)),
    ];
    proptest::collection::vec(one, 1..3)
}

/// The JSON pointers of every node below the root, in document order.
fn pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = format!("{at}/{}", escape(key));
                out.push(path.clone());
                pointers(child, &path, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let path = format!("{at}/{i}");
                out.push(path.clone());
                pointers(child, &path, out);
            }
        }
        _ => {}
    }
}

fn mutate(mut value: Value, mutations: &[Mutation]) -> Value {
    for mutation in mutations {
        let mut paths = Vec::new();
        pointers(&value, "", &mut paths);
        if paths.is_empty() {
            break;
        }
        let pick = |i: &Index| paths[i.index(paths.len())].clone();
        match mutation {
            Mutation::Replace(i, new) => {
                if let Some(node) = value.pointer_mut(&pick(i)) {
                    *node = new.clone();
                }
            }
            Mutation::Nudge(i, how) => {
                if let Some(node) = value.pointer_mut(&pick(i)) {
                    *node = nudged(node, how);
                }
            }
            Mutation::Remove(i) => {
                let path = pick(i);
                let (parent, last) = path.rsplit_once('/').unwrap_or(("", &path));
                match value.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.remove(&last.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(k) = last.parse::<usize>() {
                            if k < items.len() {
                                items.remove(k);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Mutation::Graft(i, j) => {
                let copy = value.pointer(&pick(j)).cloned();
                if let (Some(copy), Some(node)) = (copy, value.pointer_mut(&pick(i))) {
                    *node = copy;
                }
            }
        }
    }
    value
}

/// Every read-only accessor of a clock at a few instants.
fn touch_clock(clock: &ClockState, calendars: &CalendarSet) {
    for now in [sh(1, 1, 0), sh(11, 20, 12), sh(12, 31, 23)] {
        let _ = (clock.status(now), clock.elapsed(now, calendars), clock.remaining(now, calendars));
    }
    let _ = (clock.kind(), clock.due_at(), clock.warnings(), clock.escalations(), clock.next_threshold());
    let _ = (clock.policy(), clock.budget(), clock.started(), Clock::deadlines(clock));
}

/// Reads `value` as an instance of `M`; if it reads, asks every question and sends every command, at several
/// instants, as every principal — none may panic (the property fails on a panic).
fn survives<M: Ticked>(value: &Value, config: &M::Config, touch: impl Fn(&M::State)) {
    let Ok(instance) = serde_json::from_value::<Instance<M>>(value.clone()) else { return };
    let _ = (instance.kind(), instance.is_final(), instance.deadlines(), instance.next_deadline());
    touch(instance.state());
    for now in [sh(1, 1, 0), sh(11, 23, 12), sh(12, 31, 23)] {
        for who in &principals() {
            let ctx = Context::new(now, who, config);
            let _ = instance.clone().catch_up(&M::tick(), &ctx);
            for command in M::commands() {
                let mut next = instance.clone();
                if next.execute(&command, &ctx).is_ok() {
                    let _ = (next.deadlines(), next.kind());
                    touch(next.state());
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn corrupted_clock_snapshots_fail_to_read_or_never_panic(mutations in any_mutations()) {
        let calendars = calendars();
        let value = mutate(serde_json::to_value(clock()).expect("json"), &mutations);
        survives::<Clock>(&value, &calendars, |state| touch_clock(state, &calendars));
    }

    #[test]
    fn corrupted_approval_snapshots_fail_to_read_or_never_panic(mutations in any_mutations()) {
        let calendars = calendars();
        let value = mutate(serde_json::to_value(approval()).expect("json"), &mutations);
        survives::<Approval>(&value, &calendars, |state| {
            let _ = (state.current_step(), state.chain(), state.requested(), state.decisions());
            if let Some(clock) = state.step_clock() {
                touch_clock(clock, &calendars);
            }
        });
    }

    #[test]
    fn corrupted_lifecycle_snapshots_fail_to_read_or_never_panic(mutations in any_mutations()) {
        let (config, calendars) = (lifecycle_config(), calendars());
        let value = mutate(serde_json::to_value(lifecycle()).expect("json"), &mutations);
        survives::<Lifecycle>(&value, &config, |state| {
            let _ = (state.missing_documents(), state.take_over_at(), state.quiet_and_lapse_at(), state.obligations());
            for clock in [state.file_clock(), state.briefing_clock()].into_iter().flatten() {
                touch_clock(clock, &calendars);
            }
        });
    }

    #[test]
    fn corrupted_callback_snapshots_fail_to_read_or_never_panic(mutations in any_mutations()) {
        let (config, calendars) = (callback_config(), calendars());
        let value = mutate(serde_json::to_value(callback()).expect("json"), &mutations);
        survives::<Callback>(&value, &config, |state| {
            let _ = (state.window(), state.is_open(), state.scheduled(), state.attempts(), state.result());
            if let Some(clock) = state.record_clock() {
                touch_clock(clock, &calendars);
            }
        });
    }

    #[test]
    fn corrupted_case_snapshots_fail_to_read_or_never_panic(mutations in any_mutations()) {
        let (config, calendars) = (case_config(), calendars());
        let value = mutate(serde_json::to_value(case()).expect("json"), &mutations);
        survives::<Case>(&value, &config, |state| {
            let _ = (state.origin(), state.class(), state.running().count(), state.close_after());
            for (_, clock) in state.clocks() {
                touch_clock(clock, &calendars);
            }
        });
    }
}
