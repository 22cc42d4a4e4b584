//! What the conformance suite cannot see: migrations, many workers firing the same deadlines, a reader racing
//! writers, crashed workers and readers, concurrent idempotency keys. Each test in a schema of its own.

mod common;

use std::collections::HashSet;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use common::{arm, fired_per_instance, t};
use kefu::machine::{Context, Principal};
use kefu::store::conformance::{Reminder, ReminderCommand};
use kefu::store::{Append, Appended, NewEvent, Position, Runner, Store, StoreError};
use kefu_postgres::{Options, PgStore, SCHEMA_VERSION};

fn event(payload: &str) -> NewEvent {
    NewEvent { schema: 1, payload: payload.into() }
}

#[test]
fn migrations_are_recorded_idempotent_and_refuse_a_newer_schema() {
    let Some(fixture) = common::fixture() else { return };
    let schema = fixture.schema().to_owned();
    let version: i32 = fixture
        .with_client(|c| c.query_one("SELECT version FROM schema_version", &[]).map(|r| r.get(0)))
        .expect("a connection")
        .expect("the schema version table");
    assert_eq!(u32::try_from(version).ok(), Some(SCHEMA_VERSION));
    // Connecting again migrates nothing and keeps the data.
    fixture.append(&Append::new("a", "m", 0, t(0)).with_events(vec![event("1")])).expect("append");
    let again = fixture.another(Options::default());
    assert_eq!(again.load("a").expect("load").map(|i| i.version), Some(1));
    // A schema written by a newer kefu-postgres is refused, not downgraded.
    fixture
        .with_client(|c| c.batch_execute("UPDATE schema_version SET version = version + 1"))
        .expect("a connection")
        .expect("bump the version");
    let err = PgStore::connect_with(&fixture.url, &Options::default().schema(&schema)).expect_err("newer schema");
    assert!(err.to_string().contains("newer than"), "{err}");
    fixture
        .with_client(|c| c.batch_execute("UPDATE schema_version SET version = version - 1"))
        .expect("a connection")
        .expect("restore the version");
    // Names that would need quoting are refused.
    let err = PgStore::connect_with(&fixture.url, &Options::default().schema("Bad\"Name")).expect_err("a bad name");
    assert!(err.to_string().contains("not a valid schema name"), "{err}");
}

#[test]
fn many_processes_may_migrate_at_once() {
    let Some(url) = common::url() else { return };
    let schema = common::schema_name();
    let barrier = Barrier::new(6);
    let stores: Vec<PgStore> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    PgStore::connect_with(&url, &Options::default().schema(&schema).pool_size(1))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("no panic").expect("every worker connects")).collect()
    });
    let fixture = common::Fixture { store: stores.into_iter().next().expect("a store"), url };
    assert_eq!(fixture.load("nobody").expect("load"), None);
}

/// Workers, each with its own pool as separate processes would have, tick the same due deadlines at once: every
/// deadline fires exactly once. `KEFU_PG_DEADLINES` sets how many (default 1 000).
#[test]
fn many_workers_fire_each_deadline_exactly_once() {
    let Some(fixture) = common::fixture() else { return };
    let n: usize = std::env::var("KEFU_PG_DEADLINES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    const WORKERS: usize = 4;
    arm(&fixture, n);
    let started = Instant::now();
    let barrier = Barrier::new(WORKERS);
    let per_worker: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..WORKERS)
            .map(|_| {
                s.spawn(|| {
                    let store = fixture.another(Options::default().pool_size(2));
                    let who = Principal::system();
                    let ctx = Context::new(t(20), &who, &());
                    barrier.wait();
                    let mut fired = 0;
                    loop {
                        let report = Runner::new().tick::<Reminder, _>(&store, &ctx, 50).expect("tick");
                        assert!(report.failed.is_empty() && report.rejected.is_empty(), "{report:?}");
                        fired += report.fired.len();
                        if report.fired.is_empty() && store.due("reminder", t(20), 1).expect("due").is_empty() {
                            return fired;
                        }
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a worker panicked")).collect()
    });
    let elapsed = started.elapsed();
    eprintln!("{n} deadlines fired by {WORKERS} workers in {elapsed:?}: {per_worker:?} per worker");
    assert_eq!(per_worker.iter().sum::<usize>(), n, "commits reported by the workers");
    let fired = fired_per_instance(&fixture);
    assert_eq!(fired.len(), n, "every deadline fired");
    assert!(fired.values().all(|&count| count == 1), "each exactly once: {:?}", fired.iter().find(|(_, c)| **c != 1));
}

/// A worker that claimed rows and died holds no lease: other workers skip its rows while its transaction is open
/// (they do not wait), and fire them as soon as PostgreSQL has rolled it back.
#[test]
fn a_crashed_worker_leaves_nothing_claimed() {
    let Some(fixture) = common::fixture() else { return };
    arm(&fixture, 10);
    let mut crashed = postgres::Client::connect(&fixture.url, postgres::NoTls).expect("connect");
    let mut tx = crashed.transaction().expect("begin");
    let schema = fixture.schema();
    let held = tx
        .query(&format!("SELECT id FROM \"{schema}\".instance ORDER BY id LIMIT 3 FOR UPDATE"), &[])
        .expect("lock three instances");
    assert_eq!(held.len(), 3);
    let who = Principal::system();
    let ctx = Context::new(t(20), &who, &());
    let started = Instant::now();
    let report = Runner::new().tick::<Reminder, _>(&*fixture, &ctx, 100).expect("tick");
    assert_eq!(report.fired.len(), 7, "the held rows are skipped");
    assert!(started.elapsed() < Duration::from_secs(5), "skipped, not waited for");
    drop(tx);
    drop(crashed); // the worker dies: its connection closes, its transaction rolls back
    let report = Runner::new().tick::<Reminder, _>(&*fixture, &ctx, 100).expect("tick");
    assert_eq!(report.fired.len(), 3, "fired once the worker is gone");
    assert!(fired_per_instance(&fixture).values().all(|&c| c == 1));
}

/// A command on an instance a worker has claimed waits for the claim, then conflicts; the runner decides again on
/// the fired state. Nothing is lost and the deadline fires once.
#[test]
fn a_command_during_a_claim_is_decided_again() {
    let Some(fixture) = common::fixture() else { return };
    arm(&fixture, 1);
    let claimed = Barrier::new(2);
    std::thread::scope(|s| {
        let fixture = &fixture;
        let claimed = &claimed;
        s.spawn(move || {
            // The Reminder's own fired event, built by hand so that the claim can be held open meanwhile.
            let mut fire_slowly = |stored: &kefu::store::StoredInstance| {
                claimed.wait();
                std::thread::sleep(Duration::from_millis(300));
                let payload = format!(r#"{{"type":"fired","at":"{}"}}"#, t(10).to_rfc3339());
                Some(
                    Append::new(&stored.instance, "reminder", stored.version, t(20))
                        .with_events(vec![NewEvent { schema: 2, payload }]),
                )
            };
            let commits = fixture.fire_due("reminder", t(20), 10, &mut fire_slowly).expect("fire");
            assert_eq!(commits.len(), 1);
        });
        claimed.wait();
        let who = Principal::system();
        let done = Runner::new()
            .execute::<Reminder, _>(&**fixture, "r-0", &ReminderCommand::Add(5), &Context::new(t(21), &who, &()), None)
            .expect("the command succeeds after the claim");
        assert_eq!(done.commit.from_version, 2, "decided on the fired state");
    });
    let fired = fired_per_instance(&fixture);
    assert_eq!(fired.get("r-0"), Some(&1));
    assert_eq!(fixture.load("r-0").expect("load").map(|i| i.version), Some(3));
}

/// Writers commit concurrently while a reader follows the log: it sees dense positions in order — never a later
/// event before an earlier one commits, so a cursor never skips an event — and in the end every event.
#[test]
fn a_reader_following_writers_never_skips_an_event() {
    let Some(fixture) = common::fixture() else { return };
    const WRITERS: usize = 4;
    const COMMANDS: usize = 150;
    let total = WRITERS * COMMANDS * 2;
    std::thread::scope(|s| {
        for w in 0..WRITERS {
            let fixture = &fixture;
            s.spawn(move || {
                let store = fixture.another(Options::default().pool_size(1));
                for c in 0..COMMANDS {
                    let id = format!("w{w}-{}", c % 10);
                    let version = store.load(&id).expect("load").map_or(0, |i| i.version);
                    store
                        .append(&Append::new(&id, "m", version, t(0)).with_events(vec![event("1"), event("2")]))
                        .expect("append");
                }
            });
        }
        let reader = fixture.another(Options::default().pool_size(1));
        let mut seen = 0u64;
        let started = Instant::now();
        while seen < total as u64 {
            for e in reader.read(Position(seen), 37).expect("read") {
                assert_eq!(e.position, Position(seen + 1), "positions are dense and visible in order");
                seen += 1;
            }
            assert!(started.elapsed() < Duration::from_secs(120), "the reader stalled at {seen}");
        }
    });
    assert_eq!(fixture.read(Position::START, usize::MAX).expect("read").len(), total);
}

/// At-least-once delivery to a subscriber that crashes between handling events and saving its cursor: it reads them
/// again on restart, and de-duplicating by position makes the effect exactly once.
#[test]
fn a_crashed_reader_gets_events_again_and_deduplicates_by_position() {
    let Some(fixture) = common::fixture() else { return };
    for i in 0..10 {
        fixture.append(&Append::new(format!("i-{i}"), "m", 0, t(0)).with_events(vec![event("1")])).expect("append");
    }
    let mut applied: Vec<Position> = Vec::new();
    let mut handle = |store: &PgStore, crash_after: Option<usize>| {
        let mut cursor = store.cursor("erp").expect("cursor");
        loop {
            let page = store.read(cursor, 4).expect("read");
            let Some(last) = page.last().map(|e| e.position) else { return };
            for e in &page {
                if applied.last().is_none_or(|p| e.position > *p) {
                    applied.push(e.position); // the subscriber's own de-duplication
                }
            }
            if crash_after.is_some_and(|n| applied.len() >= n) {
                return; // crashed before saving the cursor
            }
            store.save_cursor("erp", last).expect("save the cursor");
            cursor = last;
        }
    };
    handle(&fixture, Some(6));
    let restarted = fixture.another(Options::default());
    handle(&restarted, None);
    let expected: Vec<Position> = (1..=10).map(Position).collect();
    assert_eq!(applied, expected, "every event applied exactly once");
    assert_eq!(restarted.cursor("erp").expect("cursor"), Position(10));
}

/// The same command sent many times at once (an ERP retrying): one commit; every other send gets it back as a
/// duplicate. The same key for another instance is refused.
#[test]
fn concurrent_sends_of_one_key_commit_once() {
    let Some(fixture) = common::fixture() else { return };
    let barrier = Barrier::new(8);
    let results: Vec<Result<Appended, StoreError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    let store = fixture.another(Options::default().pool_size(1));
                    barrier.wait();
                    store.append(&Append::new("case-1", "m", 0, t(0)).with_events(vec![event("1")]).with_key("req-1"))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("no panic")).collect()
    });
    let new: Vec<_> = results.iter().filter(|r| matches!(r, Ok(Appended::New(_)))).collect();
    assert_eq!(new.len(), 1, "{results:?}");
    let first = new[0].as_ref().map(|a| a.commit().clone()).expect("a commit");
    for r in &results {
        assert_eq!(r.as_ref().map(|a| a.commit().clone()).ok(), Some(first.clone()), "{results:?}");
    }
    assert_eq!(fixture.read(Position::START, 100).expect("read").len(), 1);
    let other = fixture.append(&Append::new("case-2", "m", 0, t(0)).with_events(vec![event("1")]).with_key("req-1"));
    assert!(matches!(other, Err(StoreError::KeyReused { .. })), "{other:?}");
    let ids: HashSet<String> =
        fixture.read(Position::START, 100).expect("read").into_iter().map(|e| e.instance).collect();
    assert_eq!(ids.len(), 1);
}

/// Ties between equal deadlines are broken by instance id in byte order, as in every kefu store, whatever the
/// database's collation.
#[test]
fn due_ties_sort_ids_bytewise() {
    let Some(fixture) = common::fixture() else { return };
    let mut ids = ["b", "B", "a-1", "a_1", "a1", "\u{e9}", "Z"];
    for id in ids {
        let deadline = kefu::store::StoredDeadline { at: t(10), label: "due".into() };
        fixture.append(&Append::new(id, "m", 0, t(0)).with_next_deadline(Some(deadline))).expect("append");
    }
    ids.sort_unstable();
    let due: Vec<String> = fixture.due("m", t(10), 100).expect("due").into_iter().map(|d| d.instance).collect();
    assert_eq!(due, ids);
    // The database here may well be `C.UTF-8`, where any column sorts so: check the column's own collation too.
    let schema = fixture.schema().to_owned();
    let collation: Option<String> = fixture
        .with_client(|c| {
            c.query_one(
                "SELECT collation_name::text FROM information_schema.columns \
                 WHERE table_schema = $1 AND table_name = 'instance' AND column_name = 'id'",
                &[&schema],
            )
            .map(|r| r.get(0))
        })
        .expect("a connection")
        .expect("the id column");
    assert_eq!(collation.as_deref(), Some("C"));
}
