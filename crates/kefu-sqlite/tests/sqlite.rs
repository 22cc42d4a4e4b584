//! What only SQLite can show: durability across reopening, migrations, pragmas, the index, shared transactions and
//! concurrent writers on one file.

use std::error::Error;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use kefu::machine::{Context, Principal};
use kefu::store::conformance::{Reminder, ReminderCommand};
use kefu::store::{Append, NewEvent, Position, Runner, Store, StoredDeadline, load};
use kefu_sqlite::{InTransaction, Options, SCHEMA_VERSION, SqliteStore, Synchronous};
use rusqlite::{Connection, TransactionBehavior};

type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + chrono::TimeDelta::minutes(minutes)
}

fn add(store: &impl Store, id: &str, amount: u64, key: Option<&str>) -> Result {
    let who = Principal::system();
    Runner::new().execute::<Reminder, _>(
        store,
        id,
        &ReminderCommand::Add(amount),
        &Context::new(t(0), &who, &()),
        key,
    )?;
    Ok(())
}

fn customers(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM customer", [], |r| r.get(0))?)
}

fn events(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM kefu_event", [], |r| r.get(0))?)
}

#[test]
fn an_erp_rollback_leaves_neither_its_row_nor_kefus() -> Result {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("erp.db");
    SqliteStore::open(&path)?;
    let mut conn = Connection::open(&path)?;
    conn.execute_batch("CREATE TABLE customer (id TEXT PRIMARY KEY)")?;

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute("INSERT INTO customer (id) VALUES ('acme')", [])?;
    add(&InTransaction::new(&tx), "acme/reminder", 3, Some("req-1"))?;
    tx.rollback()?;
    assert_eq!((customers(&conn)?, events(&conn)?), (0, 0));
    let store = SqliteStore::open(&path)?;
    assert!(store.load("acme/reminder")?.is_none());
    assert!(store.commit_for_key("req-1")?.is_none(), "the key rolled back too");

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute("INSERT INTO customer (id) VALUES ('acme')", [])?;
    add(&InTransaction::new(&tx), "acme/reminder", 3, Some("req-1"))?;
    tx.commit()?;
    assert_eq!((customers(&conn)?, events(&conn)?), (1, 1));
    assert_eq!(load::<Reminder, _>(&store, "acme/reminder")?.state().total, 3);
    Ok(())
}

#[test]
fn a_failed_append_in_a_shared_transaction_leaves_it_usable() -> Result {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("kefu.db"))?;
    store.transaction(|tx| -> Result {
        add(tx, "r-1", 1, None)?;
        let stale =
            Append::new("r-1", "reminder", 0, t(0)).with_events(vec![NewEvent { schema: 2, payload: "{}".into() }]);
        assert!(tx.append(&stale).is_err_and(|e| e.is_conflict()));
        add(tx, "r-1", 2, None)?;
        Ok(())
    })?;
    assert_eq!(load::<Reminder, _>(&store, "r-1")?.state().total, 3);
    Ok(())
}

#[test]
fn everything_survives_reopening() -> Result {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("kefu.db");
    {
        let store = SqliteStore::open(&path)?;
        add(&store, "r-1", 5, Some("req-1"))?;
        let who = Principal::system();
        Runner::new().execute::<Reminder, _>(
            &store,
            "r-1",
            &ReminderCommand::Arm(t(30)),
            &Context::new(t(1), &who, &()),
            None,
        )?;
        store.save_cursor("erp", Position(1))?;
    }
    let store = SqliteStore::open(&path)?;
    assert_eq!(store.cursor("erp")?, Position(1));
    assert_eq!(store.read(Position(1), 10)?.len(), 1);
    assert_eq!(store.due("reminder", t(30), 10)?.len(), 1);
    assert!(store.commit_for_key("req-1")?.is_some());
    assert_eq!(load::<Reminder, _>(&store, "r-1")?.state().total, 5);
    Ok(())
}

#[test]
fn migrations_record_their_version_and_refuse_a_newer_schema() -> Result {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("kefu.db");
    SqliteStore::open(&path)?;
    SqliteStore::open(&path)?; // idempotent
    let conn = Connection::open(&path)?;
    let version: u32 = conn.query_row("SELECT value FROM kefu_meta WHERE key = 'schema_version'", [], |r| r.get(0))?;
    assert_eq!(version, SCHEMA_VERSION);
    let user_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    assert_eq!(user_version, 0, "PRAGMA user_version is left to the ERP");
    conn.execute("UPDATE kefu_meta SET value = value + 1 WHERE key = 'schema_version'", [])?;
    let err = SqliteStore::open(&path).err().ok_or("a newer schema must be refused")?;
    assert!(err.to_string().contains("newer"), "{err}");
    Ok(())
}

#[test]
fn options_set_wal_sync_and_busy_timeout() -> Result {
    let dir = tempfile::tempdir()?;
    let full = SqliteStore::open(dir.path().join("full.db"))?;
    let normal =
        SqliteStore::open_with(dir.path().join("normal.db"), &Options::default().synchronous(Synchronous::Normal))?;
    let pragma = |store: &SqliteStore, name: &str| -> rusqlite::Result<String> {
        store
            .with_connection(|c| c.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, rusqlite::types::Value>(0)))
            .map(|v| format!("{v:?}"))
    };
    assert_eq!(pragma(&full, "journal_mode")?, r#"Text("wal")"#);
    assert_eq!(pragma(&full, "synchronous")?, "Integer(2)");
    assert_eq!(pragma(&normal, "synchronous")?, "Integer(1)");
    assert_eq!(pragma(&full, "busy_timeout")?, "Integer(5000)");
    Ok(())
}

#[test]
fn finding_what_is_due_uses_the_deadline_index() -> Result {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("kefu.db"))?;
    let plan: Vec<String> = store.with_connection(|c| -> rusqlite::Result<Vec<String>> {
        let mut stmt = c.prepare(
            "EXPLAIN QUERY PLAN SELECT id, version, due_s, due_ns, due_label FROM kefu_instance \
             WHERE machine = ?1 AND due_us <= ?2 ORDER BY due_us, due_ns, id LIMIT ?3",
        )?;
        stmt.query_map(rusqlite::params!["reminder", 0, 10], |r| r.get::<_, String>(3))?.collect()
    })?;
    let plan = plan.join("\n");
    assert!(plan.contains("kefu_instance_due"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "no sort step: {plan}");
    Ok(())
}

#[test]
fn extreme_instants_round_trip() -> Result {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("kefu.db"))?;
    for (id, at) in [
        ("min", DateTime::<Utc>::MIN_UTC),
        ("max", DateTime::<Utc>::MAX_UTC),
        ("ns", t(0) + chrono::TimeDelta::nanoseconds(1)),
    ] {
        let deadline = StoredDeadline { at, label: "x".into() };
        store.append(&Append::new(id, "edge", 0, at).with_next_deadline(Some(deadline.clone())))?;
        assert_eq!(store.load(id)?.and_then(|i| i.next_deadline), Some(deadline));
    }
    let due: Vec<String> = store.due("edge", t(0), 10)?.into_iter().map(|d| d.instance).collect();
    assert_eq!(due, ["min"], "1 ns after t(0) is not due at t(0)");
    assert_eq!(store.due("edge", DateTime::<Utc>::MAX_UTC, 10)?.len(), 3);
    Ok(())
}

#[test]
fn two_connections_writing_the_same_instance_lose_nothing() -> Result {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("kefu.db");
    let stores = [Arc::new(SqliteStore::open(&path)?), Arc::new(SqliteStore::open(&path)?)];
    let workers: Vec<_> = stores
        .iter()
        .cloned()
        .map(|store| {
            std::thread::spawn(move || -> std::result::Result<(), String> {
                let who = Principal::system();
                let runner = Runner::new().max_attempts(1000);
                for _ in 0..25 {
                    runner
                        .execute::<Reminder, _>(
                            &*store,
                            "hot",
                            &ReminderCommand::Add(1),
                            &Context::new(t(0), &who, &()),
                            None,
                        )
                        .map_err(|e| e.to_string())?;
                }
                Ok(())
            })
        })
        .collect();
    for worker in workers {
        worker.join().map_err(|_| "a worker panicked")??;
    }
    let instance = load::<Reminder, _>(&*stores[0], "hot")?;
    assert_eq!((instance.version(), instance.state().total), (50, 50));
    let versions: Vec<u64> = stores[1].instance_events("hot", 0, 100)?.iter().map(|e| e.version).collect();
    assert_eq!(versions, (1..=50).collect::<Vec<_>>(), "dense versions");
    Ok(())
}
