//! Fuzzing stored machine states and events: real snapshots (`Instance<M>` as a store keeps it, serde JSON) and
//! events of every machine, mutated byte by byte, and arbitrary bytes. The law: any stored text is restored or
//! refused with a typed error, never a panic; a restored instance answers for its next deadline and kind, writes
//! itself back and reads back equal, and takes a tick at its next deadline with events or a rejection.
//!
//! Bounded so that `cargo test` runs it on every change; `KEFU_FUZZ_CASES=N` raises the number of cases of each
//! target (docs/src/testing.md).
#![cfg(feature = "testing")]

use std::fmt::Debug;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use kefu::approval::{Approval, ApprovalChain, ApprovalCommand};
use kefu::calendar::{Calendar, CalendarSet};
use kefu::callback::{Callback, CallbackCommand, CallbackConfig, CallbackPolicy, Due};
use kefu::case::{Case, CaseCommand, CaseConfig, CasePolicies, Nature, Origin, Standing};
use kefu::lifecycle::{
    C5_DOCUMENTS, ContactChannel as Channel, Lifecycle, LifecycleCommand, LifecycleConfig, LifecyclePolicy,
};
use kefu::machine::{Context, Instance, Machine, Principal};
use kefu::script::{RunCommand, S1_TOML, ScriptRun, ValidScript};
use kefu::sla::{Clock, ClockCommand, SlaPolicy};
use kefu::store::{Position, RecordedEvent, Versioned, decode_event};
use kefu::testing::fuzz::{Mutant, arbitrary_bytes, config, mutated};
use proptest::prelude::*;

const DESK: &str = include_str!("fixtures/shanghai-2026-sample.toml");

fn at(month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, hour, 0, 0).single().expect("a valid instant")
}

/// Calendars under every name the default policies use.
fn calendars() -> CalendarSet {
    let desk = Calendar::from_toml_str(DESK).expect("the sample calendar");
    ["service-desk", "office"].into_iter().map(|name| (name, desk.clone())).collect()
}

/// Stored texts of one machine: each snapshot along a short real history, and each event.
struct Stored {
    states: Vec<Vec<u8>>,
    events: Vec<Vec<u8>>,
}

impl Stored {
    fn all(&self) -> Vec<Vec<u8>> {
        self.states.iter().chain(&self.events).cloned().collect()
    }
}

/// Runs `steps` from the initial state, keeping the snapshot after each and every event.
fn record<M: Machine>(config: &M::Config, steps: Vec<(M::Command, Principal, DateTime<Utc>)>) -> Stored
where
    M::Error: Debug,
{
    let mut instance = Instance::<M>::new();
    let mut stored = Stored { states: vec![json(&instance)], events: Vec::new() };
    for (command, who, now) in steps {
        let events = instance
            .execute(&command, &Context::new(now, &who, config))
            .unwrap_or_else(|e| panic!("a seed step is refused: {command:?}: {e:?}"));
        stored.events.extend(events.iter().map(json));
        stored.states.push(json(&instance));
    }
    stored
}

fn json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("a machine's state and events serialize")
}

/// The law for one stored text of machine `M`.
fn restore<M: Machine>(input: &Mutant, config: &M::Config, tick: &M::Command) -> Result<(), TestCaseError> {
    let text = input.text();
    let _ = serde_json::from_str::<M::Event>(&text);
    let Ok(instance) = serde_json::from_str::<Instance<M>>(&text) else { return Ok(()) };
    let _ = instance.kind();
    let deadline = instance.next_deadline();
    let _ = format!("{:?}", instance.state());
    let written = serde_json::to_string(&instance).map_err(|e| TestCaseError::fail(format!("writes back: {e}")))?;
    let back: Instance<M> =
        serde_json::from_str(&written).map_err(|e| TestCaseError::fail(format!("reads back: {e}: {written}")))?;
    prop_assert!(back == instance, "read back differs: {written}");
    if let Some(deadline) = deadline {
        let mut ticked = instance;
        let _ = ticked.execute(tick, &Context::new(deadline.at, &Principal::system(), config));
    }
    Ok(())
}

fn clock_history() -> Stored {
    let policy = SlaPolicy::business("B6 handle on the spot", TimeDelta::hours(1), "service-desk")
        .with_warning(0.75)
        .expect("a valid warning")
        .with_escalation("department_head", TimeDelta::zero())
        .and_then(|p| p.with_escalation("leadership", TimeDelta::hours(1)))
        .expect("a valid ladder");
    let agent = Principal::new("zhang.san");
    record::<Clock>(
        &calendars(),
        vec![
            (ClockCommand::Start(policy), agent, at(9, 30, 9)),
            (ClockCommand::Tick, Principal::system(), at(10, 9, 3)),
        ],
    )
}

fn approval_history() -> Stored {
    let clerk = Principal::new("zhang.san").with_role("specialist");
    let director = Principal::new("li.wei").with_role("marketing_director");
    record::<Approval>(
        &calendars(),
        vec![
            (
                ApprovalCommand::Request { chain: ApprovalChain::c7_credit_change(), subject: "customer 0042".into() },
                clerk,
                at(11, 2, 2),
            ),
            (ApprovalCommand::Approve { note: Some("ok".into()) }, director, at(11, 2, 3)),
        ],
    )
}

fn lifecycle_history() -> Stored {
    let erp = Principal::new("erp");
    let mut steps =
        vec![(LifecycleCommand::ContractAccepted { contract: "HT-0042".into() }, erp.clone(), at(11, 2, 1))];
    for document in C5_DOCUMENTS.iter().take(3) {
        steps.push((LifecycleCommand::DocumentReceived { document: (*document).into() }, erp.clone(), at(11, 2, 2)));
    }
    record::<Lifecycle>(&LifecycleConfig::new(calendars(), LifecyclePolicy::default()), steps)
}

fn callback_config() -> CallbackConfig {
    CallbackConfig::new(calendars(), CallbackPolicy::default()).expect("the default policy")
}

fn callback_history() -> Stored {
    let who = Principal::new("li.na").with_role("supervisor");
    record::<Callback>(
        &callback_config(),
        vec![
            (CallbackCommand::Open(Due::after_sale("0042", "SO-1", at(11, 20, 1))), who.clone(), at(11, 20, 1)),
            (CallbackCommand::Assign { specialist: "wang.fang".into() }, who, at(11, 20, 2)),
            (
                CallbackCommand::Attempt { channel: Channel::Phone, reached: false },
                Principal::new("wang.fang"),
                at(11, 20, 3),
            ),
        ],
    )
}

fn case_config() -> CaseConfig {
    CaseConfig::new(calendars(), CasePolicies::default()).expect("the default policies")
}

fn case_history() -> Stored {
    let origin = Origin::callback("cb-1120-07", "The resin's safety data sheet is missing", None);
    let open = CaseCommand::Open {
        origin,
        class: Nature::AfterSales.into(),
        customer: "0042".into(),
        standing: Standing::Regular,
    };
    record::<Case>(&case_config(), vec![(open, Principal::new("zhang.san").with_role("specialist"), at(11, 20, 9))])
}

fn s1() -> ValidScript {
    ValidScript::from_toml_str(S1_TOML).expect("the shipped S1 script")
}

fn script_history() -> Stored {
    record::<ScriptRun>(&s1(), vec![(RunCommand::Start, Principal::new("agent"), at(11, 20, 9))])
}

proptest! {
    #![proptest_config(config(192))]

    #[test]
    fn sla_clock(input in mutated(clock_history().all(), 6)) {
        restore::<Clock>(&input, &calendars(), &ClockCommand::Tick)?;
    }

    #[test]
    fn approval(input in mutated(approval_history().all(), 6)) {
        restore::<Approval>(&input, &calendars(), &ApprovalCommand::Tick)?;
    }

    #[test]
    fn lifecycle(input in mutated(lifecycle_history().all(), 6)) {
        let config = LifecycleConfig::new(calendars(), LifecyclePolicy::default());
        restore::<Lifecycle>(&input, &config, &LifecycleCommand::Tick)?;
    }

    #[test]
    fn callback(input in mutated(callback_history().all(), 6)) {
        restore::<Callback>(&input, &callback_config(), &CallbackCommand::Tick)?;
    }

    #[test]
    fn case(input in mutated(case_history().all(), 6)) {
        restore::<Case>(&input, &case_config(), &CaseCommand::Tick)?;
    }

    #[test]
    fn script_run(input in mutated(script_history().all(), 6)) {
        // A script run has no deadlines, so no tick; `Start` stands in for it.
        restore::<ScriptRun>(&input, &s1(), &RunCommand::Start)?;
    }

    /// Stored events of the versioned machines, mutated, through the store's decoder (schema check, upcast).
    #[test]
    fn decoded_events(input in mutated(clock_history().events, 6), schema in 0_u32..3) {
        decode::<Clock>(&input, schema);
        decode::<Approval>(&input, schema);
    }

    /// Arbitrary bytes as every machine's snapshot and events.
    #[test]
    fn arbitrary_bytes_as_stored_states(input in arbitrary_bytes()) {
        let text = input.text();
        let _ = serde_json::from_str::<Instance<Clock>>(&text);
        let _ = serde_json::from_str::<Instance<kefu::desk::Board>>(&text);
        let _ = serde_json::from_str::<Instance<kefu::desk::Notice>>(&text);
        let _ = serde_json::from_str::<Instance<kefu::desk::Profile>>(&text);
        let _ = serde_json::from_str::<Instance<kefu::desk::CampaignRun>>(&text);
        let _ = serde_json::from_str::<Instance<Approval>>(&text);
        let _ = serde_json::from_str::<Instance<Lifecycle>>(&text);
        let _ = serde_json::from_str::<Instance<Callback>>(&text);
        let _ = serde_json::from_str::<Instance<Case>>(&text);
        let _ = serde_json::from_str::<Instance<ScriptRun>>(&text);
        decode::<Clock>(&input, 1);
    }
}

fn decode<M: Versioned>(input: &Mutant, schema: u32) {
    let recorded = RecordedEvent {
        position: Position(7),
        instance: "case-1".into(),
        machine: M::NAME.into(),
        version: 1,
        schema,
        at: at(11, 20, 9),
        payload: input.text(),
    };
    let _ = decode_event::<M>(&recorded);
}

#[test]
fn a_snapshot_claiming_a_version_beyond_any_store_is_refused_and_a_forged_one_saturates() {
    // Found by the mutation fuzzer: a snapshot whose version is near u64::MAX overflowed on the next event.
    let fresh = serde_json::to_string(&Instance::<Clock>::new()).expect("a snapshot");
    let forged = fresh.replace("\"version\":0", &format!("\"version\":{}", u64::MAX));
    assert_ne!(forged, fresh, "the version is in the snapshot");
    let error = serde_json::from_str::<Instance<Clock>>(&forged).expect_err("refused");
    assert!(error.to_string().contains("the snapshot is corrupted"), "{error}");
    let highest = fresh.replace("\"version\":0", &format!("\"version\":{}", kefu::machine::MAX_VERSION));
    assert_eq!(
        serde_json::from_str::<Instance<Clock>>(&highest).map(|i| i.version()).ok(),
        Some(kefu::machine::MAX_VERSION)
    );

    // An instance built in code at the very top keeps counting without overflow.
    let (state, _) = Instance::<Clock>::new().into_parts();
    let mut top = Instance::<Clock>::from_parts(state, u64::MAX);
    let policy = SlaPolicy::elapsed("p", TimeDelta::hours(1));
    let events = top
        .decide(&ClockCommand::Start(policy), &Context::new(at(11, 2, 9), &Principal::system(), &calendars()))
        .expect("a clock starts");
    top.apply_all(&events);
    assert_eq!(top.version(), u64::MAX);
}
