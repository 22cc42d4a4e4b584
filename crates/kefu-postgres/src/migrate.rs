//! Embedded migrations, in kefu's own schema, recorded in its `schema_version` table.

use kefu::store::StoreError;
use postgres::Transaction;

use crate::ops::backend;

/// The migrations, in order; migration `i` brings the schema from version `i` to `i + 1`. They run with kefu's
/// schema first on the `search_path`, so names are unqualified.
const MIGRATIONS: &[&str] = &[
    // 1: instances with their next deadline and latest snapshot, the log and its head, idempotency keys, cursors.
    // Instance ids sort bytewise (`COLLATE "C"`), as in every kefu store, whatever the database's collation.
    "CREATE TABLE instance (
        id               text COLLATE \"C\" PRIMARY KEY,
        machine          text NOT NULL,
        version          bigint NOT NULL,
        due_s            bigint,
        due_ns           integer,
        due_label        text,
        snapshot_version bigint,
        snapshot_schema  integer,
        snapshot         text
    );
    CREATE INDEX instance_due ON instance (machine, due_s, due_ns, id) WHERE due_s IS NOT NULL;
    CREATE TABLE event (
        position bigint PRIMARY KEY,
        instance text NOT NULL,
        version  bigint NOT NULL,
        machine  text NOT NULL,
        schema   integer NOT NULL,
        at_s     bigint NOT NULL,
        at_ns    integer NOT NULL,
        payload  text NOT NULL,
        UNIQUE (instance, version)
    );
    CREATE TABLE log_head (
        id       integer PRIMARY KEY CHECK (id = 1),
        position bigint NOT NULL
    );
    INSERT INTO log_head (id, position) VALUES (1, 0);
    CREATE TABLE command_key (
        key            text PRIMARY KEY,
        instance       text NOT NULL,
        from_version   bigint NOT NULL,
        to_version     bigint NOT NULL,
        first_position bigint,
        last_position  bigint
    );
    CREATE TABLE subscriber_cursor (
        subscriber text PRIMARY KEY,
        position   bigint NOT NULL
    );",
];

/// The schema version this crate writes: the number of embedded migrations.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Whether `schema` is a name kefu accepts for its schema: 1 to 63 characters, lowercase ASCII letters, digits and
/// `_`, not starting with a digit (so it never needs quoting rules beyond double quotes).
#[must_use]
pub fn valid_schema_name(schema: &str) -> bool {
    !schema.is_empty()
        && schema.len() <= 63
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && schema.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Creates `schema` if needed and brings kefu's tables in it up to [`SCHEMA_VERSION`], inside `tx`; returns the
/// version found before. Leaves `schema` first on the transaction's `search_path`.
///
/// [`PgStore::connect`](crate::PgStore::connect) calls it. It is idempotent and safe to run from many processes at
/// once: it takes a transaction-scoped advisory lock on the schema's name, so concurrent migrations run one after
/// the other. It touches nothing outside `schema`.
///
/// # Errors
///
/// [`StoreError::Backend`] if the name is not a [valid schema name](valid_schema_name), a statement fails, or the
/// schema was migrated by a newer kefu-postgres (upgrade this program; never downgrade one that writes to a store).
pub fn migrate(tx: &mut Transaction<'_>, schema: &str) -> Result<u32, StoreError> {
    const CTX: &str = "migrating kefu's schema";
    if !valid_schema_name(schema) {
        return Err(StoreError::backend(
            CTX,
            format!("`{schema}` is not a valid schema name (lowercase letters, digits and `_`, at most 63)"),
        ));
    }
    tx.execute("SELECT pg_advisory_xact_lock(hashtext('kefu migrate ' || $1))", &[&schema]).map_err(backend(CTX))?;
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS \"{schema}\"; SET LOCAL search_path TO \"{schema}\";
         CREATE TABLE IF NOT EXISTS schema_version (
             id      integer PRIMARY KEY CHECK (id = 1),
             version integer NOT NULL
         );"
    ))
    .map_err(backend(CTX))?;
    let found: i32 = tx
        .query_opt("SELECT version FROM schema_version WHERE id = 1", &[])
        .map_err(backend(CTX))?
        .map_or(0, |r| r.get(0));
    let found = u32::try_from(found).map_err(|e| StoreError::backend(format!("{CTX}: schema version {found}"), e))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::backend(
            CTX,
            format!(
                "schema `{schema}` has kefu schema {found}, newer than the {SCHEMA_VERSION} of this program; upgrade it"
            ),
        ));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql).map_err(|e| StoreError::backend(format!("{CTX}: migration {}", i + 1), e))?;
    }
    let version = i32::try_from(SCHEMA_VERSION).unwrap_or(i32::MAX);
    tx.execute(
        "INSERT INTO schema_version (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = $1",
        &[&version],
    )
    .map_err(backend(CTX))?;
    Ok(found)
}
