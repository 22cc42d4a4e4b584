//! What goes wrong around the store rather than inside it: a server that never answers, a lock someone else holds,
//! a database that does not exist, connections the server killed, a schema name that is not kefu's to take.

mod common;

use std::error::Error as _;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{fired_per_instance, t};
use kefu::machine::{Context, Principal};
use kefu::store::conformance::{Reminder, ReminderCommand};
use kefu::store::{Position, RunError, Runner, Store, StoreError};
use kefu_postgres::postgres::error::SqlState;
use kefu_postgres::{Options, PgError, PgStore, SchemaNameError};

/// A listener that accepts connections and never says a word, until dropped.
struct SilentServer {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SilentServer {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let port = listener.local_addr().expect("its address").port();
        listener.set_nonblocking(true).expect("non-blocking");
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut held = Vec::new(); // accepted and kept open, never answered
            while !stopping.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((socket, _)) => held.push(socket),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Self { port, stop, thread: Some(thread) }
    }
}

impl Drop for SilentServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The connect timeout covers the whole handshake, not only the TCP connect: a server that accepts and never
/// answers makes `connect` fail within the timeout with a typed, retryable error (plain and TLS-preferring alike).
#[test]
fn connecting_to_a_server_that_never_answers_times_out() {
    let server = SilentServer::start();
    for sslmode in ["disable", "prefer"] {
        let url = format!("postgres://kefu@127.0.0.1:{}/test?sslmode={sslmode}", server.port);
        let started = Instant::now();
        let result = PgStore::connect_with(&url, &Options::default().connect_timeout(Some(Duration::from_millis(300))));
        let elapsed = started.elapsed();
        match result {
            Err(e @ StoreError::Timeout { .. }) => {
                assert!(e.is_retryable());
                let text = e.to_string();
                assert!(text.contains("connect_timeout of 300ms") && text.contains("127.0.0.1"), "{text}");
            }
            other => panic!("sslmode={sslmode}: expected a Timeout, got {other:?}"),
        }
        assert!(elapsed < Duration::from_secs(3), "sslmode={sslmode}: gave up after {elapsed:?}");
    }
}

/// A session holding a row lock kefu needs (the log head) makes a command fail after `lock_timeout` with a typed,
/// retryable error naming the limit and the relation; nothing is written, and once the lock is released the same
/// command succeeds. With no lock timeout, the statement timeout stops it instead.
#[test]
fn a_lock_held_elsewhere_times_out_and_the_command_can_be_retried() {
    let Some(fixture) =
        common::fixture_with(Options::default().pool_size(2).lock_timeout(Some(Duration::from_millis(200))))
    else {
        return;
    };
    let who = Principal::system();
    let ctx = Context::new(t(0), &who, &());
    let add =
        |store: &PgStore| Runner::new().execute::<Reminder, _>(store, "r-1", &ReminderCommand::Add(1), &ctx, None);
    add(&fixture).expect("a first command");
    let log = fixture.read(Position::START, 100).expect("read").len();

    let mut holder = postgres::Client::connect(&fixture.url, postgres::NoTls).expect("connect");
    let mut tx = holder.transaction().expect("begin");
    tx.batch_execute(&format!("UPDATE \"{}\".log_head SET position = position", fixture.schema())).expect("lock");
    let started = Instant::now();
    match add(&fixture) {
        Err(RunError::Store(e @ StoreError::Timeout { .. })) => {
            assert!(e.is_retryable());
            let text = e.to_string();
            assert!(text.contains("(lock_timeout)") && text.contains("55P03") && text.contains("log_head"), "{text}");
        }
        other => panic!("expected a lock timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5), "waited {:?}", started.elapsed());
    assert_eq!(fixture.read(Position::START, 100).expect("read").len(), log, "nothing written");

    // No lock timeout: the statement timeout stops the wait.
    let patient = fixture.another(
        Options::default().pool_size(1).lock_timeout(None).statement_timeout(Some(Duration::from_millis(300))),
    );
    match add(&patient) {
        Err(RunError::Store(e @ StoreError::Timeout { .. })) => {
            assert!(e.to_string().contains("(statement_timeout)"), "{e}");
        }
        other => panic!("expected a statement timeout, got {other:?}"),
    }
    tx.rollback().expect("release the lock");
    let done = add(&fixture).expect("the retried command succeeds");
    assert_eq!(done.commit.to_version, 2);

    // The defaults are set on every session.
    let settings = fixture
        .another(Options::default().pool_size(1))
        .with_client(|c| {
            let show = |c: &mut postgres::Client, name: &str| {
                c.query_one(&format!("SHOW {name}"), &[]).map(|r| r.get::<_, String>(0))
            };
            Ok::<_, postgres::Error>((show(c, "lock_timeout")?, show(c, "statement_timeout")?))
        })
        .expect("a connection")
        .expect("show the settings");
    assert_eq!(settings, ("5s".to_owned(), "30s".to_owned()));
}

/// The server's own words reach the error: message, SQLSTATE, and a typed source to read the code from.
#[test]
fn an_unknown_database_is_named_in_the_error() {
    let Some(url) = common::url() else { return };
    let mut config: postgres::Config = url.parse().expect("the test URL");
    config.dbname("kefu_no_such_database");
    let err = PgStore::from_config(config, &Options::default()).expect_err("no such database");
    let text = err.to_string();
    assert!(text.contains(r#"database "kefu_no_such_database" does not exist"#) && text.contains("3D000"), "{text}");
    assert!(!text.contains("db error"), "{text}");
    let pg = err.source().and_then(|e| e.downcast_ref::<PgError>()).expect("a PgError source");
    assert_eq!(pg.code(), Some(&SqlState::INVALID_CATALOG_NAME));
}

/// Connections the server terminated are not handed out again: the pool checks each one on checkout and replaces
/// the dead, so the next command succeeds.
#[test]
fn connections_killed_by_the_server_are_replaced() {
    let Some(url) = common::url() else { return };
    let schema = common::schema_name();
    let mut config: postgres::Config = url.parse().expect("the test URL");
    config.application_name(&schema); // to find this store's sessions, and only them
    let store = PgStore::from_config(config, &Options::default().schema(&schema).pool_size(2)).expect("connect");
    let fixture = common::Fixture { store, url: url.clone() };
    // Two pooled connections: one held while the other is taken.
    fixture.with_client(|_| fixture.load("r-1").expect("load")).expect("a connection");
    let who = Principal::system();
    let ctx = Context::new(t(0), &who, &());
    Runner::new().execute::<Reminder, _>(&*fixture, "r-1", &ReminderCommand::Arm(t(10)), &ctx, None).expect("arm");

    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    // Two steps, so that only this store's sessions are terminated (in one query the planner may call
    // `pg_terminate_backend` before filtering).
    let pids: Vec<i32> = admin
        .query("SELECT pid FROM pg_stat_activity WHERE application_name = $1", &[&schema])
        .expect("this store's sessions")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(pids.len(), 2, "both pooled connections are open");
    for pid in &pids {
        assert!(admin.query_one("SELECT pg_terminate_backend($1)", &[pid]).expect("terminate").get::<_, bool>(0));
    }
    let started = Instant::now();
    while admin
        .query_one("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", &[&schema])
        .expect("count")
        .get::<_, i64>(0)
        > 0
    {
        assert!(started.elapsed() < Duration::from_secs(10), "the backends did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }

    let done = Runner::new()
        .execute::<Reminder, _>(&*fixture, "r-1", &ReminderCommand::Add(2), &ctx, None)
        .expect("the next command succeeds on a fresh connection");
    assert_eq!(done.commit.to_version, 2);
    let report = Runner::new().tick::<Reminder, _>(&*fixture, &Context::new(t(20), &who, &()), 10).expect("tick");
    assert_eq!(report.fired.len(), 1);
    assert_eq!(fired_per_instance(&fixture).get("r-1"), Some(&1));
}

/// PostgreSQL's own schemas are never kefu's, and `public` is left to the application: refused with a typed error
/// saying why, before anything is created.
#[test]
fn system_schemas_and_public_are_refused() {
    let Some(url) = common::url() else { return };
    for schema in ["information_schema", "pg_catalog", "pg_toast", "pg_kefu", "public"] {
        let err = PgStore::connect_with(&url, &Options::default().schema(schema)).expect_err(schema);
        let why = err.source().and_then(|e| e.downcast_ref::<SchemaNameError>()).expect("a SchemaNameError");
        let expected =
            if schema == "public" { SchemaNameError::Public } else { SchemaNameError::System(schema.to_owned()) };
        assert_eq!(why, &expected);
        assert!(err.to_string().contains(schema), "{err}");
    }
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let found: i64 = admin
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'log_head' \
             AND table_schema IN ('information_schema', 'pg_catalog', 'public')",
            &[],
        )
        .expect("look for kefu's tables")
        .get(0);
    assert_eq!(found, 0, "no kefu table in a system schema or public");
}
