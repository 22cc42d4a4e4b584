//! Property tests for quality (rules Q8, O4): random improvement-action histories obey the machine laws and the
//! action's own (the state kind follows its due-date clock, only a non-owner closes it, a closed action was
//! submitted); stored action snapshots, mutated or arbitrary, are restored or refused, never a panic; contact
//! sampling is reproducible and takes exactly its share.
#![cfg(feature = "testing")]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::calendar::{Calendar, CalendarSet};
use kefu::machine::{Context, Instance, Principal};
use kefu::quality::{Action, ActionCommand, ActionEvent, ActionKind, ActionSource, ActionState};
use kefu::sla::{ClockKind, SlaPolicy};
use kefu::testing::fuzz::{Mutant, arbitrary_bytes, config as fuzz_config, mutated};
use kefu::testing::machine::{Laws, Step};
use proptest::prelude::*;

const DESK: &str = include_str!("fixtures/shanghai-2026-sample.toml");

fn calendars() -> CalendarSet {
    [("office", Calendar::from_toml_str(DESK).expect("the sample calendar"))].into_iter().collect()
}

fn monday_0900() -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().expect("unambiguous").to_utc()
}

fn policy() -> SlaPolicy {
    SlaPolicy::working_days("O4 corrective action", 2, "office")
        .with_warning(0.5)
        .and_then(|p| p.with_escalation("service_supervisor", TimeDelta::zero()))
        .and_then(|p| p.with_escalation("leadership", TimeDelta::hours(4)))
        .expect("a valid policy")
}

fn open(owner: &str) -> ActionCommand {
    ActionCommand::Open {
        subject: "Quote prices only after confirming identity".into(),
        source: ActionSource::Review { contact: "call-1".into(), scorecard: "o4-phone".into() },
        owner: owner.into(),
        policy: policy(),
    }
}

fn any_command() -> impl Strategy<Value = ActionCommand> {
    prop_oneof![
        1 => prop_oneof![Just("li.na"), Just("wang.fang"), Just("")].prop_map(open),
        2 => Just(ActionCommand::Note { text: "progress".into() }),
        1 => Just(ActionCommand::Note { text: " ".into() }),
        1 => prop_oneof![Just("li.na"), Just("wang.fang")].prop_map(|o| ActionCommand::Reassign { owner: o.into() }),
        3 => Just(ActionCommand::Submit { summary: "done".into() }),
        3 => Just(ActionCommand::Verify { note: "checked".into() }),
        2 => Just(ActionCommand::Reject { reason: "not yet".into() }),
        1 => Just(ActionCommand::Withdraw { reason: "duplicate".into() }),
        3 => Just(ActionCommand::Tick),
    ]
}

/// The action's own laws, on every state reached.
fn action_invariant(state: &ActionState) -> Result<(), String> {
    let clock = state.clock().kind();
    let expected = match state.kind() {
        ActionKind::New => ClockKind::Idle,
        ActionKind::Open => ClockKind::Running,
        ActionKind::Overdue => ClockKind::Overdue,
        ActionKind::Submitted => ClockKind::Paused,
        ActionKind::Closed => ClockKind::Met,
        ActionKind::Withdrawn => ClockKind::Cancelled,
    };
    if clock != expected {
        return Err(format!("a {:?} action with a {clock:?} clock", state.kind()));
    }
    if state.kind() == ActionKind::Closed {
        let (Some(by), Some(owner)) = (state.verified_by(), state.owner()) else {
            return Err("closed without a verification or an owner".into());
        };
        if by == owner {
            return Err(format!("closed by its owner `{owner}`"));
        }
        if state.submission().is_none() {
            return Err("closed without a submission".into());
        }
    }
    if state.kind() == ActionKind::Overdue && state.clock().escalations() == 0 && state.clock().policy().is_none() {
        return Err("overdue without a policy".into());
    }
    Ok(())
}

/// Over the whole log: a verification always follows a submission by its owner, and is by someone else.
fn verified_only_by_others(events: &[ActionEvent]) -> Result<(), String> {
    let mut owner = String::new();
    let mut submitted_by = None;
    for event in events {
        match event {
            ActionEvent::Opened { owner: o, .. } | ActionEvent::Reassigned { owner: o, .. } => owner.clone_from(o),
            ActionEvent::Submitted { by, .. } => {
                if *by != owner {
                    return Err(format!("submitted by `{by}`, the owner is `{owner}`"));
                }
                submitted_by = Some(by.clone());
            }
            ActionEvent::Rejected { .. } => submitted_by = None,
            ActionEvent::Verified { by, .. } if submitted_by.is_none() || *by == owner => {
                return Err(format!("verified by `{by}` (owner `{owner}`, submitted by {submitted_by:?})"));
            }
            _ => {}
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn rule_o4_random_action_histories_obey_the_laws(steps in {
        let calendars = calendars();
        (Laws::<Action>::new(&calendars).steps(any_command()), 0..6).prop_map(|(mut steps, n)| {
            if n > 0 {
                steps.insert(0, Step::Command { after: TimeDelta::zero(), principal: 0, command: open("li.na") });
            }
            steps
        })
    }) {
        let calendars = calendars();
        let laws = Laws::<Action>::new(&calendars)
            .principals(vec![
                Principal::new("li.na").with_role("specialist"),
                Principal::new("wang.fang").with_role("specialist"),
                Principal::new("zhao.min").with_role("quality_inspector"),
            ])
            .tick(|| ActionCommand::Tick)
            .start(monday_0900())
            .max_step(TimeDelta::hours(9))
            .invariant(action_invariant);
        let outcome = laws.check(&steps).map_err(|v| TestCaseError::fail(v.to_string()))?;
        verified_only_by_others(&outcome.events).map_err(TestCaseError::fail)?;
    }
}

/// Every snapshot along a real history, and every event, as JSON: the seeds of the fuzzing below.
fn stored() -> Vec<Vec<u8>> {
    let calendars = calendars();
    let (owner, inspector) = (Principal::new("li.na"), Principal::new("zhao.min"));
    let t0 = monday_0900();
    let steps = [
        (open("li.na"), &owner, 0),
        (ActionCommand::Note { text: "started".into() }, &owner, 2),
        (ActionCommand::Tick, &inspector, 80),
        (ActionCommand::Submit { summary: "done".into() }, &owner, 81),
        (ActionCommand::Reject { reason: "not yet".into() }, &inspector, 82),
        (ActionCommand::Submit { summary: "now done".into() }, &owner, 83),
        (ActionCommand::Verify { note: "checked".into() }, &inspector, 84),
    ];
    let mut instance = Instance::<Action>::new();
    let mut out = vec![serde_json::to_vec(&instance).expect("serializes")];
    for (command, who, hours) in steps {
        let events = instance
            .execute(&command, &Context::new(t0 + TimeDelta::hours(hours), who, &calendars))
            .unwrap_or_else(|e| panic!("a seed step is refused: {command:?}: {e}"));
        out.extend(events.iter().map(|e| serde_json::to_vec(e).expect("serializes")));
        out.push(serde_json::to_vec(&instance).expect("serializes"));
    }
    assert_eq!(instance.kind(), ActionKind::Closed);
    out
}

fn restore(input: &Mutant) -> Result<(), TestCaseError> {
    let text = input.text();
    let _ = serde_json::from_str::<ActionEvent>(&text);
    let Ok(instance) = serde_json::from_str::<Instance<Action>>(&text) else { return Ok(()) };
    let written = serde_json::to_string(&instance).map_err(|e| TestCaseError::fail(format!("writes back: {e}")))?;
    let back: Instance<Action> =
        serde_json::from_str(&written).map_err(|e| TestCaseError::fail(format!("reads back: {e}: {written}")))?;
    prop_assert!(back == instance, "read back differs: {written}");
    action_invariant(instance.state()).map_err(|e| TestCaseError::fail(format!("{e}: {written}")))?;
    if let Some(deadline) = instance.next_deadline() {
        let mut ticked = instance;
        let _ = ticked.execute(&ActionCommand::Tick, &Context::new(deadline.at, &Principal::system(), &calendars()));
    }
    Ok(())
}

proptest! {
    #![proptest_config(fuzz_config(96))]

    #[test]
    fn rule_o4_mutated_action_snapshots_are_restored_or_refused(input in mutated(stored(), 6)) {
        restore(&input)?;
    }

    #[test]
    fn rule_o4_arbitrary_bytes_are_not_an_action(input in arbitrary_bytes()) {
        restore(&input)?;
    }
}

#[test]
fn the_log_checker_catches_a_self_verification() {
    let at = monday_0900();
    let events = vec![
        ActionEvent::Opened {
            at,
            by: "zhao.min".into(),
            subject: "s".into(),
            source: ActionSource::Other { note: "n".into() },
            owner: "li.na".into(),
        },
        ActionEvent::Submitted { at, by: "li.na".into(), summary: "done".into() },
        ActionEvent::Verified { at, by: "li.na".into(), note: "mine".into() },
    ];
    assert!(verified_only_by_others(&events).unwrap_err().contains("verified by `li.na`"));
}
