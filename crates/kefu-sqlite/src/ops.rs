//! The store operations, as functions of a connection: shared by [`SqliteStore`](crate::SqliteStore) (which wraps
//! writes in `BEGIN IMMEDIATE`) and [`InTransaction`](crate::InTransaction) (which runs inside the caller's
//! transaction, writes under a savepoint).

use chrono::{DateTime, Utc};
use kefu::store::{
    Append, Appended, Commit, DueInstance, IdKind, Position, RecordedEvent, Snapshot, StoreError, StoredDeadline,
    StoredInstance, check_id,
};
use rusqlite::{Connection, OptionalExtension, Row, params};

/// Maps a rusqlite error to a backend error saying what was being done.
pub(crate) fn backend(context: &str) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError::backend(context, e)
}

pub(crate) fn to_i64(n: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|e| StoreError::backend(format!("{what} {n} does not fit SQLite's INTEGER"), e))
}

fn to_u64(n: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|e| StoreError::backend(format!("stored {what} {n} is negative"), e))
}

fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// An instant as (seconds, nanoseconds) columns: exact over chrono's whole range.
fn split(at: DateTime<Utc>) -> (i64, i64) {
    (at.timestamp(), i64::from(at.timestamp_subsec_nanos()))
}

fn join(s: i64, ns: i64, what: &str) -> Result<DateTime<Utc>, StoreError> {
    u32::try_from(ns)
        .ok()
        .and_then(|ns| DateTime::from_timestamp(s, ns))
        .ok_or_else(|| StoreError::backend(format!("stored {what} ({s} s, {ns} ns) is not an instant"), "out of range"))
}

/// An event row: position, instance, machine, version, schema, at_s, at_ns, payload.
type EventRow = (i64, String, String, i64, i64, i64, i64, String);

/// A key row: instance, from_version, to_version, first_position, last_position.
type KeyRow = (String, i64, i64, Option<i64>, Option<i64>);

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<EventRow> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?, row.get(7)?))
}

fn event(raw: EventRow) -> Result<RecordedEvent, StoreError> {
    let (position, instance, machine, version, schema, at_s, at_ns, payload) = raw;
    Ok(RecordedEvent {
        position: Position(to_u64(position, "position")?),
        version: to_u64(version, "version")?,
        schema: u32::try_from(schema).map_err(|e| StoreError::backend(format!("stored schema {schema}"), e))?,
        at: join(at_s, at_ns, "event instant")?,
        instance,
        machine,
        payload,
    })
}

const EVENT_COLUMNS: &str = "position, instance, machine, version, schema, at_s, at_ns, payload";

pub(crate) fn instance_events(
    conn: &Connection,
    instance: &str,
    after: u64,
    max: usize,
) -> Result<Vec<RecordedEvent>, StoreError> {
    const CTX: &str = "reading an instance's events";
    check_id(IdKind::Instance, instance)?;
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM kefu_event WHERE instance = ?1 AND version > ?2 ORDER BY version LIMIT ?3"
        ))
        .map_err(backend(CTX))?;
    let rows = stmt
        .query_map(params![instance, to_i64(after, "version")?, limit(max)], event_from_row)
        .map_err(backend(CTX))?;
    rows.map(|r| r.map_err(backend(CTX)).and_then(event)).collect()
}

pub(crate) fn load(conn: &Connection, instance: &str) -> Result<Option<StoredInstance>, StoreError> {
    const CTX: &str = "loading an instance";
    check_id(IdKind::Instance, instance)?;
    type Head = (String, i64, Option<i64>, Option<i64>, Option<String>, Option<i64>, Option<i64>, Option<String>);
    let head: Option<Head> = conn
        .prepare_cached(
            "SELECT machine, version, due_s, due_ns, due_label, snapshot_version, snapshot_schema, snapshot \
             FROM kefu_instance WHERE id = ?1",
        )
        .map_err(backend(CTX))?
        .query_row(params![instance], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })
        .optional()
        .map_err(backend(CTX))?;
    let Some((machine, version, due_s, due_ns, due_label, snap_version, snap_schema, snap)) = head else {
        return Ok(None);
    };
    let next_deadline = match (due_s, due_ns, due_label) {
        (Some(s), Some(ns), Some(label)) => Some(StoredDeadline { at: join(s, ns, "deadline")?, label }),
        _ => None,
    };
    let snapshot = match (snap_version, snap_schema, snap) {
        (Some(v), Some(schema), Some(state)) => Some(Snapshot {
            version: to_u64(v, "snapshot version")?,
            schema: u32::try_from(schema).map_err(|e| StoreError::backend("stored snapshot schema", e))?,
            state,
        }),
        _ => None,
    };
    let version = to_u64(version, "version")?;
    let after = snapshot.as_ref().map_or(0, |s| s.version);
    // Events are immutable and numbered by version: those up to the head's version are the ones that go with it,
    // even if another writer commits between the two queries. No read transaction is needed.
    let events = if version > after {
        instance_events(conn, instance, after, usize::try_from(version - after).unwrap_or(usize::MAX))?
    } else {
        Vec::new() // the snapshot is current: nothing to read
    };
    Ok(Some(StoredInstance { instance: instance.to_owned(), machine, version, next_deadline, snapshot, events }))
}

pub(crate) fn commit_for_key(conn: &Connection, key: &str) -> Result<Option<Commit>, StoreError> {
    const CTX: &str = "looking up an idempotency key";
    check_id(IdKind::Key, key)?;
    let row: Option<KeyRow> = conn
        .prepare_cached(
            "SELECT instance, from_version, to_version, first_position, last_position FROM kefu_key WHERE key = ?1",
        )
        .map_err(backend(CTX))?
        .query_row(params![key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()
        .map_err(backend(CTX))?;
    row.map(|(instance, from, to, first, last)| {
        Ok(Commit {
            instance,
            from_version: to_u64(from, "version")?,
            to_version: to_u64(to, "version")?,
            first: first.map(|p| to_u64(p, "position").map(Position)).transpose()?,
            last: last.map(|p| to_u64(p, "position").map(Position)).transpose()?,
        })
    })
    .transpose()
}

/// Appends; the caller provides atomicity (a transaction or a savepoint) and rolls back on error.
pub(crate) fn append(conn: &Connection, a: &Append) -> Result<Appended, StoreError> {
    const CTX: &str = "appending events";
    // The ids every kefu store accepts: SQLite alone would keep a NUL, PostgreSQL cannot.
    a.check_ids()?;
    if let Some(key) = &a.key {
        if let Some(first) = commit_for_key(conn, key)? {
            if first.instance != a.instance {
                return Err(StoreError::KeyReused {
                    key: key.clone(),
                    first_instance: first.instance,
                    instance: a.instance.clone(),
                });
            }
            return Ok(Appended::Duplicate(first));
        }
    }
    let to_version = to_i64(a.to_version(), "version")?;
    let expected = to_i64(a.expected, "version")?;
    let due = a.next_deadline.as_ref().map(|d| {
        let (s, ns) = split(d.at);
        (d.at.timestamp_micros(), s, ns, d.label.as_str())
    });
    let (due_us, due_s, due_ns, due_label) = (due.map(|d| d.0), due.map(|d| d.1), due.map(|d| d.2), due.map(|d| d.3));
    let snapshot_version = a.snapshot.as_ref().map(|s| to_i64(s.version, "version")).transpose()?;
    let (snapshot_schema, snapshot) = (a.snapshot.as_ref().map(|s| s.schema), a.snapshot.as_ref().map(|s| &s.state));
    // The version check and the head's update are one statement (compare-and-set); only when it matches no row do
    // we look at why: a new instance, another machine, or a conflict.
    let mut moved = conn
        .prepare_cached(
            "UPDATE kefu_instance SET version = ?3, due_us = ?4, due_s = ?5, due_ns = ?6, due_label = ?7, \
             snapshot_version = coalesce(?8, snapshot_version), snapshot_schema = coalesce(?9, snapshot_schema), \
             snapshot = coalesce(?10, snapshot) \
             WHERE id = ?1 AND machine = ?2 AND version = ?11",
        )
        .map_err(backend(CTX))?
        .execute(params![
            a.instance,
            a.machine,
            to_version,
            due_us,
            due_s,
            due_ns,
            due_label,
            snapshot_version,
            snapshot_schema,
            snapshot,
            expected
        ])
        .map_err(backend(CTX))?;
    if moved == 0 && a.expected == 0 {
        moved = conn
            .prepare_cached(
                "INSERT OR IGNORE INTO kefu_instance (id, machine, version, due_us, due_s, due_ns, due_label, \
                 snapshot_version, snapshot_schema, snapshot) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(backend(CTX))?
            .execute(params![
                a.instance,
                a.machine,
                to_version,
                due_us,
                due_s,
                due_ns,
                due_label,
                snapshot_version,
                snapshot_schema,
                snapshot
            ])
            .map_err(backend(CTX))?;
    }
    if moved == 0 {
        let head: Option<(String, i64)> = conn
            .prepare_cached("SELECT machine, version FROM kefu_instance WHERE id = ?1")
            .map_err(backend(CTX))?
            .query_row(params![a.instance], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(backend(CTX))?;
        return Err(match head {
            Some((machine, _)) if machine != a.machine => {
                StoreError::WrongMachine { instance: a.instance.clone(), stored: machine, requested: a.machine.clone() }
            }
            Some((_, version)) => StoreError::Conflict {
                instance: a.instance.clone(),
                expected: a.expected,
                actual: to_u64(version, "version")?,
            },
            None => StoreError::Conflict { instance: a.instance.clone(), expected: a.expected, actual: 0 },
        });
    }
    let (at_s, at_ns) = split(a.at);
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO kefu_event (instance, version, machine, schema, at_s, at_ns, payload) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .map_err(backend(CTX))?;
    let (mut first, mut last) = (None, None);
    for (event, version) in a.events.iter().zip(a.expected + 1..) {
        insert
            .execute(params![
                a.instance,
                to_i64(version, "version")?,
                a.machine,
                event.schema,
                at_s,
                at_ns,
                event.payload
            ])
            .map_err(backend(CTX))?;
        let position = Position(to_u64(conn.last_insert_rowid(), "position")?);
        first.get_or_insert(position);
        last = Some(position);
    }
    let commit =
        Commit { instance: a.instance.clone(), from_version: a.expected, to_version: a.to_version(), first, last };
    if let Some(key) = &a.key {
        let pos = |p: Option<Position>| p.map(|p| to_i64(p.0, "position")).transpose();
        conn.prepare_cached(
            "INSERT INTO kefu_key (key, instance, from_version, to_version, first_position, last_position) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(backend(CTX))?
        .execute(params![key, a.instance, to_i64(a.expected, "version")?, to_version, pos(first)?, pos(last)?])
        .map_err(backend(CTX))?;
    }
    Ok(Appended::New(commit))
}

pub(crate) fn due(
    conn: &Connection,
    machine: &str,
    now: DateTime<Utc>,
    max: usize,
) -> Result<Vec<DueInstance>, StoreError> {
    const CTX: &str = "listing due instances";
    check_id(IdKind::Machine, machine)?;
    // The index orders by whole microseconds, then nanoseconds within the second: rows in `now`'s own microsecond
    // but after `now` come last in that order, so cutting them off keeps a correct, ordered prefix.
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, version, due_s, due_ns, due_label FROM kefu_instance \
             WHERE machine = ?1 AND due_us <= ?2 ORDER BY due_us, due_ns, id LIMIT ?3",
        )
        .map_err(backend(CTX))?;
    let rows = stmt
        .query_map(params![machine, now.timestamp_micros(), limit(max)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .map_err(backend(CTX))?;
    let mut due = Vec::new();
    for row in rows {
        let (instance, version, s, ns, label) = row.map_err(backend(CTX))?;
        let at = join(s, ns, "deadline")?;
        if at > now {
            break;
        }
        due.push(DueInstance {
            instance,
            version: to_u64(version, "version")?,
            deadline: StoredDeadline { at, label },
        });
    }
    Ok(due)
}

pub(crate) fn read(conn: &Connection, after: Position, max: usize) -> Result<Vec<RecordedEvent>, StoreError> {
    const CTX: &str = "reading the log";
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM kefu_event WHERE position > ?1 ORDER BY position LIMIT ?2"
        ))
        .map_err(backend(CTX))?;
    let rows =
        stmt.query_map(params![to_i64(after.0, "position")?, limit(max)], event_from_row).map_err(backend(CTX))?;
    rows.map(|r| r.map_err(backend(CTX)).and_then(event)).collect()
}

pub(crate) fn cursor(conn: &Connection, subscriber: &str) -> Result<Position, StoreError> {
    const CTX: &str = "reading a cursor";
    check_id(IdKind::Subscriber, subscriber)?;
    let position: Option<i64> = conn
        .prepare_cached("SELECT position FROM kefu_cursor WHERE subscriber = ?1")
        .map_err(backend(CTX))?
        .query_row(params![subscriber], |r| r.get(0))
        .optional()
        .map_err(backend(CTX))?;
    position.map_or(Ok(Position::START), |p| to_u64(p, "cursor").map(Position))
}

pub(crate) fn save_cursor(conn: &Connection, subscriber: &str, position: Position) -> Result<(), StoreError> {
    const CTX: &str = "saving a cursor";
    check_id(IdKind::Subscriber, subscriber)?;
    conn.prepare_cached("INSERT OR REPLACE INTO kefu_cursor (subscriber, position) VALUES (?1, ?2)")
        .map_err(backend(CTX))?
        .execute(params![subscriber, to_i64(position.0, "position")?])
        .map_err(backend(CTX))?;
    Ok(())
}
