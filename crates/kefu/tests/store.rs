//! The store module beyond the conformance suite: object safety, schema errors of kefu's own machines, the runner's
//! snapshot policy.
#![cfg(all(feature = "testing", feature = "json"))]

use chrono::{TimeZone, Utc};
use kefu::approval::{Approval, ApprovalChain, ApprovalCommand};
use kefu::calendar::CalendarSet;
use kefu::machine::{Context, Principal};
use kefu::sla::Clock;
use kefu::store::conformance::{Reminder, ReminderCommand};
use kefu::store::{Append, MemoryStore, NewEvent, Runner, Store, StoreError, load};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[test]
fn the_contract_is_object_safe_and_a_boxed_store_passes_the_suite() {
    kefu::store::conformance::run(|| -> Box<dyn Store> { Box::new(MemoryStore::new()) });
}

#[test]
fn an_old_event_without_an_upcast_is_a_serialization_error_naming_the_position() -> Result {
    let store = MemoryStore::new();
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
    let old = NewEvent { schema: 0, payload: r#"{"type":"breached","at":"2026-03-02T09:00:00Z"}"#.into() };
    store.append(&Append::new("c-1", "sla_clock", 0, at).with_events(vec![old]))?;
    let err = load::<Clock, _>(&store, "c-1").err().ok_or("expected an error")?;
    assert!(matches!(err, StoreError::Serialization { ref instance, version: 1, .. } if instance == "c-1"), "{err:?}");
    assert!(err.to_string().contains("no upcast from event schema 0"), "{err}");
    assert!(err.to_string().contains("log position 1"), "{err}");
    Ok(())
}

#[test]
fn the_runner_snapshots_when_the_version_crosses_a_multiple() -> Result {
    let store = MemoryStore::new();
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
    let who = Principal::system();
    let runner = Runner::new().snapshot_every(3);
    for _ in 0..7 {
        runner.execute::<Reminder, _>(&store, "r", &ReminderCommand::Add(1), &Context::new(at, &who, &()), None)?;
    }
    let stored = store.load("r")?.ok_or("missing")?;
    assert_eq!(stored.snapshot.map(|s| s.version), Some(6));
    assert_eq!(stored.events.len(), 1);
    let never = Runner::new().snapshot_every(0);
    never.execute::<Reminder, _>(&store, "s", &ReminderCommand::Add(1), &Context::new(at, &who, &()), None)?;
    assert!(store.load("s")?.ok_or("missing")?.snapshot.is_none());
    Ok(())
}

#[test]
fn an_accepted_command_without_events_or_key_writes_nothing() -> Result {
    let store = MemoryStore::new();
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
    let (clerk, system, calendars) = (Principal::new("clerk"), Principal::system(), CalendarSet::new());
    let request = ApprovalCommand::Request { chain: ApprovalChain::c6_incomplete_file(), subject: "file 7".into() };
    Runner::new().execute::<Approval, _>(&store, "x", &request, &Context::new(at, &clerk, &calendars), None)?;
    // The step has no clock: a tick is accepted and records nothing.
    let early = Runner::new().execute::<Approval, _>(
        &store,
        "x",
        &ApprovalCommand::Tick,
        &Context::new(at, &system, &calendars),
        None,
    )?;
    assert!(early.events.is_empty() && early.commit.first.is_none() && !early.duplicate);
    assert_eq!(store.load("x")?.map(|s| s.version), Some(1));
    Ok(())
}
