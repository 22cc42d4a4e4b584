//! The store operations, as functions of a connection (a client or an open transaction) with its cache of prepared
//! statements. [`PgStore`](crate::PgStore) decides where the transactions begin and end.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kefu::store::{
    Append, Appended, Commit, DueInstance, Position, RecordedEvent, Snapshot, StoreError, StoredDeadline,
    StoredInstance,
};
use postgres::types::ToSql;
use postgres::{GenericClient, Row, Statement};

use crate::error::backend;

/// Prepared statements of one connection, by their SQL text.
pub(crate) type Statements = HashMap<&'static str, Statement>;

/// A connection (or a transaction on it) with its statement cache.
pub(crate) struct Db<'a, C: GenericClient> {
    pub(crate) client: &'a mut C,
    pub(crate) statements: &'a mut Statements,
}

impl<C: GenericClient> Db<'_, C> {
    fn prepare(&mut self, sql: &'static str, ctx: &str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql).map_err(backend(ctx))?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    fn query(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)], ctx: &str) -> Result<Vec<Row>, StoreError> {
        let statement = self.prepare(sql, ctx)?;
        self.client.query(&statement, params).map_err(backend(ctx))
    }

    fn query_opt(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
        ctx: &str,
    ) -> Result<Option<Row>, StoreError> {
        let statement = self.prepare(sql, ctx)?;
        self.client.query_opt(&statement, params).map_err(backend(ctx))
    }

    fn execute(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)], ctx: &str) -> Result<u64, StoreError> {
        let statement = self.prepare(sql, ctx)?;
        self.client.execute(&statement, params).map_err(backend(ctx))
    }
}

pub(crate) fn to_i64(n: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|e| StoreError::backend(format!("{what} {n} does not fit PostgreSQL's bigint"), e))
}

fn to_u64(n: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|e| StoreError::backend(format!("stored {what} {n} is negative"), e))
}

fn schema_to_i32(schema: u32) -> Result<i32, StoreError> {
    i32::try_from(schema).map_err(|e| StoreError::backend(format!("schema {schema} does not fit an integer"), e))
}

fn schema_from_i32(schema: i32) -> Result<u32, StoreError> {
    u32::try_from(schema).map_err(|e| StoreError::backend(format!("stored schema {schema}"), e))
}

pub(crate) fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// An instant as (seconds, nanoseconds) columns: exact over chrono's whole range (`timestamptz` keeps only
/// microseconds), and ordered as a row `(s, ns)`.
pub(crate) fn split(at: DateTime<Utc>) -> (i64, i32) {
    // Sub-second nanoseconds are below 2 × 10⁹ (a leap second included): they fit an i32.
    (at.timestamp(), i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(i32::MAX))
}

fn join(s: i64, ns: i32, what: &str) -> Result<DateTime<Utc>, StoreError> {
    u32::try_from(ns)
        .ok()
        .and_then(|ns| DateTime::from_timestamp(s, ns))
        .ok_or_else(|| StoreError::backend(format!("stored {what} ({s} s, {ns} ns) is not an instant"), "out of range"))
}

fn event(row: &Row) -> Result<RecordedEvent, StoreError> {
    Ok(RecordedEvent {
        position: Position(to_u64(row.get(0), "position")?),
        instance: row.get(1),
        machine: row.get(2),
        version: to_u64(row.get(3), "version")?,
        schema: schema_from_i32(row.get(4))?,
        at: join(row.get(5), row.get(6), "event instant")?,
        payload: row.get(7),
    })
}

macro_rules! events_sql {
    ($rest:literal) => {
        concat!("SELECT position, instance, machine, version, schema, at_s, at_ns, payload FROM event ", $rest)
    };
}

pub(crate) fn instance_events<C: GenericClient>(
    db: &mut Db<'_, C>,
    instance: &str,
    after: u64,
    max: usize,
) -> Result<Vec<RecordedEvent>, StoreError> {
    const CTX: &str = "reading an instance's events";
    let rows = db.query(
        events_sql!("WHERE instance = $1 AND version > $2 ORDER BY version LIMIT $3"),
        &[&instance, &to_i64(after, "version")?, &limit(max)],
        CTX,
    )?;
    rows.iter().map(event).collect()
}

pub(crate) fn load<C: GenericClient>(db: &mut Db<'_, C>, instance: &str) -> Result<Option<StoredInstance>, StoreError> {
    const CTX: &str = "loading an instance";
    let Some(head) = db.query_opt(
        "SELECT machine, version, due_s, due_ns, due_label, snapshot_version, snapshot_schema, snapshot \
         FROM instance WHERE id = $1",
        &[&instance],
        CTX,
    )?
    else {
        return Ok(None);
    };
    let machine: String = head.get(0);
    let version = to_u64(head.get(1), "version")?;
    let next_deadline = match (head.get::<_, Option<i64>>(2), head.get::<_, Option<i32>>(3), head.get(4)) {
        (Some(s), Some(ns), Some(label)) => Some(StoredDeadline { at: join(s, ns, "deadline")?, label }),
        _ => None,
    };
    let snapshot = match (head.get::<_, Option<i64>>(5), head.get::<_, Option<i32>>(6), head.get(7)) {
        (Some(v), Some(schema), Some(state)) => {
            Some(Snapshot { version: to_u64(v, "snapshot version")?, schema: schema_from_i32(schema)?, state })
        }
        _ => None,
    };
    let after = snapshot.as_ref().map_or(0, |s| s.version);
    // Events are immutable and numbered by version: those up to the head's version are the ones that go with it,
    // even if another writer commits between the two queries.
    let events = if version > after {
        instance_events(db, instance, after, usize::try_from(version - after).unwrap_or(usize::MAX))?
    } else {
        Vec::new()
    };
    Ok(Some(StoredInstance { instance: instance.to_owned(), machine, version, next_deadline, snapshot, events }))
}

pub(crate) fn commit_for_key<C: GenericClient>(db: &mut Db<'_, C>, key: &str) -> Result<Option<Commit>, StoreError> {
    const CTX: &str = "looking up an idempotency key";
    let row = db.query_opt(
        "SELECT instance, from_version, to_version, first_position, last_position FROM command_key WHERE key = $1",
        &[&key],
        CTX,
    )?;
    row.map(|r| {
        let position = |p: Option<i64>| p.map(|p| to_u64(p, "position").map(Position)).transpose();
        Ok(Commit {
            instance: r.get(0),
            from_version: to_u64(r.get(1), "version")?,
            to_version: to_u64(r.get(2), "version")?,
            first: position(r.get(3))?,
            last: position(r.get(4))?,
        })
    })
    .transpose()
}

/// What a repeated key means for `a`: its first commit ([`Appended::Duplicate`]) or [`StoreError::KeyReused`].
pub(crate) fn repeated_key(a: &Append, key: &str, first: Commit) -> Result<Appended, StoreError> {
    if first.instance == a.instance {
        Ok(Appended::Duplicate(first))
    } else {
        Err(StoreError::KeyReused { key: key.to_owned(), first_instance: first.instance, instance: a.instance.clone() })
    }
}

/// Moves the instance's head to `a.to_version()` (with its deadline and snapshot) if it is at `a.expected`: a
/// compare-and-set that row-locks the instance until the transaction ends. Only when it matches no row do we look
/// at why: a new instance, another machine, or a conflict. The caller rolls back on error.
pub(crate) fn move_head<C: GenericClient>(db: &mut Db<'_, C>, a: &Append) -> Result<(), StoreError> {
    const CTX: &str = "appending events";
    let to_version = to_i64(a.to_version(), "version")?;
    let expected = to_i64(a.expected, "version")?;
    let due = a.next_deadline.as_ref().map(|d| (split(d.at), d.label.as_str()));
    let (due_s, due_ns, due_label) = (due.map(|d| d.0.0), due.map(|d| d.0.1), due.map(|d| d.1));
    let snapshot_version = a.snapshot.as_ref().map(|s| to_i64(s.version, "version")).transpose()?;
    let snapshot_schema = a.snapshot.as_ref().map(|s| schema_to_i32(s.schema)).transpose()?;
    let snapshot = a.snapshot.as_ref().map(|s| s.state.as_str());
    let mut moved = db.execute(
        "UPDATE instance SET version = $3, due_s = $4, due_ns = $5, due_label = $6, \
         snapshot_version = coalesce($7, snapshot_version), snapshot_schema = coalesce($8, snapshot_schema), \
         snapshot = coalesce($9, snapshot) \
         WHERE id = $1 AND machine = $2 AND version = $10",
        &[
            &a.instance,
            &a.machine,
            &to_version,
            &due_s,
            &due_ns,
            &due_label,
            &snapshot_version,
            &snapshot_schema,
            &snapshot,
            &expected,
        ],
        CTX,
    )?;
    if moved == 0 && a.expected == 0 {
        moved = db.execute(
            "INSERT INTO instance (id, machine, version, due_s, due_ns, due_label, snapshot_version, \
             snapshot_schema, snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
            &[
                &a.instance,
                &a.machine,
                &to_version,
                &due_s,
                &due_ns,
                &due_label,
                &snapshot_version,
                &snapshot_schema,
                &snapshot,
            ],
            CTX,
        )?;
    }
    if moved > 0 {
        return Ok(());
    }
    let head = db.query_opt("SELECT machine, version FROM instance WHERE id = $1", &[&a.instance], CTX)?;
    Err(match head.map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1))) {
        Some((machine, _)) if machine != a.machine => {
            StoreError::WrongMachine { instance: a.instance.clone(), stored: machine, requested: a.machine.clone() }
        }
        Some((_, version)) => StoreError::Conflict {
            instance: a.instance.clone(),
            expected: a.expected,
            actual: to_u64(version, "version")?,
        },
        None => StoreError::Conflict { instance: a.instance.clone(), expected: a.expected, actual: 0 },
    })
}

/// Writes the events and keys of appends whose heads [`move_head`] has moved, in this order, and returns their
/// commits; `None` if a key was meanwhile committed by another transaction (the caller rolls back and looks it up).
///
/// Log positions come from the single-row `log_head` counter, bumped once for all the events: the bump row-locks
/// it until the transaction ends, so a transaction that takes later positions waits until this one has committed
/// (or rolled back, which gives its positions back). Positions are therefore dense and become visible in order: a
/// reader that sees position `p` already sees every committed event before it. The lock is held only from here to
/// the commit, which is why it comes last.
pub(crate) fn write_events<C: GenericClient>(
    db: &mut Db<'_, C>,
    appends: &[&Append],
) -> Result<Option<Vec<Commit>>, StoreError> {
    const CTX: &str = "appending events";
    let total: u64 = appends.iter().map(|a| a.events.len() as u64).sum();
    let mut next = if total > 0 {
        let row = db.query_opt(
            "UPDATE log_head SET position = position + $1 WHERE id = 1 RETURNING position",
            &[&to_i64(total, "event count")?],
            CTX,
        )?;
        let last = row.ok_or_else(|| StoreError::backend(CTX, "the log head row is missing"))?.get::<_, i64>(0);
        to_u64(last, "position")? - total + 1
    } else {
        0
    };
    let mut commits = Vec::with_capacity(appends.len());
    for a in appends {
        let (at_s, at_ns) = split(a.at);
        let (mut first, mut last) = (None, None);
        for (event, version) in a.events.iter().zip(a.expected + 1..) {
            let position = Position(next);
            next += 1;
            db.execute(
                "INSERT INTO event (position, instance, version, machine, schema, at_s, at_ns, payload) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &to_i64(position.0, "position")?,
                    &a.instance,
                    &to_i64(version, "version")?,
                    &a.machine,
                    &schema_to_i32(event.schema)?,
                    &at_s,
                    &at_ns,
                    &event.payload,
                ],
                CTX,
            )?;
            first.get_or_insert(position);
            last = Some(position);
        }
        let commit =
            Commit { instance: a.instance.clone(), from_version: a.expected, to_version: a.to_version(), first, last };
        if let Some(key) = &a.key {
            let pos = |p: Option<Position>| p.map(|p| to_i64(p.0, "position")).transpose();
            let inserted = db.execute(
                "INSERT INTO command_key (key, instance, from_version, to_version, first_position, last_position) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING",
                &[
                    key,
                    &a.instance,
                    &to_i64(a.expected, "version")?,
                    &to_i64(a.to_version(), "version")?,
                    &pos(first)?,
                    &pos(last)?,
                ],
                CTX,
            )?;
            if inserted == 0 {
                return Ok(None);
            }
        }
        commits.push(commit);
    }
    Ok(Some(commits))
}

const DUE_SQL: &str = "SELECT id, version, due_s, due_ns, due_label FROM instance \
     WHERE machine = $1 AND due_s IS NOT NULL AND (due_s, due_ns) <= ($2, $3) ORDER BY due_s, due_ns, id LIMIT $4";

pub(crate) fn due<C: GenericClient>(
    db: &mut Db<'_, C>,
    machine: &str,
    now: DateTime<Utc>,
    max: usize,
) -> Result<Vec<DueInstance>, StoreError> {
    const CTX: &str = "listing due instances";
    let (s, ns) = split(now);
    let rows = db.query(DUE_SQL, &[&machine, &s, &ns, &limit(max)], CTX)?;
    rows.iter()
        .map(|r| {
            Ok(DueInstance {
                instance: r.get(0),
                version: to_u64(r.get(1), "version")?,
                deadline: StoredDeadline { at: join(r.get(2), r.get(3), "deadline")?, label: r.get(4) },
            })
        })
        .collect()
}

/// Claims up to `max` due instances of `machine`: row-locks them until the transaction ends, skipping those another
/// transaction holds (`FOR UPDATE SKIP LOCKED`). Returns their ids, earliest deadline first.
pub(crate) fn claim_due<C: GenericClient>(
    db: &mut Db<'_, C>,
    machine: &str,
    now: DateTime<Utc>,
    max: usize,
) -> Result<Vec<String>, StoreError> {
    const CTX: &str = "claiming due instances";
    let (s, ns) = split(now);
    let rows = db.query(
        "SELECT id FROM instance \
         WHERE machine = $1 AND due_s IS NOT NULL AND (due_s, due_ns) <= ($2, $3) ORDER BY due_s, due_ns, id \
         LIMIT $4 FOR UPDATE SKIP LOCKED",
        &[&machine, &s, &ns, &limit(max)],
        CTX,
    )?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

pub(crate) fn read<C: GenericClient>(
    db: &mut Db<'_, C>,
    after: Position,
    max: usize,
) -> Result<Vec<RecordedEvent>, StoreError> {
    const CTX: &str = "reading the log";
    let rows = db.query(
        events_sql!("WHERE position > $1 ORDER BY position LIMIT $2"),
        &[&to_i64(after.0, "position")?, &limit(max)],
        CTX,
    )?;
    rows.iter().map(event).collect()
}

pub(crate) fn cursor<C: GenericClient>(db: &mut Db<'_, C>, subscriber: &str) -> Result<Position, StoreError> {
    const CTX: &str = "reading a cursor";
    let row = db.query_opt("SELECT position FROM subscriber_cursor WHERE subscriber = $1", &[&subscriber], CTX)?;
    row.map_or(Ok(Position::START), |r| to_u64(r.get(0), "cursor").map(Position))
}

pub(crate) fn save_cursor<C: GenericClient>(
    db: &mut Db<'_, C>,
    subscriber: &str,
    position: Position,
) -> Result<(), StoreError> {
    const CTX: &str = "saving a cursor";
    db.execute(
        "INSERT INTO subscriber_cursor (subscriber, position) VALUES ($1, $2) \
         ON CONFLICT (subscriber) DO UPDATE SET position = excluded.position",
        &[&subscriber, &to_i64(position.0, "position")?],
        CTX,
    )?;
    Ok(())
}
