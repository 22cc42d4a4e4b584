//! Embedded migrations, recorded in kefu's own table (`kefu_meta`), so an ERP's `PRAGMA user_version` stays its own.

use kefu::store::StoreError;
use rusqlite::{OptionalExtension, Transaction, params};

use crate::ops::backend;

/// The migrations, in order; migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: instances with their next deadline and latest snapshot, the log, idempotency keys, cursors.
    "CREATE TABLE kefu_instance (
        id               TEXT PRIMARY KEY NOT NULL,
        machine          TEXT NOT NULL,
        version          INTEGER NOT NULL,
        due_us           INTEGER,
        due_s            INTEGER,
        due_ns           INTEGER,
        due_label        TEXT,
        snapshot_version INTEGER,
        snapshot_schema  INTEGER,
        snapshot         TEXT
    );
    CREATE INDEX kefu_instance_due ON kefu_instance (machine, due_us, due_ns, id) WHERE due_us IS NOT NULL;
    CREATE TABLE kefu_event (
        position INTEGER PRIMARY KEY,
        instance TEXT NOT NULL,
        version  INTEGER NOT NULL,
        machine  TEXT NOT NULL,
        schema   INTEGER NOT NULL,
        at_s     INTEGER NOT NULL,
        at_ns    INTEGER NOT NULL,
        payload  TEXT NOT NULL,
        UNIQUE (instance, version)
    );
    CREATE TABLE kefu_key (
        key            TEXT PRIMARY KEY NOT NULL,
        instance       TEXT NOT NULL,
        from_version   INTEGER NOT NULL,
        to_version     INTEGER NOT NULL,
        first_position INTEGER,
        last_position  INTEGER
    );
    CREATE TABLE kefu_cursor (
        subscriber TEXT PRIMARY KEY NOT NULL,
        position   INTEGER NOT NULL
    );",
];

/// The schema version this crate writes: the number of embedded migrations.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings kefu's tables in the database up to [`SCHEMA_VERSION`], inside `tx`; returns the version found before.
///
/// [`SqliteStore::open`](crate::SqliteStore::open) calls it; call it yourself in your own migration transaction
/// when you use [`InTransaction`](crate::InTransaction) on a connection you opened. It is idempotent, and touches
/// only tables whose names start with `kefu_`.
///
/// # Errors
///
/// [`StoreError::Backend`] if a statement fails, or if the database was migrated by a newer kefu-sqlite (upgrade
/// this program; never downgrade one that writes to a store).
///
/// # Example
///
/// ```
/// use rusqlite::Connection;
///
/// let mut conn = Connection::open_in_memory()?;
/// let tx = conn.transaction()?;
/// assert_eq!(kefu_sqlite::migrate(&tx)?, 0); // a fresh database
/// assert_eq!(kefu_sqlite::migrate(&tx)?, kefu_sqlite::SCHEMA_VERSION); // idempotent
/// tx.commit()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn migrate(tx: &Transaction<'_>) -> Result<u32, StoreError> {
    const CTX: &str = "migrating kefu's tables";
    tx.execute_batch("CREATE TABLE IF NOT EXISTS kefu_meta (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL)")
        .map_err(backend(CTX))?;
    let found: u32 = tx
        .query_row("SELECT value FROM kefu_meta WHERE key = 'schema_version'", [], |r| r.get(0))
        .optional()
        .map_err(backend(CTX))?
        .unwrap_or(0);
    if found > SCHEMA_VERSION {
        return Err(StoreError::backend(
            CTX,
            format!(
                "the database has kefu schema {found}, newer than the {SCHEMA_VERSION} of this program; upgrade it"
            ),
        ));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(sql).map_err(|e| StoreError::backend(format!("{CTX}: migration {}", i + 1), e))?;
    }
    tx.execute("INSERT OR REPLACE INTO kefu_meta (key, value) VALUES ('schema_version', ?1)", params![SCHEMA_VERSION])
        .map_err(backend(CTX))?;
    Ok(found)
}
