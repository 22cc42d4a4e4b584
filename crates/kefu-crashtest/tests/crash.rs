//! The crash test (issue 5, §4): writer and subscriber processes killed with SIGKILL at random moments, against
//! SQLite and PostgreSQL; then every acknowledged command is in the log, instance versions are dense, every armed
//! deadline fired exactly once and the outbox delivered every event (exactly once, de-duplicated). See the crate
//! docs (`src/lib.rs`) for the workload and the checks.
//!
//! The CI version runs 20 kill rounds per backend, and the desk's first 45 days. The long version:
//!
//! ```text
//! KEFU_CRASH_ROUNDS=500 KEFU_CRASH_DESK_DAYS=91 cargo test -p kefu-crashtest --release -- --nocapture
//! ```
//!
//! The seed of the kill moments is printed at the start; `KEFU_CRASH_SEED=<seed>` replays it (the kill moments, not
//! the scheduling). `KEFU_CRASH_MAX_KILL_MS` (default 250) bounds how long a process may run before its kill.
//!
//! PostgreSQL: `KEFU_PG_URL`, or `postgres://postgres@127.0.0.1:5432/test`. When it is unreachable the PostgreSQL
//! half is skipped with a message if `KEFU_PG_URL` is unset, and fails if it is set. Each run uses a fresh schema
//! and drops it at the end.
//!
//! The children are this test binary, re-run with `KEFU_CRASH_ROLE` set: the `child` test is their entry point (it
//! does nothing in a normal run).

use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kefu_crashtest::desk::run_desk;
use kefu_crashtest::{Backend, Config, ROLE, child_main, run};

/// Kill rounds per backend when `KEFU_CRASH_ROUNDS` is unset.
const CI_ROUNDS: u32 = 20;

/// Days of the desk's quarter played when `KEFU_CRASH_DESK_DAYS` is unset (91: the whole quarter).
const CI_DESK_DAYS: i64 = 45;

fn desk_days() -> i64 {
    std::env::var("KEFU_CRASH_DESK_DAYS")
        .ok()
        .map_or(CI_DESK_DAYS, |v| v.parse().unwrap_or_else(|_| panic!("KEFU_CRASH_DESK_DAYS=`{v}` is not a number")))
}

/// A child process's entry point (a writer or the subscriber); does nothing in a normal run.
#[test]
fn child() {
    child_main();
}

fn child_command() -> Command {
    let mut cmd = Command::new(std::env::current_exe().expect("the test binary"));
    cmd.args(["child", "--exact", "--nocapture", "--test-threads=1"]);
    cmd
}

fn config(backend: &str) -> Config {
    let config = Config::from_env(CI_ROUNDS);
    eprintln!(
        "[{backend}] crash test: {} rounds, seed {} (KEFU_CRASH_SEED={} to reproduce)",
        config.rounds, config.seed, config.seed
    );
    config
}

#[test]
fn sqlite_loses_nothing_when_processes_are_killed() {
    if std::env::var_os(ROLE).is_some() {
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let backend = Backend::Sqlite(dir.path().join("kefu.db"));
    drop(backend.open()); // create and migrate before the children race for it
    let summary = run("sqlite", &backend, &config("sqlite"), &child_command);
    assert!(summary.killed > 0, "no process was killed: raise KEFU_CRASH_MAX_KILL_MS");
}

/// The connection string, if the database is reachable; `None` (after saying why) if the test must be skipped.
fn pg_url() -> Option<String> {
    let from_env = std::env::var("KEFU_PG_URL").ok().filter(|u| !u.is_empty());
    let url = from_env.clone().unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let probe = url.parse::<postgres::Config>().map_err(|e| e.to_string()).and_then(|mut config| {
        config.connect_timeout(Duration::from_secs(5));
        config.connect(postgres::NoTls).map(drop).map_err(|e| e.to_string())
    });
    match (probe, from_env) {
        (Ok(()), _) => Some(url),
        (Err(e), Some(_)) => panic!("KEFU_PG_URL is set but PostgreSQL at `{url}` is unreachable: {e}"),
        (Err(e), None) => {
            eprintln!(
                "SKIPPED the PostgreSQL crash test: PostgreSQL is unreachable at `{url}` ({e}) and KEFU_PG_URL is \
                 unset; set KEFU_PG_URL to run it"
            );
            None
        }
    }
}

/// Drops the run's schema at the end, whatever happened.
struct DropSchema(String, String);

impl Drop for DropSchema {
    fn drop(&mut self) {
        let dropped = postgres::Client::connect(&self.0, postgres::NoTls)
            .and_then(|mut c| c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.1)));
        if let Err(e) = dropped {
            eprintln!("dropping the crash test's schema {}: {e}", self.1);
        }
    }
}

#[test]
fn postgres_loses_nothing_when_processes_are_killed() {
    if std::env::var_os(ROLE).is_some() {
        return;
    }
    let Some(url) = pg_url() else { return };
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let schema = format!("kefu_crash_{}_{nanos}", std::process::id());
    let _drop = DropSchema(url.clone(), schema.clone());
    let backend = Backend::Postgres { url, schema };
    drop(backend.open()); // create and migrate before the children race for it
    let summary = run("postgres", &backend, &config("postgres"), &child_command);
    assert!(summary.killed > 0, "no process was killed: raise KEFU_CRASH_MAX_KILL_MS");
}

/// The desk (issue 9, §2): desk worker processes killed at random moments, among them between a reaction pass's
/// appends and its cursor save, on a seeded quarter; then no obligation lacks its callback, no problem its case,
/// nothing is doubled (see `kefu_crashtest::desk`).
#[test]
fn sqlite_desk_workers_killed_between_append_and_cursor_save_lose_and_double_nothing() {
    if std::env::var_os(ROLE).is_some() {
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let backend = Backend::Sqlite(dir.path().join("desk.db"));
    drop(backend.open());
    let summary = run_desk("sqlite", &backend, &config("sqlite desk"), desk_days(), &child_command);
    assert!(summary.killed_before_cursor_save > 0, "no worker was killed before its cursor save: {summary:?}");
}

#[test]
fn postgres_desk_workers_killed_between_append_and_cursor_save_lose_and_double_nothing() {
    if std::env::var_os(ROLE).is_some() {
        return;
    }
    let Some(url) = pg_url() else { return };
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let schema = format!("kefu_crash_desk_{}_{nanos}", std::process::id());
    let _drop = DropSchema(url.clone(), schema.clone());
    let backend = Backend::Postgres { url, schema };
    drop(backend.open());
    let summary = run_desk("postgres", &backend, &config("postgres desk"), desk_days(), &child_command);
    assert!(summary.killed_before_cursor_save > 0, "no worker was killed before its cursor save: {summary:?}");
}
