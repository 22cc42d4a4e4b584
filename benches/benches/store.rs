//! Store benchmarks (see `benches/README.md`), each next to its baseline in the same run:
//!
//! * `store/execute/<sync>/single`: one command per transaction through `Runner::execute` on `SqliteStore` (load,
//!   decide, append: one `BEGIN IMMEDIATE` … `COMMIT`), next to `raw`: a rusqlite loop inserting one event row of the
//!   same size per transaction, on a connection with the same pragmas (WAL, the same `synchronous`).
//!   `kefu_snapshot_16` is `kefu` with a snapshot every 16 events instead of the default, at every command.
//! * `store/execute/<sync>/batched`: 50 commands in one transaction (`SqliteStore::transaction`), next to `raw`: 50
//!   inserts in one transaction. Throughput is per command.
//! * `store/due`: finding the first 100 due instances among `DUE_INSTANCES` (100 000; 1 000 of them due) on
//!   SQLite, and opening that store; the in-memory reference store as a floor.
//!
//! `<sync>` is `full` (the default, `synchronous = FULL`) or `normal`. Files live under cargo's target tmp dir, on
//! the same disk as the build, not in a RAM disk.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_main};
use kefu::machine::{Context, Principal};
use kefu::store::conformance::{Reminder, ReminderCommand};
use kefu::store::{Append, MemoryStore, NewEvent, RunError, Runner, Store, StoredDeadline};
use kefu_sqlite::{Options, SqliteStore, Synchronous};
use rusqlite::{Connection, TransactionBehavior, params};
use tempfile::TempDir;

/// Instances the commands are spread over.
const INSTANCES: usize = 100;
/// Commands per transaction in the batched benchmarks.
const BATCH: usize = 50;
/// Instances in the store searched for due deadlines.
const DUE_INSTANCES: usize = 100_000;
/// How many of them are due.
const DUE_NOW: i64 = 1_000;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn tmp() -> TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

fn syncs() -> [(&'static str, Synchronous); 2] {
    [("full", Synchronous::Full), ("normal", Synchronous::Normal)]
}

/// The raw baseline's table: kefu's event table without the rest of the store.
fn raw_connection(path: &Path, sync: Synchronous) -> Connection {
    let conn = Connection::open(path).unwrap();
    Options::default().synchronous(sync).apply(&conn).unwrap();
    conn.execute_batch(
        "CREATE TABLE event (position INTEGER PRIMARY KEY, instance TEXT NOT NULL, version INTEGER NOT NULL, \
         machine TEXT NOT NULL, schema INTEGER NOT NULL, at_s INTEGER NOT NULL, at_ns INTEGER NOT NULL, \
         payload TEXT NOT NULL, UNIQUE (instance, version))",
    )
    .unwrap();
    conn
}

/// What `execute` stores for `Add(1)`, so the raw rows are the same size.
const PAYLOAD: &str = r#"{"type":"added","amount":1}"#;

fn raw_insert(conn: &Connection, n: u64) {
    conn.prepare_cached("INSERT INTO event (instance, version, machine, schema, at_s, at_ns, payload) VALUES (?1, ?2, ?3, 2, ?4, 0, ?5)")
        .unwrap()
        .execute(params![format!("r-{}", n % INSTANCES as u64), n as i64, "reminder", 1_772_442_000i64, PAYLOAD])
        .unwrap();
}

fn execute(c: &mut Criterion) {
    let who = Principal::system();
    let ctx = Context::new(t0(), &who, &());
    let runner = Runner::new();
    let ids: Vec<String> = (0..INSTANCES).map(|i| format!("r-{i}")).collect();
    for (name, sync) in syncs() {
        let dir = tmp();
        let store = SqliteStore::open_with(dir.path().join("kefu.db"), &Options::default().synchronous(sync)).unwrap();
        let raw = raw_connection(&dir.path().join("raw.db"), sync);

        let mut group = c.benchmark_group(format!("store/execute/{name}/single"));
        group.throughput(Throughput::Elements(1));
        let mut n = 0usize;
        group.bench_function("kefu", |b| {
            b.iter(|| {
                n += 1;
                runner
                    .execute::<Reminder, _>(&store, &ids[n % INSTANCES], &ReminderCommand::Add(1), &ctx, None)
                    .unwrap()
            })
        });
        // The same, snapshotting every 16 events instead of at every command: loads decode up to 15 events.
        let each = Runner::new().snapshot_every(16);
        let each_ids: Vec<String> = (0..INSTANCES).map(|i| format!("s-{i}")).collect();
        group.bench_function("kefu_snapshot_16", |b| {
            b.iter(|| {
                n += 1;
                each.execute::<Reminder, _>(&store, &each_ids[n % INSTANCES], &ReminderCommand::Add(1), &ctx, None)
                    .unwrap()
            })
        });
        let mut v = 0u64;
        let mut raw = raw;
        group.bench_function("raw", |b| {
            b.iter(|| {
                v += 1;
                let tx = raw.transaction_with_behavior(TransactionBehavior::Immediate).unwrap();
                raw_insert(&tx, v);
                tx.commit().unwrap();
            })
        });
        group.finish();

        let mut group = c.benchmark_group(format!("store/execute/{name}/batched"));
        group.throughput(Throughput::Elements(BATCH as u64));
        group.bench_function("kefu", |b| {
            b.iter(|| {
                store
                    .transaction(|tx| {
                        for _ in 0..BATCH {
                            n += 1;
                            runner.execute::<Reminder, _>(
                                tx,
                                &ids[n % INSTANCES],
                                &ReminderCommand::Add(1),
                                &ctx,
                                None,
                            )?;
                        }
                        Ok::<_, RunError<_>>(())
                    })
                    .unwrap()
            })
        });
        group.bench_function("raw", |b| {
            b.iter(|| {
                let tx = raw.transaction_with_behavior(TransactionBehavior::Immediate).unwrap();
                for _ in 0..BATCH {
                    v += 1;
                    raw_insert(&tx, v);
                }
                tx.commit().unwrap();
            })
        });
        group.finish();
    }
}

/// Fills a store with `DUE_INSTANCES` instances, one event each, deadlines a minute apart from `t0`.
fn fill(store: &impl Store) {
    for i in 0..DUE_INSTANCES {
        let deadline = StoredDeadline { at: t0() + TimeDelta::minutes(i as i64), label: "reminder".into() };
        let event =
            NewEvent { schema: 2, payload: format!(r#"{{"type":"armed","at":"{}"}}"#, deadline.at.to_rfc3339()) };
        store
            .append(
                &Append::new(format!("r-{i:06}"), "reminder", 0, t0())
                    .with_events(vec![event])
                    .with_next_deadline(Some(deadline)),
            )
            .unwrap();
    }
}

fn due(c: &mut Criterion) {
    let dir = tmp();
    let path = dir.path().join("due.db");
    let store = SqliteStore::open(&path).unwrap();
    let started = std::time::Instant::now();
    store
        .transaction(|tx| {
            fill(tx);
            Ok::<_, kefu::store::StoreError>(())
        })
        .unwrap();
    eprintln!("store/due: filled {DUE_INSTANCES} instances in {:?}", started.elapsed());
    let memory = MemoryStore::new();
    fill(&memory);
    let now = t0() + TimeDelta::minutes(DUE_NOW - 1);
    assert_eq!(store.due("reminder", now, usize::MAX).unwrap().len(), DUE_NOW as usize);
    assert_eq!(memory.due("reminder", now, 100).unwrap(), store.due("reminder", now, 100).unwrap());

    let mut group = c.benchmark_group(format!("store/due/{DUE_INSTANCES}"));
    group.bench_function("sqlite", |b| b.iter(|| store.due("reminder", black_box(now), 100).unwrap()));
    group.bench_function("memory", |b| b.iter(|| memory.due("reminder", black_box(now), 100).unwrap()));
    group.bench_function("sqlite_open_and_find", |b| {
        b.iter_batched(
            || (),
            |()| {
                let reopened = SqliteStore::open(&path).unwrap();
                reopened.due("reminder", black_box(now), 100).unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

// `criterion_group!` generates an undocumented `pub fn benches`; keep the lint everywhere else.
#[allow(missing_docs)]
mod group {
    use super::{config, due, execute};
    use criterion::criterion_group;

    criterion_group! { name = benches; config = config(); targets = execute, due }
}
criterion_main!(group::benches);
