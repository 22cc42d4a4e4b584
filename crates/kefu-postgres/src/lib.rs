//! The PostgreSQL store for kefu: for when one machine is not enough. Many worker processes on many machines share
//! one database; each due deadline fires exactly once, with no leases to leak.
//!
//! [`PgStore`] implements [`kefu::store::Store`] and passes kefu's conformance suite: events appended atomically
//! with optimistic concurrency, each instance's next deadline in an index, the log as an outbox readable in commit
//! order with durable subscriber cursors, idempotency keys. Drive it with [`kefu::store::Runner`].
//!
//! # Example
//!
//! ```no_run
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use kefu::calendar::CalendarSet;
//! use kefu::machine::{Context, Principal};
//! use kefu::sla::{Clock, ClockCommand, SlaPolicy};
//! use kefu::store::Runner;
//! use kefu_postgres::PgStore;
//!
//! let store = PgStore::connect("postgres://postgres@127.0.0.1:5432/test")?; // migrates schema `kefu`
//! let (system, calendars) = (Principal::system(), CalendarSet::new());
//! let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).single().ok_or("bad date")?;
//!
//! let start = ClockCommand::Start(SlaPolicy::elapsed("B5 first contact", TimeDelta::hours(24)));
//! Runner::new().execute::<Clock, _>(&store, "case-1/b5", &start, &Context::new(t0, &system, &calendars), Some("req-1"))?;
//! // In every worker process, on a beat: fires what is due, each deadline once across all workers.
//! let late = Context::new(t0 + TimeDelta::hours(25), &system, &calendars);
//! let report = Runner::new().tick::<Clock, _>(&store, &late, 100)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # PostgreSQL or SQLite?
//!
//! Pick `kefu-sqlite` when one process owns the rules: one file, nothing to install or operate, and faster per
//! command (no network round trips). Pick PostgreSQL when several processes, on one machine or many, must execute
//! commands and fire deadlines against the same instances — several web servers taking ERP requests, several
//! workers ticking — or when the ERP already lives in PostgreSQL and you want kefu's data backed up, replicated and
//! queried with it. Both pass the same conformance suite; the application code (`Runner`) is the same.
//!
//! # Connecting
//!
//! [`PgStore::connect`] takes a libpq-style connection string — a URL (`postgres://user:password@host:5432/db`)
//! or key-value pairs (`host=… user=… dbname=…`) — and opens connections on demand, up to
//! [`Options::pool_size`] (default 8), shared by all threads using the store. The pool is r2d2's: before a
//! connection is handed out it is checked with an empty query (one round trip), so a connection the server closed
//! meanwhile — a restart, `pg_terminate_backend`, an idle timeout, a failover — is replaced rather than failing the
//! next command. Idle connections are closed after 10 minutes, all after 30. Give the pool at least 2 connections
//! where deadlines are ticked: while a tick's transaction holds one, the runner may read an instance's older
//! events on another (when its snapshot is of an older state schema). Sessions are named `kefu` in
//! `pg_stat_activity` unless the connection string sets `application_name`. kefu's own tests read the string from
//! `KEFU_PG_URL` (default `postgres://postgres@127.0.0.1:5432/test`).
//!
//! # Timeouts
//!
//! Nothing kefu does waits without bound, and every limit that runs out is a [`StoreError::Timeout`]
//! ([`is_retryable`](StoreError::is_retryable)), naming the limit; nothing of the operation was written.
//!
//! | limit | default | bounds |
//! | --- | --- | --- |
//! | [`Options::connect_timeout`] (or `connect_timeout` in the string) | 10 s | a whole connection: TCP connect, TLS, authentication, session setup (per host named) |
//! | [`Options::lock_timeout`] | 5 s | a statement's wait for a lock: an instance row claimed by a tick, the log head held by another append, or a lock someone else took on kefu's tables |
//! | [`Options::statement_timeout`] | 30 s | any one statement, waits included |
//! | [`Options::pool_wait`] | 30 s | the wait for a pooled connection (all busy, or the server unreachable) |
//!
//! The connect timeout covers the handshake because the `postgres` crate's own covers only the TCP connect: a
//! server or proxy that accepts and never answers would otherwise hang `connect` indefinitely. The lock and
//! statement timeouts are set on each of kefu's sessions (`SET lock_timeout …`), so they apply to
//! [`PgStore::with_client`] too.
//!
//! # Errors in the server's words
//!
//! A failure the server reports reaches the error text with its severity, SQLSTATE, message, detail and hint —
//! `connecting to PostgreSQL at db:5432: FATAL 3D000: database "erp" does not exist` — and the error's source is
//! a [`PgError`], from which [`PgError::code`] reads the SQLSTATE. Instance ids, keys and names are checked before
//! any SQL with the rule every kefu store applies ([`kefu::store::check_id`]: not empty, at most 512 bytes, no
//! control character — PostgreSQL could not store a NUL anyway).
//!
//! # TLS
//!
//! With the crate feature `tls` (on by default; rustls with the *ring* provider), the connection string's
//! `sslmode` chooses, as with libpq:
//!
//! | `sslmode` | encrypted | the server is verified |
//! | --- | --- | --- |
//! | `disable` | never | — |
//! | `prefer` (the default) | if the server offers TLS | no |
//! | `require` | always, or fail | no (yes, as `verify-ca`, if `sslrootcert` is given) |
//! | `verify-ca` | always, or fail | its certificate chains to a trusted root |
//! | `verify-full` | always, or fail | as `verify-ca`, and the certificate names the host connected to |
//!
//! Use `verify-full` whenever the network between kefu and the database is not yours: only it stops someone in the
//! middle. Trusted roots are the system's certificate store, or the PEM file named by `sslrootcert=/path/ca.pem`
//! (`sslrootcert=system` names the system's store explicitly); a managed database's CA is usually such a file.
//! Customer data travels in events and snapshots, so rule Q5 (customer information kept confidential) asks for
//! encryption on any shared network. `allow` is refused (use `prefer`); client certificates (`sslcert`,
//! `sslkey`) are not supported. [`Options::ssl_mode`] and [`Options::ssl_root_cert`] give the same settings
//! in code, for a string that does not set them (and for [`PgStore::from_config`]). Built without `tls`, `prefer`
//! connects in plain TCP and `require` and the `verify-` modes fail with an error saying so.
//!
//! ```no_run
//! use kefu_postgres::PgStore;
//!
//! let store = PgStore::connect("postgres://kefu@db.internal:5432/erp?sslmode=verify-full&sslrootcert=/etc/kefu/db-ca.pem")?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Sync, and how an async application uses it
//!
//! kefu's store contract is synchronous, so this crate uses the `postgres` crate: the blocking client of the
//! rust-postgres project, which *is* `tokio-postgres` driven by its own small runtime. An async application (axum,
//! actix) calls the store from `tokio::task::spawn_blocking` (or a dedicated worker thread), never directly on an
//! async task: `let store = Arc::new(store); spawn_blocking(move || runner.execute::<M, _>(&*store, …)).await`.
//! Calling it inside an async task would block the executor (and the `postgres` crate refuses to run inside a
//! tokio runtime's thread).
//!
//! # Migrations
//!
//! Everything lives in one schema, `kefu` by default ([`Options::schema`]; tests use one schema each): tables
//! `instance`, `event`, `log_head`, `command_key`, `subscriber_cursor`, and `schema_version`, which records the
//! version of the embedded migrations ([`SCHEMA_VERSION`]). [`PgStore::connect`] runs [`migrate`]: idempotent, and
//! serialized across processes by an advisory lock, so every worker may run it at start. The schema is created if
//! missing; a role that may not create schemas can be given one (`CREATE SCHEMA kefu AUTHORIZATION app`).
//!
//! The schema name must be 1 to 63 lowercase letters, digits and `_` ([`check_schema_name`]). PostgreSQL's own
//! schemas (`pg_catalog`, `information_schema`, any `pg_*`) are refused, and so is `public`: it is a legitimate
//! schema for an application's tables, but kefu's tables have short, common names (`event`, `instance`,
//! `schema_version`) that would mix with the application's, so kefu always keeps a schema of its own.
//!
//! # Claiming due deadlines: exactly once, no leases
//!
//! [`Store::fire_due`] is one short transaction: `SELECT … FOR UPDATE SKIP LOCKED` row-locks up to `limit` due
//! instances that no other worker holds, each is loaded and handed to the runner's `fire`, and the fired events
//! are appended and the next deadlines moved in the same transaction. Workers never wait for each other's
//! instances and never fire the same one: a locked row is skipped, and once the holder commits the row's deadline
//! has moved so it no longer matches. If a worker dies mid-way, PostgreSQL rolls its transaction back and releases
//! the locks: nothing to expire, and the next tick fires those deadlines. Keep `limit` moderate (tens to hundreds):
//! it bounds how long the rows stay locked. A command executed on a claimed instance meanwhile waits for the
//! claim's commit, then conflicts and is decided again by the runner on the new state.
//!
//! # The outbox: commit order and crashed readers
//!
//! Log positions are taken from a single-row counter (`log_head`) bumped at the end of each append transaction;
//! its row lock is held until the commit, so positions are dense and become visible in order: a reader that sees
//! position `p` already sees every event before it, and a subscriber may keep a single number as its cursor. The
//! price is that the last step of appends (insert the events, commit — one WAL flush) is serialized across all
//! writers of the schema: the database's commit latency bounds appends per second (use
//! [`Options::synchronous_commit`] or batch commands where that matters). A tick appends all its fired events in one
//! such step.
//!
//! Delivery is at least once: a subscriber reads after its cursor ([`Store::read`]), handles the events, then saves
//! the cursor ([`Store::save_cursor`]). A reader that crashes between handling and saving reads those events again
//! on restart; it de-duplicates by the event's [`Position`] (unique in the log), e.g. by recording the last position
//! it applied in the same transaction as its own effects.

use std::time::Duration;

use chrono::{DateTime, Utc};
use kefu::store::{
    Append, Appended, Commit, DueInstance, IdKind, Position, RecordedEvent, Store, StoreError, StoredInstance, check_id,
};
use postgres::{Client, Config};

mod error;
mod migrate;
mod ops;
mod pool;
mod tls;

pub use error::PgError;
pub use migrate::{SCHEMA_VERSION, SchemaNameError, check_schema_name, migrate, valid_schema_name};
pub use postgres;
pub use tls::{SslMode, UnknownSslMode};

use error::backend;
use ops::Db;
use pool::{Connector, Pool};

/// How [`PgStore::connect_with`] sets up the store.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use kefu_postgres::{Options, SslMode};
///
/// let options = Options::default()
///     .schema("kefu_tenant_7")
///     .pool_size(4)
///     .lock_timeout(Some(Duration::from_secs(2)))
///     .ssl_mode(SslMode::VerifyFull);
/// assert_eq!(options.schema_name(), "kefu_tenant_7");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    schema: String,
    pool_size: usize,
    pool_wait: Duration,
    connect_timeout: Option<Duration>,
    lock_timeout: Option<Duration>,
    statement_timeout: Option<Duration>,
    synchronous_commit: bool,
    ssl_mode: Option<SslMode>,
    ssl_root_cert: Option<String>,
}

impl Default for Options {
    /// Schema `kefu`, 8 connections, 30 s to wait for one, a 10 s connect timeout, a 5 s lock timeout and a 30 s
    /// statement timeout, `synchronous_commit` as the server has it, TLS as the connection string says (`prefer`
    /// when it says nothing).
    fn default() -> Self {
        Self {
            schema: "kefu".into(),
            pool_size: 8,
            pool_wait: Duration::from_secs(30),
            connect_timeout: Some(Duration::from_secs(10)),
            lock_timeout: Some(Duration::from_secs(5)),
            statement_timeout: Some(Duration::from_secs(30)),
            synchronous_commit: true,
            ssl_mode: None,
            ssl_root_cert: None,
        }
    }
}

impl Options {
    /// The same options with kefu's tables in `schema` (see [`check_schema_name`]).
    #[must_use]
    pub fn schema(self, schema: impl Into<String>) -> Self {
        Self { schema: schema.into(), ..self }
    }

    /// The same options with up to `size` connections (at least 1; see the crate docs, "Connecting", for why a
    /// ticking process wants 2 or more).
    #[must_use]
    pub fn pool_size(self, size: usize) -> Self {
        Self { pool_size: size.max(1), ..self }
    }

    /// The same options, waiting up to `wait` for a free connection before failing with
    /// [`StoreError::Timeout`]. While the server is unreachable, every operation waits this long (the pool keeps
    /// trying to connect meanwhile).
    #[must_use]
    pub fn pool_wait(self, wait: Duration) -> Self {
        Self { pool_wait: wait, ..self }
    }

    /// The same options with `synchronous_commit = off` on kefu's connections when `false`: commits return before
    /// the WAL is flushed. Never corrupt, and a crash of kefu's process loses nothing, but a crash of the *database
    /// server* may lose the last commits (a fraction of a second). Like SQLite's `NORMAL`: for when the ERP can redo
    /// the last commands (idempotency keys make that safe). `true` (the default) leaves the server's setting.
    #[must_use]
    pub fn synchronous_commit(self, on: bool) -> Self {
        Self { synchronous_commit: on, ..self }
    }

    /// The same options with this connect timeout (`None`: wait as long as the OS and the server do), used unless
    /// the connection string sets `connect_timeout` itself. It bounds the whole connection — TCP connect, TLS,
    /// authentication and kefu's session setup — once per host the connection string names; when it runs out the
    /// error is a [`StoreError::Timeout`].
    #[must_use]
    pub fn connect_timeout(self, timeout: Option<Duration>) -> Self {
        Self { connect_timeout: timeout, ..self }
    }

    /// The same options with this `lock_timeout` on kefu's sessions (`None`: wait for locks without limit). A
    /// statement that waits longer for a lock — an instance row a tick has claimed, the log head another append
    /// holds, or a lock someone else's session took on kefu's tables — fails with a [`StoreError::Timeout`] naming
    /// `lock_timeout` and the locked relation; nothing of the operation is written, so it can be retried. kefu's own
    /// locks are held for milliseconds (a tick's claim for as long as it fires its `limit`); the 5 s default leaves
    /// room for a busy server.
    #[must_use]
    pub fn lock_timeout(self, timeout: Option<Duration>) -> Self {
        Self { lock_timeout: timeout, ..self }
    }

    /// The same options with this `statement_timeout` on kefu's sessions (`None`: no limit): any one statement that
    /// runs longer, waiting for locks included, fails with a [`StoreError::Timeout`] naming `statement_timeout`.
    /// The default, 30 s, is far above what kefu's statements take; it also applies to
    /// [`PgStore::with_client`]'s statements (`SET statement_timeout` there for long maintenance).
    #[must_use]
    pub fn statement_timeout(self, timeout: Option<Duration>) -> Self {
        Self { statement_timeout: timeout, ..self }
    }

    /// The same options with this TLS mode, used unless the connection string sets `sslmode` itself (see the
    /// crate docs, "TLS"). Needs the `tls` feature for any mode but [`SslMode::Disable`] and [`SslMode::Prefer`].
    #[must_use]
    pub fn ssl_mode(self, mode: SslMode) -> Self {
        Self { ssl_mode: Some(mode), ..self }
    }

    /// The same options trusting the CA certificates in this PEM file (`system`: the system's store, the default),
    /// used unless the connection string sets `sslrootcert` itself.
    #[must_use]
    pub fn ssl_root_cert(self, path: impl Into<String>) -> Self {
        Self { ssl_root_cert: Some(path.into()), ..self }
    }

    /// The schema name.
    #[must_use]
    pub fn schema_name(&self) -> &str {
        &self.schema
    }

    /// The statements that set up each of kefu's sessions.
    fn session_setup(&self) -> String {
        // Whole milliseconds, rounded up: `0` would mean no limit.
        let ms = |d: Option<Duration>| d.map_or(0, |d| d.as_nanos().div_ceil(1_000_000).max(1));
        let mut setup = format!(
            "SET search_path TO \"{}\"; SET lock_timeout = {}; SET statement_timeout = {};",
            self.schema,
            ms(self.lock_timeout),
            ms(self.statement_timeout)
        );
        if !self.synchronous_commit {
            setup.push_str(" SET synchronous_commit TO off;");
        }
        setup
    }
}

/// A kefu store in a PostgreSQL schema, with a pool of connections: share one between threads (with an `Arc`),
/// and run one per process on as many processes and machines as needed.
///
/// # Example
///
/// See the [crate docs](crate).
#[derive(Debug)]
pub struct PgStore {
    pool: Pool,
    schema: String,
}

impl PgStore {
    /// Connects to the database at `url` (see the crate docs, "Connecting") with the default [`Options`] and
    /// migrates schema `kefu`.
    ///
    /// # Errors
    ///
    /// - [`StoreError::Timeout`] if the server does not complete the connection within the connect timeout;
    /// - [`StoreError::Backend`] if the string is malformed, the schema name is refused ([`check_schema_name`]),
    ///   TLS cannot be set up, the server refuses the connection, or the migrations fail — with the server's own
    ///   words ([`PgError`]).
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, &Options::default())
    }

    /// Connects to the database at `url` with `options` and migrates the schema.
    ///
    /// # Errors
    ///
    /// As [`PgStore::connect`].
    pub fn connect_with(url: &str, options: &Options) -> Result<Self, StoreError> {
        let (rest, tls) = tls::take_tls_params(url)?;
        let config: Config = rest.parse().map_err(backend("parsing the PostgreSQL connection string"))?;
        let mode = tls.mode.or(options.ssl_mode).unwrap_or_default();
        let root_cert = tls.root_cert.or_else(|| options.ssl_root_cert.clone());
        Self::open(config, options, mode, root_cert.as_deref())
    }

    /// A store on a [`Config`] you built: applies `options` (the connect timeout if the config has none, the TLS
    /// mode if set, else the config's), migrates the schema.
    ///
    /// # Errors
    ///
    /// As [`PgStore::connect`].
    pub fn from_config(config: Config, options: &Options) -> Result<Self, StoreError> {
        use postgres::config::SslMode as Pg;
        let mode = options.ssl_mode.unwrap_or(match config.get_ssl_mode() {
            Pg::Disable => SslMode::Disable,
            Pg::Require => SslMode::Require,
            _ => SslMode::Prefer,
        });
        Self::open(config, options, mode, options.ssl_root_cert.as_deref())
    }

    fn open(mut config: Config, options: &Options, mode: SslMode, root_cert: Option<&str>) -> Result<Self, StoreError> {
        check_schema_name(&options.schema).map_err(|e| StoreError::backend("opening the PostgreSQL store", e))?;
        if config.get_connect_timeout().is_none() {
            if let Some(timeout) = options.connect_timeout {
                config.connect_timeout(timeout);
            }
        }
        // Named in `pg_stat_activity`, unless the connection string names it.
        if config.get_application_name().is_none() {
            config.application_name("kefu");
        }
        let (tls, pg_mode) = tls::Tls::new(mode, root_cert)?;
        config.ssl_mode(pg_mode);
        // Room for every pooled connection and the migration's, before new attempts behind a silent server fail
        // at once (see `Connector::connect`).
        let connector = Connector::new(config, tls, options.session_setup(), options.pool_size + 1);
        let pool = Pool::new(connector, options.pool_size, options.pool_wait);
        let mut conn = pool.connect()?;
        let mut tx = conn.client.transaction().map_err(backend("migrating"))?;
        migrate(&mut tx, &options.schema)?;
        tx.commit().map_err(backend("committing the migrations"))?;
        Ok(Self { pool, schema: options.schema.clone() })
    }

    /// The schema holding kefu's tables.
    #[must_use]
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Runs `f` on one of the store's connections (its `search_path` starts with kefu's schema, and kefu's lock
    /// and statement timeouts apply), e.g. to inspect the tables or for maintenance.
    ///
    /// # Errors
    ///
    /// [`StoreError::Timeout`] if no connection can be had within [`Options::pool_wait`].
    pub fn with_client<T>(&self, f: impl FnOnce(&mut Client) -> T) -> Result<T, StoreError> {
        let mut conn = self.pool.get()?;
        Ok(f(&mut conn.client))
    }

    fn append_once(&self, a: &Append) -> Result<Option<Appended>, StoreError> {
        const CTX: &str = "appending events";
        let mut conn = self.pool.get()?;
        let pool::Conn { client, statements } = &mut *conn;
        let mut tx = client.transaction().map_err(backend(CTX))?;
        let mut db = Db { client: &mut tx, statements };
        if let Some(key) = &a.key {
            if let Some(first) = ops::commit_for_key(&mut db, key)? {
                return ops::repeated_key(a, key, first).map(Some);
            }
        }
        ops::move_head(&mut db, a)?;
        let Some(mut commits) = ops::write_events(&mut db, &[a])? else {
            return Ok(None); // the key was committed meanwhile: rolled back on drop
        };
        tx.commit().map_err(backend("committing an append"))?;
        commits.pop().map(Appended::New).map(Some).ok_or_else(|| StoreError::backend(CTX, "no commit"))
    }
}

impl Store for PgStore {
    fn load(&self, instance: &str) -> Result<Option<StoredInstance>, StoreError> {
        check_id(IdKind::Instance, instance)?;
        let mut conn = self.pool.get()?;
        let pool::Conn { client, statements } = &mut *conn;
        ops::load(&mut Db { client, statements }, instance)
    }

    fn instance_events(&self, instance: &str, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        check_id(IdKind::Instance, instance)?;
        let mut conn = self.pool.get()?;
        let pool::Conn { client, statements } = &mut *conn;
        ops::instance_events(&mut Db { client, statements }, instance, after, limit)
    }

    fn append(&self, append: &Append) -> Result<Appended, StoreError> {
        // Before any SQL: PostgreSQL alone would refuse a NUL, and with a bare "invalid byte sequence".
        append.check_ids()?;
        let raced = match self.append_once(append) {
            Ok(Some(appended)) => return Ok(appended),
            // Another transaction committed the same key between our look-up and our insert: ours was rolled back.
            Ok(None) => None,
            // The same command, sent twice at once, conflicts with itself: the first one's key is the answer.
            Err(e @ StoreError::Conflict { .. }) => Some(e),
            Err(e) => return Err(e),
        };
        let Some(key) = append.key.as_deref() else {
            return Err(raced.unwrap_or_else(|| StoreError::backend("appending events", "a key race without a key")));
        };
        match (self.commit_for_key(key)?, raced) {
            (Some(first), _) => ops::repeated_key(append, key, first),
            (None, Some(conflict)) => Err(conflict),
            (None, None) => Err(StoreError::backend("appending events", format!("key `{key}` vanished"))),
        }
    }

    fn commit_for_key(&self, key: &str) -> Result<Option<Commit>, StoreError> {
        check_id(IdKind::Key, key)?;
        let mut conn = self.pool.get()?;
        let pool::Conn { client, statements } = &mut *conn;
        ops::commit_for_key(&mut Db { client, statements }, key)
    }

    fn due(&self, machine: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<DueInstance>, StoreError> {
        check_id(IdKind::Machine, machine)?;
        let mut conn = self.pool.get()?;
        let pool::Conn { client, statements } = &mut *conn;
        ops::due(&mut Db { client, statements }, machine, now, limit)
    }

    /// Claims up to `limit` due instances with `FOR UPDATE SKIP LOCKED`, fires them and appends what `fire`
    /// returns, all in one transaction (see the crate docs, "Claiming due deadlines"). Instances another worker
    /// holds are skipped, not waited for.
    ///
    /// An append returned by `fire` must be for the instance it was handed, decided on its loaded version (as the
    /// runner's are); any other is skipped. An append whose key is already recorded for the same instance counts as
    /// its first commit. If anything fails, nothing of this call is committed.
    fn fire_due(
        &self,
        machine: &str,
        now: DateTime<Utc>,
        limit: usize,
        fire: &mut dyn FnMut(&StoredInstance) -> Option<Append>,
    ) -> Result<Vec<Commit>, StoreError> {
        const CTX: &str = "firing due deadlines";
        check_id(IdKind::Machine, machine)?;
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut conn = self.pool.get()?;
        let pool::Conn { client, statements } = &mut *conn;
        let mut tx = client.transaction().map_err(backend(CTX))?;
        let mut db = Db { client: &mut tx, statements };
        let mut appends = Vec::new();
        let mut duplicates = Vec::new();
        for id in ops::claim_due(&mut db, machine, now, limit)? {
            // The row is locked by us: the head we load is the latest and stays so until we commit.
            let Some(stored) = ops::load(&mut db, &id)? else { continue };
            let Some(append) = fire(&stored) else { continue };
            if append.instance != stored.instance || append.expected != stored.version {
                continue;
            }
            append.check_ids()?;
            if append.machine != stored.machine {
                return Err(StoreError::WrongMachine {
                    instance: stored.instance,
                    stored: stored.machine,
                    requested: append.machine,
                });
            }
            if let Some(key) = &append.key {
                if let Some(first) = ops::commit_for_key(&mut db, key)? {
                    duplicates.push(ops::repeated_key(&append, key, first)?.commit().clone());
                    continue;
                }
            }
            ops::move_head(&mut db, &append)?;
            appends.push(append);
        }
        // All events in one go at the end: the log head's lock is held only for the inserts and the commit.
        let refs: Vec<&Append> = appends.iter().collect();
        let Some(mut commits) = ops::write_events(&mut db, &refs)? else {
            return Err(StoreError::backend(CTX, "an idempotency key was recorded concurrently; tick again"));
        };
        tx.commit().map_err(backend("committing fired deadlines"))?;
        commits.extend(duplicates);
        Ok(commits)
    }

    fn read(&self, after: Position, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        let mut conn = self.pool.get()?;
        let pool::Conn { client, statements } = &mut *conn;
        ops::read(&mut Db { client, statements }, after, limit)
    }

    fn cursor(&self, subscriber: &str) -> Result<Position, StoreError> {
        check_id(IdKind::Subscriber, subscriber)?;
        let mut conn = self.pool.get()?;
        let pool::Conn { client, statements } = &mut *conn;
        ops::cursor(&mut Db { client, statements }, subscriber)
    }

    fn save_cursor(&self, subscriber: &str, position: Position) -> Result<(), StoreError> {
        check_id(IdKind::Subscriber, subscriber)?;
        let mut conn = self.pool.get()?;
        let pool::Conn { client, statements } = &mut *conn;
        ops::save_cursor(&mut Db { client, statements }, subscriber, position)
    }
}
