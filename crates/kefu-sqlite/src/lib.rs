//! The SQLite store for kefu: the embedded default. One file, WAL, nothing to install (SQLite is compiled in with
//! the default `bundled` feature).
//!
//! [`SqliteStore`] implements [`kefu::store::Store`] and passes kefu's conformance suite: events appended
//! atomically with optimistic concurrency (`BEGIN IMMEDIATE`), each instance's next deadline in an index, the log as
//! an outbox with durable subscriber cursors, idempotency keys. Drive it with [`kefu::store::Runner`].
//!
//! # Example
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use kefu::calendar::CalendarSet;
//! use kefu::machine::{Context, Principal};
//! use kefu::sla::{Clock, ClockCommand, SlaPolicy};
//! use kefu::store::{Runner, Store};
//! use kefu_sqlite::SqliteStore;
//!
//! let dir = tempfile::tempdir()?;
//! let store = SqliteStore::open(dir.path().join("kefu.db"))?;
//! let (system, calendars) = (Principal::system(), CalendarSet::new());
//! let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).single().ok_or("bad date")?;
//!
//! let start = ClockCommand::Start(SlaPolicy::elapsed("B5 first contact", TimeDelta::hours(24)));
//! Runner::new().execute::<Clock, _>(&store, "case-1/b5", &start, &Context::new(t0, &system, &calendars), Some("req-1"))?;
//! let late = Context::new(t0 + TimeDelta::hours(25), &system, &calendars);
//! assert_eq!(Runner::new().tick::<Clock, _>(&store, &late, 100)?.fired.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Choosing a sync mode
//!
//! The database runs in WAL mode. [`Synchronous::Full`] (the default) syncs the WAL to disk at every commit: an
//! acknowledged command survives a power cut. [`Synchronous::Normal`] syncs only at checkpoints: still never
//! corrupt, and a crash of the *process* loses nothing, but a power cut or OS crash may lose the last commits
//! before the checkpoint. It makes single-command commits an order of magnitude faster (one disk sync less per
//! commit; ~25× in the `store` benchmark on the development machine). Choose
//! `Normal` when the ERP can redo the last seconds of commands after a power cut (idempotency keys make redoing
//! safe), `Full` otherwise. Batching several commands into one transaction ([`SqliteStore::transaction`]) buys most
//! of the speed of `Normal` at the safety of `Full`.
//!
//! ```
//! use std::time::Duration;
//! use kefu_sqlite::{Options, SqliteStore, Synchronous};
//!
//! let dir = tempfile::tempdir()?;
//! let options = Options::default().synchronous(Synchronous::Normal).busy_timeout(Duration::from_secs(10));
//! let store = SqliteStore::open_with(dir.path().join("kefu.db"), &options)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Sharing a transaction with the ERP
//!
//! An ERP that uses rusqlite can commit its own rows and kefu's in one transaction: wrap its transaction in an
//! [`InTransaction`], which implements [`Store`] on it. Nothing is committed until the ERP
//! commits; a rollback undoes both. Open the transaction with [`TransactionBehavior::Immediate`] (as kefu does) so
//! that a concurrent writer makes it wait rather than fail half-way, and run [`migrate`] once on the database.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use kefu::approval::{Approval, ApprovalChain, ApprovalCommand};
//! use kefu::calendar::CalendarSet;
//! use kefu::machine::{Context, Principal};
//! use kefu::store::{Runner, Store};
//! use kefu_sqlite::{InTransaction, SqliteStore};
//! use rusqlite::{Connection, TransactionBehavior};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("erp.db");
//! SqliteStore::open(&path)?; // creates kefu's tables
//! let mut conn = Connection::open(&path)?;
//! conn.execute_batch("CREATE TABLE customer (id TEXT PRIMARY KEY)")?;
//!
//! let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
//! let (clerk, calendars) = (Principal::new("clerk"), CalendarSet::new());
//! let request = ApprovalCommand::Request { chain: ApprovalChain::c6_incomplete_file(), subject: "acme".into() };
//! let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
//! tx.execute("INSERT INTO customer (id) VALUES ('acme')", [])?;
//! let kefu = InTransaction::new(&tx);
//! Runner::new().execute::<Approval, _>(&kefu, "acme/c6", &request, &Context::new(now, &clerk, &calendars), None)?;
//! tx.commit()?; // both rows, or (on rollback) neither
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Versions
//!
//! The rusqlite requirement is deliberately wide (`>=0.32, <0.40`): a build may link only one `libsqlite3-sys`, so
//! kefu-sqlite accepts whichever rusqlite matches the one an ERP's sqlx pins (sqlx 0.8.1–0.8.6: libsqlite3-sys
//! 0.30, rusqlite 0.32; sqlx 0.9: libsqlite3-sys 0.30.1–0.37, rusqlite 0.32–0.39).
//!
//! # Schema
//!
//! Tables `kefu_instance`, `kefu_event`, `kefu_key`, `kefu_cursor` and `kefu_meta` (which records the schema
//! version; [`SCHEMA_VERSION`]). Migrations are embedded and run by [`SqliteStore::open`].

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use kefu::store::{Append, Appended, Commit, DueInstance, Position, RecordedEvent, Store, StoreError, StoredInstance};
use rusqlite::{Connection, Transaction, TransactionBehavior};

mod migrate;
mod ops;

pub use migrate::{SCHEMA_VERSION, migrate};
pub use rusqlite;

use ops::backend;

/// SQLite's `synchronous` setting: how often commits wait for the disk (see the crate docs, "Choosing a sync mode").
///
/// # Example
///
/// ```
/// use kefu_sqlite::Synchronous;
///
/// assert_eq!(Synchronous::default(), Synchronous::Full);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Synchronous {
    /// Every commit is on disk before it is acknowledged. The default.
    #[default]
    Full,
    /// Commits are on disk at the next checkpoint; a power cut may lose the last ones (never corrupts).
    Normal,
}

/// How [`SqliteStore::open_with`] configures the connection.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use kefu_sqlite::{Options, Synchronous};
///
/// let options = Options::default().synchronous(Synchronous::Normal).busy_timeout(Duration::from_secs(1));
/// assert_eq!(options.sync_mode(), Synchronous::Normal);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    synchronous: Synchronous,
    busy_timeout: Duration,
}

impl Default for Options {
    /// `synchronous = FULL`, a 5 s busy timeout.
    fn default() -> Self {
        Self { synchronous: Synchronous::Full, busy_timeout: Duration::from_secs(5) }
    }
}

impl Options {
    /// The same options with this sync mode.
    #[must_use]
    pub fn synchronous(self, synchronous: Synchronous) -> Self {
        Self { synchronous, ..self }
    }

    /// The same options, waiting up to `timeout` for another connection's write lock before failing.
    #[must_use]
    pub fn busy_timeout(self, timeout: Duration) -> Self {
        Self { busy_timeout: timeout, ..self }
    }

    /// The sync mode.
    #[must_use]
    pub fn sync_mode(&self) -> Synchronous {
        self.synchronous
    }

    /// Applies the options (and WAL mode) to a connection. Use it for connections you open yourself on a kefu
    /// database.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if a pragma fails.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let conn = rusqlite::Connection::open(dir.path().join("x.db"))?;
    /// kefu_sqlite::Options::default().apply(&conn)?;
    /// let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    /// assert_eq!(mode, "wal");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(&self, conn: &Connection) -> Result<(), StoreError> {
        const CTX: &str = "configuring the connection";
        conn.busy_timeout(self.busy_timeout).map_err(backend(CTX))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(backend(CTX))?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            return Err(StoreError::backend(CTX, format!("the database refused WAL mode (journal_mode is `{mode}`)")));
        }
        let sync = match self.synchronous {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        };
        conn.execute_batch(&format!("PRAGMA synchronous = {sync}")).map_err(backend(CTX))
    }
}

/// A kefu store in one SQLite file. Holds one connection behind a mutex: share it between threads with an `Arc`,
/// or open several stores on the same file (each a connection) for parallel readers; writers take turns
/// (`BEGIN IMMEDIATE`, waiting up to the busy timeout).
///
/// # Example
///
/// See the [crate docs](crate).
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path` with the default [`Options`] and runs the migrations.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the file cannot be opened, the pragmas fail, or the migrations fail.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let store = kefu_sqlite::SqliteStore::open(dir.path().join("kefu.db"))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, &Options::default())
    }

    /// Opens (creating if needed) the store at `path` with `options` and runs the migrations.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::open`].
    ///
    /// # Example
    ///
    /// See the crate docs, "Choosing a sync mode".
    pub fn open_with(path: impl AsRef<Path>, options: &Options) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let conn = Connection::open(path)
            .map_err(|e| StoreError::backend(format!("opening the SQLite store {}", path.display()), e))?;
        Self::from_connection(conn, options)
    }

    /// Wraps a connection you opened: applies `options`, runs the migrations.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::open`].
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let conn = rusqlite::Connection::open(dir.path().join("kefu.db"))?;
    /// let store = kefu_sqlite::SqliteStore::from_connection(conn, &kefu_sqlite::Options::default())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_connection(mut conn: Connection, options: &Options) -> Result<Self, StoreError> {
        options.apply(&conn)?;
        // Every statement kefu runs stays prepared.
        conn.set_prepared_statement_cache_capacity(64);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend("migrating"))?;
        migrate(&tx)?;
        tx.commit().map_err(backend("committing the migrations"))?;
        Ok(Self { conn: Mutex::new(conn) })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock rolls back the open transaction when it unwinds: the connection is usable.
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction, committed if `f` returns `Ok`, rolled back otherwise: several
    /// commands for the price of one commit (one disk sync with [`Synchronous::Full`]).
    ///
    /// # Errors
    ///
    /// `f`'s error, or a [`StoreError::Backend`] if the transaction cannot begin or commit.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use kefu::approval::{Approval, ApprovalChain, ApprovalCommand};
    /// use kefu::calendar::CalendarSet;
    /// use kefu::machine::{Context, Principal};
    /// use kefu::store::{RunError, Runner};
    /// use kefu_sqlite::SqliteStore;
    ///
    /// let dir = tempfile::tempdir()?;
    /// let store = SqliteStore::open(dir.path().join("kefu.db"))?;
    /// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
    /// let (clerk, calendars) = (Principal::new("clerk"), CalendarSet::new());
    /// let ctx = Context::new(now, &clerk, &calendars);
    /// let request = ApprovalCommand::Request { chain: ApprovalChain::c6_incomplete_file(), subject: "file".into() };
    /// store.transaction(|tx| {
    ///     for id in ["x-1", "x-2", "x-3"] {
    ///         Runner::new().execute::<Approval, _>(tx, id, &request, &ctx, None)?;
    ///     }
    ///     Ok::<_, RunError<_>>(())
    /// })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn transaction<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&InTransaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(backend("beginning a transaction"))?;
        let value = f(&InTransaction::new(&tx))?;
        tx.commit().map_err(backend("committing a transaction"))?;
        Ok(value)
    }

    /// Opens a group of writes: until [`SqliteStore::commit_group`], every append (each under a savepoint, so that a
    /// failed one leaves the others) and cursor save joins one transaction, committed at once — one commit for
    /// thousands of commands, for bulk loads and simulations. Reads on this store see the group's writes; other
    /// connections see them only when it commits, and wait for the write lock meanwhile (up to their busy timeout).
    /// Nothing of an uncommitted group survives a crash. Opening a group while one is open does nothing.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the transaction cannot begin (another connection holds the write lock beyond the
    /// busy timeout).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use kefu::approval::{Approval, ApprovalChain, ApprovalCommand};
    /// use kefu::calendar::CalendarSet;
    /// use kefu::machine::{Context, Principal};
    /// use kefu::store::{Runner, Store};
    /// use kefu_sqlite::SqliteStore;
    ///
    /// let dir = tempfile::tempdir()?;
    /// let store = SqliteStore::open(dir.path().join("kefu.db"))?;
    /// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
    /// let (clerk, calendars) = (Principal::new("clerk"), CalendarSet::new());
    /// let request = ApprovalCommand::Request { chain: ApprovalChain::c6_incomplete_file(), subject: "file".into() };
    /// store.begin_group()?;
    /// for id in ["x-1", "x-2", "x-3"] {
    ///     Runner::new().execute::<Approval, _>(&store, id, &request, &Context::new(now, &clerk, &calendars), None)?;
    /// }
    /// store.commit_group()?;
    /// let other = SqliteStore::open(dir.path().join("kefu.db"))?;
    /// assert_eq!(other.load("x-3")?.map(|i| i.version), Some(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn begin_group(&self) -> Result<(), StoreError> {
        let conn = self.lock();
        if !conn.is_autocommit() {
            return Ok(());
        }
        conn.execute_batch("BEGIN IMMEDIATE").map_err(backend("beginning a group of writes"))
    }

    /// Commits the group [`SqliteStore::begin_group`] opened; nothing when none is open.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the commit fails (the group's writes are then rolled back).
    pub fn commit_group(&self) -> Result<(), StoreError> {
        let conn = self.lock();
        if conn.is_autocommit() {
            return Ok(());
        }
        let committed = conn.execute_batch("COMMIT").map_err(backend("committing a group of writes"));
        if committed.is_err() && !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        committed
    }

    /// Runs `f` on the store's connection (e.g. to inspect it or run maintenance such as `PRAGMA wal_checkpoint`).
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let store = kefu_sqlite::SqliteStore::open(dir.path().join("kefu.db"))?;
    /// let sync: i64 = store.with_connection(|c| c.query_row("PRAGMA synchronous", [], |r| r.get(0)))?;
    /// assert_eq!(sync, 2); // FULL
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_connection<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> T {
        f(&mut self.lock())
    }
}

impl Store for SqliteStore {
    fn load(&self, instance: &str) -> Result<Option<StoredInstance>, StoreError> {
        ops::load(&self.lock(), instance)
    }

    fn instance_events(&self, instance: &str, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        ops::instance_events(&self.lock(), instance, after, limit)
    }

    fn append(&self, append: &Append) -> Result<Appended, StoreError> {
        let mut conn = self.lock();
        if !conn.is_autocommit() {
            // A group is open (`begin_group`): the append joins it.
            return append_under_savepoint(&conn, append);
        }
        let tx =
            conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend("beginning an append"))?;
        let appended = ops::append(&tx, append)?; // dropping `tx` on error rolls back
        if matches!(appended, Appended::New(_)) {
            tx.commit().map_err(backend("committing an append"))?;
        }
        Ok(appended)
    }

    fn commit_for_key(&self, key: &str) -> Result<Option<Commit>, StoreError> {
        ops::commit_for_key(&self.lock(), key)
    }

    fn due(&self, machine: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<DueInstance>, StoreError> {
        ops::due(&self.lock(), machine, now, limit)
    }

    fn read(&self, after: Position, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        ops::read(&self.lock(), after, limit)
    }

    fn cursor(&self, subscriber: &str) -> Result<Position, StoreError> {
        ops::cursor(&self.lock(), subscriber)
    }

    fn save_cursor(&self, subscriber: &str, position: Position) -> Result<(), StoreError> {
        ops::save_cursor(&self.lock(), subscriber, position)
    }
}

/// A [`Store`] inside a transaction someone else owns — the ERP's, or [`SqliteStore::transaction`]'s. Nothing it
/// writes is committed until that transaction commits; a rollback undoes it with the ERP's own rows.
///
/// Each append runs under a savepoint, so a failed append (a conflict, say) leaves the transaction as it was and
/// usable. The database must have kefu's tables ([`migrate`]).
///
/// # Example
///
/// See the crate docs, "Sharing a transaction with the ERP".
#[derive(Debug)]
pub struct InTransaction<'a> {
    conn: &'a Connection,
}

impl<'a> InTransaction<'a> {
    /// A store over `tx`.
    #[must_use]
    pub fn new(tx: &'a Transaction<'_>) -> Self {
        Self { conn: tx }
    }
}

impl Store for InTransaction<'_> {
    fn load(&self, instance: &str) -> Result<Option<StoredInstance>, StoreError> {
        ops::load(self.conn, instance)
    }

    fn instance_events(&self, instance: &str, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        ops::instance_events(self.conn, instance, after, limit)
    }

    fn append(&self, append: &Append) -> Result<Appended, StoreError> {
        append_under_savepoint(self.conn, append)
    }

    fn commit_for_key(&self, key: &str) -> Result<Option<Commit>, StoreError> {
        ops::commit_for_key(self.conn, key)
    }

    fn due(&self, machine: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<DueInstance>, StoreError> {
        ops::due(self.conn, machine, now, limit)
    }

    fn read(&self, after: Position, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        ops::read(self.conn, after, limit)
    }

    fn cursor(&self, subscriber: &str) -> Result<Position, StoreError> {
        ops::cursor(self.conn, subscriber)
    }

    fn save_cursor(&self, subscriber: &str, position: Position) -> Result<(), StoreError> {
        ops::save_cursor(self.conn, subscriber, position)
    }
}

/// An append inside a transaction that is already open, under a savepoint: a failed append leaves the transaction as
/// it was and usable.
fn append_under_savepoint(conn: &Connection, append: &Append) -> Result<Appended, StoreError> {
    const CTX: &str = "appending in a shared transaction";
    conn.execute_batch("SAVEPOINT kefu_append").map_err(backend(CTX))?;
    match ops::append(conn, append) {
        Ok(appended) => {
            conn.execute_batch("RELEASE kefu_append").map_err(backend(CTX))?;
            Ok(appended)
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK TO kefu_append; RELEASE kefu_append").map_err(backend(CTX))?;
            Err(e)
        }
    }
}
