//! The conformance suite every [`Store`] must pass (crate features `testing` and `json`).
//!
//! Each clause of the contract is one public function taking a fresh, empty store; it panics with a message naming
//! the clause when the store breaks it. Run them all with [`run`], or expand them into one `#[test]` per clause with
//! [`store_conformance!`](crate::store_conformance):
//!
//! ```
//! use kefu::store::{conformance, MemoryStore};
//!
//! conformance::run(|| Box::new(MemoryStore::new()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ```text
//! // tests/store_conformance.rs of a backend crate: one test per clause, each on a fresh store.
//! kefu::store_conformance!(|| my_backend::Store::open_temporary());
//! ```
//!
//! A fixture may hold resources the store needs (a temporary directory): the factory returns anything that
//! dereferences to the store, e.g. a `Box<MemoryStore>` or a struct holding both a `TempDir` and the store.
//!
//! The clauses use the SLA [`Clock`] and [`Reminder`], a tiny machine with a deadline and an event schema at
//! version 2. Concurrency is simulated deterministically: a wrapper store runs another writer's command right before
//! an append, so that the append conflicts exactly as it would under a race.

use std::cell::Cell;
use std::ops::Deref;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

mod reminder;

pub use reminder::{
    Reminder, ReminderCommand, ReminderCommandKind, ReminderEvent, ReminderKind, ReminderState, ZeroAmount,
};

use super::{
    Append, Appended, Commit, DueInstance, IdKind, IdProblem, MAX_ID_BYTES, NewEvent, Position, RecordedEvent,
    RunError, Runner, Snapshot, Store, StoreError, StoredDeadline, StoredInstance, load,
};
use crate::calendar::CalendarSet;
use crate::machine::{Context, Instance, Principal, replay};
use crate::sla::{Clock, ClockCommand, ClockEvent, SlaPolicy};

// `CLAUSES` and `run` are generated from the one list of clauses, in `__store_conformance_clauses!`.
crate::__store_conformance_clauses!(store_conformance @suite);

/// Expands into one `#[test]` per conformance clause.
///
/// Two forms:
/// - `store_conformance!(factory)`: each test runs its clause on a fresh store from the factory (anything callable
///   with no arguments that returns a value dereferencing to a [`Store`]).
/// - `store_conformance!(with |clause| body)`: each test runs `body` with `clause: &dyn Fn(&dyn Store)`, for a store
///   that wraps every clause its own way (inside a shared transaction, or skipped when its server is absent).
///
/// ```
/// // In an integration test file (tests/store_conformance.rs):
/// kefu::store_conformance!(|| Box::new(kefu::store::MemoryStore::new()));
///
/// mod wrapped {
///     kefu::store_conformance!(with |clause| clause(&kefu::store::MemoryStore::new()));
/// }
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! store_conformance {
    (with |$clause:ident| $body:expr) => {
        $crate::__store_conformance_clauses!(store_conformance @tests [$clause] [$body]);
    };
    (@tests [$c:ident] [$body:expr] ; $($clause:ident),*) => {
        $(
            #[test]
            fn $clause() {
                fn run($c: &dyn Fn(&dyn $crate::store::Store)) {
                    $body
                }
                run(&|store: &dyn $crate::store::Store| $crate::store::conformance::$clause(store));
            }
        )*
    };
    (@suite ; $($clause:ident),*) => {
        /// The clauses, by name, in the order [`run`] runs them.
        pub const CLAUSES: &[&str] = &[$(stringify!($clause)),*];

        /// Runs every clause, each on a fresh store from `make`, and panics on the first failure (naming the
        /// clause).
        pub fn run<F, S>(mut make: impl FnMut() -> F)
        where
            F: Deref<Target = S>,
            S: Store + ?Sized,
        {
            $( $clause(&*make()); )*
        }
    };
    ($make:expr) => {
        $crate::store_conformance!(with |clause| {
            let fixture = ($make)();
            clause(&*fixture)
        });
    };
}

/// The one list of conformance clauses, handed to an arm of [`store_conformance!`]. Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __store_conformance_clauses {
    ($callback:ident $($args:tt)*) => {
        $crate::$callback!($($args)* ;
            load_unknown, append_then_load, conflict_is_typed_and_writes_nothing, new_instance_expects_version_zero,
            wrong_machine, next_deadline_kept_by_append, due_ordered_and_limited, log_in_commit_order, cursors,
            idempotency_key, rejection_leaves_no_trace, snapshots, old_events_upcast, runner_retries_on_conflict,
            runner_gives_up, tick_fires_once, tick_reevaluates_after_conflict, sla_clock_round_trip,
            ids_are_checked);
    };
}

/// 2026-03-02 09:00 UTC plus `minutes`.
fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().unwrap_or_default() + TimeDelta::minutes(minutes)
}

fn system() -> Principal {
    Principal::system()
}

/// Executes a command without snapshots, so that loads return every event.
fn run_reminder<S: Store + ?Sized>(store: &S, id: &str, command: ReminderCommand, at: DateTime<Utc>) -> Commit {
    let who = system();
    match Runner::new().snapshot_every(0).execute::<Reminder, _>(
        store,
        id,
        &command,
        &Context::new(at, &who, &()),
        None,
    ) {
        Ok(done) => done.commit,
        Err(e) => panic!("executing {command:?} on `{id}` failed: {e}"),
    }
}

fn ok<T>(clause: &str, what: &str, result: Result<T, StoreError>) -> T {
    result.unwrap_or_else(|e| panic!("[{clause}] {what} failed: {e}"))
}

fn raw(schema: u32, payload: &str) -> NewEvent {
    NewEvent { schema, payload: payload.to_owned() }
}

fn whole_log<S: Store + ?Sized>(clause: &str, store: &S) -> Vec<RecordedEvent> {
    ok(clause, "read", store.read(Position::START, usize::MAX))
}

/// An unknown instance loads as `None`; the typed [`load`] says [`StoreError::UnknownInstance`]; it has no events.
pub fn load_unknown<S: Store + ?Sized>(store: &S) {
    const C: &str = "load_unknown";
    assert!(ok(C, "load", store.load("nobody")).is_none(), "[{C}] an unknown instance must load as None");
    assert!(
        matches!(load::<Reminder, _>(store, "nobody"), Err(StoreError::UnknownInstance { instance }) if instance == "nobody"),
        "[{C}] typed load of an unknown instance must be UnknownInstance"
    );
    assert!(ok(C, "instance_events", store.instance_events("nobody", 0, 10)).is_empty());
    assert!(whole_log(C, store).is_empty(), "[{C}] a new store has an empty log");
}

/// Appended events load back in order, with dense versions, the machine's name, the decision instant and the
/// schema; [`Store::instance_events`] reads a range; the typed load equals the replay.
pub fn append_then_load<S: Store + ?Sized>(store: &S) {
    const C: &str = "append_then_load";
    run_reminder(store, "r-1", ReminderCommand::Add(2), t(0));
    run_reminder(store, "r-1", ReminderCommand::Add(3), t(1));
    run_reminder(store, "r-1", ReminderCommand::Arm(t(60)), t(2));
    let stored = ok(C, "load", store.load("r-1")).unwrap_or_else(|| panic!("[{C}] r-1 must exist"));
    assert_eq!((stored.instance.as_str(), stored.machine.as_str(), stored.version), ("r-1", "reminder", 3), "[{C}]");
    assert!(stored.snapshot.is_none(), "[{C}] no snapshot was written");
    let versions: Vec<u64> = stored.events.iter().map(|e| e.version).collect();
    assert_eq!(versions, [1, 2, 3], "[{C}] events in version order");
    assert!(stored.events.iter().all(|e| e.machine == "reminder" && e.instance == "r-1" && e.schema == 2), "[{C}]");
    assert_eq!(stored.events.iter().map(|e| e.at).collect::<Vec<_>>(), [t(0), t(1), t(2)], "[{C}] decision instants");
    assert!(stored.events.windows(2).all(|w| w[0].position < w[1].position), "[{C}] positions increase");
    let range = ok(C, "instance_events", store.instance_events("r-1", 1, 1));
    assert_eq!(range.iter().map(|e| e.version).collect::<Vec<_>>(), [2], "[{C}] instance_events(after 1, limit 1)");
    let typed = ok(C, "typed load", load::<Reminder, _>(store, "r-1"));
    assert_eq!(typed.state().total, 5, "[{C}]");
    let events: Vec<ReminderEvent> =
        stored.events.iter().map(|e| ok(C, "decode", super::decode_event::<Reminder>(e))).collect();
    assert_eq!(replay::<Reminder>(&events), typed, "[{C}] typed load equals the replay");
}

/// Appending with a stale expected version is a [`StoreError::Conflict`] with both versions, and writes nothing
/// (no event, no deadline, no key) — even for a multi-event append.
pub fn conflict_is_typed_and_writes_nothing<S: Store + ?Sized>(store: &S) {
    const C: &str = "conflict_is_typed_and_writes_nothing";
    run_reminder(store, "r-1", ReminderCommand::Add(1), t(0));
    let before = whole_log(C, store);
    let stale = Append::new("r-1", "reminder", 0, t(1))
        .with_events(vec![
            raw(2, r#"{"type":"added","amount":1}"#),
            raw(2, r#"{"type":"armed","at":"2026-03-02T09:00:00Z"}"#),
        ])
        .with_next_deadline(Some(StoredDeadline { at: t(0), label: "reminder".into() }))
        .with_key("k-stale");
    match store.append(&stale) {
        Err(StoreError::Conflict { instance, expected: 0, actual: 1 }) if instance == "r-1" => {}
        other => panic!("[{C}] expected Conflict {{ expected: 0, actual: 1 }}, got {other:?}"),
    }
    assert_eq!(whole_log(C, store), before, "[{C}] a conflicting append must write no event");
    assert!(ok(C, "due", store.due("reminder", t(10), 10)).is_empty(), "[{C}] nor a deadline");
    assert!(ok(C, "commit_for_key", store.commit_for_key("k-stale")).is_none(), "[{C}] nor a key");
    assert_eq!(ok(C, "load", store.load("r-1")).map(|s| s.version), Some(1), "[{C}]");
}

/// An unknown instance is at version 0: appending to it with another expected version conflicts.
pub fn new_instance_expects_version_zero<S: Store + ?Sized>(store: &S) {
    const C: &str = "new_instance_expects_version_zero";
    let append = Append::new("r-new", "reminder", 3, t(0)).with_events(vec![raw(2, r#"{"type":"added","amount":1}"#)]);
    assert!(
        matches!(store.append(&append), Err(StoreError::Conflict { expected: 3, actual: 0, .. })),
        "[{C}] expected Conflict {{ expected: 3, actual: 0 }}"
    );
    assert!(ok(C, "load", store.load("r-new")).is_none(), "[{C}] nothing created");
}

/// An id belongs to one machine: appending or typed-loading it as another is [`StoreError::WrongMachine`].
pub fn wrong_machine<S: Store + ?Sized>(store: &S) {
    const C: &str = "wrong_machine";
    run_reminder(store, "x", ReminderCommand::Add(1), t(0));
    let append = Append::new("x", "sla_clock", 1, t(1)).with_events(vec![raw(1, "{}")]);
    assert!(matches!(store.append(&append), Err(StoreError::WrongMachine { .. })), "[{C}] append as another machine");
    assert!(
        matches!(load::<Clock, _>(store, "x"), Err(StoreError::WrongMachine { stored, .. }) if stored == "reminder"),
        "[{C}] typed load as another machine"
    );
}

/// Each append replaces the instance's next deadline: arming makes it due, re-arming moves it, firing clears it.
pub fn next_deadline_kept_by_append<S: Store + ?Sized>(store: &S) {
    const C: &str = "next_deadline_kept_by_append";
    run_reminder(store, "r-1", ReminderCommand::Arm(t(30)), t(0));
    let stored = ok(C, "load", store.load("r-1")).unwrap_or_else(|| panic!("[{C}] r-1 must exist"));
    assert_eq!(stored.next_deadline, Some(StoredDeadline { at: t(30), label: "reminder".into() }), "[{C}]");
    assert!(ok(C, "due", store.due("reminder", t(29), 10)).is_empty(), "[{C}] not due before its deadline");
    let due = ok(C, "due", store.due("reminder", t(30), 10));
    assert_eq!(due.iter().map(|d| d.instance.as_str()).collect::<Vec<_>>(), ["r-1"], "[{C}] due at its deadline");
    assert_eq!(due[0].version, 1, "[{C}] due lists the version");
    run_reminder(store, "r-1", ReminderCommand::Arm(t(90)), t(1));
    assert!(ok(C, "due", store.due("reminder", t(60), 10)).is_empty(), "[{C}] a moved deadline is no longer due");
    assert_eq!(ok(C, "due", store.due("reminder", t(90), 10)).len(), 1, "[{C}]");
    run_reminder(store, "r-1", ReminderCommand::Tick, t(95));
    assert!(ok(C, "due", store.due("reminder", t(1000), 10)).is_empty(), "[{C}] a fired deadline is cleared");
    let stored = ok(C, "load", store.load("r-1")).unwrap_or_else(|| panic!("[{C}] r-1 must exist"));
    assert_eq!(stored.next_deadline, None, "[{C}]");
}

/// [`Store::due`] lists only the given machine's instances due at `now`, earliest first, ties by id, at most
/// `limit`.
pub fn due_ordered_and_limited<S: Store + ?Sized>(store: &S) {
    const C: &str = "due_ordered_and_limited";
    for (id, at) in [("d", 20), ("b", 10), ("a", 20), ("c", 5), ("late", 500)] {
        run_reminder(store, id, ReminderCommand::Arm(t(at)), t(0));
    }
    let who = system();
    let calendars = CalendarSet::new();
    let start = ClockCommand::Start(SlaPolicy::elapsed("B6", TimeDelta::minutes(1)));
    if let Err(e) =
        Runner::new().execute::<Clock, _>(store, "clock", &start, &Context::new(t(0), &who, &calendars), None)
    {
        panic!("[{C}] starting a clock failed: {e}");
    }
    let ids = |due: Vec<DueInstance>| due.into_iter().map(|d| d.instance).collect::<Vec<_>>();
    assert_eq!(ids(ok(C, "due", store.due("reminder", t(100), 10))), ["c", "b", "a", "d"], "[{C}] order");
    assert_eq!(ids(ok(C, "due", store.due("reminder", t(100), 2))), ["c", "b"], "[{C}] limit");
    assert_eq!(ids(ok(C, "due", store.due("reminder", t(10), 10))), ["c", "b"], "[{C}] at or before now");
    assert!(ok(C, "due", store.due("reminder", t(100), 0)).is_empty(), "[{C}] limit 0");
    assert_eq!(ids(ok(C, "due", store.due("sla_clock", t(100), 10))), ["clock"], "[{C}] per machine");
    assert!(ok(C, "due", store.due("nothing", t(100), 10)).is_empty(), "[{C}]");
}

/// The log is read in commit order across instances from any position, with a limit.
pub fn log_in_commit_order<S: Store + ?Sized>(store: &S) {
    const C: &str = "log_in_commit_order";
    run_reminder(store, "a", ReminderCommand::Add(1), t(0));
    run_reminder(store, "b", ReminderCommand::Add(2), t(1));
    run_reminder(store, "a", ReminderCommand::Add(3), t(2));
    run_reminder(store, "b", ReminderCommand::Add(4), t(3));
    let log = whole_log(C, store);
    let seen: Vec<(&str, u64)> = log.iter().map(|e| (e.instance.as_str(), e.version)).collect();
    assert_eq!(seen, [("a", 1), ("b", 1), ("a", 2), ("b", 2)], "[{C}] commit order");
    assert!(log.windows(2).all(|w| w[0].position < w[1].position), "[{C}] positions increase");
    assert!(log[0].position > Position::START, "[{C}] positions start after START");
    let after = ok(C, "read", store.read(log[1].position, 10));
    assert_eq!(after, log[2..].to_vec(), "[{C}] read after a position");
    assert_eq!(ok(C, "read", store.read(log[0].position, 1)), log[1..2].to_vec(), "[{C}] limit");
    assert!(ok(C, "read", store.read(log[3].position, 10)).is_empty(), "[{C}] read at the end");
}

/// Cursors start at [`Position::START`], are kept per subscriber, and can move either way.
pub fn cursors<S: Store + ?Sized>(store: &S) {
    const C: &str = "cursors";
    assert_eq!(ok(C, "cursor", store.cursor("erp")), Position::START, "[{C}] a new subscriber starts at START");
    ok(C, "save_cursor", store.save_cursor("erp", Position(7)));
    ok(C, "save_cursor", store.save_cursor("crm", Position(3)));
    assert_eq!(ok(C, "cursor", store.cursor("erp")), Position(7), "[{C}]");
    assert_eq!(ok(C, "cursor", store.cursor("crm")), Position(3), "[{C}] per subscriber");
    ok(C, "save_cursor", store.save_cursor("erp", Position(2)));
    assert_eq!(ok(C, "cursor", store.cursor("erp")), Position(2), "[{C}] rewind");
}

/// A repeated idempotency key returns the first commit and its events and appends nothing, even when deciding the
/// command again would now give another answer; a key used for another instance is [`StoreError::KeyReused`]; an
/// accepted command with no events still records its key.
pub fn idempotency_key<S: Store + ?Sized>(store: &S) {
    const C: &str = "idempotency_key";
    let (who, runner) = (system(), Runner::new());
    let ctx = Context::new(t(0), &who, &());
    let exec = |id: &str, command: ReminderCommand, key: &str| {
        runner.execute::<Reminder, _>(store, id, &command, &ctx, Some(key))
    };
    let first = exec("r-1", ReminderCommand::Add(5), "req-1").unwrap_or_else(|e| panic!("[{C}] first: {e}"));
    assert!(!first.duplicate, "[{C}]");
    let log = whole_log(C, store);
    let again = exec("r-1", ReminderCommand::Add(5), "req-1").unwrap_or_else(|e| panic!("[{C}] again: {e}"));
    assert!(again.duplicate, "[{C}] a repeated key is a duplicate");
    assert_eq!(again.commit, first.commit, "[{C}] the first commit");
    assert_eq!(again.events, first.events, "[{C}] the first events");
    assert_eq!(whole_log(C, store), log, "[{C}] nothing appended");
    assert_eq!(ok(C, "commit_for_key", store.commit_for_key("req-1")), Some(first.commit.clone()), "[{C}]");
    // The raw append also answers a duplicate, whatever version it expects.
    let repeat = Append::new("r-1", "reminder", 0, t(0))
        .with_events(vec![raw(2, r#"{"type":"added","amount":5}"#)])
        .with_key("req-1");
    assert_eq!(ok(C, "append", store.append(&repeat)), Appended::Duplicate(first.commit.clone()), "[{C}]");
    assert_eq!(whole_log(C, store), log, "[{C}] nothing appended");
    match exec("r-2", ReminderCommand::Add(5), "req-1") {
        Err(RunError::Store(StoreError::KeyReused { first_instance, instance, .. }))
            if first_instance == "r-1" && instance == "r-2" => {}
        other => panic!("[{C}] a key reused for another instance: expected KeyReused, got {other:?}"),
    }
    let other = Append::new("r-2", "reminder", 0, t(0))
        .with_events(vec![raw(2, r#"{"type":"added","amount":5}"#)])
        .with_key("req-1");
    assert!(matches!(store.append(&other), Err(StoreError::KeyReused { .. })), "[{C}] raw append with a reused key");
    // An early tick produces no events; with a key it is recorded anyway, and repeating it is a duplicate.
    let tick = exec("r-1", ReminderCommand::Tick, "tick-1").unwrap_or_else(|e| panic!("[{C}] tick: {e}"));
    assert!(tick.events.is_empty() && tick.commit.is_empty() && !tick.duplicate, "[{C}]");
    assert!(exec("r-1", ReminderCommand::Tick, "tick-1").is_ok_and(|d| d.duplicate), "[{C}] empty commits keep keys");
    assert_eq!(whole_log(C, store), log, "[{C}] nothing appended");
}

/// A rejected command appends nothing and records no key: retrying it decides it again.
pub fn rejection_leaves_no_trace<S: Store + ?Sized>(store: &S) {
    const C: &str = "rejection_leaves_no_trace";
    run_reminder(store, "r-1", ReminderCommand::Add(1), t(0));
    let log = whole_log(C, store);
    let who = system();
    let result = Runner::new().execute::<Reminder, _>(
        store,
        "r-1",
        &ReminderCommand::Add(0),
        &Context::new(t(1), &who, &()),
        Some("k"),
    );
    assert!(matches!(result, Err(RunError::Rejected(_))), "[{C}] expected a rejection, got {result:?}");
    assert_eq!(whole_log(C, store), log, "[{C}] no event");
    assert!(ok(C, "commit_for_key", store.commit_for_key("k")).is_none(), "[{C}] no key");
}

/// A snapshot written by an append is returned by load with only the events after it; the typed load equals the
/// full replay; a snapshot in an unknown state schema is ignored (the instance is replayed from all its events).
pub fn snapshots<S: Store + ?Sized>(store: &S) {
    const C: &str = "snapshots";
    let (who, runner) = (system(), Runner::new().snapshot_every(2));
    for (i, amount) in [1, 2, 3, 4, 5].into_iter().enumerate() {
        let ctx = Context::new(t(i as i64), &who, &());
        if let Err(e) = runner.execute::<Reminder, _>(store, "r-1", &ReminderCommand::Add(amount), &ctx, None) {
            panic!("[{C}] add: {e}");
        }
    }
    let stored = ok(C, "load", store.load("r-1")).unwrap_or_else(|| panic!("[{C}] r-1 must exist"));
    assert_eq!(stored.snapshot.as_ref().map(|s| s.version), Some(4), "[{C}] the latest snapshot");
    assert_eq!(stored.events.iter().map(|e| e.version).collect::<Vec<_>>(), [5], "[{C}] only the events after it");
    let all = ok(C, "instance_events", store.instance_events("r-1", 0, usize::MAX));
    let events: Vec<ReminderEvent> = all.iter().map(|e| ok(C, "decode", super::decode_event::<Reminder>(e))).collect();
    assert_eq!(ok(C, "typed load", load::<Reminder, _>(store, "r-1")), replay::<Reminder>(&events), "[{C}]");
    // A snapshot from a future state schema (or garbage) is a cache miss, not an error.
    let odd = Snapshot { version: 6, schema: 99, state: "not json".into() };
    let append = Append::new("r-1", "reminder", 5, t(9))
        .with_events(vec![raw(2, r#"{"type":"added","amount":6}"#)])
        .with_snapshot(odd);
    ok(C, "append", store.append(&append));
    let typed = ok(C, "typed load", load::<Reminder, _>(store, "r-1"));
    assert_eq!((typed.version(), typed.state().total), (6, 21), "[{C}] replayed from the events");
}

/// Events written in an older schema load through [`Versioned::upcast`](super::Versioned::upcast); an event from a
/// newer schema is [`StoreError::SchemaTooNew`] and an undecodable one [`StoreError::Serialization`], each naming
/// the instance and the log position.
pub fn old_events_upcast<S: Store + ?Sized>(store: &S) {
    const C: &str = "old_events_upcast";
    // What the previous release (schema 1) wrote.
    let v1 = Append::new("old", "reminder", 0, t(0)).with_events(vec![
        raw(1, r#"{"type":"added","n":4}"#),
        raw(1, r#"{"type":"armed","at":"2026-03-02T10:00:00Z"}"#),
    ]);
    ok(C, "append", store.append(&v1));
    run_reminder(store, "old", ReminderCommand::Add(3), t(1)); // this release appends schema 2 after them
    let typed = ok(C, "typed load", load::<Reminder, _>(store, "old"));
    assert_eq!((typed.version(), typed.state().total, typed.state().due), (3, 7, Some(t(60))), "[{C}] upcast");

    let future = Append::new("future", "reminder", 0, t(0)).with_events(vec![raw(3, r#"{"type":"added","amount":1}"#)]);
    ok(C, "append", store.append(&future));
    let position = whole_log(C, store).last().map(|e| e.position).unwrap_or_default();
    match load::<Reminder, _>(store, "future") {
        Err(StoreError::SchemaTooNew { instance, position: p, schema: 3, supported: 2 })
            if instance == "future" && p == position => {}
        other => panic!("[{C}] expected SchemaTooNew at {position}, got {other:?}"),
    }
    let broken = Append::new("broken", "reminder", 0, t(0)).with_events(vec![raw(2, r#"{"type":"exploded"}"#)]);
    ok(C, "append", store.append(&broken));
    let position = whole_log(C, store).last().map(|e| e.position).unwrap_or_default();
    match load::<Reminder, _>(store, "broken") {
        Err(StoreError::Serialization { instance, position: p, version: 1, .. })
            if instance == "broken" && p == position => {}
        other => panic!("[{C}] expected Serialization at {position}, got {other:?}"),
    }
}

/// A store that runs another writer's action right before each of its first `times` appends: a deterministic race.
struct Racing<'a, S: ?Sized> {
    inner: &'a S,
    times: Cell<u32>,
    action: &'a dyn Fn(&S),
}

impl<S: Store + ?Sized> Store for Racing<'_, S> {
    fn load(&self, instance: &str) -> Result<Option<StoredInstance>, StoreError> {
        self.inner.load(instance)
    }
    fn instance_events(&self, instance: &str, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        self.inner.instance_events(instance, after, limit)
    }
    fn append(&self, append: &Append) -> Result<Appended, StoreError> {
        if self.times.get() > 0 {
            self.times.set(self.times.get() - 1);
            (self.action)(self.inner);
        }
        self.inner.append(append)
    }
    fn commit_for_key(&self, key: &str) -> Result<Option<Commit>, StoreError> {
        self.inner.commit_for_key(key)
    }
    fn due(&self, machine: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<DueInstance>, StoreError> {
        self.inner.due(machine, now, limit)
    }
    // `fire_due`: the default, so that the race happens between its load and its append.
    fn read(&self, after: Position, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        self.inner.read(after, limit)
    }
    fn cursor(&self, subscriber: &str) -> Result<Position, StoreError> {
        self.inner.cursor(subscriber)
    }
    fn save_cursor(&self, subscriber: &str, position: Position) -> Result<(), StoreError> {
        self.inner.save_cursor(subscriber, position)
    }
}

/// When another command is appended between the runner's load and its append, the append conflicts and the runner
/// decides again on the new state: both commands count.
pub fn runner_retries_on_conflict<S: Store + ?Sized>(store: &S) {
    const C: &str = "runner_retries_on_conflict";
    run_reminder(store, "r-1", ReminderCommand::Add(1), t(0));
    let other = |s: &S| {
        run_reminder(s, "r-1", ReminderCommand::Add(10), t(1));
    };
    let racing = Racing { inner: store, times: Cell::new(2), action: &other };
    let who = system();
    let done = Runner::new()
        .execute::<Reminder, _>(&racing, "r-1", &ReminderCommand::Add(100), &Context::new(t(2), &who, &()), None)
        .unwrap_or_else(|e| panic!("[{C}] the runner must retry: {e}"));
    assert_eq!((done.commit.from_version, done.commit.to_version), (3, 4), "[{C}] decided on the latest version");
    let typed = ok(C, "typed load", load::<Reminder, _>(store, "r-1"));
    assert_eq!(typed.state().total, 121, "[{C}] every command counted once");
}

/// When every attempt conflicts, the runner gives up with [`RunError::Exhausted`] and appends nothing of its own.
pub fn runner_gives_up<S: Store + ?Sized>(store: &S) {
    const C: &str = "runner_gives_up";
    let other = |s: &S| {
        run_reminder(s, "r-1", ReminderCommand::Add(1), t(0));
    };
    let racing = Racing { inner: store, times: Cell::new(u32::MAX), action: &other };
    let who = system();
    let result = Runner::new().max_attempts(3).execute::<Reminder, _>(
        &racing,
        "r-1",
        &ReminderCommand::Add(100),
        &Context::new(t(0), &who, &()),
        None,
    );
    assert!(matches!(result, Err(RunError::Exhausted { attempts: 3, .. })), "[{C}] expected Exhausted, got {result:?}");
    let typed = ok(C, "typed load", load::<Reminder, _>(store, "r-1"));
    assert_eq!(typed.state().total, 3, "[{C}] only the other writer's commands");
}

/// [`Runner::tick`] fires each due instance once, in deadline order, records the deadline's instant even when
/// late, and a second tick at the same instant fires nothing.
pub fn tick_fires_once<S: Store + ?Sized>(store: &S) {
    const C: &str = "tick_fires_once";
    for (id, at) in [("a", 30), ("b", 10), ("c", 200)] {
        run_reminder(store, id, ReminderCommand::Arm(t(at)), t(0));
    }
    let who = system();
    let runner = Runner::new();
    let report = runner
        .tick::<Reminder, _>(store, &Context::new(t(60), &who, &()), 10)
        .unwrap_or_else(|e| panic!("[{C}] tick: {e}"));
    let fired: Vec<&str> = report.fired.iter().map(|c| c.instance.as_str()).collect();
    assert_eq!(fired, ["b", "a"], "[{C}] the due instances, earliest first");
    assert!(report.rejected.is_empty() && report.failed.is_empty() && report.idle.is_empty(), "[{C}] {report:?}");
    let b = ok(C, "load", load::<Reminder, _>(store, "b"));
    assert_eq!((b.state().fired, b.next_deadline()), (1, None), "[{C}]");
    let last = whole_log(C, store).pop().unwrap_or_else(|| panic!("[{C}] the log is empty"));
    assert_eq!(
        super::decode_event::<Reminder>(&last).ok(),
        Some(ReminderEvent::Fired { at: t(30) }),
        "[{C}] true instant"
    );
    let again =
        runner.tick::<Reminder, _>(store, &Context::new(t(60), &who, &()), 10).unwrap_or_else(|e| panic!("[{C}] {e}"));
    assert!(again.fired.is_empty(), "[{C}] a second tick fires nothing");
    let limited =
        runner.tick::<Reminder, _>(store, &Context::new(t(500), &who, &()), 0).unwrap_or_else(|e| panic!("[{C}] {e}"));
    assert!(limited.fired.is_empty(), "[{C}] limit 0 fires nothing");
}

/// Two workers tick the same instance: the one whose append conflicts re-evaluates and, the deadline being
/// consumed, fires nothing. Exactly one `Fired` event is in the log.
pub fn tick_reevaluates_after_conflict<S: Store + ?Sized>(store: &S) {
    const C: &str = "tick_reevaluates_after_conflict";
    run_reminder(store, "r-1", ReminderCommand::Arm(t(10)), t(0));
    let who = system();
    let other_worker = |s: &S| {
        let who = system();
        if let Err(e) = Runner::new().tick::<Reminder, _>(s, &Context::new(t(20), &who, &()), 10) {
            panic!("[{C}] the other worker's tick: {e}");
        }
    };
    let racing = Racing { inner: store, times: Cell::new(1), action: &other_worker };
    let report = Runner::new()
        .tick::<Reminder, _>(&racing, &Context::new(t(20), &who, &()), 10)
        .unwrap_or_else(|e| panic!("[{C}] tick: {e}"));
    assert!(report.fired.is_empty(), "[{C}] the losing worker fires nothing: {report:?}");
    let fired = whole_log(C, store)
        .iter()
        .filter(|e| matches!(super::decode_event::<Reminder>(e), Ok(ReminderEvent::Fired { .. })))
        .count();
    assert_eq!(fired, 1, "[{C}] exactly one Fired event");
    // A concurrent *command* (re-arming later) also makes the tick re-evaluate: nothing is due any more.
    run_reminder(store, "r-2", ReminderCommand::Arm(t(10)), t(0));
    let rearm = |s: &S| {
        run_reminder(s, "r-2", ReminderCommand::Arm(t(100)), t(15));
    };
    let racing = Racing { inner: store, times: Cell::new(1), action: &rearm };
    let report = Runner::new()
        .tick::<Reminder, _>(&racing, &Context::new(t(20), &who, &()), 10)
        .unwrap_or_else(|e| panic!("[{C}] tick: {e}"));
    assert!(report.fired.is_empty(), "[{C}] re-armed meanwhile: not due any more");
    assert_eq!(ok(C, "load", load::<Reminder, _>(store, "r-2")).state().due, Some(t(100)), "[{C}]");
}

/// The SLA clock through a store: start, pause, resume, tick (warning, breach, escalation) — the stored instance
/// equals the same commands run in memory, and its next deadline follows the clock's.
pub fn sla_clock_round_trip<S: Store + ?Sized>(store: &S) {
    const C: &str = "sla_clock_round_trip";
    let calendars = CalendarSet::new();
    let who = system();
    let policy = SlaPolicy::elapsed("B5 first contact", TimeDelta::hours(24))
        .with_warning(0.5)
        .unwrap_or_else(|e| panic!("[{C}] policy: {e}"))
        .with_escalation("leadership", TimeDelta::hours(2))
        .unwrap_or_else(|e| panic!("[{C}] policy: {e}"));
    let script = [
        (0, ClockCommand::Start(policy)),
        (60, ClockCommand::Pause { reason: Some("waiting for the customer".into()) }),
        (120, ClockCommand::Resume),
        (27 * 60, ClockCommand::Tick),
    ];
    let runner = Runner::new().snapshot_every(3);
    let mut memory = Instance::<Clock>::new();
    for (minute, command) in &script {
        let ctx = Context::new(t(*minute), &who, &calendars);
        if let Err(e) = runner.execute::<Clock, _>(store, "case-1/b5", command, &ctx, None) {
            panic!("[{C}] {command:?}: {e}");
        }
        if let Err(e) = memory.execute(command, &ctx) {
            panic!("[{C}] in memory {command:?}: {e}");
        }
        let stored = ok(C, "load", store.load("case-1/b5")).unwrap_or_else(|| panic!("[{C}] must exist"));
        assert_eq!(stored.next_deadline, memory.next_deadline().map(StoredDeadline::from), "[{C}] after {command:?}");
    }
    assert_eq!(ok(C, "typed load", load::<Clock, _>(store, "case-1/b5")), memory, "[{C}]");
    let log = whole_log(C, store);
    let last = log.last().map(super::decode_event::<Clock>);
    assert!(matches!(last, Some(Ok(ClockEvent::Escalated { level: 1, .. }))), "[{C}] ends escalated: {last:?}");
}

/// Every store keeps the same ids: any non-empty name of at most [`MAX_ID_BYTES`] bytes of UTF-8 without control
/// characters — any language, spaces, punctuation. Every other one (empty, too long, with NUL or another control
/// character) is refused by every method with [`StoreError::InvalidId`] naming its kind, the id (cut if long) and
/// the problem, before anything is read or written: instance ids, machine names, idempotency keys and subscriber
/// names alike (see [`check_id`](super::check_id)).
pub fn ids_are_checked<S: Store + ?Sized>(store: &S) {
    const C: &str = "ids_are_checked";
    fn refused<T: std::fmt::Debug>(call: &str, kind: IdKind, problem: IdProblem, result: Result<T, StoreError>) {
        match result {
            Err(StoreError::InvalidId { kind: k, problem: p, .. }) if k == kind && p == problem => {}
            other => panic!("[{C}] {call}: expected InvalidId {{ {kind:?}, {problem:?} }}, got {other:?}"),
        }
    }
    // The longest accepted id, in two-byte characters, and one with spaces, punctuation and Chinese.
    let longest = "\u{e9}".repeat(MAX_ID_BYTES / 2);
    let odd = "\u{5ba2}\u{670d} case #1/b5 (\u{e4}rger) \u{2713}";
    let who = system();
    let ctx = Context::new(t(0), &who, &());
    for id in [longest.as_str(), odd] {
        if let Err(e) = Runner::new().execute::<Reminder, _>(store, id, &ReminderCommand::Arm(t(10)), &ctx, Some(id)) {
            panic!("[{C}] an id of {} bytes must be accepted: {e}", id.len());
        }
        let stored = ok(C, "load", store.load(id)).unwrap_or_else(|| panic!("[{C}] `{id}` must exist"));
        assert_eq!(stored.instance, id, "[{C}] the id round-trips");
        assert!(ok(C, "commit_for_key", store.commit_for_key(id)).is_some(), "[{C}] the key round-trips");
        ok(C, "save_cursor", store.save_cursor(id, Position(1)));
        assert_eq!(ok(C, "cursor", store.cursor(id)), Position(1), "[{C}] the subscriber round-trips");
    }
    assert_eq!(ok(C, "due", store.due("reminder", t(10), 10)).len(), 2, "[{C}]");
    let log = whole_log(C, store);

    let too_long = "\u{6848}".repeat(MAX_ID_BYTES / 3 + 1); // 3 bytes each: just over the limit
    let bad: [(&str, IdProblem); 6] = [
        ("", IdProblem::Empty),
        (&too_long, IdProblem::TooLong { bytes: too_long.len() }),
        ("case\0-1", IdProblem::ControlCharacter { at: 4, code: 0 }),
        ("case\n1", IdProblem::ControlCharacter { at: 4, code: 0x0a }),
        ("\u{e9}\u{7f}", IdProblem::ControlCharacter { at: 2, code: 0x7f }),
        ("x\u{85}", IdProblem::ControlCharacter { at: 1, code: 0x85 }),
    ];
    let event = || vec![raw(2, r#"{"type":"added","amount":1}"#)];
    for (id, problem) in bad {
        use IdKind::{Instance, Key, Machine, Subscriber};
        refused("load", Instance, problem, store.load(id));
        refused("instance_events", Instance, problem, store.instance_events(id, 0, 10));
        refused(
            "append (instance)",
            Instance,
            problem,
            store.append(&Append::new(id, "reminder", 0, t(0)).with_events(event())),
        );
        refused(
            "append (machine)",
            Machine,
            problem,
            store.append(&Append::new("r-ok", id, 0, t(0)).with_events(event())),
        );
        let keyed = Append::new("r-ok", "reminder", 0, t(0)).with_events(event()).with_key(id);
        refused("append (key)", Key, problem, store.append(&keyed));
        refused("commit_for_key", Key, problem, store.commit_for_key(id));
        refused("due", Machine, problem, store.due(id, t(10), 10));
        refused("fire_due", Machine, problem, store.fire_due(id, t(10), 10, &mut |_| None));
        refused("cursor", Subscriber, problem, store.cursor(id));
        refused("save_cursor", Subscriber, problem, store.save_cursor(id, Position(1)));
        let runner = Runner::new();
        match runner.execute::<Reminder, _>(store, id, &ReminderCommand::Add(1), &ctx, None) {
            Err(RunError::Store(StoreError::InvalidId { kind: Instance, problem: p, .. })) if p == problem => {}
            other => panic!("[{C}] Runner::execute on `{}`: expected InvalidId, got {other:?}", id.escape_debug()),
        }
        match runner.execute::<Reminder, _>(store, "r-ok", &ReminderCommand::Add(1), &ctx, Some(id)) {
            Err(RunError::Store(StoreError::InvalidId { kind: Key, problem: p, .. })) if p == problem => {}
            other => {
                panic!("[{C}] Runner::execute with key `{}`: expected InvalidId, got {other:?}", id.escape_debug())
            }
        }
    }
    assert_eq!(whole_log(C, store), log, "[{C}] nothing written for a refused id");
    assert!(ok(C, "load", store.load("r-ok")).is_none(), "[{C}] nothing created for a refused id");
    // The error names the id, cut when long.
    match store.load(&too_long) {
        Err(StoreError::InvalidId { id, .. }) => {
            assert!(id.chars().count() <= 65 && id.ends_with('\u{2026}'), "[{C}] a long id is cut: {id}");
        }
        other => panic!("[{C}] expected InvalidId, got {other:?}"),
    }
    match store.load("case\0-1") {
        Err(e @ StoreError::InvalidId { .. }) => {
            assert!(e.to_string().contains(r"case\0-1"), "[{C}] the error names the id: {e}");
        }
        other => panic!("[{C}] expected InvalidId, got {other:?}"),
    }
}
