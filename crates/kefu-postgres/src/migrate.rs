//! Embedded migrations, in kefu's own schema, recorded in its `schema_version` table.
//!
//! Hand-written on purpose, after weighing refinery and the like: the whole job is a list of SQL strings and one
//! version row. What kefu needs and a migration crate would not give as simply: the schema's name is chosen at run
//! time (one schema per tenant or test) and the history lives inside that schema; migrations run inside the
//! caller's transaction ([`migrate`] takes one, so an ERP can migrate kefu with its own schema changes); every worker
//! process runs them at start, serialized by a transaction-scoped advisory lock (refinery takes no cross-process
//! lock); a schema written by a newer kefu is refused rather than touched; and no dependency tree comes with it.

use kefu::store::StoreError;
use postgres::Transaction;

use crate::error::backend;

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

/// Why kefu refuses a schema name for its tables.
///
/// # Example
///
/// ```
/// use kefu_postgres::{SchemaNameError, check_schema_name};
///
/// check_schema_name("kefu_tenant_7")?;
/// assert_eq!(check_schema_name("information_schema"), Err(SchemaNameError::System("information_schema".into())));
/// assert_eq!(check_schema_name("public"), Err(SchemaNameError::Public));
/// assert!(matches!(check_schema_name("Kefu"), Err(SchemaNameError::Malformed(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaNameError {
    /// Not a name kefu writes unquoted.
    #[error(
        "`{0}` is not a valid schema name: use 1 to 63 lowercase ASCII letters, digits and `_`, not starting with a \
         digit"
    )]
    Malformed(String),
    /// One of PostgreSQL's own schemas.
    #[error(
        "`{0}` is a PostgreSQL system schema (`pg_catalog`, `information_schema`, `pg_toast`, and every `pg_*` name \
         are the server's own): kefu's tables never go there; use a schema of their own, such as `kefu`"
    )]
    System(String),
    /// `public`, which kefu leaves to the application.
    #[error(
        "schema `public` is refused: kefu's tables have short, common names (`event`, `instance`, \
         `schema_version`) that would mix with the application's own; give kefu a schema of its own, such as the \
         default `kefu` (for a role that may not create schemas, a DBA runs `CREATE SCHEMA kefu AUTHORIZATION \
         <role>` once)"
    )]
    Public,
}

/// Checks that `schema` is a name kefu accepts for its schema: 1 to 63 characters, lowercase ASCII letters, digits
/// and `_`, not starting with a digit (so it never needs quoting rules beyond double quotes); not a PostgreSQL
/// system schema (`pg_catalog`, `information_schema`, any `pg_*`); and not `public`, which is the application's
/// (see [`SchemaNameError::Public`]).
///
/// # Errors
///
/// [`SchemaNameError`] saying why.
///
/// # Example
///
/// See [`SchemaNameError`].
pub fn check_schema_name(schema: &str) -> Result<(), SchemaNameError> {
    let well_formed = !schema.is_empty()
        && schema.len() <= 63
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && schema.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !well_formed {
        return Err(SchemaNameError::Malformed(schema.to_owned()));
    }
    // PostgreSQL reserves every `pg_` name for itself; `information_schema` is the SQL standard's catalog views.
    if schema.starts_with("pg_") || schema == "information_schema" {
        return Err(SchemaNameError::System(schema.to_owned()));
    }
    if schema == "public" {
        return Err(SchemaNameError::Public);
    }
    Ok(())
}

/// Whether [`check_schema_name`] accepts `schema`.
///
/// # Example
///
/// ```
/// assert!(kefu_postgres::valid_schema_name("kefu"));
/// assert!(!kefu_postgres::valid_schema_name("pg_catalog"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn valid_schema_name(schema: &str) -> bool {
    check_schema_name(schema).is_ok()
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
/// [`StoreError::Backend`] if the name is refused ([`check_schema_name`]; the source is a [`SchemaNameError`]), a
/// statement fails, or the
/// schema was migrated by a newer kefu-postgres (upgrade this program; never downgrade one that writes to a store).
pub fn migrate(tx: &mut Transaction<'_>, schema: &str) -> Result<u32, StoreError> {
    const CTX: &str = "migrating kefu's schema";
    check_schema_name(schema).map_err(|e| StoreError::backend(CTX, e))?;
    tx.execute("SELECT pg_advisory_xact_lock(hashtext('kefu migrate ' || $1))", &[&schema]).map_err(backend(CTX))?;
    // Created only when missing: `CREATE SCHEMA IF NOT EXISTS` needs the CREATE privilege on the database even when
    // the schema exists, which a role given a schema by its DBA may lack.
    let exists: bool = tx
        .query_one("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", &[&schema])
        .map_err(backend(CTX))?
        .get(0);
    if !exists {
        tx.batch_execute(&format!("CREATE SCHEMA \"{schema}\"")).map_err(backend(CTX))?;
    }
    tx.batch_execute(&format!(
        "SET LOCAL search_path TO \"{schema}\";
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
